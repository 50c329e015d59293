/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "scan.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

void scan_lines_init(struct scan_lines *ls, const char *buf, size_t len)
{
	ls->p = buf;
	ls->end = buf + len;
	ls->lineno = 0;
}

bool scan_next_line(struct scan_lines *ls, struct scan *line)
{
	const char *nl;

	if (ls->p >= ls->end)
		return false;
	nl = memchr(ls->p, '\n', ls->end - ls->p);
	if (!nl)
		nl = ls->end;
	line->p = ls->p;
	line->end = nl;
	if (line->end > line->p && line->end[-1] == '\r')
		line->end--;
	ls->p = nl + 1;
	ls->lineno++;
	return true;
}

bool scan_at_end(struct scan *sc)
{
	while (sc->p < sc->end && is_blank(*sc->p))
		sc->p++;
	return sc->p == sc->end;
}

struct scan_tok scan_next(struct scan *sc)
{
	struct scan_tok tok = { 0 };

	if (scan_at_end(sc))
		return tok;
	tok.s = sc->p;
	while (sc->p < sc->end && !is_blank(*sc->p))
		sc->p++;
	tok.len = sc->p - tok.s;
	return tok;
}

bool tok_eq(struct scan_tok tok, const char *word)
{
	return tok.len == strlen(word) && !memcmp(tok.s, word, tok.len);
}

bool tok_value(struct scan_tok tok, const char *key, struct scan_tok *val)
{
	size_t klen = strlen(key);

	if (tok.len < klen || memcmp(tok.s, key, klen))
		return false;
	val->s = tok.s + klen;
	val->len = tok.len - klen;
	return true;
}

bool tok_u64(struct scan_tok tok, uint64_t *out)
{
	unsigned base = 10, digit;
	uint64_t v = 0;
	size_t i = 0;

	if (tok.len > 2 && tok.s[0] == '0' && (tok.s[1] == 'x' || tok.s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == tok.len)
		return false;
	for (; i < tok.len; i++) {
		char c = tok.s[i];

		if (c >= '0' && c <= '9')
			digit = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			digit = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			digit = c - 'A' + 10;
		else
			return false;
		if (v > (UINT64_MAX - digit) / base)
			return false;
		v = v * base + digit;
	}
	*out = v;
	return true;
}
