// SPDX-License-Identifier: GPL-2.0
// avcpu-run: runs a guest on /dev/avcpu with a PL011 console and a test device.
#include <getopt.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "avcpu/device.h"
#include "avcpu/memory.h"
#include "avcpu/mmio_bus.h"
#include "avcpu/runner.h"
#include "devices.h"
#include "device_tree.h"
#include "loader.h"

namespace
{

// Exit statuses (sysexits.h where one fits), documented in --help.
enum Status {
	status_ok = 0,
	status_usage = 64,
	status_bad_guest = 65,
	status_no_input = 66,
	status_unavailable = 69,
	status_guest_fault = 70,
	status_reset = 71,
};

constexpr uint64_t ram_base = 0x40000000;
constexpr uint64_t uart_base = 0x09000000;
constexpr uint64_t testdev_base = 0x09010000;
constexpr uint64_t default_load = ram_base + 0x80000;

const char help_text[] = R"(NAME
    avcpu-run - run a guest on the avcpu hypervisor

SYNOPSIS
    avcpu-run [OPTION]... GUEST

DESCRIPTION
    Loads GUEST (an AArch64 ELF executable at its physical addresses, or a raw binary at
    --load-addr) into guest RAM at 0x40000000 and runs it on /dev/avcpu, one host thread
    per vCPU. vCPU 0 starts at the entry point in EL1h with the MMU off, x0 holding the
    address of a device tree that describes the memory, the CPUs, PSCI (HVC) and the
    devices; the other vCPUs start off, for the guest to start with PSCI CPU_ON.

