// SPDX-License-Identifier: GPL-2.0
/*
 * After kexec from a kernel in which avcpu owned EL2 (the kexec boot, selftests/boots.conf):
 * this kernel found the hyp stub on every CPU, so avcpu loads and takes EL2 again.
 */
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"

TEST(loads_after_kexec)
{
	char stage[8], cpus[16384];
	long online = sysconf(_SC_NPROCESSORS_ONLN), owned = 0;
	const char *p;

	if (!avcpu_cmdline_value("avcpu.kexec_stage", stage, sizeof(stage)) || strcmp(stage, "2"))
		SKIP(return, "not the second kernel of a kexec boot");
	if (avcpu_module_loaded())
		ASSERT_EQ(0, avcpu_unload());
	/* The load probes every CPU: each must answer as the hyp stub again. */
	ASSERT_EQ(0, avcpu_load(NULL));
	ASSERT_LT(0, avcpu_read_file("/sys/kernel/debug/avcpu/cpus", cpus, sizeof(cpus)));
	for (p = cpus; (p = strstr(p, "owner=avcpu")); p++)
		owned++;
	EXPECT_EQ(online, owned) TH_LOG("%s", cpus);
	ASSERT_EQ(0, avcpu_unload());
}

TEST_HARNESS_MAIN
