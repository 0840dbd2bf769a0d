// SPDX-License-Identifier: GPL-2.0
/*
 * The smallest VMM: one vCPU runs "mov x0, #42; hvc #0" and the VMM prints what x0 held.
 * Built and run by make test (selftests/avcpu_examples_test.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/avcpu.h>

#define GUEST_BASE 0x40000000ULL
#define GUEST_SIZE (1 << 20)

static int fail(const char *what)
{
	fprintf(stderr, "minimal_vmm: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(void)
{
	static const unsigned int code[] = {
		0xd2800540, /* mov x0, #42 */
		0xd4000002, /* hvc #0 */
	};
	struct avcpu_memory_region region = {
		.slot = 0,
		.guest_phys_addr = GUEST_BASE,
		.memory_size = GUEST_SIZE,
	};
	struct avcpu_regs regs;
	struct avcpu_run *run;
	void *mem;
	int dev, vm, vcpu;

	dev = open("/dev/avcpu", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return fail("open /dev/avcpu");
	vm = ioctl(dev, AVCPU_CREATE_VM, 0);
	if (vm < 0)
		return fail("AVCPU_CREATE_VM");

	mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return fail("mmap guest memory");
	memcpy(mem, code, sizeof(code));
	region.userspace_addr = (__u64)(unsigned long)mem;
	if (ioctl(vm, AVCPU_SET_MEMORY_REGION, &region))
		return fail("AVCPU_SET_MEMORY_REGION");

	vcpu = ioctl(vm, AVCPU_CREATE_VCPU, 0);
	if (vcpu < 0)
		return fail("AVCPU_CREATE_VCPU");
	run = mmap(NULL, ioctl(dev, AVCPU_GET_VCPU_MMAP_SIZE, 0), PROT_READ | PROT_WRITE,
		   MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return fail("mmap the run struct");
	if (ioctl(vcpu, AVCPU_GET_REGS, &regs))
		return fail("AVCPU_GET_REGS");
	regs.pc = GUEST_BASE;
	if (ioctl(vcpu, AVCPU_SET_REGS, &regs))
		return fail("AVCPU_SET_REGS");

	for (;;) {
		if (ioctl(vcpu, AVCPU_RUN, 0) < 0 && errno != EINTR)
			return fail("AVCPU_RUN");
		switch (run->exit_reason) {
		case AVCPU_EXIT_HYPERCALL:
			printf("guest said %llu\n", (unsigned long long)run->hypercall.args[0]);
			return run->hypercall.args[0] == 42 ? 0 : 1;
		case AVCPU_EXIT_MMIO:
			if (!run->mmio.is_write)
				memset(run->mmio.data, 0, sizeof(run->mmio.data));
			break;
		case AVCPU_EXIT_INTR:
			break;
		default:
			fprintf(stderr, "minimal_vmm: unexpected exit %u\n", run->exit_reason);
			return 1;
		}
	}
}
