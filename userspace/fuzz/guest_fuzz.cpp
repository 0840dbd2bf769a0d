// SPDX-License-Identifier: GPL-2.0
// The guest campaign: a VM whose memory holds random and adversarial instructions (system
// registers by random encoding, cache and TLB maintenance, HVC/SMC/ERET/WFI, loads and
// stores through random pointers, branches anywhere), entered with random registers, its
// exits answered at random, its interrupt lines toggled, for a bounded time per program.
// Half the VMs have a vGIC and up to 3 vCPUs taking turns: their programs are laced with
// gadgets that reach the distributor, the redistributors, ICC_* and the timers
// (guest_gic.cpp), and their SPI and PPI lines toggle.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

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
constexpr unsigned max_vcpus = 3;
constexpr uint64_t vcpu_stride = 997; // words between the vCPUs' first instructions
constexpr uint64_t patch_words = 4096;
static_assert((max_vcpus - 1) * vcpu_stride + max_gic_prologue < patch_words);
// The vGIC's place, as in the ioctl campaign: below RAM, clear of the MMIO hole above.
constexpr GicLayout gic_layout{0x08000000, 0x080a0000, max_vcpus};
constexpr uint32_t gic_spis = 64;
constexpr uint32_t intid_vtimer = 27, intid_ptimer = 30; // the kernel's PPIs (EINVAL)

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
		close_vm();
		if (dev_ >= 0)
			close(dev_);
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
		return new_vm(r, false);
	}

	// One program: fresh random memory and registers, up to exits_per_program exits.
	void program(Report &r)
	{
		r.operations++;
		bool gic = rng_.chance(50);
		uint64_t start = write_program(gic);
		// The memory changed behind the guest's back: a fresh VM sees it coherently.
		if (!new_vm(r, gic))
			return;
		for (size_t i = 0; i < vcpus_.size(); i++)
			if (!set_up_vcpu(r, vcpus_[i].fd, start + i * vcpu_stride))
				return;

		for (unsigned n = 0; n < exits_per_program; n++)
			if (!exit_once(r, vcpus_[n % vcpus_.size()]))
				break;
		// What the hypervisor handled without the VMM seeing it.
		avcpu_vm_stats vs{};
		if (ioctl(vm_, AVCPU_GET_VM_STATS, &vs) == 0) {
			const avcpu_vcpu_stats &st = vs.total;
			r.counts["guest: all exits (stats)"] += st.el2_exits;
			r.counts["guest: handled at EL2 (stats)"] += st.sysreg_emulated;
			r.counts["guest: host interrupts (stats)"] += st.host_irqs;
			r.counts["vgic: MMIO served in the kernel (stats)"] += st.vgic_mmio;
			r.counts["vgic: SGIs sent (stats)"] += st.vgic_sgis;
			r.counts["vgic: interrupts injected (stats)"] += st.vgic_injected;
			r.counts["vgic: list-register overflows (stats)"] += st.vgic_lr_overflows;
			r.counts["vgic: maintenance interrupts (stats)"] += st.vgic_maintenance;
			r.counts["vgic: timer interrupts taken (stats)"] += st.timer_irqs;
		}
	}

