// SPDX-License-Identifier: GPL-2.0
/*
 * The documentation's examples (Documentation/examples, shown in api.rst) run and work.
 */
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"

static void run_example(struct __test_metadata *_metadata, const char *path)
{
	static char out[4096];
	const char *const no_args[] = { NULL };
	int status = -1;

	if (access(path, X_OK))
		SKIP(return, "%s is not installed", path);
	if (avcpu_ensure_loaded() || access(AVCPU_DEV, R_OK | W_OK))
		SKIP(return, "avcpu cannot run guests here");
	ASSERT_EQ(0, avcpu_spawn(path, no_args, out, sizeof(out), &status));
	EXPECT_EQ(0, status) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "guest said 42")) TH_LOG("%s", out);
}

TEST(minimal_vmm_in_c)
{
	run_example(_metadata, "/usr/bin/minimal_vmm_c");
}

TEST(minimal_vmm_in_cpp)
{
	run_example(_metadata, "/usr/bin/minimal_vmm_cpp");
}

TEST_HARNESS_MAIN
