/* SPDX-License-Identifier: MIT */
/*
 * Binary trace format v1: the reader, which takes a whole file in memory
 * and reads it in place after validating every byte it relies on, and the
 * writer.  The rules an event must follow are the text format's, so that
 * every binary trace converts to text and back unchanged.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Inline: the compiler then vectorizes the checksum loop for this file. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "lib/progress.h"
#include "trace/trace_bin.h"
#include "trace/trace_text.h"
#include "trace/zstd_io.h"

/* Records are struct vmt_event read in place: it must be the documented
 * on-disk record, field for field (traces/FORMAT.md). */
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	      "records are read in place: little-endian hosts only");
static_assert(sizeof(struct vmt_event) == VMT_BIN_RECORD_SIZE, "record size");
static_assert(offsetof(struct vmt_event, op) == 0, "op");
static_assert(offsetof(struct vmt_event, flags) == 1, "flags");
static_assert(offsetof(struct vmt_event, cpu) == 2, "cpu");
static_assert(offsetof(struct vmt_event, id) == 4, "id");
static_assert(offsetof(struct vmt_event, pid) == 8, "pid");
static_assert(offsetof(struct vmt_event, attrs) == 12, "attrs");
static_assert(offsetof(struct vmt_event, size) == 16, "size");
static_assert(offsetof(struct vmt_event, align) == 24, "align");
static_assert(offsetof(struct vmt_event, vstart) == 32, "vstart");
static_assert(offsetof(struct vmt_event, vend) == 40, "vend");
static_assert(offsetof(struct vmt_event, va) == 48, "va");
static_assert(offsetof(struct vmt_event, t) == 56, "t");
static_assert(VMT_BIN_EVENT_ALIGN % _Alignof(struct vmt_event) == 0, "alignment");

/* ---- event rules, shared by reader and writer -------------------------- */

/* The value fields an event may carry (bits of a mask). */
enum carried {
	C_CPU = 1 << 0, C_PID = 1 << 1, C_SIZE = 1 << 2, C_ALIGN = 1 << 3,
	C_VSTART = 1 << 4, C_VEND = 1 << 5, C_VA = 1 << 6, C_T = 1 << 7,
};

/* Per op, as the text format has it: the flags it may have and the
 * fields it always carries; a field neither names must be 0. */
static const struct {
	uint8_t flags;
	uint8_t always;
} op_rules[] = {
	[0] = { 0, 0 },		/* unknown ops, reported as such */
	[VMT_LIVE] = { 0, C_SIZE | C_VA },
	[VMT_ALLOC] = { VMT_F_FAILED | VMT_F_ALIGN | VMT_F_VSTART | VMT_F_VEND | VMT_F_VA |
			VMT_F_T | VMT_F_CPU | VMT_F_PID, C_SIZE },
	[VMT_FREE] = { VMT_F_T | VMT_F_CPU | VMT_F_PID, 0 },
	[VMT_PURGE] = { VMT_F_T | VMT_F_CPU | VMT_F_N, C_VSTART | C_VEND },
};

struct event_limits {
	uint32_t nids;
	const struct strtab *strs;
	uint8_t *attrs_ok;	/* per strs index: bit (1 << op) once it passed */
	bool seen_event;	/* an alloc/free/purge went before */
};

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Whether @s could be the attributes of an @op line: key=value tokens
 * joined by single spaces, without whitespace or '#', none with a key the
 * op knows (the text parser would read that as a field).
 */
static bool attrs_fit_text(const char *s, size_t len, enum vmt_op op)
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

/* The rules an event can break, in the order they are reported. */
enum breach {
	B_OP = 1 << 0, B_FLAGS = 1 << 1, B_ID = 1 << 2, B_PURGE_ID = 1 << 3,
	B_ATTRS = 1 << 4, B_STRAY = 1 << 5, B_LIVE = 1 << 6,
};

/* Checks the attributes of an @op event against the text's rules, once
 * per string and op.  Precondition: ev->attrs is in range. */
static bool attrs_checked_ok(const struct vmt_event *ev, struct event_limits *lim)
{
	if (!ev->attrs || (lim->attrs_ok[ev->attrs] & (1u << ev->op)))
		return true;
	if (!attrs_fit_text(strtab_get(lim->strs, ev->attrs),
			    strtab_len(lim->strs, ev->attrs), ev->op))
		return false;
	lim->attrs_ok[ev->attrs] |= 1u << ev->op;
	return true;
}

static const char *__attribute__((noinline))
explain(unsigned breach, const struct vmt_event *ev, struct event_limits *lim)
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

/*
 * Why @ev breaks the format's rules, or NULL when it follows them.  Every
 * rule is evaluated without branching on the event, one test decides: a
 * trace mixes ops at random, and branches per rule would mispredict.
 */
static inline const char *event_problem(const struct vmt_event *ev,
					struct event_limits *lim)
{
	unsigned op = ev->op, f = ev->flags, breach, c;
	bool known = op - VMT_LIVE <= (unsigned)(VMT_PURGE - VMT_LIVE);
	bool purge = op == VMT_PURGE;
	uint64_t stray;

	c = op_rules[known ? op : 0].always;
	c |= (f & VMT_F_ALIGN ? C_ALIGN : 0) | (f & VMT_F_VSTART ? C_VSTART : 0) |
	     (f & VMT_F_VEND ? C_VEND : 0) | (f & VMT_F_VA ? C_VA : 0) |
	     (f & VMT_F_T ? C_T : 0) | (f & VMT_F_CPU ? C_CPU : 0) |
	     (f & VMT_F_PID ? (purge ? C_SIZE : C_PID) : 0);
	stray = (c & C_CPU ? 0 : ev->cpu) | (c & C_PID ? 0 : ev->pid) |
		(c & C_SIZE ? 0 : ev->size) | (c & C_ALIGN ? 0 : ev->align) |
		(c & C_VSTART ? 0 : ev->vstart) | (c & C_VEND ? 0 : ev->vend) |
		(c & C_VA ? 0 : ev->va) | (c & C_T ? 0 : ev->t);
	breach = (!known ? B_OP : 0) |
		 ((f & ~op_rules[known ? op : 0].flags) ? B_FLAGS : 0) |
		 (purge && ev->id ? B_PURGE_ID : 0) |
		 (!purge && ev->id - 1u >= lim->nids - 1u ? B_ID : 0) |
		 (ev->attrs >= lim->strs->count ? B_ATTRS : 0) |
		 (stray ? B_STRAY : 0) |
		 (op == VMT_LIVE && lim->seen_event ? B_LIVE : 0);
	if (__builtin_expect(breach || !attrs_checked_ok(ev, lim), 0))
		return explain(breach, ev, lim);
	lim->seen_event |= op != VMT_LIVE;
	return NULL;
}

