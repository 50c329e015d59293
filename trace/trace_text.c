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

/*
 * An id is interned this many events after its line was read: its slot in
 * the id index, prefetched when the line was read, has reached the cache
 * by then.  In a long trace almost every alloc brings a new id, so every
 * lookup would otherwise wait for memory (one slot of a table of hundreds
 * of megabytes).  Interning stays in line order, so indices are the same.
 */
#define ID_LOOKAHEAD 16

/* An event whose id awaits interning. */
struct pending_id {
	const char *s;
	uint32_t len, lineno;
	uint64_t hash;
	size_t ev;		/* its index in trace.ev */
};

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
	/* The current event's id, checked and hashed, then its wait for
	 * interning: a ring of the last @queued ids, the oldest unresolved
	 * at queued - ID_LOOKAHEAD. */
	struct pending_id id;
	struct pending_id pending[ID_LOOKAHEAD];
	uint64_t queued, resolved;
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

/* What a byte is to the tokenizer: one table lookup instead of six tests. */
enum { CH_SPACE = 1, CH_HASH = 2 };
static const uint8_t char_class[256] = {
	[' '] = CH_SPACE, ['\t'] = CH_SPACE, ['\r'] = CH_SPACE, ['\v'] = CH_SPACE,
	['\f'] = CH_SPACE, ['#'] = CH_HASH,
};

static bool is_space(char c)
{
	return char_class[(unsigned char)c] == CH_SPACE;
}

/* Next token of the line, or len 0 at its end (a `#` ends the line). */
static struct token next_token(struct text_parser *P)
{
	const char *p = P->p, *end = P->end;
	struct token tok = { 0 };

	while (p < end && is_space(*p))
		p++;
	if (p == end || *p == '#') {
		P->p = end;
		return tok;
	}
	tok.s = p;
	while (p < end && !char_class[(unsigned char)*p])
		p++;
	P->p = p;
	tok.len = p - tok.s;
	return tok;
}

/* Whether @tok is the string literal @word (its length known at compile time). */
#define tok_is(tok, word) \
	((tok).len == sizeof(word) - 1 && !memcmp((tok).s, word, sizeof(word) - 1))

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

/* Checks the id token @tok and hashes it into P->id, for queue_id. */
static int parse_id(struct text_parser *P, struct token tok)
{
	if (!tok.len)
		return parse_error(P, "missing id");
	if (tok.len > VMT_ID_MAX)
		return parse_error(P, "id of %zu bytes is longer than %d", tok.len,
				   VMT_ID_MAX);
	if (!vmt_id_chars_ok(tok.s, tok.len))
		return parse_error(P, "id '%.*s' has a character outside [A-Za-z0-9_.-]",
				   (int)(tok.len > 64 ? 64 : tok.len), tok.s);
	P->id = (struct pending_id){ tok.s, (uint32_t)tok.len, P->lineno,
				     strtab_hash(tok.s, tok.len), 0 };
	strtab_prefetch(&P->t->ids, P->id.hash);
	return 0;
}

/* Interns the oldest pending id; on failure names its line. */
static int resolve_id(struct text_parser *P)
{
	struct pending_id *id = &P->pending[P->resolved % ID_LOOKAHEAD];
	int ret = strtab_intern_hashed(&P->t->ids, id->s, id->len, id->hash,
				       &P->t->ev[id->ev].id);

	if (ret)
		P->lineno = id->lineno;
	else
		P->resolved++;
	return ret;
}

/* Queues P->id for the event just pushed, interning the one it displaces. */
static int queue_id(struct text_parser *P)
{
	int ret;

	if (P->queued - P->resolved == ID_LOOKAHEAD && (ret = resolve_id(P)))
		return ret;
	P->id.ev = P->t->nev - 1;
	P->pending[P->queued++ % ID_LOOKAHEAD] = P->id;
	return 0;
}

/* Interns every pending id. */
static int resolve_all_ids(struct text_parser *P)
{
	int ret = 0;

	while (!ret && P->resolved < P->queued)
		ret = resolve_id(P);
	return ret;
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
	size_t len;		/* of key */
	unsigned ops;		/* bit (1 << op) for each op that knows the key */
	uint8_t flag;
	size_t offset;		/* of the uint64_t field, or SIZE_MAX */
	uint64_t max;
};

#define ON_ALLOC (1u << VMT_ALLOC)
#define ON_FREE (1u << VMT_FREE)
#define ON_PURGE (1u << VMT_PURGE)

#define KEY(word) word, sizeof(word) - 1

static const struct key_rule key_rules[] = {
	{ KEY("align"), ON_ALLOC, VMT_F_ALIGN, offsetof(struct vmt_event, align), UINT64_MAX },
	{ KEY("vstart"), ON_ALLOC, VMT_F_VSTART, offsetof(struct vmt_event, vstart), UINT64_MAX },
	{ KEY("vend"), ON_ALLOC, VMT_F_VEND, offsetof(struct vmt_event, vend), UINT64_MAX },
	{ KEY("va"), ON_ALLOC, VMT_F_VA, offsetof(struct vmt_event, va), UINT64_MAX },
	{ KEY("failed"), ON_ALLOC, VMT_F_FAILED, SIZE_MAX, 1 },
	{ KEY("t"), ON_ALLOC | ON_FREE | ON_PURGE, VMT_F_T, offsetof(struct vmt_event, t), UINT64_MAX },
	{ KEY("cpu"), ON_ALLOC | ON_FREE | ON_PURGE, VMT_F_CPU, SIZE_MAX, UINT16_MAX },
	{ KEY("pid"), ON_ALLOC | ON_FREE, VMT_F_PID, SIZE_MAX, UINT32_MAX },
	{ KEY("n"), ON_PURGE, VMT_F_N, offsetof(struct vmt_event, size), UINT64_MAX },
};

/* Keys are a few bytes: a loop beats a call to memcmp, several a line. */
static bool key_is(struct token key, const struct key_rule *rule)
{
	if (key.len != rule->len)
		return false;
	for (size_t i = 0; i < key.len; i++)
		if (key.s[i] != rule->key[i])
			return false;
	return true;
}

static const struct key_rule *find_rule(enum vmt_op op, struct token key)
{
	for (size_t i = 0; i < sizeof(key_rules) / sizeof(key_rules[0]); i++)
		if ((key_rules[i].ops & (1u << op)) && key_is(key, &key_rules[i]))
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
		const char *eq = tok.s, *end = tok.s + tok.len;
		const struct key_rule *rule;
		struct token key, val;
		uint64_t v;

		while (eq < end && *eq != '=')
			eq++;
		if (eq == end || eq == tok.s)
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
		ret = parse_id(P, next_token(P));
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
	if (op != VMT_PURGE && (ret = queue_id(P)))
		return ret;
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
	/* One scan of the whole file for a NUL, not one per line. */
	const char *nul = memchr(buf, '\0', len);
	int ret, ids_ret;

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
		if (nul && nul < nl) {
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
	/* The events parsed so far get their ids, even after an error. */
	ids_ret = resolve_all_ids(&P);
	if (!ret)
		ret = ids_ret;
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
