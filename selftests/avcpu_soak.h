/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Soak mode: the long versions of the stress tests run by make soak (scripts/soak.sh); make
 * test runs short versions of the same tests. On when the test machine's kernel command
 * line says avcpu.soak=1 (scripts/qemu-run.sh --append avcpu.soak=1), or when the
 * environment says AVCPU_SOAK=1 (a test started by hand); AVCPU_SOAK=0 turns it off.
 */
#ifndef AVCPU_SOAK_H
#define AVCPU_SOAK_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "avcpu_test_util.h"

static inline bool avcpu_soak_mode(void)
{
	const char *env = getenv("AVCPU_SOAK");
	char word[8];

	if (env)
		return !strcmp(env, "1");
	return avcpu_cmdline_value("avcpu.soak", word, sizeof(word)) && !strcmp(word, "1");
}

/* How long or how many: quick in make test, long in soak mode. */
static inline int avcpu_soak_pick(int quick, int soak)
{
	return avcpu_soak_mode() ? soak : quick;
}

#endif /* AVCPU_SOAK_H */
