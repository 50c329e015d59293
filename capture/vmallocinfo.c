/* SPDX-License-Identifier: MIT */
/* The /proc/vmallocinfo parser and the snapshot it fills (vmallocinfo.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/grow.h"
#include "trace/trace_io.h"
#include "capture/scan.h"
#include "capture/vmallocinfo.h"

/* The flag words s_show() prints after the caller and the numbers. */
static const char *const kind_words[] = {
	"ioremap", "vmalloc", "vmap", "user", "dma-coherent", "vpages",
};

int vmt_snapshot_init(struct vmt_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	return strtab_init(&s->strs);
}

void vmt_snapshot_free(struct vmt_snapshot *s)
{
	free(s->areas);
	strtab_free(&s->strs);
	memset(s, 0, sizeof(*s));
}

int vmt_snapshot_add(struct vmt_snapshot *s, const struct vmt_snap_area *a)
{
	struct vmt_snap_area *areas = grow_array(s->areas, &s->cap, s->n, sizeof(*areas), 256);

	if (!areas)
		return -ENOMEM;
	s->areas = areas;
	s->areas[s->n++] = *a;
	return 0;
}

struct vmi_parser {
	const char *name;
	uint32_t lineno;
	struct vmt_snapshot *s;
	struct vmt_err *err;
	char kind[128];		/* the flag words of the current line */
	size_t kind_len;
};

/* Reports `name:line: what` for the current line; returns -EINVAL. */
#define vmi_error(P, ...) vmt_err_line((P)->err, (P)->name, (P)->lineno, __VA_ARGS__)

static bool is_kind_word(struct scan_tok tok)
{
	for (size_t i = 0; i < sizeof(kind_words) / sizeof(kind_words[0]); i++)
		if (tok_eq(tok, kind_words[i]))
			return true;
	return false;
}

static int add_kind(struct vmi_parser *P, struct scan_tok word)
{
	if (P->kind_len + word.len + 1 >= sizeof(P->kind))
		return vmi_error(P, "too many flag words");
	if (P->kind_len)
		P->kind[P->kind_len++] = ',';
	memcpy(P->kind + P->kind_len, word.s, word.len);
	P->kind_len += word.len;
	return 0;
}

/* "0xSTART-0xEND SIZE": the range every line opens with. */
static int parse_range(struct vmi_parser *P, struct scan *sc, struct vmt_snap_area *a)
{
	struct scan_tok range = scan_next(sc), size = scan_next(sc), lo, hi;
	const char *dash = range.len ? memchr(range.s, '-', range.len) : NULL;
	uint64_t end;

	if (!dash)
		return vmi_error(P, "expected 0xSTART-0xEND, got '%.*s'",
				 tok_quote_len(range), range.s);
	lo = (struct scan_tok){ range.s, dash - range.s };
	hi = (struct scan_tok){ dash + 1, range.s + range.len - dash - 1 };
	if (!tok_u64(lo, &a->start) || !tok_u64(hi, &end))
		return vmi_error(P, "bad address range '%.*s'", tok_quote_len(range), range.s);
	if (!tok_u64(size, &a->size))
		return vmi_error(P, "expected a decimal size after the range, got '%.*s'",
				 tok_quote_len(size), size.s);
	if (!a->start && !end)
		return vmi_error(P, "addresses are hidden (0x0): read /proc/vmallocinfo as root "
				    "with kernel.kptr_restrict=1");
	if (end <= a->start || end - a->start != a->size)
		return vmi_error(P, "end - start is not the size %" PRIu64
				    " (hashed pointers? read it with kernel.kptr_restrict=1)",
				 a->size);
	return 0;
}

/* The words after the size of an area with a vm_struct. */
static int parse_vm_words(struct vmi_parser *P, struct scan *sc, struct vmt_snap_area *a)
{
	struct scan_tok tok = scan_next(sc), val, module;
	int ret;

	/* The caller (%pS) comes first when set, perhaps with "[module]". */
	if (tok.len && !memchr(tok.s, '=', tok.len) && !is_kind_word(tok)) {
		struct scan save = *sc;
		size_t len = tok.len;

		module = scan_next(sc);
		if (module.len >= 2 && module.s[0] == '[' && module.s[module.len - 1] == ']')
			len = module.s + module.len - tok.s;
		else
			*sc = save;
		ret = strtab_intern(&P->s->strs, tok.s, len, &a->caller);
		if (ret)
			return ret;
		tok = scan_next(sc);
	}
	for (; tok.len; tok = scan_next(sc)) {
		if (tok_value(tok, "pages=", &val)) {
			if (!tok_u64(val, &a->pages))
				return vmi_error(P, "bad pages= '%.*s'", tok_quote_len(val), val.s);
		} else if (tok_value(tok, "phys=", &val)) {
			if (!tok_u64(val, &a->phys))
				return vmi_error(P, "bad phys= '%.*s'", tok_quote_len(val), val.s);
			a->has_phys = true;
		} else if (tok.len > 1 && tok.s[0] == 'N' && memchr(tok.s, '=', tok.len)) {
			continue;	/* N<node>=<pages>: NUMA spread, not kept */
		} else if (is_kind_word(tok)) {
			if ((ret = add_kind(P, tok)))
				return ret;
		} else {
			return vmi_error(P, "unexpected word '%.*s'", tok_quote_len(tok), tok.s);
		}
	}
	return 0;
}

static int parse_line(struct vmi_parser *P, struct scan *sc)
{
	struct vmt_snap_area a = { .line = P->lineno };
	struct scan rest;
	struct scan_tok w1, w2;
	int ret;

	if (scan_at_end(sc))
		return 0;
	if ((ret = parse_range(P, sc, &a)))
		return ret;
	P->kind_len = 0;
	rest = *sc;
	w1 = scan_next(&rest);
	w2 = scan_next(&rest);
	if (tok_eq(w1, "unpurged") && tok_eq(w2, "vm_area") && scan_at_end(&rest)) {
		a.unpurged = true;
		ret = add_kind(P, w1);
	} else if (tok_eq(w1, "vm_map_ram") && !w2.len) {
		ret = add_kind(P, w1);
	} else {
		ret = parse_vm_words(P, sc, &a);
	}
	if (!ret && P->kind_len)
		ret = strtab_intern(&P->s->strs, P->kind, P->kind_len, &a.kind);
	if (!ret)
		ret = vmt_snapshot_add(P->s, &a);
	return ret;
}

int vmt_vmallocinfo_parse(const char *name, const char *buf, size_t len,
			  struct vmt_snapshot *s, struct vmt_err *err)
{
	struct vmi_parser P = { .name = name, .s = s, .err = err };
	struct scan_lines ls;
	struct scan line;
	int ret = 0;

	scan_lines_init(&ls, buf, len);
	while (!ret && scan_next_line(&ls, &line)) {
		P.lineno = ls.lineno;
		if (memchr(line.p, '\0', line.end - line.p))
			ret = vmi_error(&P, "NUL byte: not a text file");
		else
			ret = parse_line(&P, &line);
	}
	if (ret == -ENOMEM)
		vmt_err_set(err, "%s:%" PRIu32 ": out of memory", name, P.lineno);
	return ret;
}

int vmt_vmallocinfo_load(const char *path, struct vmt_snapshot *s, struct vmt_err *err)
{
	struct input_file in;
	int ret;

	ret = input_file_open_plain(path, &in, NULL, err);
	if (ret)
		return ret;
	ret = vmt_vmallocinfo_parse(path, in.data, in.len, s, err);
	input_file_close(&in);
	return ret;
}
