// SPDX-License-Identifier: GPL-2.0
#include "console.h"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "pl011.h"

namespace vmm
{

const char console_keys_help[] = "Ctrl-A x quit, Ctrl-A Ctrl-A send Ctrl-A, Ctrl-A h this help";

EscapeFilter::Action EscapeFilter::feed(uint8_t byte, std::vector<uint8_t> &out)
{
	if (!after_escape_) {
		if (byte == escape)
			after_escape_ = true;
		else
			out.push_back(byte);
		return Action::none;
	}
	after_escape_ = false;
	switch (byte) {
	case 'x':
	case 'X':
		return Action::quit;
	case 'h':
	case 'H':
	case '?':
		return Action::help;
	case escape:
		out.push_back(escape);
		return Action::none;
	default:
		out.push_back(escape);
		out.push_back(byte);
		return Action::none;
	}
}

namespace
{

// Input that arrives while the guest does not read stays here, up to this much; beyond it
// a pipe is no longer read (it waits), a terminal's keystrokes are dropped (as a UART
// would overrun) so that the escape sequence keeps working.
constexpr size_t pending_limit = 1 << 20;

constexpr int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

// The saved terminal state is process-wide: there is one standard input.
std::mutex terminal_lock;
bool terminal_saved = false;
int terminal_fd = -1;
termios terminal_before{};

// Raw input (no line editing, echo, signals from keys, or CR/LF translation, 8-bit) with
// output processing left on, so that guests writing "\n" still start their lines at the
// left margin.
bool enter_raw_mode(int fd)
{
	if (!isatty(fd) || tcgetpgrp(fd) != getpgrp())
		return false;
	termios t{};
	if (tcgetattr(fd, &t))
		return false;
	{
		std::lock_guard guard(terminal_lock);
		terminal_before = t;
		terminal_fd = fd;
		terminal_saved = true;
	}
	static std::once_flag registered;
	std::call_once(registered, [] { std::atexit(restore_terminal); });
	t.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	t.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t.c_cflag = (t.c_cflag & ~tcflag_t(CSIZE | PARENB)) | CS8;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	return tcsetattr(fd, TCSAFLUSH, &t) == 0;
}

sigset_t stop_signal_set()
{
	sigset_t set;
	sigemptyset(&set);
	for (int s : stop_signals)
		sigaddset(&set, s);
	return set;
}

void wake(int fd)
{
	uint64_t one = 1;
	ssize_t n = ::write(fd, &one, sizeof(one));
	(void)n; // a full counter still wakes the reader
}

void drain(int fd)
{
	uint64_t count;
	ssize_t n = ::read(fd, &count, sizeof(count));
	(void)n;
}

} // namespace

void restore_terminal()
{
	std::lock_guard guard(terminal_lock);
	if (!terminal_saved)
		return;
	tcsetattr(terminal_fd, TCSAFLUSH, &terminal_before);
	terminal_saved = false;
}

avcpu::Result<std::unique_ptr<Console>> Console::start(int input_fd, Hooks hooks)
{
	std::unique_ptr<Console> c(new Console(input_fd, std::move(hooks)));
	if (auto st = c->open_fds(); !st)
		return st.error();
	c->raw_ = enter_raw_mode(input_fd);
	// A terminal that is not ours (avcpu-run in the background) is left alone: reading it
	// would stop the process with SIGTTIN.
	c->input_open_ = c->raw_ || !isatty(input_fd);
	c->thread_ = std::thread([p = c.get()] { p->reader(); });
	return c;
}

avcpu::Status Console::open_fds()
{
	sigset_t set = stop_signal_set();
	if (pthread_sigmask(SIG_BLOCK, &set, nullptr))
		return avcpu::Error{"pthread_sigmask", EINVAL};
	stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	room_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	signal_fd_ = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (stop_fd_ < 0 || room_fd_ < 0 || signal_fd_ < 0)
		return avcpu::last_error("console eventfd/signalfd");
	return {};
}

Console::~Console()
{
	if (thread_.joinable()) {
		wake(stop_fd_);
		thread_.join();
	}
	attach(nullptr);
	restore_terminal();
	for (int fd : {stop_fd_, room_fd_, signal_fd_})
		if (fd >= 0)
			::close(fd);
	sigset_t set = stop_signal_set();
	pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

void Console::attach(Pl011 *uart)
{
	std::lock_guard guard(lock_);
	if (uart_)
		uart_->on_rx_room(nullptr);
	uart_ = uart;
	if (uart_)
		uart_->on_rx_room([fd = room_fd_] { wake(fd); });
	wake(room_fd_); // deliver what waited for a UART
}

// Standard input is read while there is somewhere to keep it; a terminal always, so that
// the escape sequence works even when the guest reads nothing.
bool Console::accepting_input() const
{
	if (!input_open_)
		return false;
	if (raw_)
		return true;
	std::lock_guard guard(lock_);
	return pending_.size() < pending_limit;
}

void Console::reader()
{
	for (;;) {
		pollfd fds[4] = {{stop_fd_, POLLIN, 0},
				 {signal_fd_, POLLIN, 0},
				 {room_fd_, POLLIN, 0},
				 {input_fd_, POLLIN, 0}};
		nfds_t n = accepting_input() ? 4 : 3;
		if (::poll(fds, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (fds[0].revents)
			return;
		if (fds[1].revents)
			take_signal();
		if (fds[2].revents)
			drain(room_fd_);
		if (n == 4 && fds[3].revents)
			read_input();
		deliver_pending();
	}
}

void Console::take_signal()
{
	signalfd_siginfo info{};
	if (::read(signal_fd_, &info, sizeof(info)) == ssize_t(sizeof(info)) && hooks_.signal)
		hooks_.signal(int(info.ssi_signo));
}

void Console::read_input()
{
	uint8_t buf[4096];
	ssize_t n = ::read(input_fd_, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) { // the end of input (or a terminal hung up): the guest runs on
		input_open_ = false;
		return;
	}
	std::vector<uint8_t> bytes;
	if (!raw_) {
		bytes.assign(buf, buf + n);
	} else {
		for (ssize_t i = 0; i < n; i++) {
			auto action = escape_.feed(buf[i], bytes);
			if (action == EscapeFilter::Action::quit && hooks_.quit)
				hooks_.quit();
			if (action == EscapeFilter::Action::help)
				std::fprintf(stderr, "\r\navcpu-run: %s\r\n", console_keys_help);
		}
	}
	std::lock_guard guard(lock_);
	for (uint8_t b : bytes)
		if (pending_.size() < pending_limit)
			pending_.push_back(b);
}

// Into the UART's FIFO as far as it has room; the rest waits for the guest to read (the
// UART wakes room_fd_ when it does).
void Console::deliver_pending()
{
	std::lock_guard guard(lock_);
	if (!uart_ || pending_.empty())
		return;
	uint8_t chunk[Pl011::rx_fifo_depth];
	size_t n = 0;
	while (n < sizeof(chunk) && n < pending_.size()) {
		chunk[n] = pending_[n];
		n++;
	}
	size_t taken = uart_->receive(chunk, n);
	pending_.erase(pending_.begin(), pending_.begin() + std::ptrdiff_t(taken));
}

} // namespace vmm
