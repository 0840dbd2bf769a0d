// SPDX-License-Identifier: GPL-2.0
/*
 * avcpu-run, the VMM, end to end: each bundled guest's output and exit status, every
 * error path of the command line, a guest touching MMIO no device claims, and runs of the
 * SMP guest in a row (5, 20 or 100 at lean, full or soak depth: avcpu_depth.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_depth.h"

#define VMM "/usr/bin/avcpu-run"
#define GUESTS "/avcpu/guests/"

struct result {
	int status;		/* exit status, or 128 + signal */
	char out[1 << 18];	/* stdout and stderr together (the start of it) */
};

/* Runs avcpu-run with args (NULL-terminated, without argv[0]). */
static int vmm(struct result *r, const char *const *args)
{
	return avcpu_spawn(VMM, args, r->out, sizeof(r->out), &r->status);
}

#define RUN(r, ...) ASSERT_EQ(0, vmm((r), (const char *const[]){ __VA_ARGS__, NULL }))
#define EXPECT_OUT(r, text) EXPECT_NE(NULL, strstr((r)->out, (text))) TH_LOG("output: %s", (r)->out)

FIXTURE(run) {
	struct result r;
};

FIXTURE_SETUP(run)
{
	if (access(VMM, X_OK) || access(GUESTS "hello.elf", R_OK))
		SKIP(return, "avcpu-run or the bundled guests are not installed");
	if (avcpu_ensure_loaded() || access(AVCPU_DEV, R_OK | W_OK))
		SKIP(return, "avcpu cannot run guests here");
}

FIXTURE_TEARDOWN(run)
{
}

TEST_F(run, hello)
{
	RETURN_IF_SKIPPED();
	RUN(&self->r, GUESTS "hello.elf");
	EXPECT_EQ(0, self->r.status);
	EXPECT_OUT(&self->r, "Hello from an avcpu guest!");
	EXPECT_OUT(&self->r, "running at EL1");
	EXPECT_OUT(&self->r, "PSCI 1.1");
}

TEST_F(run, hello_raw_binary_and_summary)
{
	RETURN_IF_SKIPPED();
	RUN(&self->r, "--summary", GUESTS "hello.bin");
	EXPECT_EQ(0, self->r.status);
	EXPECT_OUT(&self->r, "Hello from an avcpu guest!");
	EXPECT_OUT(&self->r, "ms in the guest");
	EXPECT_OUT(&self->r, "to userspace: mmio");
	EXPECT_OUT(&self->r, "VM: vCPUs 1, memory");
}

TEST_F_TIMEOUT(run, smp_four_vcpus_kernel_and_user_psci, 120)
{
	char line[64];
	int i;

	RETURN_IF_SKIPPED();
	RUN(&self->r, "--cpus", "4", GUESTS "smp.elf");
	EXPECT_EQ(0, self->r.status);
	for (i = 0; i < 4; i++) {
		snprintf(line, sizeof(line), "smp: cpu %d up, MPIDR 0x8000000%d", i, i);
		EXPECT_OUT(&self->r, line);
	}
	EXPECT_OUT(&self->r, "all 4 CPUs came up and went off again");
	RUN(&self->r, "--psci=user", "-c", "4", GUESTS "smp.elf");
	EXPECT_EQ(0, self->r.status);
	EXPECT_OUT(&self->r, "all 4 CPUs came up and went off again");
}

TEST_F(run, tour_of_every_exit)
{
	RETURN_IF_SKIPPED();
	RUN(&self->r, GUESTS "tour.elf");
	EXPECT_EQ(0, self->r.status);
	EXPECT_OUT(&self->r, "tour: hypercall: hvc #0x42 answered by avcpu-run with 0xffffffffffffffff");
	EXPECT_OUT(&self->r, "tour: smc: an SMC nobody allows exits like a hypercall; answer 0xffffffffffffffff");
	EXPECT_OUT(&self->r, "tour: sysreg: ACTLR_EL1 refused by avcpu-run: UNDEFINED, ESR_EL1 0x2000000");
	EXPECT_OUT(&self->r, "tour: psci: PSCI_VERSION served by avcpu.ko 0x10001");
	EXPECT_OUT(&self->r, "tour: done");
	/* The same with every exit traced (on stderr, so interleaved with the console). */
	RUN(&self->r, "--trace", GUESTS "tour.elf");
	EXPECT_EQ(0, self->r.status);
	EXPECT_OUT(&self->r, "[vcpu 0] mmio write 0x9000000 len 4");
	EXPECT_OUT(&self->r, "[vcpu 0] hvc #0x42");
	EXPECT_OUT(&self->r, "[vcpu 0] smc #0");
	EXPECT_OUT(&self->r, "[vcpu 0] mrs S3_0_C1_C0_1");
}

