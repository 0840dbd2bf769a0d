// SPDX-License-Identifier: GPL-2.0
/*
 * Guests on /dev/avcpu: MMIO exits of every width and their completion rules, the
 * no-syndrome exit, hypercalls, read-only memory, guest memory and its stage-2 mapping,
 * and the errno of every bad ioctl argument.
 */
#include <errno.h>
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_harness_util.h"
#include "avcpu_depth.h"
#include "avcpu_vm_guest.h"
#include "avcpu_vm_util.h"

FIXTURE(vm) {
	struct test_vm t;
};

FIXTURE_SETUP(vm)
{
	if (!avcpu_module_path() && !avcpu_module_loaded())
		SKIP(return, "avcpu.ko not found (set AVCPU_MODULE)");
	if (!test_avcpu_available())
		SKIP(return, "avcpu cannot run guests here (refused to load?)");
	ASSERT_EQ(0, test_vm_create(&self->t));
}

FIXTURE_TEARDOWN(vm)
{
	test_vm_destroy(&self->t);
}

/* Runs vCPU 0 to its next exit and checks it is an MMIO access as described. */
static void expect_mmio(struct __test_metadata *_metadata, struct test_vm *t, bool write,
			unsigned int len, uint64_t data)
{
	struct avcpu_run *run = t->run[0];
	uint64_t got = 0;

	ASSERT_EQ(0, test_vcpu_run(t, 0));
	ASSERT_EQ(AVCPU_EXIT_MMIO, run->exit_reason);
	EXPECT_EQ(GUEST_MMIO_GPA, run->mmio.phys_addr);
	EXPECT_EQ(len, run->mmio.len);
	EXPECT_EQ(write, run->mmio.is_write);
	if (write) {
		memcpy(&got, run->mmio.data, sizeof(got));
		EXPECT_EQ(data, got);
	}
}

TEST_F(vm, mmio_writes_every_width)
{
	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_mmio_writes, 0));
	expect_mmio(_metadata, &self->t, true, 1, 0xa1);
	expect_mmio(_metadata, &self->t, true, 2, 0xb2b1);
	expect_mmio(_metadata, &self->t, true, 4, 0xc4c3c2c1);
	expect_mmio(_metadata, &self->t, true, 8, 0xd8d7d6d5d4d3d2d1ULL);
	expect_mmio(_metadata, &self->t, true, 8, 0); /* from XZR */
	expect_done(_metadata, &self->t, 0);
}

TEST_F(vm, mmio_reads_complete_per_syndrome)
{
	static const struct {
		uint64_t tag;
		unsigned int len;
		uint64_t expect;
	} loads[] = {
		{ 1, 1, 0x87 },
		{ 2, 2, 0x8687 },
		{ 4, 4, 0x84858687 },
		{ 8, 8, 0x8081828384858687ULL },
		{ 0x11, 1, 0xffffff87 },		/* LDRSB W: sign-extended, 32 bits */
		{ 0x12, 1, 0xffffffffffffff87ULL },	/* LDRSB X */
		{ 0x21, 2, 0xffff8687 },		/* LDRSH W */
		{ 0x22, 2, 0xffffffffffff8687ULL },	/* LDRSH X */
		{ 0x42, 4, 0xffffffff84858687ULL },	/* LDRSW X */
		{ 0x31, 8, 0x5a5a5a5a },		/* LDR XZR: nothing written */
	};
	const uint64_t answer = 0x8081828384858687ULL;
	struct avcpu_run *run;
	size_t i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_mmio_reads, 0));
	run = self->t.run[0];
	for (i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
		expect_mmio(_metadata, &self->t, false, loads[i].len, 0);
		memcpy(run->mmio.data, &answer, sizeof(answer));
		ASSERT_EQ(0, test_vcpu_run(&self->t, 0));
		ASSERT_EQ(AVCPU_EXIT_HYPERCALL, run->exit_reason);
		EXPECT_EQ(loads[i].tag, run->hypercall.args[0]);
		EXPECT_EQ(loads[i].expect, run->hypercall.args[1]) TH_LOG("load %#llx",
			(unsigned long long)loads[i].tag);
	}
	expect_done(_metadata, &self->t, 0);
}

