// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory accounting and lifetime: ioctls only from the VM's own address space, pins
 * charged to the process whose pages they are, which mappings may back a writable slot,
 * stage-2 tables freed with their slots, what happens when no CPU can flush the TLB, and a
 * large slot (1 GiB at soak depth) added and deleted without starving the CPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/avcpu.h>

#include "kselftest_harness.h"
#include "avcpu_depth.h"
#include "avcpu_test_util.h"

#define DEBUGFS "/sys/kernel/debug/avcpu/"
#define KIB 1024UL
#define MIB (1024 * KIB)
#define GIB (1024 * MIB)
#define NOBODY 65534

/* Both fixtures: /dev/avcpu open, or a skip where avcpu cannot load (then -1). */
static int open_avcpu(struct __test_metadata *_metadata)
{
	int ret, fd;

	if (!avcpu_module_path() && !avcpu_module_loaded())
		SKIP(return -1, "avcpu.ko not found (set AVCPU_MODULE)");
	ret = avcpu_ensure_loaded();
	if (ret == -ENODEV)
		SKIP(return -1, "avcpu refused to load on this machine (see dmesg)");
	ASSERT_EQ(0, ret);
	fd = open(AVCPU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	return fd;
}

FIXTURE(mem) {
	int dev;
};

FIXTURE_SETUP(mem)
{
	self->dev = open_avcpu(_metadata);
}

FIXTURE_TEARDOWN(mem)
{
	if (self->dev >= 0)
		close(self->dev);
}

static int set_region(int vm, uint32_t slot, uint32_t flags, uint64_t gpa, uint64_t size,
		      void *hva)
{
	struct avcpu_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	return ioctl(vm, AVCPU_SET_MEMORY_REGION, &r) ? -errno : 0;
}

/* VmLck in /proc/self/status read through fd (opened while still root), in KiB; or -1. */
static long vm_locked_kib(int fd)
{
	char buf[4096];
	const char *p;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "VmLck:");
	return p ? strtol(p + 6, NULL, 10) : -1;
}

static void *anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Runs fn in a child; its exit status is the number of the first failed check (0: all). */
static int in_child(int (*fn)(int dev, int vm), int dev, int vm)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(dev, vm));
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The child has its own mm: the inherited VM and vCPU files refuse it. */
static int foreign_child(int dev, int vm)
{
	struct avcpu_vm_stats st;
	void *p = anon(64 * KIB);

	if (!p)
		return 1;
	if (set_region(vm, 1, 0, 0x100000, 64 * KIB, p) != -EIO)
		return 2;
	if (ioctl(vm, AVCPU_GET_VM_STATS, &st) != -1 || errno != EIO)
		return 3;
	if (ioctl(vm, AVCPU_CREATE_VCPU, 1) != -1 || errno != EIO)
		return 4;
	return 0;
}