/* A raw guest storing to an address no device claims. */
TEST_F(run, unclaimed_mmio_is_a_clear_error)
{
	static const unsigned int code[] = {
		0xd2a24680,	/* movz x0, #0x1234, lsl #16 */
		0xf900001f,	/* str xzr, [x0] */
		0x14000000,	/* b . */
	};
	char path[] = "/tmp/avcpu-mmio-XXXXXX";
	int fd;

	RETURN_IF_SKIPPED();
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	ASSERT_EQ(sizeof(code), write(fd, code, sizeof(code)));
	close(fd);
	RUN(&self->r, path);
	EXPECT_EQ(70, self->r.status);
	EXPECT_OUT(&self->r, "avcpu-run: vCPU 0: MMIO write of 8 bytes at 0x12340000: no device there");
	unlink(path);
}

/* busybox's ELF header with e_machine changed to x86-64. */
static bool write_x86_elf_header(const char *path)
{
	unsigned char hdr[64];
	FILE *in = fopen("/bin/busybox", "rb"), *out = fopen(path, "wb");
	bool ok = in && out && fread(hdr, sizeof(hdr), 1, in) == 1;

	if (ok) {
		hdr[18] = 0x3e; /* EM_X86_64 */
		hdr[19] = 0;
		ok = fwrite(hdr, sizeof(hdr), 1, out) == 1;
	}
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	return ok;
}

TEST_F_TIMEOUT(run, command_line_errors, 120)
{
	static const struct {
		const char *args[4];
		int status;
		const char *message;
	} cases[] = {
		{ { NULL }, 64, "no guest given" },
		{ { "--cpus", "0", GUESTS "hello.elf" }, 64, "--cpus must be between 1 and 64" },
		{ { "--cpus", "65", GUESTS "hello.elf" }, 64, "invalid value '65' for --cpus" },
		{ { "--memory", "lots", GUESTS "hello.elf" }, 64, "invalid value 'lots' for --memory" },
		{ { "--memory", "2", GUESTS "hello.elf" }, 64, "--memory must be at least 4" },
		{ { "--psci=firmware", GUESTS "hello.elf" }, 64, "--psci must be 'kernel' or 'user'" },
		{ { "--frobnicate", GUESTS "hello.elf" }, 64, "unknown option '--frobnicate'" },
		{ { "--entry" }, 64, "needs a value" },
		{ { GUESTS "hello.elf", "extra" }, 64, "unexpected argument 'extra'" },
		{ { "/nonexistent/guest" }, 66, "cannot read guest '/nonexistent/guest'" },
		{ { "/tmp/x86.elf" }, 65, "not a little-endian AArch64 ELF64 executable" },
		{ { "/bin/busybox" }, 65, "segment 0x400000-" },
		{ { "--memory", "4", "/tmp/busybox.raw" }, 65, "no room for the device tree" },
		{ { "-l", "0x47ff0000", "/tmp/busybox.raw" }, 65, "raw image 0x47ff0000-" },
		{ { "--entry", "0x1000", GUESTS "hello.elf" }, 65, "entry point outside guest RAM" },
		{ { "--device", "/nonexistent", GUESTS "hello.elf" }, 69, "open /dev/avcpu" },
	};
	size_t i;
	int j;

	RETURN_IF_SKIPPED();
	/* A 2 MiB raw image (busybox without its ELF magic) and an x86-64 ELF header. */
	ASSERT_EQ(0, system("tail -c +5 /bin/busybox > /tmp/busybox.raw"));
	ASSERT_TRUE(write_x86_elf_header("/tmp/x86.elf"));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[8] = { NULL };

		for (j = 0; cases[i].args[j] && j < 4; j++)
			args[j] = cases[i].args[j];
		ASSERT_EQ(0, vmm(&self->r, args));
		EXPECT_EQ(cases[i].status, self->r.status) TH_LOG("case %zu: %s", i, self->r.out);
		EXPECT_NE(NULL, strstr(self->r.out, cases[i].message))
			TH_LOG("case %zu: expected '%s' in: %s", i, cases[i].message, self->r.out);
		EXPECT_EQ(NULL, strchr(strchr(self->r.out, '\n') ? strchr(self->r.out, '\n') + 1 : "", '\n'))
			TH_LOG("case %zu: more than one line: %s", i, self->r.out);
	}
	unlink("/tmp/busybox.raw");
	unlink("/tmp/x86.elf");
	RUN(&self->r, "--help");
	EXPECT_EQ(0, self->r.status);
	EXPECT_OUT(&self->r, "EXIT STATUS");
}

TEST_F_TIMEOUT(run, smp_runs_without_a_hang, 600)
{
	const int runs = avcpu_depth_pick(5, 20, 100);
	time_t start = time(NULL);
	int i;

	RETURN_IF_SKIPPED();
	for (i = 0; i < runs; i++) {
		RUN(&self->r, "-c", "4", GUESTS "smp.elf");
		ASSERT_EQ(0, self->r.status) TH_LOG("run %d: %s", i, self->r.out);
		ASSERT_NE(NULL, strstr(self->r.out, "all 4 CPUs came up")) TH_LOG("run %d", i);
	}
	TH_LOG("%d runs in %ld s", runs, (long)(time(NULL) - start));
}

TEST_HARNESS_MAIN