TEST_F(vm, ldp_gives_no_syndrome_exit)
{
	struct avcpu_run *run;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_mmio_ldp, 0));
	run = self->t.run[0];
	ASSERT_EQ(0, test_vcpu_run(&self->t, 0));
	ASSERT_EQ(AVCPU_EXIT_MMIO_NO_SYNDROME, run->exit_reason);
	EXPECT_EQ(GUEST_MMIO_GPA, run->mmio_no_syndrome.phys_addr);
	EXPECT_EQ(0x24, run->mmio_no_syndrome.esr >> 26 & 0x3f);
	EXPECT_EQ(0, run->mmio_no_syndrome.esr & (1 << 24)) TH_LOG("ISV set");
}

TEST_F(vm, hypercall_arguments_results_immediates)
{
	struct avcpu_run *run;
	int i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_hypercalls, 0));
	run = self->t.run[0];
	ASSERT_EQ(0, test_vcpu_run(&self->t, 0));
	ASSERT_EQ(AVCPU_EXIT_HYPERCALL, run->exit_reason);
	EXPECT_EQ(0x1234, run->hypercall.imm);
	for (i = 0; i < 7; i++)
		EXPECT_EQ(0x100 + i, run->hypercall.args[i]);
	for (i = 0; i < 4; i++)
		run->hypercall.ret[i] = 0xa0 + i;
	ASSERT_EQ(0, test_vcpu_run(&self->t, 0));
	ASSERT_EQ(AVCPU_EXIT_HYPERCALL, run->exit_reason);
	EXPECT_EQ(0xffff, run->hypercall.imm);
	expect_done(_metadata, &self->t, 0);
}

TEST_F(vm, readonly_region_reads_memory_writes_exit)
{
	struct avcpu_memory_region r = { .slot = 2, .flags = AVCPU_MEM_READONLY,
					 .guest_phys_addr = GUEST_RO_GPA, .memory_size = 4096 };
	struct avcpu_run *run;
	uint64_t *mem, got;

	RETURN_IF_SKIPPED();
	mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	mem[0] = 0x1122334455667788ULL;
	r.userspace_addr = (uint64_t)mem;
	ASSERT_EQ(0, ioctl(self->t.fd, AVCPU_SET_MEMORY_REGION, &r));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_readonly, 0));
	run = self->t.run[0];
	ASSERT_EQ(0, test_vcpu_run(&self->t, 0));
	ASSERT_EQ(AVCPU_EXIT_MMIO, run->exit_reason);
	EXPECT_EQ(GUEST_RO_GPA + 8, run->mmio.phys_addr);
	EXPECT_TRUE(run->mmio.is_write);
	memcpy(&got, run->mmio.data, 8);
	EXPECT_EQ(0xfeed, got);
	expect_done(_metadata, &self->t, 0);
	EXPECT_EQ(0, mem[1]) TH_LOG("a read-only region was written");
	munmap(mem, 4096);
}

