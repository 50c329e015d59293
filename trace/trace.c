/* SPDX-License-Identifier: MIT */
/* The in-memory trace of trace.h: its events, metadata and lifetime. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/grow.h"
#include "lib/bigmem.h"
#include "lib/progress.h"
#include "trace/trace.h"

int vmt_trace_init(struct vmt_trace *t)
{
	int ret;

	memset(t, 0, sizeof(*t));
	t->page_size = 4096;
	ret = strtab_init(&t->ids);
	if (!ret)
		ret = strtab_init(&t->strs);
	if (ret)
		vmt_trace_free(t);
	return ret;
}

void vmt_trace_free(struct vmt_trace *t)
{
	strtab_free(&t->ids);
	strtab_free(&t->strs);
	free(t->meta);
	if (t->ev_cap)
		bigmem_free(t->ev, t->ev_cap * sizeof(*t->ev));
	if (t->line)
		bigmem_free(t->line, t->line_cap * sizeof(*t->line));
	if (t->release)
		t->release(t->backing);
	memset(t, 0, sizeof(*t));
}

int vmt_trace_track_lines(struct vmt_trace *t)
{
	if (t->nev)
		return -EINVAL;
	/* Room for one: a non-NULL line says lines are kept. */
	t->line = bigmem_resize(NULL, 0, sizeof(*t->line));
	if (!t->line)
		return -ENOMEM;
	t->line_cap = 1;
	return 0;
}

static int vmt_trace_grow(struct vmt_trace *t)
{
	size_t cap = t->ev_cap ? t->ev_cap * 2 : 1024;
	struct vmt_event *ev;
	uint32_t *line;

	while (cap <= t->nev)
		cap *= 2;
	if (t->line) {
		line = bigmem_resize(t->line, t->line_cap * sizeof(*line), cap * sizeof(*line));
		if (!line)
			return -ENOMEM;
		t->line = line;
		t->line_cap = cap;
	}
	if (t->ev_cap) {
		ev = bigmem_resize(t->ev, t->ev_cap * sizeof(*ev), cap * sizeof(*ev));
	} else {
		/* Empty, or the events are in the backing: copy them out. */
		ev = bigmem_resize(NULL, 0, cap * sizeof(*ev));
		if (ev && t->nev)
			memcpy(ev, t->ev, t->nev * sizeof(*ev));
	}
	if (!ev)
		return -ENOMEM;
	t->ev = ev;
	t->ev_cap = cap;
	return 0;
}

int vmt_trace_own_events(struct vmt_trace *t)
{
	return t->ev_cap || !t->nev ? 0 : vmt_trace_grow(t);
}

struct vmt_event *vmt_trace_push(struct vmt_trace *t, const struct vmt_event *ev,
				 uint32_t line)
{
	/* nev > ev_cap when the events are read in place (ev_cap 0). */
	if (t->nev >= t->ev_cap && vmt_trace_grow(t))
		return NULL;
	if (t->line)
		t->line[t->nev] = line;
	t->ev[t->nev] = *ev;
	if (t->progress)
		progress_tick(t->progress, t->nev + 1);
	return &t->ev[t->nev++];
}

int vmt_trace_add_meta(struct vmt_trace *t, const char *key, const char *text)
{
	struct vmt_meta m;
	int ret;

	struct vmt_meta *meta = grow_array(t->meta, &t->meta_cap, t->nmeta, sizeof(*meta), 8);

	if (!meta)
		return -ENOMEM;
	t->meta = meta;
	ret = strtab_intern(&t->strs, key, strlen(key), &m.key);
	if (!ret)
		ret = strtab_intern(&t->strs, text, strlen(text), &m.text);
	if (ret)
		return ret;
	t->meta[t->nmeta++] = m;
	return 0;
}

const char *vmt_trace_meta(const struct vmt_trace *t, const char *key)
{
	for (size_t i = 0; i < t->nmeta; i++)
		if (!strcmp(strtab_get(&t->strs, t->meta[i].key), key))
			return strtab_get(&t->strs, t->meta[i].text);
	return NULL;
}

uint32_t vmt_trace_cpus_possible(const struct vmt_trace *t)
{
	const char *meta = vmt_trace_meta(t, "cpus_possible");
	char *end;

	if (meta) {
		unsigned long v = strtoul(meta, &end, 10);

		if (end != meta && !*end && v >= 1 && v <= UINT16_MAX + 1UL)
			return (uint32_t)v;
	}
	return 0;
}

uint32_t vmt_trace_nr_cpus(const struct vmt_trace *t)
{
	uint32_t n = vmt_trace_cpus_possible(t);

	if (n)
		return n;
	n = 1;
	for (size_t i = 0; i < t->nev; i++)
		if ((t->ev[i].flags & VMT_F_CPU) && t->ev[i].cpu >= n)
			n = t->ev[i].cpu + 1u;
	return n;
}

const char *vmt_op_name(enum vmt_op op)
{
	switch (op) {
	case VMT_LIVE: return "live";
	case VMT_ALLOC: return "alloc";
	case VMT_FREE: return "free";
	case VMT_PURGE: return "purge";
	}
	return "?";
}
