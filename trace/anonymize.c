/* SPDX-License-Identifier: MIT */
/* Shifting a trace's window to the default base, dropping host fields
 * (anonymize.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "trace/anonymize.h"
#include "trace/window.h"

#define GIB (1ull << 30)
#define VMAP_ZONE_PAGES 16	/* the kernel's vmap_zone_size, in pages */
#define MAX_VMAP_NODES 128	/* nr_vmap_nodes' clamp */

static const struct { const char *name; unsigned bit; } keep_names[] = {
	{ "pid", VMT_KEEP_PID }, { "comm", VMT_KEEP_COMM }, { "caller", VMT_KEEP_CALLER },
	{ "hex", VMT_KEEP_HEX }, { "host", VMT_KEEP_HOST },
};

/* Meta keys that name the machine or its user. */
static const char *const host_keys[] = { "hostname", "host", "machine_id", "boot_id", "user" };

int vmt_anon_parse_keep(const char *text, unsigned *keep, struct vmt_err *why)
{
	const char *p = text;

	*keep = 0;
	while (*p) {
		size_t len = strcspn(p, ","), i;

		for (i = 0; i < sizeof(keep_names) / sizeof(keep_names[0]); i++)
			if (strlen(keep_names[i].name) == len && !strncmp(p, keep_names[i].name, len))
				break;
		if (i == sizeof(keep_names) / sizeof(keep_names[0])) {
			vmt_err_set(why, "unknown field '%.*s' (expected pid, comm, caller, hex "
				    "or host)", (int)len, p);
			return -EINVAL;
		}
		*keep |= keep_names[i].bit;
		p += len + (p[len] == ',');
	}
	return 0;
}

uint64_t vmt_anon_map(const struct vmt_anon_shift *s, uint64_t a)
{
	return a >= s->lo && a <= s->hi ? a + s->shift : a;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t r = a % b;

		a = b;
		b = r;
	}
	return a;
}

/* lcm(*m, v) into *m; false when it passes 2^63 (D must stay signed). */
static bool lcm_into(uint64_t *m, uint64_t v)
{
	uint64_t f;

	if (!v)
		return true;
	f = v / gcd(*m, v);
	if (f > (UINT64_MAX >> 1) / *m)
		return false;
	*m *= f;
	return true;
}

/* M of anonymize.h; 0 when it passes 2^63. */
static uint64_t shift_modulus(const struct vmt_trace *t)
{
	uint32_t nodes = vmt_trace_nr_cpus(t);
	uint64_t m = 1;
	bool ok;

	nodes = nodes > MAX_VMAP_NODES ? MAX_VMAP_NODES : nodes;
	ok = lcm_into(&m, GIB) && lcm_into(&m, t->page_size) &&
	     t->page_size <= UINT64_MAX / (VMAP_ZONE_PAGES * MAX_VMAP_NODES) &&
	     lcm_into(&m, t->page_size * VMAP_ZONE_PAGES * nodes);
	for (size_t i = 0; ok && i < t->nev; i++)
		if (t->ev[i].op == VMT_ALLOC && (t->ev[i].flags & VMT_F_ALIGN))
			ok = lcm_into(&m, t->ev[i].align);
	return ok ? m : 0;
}

/* The default base of the trace's architecture: i386 when the window is
 * below 4 GiB, else x86_64 (window.h's presets). */
static uint64_t default_base(uint64_t lo)
{
	for (const struct window_preset *p = window_presets; p->name; p++)
		if (!strcmp(p->name, lo >> 32 ? "x86_64" : "i386"))
			return p->lo;
	return WINDOW_DEFAULT->lo;
}

/* An address kept in place must not lie where the window was or goes:
 * the map stays increasing, and no two addresses meet. */
static int check_kept(const struct vmt_anon_shift *s, uint64_t a, size_t i,
		      struct vmt_err *err)
{
	uint64_t lo2 = s->lo + s->shift, hi2 = s->hi + s->shift;
	uint64_t from = lo2 < s->lo ? lo2 : s->lo, to = hi2 > s->hi ? hi2 : s->hi;

	if (a >= s->lo && a <= s->hi)
		return 0;
	if (a >= from && a <= to) {
		vmt_err_set(err, "event %zu: address 0x%" PRIx64 " lies outside the window "
			    "[0x%" PRIx64 ", 0x%" PRIx64 "] but where it moves to", i + 1, a,
			    s->lo, s->hi);
		return -ERANGE;
	}
	return 0;
}

static int plan_shift(const struct vmt_trace *t, const struct vmt_anon_opts *o,
		      struct vmt_anon_shift *s, struct vmt_err *err)
{
	const struct window_preset *w = WINDOW_DEFAULT;
	int64_t want, rest;

	s->lo = t->has_range ? t->range_lo : w->lo;
	s->hi = (t->has_range ? t->range_hi : w->hi);
	s->target = o->has_base ? o->base : default_base(s->lo);
	s->modulus = shift_modulus(t);
	if (!s->modulus) {
		vmt_err_set(err, "the alignments of the trace have no common multiple below "
			    "2^63: no shift keeps them all");
		return -ERANGE;
	}
	/* Both windows lie within 2^63 of each other: the distance is signed. */
	want = (int64_t)(s->target - s->lo);
	rest = want % (int64_t)s->modulus;
	s->shift = (uint64_t)(want - rest);
	if ((int64_t)s->shift > 0 ? s->hi + s->shift < s->hi : s->lo + s->shift > s->lo) {
		vmt_err_set(err, "the window [0x%" PRIx64 ", 0x%" PRIx64 ") cannot move to 0x%"
			    PRIx64 ": it would wrap", s->lo, s->hi, s->target);
		return -ERANGE;
	}
	return 0;
}

