// SPDX-License-Identifier: GPL-2.0
/*
 * avcpu's Debian packages, installed with Debian's dpkg in the test machine (the Debian
 * boot: scripts/qemu-run.sh --debian puts dpkg, GNU tar, the built .debs and the avcpu.ko
 * DKMS built from avcpu-dkms's sources on the build machine in /avcpu/deb).
 *
 * dpkg installs into a scratch root (dpkg --root), so that the test machine's own tools
 * stay as they are; the installed avcpu-run and avcpu-info run from that root's /usr/bin
 * through chroot. avcpu-dkms is unpacked, not configured: configuring runs DKMS, which
 * needs a compiler and the kernel headers (scripts/tests/deb-test.sh does that step on
 * the build machine, and the module it built is the one loaded here).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_sh.h"

#define DEBS "/avcpu/deb"
#define ROOT "/tmp/deb-root"
/*
 * Debian's dpkg, dpkg-deb, dpkg-split, dpkg-query and GNU tar (dpkg runs the others from
 * PATH) are in DEBS/bin: busybox's dpkg and tar are the test machine's own, and its shell
 * runs its own applets before PATH, so dpkg is named by its path.
 */
#define DPKG "PATH=" DEBS "/bin:$PATH " DEBS "/bin/dpkg --root=" ROOT " "
#define QUERY DEBS "/bin/dpkg-query --admindir=" ROOT "/var/lib/dpkg "
/* dpkg under TCG: a few seconds per package; the guest runs take longer. */
#define DEB_TIMEOUT 180

static bool exists(const char *path)
{
	struct stat st;

	return !stat(path, &st) && st.st_size > 0;
}

FIXTURE(deb) {
	int unused;
};

/* An empty dpkg database, and busybox as the root's /bin/sh for maintainer scripts. */
FIXTURE_SETUP(deb)
{
	/* mkinitramfs.sh leaves this when the packages did not build: a failure, not a skip. */
	ASSERT_EQ(0, avcpu_sh("! cat " DEBS "/build-failed")) TH_LOG("%s", avcpu_sh_out());
	if (access(DEBS "/bin/dpkg", X_OK))
		SKIP(return, "no dpkg or packages in this initramfs (qemu-run.sh --debian)");
	ASSERT_EQ(0, avcpu_sh("rm -rf " ROOT " && mkdir -p " ROOT "/var/lib/dpkg/info "
			ROOT "/var/lib/dpkg/updates " ROOT "/bin " ROOT "/dev " ROOT "/tmp && "
			": >" ROOT "/var/lib/dpkg/status && cp /bin/busybox " ROOT "/bin/ && "
			"ln -s busybox " ROOT "/bin/sh")) TH_LOG("%s", avcpu_sh_out());
}

FIXTURE_TEARDOWN(deb)
{
	umount2(ROOT "/dev", MNT_DETACH);
	avcpu_sh("rm -rf " ROOT);
}

/* dpkg-query's Status of a package in the scratch root ("" when it knows none). */
static const char *status(const char *pkg)
{
	static char buf[128];
	char *nl;

	if (avcpu_sh(QUERY "-W -f='${Status}' %s", pkg))
		return "";
	snprintf(buf, sizeof(buf), "%s", avcpu_sh_out());
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return buf;
}

static const char *const tools_files[] = {
	"/usr/bin/avcpu-run", "/usr/bin/avcpu-bench", "/usr/bin/avcpu-info",
	"/usr/share/man/man1/avcpu-run.1.gz", "/usr/share/man/man1/avcpu-bench.1.gz",
	"/usr/share/man/man1/avcpu-info.1.gz", "/usr/share/doc/avcpu-tools/copyright", NULL,
};

