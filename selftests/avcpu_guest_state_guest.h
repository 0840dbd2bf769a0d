/* SPDX-License-Identifier: GPL-2.0 */
/* Guest functions of avcpu_guest_state_test: PSTATE, exception entry, SMC IDs, DC. */
#ifndef AVCPU_GUEST_STATE_GUEST_H
#define AVCPU_GUEST_STATE_GUEST_H

#include <stdint.h>

#define VEC_REPORT_IMM		0xe1	/* guest_vectors' hypercall: x0 ESR, x1 ELR, x2 offset */
#define PAN_REPORT_IMM		0xe3	/* guest_pan_vectors: x0 ESR, x1 PAN, x2 offset */
/* x0 of guest_hvc() reports (hvc #0): */
#define NO_PAN_CALL		0x50	/* the CPU has no FEAT_PAN */
#define DC_DONE_CALL		0x28	/* guest_dc_unbacked got past its DC instructions */
#define SMC_RETURNED_CALL	0x07	/* guest_smc: x1 = what the SMC returned */

/* Bits of guest_pan's argument. */
#define PAN_ARG_SPAN		1	/* SCTLR_EL1.SPAN = 1 */
#define PAN_ARG_PAN		2	/* PSTATE.PAN = 1 before the UNDEF */

void guest_el0_tco(uint64_t unused);
void guest_el0_a32(uint64_t unused);
void guest_pan(uint64_t arg);
void guest_dc_unbacked(uint64_t addr);
void guest_smc(uint64_t fn);
void guest_spin_forever(uint64_t unused);

#endif
