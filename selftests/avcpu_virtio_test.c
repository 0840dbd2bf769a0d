// SPDX-License-Identifier: GPL-2.0
/*
 * avcpu-run's virtio devices seen by an unmodified Debian guest kernel (virtio_mmio,
 * virtio_blk and virtio-rng loaded by the guest's /init). One boot with a read-write disk,
 * a read-only disk and the entropy device: the guest sees both disks at their size, writes
 * a known pattern 1 MiB into the first with dd and fsync, reads the second's known
 * contents, cannot write to it, finds its entropy pool initialised and virtio-rng as its
 * hardware RNG, then powers off. The host then finds the pattern in the image file (it
 * was there when the guest's fsync returned: the guest's poweroff -f does not sync), and a
 * second boot on the same image reads the pattern back intact through the disk. A disk
 * image that cannot be opened is refused with status 66 before anything runs. A hostile
 * bare-metal guest breaks every rule it can on both devices, and avcpu-run runs on.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_vm_util.h"
#include "avcpu_depth.h"
#include "avcpu_linux_guest.h"

#define DISK_SIZE	(8 << 20)
#define RO_DISK_SIZE	(1 << 20)
#define RO_BYTE		0x5a
#define PATTERN_AT	(1 << 20)
#define PATTERN_SIZE	(1 << 20)
/* What the guest writes: this line over and over (busybox yes | head -c). */
#define PATTERN_LINE	"avcpu-virtio-pattern\n"
#define SHELL_TIMEOUT	120
#define HOSTILE_GUEST	"/avcpu/guests/virtio_hostile.elf"

/* The pattern the guest writes, as the host expects it. */
static void fill_pattern(char *buf, size_t n)
{
	size_t line = strlen(PATTERN_LINE), i;

	for (i = 0; i < n; i++)
		buf[i] = PATTERN_LINE[i % line];
}

static int make_image(char *path, size_t size, int byte)
{
	char *buf;
	int fd = mkstemp(path), ok;

	if (fd < 0)
		return -1;
	buf = malloc(size);
	if (!buf) {
		close(fd);
		return -1;
	}
	memset(buf, byte, size);
	ok = write(fd, buf, size) == (ssize_t)size;
	free(buf);
	close(fd);
	return ok ? 0 : -1;
}

/* Whether [at, at + n) of the file holds the pattern (or, with byte >= 0, only byte). */
static bool file_holds(const char *path, off_t at, size_t n, int byte)
{
	char *want = malloc(n), *got = malloc(n);
	int fd = open(path, O_RDONLY);
	bool same = false;

	if (want && got && fd >= 0 && pread(fd, got, n, at) == (ssize_t)n) {
		if (byte >= 0)
			memset(want, byte, n);
		else
			fill_pattern(want, n);
		same = !memcmp(want, got, n);
	}
	if (fd >= 0)
		close(fd);
	free(want);
	free(got);
	return same;
}

FIXTURE(virtio) {
	char disk[64], ro_disk[64];
	struct guest g;
	bool started;
};

FIXTURE_SETUP(virtio)
{
	const char *why = guest_unavailable();

	self->started = false;
	self->disk[0] = self->ro_disk[0] = 0;
	if (why)
		SKIP(return, "%s", why);
	strcpy(self->disk, "/tmp/avcpu-virtio-XXXXXX");
	strcpy(self->ro_disk, "/tmp/avcpu-virtio-ro-XXXXXX");
	ASSERT_EQ(0, make_image(self->disk, DISK_SIZE, 0));
	ASSERT_EQ(0, make_image(self->ro_disk, RO_DISK_SIZE, RO_BYTE));
}

FIXTURE_TEARDOWN(virtio)
{
	if (self->started)
		guest_end(&self->g);
	if (self->disk[0])
		unlink(self->disk);
	if (self->ro_disk[0])
		unlink(self->ro_disk);
}

/* Boots with vmm_args and waits for the shell; where the boot's output starts. */
static long boot_to_shell(struct __test_metadata *_metadata, struct guest *g,
			  const char *const *vmm_args)
{
	long at;

	if (guest_start_with(g, NULL, 1, "quiet", vmm_args))
		return -1;
	at = guest_expect(g, 0, GUEST_UP, 600);
	if (at < 0 || guest_expect(g, at, PROMPT, 60) < 0) {
		TH_LOG("no shell; the console said:\n%s", g->buf);
		return -1;
	}
	TH_LOG("the guest's init ran after %.1f s", now_s() - g->start);
	return at;
}

