// SPDX-License-Identifier: GPL-2.0
// avcpu-iobench: the block and network workloads of make bench's I/O rows, one static
// binary that runs inside the Linux guest (the virtio side) and in the test machine (the
// tap side), so both ends measure the same way. Prints one "key=value ..." line per run;
// scripts/bench-io.sh collects them.
//
//   avcpu-iobench blk DEVICE MIB       sequential 1 MiB writes then reads of MIB MiB
//                                      (O_DIRECT, fdatasync), then 4 KiB random reads
//   avcpu-iobench tcp-sink PORT        one connection's bytes received, then closes
//   avcpu-iobench tcp-send ADDR PORT MIB
//   avcpu-iobench tcp-serve PORT MIB   one connection sent MIB MiB, then closed
//   avcpu-iobench tcp-recv ADDR PORT   what the server sends, until it closes
//   avcpu-iobench tcp-echo PORT        one connection's bytes echoed
//   avcpu-iobench tcp-rr ADDR PORT N   one-byte round trips: mean and median in us
//   avcpu-iobench tap NAME             creates the tap NAME, persistent (TUNSETPERSIST),
//                                      for the host side to configure before the guest runs
// The clients (send, recv, rr) retry their connection for a while: the server may be a
// guest still booting.
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace
{

constexpr size_t mib = 1 << 20;
constexpr size_t blk_random_size = 4096;
constexpr unsigned blk_random_reads = 2048;
// O_DIRECT wants buffers aligned to the device's logical block; a page covers any.
constexpr size_t direct_align = 4096;
constexpr double connect_patience_s = 120;
constexpr unsigned connect_retry_us = 200000;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0)
{
	return std::chrono::duration<double>(Clock::now() - t0).count();
}

int fail(const char *what)
{
	std::fprintf(stderr, "avcpu-iobench: %s: %s\n", what, std::strerror(errno));
	return 1;
}

bool io_all(int fd, char *buf, size_t len, off_t off, bool write)
{
	while (len) {
		ssize_t n = write ? ::pwrite(fd, buf, len, off) : ::pread(fd, buf, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= size_t(n);
		off += n;
	}
	return true;
}

int blk(const char *dev, unsigned mibs)
{
	int fd = ::open(dev, O_RDWR | O_DIRECT);
	if (fd < 0)
		return fail(dev);
	void *mem = nullptr;
	if (posix_memalign(&mem, direct_align, mib))
		return fail("posix_memalign");
	char *buf = static_cast<char *>(mem);
	std::memset(buf, 0x5a, mib);

	auto t0 = Clock::now();
	for (unsigned i = 0; i < mibs; i++)
		if (!io_all(fd, buf, mib, off_t(i) * off_t(mib), true))
			return fail("sequential write");
	if (::fdatasync(fd))
		return fail("fdatasync");
	double write_s = seconds_since(t0);

	t0 = Clock::now();
	for (unsigned i = 0; i < mibs; i++)
		if (!io_all(fd, buf, mib, off_t(i) * off_t(mib), false))
			return fail("sequential read");
	double read_s = seconds_since(t0);

	// A fixed seed: every run, on either hypervisor, reads the same blocks.
	std::mt19937_64 rng(1);
	std::uniform_int_distribution<uint64_t> block(0, mibs * (mib / blk_random_size) - 1);
	t0 = Clock::now();
	for (unsigned i = 0; i < blk_random_reads; i++)
		if (!io_all(fd, buf, blk_random_size, off_t(block(rng) * blk_random_size), false))
			return fail("random read");
	double random_s = seconds_since(t0);
	::close(fd);
	std::free(mem);
	std::printf("blk mib=%u seq_write_mbps=%.1f seq_read_mbps=%.1f rand4k_read_iops=%.0f\n",
		    mibs, mibs / write_s, mibs / read_s, blk_random_reads / random_s);
	return 0;
}

int accept_one(unsigned port)
{
	int s = ::socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	sockaddr_in a{};
	a.sin_family = AF_INET;
	a.sin_port = htons(uint16_t(port));
	if (s < 0 || ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    ::bind(s, reinterpret_cast<sockaddr *>(&a), sizeof(a)) || ::listen(s, 1))
		return -1;
	int c = ::accept(s, nullptr, nullptr);
	::close(s);
	if (c >= 0)
		::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return c;
}

int connect_to(const char *addr, unsigned port)
{
	sockaddr_in a{};
	a.sin_family = AF_INET;
	a.sin_port = htons(uint16_t(port));
	if (::inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	int s = ::socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	if (s < 0)
		return -1;
	// The listener may start later (a guest still booting): retry for two minutes. A
	// failed connect leaves the socket unspecified, so each try has a new one.
	for (auto t0 = Clock::now(); ::connect(s, reinterpret_cast<sockaddr *>(&a), sizeof(a));) {
		::close(s);
		if (seconds_since(t0) > connect_patience_s)
			return -1;
		::usleep(connect_retry_us);
		s = ::socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0)
			return -1;
	}
	::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return s;
}

// Reads until EOF; prints "WHAT bytes=N mbps=M", timed from the first byte.
int receive_all(int c, const char *what)
{
	std::vector<char> buf(mib);
	uint64_t total = 0;
	Clock::time_point t0;
	for (;;) {
		ssize_t n = ::read(c, buf.data(), buf.size());
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (!total)
			t0 = Clock::now();
		total += uint64_t(n);
	}
	::close(c);
	double s = total ? seconds_since(t0) : 0;
	std::printf("%s bytes=%llu mbps=%.1f\n", what, static_cast<unsigned long long>(total),
		    s > 0 ? double(total) / double(mib) / s : 0.0);
	return total ? 0 : 1;
}

// Writes MIB MiB, then half-closes and waits for the peer's close (its reads are done);
// prints "WHAT mib=N mbps=M".
int send_all(int c, unsigned mibs, const char *what)
{
	std::vector<char> buf(mib, 0x5a);
	auto t0 = Clock::now();
	for (unsigned i = 0; i < mibs; i++)
		for (size_t done = 0; done < mib;) {
			ssize_t n = ::write(c, buf.data() + done, mib - done);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return fail("send");
			done += size_t(n);
		}
	::shutdown(c, SHUT_WR);
	char b;
	while (::read(c, &b, 1) > 0) {
	}
	std::printf("%s mib=%u mbps=%.1f\n", what, mibs, mibs / seconds_since(t0));
	::close(c);
	return 0;
}

int tcp_sink(unsigned port)
{
	int c = accept_one(port);
	return c < 0 ? fail("accept") : receive_all(c, "tcp-sink");
}

int tcp_send(const char *addr, unsigned port, unsigned mibs)
{
	int c = connect_to(addr, port);
	return c < 0 ? fail("connect") : send_all(c, mibs, "tcp-send");
}

int tcp_serve(unsigned port, unsigned mibs)
{
	int c = accept_one(port);
	return c < 0 ? fail("accept") : send_all(c, mibs, "tcp-serve");
}

int tcp_recv(const char *addr, unsigned port)
{
	int c = connect_to(addr, port);
	return c < 0 ? fail("connect") : receive_all(c, "tcp-recv");
}

int make_tap(const char *name)
{
	ifreq ifr{};
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (std::strlen(name) >= sizeof(ifr.ifr_name)) {
		errno = ENAMETOOLONG;
		return fail(name);
	}
	std::strcpy(ifr.ifr_name, name);
	int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0 || ::ioctl(fd, TUNSETIFF, &ifr) || ::ioctl(fd, TUNSETPERSIST, 1))
		return fail("tap");
	::close(fd);
	return 0;
}

