/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How deep a test machine's run goes. The stress tests share one knob with three settings:
 *
 *   lean  the CPU-model configurations of make test that only need to show each path works
 *         on that CPU: short campaigns, and the repeated Linux boots are left to full;
 *   full  the default, and what make test's full configurations run (6.12-max and
 *         6.1-cortex-a72, scripts/test-all.sh);
 *   soak  the long versions, run by make soak (scripts/soak.sh).
 *
 * Chosen by avcpu.depth=lean|full|soak on the test machine's kernel command line
 * (scripts/qemu-run.sh --append), or by AVCPU_DEPTH in the environment (a test started by
 * hand), which wins.
 */
#ifndef AVCPU_DEPTH_H
#define AVCPU_DEPTH_H

#include <stdlib.h>
#include <string.h>

#include "avcpu_test_util.h"

enum avcpu_depth { AVCPU_DEPTH_LEAN, AVCPU_DEPTH_FULL, AVCPU_DEPTH_SOAK };

static inline int avcpu_depth_parse(const char *word, enum avcpu_depth *depth)
{
	static const char *const names[] = { "lean", "full", "soak" };
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(word, names[i])) {
			*depth = (enum avcpu_depth)i;
			return 0;
		}
	}
	return -1;
}

static inline enum avcpu_depth avcpu_depth(void)
{
	enum avcpu_depth depth = AVCPU_DEPTH_FULL;
	const char *env = getenv("AVCPU_DEPTH");
	char word[8];

	if (env && !avcpu_depth_parse(env, &depth))
		return depth;
	if (avcpu_cmdline_value("avcpu.depth", word, sizeof(word)) &&
	    !avcpu_depth_parse(word, &depth))
		return depth;
	return AVCPU_DEPTH_FULL;
}

/* How long or how many, at each depth. */
static inline int avcpu_depth_pick(int lean, int full, int soak)
{
	switch (avcpu_depth()) {
	case AVCPU_DEPTH_LEAN:
		return lean;
	case AVCPU_DEPTH_SOAK:
		return soak;
	default:
		return full;
	}
}

/* Why a check that only full and soak runs make is skipped here. */
#define AVCPU_DEPTH_LEAN_REASON \
	"lean configuration (avcpu.depth=lean): this check runs in make test's full ones"

#endif /* AVCPU_DEPTH_H */
