/* SPDX-License-Identifier: MIT */
/*
 * Text trace format v1: parser and writer.
 *
 * The parser works on the whole file in memory, one line at a time, with
 * a cursor over whitespace-separated tokens; it never copies a line, so a
 * line of megabytes costs nothing extra.  Every rejection names the file
 * and line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <inttypes.h>
#include <string.h>

#include "lib/vmmath.h"
#include "lib/number.h"
#include "lib/progress.h"
#include "trace/trace_text.h"

/* What a text trace holds per distinct id, at least, in every trace the
 * project has (bench/bench_trace.c's 130, recorded traces 200). */
#define VMT_TEXT_BYTES_PER_ID 128

struct text_parser {
	const char *name;
	uint32_t lineno;
	const char *p, *end;	/* cursor within the current line */
	struct vmt_trace *t;
	struct vmt_err *err;
	bool seen_version, seen_event, seen_range, seen_page, seen_lost;
	uint32_t range_line;
	/* Unknown and textual k=v tokens of the current line, joined by spaces. */
	char *attrs;
	size_t attrs_len, attrs_cap;
};

struct token {
	const char *s;
	size_t len;
};

/* Reports `name:line: what` and returns -EINVAL. */
static int __attribute__((format(printf, 2, 3)))
parse_error(struct text_parser *P, const char *fmt, ...)
{
	char what[sizeof(P->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	vmt_err_set(P->err, "%s:%" PRIu32 ": %s", P->name, P->lineno, what);
	return -EINVAL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Next token of the line, or len 0 at its end (a `#` ends the line). */
static struct token next_token(struct text_parser *P)
{
	struct token tok = { 0 };

	while (P->p < P->end && is_space(*P->p))
		P->p++;
	if (P->p == P->end || *P->p == '#') {
		P->p = P->end;
		return tok;
	}
	tok.s = P->p;
	while (P->p < P->end && !is_space(*P->p) && *P->p != '#')
		P->p++;
	tok.len = P->p - tok.s;
	return tok;
}

static bool tok_is(struct token tok, const char *word)
{
	return tok.len == strlen(word) && !memcmp(tok.s, word, tok.len);
}

/* Decimal or 0x-hex, no sign, must fit in 64 bits. */
static int parse_u64(struct text_parser *P, struct token tok, const char *what,
		     uint64_t *out)
{
	int ret = parse_u64_text(tok.s, tok.len, out);

	if (ret == -ERANGE)
		return parse_error(P, "%s '%.*s' does not fit in 64 bits", what,
				   (int)(tok.len > 64 ? 64 : tok.len), tok.s);
	if (ret)
		return parse_error(P, "%s: expected a decimal or 0x-hex number, got '%.*s'",
				   what, (int)(tok.len > 64 ? 64 : tok.len), tok.s);
	return 0;
}

/* Bytes allowed in an id: [A-Za-z0-9_.-]. */
static const bool id_char[256] = {
	['-'] = 1, ['.'] = 1, ['_'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
	['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
	['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
	['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
	['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
	['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

bool vmt_id_chars_ok(const char *s, size_t len)
{
	bool ok = true;

	for (size_t i = 0; i < len; i++)
		ok &= id_char[(unsigned char)s[i]];
	return ok;
}

static int parse_id(struct text_parser *P, struct token tok, uint32_t *id)
{
	if (!tok.len)
		return parse_error(P, "missing id");
	if (tok.len > VMT_ID_MAX)
		return parse_error(P, "id of %zu bytes is longer than %d", tok.len,
				   VMT_ID_MAX);
	if (!vmt_id_chars_ok(tok.s, tok.len))
		return parse_error(P, "id '%.*s' has a character outside [A-Za-z0-9_.-]",
				   (int)(tok.len > 64 ? 64 : tok.len), tok.s);
	return strtab_intern(&P->t->ids, tok.s, tok.len, id);
}

static int attrs_append(struct text_parser *P, struct token tok)
{
	size_t need = P->attrs_len + tok.len + 1;

	if (need > P->attrs_cap) {
		size_t cap = need * 2;
		char *a = realloc(P->attrs, cap);

		if (!a)
			return -ENOMEM;
		P->attrs = a;
		P->attrs_cap = cap;
	}
	if (P->attrs_len)
		P->attrs[P->attrs_len++] = ' ';
	memcpy(P->attrs + P->attrs_len, tok.s, tok.len);
	P->attrs_len += tok.len;
	return 0;
}

/* The numeric keys, the ops they apply to, and where they go. */
struct key_rule {
	const char *key;
	unsigned ops;		/* bit (1 << op) for each op that knows the key */
	uint8_t flag;
	size_t offset;		/* of the uint64_t field, or SIZE_MAX */
	uint64_t max;
};

#define ON_ALLOC (1u << VMT_ALLOC)
#define ON_FREE (1u << VMT_FREE)
#define ON_PURGE (1u << VMT_PURGE)

static const struct key_rule key_rules[] = {
	{ "align", ON_ALLOC, VMT_F_ALIGN, offsetof(struct vmt_event, align), UINT64_MAX },
	{ "vstart", ON_ALLOC, VMT_F_VSTART, offsetof(struct vmt_event, vstart), UINT64_MAX },
	{ "vend", ON_ALLOC, VMT_F_VEND, offsetof(struct vmt_event, vend), UINT64_MAX },
	{ "va", ON_ALLOC, VMT_F_VA, offsetof(struct vmt_event, va), UINT64_MAX },
	{ "failed", ON_ALLOC, VMT_F_FAILED, SIZE_MAX, 1 },
	{ "t", ON_ALLOC | ON_FREE | ON_PURGE, VMT_F_T, offsetof(struct vmt_event, t), UINT64_MAX },
	{ "cpu", ON_ALLOC | ON_FREE | ON_PURGE, VMT_F_CPU, SIZE_MAX, UINT16_MAX },
	{ "pid", ON_ALLOC | ON_FREE, VMT_F_PID, SIZE_MAX, UINT32_MAX },
	{ "n", ON_PURGE, VMT_F_N, offsetof(struct vmt_event, size), UINT64_MAX },
};

static const struct key_rule *find_rule(enum vmt_op op, struct token key)
{
	for (size_t i = 0; i < sizeof(key_rules) / sizeof(key_rules[0]); i++)
		if ((key_rules[i].ops & (1u << op)) && tok_is(key, key_rules[i].key))
			return &key_rules[i];
	return NULL;
}

bool vmt_text_key_known(enum vmt_op op, const char *key, size_t len)
{
	return find_rule(op, (struct token){ key, len });
}

/* Parses the k=v tokens after an event's positional fields. */
static int parse_keys(struct text_parser *P, struct vmt_event *ev)
{
	uint8_t seen = 0;
	struct token tok;
	int ret;

	P->attrs_len = 0;
	while ((tok = next_token(P)).len) {
		const char *eq = memchr(tok.s, '=', tok.len);
		const struct key_rule *rule;
		struct token key, val;
		uint64_t v;

		if (!eq || eq == tok.s)
			return parse_error(P, "expected key=value, got '%.*s'",
					   (int)(tok.len > 64 ? 64 : tok.len), tok.s);
		key = (struct token){ tok.s, eq - tok.s };
		val = (struct token){ eq + 1, tok.s + tok.len - eq - 1 };
		rule = find_rule(ev->op, key);
		if (!rule) {
			/* Textual or unknown: kept verbatim, so the format can grow. */
			ret = attrs_append(P, tok);
			if (ret)
				return ret;
			continue;
		}
		if (seen & rule->flag)
			return parse_error(P, "key '%s' given twice", rule->key);
		seen |= rule->flag;
		ret = parse_u64(P, val, rule->key, &v);
		if (ret)
			return ret;
		if (v > rule->max)
			return parse_error(P, "%s=%" PRIu64 " is larger than %" PRIu64,
					   rule->key, v, rule->max);
		ev->flags |= rule->flag;
		if (rule->flag == VMT_F_FAILED)
			ev->flags &= v ? 0xff : (uint8_t)~VMT_F_FAILED;
		else if (rule->flag == VMT_F_CPU)
			ev->cpu = (uint16_t)v;
		else if (rule->flag == VMT_F_PID && ev->op != VMT_PURGE)
			ev->pid = (uint32_t)v;
		else
			*(uint64_t *)((char *)ev + rule->offset) = v;
	}
	if (P->attrs_len)
		return strtab_intern(&P->t->strs, P->attrs, P->attrs_len, &ev->attrs);
	return 0;
}

static int parse_event(struct text_parser *P, enum vmt_op op)
{
	struct vmt_event ev = { .op = op };
	struct token tok;
	int ret;

	if (op == VMT_LIVE && P->seen_event)
		return parse_error(P, "live line after the first alloc/free/purge: "
				      "the snapshot comes first");
	if (op != VMT_PURGE) {
		ret = parse_id(P, next_token(P), &ev.id);
		if (ret)
			return ret;
	}
	switch (op) {
	case VMT_LIVE:
		tok = next_token(P);
		if (!tok.len)
			return parse_error(P, "live: missing address");
		if ((ret = parse_u64(P, tok, "address", &ev.va)))
			return ret;
		/* fallthrough */
	case VMT_ALLOC:
		tok = next_token(P);
		if (!tok.len)
			return parse_error(P, "%s: missing size", vmt_op_name(op));
		if ((ret = parse_u64(P, tok, "size", &ev.size)))
			return ret;
		break;
	case VMT_PURGE:
		tok = next_token(P);
		if (!tok.len)
			return parse_error(P, "purge: missing start");
		if ((ret = parse_u64(P, tok, "start", &ev.vstart)))
			return ret;
		tok = next_token(P);
		if (!tok.len)
			return parse_error(P, "purge: missing end");
		if ((ret = parse_u64(P, tok, "end", &ev.vend)))
			return ret;
		break;
	case VMT_FREE:
		break;
	}
	if ((ret = parse_keys(P, &ev)))
		return ret;
	if (!vmt_trace_push(P->t, &ev, P->lineno))
		return -ENOMEM;
	/* Header lines and the snapshot must precede the first event. */
	if (op != VMT_LIVE)
		P->seen_event = true;
	return 0;
}

static int parse_header_line(struct text_parser *P, struct token kw)
{
	struct vmt_trace *t = P->t;
	struct token a, b;
	int ret;

	if (P->seen_event || P->t->nev)
		return parse_error(P, "'%.*s' after the first event: header lines come first",
				   (int)kw.len, kw.s);
	if (tok_is(kw, "range")) {
		if (P->seen_range)
			return parse_error(P, "second range line");
		a = next_token(P);
		b = next_token(P);
		if (!a.len || !b.len)
			return parse_error(P, "range: expected <lo> <hi>");
		if ((ret = parse_u64(P, a, "range lo", &t->range_lo)) ||
		    (ret = parse_u64(P, b, "range hi", &t->range_hi)))
			return ret;
		if (t->range_lo >= t->range_hi)
			return parse_error(P, "range: lo 0x%" PRIx64 " is not below hi 0x%" PRIx64,
					   t->range_lo, t->range_hi);
		t->has_range = true;
		P->seen_range = true;
		P->range_line = P->lineno;
	} else if (tok_is(kw, "lost")) {
		if (P->seen_lost)
			return parse_error(P, "second lost line");
		a = next_token(P);
		if (!a.len)
			return parse_error(P, "lost: expected <events>");
		if ((ret = parse_u64(P, a, "lost", &t->lost_events)))
			return ret;
		P->seen_lost = true;
	} else {
		if (P->seen_page)
			return parse_error(P, "second page line");
		a = next_token(P);
		if (!a.len)
			return parse_error(P, "page: expected <bytes>");
		if ((ret = parse_u64(P, a, "page", &t->page_size)))
			return ret;
		if (t->page_size < 512 || (t->page_size & (t->page_size - 1)))
			return parse_error(P, "page size %" PRIu64 " is not a power of two >= 512",
					   t->page_size);
		P->seen_page = true;
	}
	if (next_token(P).len)
		return parse_error(P, "trailing text after %.*s", (int)kw.len, kw.s);
	return 0;
}

/* meta <key> <text...>: the text is the rest of the line, trimmed. */
static int parse_meta(struct text_parser *P)
{
	struct token key = next_token(P);
	const char *s = P->p, *e = P->end;
	char *text;
	int ret;

	if (!key.len)
		return parse_error(P, "meta: missing key");
	while (s < e && is_space(*s))
		s++;
	while (e > s && is_space(e[-1]))
		e--;
	text = strndup(s, e - s);
	if (!text)
		return -ENOMEM;
	char keybuf[VMT_META_KEY_MAX + 1];

	if (key.len > VMT_META_KEY_MAX) {
		free(text);
		return parse_error(P, "meta key longer than %d bytes", VMT_META_KEY_MAX);
	}
	memcpy(keybuf, key.s, key.len);
	keybuf[key.len] = '\0';
	ret = vmt_trace_add_meta(P->t, keybuf, text);
	free(text);
	return ret;
}

static int parse_line(struct text_parser *P)
{
	struct token kw = next_token(P), tok;
	uint64_t version;
	int ret;

	if (!kw.len)
		return 0;	/* blank or comment */
	if (!P->seen_version) {
		if (!tok_is(kw, "vmtrace"))
			return parse_error(P, "not a vmtrace text trace: the first line must be 'vmtrace %d'",
					   VMT_TEXT_VERSION);
		tok = next_token(P);
		if (!tok.len)
			return parse_error(P, "vmtrace: missing version");
		if ((ret = parse_u64(P, tok, "version", &version)))
			return ret;
		if (version != VMT_TEXT_VERSION)
			return parse_error(P, "text format version %" PRIu64 " is not supported (this is version %d)",
					   version, VMT_TEXT_VERSION);
		if (next_token(P).len)
			return parse_error(P, "trailing text after the version");
		P->seen_version = true;
		return 0;
	}
	if (tok_is(kw, "alloc"))
		return parse_event(P, VMT_ALLOC);
	if (tok_is(kw, "free"))
		return parse_event(P, VMT_FREE);
	if (tok_is(kw, "live"))
		return parse_event(P, VMT_LIVE);
	if (tok_is(kw, "purge"))
		return parse_event(P, VMT_PURGE);
	if (tok_is(kw, "meta"))
		return parse_meta(P);
	if (tok_is(kw, "range") || tok_is(kw, "page") || tok_is(kw, "lost"))
		return parse_header_line(P, kw);
	if (tok_is(kw, "vmtrace"))
		return parse_error(P, "second 'vmtrace' line");
	return parse_error(P, "unknown line type '%.*s'", (int)(kw.len > 64 ? 64 : kw.len), kw.s);
}

bool vmt_range_holds_page(const struct vmt_trace *t)
{
	uint64_t first;

	return vm_align_up(t->range_lo, t->page_size, &first) &&
	       vm_fits_below(first, t->page_size, t->range_hi);
}

int vmt_text_parse(const char *name, const char *buf, size_t len,
		   struct vmt_trace *t, struct vmt_err *err)
{
	struct text_parser P = { .name = name, .t = t, .err = err };
	const char *line = buf, *end = buf + len, *nl;
	int ret;

	/* Traces of kernel shapes hold one id per 130 to 200 bytes (an alloc
	 * and a free line); sizing the id table once spares its rehashing. */
	ret = strtab_expect(&t->ids, len / VMT_TEXT_BYTES_PER_ID < UINT32_MAX / 2 ?
				     len / VMT_TEXT_BYTES_PER_ID : UINT32_MAX / 2);
	if (ret)
		goto out;
	while (line < end) {
		nl = memchr(line, '\n', end - line);
		if (!nl)
			nl = end;
		if (P.lineno == UINT32_MAX) {
			ret = parse_error(&P, "more than %" PRIu32 " lines", UINT32_MAX - 1);
			goto out;
		}
		P.lineno++;
		if (memchr(line, '\0', nl - line)) {
			ret = parse_error(&P, "NUL byte in a text trace");
			goto out;
		}
		P.p = line;
		P.end = nl;
		ret = parse_line(&P);
		if (ret)
			goto out;
		line = nl + 1;
	}
	if (!P.seen_version) {
		P.lineno = P.lineno ? P.lineno : 1;
		ret = parse_error(&P, "empty trace: no 'vmtrace %d' line", VMT_TEXT_VERSION);
	} else if (P.seen_range && !vmt_range_holds_page(t)) {
		/* Checked last: a page line may follow the range line. */
		P.lineno = P.range_line;
		ret = parse_error(&P, "range [0x%" PRIx64 ", 0x%" PRIx64 ") holds no whole page of %"
				  PRIu64 " bytes", t->range_lo, t->range_hi, t->page_size);
	}
out:
	if (ret == -ENOMEM)
		vmt_err_set(err, "%s:%" PRIu32 ": out of memory", name, P.lineno);
	else if (ret == -E2BIG)
		vmt_err_set(err, "%s:%" PRIu32 ": more than 2^32 - 1 distinct ids or attributes",
			    name, P.lineno);
	free(P.attrs);
	return ret;
}

/* Where the first line that is neither blank nor a comment starts (@len
 * when there is none). */
static size_t first_content(const char *buf, size_t len)
{
	size_t i = 0;

	while (i < len) {
		while (i < len && (is_space(buf[i]) || buf[i] == '\n'))
			i++;
		if (i < len && buf[i] == '#') {
			while (i < len && buf[i] != '\n')
				i++;
			continue;
		}
		break;
	}
	return i;
}

int vmt_text_sniff(const char *buf, size_t len)
{
	size_t i = first_content(buf, len);

	return len - i >= 7 && !memcmp(buf + i, "vmtrace", 7);
}

bool vmt_text_may_start(const char *buf, size_t len)
{
	size_t i = first_content(buf, len), n = len - i < 7 ? len - i : 7;

	return !memcmp(buf + i, "vmtrace", n);
}

static void write_key(FILE *f, const char *key, uint64_t v, bool hex)
{
	fprintf(f, hex ? " %s=0x%" PRIx64 : " %s=%" PRIu64, key, v);
}

void vmt_text_write_event(const struct vmt_trace *t, const struct vmt_event *ev,
			  FILE *f)
{
	fputs(vmt_op_name(ev->op), f);
	if (ev->op != VMT_PURGE)
		fprintf(f, " %s", strtab_get(&t->ids, ev->id));
	switch (ev->op) {
	case VMT_LIVE:
		fprintf(f, " 0x%" PRIx64 " %" PRIu64, ev->va, ev->size);
		break;
	case VMT_ALLOC:
		fprintf(f, " %" PRIu64, ev->size);
		if (ev->flags & VMT_F_ALIGN)
			write_key(f, "align", ev->align, false);
		if (ev->flags & VMT_F_VSTART)
			write_key(f, "vstart", ev->vstart, true);
		if (ev->flags & VMT_F_VEND)
			write_key(f, "vend", ev->vend, true);
		if (ev->flags & VMT_F_VA)
			write_key(f, "va", ev->va, true);
		if (ev->flags & VMT_F_FAILED)
			fputs(" failed=1", f);
		break;
	case VMT_PURGE:
		fprintf(f, " 0x%" PRIx64 " 0x%" PRIx64, ev->vstart, ev->vend);
		if (ev->flags & VMT_F_N)
			write_key(f, "n", ev->size, false);
		break;
	case VMT_FREE:
		break;
	}
	if (ev->flags & VMT_F_T)
		write_key(f, "t", ev->t, false);
	if (ev->flags & VMT_F_CPU)
		write_key(f, "cpu", ev->cpu, false);
	if ((ev->flags & VMT_F_PID) && ev->op != VMT_PURGE)
		write_key(f, "pid", ev->pid, false);
	if (ev->attrs)
		fprintf(f, " %s", strtab_get(&t->strs, ev->attrs));
	fputc('\n', f);
}

int vmt_text_write(const struct vmt_trace *t, FILE *f)
{
	errno = 0;
	fprintf(f, "vmtrace %d\n", VMT_TEXT_VERSION);
	if (t->has_range)
		fprintf(f, "range 0x%" PRIx64 " 0x%" PRIx64 "\n", t->range_lo, t->range_hi);
	if (t->page_size != 4096)
		fprintf(f, "page %" PRIu64 "\n", t->page_size);
	if (t->lost_events)
		fprintf(f, "lost %" PRIu64 "\n", t->lost_events);
	for (size_t i = 0; i < t->nmeta; i++)
		fprintf(f, "meta %s %s\n", strtab_get(&t->strs, t->meta[i].key),
			strtab_get(&t->strs, t->meta[i].text));
	for (size_t i = 0; i < t->nev; i++) {
		vmt_text_write_event(t, &t->ev[i], f);
		if (t->progress)
			progress_tick(t->progress, i + 1);
	}
	/* The write's own errno (ENOSPC, ...), when the stream kept one. */
	return ferror(f) ? (errno ? -errno : -EIO) : 0;
}
