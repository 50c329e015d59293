/* SPDX-License-Identifier: MIT */
/* Timestamps and vmalloc tracepoint fields in text lines (tp_fields.h). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "capture/tp_fields.h"

#define line_error(L, ...) vmt_err_line((L)->err, (L)->name, (L)->lineno, __VA_ARGS__)

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
static int parse_fields(const struct tp_line *L, struct scan *sc, const char *event,
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
			return line_error(L, "%s: unexpected field '%.*s'", event,
					  tok_quote_len(tok), tok.s);
		if (fields[i].seen)
			return line_error(L, "%s: %s given twice", event, fields[i].key);
		if (!tok_u64(val, fields[i].dst))
			return line_error(L, "%s: %s expects a number, got '%.*s'", event,
					  fields[i].key, tok_quote_len(val), val.s);
		fields[i].seen = true;
	}
	for (i = 0; i < n; i++)
		if (fields[i].required && !fields[i].seen)
			return line_error(L, "%s: missing %s", event, fields[i].key);
	return 0;
}

static int parse_alloc(const struct tp_line *L, struct scan *sc, struct vmt_raw_event *ev)
{
	uint64_t failed;
	struct field f[] = {
		{ "va_start:", &ev->va, true }, { "size=", &ev->size, true },
		{ "align=", &ev->align, true }, { "vstart=", &ev->vstart, true },
		{ "vend=", &ev->vend, true }, { "failed=", &failed, true },
	};
	int ret = parse_fields(L, sc, "alloc_vmap_area", f, sizeof(f) / sizeof(f[0]));

	if (ret)
		return ret;
	if (failed > 1)
		return line_error(L, "alloc_vmap_area: failed=%" PRIu64 " is not 0 or 1", failed);
	ev->op = VMT_ALLOC;
	if (failed)
		ev->flags |= VMT_F_FAILED;
	return 0;
}

static int parse_free(const struct tp_line *L, struct scan *sc, struct vmt_raw_event *ev,
		      struct vmt_raw_num extra[TP_MAX_EXTRA])
{
	uint64_t nr_lazy, nr_lazy_max;
	struct field f[] = {
		{ "va_start=", &ev->va, true },
		{ "nr_lazy=", &nr_lazy, false },
		{ "nr_lazy_max=", &nr_lazy_max, false },
	};
	int ret = parse_fields(L, sc, "free_vmap_area_noflush", f, sizeof(f) / sizeof(f[0]));

	if (ret)
		return ret;
	ev->op = VMT_FREE;
	ev->extra = extra;
	ev->nextra = 0;
	if (f[1].seen)
		extra[ev->nextra++] = (struct vmt_raw_num){ "nr_lazy", nr_lazy };
	if (f[2].seen)
		extra[ev->nextra++] = (struct vmt_raw_num){ "nr_lazy_max", nr_lazy_max };
	return 0;
}

static int parse_purge(const struct tp_line *L, struct scan *sc, struct vmt_raw_event *ev)
{
	struct field f[] = {
		{ "start=", &ev->start, true }, { "end=", &ev->end, true },
		{ "num_purged=", &ev->npurged, true },
	};

	ev->op = VMT_PURGE;
	return parse_fields(L, sc, "purge_vmap_area_lazy", f, sizeof(f) / sizeof(f[0]));
}

int tp_parse_event(const struct tp_line *L, struct scan_tok event, struct scan *sc,
		   struct vmt_raw_event *ev, struct vmt_raw_num extra[TP_MAX_EXTRA])
{
	if (event.len > 8 && !memcmp(event.s, "vmalloc:", 8)) {
		event.s += 8;
		event.len -= 8;
	}
	if (tok_eq(event, "alloc_vmap_area:"))
		return parse_alloc(L, sc, ev);
	if (tok_eq(event, "free_vmap_area_noflush:"))
		return parse_free(L, sc, ev, extra);
	if (tok_eq(event, "purge_vmap_area_lazy:"))
		return parse_purge(L, sc, ev);
	return 1;
}

int tp_parse_lines(struct tp_line *L, const char *buf, size_t len,
		   int (*parse_line)(struct tp_line *L, struct scan *line))
{
	struct scan_lines ls;
	struct scan line;
	int ret = 0;

	scan_lines_init(&ls, buf, len);
	while (!ret && scan_next_line(&ls, &line)) {
		L->lineno = ls.lineno;
		if (memchr(line.p, '\0', line.end - line.p))
			ret = line_error(L, "NUL byte: not a text file");
		else
			ret = parse_line(L, &line);
	}
	return ret;
}

int tp_parse_timestamp(const struct tp_line *L, struct scan_tok tok, uint64_t *ns)
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
	return line_error(L, "expected a timestamp SECONDS.FRACTION: (a clock in seconds), "
			  "got '%.*s'", tok_quote_len(tok), tok.s);
}

int tp_add_event(const struct tp_line *L, struct scan_tok event, struct scan *sc,
		 struct vmt_raw_event *ev, struct vmt_builder *b, uint64_t *events,
		 uint64_t *others)
{
	/* ev->extra points in here until the builder has copied the event. */
	struct vmt_raw_num extra[TP_MAX_EXTRA];
	int ret = tp_parse_event(L, event, sc, ev, extra);

	if (ret == 1) {
		++*others;
		return 0;
	}
	if (!ret)
		ret = vmt_builder_add(b, ev, L->err);
	if (!ret)
		++*events;
	return ret;
}