    Devices: a PL011 UART at 0x09000000 (output to stdout, stdin to the guest) and an
    avcpu,test-device at 0x09010000 (a 32-bit write of N at offset 0 ends the run with
    exit status N & 0x3f).

OPTIONS
    -m, --memory=MIB       guest RAM in MiB (default 128)
    -c, --cpus=N           number of vCPUs, 1 to 64 (default 1)
    -e, --entry=ADDR       entry point (default: the ELF's, or the load address)
    -l, --load-addr=ADDR   where a raw binary is loaded (default 0x40080000)
        --psci=MODE        kernel (default): avcpu.ko serves PSCI; user: avcpu-run does
        --no-dtb           pass 0 in x0 instead of a device tree
        --dtb-out=FILE     also write the device tree to FILE
        --bootargs=TEXT    /chosen/bootargs of the device tree
        --huge-pages       back guest RAM with transparent huge pages
    -t, --trace            print every exit on stderr
    -s, --summary          print exit counts and time in the guest on stderr at the end
        --device=PATH      the avcpu device (default /dev/avcpu)
    -h, --help             this text

EXIT STATUS
    0      the guest powered off (PSCI SYSTEM_OFF) or reported 0 to the test device
    1-63   the guest reported that value to the test device
    64     bad command line
    65     the guest image cannot be used (format, or it does not fit in guest RAM)
    66     the guest image cannot be read
    69     /dev/avcpu is not available (module not loaded, no permission, refused)
    70     the guest did something nothing handles (MMIO where no device is, an
           exception, an undecodable access), or avcpu failed; a line on stderr says what
    71     the guest asked for a system reset
)";

struct Options {
	uint64_t memory_mib = 128;
	unsigned cpus = 1;
	bool entry_set = false;
	uint64_t entry = 0;
	uint64_t load_addr = default_load;
	bool user_psci = false;
	bool dtb = true;
	std::string dtb_out, bootargs, device = avcpu::Device::default_path, guest;
	bool huge = false, trace = false, summary = false;
};

[[noreturn]] void fail(int status, const std::string &message)
{
	std::fprintf(stderr, "avcpu-run: %s\n", message.c_str());
	std::exit(status);
}

uint64_t parse_number(const char *opt, const char *text, uint64_t max)
{
	char *end = nullptr;
	errno = 0;
	unsigned long long v = std::strtoull(text, &end, 0);
	if (errno || !*text || *end || v > max || text[0] == '-')
		fail(status_usage, std::string("invalid value '") + text + "' for " + opt);
	return v;
}

Options parse(int argc, char **argv)
{
	enum { opt_psci = 256, opt_no_dtb, opt_dtb_out, opt_bootargs, opt_huge, opt_device };
	static const option longopts[] = {
		{"memory", required_argument, nullptr, 'm'},
		{"cpus", required_argument, nullptr, 'c'},
		{"entry", required_argument, nullptr, 'e'},
		{"load-addr", required_argument, nullptr, 'l'},
		{"psci", required_argument, nullptr, opt_psci},
		{"no-dtb", no_argument, nullptr, opt_no_dtb},
		{"dtb-out", required_argument, nullptr, opt_dtb_out},
		{"bootargs", required_argument, nullptr, opt_bootargs},
		{"huge-pages", no_argument, nullptr, opt_huge},
		{"trace", no_argument, nullptr, 't'},
		{"summary", no_argument, nullptr, 's'},
		{"device", required_argument, nullptr, opt_device},
		{"help", no_argument, nullptr, 'h'},
		{nullptr, 0, nullptr, 0},
	};
	Options o;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:c:e:l:tsh", longopts, nullptr)) != -1) {
		switch (c) {
		case 'm':
			o.memory_mib = parse_number("--memory", optarg, 16384);
			if (o.memory_mib < 4)
				fail(status_usage, "--memory must be at least 4 (MiB)");
			break;
		case 'c':
			o.cpus = unsigned(parse_number("--cpus", optarg, 64));
			if (o.cpus < 1)
				fail(status_usage, "--cpus must be between 1 and 64");
			break;
		case 'e':
			o.entry = parse_number("--entry", optarg, ~0ULL);
			o.entry_set = true;
			break;
		case 'l':
			o.load_addr = parse_number("--load-addr", optarg, ~0ULL);
			break;
		case opt_psci:
			if (std::strcmp(optarg, "user") == 0)
				o.user_psci = true;
			else if (std::strcmp(optarg, "kernel") != 0)
				fail(status_usage,
				     std::string("--psci must be 'kernel' or 'user', not '") +
					     optarg + "'");
			break;
		case opt_no_dtb:
			o.dtb = false;
			break;
		case opt_dtb_out:
			o.dtb_out = optarg;
			break;
		case opt_bootargs:
			o.bootargs = optarg;
			break;
		case opt_huge:
			o.huge = true;
			break;
		case 't':
			o.trace = true;
			break;
		case 's':
			o.summary = true;
			break;
		case opt_device:
			o.device = optarg;
			break;
		case 'h':
			std::fputs(help_text, stdout);
			std::exit(status_ok);
		case ':':
			fail(status_usage, std::string("option '") + argv[optind - 1] +
						   "' needs a value (see --help)");
		default:
			fail(status_usage,
			     std::string("unknown option '") + argv[optind - 1] + "' (see --help)");
		}
	}
	if (optind == argc)
		fail(status_usage,
		     "no guest given (usage: avcpu-run [OPTION]... GUEST; see --help)");
	if (optind + 1 < argc)
		fail(status_usage, std::string("unexpected argument '") + argv[optind + 1] + "'");
	o.guest = argv[optind];
	return o;
}

// With PSCI in userspace the ordinary queries come here (CPU_ON/OFF come as exits).
bool user_psci_call(avcpu::Vcpu &vcpu, const avcpu::exits::Hypercall &h,
		    std::vector<avcpu::Vcpu> &vcpus)
{
	uint32_t fn = uint32_t(h.args[0]);
	switch (fn & ~0x40000000u) {
	case 0x84000000: // PSCI_VERSION
		vcpu.set_results(0x10001);
		return true;
	case 0x84000006: // MIGRATE_INFO_TYPE
		vcpu.set_results(2);
		return true;
	case 0x8400000a: { // PSCI_FEATURES
		uint32_t q = uint32_t(h.args[1]) & ~0x40000000u;
		bool ok = q == 0x84000000 || q == 0x84000002 || q == 0x84000003 ||
			  q == 0x84000004 || q == 0x84000006 || q == 0x84000008 ||
			  q == 0x84000009 || q == 0x8400000a;
		vcpu.set_results(ok ? 0 : ~0ULL);
		return true;
	}
	case 0x84000004: // AFFINITY_INFO, level 0
		for (auto &v : vcpus) {
			if (avcpu::default_mpidr(v.id()) != (h.args[1] & 0xff00ffffffULL))
				continue;
			auto ps = v.power_state();
			vcpu.set_results(ps && ps.value().state == AVCPU_POWER_ON ? 0 : 1);
			return true;
		}
		vcpu.set_results(uint64_t(-2));
		return true;
	default:
		return false;
	}
}

