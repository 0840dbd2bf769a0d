// SPDX-License-Identifier: GPL-2.0
/*
 * Eventfd assists (Documentation/api.rst, "Eventfds"): guest writes to addresses bound with
 * AVCPU_IOEVENTFD count in their eventfds without an exit (width and datamatch filters,
 * unbound addresses and reads still exit); SPIs raised through AVCPU_IRQFD reach a guest
 * handler, edge ones as pulses, level ones until the guest ends them (resample); every
 * refusal's errno; and every order of teardown: the eventfd closed first, the VM first,
 * deassigns racing with signals.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_vgic_util.h"
#include "avcpu_eventfd_guest.h"

#define READ_VALUE	0x5a5a5a5aU	/* what the test answers the guest's MMIO reads */
#define MAX_EXITS	16
#define RACE_ROUNDS	80
#define RACE_GUEST_MS	1000	/* the vCPU takes interrupts meanwhile, then ends */

static int ioevfd(struct test_vm *t, uint64_t addr, uint32_t len, int fd, uint32_t flags,
		  uint64_t datamatch)
{
	struct avcpu_ioeventfd a = {
		.addr = addr, .len = len, .fd = fd, .flags = flags, .datamatch = datamatch,
	};

	return ioctl(t->fd, AVCPU_IOEVENTFD, &a) ? -errno : 0;
}

static int irqfd(struct test_vm *t, uint32_t intid, int fd, int resample_fd, uint32_t flags)
{
	struct avcpu_irqfd a = {
		.intid = intid, .fd = fd, .resample_fd = resample_fd, .flags = flags,
	};

	return ioctl(t->fd, AVCPU_IRQFD, &a) ? -errno : 0;
}

