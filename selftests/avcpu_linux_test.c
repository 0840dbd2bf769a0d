// SPDX-License-Identifier: GPL-2.0
/*
 * An unmodified Debian arm64 kernel (the test machine's own Image) booted by avcpu-run as
 * a guest of avcpu, with a busybox initramfs (scripts/mkguest-initramfs.sh): it reaches
 * its shell on 1, 2 and 4 vCPUs; the shell reads what is typed to the UART; /proc shows
 * every vCPU, the timer ticking on each, IPIs and the UART's interrupt; its dmesg holds no
 * warning; 4 vCPUs stay busy for 30 s without an RCU stall or soft lockup; poweroff ends
 * avcpu-run with status 0 and reboot with 71 (its documented reset status); boots in a
 * row (2 at full depth, 10 at soak depth: avcpu_depth.h) each end in a power-off. Boot times
 * are logged (Documentation/testing.rst).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_depth.h"
#include "avcpu_vm_util.h"

#define LINUX_IMAGE	"/avcpu/linux/Image"
#define LINUX_INITRD	"/avcpu/linux/initrd.cpio.gz"
#define GUEST_UP	"avcpu-linux-guest: up on "
#define PROMPT		"guest# "
#define OUT_SIZE	(1 << 20)

struct guest {
	pid_t pid;
	int in, out;		/* the UART: avcpu-run's stdin and stdout */
	char *buf;		/* everything the guest printed */
	size_t len;
	double start;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int guest_start(struct guest *g, int cpus, const char *extra_args)
{
	char cpus_arg[16], cmdline[256];
	int in[2], out[2];

	snprintf(cpus_arg, sizeof(cpus_arg), "%d", cpus);
	snprintf(cmdline, sizeof(cmdline), "console=ttyAMA0 rdinit=/init %s", extra_args);
	if (pipe(in) || pipe(out))
		return -errno;
	g->buf = calloc(1, OUT_SIZE);
	g->len = 0;
	g->start = now_s();
	g->pid = fork();
	if (g->pid < 0)
		return -errno;
	if (!g->pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		close(in[1]);
		close(out[0]);
		execlp("avcpu-run", "avcpu-run", "--cpus", cpus_arg, "--mem", "512", "--kernel",
		       LINUX_IMAGE, "--initrd", LINUX_INITRD, "--cmdline", cmdline, NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	g->in = in[1];
	g->out = out[0];
	return 0;
}

/* Reads until text appears after offset from (or EOF, or the deadline); its offset or -1. */
static long guest_expect(struct guest *g, size_t from, const char *text, double timeout)
{
	double end = now_s() + timeout;
	char *hit;

	for (;;) {
		struct pollfd p = { .fd = g->out, .events = POLLIN };
		ssize_t n;

		g->buf[g->len] = 0;
		hit = from <= g->len ? strstr(g->buf + from, text) : NULL;
		if (hit)
			return hit - g->buf;
		if (now_s() > end || poll(&p, 1, 200) < 0)
			return -1;
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		n = read(g->out, g->buf + g->len, OUT_SIZE - 1 - g->len);
		if (n <= 0)
			return -1;
		g->len += n;
	}
}

/* Types a command; returns where its output starts, or -1 if no prompt came back. */
static long guest_command(struct guest *g, const char *cmd, double timeout)
{
	size_t from = g->len;
	long at;

	if (write(g->in, cmd, strlen(cmd)) != (ssize_t)strlen(cmd) || write(g->in, "\n", 1) != 1)
		return -1;
	at = guest_expect(g, from, cmd, timeout);
	if (at < 0 || guest_expect(g, at, PROMPT, timeout) < 0)
		return -1;
	return at + strlen(cmd);
}

/* The lines of output a command printed from at (the prompt's own line not counted). */
static int guest_lines(const struct guest *g, long at)
{
	const char *p = g->buf + at, *end = strstr(p, PROMPT);
	int n = 0;

	for (; p && end && (p = strchr(p, '\n')) && p < end; p++)
		n++;
	return n > 0 ? n - 1 : 0;
}

/* Waits for avcpu-run to end; its exit status, or -1 after the timeout (it is killed). */
static int guest_wait(struct guest *g, double timeout)
{
	double end = now_s() + timeout;
	int status;

	while (now_s() < end) {
		if (waitpid(g->pid, &status, WNOHANG) == g->pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		guest_expect(g, g->len, "\x01never", 0.2); /* keep draining the console */
	}
	kill(g->pid, SIGKILL);
	waitpid(g->pid, &status, 0);
	return -1;
}

static void guest_end(struct guest *g)
{
	close(g->in);
	close(g->out);
	free(g->buf);
}

/* The per-CPU counts of the /proc/interrupts line that contains name, in counts[]. */
static int interrupt_counts(const char *text, const char *name, long *counts, int cpus)
{
	const char *line = strstr(text, name);
	int i;

	while (line && line > text && line[-1] != '\n')
		line--;
	if (!line)
		return -1;
	line = strchr(line, ':');
	for (i = 0; line && i < cpus; i++)
		counts[i] = strtol(line + 1, (char **)&line, 10);
	return i;
}

/*
 * Every vCPU busy for 30 s with processes forking all along: no RCU stall and no soft
 * lockup may be reported (lost IPIs or timer ticks show up as those).
 */
static void guest_stress(struct __test_metadata *_metadata, struct guest *g)
{
	long at = g->len;

	ASSERT_LE(0, write(g->in, "stress 30\n", 10));
	ASSERT_LE(0, guest_expect(g, at, "stress: done", 600)) TH_LOG("%s", g->buf + at);
	ASSERT_LE(0, guest_expect(g, at, PROMPT, 60));
	at = guest_command(g, "dmesg|grep -ciE 'stall|lockup'", 60);
	ASSERT_LE(0, at);
	EXPECT_EQ(0, atoi(g->buf + at + 1)) TH_LOG("%s", g->buf + at);
}

FIXTURE(guest) {
	struct guest g;
	bool started;
};

/* How each variant ends: 4 vCPUs stress every CPU, then power off; 1 vCPU reboots. */
FIXTURE_VARIANT(guest) {
	int cpus;
	bool stress;
	const char *last;	/* the last command */
	int status;		/* avcpu-run's exit status after it (--help: 71 = reset) */
	bool full_only;		/* not at lean depth: 1 and 4 vCPUs cover its paths there */
};

FIXTURE_VARIANT_ADD(guest, one_vcpu) { .cpus = 1, .last = "reboot -f\n", .status = 71 };
FIXTURE_VARIANT_ADD(guest, two_vcpus) {
	.cpus = 2, .last = "poweroff -f\n", .status = 0, .full_only = true,
};
FIXTURE_VARIANT_ADD(guest, four_vcpus) {
	.cpus = 4, .stress = true, .last = "poweroff -f\n", .status = 0,
};

/* Whether a Linux guest can run here; the reason to skip when not. */
static const char *guest_unavailable(void)
{
	if (!avcpu_module_path() && !avcpu_module_loaded())
		return "avcpu.ko not found (set AVCPU_MODULE)";
	if (access(LINUX_IMAGE, R_OK) || access(LINUX_INITRD, R_OK))
		return "no Linux guest in this initramfs (" LINUX_IMAGE ")";
	if (!test_avcpu_available())
		return "avcpu cannot run guests here (refused to load?)";
	return NULL;
}

FIXTURE_SETUP(guest)
{
	const char *why = guest_unavailable();

	self->started = false;
	if (why)
		SKIP(return, "%s", why);
	if (variant->full_only && avcpu_depth() == AVCPU_DEPTH_LEAN)
		SKIP(return, AVCPU_DEPTH_LEAN_REASON);
}

FIXTURE_TEARDOWN(guest)
{
	if (self->started)
		guest_end(&self->g);
}

/* Boots to the shell, checks /proc and dmesg through the UART, powers off. */
TEST_F_TIMEOUT(guest, boots_to_a_shell, 900)
{
	struct guest *g = &self->g;
	const int cpus = variant->cpus;
	long at, timer[64], ipi[64], uart[64];
	char expect[64];
	int i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, guest_start(g, cpus, "quiet"));
	self->started = true;
	at = guest_expect(g, 0, GUEST_UP, 600);
	ASSERT_LE(0, at) TH_LOG("no shell; the console said:\n%s", g->buf);
	TH_LOG("%d vCPU(s): the guest's init ran after %.1f s", cpus, now_s() - g->start);
	snprintf(expect, sizeof(expect), GUEST_UP "%d CPUs", cpus);
	EXPECT_LE(0, guest_expect(g, at, expect, 5)) TH_LOG("not every vCPU came up");
	ASSERT_LE(0, guest_expect(g, at, PROMPT, 60));

	/* Typed input reaches the shell: the UART's receive path and interrupt work. */
	at = guest_command(g, "echo typed-$((6*7))", 60);
	ASSERT_LE(0, at);
	EXPECT_LE(0, guest_expect(g, at, "typed-42", 0));
	at = guest_command(g, "grep -c ^processor /proc/cpuinfo", 60);
	ASSERT_LE(0, at);
	EXPECT_EQ(cpus, atoi(g->buf + at + 1)) TH_LOG("%s", g->buf + at);

	/* Let the timer tick everywhere, then read the interrupt counts. */
	ASSERT_LE(0, guest_command(g, "sleep 1", 60));
	at = guest_command(g, "cat /proc/interrupts", 60);
	ASSERT_LE(0, at);
	TH_LOG("%s", g->buf + at);
	ASSERT_EQ(cpus, interrupt_counts(g->buf + at, "arch_timer", timer, cpus));
	ASSERT_EQ(cpus, interrupt_counts(g->buf + at, "uart-pl011", uart, cpus));
	for (i = 0; i < cpus; i++)
		EXPECT_LT(0, timer[i]) TH_LOG("vCPU %d's timer never ticked", i);
	EXPECT_LT(0, uart[0]) TH_LOG("no UART interrupt");
	if (cpus > 1) {
		/* Rescheduling IPIs happen on an SMP guest that ran processes. */
		ASSERT_EQ(cpus, interrupt_counts(g->buf + at, "Rescheduling", ipi, cpus));
		for (i = 0, at = 0; i < cpus; i++)
			at += ipi[i];
		EXPECT_LT(0, at) TH_LOG("no IPI was delivered");
	}

	/* Nothing in the guest's log about avcpu's emulation going wrong (short commands:
	 * the shell redraws lines longer than its terminal). */
	at = guest_command(g, "dmesg|grep -iE 'warn|bug|oops|fail|error'", 60);
	ASSERT_LE(0, at);
	TH_LOG("guest dmesg lines of note:%s", g->buf + at);
	EXPECT_EQ(0, guest_lines(g, at)) TH_LOG("the guest's log has warnings or errors");

	if (variant->stress)
		guest_stress(_metadata, g);
	ASSERT_LE(0, write(g->in, variant->last, strlen(variant->last)));
	EXPECT_EQ(variant->status, guest_wait(g, 120))
		TH_LOG("avcpu-run did not end as expected:\n%s",
		       g->buf + (g->len > 4096 ? g->len - 4096 : 0));
	TH_LOG("%d vCPU(s): %.1f s from start to the end", cpus, now_s() - g->start);
}

/*
 * Boots in a row, each straight to power-off: as many clean exits, nothing left behind
 * that stops the next one. 2 at full depth, 10 at soak depth, none at lean (avcpu_depth.h).
 */
FIXTURE(boot_loop) {
	const char *unavailable;
};

FIXTURE_SETUP(boot_loop)
{
	self->unavailable = guest_unavailable();
	if (self->unavailable)
		SKIP(return, "%s", self->unavailable);
}

FIXTURE_TEARDOWN(boot_loop)
{
}

TEST_F_TIMEOUT(boot_loop, boots_in_a_row_each_power_off, 900)
{
	const int boots = avcpu_depth_pick(0, 2, 10);
	struct guest g;
	double t0;
	int i;

	if (self->unavailable)
		return;
	if (!boots)
		SKIP(return, AVCPU_DEPTH_LEAN_REASON);
	for (i = 0; i < boots; i++) {
		t0 = now_s();
		ASSERT_EQ(0, guest_start(&g, 1, "quiet avcpu.poweroff"));
		EXPECT_LE(0, guest_expect(&g, 0, GUEST_UP "1 CPUs", 300)) TH_LOG("boot %d", i);
		EXPECT_EQ(0, guest_wait(&g, 120)) TH_LOG("boot %d:\n%s", i, g.buf);
		guest_end(&g);
		TH_LOG("boot %d: %.1f s to power-off", i, now_s() - t0);
	}
}

TEST_HARNESS_MAIN