void print_summary(const avcpu::Vm &vm, std::vector<avcpu::Vcpu> &vcpus, double wall_ms)
{
	std::fprintf(stderr, "avcpu-run: summary after %.1f ms\n", wall_ms);
	for (auto &v : vcpus) {
		auto st = v.stats();
		if (!st)
			continue;
		const auto &s = st.value();
		auto u = [](__u64 n) { return static_cast<unsigned long long>(n); };
		std::fprintf(
			stderr,
			"  vCPU %u: %.1f ms in the guest, %llu guest exits (%llu host interrupts, "
			"%llu WFI sleeps, %llu PSCI calls, %llu handled at EL2); to userspace:",
			v.id(), double(s.guest_ns) / 1e6, u(s.el2_exits), u(s.host_irqs),
			u(s.wfi_sleeps), u(s.psci_calls), u(s.sysreg_emulated));
		for (unsigned r = 1; r < AVCPU_EXIT_MAX; r++)
			if (s.exits[r])
				std::fprintf(stderr, " %s %llu", avcpu::exit_reason_name(r),
					     u(s.exits[r]));
		std::fputc('\n', stderr);
	}
	if (auto vs = vm.stats()) {
		const auto &s = vs.value();
		unsigned long long to_user = 0;
		for (auto n : s.total.exits)
			to_user += n;
		std::fprintf(stderr,
			     "  VM: vCPUs %llu, memory %llu MiB in %llu slots, %llu guest exits, "
			     "%llu to userspace\n",
			     static_cast<unsigned long long>(s.vcpus),
			     static_cast<unsigned long long>(s.memory_bytes >> 20),
			     static_cast<unsigned long long>(s.memory_slots),
			     static_cast<unsigned long long>(s.total.el2_exits), to_user);
	}
}

} // namespace