/* Runs cmd and checks that its output contains want. */
static bool says(struct guest *g, const char *cmd, const char *want)
{
	long at = guest_command(g, cmd, SHELL_TIMEOUT);

	return at >= 0 && guest_expect(g, at, want, 0) >= 0;
}

/* The first boot's checks of the read-write disk, the read-only disk and the RNG. */
static void check_devices(struct __test_metadata *_metadata, struct guest *g)
{
	char want[64];
	long at;

	snprintf(want, sizeof(want), "\n%d\r", DISK_SIZE / 512);
	EXPECT_TRUE(says(g, "cat /sys/block/vda/size", want)) TH_LOG("%s", g->buf);
	snprintf(want, sizeof(want), "\n%d\r", RO_DISK_SIZE / 512);
	EXPECT_TRUE(says(g, "cat /sys/block/vdb/size", want));
	EXPECT_TRUE(says(g, "cat /sys/block/vdb/ro", "\n1\r"));
	EXPECT_TRUE(says(g, "cat /sys/block/vda/ro", "\n0\r"));

	/* The pattern onto the read-write disk, 1 MiB in, flushed before dd returns. */
	EXPECT_TRUE(says(g, "yes avcpu-virtio-pattern|head -c 1048576 >/tmp/p;echo ok-$?",
			 "ok-0"));
	EXPECT_TRUE(says(g, "dd if=/tmp/p of=/dev/vda bs=64k seek=16 conv=fsync;echo dd-$?",
			 "dd-0"));
	/* The read-only disk's contents, and its refusal of a write. */
	EXPECT_TRUE(says(g, "head -c 4096 /dev/vdb|od -An -tx1|sort -u", "5a 5a 5a"));
	EXPECT_TRUE(says(g, "dd if=/tmp/p of=/dev/vdb bs=4k count=1 conv=fsync;echo dd-$?",
			 "dd-1"));

	/* Entropy: virtio-rng is the hardware RNG, gives bytes, and the pool is ready. */
	EXPECT_TRUE(says(g, "cat /sys/class/misc/hw_random/rng_current", "virtio_rng"));
	EXPECT_TRUE(says(g, "head -c 4096 /dev/hwrng|wc -c", "\n4096\r"));
	at = guest_command(g, "dmesg|grep -E 'crng init done|virtio'", SHELL_TIMEOUT);
	ASSERT_LE(0, at);
	TH_LOG("guest dmesg:%s", g->buf + at);
	EXPECT_LE(0, guest_expect(g, at, "crng init done", 0));

	/* The disk interrupts went through the vGIC, and the guest saw no error. */
	at = guest_command(g, "grep virtio /proc/interrupts", SHELL_TIMEOUT);
	ASSERT_LE(0, at);
	TH_LOG("%s", g->buf + at);
	EXPECT_LE(3, guest_lines(g, at)) TH_LOG("not every virtio device has an interrupt");
	at = guest_command(g, "dmesg|grep -iE 'warn|bug|oops|fail|error'", SHELL_TIMEOUT);
	ASSERT_LE(0, at);
	EXPECT_EQ(0, guest_lines(g, at)) TH_LOG("guest dmesg lines of note:%s", g->buf + at);
}

/*
 * avcpu-run binds every queue's doorbell to an eventfd served by the device's I/O thread
 * (AVCPU_IOEVENTFD): the guest's QueueNotify writes never exit to userspace, and --summary
 * counts them among the VM's MMIO writes to eventfds.
 */
static void check_doorbells(struct __test_metadata *_metadata, struct guest *g)
{
	const char *what = " MMIO writes to eventfds";
	long at = guest_expect(g, 0, what, 5);
	const char *p;

	ASSERT_LE(0, at) TH_LOG("no VM line in the summary:\n%s",
				 g->buf + (g->len > 2048 ? g->len - 2048 : 0));
	for (p = g->buf + at; p > g->buf && p[-1] != ' '; p--)
		;
	EXPECT_LT(0, atol(p)) TH_LOG("no doorbell reached an eventfd: %.80s", p);
}

