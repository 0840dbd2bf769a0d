// SPDX-License-Identifier: GPL-2.0
/*
 * avcpu's trace events through Debian's perf (linux-perf, in the test machine's Debian
 * boot: scripts/qemu-run.sh --debian), counted on a guest whose exits are known: the
 * bundled hello guest writes each byte it prints to the PL011's data register, one MMIO
 * exit to avcpu-run per byte (and reads the flag register before each), then powers off.
 * perf's counts must match what avcpu-run --summary reports from the module's own
 * counters, and perf script must show one MMIO write per byte of the guest's output.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_sh.h"

#define PERF "/usr/bin/perf"
#define GUEST "avcpu-run --summary /avcpu/guests/hello.elf"
#define GUEST_OUT "/tmp/perf-guest.out"
#define GUEST_ERR "/tmp/perf-guest.err"
#define STAT_CSV "/tmp/perf-stat.csv"
#define PERF_DATA "/tmp/perf.data"
#define EVENTS_DIR "/sys/kernel/tracing/events/avcpu"
/* perf starting up under TCG takes seconds; two guest runs. */
#define PERF_TIMEOUT 120

/* A file's size, or -1. */
static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

/*
 * The count of an event in perf stat -x, output ("COUNT,UNIT,EVENT,..."), or -1 when it
 * is absent or not counted.
 */
static long long stat_count(const char *csv, const char *event)
{
	char key[96];
	const char *p;

	snprintf(key, sizeof(key), ",%s,", event);
	for (p = strstr(csv, key); p; p = strstr(p + 1, key)) {
		const char *line = p;

		while (line > csv && line[-1] != '\n')
			line--;
		/* The unit field (empty for tracepoints) sits between count and event. */
		if (*line >= '0' && *line <= '9')
			return strtoll(line, NULL, 10);
	}
	return -1;
}

/* "WORD N" after "after" in text, or -1. */
static long long number_after(const char *text, const char *after, const char *word)
{
	const char *p = strstr(text, after);

	p = p ? strstr(p, word) : NULL;
	return p ? strtoll(p + strlen(word), NULL, 10) : -1;
}

/* In text, counts the lines that contain a (and b, unless it is NULL). */
static int count_lines(char *text, const char *a, const char *b)
{
	char *line, *save = NULL, *copy = strdup(text);
	int n = 0;

	if (!copy)
		return -1;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strstr(line, a) && (!b || strstr(line, b)))
			n++;
	free(copy);
	return n;
}

FIXTURE(perf) {
	char summary[4096];
};

FIXTURE_SETUP(perf)
{
	if (access(PERF, X_OK))
		SKIP(return, "no perf in this initramfs (qemu-run.sh --debian)");
	ASSERT_EQ(0, avcpu_ensure_loaded());
	ASSERT_EQ(0, access(EVENTS_DIR, F_OK)) TH_LOG("no avcpu trace events in tracefs");
}

FIXTURE_TEARDOWN(perf)
{
}

/* The guest's UART output and avcpu-run's summary (its stderr) of the last run. */
static long guest_run(struct _test_data_perf *self)
{
	if (avcpu_read_file(GUEST_ERR, self->summary, sizeof(self->summary)) < 0)
		self->summary[0] = '\0';
	return file_size(GUEST_OUT);
}

/* Every avcpu:* event in tracefs has a count in perf stat's CSV; how many do. */
static int events_counted(struct __test_metadata *_metadata, const char *csv, int *events)
{
	char name[256], event[300];
	int counted = 0;
	FILE *ls = popen("ls " EVENTS_DIR, "r");

	*events = 0;
	if (!ls)
		return -1;
	while (fscanf(ls, "%255s", name) == 1) {
		if (strncmp(name, "avcpu_", 6))
			continue; /* enable, filter */
		(*events)++;
		snprintf(event, sizeof(event), "avcpu:%s", name);
		if (stat_count(csv, event) >= 0)
			counted++;
		else
			TH_LOG("%s not counted", event);
	}
	pclose(ls);
	return counted;
}

