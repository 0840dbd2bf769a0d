/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest side of the vGIC selftests (avcpu_vgic_test, avcpu_vgic_irq_test): where the tests
 * put the vGIC, the GICv3 registers their guests program (Arm IHI 0069, chapter 12), the
 * state the guests leave in their memory for the host to read, and the requests a guest
 * makes of its host through ucalls.
 */
#ifndef AVCPU_VGIC_GUEST_H
#define AVCPU_VGIC_GUEST_H

#include <stdint.h>

/* The layout every vGIC test uses: clear of the binary, the stacks and the ucall page. */
#define VGIC_DIST_GPA		0x08000000UL
#define VGIC_REDIST_GPA		0x080a0000UL
#define VGIC_REDIST_STRIDE	0x20000UL
#define VGIC_SGI_FRAME		0x10000UL	/* a redistributor's SGI frame, after RD */
#define VGIC_NR_SPIS		96		/* INTIDs 32-127 */
#define VGIC_NR_INTIDS		(32 + VGIC_NR_SPIS)
#define VGIC_MAX_CPUS		8		/* = TEST_MAX_VCPUS */
#define VGIC_RD(cpu)		(VGIC_REDIST_GPA + (uint64_t)(cpu) * VGIC_REDIST_STRIDE)
#define VGIC_SGI(cpu)		(VGIC_RD(cpu) + VGIC_SGI_FRAME)

/* Distributor registers (offsets; the SGI frame has the same ones for INTIDs 0-31). */
#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ICPENDR		0x0280
#define GICD_ISACTIVER		0x0300
#define GICD_ICACTIVER		0x0380
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IROUTER		0x6000		/* 8 bytes per INTID, SPIs only */
#define GICD_PIDR2		0xffe8
#define GICD_CTLR_ENABLE	((1U << 4) | (1U << 1) | (1U << 0)) /* ARE, Grp1, Grp0 */
#define GICD_TYPER_LPIS		(1U << 17)

/* Redistributor RD frame registers. */
#define GICR_TYPER		0x0008		/* 64-bit */
#define GICR_WAKER		0x0014
#define GICR_PIDR2		0xffe8
#define GICR_WAKER_SLEEP	(1U << 1)	/* ProcessorSleep */
#define GICR_WAKER_ASLEEP	(1U << 2)	/* ChildrenAsleep */
#define GICR_TYPER_PLPIS	(1ULL << 0)
#define GICR_TYPER_LAST		(1ULL << 4)

#define INTID_VTIMER		27
#define INTID_PTIMER		30
#define INTID_SPURIOUS		1023
#define VGIC_PRIO_DEFAULT	0xa0

/*
 * Requests: a UCALL_SYNC whose args[0] is one of these, which the host serves and
 * resumes the guest (avcpu_vgic_util.h, vgic_serve). Any other SYNC is a report.
 */
enum vgic_req {
	VGIC_REQ_LINE = 0x100,	/* args[1]: SPI, args[2]: level: the host sets the line */
	VGIC_REQ_PULSE,		/* args[1]: SPI: the host raises and lowers the line */
	VGIC_REQ_LINES,		/* args[1]: first SPI | count << 16, args[2]: level */
	VGIC_REQ_ROUND,		/* args[1]: round: the test's own request (two VMs) */
};

/* What a guest leaves in its memory; the host reads its VM's copy (GUEST_VAR). */
extern volatile uint32_t vgic_irqs[VGIC_MAX_CPUS][VGIC_NR_INTIDS];	/* taken, by INTID */
extern volatile uint32_t vgic_taken[VGIC_MAX_CPUS];		/* all INTIDs */
extern volatile uint32_t vgic_spurious[VGIC_MAX_CPUS];	/* IAR reads of 1020-1023 */
#define VGIC_LOG_MAX		64
extern volatile uint32_t vgic_log[VGIC_LOG_MAX];	/* vCPU 0's INTIDs in the order taken */
extern volatile uint32_t vgic_log_len;
#define VGIC_MAX_TICKS		1000
extern volatile uint64_t vgic_ticks[VGIC_MAX_TICKS];	/* CNTVCT at each timer interrupt */
extern volatile uint64_t vgic_report[VGIC_MAX_CPUS][16];	/* per-test values */
extern volatile uint32_t vgic_phase[VGIC_MAX_CPUS];		/* SMP barriers */
extern volatile uint32_t vgic_sgi_sent[VGIC_MAX_CPUS][16];	/* [target][SGI] */
extern volatile uint32_t vgic_sgi_writes[VGIC_MAX_CPUS];	/* ICC_SGI1R_EL1 writes */

