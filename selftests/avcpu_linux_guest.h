// SPDX-License-Identifier: GPL-2.0
/*
 * The Linux guest (the test machine's own Image and scripts/mkguest-initramfs.sh's
 * initramfs) under avcpu-run, driven through its UART: start it on a hypervisor's device,
 * wait for text, type commands, read /proc, wait for the end. avcpu_linux_test boots it
 * on avcpu, avcpu_kvm_backend_test on KVM.
 */
#ifndef AVCPU_LINUX_GUEST_H
#define AVCPU_LINUX_GUEST_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
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

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#define GUEST_MAX_ARGS	32

/* Runs avcpu-run with argv (NULL-terminated), its stdin and stdout the guest's UART. */
static inline int guest_exec(struct guest *g, const char *const *argv)
{
	int in[2], out[2];

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
		execvp("avcpu-run", (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	g->in = in[1];
	g->out = out[0];
	return 0;
}

/*
 * Starts avcpu-run on device (NULL: /dev/avcpu) with the Linux guest on cpus vCPUs,
 * extra_args on its kernel command line and vmm_args (NULL-terminated, or NULL) as more
 * avcpu-run options (--disk, --rng).
 */
static inline int guest_start_with(struct guest *g, const char *device, int cpus,
				   const char *extra_args, const char *const *vmm_args)
{
	const char *argv[GUEST_MAX_ARGS];
	char cpus_arg[16], cmdline[256];
	int n = 0;

	snprintf(cpus_arg, sizeof(cpus_arg), "%d", cpus);
	snprintf(cmdline, sizeof(cmdline), "console=ttyAMA0 rdinit=/init %s", extra_args);
	argv[n++] = "avcpu-run";
	argv[n++] = "--cpus";
	argv[n++] = cpus_arg;
	argv[n++] = "--mem";
	argv[n++] = "512";
	argv[n++] = "--kernel";
	argv[n++] = LINUX_IMAGE;
	argv[n++] = "--initrd";
	argv[n++] = LINUX_INITRD;
	argv[n++] = "--cmdline";
	argv[n++] = cmdline;
	argv[n++] = "--device";
	argv[n++] = device ? device : "/dev/avcpu";
	while (vmm_args && *vmm_args && n < GUEST_MAX_ARGS - 1)
		argv[n++] = *vmm_args++;
	argv[n] = NULL;
	return guest_exec(g, argv);
}

static inline int guest_start(struct guest *g, const char *device, int cpus,
			      const char *extra_args)
{
	return guest_start_with(g, device, cpus, extra_args, NULL);
}

/* Reads until text appears after offset from (or EOF, or the deadline); its offset or -1. */
static inline long guest_expect(struct guest *g, size_t from, const char *text, double timeout)
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
static inline long guest_command(struct guest *g, const char *cmd, double timeout)
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
static inline int guest_lines(const struct guest *g, long at)
{
	const char *p = g->buf + at, *end = strstr(p, PROMPT);
	int n = 0;

	for (; p && end && (p = strchr(p, '\n')) && p < end; p++)
		n++;
	return n > 0 ? n - 1 : 0;
}

/* Waits for avcpu-run to end; its exit status, or -1 after the timeout (it is killed). */
static inline int guest_wait(struct guest *g, double timeout)
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

static inline void guest_end(struct guest *g)
{
	close(g->in);
	close(g->out);
	free(g->buf);
}

/* The per-CPU counts of the /proc/interrupts line that contains name, in counts[]. */
static inline int interrupt_counts(const char *text, const char *name, long *counts, int cpus)
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
 * A started guest reaches its shell with every vCPU, reads what is typed, shows every
 * vCPU in /proc/cpuinfo, the timer ticking on each, the UART's interrupt and (SMP) IPIs,
 * and its log holds no warning or error.
 */
static inline void guest_check_shell(struct __test_metadata *_metadata, struct guest *g, int cpus)
{
	long at, timer[64] = { 0 }, ipi[64] = { 0 }, uart[64] = { 0 };
	char expect[64];
	int i;

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

	/* Nothing in the guest's log about the hypervisor's emulation going wrong (short commands:
	 * the shell redraws lines longer than its terminal). */
	at = guest_command(g, "dmesg|grep -iE 'warn|bug|oops|fail|error'", 60);
	ASSERT_LE(0, at);
	TH_LOG("guest dmesg lines of note:%s", g->buf + at);
	EXPECT_EQ(0, guest_lines(g, at)) TH_LOG("the guest's log has warnings or errors");
}

/* Whether a Linux guest can run here; the reason to skip when not. */
static inline const char *guest_unavailable(void)
{
	if (!avcpu_module_path() && !avcpu_module_loaded())
		return "avcpu.ko not found (set AVCPU_MODULE)";
	if (access(LINUX_IMAGE, R_OK) || access(LINUX_INITRD, R_OK))
		return "no Linux guest in this initramfs (" LINUX_IMAGE ")";
	if (!test_avcpu_available())
		return "avcpu cannot run guests here (refused to load?)";
	return NULL;
}

#endif
