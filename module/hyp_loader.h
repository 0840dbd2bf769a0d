/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AVCPU_HYP_LOADER_H
#define AVCPU_HYP_LOADER_H

#include <linux/types.h>

#include "hyp/include/hyp_abi.h"
#include "hyp/include/hyp_image.h"
#include "pgtable.h"

/* Pages of EL2 stack per CPU, plus one unmapped guard page below them. */
#define AVCPU_HYP_STACK_ORDER	2

struct avcpu_hyp_cpu {
	struct avcpu_hyp_percpu *data;	/* shared with EL2; page also holds init */
	struct avcpu_hyp_init *init;
	void *stack;			/* 1 << AVCPU_HYP_STACK_ORDER pages, first is the guard */
};

/* The EL2 image in its own pages, relocated, with EL2's stage-1 tables. */
struct avcpu_hyp {
	struct avcpu_hyp_header hdr;
	void *image;
	phys_addr_t image_pa;
	unsigned int image_order;
	struct avcpu_pgt pgt;
	u64 tcr, sctlr;
	struct avcpu_hyp_cpu __percpu *cpu;
};

int avcpu_hyp_load(struct avcpu_hyp *hyp);
void avcpu_hyp_unload(struct avcpu_hyp *hyp);

/* Physical address of something in the image, by its offset. */
static inline phys_addr_t avcpu_hyp_pa(const struct avcpu_hyp *hyp, u64 offset)
{
	return hyp->image_pa + offset;
}

/* Pages the loader holds now; 0 after avcpu_hyp_unload(). For leak checks. */
long avcpu_hyp_pages_held(void);

#endif /* AVCPU_HYP_LOADER_H */