/* vgic_report[] slots of the probe (vgic_guest_probe). */
enum vgic_probe_slot {
	PROBE_MPIDR, PROBE_PFR0_GIC, PROBE_GICD_PIDR2, PROBE_GICD_TYPER, PROBE_GICD_CTLR,
	PROBE_GICR_TYPER, PROBE_GICR_TYPER_LO, PROBE_GICR_TYPER_HI, PROBE_GICR_PIDR2,
	PROBE_PRIO, PROBE_WAKER, PROBE_DONE,
};

/*
 * The priority-order test: SPIs 32 to 32 + PRIO_NR - 1 at distinct priorities. The vGIC
 * keeps 5 priority bits (0x00-0xf8) and ICC_PMR_EL1 0xff reads as 0xf8, which masks
 * priority 0xf8: 31 signalable levels, 0x00-0xf0. SPI 32 + i gets (7i mod 31) * 8, so the
 * order taken is not the INTID order.
 */
#define PRIO_NR			31
static inline uint32_t vgic_prio_of(uint32_t intid)
{
	return (intid - 32) * 7 % PRIO_NR * 8;
}

/* The active-state test's interrupts. */
#define ACTIVE_SPI		50
#define ACTIVE_SGI		5

/* vgic_guest_no_gic's hypercalls (hvc #0, x0 = the step). */
enum vgic_no_gic_step { NO_GIC_PFR0 = 0x40, NO_GIC_PMR, NO_GIC_IAR, NO_GIC_SGI, NO_GIC_ISR };

/* Timer tests: which timer, how many interrupts, the period. */
#define TIMER_ARG(phys, ticks, period_us) \
	((uint64_t)(phys) << 63 | (uint64_t)(ticks) << 32 | (uint32_t)(period_us))
/* vgic_report[0][] slots of the WFI wake test. */
enum vgic_wfi_slot { WFI_INTID, WFI_START, WFI_DEADLINE, WFI_WOKE, WFI_FREQ, WFI_ISR };

/*
 * Step i of vCPU s in the SGI exchange among nr (<= 4) vCPUs, the same in the guest and
 * the host: returns the SGI (s's own four, 4s to 4s + 3, so that no two senders' SGIs
 * coalesce at a target) and sets *targets (bit n = vCPU n). About a third of the steps have
 * one target, a third a list of two or more, a third are IRM broadcasts (*broadcast = 1,
 * every vCPU but the sender).
 */
static inline uint32_t vgic_sgi_plan(uint32_t s, uint32_t i, uint32_t nr, uint32_t *targets,
				     int *broadcast)
{
	uint32_t h = s * 0x9e3779b9U + i * 0x85ebca6bU + 0x165667b1U;
	uint32_t all = (1U << nr) - 1;

	h ^= h >> 15;
	h *= 0x2c1b3c6dU;
	h ^= h >> 12;
	h *= 0x297a2d39U;
	h ^= h >> 15;
	*broadcast = 0;
	switch (h % 3) {
	case 0:
		*targets = 1U << ((h >> 8) % nr);
		break;
	case 1:
		*targets = ((h >> 8) & all) | 1U << s | 1U << ((s + 1) % nr);
		break;
	default:
		*targets = all & ~(1U << s);
		*broadcast = 1;
		break;
	}
	return s * 4 + (i & 3);
}