TEST_F(vm, memory_blocks_patterns_and_deletion)
{
	const size_t size = 4UL << 20;
	struct avcpu_memory_region r = { .slot = 3, .guest_phys_addr = GUEST_DATA_GPA,
					 .memory_size = size };
	struct avcpu_translation tr = { .guest_phys_addr = GUEST_DATA_GPA };
	struct avcpu_run *run;
	struct ucall uc;
	uint32_t reason;
	uint64_t *mem, i;
	uint8_t *raw;

	RETURN_IF_SKIPPED();
	/* 2 MiB-aligned, physically contiguous where the kernel gives huge pages. */
	raw = mmap(NULL, size * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, raw);
	mem = (uint64_t *)(((uintptr_t)raw + (2UL << 20) - 1) & ~((2UL << 20) - 1));
	madvise(mem, size, MADV_HUGEPAGE);
	memset(mem, 0, size);
	r.userspace_addr = (uint64_t)mem;
	ASSERT_EQ(0, ioctl(self->t.fd, AVCPU_SET_MEMORY_REGION, &r));
	ASSERT_EQ(0, ioctl(self->t.fd, AVCPU_TRANSLATE_GPA, &tr));
	EXPECT_TRUE(tr.flags & AVCPU_TRANSLATE_MAPPED);
	EXPECT_TRUE(tr.flags & AVCPU_TRANSLATE_WRITABLE);
	EXPECT_EQ(0, tr.level) TH_LOG("mapped at stage 2 before the guest touched it");

	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_memory_pattern, GUEST_DATA_GPA));
	run = self->t.run[0];
	ASSERT_EQ(UCALL_SYNC, test_vcpu_get_ucall(&self->t, 0, &uc, &reason));
	/* The first touch of a 2 MiB huge page maps the whole block. */
	ASSERT_EQ(0, ioctl(self->t.fd, AVCPU_TRANSLATE_GPA, &tr));
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0)
		EXPECT_EQ(2, tr.level) TH_LOG("a 2 MiB-aligned huge page was not mapped as a block");
	for (i = 0; i < 512; i++) {
		ASSERT_EQ(0xabc0000000000000ULL | i, mem[i]);
		mem[512 + i] = 0x1230000000000000ULL | i;
	}
	ASSERT_EQ(UCALL_SYNC, test_vcpu_get_ucall(&self->t, 0, &uc, &reason))
		TH_LOG("guest saw a wrong host pattern: line %llu", (unsigned long long)uc.args[0]);
	/* Delete the region while the vCPU is stopped; the next touch is MMIO. */
	r.memory_size = 0;
	ASSERT_EQ(0, ioctl(self->t.fd, AVCPU_SET_MEMORY_REGION, &r));
	tr.flags = 0;
	ASSERT_EQ(0, ioctl(self->t.fd, AVCPU_TRANSLATE_GPA, &tr));
	EXPECT_FALSE(tr.flags & AVCPU_TRANSLATE_MAPPED);
	ASSERT_EQ(0, test_vcpu_run(&self->t, 0));
	ASSERT_EQ(AVCPU_EXIT_MMIO, run->exit_reason);
	EXPECT_EQ(GUEST_DATA_GPA, run->mmio.phys_addr);
	EXPECT_FALSE(run->mmio.is_write);
	i = 0x77;
	memcpy(run->mmio.data, &i, 8);
	expect_done(_metadata, &self->t, 0);
	munmap(raw, size * 2);
}

static void on_alarm(int sig)
{
}

TEST_F(vm, signal_interrupts_masked_spinning_guest)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct timespec sent, back;
	/* Repeating: an alarm that fires before RUN is entered is lost. */
	struct itimerval it = { .it_value = { .tv_usec = 200000 },
				.it_interval = { .tv_usec = 200000 } };
	struct avcpu_run *run;
	long ms;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_spin_masked, 0));
	run = self->t.run[0];
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	clock_gettime(CLOCK_MONOTONIC, &sent);
	EXPECT_EQ(-EINTR, test_vcpu_run(&self->t, 0));
	clock_gettime(CLOCK_MONOTONIC, &back);
	setitimer(ITIMER_REAL, &(struct itimerval){}, NULL);
	EXPECT_EQ(AVCPU_EXIT_INTR, run->exit_reason);
	ms = (back.tv_sec - sent.tv_sec) * 1000 + (back.tv_nsec - sent.tv_nsec) / 1000000 - 200;
	TH_LOG("RUN returned %ld ms after the signal", ms);
	EXPECT_LT(ms, 100);
	/* immediate_exit: no entry at all. */
	run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, test_vcpu_run(&self->t, 0));
	EXPECT_EQ(AVCPU_EXIT_INTR, run->exit_reason);
}

static void *run_thread(void *arg)
{
	struct test_vm *t = arg;

	return (void *)(long)test_vcpu_run(t, 0);
}

