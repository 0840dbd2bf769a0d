// SPDX-License-Identifier: GPL-2.0
// avcpu-run's VirtioDevice on a fake /dev/avcpu that binds eventfds: its doorbells and its
// SPI go to eventfds (the SPI with a resample eventfd), the I/O thread serves a doorbell
// and signals the irqfd with no SPI-line ioctl, raises it again at a resample only while
// InterruptStatus is still set, takes a network device's input only while there are
// receive buffers (no spinning on a port that stays readable), and stops cleanly.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <deque>
#include <mutex>

#include "avcpu/virtio_net.h"
#include "fake_kernel.h"
#include "machine.h"
#include "virtio_device.h"
#include "virtio_guest.h"

namespace
{

using namespace virtio_test;
using namespace avcpu;
namespace net = avcpu::virtio_net;
using Frame = std::vector<uint8_t>;

constexpr uint64_t tx_offset = 0x4000;
constexpr int signal_ms = 2000, quiet_ms = 200;

// Frames pushed from the test thread; its fd an eventfd that polls readable while one
// waits.
class EventPort final : public NetPort
{
public:
	EventPort() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
	~EventPort() override { ::close(fd_); }
	Result<size_t> receive(std::span<uint8_t> buf) override
	{
		std::lock_guard g(lock_);
		receives_++;
		if (waiting_.empty())
			return size_t(0);
		Frame f = std::move(waiting_.front());
		waiting_.pop_front();
		uint64_t count;
		if (waiting_.empty() && ::read(fd_, &count, sizeof(count)) < 0)
			return Error{"read", errno};
		std::memcpy(buf.data(), f.data(), f.size());
		return f.size();
	}
	bool send(std::span<const iovec>) override { return true; }
	int fd() const override { return fd_; }

	void push(Frame f)
	{
		std::lock_guard g(lock_);
		waiting_.push_back(std::move(f));
		uint64_t one = 1;
		ASSERT_EQ(ssize_t(sizeof(one)), ::write(fd_, &one, sizeof(one)));
	}
	unsigned receives()
	{
		std::lock_guard g(lock_);
		return receives_;
	}

private:
	int fd_;
	std::mutex lock_;
	std::deque<Frame> waiting_;
	unsigned receives_ = 0;
};

// Whether fd (an eventfd) is signalled within ms; takes the signal.
bool signalled(int fd, int ms)
{
	pollfd p{fd, POLLIN, 0};
	uint64_t count;
	return ::poll(&p, 1, ms) == 1 && ::read(fd, &count, sizeof(count)) == sizeof(count);
}

void signal(int fd)
{
	uint64_t one = 1;
	ASSERT_EQ(ssize_t(sizeof(one)), ::write(fd, &one, sizeof(one)));
}

class VirtioDeviceTest : public ::testing::Test
{
protected:
	void SetUp() override
	{
		k.eventfds = true;
		auto d = Device::open("/dev/avcpu", k);
		ASSERT_TRUE(d);
		auto v = d.value().create_vm();
		ASSERT_TRUE(v);
		vm.emplace(std::move(v).value());
		auto p = std::make_unique<EventPort>();
		port = p.get();
		dev = std::make_unique<vmm::VirtioDevice>(
			vmm::Machine::virtio_base, vmm::Machine::virtio_spi,
			std::make_unique<VirtioNet>(std::move(p), VirtioNet::Mac{2, 0, 0, 0, 0, 1}),
			guest.view);
		// The driver's initialisation, before there is an I/O thread to race with.
		Driver drv(dev->transport());
		ASSERT_TRUE(drv.start(virtio::f_version_1 | net::f_mac, tx_offset));
		auto b = dev->start_io(*vm, use_eventfds);
		if (!use_eventfds) {
			ASSERT_FALSE(b.doorbells.ok());
			ASSERT_FALSE(b.irqfd.ok());
			return;
		}
		ASSERT_TRUE(b.doorbells.ok()) << b.doorbells.error().message();
		ASSERT_TRUE(b.irqfd.ok()) << b.irqfd.error().message();
		ASSERT_EQ(2u, k.ioeventfds.size());
		ASSERT_EQ(1u, k.irqfds.size());
		irqfd = k.irqfds[0].fd;
		resample = k.irqfds[0].resample_fd;
	}
	void TearDown() override { dev.reset(); }

	int doorbell(unsigned q) { return k.ioeventfds.at(q).fd; }
	// A receive chain of 2 KiB at descriptor i.
	void offer_rx(uint16_t i)
	{
		guest.desc(i, buffers_gpa + 0x1000 * i, 2048, virtq::desc_f_write);
		guest.make_available(i);
	}
	void ack()
	{
		std::lock_guard g(dev->mutex());
		ASSERT_TRUE(dev->transport().write(virtio::reg_interrupt_ack, 4,
						   virtio::int_used_buffer));
	}