/* ---- reader ------------------------------------------------------------ */

struct bin_reader {
	const char *name;
	const unsigned char *buf;
	size_t len;
	struct vmt_err *err;
};

/* Where the sections are, from the header. */
struct bin_layout {
	uint32_t nmeta, nids, nstrs;
	size_t meta_off, ids_off, strs_off, strs_end, ev_off, foot_off;
	size_t nev;
};

/* Reports `name: byte N: what` and returns -EINVAL. */
static int __attribute__((format(printf, 3, 4)))
bad(const struct bin_reader *R, size_t byte, const char *fmt, ...)
{
	char what[sizeof(R->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	vmt_err_set(R->err, "%s: byte %zu: %s", R->name, byte, what);
	return -EINVAL;
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

bool vmt_bin_sniff(const void *buf, size_t len)
{
	return len >= VMT_BIN_MAGIC_LEN && !memcmp(buf, VMT_BIN_MAGIC, VMT_BIN_MAGIC_LEN);
}

/* Checks the fixed header's fields (R->len: the bytes of it there are). */
static int read_header_fields(const struct bin_reader *R, struct vmt_trace *t)
{
	const unsigned char *h = R->buf;
	uint32_t version, flags;

	if (!vmt_bin_sniff(h, R->len))
		return bad(R, 0, "not a vmtrace binary trace (bad magic)");
	if (R->len < VMT_BIN_HEADER_SIZE)
		return bad(R, R->len, "truncated: the header needs %d bytes", VMT_BIN_HEADER_SIZE);
	version = get32(h + VMT_BIN_OFF_VERSION);
	if (version != VMT_BIN_VERSION)
		return bad(R, VMT_BIN_OFF_VERSION,
			   "binary format version %" PRIu32 " is not supported (this is version %d)",
			   version, VMT_BIN_VERSION);
	flags = get32(h + VMT_BIN_OFF_FLAGS);
	if (flags & ~VMT_BIN_HAS_RANGE)
		return bad(R, VMT_BIN_OFF_FLAGS, "unknown header flags 0x%" PRIx32, flags);
	if (get32(h + VMT_BIN_OFF_RESERVED))
		return bad(R, VMT_BIN_OFF_RESERVED, "reserved field is not 0");
	t->page_size = get64(h + VMT_BIN_OFF_PAGE_SIZE);
	if (t->page_size < 512 || (t->page_size & (t->page_size - 1)))
		return bad(R, VMT_BIN_OFF_PAGE_SIZE,
			   "page size %" PRIu64 " is not a power of two >= 512", t->page_size);
	t->has_range = flags & VMT_BIN_HAS_RANGE;
	t->range_lo = get64(h + VMT_BIN_OFF_RANGE_LO);
	t->range_hi = get64(h + VMT_BIN_OFF_RANGE_HI);
	if (t->has_range && t->range_lo >= t->range_hi)
		return bad(R, VMT_BIN_OFF_RANGE_LO,
			   "range: lo 0x%" PRIx64 " is not below hi 0x%" PRIx64,
			   t->range_lo, t->range_hi);
	if (t->has_range && !vmt_range_holds_page(t))
		return bad(R, VMT_BIN_OFF_RANGE_LO,
			   "range [0x%" PRIx64 ", 0x%" PRIx64 ") holds no whole page of %" PRIu64
			   " bytes", t->range_lo, t->range_hi, t->page_size);
	if (!t->has_range && (t->range_lo || t->range_hi))
		return bad(R, VMT_BIN_OFF_RANGE_LO, "range bounds without the range flag");
	return 0;
}

/* Each string takes a byte at least: this bounds what is allocated. */
static int read_table_counts(const struct bin_reader *R, struct bin_layout *L,
			     uint64_t ids_bytes, uint64_t strs_bytes)
{
	const unsigned char *h = R->buf;

	L->nmeta = get32(h + VMT_BIN_OFF_NMETA);
	L->nids = get32(h + VMT_BIN_OFF_NIDS);
	L->nstrs = get32(h + VMT_BIN_OFF_NSTRS);
	if (L->nids > ids_bytes)
		return bad(R, VMT_BIN_OFF_NIDS, "%" PRIu32 " ids cannot fit in %" PRIu64 " bytes",
			   L->nids, ids_bytes);
	if (L->nstrs > strs_bytes)
		return bad(R, VMT_BIN_OFF_NSTRS, "%" PRIu32 " strings cannot fit in %" PRIu64 " bytes",
			   L->nstrs, strs_bytes);
	return 0;
}

/* Checks the fixed header and footer and works out the layout. */
static int read_header(const struct bin_reader *R, struct vmt_trace *t,
		       struct bin_layout *L)
{
	const unsigned char *h = R->buf;
	uint64_t ids_bytes, strs_bytes, room, count;
	int ret;

	if ((ret = read_header_fields(R, t)))
		return ret;
	if (R->len < VMT_BIN_HEADER_SIZE + VMT_BIN_FOOTER_SIZE)
		return bad(R, R->len, "truncated: no room for the %d-byte footer",
			   VMT_BIN_FOOTER_SIZE);
	L->foot_off = R->len - VMT_BIN_FOOTER_SIZE;
	if (memcmp(h + L->foot_off + VMT_BIN_FOOT_MAGIC, VMT_BIN_FOOTER_MAGIC, 8))
		return bad(R, L->foot_off + VMT_BIN_FOOT_MAGIC,
			   "no footer magic: truncated, or not a whole file");

	/* Every size is checked against the room left, so no sum overflows. */
	L->nmeta = get32(h + VMT_BIN_OFF_NMETA);
	L->nids = get32(h + VMT_BIN_OFF_NIDS);
	L->nstrs = get32(h + VMT_BIN_OFF_NSTRS);
	ids_bytes = get64(h + VMT_BIN_OFF_IDS_BYTES);
	strs_bytes = get64(h + VMT_BIN_OFF_STRS_BYTES);
	room = L->foot_off - VMT_BIN_HEADER_SIZE;
	if ((uint64_t)L->nmeta * VMT_BIN_META_SIZE > room)
		return bad(R, VMT_BIN_OFF_NMETA, "%" PRIu32 " meta entries do not fit in the file",
			   L->nmeta);
	room -= (uint64_t)L->nmeta * VMT_BIN_META_SIZE;
	if (ids_bytes > room)
		return bad(R, VMT_BIN_OFF_IDS_BYTES, "id table of %" PRIu64 " bytes does not fit in the file",
			   ids_bytes);
	room -= ids_bytes;
	if (strs_bytes > room)
		return bad(R, VMT_BIN_OFF_STRS_BYTES,
			   "text table of %" PRIu64 " bytes does not fit in the file", strs_bytes);
	if ((ret = read_table_counts(R, L, ids_bytes, strs_bytes)))
		return ret;
	L->meta_off = VMT_BIN_HEADER_SIZE;
	L->ids_off = L->meta_off + (size_t)L->nmeta * VMT_BIN_META_SIZE;
	L->strs_off = L->ids_off + ids_bytes;
	L->strs_end = L->strs_off + strs_bytes;
	L->ev_off = (L->strs_end + VMT_BIN_EVENT_ALIGN - 1) & ~(size_t)(VMT_BIN_EVENT_ALIGN - 1);
	if (L->ev_off > L->foot_off)
		return bad(R, L->strs_end, "truncated: no room for the padding before the events");
	for (size_t i = L->strs_end; i < L->ev_off; i++)
		if (h[i])
			return bad(R, i, "padding byte is not 0");
	if ((L->foot_off - L->ev_off) % VMT_BIN_RECORD_SIZE)
		return bad(R, L->ev_off, "events: %zu bytes is not a whole number of %d-byte records",
			   L->foot_off - L->ev_off, VMT_BIN_RECORD_SIZE);
	L->nev = (L->foot_off - L->ev_off) / VMT_BIN_RECORD_SIZE;
	count = get64(h + L->foot_off + VMT_BIN_FOOT_COUNT);
	if (count != L->nev)
		return bad(R, L->foot_off + VMT_BIN_FOOT_COUNT,
			   "footer counts %" PRIu64 " events but the file holds %zu", count, L->nev);
	t->lost_events = get64(h + L->foot_off + VMT_BIN_FOOT_LOST);
	return 0;
}

static int no_empty_table(const struct bin_reader *R, const char *what, size_t off)
{
	return bad(R, off, "%s table: no strings (the empty string comes first)", what);
}

static int no_nul(const struct bin_reader *R, const char *what, size_t pos, uint32_t i,
		  uint32_t count)
{
	return bad(R, pos, "%s table: string %" PRIu32 " of %" PRIu32
		   " has no terminating NUL before the table's end", what, i, count);
}

/*
 * The rules of string @i of a table, at byte @pos, NUL-terminated:
 * the first one empty, each sorting after @prev (the one before it, NULL
 * for the first), ids made of id characters, text without newlines.
 */
static int check_table_string(const struct bin_reader *R, const char *what, size_t pos,
			      uint32_t i, const char *str, size_t len, const char *prev,
			      bool ids)
{
	if (!i && len)
		return bad(R, pos, "%s table: the first string is not empty", what);
	if (prev && strcmp(prev, str) >= 0)
		return bad(R, pos, "%s table: string %" PRIu32
			   " does not sort after the one before it", what, i);
	if (ids && i && (len > VMT_ID_MAX || !vmt_id_chars_ok(str, len)))
		return bad(R, pos, "%s table: string %" PRIu32
			   " is not an id (1 to %d bytes of [A-Za-z0-9_.-])", what, i, VMT_ID_MAX);
	if (!ids && memchr(str, '\n', len))
		return bad(R, pos, "%s table: string %" PRIu32 " holds a newline", what, i);
	return 0;
}

static int table_left_over(const struct bin_reader *R, const char *what, size_t pos,
			   size_t end)
{
	return bad(R, pos, "%s table: %zu bytes after its last string", what, end - pos);
}

/*
 * Reads a string table: @count NUL-terminated strings in ascending byte
 * order without duplicates (which proves them distinct without hashing),
 * the first one empty, filling exactly the @bytes at @table, which start
 * at byte @off of the file.
 */
static int read_table(const struct bin_reader *R, const char *what, const char *table,
		      size_t off, size_t bytes, uint32_t count, bool ids, struct strtab *s)
{
	const char *prev = NULL;
	size_t at = 0;
	int ret;

	if (!count)
		return no_empty_table(R, what, off);
	if ((ret = strtab_reserve(s, count - 1)))
		return ret;
	for (uint32_t i = 0; i < count; i++) {
		const char *str = table + at, *nul = memchr(str, '\0', bytes - at);
		size_t len;

		if (!nul)
			return no_nul(R, what, off + at, i, count);
		len = nul - str;
		if ((ret = check_table_string(R, what, off + at, i, str, len, prev, ids)))
			return ret;
		if (i && (ret = strtab_append_unique(s, str, len)))
			return ret;
		prev = str;
		at += len + 1;
	}
	if (at != bytes)
		return table_left_over(R, what, off + at, off + bytes);
	return 0;
}

/*
 * Meta keys and text as the text format's `meta KEY TEXT` line has them:
 * @nmeta entries at @raw, which starts at byte @off of the file.
 */
static int read_meta(const struct bin_reader *R, const unsigned char *raw, size_t off,
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
		struct vmt_meta m = { get32(p), get32(p + 4) };
		const char *key, *text;
		uint32_t klen, tlen;

		if (m.key >= nstrs || m.text >= nstrs)
			return bad(R, at, "meta %" PRIu32 ": string index out of range (%" PRIu32
				   " strings)", i, nstrs);
		key = strtab_get(strs, m.key);
		klen = strtab_len(strs, m.key);
		text = strtab_get(strs, m.text);
		tlen = strtab_len(strs, m.text);
		if (!klen || klen > VMT_META_KEY_MAX || strpbrk(key, " \t\r\v\f#"))
			return bad(R, at, "meta %" PRIu32 ": key is not 1 to %d bytes without "
				   "spaces or '#'", i, VMT_META_KEY_MAX);
		if (tlen && (is_space(text[0]) || is_space(text[tlen - 1])))
			return bad(R, at + 4, "meta %" PRIu32 ": text starts or ends with a space", i);
		t->meta[t->nmeta++] = m;
	}
	return 0;
}

/* Events per step of the checksum-and-validate loop: 256 KiB, which
 * stays in L2 for the validation, and is long enough a run for XXH3. */
#define EVENT_BLOCK 4096

/*
 * Hashes [0, checksum) in one pass, validating each block of events while
 * it is in cache.  Errors in the tables and events are reported only after
 * the checksum matched: a checksum mismatch explains them.
 */
static int read_body(const struct bin_reader *R, const struct bin_layout *L,
		     bool verify_checksum, struct vmt_trace *t)
{
	const struct vmt_event *ev = (const void *)(R->buf + L->ev_off);
	struct event_limits lim = { L->nids, &t->strs, NULL, false };
	struct vmt_err table_err = { { 0 } };
	struct bin_reader tables = { R->name, R->buf, R->len, &table_err };
	XXH3_state_t *hash = NULL;
	const char *problem = NULL;
	size_t bad_event = 0;
	uint64_t want, got;
	int ret = -ENOMEM, table_ret;

	if (verify_checksum) {
		hash = XXH3_createState();
		if (!hash || XXH3_64bits_reset(hash) != XXH_OK)
			goto out;
		XXH3_64bits_update(hash, R->buf, L->ev_off);
	}
	table_ret = read_table(&tables, "id", (const char *)R->buf + L->ids_off, L->ids_off,
			       L->strs_off - L->ids_off, L->nids, true, &t->ids);
	if (!table_ret)
		table_ret = read_table(&tables, "text", (const char *)R->buf + L->strs_off,
				       L->strs_off, L->strs_end - L->strs_off, L->nstrs, false,
				       &t->strs);
	if (!table_ret)
		table_ret = read_meta(&tables, R->buf + L->meta_off, L->meta_off, L->nmeta,
				      L->nstrs, t);
	if (table_ret == -ENOMEM)
		goto out;
	lim.attrs_ok = calloc(t->strs.count, 1);
	if (!lim.attrs_ok)
		goto out;
	for (size_t i = 0; i < L->nev; i += EVENT_BLOCK) {
		size_t n = L->nev - i < EVENT_BLOCK ? L->nev - i : EVENT_BLOCK;

		if (hash)
			XXH3_64bits_update(hash, ev + i, n * sizeof(*ev));
		for (size_t j = i; j < i + n && !problem && !table_ret; j++)
			if ((problem = event_problem(&ev[j], &lim)))
				bad_event = j;
	}
	if (hash) {
		XXH3_64bits_update(hash, R->buf + L->foot_off, VMT_BIN_FOOT_CHECKSUM);
		got = XXH3_64bits_digest(hash);
		want = get64(R->buf + L->foot_off + VMT_BIN_FOOT_CHECKSUM);
		if (got != want) {
			ret = bad(R, L->foot_off + VMT_BIN_FOOT_CHECKSUM,
				  "checksum 0x%016" PRIx64 " does not match the content (0x%016" PRIx64 ")",
				  want, got);
			goto out;
		}
	}
	if (table_ret) {
		vmt_err_set(R->err, "%s", table_err.msg);
		ret = table_ret;
		goto out;
	}
	if (problem) {
		const struct vmt_event *e = &ev[bad_event];

		ret = bad(R, L->ev_off + bad_event * sizeof(*ev),
			  "event %zu: %s (op %u, flags 0x%02x, id %" PRIu32 ", attrs %" PRIu32 ")",
			  bad_event, problem, e->op, e->flags, e->id, e->attrs);
		goto out;
	}
	/* Read in place; ev_cap 0 says the events are not the trace's to free. */
	t->ev = (struct vmt_event *)ev;
	t->nev = L->nev;
	t->ev_cap = 0;
	ret = 0;
out:
	free(lim.attrs_ok);
	XXH3_freeState(hash);
	return ret;
}

int vmt_bin_parse(const char *name, const void *buf, size_t len,
		  bool verify_checksum, struct vmt_trace *t, struct vmt_err *err)
{
	struct bin_reader R = { name, buf, len, err };
	struct bin_layout L = { 0 };
	int ret;

	if ((uintptr_t)buf % _Alignof(struct vmt_event)) {
		vmt_err_set(err, "%s: internal error: buffer not aligned for in-place reading", name);
		return -EINVAL;
	}
	ret = read_header(&R, t, &L);
	if (!ret)
		ret = read_body(&R, &L, verify_checksum, t);
	if (ret == -ENOMEM)
		vmt_err_set(err, "%s: out of memory", name);
	return ret;
}

/* ---- streaming reader ---------------------------------------------------- */

/* Bytes held at once: a block of events and the footer that may follow. */
#define STREAM_HOLD (EVENT_BLOCK * VMT_BIN_RECORD_SIZE + VMT_BIN_FOOTER_SIZE)

struct vmt_bin_stream {
	char *path, *name;		/* the file; the name messages give it */
	int fd;
	struct zstd_reader *z;		/* NULL: the file is the binary itself */
	XXH3_state_t *hash;		/* NULL: the checksum is not verified */
	unsigned char *buf;		/* [start, end): read, not yet consumed */
	size_t start, end;
	uint64_t pos;			/* file offset of buf[start] */
	bool eof;
	struct bin_layout L;
	struct event_limits lim;
	uint64_t nev;			/* events delivered so far */
	bool done;
};

static struct bin_reader stream_reader(const struct vmt_bin_stream *s, struct vmt_err *err)
{
	return (struct bin_reader){ s->name, s->buf + s->start, s->end - s->start, err };
}

/* Reads until @want bytes are held or the input ends.  0 or -errno. */
static int stream_fill(struct vmt_bin_stream *s, size_t want, struct vmt_err *err)
{
	long got;

	if (s->end - s->start >= want || s->eof)
		return 0;
	if (s->start) {
		memmove(s->buf, s->buf + s->start, s->end - s->start);
		s->end -= s->start;
		s->start = 0;
	}
	while (s->end < want && !s->eof) {
		if (s->z) {
			got = zstd_reader_read(s->z, s->buf + s->end, STREAM_HOLD - s->end, err);
		} else {
			do
				got = read(s->fd, s->buf + s->end, STREAM_HOLD - s->end);
			while (got < 0 && errno == EINTR);
			if (got < 0) {
				vmt_err_set(err, "%s: cannot read: %s", s->path, strerror(errno));
				got = -EIO;
			}
		}
		if (got < 0)
			return (int)got;
		s->eof = !got;
		s->end += got;
	}
	return 0;
}

/* Consumes @n held bytes, into the checksum. */
static void stream_take(struct vmt_bin_stream *s, size_t n)
{
	if (s->hash)
		XXH3_64bits_update(s->hash, s->buf + s->start, n);
	s->start += n;
	s->pos += n;
}

static int stream_truncated(struct vmt_bin_stream *s, const char *what, struct vmt_err *err)
{
	struct bin_reader R = stream_reader(s, err);

	return bad(&R, s->pos + (s->end - s->start), "truncated: the file ends in the %s", what);
}

/* Consumes @n bytes (any number), copying them to @to unless NULL. */
static int stream_copy(struct vmt_bin_stream *s, void *to, uint64_t n, const char *what,
		       struct vmt_err *err)
{
	int ret;

	while (n) {
		size_t step = n < STREAM_HOLD ? n : STREAM_HOLD, have;

		if ((ret = stream_fill(s, step, err)))
			return ret;
		have = s->end - s->start;
		if (have < step)
			return stream_truncated(s, what, err);
		if (to) {
			memcpy(to, s->buf + s->start, step);
			to = (char *)to + step;
		}
		stream_take(s, step);
		n -= step;
	}
	return 0;
}

/*
 * Reads the next @n bytes into a new buffer (*@out, NUL-terminated; free()
 * it), grown as they come: a forged size ends at the end of the file,
 * before it is allocated.
 */
static int stream_read_grown(struct vmt_bin_stream *s, uint64_t n, const char *what,
			     char **out, struct vmt_err *err)
{
	size_t cap = 0, got = 0;
	char *buf = NULL, *grown;
	int ret = 0;

	while (!ret) {
		size_t step = n - got < STREAM_HOLD ? n - got : STREAM_HOLD;

		if (got + step + 1 > cap) {
			cap = cap ? 2 * cap : step + 1;
			cap = cap < n + 1 ? cap : n + 1;
			if (!(grown = realloc(buf, cap))) {
				ret = -ENOMEM;
				break;
			}
			buf = grown;
		}
		if (!step)
			break;
		ret = stream_copy(s, buf + got, step, what, err);
		got += step;
	}
	if (!ret)
		buf[got] = '\0';
	else
		free(buf);
	*out = ret ? NULL : buf;
	return ret;
}

/*
 * Walks the id table, checking every string, keeping none but the one
 * before (ids are the bulk of a long trace's tables).  With @want > 0,
 * stops after string @want and copies it to @name (VMT_ID_MAX + 1 bytes).
 */
static int stream_ids(struct vmt_bin_stream *s, uint64_t bytes, uint32_t want, char *name,
		      struct vmt_err *err)
{
	char prev[VMT_ID_MAX + 1];
	uint64_t left = bytes;
	int ret;

	if (!s->L.nids) {
		struct bin_reader R = stream_reader(s, err);

		return no_empty_table(&R, "id", s->pos);
	}
	for (uint32_t i = 0; i < s->L.nids; i++) {
		size_t look = left < VMT_ID_MAX + 2 ? left : VMT_ID_MAX + 2, len;
		struct bin_reader R;
		const char *str, *nul;

		if ((ret = stream_fill(s, look, err)))
			return ret;
		if (s->end - s->start < look)
			return stream_truncated(s, "id table", err);
		R = stream_reader(s, err);
		str = (const char *)s->buf + s->start;
		nul = memchr(str, '\0', look);
		if (!nul && look == left)
			return no_nul(&R, "id", s->pos, i, s->L.nids);
		len = nul ? (size_t)(nul - str) : look;
		if (!nul) /* longer than any id: refused as too long */
			return check_table_string(&R, "id", s->pos, i, "", len, NULL, true);
		if ((ret = check_table_string(&R, "id", s->pos, i, str, len, i ? prev : NULL, true)))
			return ret;
		memcpy(prev, str, len + 1);
		stream_take(s, len + 1);
		left -= len + 1;
		if (want && i == want) {
			memcpy(name, prev, len + 1);
			return 0;
		}
	}
	if (left) {
		struct bin_reader R = stream_reader(s, err);

		return table_left_over(&R, "id", s->pos, s->pos + left);
	}
	return 0;
}

/* Opens @path and reads the fixed header.  -ENOTSUP when it is no binary trace. */
static int stream_open_header(const char *path, bool verify, struct vmt_trace *t,
			      struct vmt_bin_stream **out, uint64_t *ids_bytes,
			      uint64_t *strs_bytes, struct vmt_err *err)
{
	struct vmt_bin_stream *s = calloc(1, sizeof(*s));
	unsigned char magic[4];
	struct bin_reader R;
	struct stat st;
	int ret = -ENOMEM;

	*out = s;
	if (!s)
		goto out;
	s->fd = -1;
	if (!(s->path = strdup(path)) || !(s->buf = malloc(STREAM_HOLD)))
		goto out;
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	ret = -ENOTSUP;
	/* Streams read regular files; the rest (pipes, errors) load whole. */
	if (s->fd < 0 || fstat(s->fd, &st) || !S_ISREG(st.st_mode) ||
	    pread(s->fd, magic, sizeof(magic), 0) != sizeof(magic))
		goto out;
	ret = -ENOMEM;
	if (zstd_sniff(magic, sizeof(magic)) && zstd_reader_open(path, s->fd, &s->z))
		goto out;
	if (asprintf(&s->name, s->z ? "%s (decompressed)" : "%s", path) < 0) {
		s->name = NULL;
		goto out;
	}
	if (verify && (!(s->hash = XXH3_createState()) || XXH3_64bits_reset(s->hash) != XXH_OK))
		goto out;
	if ((ret = stream_fill(s, VMT_BIN_HEADER_SIZE, err)))
		goto out;
	if (!vmt_bin_sniff(s->buf, s->end)) {
		ret = -ENOTSUP;
		goto out;
	}
	R = stream_reader(s, err);
	if ((ret = read_header_fields(&R, t)))
		goto out;
	*ids_bytes = get64(s->buf + VMT_BIN_OFF_IDS_BYTES);
	*strs_bytes = get64(s->buf + VMT_BIN_OFF_STRS_BYTES);
	if ((ret = read_table_counts(&R, &s->L, *ids_bytes, *strs_bytes)))
		goto out;
	stream_take(s, VMT_BIN_HEADER_SIZE);
out:
	if (ret == -ENOMEM)
		vmt_err_set(err, "%s: out of memory", path);
	return ret;
}

/* Whether the last @have bytes held, at the end of the file, are no footer. */
static int stream_no_footer(struct vmt_bin_stream *s, size_t have, struct vmt_err *err)
{
	struct bin_reader R = stream_reader(s, err);

	if (have >= VMT_BIN_FOOTER_SIZE &&
	    !memcmp(s->buf + s->end - VMT_BIN_FOOTER_SIZE + VMT_BIN_FOOT_MAGIC,
		    VMT_BIN_FOOTER_MAGIC, 8))
		return 0;
	return bad(&R, s->pos + have - (have < VMT_BIN_FOOTER_SIZE ? 0 :
					VMT_BIN_FOOTER_SIZE - VMT_BIN_FOOT_MAGIC),
		   "no footer magic: truncated, or not a whole file");
}

/* The checksum of everything consumed, against the footer held at start. */
static int stream_checksum(struct vmt_bin_stream *s, struct vmt_err *err)
{
	const unsigned char *f = s->buf + s->start;
	struct bin_reader R = stream_reader(s, err);
	uint64_t want, got;

	if (!s->hash)
		return 0;
	XXH3_64bits_update(s->hash, f, VMT_BIN_FOOT_CHECKSUM);
	got = XXH3_64bits_digest(s->hash);
	want = get64(f + VMT_BIN_FOOT_CHECKSUM);
	if (got != want)
		return bad(&R, s->pos + VMT_BIN_FOOT_CHECKSUM,
			   "checksum 0x%016" PRIx64 " does not match the content (0x%016" PRIx64 ")",
			   want, got);
	return 0;
}

/*
 * After a table or event error @ret (its message in @first): reads to the
 * end for the checksum, which, when it does not match, explains the error
 * and is said instead, as vmt_bin_parse() does.
 */
static int stream_fail(struct vmt_bin_stream *s, int ret, const struct vmt_err *first,
		       struct vmt_err *err)
{
	size_t have;

	s->done = true;
	while (ret == -EINVAL && s->hash) {
		if (stream_fill(s, STREAM_HOLD, err) || stream_no_footer(s, s->end - s->start, err))
			return -EINVAL;
		have = s->end - s->start;
		stream_take(s, have - VMT_BIN_FOOTER_SIZE);
		if (s->eof) {
			if (stream_checksum(s, err))
				return -EINVAL;
			break;
		}
	}
	vmt_err_set(err, "%s", first->msg);
	return ret;
}

int vmt_bin_stream_open(const char *path, bool verify_checksum, struct vmt_trace *t,
			struct vmt_bin_stream **out, struct vmt_err *caller_err)
{
	struct vmt_err first = { { 0 } }, *err = caller_err;
	struct vmt_bin_stream *s;
	unsigned char *meta = NULL;
	char *strs;
	uint64_t ids_bytes, strs_bytes, meta_bytes, end;
	struct bin_reader R;
	int ret;

	ret = stream_open_header(path, verify_checksum, t, &s, &ids_bytes, &strs_bytes, err);
	*out = s;
	if (ret)
		goto out;
	/* Errors from here on may be a checksum's: said at the end (stream_fail). */
	err = &first;
	meta_bytes = (uint64_t)s->L.nmeta * VMT_BIN_META_SIZE;
	s->L.meta_off = VMT_BIN_HEADER_SIZE;
	if ((ret = stream_read_grown(s, meta_bytes, "meta entries", (char **)&meta, err)))
		goto out;
	s->L.ids_off = s->pos;
	if ((ret = stream_ids(s, ids_bytes, 0, NULL, err)))
		goto out;
	s->L.strs_off = s->pos;
	/* The trace keeps the text table: its strings are borrowed from it. */
	if ((ret = stream_read_grown(s, strs_bytes, "text table", &strs, err)))
		goto out;
	t->backing = strs;
	t->release = free;
	R = stream_reader(s, err);
	if ((ret = read_table(&R, "text", strs, s->L.strs_off, strs_bytes, s->L.nstrs,
			      false, &t->strs)) ||
	    (ret = read_meta(&R, meta, s->L.meta_off, s->L.nmeta, s->L.nstrs, t)))
		goto out;
	end = (s->pos + VMT_BIN_EVENT_ALIGN - 1) & ~(uint64_t)(VMT_BIN_EVENT_ALIGN - 1);
	if ((ret = stream_fill(s, end - s->pos, err)))
		goto out;
	if (s->end - s->start < end - s->pos) {
		ret = stream_truncated(s, "padding before the events", err);
		goto out;
	}
	for (uint64_t i = 0; i < end - s->pos; i++)
		if (s->buf[s->start + i]) {
			ret = bad(&R, s->pos + i, "padding byte is not 0");
			goto out;
		}
	stream_take(s, end - s->pos);
	s->L.ev_off = s->pos;
	s->lim = (struct event_limits){ s->L.nids, &t->strs, calloc(t->strs.count, 1), false };
	ret = s->lim.attrs_ok ? 0 : -ENOMEM;
out:
	free(meta);
	if (ret == -ENOMEM)
		vmt_err_set(err, "%s: out of memory", path);
	if (ret && err == &first)
		ret = stream_fail(s, ret, &first, caller_err);
	return ret;
}

/* The footer, once the events are read: count, lost events, checksum. */
static int stream_footer(struct vmt_bin_stream *s, struct vmt_trace *t, struct vmt_err *err)
{
	const unsigned char *f = s->buf + s->start;
	struct bin_reader R = stream_reader(s, err);

	if (get64(f + VMT_BIN_FOOT_COUNT) != s->nev)
		return bad(&R, s->pos + VMT_BIN_FOOT_COUNT,
			   "footer counts %" PRIu64 " events but the file holds %" PRIu64,
			   get64(f + VMT_BIN_FOOT_COUNT), s->nev);
	t->lost_events = get64(f + VMT_BIN_FOOT_LOST);
	return stream_checksum(s, err);
}

int vmt_bin_stream_read(struct vmt_bin_stream *s, struct vmt_trace *t, struct vmt_event *ev,
			size_t max, size_t *n, struct vmt_err *err)
{
	size_t have, k;
	int ret;

	*n = 0;
	if (s->done)
		return 0;
	max = max < EVENT_BLOCK ? max : EVENT_BLOCK;
	if ((ret = stream_fill(s, max * VMT_BIN_RECORD_SIZE + VMT_BIN_FOOTER_SIZE, err)))
		return ret;
	have = s->end - s->start;
	if (s->eof && have < VMT_BIN_FOOTER_SIZE + VMT_BIN_RECORD_SIZE) {
		struct bin_reader R = stream_reader(s, err);

		s->done = true;
		if ((ret = stream_no_footer(s, have, err)))
			return ret;
		if (have > VMT_BIN_FOOTER_SIZE)
			return bad(&R, s->L.ev_off, "events: %" PRIu64 " bytes is not a whole number "
				   "of %d-byte records", s->pos - s->L.ev_off + have -
				   VMT_BIN_FOOTER_SIZE, VMT_BIN_RECORD_SIZE);
		return stream_footer(s, t, err);
	}
	k = (have - VMT_BIN_FOOTER_SIZE) / VMT_BIN_RECORD_SIZE;
	k = k < max ? k : max;
	memcpy(ev, s->buf + s->start, k * VMT_BIN_RECORD_SIZE);
	for (size_t i = 0; i < k; i++) {
		const char *problem = event_problem(&ev[i], &s->lim);

		if (problem) {
			struct vmt_err first = { { 0 } };
			struct bin_reader R = stream_reader(s, &first);

			ret = bad(&R, s->pos + i * VMT_BIN_RECORD_SIZE,
				  "event %" PRIu64 ": %s (op %u, flags 0x%02x, id %" PRIu32
				  ", attrs %" PRIu32 ")", s->nev + i, problem, ev[i].op,
				  ev[i].flags, ev[i].id, ev[i].attrs);
			return stream_fail(s, ret, &first, err);
		}
	}
	stream_take(s, k * VMT_BIN_RECORD_SIZE);
	s->nev += k;
	*n = k;
	return 0;
}

uint32_t vmt_bin_stream_nids(const struct vmt_bin_stream *s)
{
	return s->L.nids;
}

int vmt_bin_stream_id_name(const struct vmt_bin_stream *s, uint32_t id, char *name)
{
	struct vmt_err err = { { 0 } };
	struct vmt_bin_stream *again;
	struct vmt_trace header;
	uint64_t ids_bytes, strs_bytes;
	int ret;

	if ((ret = vmt_trace_init(&header)))
		return ret;
	ret = stream_open_header(s->path, false, &header, &again, &ids_bytes, &strs_bytes, &err);
	if (!ret)
		ret = stream_copy(again, NULL, (uint64_t)again->L.nmeta * VMT_BIN_META_SIZE, "meta",
				  &err);
	if (!ret)
		ret = stream_ids(again, ids_bytes, id, name, &err);
	vmt_bin_stream_close(again);
	vmt_trace_free(&header);
	return ret;
}

void vmt_bin_stream_close(struct vmt_bin_stream *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	zstd_reader_close(s->z);
	XXH3_freeState(s->hash);
	free(s->lim.attrs_ok);
	free(s->buf);
	free(s->name);
	free(s->path);
	free(s);
}

/* ---- writer ------------------------------------------------------------ */

/* Everything written goes through the checksum. */
struct bin_sink {
	FILE *f;
	XXH3_state_t *hash;
};

static void sink_put(struct bin_sink *k, const void *p, size_t n)
{
	XXH3_64bits_update(k->hash, p, n);
	fwrite(p, 1, n, k->f);
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static int by_bytes(const void *a, const void *b, void *table)
{
	const struct strtab *s = table;

	return strcmp(strtab_get(s, *(const uint32_t *)a), strtab_get(s, *(const uint32_t *)b));
}

/*
 * The file's order of a string table: byte order.  Sets @order (file
 * index -> table index), @rank (table index -> file index) and @bytes.
 * The empty string sorts first, so index 0 stays 0.
 */
static int sort_table(const struct strtab *s, uint32_t **order, uint32_t **rank,
		      uint64_t *bytes)
{
	*order = malloc(s->count * sizeof(**order));
	*rank = malloc(s->count * sizeof(**rank));
	if (!*order || !*rank)
		return -ENOMEM;
	*bytes = 0;
	for (uint32_t i = 0; i < s->count; i++) {
		(*order)[i] = i;
		*bytes += strtab_len(s, i) + 1;
	}
	qsort_r(*order, s->count, sizeof(**order), by_bytes, (void *)s);
	for (uint32_t i = 0; i < s->count; i++)
		(*rank)[(*order)[i]] = i;
	return 0;
}

static void put_table(struct bin_sink *k, const struct strtab *s, const uint32_t *order)
{
	for (uint32_t i = 0; i < s->count; i++)
		sink_put(k, strtab_get(s, order[i]), strtab_len(s, order[i]) + 1);
}

/* The header (with @nids ids of @ids_bytes) and the meta entries. */
static void put_header(struct bin_sink *k, const struct vmt_trace *t, uint32_t nids,
		       uint64_t ids_bytes, uint64_t strs_bytes, const uint32_t *str_rank)
{
	unsigned char h[VMT_BIN_HEADER_SIZE] = { 0 };

	memcpy(h, VMT_BIN_MAGIC, VMT_BIN_MAGIC_LEN);
	put32(h + VMT_BIN_OFF_VERSION, VMT_BIN_VERSION);
	put32(h + VMT_BIN_OFF_FLAGS, t->has_range ? VMT_BIN_HAS_RANGE : 0);
	put64(h + VMT_BIN_OFF_PAGE_SIZE, t->page_size);
	put64(h + VMT_BIN_OFF_RANGE_LO, t->has_range ? t->range_lo : 0);
	put64(h + VMT_BIN_OFF_RANGE_HI, t->has_range ? t->range_hi : 0);
	put32(h + VMT_BIN_OFF_NMETA, t->nmeta);
	put32(h + VMT_BIN_OFF_NIDS, nids);
	put32(h + VMT_BIN_OFF_NSTRS, t->strs.count);
	put64(h + VMT_BIN_OFF_IDS_BYTES, ids_bytes);
	put64(h + VMT_BIN_OFF_STRS_BYTES, strs_bytes);
	sink_put(k, h, sizeof(h));
	for (size_t i = 0; i < t->nmeta; i++) {
		unsigned char m[VMT_BIN_META_SIZE];

		put32(m, str_rank[t->meta[i].key]);
		put32(m + 4, str_rank[t->meta[i].text]);
		sink_put(k, m, sizeof(m));
	}
}

/* The zeros after the tables, which end at byte @end. */
static void put_padding(struct bin_sink *k, uint64_t end)
{
	static const unsigned char zeros[VMT_BIN_EVENT_ALIGN];

	sink_put(k, zeros, (VMT_BIN_EVENT_ALIGN - end % VMT_BIN_EVENT_ALIGN) % VMT_BIN_EVENT_ALIGN);
}

/* The footer; 0, or the write's own errno (ENOSPC, ...) when it kept one. */
static int put_footer(struct bin_sink *k, uint64_t nev, uint64_t lost)
{
	unsigned char foot[VMT_BIN_FOOTER_SIZE];

	put64(foot + VMT_BIN_FOOT_COUNT, nev);
	put64(foot + VMT_BIN_FOOT_LOST, lost);
	memcpy(foot + VMT_BIN_FOOT_MAGIC, VMT_BIN_FOOTER_MAGIC, 8);
	sink_put(k, foot, VMT_BIN_FOOT_CHECKSUM);
	put64(foot + VMT_BIN_FOOT_CHECKSUM, XXH3_64bits_digest(k->hash));
	fwrite(foot + VMT_BIN_FOOT_CHECKSUM, 1, 8, k->f);
	return ferror(k->f) ? (errno ? -errno : -EIO) : 0;
}

int vmt_bin_write(const char *name, const struct vmt_trace *t, FILE *f,
		  struct vmt_err *err)
{
	uint32_t *id_order = NULL, *id_rank = NULL, *str_order = NULL, *str_rank = NULL;
	struct event_limits lim = { t->ids.count, &t->strs, calloc(t->strs.count, 1), false };
	struct bin_sink k = { f, XXH3_createState() };
	/* No bigger than the trace: small traces are written often (fuzzing). */
	struct vmt_event *block = malloc((t->nev < EVENT_BLOCK ? t->nev + 1 : EVENT_BLOCK) *
					 sizeof(*block));
	uint64_t ids_bytes, strs_bytes;
	int ret = -ENOMEM;

	if (!k.hash || !block || !lim.attrs_ok || XXH3_64bits_reset(k.hash) != XXH_OK ||
	    (ret = sort_table(&t->ids, &id_order, &id_rank, &ids_bytes)) ||
	    (ret = sort_table(&t->strs, &str_order, &str_rank, &strs_bytes)))
		goto out;
	errno = 0;
	put_header(&k, t, t->ids.count, ids_bytes, strs_bytes, str_rank);
	put_table(&k, &t->ids, id_order);
	put_table(&k, &t->strs, str_order);
	put_padding(&k, VMT_BIN_HEADER_SIZE + t->nmeta * VMT_BIN_META_SIZE + ids_bytes +
		    strs_bytes);
	for (size_t i = 0; i < t->nev; i += EVENT_BLOCK) {
		size_t n = t->nev - i < EVENT_BLOCK ? t->nev - i : EVENT_BLOCK;

		for (size_t j = 0; j < n; j++) {
			const char *problem = event_problem(&t->ev[i + j], &lim);

			if (problem) {
				vmt_err_set(err, "%s: event %zu: %s", name, i + j, problem);
				ret = -EINVAL;
				goto out;
			}
			block[j] = t->ev[i + j];
			block[j].id = id_rank[block[j].id];
			block[j].attrs = str_rank[block[j].attrs];
		}
		sink_put(&k, block, n * sizeof(block[0]));
		if (t->progress)
			progress_tick(t->progress, i + n);
	}
	ret = put_footer(&k, t->nev, t->lost_events);
out:
	XXH3_freeState(k.hash);
	free(lim.attrs_ok);
	free(block);
	free(id_order);
	free(id_rank);
	free(str_order);
	free(str_rank);
	return ret;
}

struct vmt_bin_writer {
	const char *name;
	struct bin_sink k;
	struct event_limits lim;
	const struct vmt_trace *t;
	uint32_t *str_order, *str_rank;
	uint64_t nev;
};

int vmt_bin_writer_open(const char *name, const struct vmt_trace *t, uint32_t nids,
			void (*id_name)(uint32_t i, char *name), FILE *f,
			struct vmt_bin_writer **out, struct vmt_err *err)
{
	struct vmt_bin_writer *w = calloc(1, sizeof(*w));
	char id[VMT_ID_MAX + 1];
	uint64_t ids_bytes = 0, strs_bytes;
	int ret = -ENOMEM;

	*out = w;
	if (!w)
		goto out;
	*w = (struct vmt_bin_writer){ name, { f, XXH3_createState() },
				      { nids, &t->strs, calloc(t->strs.count, 1), false }, t };
	if (!w->k.hash || !w->lim.attrs_ok || XXH3_64bits_reset(w->k.hash) != XXH_OK ||
	    (ret = sort_table(&t->strs, &w->str_order, &w->str_rank, &strs_bytes)))
		goto out;
	for (uint32_t i = 0; i < nids; i++) {
		id_name(i, id);
		ids_bytes += strlen(id) + 1;
	}
	errno = 0;
	put_header(&w->k, t, nids, ids_bytes, strs_bytes, w->str_rank);
	for (uint32_t i = 0; i < nids; i++) {
		id_name(i, id);
		sink_put(&w->k, id, strlen(id) + 1);
	}
	put_table(&w->k, &t->strs, w->str_order);
	put_padding(&w->k, VMT_BIN_HEADER_SIZE + t->nmeta * VMT_BIN_META_SIZE + ids_bytes +
		    strs_bytes);
	ret = 0;
out:
	if (ret == -ENOMEM)
		vmt_err_set(err, "%s: out of memory", name);
	return ret;
}

int vmt_bin_writer_event(struct vmt_bin_writer *w, const struct vmt_event *ev,
			 struct vmt_err *err)
{
	const char *problem = event_problem(ev, &w->lim);
	struct vmt_event rec = *ev;

	if (problem) {
		vmt_err_set(err, "%s: event %" PRIu64 ": %s", w->name, w->nev, problem);
		return -EINVAL;
	}
	rec.attrs = w->str_rank[rec.attrs];
	sink_put(&w->k, &rec, sizeof(rec));
	w->nev++;
	return 0;
}

int vmt_bin_writer_end(struct vmt_bin_writer *w)
{
	int ret = w ? put_footer(&w->k, w->nev, w->t->lost_events) : 0;

	vmt_bin_writer_free(w);
	return ret;
}

void vmt_bin_writer_free(struct vmt_bin_writer *w)
{
	if (!w)
		return;
	XXH3_freeState(w->k.hash);
	free(w->lim.attrs_ok);
	free(w->str_order);
	free(w->str_rank);
	free(w);
}
