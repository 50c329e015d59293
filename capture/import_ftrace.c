/* SPDX-License-Identifier: MIT */
/* The tracefs text parser (import_ftrace.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "capture/import_ftrace.h"
#include "capture/scan.h"
#include "capture/tp_fields.h"

struct ftrace_parser {
	struct tp_line L;	/* name, current line number, err */
	struct vmt_builder *b;
	struct vmt_ftrace_stats *st;
	char comm[TP_COMM_MAX + 1];
};

#define line_error(P, ...) vmt_err_line((P)->L.err, (P)->L.name, (P)->L.lineno, __VA_ARGS__)

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The task part before the CPU column: `COMM-PID` or `COMM-PID (TGID)`,
 * right-aligned.  Sets ev->pid and P->comm (ev->comm stays NULL for the
 * kernel's "<...>", a name it no longer knew).
 */
static int parse_task(struct ftrace_parser *P, const char *s, const char *e,
		      struct vmt_raw_event *ev)
{
	const char *dash, *open;
	struct scan_tok pid;
	uint64_t v;

	while (e > s && e[-1] == ' ')
		e--;
	if (e > s && e[-1] == ')' && (open = memrchr(s, '(', e - s))) {
		e = open;
		while (e > s && e[-1] == ' ')
			e--;
	}
	while (s < e && *s == ' ')
		s++;
	dash = memrchr(s, '-', e - s);
	if (!dash)
		return line_error(P, "expected COMM-PID before the CPU column");
	pid = (struct scan_tok){ dash + 1, e - dash - 1 };
	if (!tok_u64(pid, &v) || !is_digit(pid.s[0]) || v > UINT32_MAX)
		return line_error(P, "bad pid '%.*s'", tok_quote_len(pid), pid.s);
	if ((size_t)(dash - s) > TP_COMM_MAX)
		return line_error(P, "task name longer than %d bytes", TP_COMM_MAX);
	ev->pid = (uint32_t)v;
	ev->flags |= VMT_F_PID;
	memcpy(P->comm, s, dash - s);
	P->comm[dash - s] = '\0';
	if (strcmp(P->comm, "<...>"))
		ev->comm = P->comm;
	return 0;
}

/* The CPU column: the first " [DIGITS]" on the line. */
static const char *find_cpu(const char *s, const char *e, uint64_t *cpu)
{
	for (const char *p = s + 1; p < e; p++) {
		const char *q = p + 1;

		if (*p != '[' || p[-1] != ' ')
			continue;
		while (q < e && is_digit(*q))
			q++;
		if (q > p + 1 && q < e && *q == ']' &&
		    tok_u64((struct scan_tok){ p + 1, q - p - 1 }, cpu))
			return p;
	}
	return NULL;
}

static int parse_event_line(struct ftrace_parser *P, struct scan *sc)
{
	struct vmt_raw_event ev = { .line = P->L.lineno, .flags = VMT_F_T | VMT_F_CPU };
	const char *bracket;
	struct scan_tok tok;
	uint64_t cpu;
	int ret;

	bracket = find_cpu(sc->p, sc->end, &cpu);
	if (!bracket)
		return line_error(P, "not a tracefs event line (no [CPU] column)");
	if (cpu > UINT16_MAX)
		return line_error(P, "cpu %" PRIu64 " is out of range", cpu);
	ev.cpu = (uint16_t)cpu;
	if ((ret = parse_task(P, sc->p, bracket, &ev)))
		return ret;
	sc->p = memchr(bracket, ']', sc->end - bracket) + 1;
	tok = scan_next(sc);
	if (tok.len && tok.s[tok.len - 1] != ':')	/* the irq-info flags */
		tok = scan_next(sc);
	if ((ret = tp_parse_timestamp(&P->L, tok, &ev.t)))
		return ret;
	tok = scan_next(sc);
	if (tok.len < 2 || tok.s[tok.len - 1] != ':')
		return line_error(P, "expected an event name after the timestamp, got '%.*s'",
				  tok_quote_len(tok), tok.s);
	return tp_add_event(&P->L, tok, sc, &ev, P->b, &P->st->events, &P->st->other_events);
}

/* `# entries-in-buffer/entries-written: 69/69   #P:2` */
static void parse_comment(struct ftrace_parser *P, struct scan *sc)
{
	struct scan_tok hash = scan_next(sc), key = scan_next(sc), counts = scan_next(sc);
	const char *slash = counts.len ? memchr(counts.s, '/', counts.len) : NULL;
	uint64_t in, written;

	(void)hash;
	if (!tok_eq(key, "entries-in-buffer/entries-written:") || !slash)
		return;
	if (tok_u64((struct scan_tok){ counts.s, slash - counts.s }, &in) &&
	    tok_u64((struct scan_tok){ slash + 1, counts.s + counts.len - slash - 1 },
		    &written)) {
		P->st->has_entries = true;
		P->st->entries_in_buffer = in;
		P->st->entries_written = written;
	}
}

/* `CPU:N [LOST M EVENTS]` (trace_pipe) or `CPU:N [M EVENTS DROPPED]`. */
static int parse_loss(struct ftrace_parser *P, struct scan *sc)
{
	struct scan_tok cpu = scan_next(sc), a = scan_next(sc), b = scan_next(sc);
	struct scan_tok c = scan_next(sc), count;
	uint64_t n;

	(void)cpu;
	if (tok_eq(a, "[LOST") && tok_eq(c, "EVENTS]"))
		count = b;
	else if (a.len > 1 && tok_eq(b, "EVENTS") && tok_eq(c, "DROPPED]"))
		count = (struct scan_tok){ a.s + 1, a.len - 1 };
	else
		return line_error(P, "unrecognized CPU: line");
	if (!tok_u64(count, &n) || !scan_at_end(sc))
		return line_error(P, "bad lost-event count '%.*s'", tok_quote_len(count), count.s);
	P->st->lost_events += n;
	return 0;
}

static int parse_line(struct tp_line *L, struct scan *sc)
{
	struct ftrace_parser *P = (struct ftrace_parser *)L;	/* L is its first member */
	struct scan peek;
	struct scan_tok first;

	if (scan_at_end(sc))
		return 0;
	peek = *sc;
	first = scan_next(&peek);
	if (first.len >= 5 && !memcmp(first.s, "#####", 5)) {
		P->st->buffer_started++;
		return 0;
	}
	if (first.s[0] == '#') {
		parse_comment(P, sc);
		return 0;
	}
	if (first.len > 4 && !memcmp(first.s, "CPU:", 4) && is_digit(first.s[4]))
		return parse_loss(P, sc);
	if ((first.len > 5 && !memcmp(first.s, "cpus=", 5) && scan_at_end(&peek)) ||
	    tok_eq(first, "version"))
		return 0;	/* trace-cmd report's header */
	return parse_event_line(P, sc);
}

int vmt_ftrace_parse(const char *name, const char *buf, size_t len,
		     struct vmt_builder *b, struct vmt_ftrace_stats *st,
		     struct vmt_err *err)
{
	struct ftrace_parser P = { .L = { .name = name, .err = err }, .b = b, .st = st };

	memset(st, 0, sizeof(*st));
	return tp_parse_lines(&P.L, buf, len, parse_line);
}
