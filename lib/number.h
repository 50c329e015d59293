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
	unsigned base = 10, digit;
	uint64_t v = 0;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return -EINVAL;
	for (; i < len; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			digit = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			digit = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			digit = c - 'A' + 10;
		else
			return -EINVAL;
		if (v > (UINT64_MAX - digit) / base)
			return -ERANGE;
		v = v * base + digit;
	}
	*out = v;
	return 0;
}

#endif /* VMTRACE_NUMBER_H */