TEST_F_TIMEOUT(virtio, disks_and_rng_in_a_linux_guest, 900)
{
	const char *first[] = { "--disk", self->disk, "--disk", NULL, "--rng", "--summary", NULL };
	const char *second[] = { "--disk", self->disk, NULL };
	char ro_arg[80];
	struct guest *g = &self->g;

	RETURN_IF_SKIPPED();
	snprintf(ro_arg, sizeof(ro_arg), "%s,ro", self->ro_disk);
	first[3] = ro_arg;
	ASSERT_LE(0, boot_to_shell(_metadata, g, first));
	self->started = true;
	check_devices(_metadata, g);
	ASSERT_LE(0, write(g->in, "poweroff -f\n", 12));
	ASSERT_EQ(0, guest_wait(g, 120)) TH_LOG("%s", g->buf + (g->len > 4096 ? g->len - 4096 : 0));
	check_doorbells(_metadata, g);
	guest_end(g);
	self->started = false;

	/* What the guest flushed is on the file; the read-only image is untouched. */
	EXPECT_TRUE(file_holds(self->disk, PATTERN_AT, PATTERN_SIZE, -1));
	EXPECT_TRUE(file_holds(self->disk, 0, PATTERN_AT, 0)) TH_LOG("written outside the range");
	EXPECT_TRUE(file_holds(self->ro_disk, 0, RO_DISK_SIZE, RO_BYTE));

	/* A second boot reads it back through the disk (the file was checked above). */
	if (avcpu_depth() == AVCPU_DEPTH_LEAN) {
		TH_LOG("lean depth: the read-back boot runs in the full configurations");
		return;
	}
	ASSERT_LE(0, boot_to_shell(_metadata, g, second));
	self->started = true;
	/* Short commands: the shell redraws a line longer than its terminal. */
	EXPECT_TRUE(says(g, "yes avcpu-virtio-pattern|head -c 1048576|md5sum>/tmp/w;echo ok",
			 "ok"));
	EXPECT_TRUE(says(g, "dd if=/dev/vda bs=64k skip=16 count=16|md5sum>/tmp/g;echo ok",
			 "ok"));
	EXPECT_TRUE(says(g, "cmp /tmp/g /tmp/w;echo same-$?", "same-0"));
	ASSERT_LE(0, write(g->in, "poweroff -f\n", 12));
	EXPECT_EQ(0, guest_wait(g, 120));
	TH_LOG("%.1f s for the second boot", now_s() - g->start);
}

/* A disk image that cannot be opened ends avcpu-run before the guest runs (status 66). */
TEST_F_TIMEOUT(virtio, missing_disk_is_refused, 120)
{
	const char *args[] = { "--disk", "/nonexistent/avcpu-disk.img", NULL };
	struct guest *g = &self->g;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, guest_start_with(g, NULL, 1, "quiet", args));
	self->started = true;
	EXPECT_EQ(66, guest_wait(g, 60)) TH_LOG("%s", g->buf);
	EXPECT_LE(0, guest_expect(g, 0, "cannot open disk '/nonexistent/avcpu-disk.img'", 5))
		TH_LOG("%s", g->buf);
}

/*
 * The bundled hostile guest (userspace/guests/virtio_hostile.c) drives both devices' registers
 * and rings directly, breaking the rules: every time the device must say it needs a reset
 * and come back after one, and avcpu-run must run on to the guest's own verdict (0). Its
 * one good write (sector 1, 0xa5) is on the image; the image did not grow.
 */
TEST_F_TIMEOUT(virtio, hostile_bare_metal_guest, 120)
{
	const char *args[] = { "avcpu-run", "--disk", self->disk, "--rng", HOSTILE_GUEST, NULL };
	struct guest *g = &self->g;
	struct stat st;

	RETURN_IF_SKIPPED();
	if (access(HOSTILE_GUEST, R_OK))
		SKIP(return, "no %s in this initramfs", HOSTILE_GUEST);
	ASSERT_EQ(0, guest_exec(g, args));
	self->started = true;
	EXPECT_EQ(0, guest_wait(g, 60)) TH_LOG("%s", g->buf);
	EXPECT_LE(0, guest_expect(g, 0, "virtio-hostile: all checks passed", 5))
		TH_LOG("%s", g->buf);
	ASSERT_EQ(0, stat(self->disk, &st));
	EXPECT_EQ(DISK_SIZE, st.st_size);
	EXPECT_TRUE(file_holds(self->disk, 512, 512, 0xa5));
	EXPECT_TRUE(file_holds(self->disk, 0, 512, 0));
}

TEST_HARNESS_MAIN
