// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel vGIC under load and abuse: SGIs among four vCPUs counted exactly, an SGI
 * flood ended by destroying the VM, every distributor and redistributor register written
 * with random values, SPIs for vCPUs that are off, two VMs sharing CPUs; a VM without a
 * vGIC; and the host's own timer interrupts still arriving on every CPU afterwards.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_vgic_util.h"

#define MAX_HOST_CPUS	64
#define SGI_CPUS	4
#define SGI_STEPS	1100	/* per vCPU: 10297 SGIs delivered in all (vgic_sgi_plan) */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The host's timer interrupts ("arch_timer" lines of /proc/interrupts) by CPU. */
struct host_ticks {
	int nr, cpu[MAX_HOST_CPUS];
	unsigned long long count[MAX_HOST_CPUS];
};

static int read_host_ticks(struct host_ticks *h)
{
	static char buf[1 << 17];
	char *line, *save, *p, *end;
	int found = 0, i;

	memset(h, 0, sizeof(*h));
	if (avcpu_read_file("/proc/interrupts", buf, sizeof(buf)) <= 0)
		return -1;
	line = strtok_r(buf, "\n", &save);
	for (p = line; p && (p = strstr(p, "CPU")) && h->nr < MAX_HOST_CPUS; p += 3)
		h->cpu[h->nr++] = atoi(p + 3);
	while ((line = strtok_r(NULL, "\n", &save))) {
		p = strchr(line, ':');
		if (!p || !strstr(line, "arch_timer"))
			continue;
		for (i = 0, p++; i < h->nr; i++, p = end)
			h->count[i] += strtoull(p, &end, 10);
		found = 1;
	}
	return found ? 0 : -1;
}

/* Busy for 30 ms (the scheduler tick) then two short sleeps (hrtimers) on one CPU. */
static void *tick_on(void *arg)
{
	cpu_set_t set;
	double end;

	CPU_ZERO(&set);
	CPU_SET((long)arg, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return (void *)1;
	for (end = now_ms() + 30; now_ms() < end;)
		;
	usleep(5000);
	usleep(5000);
	return NULL;
}

/* Since *before, every CPU's timer interrupt count went up (each CPU made busy first). */
static void expect_host_ticks(struct __test_metadata *_metadata, const struct host_ticks *before)
{
	pthread_t th[MAX_HOST_CPUS];
	struct host_ticks after;
	void *ret;
	int i;

	if (!before->nr) {
		TH_LOG("no arch_timer line in /proc/interrupts: host timers not checked");
		return;
	}
	for (i = 0; i < before->nr; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, tick_on, (void *)(long)before->cpu[i]));
	for (i = 0; i < before->nr; i++) {
		pthread_join(th[i], &ret);
		EXPECT_EQ(NULL, ret) TH_LOG("cannot run on CPU %d", before->cpu[i]);
	}
	ASSERT_EQ(0, read_host_ticks(&after));
	ASSERT_EQ(before->nr, after.nr);
	for (i = 0; i < after.nr; i++)
		EXPECT_LT(before->count[i], after.count[i])
			TH_LOG("CPU %d: arch_timer stuck at %llu", after.cpu[i], after.count[i]);
}

FIXTURE(vgic_irq) {
	struct test_vm t;
	struct host_ticks ticks;
	unsigned long long kmsg_seq;
};

FIXTURE_SETUP(vgic_irq)
{
	self->kmsg_seq = avcpu_kmsg_now();
	if (read_host_ticks(&self->ticks))
		self->ticks.nr = 0;
	vgic_test_setup(_metadata, &self->t);
}

FIXTURE_TEARDOWN(vgic_irq)
{
	if (self->t.dev > 0)
		test_vm_destroy(&self->t);
}

