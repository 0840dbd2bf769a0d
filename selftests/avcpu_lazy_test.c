// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory mapped at stage 2 on first touch: a slot pins nothing until the guest
 * touches it, then exactly the pages touched; data accesses, instruction fetches and
 * stage-1 table walks into untouched memory all work; two vCPUs faulting on the same
 * pages map each once; a slot whose memory the VMM unmapped fails RUN cleanly; and
 * AVCPU_MEM_PREFAULT pins and maps everything up front.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_lazy_guest.h"
#include "avcpu_vm_util.h"

#define DATA_SLOT	2
#define BIG_SIZE	(256UL << 20)	/* a slot much larger than anything touched */
#define GIB		(1UL << 30)

FIXTURE(lazy) {
	struct test_vm t;
	uint8_t *data;
	size_t size;
};

FIXTURE_SETUP(lazy)
{
	self->data = MAP_FAILED;
	if (!avcpu_module_path() && !avcpu_module_loaded())
		SKIP(return, "avcpu.ko not found (set AVCPU_MODULE)");
	if (!test_avcpu_available())
		SKIP(return, "avcpu cannot run guests here (refused to load?)");
	ASSERT_EQ(0, test_vm_create(&self->t));
	self->size = BIG_SIZE;
	self->data = mmap(NULL, self->size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->data);
	/* 4 KiB pages: the counts below are of pages, not of 2 MiB blocks. */
	madvise(self->data, self->size, MADV_NOHUGEPAGE);
}

FIXTURE_TEARDOWN(lazy)
{
	test_vm_destroy(&self->t);
	if (self->data != MAP_FAILED)
		munmap(self->data, self->size);
}

static int set_data_slot(struct test_vm *t, uint32_t flags, uint64_t size, void *hva)
{
	return test_set_region(t, DATA_SLOT, LAZY_DATA_GPA, size, hva, flags);
}

static uint64_t memory_bytes(struct __test_metadata *_metadata, struct test_vm *t)
{
	struct avcpu_vm_stats st;

	EXPECT_EQ(0, ioctl(t->fd, AVCPU_GET_VM_STATS, &st));
	return st.memory_bytes;
}

/* The stage-2 level gpa is mapped at: 0 while not faulted in. */
static uint64_t s2_level(struct __test_metadata *_metadata, struct test_vm *t, uint64_t gpa)
{
	struct avcpu_translation tr = { .guest_phys_addr = gpa };

	EXPECT_EQ(0, ioctl(t->fd, AVCPU_TRANSLATE_GPA, &tr));
	EXPECT_TRUE(tr.flags & AVCPU_TRANSLATE_MAPPED) TH_LOG("%#llx is guest memory",
							     (unsigned long long)gpa);
	return tr.level;
}

static void expect_sync(struct __test_metadata *_metadata, struct test_vm *t, int n,
			uint64_t stage)
{
	struct ucall uc;
	uint32_t reason = 0;

	ASSERT_EQ(UCALL_SYNC, test_vcpu_get_ucall(t, n, &uc, &reason))
		TH_LOG("exit %u, ucall %llu line %llu", reason, (unsigned long long)uc.cmd,
		       (unsigned long long)uc.args[0]);
	EXPECT_EQ(stage, uc.args[0]);
}

static void expect_done(struct __test_metadata *_metadata, struct test_vm *t, int n)
{
	struct ucall uc;
	uint32_t reason = 0;

	EXPECT_EQ(UCALL_DONE, test_vcpu_get_ucall(t, n, &uc, &reason)) TH_LOG("exit %u", reason);
}

/* The guest touches 1, then LAZY_TOUCHED pages of a 256 MiB slot: exactly those are pinned. */
TEST_F(lazy, pins_only_the_pages_touched)
{
	uint64_t before, round1, i;

	RETURN_IF_SKIPPED();
	before = memory_bytes(_metadata, &self->t);
	ASSERT_EQ(0, set_data_slot(&self->t, 0, self->size, self->data));
	EXPECT_EQ(before, memory_bytes(_metadata, &self->t)) TH_LOG("SET_MEMORY_REGION pinned");
	EXPECT_EQ(0, s2_level(_metadata, &self->t, LAZY_DATA_GPA));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_touch_pages, 0));
	expect_sync(_metadata, &self->t, 0, 1);
	EXPECT_EQ(3, s2_level(_metadata, &self->t, LAZY_DATA_GPA));
	EXPECT_EQ(0, s2_level(_metadata, &self->t, LAZY_DATA_GPA + LAZY_PAGE));
	round1 = memory_bytes(_metadata, &self->t);
	expect_sync(_metadata, &self->t, 0, 2);
	EXPECT_EQ(round1 + (LAZY_TOUCHED - 1) * LAZY_PAGE, memory_bytes(_metadata, &self->t));
	for (i = 0; i < LAZY_TOUCHED; i++)
		EXPECT_EQ(LAZY_PATTERN(i), *(uint64_t *)(self->data + i * LAZY_PAGE));
	EXPECT_EQ(0, s2_level(_metadata, &self->t, LAZY_DATA_GPA + LAZY_TOUCHED * LAZY_PAGE));
	expect_done(_metadata, &self->t, 0);
	/* Deleting the slot unpins what was pinned of it, and only that. */
	ASSERT_EQ(0, set_data_slot(&self->t, 0, 0, NULL));
	EXPECT_EQ(round1 - LAZY_PAGE, memory_bytes(_metadata, &self->t));
}