TEST_F(vm, concurrent_run_is_ebusy)
{
	struct sigaction sa = { .sa_handler = on_alarm };

	RETURN_IF_SKIPPED();
	pthread_t th;
	void *ret;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_spin_masked, 0));
	ASSERT_EQ(0, pthread_create(&th, NULL, run_thread, &self->t));
	usleep(200000);
	EXPECT_EQ(-EBUSY, test_vcpu_run(&self->t, 0));
	pthread_kill(th, SIGUSR1);
	pthread_join(th, &ret);
	EXPECT_EQ(-EINTR, (long)ret);
}

/* Every ioctl with bad arguments returns its documented errno. */
TEST_F(vm, bad_arguments)
{
	struct avcpu_memory_region r = { .slot = 5, .guest_phys_addr = 0x50000000,
					 .memory_size = 8192 };
	struct avcpu_one_reg one = { .id = 0x1234 };
	struct avcpu_regs regs;
	uint8_t *mem;
	uint64_t value;
	int fd = self->t.dev;
	struct { uint64_t n; uint64_t reg[4]; } list = { .n = 4 };

	RETURN_IF_SKIPPED();
	mem = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	r.userspace_addr = (uint64_t)mem;

	EXPECT_EQ(-1, ioctl(fd, AVCPU_CREATE_VM, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, ioctl(fd, AVCPU_CHECK_CAP, 9999));
	EXPECT_LT(0, ioctl(fd, AVCPU_CHECK_CAP, AVCPU_CAP_IPA_BITS));

#define EXPECT_REGION_ERRNO(err)                                                   \
	do {                                                                       \
		EXPECT_EQ(-1, ioctl(self->t.fd, AVCPU_SET_MEMORY_REGION, &r));    \
		EXPECT_EQ(err, errno);                                             \
	} while (0)
	r.slot = 999;
	EXPECT_REGION_ERRNO(EINVAL);
	r.slot = 5;
	r.flags = 0x80;
	EXPECT_REGION_ERRNO(EINVAL);
	r.flags = 0;
	r.guest_phys_addr = 0x50000800;
	EXPECT_REGION_ERRNO(EINVAL);		/* misaligned */
	r.guest_phys_addr = ~0xfffULL;
	EXPECT_REGION_ERRNO(EOVERFLOW);		/* wraps */
	r.guest_phys_addr = 1ULL << 50;
	EXPECT_REGION_ERRNO(ERANGE);		/* beyond the IPA size */
	r.guest_phys_addr = 0x50000000;
	r.userspace_addr = 0x1000;
	EXPECT_REGION_ERRNO(EFAULT);		/* nothing mapped there */
	r.userspace_addr = (uint64_t)mem;
	r.guest_phys_addr = self->t.image_gpa;
	EXPECT_REGION_ERRNO(EEXIST);		/* overlaps slot 0 */
	r.guest_phys_addr = 0x50000000;
	ASSERT_EQ(0, ioctl(self->t.fd, AVCPU_SET_MEMORY_REGION, &r));
	EXPECT_REGION_ERRNO(EBUSY);		/* slot in use */
	r.memory_size = 0;
	ASSERT_EQ(0, ioctl(self->t.fd, AVCPU_SET_MEMORY_REGION, &r));
	EXPECT_REGION_ERRNO(ENOENT);		/* deleting an empty slot */

	EXPECT_EQ(-1, ioctl(self->t.fd, AVCPU_CREATE_VCPU, 64));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_spin_masked, 0));
	EXPECT_EQ(-1, ioctl(self->t.fd, AVCPU_CREATE_VCPU, 0));
	EXPECT_EQ(EEXIST, errno);

	fd = self->t.vcpu_fd[0];
	ASSERT_EQ(0, ioctl(fd, AVCPU_GET_REGS, &regs));
	regs.pstate = 0x3c9;			/* EL2h: never */
	EXPECT_EQ(-1, ioctl(fd, AVCPU_SET_REGS, &regs));
	EXPECT_EQ(EINVAL, errno);
	regs.pstate = 0x3d5;			/* AArch32 */
	EXPECT_EQ(-1, ioctl(fd, AVCPU_SET_REGS, &regs));
	EXPECT_EQ(EINVAL, errno);
	one.addr = (uint64_t)&value;
	EXPECT_EQ(-1, ioctl(fd, AVCPU_GET_ONE_REG, &one));
	EXPECT_EQ(ENOENT, errno);
	one.id = AVCPU_REG_TPIDR_EL1;
	one.addr = 8;
	EXPECT_EQ(-1, ioctl(fd, AVCPU_GET_ONE_REG, &one));
	EXPECT_EQ(EFAULT, errno);
	one.id = AVCPU_REG_MPIDR_EL1;
	one.addr = (uint64_t)&value;
	value = 1ULL << 40;			/* not an affinity field */
	EXPECT_EQ(-1, ioctl(fd, AVCPU_SET_ONE_REG, &one));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, AVCPU_GET_REG_LIST, &list));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_LT(4, list.n);
	EXPECT_EQ(-1, ioctl(fd, AVCPU_RUN, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, _IO(AVCPUIO, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
	munmap(mem, 8192);
}

TEST_F(vm, register_list_and_one_reg_round_trip)
{
	uint64_t buf[128], value, got;
	struct avcpu_reg_list *list = (void *)buf;
	struct avcpu_one_reg one;
	uint64_t i;
	__uint128_t v;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_spin_masked, 0));
	list->n = 127;
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_REG_LIST, list));
	for (i = 0; i < list->n; i++) {
		uint64_t id = list->reg[i];

		one.id = id;
		if (AVCPU_REG_SIZE(id) == 16) {
			v = ((__uint128_t)(0x1111 * i) << 64) | (0x2222 * i);
			one.addr = (uint64_t)&v;
			ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_SET_ONE_REG, &one));
			v = 0;
			ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_ONE_REG, &one));
			EXPECT_TRUE(v == (((__uint128_t)(0x1111 * i) << 64) | (0x2222 * i)));
			continue;
		}
		value = id == AVCPU_REG_MPIDR_EL1 ? 0x0102 : 0x5000 + i;
		one.addr = (uint64_t)&value;
		ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_SET_ONE_REG, &one)) TH_LOG("id %#llx", (unsigned long long)id);
		one.addr = (uint64_t)&got;
		ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_ONE_REG, &one));
		/* MPIDR: bit 31 is RES1. */
		EXPECT_EQ(id == AVCPU_REG_MPIDR_EL1 ? 0x80000102ULL : value, got);
	}
}

