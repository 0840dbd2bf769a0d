/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Harness-level helpers for the guest selftests: include after kselftest_harness.h.
 */
#ifndef AVCPU_HARNESS_UTIL_H
#define AVCPU_HARNESS_UTIL_H

#include "avcpu_vm_util.h"

/* Runs vCPU n to its next ucall, which must be DONE (a guest assertion is logged). */
static inline void expect_done(struct __test_metadata *_metadata, struct test_vm *t, int n)
{
	struct ucall uc;
	uint32_t reason;
	uint64_t cmd = test_vcpu_get_ucall(t, n, &uc, &reason);

	if (cmd == UCALL_ABORT)
		TH_LOG("guest assertion at line %llu: %#llx != %#llx",
		       (unsigned long long)uc.args[0], (unsigned long long)uc.args[1],
		       (unsigned long long)uc.args[2]);
	ASSERT_EQ(UCALL_DONE, cmd) TH_LOG("exit reason %u, mmio %#llx len %u write %u", reason,
					  (unsigned long long)t->run[n]->mmio.phys_addr,
					  t->run[n]->mmio.len, t->run[n]->mmio.is_write);
}

#endif /* AVCPU_HARNESS_UTIL_H */
