// SPDX-License-Identifier: GPL-2.0
/*
 * The install path: `make install DESTDIR=<scratch root>` was run on the build machine
 * for this kernel and its tree put at /avcpu/install-root with a manifest of what it
 * installed. Every file avcpu promises must be there, and the installed module and VMM
 * must work.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"

#define ROOT "/avcpu/install-root"

FIXTURE(install) {
	char manifest[16384];
};

FIXTURE_SETUP(install)
{
	if (access(ROOT, F_OK))
		SKIP(return, "no install root in this initramfs");
	ASSERT_LT(0, avcpu_read_file(ROOT ".manifest", self->manifest, sizeof(self->manifest)));
}

FIXTURE_TEARDOWN(install)
{
}

TEST_F(install, every_file_lands_where_it_should)
{
	char path[512], module[256];
	struct utsname uts;
	struct stat st;
	static const char *const files[] = {
		"/lib/udev/rules.d/99-avcpu.rules",
		"/usr/local/bin/avcpu-run",
		"/usr/local/include/linux/avcpu.h",
		"/usr/local/include/avcpu/device.h",
		"/usr/local/include/avcpu/runner.h",
		"/usr/local/lib/libavcpu.a",
		"/usr/local/lib/cmake/avcpu/avcpuConfig.cmake",
		"/usr/local/lib/cmake/avcpu/avcpuTargets.cmake",
		"/usr/local/lib/pkgconfig/avcpu.pc",
		NULL,
	};
	char rules[256];
	int i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, uname(&uts));
	snprintf(module, sizeof(module), "/lib/modules/%s/updates/avcpu.ko", uts.release);
	for (i = -1; i < 0 || files[i]; i++) {
		const char *f = i < 0 ? module : files[i];

		snprintf(path, sizeof(path), ROOT "%s", f);
		EXPECT_EQ(0, stat(path, &st)) TH_LOG("%s missing", f);
		EXPECT_LT(0, st.st_size) TH_LOG("%s empty", f);
		EXPECT_NE(NULL, strstr(self->manifest, f)) TH_LOG("%s not in the manifest", f);
	}
	ASSERT_LT(0, avcpu_read_file(ROOT "/lib/udev/rules.d/99-avcpu.rules", rules, sizeof(rules)));
	EXPECT_NE(NULL, strstr(rules, "GROUP=\"kvm\""));
	EXPECT_NE(NULL, strstr(rules, "MODE=\"0660\""));
}

TEST_F(install, installed_module_and_vmm_work)
{
	char module[256], cmd[512];
	struct utsname uts;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, uname(&uts));
	snprintf(module, sizeof(module), ROOT "/lib/modules/%s/updates/avcpu.ko", uts.release);
	if (avcpu_module_loaded())
		ASSERT_EQ(0, avcpu_unload());
	ASSERT_EQ(0, setenv("AVCPU_MODULE", module, 1));
	ASSERT_EQ(0, avcpu_load(NULL)) TH_LOG("the installed module did not load");
	EXPECT_EQ(0, access(AVCPU_DEV, R_OK | W_OK));
	snprintf(cmd, sizeof(cmd), ROOT "/usr/local/bin/avcpu-run /avcpu/guests/hello.elf >/dev/null");
	EXPECT_EQ(0, system(cmd)) TH_LOG("the installed avcpu-run failed");
	EXPECT_EQ(0, avcpu_unload());
	unsetenv("AVCPU_MODULE");
}

TEST_HARNESS_MAIN
