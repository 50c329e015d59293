/* SPDX-License-Identifier: MIT */
/* The tracefs text parser (import_ftrace.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "import_ftrace.h"
#include "scan.h"

/* Longest task name the kernel keeps (TASK_COMM_LEN - 1), with slack for
 * trace-cmd's wider names. */
#define COMM_MAX 63

struct ftrace_parser {
	const char *name;
	uint32_t lineno;
	struct vmt_builder *b;
	struct vmt_ftrace_stats *st;
	struct vmt_err *err;
	char comm[COMM_MAX + 1];
};

#define line_error(P, ...) vmt_err_line((P)->err, (P)->name, (P)->lineno, __VA_ARGS__)

/* A numeric field of an event's print format. */
struct field {
	const char *key;	/* with its separator: "size=" or "va_start:" */
	uint64_t *dst;
	bool required, seen;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Parses `key=VALUE` tokens (or `key: VALUE`, two tokens) until the end of
 * the line into the matching @fields; every required field must appear.
 */
static int parse_fields(struct ftrace_parser *P, struct scan *sc, const char *event,
			struct field *fields, size_t n)
{
	struct scan_tok tok, val;
	size_t i;

	while ((tok = scan_next(sc)).len) {
		for (i = 0; i < n; i++) {
			size_t klen = strlen(fields[i].key);

			if (fields[i].key[klen - 1] == ':' && tok_eq(tok, fields[i].key)) {
				val = scan_next(sc);
				break;
			}
			if (tok_value(tok, fields[i].key, &val))
				break;
		}
		if (i == n)
			return line_error(P, "%s: unexpected field '%.*s'", event,
					  tok_quote_len(tok), tok.s);
		if (fields[i].seen)
			return line_error(P, "%s: %s given twice", event, fields[i].key);
		if (!tok_u64(val, fields[i].dst))
			return line_error(P, "%s: %s expects a number, got '%.*s'", event,
					  fields[i].key, tok_quote_len(val), val.s);
		fields[i].seen = true;
	}
	for (i = 0; i < n; i++)
		if (fields[i].required && !fields[i].seen)
			return line_error(P, "%s: missing %s", event, fields[i].key);
	return 0;
}

static int parse_alloc(struct ftrace_parser *P, struct scan *sc, struct vmt_raw_event *ev)
{
	uint64_t failed;
	struct field f[] = {
		{ "va_start:", &ev->va, true }, { "size=", &ev->size, true },
		{ "align=", &ev->align, true }, { "vstart=", &ev->vstart, true },
		{ "vend=", &ev->vend, true }, { "failed=", &failed, true },
	};
	int ret = parse_fields(P, sc, "alloc_vmap_area", f, sizeof(f) / sizeof(f[0]));

	if (ret)
		return ret;
	if (failed > 1)
		return line_error(P, "alloc_vmap_area: failed=%" PRIu64 " is not 0 or 1", failed);
	ev->op = VMT_ALLOC;
	if (failed)
		ev->flags |= VMT_F_FAILED;
	return 0;
}

static int parse_free(struct ftrace_parser *P, struct scan *sc, struct vmt_raw_event *ev,
		      struct vmt_raw_num extra[2])
{
	uint64_t nr_lazy, nr_lazy_max;
	struct field f[] = {
		{ "va_start=", &ev->va, true },
		{ "nr_lazy=", &nr_lazy, false },
		{ "nr_lazy_max=", &nr_lazy_max, false },
	};
	int ret = parse_fields(P, sc, "free_vmap_area_noflush", f, sizeof(f) / sizeof(f[0]));