	bool use_eventfds = true;
	FakeKernel k;
	std::optional<Vm> vm;
	Guest guest;
	EventPort *port = nullptr;
	std::unique_ptr<vmm::VirtioDevice> dev;
	int irqfd = -1, resample = -1;
};

TEST_F(VirtioDeviceTest, BindsDoorbellsAndALevelIrqfd)
{
	for (unsigned q = 0; q < 2; q++) {
		EXPECT_EQ(vmm::Machine::virtio_base + virtio::reg_queue_notify,
			  k.ioeventfds[q].addr);
		EXPECT_EQ(q, k.ioeventfds[q].datamatch);
	}
	EXPECT_EQ(vmm::Machine::virtio_spi, k.irqfds[0].intid);
	EXPECT_EQ(uint32_t(AVCPU_IRQFD_RESAMPLE), k.irqfds[0].flags);
}

TEST_F(VirtioDeviceTest, ACompletionSignalsTheIrqfdAndAResampleOnlyWhatIsPending)
{
	Frame bytes(net::header_size + 60, 0x11);
	std::memcpy(guest.at(buffers_gpa), bytes.data(), bytes.size());
	guest.desc(0, buffers_gpa, uint32_t(bytes.size()), 0, 0, desc_gpa + tx_offset);
	guest.make_available(0, avail_gpa + tx_offset);
	signal(doorbell(net::tx_queue));
	ASSERT_TRUE(signalled(irqfd, signal_ms)) << "no interrupt by irqfd";
	EXPECT_EQ(1, guest.used_idx(used_gpa + tx_offset));
	EXPECT_TRUE(k.irq_levels.empty()) << "an SPI-line ioctl besides the irqfd";

	// The guest ended the interrupt without acknowledging it: still a level, raised again.
	signal(resample);
	EXPECT_TRUE(signalled(irqfd, signal_ms));
	// Acknowledged, then ended: nothing more.
	ack();
	signal(resample);
	EXPECT_FALSE(signalled(irqfd, quiet_ms));
	auto c = dev->counts();
	EXPECT_EQ(2u, c.irqfd_signals);
	EXPECT_EQ(0u, c.line_raises);
}

TEST_F(VirtioDeviceTest, InputIsTakenOnlyIntoBuffers)
{
	// A frame waits and the port polls readable, but there is no receive buffer: the
	// thread leaves it there, and does not spin on it.
	port->push(Frame(60, 0x22));
	usleep(quiet_ms * 1000);
	EXPECT_EQ(0u, port->receives());

	offer_rx(0);
	offer_rx(1);
	signal(doorbell(net::rx_queue));
	ASSERT_TRUE(signalled(irqfd, signal_ms));
	EXPECT_EQ(1, guest.used_idx());
	EXPECT_EQ(net::header_size + 60, guest.used(0).second);
	ack();

	// A buffer left: the port is watched, and the next frame comes in without a doorbell.
	port->push(Frame(70, 0x33));
	ASSERT_TRUE(signalled(irqfd, signal_ms));
	EXPECT_EQ(2, guest.used_idx());
	EXPECT_EQ(net::header_size + 70, guest.used(1).second);

	// No buffer again: a third frame waits in the port, looked at once at most.
	unsigned before = port->receives();
	port->push(Frame(80, 0x44));
	usleep(quiet_ms * 1000);
	EXPECT_GE(before + 1, port->receives()) << "the thread spins on a readable port";
	EXPECT_EQ(2, guest.used_idx());
}

// avcpu-run --no-eventfd: nothing bound although the hypervisor could; a QueueNotify is an
// MMIO write served on the vCPU's thread, and its completion an SPI-line ioctl.
class VirtioDeviceNoEventfdTest : public VirtioDeviceTest
{
protected:
	VirtioDeviceNoEventfdTest() { use_eventfds = false; }
};

TEST_F(VirtioDeviceNoEventfdTest, BindsNothingAndInterruptsByIoctl)
{
	EXPECT_TRUE(k.ioeventfds.empty());
	EXPECT_TRUE(k.irqfds.empty());
	// The line as Machine::attach connects it: to the SPI-line ioctl.
	dev->connect_irq([this](bool level) {
		ASSERT_TRUE(vm->set_spi_line(vmm::Machine::virtio_spi, level));
	});
	Frame bytes(net::header_size + 60, 0x11);
	std::memcpy(guest.at(buffers_gpa), bytes.data(), bytes.size());
	guest.desc(0, buffers_gpa, uint32_t(bytes.size()), 0, 0, desc_gpa + tx_offset);
	guest.make_available(0, avail_gpa + tx_offset);
	{
		std::lock_guard g(dev->mutex());
		ASSERT_TRUE(dev->transport().write(virtio::reg_queue_notify, 4, net::tx_queue));
	}
	EXPECT_EQ(1, guest.used_idx(used_gpa + tx_offset));
	ASSERT_FALSE(k.irq_levels.empty()) << "no SPI-line ioctl for the completion";
	EXPECT_EQ(1u, k.irq_levels.back().level);
	auto c = dev->counts();
	EXPECT_EQ(0u, c.irqfd_signals);
	EXPECT_EQ(1u, c.line_raises);
}

} // namespace
