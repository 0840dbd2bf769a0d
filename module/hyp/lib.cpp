// SPDX-License-Identifier: GPL-2.0
// The few libc functions the compiler may call on its own (struct copies and clears).
// Marked so that it does not turn these loops back into calls to themselves.
//
// The world switch clears a struct on every guest exit (the exit record, 104 bytes) and
// one per run (the host's feature state): a byte at a time that was three instructions a
// byte, most of the EL2 floor. Aligned buffers (all of EL2's structs are 8-byte aligned)
// go a 64-bit word at a time; the tail and unaligned buffers a byte at a time.
#include <stddef.h>
#include <stdint.h>

#define NO_PATTERNS __attribute__((optimize("no-tree-loop-distribute-patterns")))

namespace
{

// A word that may alias any object, as the bytes memset and memcpy stand for may.
using Word = uint64_t __attribute__((may_alias));
constexpr uintptr_t word_mask = sizeof(Word) - 1;

bool word_aligned(const void *p)
{
	return !(reinterpret_cast<uintptr_t>(p) & word_mask);
}

} // namespace

extern "C" {

NO_PATTERNS void *memset(void *dst, int c, size_t n)
{
	auto *d = static_cast<unsigned char *>(dst);
	auto byte = static_cast<unsigned char>(c);

	if (word_aligned(d)) {
		const Word pattern = 0x0101010101010101ULL * byte;
		auto *w = reinterpret_cast<Word *>(d);
		for (; n >= sizeof(Word); n -= sizeof(Word))
			*w++ = pattern;
		d = reinterpret_cast<unsigned char *>(w);
	}
	while (n--)
		*d++ = byte;
	return dst;
}

NO_PATTERNS void *memcpy(void *dst, const void *src, size_t n)
{
	auto *d = static_cast<unsigned char *>(dst);
	auto *s = static_cast<const unsigned char *>(src);

	if (word_aligned(d) && word_aligned(s)) {
		auto *wd = reinterpret_cast<Word *>(d);
		auto *ws = reinterpret_cast<const Word *>(s);
		for (; n >= sizeof(Word); n -= sizeof(Word))
			*wd++ = *ws++;
		d = reinterpret_cast<unsigned char *>(wd);
		s = reinterpret_cast<const unsigned char *>(ws);
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

NO_PATTERNS void *memmove(void *dst, const void *src, size_t n)
{
	auto *d = static_cast<unsigned char *>(dst);
	auto *s = static_cast<const unsigned char *>(src);
	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

} // extern "C"
