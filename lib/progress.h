/* SPDX-License-Identifier: MIT */
/*
 * A progress line for long work, on a terminal only: `PREFIX: DONE / TOTAL
 * UNIT (P%), RATE UNIT/s, M:SS left` (`PREFIX: DONE UNIT, RATE UNIT/s`
 * when the total is unknown, `PREFIX ...` before anything is counted), rewritten in place with '\r' at most
 * four times a second and erased when the work ends, so that it never
 * mixes with what the command prints.  When stderr is not a terminal
 * (isatty), it prints nothing at all: logs and CI stay clean.
 *
 *	struct progress p;
 *
 *	progress_start(&p, "vmtrace replay", "events", t->nev);
 *	for (i = 0; i < n; i++) {
 *		...
 *		progress_tick(&p, i + 1);
 *	}
 *	progress_end(&p);
 *
 * progress_tick() costs one comparison between refreshes, so it may be
 * called after every event of a timed loop.
 */
#ifndef VMTRACE_PROGRESS_H
#define VMTRACE_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	bool on;		/* stderr is a terminal */
	bool shown;		/* a line is on the terminal, to be erased */
	const char *prefix, *unit;
	uint64_t total;		/* 0: unknown (no percentage, no time left) */
	uint64_t start_ns, last_ns;
	uint64_t next_check;	/* the done count of the next clock read */
	const char *note;	/* appended after the rate, or NULL */
};

/* Starts @p for @total @unit (0: unknown) and shows it at once.  @prefix,
 * @unit and any note must outlive @p. */
void progress_start(struct progress *p, const char *prefix, const char *unit,
		    uint64_t total);

/* Redraws the line when a quarter second has passed since the last. */
void progress_update(struct progress *p, uint64_t done);

static inline void progress_tick(struct progress *p, uint64_t done)
{
	if (p->on && done >= p->next_check)
		progress_update(p, done);
}

/* Sets the text shown after the rate ("3 lost"), or NULL; shown at the
 * next redraw. */
void progress_note(struct progress *p, const char *note);

/* Erases the line, if one was shown. */
void progress_end(struct progress *p);

#endif /* VMTRACE_PROGRESS_H */
