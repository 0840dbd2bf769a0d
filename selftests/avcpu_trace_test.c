// SPDX-License-Identifier: GPL-2.0
/*
 * avcpu's trace events through tracefs: a guest with known exits produces exactly one
 * avcpu_exit event per exit (besides host interrupts) and the matching detail events,
 * interrupt-line changes included.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_vm_guest.h"
#include "avcpu_vm_util.h"

#define TRACEFS "/sys/kernel/tracing/"

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		ret = -errno;
	close(fd);
	return ret;
}

static int count(const char *trace, const char *what)
{
	int n = 0;

	for (const char *p = trace; (p = strstr(p, what)); p++)
		n++;
	return n;
}

TEST(one_event_per_exit)
{
	static char trace[1 << 20];
	struct test_vm t;
	struct ucall uc;
	uint32_t reason;
	int exits = 0, user_exits;
	const char *p;

	if (!avcpu_module_path() && !avcpu_module_loaded())
		SKIP(return, "avcpu.ko not found (set AVCPU_MODULE)");
	if (!test_avcpu_available())
		SKIP(return, "avcpu cannot run guests here");
	if (access(TRACEFS "events/avcpu/enable", W_OK))
		SKIP(return, "tracefs is not mounted at " TRACEFS);
	ASSERT_EQ(0, test_vm_create(&t));
	ASSERT_EQ(0, test_vcpu_add(&t, 0, guest_hypercalls, 0));

	ASSERT_EQ(0, write_file(TRACEFS "tracing_on", "0"));
	ASSERT_EQ(0, write_file(TRACEFS "trace", ""));
	ASSERT_EQ(0, write_file(TRACEFS "events/avcpu/enable", "1"));
	ASSERT_EQ(0, write_file(TRACEFS "tracing_on", "1"));
	/* Two hypercalls (the second answered as is), then the DONE ucall (MMIO). */
	ASSERT_EQ(0, test_vcpu_run(&t, 0));
	ASSERT_EQ(AVCPU_EXIT_HYPERCALL, t.run[0]->exit_reason);
	t.run[0]->hypercall.ret[0] = 0xa0;
	t.run[0]->hypercall.ret[1] = 0xa1;
	t.run[0]->hypercall.ret[2] = 0xa2;
	t.run[0]->hypercall.ret[3] = 0xa3;
	/* A line raised and lowered while the guest is out (it runs masked): two events. */
	ASSERT_EQ(0, ioctl(t.fd, AVCPU_IRQ_LINE, &(struct avcpu_irq_level){
		.irq = AVCPU_IRQ(AVCPU_IRQ_TYPE_CPU, 0, AVCPU_IRQ_CPU_FIQ), .level = 1 }));
	ASSERT_EQ(0, ioctl(t.fd, AVCPU_IRQ_LINE, &(struct avcpu_irq_level){
		.irq = AVCPU_IRQ(AVCPU_IRQ_TYPE_CPU, 0, AVCPU_IRQ_CPU_FIQ), .level = 0 }));
	ASSERT_EQ(0, test_vcpu_run(&t, 0));
	ASSERT_EQ(AVCPU_EXIT_HYPERCALL, t.run[0]->exit_reason);
	ASSERT_EQ(UCALL_DONE, test_vcpu_get_ucall(&t, 0, &uc, &reason));
	ASSERT_EQ(0, write_file(TRACEFS "tracing_on", "0"));
	ASSERT_EQ(0, write_file(TRACEFS "events/avcpu/enable", "0"));
	ASSERT_LT(0, avcpu_read_file(TRACEFS "trace", trace, sizeof(trace)));
	test_vm_destroy(&t);

	/* avcpu_exit events for exits the kernel handles itself (reason >= 100) aside. */
	for (p = trace; (p = strstr(p, "avcpu_exit:")); p++) {
		const char *r = strstr(p, "reason ");

		if (r && atoi(r + 7) < 100)
			exits++;
	}
	user_exits = 3;
	EXPECT_EQ(user_exits, exits) TH_LOG("%s", trace);
	EXPECT_EQ(2, count(trace, "avcpu_hypercall:"));
	EXPECT_EQ(1, count(trace, "avcpu_mmio:"));
	EXPECT_NE(NULL, strstr(trace, "hvc #0x1234 x0 0x100"));
	EXPECT_NE(NULL, strstr(trace, "write 0xf000000 len 8"));
	EXPECT_LE(3, count(trace, "avcpu_entry:"));
	EXPECT_EQ(2, count(trace, "avcpu_irq_line:"));
	EXPECT_NE(NULL, strstr(trace, "vcpu 0 type 0 irq 1 level 1"));
	EXPECT_NE(NULL, strstr(trace, "vcpu 0 type 0 irq 1 level 0"));
}

TEST_HARNESS_MAIN
