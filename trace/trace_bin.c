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

/* Inline: the compiler then vectorizes the checksum loop for this file. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "lib/progress.h"
#include "trace/trace_bin.h"
#include "trace/trace_text.h"

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

/* Checks the fixed header and footer and works out the layout. */
static int read_header(const struct bin_reader *R, struct vmt_trace *t,
		       struct bin_layout *L)
{
	const unsigned char *h = R->buf;
	uint32_t version, flags;
	uint64_t ids_bytes, strs_bytes, room, count;

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
	/* Each string takes a byte at least: this bounds what is allocated. */
	if (L->nids > ids_bytes)
		return bad(R, VMT_BIN_OFF_NIDS, "%" PRIu32 " ids cannot fit in %" PRIu64 " bytes",
			   L->nids, ids_bytes);
	if (L->nstrs > strs_bytes)
		return bad(R, VMT_BIN_OFF_NSTRS, "%" PRIu32 " strings cannot fit in %" PRIu64 " bytes",
			   L->nstrs, strs_bytes);
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

/*
 * Reads a string table: @count NUL-terminated strings in ascending byte
 * order without duplicates (which proves them distinct without hashing),
 * the first one empty, filling exactly [@off, @end).
 */
static int read_table(const struct bin_reader *R, const char *what, size_t off,
		      size_t end, uint32_t count, bool ids, struct strtab *s)
{
	const char *base = (const char *)R->buf, *prev = NULL;
	size_t pos = off;
	int ret;

	if (!count)
		return bad(R, off, "%s table: no strings (the empty string comes first)", what);
	if ((ret = strtab_reserve(s, count - 1)))
		return ret;
	for (uint32_t i = 0; i < count; i++) {
		const char *str = base + pos, *nul = memchr(str, '\0', end - pos);
		size_t len;

		if (!nul)
			return bad(R, pos, "%s table: string %" PRIu32 " of %" PRIu32
				   " has no terminating NUL before the table's end", what, i, count);
		len = nul - str;
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
		if (i && (ret = strtab_append_unique(s, str, len)))
			return ret;
		prev = str;
		pos += len + 1;
	}
	if (pos != end)
		return bad(R, pos, "%s table: %zu bytes after its last string", what, end - pos);
	return 0;
}

/* Meta keys and text as the text format's `meta KEY TEXT` line has them. */
static int read_meta(const struct bin_reader *R, const struct bin_layout *L,
		     struct vmt_trace *t)
{
	const struct strtab *strs = &t->strs;

	t->meta = malloc((L->nmeta ? L->nmeta : 1) * sizeof(*t->meta));
	if (!t->meta)
		return -ENOMEM;
	t->meta_cap = L->nmeta ? L->nmeta : 1;
	for (uint32_t i = 0; i < L->nmeta; i++) {
		size_t at = L->meta_off + (size_t)i * VMT_BIN_META_SIZE;
		struct vmt_meta m = { get32(R->buf + at), get32(R->buf + at + 4) };
		const char *key, *text;
		uint32_t klen, tlen;

		if (m.key >= L->nstrs || m.text >= L->nstrs)
			return bad(R, at, "meta %" PRIu32 ": string index out of range (%" PRIu32
				   " strings)", i, L->nstrs);
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
	table_ret = read_table(&tables, "id", L->ids_off, L->strs_off, L->nids, true, &t->ids);
	if (!table_ret)
		table_ret = read_table(&tables, "text", L->strs_off, L->strs_end, L->nstrs,
				       false, &t->strs);
	if (!table_ret)
		table_ret = read_meta(&tables, L, t);
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

int vmt_bin_write(const char *name, const struct vmt_trace *t, FILE *f,
		  struct vmt_err *err)
{
	static const unsigned char zeros[VMT_BIN_EVENT_ALIGN];
	uint32_t *id_order = NULL, *id_rank = NULL, *str_order = NULL, *str_rank = NULL;
	struct event_limits lim = { t->ids.count, &t->strs, calloc(t->strs.count, 1), false };
	unsigned char h[VMT_BIN_HEADER_SIZE] = { 0 }, foot[VMT_BIN_FOOTER_SIZE];
	struct bin_sink k = { f, XXH3_createState() };
	/* No bigger than the trace: small traces are written often (fuzzing). */
	struct vmt_event *block = malloc((t->nev < EVENT_BLOCK ? t->nev + 1 : EVENT_BLOCK) *
					 sizeof(*block));
	uint64_t ids_bytes, strs_bytes;
	size_t end;
	int ret = -ENOMEM;

	if (!k.hash || !block || !lim.attrs_ok || XXH3_64bits_reset(k.hash) != XXH_OK ||
	    (ret = sort_table(&t->ids, &id_order, &id_rank, &ids_bytes)) ||
	    (ret = sort_table(&t->strs, &str_order, &str_rank, &strs_bytes)))
		goto out;
	errno = 0;
	memcpy(h, VMT_BIN_MAGIC, VMT_BIN_MAGIC_LEN);
	put32(h + VMT_BIN_OFF_VERSION, VMT_BIN_VERSION);
	put32(h + VMT_BIN_OFF_FLAGS, t->has_range ? VMT_BIN_HAS_RANGE : 0);
	put64(h + VMT_BIN_OFF_PAGE_SIZE, t->page_size);
	put64(h + VMT_BIN_OFF_RANGE_LO, t->has_range ? t->range_lo : 0);
	put64(h + VMT_BIN_OFF_RANGE_HI, t->has_range ? t->range_hi : 0);
	put32(h + VMT_BIN_OFF_NMETA, t->nmeta);
	put32(h + VMT_BIN_OFF_NIDS, t->ids.count);
	put32(h + VMT_BIN_OFF_NSTRS, t->strs.count);
	put64(h + VMT_BIN_OFF_IDS_BYTES, ids_bytes);
	put64(h + VMT_BIN_OFF_STRS_BYTES, strs_bytes);
	sink_put(&k, h, sizeof(h));
	for (size_t i = 0; i < t->nmeta; i++) {
		unsigned char m[VMT_BIN_META_SIZE];

		put32(m, str_rank[t->meta[i].key]);
		put32(m + 4, str_rank[t->meta[i].text]);
		sink_put(&k, m, sizeof(m));
	}
	put_table(&k, &t->ids, id_order);
	put_table(&k, &t->strs, str_order);
	end = VMT_BIN_HEADER_SIZE + t->nmeta * VMT_BIN_META_SIZE + ids_bytes + strs_bytes;
	sink_put(&k, zeros, (VMT_BIN_EVENT_ALIGN - end % VMT_BIN_EVENT_ALIGN) % VMT_BIN_EVENT_ALIGN);

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
	put64(foot + VMT_BIN_FOOT_COUNT, t->nev);
	put64(foot + VMT_BIN_FOOT_LOST, t->lost_events);
	memcpy(foot + VMT_BIN_FOOT_MAGIC, VMT_BIN_FOOTER_MAGIC, 8);
	sink_put(&k, foot, VMT_BIN_FOOT_CHECKSUM);
	put64(foot + VMT_BIN_FOOT_CHECKSUM, XXH3_64bits_digest(k.hash));
	fwrite(foot + VMT_BIN_FOOT_CHECKSUM, 1, 8, f);
	/* The write's own errno (ENOSPC, ...), when the stream kept one. */
	ret = ferror(f) ? (errno ? -errno : -EIO) : 0;
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
