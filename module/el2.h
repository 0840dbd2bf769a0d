/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AVCPU_EL2_H
#define AVCPU_EL2_H

#include <linux/atomic.h>

#include "hyp_loader.h"

/* Takes EL2 on every online CPU, and on every CPU that comes online; -ENODEV if refused. */
int avcpu_el2_init(void);
/* Gives EL2 back to the hyp stub on every CPU and frees everything. */
void avcpu_el2_exit(void);

extern struct avcpu_hyp avcpu_hyp;

/* On the calling CPU (preemption off): EL2 is avcpu's / give it back / take it again. */
bool avcpu_el2_owned_here(void);
int avcpu_el2_install_here(void);
int avcpu_el2_release_here(void);

/*
 * Fault injection for tests (debugfs flush_fault): TLB-flush hypercalls are treated as
 * unanswered on the calling CPU (LOCAL: another CPU must run them) or everywhere (ALL:
 * what they protect is leaked, counted in avcpu_leaked_pages).
 */
#define AVCPU_FLUSH_FAULT_NONE	0
#define AVCPU_FLUSH_FAULT_LOCAL	1
#define AVCPU_FLUSH_FAULT_ALL	2
extern unsigned int avcpu_flush_fault;
extern atomic_long_t avcpu_leaked_pages;

int avcpu_debugfs_init(void);
void avcpu_debugfs_exit(void);

#endif /* AVCPU_EL2_H */
