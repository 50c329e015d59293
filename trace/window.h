/* SPDX-License-Identifier: MIT */
/*
 * The main windows a trace can name: the presets of `--range` and of the
 * generator, and the default of a trace without a `range` line.
 */
#ifndef VMTRACE_WINDOW_H
#define VMTRACE_WINDOW_H

#include <stdint.h>

struct window_preset {
	const char *name;
	uint64_t lo, hi;	/* [lo, hi), page aligned, lo < hi */
};

/* Every preset, ended by a NULL name.  The first is the default window. */
extern const struct window_preset window_presets[];

#define WINDOW_DEFAULT (&window_presets[0])

/* Parses a preset name or LO:HI (C integer syntax, LO < HI).  0 or -EINVAL. */
int window_parse(const char *text, uint64_t *lo, uint64_t *hi);

#endif /* VMTRACE_WINDOW_H */
