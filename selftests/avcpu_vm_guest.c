// SPDX-License-Identifier: GPL-2.0
/*
 * Guest code of avcpu_vm_test (built with the guest flags, see avcpu_guest.h). Exact
 * instructions matter for the syndromes they produce, hence the inline assembly.
 */
#include "avcpu_guest.h"
#include "avcpu_vm_guest.h"

#define MMIO ((volatile void *)GUEST_MMIO_GPA)

/* Stores of every width, then a store of XZR. */
void guest_mmio_writes(uint64_t unused)
{
	asm volatile("strb %w0, [%1]" : : "r"(0xa1), "r"(MMIO) : "memory");
	asm volatile("strh %w0, [%1]" : : "r"(0xb2b1), "r"(MMIO) : "memory");
	asm volatile("str %w0, [%1]" : : "r"(0xc4c3c2c1), "r"(MMIO) : "memory");
	asm volatile("str %0, [%1]" : : "r"(0xd8d7d6d5d4d3d2d1ULL), "r"(MMIO) : "memory");
	asm volatile("str xzr, [%0]" : : "r"(MMIO) : "memory");
	GUEST_DONE();
}

/* Loads: the host answers 0x8081828384858687 to each; results go back by hypercall. */
void guest_mmio_reads(uint64_t unused)
{
	uint64_t v;

	asm volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(MMIO) : "memory");
	guest_hvc(1, v, 0);
	asm volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(MMIO) : "memory");
	guest_hvc(2, v, 0);
	asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(MMIO) : "memory");
	guest_hvc(4, v, 0);
	asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(MMIO) : "memory");
	guest_hvc(8, v, 0);
	/* Sign-extending: LDRSB/LDRSH into W and X, LDRSW into X. */
	asm volatile("ldrsb %w0, [%1]" : "=r"(v) : "r"(MMIO) : "memory");
	guest_hvc(0x11, v, 0);
	asm volatile("ldrsb %0, [%1]" : "=r"(v) : "r"(MMIO) : "memory");
	guest_hvc(0x12, v, 0);
	asm volatile("ldrsh %w0, [%1]" : "=r"(v) : "r"(MMIO) : "memory");
	guest_hvc(0x21, v, 0);
	asm volatile("ldrsh %0, [%1]" : "=r"(v) : "r"(MMIO) : "memory");
	guest_hvc(0x22, v, 0);
	asm volatile("ldrsw %0, [%1]" : "=r"(v) : "r"(MMIO) : "memory");
	guest_hvc(0x42, v, 0);
	/* A load into XZR: the value is dropped, x1 must keep its canary. */
	asm volatile("mov x1, %1\n ldr xzr, [%2]\n mov %0, x1"
		     : "=r"(v) : "r"(0x5a5a5a5aULL), "r"(MMIO) : "x1", "memory");
	guest_hvc(0x31, v, 0);
	GUEST_DONE();
}

/* An LDP has no valid syndrome (ISV = 0). */
void guest_mmio_ldp(uint64_t unused)
{
	uint64_t a, b;

	asm volatile("ldp %0, %1, [%2]" : "=r"(a), "=r"(b) : "r"(MMIO) : "memory");
	GUEST_DONE();
}

/* Hypercalls with arguments, results and immediates. */
void guest_hypercalls(uint64_t unused)
{
	register uint64_t x0 asm("x0") = 0x100;
	register uint64_t x1 asm("x1") = 0x101;
	register uint64_t x2 asm("x2") = 0x102;
	register uint64_t x3 asm("x3") = 0x103;
	register uint64_t x4 asm("x4") = 0x104;
	register uint64_t x5 asm("x5") = 0x105;
	register uint64_t x6 asm("x6") = 0x106;

	asm volatile("hvc #0x1234"
		     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
		     : "r"(x4), "r"(x5), "r"(x6)
		     : "memory");
	GUEST_ASSERT_EQ(x0, 0xa0);
	GUEST_ASSERT_EQ(x1, 0xa1);
	GUEST_ASSERT_EQ(x2, 0xa2);
	GUEST_ASSERT_EQ(x3, 0xa3);
	asm volatile("hvc #0xffff" : : : "x0", "x1", "x2", "x3", "memory");
	GUEST_DONE();
}

