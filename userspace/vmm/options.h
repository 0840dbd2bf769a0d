// SPDX-License-Identifier: GPL-2.0
// avcpu-run's command line and exit statuses.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vmm
{

// Exit statuses (sysexits.h where one fits), documented in --help.
enum ExitStatus {
	status_ok = 0,
	status_usage = 64,
	status_bad_guest = 65,
	status_no_input = 66,
	status_unavailable = 69,
	status_guest_fault = 70,
	status_reset = 71,
};

// A --disk: a raw image, and whether the guest may only read it.
struct DiskOption {
	std::string path;
	bool read_only = false;
};

// A --net: the host's tap interface the device's frames go through.
struct NetOption {
	std::string tap;
};

struct Options {
	enum class Gic { automatic, on, off };
	enum class Trace { off, all, not_emulated };
	enum class Reboot { exit, restart };

	uint64_t memory_mib = 0; // 0: the default for the kind of guest
	unsigned cpus = 1;
	bool entry_set = false;
	uint64_t entry = 0;
	bool load_addr_set = false;
	uint64_t load_addr = 0x40080000;
	bool user_psci = false;
	bool dtb = true;
	std::string dtb_out, bootargs, device = "/dev/avcpu";
	std::string guest;	    // an ELF or raw binary, or empty with --kernel
	std::string kernel, initrd; // a Linux Image and its initramfs
	Gic gic = Gic::automatic;
	Trace trace = Trace::off;
	Reboot reboot = Reboot::exit;
	bool huge = false, summary = false;
	std::vector<DiskOption> disks; // virtio-blk devices, in order
	bool rng = false;	       // a virtio-rng device
	bool eventfds = true;	       // virtio doorbells and interrupts by eventfd
	std::vector<NetOption> nets;   // virtio-net devices, in order

	bool linux_boot() const { return !kernel.empty(); }
	// A Linux guest gets the GIC it cannot boot without; other guests none, unless asked.
	bool gic_enabled() const
	{
		return gic == Gic::on || (gic == Gic::automatic && linux_boot());
	}
	uint64_t memory_bytes() const
	{
		return (memory_mib ? memory_mib : linux_boot() ? 256 : 128) << 20;
	}
};

// Parses the command line. A bad one ends the process with status_usage and one line on
// stderr; --help prints the manual and ends it with status_ok.
Options parse_options(int argc, char **argv);

} // namespace vmm
