// SPDX-License-Identifier: GPL-2.0
// Writing the flattened device tree avcpu-run hands the guest in x0: a thin layer over
// libfdt's sequential-write API that the machine and each device write their nodes with,
// and the nodes of the platform itself (memory, CPUs, PSCI, the GIC, the timer, /chosen).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace vmm
{

// Phandles of the nodes other nodes point at; 0 when the node does not exist.
struct FdtRefs {
	uint32_t gic = 0;   // the interrupt controller: without it no node has interrupts
	uint32_t clock = 0; // the fixed APB clock the PL011 binding asks for
};

// Interrupt specifier cells of the arm,gic-v3 binding: <type number flags>.
constexpr uint32_t fdt_irq_spi = 0, fdt_irq_ppi = 1;
constexpr uint32_t fdt_irq_level_high = 4;

class FdtWriter
{
public:
	explicit FdtWriter(size_t capacity = size_t{64} * 1024);

	void begin_node(const std::string &name);
	void end_node();
	void prop_string(const char *name, const std::string &value);
	// A string list ("a\0b\0"), as compatible and clock-names are.
	void prop_strings(const char *name, std::initializer_list<const char *> values);
	void prop_u32(const char *name, uint32_t value);
	void prop_u32s(const char *name, const std::vector<uint32_t> &cells);
	void prop_u64(const char *name, uint64_t value);
	void prop_empty(const char *name);
	// reg with #address-cells = #size-cells = 2: <base size>... pairs.
	void prop_reg(const char *name, std::initializer_list<uint64_t> base_size_pairs);

	// The finished blob, or an empty vector with error set (the first libfdt failure).
	std::vector<uint8_t> finish(std::string &error);

private:
	void check(int result);
	std::vector<uint8_t> blob_;
	int error_ = 0;
};

// "name@hex-address", the node-name form of the device-tree specification.
std::string fdt_node_name(const char *name, uint64_t address);

// What /chosen says.
struct Chosen {
	std::string bootargs;
	std::string stdout_path;		   // empty: none
	uint64_t initrd_start = 0, initrd_end = 0; // both 0: no initrd
};

// The machine's own nodes, each written whole at the current position (under the root).
struct Platform {
	uint64_t ram_base, ram_size;
	unsigned cpus;
	bool gic;
	uint64_t gicd_base, gicr_base;
};
void write_chosen_node(FdtWriter &w, const Chosen &chosen);
void write_memory_node(FdtWriter &w, const Platform &p);
void write_cpus_node(FdtWriter &w, const Platform &p);
void write_psci_node(FdtWriter &w);
void write_gic_node(FdtWriter &w, const Platform &p, uint32_t phandle);
void write_timer_node(FdtWriter &w);
void write_clock_node(FdtWriter &w, uint32_t phandle);

} // namespace vmm
