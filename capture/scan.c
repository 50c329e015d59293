/* SPDX-License-Identifier: MIT */
/* Line and token scanning for the capture parsers (scan.h). */
#include <string.h>

#include "lib/number.h"
#include "capture/scan.h"

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
	return !parse_u64_text(tok.s, tok.len, out);
}