/* After a heavy test: a clean kernel log, and the host's timers still tick everywhere. */
static void expect_host_healthy(struct __test_metadata *_metadata, struct test_vm *t,
				unsigned long long kmsg_seq, const struct host_ticks *before)
{
	test_vm_destroy(t);
	vgic_expect_clean_log(_metadata, kmsg_seq);
	expect_host_ticks(_metadata, before);
}

TEST_F(vgic_irq, host_timers_tick_on_every_cpu)
{
	RETURN_IF_SKIPPED();
	if (!self->ticks.nr)
		SKIP(return, "no arch_timer line in /proc/interrupts");
	TH_LOG("%d CPUs", self->ticks.nr);
	expect_host_ticks(_metadata, &self->ticks);
}

/* vgic_guest_no_gic's next stop: hypercall imm (0: step x0 with x1 = value). */
static uint64_t next_hvc(struct __test_metadata *_metadata, struct test_vm *t, uint64_t imm,
			 uint64_t x0)
{
	struct avcpu_run *run = t->run[0];

	EXPECT_EQ(0, test_vcpu_run(t, 0));
	EXPECT_EQ(AVCPU_EXIT_HYPERCALL, run->exit_reason)
		TH_LOG("step %#llx: exit %u", (unsigned long long)x0, run->exit_reason);
	EXPECT_EQ(imm, run->hypercall.imm) TH_LOG("step %#llx", (unsigned long long)x0);
	if (imm == 0)
		EXPECT_EQ(x0, run->hypercall.args[0]);
	return run->hypercall.args[imm ? 0 : 1];
}

TEST_F(vgic_irq, without_a_vgic_no_gic_and_icc_undefined)
{
	static const uint64_t after[] = { NO_GIC_PMR, NO_GIC_IAR, NO_GIC_SGI };
	struct avcpu_vcpu_stats st;
	uint64_t esr;
	int i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, vgic_guest_no_gic, 0));
	EXPECT_EQ(0, next_hvc(_metadata, &self->t, 0, NO_GIC_PFR0)) TH_LOG("PFR0.GIC");
	for (i = 0; i < 3; i++) {
		/* ICC_PMR_EL1 read, ICC_IAR1_EL1 read, ICC_SGI1R_EL1 write: UNDEFINED. */
		esr = next_hvc(_metadata, &self->t, GUEST_HVC_VECTOR, 0);
		EXPECT_EQ(0, esr >> 26) TH_LOG("access %d: ESR_EL1 %#llx", i,
					       (unsigned long long)esr);
		EXPECT_EQ(0x200, self->t.run[0]->hypercall.args[2]) TH_LOG("not the sync vector");
		next_hvc(_metadata, &self->t, 0, after[i]);
	}
	/* The CPU line still drives the vCPU's IRQ input. */
	ASSERT_EQ(0, vgic_line(&self->t, AVCPU_IRQ_TYPE_CPU, 0, AVCPU_IRQ_CPU_IRQ, 1));
	EXPECT_TRUE(next_hvc(_metadata, &self->t, 0, NO_GIC_ISR) & (1U << 7)) TH_LOG("ISR_EL1.I");
	vgic_expect_done(_metadata, &self->t, 0);
	ASSERT_EQ(0, vgic_stats(&self->t, 0, &st));
	EXPECT_EQ(0, st.vgic_sgis);
	EXPECT_EQ(0, st.vgic_mmio);
	EXPECT_EQ(0, st.vgic_injected);
}

