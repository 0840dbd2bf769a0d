/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AVCPU_MITIGATIONS_H
#define AVCPU_MITIGATIONS_H

#include <linux/seq_file.h>
#include <linux/types.h>

/*
 * Chooses, on the calling CPU (preemption off), what EL2 does there on guest exit and
 * around the world switch (HYP_MIT_* bits, in *bits). -ENODEV, with one dmesg line, when
 * the CPU needs a mitigation avcpu cannot apply.
 */
int avcpu_mitigations_choose(u64 *bits);

/* After module init: later refusals are of a CPU coming online, not of the load. */
void avcpu_mitigations_loaded(bool loaded);

/* One line per online CPU, for debugfs. */
void avcpu_mitigations_show(struct seq_file *m);

#endif /* AVCPU_MITIGATIONS_H */
