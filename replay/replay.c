/* SPDX-License-Identifier: MIT */
/*
 * The single-threaded replay: every event of the trace in order, through
 * the engine (replay/engine.h), on one worker; the trace loaded whole
 * (replay_run) or read block by block (replay_stream_run).
 *
 * Invariants: events after the trace's stop event (the first
 * inconsistency under --strict, see replay/track.h) never reach the
 * model; the clock runs over the events only, the snapshot being set-up.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/progress.h"
#include "replay/engine.h"
#include "replay/replay.h"
#include "trace/bin_prefetch.h"

/* How many events ahead the replay prefetches an id's state. */
#define ID_PREFETCH_AHEAD 8

static double clock_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * The clocks of one replay: they start again after the snapshot, and
 * leave out what a loaded trace does before its replay (reading and
 * judging a streamed one's blocks: clock_pause() to clock_resume()).
 */
struct replay_clock {
	double t0, cpu0;
	double paused, cpu_paused;	/* when paused */
};

static void clock_start(struct replay_clock *c)
{
	c->t0 = clock_seconds(CLOCK_MONOTONIC);
	c->cpu0 = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
}

static void clock_pause(struct replay_clock *c)
{
	c->paused = clock_seconds(CLOCK_MONOTONIC);
	c->cpu_paused = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
}

/* The time since clock_pause() does not count. */
static void clock_resume(struct replay_clock *c)
{
	c->t0 += clock_seconds(CLOCK_MONOTONIC) - c->paused;
	c->cpu0 += clock_seconds(CLOCK_THREAD_CPUTIME_ID) - c->cpu_paused;
}

/* Replays the @n events the engine holds from e->ev_first. */
static int replay_block(struct replay_engine *e, struct replay_worker *w, size_t n,
			struct replay_clock *clock, struct progress *p, struct vmt_err *err)
{
	size_t end = e->ev_first + n;
	int ret;

	for (size_t i = e->ev_first; i < end; i++) {
		/* A free finds its id's state where the alloc left it, long
		 * ago and out of cache: fetch it a few events ahead. */
		if (i + ID_PREFETCH_AHEAD < end)
			track_id_prefetch(&e->track,
					  track_gid(&e->track, replay_event(e, i + ID_PREFETCH_AHEAD),
						    i + ID_PREFETCH_AHEAD, 0));
		if ((ret = replay_engine_event(w, i, 0)) || (ret = replay_engine_step(w, i))) {
			vmt_err_set(err, "%s", w->err.msg);
			return ret;
		}
		/* The snapshot is set-up: the clock runs over the events. */
		if (i + 1 == e->scan.nlive)
			clock_start(clock);
		progress_tick(p, w->seq);
	}
	return 0;
}

/* Finishes a replay whose events all went through the engine. */
static int replay_end(struct replay_engine *e, struct replay_worker *w,
		      const struct replay_clock *clock, struct progress *p,
		      struct replay_summary *s)
{
	double seconds = clock_seconds(CLOCK_MONOTONIC) - clock->t0;
	double cpu_seconds = clock_seconds(CLOCK_THREAD_CPUTIME_ID) - clock->cpu0;
	int ret;

	progress_end(p);
	if ((ret = replay_engine_finish(e, w, 1, s)))
		return ret;
	s->replay_seconds = seconds;
	s->replay_cpu_seconds = cpu_seconds;
	s->events_per_sec = seconds > 0 ? (double)s->events / seconds : 0.0;
	return 0;
}

int replay_run(const struct vmt_trace *t, const struct replay_opts *o,
	       struct replay_summary *s, struct vmt_err *err)
{
	struct replay_engine e;
	struct replay_worker w = { .e = &e };
	struct progress p = { 0 };
	struct replay_clock clock;
	int ret;

	if ((ret = replay_engine_init(&e, t, o, 1, false, s, err)))
		goto out;
	if (o->progress)
		progress_start(&p, o->progress, "events", s->events);
	clock_start(&clock);
	if (!(ret = replay_block(&e, &w, t->nev, &clock, &p, err)))
		ret = replay_end(&e, &w, &clock, &p, s);
out:
	progress_end(&p);
	if (ret)
		replay_engine_fail(err, o->trace_name, ret);
	replay_engine_destroy(&e);
	replay_worker_free(&w);
	return ret;
}

struct replay_stream {
	char *path;
	struct vmt_trace header;	/* no events, no ids: vmt_bin_stream_open() */
	struct replay_scan scan;
};

int replay_stream_open(const char *path, const struct replay_opts *o,
		       struct replay_stream **out, struct vmt_err *err)
{
	struct replay_stream *rs = calloc(1, sizeof(*rs));
	struct vmt_bin_stream *bs = NULL;
	struct vmt_bin_prefetch *ahead = NULL;
	const struct vmt_event *ev;
	struct replay_windows w;
	size_t n;
	int ret = -ENOMEM;

	*out = rs;
	if (!rs || !(rs->path = strdup(path)) || vmt_trace_init(&rs->header)) {
		vmt_err_set(err, "%s: out of memory", path);
		goto out;
	}
	/* The first pass checks the whole file, checksum included, before
	 * any replay: a bad file leaves no output.  A second thread reads
	 * (decompresses, checks, hashes) while this one scans. */
	if ((ret = vmt_bin_stream_open(path, true, &rs->header, &bs, err)))
		goto out;
	replay_windows_init(&rs->header, o, &w);
	replay_scan_init(&rs->scan);
	if ((ret = vmt_bin_prefetch_start(bs, &rs->header, NULL, &ahead, err)))
		goto out;
	do {
		if ((ret = vmt_bin_prefetch_next(ahead, &ev, &n, NULL, err)))
			goto out;
		replay_scan_add(&rs->scan, &w, o, ev, n);
	} while (n);
out:
	vmt_bin_prefetch_stop(ahead);
	vmt_bin_stream_close(bs);
	return ret;
}

const struct vmt_trace *replay_stream_header(const struct replay_stream *rs)
{
	return &rs->header;
}

const struct replay_scan *replay_stream_scan(const struct replay_stream *rs)
{
	return &rs->scan;
}

void replay_stream_close(struct replay_stream *rs)
{
	if (!rs)
		return;
	vmt_trace_free(&rs->header);
	free(rs->path);
	free(rs);
}

int replay_stream_run(const struct replay_stream *rs, const struct replay_opts *o,
		      struct replay_summary *s, struct vmt_err *err)
{
	struct vmt_trace header;
	struct vmt_bin_stream *bs = NULL;
	struct vmt_bin_prefetch *ahead = NULL;
	struct vmt_bin_prefetch_hook hook;
	struct replay_engine e = { .o = o };
	struct replay_worker w = { .e = &e };
	struct progress p = { 0 };
	struct replay_clock clock;
	bool engine = false;
	unsigned ring;
	size_t n = 0;
	int ret;

	if ((ret = vmt_trace_init(&header)))
		goto out;
	/* Checked whole by replay_stream_open(): the checksum once is enough. */
	if ((ret = vmt_bin_stream_open(rs->path, false, &header, &bs, err)))
		goto out;
	engine = true;
	if ((ret = replay_engine_init_stream(&e, &rs->header, bs, &rs->scan, o, s, err)))
		goto out;
	/* Read and judge ahead in a second thread: this one only replays. */
	hook = (struct vmt_bin_prefetch_hook){ track_judge_ahead, &e.track };
	if ((ret = vmt_bin_prefetch_start(bs, &header, &hook, &ahead, err)))
		goto out;
	if (o->progress)
		progress_start(&p, o->progress, "events", rs->scan.nev - rs->scan.nlive);
	clock_start(&clock);
	for (;;) {
		e.ev_first += n;
		clock_pause(&clock);
		/* A purge looks at the event before it: e.ev[-1] holds it. */
		if ((ret = vmt_bin_prefetch_next(ahead, &e.ev, &n, &ring, err)))
			goto out;
		if (!n)
			break;
		if ((ret = track_take_block(&e.track, ring)))
			goto out;
		clock_resume(&clock);
		if ((ret = replay_block(&e, &w, n, &clock, &p, err)))
			goto out;
	}
	clock_resume(&clock);
	track_judge_end(&e.track, s);
	ret = replay_end(&e, &w, &clock, &p, s);
out:
	progress_end(&p);
	if (ret)
		replay_engine_fail(err, o->trace_name, ret);
	vmt_bin_prefetch_stop(ahead);
	if (engine)
		replay_engine_destroy(&e);
	replay_worker_free(&w);
	vmt_bin_stream_close(bs);
	vmt_trace_free(&header);
	return ret;
}
