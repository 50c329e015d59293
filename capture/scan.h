/* SPDX-License-Identifier: MIT */
/*
 * Line and token scanning shared by the capture parsers (tracefs text,
 * /proc/vmallocinfo): a buffer is cut into numbered lines without copying,
 * a line into whitespace-separated tokens.
 */
#ifndef VMTRACE_SCAN_H
#define VMTRACE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct scan_tok {
	const char *s;
	size_t len;		/* 0: no token */
};

/* A cursor over one line (no newline inside). */
struct scan {
	const char *p, *end;
};

/* A cursor over the lines of a buffer. */
struct scan_lines {
	const char *p, *end;
	uint32_t lineno;	/* of the line last returned, 1-based */
};

void scan_lines_init(struct scan_lines *ls, const char *buf, size_t len);

/*
 * Puts the next line (without its '\n' and a trailing '\r') in *@line.
 * Returns false at the end of the buffer.
 */
bool scan_next_line(struct scan_lines *ls, struct scan *line);

/* The next whitespace-separated token, len 0 at the end of the line. */
struct scan_tok scan_next(struct scan *sc);

/* Skips blanks; true when the rest of the line is empty. */
bool scan_at_end(struct scan *sc);

bool tok_eq(struct scan_tok tok, const char *word);

/*
 * When @tok is `@key=VALUE`, sets *@val to VALUE and returns true.
 * @key includes the '=' (e.g. "size=").
 */
bool tok_value(struct scan_tok tok, const char *key, struct scan_tok *val);

/*
 * Parses all of @tok as an unsigned number: 0x-prefixed hex, else decimal.
 * Returns false when it is empty, has another character, or passes 2^64.
 */
bool tok_u64(struct scan_tok tok, uint64_t *out);

/* Printable length to quote a token in a message (at most 64 bytes). */
static inline int tok_quote_len(struct scan_tok tok)
{
	return (int)(tok.len > 64 ? 64 : tok.len);
}

#endif /* VMTRACE_SCAN_H */
