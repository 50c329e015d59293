/* SPDX-License-Identifier: MIT */
/*
 * --series: the fragmentation of the main window (replay/frag.h) as CSV,
 * one row after every o->series_every events and one after the last
 * (REPLAY_SERIES_COLUMNS).  A row measures the model between two events,
 * which only the single-threaded replay has.
 */
#include <errno.h>
#include <inttypes.h>

#include "replay/engine.h"

static bool series_wanted(const struct replay_opts *o)
{
	return o->series_csv;
}

static int series_create(struct replay_engine *e, void **state, struct vmt_err *err)
{
	FILE *f = e->o->series_csv;
	const char *sep = "";

	(void)err;
	*state = f;
#define X(type, name, kind, label, doc) fprintf(f, "%s%s", sep, #name); sep = ",";
	REPLAY_SERIES_COLUMNS(X)
#undef X
	fputc('\n', f);
	return 0;
}

static int series_sample(FILE *out, struct replay_worker *w)
{
	struct replay_engine *e = w->e;
	struct replay_sample smp;
	const char *sep = "";
	struct frag f;
	int ret;

	ret = frag_measure(e->o->model, e->m, e->w.main_lo, e->w.main_hi, &f);
	if (ret)
		return ret;
	smp = (struct replay_sample){
		.seq = w->seq,
		.live_areas = f.live_areas,
		.live_bytes = f.live_bytes,
		.span = f.span,
		.holes = f.holes,
		.hole_bytes = f.hole_bytes,
		.largest_hole = f.largest_hole,
		.small_hole_bytes = f.hole_bytes - f.largest_hole,
		.ext_frag = frag_ext(&f),
		.unusable_16k = frag_unusable_16k(&f),
	};
#define METRIC_PRINT_U64(v) fprintf(out, "%s%" PRIu64, sep, v)
#define METRIC_PRINT_F64(v) fprintf(out, "%s%.9g", sep, v)
#define X(type, name, kind, label, doc) METRIC_PRINT_##type(smp.name); sep = ",";
	REPLAY_SERIES_COLUMNS(X)
#undef X
	fputc('\n', out);
	return ferror(out) ? -EIO : 0;
}

static int series_step(void *state, struct replay_worker *w, size_t index)
{
	if (replay_event(w->e, index)->op == VMT_LIVE || w->seq % w->e->o->series_every)
		return 0;
	return series_sample(state, w);
}

static int series_end(void *state, struct replay_worker *w, struct replay_summary *s)
{
	(void)s;
	return w->seq % w->e->o->series_every ? series_sample(state, w) : 0;
}

const struct replay_hook series_hook = {
	.option = "--series",
	.wanted = series_wanted,
	.create = series_create,
	.step = series_step,
	.end = series_end,
};