TEST_F_TIMEOUT(deb, tools_install_run_and_remove, DEB_TIMEOUT)
{
	char path[256];
	int i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, avcpu_sh(DPKG "-i " DEBS "/avcpu-tools_*.deb")) TH_LOG("%s", avcpu_sh_out());
	EXPECT_STREQ("install ok installed", status("avcpu-tools"));
	for (i = 0; tools_files[i]; i++) {
		snprintf(path, sizeof(path), ROOT "%s", tools_files[i]);
		EXPECT_TRUE(exists(path)) TH_LOG("%s not installed", tools_files[i]);
	}
	ASSERT_EQ(0, avcpu_sh(QUERY "-L avcpu-tools"));
	EXPECT_NE(NULL, strstr(avcpu_sh_out(), "/usr/bin/avcpu-run\n"));

	/* The module DKMS built from avcpu-dkms's sources, and the installed tools. */
	if (avcpu_module_loaded())
		ASSERT_EQ(0, avcpu_unload());
	ASSERT_EQ(0, setenv("AVCPU_MODULE", DEBS "/avcpu.ko", 1));
	ASSERT_EQ(0, avcpu_load(NULL)) TH_LOG("the DKMS-built module did not load");
	ASSERT_EQ(0, mount("/dev", ROOT "/dev", NULL, MS_BIND, NULL));
	ASSERT_EQ(0, avcpu_sh("cp /avcpu/guests/hello.elf " ROOT "/tmp/"));
	EXPECT_EQ(0, avcpu_sh("chroot " ROOT " /usr/bin/avcpu-run /tmp/hello.elf")) TH_LOG("%s", avcpu_sh_out());
	EXPECT_NE(NULL, strstr(avcpu_sh_out(), "Hello from an avcpu guest!")) TH_LOG("%s", avcpu_sh_out());
	EXPECT_EQ(0, avcpu_sh("chroot " ROOT " /usr/bin/avcpu-info")) TH_LOG("%s", avcpu_sh_out());
	EXPECT_NE(NULL, strstr(avcpu_sh_out(), "api_version ")) TH_LOG("%s", avcpu_sh_out());
	EXPECT_EQ(0, umount2(ROOT "/dev", 0));
	EXPECT_EQ(0, avcpu_unload());
	unsetenv("AVCPU_MODULE");

	ASSERT_EQ(0, avcpu_sh(DPKG "-r avcpu-tools")) TH_LOG("%s", avcpu_sh_out());
	EXPECT_STREQ("", status("avcpu-tools"));
	for (i = 0; tools_files[i]; i++) {
		snprintf(path, sizeof(path), ROOT "%s", tools_files[i]);
		EXPECT_NE(0, access(path, F_OK)) TH_LOG("%s left after dpkg -r", tools_files[i]);
	}
}

TEST_F_TIMEOUT(deb, dkms_sources_unpack_and_purge, DEB_TIMEOUT)
{
	char rules[256];

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, avcpu_sh(DPKG "--unpack " DEBS "/avcpu-dkms_*.deb")) TH_LOG("%s", avcpu_sh_out());
	EXPECT_STREQ("install ok unpacked", status("avcpu-dkms"));
	EXPECT_EQ(0, avcpu_sh("grep -q '^BUILD_EXCLUSIVE_ARCH=' " ROOT "/usr/src/avcpu-*/dkms.conf &&"
			" test -s " ROOT "/usr/src/avcpu-*/module/main.c")) TH_LOG("no DKMS sources");
	EXPECT_TRUE(exists(ROOT "/usr/share/man/man4/avcpu.4.gz"));
	ASSERT_LT(0, avcpu_read_file(ROOT "/lib/udev/rules.d/99-avcpu.rules", rules,
				     sizeof(rules)));
	EXPECT_NE(NULL, strstr(rules, "GROUP=\"kvm\""));
	EXPECT_NE(NULL, strstr(rules, "MODE=\"0660\""));

	/* Its prerm asks DKMS, absent here, about built modules: there are none. */
	ASSERT_EQ(0, avcpu_sh(DPKG "--purge avcpu-dkms")) TH_LOG("%s", avcpu_sh_out());
	EXPECT_STREQ("", status("avcpu-dkms"));
	EXPECT_NE(0, avcpu_sh("ls -d " ROOT "/usr/src/avcpu-*")) TH_LOG("DKMS sources left");
	EXPECT_NE(0, access(ROOT "/lib/udev/rules.d/99-avcpu.rules", F_OK));
	EXPECT_NE(0, access(ROOT "/usr/share/man/man4/avcpu.4.gz", F_OK));
}

TEST_HARNESS_MAIN
