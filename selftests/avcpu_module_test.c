// SPDX-License-Identifier: GPL-2.0
/*
 * Smoke test of avcpu.ko: it loads, /dev/avcpu appears and answers, it unloads, and the
 * kernel log and taint stay clean.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/avcpu.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"

/* Words that must never show up in the log of a load/unload cycle. */
static const char *const bad_log_words[] = {
	"WARNING:", "BUG:", "Oops", "Internal error", "Call trace:", "lockdep", NULL,
};

FIXTURE(module) {
	unsigned long long kmsg_seq;
};

FIXTURE_SETUP(module)
{
	if (!avcpu_module_path())
		SKIP(return, "avcpu.ko not found (set AVCPU_MODULE)");
	if (avcpu_module_loaded())
		ASSERT_EQ(0, avcpu_unload()) TH_LOG("avcpu was loaded and would not unload");
	self->kmsg_seq = avcpu_kmsg_now();
}

FIXTURE_TEARDOWN(module)
{
	if (avcpu_module_loaded())
		avcpu_unload();
}

TEST_F(module, load_open_unload)
{
	struct stat st;
	char log[8192];
	int fd, i;

	ASSERT_EQ(0, avcpu_load(NULL));
	ASSERT_TRUE(avcpu_module_loaded());

	ASSERT_EQ(0, stat(AVCPU_DEV, &st)) TH_LOG("%s missing after load", AVCPU_DEV);
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0660U, st.st_mode & 0777U);

	fd = open(AVCPU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(AVCPU_API_VERSION, ioctl(fd, AVCPU_GET_API_VERSION, 0));
	/* An ioctl the device does not know is ENOTTY, not a crash or success. */
	EXPECT_EQ(-1, ioctl(fd, _IO(AVCPUIO, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);

	/* An open file keeps the module in. */
	EXPECT_EQ(-EWOULDBLOCK, avcpu_unload());
	close(fd);

	ASSERT_EQ(0, avcpu_unload());
	EXPECT_FALSE(avcpu_module_loaded());
	EXPECT_NE(0, access(AVCPU_DEV, F_OK)) TH_LOG("%s still there after unload", AVCPU_DEV);

	avcpu_kmsg_since(&self->kmsg_seq, log, sizeof(log));
	EXPECT_NE(NULL, strstr(log, "avcpu: EL2 taken on")) TH_LOG("no load message in: %s", log);
	for (i = 0; bad_log_words[i]; i++)
		EXPECT_EQ(NULL, strstr(log, bad_log_words[i])) TH_LOG("log: %s", log);
}

TEST_F(module, taint_only_unsigned_out_of_tree)
{
	long taint;

	ASSERT_EQ(0, avcpu_load(NULL));
	ASSERT_EQ(0, avcpu_unload());
	taint = avcpu_kernel_taint();
	ASSERT_LE(0, taint);
	EXPECT_EQ(0, taint & ~AVCPU_ALLOWED_TAINT) TH_LOG("tainted: %#lx", taint);
}

TEST_F(module, double_load_is_eexist)
{
	ASSERT_EQ(0, avcpu_load(NULL));
	EXPECT_EQ(-EEXIST, avcpu_load(NULL));
	ASSERT_EQ(0, avcpu_unload());
}

TEST_HARNESS_MAIN