	if (ret)
		return ret;
	ev->op = VMT_FREE;
	/* Kept as attributes when printed (older kernels print va_start alone). */
	ev->extra = extra;
	ev->nextra = 0;
	if (f[1].seen)
		extra[ev->nextra++] = (struct vmt_raw_num){ "nr_lazy", nr_lazy };
	if (f[2].seen)
		extra[ev->nextra++] = (struct vmt_raw_num){ "nr_lazy_max", nr_lazy_max };
	return 0;
}

static int parse_purge(struct ftrace_parser *P, struct scan *sc, struct vmt_raw_event *ev)
{
	struct field f[] = {
		{ "start=", &ev->start, true }, { "end=", &ev->end, true },
		{ "num_purged=", &ev->npurged, true },
	};

	ev->op = VMT_PURGE;
	return parse_fields(P, sc, "purge_vmap_area_lazy", f, sizeof(f) / sizeof(f[0]));
}

/* SECONDS.FRACTION: (microseconds from tracefs, up to nanoseconds). */
static int parse_timestamp(struct ftrace_parser *P, struct scan_tok tok, uint64_t *ns)
{
	const char *dot = tok.len ? memchr(tok.s, '.', tok.len) : NULL;
	struct scan_tok sec;
	uint64_t s, frac = 0;
	size_t nfrac;

	if (!dot || tok.s[tok.len - 1] != ':')
		goto bad;
	sec = (struct scan_tok){ tok.s, dot - tok.s };
	nfrac = tok.s + tok.len - 1 - (dot + 1);
	if (!nfrac || nfrac > 9 || !tok_u64(sec, &s) || !is_digit(sec.s[0]) ||
	    s > UINT64_MAX / 1000000000u)
		goto bad;
	for (size_t i = 0; i < 9; i++) {
		char c = i < nfrac ? dot[1 + i] : '0';

		if (!is_digit(c))
			goto bad;
		frac = frac * 10 + (c - '0');
	}
	*ns = s * 1000000000u + frac;
	return 0;
bad:
	return line_error(P, "expected a timestamp SECONDS.FRACTION: (a clock in seconds), "
			  "got '%.*s'", tok_quote_len(tok), tok.s);
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
	if ((size_t)(dash - s) > COMM_MAX)
		return line_error(P, "task name longer than %d bytes", COMM_MAX);
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
	struct vmt_raw_event ev = { .line = P->lineno, .flags = VMT_F_T | VMT_F_CPU };
	struct vmt_raw_num extra[2];
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
	if ((ret = parse_timestamp(P, tok, &ev.t)))
		return ret;
	tok = scan_next(sc);
	if (tok.len > 8 && !memcmp(tok.s, "vmalloc:", 8)) {
		tok.s += 8;
		tok.len -= 8;
	}
	if (tok_eq(tok, "alloc_vmap_area:"))
		ret = parse_alloc(P, sc, &ev);
	else if (tok_eq(tok, "free_vmap_area_noflush:"))
		ret = parse_free(P, sc, &ev, extra);
	else if (tok_eq(tok, "purge_vmap_area_lazy:"))
		ret = parse_purge(P, sc, &ev);
	else if (tok.len > 1 && tok.s[tok.len - 1] == ':') {
		P->st->other_events++;
		return 0;
	} else
		return line_error(P, "expected an event name after the timestamp, got '%.*s'",
				  tok_quote_len(tok), tok.s);
	if (!ret)
		ret = vmt_builder_add(P->b, &ev, P->err);
	if (!ret)
		P->st->events++;
	return ret;
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

static int parse_line(struct ftrace_parser *P, struct scan *sc)
{
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
	struct ftrace_parser P = { .name = name, .b = b, .st = st, .err = err };
	struct scan_lines ls;
	struct scan line;
	int ret = 0;

	memset(st, 0, sizeof(*st));
	scan_lines_init(&ls, buf, len);
	while (!ret && scan_next_line(&ls, &line)) {
		P.lineno = ls.lineno;
		if (memchr(line.p, '\0', line.end - line.p))
			ret = line_error(&P, "NUL byte: not a text file");
		else
			ret = parse_line(&P, &line);
	}
	return ret;
}
