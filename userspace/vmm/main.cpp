// SPDX-License-Identifier: GPL-2.0
// avcpu-run: runs a guest (an ELF or raw test guest, or an arm64 Linux kernel) on
// /dev/avcpu with a PL011 console, a test device and, for Linux, the in-kernel GICv3.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "boot.h"
#include "console.h"
#include "options.h"

namespace
{

using namespace vmm;

[[noreturn]] void fail(int status, const std::string &message)
{
	std::fprintf(stderr, "avcpu-run: %s\n", message.c_str());
	std::exit(status);
}

// Before anything is set up, so that a typo costs nothing.
void check_readable(const char *what, const std::string &path)
{
	if (!path.empty() && access(path.c_str(), R_OK))
		fail(status_no_input, std::string("cannot read ") + what + " '" + path +
					      "': " + std::strerror(errno));
}

// A second signal while the first one's stop is under way: the user means it.
void on_signal(StopControl &control, int signo)
{
	if (control.stop_requested() && control.signal()) {
		restore_terminal();
		_exit(128 + signo);
	}
	control.request_stop(signo);
}

int run_vmm(int argc, char **argv)
{
	Options o = parse_options(argc, argv);
	check_readable("guest", o.guest);
	check_readable("kernel", o.kernel);
	check_readable("initrd", o.initrd);
	// A closed output pipe is the console going away, not a reason to die with the
	// terminal in raw mode: writes just fail.
	std::signal(SIGPIPE, SIG_IGN);

	StopControl control;
	Console::Hooks hooks;
	hooks.quit = [&control] { control.request_stop(0); };
	hooks.signal = [&control](int signo) { on_signal(control, signo); };
	auto console = Console::start(STDIN_FILENO, hooks);
	if (!console)
		fail(status_guest_fault, console.error().message());

	int status = run_boots(o, *console.value(), control);
	console.value().reset(); // the terminal as it was, signals unblocked
	if (int signo = control.signal()) {
		std::signal(signo, SIG_DFL);
		std::raise(signo);
	}
	return status;
}

} // namespace

int main(int argc, char **argv)
{
	// The library reports errors as values; what can still throw is the standard
	// library running out of memory.
	try {
		return run_vmm(argc, argv);
	} catch (const std::exception &e) {
		vmm::restore_terminal();
		std::fprintf(stderr, "avcpu-run: %s\n", e.what());
		return vmm::status_guest_fault;
	}
}
