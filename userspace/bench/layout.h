/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark VM's physical layout and interrupt numbers, shared by the guest code
 * (guest.S, through the preprocessor) and the host (backend.h). The GIC sits where
 * avcpu-run puts it (QEMU virt's addresses); the MMIO page has nothing behind it.
 */
#ifndef BENCH_LAYOUT_H
#define BENCH_LAYOUT_H

#define BENCH_RAM_GPA 0x40000000
#define BENCH_MMIO_GPA 0x0a000000   /* +0: a workload's store, +8: "done" */
#define BENCH_GICD_GPA 0x08000000   /* 64 KiB distributor */
#define BENCH_GICR_GPA 0x080a0000   /* 128 KiB redistributor of vCPU 0 */
#define BENCH_GIC_NR_SPIS 32	    /* the fewest either hypervisor takes */
#define BENCH_TIMER_INTID 27	    /* the EL1 virtual timer's PPI (Arm BSA) */
#define BENCH_SPI_INTID 32	    /* the first SPI, raised from userspace */
#define BENCH_REDIST_STRIDE 0x20000 /* one redistributor (RD + SGI frames) per vCPU */
#define BENCH_SGI_PING 1	    /* vCPU 0 to vCPU 1 */
#define BENCH_SGI_PONG 2	    /* vCPU 1's answer */
#define BENCH_SGI_STOP 3	    /* vCPU 0 to vCPU 1: the round trips are over */
#define BENCH_PGTABLE 0x100000	    /* RAM offset: the copy workload's page table */
#define BENCH_COPY_SRC 0x4000000    /* RAM offsets of the copy's source and destination */
#define BENCH_COPY_DST 0x8000000
#define BENCH_COPY_BYTES 0x4000000   /* 64 MiB */
#define BENCH_COPY_RAM 0x10000000    /* 256 MiB: the copy's and the creation's VM */
#define BENCH_WFI_DEADLINE_DIV 20000 /* CNTFRQ / this: a 50 us timer deadline */

#endif
