/* SPDX-License-Identifier: MIT */
/* The seeded synthetic-trace generator of generate.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/grow.h"
#include "lib/vmmath.h"
#include "trace/generate.h"
#include "trace/window.h"

const char *const gen_align_rule_names[] = {
	[GEN_ALIGN_IOREMAP] = "ioremap",
	[GEN_ALIGN_ANY] = "any",
};

void gen_opts_default(struct gen_opts *o)
{
	*o = (struct gen_opts){
		.seed = 1,
		.events = 100000,
		.live_target = 1000,
		.lo = window_presets[0].lo,
		.hi = window_presets[0].hi,
		.page_size = 4096,
		.aligned_pct = 10,
		.align_rule = GEN_ALIGN_IOREMAP,
		.window_pct = 10,
	};
}

/* The callers (with their kind, where it says more) of recorded_fields allocs. */
static const char *const recorded_callers[] = {
	"caller=module_alloc", "caller=alloc_large_system_hash", "caller=kvmalloc_node",
	"caller=bpf_prog_alloc", "caller=ioremap kind=ioremap", "caller=vmap kind=vmap",
	"caller=alloc_thread_stack_node", "caller=n_tty_open",
};
#define NCALLERS (sizeof(recorded_callers) / sizeof(recorded_callers[0]))

uint64_t gen_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t gen_random_between(uint64_t *state, uint64_t lo, uint64_t hi)
{
	return lo + gen_random(state) % (hi - lo + 1);
}

struct generator {
	const struct gen_opts *o;
	struct vmt_trace *t;
	uint64_t rng;
	uint32_t *live;		/* ids currently live */
	size_t nlive, cap;
	uint64_t next_id;
	/* recorded_fields: the last event's t, the next alloc's va, and
	 * recorded_callers interned in t->strs. */
	uint64_t now, next_va;
	uint32_t callers[NCALLERS];
	/* vmt_generate_each: where events go instead of t->ev. */
	int (*emit)(void *arg, const struct vmt_event *ev);
	void *arg;
};

static uint64_t random_size(struct generator *g)
{
	uint64_t r = gen_random(&g->rng) % 100, pages;

	if (r < 55)
		pages = gen_random_between(&g->rng, 2, 5);
	else if (r < 85)
		pages = gen_random_between(&g->rng, 6, 65);
	else if (r < 97)
		pages = gen_random_between(&g->rng, 66, 1025);
	else
		pages = (1ull << gen_random_between(&g->rng, 10, 14)) + 1;
	return pages * g->o->page_size;
}

int gen_intern_id(struct vmt_trace *t, const char *prefix, uint64_t n, uint32_t *id)
{
	char name[48];
	int len = snprintf(name, sizeof(name), "%s%" PRIu64, prefix, n);

	return strtab_intern(&t->ids, name, (size_t)len, id);
}

static int new_id(struct generator *g, uint32_t *id)
{
	if (g->emit) {
		if (g->next_id >= UINT32_MAX)
			return -E2BIG;
		*id = (uint32_t)g->next_id++;
		return 0;
	}
	return gen_intern_id(g->t, "a", g->next_id++, id);
}

static int push_live(struct generator *g, uint32_t id)
{
	uint32_t *live = grow_array(g->live, &g->cap, g->nlive, sizeof(*live), 1024);

	if (!live)
		return -ENOMEM;
	g->live = live;
	g->live[g->nlive++] = id;
	return 0;
}

static int push_event(struct generator *g, const struct vmt_event *ev)
{
	if (g->emit)
		return g->emit(g->arg, ev);
	return vmt_trace_push(g->t, ev, 0) ? 0 : -ENOMEM;
}