/* The eventfd's count, consumed: 0 when it was not signalled. */
static uint64_t evfd_take(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static void evfd_signal(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		abort();
}

/* The MMIO exits other than ucalls a guest made on its way to a report. */
struct mmio_log {
	int n;
	struct { uint64_t addr, value; uint32_t len, write; } e[MAX_EXITS];
};

/* Runs vCPU 0 to its next ucall, logging (and answering) other MMIO exits. */
static uint64_t run_logged(struct test_vm *t, struct ucall *uc, struct mmio_log *log)
{
	struct avcpu_run *run = t->run[0];
	uint32_t reason;
	uint64_t cmd;

	for (;;) {
		cmd = test_vcpu_get_ucall(t, 0, uc, &reason);
		if (cmd != UCALL_NONE || reason != AVCPU_EXIT_MMIO || log->n == MAX_EXITS)
			return cmd;
		log->e[log->n].addr = run->mmio.phys_addr;
		log->e[log->n].len = run->mmio.len;
		log->e[log->n].write = run->mmio.is_write;
		memcpy(&log->e[log->n].value, run->mmio.data, sizeof(uint64_t));
		log->n++;
		if (!run->mmio.is_write) {
			uint64_t v = READ_VALUE;

			memcpy(run->mmio.data, &v, sizeof(v));
		}
	}
}

/* Runs vCPU 0 to its report of stage, logging the exits on the way (the log emptied). */
static void run_stage(struct __test_metadata *_metadata, struct test_vm *t, uint64_t stage,
		      struct mmio_log *log)
{
	struct ucall uc;

	log->n = 0;
	ASSERT_EQ(UCALL_SYNC, run_logged(t, &uc, log));
	ASSERT_EQ(stage, uc.args[0]);
}

#define EXPECT_EXIT(log, i, a, l, w, v)                                  \
	do {                                                             \
		EXPECT_EQ((a), (log).e[i].addr);                         \
		EXPECT_EQ((l), (log).e[i].len);                          \
		EXPECT_EQ((w), (log).e[i].write);                        \
		if (w)                                                   \
			EXPECT_EQ((uint64_t)(v), (log).e[i].value);      \
	} while (0)

FIXTURE(evfd) {
	struct test_vm t;
	unsigned long long kmsg_seq;
};

FIXTURE_SETUP(evfd)
{
	self->kmsg_seq = avcpu_kmsg_now();
	vgic_test_setup(_metadata, &self->t);
}

FIXTURE_TEARDOWN(evfd)
{
	if (self->t.dev > 0)
		test_vm_destroy(&self->t);
	vgic_expect_clean_log(_metadata, self->kmsg_seq);
}

TEST_F(evfd, capabilities)
{
	EXPECT_EQ(256, ioctl(self->t.dev, AVCPU_CHECK_CAP, AVCPU_CAP_IOEVENTFD));
	EXPECT_EQ(256, ioctl(self->t.dev, AVCPU_CHECK_CAP, AVCPU_CAP_IRQFD));
}

/* Stage by stage (avcpu_eventfd_guest.c, evfd_guest_mmio): what counted, what exited. */
TEST_F(evfd, guest_writes_signal_without_exits)
{
	struct test_vm *t = &self->t;
	int door = eventfd(0, EFD_NONBLOCK), match = eventfd(0, EFD_NONBLOCK);
	int width = eventfd(0, EFD_NONBLOCK), any = eventfd(0, EFD_NONBLOCK);
	struct avcpu_vcpu_stats st;
	struct mmio_log log = { 0 };
	struct ucall uc;

	ASSERT_LE(0, door);
	ASSERT_EQ(0, ioevfd(t, EVFD_DOORBELL, 4, door, 0, 0));
	ASSERT_EQ(0, ioevfd(t, EVFD_MATCH, 4, match, AVCPU_IOEVENTFD_DATAMATCH,
			    EVFD_MATCH_VALUE));
	ASSERT_EQ(0, ioevfd(t, EVFD_WIDTH, 2, width, 0, 0));
	ASSERT_EQ(0, ioevfd(t, EVFD_ANY, 0, any, 0, 0));
	ASSERT_EQ(0, test_vcpu_add(t, 0, evfd_guest_mmio, 0));

	run_stage(_metadata, t, 1, &log);
	EXPECT_EQ(0, log.n);
	EXPECT_EQ(EVFD_DOORBELLS, evfd_take(door));
	ASSERT_EQ(0, vgic_stats(t, 0, &st));
	EXPECT_EQ(EVFD_DOORBELLS, st.ioeventfd_writes);
	EXPECT_EQ(1, st.exits[AVCPU_EXIT_MMIO]);	/* the ucall alone */

	run_stage(_metadata, t, 2, &log);
	EXPECT_EQ(2, evfd_take(match));
	ASSERT_EQ(2, log.n);
	EXPECT_EXIT(log, 0, EVFD_MATCH, 4, 1, 2);
	EXPECT_EXIT(log, 1, EVFD_MATCH, 4, 1, 7);

	run_stage(_metadata, t, 3, &log);
	EXPECT_EQ(1, evfd_take(width));
	ASSERT_EQ(3, log.n);
	EXPECT_EXIT(log, 0, EVFD_WIDTH, 1, 1, 1);
	EXPECT_EXIT(log, 1, EVFD_WIDTH, 4, 1, 3);
	EXPECT_EXIT(log, 2, EVFD_WIDTH, 8, 1, 4);

	run_stage(_metadata, t, 4, &log);
	EXPECT_EQ(2, evfd_take(any));
	EXPECT_EQ(0, evfd_take(door));
	ASSERT_EQ(2, log.n);
	EXPECT_EXIT(log, 0, EVFD_UNBOUND, 4, 1, 5);
	EXPECT_EXIT(log, 1, EVFD_DOORBELL, 4, 0, 0);

	/* Deassigned (fd not looked at): the next doorbell exits. */
	EXPECT_EQ(0, ioevfd(t, EVFD_DOORBELL, 4, -1, AVCPU_IOEVENTFD_DEASSIGN, 0));
	EXPECT_EQ(-ENOENT, ioevfd(t, EVFD_DOORBELL, 4, door, AVCPU_IOEVENTFD_DEASSIGN, 0));
	log.n = 0;
	ASSERT_EQ(UCALL_DONE, run_logged(t, &uc, &log));
	ASSERT_EQ(1, log.n);
	EXPECT_EXIT(log, 0, EVFD_DOORBELL, 4, 1, 9);
	EXPECT_EQ(0, evfd_take(door));
	ASSERT_EQ(0, vgic_stats(t, 0, &st));
	EXPECT_EQ(EVFD_DOORBELLS + 2 + 1 + 2, st.ioeventfd_writes);
	close(door);
	close(match);
	close(width);
	close(any);
}

/* A device on its own thread: edge pulses, or a level backlog served at each resample. */
struct device {
	struct test_vm *t;
	int fd, resample, items, err;
	pthread_t th;
};

/* Each pulse once the guest took the last one: none coalesce, each must arrive. */
static void *edge_device(void *arg)
{
	struct device *d = arg;
	volatile uint32_t *taken = GUEST_VAR(d->t, vgic_irqs[0][EVFD_EDGE_SPI]);
	int i, ms;

	for (i = 1; i <= EVFD_EDGE_ROUNDS && !d->err; i++) {
		evfd_signal(d->fd);
		for (ms = 0; *taken < (uint32_t)i && ms < 5000; ms++)
			usleep(1000);
		if (*taken < (uint32_t)i)
			d->err = i;
	}
	return NULL;
}

static void *level_device(void *arg)
{
	struct device *d = arg;
	struct pollfd p = { .fd = d->resample, .events = POLLIN };

	evfd_signal(d->fd);
	while (d->items > 0) {
		if (poll(&p, 1, 5000) != 1) {
			d->err = ETIMEDOUT;
			return NULL;
		}
		evfd_take(d->resample);
		if (--d->items)
			evfd_signal(d->fd);
	}
	return NULL;
}

static void expect_stage(struct __test_metadata *_metadata, struct test_vm *t, uint64_t stage,
			 uint64_t count)
{
	struct ucall uc;

	vgic_expect_sync(_metadata, t, 0, stage, &uc);
	EXPECT_EQ(count, uc.args[1]) TH_LOG("stage %llu", (unsigned long long)stage);
}

TEST_F(evfd, irqfds_deliver_edge_and_level_spis)
{
	struct test_vm *t = &self->t;
	int edge = eventfd(0, EFD_NONBLOCK);
	struct device d = { .t = t, .fd = edge };
	int lvl = eventfd(0, EFD_NONBLOCK), rs = eventfd(0, EFD_NONBLOCK);
	struct avcpu_vgic_irq irq;
	struct ucall uc;
	int ms;

	ASSERT_EQ(0, vgic_create(t, 1));
	ASSERT_EQ(0, irqfd(t, EVFD_EDGE_SPI, d.fd, -1, 0));
	ASSERT_EQ(0, irqfd(t, EVFD_LEVEL_SPI, lvl, rs, AVCPU_IRQFD_RESAMPLE));
	ASSERT_EQ(0, test_vcpu_add(t, 0, evfd_guest_irqs, 0));

	vgic_expect_sync(_metadata, t, 0, 1, &uc);
	ASSERT_EQ(0, pthread_create(&d.th, NULL, edge_device, &d));
	expect_stage(_metadata, t, 2, EVFD_EDGE_ROUNDS);
	pthread_join(d.th, NULL);
	EXPECT_EQ(0, d.err);

	/* One assertion: taken once, lowered at its end, the resample signalled once. */
	vgic_expect_sync(_metadata, t, 0, 3, &uc);
	evfd_signal(lvl);
	expect_stage(_metadata, t, 4, 1);
	EXPECT_EQ(1, evfd_take(rs));
	ASSERT_EQ(0, vgic_irq_state(t, EVFD_LEVEL_SPI, 0, &irq));
	EXPECT_EQ(0, irq.level);

	vgic_expect_sync(_metadata, t, 0, 5, &uc);
	d = (struct device){ .t = t, .fd = lvl, .resample = rs, .items = EVFD_DEVICE_ITEMS };
	ASSERT_EQ(0, pthread_create(&d.th, NULL, level_device, &d));
	expect_stage(_metadata, t, 6, 1 + EVFD_DEVICE_ITEMS);
	pthread_join(d.th, NULL);
	EXPECT_EQ(0, d.err);

	/* The guest masked: the line goes high and stays, no resample yet. */
	vgic_expect_sync(_metadata, t, 0, 7, &uc);
	evfd_signal(lvl);
	for (ms = 0; ms < 2000; ms++) {
		ASSERT_EQ(0, vgic_irq_state(t, EVFD_LEVEL_SPI, 0, &irq));
		if (irq.level)
			break;
		usleep(1000);
	}
	EXPECT_EQ(1, irq.level);
	EXPECT_EQ(1, irq.pending);
	EXPECT_EQ(0, evfd_take(rs));
	expect_stage(_metadata, t, 8, 2 + EVFD_DEVICE_ITEMS);
	EXPECT_EQ(1, evfd_take(rs));
	vgic_expect_done(_metadata, t, 0);
	close(lvl);
	close(rs);
	close(edge);
}

/* A signal before the binding counts: the line is high once the irqfd is bound. */
TEST_F(evfd, a_signal_before_the_binding_counts)
{
	int lvl = eventfd(0, EFD_NONBLOCK), rs = eventfd(0, EFD_NONBLOCK);
	struct avcpu_vgic_irq irq;

	ASSERT_EQ(0, vgic_create(&self->t, 1));
	evfd_signal(lvl);
	ASSERT_EQ(0, irqfd(&self->t, EVFD_LEVEL_SPI, lvl, rs, AVCPU_IRQFD_RESAMPLE));
	ASSERT_EQ(0, vgic_irq_state(&self->t, EVFD_LEVEL_SPI, 0, &irq));
	EXPECT_EQ(1, irq.level);
	EXPECT_EQ(1, irq.pending);
	close(lvl);
	close(rs);
}

struct refusal {
	const char *what;
	int err;
	uint64_t addr, datamatch;
	uint32_t len, flags;
	int fd;		/* -2: a fresh eventfd, -3: /dev/null */
};

static int pick_fd(int which, int efd, int null_fd)
{
	return which == -2 ? efd : which == -3 ? null_fd : which;
}

TEST_F(evfd, ioeventfd_refusals)
{
	static const struct refusal r[] = {
		{ "width 3", EINVAL, EVFD_DOORBELL, 0, 3, 0, -2 },
		{ "width 16", EINVAL, EVFD_DOORBELL, 0, 16, 0, -2 },
		{ "unknown flag", EINVAL, EVFD_DOORBELL, 0, 4, 1U << 7, -2 },
		{ "datamatch wider than len", EINVAL, EVFD_DOORBELL, 0x100, 1,
		  AVCPU_IOEVENTFD_DATAMATCH, -2 },
		{ "beyond the IPA space", EINVAL, 1ULL << 52, 0, 4, 0, -2 },
		{ "wrapping", EINVAL, ~0ULL - 1, 0, 4, 0, -2 },
		{ "no such fd", EBADF, EVFD_DOORBELL, 0, 4, 0, -1 },
		{ "not an eventfd", EINVAL, EVFD_DOORBELL, 0, 4, 0, -3 },
		{ "deassign unbound", ENOENT, EVFD_UNBOUND, 0, 4, AVCPU_IOEVENTFD_DEASSIGN, -2 },
	};
	struct test_vm *t = &self->t;
	int efd = eventfd(0, 0), null_fd = open("/dev/null", O_RDWR), i;
	struct avcpu_ioeventfd padded = { .addr = EVFD_DOORBELL, .len = 4, .fd = efd, .pad = 1 };

	ASSERT_LE(0, efd);
	ASSERT_LE(0, null_fd);
	for (i = 0; i < (int)(sizeof(r) / sizeof(r[0])); i++)
		EXPECT_EQ(-r[i].err, ioevfd(t, r[i].addr, r[i].len,
					    pick_fd(r[i].fd, efd, null_fd), r[i].flags,
					    r[i].datamatch))
			TH_LOG("case %d: %s", i, r[i].what ? r[i].what : "");
	EXPECT_EQ(-1, ioctl(t->fd, AVCPU_IOEVENTFD, &padded));
	EXPECT_EQ(EINVAL, errno);
	/* Same address, width and datamatch twice; a different datamatch or width is not. */
	ASSERT_EQ(0, ioevfd(t, EVFD_DOORBELL, 4, efd, 0, 0));
	EXPECT_EQ(-EEXIST, ioevfd(t, EVFD_DOORBELL, 4, efd, 0, 0));
	EXPECT_EQ(0, ioevfd(t, EVFD_DOORBELL, 4, efd, AVCPU_IOEVENTFD_DATAMATCH, 3));
	EXPECT_EQ(-EEXIST, ioevfd(t, EVFD_DOORBELL, 4, efd, AVCPU_IOEVENTFD_DATAMATCH, 3));
	EXPECT_EQ(0, ioevfd(t, EVFD_DOORBELL, 2, efd, 0, 0));
	/* The limit: 256 in all. */
	for (i = 3; i < 256; i++)
		ASSERT_EQ(0, ioevfd(t, EVFD_UNBOUND + 8 * i, 8, efd, 0, 0)) TH_LOG("%d", i);
	EXPECT_EQ(-ENOSPC, ioevfd(t, EVFD_UNBOUND, 8, efd, 0, 0));
	EXPECT_EQ(0, ioevfd(t, EVFD_DOORBELL, 2, -1, AVCPU_IOEVENTFD_DEASSIGN, 0));
	EXPECT_EQ(0, ioevfd(t, EVFD_UNBOUND, 8, efd, 0, 0));
	close(efd);
	close(null_fd);
}

TEST_F(evfd, irqfd_refusals)
{
	struct test_vm *t = &self->t, big;
	struct avcpu_vgic_config c = {
		.dist_base = VGIC_DIST_GPA, .redist_base = VGIC_REDIST_GPA,
		.nr_spis = 288, .nr_redists = 1,
	};
	struct avcpu_irqfd reserved = { .intid = 40, .reserved = { 1 } };
	int a = eventfd(0, 0), b = eventfd(0, 0), null_fd = open("/dev/null", O_RDWR), i;
	int fds[257];

	ASSERT_LE(0, null_fd);
	EXPECT_EQ(-ENXIO, irqfd(t, 40, a, -1, 0));
	ASSERT_EQ(0, vgic_create(t, 1));
	reserved.fd = a;
	EXPECT_EQ(-1, ioctl(t->fd, AVCPU_IRQFD, &reserved));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, irqfd(t, 31, a, -1, 0));
	EXPECT_EQ(-EINVAL, irqfd(t, 32 + VGIC_NR_SPIS, a, -1, 0));
	EXPECT_EQ(-EINVAL, irqfd(t, 40, a, -1, 1U << 5));
	EXPECT_EQ(-EBADF, irqfd(t, 40, -1, -1, 0));
	EXPECT_EQ(-EINVAL, irqfd(t, 40, null_fd, -1, 0));
	EXPECT_EQ(-EBADF, irqfd(t, 40, a, -1, AVCPU_IRQFD_RESAMPLE));
	EXPECT_EQ(-EINVAL, irqfd(t, 40, a, null_fd, AVCPU_IRQFD_RESAMPLE));
	EXPECT_EQ(-EINVAL, irqfd(t, 40, a, a, AVCPU_IRQFD_RESAMPLE));
	EXPECT_EQ(-ENOENT, irqfd(t, 40, a, -1, AVCPU_IRQFD_DEASSIGN));
	ASSERT_EQ(0, irqfd(t, 40, a, -1, 0));
	EXPECT_EQ(-EEXIST, irqfd(t, 40, b, -1, 0));	/* the SPI is bound */
	EXPECT_EQ(-EEXIST, irqfd(t, 41, a, -1, 0));	/* so is the eventfd */
	EXPECT_EQ(0, irqfd(t, 40, -1, -1, AVCPU_IRQFD_DEASSIGN));
	EXPECT_EQ(0, irqfd(t, 40, b, -1, 0));

	/* The limit, on a vGIC with more SPIs than that. */
	ASSERT_EQ(0, test_vm_create(&big));
	ASSERT_EQ(0, ioctl(big.fd, AVCPU_CREATE_VGIC, &c));
	for (i = 0; i < 257; i++) {
		fds[i] = eventfd(0, 0);
		ASSERT_LE(0, fds[i]);
		EXPECT_EQ(i < 256 ? 0 : -ENOSPC, irqfd(&big, 32 + i, fds[i], -1, 0))
			TH_LOG("irqfd %d", i);
	}
	test_vm_destroy(&big);
	for (i = 0; i < 257; i++)
		close(fds[i]);
	close(a);
	close(b);
	close(null_fd);
}

