// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: the vGIC's pure logic (module/vgic_core.c, module/vgic_mmio.c) driven the
// way the module drives it, by a sequence of operations decoded from the input: guest
// accesses to any distributor or redistributor offset with any width, input lines, SGI
// register writes, vCPUs appearing or changing MPIDR, and guest entries (flush), the guest
// acknowledging and ending what its list registers hold, and exits (fold). A vCPU touches
// its GIC only while out of the guest, as in the module. Properties, not only "no crash":
//  - a read changes no state, returns no kick and fits its width; an access with a bad
//    width, misaligned, outside the frames or by a vCPU past the last reads as zero and
//    changes nothing (vgic_core.h, IHI 0069 12.1.3);
//  - a kick mask names only vCPUs that exist in the vGIC;
//  - a flush fills at most nr_lrs list registers, each with a state, a valid and distinct
//    vINTID, the EN bit in HCR and UIE exactly when something did not fit; HW and level
//    software interrupts never go in pending and active at once;
//  - after every operation, an interrupt outside the list registers is in the ap[] bitmap
//    of its target exactly while pending or active, and in no other (vgic_core.c);
//  - a priority byte, a group bit and an IROUTER written read back as the GIC keeps them.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

extern "C" {
#include "vgic_core.h"
}

namespace
{

// Distributor and redistributor offsets (IHI 0069 12.8, 12.10) the generator aims at.
constexpr uint32_t kGicdIgroupr = 0x80, kGicdIpriorityr = 0x400, kGicdIrouter = 0x6000;
constexpr uint64_t kFrame = 0x20000, kSgiBase = 0x10000;
constexpr uint32_t kGicdSize = 0x10000;

void check(bool ok)
{
	if (!ok)
		std::abort();
}

class Input
{
public:
	Input(const uint8_t *data, size_t size) : p_(data), left_(size) {}
	bool empty() const { return left_ == 0; }
	template <typename T> T take()
	{
		T v{};
		size_t n = left_ < sizeof(T) ? left_ : sizeof(T);
		std::memcpy(&v, p_, n);
		p_ += n;
		left_ -= n;
		return v;
	}

private:
	const uint8_t *p_;
	size_t left_;
};

struct Guest {
	bool in = false; // between flush and fold
	uint64_t lr[VGIC_MAX_LRS] = {};
	uint32_t n = 0;
};

class Model
{
public:
	Model(uint32_t nr_spis, uint32_t nr_cpus, uint32_t nr_lrs)
	    : spis_(new vgic_irq[nr_spis]()), cpus_(new vgic_cpu[nr_cpus]()), guests_(nr_cpus),
	      nr_lrs_(nr_lrs)
	{
		vgic_init(&d_, nr_spis, nr_cpus, spis_.get(), cpus_.get());
		for (uint32_t c = 0; c < nr_cpus; c++) {
			// As the module does when a vCPU is created: the vtimer is a HW interrupt.
			vgic_get_irq(&d_, c, VGIC_INTID_VTIMER)->hw = true;
			kicked(vgic_set_vcpu(&d_, c, true, cpus_[c].mpidr));
		}
	}

