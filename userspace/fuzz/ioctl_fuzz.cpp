// SPDX-License-Identifier: GPL-2.0
// The ioctl campaign: VMs and vCPUs created and closed at random, every ioctl with
// arguments that are valid, nearly valid or garbage, RUN on whatever state results.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include <linux/avcpu.h>

#include "eventfd_args.h"
#include "fuzz.h"

namespace fuzz
{
namespace
{

constexpr size_t page = 4096;
constexpr size_t pool_size = 8 << 20;

// What a failing ioctl may say; anything else is a finding (Documentation/api.rst).
const std::set<int> documented_errnos = {E2BIG,	    EBUSY,  EEXIST, EFAULT, EINTR,  EINVAL,
					 ENOENT,    ENOMEM, ENOSPC, ENOTTY, ERANGE, EPERM,
					 EOVERFLOW, EMFILE, ENXIO,  ENODEV, EBADF};

struct Vcpu {
	int fd;
	avcpu_run *run;
};

struct Vm {
	int fd;
	std::vector<Vcpu> vcpus;
};

class IoctlFuzzer
{
public:
	IoctlFuzzer(uint64_t seed) : rng_(seed) {}
	~IoctlFuzzer()
	{
		while (!vms_.empty())
			close_vm(0);
		if (dev_ >= 0)
			close(dev_);
		if (pool_)
			munmap(pool_, pool_size);
		if (ro_)
			munmap(ro_, page * 4);
	}