/* Closing the eventfd undoes the irqfd: the SPI can be bound again at once. */
TEST_F(evfd, closing_the_eventfd_first)
{
	struct test_vm *t = &self->t;
	int i, a, rs, io;

	ASSERT_EQ(0, vgic_create(t, 1));
	for (i = 0; i < 20; i++) {
		a = eventfd(0, 0);
		rs = eventfd(0, 0);
		io = eventfd(0, 0);
		ASSERT_EQ(0, irqfd(t, 40, a, rs, AVCPU_IRQFD_RESAMPLE));
		ASSERT_EQ(0, ioevfd(t, EVFD_DOORBELL, 4, io, 0, 0));
		evfd_signal(a);
		close(rs);	/* the binding keeps its own reference */
		close(a);
		EXPECT_EQ(-ENOENT, irqfd(t, 40, -1, -1, AVCPU_IRQFD_DEASSIGN));
		close(io);	/* an ioeventfd stays bound until deassigned */
		EXPECT_EQ(0, ioevfd(t, EVFD_DOORBELL, 4, -1, AVCPU_IOEVENTFD_DEASSIGN, 0));
	}
}

/* The VM goes with bindings in place; their eventfds live on, signalled or not. */
TEST_F(evfd, closing_the_vm_first)
{
	struct test_vm *t = &self->t;
	int a = eventfd(0, 0), rs = eventfd(0, 0), io = eventfd(0, 0);

	ASSERT_EQ(0, vgic_create(t, 1));
	ASSERT_EQ(0, test_vcpu_add(t, 0, evfd_guest_irqs, 0));
	ASSERT_EQ(0, irqfd(t, 41, a, rs, AVCPU_IRQFD_RESAMPLE));
	ASSERT_EQ(0, ioevfd(t, EVFD_DOORBELL, 4, io, 0, 0));
	evfd_signal(a);
	test_vm_destroy(t);
	memset(t, 0, sizeof(*t));
	evfd_signal(a);
	evfd_signal(io);
	EXPECT_EQ(1, evfd_take(a));	/* nobody consumes it any more */
	close(a);
	close(rs);
	close(io);
}

