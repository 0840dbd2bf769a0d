/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host side of the vGIC selftests (include after kselftest_harness.h): creating the vGIC,
 * driving its lines, reading its state and counters, serving the guests' requests
 * (VGIC_REQ_*), vCPU threads.
 */
#ifndef AVCPU_VGIC_UTIL_H
#define AVCPU_VGIC_UTIL_H

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>

#include "avcpu_harness_util.h"
#include "avcpu_test_util.h"
#include "avcpu_vgic_guest.h"
#include "avcpu_vm_util.h"

/* This VM's copy of a guest variable (the guest's writes, not the test's own copy). */
#define GUEST_VAR(t, var) ((__typeof__(&(var)))test_gpa_to_hva((t), (uint64_t)&(var)))

#define VGIC_SERVE_FAILED	0xdead0001U	/* vgic_serve's *reason: a request failed */
#define GUEST_HVC_VECTOR	0xe1		/* the vectors' report of an exception */

/* The tests' vGIC: GICD at VGIC_DIST_GPA, nr_redists frames at VGIC_REDIST_GPA, 96 SPIs. */
static inline int vgic_create(struct test_vm *t, uint32_t nr_redists)
{
	struct avcpu_vgic_config c = {
		.dist_base = VGIC_DIST_GPA,
		.redist_base = VGIC_REDIST_GPA,
		.nr_spis = VGIC_NR_SPIS,
		.nr_redists = nr_redists,
	};

	return ioctl(t->fd, AVCPU_CREATE_VGIC, &c) ? -errno : 0;
}

static inline int vgic_line(struct test_vm *t, uint32_t type, uint32_t vcpu, uint32_t num,
			    uint32_t level)
{
	struct avcpu_irq_level l = { .irq = AVCPU_IRQ(type, vcpu, num), .level = level };

	return ioctl(t->fd, AVCPU_IRQ_LINE, &l) ? -errno : 0;
}

static inline int vgic_spi(struct test_vm *t, uint32_t intid, uint32_t level)
{
	return vgic_line(t, AVCPU_IRQ_TYPE_SPI, 0, intid, level);
}

static inline int vgic_irq_state(struct test_vm *t, uint32_t intid, uint32_t vcpu,
				 struct avcpu_vgic_irq *irq)
{
	memset(irq, 0, sizeof(*irq));
	irq->intid = intid;
	irq->vcpu = vcpu;
	return ioctl(t->fd, AVCPU_GET_VGIC_IRQ, irq) ? -errno : 0;
}

static inline int vgic_stats(struct test_vm *t, int n, struct avcpu_vcpu_stats *st)
{
	return ioctl(t->vcpu_fd[n], AVCPU_GET_VCPU_STATS, st) ? -errno : 0;
}

/* Serves one guest request: 1 if uc was one and was served, 0 if not one, or -errno. */
static inline int vgic_serve_request(struct test_vm *t, const struct ucall *uc)
{
	uint32_t first = uc->args[1] & 0xffff, count = uc->args[1] >> 16, i;
	int ret = 0;

	if (uc->cmd != UCALL_SYNC)
		return 0;
	switch (uc->args[0]) {
	case VGIC_REQ_LINE:
		ret = vgic_spi(t, uc->args[1], uc->args[2]);
		break;
	case VGIC_REQ_PULSE:
		ret = vgic_spi(t, uc->args[1], 1);
		if (!ret)
			ret = vgic_spi(t, uc->args[1], 0);
		break;
	case VGIC_REQ_LINES:
		for (i = first; i < first + count && !ret; i++)
			ret = vgic_spi(t, i, uc->args[2]);
		break;
	default:
		return 0;
	}
	return ret ? ret : 1;
}

/*
 * Runs vCPU n, serving its requests, up to its next other ucall (returned: a report, DONE
 * or ABORT) or other exit (UCALL_NONE with *reason the exit reason, or VGIC_SERVE_FAILED).
 */
static inline uint64_t vgic_serve(struct test_vm *t, int n, struct ucall *uc, uint32_t *reason)
{
	for (;;) {
		uint64_t cmd = test_vcpu_get_ucall(t, n, uc, reason);
		int ret = vgic_serve_request(t, uc);

		if (ret < 0) {
			*reason = VGIC_SERVE_FAILED;
			return UCALL_NONE;
		}
		if (!ret)
			return cmd;
	}
}

/* Says why vCPU n stopped when it was not at the report expected. */
static inline void vgic_log_stop(struct __test_metadata *_metadata, struct test_vm *t, int n,
				 uint64_t cmd, const struct ucall *uc, uint32_t reason)
{
	struct avcpu_run *run = t->run[n];

	if (cmd == UCALL_ABORT)
		TH_LOG("vCPU %d: guest assertion at line %llu: %#llx != %#llx", n,
		       (unsigned long long)uc->args[0], (unsigned long long)uc->args[1],
		       (unsigned long long)uc->args[2]);
	else if (cmd == UCALL_NONE && reason == AVCPU_EXIT_HYPERCALL)
		TH_LOG("vCPU %d: hypercall imm %#llx x0 %#llx x1 %#llx x2 %#llx", n,
		       (unsigned long long)run->hypercall.imm,
		       (unsigned long long)run->hypercall.args[0],
		       (unsigned long long)run->hypercall.args[1],
		       (unsigned long long)run->hypercall.args[2]);
	else if (cmd == UCALL_NONE)
		TH_LOG("vCPU %d: exit %#x (mmio %#llx, exception ESR %#llx)", n, reason,
		       (unsigned long long)run->mmio.phys_addr,
		       (unsigned long long)run->exception.esr);
}