int tcp_echo(unsigned port)
{
	int c = accept_one(port);
	if (c < 0)
		return fail("accept");
	char b;
	while (::read(c, &b, 1) == 1)
		if (::write(c, &b, 1) != 1)
			break;
	::close(c);
	return 0;
}

int tcp_rr(const char *addr, unsigned port, unsigned count)
{
	int s = connect_to(addr, port);
	if (s < 0 || !count)
		return fail("connect");
	std::vector<double> us(count);
	char b = 'x';
	for (unsigned i = 0; i < count; i++) {
		auto t0 = Clock::now();
		if (::write(s, &b, 1) != 1 || ::read(s, &b, 1) != 1)
			return fail("round trip");
		us[i] = seconds_since(t0) * 1e6;
	}
	::close(s);
	double sum = 0;
	for (double u : us)
		sum += u;
	std::nth_element(us.begin(), us.begin() + count / 2, us.end());
	std::printf("tcp-rr count=%u mean_us=%.1f median_us=%.1f\n", count, sum / count,
		    us[count / 2]);
	return 0;
}

unsigned number(const char *s)
{
	return unsigned(std::strtoul(s, nullptr, 0));
}

} // namespace

int main(int argc, char **argv)
{
	std::string_view mode = argc > 1 ? argv[1] : "";
	if (mode == "blk" && argc == 4)
		return blk(argv[2], number(argv[3]));
	if (mode == "tcp-sink" && argc == 3)
		return tcp_sink(number(argv[2]));
	if (mode == "tcp-send" && argc == 5)
		return tcp_send(argv[2], number(argv[3]), number(argv[4]));
	if (mode == "tcp-serve" && argc == 4)
		return tcp_serve(number(argv[2]), number(argv[3]));
	if (mode == "tcp-recv" && argc == 4)
		return tcp_recv(argv[2], number(argv[3]));
	if (mode == "tcp-echo" && argc == 3)
		return tcp_echo(number(argv[2]));
	if (mode == "tcp-rr" && argc == 5)
		return tcp_rr(argv[2], number(argv[3]), number(argv[4]));
	if (mode == "tap" && argc == 3)
		return make_tap(argv[2]);
	std::fprintf(stderr, "usage: avcpu-iobench blk DEVICE MIB | tcp-sink PORT | "
			     "tcp-send ADDR PORT MIB | tcp-serve PORT MIB | tcp-recv ADDR PORT | "
			     "tcp-echo PORT | tcp-rr ADDR PORT N | tap NAME\n");
	return 2;
}
