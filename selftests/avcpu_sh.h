/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shell commands for the tests that drive Debian's tools (avcpu_deb_test, avcpu_perf_test):
 * a command's output goes to one file, read back for the assertions and the log.
 */
#ifndef AVCPU_SH_H
#define AVCPU_SH_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "avcpu_test_util.h"

#define AVCPU_SH_OUT "/tmp/avcpu-sh.out"
#define AVCPU_SH_REDIRECT " >" AVCPU_SH_OUT " 2>&1"

/*
 * Runs a shell command (printf-style) in a subshell, its output in AVCPU_SH_OUT unless the
 * command redirects it itself; its exit status, or -1.
 */
static inline __attribute__((format(printf, 1, 2))) int avcpu_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int n, st;

	cmd[0] = '(';
	va_start(ap, fmt);
	n = vsnprintf(cmd + 1, sizeof(cmd) - 1 - sizeof(")" AVCPU_SH_REDIRECT), fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)(sizeof(cmd) - 1 - sizeof(")" AVCPU_SH_REDIRECT)))
		return -1;
	strcat(cmd, ")" AVCPU_SH_REDIRECT);
	st = system(cmd);
	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

/* The last command's output (its first 16 KiB), "" if there is none. */
static inline const char *avcpu_sh_out(void)
{
	static char buf[16384];

	if (avcpu_read_file(AVCPU_SH_OUT, buf, sizeof(buf)) < 0)
		buf[0] = '\0';
	return buf;
}

#endif