TEST_F_TIMEOUT(vgic_irq, sgis_among_4_vcpus_counted_exactly, 240)
{
	uint32_t expect[SGI_CPUS][16] = { { 0 } }, s, i, r, sgi, targets, total = 0;
	struct vgic_thread v[SGI_CPUS];
	struct avcpu_vcpu_stats st;
	uint64_t received;
	double start;
	int broadcast;

	RETURN_IF_SKIPPED();
	for (s = 0; s < SGI_CPUS; s++)
		for (i = 0; i < SGI_STEPS; i++) {
			sgi = vgic_sgi_plan(s, i, SGI_CPUS, &targets, &broadcast);
			for (r = 0; r < SGI_CPUS; r++)
				expect[r][sgi] += !!(targets & (1U << r));
		}
	ASSERT_EQ(0, vgic_create(&self->t, SGI_CPUS));
	for (i = 0; i < SGI_CPUS; i++)
		ASSERT_EQ(0, test_vcpu_add(&self->t, i, vgic_guest_sgi_exchange, SGI_STEPS));
	start = now_ms();
	ASSERT_EQ(0, vgic_threads_start(v, &self->t, SGI_CPUS));
	vgic_threads_join(_metadata, v, SGI_CPUS);
	for (r = 0; r < SGI_CPUS; r++) {
		received = 0;
		for (sgi = 0; sgi < 16; sgi++) {
			EXPECT_EQ(expect[r][sgi], *GUEST_VAR(&self->t, vgic_irqs[r][sgi]))
				TH_LOG("vCPU %u, SGI %u", r, sgi);
			received += expect[r][sgi];
		}
		total += received;
		ASSERT_EQ(0, vgic_stats(&self->t, r, &st));
		EXPECT_EQ(SGI_STEPS, st.vgic_sgis) TH_LOG("vCPU %u", r);
		EXPECT_EQ(SGI_STEPS, *GUEST_VAR(&self->t, vgic_sgi_writes[r]));
		EXPECT_LE(received, st.vgic_injected) TH_LOG("vCPU %u", r);
	}
	TH_LOG("%u SGIs delivered in %.0f ms", total, now_ms() - start);
	EXPECT_LE(10000, total);
	expect_host_healthy(_metadata, &self->t, self->kmsg_seq, &self->ticks);
}

TEST_F_TIMEOUT(vgic_irq, sgi_flood_then_destroy_with_interrupts_pending, 120)
{
	struct vgic_thread v[SGI_CPUS];
	struct avcpu_vcpu_stats st;
	struct avcpu_vgic_irq irq;
	uint32_t n, sgi;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, vgic_create(&self->t, SGI_CPUS));
	for (n = 0; n < SGI_CPUS; n++)
		ASSERT_EQ(0, test_vcpu_add(&self->t, n, vgic_guest_sgi_flood, 1000));
	ASSERT_EQ(0, vgic_threads_start(v, &self->t, SGI_CPUS));
	vgic_threads_join(_metadata, v, SGI_CPUS);
	for (n = 0; n < SGI_CPUS; n++) {
		ASSERT_EQ(0, vgic_stats(&self->t, n, &st));
		TH_LOG("vCPU %u: %llu SGI writes, %u taken", n, (unsigned long long)st.vgic_sgis,
		       *GUEST_VAR(&self->t, vgic_taken[n]));
		EXPECT_EQ(*GUEST_VAR(&self->t, vgic_sgi_writes[n]), st.vgic_sgis);
		EXPECT_LE(16, st.vgic_sgis);
		/* The others' last 16, sent while everyone was masked, wait for it. */
		for (sgi = 0; sgi < 16; sgi++) {
			ASSERT_EQ(0, vgic_irq_state(&self->t, sgi, n, &irq));
			EXPECT_EQ(1, irq.pending) TH_LOG("vCPU %u, SGI %u", n, sgi);
		}
	}
	for (n = 32; n < 64; n++)
		ASSERT_EQ(0, vgic_spi(&self->t, n, 1));
	expect_host_healthy(_metadata, &self->t, self->kmsg_seq, &self->ticks);
	/* A new VM with a vGIC works. */
	ASSERT_EQ(0, test_vm_create(&self->t));
	ASSERT_EQ(0, vgic_create(&self->t, 1));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, vgic_guest_probe, 1));
	vgic_expect_done(_metadata, &self->t, 0);
}