/* Features the world switch does not handle are absent from the ID registers. */
TEST_F(vm, id_registers_hide_unswitched_features)
{
	struct avcpu_run *run;
	uint64_t a[4][2];
	int i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_read_id_registers, 0));
	run = self->t.run[0];
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, test_vcpu_run(&self->t, 0));
		ASSERT_EQ(AVCPU_EXIT_HYPERCALL, run->exit_reason);
		ASSERT_EQ(0x10 + i, run->hypercall.args[0]);
		a[i][0] = run->hypercall.args[1];
		a[i][1] = run->hypercall.args[2];
	}
#define FIELD(v, shift) (((v) >> (shift)) & 0xf)
	EXPECT_EQ(0, FIELD(a[0][0], 32)) TH_LOG("PFR0.SVE visible");
	EXPECT_EQ(0, FIELD(a[0][0], 8)) TH_LOG("PFR0.EL2 visible");
	EXPECT_EQ(0, FIELD(a[0][0], 44)) TH_LOG("PFR0.AMU visible");
	EXPECT_NE(0, FIELD(a[0][0], 4)) TH_LOG("PFR0.EL1 must stay");
	EXPECT_EQ(0, FIELD(a[0][1], 8)) TH_LOG("PFR1.MTE visible");
	EXPECT_EQ(0, FIELD(a[0][1], 24)) TH_LOG("PFR1.SME visible");
	EXPECT_EQ(0, FIELD(a[1][0], 8)) TH_LOG("DFR0.PMUVer visible");
	EXPECT_EQ(0, FIELD(a[1][0], 32)) TH_LOG("DFR0.PMSVer (SPE) visible");
	EXPECT_EQ(0, FIELD(a[1][1], 4) | FIELD(a[1][1], 8)) TH_LOG("ISAR1 APA/API visible");
	EXPECT_EQ(0, a[2][0]) TH_LOG("ZFR0 not zero");
	EXPECT_EQ(0, a[2][1]) TH_LOG("SMFR0 not zero");
	EXPECT_EQ(0x80000000ULL, a[3][0]) TH_LOG("vCPU 0's default MPIDR");
	EXPECT_EQ(1, a[3][1] >> 2) TH_LOG("guest runs at EL1");
	expect_done(_metadata, &self->t, 0);
}

