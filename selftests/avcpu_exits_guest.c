// SPDX-License-Identifier: GPL-2.0
/* Guest code of avcpu_exits_test (guest flags, see avcpu_guest.h). */
#include "avcpu_guest.h"
#include "avcpu_exits_guest.h"

volatile uint64_t guest_secondary_seen[8];

static inline uint64_t smc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 asm("x0") = fn;
	register uint64_t x1 asm("x1") = a1;
	register uint64_t x2 asm("x2") = a2;
	register uint64_t x3 asm("x3") = a3;

	asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return x0;
}

static inline uint64_t hvc4(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 asm("x0") = fn;
	register uint64_t x1 asm("x1") = a1;
	register uint64_t x2 asm("x2") = a2;
	register uint64_t x3 asm("x3") = a3;

	asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return x0;
}

static void install_vectors(void)
{
	asm volatile("msr vbar_el1, %0\n isb" : : "r"(guest_vectors));
}

/*
 * Each trapped class in turn; the host checks the exits. An access the host refuses, and
 * features the guest does not have, come back through guest_vectors as UNDEFINED.
 */
void guest_sysregs(uint64_t unused)
{
	uint64_t v;

	install_vectors();
	asm volatile("mrs %0, actlr_el1" : "=r"(v));		/* exit: the host answers */
	guest_hvc(1, v, 0);
	asm volatile("msr actlr_el1, %0" : : "r"(0x5151ULL));	/* write: exit */
	asm volatile("mrs %0, cntp_ctl_el0" : "=r"(v));		/* exit: refused -> UNDEF */
	guest_hvc(2, 0, 0);
	asm volatile("mrs %0, pmcr_el0" : "=r"(v));		/* hidden: UNDEF, no exit */
	guest_hvc(3, 0, 0);
	asm volatile("msr S3_0_C0_C4_0, %0" : : "r"(0ULL));	/* ID register write: UNDEF */
	guest_hvc(4, 0, 0);
	asm volatile("msr oslar_el1, %0" : : "r"(1ULL));	/* debug: ignored */
	asm volatile("mrs %0, oslsr_el1" : "=r"(v));
	guest_hvc(5, v, 0);
	asm volatile("dc isw, %0" : : "r"(0ULL));		/* set/way: made safe */
	asm volatile("mrs %0, mdscr_el1" : "=r"(v));
	asm volatile("msr mdscr_el1, %0" : : "r"(0x1000ULL));
	asm volatile("mrs %0, mdscr_el1" : "=r"(v));
	guest_hvc(6, v, 0);
	GUEST_DONE();
}

/* Branches to target, where nothing is: the external abort arrives at guest_vectors. */
void guest_fetch_nowhere(uint64_t target)
{
	install_vectors();
	asm volatile("blr %0" : : "r"(target) : "x30", "memory");
	GUEST_DONE();
}

/* An SMC no rule covers: a hypercall exit flagged SMC, PC past the SMC. */
void guest_smc_default(uint64_t unused)
{
	register uint64_t x0 asm("x0") = 0x82000001;
	register uint64_t x1 asm("x1") = 0x11;

	asm volatile("smc #0x12" : "+r"(x0), "+r"(x1) : : "x2", "x3", "memory");
	GUEST_ASSERT_EQ(x0, 0x77);
	guest_hvc(0x2, x1, 0); /* the PC after the SMC reached this */
	GUEST_DONE();
}

/* Calls under a policy: forwarded PSCI queries, an unimplemented allowed call, a denied one. */
void guest_smc_calls(uint64_t unused)
{
	uint64_t version = smc(0x84000000, 0, 0, 0);			/* PSCI_VERSION */
	uint64_t features = smc(0x8400000a, 0x84000000, 0, 0);		/* FEATURES(VERSION) */
	uint64_t sip = smc(0x82000003, 0, 0, 0);				/* allowed, unknown */
	uint64_t denied = smc(0x86000001, 0, 0, 0);			/* denied */

	guest_hvc(0x10, version, features);
	guest_hvc(0x11, sip, denied);
	GUEST_DONE();
}

static uint64_t read_sctlr(void)
{
	uint64_t v;

	asm volatile("mrs %0, sctlr_el1" : "=r"(v));
	return v;
}

static uint64_t read_daif(void)
{
	uint64_t v;

	asm volatile("mrs %0, daif" : "=r"(v));
	return v;
}

void guest_secondary(uint64_t context)
{
	uint64_t id = context & 0xff;

	/* Started as PSCI says: MMU off, every interrupt masked, x0 = context id. */
	if (context >> 8 && context >> 8 <= 2 && !(read_sctlr() & 1) && read_daif() == 0x3c0)
		guest_secondary_seen[id] = context;
	else
		guest_secondary_seen[id] = ~0ULL;
	/* 0x2nn: stay on (the CPU_ON race needs its target to stay ON). */
	while (context >> 8 == 2)
		asm volatile("wfi");
	hvc4(0x84000002, 0, 0, 0); /* CPU_OFF: never returns */
	guest_secondary_seen[id] = 0xbad;
}