static int gen_snapshot(struct generator *g)
{
	uint64_t page = g->o->page_size, addr = g->o->lo;
	struct vmt_event ev = { .op = VMT_LIVE };
	int ret;

	for (uint64_t i = 0; i < g->o->snapshot; i++) {
		addr += page * gen_random_between(&g->rng, 0, 3);
		ev.size = page * gen_random_between(&g->rng, 2, 17);
		if (!vm_fits_below(addr, ev.size, g->o->hi))
			return -EINVAL;
		ev.va = addr;
		addr += ev.size;
		if ((ret = new_id(g, &ev.id)) || (ret = push_event(g, &ev)) ||
		    (ret = push_live(g, ev.id)))
			return ret;
	}
	g->next_va = addr;
	return 0;
}

/* With recorded_fields: what a recorded event has besides the request. */
static void add_recorded_fields(struct generator *g, struct vmt_event *ev)
{
	if (!g->o->recorded_fields)
		return;
	g->now += gen_random_between(&g->rng, 0, 4999);
	ev->t = g->now;
	ev->flags |= VMT_F_T;
	if (ev->op == VMT_PURGE)
		return;
	ev->cpu = (uint16_t)gen_random_between(&g->rng, 0, 7);
	ev->flags |= VMT_F_CPU;
	if (ev->op != VMT_ALLOC)
		return;
	ev->pid = (uint32_t)gen_random_between(&g->rng, 1, 30000);
	ev->attrs = g->callers[gen_random_between(&g->rng, 0, NCALLERS - 1)];
	if (!vm_fits_below(g->next_va, ev->size, g->o->hi))
		g->next_va = g->o->lo;
	ev->va = g->next_va;
	g->next_va += ev->size;
	ev->flags |= VMT_F_PID | VMT_F_VA;
}

/* A request window inside the main one that can hold @size, or none. */
static void random_request_window(struct generator *g, struct vmt_event *ev)
{
	uint64_t page = g->o->page_size, span = g->o->hi - g->o->lo, len, start;

	if (ev->size > span || gen_random(&g->rng) % 100 >= g->o->window_pct)
		return;
	if (gen_random(&g->rng) % 3 == 0)
		len = ev->size + page * gen_random_between(&g->rng, 0, 4);
	else
		len = ev->size + (gen_random(&g->rng) % (span - ev->size + 1));
	len = vm_min(len & ~(page - 1), span);
	start = g->o->lo + (gen_random_between(&g->rng, 0, (span - len) / page) * page);
	ev->vstart = start;
	ev->vend = start + len;
	ev->flags |= VMT_F_VSTART | VMT_F_VEND;
}

/* The alignment of an aligned request of @size bytes (guard page included). */
static uint64_t random_align(struct generator *g, uint64_t size)
{
	uint64_t page = g->o->page_size, align = page;
	unsigned page_shift = (unsigned)__builtin_ctzll(page);

	switch (g->o->align_rule) {
	case GEN_ALIGN_IOREMAP:
		while (align < size - page && align < (1ull << 30))
			align <<= 1;
		return align;
	case GEN_ALIGN_ANY:
		if (page_shift < 20)
			align = 1ull << gen_random_between(&g->rng, page_shift + 1, 20);
		return align;
	}
	return align;
}

static int gen_alloc(struct generator *g)
{
	struct vmt_event ev = { .op = VMT_ALLOC };
	int ret;

	ev.size = random_size(g);
	if (gen_random(&g->rng) % 100 < g->o->aligned_pct) {
		ev.align = random_align(g, ev.size);
		if (ev.align > g->o->page_size)
			ev.flags |= VMT_F_ALIGN;
		else
			ev.align = 0;
	}
	random_request_window(g, &ev);
	add_recorded_fields(g, &ev);
	if ((ret = new_id(g, &ev.id)) || (ret = push_event(g, &ev)))
		return ret;
	return push_live(g, ev.id);
}

static int gen_free(struct generator *g)
{
	size_t i = gen_random(&g->rng) % g->nlive;
	struct vmt_event ev = { .op = VMT_FREE, .id = g->live[i] };

	g->live[i] = g->live[--g->nlive];
	add_recorded_fields(g, &ev);
	return push_event(g, &ev);
}

