// SPDX-License-Identifier: GPL-2.0
// The console: the escape sequence, piped input reaching the guest's FIFO in order through
// a full FIFO and across attaches, its end not ending anything, and signals arriving as
// calls instead of killing the process.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "avcpu/mmio_bus.h"
#include "console.h"
#include "pl011.h"

namespace
{

using namespace std::chrono_literals;
using Action = vmm::EscapeFilter::Action;

std::string feed_all(vmm::EscapeFilter &f, const std::string &typed, std::vector<Action> &acts)
{
	std::vector<uint8_t> out;
	for (char c : typed) {
		Action a = f.feed(uint8_t(c), out);
		if (a != Action::none)
			acts.push_back(a);
	}
	return std::string(out.begin(), out.end());
}

TEST(EscapeFilter, CtrlAThenKeys)
{
	vmm::EscapeFilter f;
	std::vector<Action> acts;
	EXPECT_EQ("ls\r", feed_all(f, "ls\r", acts));
	EXPECT_TRUE(acts.empty());
	EXPECT_EQ("\x01", feed_all(f, "\x01\x01", acts)) << "Ctrl-A Ctrl-A sends one Ctrl-A";
	EXPECT_EQ("\x01q", feed_all(f, "\x01q", acts)) << "an unknown key sends both";
	EXPECT_TRUE(acts.empty());
	EXPECT_EQ("a", feed_all(f, "a\x01h", acts));
	EXPECT_EQ(std::vector<Action>{Action::help}, acts);
	acts.clear();
	EXPECT_EQ("b", feed_all(f, "b\x01", acts)) << "the escape waits for the next key";
	EXPECT_EQ("", feed_all(f, "x", acts));
	EXPECT_EQ(std::vector<Action>{Action::quit}, acts);
}

struct ConsoleTest : testing::Test {
	int pipe_fds[2] = {-1, -1};
	avcpu::MmioBus bus;
	vmm::Pl011 uart{0x09000000, 33, nullptr};
	std::atomic<int> quits{0}, last_signal{0};
	std::unique_ptr<vmm::Console> console;

	void SetUp() override
	{
		ASSERT_EQ(0, pipe(pipe_fds));
		ASSERT_TRUE(bus.add(0x09000000, vmm::Pl011::size, uart).ok());
		vmm::Console::Hooks hooks;
		hooks.quit = [this] { quits++; };
		hooks.signal = [this](int s) { last_signal = s; };
		auto c = vmm::Console::start(pipe_fds[0], hooks);
		ASSERT_TRUE(c.ok()) << c.error().message();
		console = std::move(c.value());
	}
	void TearDown() override
	{
		console.reset();
		for (int fd : pipe_fds)
			if (fd >= 0)
				close(fd);
	}
	void type(const std::string &s)
	{
		ASSERT_EQ(ssize_t(s.size()), write(pipe_fds[1], s.data(), s.size()));
	}
	// Reads the UART as a guest would (FR.RXFE, then DR) until count bytes or 5 s.
	std::string guest_reads(size_t count)
	{
		std::string got;
		auto deadline = std::chrono::steady_clock::now() + 5s;
		while (got.size() < count && std::chrono::steady_clock::now() < deadline) {
			uint64_t fr = 0, dr = 0;
			EXPECT_TRUE(bus.read(0x09000000 + vmm::pl011::fr, 4, fr));
			if (fr & vmm::pl011::fr_rxfe) {
				std::this_thread::sleep_for(1ms);
				continue;
			}
			EXPECT_TRUE(bus.read(0x09000000 + vmm::pl011::dr, 4, dr));
			got += char(dr);
		}
		return got;
	}
};

TEST_F(ConsoleTest, PipedInputReachesTheGuestInOrderThroughAFullFifo)
{
	EXPECT_FALSE(console->raw_terminal());
	std::string text;
	for (int i = 0; i < 100; i++)
		text += char('A' + i % 26);
	text += "\x01x"; // not a terminal: no escape sequence, the bytes go through
	type(text);	 // before any UART is attached: it waits
	std::this_thread::sleep_for(20ms);
	EXPECT_EQ(vmm::Pl011::rx_fifo_depth, uart.rx_room());
	console->attach(&uart);
	EXPECT_EQ(text, guest_reads(text.size()));
	EXPECT_EQ(0, quits.load());
}

TEST_F(ConsoleTest, EndOfInputIsOnlyThat)
{
	console->attach(&uart);
	type("bye");
	close(pipe_fds[1]);
	pipe_fds[1] = -1;
	EXPECT_EQ("bye", guest_reads(3));
	std::this_thread::sleep_for(20ms);
	EXPECT_EQ(0, quits.load());
	EXPECT_EQ(0, last_signal.load());
	auto start = std::chrono::steady_clock::now();
	console.reset();
	EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "the reader thread ends";
}

// The console blocks SIGHUP for this thread and takes it through its signalfd: the
// process lives and the hook hears of it.
TEST_F(ConsoleTest, SignalsBecomeCalls)
{
	ASSERT_EQ(0, kill(getpid(), SIGHUP));
	auto deadline = std::chrono::steady_clock::now() + 5s;
	while (!last_signal.load() && std::chrono::steady_clock::now() < deadline)
		std::this_thread::sleep_for(1ms);
	EXPECT_EQ(SIGHUP, last_signal.load());
	EXPECT_EQ(0, quits.load());
}

} // namespace
