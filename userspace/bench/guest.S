/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Benchmark guest workloads: position-independent EL1 code run with the MMU off from a
 * copy at the guest's load address. On entry x19 = iterations, x20 = the MMIO base;
 * each loop ends with a store to x20 + 8 ("done") and then parks.
 */
	.text
	.balign	4096
	.globl	bench_guest_start
bench_guest_start:

/* PSCI_VERSION over HVC: an exit the hypervisor's kernel part answers itself. */
	.globl	bench_hvc_psci
bench_hvc_psci:
1:	movz	x0, #0x8400, lsl #16
	hvc	#0
	subs	x19, x19, #1
	b.ne	1b
	b	bench_done

/* A store outside guest memory: an MMIO exit to userspace and back. */
	.globl	bench_mmio_write
bench_mmio_write:
1:	str	x19, [x20]
	subs	x19, x19, #1
	b.ne	1b
	b	bench_done

/* An ID register read (HCR_EL2.TID3): a trap the hypervisor emulates. */
	.globl	bench_sysreg_id
bench_sysreg_id:
1:	mrs	x0, id_aa64pfr0_el1
	subs	x19, x19, #1
	b.ne	1b
	b	bench_done

bench_done:
	str	xzr, [x20, #8]
1:	wfi
	b	1b

	.globl	bench_guest_end
bench_guest_end:
