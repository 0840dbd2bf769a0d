// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: the EL2 image's exit decoders and completion rules (guest_exit.h) on
// any syndrome, address and register file. Properties, not just "no crash": an MMIO exit
// has a length of 1, 2, 4 or 8 and an IPA inside the 48-bit space built from HPFAR and
// FAR; completion writes at most the one register the syndrome names and steps the PC
// by 2 or 4; a read into XZR changes no register.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "guest_exit.h"

using namespace hyp;

namespace
{

template <typename T> T take(const uint8_t *&data, size_t &size)
{
	T v{};
	size_t n = size < sizeof(T) ? size : sizeof(T);
	std::memcpy(&v, data, n);
	data += n;
	size -= n;
	return v;
}

void check(bool ok)
{
	if (!ok)
		std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	avcpu_vcpu_ctx ctx;
	std::memset(&ctx, 0, sizeof(ctx));
	uint64_t esr = take<uint64_t>(data, size);
	uint64_t far = take<uint64_t>(data, size);
	uint64_t hpfar = take<uint64_t>(data, size);
	uint64_t value = take<uint64_t>(data, size);
	uint8_t which = take<uint8_t>(data, size);
	for (auto &x : ctx.x)
		x = take<uint64_t>(data, size);
	ctx.pc = take<uint64_t>(data, size) & ~3ULL;
	const avcpu_vcpu_ctx before = ctx;

	switch (which % 4) {
	case 0: {
		decode_data_abort(ctx, esr, far, hpfar);
		if (ctx.exit.reason != AVCPU_EXIT_MMIO)
			break;
		uint64_t len = ctx.exit.mmio.len;
		check(len == 1 || len == 2 || len == 4 || len == 8);
		check(ctx.exit.mmio.ipa < (1ULL << 52));
		check((ctx.exit.mmio.ipa & 0xfff) == (far & 0xfff));
		complete_mmio(ctx, value);
		check(ctx.pc == before.pc + 4 || ctx.pc == before.pc + 2);
		unsigned changed = 0;
		for (unsigned i = 0; i < 31; i++)
			changed += ctx.x[i] != before.x[i];
		check(changed <= 1);
		break;
	}
	case 1:
		decode_sysreg_exit(ctx, esr);
		check(ctx.exit.reason == AVCPU_EXIT_SYSREG);
		check(ctx.exit.sysreg.rt <= 31);
		complete_sysreg(ctx, value);
		check(ctx.pc == before.pc + 4);
		if (ctx.exit.sysreg.rt == 31 || ctx.exit.sysreg.is_write)
			check(std::memcmp(ctx.x, before.x, sizeof(ctx.x)) == 0);
		break;
	case 2:
		decode_hvc(ctx, esr);
		check(ctx.exit.reason == AVCPU_EXIT_HYPERCALL);
		check(ctx.exit.hypercall.imm <= 0xffff);
		check(ctx.pc == before.pc);
		break;
	default:
		// Whatever PSTATE a VMM asks for, only the EL0t/EL1t/EL1h AArch64 forms pass,
		// and AArch32 User mode where the CPU has it: never EL2, EL3 or AArch32 EL1.
		if (guest_pstate_valid(value, value & 1)) {
			uint64_t mode = value & 0x1f;
			check(mode == 0x0 || mode == 0x4 || mode == 0x5 || mode == 0x10);
			check(mode != 0x10 || (value & 1));
		}
		break;
	}
	return 0;
}
