// SPDX-License-Identifier: GPL-2.0
#include "boot.h"

#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "loader.h"
#include "pl011.h"
#include "tap.h"
#include "test_device.h"
#include "virtio_device.h"
#include "avcpu/virtio_blk.h"
#include "avcpu/virtio_net.h"
#include "avcpu/virtio_rng.h"

namespace vmm
{

namespace
{
// EL1h with D, A, I and F masked: the boot protocol's PSTATE, and a new vCPU's.
constexpr uint64_t pstate_el1h_daif_masked = 0x3c5;
} // namespace

void StopControl::set_runner(avcpu::Runner *runner)
{
	std::lock_guard guard(lock_);
	runner_ = runner;
	if (requested_)
		stop_runner();
}

void StopControl::request_stop(int signal)
{
	std::lock_guard guard(lock_);
	if (!requested_ || signal_ == 0)
		signal_ = signal;
	requested_ = true;
	stop_runner();
}

// A signal's status is what the shell reports for a process the signal ended; main()
// re-raises the signal after the terminal is restored.
void StopControl::stop_runner()
{
	if (runner_)
		runner_->stop(avcpu::StopReason::requested, signal_ ? 128 + signal_ : status_ok,
			      signal_ ? std::string("stopped by signal ") + strsignal(signal_)
				      : std::string("the user quit"));
}

bool StopControl::stop_requested() const
{
	std::lock_guard guard(lock_);
	return requested_;
}

int StopControl::signal() const
{
	std::lock_guard guard(lock_);
	return signal_;
}

bool Boot::fail(int status, const std::string &message)
{
	failure_ = {status, message};
	return false;
}

bool Boot::prepare()
{
	if (!open_vm() || !load_image() || !build_machine() || !place_device_tree() ||
	    !create_vcpus())
		return false;
	start_virtio_io();
	return true;
}

bool Boot::open_vm()
{
	auto dev = avcpu::Device::open(o_.device, kernel_);
	bool kvm_node = o_.device == avcpu::Device::kvm_path;
	const char *hint = kvm_node ? "; does KVM own EL2 here?)" : "; is avcpu.ko loaded?)";
	if (!dev)
		return fail(status_unavailable, dev.error().message() + " (" + o_.device + hint);
	device_.emplace(std::move(dev).value());
	bool kvm = device_->hypervisor() == avcpu::Hypervisor::kvm;
	if (kvm && o_.user_psci)
		return fail(status_unavailable,
			    "--psci=user needs avcpu: KVM serves PSCI in the kernel (" + o_.device +
				    " is KVM)");
	auto vm = device_->create_vm();
	if (!vm)
		return fail(status_unavailable, vm.error().message());
	vm_.emplace(std::move(vm).value());
	if (o_.user_psci)
		if (auto st = vm_->set_config(AVCPU_VM_PSCI_USER); !st)
			return fail(status_guest_fault, st.error().message());
	auto ram = avcpu::GuestMemory::anonymous(o_.memory_bytes(), o_.huge);
	if (!ram)
		return fail(status_guest_fault, ram.error().message());
	ram_.emplace(std::move(ram).value());
	return true;
}

bool Boot::load_image()
{
	MachineConfig defaults;
	GuestRam ram{ram_->data(), defaults.ram_base, ram_->size()};
	std::string error;
	if (o_.linux_boot()) {
		LinuxLoaded l;
		if (!load_linux(o_.kernel, o_.initrd, ram, linux_dtb_address(ram), l, error))
			return fail(status_bad_guest, error);
		entry_ = l.kernel_base;
		image_end_ = l.initrd_end ? l.initrd_end : l.kernel_end;
		chosen_.initrd_start = l.initrd_start;
		chosen_.initrd_end = l.initrd_end;
		return true;
	}
	Loaded loaded{};
	if (!load_guest(o_.guest, ram, o_.load_addr, loaded, error))
		return fail(status_bad_guest, error);
	entry_ = o_.entry_set ? o_.entry : loaded.entry;
	if (entry_ < ram.base || entry_ >= ram.base + ram.size)
		return fail(status_bad_guest, "entry point outside guest RAM");
	image_end_ = loaded.high;
	return true;
}

bool Boot::build_machine()
{
	MachineConfig config;
	config.ram_size = ram_->size();
	config.cpus = o_.cpus;
	config.gic = o_.gic_enabled();
	machine_ = std::make_unique<Machine>(config);

	auto uart = std::make_unique<Pl011>(Machine::uart_base, Machine::uart_spi, [](uint8_t c) {
		ssize_t n = ::write(STDOUT_FILENO, &c, 1);
		(void)n; // a console that went away does not stop the guest
	});
	uart_ = uart.get();
	auto test_device =
		std::make_unique<TestDevice>(Machine::test_device_base, [this](int code) {
			stop_run(avcpu::StopReason::requested, code & 0x3f, "");
		});
	if (!machine_->add(std::move(uart)) || !machine_->add(std::move(test_device)))
		return fail(status_guest_fault, "device layout overlaps");
	if (!add_virtio_devices())
		return false;

	auto st = machine_->attach(*vm_, [this](const MachineDevice &d, const avcpu::Error &e) {
		stop_run(avcpu::StopReason::error, status_guest_fault,
			 std::string(d.name()) + " interrupt (SPI " + std::to_string(d.spi()) +
				 "): " + e.message());
	});
	if (!st && st.error().error == ENODEV)
		return fail(status_unavailable,
			    st.error().message() +
				    " (this host cannot give the guest a GICv3; --gic=off runs "
				    "without one, which Linux cannot boot with)");
	if (!st)
		return fail(status_guest_fault, st.error().message());
	return true;
}

// Doorbells and interrupts by eventfd where the hypervisor has them; else MMIO exits and
// the SPI-line ioctl, said with --trace. Last in prepare(): an irqfd needs the vGIC, and
// on KVM binding one initialises it, after which no vCPU can be added.
void Boot::start_virtio_io()
{
	for (auto *d : virtio_) {
		auto b = d->start_io(*vm_, o_.eventfds);
		if (o_.trace == Options::Trace::off)
			continue;
		if (!b.doorbells)
			std::fprintf(stderr,
				     "avcpu-run: %s@%" PRIx64
				     ": doorbells exit to userspace (%s)\n",
				     d->name(), d->base(), b.doorbells.error().message().c_str());
		if (!b.irqfd)
			std::fprintf(stderr,
				     "avcpu-run: %s@%" PRIx64 ": interrupts by ioctl (%s)\n",
				     d->name(), d->base(), b.irqfd.error().message().c_str());
	}
}

namespace
{
// The Nth --net's MAC: 02:61:76:63:70:N. 0x02 in the first byte: locally administered,
// unicast (IEEE 802); "avcp" after it, ours.
constexpr avcpu::VirtioNet::Mac net_mac_base = {0x02, 0x61, 0x76, 0x63, 0x70, 0x00};

// Why a tap cannot be opened, with what to do about the usual causes.
std::string tap_failure(const std::string &name, const avcpu::Error &e)
{
	std::string why = "cannot open tap '";
	why += name;
	why += "': ";
	why += e.message();
	if (e.error == EPERM) {
		why += " (creating a tap needs CAP_NET_ADMIN; or create it beforehand, owned by "
		       "this user: ip tuntap add dev ";
		why += name;
		why += " mode tap user $USER)";
	} else if (e.error == ENOENT) {
		why += " (is the tun module loaded?)";
	}
	return why;
}
} // namespace

bool Boot::add_net_backends(std::vector<std::unique_ptr<avcpu::VirtioBackend>> &backends)
{
	for (size_t i = 0; i < o_.nets.size(); i++) {
		auto tap = TapPort::open(o_.nets[i].tap);
		if (!tap)
			return fail(status_unavailable, tap_failure(o_.nets[i].tap, tap.error()));
		avcpu::VirtioNet::Mac mac = net_mac_base;
		mac.back() = uint8_t(i + 1);
		backends.push_back(std::make_unique<avcpu::VirtioNet>(std::move(tap).value(), mac));
	}
	return true;
}

// The --disk images in order, then --rng, then the --net taps, each in the next virtio
// window.
bool Boot::add_virtio_devices()
{
	const auto &config = machine_->config();
	guest_view_ = avcpu::GuestView();
	guest_view_.add(config.ram_base, ram_->data(), config.ram_size);
	std::vector<std::unique_ptr<avcpu::VirtioBackend>> backends;
	for (const auto &disk : o_.disks) {
		auto blk = avcpu::VirtioBlock::open(disk.path, disk.read_only);
		if (!blk)
			return fail(status_no_input, "cannot open disk '" + disk.path +
							     "': " + blk.error().message());
		backends.push_back(std::move(blk).value());
	}
	if (o_.rng)
		backends.push_back(std::make_unique<avcpu::VirtioRng>());
	if (!add_net_backends(backends))
		return false;
	virtio_.clear();
	for (size_t i = 0; i < backends.size(); i++) {
		auto device = std::make_unique<VirtioDevice>(
			Machine::virtio_base + i * avcpu::virtio::mmio_window,
			Machine::virtio_spi + uint32_t(i), std::move(backends[i]), guest_view_);
		VirtioDevice *added = device.get();
		if (!machine_->add(std::move(device)))
			return fail(status_usage, "too many virtio devices");
		virtio_.push_back(added);
	}
	return true;
}

// At the top of RAM, 2 MiB below its end (8-byte aligned, above the image and initrd).
bool Boot::place_device_tree()
{
	if (!o_.dtb && o_.dtb_out.empty())
		return true;
	chosen_.bootargs = o_.bootargs;
	chosen_.stdout_path = uart_->fdt_path();
	std::string error;
	auto blob = machine_->device_tree(chosen_, error);
	if (blob.empty())
		return fail(status_guest_fault, error);
	const auto &config = machine_->config();
	uint64_t at = config.ram_base + config.ram_size - (2 << 20);
	if (image_end_ > at)
		return fail(status_bad_guest,
			    "no room for the device tree above the image; use more --memory");
	if (o_.dtb) {
		std::memcpy(ram_->data() + (at - config.ram_base), blob.data(), blob.size());
		dtb_address_ = at;
	}
	if (!o_.dtb_out.empty()) {
		std::ofstream f(o_.dtb_out, std::ios::binary);
		f.write(reinterpret_cast<const char *>(blob.data()), std::streamsize(blob.size()));
		if (!f)
			return fail(status_usage, "cannot write '" + o_.dtb_out + "'");
	}
	return true;
}

// vCPU 0 at the entry point with x0 = the device tree and x1-x3 = 0, the rest off.
bool Boot::create_vcpus()
{
	const auto &config = machine_->config();
	if (auto st = vm_->map_memory(0, config.ram_base, ram_->data(), config.ram_size); !st)
		return fail(status_guest_fault, st.error().message());
	for (unsigned i = 0; i < o_.cpus; i++) {
		auto v = vm_->create_vcpu(i, i != 0);
		if (!v)
			return fail(status_guest_fault, v.error().message());
		vcpus_.push_back(std::move(v).value());
	}
	auto regs = vcpus_[0].regs();
	if (!regs)
		return fail(status_guest_fault, regs.error().message());
	regs.value().pc = entry_;
	regs.value().pstate = pstate_el1h_daif_masked;
	for (unsigned i = 0; i < 4; i++)
		regs.value().x[i] = i == 0 ? dtb_address_ : 0;
	if (auto st = vcpus_[0].set_regs(regs.value()); !st)
		return fail(status_guest_fault, st.error().message());
	return true;
}

void Boot::stop_run(avcpu::StopReason reason, int code, const std::string &message)
{
	if (runner_)
		runner_->stop(reason, code, message);
}

avcpu::Outcome Boot::run(Console &console, StopControl &control)
{
	avcpu::Runner runner(vcpus_, machine_->bus(), hooks());
	runner_ = &runner;
	console.attach(uart_);
	control.set_runner(&runner);
	avcpu::Outcome outcome = runner.run();
	control.set_runner(nullptr);
	console.attach(nullptr);
	runner_ = nullptr;
	return outcome;
}

namespace
{

// The status avcpu-run ends with, and the line on stderr that explains it.
int exit_status(const avcpu::Outcome &outcome)
{
	switch (outcome.reason) {
	case avcpu::StopReason::system_off:
		return status_ok;
	case avcpu::StopReason::requested:
		return outcome.exit_code;
	case avcpu::StopReason::system_reset:
		std::fprintf(stderr, "avcpu-run: the guest asked for a reset; --reboot=restart "
				     "would boot it again\n");
		return status_reset;
	default:
		std::fprintf(stderr, "avcpu-run: %s\n", outcome.message.c_str());
		return status_guest_fault;
	}
}

} // namespace

int run_boots(const Options &o, Console &console, StopControl &control, avcpu::Kernel &kernel)
{
	for (;;) {
		Boot boot(o, kernel);
		if (!boot.prepare()) {
			std::fprintf(stderr, "avcpu-run: %s\n", boot.failure().message.c_str());
			return boot.failure().status;
		}
		auto start = std::chrono::steady_clock::now();
		avcpu::Outcome outcome = boot.run(console, control);
		if (o.summary)
			boot.print_summary(std::chrono::duration<double, std::milli>(
						   std::chrono::steady_clock::now() - start)
						   .count());
		if (outcome.reason == avcpu::StopReason::system_reset &&
		    o.reboot == Options::Reboot::restart && !control.stop_requested()) {
			std::fprintf(stderr, "avcpu-run: the guest asked for a reset: booting "
					     "it again\n");
			continue;
		}
		return exit_status(outcome);
	}
}

} // namespace vmm
