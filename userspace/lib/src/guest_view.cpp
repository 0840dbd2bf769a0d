// SPDX-License-Identifier: GPL-2.0
#include "avcpu/guest_view.h"

#include <cstring>

namespace avcpu
{

bool GuestView::add(uint64_t gpa, uint8_t *host, uint64_t size)
{
	if (!size || !host || gpa + size < gpa)
		return false;
	for (const auto &r : regions_)
		if (gpa < r.gpa + r.size && r.gpa < gpa + size)
			return false;
	regions_.push_back({gpa, host, size});
	return true;
}

uint8_t *GuestView::translate(uint64_t gpa, uint64_t length) const
{
	for (const auto &r : regions_) {
		if (gpa < r.gpa || gpa - r.gpa >= r.size)
			continue;
		// Written so that nothing overflows: the room left in the region from gpa.
		uint64_t offset = gpa - r.gpa;
		if (length > r.size - offset)
			return nullptr;
		return r.host + offset;
	}
	return nullptr;
}

bool GuestView::read(uint64_t gpa, void *out, size_t length) const
{
	const uint8_t *p = translate(gpa, length);
	if (!p)
		return false;
	std::memcpy(out, p, length);
	return true;
}

bool GuestView::write(uint64_t gpa, const void *in, size_t length) const
{
	uint8_t *p = translate(gpa, length);
	if (!p)
		return false;
	std::memcpy(p, in, length);
	return true;
}

} // namespace avcpu
