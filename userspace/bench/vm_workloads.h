// SPDX-License-Identifier: GPL-2.0
// avcpu-bench's workloads that need a VM of their own: two vCPUs (an SGI round trip),
// a vCPU woken from WFI (by its timer, by a host thread), the creation of a 256 MiB VM to
// its first exit, and memory bandwidth with 4 KiB and 2 MiB stage-2 mappings.
#pragma once

#include <cstddef>
#include <memory>
#include <span>

#include "backend.h"

namespace bench
{

using Factory = avcpu::Result<std::unique_ptr<Backend>> (*)(const void *image, size_t size,
							    const Shape &shape);

struct VmWorkload {
	const char *name;
	const char *what;
	// R repetitions of N events on a VM of its own from make: prints the workload's line;
	// false (with a message on stderr) on error.
	bool (*measure)(Factory make, const char *backend, unsigned long n, unsigned long r);
};

std::span<const VmWorkload> vm_workloads();

} // namespace bench
