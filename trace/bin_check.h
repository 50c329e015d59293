/* SPDX-License-Identifier: MIT */
/*
 * What a binary trace must follow, shared by the whole reader
 * (bin_parse.c), the streamed one (bin_stream.c) and the writers
 * (bin_write.c, which write only what the readers accept): the record
 * layout, the header, string-table and meta checks (bin_check.c) and the
 * rules of one event.  The rules an event must follow are the text
 * format's, so that every binary trace converts to text and back
 * unchanged.  Internal to trace/.
 */
#ifndef VMTRACE_TRACE_BIN_CHECK_H
#define VMTRACE_TRACE_BIN_CHECK_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/diag.h"
#include "trace/strtab.h"
#include "trace/trace_bin.h"

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

/* Events per step of the checksum-and-validate loops: 256 KiB, which
 * stays in L2 for the validation, and is long enough a run for XXH3. */
#define EVENT_BLOCK VMT_BIN_BLOCK_EVENTS

/* ---- event rules ------------------------------------------------------- */

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

/* The rules an event can break, in the order they are reported. */
enum breach {
	B_OP = 1 << 0, B_FLAGS = 1 << 1, B_ID = 1 << 2, B_PURGE_ID = 1 << 3,
	B_ATTRS = 1 << 4, B_STRAY = 1 << 5, B_LIVE = 1 << 6,
};

/* Whether @s could be the attributes of an @op line (bin_check.c). */
bool bin_attrs_fit_text(const char *s, size_t len, enum vmt_op op);

/* Why @ev breaks the rules @breach says it breaks: event_problem()'s rare path. */
const char *bin_explain(unsigned breach, const struct vmt_event *ev,
			struct event_limits *lim);

/* Checks the attributes of an @op event against the text's rules, once
 * per string and op.  Precondition: ev->attrs is in range. */
static inline bool attrs_checked_ok(const struct vmt_event *ev, struct event_limits *lim)
{
	if (!ev->attrs || (lim->attrs_ok[ev->attrs] & (1u << ev->op)))
		return true;
	if (!bin_attrs_fit_text(strtab_get(lim->strs, ev->attrs),
			    strtab_len(lim->strs, ev->attrs), ev->op))
		return false;
	lim->attrs_ok[ev->attrs] |= 1u << ev->op;
	return true;
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
		return bin_explain(breach, ev, lim);
	lim->seen_event |= op != VMT_LIVE;
	return NULL;
}

/* ---- header, tables and meta ------------------------------------------- */

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

static inline uint32_t bin_get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t bin_get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Reports `name: byte N: what` and returns -EINVAL. */
int bin_bad(const struct bin_reader *R, size_t byte, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Checks the fixed header's fields (R->len: the bytes of it there are). */
int bin_read_header_fields(const struct bin_reader *R, struct vmt_trace *t);

/* Each string takes a byte at least: this bounds what is allocated. */
int bin_read_table_counts(const struct bin_reader *R, struct bin_layout *L,
			  uint64_t ids_bytes, uint64_t strs_bytes);

/* The messages of a table's errors, at byte @pos or @off. */
int bin_no_empty_table(const struct bin_reader *R, const char *what, size_t off);
int bin_no_nul(const struct bin_reader *R, const char *what, size_t pos, uint32_t i,
	       uint32_t count);
int bin_table_left_over(const struct bin_reader *R, const char *what, size_t pos,
			size_t end);

/*
 * The rules of string @i of a table, at byte @pos, NUL-terminated:
 * the first one empty, each sorting after @prev (the one before it, NULL
 * for the first), ids made of id characters, text without newlines.
 */
int bin_check_table_string(const struct bin_reader *R, const char *what, size_t pos,
			   uint32_t i, const char *str, size_t len, const char *prev,
			   bool ids);

/*
 * Reads a string table: @count NUL-terminated strings in ascending byte
 * order without duplicates (which proves them distinct without hashing),
 * the first one empty, filling exactly the @bytes at @table, which start
 * at byte @off of the file.
 */
int bin_read_table(const struct bin_reader *R, const char *what, const char *table,
		   size_t off, size_t bytes, uint32_t count, bool ids, struct strtab *s);

/*
 * Meta keys and text as the text format's `meta KEY TEXT` line has them:
 * @nmeta entries at @raw, which starts at byte @off of the file.
 */
int bin_read_meta(const struct bin_reader *R, const unsigned char *raw, size_t off,
		  uint32_t nmeta, uint32_t nstrs, struct vmt_trace *t);

#endif /* VMTRACE_TRACE_BIN_CHECK_H */
