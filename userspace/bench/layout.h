/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark VM's physical layout and interrupt numbers, shared by the guest code
 * (guest.S, through the preprocessor) and the host (backend.h). The GIC sits where
 * avcpu-run puts it (QEMU virt's addresses); the MMIO page has nothing behind it.
 */
#ifndef BENCH_LAYOUT_H
#define BENCH_LAYOUT_H

#define BENCH_RAM_GPA 0x40000000
#define BENCH_MMIO_GPA 0x0a000000 /* +0: a workload's store, +8: "done" */
#define BENCH_GICD_GPA 0x08000000 /* 64 KiB distributor */
#define BENCH_GICR_GPA 0x080a0000 /* 128 KiB redistributor of vCPU 0 */
#define BENCH_GIC_NR_SPIS 32	  /* the fewest either hypervisor takes */
#define BENCH_TIMER_INTID 27	  /* the EL1 virtual timer's PPI (Arm BSA) */
#define BENCH_SPI_INTID 32	  /* the first SPI, raised from userspace */

#endif