TEST_F(mem, foreign_address_space_gets_eio)
{
	struct avcpu_vm_stats st;
	int vm, vcpu, status;
	void *p = anon(64 * KIB);
	pid_t pid;

	RETURN_IF_SKIPPED();
	ASSERT_NE(NULL, p);
	vm = ioctl(self->dev, AVCPU_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	vcpu = ioctl(vm, AVCPU_CREATE_VCPU, 0);
	ASSERT_LE(0, vcpu);
	EXPECT_EQ(0, in_child(foreign_child, self->dev, vm));

	pid = fork();
	if (pid == 0) {
		struct avcpu_vcpu_stats vst;

		_exit(ioctl(vcpu, AVCPU_GET_VCPU_STATS, &vst) == -1 && errno == EIO ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);

	/* The creator itself still can. */
	EXPECT_EQ(0, set_region(vm, 1, 0, 0x100000, 64 * KIB, p));
	ASSERT_EQ(0, ioctl(vm, AVCPU_GET_VM_STATS, &st));
	EXPECT_EQ(1, st.memory_slots);
	close(vcpu);
	close(vm);
	munmap(p, 64 * KIB);
}

/*
 * Without CAP_IPC_LOCK, under a 1 MiB RLIMIT_MEMLOCK: the slot counts in this process's
 * VmLck; the same pins through a VM of another process are refused.
 */
static int memlock_child(int dev, int parent_vm)
{
	struct rlimit lim = { .rlim_cur = MIB, .rlim_max = MIB };
	int status = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	long before, after;
	void *p = anon(2 * MIB);
	int vm;

	if (!p || status < 0 || setrlimit(RLIMIT_MEMLOCK, &lim))
		return 1;
	if (getuid() == 0 && (setgid(NOBODY) || setuid(NOBODY)))
		return 2;
	vm = ioctl(dev, AVCPU_CREATE_VM, 0);
	if (vm < 0)
		return 3;
	before = vm_locked_kib(status);
	if (before < 0)
		return 4;
	if (set_region(parent_vm, 0, 0, 0, 512 * KIB, p) != -EIO)
		return 5;
	if (vm_locked_kib(status) != before)
		return 6;
	if (set_region(vm, 0, 0, 0, 512 * KIB, p))
		return 7;
	after = vm_locked_kib(status);
	if (after != before + 512)
		return 8;
	/* 512 KiB more would pass the limit. */
	if (set_region(vm, 1, 0, MIB, 768 * KIB, (char *)p + MIB) != -ENOMEM)
		return 9;
	if (set_region(vm, 0, 0, 0, 0, NULL) || vm_locked_kib(status) != before)
		return 10;
	close(vm);
	return 0;
}

TEST_F(mem, pins_count_against_the_pinning_process)
{
	int vm;

	RETURN_IF_SKIPPED();
	vm = ioctl(self->dev, AVCPU_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	/* Status n: check n of memlock_child failed. */
	EXPECT_EQ(0, in_child(memlock_child, self->dev, vm));
	close(vm);
}

/* A file of size bytes on a fresh mount of fstype; its fd, or -errno. */
static int file_on(const char *fstype, char *dir, size_t dirlen, size_t size)
{
	char path[128];
	int fd;

	snprintf(dir, dirlen, "/tmp/avcpu-mem-%s-XXXXXX", fstype);
	if (!mkdtemp(dir))
		return -errno;
	if (mount("none", dir, fstype, 0, NULL)) {
		fd = -errno;
		rmdir(dir);
		return fd;
	}
	snprintf(path, sizeof(path), "%s/backing", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, size)) {
		fd = -errno;
		umount(dir);
		rmdir(dir);
	}
	return fd;
}

static void file_off(int fd, const char *dir)
{
	close(fd);
	umount2(dir, MNT_DETACH);
	rmdir(dir);
}

TEST_F(mem, writable_slots_only_on_memory_without_file_writeback)
{
	const size_t size = 64 * KIB;
	void *shared, *priv, *mfd_map, *shm;
	char dir[64];
	int vm, fd, mfd;

	RETURN_IF_SKIPPED();
	fd = file_on("ramfs", dir, sizeof(dir), size);
	if (fd == -EPERM || fd == -ENODEV || fd == -ENOENT)
		SKIP(return, "cannot mount a ramfs here (%s)", strerror(-fd));
	ASSERT_LE(0, fd);
	vm = ioctl(self->dev, AVCPU_CREATE_VM, 0);
	ASSERT_LE(0, vm);

	/* A shared mapping of a file on a filesystem with page-cache writeback semantics. */
	shared = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, shared);
	memset(shared, 0x5a, size);
	EXPECT_EQ(-EINVAL, set_region(vm, 0, 0, 0, size, shared));
	/* Read-only: the guest never writes it. */
	EXPECT_EQ(0, set_region(vm, 0, AVCPU_MEM_READONLY, 0, size, shared));
	EXPECT_EQ(0, set_region(vm, 0, 0, 0, 0, NULL));
	/* A private mapping of the same file: the pins are private copies. */
	priv = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, priv);
	EXPECT_EQ(0, set_region(vm, 1, 0, MIB, size, priv));

	/* memfd and shared anonymous memory (shmem) are fine. */
	mfd = memfd_create("avcpu-mem", MFD_CLOEXEC);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, size));
	mfd_map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	ASSERT_NE(MAP_FAILED, mfd_map);
	EXPECT_EQ(0, set_region(vm, 2, 0, 2 * MIB, size, mfd_map));
	shm = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, shm);
	EXPECT_EQ(0, set_region(vm, 3, 0, 3 * MIB, size, shm));

	close(vm);
	munmap(shared, size);
	munmap(priv, size);
	munmap(mfd_map, size);
	munmap(shm, size);
	close(mfd);
	file_off(fd, dir);
}

TEST_F(mem, deleted_slots_free_their_stage2_tables)
{
	struct avcpu_vm_stats st;
	uint64_t gpa, most = 0;
	void *p = anon(4 * KIB);
	int vm, i;

	RETURN_IF_SKIPPED();
	ASSERT_NE(NULL, p);
	vm = ioctl(self->dev, AVCPU_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	/*
	 * 2000 distinct 2 MiB regions: 4000 MiB, within the smallest (32-bit) IPA space.
	 * Prefaulted: mapped (with its tables) as soon as it exists.
	 */
	for (i = 0; i < 2000; i++) {
		gpa = (uint64_t)i * 2 * MIB;
		ASSERT_EQ(0, set_region(vm, 0, AVCPU_MEM_PREFAULT, gpa, 4 * KIB, p));
		ASSERT_EQ(0, ioctl(vm, AVCPU_GET_VM_STATS, &st));
		if (st.stage2_tables > most)
			most = st.stage2_tables;
		ASSERT_EQ(0, set_region(vm, 0, 0, 0, 0, NULL));
	}
	ASSERT_EQ(0, ioctl(vm, AVCPU_GET_VM_STATS, &st));
	EXPECT_EQ(0, st.memory_slots);
	/* A root and at most one table per lower level while one page is mapped. */
	EXPECT_LE(2, most);
	EXPECT_GE(4, most);
	EXPECT_EQ(1, st.stage2_tables);
	close(vm);
	munmap(p, 4 * KIB);
}

#define MANY_VMS 300
#define A64_MOVZ_X0(imm) (0xd2800000u | ((uint32_t)(imm) << 5))
#define A64_HVC_0 0xd4000002u
#define A64_B_BACK_8 0x17fffffeu	/* b .-8 */

/* VM i's vCPU, at guest address 0: x0 = i, hvc #0, again. */
static int run_vm_once(int vcpu, struct avcpu_run *run, unsigned int i)
{
	if (ioctl(vcpu, AVCPU_RUN, 0))
		return -errno;
	if (run->exit_reason != AVCPU_EXIT_HYPERCALL || run->hypercall.args[0] != i)
		return -EBADMSG;
	return 0;
}

static long read_debugfs_long(const char *name)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), DEBUGFS "%s", name);
	if (avcpu_read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	return strtol(buf, NULL, 0);
}

static int write_debugfs(const char *name, const char *value)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), DEBUGFS "%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

TEST_F(mem, unanswered_tlb_flushes_move_cpu_or_leak)
{
	const size_t size = 16 * 4 * KIB;
	unsigned long long seq;
	struct avcpu_run *run;
	uint32_t *code = anon(size);
	long leaked;
	int vm, vcpu;
	char log[4096];

	RETURN_IF_SKIPPED();
	ASSERT_NE(NULL, code);
	if (access(DEBUGFS "flush_fault", W_OK))
		SKIP(return, "no writable " DEBUGFS "flush_fault (debugfs, root)");
	leaked = read_debugfs_long("leaked_pages");
	ASSERT_LE(0, leaked);
	code[0] = A64_MOVZ_X0(7);
	code[1] = A64_HVC_0;
	code[2] = A64_B_BACK_8;
	vm = ioctl(self->dev, AVCPU_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	ASSERT_EQ(0, set_region(vm, 0, AVCPU_MEM_PREFAULT, 0, size, code));
	vcpu = ioctl(vm, AVCPU_CREATE_VCPU, 0);
	ASSERT_LE(0, vcpu);
	run = mmap(NULL, 4 * KIB, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	ASSERT_NE(MAP_FAILED, run);
	/* Once run, the VM has a VMID and TLB entries: deleting a slot must flush them. */
	ASSERT_EQ(0, run_vm_once(vcpu, run, 7));

	/* The calling CPU's EL2 "does not answer": another CPU flushes, nothing leaks. */
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1) {
		seq = avcpu_kmsg_now();
		ASSERT_EQ(0, write_debugfs("flush_fault", "1"));
		EXPECT_EQ(0, set_region(vm, 0, 0, 0, 0, NULL));
		ASSERT_EQ(0, write_debugfs("flush_fault", "0"));
		EXPECT_EQ(leaked, read_debugfs_long("leaked_pages"));
		avcpu_kmsg_since(&seq, log, sizeof(log));
		EXPECT_NE(NULL, strstr(log, "did not answer a TLB flush, CPU"));
		ASSERT_EQ(0, set_region(vm, 0, AVCPU_MEM_PREFAULT, 0, size, code));
		ASSERT_EQ(0, run_vm_once(vcpu, run, 7));
	}

	/*
	 * No CPU answers: the slot goes, its pages (all 16: prefaulted) stay pinned for good;
	 * so does a vCPU's.
	 */
	ASSERT_EQ(0, write_debugfs("flush_fault", "2"));
	EXPECT_EQ(0, set_region(vm, 0, 0, 0, 0, NULL));
	munmap(run, 4 * KIB);
	close(vcpu);
	ASSERT_EQ(0, write_debugfs("flush_fault", "0"));
	EXPECT_EQ(leaked + 16 + 1, read_debugfs_long("leaked_pages"));
	EXPECT_EQ(-EINVAL, write_debugfs("flush_fault", "3"));
	close(vm);
	munmap(code, size);
}

FIXTURE(big) {
	int dev;
};

FIXTURE_SETUP(big)
{
	self->dev = open_avcpu(_metadata);
}

FIXTURE_TEARDOWN(big)
{
	if (self->dev >= 0)
		close(self->dev);
}

/*
 * Pinning, cleaning, mapping and unpinning a large slot all at once (AVCPU_MEM_PREFAULT)
 * yield the CPU (the log judge fails
 * the boot on a soft lockup or RCU stall): 256 MiB (65536 pages) in make test, 1 GiB at
 * soak depth, where TCG's cache maintenance of every page takes minutes.
 */
TEST_F_TIMEOUT(big, large_slot_added_and_deleted, 600)
{
	const size_t size = (size_t)avcpu_depth_pick(256, 256, 1024) * 1024 * KIB;
	struct avcpu_vm_stats st;
	void *p;
	int vm, mfd;

	RETURN_IF_SKIPPED();
	if (avcpu_mem_free_kib() < (long)(size / KIB) + 256 * 1024)
		SKIP(return, "less than the slot and 256 MiB free");
	mfd = memfd_create("avcpu-big", MFD_CLOEXEC);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, size));
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	vm = ioctl(self->dev, AVCPU_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	ASSERT_EQ(0, set_region(vm, 0, AVCPU_MEM_PREFAULT, GIB, size, p));
	ASSERT_EQ(0, ioctl(vm, AVCPU_GET_VM_STATS, &st));
	EXPECT_EQ(size, st.memory_bytes);
	EXPECT_EQ(0, set_region(vm, 0, 0, 0, 0, NULL));
	close(vm);
	munmap(p, size);
	close(mfd);
}

