/* SPDX-License-Identifier: MIT */
/*
 * The checks of a binary trace's header, string tables and meta, and the
 * rare path of an event's rules (bin_check.h), shared by its readers and
 * writers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/bin_check.h"
#include "trace/trace_text.h"

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Whether @s could be the attributes of an @op line: key=value tokens
 * joined by single spaces, without whitespace or '#', none with a key the
 * op knows (the text parser would read that as a field).
 */
bool bin_attrs_fit_text(const char *s, size_t len, enum vmt_op op)
{
	const char *end = s + len, *tok = s;

	for (;;) {
		const char *sp = memchr(tok, ' ', end - tok), *te = sp ? sp : end, *eq;

		for (const char *p = tok; p < te; p++)
			if (is_space(*p) || *p == '#')
				return false;
		eq = memchr(tok, '=', te - tok);
		if (!eq || eq == tok || vmt_text_key_known(op, tok, eq - tok))
			return false;
		if (!sp)
			return true;
		tok = sp + 1;
	}
}

const char *__attribute__((noinline))
bin_explain(unsigned breach, const struct vmt_event *ev, struct event_limits *lim)
{
	if (breach & B_OP)
		return "unknown op";
	if (breach & B_FLAGS)
		return "a flag this op does not have";
	if (breach & (B_ID | B_PURGE_ID))
		return breach & B_PURGE_ID ? "a purge with an id" : "id index out of range";
	if (breach & B_ATTRS)
		return "attrs index out of range";
	if (!attrs_checked_ok(ev, lim))
		return "attrs a text line could not carry";
	if (breach & B_STRAY)
		return "a field its op and flags do not carry is not 0";
	return breach & B_LIVE ? "live event after the first alloc/free/purge" : NULL;
}