/* The kernel released up to 63 lazily freed areas of the main window. */
static int gen_purge(struct generator *g)
{
	struct vmt_event ev = { .op = VMT_PURGE, .flags = VMT_F_N, .vstart = g->o->lo,
				.vend = g->o->hi, .size = gen_random_between(&g->rng, 0, 63) };

	add_recorded_fields(g, &ev);
	return push_event(g, &ev);
}

static int gen_events(struct generator *g)
{
	bool warm = false;
	int ret;

	for (uint64_t i = 0; i < g->o->events; i++) {
		uint64_t target = g->o->live_target, live = g->nlive;
		bool alloc;

		warm = warm || live >= target;
		if (g->o->recorded_fields && gen_random(&g->rng) % 1000 == 0) {
			if ((ret = gen_purge(g)))
				return ret;
			continue;
		}
		alloc = !live || !warm ||
			gen_random(&g->rng) % (target + live) < target;
		if ((ret = alloc ? gen_alloc(g) : gen_free(g)))
			return ret;
	}
	return 0;
}

static bool opts_valid(const struct gen_opts *o)
{
	return vm_is_pow2(o->page_size) && o->lo < o->hi && o->live_target &&
	       !(o->lo & (o->page_size - 1)) && !(o->hi & (o->page_size - 1)) &&
	       o->aligned_pct <= 100 && o->window_pct <= 100 &&
	       (o->align_rule == GEN_ALIGN_IOREMAP || o->align_rule == GEN_ALIGN_ANY);
}

/* With recorded_fields: the callers, interned once for every alloc. */
static int intern_callers(struct generator *g)
{
	int ret = 0;

	if (!g->o->recorded_fields)
		return 0;
	for (size_t i = 0; !ret && i < NCALLERS; i++)
		ret = strtab_intern(&g->t->strs, recorded_callers[i], strlen(recorded_callers[i]),
				    &g->callers[i]);
	return ret;
}

/* Generates into @t, or through @emit when not NULL. */
static int generate(const struct gen_opts *o, struct vmt_trace *t,
		    int (*emit)(void *arg, const struct vmt_event *ev), void *arg,
		    uint32_t *nids)
{
	struct generator g = { .o = o, .t = t, .rng = o->seed, .next_id = 1, .now = 1000000,
			       .emit = emit, .arg = arg };
	char about[180];
	int ret;

	ret = vmt_trace_init(t);
	if (ret)
		return ret;
	if (!opts_valid(o)) {
		ret = -EINVAL;
		goto out;
	}
	t->has_range = true;
	t->range_lo = o->lo;
	t->range_hi = o->hi;
	t->page_size = o->page_size;
	snprintf(about, sizeof(about),
		 "seed=%" PRIu64 " events=%" PRIu64 " live-target=%" PRIu64 " snapshot=%" PRIu64
		 " aligned=%u%% align-rule=%s windows=%u%%%s", o->seed, o->events, o->live_target,
		 o->snapshot, o->aligned_pct, gen_align_rule_names[o->align_rule], o->window_pct,
		 o->recorded_fields ? " recorded-fields" : "");
	if (!(ret = vmt_trace_add_meta(t, "generator", about)) && !(ret = intern_callers(&g)) &&
	    !(ret = gen_snapshot(&g)))
		ret = gen_events(&g);
out:
	free(g.live);
	*nids = (uint32_t)g.next_id;
	if (ret)
		vmt_trace_free(t);
	return ret;
}

int vmt_generate(const struct gen_opts *o, struct vmt_trace *t)
{
	uint32_t nids;

	return generate(o, t, NULL, NULL, &nids);
}

int vmt_generate_each(const struct gen_opts *o, struct vmt_trace *t,
		      int (*emit)(void *arg, const struct vmt_event *ev), void *arg,
		      uint32_t *nids)
{
	return generate(o, t, emit, arg, nids);
}