/*
 * A fetch from nowhere by a guest whose vector table is nowhere too (VBAR_EL1 = 0, no
 * memory there): each external abort's vector fetch aborts again, as on hardware. The
 * guest spins in its own recursive aborts; a signal still ends RUN at once, and the
 * registers show where it is: at VBAR_EL1 + 0x200 with ESR_EL1 an external fetch abort.
 */
TEST_F(vm, fetch_abort_with_no_vectors_spins_in_the_guest)
{
	const uint64_t nowhere = 0x0e100000;
	struct sigaction sa = { .sa_handler = on_alarm };
	/* Repeating: an alarm that fires before RUN is entered is lost. */
	struct itimerval it = { .it_value = { .tv_usec = 200000 },
				.it_interval = { .tv_usec = 200000 } };
	struct avcpu_vcpu_stats st;
	struct avcpu_regs regs;
	uint64_t esr = 0;
	struct avcpu_one_reg one = { .id = AVCPU_REG_ESR_EL1, .addr = (uintptr_t)&esr };

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_jump_nowhere, nowhere));
	/* A new vCPU: EL1h, every interrupt masked, MMU off. */
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_REGS, &regs));
	EXPECT_EQ(0x3c5, regs.pstate);
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	EXPECT_EQ(-EINTR, test_vcpu_run(&self->t, 0));
	setitimer(ITIMER_REAL, &(struct itimerval){}, NULL);
	EXPECT_EQ(AVCPU_EXIT_INTR, self->t.run[0]->exit_reason);
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_REGS, &regs));
	EXPECT_EQ(0x200, regs.pc) TH_LOG("pc %#llx", (unsigned long long)regs.pc);
	EXPECT_EQ(0x3c5, regs.pstate & 0x3ff);
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_ONE_REG, &one));
	EXPECT_EQ(0x21, esr >> 26 & 0x3f) TH_LOG("ESR_EL1 %#llx", (unsigned long long)esr);
	EXPECT_EQ(0x10, esr & 0x3f);
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_VCPU_STATS, &st));
	EXPECT_LT(1, st.aborts_injected) TH_LOG("recursive aborts: %llu",
						(unsigned long long)st.aborts_injected);
	EXPECT_EQ(0, st.exits[AVCPU_EXIT_EXCEPTION]);
}

TEST_F_TIMEOUT(vm, registers_survive_10000_exits, 300)
{
	const uint64_t count = 10000;
	uint64_t tp_before, tp_after, i;
	volatile double host_fp = 1.0;
	struct avcpu_run *run;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_regs_survive, count));
	run = self->t.run[0];
	asm volatile("mrs %0, tpidr_el0" : "=r"(tp_before));
	for (i = 0; i < count; i++) {
		ASSERT_EQ(0, test_vcpu_run(&self->t, 0));
		if (run->exit_reason != AVCPU_EXIT_HYPERCALL)
			break;
		ASSERT_EQ(i, run->hypercall.args[0]);
		host_fp = host_fp * 1.0000001 + 0.5;
	}
	/* The guest checked its own registers after every exit; it must end with DONE. */
	expect_done(_metadata, &self->t, 0);
	EXPECT_EQ(count, i);
	asm volatile("mrs %0, tpidr_el0" : "=r"(tp_after));
	EXPECT_EQ(tp_before, tp_after) TH_LOG("the host's TLS register changed");
	EXPECT_TRUE(host_fp > 5000.0 && host_fp < 5100.0) TH_LOG("host FP: %f", host_fp);
}