TEST_F_TIMEOUT(vgic_irq, random_writes_to_every_gic_register, 200)
{
	struct avcpu_vcpu_stats st;
	struct ucall uc;
	double start = now_ms();

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, vgic_create(&self->t, 2));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, vgic_guest_sweep, 0x5eed));
	/* Every access served in the kernel: the first exit is the guest's report. */
	vgic_expect_sync(_metadata, &self->t, 0, 1, &uc);
	TH_LOG("%llu accesses in %.0f ms", (unsigned long long)uc.args[1], now_ms() - start);
	ASSERT_EQ(0, vgic_stats(&self->t, 0, &st));
	EXPECT_LE(uc.args[1], st.vgic_mmio);
	EXPECT_EQ(0, st.exits[AVCPU_EXIT_MMIO_NO_SYNDROME]);
	/* Set up again, the vGIC delivers an SGI. */
	vgic_expect_sync(_metadata, &self->t, 0, 2, &uc);
	EXPECT_EQ(1, uc.args[1]);
	vgic_expect_done(_metadata, &self->t, 0);
	expect_host_healthy(_metadata, &self->t, self->kmsg_seq, &self->ticks);
}

static void set_power(struct __test_metadata *_metadata, struct test_vm *t, int n, uint32_t state,
		      uint64_t entry, uint64_t context)
{
	struct avcpu_power_state ps = { .state = state, .entry = entry, .context = context };

	ps.flags = state == AVCPU_POWER_ON ? AVCPU_POWER_RESET : 0;
	ASSERT_EQ(0, ioctl(t->vcpu_fd[n], AVCPU_SET_POWER_STATE, &ps)) TH_LOG("vCPU %d", n);
}

static void expect_pending(struct __test_metadata *_metadata, struct test_vm *t, uint32_t intid,
			   int pending)
{
	struct avcpu_vgic_irq irq;

	ASSERT_EQ(0, vgic_irq_state(t, intid, 0, &irq));
	EXPECT_EQ(pending, irq.pending) TH_LOG("INTID %u", intid);
}

TEST_F_TIMEOUT(vgic_irq, spis_for_vcpus_that_are_off, 60)
{
	struct avcpu_vcpu_stats st;
	struct ucall uc;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, vgic_create(&self->t, 2));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, vgic_guest_route_spis, 1));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 1, vgic_guest_secondary, 1));
	set_power(_metadata, &self->t, 1, AVCPU_POWER_OFF, 0, 0);
	/* vCPU 0 routes SPIs 33 and 34 to vCPU 1, 35 to itself; then both are off. */
	vgic_expect_sync(_metadata, &self->t, 0, 1, &uc);
	EXPECT_EQ(1, uc.args[1]) TH_LOG("GICD_IROUTER of SPI 33");
	vgic_expect_done(_metadata, &self->t, 0);
	set_power(_metadata, &self->t, 0, AVCPU_POWER_OFF, 0, 0);
	ASSERT_EQ(0, vgic_spi(&self->t, 33, 1));
	ASSERT_EQ(0, vgic_spi(&self->t, 33, 0));
	ASSERT_EQ(0, vgic_spi(&self->t, 34, 1));
	ASSERT_EQ(0, vgic_spi(&self->t, 35, 1));
	ASSERT_EQ(0, vgic_spi(&self->t, 35, 0));
	expect_pending(_metadata, &self->t, 33, 1);
	expect_pending(_metadata, &self->t, 34, 1);
	expect_pending(_metadata, &self->t, 35, 1);
	/* vCPU 1 comes up and takes its two, once each; 35 still waits for vCPU 0. */
	set_power(_metadata, &self->t, 1, AVCPU_POWER_ON, (uint64_t)vgic_secondary_entry, 1);
	vgic_expect_sync(_metadata, &self->t, 1, 1, &uc);
	EXPECT_EQ(1, uc.args[1]) TH_LOG("SPI 33 (edge)");
	EXPECT_EQ(1, uc.args[2]) TH_LOG("SPI 34 (level)");
	vgic_expect_done(_metadata, &self->t, 1);
	EXPECT_EQ(0, *GUEST_VAR(&self->t, vgic_irqs[1][35]));
	expect_pending(_metadata, &self->t, 33, 0);
	expect_pending(_metadata, &self->t, 34, 0);
	expect_pending(_metadata, &self->t, 35, 1);
	ASSERT_EQ(0, vgic_stats(&self->t, 1, &st));
	EXPECT_LE(2, st.vgic_injected);
	expect_host_healthy(_metadata, &self->t, self->kmsg_seq, &self->ticks);
}

