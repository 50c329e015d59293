/* SPDX-License-Identifier: MIT */
/* Unsigned numbers as every text format here writes them. */
#ifndef VMTRACE_NUMBER_H
#define VMTRACE_NUMBER_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parses the @len bytes at @s, decimal or 0x-hex, no sign, into *@out.
 * Returns 0, -EINVAL when they are not such a number, or -ERANGE when it
 * does not fit in 64 bits.
 */
static inline int parse_u64_text(const char *s, size_t len, uint64_t *out)
{
	/* Each byte's value as a digit plus one, 0 when it is none: one
	 * lookup, not a chain of comparisons, on the parsers' hot path. */
	static const uint8_t digit_plus_one[256] = {
		['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
		['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
		['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
		['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	};
	unsigned base = 10;
	uint64_t v = 0;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return -EINVAL;
	for (; i < len; i++) {
		unsigned digit = digit_plus_one[(unsigned char)s[i]] - 1u;

		/* A non-digit wraps around to UINT_MAX. */
		if (digit >= base)
			return -EINVAL;
		/* Overflow by multiplication or addition: the checks the CPU
		 * makes anyway, where a division per digit would cost ten times
		 * the digit's work. */
		if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, digit, &v))
			return -ERANGE;
	}
	*out = v;
	return 0;
}

#endif /* VMTRACE_NUMBER_H */
