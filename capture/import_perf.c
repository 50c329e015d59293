/* SPDX-License-Identifier: MIT */
/* The `perf script` text parser (import_perf.h). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "capture/import_perf.h"
#include "capture/scan.h"
#include "capture/tp_fields.h"

/* Columns before the event name: COMM (at most 8 words in 15 bytes), pid,
 * cpu, time, with room to spare. */
#define MAX_HEAD 16

struct perf_parser {
	struct tp_line L;	/* name, current line number, err */
	struct vmt_builder *b;
	struct vmt_perf_stats *st;
	char comm[TP_COMM_MAX + 1];
};

#define line_error(P, ...) vmt_err_line((P)->L.err, (P)->L.name, (P)->L.lineno, __VA_ARGS__)

static bool all_of(const char *s, const char *e, const char *set)
{
	if (s == e)
		return false;
	for (; s < e; s++)
		if (!strchr(set, *s))
			return false;
	return true;
}

#define DIGITS "0123456789"
#define IDENT DIGITS "_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

/* `SYSTEM:EVENT:`, the tracepoint's name as perf prints it. */
static bool is_event_name(struct scan_tok t)
{
	const char *colon;

	if (t.len < 4 || t.s[t.len - 1] != ':')
		return false;
	colon = memchr(t.s, ':', t.len - 1);
	return colon && all_of(t.s, colon, IDENT) && all_of(colon + 1, t.s + t.len - 1, IDENT);
}

/* `[CPU]` */
static bool tok_cpu(struct scan_tok t, uint64_t *cpu)
{
	struct scan_tok in = { t.s + 1, t.len - 2 };

	return t.len > 2 && t.s[0] == '[' && t.s[t.len - 1] == ']' &&
	       all_of(in.s, in.s + in.len, DIGITS) && tok_u64(in, cpu);
}

/* `PID` or `PID/TID`: sets *@tid to the thread id. */
static bool tok_tid(struct scan_tok t, uint64_t *tid)
{
	const char *slash = memchr(t.s, '/', t.len);

	if (slash) {
		if (!all_of(t.s, slash, DIGITS))
			return false;
		t = (struct scan_tok){ slash + 1, t.s + t.len - slash - 1 };
	}
	return all_of(t.s, t.s + t.len, DIGITS) && tok_u64(t, tid);
}

/* A column perf prints after COMM, found where COMM should be. */
static bool is_late_column(struct scan_tok t)
{
	uint64_t v;

	return tok_cpu(t, &v) || (t.s[t.len - 1] == ':' && all_of(t.s, t.s + 1, DIGITS));
}

/* The columns left of the pid: COMM, spaces and all. */
static int parse_comm(struct perf_parser *P, const struct scan_tok *head, size_t n,
		      struct vmt_raw_event *ev)
{
	size_t len = head[n - 1].s + head[n - 1].len - head[0].s;

	for (size_t i = 0; i < n; i++)
		if (is_late_column(head[i]))
			return line_error(P, "unexpected column '%.*s' in the task name "
					  "(a perf script -F layout this parser does not read)",
					  tok_quote_len(head[i]), head[i].s);
	if (len > TP_COMM_MAX)
		return line_error(P, "task name longer than %d bytes", TP_COMM_MAX);
	memcpy(P->comm, head[0].s, len);
	P->comm[len] = '\0';
	ev->comm = P->comm;
	return 0;
}

/* Reads the columns before the event name from the right. */
static int parse_head(struct perf_parser *P, struct scan_tok *head, size_t n,
		      struct vmt_raw_event *ev)
{
	uint64_t v;
	int ret;

	if (n && head[n - 1].s[head[n - 1].len - 1] == ':') {
		if ((ret = tp_parse_timestamp(&P->L, head[--n], &ev->t)))
			return ret;
		ev->flags |= VMT_F_T;
	}
	if (n && tok_cpu(head[n - 1], &v)) {
		if (v > UINT16_MAX)
			return line_error(P, "cpu %" PRIu64 " is out of range", v);
		ev->cpu = (uint16_t)v;
		ev->flags |= VMT_F_CPU;
		n--;
	}
	if (n && tok_tid(head[n - 1], &v)) {
		if (v > UINT32_MAX)
			return line_error(P, "pid %" PRIu64 " is out of range", v);
		ev->pid = (uint32_t)v;
		ev->flags |= VMT_F_PID;
		n--;
	}
	return n ? parse_comm(P, head, n, ev) : 0;
}

static int parse_event_line(struct perf_parser *P, struct scan *sc)
{
	struct vmt_raw_event ev = { .line = P->L.lineno };
	struct scan_tok head[MAX_HEAD], tok;
	size_t n = 0;
	int ret;

	while ((tok = scan_next(sc)).len && !is_event_name(tok)) {
		if (tok.len > 12 && !memcmp(tok.s, "PERF_RECORD_", 12)) {
			P->st->perf_records++;
			return 0;
		}
		if (n == MAX_HEAD)
			return line_error(P, "no SYSTEM:EVENT: name in the first %d columns",
					  MAX_HEAD);
		head[n++] = tok;
	}
	if (!tok.len)
		return line_error(P, "not a perf script event line (no SYSTEM:EVENT: name)");
	if ((ret = parse_head(P, head, n, &ev)))
		return ret;
	return tp_add_event(&P->L, tok, sc, &ev, P->b, &P->st->events, &P->st->other_events);
}

/* `\tffffffff816214cc alloc_vmap_area+0x68c ([kernel.kallsyms])` (record -g) */
static bool is_callchain_line(struct scan *sc)
{
	struct scan peek = *sc;
	struct scan_tok addr;

	if (*sc->p != '\t')
		return false;
	addr = scan_next(&peek);
	/* A tab and nothing else has no token (s NULL): a blank line. */
	return addr.len && all_of(addr.s, addr.s + addr.len, DIGITS "abcdef");
}

static int parse_line(struct tp_line *L, struct scan *sc)
{
	struct perf_parser *P = (struct perf_parser *)L;	/* L is its first member */
	struct scan peek;

	if (sc->p < sc->end && is_callchain_line(sc))
		return 0;
	peek = *sc;
	if (scan_at_end(&peek) || *peek.p == '#')
		return 0;
	return parse_event_line(P, sc);
}

int vmt_perf_parse(const char *name, const char *buf, size_t len,
		   struct vmt_builder *b, struct vmt_perf_stats *st,
		   struct vmt_err *err)
{
	struct perf_parser P = { .L = { .name = name, .err = err }, .b = b, .st = st };

	memset(st, 0, sizeof(*st));
	return tp_parse_lines(&P.L, buf, len, parse_line);
}