/* Code the VMM wrote into a page no guest touched: the fetch maps it and runs it. */
TEST_F(lazy, fetch_from_untouched_page)
{
	/* movz x0, #42; ret */
	static const uint32_t code[] = { 0xd2800540u, 0xd65f03c0u };
	const uint64_t entry = LAZY_DATA_GPA + 5 * LAZY_PAGE;
	struct avcpu_vcpu_stats st;

	RETURN_IF_SKIPPED();
	memcpy(self->data + 5 * LAZY_PAGE, code, sizeof(code));
	ASSERT_EQ(0, set_data_slot(&self->t, 0, self->size, self->data));
	EXPECT_EQ(0, s2_level(_metadata, &self->t, entry));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_call, entry));
	expect_sync(_metadata, &self->t, 0, 42);
	EXPECT_EQ(3, s2_level(_metadata, &self->t, entry));
	expect_done(_metadata, &self->t, 0);
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_VCPU_STATS, &st));
	EXPECT_EQ(0, st.aborts_injected);
}

/* Stage-1 descriptors (Arm ARM D8.3): table, and Normal (MAIR 0) inner-shareable blocks. */
#define S1_TABLE	3ULL
#define S1_BLOCK	(1ULL | 3ULL << 8 | 1ULL << 10)

/*
 * The guest turns its MMU on with tables in pages no guest touched: each step of the walk
 * takes a stage-2 fault (ESR S1PTW), which maps the table's page.
 */
TEST_F(lazy, stage1_walk_through_untouched_tables)
{
	uint64_t *root = (uint64_t *)self->data, *l2 = (uint64_t *)(self->data + LAZY_PAGE);
	uint64_t before;

	RETURN_IF_SKIPPED();
	/* GiB 0 (the binary, stacks) and the data slot's first 2 MiB, identity-mapped. */
	ASSERT_GT(GIB, self->t.image_gpa + self->t.image_size) TH_LOG("binary above 1 GiB");
	root[0] = 0 | S1_BLOCK;
	root[1] = (LAZY_DATA_GPA + LAZY_PAGE) | S1_TABLE;
	l2[0] = LAZY_DATA_GPA | S1_BLOCK;
	*(uint64_t *)(self->data + 3 * LAZY_PAGE) = 0xfeedface;
	ASSERT_EQ(0, set_data_slot(&self->t, 0, self->size, self->data));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_mmu_read, LAZY_DATA_GPA));
	before = memory_bytes(_metadata, &self->t);
	expect_sync(_metadata, &self->t, 0, 0xfeedface);
	EXPECT_EQ(3, s2_level(_metadata, &self->t, LAZY_DATA_GPA)) TH_LOG("root table");
	EXPECT_EQ(3, s2_level(_metadata, &self->t, LAZY_DATA_GPA + LAZY_PAGE)) TH_LOG("level 2");
	EXPECT_EQ(0, s2_level(_metadata, &self->t, LAZY_DATA_GPA + 2 * LAZY_PAGE));
	EXPECT_EQ(3, s2_level(_metadata, &self->t, LAZY_DATA_GPA + 3 * LAZY_PAGE));
	/* The three data pages, and whatever of the binary and stack the guest ran on. */
	EXPECT_LE(before + 3 * LAZY_PAGE, memory_bytes(_metadata, &self->t));
	expect_done(_metadata, &self->t, 0);
}

struct runner {
	struct __test_metadata *meta;
	struct test_vm *t;
	int n;
	uint64_t got;
};

static void *run_to_sync(void *arg)
{
	struct runner *r = arg;
	struct ucall uc = {};
	uint32_t reason = 0;

	r->got = test_vcpu_get_ucall(r->t, r->n, &uc, &reason) == UCALL_SYNC ? uc.args[0] : ~0ULL;
	return NULL;
}

