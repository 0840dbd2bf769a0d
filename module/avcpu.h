/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AVCPU_H
#define AVCPU_H

#include <linux/types.h>

/* The EL2 image embedded in the module (hyp_blob.S). */
extern const u8 avcpu_hyp_blob[];
extern const u8 avcpu_hyp_blob_end[];

int avcpu_el2_probe(void);

/* dc civac over a range, then dsb: dcache_clean_inval_poc() is not exported. */
void avcpu_dcache_clean_inval_poc(const void *va, size_t size);

int avcpu_dev_init(void);
void avcpu_dev_exit(void);

#endif /* AVCPU_H */