	void step(Input &in)
	{
		uint8_t op = in.take<uint8_t>();
		uint32_t cpu = in.take<uint8_t>() % (d_.nr_cpus + 1); // sometimes one past
		// Mostly register accesses; a new MPIDR (every SPI routed again) is rarer.
		switch (op % 16) {
		case 0:
		case 1:
		case 2:
		case 3:
		case 4:
			dist(in, cpu);
			break;
		case 5:
		case 6:
		case 7:
			redist(in, cpu);
			break;
		case 8:
		case 9: {
			uint32_t intid = in.take<uint16_t>() % (VGIC_MAX_INTID + 64);
			bool level = in.take<uint8_t>() & 1;
			if (cpu < d_.nr_cpus)
				kicked(vgic_set_level(&d_, cpu, intid, level));
			break;
		}
		case 10: {
			auto reg = static_cast<vgic_sgi_reg>(in.take<uint8_t>() % 3);
			uint64_t value = in.take<uint64_t>();
			if (exit(cpu))
				kicked(vgic_write_sgi(&d_, cpu, reg, value));
			break;
		}
		case 11: {
			uint64_t mpidr = in.take<uint64_t>() & VGIC_AFF_MASK;
			if (exit(cpu))
				kicked(vgic_set_vcpu(&d_, cpu, true, mpidr));
			break;
		}
		case 12:
			if (cpu < d_.nr_cpus && exit(cpu))
				enter(cpu);
			break;
		case 13:
			if (cpu < d_.nr_cpus)
				guest_acts(cpu, in.take<uint32_t>());
			break;
		case 14:
			exit(cpu);
			break;
		default:
			if (cpu < d_.nr_cpus)
				vgic_has_pending(&d_, cpu, in.take<uint64_t>());
			break;
		}
		invariants();
	}

private:
	// A kick mask names vCPUs of this vGIC only.
	void kicked(uint64_t kick) const
	{
		if (d_.nr_cpus < 64)
			check(!(kick >> d_.nr_cpus));
	}

	bool same(const std::vector<vgic_irq> &spis, const std::vector<vgic_cpu> &cpus,
		  uint32_t ctlr) const
	{
		return ctlr == d_.ctlr &&
		       !std::memcmp(spis.data(), spis_.get(), spis.size() * sizeof(vgic_irq)) &&
		       !std::memcmp(cpus.data(), cpus_.get(), cpus.size() * sizeof(vgic_cpu));
	}

	// One access: property checks common to both frames. Returns the value read.
	template <typename Access>
	uint64_t access(uint32_t cpu, uint64_t offset, uint64_t frame_end, uint32_t len, bool write,
			uint64_t value, Access fn)
	{
		bool bad = (len != 1 && len != 4 && len != 8) || (offset & (len - 1)) ||
			   offset >= frame_end || cpu >= d_.nr_cpus;
		std::vector<vgic_irq> spis;
		std::vector<vgic_cpu> cpus;
		const uint32_t ctlr = d_.ctlr;
		if (!write || bad) {
			spis.assign(spis_.get(), spis_.get() + d_.nr_spis);
			cpus.assign(cpus_.get(), cpus_.get() + d_.nr_cpus);
		}
		uint64_t v = value;
		uint64_t kick = fn(cpu, offset, len, write, &v);
		kicked(kick);
		if (!write) {
			check(kick == 0);
			check(same(spis, cpus, ctlr));
			check(len >= 8 || v >> (8 * len) == 0);
		} else {
			check(v == value);
		}
		if (bad) {
			check(same(spis, cpus, ctlr));
			check(write || v == 0);
		}
		return v;
	}

	uint32_t width(Input &in)
	{
		static const uint32_t widths[] = {4, 4, 4, 1, 8, 2, 3, 16};
		return widths[in.take<uint8_t>() % 8];
	}

	// An offset in a distributor frame: mostly in the register blocks that hold state.
	uint32_t dist_offset(Input &in)
	{
		uint16_t raw = in.take<uint16_t>();
		switch (in.take<uint8_t>() % 4) {
		case 0:
			return kGicdIgroupr + raw % 0x380; // IGROUPR .. ICACTIVER
		case 1:
			return kGicdIpriorityr + raw % 0x400;
		case 2:
			return kGicdIrouter + raw % (8 * VGIC_MAX_INTID);
		default:
			return uint32_t(raw) + (raw & 1 ? 0 : kGicdSize / 2); // anywhere
		}
	}