/* Serves vCPU n to its next report, which must be SYNC stage (returned in *uc). */
static inline void vgic_expect_sync(struct __test_metadata *_metadata, struct test_vm *t, int n,
				    uint64_t stage, struct ucall *uc)
{
	uint32_t reason;
	uint64_t cmd = vgic_serve(t, n, uc, &reason);

	if (cmd != UCALL_SYNC || uc->args[0] != stage)
		vgic_log_stop(_metadata, t, n, cmd, uc, reason);
	ASSERT_EQ(UCALL_SYNC, cmd);
	ASSERT_EQ(stage, uc->args[0]);
}

/* Serves vCPU n to its end, which must be DONE. */
static inline void vgic_expect_done(struct __test_metadata *_metadata, struct test_vm *t, int n)
{
	struct ucall uc;
	uint32_t reason;
	uint64_t cmd = vgic_serve(t, n, &uc, &reason);

	if (cmd != UCALL_DONE)
		vgic_log_stop(_metadata, t, n, cmd, &uc, reason);
	ASSERT_EQ(UCALL_DONE, cmd);
}

/* A vCPU served on its own thread up to its first report (DONE for most guests). */
struct vgic_thread {
	struct test_vm *t;
	int n;
	uint64_t cmd;
	uint32_t reason;
	struct ucall uc;
	pthread_t th;
};

static inline void *vgic_thread_fn(void *arg)
{
	struct vgic_thread *v = arg;

	v->cmd = vgic_serve(v->t, v->n, &v->uc, &v->reason);
	return NULL;
}

/* Starts vCPUs 0 .. nr - 1 of t on threads; 0 or an errno. */
static inline int vgic_threads_start(struct vgic_thread *v, struct test_vm *t, int nr)
{
	int i, ret;

	for (i = 0; i < nr; i++) {
		v[i] = (struct vgic_thread){ .t = t, .n = i };
		ret = pthread_create(&v[i].th, NULL, vgic_thread_fn, &v[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* Joins them; each must have reached DONE. */
static inline void vgic_threads_join(struct __test_metadata *_metadata, struct vgic_thread *v,
				     int nr)
{
	int i;

	for (i = 0; i < nr; i++)
		pthread_join(v[i].th, NULL);
	for (i = 0; i < nr; i++) {
		if (v[i].cmd != UCALL_DONE)
			vgic_log_stop(_metadata, v[i].t, v[i].n, v[i].cmd, &v[i].uc, v[i].reason);
		EXPECT_EQ(UCALL_DONE, v[i].cmd) TH_LOG("vCPU %d", i);
	}
}

/*
 * The fixtures' setup: false (having skipped) unless avcpu runs guests here with a vGIC;
 * otherwise t is a new VM (test_vm_create) without a vGIC yet.
 */
static inline bool vgic_test_setup(struct __test_metadata *_metadata, struct test_vm *t)
{
	long cap;

	if (!avcpu_module_path() && !avcpu_module_loaded())
		SKIP(return false, "avcpu.ko not found (set AVCPU_MODULE)");
	if (!test_avcpu_available())
		SKIP(return false, "avcpu cannot run guests here (refused to load?)");
	ASSERT_EQ(0, test_vm_create(t));
	cap = ioctl(t->dev, AVCPU_CHECK_CAP, AVCPU_CAP_VGIC);
	if (cap <= 0)
		SKIP(return false, "avcpu has no vGIC (AVCPU_CAP_VGIC is 0)");
	ASSERT_LE(VGIC_NR_SPIS, cap);
	return true;
}

/* Kernel log lines that fail a boot (scripts/check-log.awk); none may follow a test. */
static inline void vgic_expect_clean_log(struct __test_metadata *_metadata,
					 unsigned long long seq)
{
	static const char *const bad[] = {
		"Oops", "BUG:", "WARNING:", "Internal error", "Kernel panic",
		"Unable to handle kernel", "lockdep", "inconsistent lock state", "rcu: INFO",
		"detected stalls", "blocked for more than", "Call trace:", "UBSAN:", NULL,
	};
	static char log[1 << 16];
	int i;

	avcpu_kmsg_since(&seq, log, sizeof(log));
	for (i = 0; bad[i]; i++)
		EXPECT_EQ(NULL, strstr(log, bad[i])) TH_LOG("kernel log: %s", log);
}

#endif /* AVCPU_VGIC_UTIL_H */