	bool open_device(Report &r)
	{
		dev_ = open("/dev/avcpu", O_RDWR | O_CLOEXEC);
		pool_ = static_cast<uint8_t *>(mmap(nullptr, pool_size, PROT_READ | PROT_WRITE,
						    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
		ro_ = static_cast<uint8_t *>(
			mmap(nullptr, page * 4, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
		if (dev_ < 0 || pool_ == MAP_FAILED || ro_ == MAP_FAILED) {
			r.fail(std::string("setup: ") + std::strerror(errno));
			return false;
		}
		for (size_t i = 0; i < pool_size; i += 4)
			std::memcpy(pool_ + i, "\x00\x00\x00\xd4", 4); // udf-ish filler
		return true;
	}

	void step(Report &r)
	{
		r.operations++;
		switch (rng_.below(16)) {
		case 0:
			create_vm(r);
			break;
		case 1:
			if (!vms_.empty() && rng_.chance(30))
				close_vm(rng_.below(vms_.size()));
			break;
		case 2:
		case 3:
			if (auto *vm = pick_vm())
				set_memory(r, *vm);
			break;
		case 4:
			if (auto *vm = pick_vm())
				create_vcpu(r, *vm);
			break;
		case 5:
			if (auto *vm = pick_vm())
				vm_misc(r, *vm);
			break;
		case 6:
		case 7:
			if (auto *v = pick_vcpu())
				regs(r, *v);
			break;
		case 8:
			if (auto *v = pick_vcpu())
				one_reg(r, *v);
			break;
		case 9:
		case 10:
			if (auto *v = pick_vcpu())
				run(r, *v);
			break;
		case 11:
			if (auto *v = pick_vcpu())
				vcpu_misc(r, *v);
			break;
		case 12:
			random_ioctl(r);
			break;
		case 13:
			if (auto *vm = pick_vm())
				close_vcpu(*vm);
			break;
		default:
			device_misc(r);
			break;
		}
	}

private:
	// Records an ioctl's outcome; a failure outside the documented errnos is a finding.
	long check(Report &r, const char *what, long ret, const std::set<int> &extra_bad = {})
	{
		if (ret >= 0) {
			r.count(std::string(what) + " ok");
			return ret;
		}
		int e = errno;
		r.count(std::string(what) + " " + strerrorname(e));
		if (!documented_errnos.count(e) || extra_bad.count(e))
			r.fail(std::string(what) + ": undocumented errno " + strerrorname(e));
		return ret;
	}
	static std::string strerrorname(int e)
	{
		const char *name = strerrorname_np(e);
		return name ? name : "errno " + std::to_string(e);
	}

	Vm *pick_vm() { return vms_.empty() ? nullptr : &vms_[rng_.below(vms_.size())]; }
	Vcpu *pick_vcpu()
	{
		Vm *vm = pick_vm();
		if (!vm || vm->vcpus.empty())
			return nullptr;
		return &vm->vcpus[rng_.below(vm->vcpus.size())];
	}

	// A user pointer: inside the pool, read-only, unmapped, kernel, misaligned or null.
	uint64_t user_pointer(uint64_t len)
	{
		switch (rng_.below(8)) {
		case 0:
			return 0;
		case 1:
			return reinterpret_cast<uintptr_t>(ro_);
		case 2:
			return 0xffff800010000000ULL + rng_.below(1 << 20) * page; // kernel
		case 3:
			return reinterpret_cast<uintptr_t>(pool_) + 1 + rng_.below(page);
		case 4:
			return rng_.edgy() & ~(page - 1);
		default: {
			uint64_t room = pool_size > len ? pool_size - len : 0;
			return reinterpret_cast<uintptr_t>(pool_) +
			       (rng_.below(room / page + 1) * page);
		}
		}
	}

	void create_vm(Report &r)
	{
		if (vms_.size() >= 4)
			close_vm(rng_.below(vms_.size()));
		unsigned long flags = rng_.chance(90) ? 0 : rng_.edgy();
		long fd = check(r, "CREATE_VM", ioctl(dev_, AVCPU_CREATE_VM, flags));
		if (fd >= 0)
			vms_.push_back({int(fd), {}});
	}

	void close_vm(size_t i)
	{
		for (auto &v : vms_[i].vcpus) {
			munmap(v.run, page);
			close(v.fd);
		}
		close(vms_[i].fd);
		vms_.erase(vms_.begin() + long(i));
	}

	void close_vcpu(Vm &vm)
	{
		if (vm.vcpus.empty() || !rng_.chance(30))
			return;
		size_t i = rng_.below(vm.vcpus.size());
		munmap(vm.vcpus[i].run, page);
		close(vm.vcpus[i].fd);
		vm.vcpus.erase(vm.vcpus.begin() + long(i));
	}

	void set_memory(Report &r, Vm &vm)
	{
		avcpu_memory_region m{};
		m.slot = rng_.chance(80) ? uint32_t(rng_.below(AVCPU_MAX_SLOTS_GUESS))
					 : uint32_t(rng_.edgy());
		m.flags = rng_.chance(80) ? (rng_.chance(20) ? AVCPU_MEM_READONLY : 0)
					  : uint32_t(rng_.edgy());
		uint64_t size = rng_.chance(15) ? 0 : (1 + rng_.below(512)) * page;
		if (rng_.chance(10))
			size = rng_.edgy();
		m.memory_size = size;
		m.guest_phys_addr =
			rng_.chance(70) ? 0x40000000ULL + rng_.below(64) * (2 << 20) : rng_.edgy();
		m.userspace_addr = user_pointer(size);
		check(r, "SET_MEMORY_REGION", ioctl(vm.fd, AVCPU_SET_MEMORY_REGION, &m));
	}

	void create_vcpu(Report &r, Vm &vm)
	{
		if (vm.vcpus.size() >= 4)
			return;
		unsigned long id = rng_.chance(85) ? rng_.below(8) : rng_.edgy();
		long fd = check(r, "CREATE_VCPU", ioctl(vm.fd, AVCPU_CREATE_VCPU, id));
		if (fd < 0)
			return;
		void *run = mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_SHARED, int(fd), 0);
		if (run == MAP_FAILED) {
			r.fail("mmap of a new vCPU failed");
			close(int(fd));
			return;
		}
		vm.vcpus.push_back({int(fd), static_cast<avcpu_run *>(run)});
	}

	void vm_misc(Report &r, Vm &vm)
	{
		switch (rng_.below(10)) {
		case 5:
			vgic_create(r, vm);
			break;
		case 7: {
			auto a = random_ioeventfd(rng_, eventfds_);
			check(r, "IOEVENTFD", ioctl(vm.fd, AVCPU_IOEVENTFD, &a));
			break;
		}
		case 8: {
			auto a = random_irqfd(rng_, eventfds_);
			check(r, "IRQFD", ioctl(vm.fd, AVCPU_IRQFD, &a));
			break;
		}
		case 9:
			eventfds_.churn(rng_);
			break;
		case 6:
			vgic_irq(r, vm);
			break;
		case 0: {
			avcpu_vm_config c{};
			c.flags = rng_.chance(70) ? rng_.below(4) : rng_.edgy();
			if (rng_.chance(10))
				c.reserved[rng_.below(7)] = rng_.edgy();
			check(r, "SET_VM_CONFIG", ioctl(vm.fd, AVCPU_SET_VM_CONFIG, &c));
			break;
		}
		case 1: {
			// DENY rules and malformed ones only: ALLOW forwards to firmware, whose
			// answer to an unknown call is the platform's business (api.rst).
			avcpu_smc_policy p{};
			p.nr_ranges =
				uint32_t(rng_.chance(80) ? rng_.below(AVCPU_SMC_MAX_RANGES + 1)
							 : rng_.edgy());
			for (auto &range : p.ranges) {
				range.first = uint32_t(rng_.u64());
				range.last = uint32_t(rng_.u64());
				range.action =
					rng_.chance(90) ? AVCPU_SMC_DENY : uint32_t(rng_.edgy());
				if (range.action == AVCPU_SMC_ALLOW)
					range.action = AVCPU_SMC_DENY;
			}
			check(r, "SET_SMC_POLICY", ioctl(vm.fd, AVCPU_SET_SMC_POLICY, &p));
			break;
		}
		case 2: {
			avcpu_translation t{};
			t.guest_phys_addr = rng_.chance(50)
						    ? 0x40000000ULL + rng_.below(1 << 20) * 64
						    : rng_.edgy();
			check(r, "TRANSLATE_GPA", ioctl(vm.fd, AVCPU_TRANSLATE_GPA, &t));
			break;
		}
		case 3: {
			if (rng_.chance(5)) { // a pointer to nothing, to read-only or kernel memory
				check(r, "IRQ_LINE", ioctl(vm.fd, AVCPU_IRQ_LINE, user_pointer(8)));
				break;
			}
			avcpu_irq_level l{};
			// CPU lines, SPIs and PPIs of a plausible shape, or anything at all.
			l.irq = rng_.chance(80) ? AVCPU_IRQ(rng_.below(3), rng_.below(6),
							    rng_.chance(50) ? rng_.below(3)
									    : rng_.below(140))
						: uint32_t(rng_.u64());
			l.level = uint32_t(rng_.chance(90) ? rng_.below(2) : rng_.edgy());
			check(r, "IRQ_LINE", ioctl(vm.fd, AVCPU_IRQ_LINE, &l));
			break;
		}
		default: {
			avcpu_vm_stats s;
			check(r, "GET_VM_STATS", ioctl(vm.fd, AVCPU_GET_VM_STATS, &s));
			break;
		}
		}
	}

	// AVCPU_CREATE_VGIC: mostly the test layout (GICD 0x08000000, GICR 0x080a0000, clear
	// of the fuzz VM's memory), sometimes any layout at all.
	void vgic_create(Report &r, Vm &vm)
	{
		avcpu_vgic_config c{};
		bool sane = rng_.chance(70);
		c.dist_base = sane ? 0x08000000ULL : rng_.edgy();
		c.redist_base = sane ? 0x080a0000ULL : rng_.edgy();
		c.nr_spis = uint32_t(sane ? 32 * (1 + rng_.below(4)) : rng_.edgy());
		c.nr_redists = uint32_t(sane ? 1 + rng_.below(8) : rng_.edgy());
		if (rng_.chance(5))
			c.reserved[rng_.below(4)] = rng_.edgy();
		void *arg = &c;
		if (rng_.chance(5))
			arg = reinterpret_cast<void *>(user_pointer(sizeof(c)));
		check(r, "CREATE_VGIC", ioctl(vm.fd, AVCPU_CREATE_VGIC, arg));
	}

	// AVCPU_GET_VGIC_IRQ of any INTID and vCPU; what it reports must be well-formed: flags
	// 0 or 1, a priority with the 5 bits the vGIC keeps, a target that is none or a
	// vCPU id a VM can have.
	void vgic_irq(Report &r, Vm &vm)
	{
		avcpu_vgic_irq q{};
		q.intid = uint32_t(rng_.chance(80) ? rng_.below(140) : rng_.edgy());
		q.vcpu = uint32_t(rng_.chance(80) ? rng_.below(6) : rng_.edgy());
		if (rng_.chance(5)) {
			check(r, "GET_VGIC_IRQ",
			      ioctl(vm.fd, AVCPU_GET_VGIC_IRQ, user_pointer(sizeof(q))));
			return;
		}
		if (check(r, "GET_VGIC_IRQ", ioctl(vm.fd, AVCPU_GET_VGIC_IRQ, &q)) < 0)
			return;
		for (uint8_t flag : {q.enabled, q.pending, q.active, q.level, q.edge, q.group})
			if (flag > 1)
				r.fail("GET_VGIC_IRQ: a flag reads " + std::to_string(flag));
		if (q.priority & 7)
			r.fail("GET_VGIC_IRQ: priority " + std::to_string(q.priority));
		if (q.target != ~0U && q.target >= 64) // AVCPU_CAP_MAX_VCPUS
			r.fail("GET_VGIC_IRQ: target " + std::to_string(q.target));
	}

	void regs(Report &r, Vcpu &v)
	{
		avcpu_regs regs{};
		if (rng_.chance(50)) {
			check(r, "GET_REGS", ioctl(v.fd, AVCPU_GET_REGS, &regs));
			return;
		}
		for (auto &x : regs.x)
			x = rng_.edgy();
		regs.pc = rng_.chance(70) ? 0x40000000ULL + rng_.below(1 << 16) * 4 : rng_.edgy();
		// Mostly the legal EL1h/EL1t/EL0t forms, sometimes anything at all.
		static const uint64_t modes[] = {0x3c5, 0x3c4, 0x3c0, 0x5, 0x0};
		regs.pstate = rng_.chance(80) ? modes[rng_.below(5)] : rng_.edgy();
		regs.sp_el1 = rng_.edgy();
		regs.reserved = rng_.chance(95) ? 0 : rng_.edgy();
		check(r, "SET_REGS", ioctl(v.fd, AVCPU_SET_REGS, &regs));
	}

	void one_reg(Report &r, Vcpu &v)
	{
		if (reg_ids_.empty() || rng_.chance(5)) {
			std::vector<uint64_t> buf(1 + 128);
			auto *list = reinterpret_cast<avcpu_reg_list *>(buf.data());
			list->n = rng_.chance(80) ? 128 : rng_.below(8);
			if (check(r, "GET_REG_LIST", ioctl(v.fd, AVCPU_GET_REG_LIST, list)) == 0)
				reg_ids_.assign(list->reg, list->reg + list->n);
			return;
		}
		uint8_t value[16];
		for (auto &b : value)
			b = uint8_t(rng_.u64());
		avcpu_one_reg one{};
		one.id = rng_.chance(85) ? reg_ids_[rng_.below(reg_ids_.size())] : rng_.edgy();
		one.addr = rng_.chance(90) ? reinterpret_cast<uintptr_t>(value) : user_pointer(16);
		if (rng_.chance(50))
			check(r, "GET_ONE_REG", ioctl(v.fd, AVCPU_GET_ONE_REG, &one));
		else
			check(r, "SET_ONE_REG", ioctl(v.fd, AVCPU_SET_ONE_REG, &one));
	}

	void run(Report &r, Vcpu &v)
	{
		v.run->immediate_exit = rng_.chance(10);
		RunResult res = run_with_kick(v.fd, 5 + unsigned(rng_.below(20)));
		v.run->immediate_exit = 0;
		if (res.ms > 2000)
			r.fail("RUN took " + std::to_string(int(res.ms)) + " ms to come back");
		if (res.ret) {
			errno = res.error;
			// EFAULT from RUN means EL2 failed, ENODEV that EL2 is gone: never fine.
			check(r, "RUN", -1, {EFAULT, ENODEV});
			return;
		}
		uint32_t reason = v.run->exit_reason;
		r.count("RUN exit " + std::to_string(reason));
		if (reason == AVCPU_EXIT_NONE || reason > AVCPU_EXIT_WFI)
			r.fail("RUN returned exit reason " + std::to_string(reason));
		// Answer at random: the next RUN completes whatever this is.
		if (reason == AVCPU_EXIT_MMIO)
			for (auto &b : v.run->mmio.data)
				b = uint8_t(rng_.u64());
		if (reason == AVCPU_EXIT_SYSREG)
			v.run->sysreg.inject_undef = uint8_t(rng_.below(2));
	}

	void vcpu_misc(Report &r, Vcpu &v)
	{
		switch (rng_.below(4)) {
		case 0: {
			avcpu_power_state p{};
			p.state = uint32_t(rng_.chance(80) ? rng_.below(2) : rng_.edgy());
			p.flags = uint32_t(rng_.chance(80) ? rng_.below(2) : rng_.edgy());
			p.entry = 0x40000000ULL + rng_.below(1 << 16) * 4;
			p.reserved = rng_.chance(95) ? 0 : 1;
			check(r, "SET_POWER_STATE", ioctl(v.fd, AVCPU_SET_POWER_STATE, &p));
			break;
		}
		case 1: {
			avcpu_vcpu_stats s;
			check(r, "GET_VCPU_STATS", ioctl(v.fd, AVCPU_GET_VCPU_STATS, &s));
			break;
		}
		case 2: {
			// mmap with the wrong size or offset must fail cleanly.
			size_t len = page * (1 + rng_.below(3));
			off_t off = off_t(rng_.below(3) * page);
			void *p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, v.fd, off);
			if (p == MAP_FAILED) {
				r.count("mmap " + strerrorname(errno));
				if (len == page && off == 0)
					r.fail("mmap of one page at 0 failed");
			} else {
				r.count("mmap ok");
				if (len != page || off != 0)
					r.fail("mmap accepted a bad size or offset");
				munmap(p, len);
			}
			break;
		}
		default:
			check(r, "RUN (bad arg)", ioctl(v.fd, AVCPU_RUN, 1 + rng_.below(100)));
			break;
		}
	}

	// Any command number in avcpu's space, or none of its, on any of its fds.
	void random_ioctl(Report &r)
	{
		std::vector<int> fds = {dev_};
		for (auto &vm : vms_) {
			fds.push_back(vm.fd);
			for (auto &v : vm.vcpus)
				fds.push_back(v.fd);
		}
		int fd = fds[rng_.below(fds.size())];
		unsigned long nr = rng_.below(0x40);
		unsigned long dir = rng_.below(4), size = rng_.below(1024);
		unsigned long cmd = (dir << 30) | (size << 16) | (0xB7UL << 8) | nr;
		if (rng_.chance(10))
			cmd = rng_.u64() & 0xffffffff;
		// RUN is exercised (with a kick) elsewhere.
		if (cmd == AVCPU_RUN)
			return;
		uint64_t arg =
			rng_.chance(50) ? reinterpret_cast<uintptr_t>(pool_) : user_pointer(size);
		long ret = ioctl(fd, cmd, arg);
		if (ret >= 0) {
			r.count("random ioctl ok");
			// A VM or vCPU fd created this way is not tracked: close it.
			if (ret > 2 && (cmd == AVCPU_CREATE_VM || cmd == AVCPU_CREATE_VCPU))
				close(int(ret));
			return;
		}
		check(r, "random ioctl", ret);
	}

	void device_misc(Report &r)
	{
		switch (rng_.below(3)) {
		case 0:
			check(r, "CHECK_CAP", ioctl(dev_, AVCPU_CHECK_CAP, rng_.edgy()));
			break;
		case 1:
			check(r, "GET_API_VERSION",
			      ioctl(dev_, AVCPU_GET_API_VERSION, rng_.edgy()));
			break;
		default:
			check(r, "GET_VCPU_MMAP_SIZE", ioctl(dev_, AVCPU_GET_VCPU_MMAP_SIZE, 0));
			break;
		}
	}

	static constexpr uint64_t AVCPU_MAX_SLOTS_GUESS = 34; // a little past the real limit

	Rng rng_;
	int dev_ = -1;
	uint8_t *pool_ = nullptr, *ro_ = nullptr;
	std::vector<Vm> vms_;
	std::vector<uint64_t> reg_ids_;
	EventfdPool eventfds_;
};

} // namespace

Report fuzz_ioctls(uint64_t seed, uint64_t operations, Deadline deadline)
{
	Report r;
	IoctlFuzzer f(seed);
	if (!f.open_device(r))
		return r;
	while (operations ? r.operations < operations : std::chrono::steady_clock::now() < deadline)
		f.step(r);
	return r;
}

} // namespace fuzz
