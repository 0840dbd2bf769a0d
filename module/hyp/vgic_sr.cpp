// SPDX-License-Identifier: GPL-2.0
// The GICv3 virtual CPU interface around a guest run (Arm IHI 0069, 8.4 "The virtual CPU
// interface"; the ICH_*_EL2 registers in 12.5): list registers, VMCR and the active-
// priority registers go in before the guest runs and come out when it leaves, and
// ICH_HCR_EL2 is zero whenever the host runs, so that nothing of one vCPU's interface is
// visible to the host (the trap bits apply to EL1 whatever HCR_EL2.IMO says) or to the
// next vCPU on this CPU.
#include "host_call.h"
#include "sysreg.h"
#include "vgic_sr.h"

namespace hyp
{
namespace
{

// ICH_LR<n>_EL2 (3,4,12,12,n) and (3,4,12,13,n-8) are sixteen separate registers.
uint64_t read_lr(unsigned n)
{
	// clang-format off
#define LR_READ(crm, op2) return read_sysreg(S3_4_C12_C##crm##_##op2)
	switch (n) {
	case 0: LR_READ(12, 0); case 1: LR_READ(12, 1); case 2: LR_READ(12, 2);
	case 3: LR_READ(12, 3); case 4: LR_READ(12, 4); case 5: LR_READ(12, 5);
	case 6: LR_READ(12, 6); case 7: LR_READ(12, 7); case 8: LR_READ(13, 0);
	case 9: LR_READ(13, 1); case 10: LR_READ(13, 2); case 11: LR_READ(13, 3);
	case 12: LR_READ(13, 4); case 13: LR_READ(13, 5); case 14: LR_READ(13, 6);
	case 15: LR_READ(13, 7);
	default: return 0;
	}
#undef LR_READ
	// clang-format on
}

void write_lr(unsigned n, uint64_t v)
{
	// clang-format off
#define LR_WRITE(crm, op2) write_sysreg(v, S3_4_C12_C##crm##_##op2); break
	switch (n) {
	case 0: LR_WRITE(12, 0); case 1: LR_WRITE(12, 1); case 2: LR_WRITE(12, 2);
	case 3: LR_WRITE(12, 3); case 4: LR_WRITE(12, 4); case 5: LR_WRITE(12, 5);
	case 6: LR_WRITE(12, 6); case 7: LR_WRITE(12, 7); case 8: LR_WRITE(13, 0);
	case 9: LR_WRITE(13, 1); case 10: LR_WRITE(13, 2); case 11: LR_WRITE(13, 3);
	case 12: LR_WRITE(13, 4); case 13: LR_WRITE(13, 5); case 14: LR_WRITE(13, 6);
	case 15: LR_WRITE(13, 7);
	default: break;
	}
#undef LR_WRITE
	// clang-format on
}

// ICH_AP0R<n>_EL2 (3,4,12,8,n) and ICH_AP1R<n>_EL2 (3,4,12,9,n), n < 4.
void save_aprs(avcpu_vgic_cpu_if &gic, unsigned nr)
{
	// clang-format off
	switch (nr) {
	case 4:
		gic.ap0r[3] = read_sysreg(S3_4_C12_C8_3); gic.ap1r[3] = read_sysreg(S3_4_C12_C9_3);
		gic.ap0r[2] = read_sysreg(S3_4_C12_C8_2); gic.ap1r[2] = read_sysreg(S3_4_C12_C9_2);
		[[fallthrough]];
	case 2:
		gic.ap0r[1] = read_sysreg(S3_4_C12_C8_1); gic.ap1r[1] = read_sysreg(S3_4_C12_C9_1);
		[[fallthrough]];
	default:
		gic.ap0r[0] = read_sysreg(S3_4_C12_C8_0); gic.ap1r[0] = read_sysreg(S3_4_C12_C9_0);
	}
	// clang-format on
}

void restore_aprs(const avcpu_vgic_cpu_if &gic, unsigned nr)
{
	// clang-format off
	switch (nr) {
	case 4:
		write_sysreg(gic.ap0r[3], S3_4_C12_C8_3); write_sysreg(gic.ap1r[3], S3_4_C12_C9_3);
		write_sysreg(gic.ap0r[2], S3_4_C12_C8_2); write_sysreg(gic.ap1r[2], S3_4_C12_C9_2);
		[[fallthrough]];
	case 2:
		write_sysreg(gic.ap0r[1], S3_4_C12_C8_1); write_sysreg(gic.ap1r[1], S3_4_C12_C9_1);
		[[fallthrough]];
	default:
		write_sysreg(gic.ap0r[0], S3_4_C12_C8_0); write_sysreg(gic.ap1r[0], S3_4_C12_C9_0);
	}
	// clang-format on
}

} // namespace

// ICH_VTR_EL2 (3,4,12,11,1): ListRegs [4:0] = LRs - 1, PREbits [28:26] = bits - 1.
unsigned vgic_nr_lrs(uint64_t vtr)
{
	return (vtr & 0x1f) + 1;
}

unsigned vgic_nr_aprs(uint64_t vtr)
{
	unsigned pre_bits = ((vtr >> 26) & 7) + 1;
	return pre_bits >= 7 ? 4 : pre_bits == 6 ? 2 : 1;
}

void vgic_enter(avcpu_vgic_cpu_if &gic, bool has_vgic)
{
	if (!has_vgic) {
		// No vGIC: the guest's ICC_* accesses trap (ICH_HCR_EL2.TALL0/TALL1/TC) and are
		// made UNDEFINED, as on a CPU without a GIC system-register interface.
		write_sysreg(gic.hcr, S3_4_C12_C11_0);
		return;
	}
	uint64_t vtr = read_sysreg(S3_4_C12_C11_1);
	unsigned nr = gic.nr_lr < vgic_nr_lrs(vtr) ? gic.nr_lr : vgic_nr_lrs(vtr);

	gic.nr_lr = nr; // what the exit saves back
	write_sysreg(gic.vmcr, S3_4_C12_C11_7);
	restore_aprs(gic, vgic_nr_aprs(vtr));
	for (unsigned i = 0; i < nr; i++)
		write_lr(i, gic.lr[i]);
	write_sysreg(gic.hcr, S3_4_C12_C11_0);
}

void vgic_exit(avcpu_vgic_cpu_if &gic, bool has_vgic)
{
	if (has_vgic) {
		uint64_t vtr = read_sysreg(S3_4_C12_C11_1);

		gic.misr = read_sysreg(S3_4_C12_C11_2);
		for (unsigned i = 0; i < gic.nr_lr; i++) {
			gic.lr[i] = read_lr(i);
			write_lr(i, 0);
		}
		gic.vmcr = read_sysreg(S3_4_C12_C11_7);
		save_aprs(gic, vgic_nr_aprs(vtr));
	}
	write_sysreg(0, S3_4_C12_C11_0);
	isb();
}

// The host's view of this CPU's GIC CPU interface: ICH_VTR_EL2 and ICC_SRE_EL2.
CallResult gic_info()
{
	return {AVCPU_HYP_OK, read_sysreg(S3_4_C12_C11_1), read_sysreg(S3_4_C12_C9_5)};
}

} // namespace hyp
