// SPDX-License-Identifier: GPL-2.0
#include "device_tree.h"

#include <cstdio>

extern "C" {
#include <libfdt.h>
}

#include <linux/avcpu.h>

#include "avcpu/runner.h"

namespace vmm
{

FdtWriter::FdtWriter(size_t capacity) : blob_(capacity)
{
	check(fdt_create(blob_.data(), int(blob_.size())));
	check(fdt_finish_reservemap(blob_.data()));
}

// libfdt calls after a failure would only fail again or build on a broken blob: the first
// error is the one worth reporting.
void FdtWriter::check(int result)
{
	if (result < 0 && !error_)
		error_ = result;
}

void FdtWriter::begin_node(const std::string &name)
{
	if (!error_)
		check(fdt_begin_node(blob_.data(), name.c_str()));
}

void FdtWriter::end_node()
{
	if (!error_)
		check(fdt_end_node(blob_.data()));
}

void FdtWriter::prop_string(const char *name, const std::string &value)
{
	if (!error_)
		check(fdt_property(blob_.data(), name, value.c_str(), int(value.size() + 1)));
}

void FdtWriter::prop_strings(const char *name, std::initializer_list<const char *> values)
{
	std::string list;
	for (const char *v : values) {
		list += v;
		list += '\0';
	}
	if (!error_)
		check(fdt_property(blob_.data(), name, list.data(), int(list.size())));
}

void FdtWriter::prop_u32(const char *name, uint32_t value)
{
	if (!error_)
		check(fdt_property_u32(blob_.data(), name, value));
}

void FdtWriter::prop_u32s(const char *name, const std::vector<uint32_t> &cells)
{
	std::vector<fdt32_t> be;
	be.reserve(cells.size());
	for (uint32_t c : cells)
		be.push_back(cpu_to_fdt32(c));
	if (!error_)
		check(fdt_property(blob_.data(), name, be.data(),
				   int(be.size() * sizeof(fdt32_t))));
}

void FdtWriter::prop_u64(const char *name, uint64_t value)
{
	if (!error_)
		check(fdt_property_u64(blob_.data(), name, value));
}

// A boolean property: present, with no value (a valid pointer all the same: libfdt
// memcpy()s from it).
void FdtWriter::prop_empty(const char *name)
{
	static const char nothing = 0;
	if (!error_)
		check(fdt_property(blob_.data(), name, &nothing, 0));
}

void FdtWriter::prop_reg(const char *name, std::initializer_list<uint64_t> base_size_pairs)
{
	std::vector<fdt64_t> be;
	be.reserve(base_size_pairs.size());
	for (uint64_t v : base_size_pairs)
		be.push_back(cpu_to_fdt64(v));
	if (!error_)
		check(fdt_property(blob_.data(), name, be.data(),
				   int(be.size() * sizeof(fdt64_t))));
}

std::vector<uint8_t> FdtWriter::finish(std::string &error)
{
	if (!error_)
		check(fdt_finish(blob_.data()));
	if (error_) {
		error = std::string("device tree: ") + fdt_strerror(error_);
		return {};
	}
	blob_.resize(fdt_totalsize(blob_.data()));
	return blob_;
}

std::string fdt_node_name(const char *name, uint64_t address)
{
	char buf[80];
	std::snprintf(buf, sizeof(buf), "%s@%llx", name, static_cast<unsigned long long>(address));
	return buf;
}

// Linux reads linux,initrd-start/-end with as many cells as the property has: 64-bit
// values work whatever the root's #address-cells.
void write_chosen_node(FdtWriter &w, const Chosen &chosen)
{
	w.begin_node("chosen");
	w.prop_string("bootargs", chosen.bootargs);
	if (!chosen.stdout_path.empty())
		w.prop_string("stdout-path", chosen.stdout_path);
	if (chosen.initrd_end > chosen.initrd_start) {
		w.prop_u64("linux,initrd-start", chosen.initrd_start);
		w.prop_u64("linux,initrd-end", chosen.initrd_end);
	}
	w.end_node();
}

void write_memory_node(FdtWriter &w, const Platform &p)
{
	w.begin_node(fdt_node_name("memory", p.ram_base));
	w.prop_string("device_type", "memory");
	w.prop_reg("reg", {p.ram_base, p.ram_size});
	w.end_node();
}

// reg is the MPIDR affinity the kernel gives vCPU n (Aff0 = n % 16, Aff1 = n / 16), which
// is also what the GIC's redistributor n reports in GICR_TYPER. "arm,armv8" is the
// compatible Linux's cpus.yaml binding lists for software models.
void write_cpus_node(FdtWriter &w, const Platform &p)
{
	w.begin_node("cpus");
	w.prop_u32("#address-cells", 1);
	w.prop_u32("#size-cells", 0);
	for (unsigned i = 0; i < p.cpus; i++) {
		auto mpidr = uint32_t(avcpu::default_mpidr(i));
		w.begin_node(fdt_node_name("cpu", mpidr));
		w.prop_string("device_type", "cpu");
		w.prop_string("compatible", "arm,armv8");
		w.prop_u32("reg", mpidr);
		w.prop_string("enable-method", "psci");
		w.end_node();
	}
	w.end_node();
}

void write_psci_node(FdtWriter &w)
{
	w.begin_node("psci");
	w.prop_strings("compatible", {"arm,psci-1.0", "arm,psci-0.2"});
	w.prop_string("method", "hvc");
	w.end_node();
}

// The in-kernel GICv3: one distributor frame and one contiguous redistributor region with
// a 128 KiB frame per vCPU. No interrupts property: there is no maintenance interrupt for
// a guest without nested virtualization. ranges is empty: no ITS child.
void write_gic_node(FdtWriter &w, const Platform &p, uint32_t phandle)
{
	w.begin_node(fdt_node_name("intc", p.gicd_base));
	w.prop_string("compatible", "arm,gic-v3");
	w.prop_u32("#interrupt-cells", 3);
	w.prop_empty("interrupt-controller");
	w.prop_u32("#address-cells", 2);
	w.prop_u32("#size-cells", 2);
	w.prop_empty("ranges");
	w.prop_u32("#redistributor-regions", 1);
	w.prop_reg("reg", {p.gicd_base, AVCPU_VGIC_DIST_SIZE, p.gicr_base,
			   uint64_t(p.cpus) * AVCPU_VGIC_REDIST_SIZE});
	w.prop_u32("phandle", phandle);
	w.end_node();
}

// The architected timer's PPIs in the binding's order: secure physical (INTID 29),
// non-secure physical (30), virtual (27), hypervisor (26). The virtual one is what a
// guest entered at EL1 uses; the kernel serves it and the EL1 physical one.
void write_timer_node(FdtWriter &w)
{
	w.begin_node("timer");
	w.prop_string("compatible", "arm,armv8-timer");
	w.prop_u32s("interrupts",
		    {fdt_irq_ppi, 13, fdt_irq_level_high, fdt_irq_ppi, 14, fdt_irq_level_high,
		     fdt_irq_ppi, 11, fdt_irq_level_high, fdt_irq_ppi, 10, fdt_irq_level_high});
	w.prop_empty("always-on");
	w.end_node();
}

void write_clock_node(FdtWriter &w, uint32_t phandle)
{
	w.begin_node("apb-pclk");
	w.prop_string("compatible", "fixed-clock");
	w.prop_u32("#clock-cells", 0);
	w.prop_u32("clock-frequency", 24000000);
	w.prop_string("clock-output-names", "clk24mhz");
	w.prop_u32("phandle", phandle);
	w.end_node();
}

} // namespace vmm
