// SPDX-License-Identifier: GPL-2.0
// The guest's memory as a device sees it: the regions of guest physical address space that
// are RAM, each backed by host memory. Every access a device makes on the guest's behalf
// (a virtqueue's rings, descriptors, the buffers they point at) is translated here, and an
// address range that is not wholly inside one region gives nullptr: a device never touches
// host memory outside what the guest was given, whatever the guest writes in its rings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace avcpu
{

class GuestView
{
public:
	struct Region {
		uint64_t gpa;
		uint8_t *host;
		uint64_t size;
	};

	GuestView() = default;
	explicit GuestView(std::vector<Region> regions) : regions_(std::move(regions)) {}

	// Adds RAM at [gpa, gpa + size) backed by host; false if empty, wrapping or
	// overlapping a region already here.
	bool add(uint64_t gpa, uint8_t *host, uint64_t size);

	// The host address of [gpa, gpa + length), or nullptr when any byte of it is not in
	// the same region (the range wraps, or runs off the end of RAM, or is not RAM).
	// A length of 0 still needs gpa inside a region.
	uint8_t *translate(uint64_t gpa, uint64_t length) const;

	// Copies between guest memory and host buffers; false (nothing copied) when the
	// range does not translate.
	bool read(uint64_t gpa, void *out, size_t length) const;
	bool write(uint64_t gpa, const void *in, size_t length) const;

	const std::vector<Region> &regions() const { return regions_; }

private:
	std::vector<Region> regions_;
};

} // namespace avcpu