/* Reads and writes a read-only region at GUEST_RO_GPA. */
void guest_readonly(uint64_t unused)
{
	volatile uint64_t *ro = (volatile uint64_t *)GUEST_RO_GPA;

	GUEST_ASSERT_EQ(ro[0], 0x1122334455667788ULL);
	ro[1] = 0xfeedULL;
	GUEST_ASSERT_EQ(ro[1], 0);
	GUEST_DONE();
}

/* Writes a pattern the host checks, then checks the host's pattern. */
void guest_memory_pattern(uint64_t base)
{
	volatile uint64_t *p = (volatile uint64_t *)base;
	uint64_t i;

	for (i = 0; i < 512; i++)
		p[i] = 0xabc0000000000000ULL | i;
	GUEST_SYNC(1);
	for (i = 0; i < 512; i++)
		GUEST_ASSERT_EQ(p[512 + i], 0x1230000000000000ULL | i);
	GUEST_SYNC(2);
	/* The host deleted the region meanwhile: this load must exit as MMIO. */
	GUEST_ASSERT_EQ(p[0], 0x77);
	GUEST_DONE();
}

/* Spins with every interrupt masked, forever. */
void guest_spin_masked(uint64_t unused)
{
	asm volatile("msr daifset, #0xf");
	for (;;)
		asm volatile("" ::: "memory");
}

static void fill_pattern(struct guest_regs *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 29; i++)
		r->x[i] = seed * 0x9e3779b97f4a7c15ULL + i;
	r->x[0] = seed;	/* hvc's x0: the iteration */
	for (i = 0; i < 32; i++)
		r->v[i] = ((__uint128_t)(seed ^ 0x5555555555555555ULL) << 64) | (seed + 0x100 + i);
}

static void check_regs(const struct guest_regs *in, const struct guest_regs *out)
{
	int i;

	for (i = 0; i < 29; i++)
		GUEST_ASSERT_EQ(out->x[i], in->x[i]);
	for (i = 0; i < 32; i++) {
		GUEST_ASSERT_EQ((uint64_t)out->v[i], (uint64_t)in->v[i]);
		GUEST_ASSERT_EQ((uint64_t)(out->v[i] >> 64), (uint64_t)(in->v[i] >> 64));
	}
}

