// SPDX-License-Identifier: GPL-2.0
#include "avcpu_vm_util.h"

#include <errno.h>
#include <link.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "avcpu_test_util.h"

extern char __executable_start[], _end[];

#define PAGE 4096UL

int test_set_region(struct test_vm *t, uint32_t slot, uint64_t gpa, uint64_t size, void *hva,
		    uint32_t flags)
{
	struct avcpu_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)hva,
	};

	return ioctl(t->fd, AVCPU_SET_MEMORY_REGION, &r) ? -errno : 0;
}

static int copy_segments(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct test_vm *t = arg;
	int i;

	if (info->dlpi_addr)
		return 0; /* not the (static, non-PIE) executable itself */
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD || ph->p_vaddr < t->image_gpa ||
		    ph->p_vaddr + ph->p_memsz > t->image_gpa + t->image_size)
			continue;
		memcpy(t->image + (ph->p_vaddr - t->image_gpa), (void *)ph->p_vaddr, ph->p_memsz);
	}
	return 1;
}

bool test_avcpu_available(void)
{
	int fd;

	if (avcpu_ensure_loaded())
		return false;
	fd = open(AVCPU_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int test_vm_create(struct test_vm *t)
{
	uint64_t start = (uint64_t)__executable_start & ~(PAGE - 1);
	uint64_t end = ((uint64_t)_end + PAGE - 1) & ~(PAGE - 1);
	int ret, i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < TEST_MAX_VCPUS; i++)
		t->vcpu_fd[i] = -1;
	t->dev = open(AVCPU_DEV, O_RDWR | O_CLOEXEC);
	if (t->dev < 0)
		return -errno;
	t->fd = ioctl(t->dev, AVCPU_CREATE_VM, 0);
	if (t->fd < 0)
		return -errno;
	t->image_gpa = start;
	t->image_size = end - start;
	t->image = mmap(NULL, t->image_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	t->stacks = mmap(NULL, GUEST_STACK_SLOT_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->image == MAP_FAILED || t->stacks == MAP_FAILED)
		return -ENOMEM;
	/* The guest's copy of the binary as it is now: each loaded segment, not the holes. */
	dl_iterate_phdr(copy_segments, t);
	ret = test_set_region(t, 0, t->image_gpa, t->image_size, t->image, 0);
	if (!ret)
		ret = test_set_region(t, 1, GUEST_STACK_GPA, GUEST_STACK_SLOT_SIZE, t->stacks, 0);
	return ret;
}

void test_vm_destroy(struct test_vm *t)
{
	int i;

	for (i = 0; i < TEST_MAX_VCPUS; i++) {
		if (t->run[i])
			munmap(t->run[i], PAGE);
		if (t->vcpu_fd[i] >= 0)
			close(t->vcpu_fd[i]);
	}
	if (t->fd > 0)
		close(t->fd);
	if (t->dev > 0)
		close(t->dev);
	if (t->image && t->image != MAP_FAILED)
		munmap(t->image, t->image_size);
	if (t->stacks && t->stacks != MAP_FAILED)
		munmap(t->stacks, GUEST_STACK_SLOT_SIZE);
	memset(t, 0, sizeof(*t));
}

int test_vcpu_add(struct test_vm *t, int n, void (*fn)(uint64_t), uint64_t arg)
{
	struct avcpu_regs regs;
	int fd;

	fd = ioctl(t->fd, AVCPU_CREATE_VCPU, n);
	if (fd < 0)
		return -errno;
	t->vcpu_fd[n] = fd;
	t->run[n] = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (t->run[n] == MAP_FAILED) {
		t->run[n] = NULL;
		return -errno;
	}
	if (ioctl(fd, AVCPU_GET_REGS, &regs))
		return -errno;
	regs.pc = (uint64_t)fn;
	regs.x[0] = arg;
	regs.x[30] = (uint64_t)guest_return_done;
	regs.sp_el1 = GUEST_STACK_GPA + (n + 1) * GUEST_STACK_SIZE;
	return ioctl(fd, AVCPU_SET_REGS, &regs) ? -errno : 0;
}

int test_vcpu_run(struct test_vm *t, int n)
{
	return ioctl(t->vcpu_fd[n], AVCPU_RUN, 0) ? -errno : 0;
}

void *test_gpa_to_hva(struct test_vm *t, uint64_t gpa)
{
	if (gpa >= t->image_gpa && gpa < t->image_gpa + t->image_size)
		return t->image + (gpa - t->image_gpa);
	if (gpa >= GUEST_STACK_GPA && gpa < GUEST_STACK_GPA + GUEST_STACK_SLOT_SIZE)
		return t->stacks + (gpa - GUEST_STACK_GPA);
	return NULL;
}

int test_vcpu_hypercalls_to_done(struct test_vm *t, int n, uint64_t imm)
{
	struct ucall uc;
	uint32_t reason;
	int count = 0;

	for (;;) {
		uint64_t cmd = test_vcpu_get_ucall(t, n, &uc, &reason);

		if (cmd == UCALL_DONE)
			return count;
		if (cmd != UCALL_NONE || reason != AVCPU_EXIT_HYPERCALL ||
		    t->run[n]->hypercall.imm != imm)
			return -1;
		count++;
	}
}

uint64_t test_vcpu_get_ucall(struct test_vm *t, int n, struct ucall *uc, uint32_t *exit_reason)
{
	struct avcpu_run *run = t->run[n];
	uint64_t ptr;
	void *hva;

	memset(uc, 0, sizeof(*uc));
	*exit_reason = AVCPU_EXIT_NONE;
	if (test_vcpu_run(t, n))
		return UCALL_NONE;
	*exit_reason = run->exit_reason;
	if (run->exit_reason != AVCPU_EXIT_MMIO || run->mmio.phys_addr != GUEST_UCALL_GPA ||
	    !run->mmio.is_write || run->mmio.len != 8)
		return UCALL_NONE;
	memcpy(&ptr, run->mmio.data, sizeof(ptr));
	hva = test_gpa_to_hva(t, ptr);
	if (!hva)
		return UCALL_NONE;
	memcpy(uc, hva, sizeof(*uc));
	return uc->cmd;
}
