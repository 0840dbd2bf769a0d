// SPDX-License-Identifier: GPL-2.0
// The Linux guest's boot to its shell prompt under avcpu-run, on the backend's device: the
// same Image, initramfs and VMM on both hypervisors (the test machine's /avcpu/linux, the
// guest avcpu_linux_test boots). Wall-clock seconds from avcpu-run's start to the prompt.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "linux_boot.h"
#include "report.h"

namespace bench
{
namespace
{

const char prompt[] = "guest# "; // scripts/guest/linux-guest-init's PS1
constexpr double boot_timeout_ns = 900e9;
constexpr int poll_ms = 200;

// avcpu-run with the guest on cpus vCPUs, its console on a pipe; its pid, or -errno.
pid_t start_guest(const LinuxGuest &g, const char *device, unsigned cpus, int &out)
{
	int pipe_out[2];
	if (pipe(pipe_out))
		return -errno;
	std::string n = std::to_string(cpus);
	const char *argv[] = {"avcpu-run",
			      "--cpus",
			      n.c_str(),
			      "--mem",
			      "512",
			      "--kernel",
			      g.image,
			      "--initrd",
			      g.initrd,
			      "--cmdline",
			      "console=ttyAMA0 rdinit=/init",
			      "--device",
			      device,
			      nullptr};
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		dup2(pipe_out[1], STDOUT_FILENO);
		dup2(pipe_out[1], STDERR_FILENO);
		close(pipe_out[0]);
		close(pipe_out[1]);
		execvp(argv[0], const_cast<char *const *>(argv));
		_exit(127);
	}
	close(pipe_out[1]);
	out = pipe_out[0];
	return pid;
}

// Reads the console until the prompt: the seconds it took, or -1 (the output on stderr).
double until_prompt(int out, double start)
{
	std::string text;
	char buf[4096];
	for (;;) {
		pollfd p{out, POLLIN, 0};
		if (now_ns() - start > boot_timeout_ns || poll(&p, 1, poll_ms) < 0)
			break;
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		ssize_t n = read(out, buf, sizeof(buf));
		if (n <= 0)
			break;
		text.append(buf, size_t(n));
		if (text.find(prompt) != std::string::npos)
			return (now_ns() - start) / 1e9;
	}
	std::fprintf(stderr, "avcpu-bench: no prompt from the Linux guest:\n%s\n", text.c_str());
	return -1;
}

} // namespace

bool linux_boot(const LinuxGuest &g, const char *backend, unsigned cpus, unsigned long r)
{
	const char *device = std::strcmp(backend, "kvm") ? "/dev/avcpu" : "/dev/kvm";
	std::vector<double> secs;
	for (unsigned long i = 0; i < r; i++) {
		int out = -1;
		double start = now_ns();
		pid_t pid = start_guest(g, device, cpus, out);
		if (pid < 0) {
			std::fprintf(stderr, "avcpu-bench: avcpu-run: %s\n", std::strerror(-pid));
			return false;
		}
		double s = until_prompt(out, start);
		kill(pid, SIGKILL);
		waitpid(pid, nullptr, 0);
		close(out);
		if (s < 0)
			return false;
		secs.push_back(s);
	}
	std::string name = "linux_boot_" + std::to_string(cpus);
	print_line(backend, name.c_str(), 1, r, secs, {}, Unit::s);
	return true;
}

} // namespace bench