/* Guest entry points (x0 = the argument); avcpu_vgic_guest.c, avcpu_vgic_irq_guest.c. */
void vgic_guest_probe(uint64_t nr_cpus);
void vgic_guest_timer(uint64_t timer_arg);
void vgic_guest_timer_wfi(uint64_t masked);
void vgic_guest_spi_edge_level(uint64_t unused);
void vgic_guest_spi_priority(uint64_t via_ispendr);
void vgic_guest_active(uint64_t unused);
void vgic_guest_no_gic(uint64_t unused);
void vgic_guest_sgi_exchange(uint64_t steps);
void vgic_guest_sgi_flood(uint64_t ms);
void vgic_guest_sweep(uint64_t seed);
void vgic_guest_route_spis(uint64_t target);
void vgic_guest_spi_rounds(uint64_t rounds);
/* A vCPU started by AVCPU_SET_POWER_STATE (x0 = its id): takes SPIs (vgic_guest_irq). */
void vgic_secondary_entry(void);
void vgic_guest_secondary(uint64_t cpu);

/* Guest library (guest code only). */
void vgic_guest_vectors(void);	/* VBAR_EL1: IRQs to vgic_guest_irq, the rest reported */
void vgic_guest_irq(void);
uint32_t vgic_cpu_id(void);
void vgic_dist_init(uint32_t edge);
void vgic_cpu_init(uint32_t cpu, uint32_t enable_mask);
void vgic_spi_config(uint32_t intid, uint32_t edge, uint32_t prio, uint32_t enable);
void vgic_install_vectors(void (*hook)(uint32_t cpu, uint32_t intid));
int vgic_wait_ge(volatile uint32_t *p, uint32_t val, uint32_t ms);
void vgic_delay_ms(uint32_t ms);
void vgic_send_sgi(uint32_t sgi, uint32_t targets, int broadcast);
void vgic_barrier(uint32_t me, uint32_t nr, uint32_t phase);
uint64_t vgic_counter(void);

/*
 * Single, naturally aligned accesses with a valid syndrome (no pair or writeback forms):
 * mmio_read<N>() and mmio_write<N>() for N = 8, 16, 32, 64.
 */
#define VGIC_MMIO_ACCESSORS(bits, type, ldr, str, reg)					\
	static inline type mmio_read##bits(uint64_t addr)				\
	{										\
		type v;									\
											\
		asm volatile(ldr " %" reg "0, [%1]" : "=r"(v) : "r"(addr) : "memory");	\
		return v;								\
	}										\
	static inline void mmio_write##bits(uint64_t addr, type v)			\
	{										\
		asm volatile(str " %" reg "0, [%1]" : : "r"(v), "r"(addr) : "memory");	\
	}

VGIC_MMIO_ACCESSORS(8, uint32_t, "ldrb", "strb", "w")
VGIC_MMIO_ACCESSORS(16, uint32_t, "ldrh", "strh", "w")
VGIC_MMIO_ACCESSORS(32, uint32_t, "ldr", "str", "w")
VGIC_MMIO_ACCESSORS(64, uint64_t, "ldr", "str", "")

/* GIC CPU interface registers by encoding (the assembler may not know their names). */
#define ICC_PMR_EL1	"S3_0_C4_C6_0"
#define ICC_IAR1_EL1	"S3_0_C12_C12_0"
#define ICC_EOIR1_EL1	"S3_0_C12_C12_1"
#define ICC_BPR1_EL1	"S3_0_C12_C12_3"
#define ICC_SRE_EL1	"S3_0_C12_C12_5"
#define ICC_IGRPEN1_EL1	"S3_0_C12_C12_7"
#define ICC_SGI1R_EL1	"S3_0_C12_C11_5"

#define read_sysreg_s(enc) ({ \
	uint64_t __v; \
	asm volatile("mrs %0, " enc : "=r"(__v) : : "memory"); \
	__v; })
#define write_sysreg_s(enc, val) ({ \
	asm volatile("msr " enc ", %0" : : "r"((uint64_t)(val)) : "memory"); })

#endif /* AVCPU_VGIC_GUEST_H */