/*
 * More VMs than VMIDs (255), all alive, each running twice: VMIDs are recycled, and each
 * VM keeps running its own code.
 */
TEST_F_TIMEOUT(big, more_vms_than_vmids_all_run, 300)
{
	static int vm[MANY_VMS], vcpu[MANY_VMS];
	static struct avcpu_run *run[MANY_VMS];
	struct rlimit nofile = { .rlim_cur = 4096, .rlim_max = 4096 };
	uint32_t *code;
	unsigned int i, round;
	int extra;

	RETURN_IF_SKIPPED();
	if (setrlimit(RLIMIT_NOFILE, &nofile))
		SKIP(return, "cannot raise RLIMIT_NOFILE to 4096");
	code = anon(MANY_VMS * 4 * KIB);
	ASSERT_NE(NULL, code);
	for (i = 0; i < MANY_VMS; i++) {
		uint32_t *page = code + i * 1024;

		page[0] = A64_MOVZ_X0(i);
		page[1] = A64_HVC_0;
		page[2] = A64_B_BACK_8;
		vm[i] = ioctl(self->dev, AVCPU_CREATE_VM, 0);
		ASSERT_LE(0, vm[i]) TH_LOG("VM %u: %s", i, strerror(errno));
		ASSERT_EQ(0, set_region(vm[i], 0, AVCPU_MEM_READONLY, 0, 4 * KIB, page));
		vcpu[i] = ioctl(vm[i], AVCPU_CREATE_VCPU, 0);
		ASSERT_LE(0, vcpu[i]);
		run[i] = mmap(NULL, 4 * KIB, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu[i], 0);
		ASSERT_NE(MAP_FAILED, run[i]);
	}
	for (round = 0; round < 2; round++)
		for (i = 0; i < MANY_VMS; i++)
			ASSERT_EQ(0, run_vm_once(vcpu[i], run[i], i))
				TH_LOG("round %u, VM %u", round, i);
	extra = ioctl(self->dev, AVCPU_CREATE_VM, 0);
	EXPECT_LE(0, extra);
	close(extra);
	for (i = 0; i < MANY_VMS; i++) {
		munmap(run[i], 4 * KIB);
		close(vcpu[i]);
		close(vm[i]);
	}
	munmap(code, MANY_VMS * 4 * KIB);
}

TEST_HARNESS_MAIN
