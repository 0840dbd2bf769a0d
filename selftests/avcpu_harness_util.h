/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Harness-level helpers for the guest selftests: include after kselftest_harness.h.
 */
#ifndef AVCPU_HARNESS_UTIL_H
#define AVCPU_HARNESS_UTIL_H

#include <signal.h>

#include "avcpu_test_util.h"
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

/*
 * Fixture setup of the guest tests: a skip where avcpu cannot run guests, else a VM, and
 * @handler for @signum without SA_RESTART, so that the signal ends RUN with EINTR.
 */
static inline void setup_guest_fixture(struct __test_metadata *_metadata, struct test_vm *t,
				       int signum, void (*handler)(int))
{
	struct sigaction sa = { .sa_handler = handler };

	if (!avcpu_module_path() && !avcpu_module_loaded())
		SKIP(return, "avcpu.ko not found (set AVCPU_MODULE)");
	if (!test_avcpu_available())
		SKIP(return, "avcpu cannot run guests here (refused to load?)");
	ASSERT_EQ(0, test_vm_create(t));
	ASSERT_EQ(0, sigaction(signum, &sa, NULL));
}

#endif /* AVCPU_HARNESS_UTIL_H */
