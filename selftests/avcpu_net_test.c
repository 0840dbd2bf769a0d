// SPDX-License-Identifier: GPL-2.0
/*
 * avcpu-run's --net tap=NAME (virtio-net over a tap of the test machine) seen by an
 * unmodified Debian guest kernel (virtio_net loaded by the guest's /init). One boot: the
 * test makes a tap with a link-local address (169.254.0.0/16, so that nothing leaves the
 * machine even where it has a network), the guest gives its eth0 another, both ping each
 * other, then a block of data goes from the test machine to the guest and back again over
 * TCP (busybox nc in the guest), md5sums compared on both sides: 64 MiB each way, 4 MiB in
 * the lean configurations (avcpu.depth). A second avcpu-run on the tap in use is refused
 * (status 69, a sentence saying why). After the guest powers off, --summary shows the
 * device's interrupts went by irqfd and its frames both ways. Where KVM owns EL2 (no avcpu,
 * a /dev/kvm) the same runs on /dev/kvm, through libavcpu's KVM backend (KVM_IOEVENTFD,
 * KVM_IRQFD).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_vm_util.h"
#include "avcpu_depth.h"
#include "avcpu_linux_guest.h"

#define TAP_NAME	"avcpu-net0"
#define HOST_IP		"169.254.77.1"
#define GUEST_IP	"169.254.77.2"
#define NETMASK		"255.255.0.0"
#define TO_GUEST_PORT	5701
#define FROM_GUEST_PORT	5702
#define SUM_TO_GUEST	"/tmp/avcpu-net-to-guest.md5"
#define SUM_FROM_GUEST	"/tmp/avcpu-net-from-guest.md5"
#define MD5_HEX		32
#define CHUNK		(64 << 10)
#define SHELL_TIMEOUT	120
#define MOVE_TIMEOUT	900

/* The tap: made persistent (so it outlives this open), or deleted again (persist 0). */
static int tap_persist(int persist)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, TAP_NAME);
	if (ioctl(fd, TUNSETIFF, &ifr) || ioctl(fd, TUNSETPERSIST, persist))
		ret = -errno;
	close(fd);
	return ret;
}

static int set_addr(int s, unsigned long request, const char *ip)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	strcpy(ifr.ifr_name, TAP_NAME);
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &sin->sin_addr);
	return ioctl(s, request, &ifr);
}

/* HOST_IP/16 on the tap, and the tap up. */
static int tap_configure(void)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = -1;

	if (s < 0)
		return -1;
	strcpy(ifr.ifr_name, TAP_NAME);
	if (!set_addr(s, SIOCSIFADDR, HOST_IP) && !set_addr(s, SIOCSIFNETMASK, NETMASK) &&
	    !ioctl(s, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return ret;
}

static int listen_on(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	inet_pton(AF_INET, HOST_IP, &a.sin_addr);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1)) {
		if (s >= 0)
			close(s);
		return -1;
	}
	return s;
}

/* Chunk i of what goes to the guest: a xorshift stream, different for every chunk. */
static void fill_chunk(uint64_t *buf, size_t words, uint64_t i)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL * (i + 1);
	size_t w;

	for (w = 0; w < words; w++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[w] = x;
	}
}

/*
 * In a child: takes one connection on lsock, then sends size bytes (to_guest) or
 * receives up to size bytes, feeding them to md5sum >sum_path as well. Its exit status
 * is 0 when exactly size bytes went.
 */
static pid_t serve_one(int lsock, bool to_guest, size_t size, const char *sum_path)
{
	static uint64_t buf[CHUNK / sizeof(uint64_t)];
	char cmd[128];
	size_t done = 0;
	pid_t pid = fork();
	FILE *md5;
	int c;

	if (pid)
		return pid;
	alarm(MOVE_TIMEOUT);
	c = accept(lsock, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "md5sum >%s", sum_path);
	md5 = popen(cmd, "w");
	if (c < 0 || !md5)
		_exit(2);
	while (done < size) {
		ssize_t n;

		if (to_guest) {
			fill_chunk(buf, CHUNK / sizeof(uint64_t), done / CHUNK);
			n = write(c, buf, CHUNK);
		} else {
			n = read(c, buf, size - done < CHUNK ? size - done : CHUNK);
		}
		if (n <= 0)
			break;
		if (to_guest && n != CHUNK)
			_exit(3); /* a blocking socket writes all of it */
		fwrite(buf, 1, n, md5);
		done += n;
	}
	close(c);
	_exit(pclose(md5) == 0 && done == size ? 0 : 1);
}