/* One of two VMs sharing a CPU: its SPIs are base .. base + 7. */
struct round_vm {
	struct test_vm *t;
	uint32_t base;
	int cpu, failed;
	uint64_t cmd;
	uint32_t reason;
	struct ucall uc;
	pthread_t th;
};

/* Serves the VM's vCPU 0 on v->cpu: each round, a rising edge on the VM's next SPI. */
static void *round_vm_fn(void *arg)
{
	struct round_vm *v = arg;
	cpu_set_t set;
	uint32_t intid;

	CPU_ZERO(&set);
	CPU_SET(v->cpu, &set);
	v->failed = sched_setaffinity(0, sizeof(set), &set);
	for (;;) {
		v->cmd = vgic_serve(v->t, 0, &v->uc, &v->reason);
		if (v->cmd != UCALL_SYNC || v->uc.args[0] != VGIC_REQ_ROUND)
			return NULL;
		intid = v->base + v->uc.args[1] % 8;
		if (vgic_spi(v->t, intid, 1) || vgic_spi(v->t, intid, 0)) {
			v->failed = 1;
			return NULL;
		}
	}
}

static void expect_own_spis(struct __test_metadata *_metadata, struct round_vm *v,
			    uint32_t rounds)
{
	uint32_t i, want;

	if (v->cmd != UCALL_DONE)
		vgic_log_stop(_metadata, v->t, 0, v->cmd, &v->uc, v->reason);
	EXPECT_EQ(UCALL_DONE, v->cmd);
	EXPECT_EQ(0, v->failed);
	for (i = 32; i < VGIC_NR_INTIDS; i++) {
		want = i >= v->base && i < v->base + 8 ? rounds / 8 : 0;
		EXPECT_EQ(want, *GUEST_VAR(v->t, vgic_irqs[0][i]))
			TH_LOG("the VM of SPIs %u-%u took INTID %u", v->base, v->base + 7, i);
	}
	EXPECT_EQ(rounds, *GUEST_VAR(v->t, vgic_taken[0]));
}

TEST_F_TIMEOUT(vgic_irq, two_vms_on_one_cpu_see_only_their_own_spis, 120)
{
	const uint32_t rounds = 400;
	struct round_vm v[2];
	struct test_vm t2, *t;
	cpu_set_t set;
	int cpu, i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(set), &set));
	for (cpu = CPU_SETSIZE - 1; cpu > 0 && !CPU_ISSET(cpu, &set); cpu--)
		;
	ASSERT_EQ(0, test_vm_create(&t2));
	for (i = 0; i < 2; i++) {
		t = i ? &t2 : &self->t;
		ASSERT_EQ(0, vgic_create(t, 1));
		ASSERT_EQ(0, test_vcpu_add(t, 0, vgic_guest_spi_rounds, rounds));
		v[i] = (struct round_vm){ .t = t, .base = i ? 72 : 40, .cpu = cpu };
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&v[i].th, NULL, round_vm_fn, &v[i]));
	for (i = 0; i < 2; i++)
		pthread_join(v[i].th, NULL);
	TH_LOG("both VMs on CPU %d", cpu);
	for (i = 0; i < 2; i++)
		expect_own_spis(_metadata, &v[i], rounds);
	test_vm_destroy(&t2);
	expect_host_healthy(_metadata, &self->t, self->kmsg_seq, &self->ticks);
}

TEST_HARNESS_MAIN
