/* SPDX-License-Identifier: MIT */
/* What a command that writes a trace says about it (cli/written.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/written.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t len = strlen(s), slen = strlen(suffix);

	return len >= slen && !strcmp(s + len - slen, suffix);
}

const char *cli_trace_format(const char *path)
{
	if (ends_with(path, ".vmt.zst"))
		return "binary, zstd";
	if (ends_with(path, ".vmt"))
		return "binary";
	if (ends_with(path, ".txt") || !strcmp(path, "-"))
		return "text";
	return NULL;
}

size_t cli_trace_events(const struct vmt_trace *t, size_t *snapshot_areas)
{
	size_t live = 0;

	for (size_t i = 0; i < t->nev; i++)
		live += t->ev[i].op == VMT_LIVE;
	*snapshot_areas = live;
	return t->nev - live;
}

void cli_say_written(const char *cmd, const char *path, const struct vmt_trace *t)
{
	const char *format = cli_trace_format(path);
	size_t live, events = cli_trace_events(t, &live);

	fprintf(stderr, "vmtrace %s: wrote %s (%s): %zu events, %zu snapshot areas\n", cmd,
		path, format ? format : "text", events, live);
}
