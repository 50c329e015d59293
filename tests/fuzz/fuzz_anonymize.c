/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes vmt_anonymize() (trace/anonymize.h) on text traces.  The first
 * byte picks the base: the default, or the default moved by a signed
 * number of GiB, as KASLR would; the rest is the trace.
 *
 * Oracle, recomputed here from the input's own events: the shift is a
 * multiple of 1 GiB, of the page size and of every alignment asked; every
 * address the input gives that lies in the main window [lo, hi] comes out
 * moved by exactly the shift, and every other address unchanged (never an
 * in-window address left where it was unless the shift is 0); no event
 * keeps a pid (purges keep their n), a comm=, a caller offset or a
 * 0x-valued attribute; the result round-trips through text.  A refusal is
 * -ERANGE with a message, or -ENOMEM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trace/anonymize.h"
#include "trace/trace_text.h"
#include "trace/window.h"
#include "fuzz.h"
#include "trace_oracle.h"

static bool given(const struct vmt_event *ev, size_t k)
{
	static const unsigned flag[] = { VMT_F_VA, VMT_F_VSTART, VMT_F_VEND };

	return (k == 0 && ev->op == VMT_LIVE) || (k && ev->op == VMT_PURGE) ||
	       (ev->flags & flag[k]);
}

static uint64_t field(const struct vmt_event *ev, size_t k)
{
	return k == 0 ? ev->va : k == 1 ? ev->vstart : ev->vend;
}

/* What anonymize must not leave in an event's attributes. */
static const char *host_attr(const char *attrs)
{
	if (!strncmp(attrs, "comm=", 5) || strstr(attrs, " comm="))
		return "comm=";
	if (strstr(attrs, "=0x") || strstr(attrs, "=0X"))
		return "a 0x value";
	for (const char *c = strstr(attrs, "caller="); c; c = strstr(c + 1, "caller="))
		if (memchr(c, '+', strcspn(c, " ")))
			return "a caller offset";
	return NULL;
}

/* Whether the shift, a signed distance kept in a uint64_t, is a multiple
 * of @m: its magnitude must be (2^64 is not a multiple of every m). */
static bool shift_multiple_of(const struct vmt_anon_shift *s, uint64_t m)
{
	uint64_t magnitude = (int64_t)s->shift < 0 ? -s->shift : s->shift;

	return magnitude % m == 0;
}

static void check(const struct vmt_trace *before, const struct vmt_trace *t,
		  const struct vmt_anon_shift *s)
{
	uint64_t lo = before->has_range ? before->range_lo : WINDOW_DEFAULT->lo;
	uint64_t hi = before->has_range ? before->range_hi : WINDOW_DEFAULT->hi;

	if (!shift_multiple_of(s, 1ull << 30) || !shift_multiple_of(s, t->page_size))
		fuzz_finding("shift 0x%llx breaks 1 GiB or the page", (unsigned long long)s->shift);
	if (t->nev != before->nev)
		fuzz_finding("%zu events became %zu", before->nev, t->nev);
	for (size_t i = 0; i < t->nev; i++) {
		const struct vmt_event *a = &before->ev[i], *b = &t->ev[i];
		const char *attrs = strtab_get(&t->strs, b->attrs), *bad;

		if (a->op == VMT_ALLOC && (a->flags & VMT_F_ALIGN) && a->align &&
		    !shift_multiple_of(s, a->align))
			fuzz_finding("event %zu: shift breaks align %llu", i + 1,
				     (unsigned long long)a->align);
		for (size_t k = 0; k < 3; k++) {
			uint64_t in = field(a, k), out = field(b, k);
			bool inside = in >= lo && in <= hi;

			if (!given(a, k))
				continue;
			if (out != (inside ? in + s->shift : in))
				fuzz_finding("event %zu: address 0x%llx became 0x%llx (shift 0x%llx)",
					     i + 1, (unsigned long long)in, (unsigned long long)out,
					     (unsigned long long)s->shift);
		}
		if (b->op != VMT_PURGE && ((b->flags & VMT_F_PID) || b->pid))
			fuzz_finding("event %zu keeps its pid", i + 1);
		if (b->op == VMT_PURGE && (a->flags & VMT_F_N) != (b->flags & VMT_F_N))
			fuzz_finding("purge %zu lost its n", i + 1);
		if ((bad = host_attr(attrs)))
			fuzz_finding("event %zu keeps %s: %s", i + 1, bad, attrs);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmt_trace t, before;
	struct vmt_err err = { { 0 } };
	struct vmt_anon_opts o = { 0 };
	struct vmt_anon_shift s;
	int ret;

	if (!size)
		return 0;
	if (data[0]) {
		o.has_base = true;
		o.base = WINDOW_DEFAULT->lo + (uint64_t)(int64_t)(int8_t)data[0] * (1ull << 30);
	}
	if (vmt_trace_init(&t) || vmt_trace_init(&before))
		fuzz_finding("out of memory setting up");
	if (vmt_text_parse("fuzz", (const char *)data + 1, size - 1, &t, &err) ||
	    vmt_text_parse("fuzz", (const char *)data + 1, size - 1, &before, &err))
		goto out;
	ret = vmt_anonymize(&t, &o, &s, &err);
	if (ret == -ERANGE && !err.msg[0])
		fuzz_finding("refusal without a message");
	else if (ret && ret != -ERANGE && ret != -ENOMEM)
		fuzz_finding("unexpected error %d: %s", ret, err.msg);
	else if (!ret) {
		check(&before, &t, &s);
		fuzz_text_round_trip(&t, NULL);
	}
out:
	vmt_trace_free(&t);
	vmt_trace_free(&before);
	return 0;
}
