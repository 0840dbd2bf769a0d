// SPDX-License-Identifier: GPL-2.0
// The guest campaign: a VM whose memory holds random and adversarial instructions (system
// registers by random encoding, cache and TLB maintenance, HVC/SMC/ERET/WFI, loads and
// stores through random pointers, branches anywhere), entered with random registers, its
// exits answered at random, its interrupt lines toggled, for a bounded time per program.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <linux/avcpu.h>

#include "avcpu/exit.h"

#include "fuzz.h"

namespace fuzz
{
namespace
{

constexpr uint64_t ram_gpa = 0x40000000;
constexpr uint64_t ram_size = 2 << 20;
constexpr uint64_t ro_gpa = 0x48000000; // a read-only slot: stores exit as MMIO
constexpr uint64_t ro_size = 64 << 10;
constexpr unsigned exits_per_program = 200;
constexpr uint64_t vectors_size = 0x800;

// An MRS or MSR where avcpu traps: ID registers (TID3), debug and OS lock, PMU, the
// physical timer, ACTLR and implementation-defined space (TACR/TIDCP), LORegions, the
// pointer-authentication keys.
uint32_t trapped_sysreg(Rng &rng)
{
	static const uint32_t trapped[][4] = {
		// op0, op1, CRn, first CRm (0: any)
		{3, 0, 0, 0},  {2, 0, 0, 0},  {2, 0, 1, 0}, {3, 3, 9, 12},
		{3, 3, 9, 13}, {3, 3, 14, 2}, {3, 0, 1, 0}, {3, 0, 15, 0},
		{2, 0, 0, 2},  {3, 0, 10, 4}, {3, 0, 2, 1},
	};
	const auto &t = trapped[rng.below(sizeof(trapped) / sizeof(trapped[0]))];
	uint32_t crm = uint32_t(rng.below(16)), op2 = uint32_t(rng.below(8));
	if (t[0] == 3 && t[2] == 0)
		crm = uint32_t(1 + rng.below(7)); // the ID_* space
	else if (t[3])
		crm = t[3] + uint32_t(rng.below(2));
	uint32_t fields = ((t[0] - 2) << 19) | (t[1] << 16) | (t[2] << 12) | (crm << 8) |
			  (op2 << 5) | uint32_t(rng.below(32));
	return (rng.chance(60) ? 0xd5300000 : 0xd5100000) | fields;
}

// One instruction, mostly of the kinds that reach the hypervisor.
uint32_t random_instruction(Rng &rng)
{
	uint32_t rt = uint32_t(rng.below(32));
	uint32_t op1 = uint32_t(rng.below(8)), crn = uint32_t(rng.below(16));
	uint32_t crm = uint32_t(rng.below(16)), op2 = uint32_t(rng.below(8));
	uint32_t sysfields = (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt;
	uint32_t rn = uint32_t(rng.below(31)), imm16 = uint32_t(rng.below(0x10000));
	switch (rng.below(20)) {
	case 0:
	case 1:
		if (rng.chance(50))
			return trapped_sysreg(rng);
		return 0xd5300000 | (uint32_t(rng.below(2)) << 19) | sysfields; // MRS op0 2/3
	case 2:
	case 3:
		if (rng.chance(50))
			return trapped_sysreg(rng);
		return 0xd5100000 | (uint32_t(rng.below(2)) << 19) | sysfields; // MSR op0 2/3
	case 4:
		return 0xd5080000 | sysfields; // SYS: DC, IC, TLBI, AT
	case 5:
		return 0xd500401f | (op1 << 16) | (crm << 8) | (op2 << 5); // MSR (immediate)
	case 6:
		return 0xd4000002 | (imm16 << 5); // HVC
	case 7:
		return 0xd4000003 | (imm16 << 5); // SMC
	case 8:
		return rng.chance(50) ? 0xd503207f : 0xd503205f; // WFI, WFE
	case 9:
		return 0xd69f03e0; // ERET
	case 10:
		return 0xf9400000 | (rn << 5) | rt; // LDR Xt, [Xn]
	case 11:
		return 0xf9000000 | (rn << 5) | rt; // STR Xt, [Xn]
	case 12:
		return 0xa9000000 | (rt << 10) | (rn << 5) | uint32_t(rng.below(32)); // STP
	case 13:
		return 0xb8200000 | (rt << 16) | (rn << 5) | uint32_t(rng.below(32)); // LDADD
	case 14:
		return 0xd61f0000 | (rn << 5); // BR Xn
	case 15:
		return 0x91000000 | (uint32_t(rng.below(4096)) << 10) | (rn << 5) | rt; // ADD
	case 16:
		return 0xd2800000 | (imm16 << 5) | (uint32_t(rng.below(4)) << 21) | rt; // MOVZ
	case 17:
		return 0xd4200000 | (imm16 << 5); // BRK
	default:
		return uint32_t(rng.u64());
	}
}

// A register value: RAM, the read-only slot, an MMIO hole, beyond the IPA space, anything.
uint64_t random_pointer(Rng &rng)
{
	switch (rng.below(5)) {
	case 0:
		return ram_gpa + rng.below(ram_size / 8) * 8;
	case 1:
		return ro_gpa + rng.below(ro_size / 8) * 8;
	case 2:
		return 0x09000000 + rng.below(0x100000) * 8;
	case 3:
		return (1ULL << (40 + rng.below(24))) + rng.below(4096) * 8;
	default:
		return rng.edgy();
	}
}

class GuestFuzzer
{
public:
	explicit GuestFuzzer(uint64_t seed) : rng_(seed) {}
	~GuestFuzzer()
	{
		if (run_)
			munmap(run_, 4096);
		for (int fd : {vcpu_, vm_, dev_})
			if (fd >= 0)
				close(fd);
		if (ram_)
			munmap(ram_, ram_size);
		if (ro_)
			munmap(ro_, ro_size);
	}

	bool setup(Report &r)
	{
		dev_ = open("/dev/avcpu", O_RDWR | O_CLOEXEC);
		if (dev_ < 0)
			return r.fail(std::string("open /dev/avcpu: ") + std::strerror(errno)),
			       false;
		return new_vm(r);
	}

	// One program: fresh random memory and registers, up to exits_per_program exits.
	void program(Report &r)
	{
		r.operations++;
		auto *words = static_cast<uint32_t *>(ram_);
		for (size_t i = 0; i < ram_size / 4; i++)
			words[i] = rng_.chance(2) ? random_instruction(rng_) : 0;
		// A dense patch where the guest starts, so that the interesting kinds dominate.
		uint64_t start =
			vectors_size / 4 + rng_.below(ram_size / 4 - 4096 - vectors_size / 4);
		for (size_t i = start; i < start + 4096; i++)
			words[i] = random_instruction(rng_);
		// At the bottom, a vector table whose every entry steps over the instruction that
		// raised the exception: the stream goes on past its UNDEFs and aborts.
		static const uint32_t skip[] = {0xd538403e, 0x910013de, 0xd518403e, 0xd69f03e0};
		for (size_t entry = 0; entry < 16; entry++)
			std::memcpy(&words[entry * 0x80 / 4], skip, sizeof(skip));
		// The memory changed behind the guest's back: a fresh VM sees it coherently.
		if (!new_vm(r))
			return;
		avcpu_regs regs{};
		for (auto &x : regs.x)
			x = random_pointer(rng_);
		regs.pc = ram_gpa + start * 4;
		regs.pstate = rng_.chance(80) ? 0x3c5 : (rng_.chance(50) ? 0x3c4 : 0x5);
		regs.sp_el1 = random_pointer(rng_) & ~15ULL;
		if (ioctl(vcpu_, AVCPU_SET_REGS, &regs))
			return r.fail(std::string("SET_REGS: ") + std::strerror(errno));
		uint64_t vbar = rng_.chance(70)	  ? ram_gpa
				: rng_.chance(50) ? ram_gpa + rng_.below(ram_size / 2048) * 2048
						  : rng_.edgy();
		avcpu_one_reg one{AVCPU_REG_VBAR_EL1, reinterpret_cast<uintptr_t>(&vbar)};
		ioctl(vcpu_, AVCPU_SET_ONE_REG, &one);

		for (unsigned n = 0; n < exits_per_program; n++)
			if (!exit_once(r))
				break;
		// What the hypervisor handled without the VMM seeing it.
		avcpu_vcpu_stats st{};
		if (ioctl(vcpu_, AVCPU_GET_VCPU_STATS, &st) == 0) {
			r.counts["guest: all exits (stats)"] += st.el2_exits;
			r.counts["guest: handled at EL2 (stats)"] += st.sysreg_emulated;
			r.counts["guest: host interrupts (stats)"] += st.host_irqs;
		}
	}

private:
	bool new_vm(Report &r)
	{
		if (run_)
			munmap(run_, 4096);
		for (int *fd : {&vcpu_, &vm_})
			if (*fd >= 0) {
				close(*fd);
				*fd = -1;
			}
		run_ = nullptr;
		if (!ram_) {
			ram_ = mmap(nullptr, ram_size, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			ro_ = mmap(nullptr, ro_size, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (ram_ == MAP_FAILED || ro_ == MAP_FAILED) {
				ram_ = ro_ = nullptr;
				return r.fail("mmap guest memory"), false;
			}
		}
		vm_ = int(ioctl(dev_, AVCPU_CREATE_VM, 0));
		if (vm_ < 0)
			return r.fail(std::string("CREATE_VM: ") + std::strerror(errno)), false;
		avcpu_vm_config cfg{};
		cfg.flags = rng_.below(4); // PSCI in userspace and WFI exits, or not
		ioctl(vm_, AVCPU_SET_VM_CONFIG, &cfg);
		avcpu_memory_region m{0, 0, ram_gpa, ram_size, reinterpret_cast<uintptr_t>(ram_)};
		avcpu_memory_region ro{1, AVCPU_MEM_READONLY, ro_gpa, ro_size,
				       reinterpret_cast<uintptr_t>(ro_)};
		if (ioctl(vm_, AVCPU_SET_MEMORY_REGION, &m) ||
		    ioctl(vm_, AVCPU_SET_MEMORY_REGION, &ro))
			return r.fail(std::string("SET_MEMORY_REGION: ") + std::strerror(errno)),
			       false;
		vcpu_ = int(ioctl(vm_, AVCPU_CREATE_VCPU, 0));
		if (vcpu_ < 0)
			return r.fail(std::string("CREATE_VCPU: ") + std::strerror(errno)), false;
		void *run = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_, 0);
		if (run == MAP_FAILED)
			return r.fail("mmap run"), false;
		run_ = static_cast<avcpu_run *>(run);
		return true;
	}

	// One RUN and a random answer; false when the program is over.
	bool exit_once(Report &r)
	{
		if (rng_.chance(5)) {
			avcpu_irq_level l{AVCPU_IRQ(AVCPU_IRQ_TYPE_CPU, 0, rng_.below(2)),
					  uint32_t(rng_.below(2))};
			ioctl(vm_, AVCPU_IRQ_LINE, &l);
		}
		RunResult res = run_with_kick(vcpu_, 20);
		if (res.ms > 2000)
			r.fail("RUN took " + std::to_string(int(res.ms)) + " ms to come back");
		if (res.ret) {
			if (res.error == EINTR) {
				r.count("guest: kicked (EINTR)");
				return rng_.chance(50);
			}
			r.fail(std::string("RUN failed: ") + std::strerror(res.error));
			return false;
		}
		uint32_t reason = run_->exit_reason;
		if (reason == AVCPU_EXIT_NONE || reason > AVCPU_EXIT_WFI) {
			r.fail("RUN returned exit reason " + std::to_string(reason));
			return false;
		}
		r.count(std::string("guest: exit ") + avcpu::exit_reason_name(reason));
		switch (reason) {
		case AVCPU_EXIT_MMIO:
			for (auto &b : run_->mmio.data)
				b = uint8_t(rng_.u64());
			if (run_->mmio.len != 1 && run_->mmio.len != 2 && run_->mmio.len != 4 &&
			    run_->mmio.len != 8)
				r.fail("MMIO exit with length " + std::to_string(run_->mmio.len));
			return true;
		case AVCPU_EXIT_HYPERCALL:
			for (auto &x : run_->hypercall.ret)
				x = rng_.edgy();
			return true;
		case AVCPU_EXIT_SYSREG:
			run_->sysreg.value = rng_.edgy();
			run_->sysreg.inject_undef = uint8_t(rng_.below(2));
			return true;
		case AVCPU_EXIT_CPU_ON:
		case AVCPU_EXIT_CPU_OFF:
			run_->psci.ret = rng_.edgy();
			return true;
		case AVCPU_EXIT_WFI:
			return true;
		default:
			// Exceptions, aborts without syndrome, system events: this program is done.
			return false;
		}
	}

	Rng rng_;
	int dev_ = -1, vm_ = -1, vcpu_ = -1;
	void *ram_ = nullptr, *ro_ = nullptr;
	avcpu_run *run_ = nullptr;
};

} // namespace

Report fuzz_guests(uint64_t seed, uint64_t programs, Deadline deadline)
{
	Report r;
	GuestFuzzer f(seed);
	if (!f.setup(r))
		return r;
	while (programs ? r.operations < programs : std::chrono::steady_clock::now() < deadline)
		f.program(r);
	return r;
}

} // namespace fuzz
