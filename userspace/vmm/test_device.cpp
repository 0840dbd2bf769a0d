// SPDX-License-Identifier: GPL-2.0
#include "test_device.h"

namespace vmm
{

uint64_t TestDevice::read(uint64_t, unsigned)
{
	mark_not_emulated(); // the device has nothing to read
	return 0;
}

void TestDevice::write(uint64_t offset, unsigned length, uint64_t value)
{
	if (offset != 0 || length != 4) {
		mark_not_emulated();
		return;
	}
	if (on_exit_)
		on_exit_(int(value & 0xff));
}

void TestDevice::write_fdt(FdtWriter &w, const FdtRefs &) const
{
	w.begin_node(fdt_node_name(name(), base()));
	w.prop_string("compatible", "avcpu,test-device");
	w.prop_reg("reg", {base(), size});
	w.end_node();
}

} // namespace vmm
