// SPDX-License-Identifier: GPL-2.0
/*
 * avcpu-run on KVM: the same VMM, devices and guests with libavcpu's KVM backend, in a
 * boot where KVM owns EL2 (kvm-arm.mode=nvhe; selftests/boots.conf). The bundled guests
 * (hello, smp with kernel PSCI, tour) run to their end, --summary saying it has no exit
 * counts there; /dev/kvm is recognised under
 * another name by its answer to KVM_GET_API_VERSION; what only avcpu does (--psci=user)
 * is refused with a clear line; the Linux guest boots to its shell on 1 and 4 vCPUs with
 * KVM's vGICv3 and timers (the checks of avcpu_linux_test, avcpu_linux_guest.h), then
 * reboots (status 71) and powers off (status 0). Without /dev/kvm everything skips.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_linux_guest.h"

#define VMM	"/usr/bin/avcpu-run"
#define GUESTS	"/avcpu/guests/"
#define KVM_DEV	"/dev/kvm"

struct result {
	int status;		/* exit status, or 128 + signal */
	char out[1 << 16];	/* stdout and stderr together (the start of it) */
};

/* Why KVM guests cannot run in this boot, or NULL. */
static const char *kvm_unavailable(void)
{
	if (access(KVM_DEV, R_OK | W_OK))
		return "no /dev/kvm: KVM does not own EL2 in this boot (boots.conf: --kvm nvhe)";
	if (access(VMM, X_OK) || access(GUESTS "hello.elf", R_OK))
		return "avcpu-run or the bundled guests are not installed";
	return NULL;
}

#define RUN_KVM(r, ...)                                                                    \
	ASSERT_EQ(0, avcpu_spawn(VMM, (const char *const[]){ "--device", KVM_DEV,          \
							      __VA_ARGS__, NULL },         \
				 (r)->out, sizeof((r)->out), &(r)->status))
#define EXPECT_OUT(r, text) EXPECT_NE(NULL, strstr((r)->out, (text))) TH_LOG("output: %s", (r)->out)

FIXTURE(guests) {
	struct result r;
};

FIXTURE_SETUP(guests)
{
	const char *why = kvm_unavailable();

	if (why)
		SKIP(return, "%s", why);
}

FIXTURE_TEARDOWN(guests)
{
}

TEST_F(guests, hello)
{
	RETURN_IF_SKIPPED();
	RUN_KVM(&self->r, GUESTS "hello.elf");
	EXPECT_EQ(0, self->r.status);
	EXPECT_OUT(&self->r, "Hello from an avcpu guest!");
	EXPECT_OUT(&self->r, "running at EL1");
	EXPECT_OUT(&self->r, "hello: powering off");
	RUN_KVM(&self->r, "--summary", GUESTS "hello.elf");
	EXPECT_EQ(0, self->r.status);
	EXPECT_OUT(&self->r, "no exit counts on kvm");
}

/* KVM serves CPU_ON, CPU_OFF and SYSTEM_OFF in the kernel; the MPIDRs are the same. */
TEST_F_TIMEOUT(guests, smp_four_vcpus, 120)
{
	char line[64];
	int i;

	RETURN_IF_SKIPPED();
	RUN_KVM(&self->r, "--cpus", "4", GUESTS "smp.elf");
	EXPECT_EQ(0, self->r.status);
	for (i = 0; i < 4; i++) {
		snprintf(line, sizeof(line), "smp: cpu %d up, MPIDR 0x8000000%d", i, i);
		EXPECT_OUT(&self->r, line);
	}
	EXPECT_OUT(&self->r, "all 4 CPUs came up and went off again");
}

/*
 * KVM answers the guest's calls itself: the HVC (function 0x86000000, KVM's vendor
 * hypervisor features query, answered with KVM's feature bits), the SMC (SMCCC
 * NOT_SUPPORTED) and PSCI_VERSION (1.x); ACTLR_EL1 reads without a fault; the virtual
 * timer wakes WFI.
 */
TEST_F(guests, tour)
{
	RETURN_IF_SKIPPED();
	RUN_KVM(&self->r, GUESTS "tour.elf");
	EXPECT_EQ(0, self->r.status);
	EXPECT_OUT(&self->r, "tour: mmio read: UART flags");
	EXPECT_OUT(&self->r, "tour: hypercall: hvc #0x42 answered by avcpu-run with 0x");
	EXPECT_OUT(&self->r, "an SMC nobody allows exits like a hypercall; answer 0xffffffffffffffff");
	EXPECT_OUT(&self->r, "tour: psci: PSCI_VERSION served by avcpu.ko 0x1000");
	EXPECT_OUT(&self->r, "tour: wfi: slept until the virtual timer");
	EXPECT_OUT(&self->r, "tour: done");
}

/* The node is told by what it answers, not by its name. */
TEST_F(guests, kvm_under_another_name)
{
	const char *link = "/tmp/avcpu-kvm-node";

	RETURN_IF_SKIPPED();
	unlink(link);
	ASSERT_EQ(0, symlink(KVM_DEV, link));
	ASSERT_EQ(0, avcpu_spawn(VMM, (const char *const[]){ "--device", link,
							       GUESTS "hello.elf", NULL },
				 self->r.out, sizeof(self->r.out), &self->r.status));
	unlink(link);
	EXPECT_EQ(0, self->r.status);
	EXPECT_OUT(&self->r, "Hello from an avcpu guest!");
}

TEST_F(guests, user_psci_is_refused)
{
	RETURN_IF_SKIPPED();
	RUN_KVM(&self->r, "--psci=user", GUESTS "hello.elf");
	EXPECT_EQ(69, self->r.status);
	EXPECT_OUT(&self->r, "--psci=user needs avcpu: KVM serves PSCI in the kernel");
}

FIXTURE(linux_guest) {
	struct guest g;
	bool started;
};

FIXTURE_SETUP(linux_guest)
{
	const char *why = kvm_unavailable();

	self->started = false;
	if (!why && (access(LINUX_IMAGE, R_OK) || access(LINUX_INITRD, R_OK)))
		why = "no Linux guest in this initramfs (" LINUX_IMAGE ")";
	if (why)
		SKIP(return, "%s", why);
}

FIXTURE_TEARDOWN(linux_guest)
{
	if (self->started)
		guest_end(&self->g);
}

FIXTURE_VARIANT(linux_guest) {
	int cpus;
	const char *last;	/* the last command */
	int status;		/* avcpu-run's exit status after it (--help: 71 = reset) */
};

FIXTURE_VARIANT_ADD(linux_guest, one_vcpu) { .cpus = 1, .last = "reboot -f\n", .status = 71 };
FIXTURE_VARIANT_ADD(linux_guest, four_vcpus) {
	.cpus = 4, .last = "poweroff -f\n", .status = 0,
};

TEST_F_TIMEOUT(linux_guest, boots_to_a_shell, 600)
{
	struct guest *g = &self->g;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, guest_start(g, KVM_DEV, variant->cpus, "quiet"));
	self->started = true;
	guest_check_shell(_metadata, g, variant->cpus);
	ASSERT_LE(0, write(g->in, variant->last, strlen(variant->last)));
	EXPECT_EQ(variant->status, guest_wait(g, 120))
		TH_LOG("avcpu-run did not end as expected:\n%s",
		       g->buf + (g->len > 4096 ? g->len - 4096 : 0));
	TH_LOG("%d vCPU(s) on KVM: %.1f s from start to the end", variant->cpus,
	       now_s() - g->start);
}

TEST_HARNESS_MAIN