	void dist(Input &in, uint32_t cpu)
	{
		uint32_t offset = dist_offset(in), len = width(in);
		bool write = in.take<uint8_t>() & 1;
		uint64_t value = in.take<uint64_t>();
		if (!exit(cpu))
			return;
		auto fn = [this](uint32_t c, uint64_t off, uint32_t l, bool w, uint64_t *v) {
			return vgic_dist_access(&d_, c, uint32_t(off), l, w, v);
		};
		access(cpu, offset, kGicdSize, len, write, value, fn);
		if (!write || cpu >= d_.nr_cpus || (offset & (len - 1)))
			return;
		// What the guest writes to these reads back as the GIC keeps it.
		uint32_t spi_end = VGIC_NR_PRIVATE + d_.nr_spis;
		uint32_t prio = offset - kGicdIpriorityr, route = offset - kGicdIrouter;
		if (len == 1 && prio >= VGIC_NR_PRIVATE && prio < spi_end)
			check(access(cpu, offset, kGicdSize, 1, false, 0, fn) ==
			      (value & VGIC_PRIO_MASK));
		if (len == 8 && route / 8 >= VGIC_NR_PRIVATE && route / 8 < spi_end)
			check(access(cpu, offset, kGicdSize, 8, false, 0, fn) ==
			      (value & VGIC_AFF_MASK));
		if (len == 4 && offset >= kGicdIgroupr + 4 && offset < kGicdIgroupr + 0x80) {
			uint32_t first = (offset - kGicdIgroupr) * 8;
			uint64_t mask = first + 32 <= spi_end ? 0xffffffffULL
					: first < spi_end     ? (1ULL << (spi_end - first)) - 1
							      : 0;
			check(access(cpu, offset, kGicdSize, 4, false, 0, fn) == (value & mask));
		}
	}

	void redist(Input &in, uint32_t cpu)
	{
		uint64_t frames = d_.nr_cpus;
		uint64_t frame = in.take<uint8_t>() % (frames + 1);
		uint32_t raw = in.take<uint16_t>();
		uint64_t offset = frame * kFrame + (in.take<uint8_t>() & 1 ? kSgiBase : 0) +
				  (raw & 0x8000 ? raw % 0x1000 : raw); // mostly the registers
		uint32_t len = width(in);
		bool write = in.take<uint8_t>() & 1;
		uint64_t value = in.take<uint64_t>();
		if (!exit(cpu))
			return;
		access(cpu, offset, frames * kFrame, len, write, value,
		       [this](uint32_t c, uint64_t off, uint32_t l, bool w, uint64_t *v) {
			       return vgic_redist_access(&d_, c, off, l, w, v);
		       });
	}

	// A guest entry of cpu: the list registers it gets, checked.
	void enter(uint32_t cpu)
	{
		Guest &g = guests_[cpu];
		uint64_t hcr = 0;
		bool overflow = false;
		std::memset(g.lr, 0xa5, sizeof(g.lr));
		g.n = vgic_flush(&d_, cpu, g.lr, nr_lrs_, &hcr, &overflow);
		g.in = true;
		check(g.n <= nr_lrs_);
		check(hcr & VGIC_ICH_HCR_EN);
		check(overflow == !!(hcr & VGIC_ICH_HCR_UIE));
		for (uint32_t i = 0; i < g.n; i++) {
			uint64_t lr = g.lr[i];
			uint32_t intid = uint32_t(lr & VGIC_ICH_LR_VINTID_MASK);
			check(intid < VGIC_NR_PRIVATE + d_.nr_spis);
			check(lr & VGIC_ICH_LR_STATE_MASK);
			check(cpus_[cpu].lr_intid[i] == intid);
			vgic_irq *irq = vgic_get_irq(&d_, cpu, intid);
			check(irq && irq->lr == int8_t(i) && irq->lr_cpu == cpu);
			bool both = (lr & VGIC_ICH_LR_STATE_MASK) == VGIC_ICH_LR_STATE_MASK;
			if (lr & VGIC_ICH_LR_HW) {
				check(!both);
				check(((lr & VGIC_ICH_LR_PINTID_MASK) >>
				       VGIC_ICH_LR_PINTID_SHIFT) == intid);
			}
			if (lr & VGIC_ICH_LR_EOI)
				check(!both);
			for (uint32_t j = 0; j < i; j++)
				check(intid != uint32_t(g.lr[j] & VGIC_ICH_LR_VINTID_MASK));
		}
	}

