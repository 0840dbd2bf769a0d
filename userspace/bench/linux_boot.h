// SPDX-License-Identifier: GPL-2.0
// avcpu-bench's linux_boot_1 and linux_boot_4 rows (linux_boot.cpp).
#pragma once

namespace bench
{

struct LinuxGuest {
	const char *image = "/avcpu/linux/Image"; // the test machine's (mkinitramfs.sh)
	const char *initrd = "/avcpu/linux/initrd.cpio.gz";
};

// R boots of the Linux guest on cpus vCPUs under avcpu-run on backend's device, each to
// its shell prompt: prints the row's line (seconds); false (said on stderr) on error.
bool linux_boot(const LinuxGuest &g, const char *backend, unsigned cpus, unsigned long r);

} // namespace bench
