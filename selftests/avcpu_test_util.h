/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the avcpu selftests: finding, loading and unloading the module.
 */
#ifndef AVCPU_TEST_UTIL_H
#define AVCPU_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#define AVCPU_DEV "/dev/avcpu"

/*
 * The avcpu.ko to load: $AVCPU_MODULE, else /lib/modules/$(uname -r)/extra/avcpu.ko.
 * Returns NULL when neither exists (the test then skips).
 */
const char *avcpu_module_path(void);

bool avcpu_module_loaded(void);

/* finit_module()/delete_module(); return 0 or -errno. */
int avcpu_load(const char *params);
int avcpu_unload(void);

/* The kernel's taint mask, or -1 if it cannot be read. */
long avcpu_kernel_taint(void);

/* Taints a test module may add: TAINT_OOT_MODULE (12) and TAINT_UNSIGNED_MODULE (13). */
#define AVCPU_ALLOWED_TAINT ((1L << 12) | (1L << 13))

/*
 * Reads the kernel log records appended since *seq (the /dev/kmsg sequence number) into buf
 * and advances *seq. Start with *seq = avcpu_kmsg_now().
 */
unsigned long long avcpu_kmsg_now(void);
size_t avcpu_kmsg_since(unsigned long long *seq, char *buf, size_t len);

#endif /* AVCPU_TEST_UTIL_H */
