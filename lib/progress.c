/* SPDX-License-Identifier: MIT */
/* The progress line of long work, on a terminal only (lib/progress.h). */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "lib/progress.h"

#define NSEC_PER_SEC 1000000000ull
#define REFRESH_NS (NSEC_PER_SEC / 4)
/* Done counts between clock reads: small enough to refresh on time at a
 * few thousand events a second, large enough to cost nothing at millions. */
#define CHECK_EVERY 1024

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void draw(struct progress *p, uint64_t done, uint64_t now)
{
	double seconds = (double)(now - p->start_ns) / NSEC_PER_SEC;
	double rate = seconds > 0 ? (double)done / seconds : 0;

	/* "\033[K" erases what a longer earlier line left on the right. */
	if (!done && !p->total) {	/* nothing counted yet: the work's name */
		fprintf(stderr, "\r%s ...\033[K", p->prefix);
		goto out;
	}
	fprintf(stderr, "\r%s: %" PRIu64, p->prefix, done);
	if (p->total)
		fprintf(stderr, " / %" PRIu64 " %s (%.0f%%)", p->total, p->unit,
			100.0 * (double)done / (double)p->total);
	else
		fprintf(stderr, " %s", p->unit);
	if (done)
		fprintf(stderr, ", %.0f %s/s", rate, p->unit);
	if (p->total && done && rate > 0 && done <= p->total) {
		uint64_t left = (uint64_t)((double)(p->total - done) / rate + 0.5);

		fprintf(stderr, ", %" PRIu64 ":%02" PRIu64 " left", left / 60, left % 60);
	}
	if (p->note)
		fprintf(stderr, ", %s", p->note);
	fputs("\033[K", stderr);
out:
	fflush(stderr);
	p->shown = true;
	p->last_ns = now;
}

void progress_start(struct progress *p, const char *prefix, const char *unit,
		    uint64_t total)
{
	*p = (struct progress){ .on = isatty(STDERR_FILENO), .prefix = prefix, .unit = unit,
				.total = total, .next_check = CHECK_EVERY };
	if (!p->on)
		return;
	p->start_ns = now_ns();
	draw(p, 0, p->start_ns);
}

void progress_update(struct progress *p, uint64_t done)
{
	uint64_t now;

	if (!p->on)
		return;
	p->next_check = done + CHECK_EVERY;
	now = now_ns();
	if (now - p->last_ns >= REFRESH_NS)
		draw(p, done, now);
}

void progress_note(struct progress *p, const char *note)
{
	p->note = note;
}

void progress_end(struct progress *p)
{
	if (p->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->shown = false;
}
