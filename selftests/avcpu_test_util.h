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



/* Loads avcpu unless it is loaded already; 0, -errno, or -ENOENT without a module file. */
int avcpu_ensure_loaded(void);

/*
 * Reads a whole (debugfs) file into buf, NUL-terminated. Returns the length or -errno.
 */
long avcpu_read_file(const char *path, char *buf, size_t len);

/*
 * Finds "key=" in a line of "key=value" words and parses its value (base 0: decimal,
 * 0x hex, negative). Returns false if the key is absent.
 */
bool avcpu_kv(const char *line, const char *key, long long *value);

/* The value of "word=" on the kernel command line, or NULL. */
const char *avcpu_cmdline_value(const char *word, char *buf, size_t len);

/* Free memory in KiB (MemFree in /proc/meminfo), or -1. */
long avcpu_mem_free_kib(void);
/*
 * Runs path with args (NULL-terminated, without argv[0]), stdin from /dev/null, stdout and
 * stderr captured into out (the first len - 1 bytes; the rest is drained), killed after
 * 60 s. *status is the exit status, or 128 + the signal. Returns 0 or -errno.
 */
int avcpu_spawn(const char *path, const char *const *args, char *out, size_t len, int *status);

/*
 * kselftest_harness.h before 6.8 runs a test body even when its fixture setup called
 * SKIP(): fixtures that can skip start each test with this. Later harnesses (they define
 * XFAIL_ADD) never run that body, and have no ->skip.
 */
#ifdef XFAIL_ADD
#define RETURN_IF_SKIPPED() do { } while (0)
#else
#define RETURN_IF_SKIPPED() \
	do { \
		if (_metadata->skip) \
			return; \
	} while (0)
#endif

#endif /* AVCPU_TEST_UTIL_H */