/* Two vCPUs fault on the same pages at once: each page is pinned (and mapped) once. */
TEST_F(lazy, two_vcpus_fault_on_the_same_pages)
{
	struct runner r[2];
	pthread_t th[2];
	uint64_t round1, i;
	int n;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, set_data_slot(&self->t, 0, self->size, self->data));
	for (n = 0; n < 2; n++) {
		ASSERT_EQ(0, test_vcpu_add(&self->t, n, guest_touch_pages, 0));
		expect_sync(_metadata, &self->t, n, 1);
	}
	round1 = memory_bytes(_metadata, &self->t);
	for (n = 0; n < 2; n++) {
		r[n] = (struct runner){ .meta = _metadata, .t = &self->t, .n = n };
		ASSERT_EQ(0, pthread_create(&th[n], NULL, run_to_sync, &r[n]));
	}
	for (n = 0; n < 2; n++) {
		pthread_join(th[n], NULL);
		EXPECT_EQ(2, r[n].got) TH_LOG("vCPU %d", n);
	}
	EXPECT_EQ(round1 + (LAZY_TOUCHED - 1) * LAZY_PAGE, memory_bytes(_metadata, &self->t));
	for (i = 0; i < LAZY_TOUCHED; i++)
		EXPECT_EQ(LAZY_PATTERN(i), *(uint64_t *)(self->data + i * LAZY_PAGE));
}

/*
 * The VMM unmaps the slot's memory after SET_MEMORY_REGION: the guest's first touch
 * cannot be served, and RUN fails with EFAULT (no WARN: the log judge would fail the boot).
 */
TEST_F(lazy, unmapped_backing_fails_run_with_efault)
{
	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, set_data_slot(&self->t, 0, self->size, self->data));
	ASSERT_EQ(0, munmap(self->data, self->size));
	self->data = MAP_FAILED;
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_touch_pages, 0));
	EXPECT_EQ(-EFAULT, test_vcpu_run(&self->t, 0));
	/* Again: nothing was left half-mapped. */
	EXPECT_EQ(-EFAULT, test_vcpu_run(&self->t, 0));
	EXPECT_EQ(0, set_data_slot(&self->t, 0, 0, NULL));
}

/* AVCPU_MEM_PREFAULT: everything pinned and mapped by SET_MEMORY_REGION, as before. */
TEST_F(lazy, prefault_pins_and_maps_up_front)
{
	const uint64_t size = 4UL << 20;
	uint64_t before;

	RETURN_IF_SKIPPED();
	before = memory_bytes(_metadata, &self->t);
	ASSERT_EQ(0, set_data_slot(&self->t, AVCPU_MEM_PREFAULT, size, self->data));
	EXPECT_EQ(before + size, memory_bytes(_metadata, &self->t));
	EXPECT_NE(0, s2_level(_metadata, &self->t, LAZY_DATA_GPA));
	EXPECT_NE(0, s2_level(_metadata, &self->t, LAZY_DATA_GPA + size - LAZY_PAGE));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_touch_pages, 0));
	expect_sync(_metadata, &self->t, 0, 1);
	before = memory_bytes(_metadata, &self->t);
	expect_sync(_metadata, &self->t, 0, 2);
	EXPECT_EQ(before, memory_bytes(_metadata, &self->t)) TH_LOG("a prefaulted slot faulted");
	EXPECT_EQ(0, set_data_slot(&self->t, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, set_data_slot(&self->t, 1U << 31, size, self->data));
}

/*
 * Memory that could never be pinned is refused when the slot is added, not at the
 * guest's first touch: a writable slot over a read-only mapping, a slot over memory
 * that cannot be read. A read-only slot over read-only memory is fine.
 */
TEST_F(lazy, unpinnable_backing_refused_up_front)
{
	size_t len = 64 * 4096;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, mprotect(self->data, len, PROT_READ));
	EXPECT_EQ(-EFAULT, set_data_slot(&self->t, 0, len, self->data));
	EXPECT_EQ(0, set_data_slot(&self->t, AVCPU_MEM_READONLY, len, self->data));
	EXPECT_EQ(0, set_data_slot(&self->t, 0, 0, NULL));
	ASSERT_EQ(0, mprotect(self->data, len, PROT_NONE));
	EXPECT_EQ(-EFAULT, set_data_slot(&self->t, AVCPU_MEM_READONLY, len, self->data));
	ASSERT_EQ(0, mprotect(self->data, len, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0, memory_bytes(_metadata, &self->t));
}

TEST_HARNESS_MAIN