namespace
{

int run_vmm(int argc, char **argv)
{
	Options o = parse(argc, argv);
	if (access(o.guest.c_str(), R_OK))
		fail(status_no_input,
		     "cannot read guest '" + o.guest + "': " + std::strerror(errno));

	auto dev = avcpu::Device::open(o.device);
	if (!dev)
		fail(status_unavailable,
		     dev.error().message() + " (" + o.device + "; is avcpu.ko loaded?)");
	auto vm = dev.value().create_vm();
	if (!vm)
		fail(status_unavailable, vm.error().message());
	if (o.user_psci)
		if (auto st = vm.value().set_config(AVCPU_VM_PSCI_USER); !st)
			fail(status_guest_fault, st.error().message());

	uint64_t ram_size = o.memory_mib << 20;
	auto ram = avcpu::GuestMemory::anonymous(ram_size, o.huge);
	if (!ram)
		fail(status_guest_fault, ram.error().message());
	vmm::GuestRam guest_ram{ram.value().data(), ram_base, ram_size};
	vmm::Loaded loaded{};
	std::string error;
	if (!vmm::load_guest(o.guest, guest_ram, o.load_addr, loaded, error))
		fail(status_bad_guest, error);
	uint64_t entry = o.entry_set ? o.entry : loaded.entry;
	if (entry < ram_base || entry >= ram_base + ram_size)
		fail(status_bad_guest, "entry point outside guest RAM");

	uint64_t dtb_addr = 0;
	if (o.dtb || !o.dtb_out.empty()) {
		vmm::MachineLayout layout{ram_base,
					  ram_size,
					  o.cpus,
					  uart_base,
					  vmm::Pl011::size,
					  testdev_base,
					  vmm::TestDevice::size,
					  o.bootargs};
		auto blob = vmm::build_fdt(layout, error);
		if (blob.empty())
			fail(status_guest_fault, error);
		// At the top of RAM, 2 MiB below its end, unless the image is there.
		uint64_t at = ram_base + ram_size - (2 << 20);
		if (loaded.high > at)
			fail(status_bad_guest,
			     "no room for the device tree above the image; use more --memory");
		if (o.dtb) {
			std::memcpy(ram.value().data() + (at - ram_base), blob.data(), blob.size());
			dtb_addr = at;
		}
		if (!o.dtb_out.empty()) {
			std::ofstream f(o.dtb_out, std::ios::binary);
			f.write(reinterpret_cast<const char *>(blob.data()),
				std::streamsize(blob.size()));
			if (!f)
				fail(status_usage, "cannot write '" + o.dtb_out + "'");
		}
	}
	if (auto st = vm.value().map_memory(0, ram_base, ram.value().data(), ram_size); !st)
		fail(status_guest_fault, st.error().message());

	std::vector<avcpu::Vcpu> vcpus;
	for (unsigned i = 0; i < o.cpus; i++) {
		auto v = vm.value().create_vcpu(i);
		if (!v)
			fail(status_guest_fault, v.error().message());
		vcpus.push_back(std::move(v.value()));
	}
	auto regs = vcpus[0].regs();
	if (!regs)
		fail(status_guest_fault, regs.error().message());
	regs.value().pc = entry;
	regs.value().x[0] = dtb_addr;
	if (auto st = vcpus[0].set_regs(regs.value()); !st)
		fail(status_guest_fault, st.error().message());
	for (unsigned i = 1; i < o.cpus; i++)
		if (auto st = vcpus[i].set_power(AVCPU_POWER_OFF); !st)
			fail(status_guest_fault, st.error().message());

	avcpu::MmioBus bus;
	vmm::Pl011 uart(STDOUT_FILENO);
	avcpu::Runner *runner_ptr = nullptr;
	vmm::TestDevice testdev(
		[&](int code) { runner_ptr->stop(avcpu::StopReason::requested, code & 0x3f, ""); });
	if (!bus.add(uart_base, vmm::Pl011::size, uart) ||
	    !bus.add(testdev_base, vmm::TestDevice::size, testdev))
		fail(status_guest_fault, "device layout overlaps");

	avcpu::RunnerHooks hooks;
	if (o.user_psci)
		hooks.hypercall = [&](avcpu::Vcpu &v, const avcpu::exits::Hypercall &h) {
			return user_psci_call(v, h, vcpus);
		};
	if (o.trace)
		hooks.trace = [](const avcpu::Vcpu &v, const avcpu::Exit &e) {
			std::fprintf(stderr, "avcpu-run: [vcpu %u] %s\n", v.id(),
				     avcpu::describe_exit(e).c_str());
		};
	avcpu::Runner runner(vcpus, bus, hooks);
	runner_ptr = &runner;

	// stdin to the UART, until EOF; a detached reader, since it may block forever.
	std::thread([&uart] {
		char c;
		while (::read(STDIN_FILENO, &c, 1) == 1)
			uart.push_input(uint8_t(c));
	}).detach();

	auto start = std::chrono::steady_clock::now();
	avcpu::Outcome outcome = runner.run();
	double wall_ms =
		std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
			.count();
	if (o.summary)
		print_summary(vm.value(), vcpus, wall_ms);

	switch (outcome.reason) {
	case avcpu::StopReason::system_off:
		return status_ok;
	case avcpu::StopReason::requested:
		return outcome.exit_code;
	case avcpu::StopReason::system_reset:
		std::fprintf(
			stderr,
			"avcpu-run: the guest asked for a reset, which avcpu-run does not do\n");
		return status_reset;
	default:
		std::fprintf(stderr, "avcpu-run: %s\n", outcome.message.c_str());
		return status_guest_fault;
	}
}

} // namespace

int main(int argc, char **argv)
{
	// The library reports errors as values; what can still throw is the standard
	// library running out of memory.
	try {
		return run_vmm(argc, argv);
	} catch (const std::exception &e) {
		std::fprintf(stderr, "avcpu-run: %s\n", e.what());
		return status_guest_fault;
	}
}