TEST_F_TIMEOUT(perf, stat_counts_match_the_module_counters, PERF_TIMEOUT)
{
	static char csv[8192];
	long long mmio, exits, entries, user_mmio, guest_exits;
	int events, counted;
	long bytes;

	time_t start = time(NULL);

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, avcpu_sh(PERF " stat -x, -o " STAT_CSV " -e 'avcpu:*' -- " GUEST " >" GUEST_OUT
			      " 2>" GUEST_ERR)) TH_LOG("%s", avcpu_sh_out());
	bytes = guest_run(self);
	ASSERT_LT(0, avcpu_read_file(STAT_CSV, csv, sizeof(csv)));
	TH_LOG("perf stat (%ld s):\n%s%s", (long)(time(NULL) - start), csv, self->summary);
	counted = events_counted(_metadata, csv, &events);
	EXPECT_LE(9, events);
	EXPECT_EQ(events, counted);
	mmio = stat_count(csv, "avcpu:avcpu_mmio");
	exits = stat_count(csv, "avcpu:avcpu_exit");
	entries = stat_count(csv, "avcpu:avcpu_entry");
	user_mmio = number_after(self->summary, "to userspace:", " mmio ");
	guest_exits = number_after(self->summary, "VM:", " slots, ");
	/* One MMIO exit to avcpu-run per UART access: a write per byte, at least. */
	EXPECT_LT(0, bytes);
	EXPECT_LE(bytes, mmio);
	EXPECT_EQ(user_mmio, mmio);
	/*
	 * One avcpu_exit per exit from the guest to EL2 the module counts (host interrupts
	 * included), one avcpu_entry before each.
	 */
	EXPECT_EQ(guest_exits, exits);
	EXPECT_LE(mmio + 1, exits);
	EXPECT_EQ(exits, entries);
	/* hello asks for PSCI_VERSION, which the kernel answers. */
	EXPECT_LT(0, stat_count(csv, "avcpu:avcpu_psci"));
}

TEST_F_TIMEOUT(perf, record_and_script_show_each_uart_write, PERF_TIMEOUT)
{
	static char script[1 << 20];
	long long user_mmio;
	long bytes;

	time_t start = time(NULL);

	RETURN_IF_SKIPPED();
	/*
	 * Without build IDs: collecting them reads every kernel and module image perf knows,
	 * half a minute under TCG, for symbols tracepoints do not need.
	 */
	ASSERT_EQ(0, avcpu_sh("cd /tmp && " PERF " record -q --no-buildid --no-buildid-cache -o " PERF_DATA
			      " -e avcpu:avcpu_mmio -e avcpu:avcpu_exit -- " GUEST " >" GUEST_OUT
			      " 2>" GUEST_ERR)) TH_LOG("%s", avcpu_sh_out());
	bytes = guest_run(self);
	ASSERT_EQ(0, avcpu_sh(PERF " script -F comm,tid,cpu,time,event,trace -i " PERF_DATA
			      " >/tmp/perf-script.txt"))
		TH_LOG("%s", avcpu_sh_out());
	ASSERT_LT(0, avcpu_read_file("/tmp/perf-script.txt", script, sizeof(script)));
	TH_LOG("perf record and script (%ld s), the first lines:\n%.700s",
	       (long)(time(NULL) - start), script);
	user_mmio = number_after(self->summary, "to userspace:", " mmio ");
	/* "avcpu-run ... avcpu:avcpu_mmio: vcpu 0 write 0x9000000 len 4 data 0x48" */
	EXPECT_EQ(bytes, count_lines(script, "avcpu:avcpu_mmio:", " write "))
		TH_LOG("%.2000s", script);
	EXPECT_EQ(user_mmio, count_lines(script, "avcpu:avcpu_mmio:", NULL));
	/* Reason 1 is AVCPU_EXIT_MMIO (uapi/linux/avcpu.h). */
	EXPECT_EQ(user_mmio, count_lines(script, "avcpu:avcpu_exit:", " reason 1 "));
	unlink(PERF_DATA);
}

TEST_HARNESS_MAIN
