// SPDX-License-Identifier: GPL-2.0
#include "device_tree.h"

#include <cstdio>

extern "C" {
#include <libfdt.h>
}

#include "avcpu/runner.h"

namespace vmm
{

namespace
{

// Writes into blob with libfdt's sequential-write API; any failure sets err.
class Writer
{
public:
	explicit Writer(std::vector<uint8_t> &blob) : b_(blob.data()) {}
	int err = 0;

	void check(int r)
	{
		if (r < 0 && !err)
			err = r;
	}
	void begin(const char *name) { check(fdt_begin_node(b_, name)); }
	void end() { check(fdt_end_node(b_)); }
	void prop(const char *name, const std::string &s)
	{
		check(fdt_property(b_, name, s.c_str(), int(s.size() + 1)));
	}
	void prop(const char *name, const void *data, int len)
	{
		check(fdt_property(b_, name, data, len));
	}
	void u32(const char *name, uint32_t v) { check(fdt_property_u32(b_, name, v)); }
	void reg64(const char *name, uint64_t base, uint64_t size)
	{
		fdt64_t cells[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};
		prop(name, cells, sizeof(cells));
	}
	void *blob() { return b_; }

private:
	void *b_;
};

std::string node(const char *name, uint64_t addr)
{
	char buf[64];
	std::snprintf(buf, sizeof(buf), "%s@%llx", name, (unsigned long long)addr);
	return buf;
}

} // namespace

std::vector<uint8_t> build_fdt(const MachineLayout &m, std::string &error)
{
	std::vector<uint8_t> blob(size_t{64} * 1024);
	Writer w(blob);
	const uint32_t clock_phandle = 1;

	w.check(fdt_create(w.blob(), int(blob.size())));
	w.check(fdt_finish_reservemap(w.blob()));
	w.begin("");
	w.u32("#address-cells", 2);
	w.u32("#size-cells", 2);
	w.prop("compatible", std::string("avcpu,virt"));
	w.prop("model", std::string("avcpu-run"));

	w.begin("chosen");
	w.prop("stdout-path", "/" + node("pl011", m.uart_base));
	w.prop("bootargs", m.bootargs);
	w.end();

	w.begin(node("memory", m.ram_base).c_str());
	w.prop("device_type", std::string("memory"));
	w.reg64("reg", m.ram_base, m.ram_size);
	w.end();

	w.begin("cpus");
	w.u32("#address-cells", 1);
	w.u32("#size-cells", 0);
	for (unsigned i = 0; i < m.cpus; i++) {
		uint64_t mpidr = avcpu::default_mpidr(i);
		w.begin(node("cpu", mpidr).c_str());
		w.prop("device_type", std::string("cpu"));
		w.prop("compatible", std::string("arm,armv8"));
		w.u32("reg", uint32_t(mpidr));
		w.prop("enable-method", std::string("psci"));
		w.end();
	}
	w.end();

	w.begin("psci");
	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2";
	w.prop("compatible", psci_compat, sizeof(psci_compat));
	w.prop("method", std::string("hvc"));
	w.end();

	// The PL011 binding wants its clocks; a fixed one serves both.
	w.begin("apb-pclk");
	w.prop("compatible", std::string("fixed-clock"));
	w.u32("#clock-cells", 0);
	w.u32("clock-frequency", 24000000);
	w.prop("clock-output-names", std::string("clk24mhz"));
	w.u32("phandle", clock_phandle);
	w.end();

	w.begin(node("pl011", m.uart_base).c_str());
	static const char uart_compat[] = "arm,pl011\0arm,primecell";
	w.prop("compatible", uart_compat, sizeof(uart_compat));
	w.reg64("reg", m.uart_base, m.uart_size);
	static const char clock_names[] = "uartclk\0apb_pclk";
	w.prop("clock-names", clock_names, sizeof(clock_names));
	fdt32_t clocks[2] = {cpu_to_fdt32(clock_phandle), cpu_to_fdt32(clock_phandle)};
	w.prop("clocks", clocks, sizeof(clocks));
	w.end();

	w.begin(node("test-device", m.testdev_base).c_str());
	w.prop("compatible", std::string("avcpu,test-device"));
	w.reg64("reg", m.testdev_base, m.testdev_size);
	w.end();

	w.end();
	w.check(fdt_finish(w.blob()));
	if (w.err) {
		error = std::string("device tree: ") + fdt_strerror(w.err);
		return {};
	}
	blob.resize(fdt_totalsize(w.blob()));
	return blob;
}

} // namespace vmm