int bin_bad(const struct bin_reader *R, size_t byte, const char *fmt, ...)
{
	char what[sizeof(R->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	vmt_err_set(R->err, "%s: byte %zu: %s", R->name, byte, what);
	return -EINVAL;
}

/* Checks the fixed header's fields (R->len: the bytes of it there are). */
int bin_read_header_fields(const struct bin_reader *R, struct vmt_trace *t)
{
	const unsigned char *h = R->buf;
	uint32_t version, flags;

	if (!vmt_bin_sniff(h, R->len))
		return bin_bad(R, 0, "not a vmtrace binary trace (bad magic)");
	if (R->len < VMT_BIN_HEADER_SIZE)
		return bin_bad(R, R->len, "truncated: the header needs %d bytes", VMT_BIN_HEADER_SIZE);
	version = bin_get32(h + VMT_BIN_OFF_VERSION);
	if (version != VMT_BIN_VERSION)
		return bin_bad(R, VMT_BIN_OFF_VERSION,
			   "binary format version %" PRIu32 " is not supported (this is version %d)",
			   version, VMT_BIN_VERSION);
	flags = bin_get32(h + VMT_BIN_OFF_FLAGS);
	if (flags & ~VMT_BIN_HAS_RANGE)
		return bin_bad(R, VMT_BIN_OFF_FLAGS, "unknown header flags 0x%" PRIx32, flags);
	if (bin_get32(h + VMT_BIN_OFF_RESERVED))
		return bin_bad(R, VMT_BIN_OFF_RESERVED, "reserved field is not 0");
	t->page_size = bin_get64(h + VMT_BIN_OFF_PAGE_SIZE);
	if (t->page_size < 512 || (t->page_size & (t->page_size - 1)))
		return bin_bad(R, VMT_BIN_OFF_PAGE_SIZE,
			   "page size %" PRIu64 " is not a power of two >= 512", t->page_size);
	t->has_range = flags & VMT_BIN_HAS_RANGE;
	t->range_lo = bin_get64(h + VMT_BIN_OFF_RANGE_LO);
	t->range_hi = bin_get64(h + VMT_BIN_OFF_RANGE_HI);
	if (t->has_range && t->range_lo >= t->range_hi)
		return bin_bad(R, VMT_BIN_OFF_RANGE_LO,
			   "range: lo 0x%" PRIx64 " is not below hi 0x%" PRIx64,
			   t->range_lo, t->range_hi);
	if (t->has_range && !vmt_range_holds_page(t))
		return bin_bad(R, VMT_BIN_OFF_RANGE_LO,
			   "range [0x%" PRIx64 ", 0x%" PRIx64 ") holds no whole page of %" PRIu64
			   " bytes", t->range_lo, t->range_hi, t->page_size);
	if (!t->has_range && (t->range_lo || t->range_hi))
		return bin_bad(R, VMT_BIN_OFF_RANGE_LO, "range bounds without the range flag");
	return 0;
}

/* Each string takes a byte at least: this bounds what is allocated. */
int bin_read_table_counts(const struct bin_reader *R, struct bin_layout *L,
			     uint64_t ids_bytes, uint64_t strs_bytes)
{
	const unsigned char *h = R->buf;

	L->nmeta = bin_get32(h + VMT_BIN_OFF_NMETA);
	L->nids = bin_get32(h + VMT_BIN_OFF_NIDS);
	L->nstrs = bin_get32(h + VMT_BIN_OFF_NSTRS);
	if (L->nids > ids_bytes)
		return bin_bad(R, VMT_BIN_OFF_NIDS, "%" PRIu32 " ids cannot fit in %" PRIu64 " bytes",
			   L->nids, ids_bytes);
	if (L->nstrs > strs_bytes)
		return bin_bad(R, VMT_BIN_OFF_NSTRS, "%" PRIu32 " strings cannot fit in %" PRIu64 " bytes",
			   L->nstrs, strs_bytes);
	return 0;
}

int bin_no_empty_table(const struct bin_reader *R, const char *what, size_t off)
{
	return bin_bad(R, off, "%s table: no strings (the empty string comes first)", what);
}

int bin_no_nul(const struct bin_reader *R, const char *what, size_t pos, uint32_t i,
		  uint32_t count)
{
	return bin_bad(R, pos, "%s table: string %" PRIu32 " of %" PRIu32
		   " has no terminating NUL before the table's end", what, i, count);
}

/*
 * The rules of string @i of a table, at byte @pos, NUL-terminated:
 * the first one empty, each sorting after @prev (the one before it, NULL
 * for the first), ids made of id characters, text without newlines.
 */
int bin_check_table_string(const struct bin_reader *R, const char *what, size_t pos,
			      uint32_t i, const char *str, size_t len, const char *prev,
			      bool ids)
{
	if (!i && len)
		return bin_bad(R, pos, "%s table: the first string is not empty", what);
	if (prev && strcmp(prev, str) >= 0)
		return bin_bad(R, pos, "%s table: string %" PRIu32
			   " does not sort after the one before it", what, i);
	if (ids && i && (len > VMT_ID_MAX || !vmt_id_chars_ok(str, len)))
		return bin_bad(R, pos, "%s table: string %" PRIu32
			   " is not an id (1 to %d bytes of [A-Za-z0-9_.-])", what, i, VMT_ID_MAX);
	if (!ids && memchr(str, '\n', len))
		return bin_bad(R, pos, "%s table: string %" PRIu32 " holds a newline", what, i);
	return 0;
}

int bin_table_left_over(const struct bin_reader *R, const char *what, size_t pos,
			   size_t end)
{
	return bin_bad(R, pos, "%s table: %zu bytes after its last string", what, end - pos);
}

/*
 * Reads a string table: @count NUL-terminated strings in ascending byte
 * order without duplicates (which proves them distinct without hashing),
 * the first one empty, filling exactly the @bytes at @table, which start
 * at byte @off of the file.
 */
int bin_read_table(const struct bin_reader *R, const char *what, const char *table,
		      size_t off, size_t bytes, uint32_t count, bool ids, struct strtab *s)
{
	const char *prev = NULL;
	size_t at = 0;
	int ret;

	if (!count)
		return bin_no_empty_table(R, what, off);
	if ((ret = strtab_reserve(s, count - 1)))
		return ret;
	for (uint32_t i = 0; i < count; i++) {
		const char *str = table + at, *nul = memchr(str, '\0', bytes - at);
		size_t len;

		if (!nul)
			return bin_no_nul(R, what, off + at, i, count);
		len = nul - str;
		if ((ret = bin_check_table_string(R, what, off + at, i, str, len, prev, ids)))
			return ret;
		if (i && (ret = strtab_append_unique(s, str, len)))
			return ret;
		prev = str;
		at += len + 1;
	}
	if (at != bytes)
		return bin_table_left_over(R, what, off + at, off + bytes);
	return 0;
}

/*
 * Meta keys and text as the text format's `meta KEY TEXT` line has them:
 * @nmeta entries at @raw, which starts at byte @off of the file.
 */
int bin_read_meta(const struct bin_reader *R, const unsigned char *raw, size_t off,
		     uint32_t nmeta, uint32_t nstrs, struct vmt_trace *t)
{
	const struct strtab *strs = &t->strs;

	t->meta = malloc((nmeta ? nmeta : 1) * sizeof(*t->meta));
	if (!t->meta)
		return -ENOMEM;
	t->meta_cap = nmeta ? nmeta : 1;
	for (uint32_t i = 0; i < nmeta; i++) {
		size_t at = off + (size_t)i * VMT_BIN_META_SIZE;
		const unsigned char *p = raw + (size_t)i * VMT_BIN_META_SIZE;
		struct vmt_meta m = { bin_get32(p), bin_get32(p + 4) };
		const char *key, *text;
		uint32_t klen, tlen;

		if (m.key >= nstrs || m.text >= nstrs)
			return bin_bad(R, at, "meta %" PRIu32 ": string index out of range (%" PRIu32
				   " strings)", i, nstrs);
		key = strtab_get(strs, m.key);
		klen = strtab_len(strs, m.key);
		text = strtab_get(strs, m.text);
		tlen = strtab_len(strs, m.text);
		if (!klen || klen > VMT_META_KEY_MAX || strpbrk(key, " \t\r\v\f#"))
			return bin_bad(R, at, "meta %" PRIu32 ": key is not 1 to %d bytes without "
				   "spaces or '#'", i, VMT_META_KEY_MAX);
		if (tlen && (is_space(text[0]) || is_space(text[tlen - 1])))
			return bin_bad(R, at + 4, "meta %" PRIu32 ": text starts or ends with a space", i);
		t->meta[t->nmeta++] = m;
	}
	return 0;
}
