/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Linux guest avcpu-run boots (the test machine's own Image, the busybox initramfs of
 * scripts/mkguest-initramfs.sh) driven through its console: start it, wait for output,
 * type commands, wait for avcpu-run to end. Shared by avcpu_linux_test and
 * avcpu_virtio_test. Include after avcpu_test_util.h and avcpu_vm_util.h.
 */
#ifndef AVCPU_LINUX_VIRTIO_H
#define AVCPU_LINUX_VIRTIO_H

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

/* Starts avcpu-run with argv (argv[0] "avcpu-run", NULL-terminated) on pipes. */
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
 * Starts avcpu-run on the Linux guest with cpus vCPUs, extra_args on the kernel command line
 * and vmm_args (NULL-terminated, or NULL) as more avcpu-run options (--disk, --rng).
 */
static inline int guest_start_with(struct guest *g, int cpus, const char *extra_args,
				   const char *const *vmm_args)
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
	while (vmm_args && *vmm_args && n < GUEST_MAX_ARGS - 1)
		argv[n++] = *vmm_args++;
	argv[n] = NULL;
	return guest_exec(g, argv);
}

static inline int guest_start(struct guest *g, int cpus, const char *extra_args)
{
	return guest_start_with(g, cpus, extra_args, NULL);
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

#endif /* AVCPU_LINUX_VIRTIO_H */
