// SPDX-License-Identifier: GPL-2.0
#include "avcpu_test_util.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *avcpu_module_path(void)
{
	static char path[256];
	const char *env = getenv("AVCPU_MODULE");
	struct utsname uts;

	if (env && *env)
		return access(env, R_OK) == 0 ? env : NULL;
	if (uname(&uts))
		return NULL;
	snprintf(path, sizeof(path), "/lib/modules/%s/extra/avcpu.ko", uts.release);
	return access(path, R_OK) == 0 ? path : NULL;
}

bool avcpu_module_loaded(void)
{
	return access("/sys/module/avcpu", F_OK) == 0;
}

int avcpu_load(const char *params)
{
	const char *path = avcpu_module_path();
	int fd, ret;

	if (!path)
		return -ENOENT;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params ? params : "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

int avcpu_unload(void)
{
	return syscall(SYS_delete_module, "avcpu", O_NONBLOCK) ? -errno : 0;
}

long avcpu_kernel_taint(void)
{
	FILE *f = fopen("/proc/sys/kernel/tainted", "r");
	long taint = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &taint) != 1)
		taint = -1;
	fclose(f);
	return taint;
}

/* A /dev/kmsg record is "prio,seq,time,flags;message\n". */
static bool kmsg_read_record(int fd, unsigned long long *seq, char *msg, size_t len)
{
	char rec[2048];
	ssize_t n;
	char *semi;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* records were overwritten: keep reading */
		if (n <= 0)
			return false;
		break;
	}
	rec[n] = '\0';
	if (sscanf(rec, "%*u,%llu", seq) != 1)
		return false;
	semi = strchr(rec, ';');
	semi = semi ? semi + 1 : rec;
	n = strnlen(semi, len - 1);
	memcpy(msg, semi, n);
	msg[n] = '\0';
	return true;
}

unsigned long long avcpu_kmsg_now(void)
{
	unsigned long long seq, next = 0;
	char msg[8];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return 0;
	/* The sequence number after the newest record. */
	while (kmsg_read_record(fd, &seq, msg, sizeof(msg)))
		next = seq + 1;
	close(fd);
	return next;
}

size_t avcpu_kmsg_since(unsigned long long *seq, char *buf, size_t len)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	unsigned long long rec_seq;
	char msg[1024];
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	if (fd < 0)
		return 0;
	while (kmsg_read_record(fd, &rec_seq, msg, sizeof(msg))) {
		if (rec_seq < *seq)
			continue;
		*seq = rec_seq + 1;
		if (used + strlen(msg) + 1 < len) {
			memcpy(buf + used, msg, strlen(msg) + 1);
			used += strlen(msg);
		}
	}
	close(fd);
	return used;
}

int avcpu_ensure_loaded(void)
{
	int ret;

	if (avcpu_module_loaded())
		return 0;
	ret = avcpu_load(NULL);
	return ret == -EEXIST ? 0 : ret;
}

long avcpu_read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t used = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -errno;
	while (used + 1 < len && (n = read(fd, buf + used, len - 1 - used)) > 0)
		used += n;
	n = n < 0 ? -errno : 0;
	close(fd);
	buf[used] = '\0';
	return n < 0 ? n : (long)used;
}

bool avcpu_kv(const char *line, const char *key, long long *value)
{
	size_t klen = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key))) {
		bool at_word = p == line || p[-1] == ' ' || p[-1] == '\n';

		if (at_word && p[klen] == '=') {
			*value = strtoll(p + klen + 1, NULL, 0);
			return true;
		}
		p += klen;
	}
	return false;
}

const char *avcpu_cmdline_value(const char *word, char *buf, size_t len)
{
	char cmdline[4096];
	const char *p;
	size_t wlen = strlen(word), n;

	if (avcpu_read_file("/proc/cmdline", cmdline, sizeof(cmdline)) < 0)
		return NULL;
	for (p = cmdline; (p = strstr(p, word)); p += wlen) {
		if ((p == cmdline || p[-1] == ' ') && p[wlen] == '=') {
			p += wlen + 1;
			n = strcspn(p, " \n");
			if (n >= len)
				n = len - 1;
			memcpy(buf, p, n);
			buf[n] = '\0';
			return buf;
		}
	}
	return NULL;
}

long avcpu_mem_free_kib(void)
{
	char info[4096];
	const char *p;

	if (avcpu_read_file("/proc/meminfo", info, sizeof(info)) < 0)
		return -1;
	p = strstr(info, "MemFree:");
	return p ? strtol(p + 8, NULL, 10) : -1;
}

extern char **environ;

int avcpu_spawn(const char *path, const char *const *args, char *out, size_t len, int *status)
{
	const char *argv[32] = { path };
	posix_spawn_file_actions_t fa;
	int pipefd[2], i, wstatus;
	/* Under the test's own harness timeout (180 s for the fuzz campaigns). */
	time_t deadline = time(NULL) + 150;
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	for (i = 0; args[i] && i < 30; i++)
		argv[i + 1] = args[i];
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	i = posix_spawn(&pid, path, &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (i) {
		close(pipefd[0]);
		return -i;
	}
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	for (;;) {
		char sink[4096];

		/* Past the buffer, keep draining so that the child never blocks on its output. */
		if (used < len - 1)
			n = read(pipefd[0], out + used, len - 1 - used);
		else
			n = read(pipefd[0], sink, sizeof(sink));
		if (n > 0) {
			if (used < len - 1)
				used += n;
			continue;
		}
		if (n == 0)
			break;
		if (time(NULL) > deadline)
			kill(pid, SIGKILL);
		usleep(2000);
	}
	out[used] = '\0';
	close(pipefd[0]);
	waitpid(pid, &wstatus, 0);
	*status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	return 0;
}