struct soak_vcpu {
	struct test_vm *t;
	volatile uint64_t *slots;	/* the host's view of the guest's counters */
	int n;
	double seconds;
	uint64_t exits;
	int error;		/* 0, or the line that failed */
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One vCPU thread: runs until the deadline, moving to another host CPU every 50 exits. */
static void *soak_thread(void *arg)
{
	struct soak_vcpu *s = arg;
	struct avcpu_run *run = s->t->run[s->n];
	volatile uint64_t *slots = s->slots;
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	double end = now_seconds() + s->seconds;
	cpu_set_t set;

	while (now_seconds() < end) {
		if (s->exits % 50 == 0) {
			CPU_ZERO(&set);
			CPU_SET((s->exits / 50 + s->n) % ncpus, &set);
			sched_setaffinity(0, sizeof(set), &set);
		}
		if (test_vcpu_run(s->t, s->n)) {
			s->error = __LINE__;
			break;
		}
		if (run->exit_reason != AVCPU_EXIT_HYPERCALL ||
		    run->hypercall.args[2] != (uint64_t)s->n ||
		    slots[s->n] != run->hypercall.args[1]) {
			s->error = __LINE__;
			break;
		}
		s->exits++;
	}
	return NULL;
}

/* Extra slot 3 for guest_regs_forever's counters; mmap()ed by the caller. */
static int add_data_slot(struct test_vm *t, void *mem)
{
	struct avcpu_memory_region r = { .slot = 3, .guest_phys_addr = GUEST_DATA_GPA,
					 .memory_size = 4096, .userspace_addr = (uint64_t)mem };

	return ioctl(t->fd, AVCPU_SET_MEMORY_REGION, &r) ? -errno : 0;
}

FIXTURE(soak) {
	int unused;
};

FIXTURE_SETUP(soak)
{
}

FIXTURE_TEARDOWN(soak)
{
}

/*
 * Two VMs of two vCPUs each, every vCPU thread moving between host CPUs every 50 exits,
 * each guest checking its registers after every exit: 5, 10 or 60 s at lean, full or
 * soak depth (avcpu_depth.h), AVCPU_SOAK_SECONDS if set.
 */
TEST_F_TIMEOUT(soak, two_vms_two_vcpus_migrating, 300)
{
	const char *env = getenv("AVCPU_SOAK_SECONDS");
	double seconds = env ? atof(env) : avcpu_depth_pick(5, 10, 60);
	struct test_vm vms[2];
	struct soak_vcpu s[4];
	pthread_t th[4];
	void *data[2];
	int v, i;

	if (!avcpu_module_path() && !avcpu_module_loaded())
		SKIP(return, "avcpu.ko not found (set AVCPU_MODULE)");
	if (!test_avcpu_available())
		SKIP(return, "avcpu cannot run guests here");
	for (v = 0; v < 2; v++) {
		ASSERT_EQ(0, test_vm_create(&vms[v]));
		data[v] = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, data[v]);
		ASSERT_EQ(0, add_data_slot(&vms[v], data[v]));
		for (i = 0; i < 2; i++)
			ASSERT_EQ(0, test_vcpu_add(&vms[v], i, guest_regs_forever, i));
	}
	for (i = 0; i < 4; i++) {
		s[i] = (struct soak_vcpu){ .t = &vms[i / 2], .slots = data[i / 2], .n = i % 2,
					   .seconds = seconds };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, soak_thread, &s[i]));
	}
	TH_LOG("%.0f s, 4 vCPUs", seconds);
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		TH_LOG("VM %d vCPU %d: %llu exits", i / 2, i % 2, (unsigned long long)s[i].exits);
		EXPECT_EQ(0, s[i].error) TH_LOG("VM %d vCPU %d failed at line %d, exit %u", i / 2,
						 i % 2, s[i].error, s[i].t->run[s[i].n]->exit_reason);
		EXPECT_LT(100, s[i].exits);
	}
	for (v = 0; v < 2; v++) {
		test_vm_destroy(&vms[v]);
		munmap(data[v], 4096);
	}
}

TEST_HARNESS_MAIN