	// What a guest can do to its list registers: acknowledge a pending interrupt (pending
	// to active), deactivate an active one, both, or nothing (IHI 0069 4.8).
	void guest_acts(uint32_t cpu, uint32_t choices)
	{
		Guest &g = guests_[cpu];
		if (!g.in)
			return;
		for (uint32_t i = 0; i < g.n; i++, choices >>= 2) {
			uint64_t &lr = g.lr[i];
			uint64_t state = lr & VGIC_ICH_LR_STATE_MASK;
			bool ack = choices & 1, deact = choices & 2;
			if (ack && state == VGIC_ICH_LR_PENDING)
				lr = (lr & ~VGIC_ICH_LR_STATE_MASK) | VGIC_ICH_LR_ACTIVE;
			if (deact && (lr & VGIC_ICH_LR_ACTIVE))
				lr &= ~VGIC_ICH_LR_ACTIVE;
		}
	}

	// cpu leaves the guest (if it was in); false if cpu is no vCPU of this vGIC.
	bool exit(uint32_t cpu)
	{
		if (cpu >= d_.nr_cpus)
			return cpu == d_.nr_cpus; // an access by a vCPU id past the last
		Guest &g = guests_[cpu];
		if (g.in) {
			kicked(vgic_fold(&d_, cpu, g.lr, g.n));
			g.in = false;
		}
		return true;
	}

	bool in_ap(uint32_t cpu, uint32_t intid) const
	{
		return cpus_[cpu].ap[intid / 64] >> (intid % 64) & 1;
	}

	// The ap[] invariant of vgic_core.c, over every interrupt and vCPU: each interrupt is
	// in the ap[] of the vCPU that holds it in a list register, or else of its target
	// while pending or active; and no ap[] holds anything more.
	void invariants() const
	{
		std::vector<uint32_t> expected(d_.nr_cpus);
		for (uint32_t c = 0; c < d_.nr_cpus; c++) {
			uint32_t end = c ? VGIC_NR_PRIVATE : VGIC_NR_PRIVATE + d_.nr_spis;
			for (uint32_t intid = 0; intid < end; intid++) {
				const vgic_irq *irq = vgic_lookup(&d_, c, intid);
				check(irq && irq->intid == intid);
				bool live = vgic_pending(irq) || irq->active;
				int64_t owner = irq->lr >= 0		   ? irq->lr_cpu
						: live && irq->target >= 0 ? irq->target
									   : -1;
				if (owner < 0)
					continue;
				check(owner < d_.nr_cpus);
				check(intid >= VGIC_NR_PRIVATE || owner == c);
				check(in_ap(uint32_t(owner), intid));
				expected[owner]++;
			}
		}
		for (uint32_t c = 0; c < d_.nr_cpus; c++) {
			uint32_t n = 0;
			for (uint64_t word : cpus_[c].ap)
				n += uint32_t(__builtin_popcountll(word));
			check(n == expected[c]);
		}
	}

	std::unique_ptr<vgic_irq[]> spis_;
	std::unique_ptr<vgic_cpu[]> cpus_;
	std::vector<Guest> guests_;
	uint32_t nr_lrs_;
	vgic_dist d_{};
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Input in(data, size);
	uint8_t shape = in.take<uint8_t>();
	uint32_t nr_spis = 32 * (1 + shape % 4); // 32-128; the rare big one below
	if (shape == 0xff)
		nr_spis = VGIC_MAX_SPIS;
	uint8_t cpus = in.take<uint8_t>();
	uint32_t nr_cpus = cpus == 0xff ? VGIC_MAX_VCPUS : 1 + cpus % 8;
	uint32_t nr_lrs = 1 + in.take<uint8_t>() % VGIC_MAX_LRS;
	Model m(nr_spis, nr_cpus, nr_lrs);
	for (unsigned ops = 0; !in.empty() && ops < 512; ops++)
		m.step(in);
	return 0;
}