private:
	struct Vcpu {
		int fd;
		avcpu_run *run;
	};

	// Random memory, a dense patch where the guest starts (laced with GIC gadgets when gic)
	// and the vector table; returns the patch's first word.
	uint64_t write_program(bool gic)
	{
		auto *words = static_cast<uint32_t *>(ram_);
		for (size_t i = 0; i < ram_size / 4; i++)
			words[i] = rng_.chance(2) ? random_instruction(rng_) : 0;
		// A dense patch where the guest starts, so that the interesting kinds dominate.
		uint64_t start = vectors_size / 4 +
				 rng_.below(ram_size / 4 - patch_words - vectors_size / 4);
		unsigned gadgets = gic ? 40 : 3; // percent; without a vGIC ICC_* is UNDEFINED
		for (size_t i = start; i < start + patch_words;) {
			size_t n = 0;
			if (rng_.chance(gadgets))
				n = gic_gadget(rng_, &words[i], start + patch_words - i,
					       gic_layout);
			if (!n) {
				words[i] = random_instruction(rng_);
				n = 1;
			}
			i += n;
		}
		// Most vGIC programs start by opening every gate an interrupt passes; each vCPU
		// starts 997 words after the previous one.
		if (gic && rng_.chance(80))
			for (unsigned v = 0; v < max_vcpus; v++)
				gic_prologue(rng_, &words[start + v * vcpu_stride], gic_layout, v);
		// At the bottom, a vector table whose every entry steps over the instruction that
		// raised the exception: the stream goes on past its UNDEFs and aborts. With a
		// vGIC, most programs acknowledge and end their IRQs instead (ICC_IAR1_EL1,
		// ICC_EOIR1_EL1, ICC_DIR_EL1), stop both timers (a level interrupt that stays
		// high would take every instruction) and return to the interrupted one.
		static const uint32_t skip[] = {0xd538403e, 0x910013de, 0xd518403e, 0xd69f03e0};
		static const uint32_t ack[] = {0xd538cc1e, 0xd518cc3e, 0xd518cb3e,
					       0xd51be33f, 0xd51be23f, 0xd69f03e0};
		bool acks = gic && rng_.chance(80);
		for (size_t entry = 0; entry < 16; entry++) {
			uint32_t *at = &words[entry * 0x80 / 4];
			if (acks && entry % 4 == 1) // the IRQ entries
				std::memcpy(at, ack, sizeof(ack));
			else
				std::memcpy(at, skip, sizeof(skip));
		}
		return start;
	}

	bool set_up_vcpu(Report &r, int fd, uint64_t start)
	{
		avcpu_regs regs{};
		for (auto &x : regs.x)
			x = random_pointer(rng_);
		regs.pc = ram_gpa + start * 4;
		regs.pstate = rng_.chance(80) ? 0x3c5 : (rng_.chance(50) ? 0x3c4 : 0x5);
		regs.sp_el1 = random_pointer(rng_) & ~15ULL;
		if (ioctl(fd, AVCPU_SET_REGS, &regs))
			return r.fail(std::string("SET_REGS: ") + std::strerror(errno)), false;
		uint64_t vbar = rng_.chance(70)	  ? ram_gpa
				: rng_.chance(50) ? ram_gpa + rng_.below(ram_size / 2048) * 2048
						  : rng_.edgy();
		avcpu_one_reg one{AVCPU_REG_VBAR_EL1, reinterpret_cast<uintptr_t>(&vbar)};
		ioctl(fd, AVCPU_SET_ONE_REG, &one);
		return true;
	}

	void close_vm()
	{
		for (Vcpu &v : vcpus_) {
			munmap(v.run, 4096);
			close(v.fd);
		}
		vcpus_.clear();
		if (vm_ >= 0)
			close(vm_);
		vm_ = -1;
		gic_ = false;
	}

	// A vGIC before any vCPU: GICD and GICR clear of RAM and of the MMIO hole.
	bool create_vgic(Report &r)
	{
		avcpu_vgic_config c{};
		c.dist_base = gic_layout.dist;
		c.redist_base = gic_layout.redist;
		c.nr_spis = gic_spis;
		c.nr_redists = max_vcpus;
		if (ioctl(vm_, AVCPU_CREATE_VGIC, &c) == 0)
			return true;
		// ENODEV: the host's GIC cannot be shared; the program runs without one.
		if (errno != ENODEV)
			r.fail(std::string("CREATE_VGIC: ") + std::strerror(errno));
		r.count("vgic: CREATE_VGIC ENODEV");
		return false;
	}

	bool new_vm(Report &r, bool gic)
	{
		close_vm();
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
		gic_ = gic && create_vgic(r);
		avcpu_memory_region m{0, 0, ram_gpa, ram_size, reinterpret_cast<uintptr_t>(ram_)};
		avcpu_memory_region ro{1, AVCPU_MEM_READONLY, ro_gpa, ro_size,
				       reinterpret_cast<uintptr_t>(ro_)};
		if (ioctl(vm_, AVCPU_SET_MEMORY_REGION, &m) ||
		    ioctl(vm_, AVCPU_SET_MEMORY_REGION, &ro))
			return r.fail(std::string("SET_MEMORY_REGION: ") + std::strerror(errno)),
			       false;
		unsigned n = gic_ ? 1 + unsigned(rng_.below(max_vcpus)) : 1;
		for (unsigned id = 0; id < n; id++) {
			int fd = int(ioctl(vm_, AVCPU_CREATE_VCPU, id));
			if (fd < 0)
				return r.fail(std::string("CREATE_VCPU: ") + std::strerror(errno)),
				       false;
			void *run = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			if (run == MAP_FAILED) {
				close(fd);
				return r.fail("mmap run"), false;
			}
			vcpus_.push_back({fd, static_cast<avcpu_run *>(run)});
		}
		return true;
	}

	// An interrupt line toggled: the CPU's IRQ/FIQ input, or with a vGIC an SPI or a
	// PPI that is not a timer's.
	void toggle_line(Report &r)
	{
		uint32_t level = uint32_t(rng_.below(2)), irq;
		if (!gic_) {
			irq = AVCPU_IRQ(AVCPU_IRQ_TYPE_CPU, 0, rng_.below(2));
		} else if (rng_.chance(60)) {
			irq = AVCPU_IRQ(AVCPU_IRQ_TYPE_SPI, 0, 32 + rng_.below(gic_spis));
		} else {
			uint32_t ppi = 16 + uint32_t(rng_.below(16));
			if (ppi == intid_vtimer || ppi == intid_ptimer)
				ppi = 20;
			irq = AVCPU_IRQ(AVCPU_IRQ_TYPE_PPI, rng_.below(vcpus_.size()), ppi);
		}
		avcpu_irq_level l{irq, level};
		if (ioctl(vm_, AVCPU_IRQ_LINE, &l))
			r.fail(std::string("IRQ_LINE: ") + std::strerror(errno));
	}

	// One RUN and a random answer; false when the program is over.
	bool exit_once(Report &r, Vcpu &v)
	{
		if (rng_.chance(gic_ ? 15 : 5))
			toggle_line(r);
		avcpu_run *run = v.run;
		RunResult res = run_with_kick(v.fd, 20);
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
		uint32_t reason = run->exit_reason;
		if (reason == AVCPU_EXIT_NONE || reason > AVCPU_EXIT_WFI) {
			r.fail("RUN returned exit reason " + std::to_string(reason));
			return false;
		}
		r.count(std::string("guest: exit ") + avcpu::exit_reason_name(reason));
		switch (reason) {
		case AVCPU_EXIT_MMIO:
			for (auto &b : run->mmio.data)
				b = uint8_t(rng_.u64());
			if (run->mmio.len != 1 && run->mmio.len != 2 && run->mmio.len != 4 &&
			    run->mmio.len != 8)
				r.fail("MMIO exit with length " + std::to_string(run->mmio.len));
			return true;
		case AVCPU_EXIT_HYPERCALL:
			for (auto &x : run->hypercall.ret)
				x = rng_.edgy();
			return true;
		case AVCPU_EXIT_SYSREG:
			run->sysreg.value = rng_.edgy();
			run->sysreg.inject_undef = uint8_t(rng_.below(2));
			return true;
		case AVCPU_EXIT_CPU_ON:
		case AVCPU_EXIT_CPU_OFF:
			run->psci.ret = rng_.edgy();
			return true;
		case AVCPU_EXIT_WFI:
			return true;
		default:
			// Exceptions, aborts without syndrome, system events: this program is done.
			return false;
		}
	}

	Rng rng_;
	int dev_ = -1, vm_ = -1;
	bool gic_ = false;
	std::vector<Vcpu> vcpus_;
	void *ram_ = nullptr, *ro_ = nullptr;
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
