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

// The manual, also the man page and part of Documentation/userspace.rst: avcpu-run.txt.
const char help_text[] =
#include "avcpu-run.txt.h"
	;

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

// virtio devices share the machine's 32 virtio windows; one is kept for --rng.
constexpr size_t max_virtio = 32;
// The longest interface name (IFNAMSIZ in <linux/if.h>, less its NUL).
constexpr size_t max_ifname = 15;

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
	{"disk", required_argument, 0,
	 [](Options &o, const char *a) {
		 std::string path = a;
		 const std::string ro = ",ro";
		 bool read_only = path.size() > ro.size() &&
				  path.compare(path.size() - ro.size(), ro.size(), ro) == 0;
		 if (read_only)
			 path.resize(path.size() - ro.size());
		 if (path.empty())
			 usage_error("--disk needs a file name");
		 if (o.disks.size() + o.nets.size() + 1 >= max_virtio)
			 usage_error("too many --disk options");
		 o.disks.push_back({path, read_only});
	 }},
	{"rng", no_argument, 0, [](Options &o, const char *) { o.rng = true; }},
	{"no-eventfd", no_argument, 0, [](Options &o, const char *) { o.eventfds = false; }},
	{"net", required_argument, 0,
	 [](Options &o, const char *a) {
		 const std::string tap = "tap=";
		 std::string arg = a;
		 if (arg.compare(0, tap.size(), tap) != 0)
			 usage_error("--net must be tap=NAME, not '" + arg + "'");
		 std::string name = arg.substr(tap.size());
		 if (name.empty() || name.size() > max_ifname || name.find('/') != name.npos)
			 usage_error(
				 "--net tap=NAME needs an interface name of 1 to 15 characters, "
				 "not '" +
				 name + "'");
		 if (o.disks.size() + o.nets.size() + 1 >= max_virtio)
			 usage_error("too many --net options");
		 o.nets.push_back({name});
	 }},
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