/* The md5 (hex) md5sum wrote to path, in out[MD5_HEX + 1]. */
static bool read_sum(const char *path, char *out)
{
	FILE *f = fopen(path, "r");
	bool ok = f && fread(out, 1, MD5_HEX, f) == MD5_HEX;

	out[MD5_HEX] = 0;
	if (f)
		fclose(f);
	return ok;
}

/* The number just before key in line (the summary says "N interrupts by irqfd"). */
static long long summary_number(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	while (p && p > line && p[-1] == ' ')
		p--;
	while (p && p > line && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return p ? atoll(p) : -1;
}

FIXTURE(net) {
	struct guest g;
	bool started, tap;
	int to_guest, from_guest;
	const char *device;
};

FIXTURE_SETUP(net)
{
	const char *why = guest_unavailable();

	self->started = self->tap = false;
	self->to_guest = self->from_guest = -1;
	self->device = "/dev/avcpu";
	if (why && !access("/dev/kvm", R_OK | W_OK) && !access(LINUX_IMAGE, R_OK))
		self->device = "/dev/kvm";
	else if (why)
		SKIP(return, "%s", why);
	TH_LOG("on %s", self->device);
	if (access("/dev/net/tun", R_OK | W_OK))
		SKIP(return, "no /dev/net/tun (the tun module is not loaded)");
	ASSERT_EQ(0, tap_persist(1)) TH_LOG("cannot create tap " TAP_NAME);
	self->tap = true;
	ASSERT_EQ(0, tap_configure()) TH_LOG("cannot configure tap: %s", strerror(errno));
	self->to_guest = listen_on(TO_GUEST_PORT);
	self->from_guest = listen_on(FROM_GUEST_PORT);
	ASSERT_LE(0, self->to_guest);
	ASSERT_LE(0, self->from_guest);
}

FIXTURE_TEARDOWN(net)
{
	if (self->started)
		guest_end(&self->g);
	if (self->to_guest >= 0)
		close(self->to_guest);
	if (self->from_guest >= 0)
		close(self->from_guest);
	if (self->tap)
		tap_persist(0);
	unlink(SUM_TO_GUEST);
	unlink(SUM_FROM_GUEST);
}

/* Runs cmd in the guest and checks that its output contains want. */
static bool says(struct guest *g, const char *cmd, const char *want, double timeout)
{
	long at = guest_command(g, cmd, timeout);

	return at >= 0 && guest_expect(g, at, want, 0) >= 0;
}

static int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* size bytes to the guest and back, each way checked by md5 on both sides. */
static void move_data(struct __test_metadata *_metadata, FIXTURE_DATA(net) *self, size_t size)
{
	struct guest *g = &self->g;
	char sent[MD5_HEX + 1], back[MD5_HEX + 1];
	double t, mib = size / (double)(1 << 20);
	pid_t pid;

	/* To the guest: md5sum in the guest of what came, and the same bytes kept. */
	pid = serve_one(self->to_guest, true, size, SUM_TO_GUEST);
	ASSERT_LT(0, pid);
	t = now_s();
	EXPECT_TRUE(says(g, "nc " HOST_IP " 5701 </dev/null|tee /tmp/rx|md5sum", "  -",
			 MOVE_TIMEOUT));
	t = now_s() - t;
	ASSERT_EQ(0, wait_child(pid)) TH_LOG("the sender did not send it all");
	ASSERT_TRUE(read_sum(SUM_TO_GUEST, sent));
	EXPECT_LE(0, guest_expect(g, g->len > 256 ? g->len - 256 : 0, sent, 0))
		TH_LOG("the guest's md5 of what came is not %s:%s", sent,
		       g->buf + (g->len > 256 ? g->len - 256 : 0));
	TH_LOG("%.0f MiB to the guest in %.1f s (%.1f MiB/s)", mib, t, mib / t);

	/* Back from the guest: what it kept, checked by the test machine. */
	pid = serve_one(self->from_guest, false, size, SUM_FROM_GUEST);
	ASSERT_LT(0, pid);
	t = now_s();
	EXPECT_TRUE(says(g, "nc " HOST_IP " 5702 </tmp/rx;echo nc-$?", "nc-", MOVE_TIMEOUT));
	t = now_s() - t;
	EXPECT_EQ(0, wait_child(pid)) TH_LOG("not %zu bytes came back", size);
	ASSERT_TRUE(read_sum(SUM_FROM_GUEST, back));
	EXPECT_STREQ(sent, back) TH_LOG("what came back differs from what went");
	TH_LOG("%.0f MiB from the guest in %.1f s (%.1f MiB/s)", mib, t, mib / t);
}

/* Both ping each other, three times each, none lost. */
static void ping_both_ways(struct __test_metadata *_metadata, struct guest *g)
{
	EXPECT_TRUE(says(g, "ping -c 3 -w 60 " HOST_IP, "3 packets received", SHELL_TIMEOUT))
		TH_LOG("%s", g->buf + (g->len > 1024 ? g->len - 1024 : 0));
	EXPECT_EQ(0, system("ping -c 3 -w 60 " GUEST_IP " >/tmp/avcpu-net-ping 2>&1"))
		TH_LOG("the test machine's ping of the guest failed");
}

/* Another avcpu-run cannot take the tap in use: status 69 and why. */
static void second_user_refused(struct __test_metadata *_metadata, const char *device)
{
	const char *args[] = { "--net", "tap=" TAP_NAME, NULL };
	struct guest other;

	ASSERT_EQ(0, guest_start_with(&other, device, 1, "quiet", args));
	EXPECT_EQ(69, guest_wait(&other, 60)) TH_LOG("%s", other.buf);
	EXPECT_LE(0, guest_expect(&other, 0, "cannot open tap '" TAP_NAME "': TUNSETIFF", 0))
		TH_LOG("%s", other.buf);
	guest_end(&other);
}

/* The net device's summary line: interrupts by irqfd on avcpu, frames both ways. */
static void check_summary(struct __test_metadata *_metadata, struct guest *g)
{
	long at = guest_expect(g, 0, "(device 1): ", 5);
	const char *line;
	char *end;

	ASSERT_LE(0, at) TH_LOG("no net device in the summary:\n%s",
				 g->buf + (g->len > 2048 ? g->len - 2048 : 0));
	line = g->buf + at;
	end = strchr(line, '\n');
	if (end)
		*end = 0;
	TH_LOG("summary: %s", line);
	EXPECT_LT(0, summary_number(line, " interrupts by irqfd"))
		TH_LOG("no interrupt went by irqfd");
	EXPECT_LT(0, summary_number(line, " frames received"));
	EXPECT_LT(0, summary_number(line, " sent ("));
}

TEST_F_TIMEOUT(net, ping_and_move_data_over_a_tap, 1800)
{
	const char *args[] = { "--net", "tap=" TAP_NAME, "--summary", NULL };
	size_t size = avcpu_depth() == AVCPU_DEPTH_LEAN ? 4 << 20 : 64 << 20;
	struct guest *g = &self->g;
	long at;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, guest_start_with(g, self->device, 1, "quiet", args));
	self->started = true;
	at = guest_expect(g, 0, GUEST_UP, 600);
	ASSERT_LE(0, at) TH_LOG("no shell; the console said:\n%s", g->buf);
	ASSERT_LE(0, guest_expect(g, at, PROMPT, 60));
	TH_LOG("the guest's init ran after %.1f s", now_s() - g->start);

	EXPECT_TRUE(says(g, "cat /sys/class/net/eth0/address", "02:61:76:63:70:01",
			 SHELL_TIMEOUT)) TH_LOG("%s", g->buf);
	ASSERT_TRUE(says(g, "ip addr add " GUEST_IP "/16 dev eth0;ip link set eth0 up;echo up-$?",
			 "up-0", SHELL_TIMEOUT)) TH_LOG("%s", g->buf);
	ping_both_ways(_metadata, g);
	second_user_refused(_metadata, self->device);
	move_data(_metadata, self, size);

	at = guest_command(g, "dmesg|grep -iE 'warn|bug|oops|fail|error'", SHELL_TIMEOUT);
	ASSERT_LE(0, at);
	EXPECT_EQ(0, guest_lines(g, at)) TH_LOG("guest dmesg lines of note:%s", g->buf + at);
	ASSERT_LE(0, write(g->in, "poweroff -f\n", 12));
	ASSERT_EQ(0, guest_wait(g, 120)) TH_LOG("%s", g->buf + (g->len > 4096 ? g->len - 4096 : 0));
	check_summary(_metadata, g);
	TH_LOG("%.1f s for the whole boot", now_s() - g->start);
}

/* --net takes tap=NAME only, with a name an interface can have (status 64). */
TEST(bad_net_options_are_refused)
{
	static const char *const bad[] = { "tap=", "bogus", "tap=name-longer-than-15", NULL };
	int i;

	for (i = 0; bad[i]; i++) {
		const char *args[] = { "avcpu-run", "--net", bad[i], "--kernel", LINUX_IMAGE, NULL };
		struct guest g;

		ASSERT_EQ(0, guest_exec(&g, args));
		EXPECT_EQ(64, guest_wait(&g, 20)) TH_LOG("--net %s: %s", bad[i], g.buf);
		EXPECT_LE(0, guest_expect(&g, 0, "--net", 0)) TH_LOG("%s", g.buf);
		guest_end(&g);
	}
}

TEST_HARNESS_MAIN
