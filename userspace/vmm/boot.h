// SPDX-License-Identifier: GPL-2.0
// One boot of the guest: a VM with its machine, RAM holding the guest and the device tree,
// the vCPUs, and the run until the guest or the user ends it. avcpu-run makes a new one
// for each boot, so a restart after a guest's reset starts from nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "avcpu/device.h"
#include "avcpu/guest_view.h"
#include "avcpu/memory.h"
#include "avcpu/runner.h"
#include "avcpu/virtio_mmio.h"
#include "console.h"
#include "machine.h"
#include "options.h"

namespace vmm
{

class Pl011;
class VirtioDevice;

// Stop requests from outside the guest (the console's escape sequence, a signal) for
// whichever boot is running, or the next one if they come in between.
class StopControl
{
public:
	void set_runner(avcpu::Runner *runner);
	// signal 0: the user quit with the escape sequence.
	void request_stop(int signal);
	bool stop_requested() const;
	int signal() const;

private:
	void stop_runner();
	mutable std::mutex lock_;
	avcpu::Runner *runner_ = nullptr;
	bool requested_ = false;
	int signal_ = 0;
};

struct Failure {
	int status = status_ok;
	std::string message;
};

class Boot
{
public:
	// kernel: where the system calls go (a fake one in the host unit tests).
	explicit Boot(const Options &options, avcpu::Kernel &kernel = avcpu::system_kernel())
	    : o_(options), kernel_(kernel)
	{
	}

	// Everything up to the first RUN. false with failure() saying why.
	bool prepare();
	const Failure &failure() const { return failure_; }

	// Runs until the VM stops; the console's input goes to this boot's UART meanwhile.
	avcpu::Outcome run(Console &console, StopControl &control);
	void print_summary(double wall_ms);

	// What prepare() decided, for tests and traces.
	uint64_t entry() const { return entry_; }
	uint64_t dtb_address() const { return dtb_address_; }
	const Chosen &chosen() const { return chosen_; }
	const Machine &machine() const { return *machine_; }
	const uint8_t *ram() const { return ram_->data(); }

private:
	bool fail(int status, const std::string &message);
	bool open_vm();
	bool load_image();
	bool build_machine();
	bool add_virtio_devices();
	bool add_net_backends(std::vector<std::unique_ptr<avcpu::VirtioBackend>> &backends);
	void start_virtio_io();
	void print_virtio_summary() const;
	bool place_device_tree();
	bool create_vcpus();
	avcpu::RunnerHooks hooks();
	void stop_run(avcpu::StopReason reason, int code, const std::string &message);

	const Options &o_;
	avcpu::Kernel &kernel_;
	Failure failure_;
	std::optional<avcpu::Device> device_;
	std::optional<avcpu::Vm> vm_;
	std::optional<avcpu::GuestMemory> ram_;
	avcpu::GuestView guest_view_;	     // RAM as devices see it; before machine_
	std::unique_ptr<Machine> machine_;   // after vm_: its lines use the VM
	Pl011 *uart_ = nullptr;		     // owned by machine_
	std::vector<VirtioDevice *> virtio_; // owned by machine_
	std::vector<avcpu::Vcpu> vcpus_;
	uint64_t entry_ = 0, dtb_address_ = 0, image_end_ = 0;
	Chosen chosen_;
	avcpu::Runner *runner_ = nullptr; // while run() runs
};

// Boots the guest, again after each reset with --reboot=restart, and returns the status
// avcpu-run ends with (a line on stderr says why when it is not 0).
int run_boots(const Options &o, Console &console, StopControl &control,
	      avcpu::Kernel &kernel = avcpu::system_kernel());

} // namespace vmm
