// SPDX-License-Identifier: GPL-2.0
// The few libc functions the compiler may call on its own (struct copies and clears).
// Marked so that it does not turn these loops back into calls to themselves.
#include <stddef.h>

#define NO_PATTERNS __attribute__((optimize("no-tree-loop-distribute-patterns")))

extern "C" {

NO_PATTERNS void *memset(void *dst, int c, size_t n)
{
	auto *d = static_cast<unsigned char *>(dst);
	while (n--)
		*d++ = static_cast<unsigned char>(c);
	return dst;
}

NO_PATTERNS void *memcpy(void *dst, const void *src, size_t n)
{
	auto *d = static_cast<unsigned char *>(dst);
	auto *s = static_cast<const unsigned char *>(src);
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
