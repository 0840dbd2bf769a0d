// SPDX-License-Identifier: GPL-2.0
// Decoders for ESR_EL2, the syndrome of an exception taken to EL2.
// Layouts: Arm ARM (DDI 0487) D23.2.48 "ESR_EL2", and the ISS encodings per exception class.
// Pure and constexpr: shared by the EL2 image and the host unit tests.
#pragma once

#include <stdint.h>

namespace hyp
{

// Exception classes (ESR_ELx.EC) avcpu distinguishes.
enum class ExceptionClass : uint8_t {
	unknown = 0x00,
	wfx = 0x01,
	fp_simd = 0x07,
	pauth = 0x09,
	illegal_state = 0x0e,
	svc64 = 0x15,
	hvc64 = 0x16,
	smc64 = 0x17,
	sys64 = 0x18,
	sve = 0x19,
	sme = 0x1d,
	instruction_abort_lower = 0x20,
	instruction_abort_same = 0x21,
	pc_alignment = 0x22,
	data_abort_lower = 0x24,
	data_abort_same = 0x25,
	sp_alignment = 0x26,
	serror = 0x2f,
	brk64 = 0x3c,
};

constexpr uint64_t bits(uint64_t value, unsigned hi, unsigned lo)
{
	return (value >> lo) & ((hi - lo == 63) ? ~0ULL : ((1ULL << (hi - lo + 1)) - 1));
}

constexpr bool bit(uint64_t value, unsigned n)
{
	return (value >> n) & 1;
}

struct Syndrome {
	uint64_t raw;

	constexpr ExceptionClass ec() const { return ExceptionClass(bits(raw, 31, 26)); }
	constexpr uint8_t ec_raw() const { return uint8_t(bits(raw, 31, 26)); }
	// IL: 1 for a 32-bit instruction; the PC advances by 4 when the trapped one is emulated.
	constexpr bool il32() const { return bit(raw, 25); }
	constexpr uint32_t iss() const { return uint32_t(bits(raw, 24, 0)); }
};

// ISS of a data abort (EC 0x24/0x25).
struct DataAbort {
	uint32_t iss;

	// ISV: the fields SAS..AR below are valid (a single load or store to a register).
	constexpr bool valid() const { return bit(iss, 24); }
	// Access size in bytes: 1, 2, 4 or 8.
	constexpr unsigned size() const { return 1u << bits(iss, 23, 22); }
	// SSE: the loaded value is sign-extended to the register width.
	constexpr bool sign_extend() const { return bit(iss, 21); }
	// SRT: the transfer register, 31 meaning XZR/WZR.
	constexpr unsigned reg() const { return unsigned(bits(iss, 20, 16)); }
	// SF: a 64-bit register (X) rather than W.
	constexpr bool reg64() const { return bit(iss, 15); }
	constexpr bool acquire_release() const { return bit(iss, 14); }
	// FnV: FAR is not valid.
	constexpr bool far_invalid() const { return bit(iss, 10); }
	// S1PTW: the fault happened on a stage-1 table walk.
	constexpr bool stage1_walk() const { return bit(iss, 7); }
	constexpr bool write() const { return bit(iss, 6); }
	constexpr unsigned status() const { return unsigned(bits(iss, 5, 0)); }
};

// ISS of a trapped MSR/MRS/system instruction (EC 0x18).
struct SysRegAccess {
	uint32_t iss;

	constexpr unsigned op0() const { return unsigned(bits(iss, 21, 20)); }
	constexpr unsigned op2() const { return unsigned(bits(iss, 19, 17)); }
	constexpr unsigned op1() const { return unsigned(bits(iss, 16, 14)); }
	constexpr unsigned crn() const { return unsigned(bits(iss, 13, 10)); }
	constexpr unsigned reg() const { return unsigned(bits(iss, 9, 5)); }
	constexpr unsigned crm() const { return unsigned(bits(iss, 4, 1)); }
	// Direction: 1 for a read (MRS), 0 for a write (MSR).
	constexpr bool read() const { return bit(iss, 0); }
};

// ISS of HVC/SMC (EC 0x16/0x17): the instruction's 16-bit immediate.
struct HvcSmc {
	uint32_t iss;

	constexpr uint16_t imm() const { return uint16_t(bits(iss, 15, 0)); }
};

} // namespace hyp