#define WRITE_AND_READ(reg, value)                                     \
	({                                                             \
		uint64_t __v;                                          \
		asm volatile("msr " #reg ", %0" : : "r"((uint64_t)(value))); \
		asm volatile("isb\n mrs %0, " #reg : "=r"(__v));       \
		__v;                                                   \
	})
#define READ(reg)                                                      \
	({                                                             \
		uint64_t __v;                                          \
		asm volatile("mrs %0, " #reg : "=r"(__v));             \
		__v;                                                   \
	})

static struct guest_regs regs_in[8], regs_out[8];

void guest_regs_survive(uint64_t count)
{
	uint64_t sys[20], i;

	/* FP/SIMD on for EL1 (CPACR_EL1.FPEN). */
	asm volatile("msr cpacr_el1, %0\n isb" : : "r"(3ULL << 20));
	sys[0] = WRITE_AND_READ(tpidr_el1, 0x1111222233334444ULL);
	sys[1] = WRITE_AND_READ(tpidr_el0, 0x5555666677778888ULL);
	sys[2] = WRITE_AND_READ(tpidrro_el0, 0x99990000aaaabbbbULL);
	sys[3] = WRITE_AND_READ(contextidr_el1, 0x1234);
	sys[4] = WRITE_AND_READ(vbar_el1, 0x12345000);
	sys[5] = WRITE_AND_READ(mair_el1, 0x00440cff);
	sys[6] = WRITE_AND_READ(tcr_el1, 0x19);
	sys[7] = WRITE_AND_READ(ttbr0_el1, 0x41230000);
	sys[8] = WRITE_AND_READ(ttbr1_el1, 0x45670000);
	sys[9] = WRITE_AND_READ(par_el1, 0x80000);
	sys[10] = WRITE_AND_READ(far_el1, 0xdeadbeefcafeULL);
	sys[11] = WRITE_AND_READ(esr_el1, 0x96000045);
	sys[12] = WRITE_AND_READ(afsr0_el1, 0x11);
	sys[13] = WRITE_AND_READ(elr_el1, 0x40404040);
	sys[14] = WRITE_AND_READ(spsr_el1, 0x3c5);
	sys[15] = WRITE_AND_READ(sp_el0, 0x10008000);
	sys[16] = WRITE_AND_READ(cntkctl_el1, 0x3);
	sys[17] = WRITE_AND_READ(cntv_cval_el0, 0xffffffffffffULL);
	sys[18] = WRITE_AND_READ(cntv_ctl_el0, 0x2);	/* masked, disabled */
	sys[19] = WRITE_AND_READ(fpcr, 0x400000);	/* round towards +inf */

	for (i = 0; i < count; i++) {
		fill_pattern(&regs_in[0], i);
		guest_fill_and_hvc(&regs_in[0], &regs_out[0]);
		check_regs(&regs_in[0], &regs_out[0]);
		GUEST_ASSERT_EQ(READ(tpidr_el1), sys[0]);
		GUEST_ASSERT_EQ(READ(tpidr_el0), sys[1]);
		GUEST_ASSERT_EQ(READ(tpidrro_el0), sys[2]);
		GUEST_ASSERT_EQ(READ(contextidr_el1), sys[3]);
		GUEST_ASSERT_EQ(READ(vbar_el1), sys[4]);
		GUEST_ASSERT_EQ(READ(mair_el1), sys[5]);
		GUEST_ASSERT_EQ(READ(tcr_el1), sys[6]);
		GUEST_ASSERT_EQ(READ(ttbr0_el1), sys[7]);
		GUEST_ASSERT_EQ(READ(ttbr1_el1), sys[8]);
		GUEST_ASSERT_EQ(READ(par_el1), sys[9]);
		GUEST_ASSERT_EQ(READ(far_el1), sys[10]);
		GUEST_ASSERT_EQ(READ(esr_el1), sys[11]);
		GUEST_ASSERT_EQ(READ(afsr0_el1), sys[12]);
		GUEST_ASSERT_EQ(READ(elr_el1), sys[13]);
		GUEST_ASSERT_EQ(READ(spsr_el1), sys[14]);
		GUEST_ASSERT_EQ(READ(sp_el0), sys[15]);
		GUEST_ASSERT_EQ(READ(cntkctl_el1), sys[16]);
		GUEST_ASSERT_EQ(READ(cntv_cval_el0), sys[17]);
		GUEST_ASSERT_EQ(READ(cntv_ctl_el0) & 3, sys[18] & 3);
		GUEST_ASSERT_EQ(READ(fpcr), sys[19]);
	}
	GUEST_DONE();
}

void guest_regs_forever(uint64_t vcpu)
{
	volatile uint64_t *slots = (volatile uint64_t *)GUEST_DATA_GPA;
	uint64_t i;

	asm volatile("msr cpacr_el1, %0\n isb" : : "r"(3ULL << 20));
	for (i = 0;; i++) {
		slots[vcpu] = i;
		fill_pattern(&regs_in[vcpu], (vcpu << 56) | i);
		regs_in[vcpu].x[1] = i;
		regs_in[vcpu].x[2] = vcpu;
		guest_fill_and_hvc(&regs_in[vcpu], &regs_out[vcpu]);
		check_regs(&regs_in[vcpu], &regs_out[vcpu]);
		GUEST_ASSERT_EQ(slots[vcpu], i);
	}
}

#define READ_ID(reg)                                          \
	({                                                    \
		uint64_t __v;                                 \
		asm volatile("mrs %0, " reg : "=r"(__v));     \
		__v;                                          \
	})

/* Reports the ID registers the world switch sanitises, by hypercall. */
void guest_read_id_registers(uint64_t unused)
{
	guest_hvc(0x10, READ_ID("id_aa64pfr0_el1"), READ_ID("id_aa64pfr1_el1"));
	guest_hvc(0x11, READ_ID("id_aa64dfr0_el1"), READ_ID("id_aa64isar1_el1"));
	guest_hvc(0x12, READ_ID("S3_0_C0_C4_4"), READ_ID("S3_0_C0_C4_5")); /* ZFR0, SMFR0 */
	guest_hvc(0x13, READ_ID("mpidr_el1"), READ_ID("currentel"));
	GUEST_DONE();
}

/* Jumps to an address no memory backs: an instruction abort nothing handles. */
void guest_jump_nowhere(uint64_t target)
{
	asm volatile("br %0" : : "r"(target));
}