/* vCPU 0 of the PSCI test: starts the others, watches them come and go, powers off. */
void guest_psci_boot(uint64_t nr_vcpus)
{
	uint64_t i, entry = (uint64_t)guest_secondary_entry, state;

	GUEST_ASSERT_EQ(hvc4(0x84000000, 0, 0, 0), 0x10001);		/* VERSION 1.1 */
	GUEST_ASSERT_EQ(smc(0x84000000, 0, 0, 0), 0x10001);		/* the same over SMC */
	GUEST_ASSERT_EQ(hvc4(0x84000006, 0, 0, 0), 2);			/* MIGRATE_INFO_TYPE */
	GUEST_ASSERT_EQ(hvc4(0x8400000a, 0xc4000003, 0, 0), 0);		/* FEATURES(CPU_ON) */
	GUEST_ASSERT_EQ(hvc4(0x8400000a, 0x8400000e, 0, 0), -1ULL);	/* FEATURES(SUSPEND) */
	GUEST_ASSERT_EQ(hvc4(0x8400001f, 0, 0, 0), -1ULL);		/* unknown */
	GUEST_ASSERT_EQ(hvc4(0xc4000003, 0, entry, 0), -4ULL);		/* self: ALREADY_ON */
	GUEST_ASSERT_EQ(hvc4(0xc4000003, 0x55, entry, 0), -2ULL);	/* INVALID_PARAMS */
	GUEST_ASSERT_EQ(hvc4(0xc4000003, 1, 0x1000, 0), -9ULL);		/* INVALID_ADDRESS */
	GUEST_ASSERT_EQ(hvc4(0xc4000004, 0, 1, 0), -2ULL);		/* AFFINITY level 1 */
	GUEST_ASSERT_EQ(hvc4(0x84000012, 5, 0, 0), -2ULL);		/* RESET2 bad type */
	GUEST_ASSERT_EQ(hvc4(0xc4000004, 1, 0, 0), 1);			/* vCPU 1 is OFF */

	for (i = 1; i < nr_vcpus; i++)
		GUEST_ASSERT_EQ(smc(0xc4000003, i, entry, 0x100 + i), 0);	/* CPU_ON */
	for (i = 1; i < nr_vcpus; i++) {
		/* Each comes up, records itself and powers off again. */
		while (guest_secondary_seen[i] == 0)
			;
		GUEST_ASSERT_EQ(guest_secondary_seen[i], 0x100 + i);
		do
			state = hvc4(0xc4000004, i, 0, 0);
		while (state != 1);
	}
	GUEST_SYNC(1);
	hvc4(0x84000008, 0, 0, 0);	/* SYSTEM_OFF: never returns */
	GUEST_ASSERT_EQ(0, 1);
}

volatile uint64_t guest_race_ready[4];
volatile uint64_t guest_race_result[4];

/*
 * vCPUs 0-2 at once: CPU_ON of vCPU 3 (off, and staying on once started). PSCI 1.1
 * (DEN 0022, 5.6): one caller succeeds; the others get ALREADY_ON, or ON_PENDING while
 * the target is still being turned on.
 */
void guest_cpu_on_race(uint64_t me)
{
	uint64_t i;

	guest_race_ready[me] = 1;
	for (i = 0; i < 3; i++)
		while (!guest_race_ready[i])
			;
	guest_race_result[me] = hvc4(0xc4000003, 3, (uint64_t)guest_secondary_entry, 0x203);
	GUEST_DONE();
}

/* With PSCI in userspace: CPU_ON as an exit, VERSION as a plain hypercall. */
void guest_psci_user(uint64_t unused)
{
	GUEST_ASSERT_EQ(hvc4(0x84000000, 0, 0, 0), 0x10002); /* the host's answer */
	GUEST_ASSERT_EQ(hvc4(0xc4000003, 1, (uint64_t)guest_secondary_entry, 0x101), 0);
	while (guest_secondary_seen[1] == 0)
		;
	GUEST_ASSERT_EQ(guest_secondary_seen[1], 0x101);
	hvc4(0x84000009, 0, 0, 0);	/* SYSTEM_RESET */
	GUEST_ASSERT_EQ(0, 1);
}

static uint64_t cntvct(void)
{
	uint64_t v;

	asm volatile("isb\n mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

/* WFI without a timer (timer_ms 0): sleeps until kicked. With one: wakes at its deadline. */
void guest_wfi(uint64_t timer_ms)
{
	uint64_t freq, start;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	if (timer_ms) {
		start = cntvct();
		asm volatile("msr cntv_cval_el0, %0\n msr cntv_ctl_el0, %1\n isb"
			     : : "r"(start + freq / 1000 * timer_ms), "r"(1ULL));
		asm volatile("wfi");
		guest_hvc(0x20, cntvct() - start, freq);
		asm volatile("msr cntv_ctl_el0, xzr");
	}
	for (;;)
		asm volatile("wfi");
}

void guest_spin(uint64_t unused)
{
	for (;;)
		asm volatile("" ::: "memory");
}
