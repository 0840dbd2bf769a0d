/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host side of the guest selftests: a VM whose memory is a copy of this test binary at
 * its own addresses plus per-vCPU stacks, vCPUs entering guest functions, ucalls.
 */
#ifndef AVCPU_VM_UTIL_H
#define AVCPU_VM_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/avcpu.h>

#include "avcpu_guest.h"

#define TEST_MAX_VCPUS 8

struct test_vm {
	int dev, fd;
	uint8_t *image;			/* backing of the binary's copy */
	uint64_t image_gpa, image_size;
	uint8_t *stacks;		/* backing of the stack slot */
	int vcpu_fd[TEST_MAX_VCPUS];
	struct avcpu_run *run[TEST_MAX_VCPUS];
};

/* Opens /dev/avcpu and sets up the VM (slot 0: the binary, slot 1: stacks); 0 or -errno. */
int test_vm_create(struct test_vm *t);
/* AVCPU_SET_MEMORY_REGION: 0 or -errno. */
int test_set_region(struct test_vm *t, uint32_t slot, uint64_t gpa, uint64_t size, void *hva,
		    uint32_t flags);
void test_vm_destroy(struct test_vm *t);

/* Adds vCPU n entering fn(arg) with its own stack; returns 0 or -errno. */
int test_vcpu_add(struct test_vm *t, int n, void (*fn)(uint64_t), uint64_t arg);

/* RUN on vCPU n; returns 0 or -errno, with t->run[n] describing the exit. */
int test_vcpu_run(struct test_vm *t, int n);

/* The host address of guest physical address gpa in the binary's copy or the stacks. */
void *test_gpa_to_hva(struct test_vm *t, uint64_t gpa);

/*
 * Runs vCPU n until a ucall (other exits are failures) and decodes it into *uc.
 * Returns the ucall command, or UCALL_NONE with *exit_reason set on any other exit.
 */
uint64_t test_vcpu_get_ucall(struct test_vm *t, int n, struct ucall *uc, uint32_t *exit_reason);

/*
 * Runs vCPU n through hypercall exits with immediate imm up to its DONE ucall; returns how
 * many there were, or -1 if anything else came first.
 */
int test_vcpu_hypercalls_to_done(struct test_vm *t, int n, uint64_t imm);

/* Whether avcpu can run guests here: loaded (or loadable) and /dev/avcpu opens. */
bool test_avcpu_available(void);

#endif /* AVCPU_VM_UTIL_H */
