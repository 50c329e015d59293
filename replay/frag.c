/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "lib/vmmath.h"
#include "replay/frag.h"

struct frag_walk {
	uint64_t lo, hi, cursor;
	struct frag *f;
};

static int frag_visit(void *arg, uint64_t addr, uint64_t size)
{
	struct frag_walk *w = arg;
	uint64_t start = vm_max(addr, w->lo), end = vm_min(addr + size, w->hi);
	struct frag *f = w->f;

	if (start >= end)
		return 0;	/* outside the main window */
	if (start > w->cursor) {
		uint64_t h = start - w->cursor;

		f->holes++;
		f->hole_bytes += h;
		f->usable_16k_bytes += h - h % FRAG_UNUSABLE_REQUEST;
		if (h > f->largest_hole)
			f->largest_hole = h;
	}
	f->live_areas++;
	f->live_bytes += end - start;
	if (end > w->cursor)
		w->cursor = end;
	return 0;
}

int frag_measure(const struct vm_allocator_ops *ops, struct vm_model *m,
		 uint64_t lo, uint64_t hi, struct frag *out)
{
	struct frag_walk w = { .lo = lo, .hi = hi, .cursor = lo, .f = out };
	int ret;

	memset(out, 0, sizeof(*out));
	ret = ops->walk(m, frag_visit, &w);
	out->span = w.cursor - lo;
	return ret;
}

double frag_ext(const struct frag *f)
{
	return f->hole_bytes ? 1.0 - (double)f->largest_hole / (double)f->hole_bytes : 0.0;
}

double frag_unusable_16k(const struct frag *f)
{
	return f->hole_bytes ?
		(double)(f->hole_bytes - f->usable_16k_bytes) / (double)f->hole_bytes : 0.0;
}
