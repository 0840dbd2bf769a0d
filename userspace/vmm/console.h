// SPDX-License-Identifier: GPL-2.0
// avcpu-run's side of the guest console: standard input to the PL011's receive FIFO from a
// reader thread, the terminal in raw mode for the session (restored on every way out), an
// escape sequence to quit, and SIGINT/SIGTERM/SIGHUP turned into an orderly stop.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "avcpu/result.h"

namespace vmm
{

class Pl011;

// Ctrl-A then x quits; Ctrl-A Ctrl-A sends one Ctrl-A; Ctrl-A h prints the keys; Ctrl-A
// then anything else sends both bytes. Only for a terminal: piped input goes as it is.
class EscapeFilter
{
public:
	static constexpr uint8_t escape = 0x01; // Ctrl-A
	enum class Action { none, quit, help };

	// Feeds one typed byte; what the guest should get is appended to out.
	Action feed(uint8_t byte, std::vector<uint8_t> &out);

private:
	bool after_escape_ = false;
};

// The keys, for --help and Ctrl-A h.
extern const char console_keys_help[];

class Console
{
public:
	struct Hooks {
		std::function<void()> quit;		// the escape sequence
		std::function<void(int signal)> signal; // SIGINT, SIGTERM or SIGHUP arrived
	};

	// Reads input_fd (standard input). A terminal in the foreground goes to raw mode with
	// the escape sequence on; anything else is passed through as it comes, and its end
	// is just the end of input. Blocks SIGINT, SIGTERM and SIGHUP in the calling thread,
	// so call it before any other thread starts: they all inherit the mask and the
	// signals reach the reader thread only.
	static avcpu::Result<std::unique_ptr<Console>> start(int input_fd, Hooks hooks);
	Console(const Console &) = delete;
	Console &operator=(const Console &) = delete;
	// Stops the reader thread, restores the terminal and the signal mask.
	~Console();

	// Where input goes from now on (nullptr: nowhere; bytes wait, up to a limit).
	void attach(Pl011 *uart);
	bool raw_terminal() const { return raw_; }

private:
	Console(int input_fd, Hooks hooks) : input_fd_(input_fd), hooks_(std::move(hooks)) {}
	avcpu::Status open_fds();
	void reader();
	void read_input();
	void take_signal();
	void deliver_pending();
	bool accepting_input() const;

	int input_fd_;
	Hooks hooks_;
	bool raw_ = false;
	bool input_open_ = true;
	int stop_fd_ = -1, room_fd_ = -1, signal_fd_ = -1;
	EscapeFilter escape_;
	mutable std::mutex lock_; // uart_ and pending_
	Pl011 *uart_ = nullptr;
	std::deque<uint8_t> pending_;
	std::thread thread_;
};

// The terminal's settings before raw mode, put back by the destructor and, should
// something call exit() first, by an atexit handler. Idempotent.
void restore_terminal();

} // namespace vmm
