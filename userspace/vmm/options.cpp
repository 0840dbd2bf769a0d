// SPDX-License-Identifier: GPL-2.0
#include "options.h"

#include <getopt.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace vmm
{

namespace
{

const char help_text[] = R"(NAME
    avcpu-run - run a guest on the avcpu hypervisor

SYNOPSIS
    avcpu-run [OPTION]... GUEST
    avcpu-run [OPTION]... --kernel IMAGE [--initrd FILE] [--cmdline TEXT]

DESCRIPTION
    Runs a guest on /dev/avcpu, one host thread per vCPU, in this machine:

      RAM             0x40000000, --mem MiB
      GICv3           distributor 0x08000000, redistributors 0x080a0000 (128 KiB per
                      vCPU), 64 SPIs; in the kernel. With --gic=on, or a Linux guest.
      timer           the architected timer (virtual PPI 27, physical PPI 30), with the GIC
      PL011 UART      0x09000000, interrupt SPI 33 (with the GIC); output to standard
                      output, standard input to the guest (CONSOLE below)
      test device     0x09010000, avcpu,test-device: a 32-bit write of N at offset 0 ends
                      the run with exit status N & 0x3f
      device tree     2 MiB below the end of RAM, its address in x0: memory, CPUs, PSCI
                      (method hvc), and the devices above, exactly as emulated

    GUEST is an AArch64 ELF executable, loaded at its physical addresses and entered at
    its entry point, or a raw binary loaded at --load-addr. vCPU 0 starts in EL1h with
    the MMU off and interrupts masked; the others start off, for the guest to start with
    PSCI CPU_ON.

    --kernel boots an arm64 Linux Image (uncompressed: a gzip or EFI zboot file is
    refused) by the arm64 boot protocol: the Image at RAM base + 2 MiB + its text_offset
    with its image_size free, the initrd at the next 2 MiB boundary after that (announced
    in /chosen), x0 = the device tree, x1-x3 = 0. For example:

      avcpu-run --kernel Image --initrd initrd.cpio.gz \
          --cmdline "console=ttyAMA0 earlycon rdinit=/init" --cpus 4 --mem 512

OPTIONS
        --kernel=IMAGE     boot this arm64 Linux Image instead of a GUEST
        --initrd=FILE      the initramfs for --kernel
        --cmdline=TEXT     the kernel command line: /chosen/bootargs (same as --bootargs)
    -m, --mem=MIB          guest RAM in MiB (default 128, with --kernel 256); also --memory
    -c, --cpus=N           number of vCPUs, 1 to 64 (default 1)
        --gic=WHEN         auto (default: with --kernel), on or off: the in-kernel GICv3
                           and the timer. With a GIC the guest's interrupts come from it.
    -e, --entry=ADDR       entry point (default: the ELF's, or the load address)
    -l, --load-addr=ADDR   where a raw binary is loaded (default 0x40080000)
        --psci=MODE        kernel (default): avcpu.ko serves PSCI; user: avcpu-run does
        --reboot=WHAT      exit (default): a guest's PSCI SYSTEM_RESET ends the run with
                           status 71; restart: a new VM boots the same guest again
        --no-dtb           pass 0 in x0 instead of a device tree (not with --kernel)
        --dtb-out=FILE     also write the device tree to FILE
        --bootargs=TEXT    /chosen/bootargs of the device tree
        --huge-pages       back guest RAM with transparent huge pages
    -t, --trace[=WHAT]     on stderr, with the vCPU: all (default) every exit, and every
                           access or call avcpu-run does not emulate (a device's unknown
                           register, an unhandled hypercall or system register);
                           unhandled: only the latter
    -s, --summary          print exit counts and time in the guest on stderr at the end
        --device=PATH      the avcpu device (default /dev/avcpu)
    -h, --help             this text

CONSOLE
    A terminal on standard input is put in raw mode for the session and restored however
    the run ends, so keys such as Ctrl-C reach the guest. Ctrl-A x quits (status 0),
    Ctrl-A Ctrl-A sends a Ctrl-A, Ctrl-A h lists these keys. Input that is not a terminal
    goes to the guest as it comes; its end is only the end of input: the guest runs on.
    SIGINT, SIGTERM and SIGHUP stop the guest, restore the terminal, then end avcpu-run
    by the same signal.

EXIT STATUS
    0      the guest powered off (PSCI SYSTEM_OFF) or reported 0 to the test device, or
           Ctrl-A x ended the session
    1-63   the guest reported that value to the test device
    64     bad command line
    65     the guest image cannot be used (format, or it does not fit in guest RAM)
    66     the guest image cannot be read
    69     /dev/avcpu is not available (module not loaded, no permission, refused), or
           the host cannot give the guest the GIC it needs
    70     the guest did something nothing handles (MMIO where no device is, an
           exception, an undecodable access), or avcpu failed; a line on stderr says what
    71     the guest asked for a system reset (without --reboot=restart)
)";

[[noreturn]] void usage_error(const std::string &message)
{
	std::fprintf(stderr, "avcpu-run: %s\n", message.c_str());
	std::exit(status_usage);
}

uint64_t parse_number(const char *opt, const char *text, uint64_t max)
{
	char *end = nullptr;
	errno = 0;
	unsigned long long v = std::strtoull(text, &end, 0);
	if (errno || !*text || *end || v > max || text[0] == '-')
		usage_error(std::string("invalid value '") + text + "' for " + opt);
	return v;
}

// One of the words an option accepts, as its index.
int parse_choice(const char *opt, const char *text, std::vector<const char *> words)
{
	for (size_t i = 0; i < words.size(); i++)
		if (std::strcmp(text, words[i]) == 0)
			return int(i);
	std::string list;
	for (size_t i = 0; i < words.size(); i++)
		list += std::string(i ? (i + 1 == words.size() ? " or '" : ", '") : "'") +
			words[i] + "'";
	usage_error(std::string(opt) + " must be " + list + ", not '" + text + "'");
}

struct OptionSpec {
	const char *name;
	int has_arg;
	char short_name; // 0: long only
	void (*apply)(Options &o, const char *arg);
};

const OptionSpec option_specs[] = {
	{"kernel", required_argument, 0, [](Options &o, const char *a) { o.kernel = a; }},
	{"initrd", required_argument, 0, [](Options &o, const char *a) { o.initrd = a; }},
	{"cmdline", required_argument, 0, [](Options &o, const char *a) { o.bootargs = a; }},
	{"bootargs", required_argument, 0, [](Options &o, const char *a) { o.bootargs = a; }},
	{"memory", required_argument, 'm',
	 [](Options &o, const char *a) {
		 o.memory_mib = parse_number("--memory", a, 16384);
		 if (o.memory_mib < 4)
			 usage_error("--memory must be at least 4 (MiB)");
	 }},
	{"mem", required_argument, 0,
	 [](Options &o, const char *a) {
		 o.memory_mib = parse_number("--mem", a, 16384);
		 if (o.memory_mib < 4)
			 usage_error("--mem must be at least 4 (MiB)");
	 }},
	{"cpus", required_argument, 'c',
	 [](Options &o, const char *a) {
		 o.cpus = unsigned(parse_number("--cpus", a, 64));
		 if (o.cpus < 1)
			 usage_error("--cpus must be between 1 and 64");
	 }},
	{"gic", required_argument, 0,
	 [](Options &o, const char *a) {
		 o.gic = Options::Gic(parse_choice("--gic", a, {"auto", "on", "off"}));
	 }},
	{"entry", required_argument, 'e',
	 [](Options &o, const char *a) {
		 o.entry = parse_number("--entry", a, ~0ULL);
		 o.entry_set = true;
	 }},
	{"load-addr", required_argument, 'l',
	 [](Options &o, const char *a) {
		 o.load_addr = parse_number("--load-addr", a, ~0ULL);
		 o.load_addr_set = true;
	 }},
	{"psci", required_argument, 0,
	 [](Options &o, const char *a) {
		 o.user_psci = parse_choice("--psci", a, {"kernel", "user"}) == 1;
	 }},
	{"reboot", required_argument, 0,
	 [](Options &o, const char *a) {
		 o.reboot = Options::Reboot(parse_choice("--reboot", a, {"exit", "restart"}));
	 }},
	{"no-dtb", no_argument, 0, [](Options &o, const char *) { o.dtb = false; }},
	{"dtb-out", required_argument, 0, [](Options &o, const char *a) { o.dtb_out = a; }},
	{"huge-pages", no_argument, 0, [](Options &o, const char *) { o.huge = true; }},
	{"trace", optional_argument, 't',
	 [](Options &o, const char *a) {
		 o.trace = !a ? Options::Trace::all
			      : (parse_choice("--trace", a, {"all", "unhandled"}) == 0
					 ? Options::Trace::all
					 : Options::Trace::not_emulated);
	 }},
	{"summary", no_argument, 's', [](Options &o, const char *) { o.summary = true; }},
	{"device", required_argument, 0, [](Options &o, const char *a) { o.device = a; }},
	{"help", no_argument, 'h',
	 [](Options &, const char *) {
		 std::fputs(help_text, stdout);
		 std::exit(status_ok);
	 }},
};

// What does not go together, and what a boot needs that no single option says.
void check_combination(Options &o, int argc, char **argv)
{
	if (optind + 1 < argc)
		usage_error(std::string("unexpected argument '") + argv[optind + 1] + "'");
	if (optind < argc)
		o.guest = argv[optind];
	if (o.guest.empty() && !o.linux_boot())
		usage_error("no guest given (usage: avcpu-run [OPTION]... GUEST, or --kernel "
			    "IMAGE; see --help)");
	if (!o.guest.empty() && o.linux_boot())
		usage_error("give either GUEST or --kernel, not both (unexpected argument '" +
			    o.guest + "')");
	if (!o.initrd.empty() && !o.linux_boot())
		usage_error("--initrd needs --kernel");
	if (o.linux_boot() && (o.entry_set || o.load_addr_set || !o.dtb))
		usage_error(std::string(o.entry_set	  ? "--entry"
					: o.load_addr_set ? "--load-addr"
							  : "--no-dtb") +
			    " does not apply to --kernel (the boot protocol decides)");
}

} // namespace

Options parse_options(int argc, char **argv)
{
	std::string short_opts = ":";
	std::vector<option> longopts;
	for (const auto &spec : option_specs) {
		longopts.push_back({spec.name, spec.has_arg, nullptr, int(&spec - option_specs)});
		if (spec.short_name) {
			short_opts += spec.short_name;
			if (spec.has_arg == required_argument)
				short_opts += ':';
		}
	}
	longopts.push_back({nullptr, 0, nullptr, 0});

	Options o;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, short_opts.c_str(), longopts.data(), nullptr)) != -1) {
		const OptionSpec *spec = nullptr;
		for (const auto &s : option_specs)
			if (c == int(&s - option_specs) || (s.short_name && c == s.short_name))
				spec = &s;
		if (c == ':')
			usage_error(std::string("option '") + argv[optind - 1] +
				    "' needs a value (see --help)");
		if (!spec || c == '?')
			usage_error(std::string("unknown option '") + argv[optind - 1] +
				    "' (see --help)");
		spec->apply(o, optarg);
	}
	check_combination(o, argc, argv);
	return o;
}

} // namespace vmm