struct signaller {
	int fd;
	volatile int stop;
};

static void *signal_loop(void *arg)
{
	struct signaller *s = arg;

	while (!s->stop)
		evfd_signal(s->fd);
	return NULL;
}

/*
 * Assign and deassign (or close) while another thread signals as fast as it can and the
 * vCPU takes the interrupts (and ends the level ones: resamples) on its own thread.
 */
TEST_F(evfd, deassign_races_with_signals)
{
	struct test_vm *t = &self->t;
	struct vgic_thread v;
	struct signaller s;
	pthread_t th;
	int i, rs;

	ASSERT_EQ(0, vgic_create(t, 1));
	ASSERT_EQ(0, test_vcpu_add(t, 0, evfd_guest_spin, RACE_GUEST_MS));
	ASSERT_EQ(0, vgic_threads_start(&v, t, 1));
	for (i = 0; i < RACE_ROUNDS; i++) {
		s = (struct signaller){ .fd = eventfd(0, EFD_NONBLOCK) };
		rs = eventfd(0, 0);
		ASSERT_LE(0, s.fd);
		ASSERT_EQ(0, pthread_create(&th, NULL, signal_loop, &s));
		ASSERT_EQ(0, irqfd(t, 40 + i % 2, s.fd, rs, i % 2 ? AVCPU_IRQFD_RESAMPLE : 0));
		usleep(500);
		if (i % 3)
			EXPECT_EQ(0, irqfd(t, 40 + i % 2, -1, -1, AVCPU_IRQFD_DEASSIGN));
		s.stop = 1;
		pthread_join(th, NULL);
		close(s.fd);
		close(rs);
		EXPECT_EQ(-ENOENT, irqfd(t, 40 + i % 2, -1, -1, AVCPU_IRQFD_DEASSIGN));
	}
	vgic_threads_join(_metadata, &v, 1);
	EXPECT_LT(0, *GUEST_VAR(t, vgic_irqs[0][EVFD_EDGE_SPI]));
	EXPECT_LT(0, *GUEST_VAR(t, vgic_irqs[0][EVFD_LEVEL_SPI]));
}

TEST_HARNESS_MAIN