/* Moves every address of event @i (vmt_anon_map). */
static int shift_event(const struct vmt_anon_shift *s, struct vmt_event *ev, size_t i,
		       struct vmt_err *err)
{
	uint64_t *addr[] = { &ev->va, &ev->vstart, &ev->vend };
	bool given[] = {
		ev->op == VMT_LIVE || (ev->flags & VMT_F_VA),
		ev->op == VMT_PURGE || (ev->flags & VMT_F_VSTART),
		ev->op == VMT_PURGE || (ev->flags & VMT_F_VEND),
	};
	int ret = 0;

	for (size_t k = 0; k < 3 && !ret; k++) {
		if (!given[k])
			continue;
		ret = check_kept(s, *addr[k], i, err);
		*addr[k] = vmt_anon_map(s, *addr[k]);
	}
	return ret;
}

/* A value that holds a hex number anywhere ("0xfee00000", "a=0x1"): it may
 * be or hide an address, so it goes. */
static bool is_hex(const char *v, size_t len)
{
	return memmem(v, len, "0x", 2) || memmem(v, len, "0X", 2);
}

/* Whether attribute @kv (k=v, @len bytes) goes, or how much of it stays
 * (*@keep_len: a caller= without its +0x offsets). */
static bool attr_dropped(const char *kv, size_t len, unsigned keep, size_t *keep_len)
{
	const char *eq = memchr(kv, '=', len);
	size_t klen = eq ? (size_t)(eq - kv) : len;

	*keep_len = len;
	if (!eq)
		return false;
	if (klen == 4 && !strncmp(kv, "comm", 4))
		return !(keep & VMT_KEEP_COMM);
	/* caller=SYMBOL+0xOFF keeps SYMBOL; wherever "caller=" stands in the
	 * token, what follows its first '+' goes. */
	if (!(keep & VMT_KEEP_CALLER)) {
		const char *c = memmem(kv, len, "caller=", 7);
		const char *plus = c ? memchr(c, '+', len - (size_t)(c - kv)) : NULL;

		if (plus)
			*keep_len = plus - kv;
	}
	return is_hex(eq + 1, *keep_len - klen - 1) && !(keep & VMT_KEEP_HEX);
}

/* Rewrites the k=v attributes of @ev without what attr_dropped drops. */
static int filter_attrs(struct vmt_trace *t, struct vmt_event *ev, unsigned keep,
			char **buf, size_t *cap)
{
	const char *a = strtab_get(&t->strs, ev->attrs);
	size_t alen = strtab_len(&t->strs, ev->attrs), out = 0;

	if (alen + 1 > *cap) {
		char *nb = realloc(*buf, alen + 1);

		if (!nb)
			return -ENOMEM;
		*buf = nb;
		*cap = alen + 1;
	}
	for (size_t p = 0; p < alen;) {
		size_t len = strcspn(a + p, " "), kept;

		if (!attr_dropped(a + p, len, keep, &kept)) {
			if (out)
				(*buf)[out++] = ' ';
			memcpy(*buf + out, a + p, kept);
			out += kept;
		}
		p += len + 1;
	}
	if (out == alen)
		return 0;
	if (!out) {
		ev->attrs = 0;
		return 0;
	}
	return strtab_intern(&t->strs, *buf, out, &ev->attrs);
}

static bool meta_dropped(const struct vmt_trace *t, const struct vmt_meta *m, unsigned keep)
{
	const char *key = strtab_get(&t->strs, m->key), *text = strtab_get(&t->strs, m->text);

	for (size_t i = 0; i < sizeof(host_keys) / sizeof(host_keys[0]); i++)
		if (!strcmp(key, host_keys[i]))
			return !(keep & VMT_KEEP_HOST);
	return is_hex(text, strlen(text)) && !(keep & VMT_KEEP_HEX);
}

int vmt_anonymize(struct vmt_trace *t, const struct vmt_anon_opts *o,
		  struct vmt_anon_shift *s, struct vmt_err *err)
{
	size_t nmeta = 0, cap = 0;
	char *buf = NULL;
	int ret;

	ret = plan_shift(t, o, s, err);
	if (ret)
		goto out;
	ret = vmt_trace_own_events(t);
	for (size_t i = 0; i < t->nev && !ret; i++) {
		struct vmt_event *ev = &t->ev[i];

		ret = shift_event(s, ev, i, err);
		if (!ret && ev->op != VMT_PURGE && !(o->keep & VMT_KEEP_PID)) {
			ev->flags &= ~VMT_F_PID;
			ev->pid = 0;
		}
		if (!ret && ev->attrs)
			ret = filter_attrs(t, ev, o->keep, &buf, &cap);
	}
	if (ret)
		goto out;
	if (t->has_range) {
		t->range_lo += s->shift;
		t->range_hi += s->shift;
	}
	for (size_t i = 0; i < t->nmeta; i++)
		if (!meta_dropped(t, &t->meta[i], o->keep))
			t->meta[nmeta++] = t->meta[i];
	t->nmeta = nmeta;
out:
	if (ret == -ENOMEM)
		vmt_err_set(err, "out of memory");
	free(buf);
	return ret;
}
