/* SPDX-License-Identifier: MIT */
/* The lib/test_vmalloc.c patterns of patterns.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/grow.h"
#include "lib/vmmath.h"
#include "trace/generate.h"
#include "trace/patterns.h"
#include "trace/window.h"

const struct pattern_desc pattern_descs[PATTERNS] = {
	[PATTERN_FIX_SIZE] = { "fix_size_alloc", "fix_size_alloc_test",
		"vmalloc(1 page) and vfree, count times" },
	[PATTERN_FULL_FIT] = { "full_fit_alloc", "full_fit_alloc_test",
		"fls(CPUs) x 8192 pairs of 1-page areas, every second one freed, then "
		"vmalloc(1 page) and vfree count times into the holes" },
	[PATTERN_LONG_BUSY_LIST] = { "long_busy_list_alloc", "long_busy_list_alloc_test",
		"15000 1-page areas kept busy, then vmalloc(100 pages), vmalloc(1 page) "
		"and both vfree'd, count times" },
	[PATTERN_RANDOM_SIZE] = { "random_size_alloc", "random_size_alloc_test",
		"vmalloc(1..100 pages, uniform) and vfree, count times" },
	[PATTERN_FIX_ALIGN] = { "fix_align_alloc", "fix_align_alloc_test",
		"__vmalloc_node(5 pages, THREAD_ALIGN << 1 = 32 KiB) and vfree, count times" },
	[PATTERN_RANDOM_SIZE_ALIGN] = { "random_size_align_alloc",
		"random_size_align_alloc_test",
		"__vmalloc_node((r % 10 + 1) pages, 1 << (r % 23)) for a random byte r, "
		"and vfree, count times" },
	[PATTERN_ALIGN_SHIFT] = { "align_shift_alloc", "align_shift_alloc_test",
		"__vmalloc_node(1 page, 1 << i) and vfree for i = 0..63 until one cannot "
		"fit in the window (the test expects it to fail); not scaled by count" },
	[PATTERN_PCPU_ALLOC] = { "pcpu_alloc", "pcpu_alloc_test",
		"35000 1-page areas made busy, then all freed: the test's burst and "
		"release, as areas (the percpu allocator itself serves its objects "
		"from chunks); not scaled by count" },
	[PATTERN_VM_MAP_RAM] = { "vm_map_ram", "vm_map_ram_test",
		"one vmap block (1024 pages, aligned to itself, no guard) per 1024 "
		"vm_map_ram(1 page) and vm_unmap_ram, released when all its pages "
		"have been used: count / 1024 blocks" },
};

/* The test's constants (lib/test_vmalloc.c) and the kernel's (x86_64). */
enum {
	LONG_BUSY_AREAS = 15000,	/* long_busy_list_alloc_test */
	PCPU_OBJECTS = 35000,		/* pcpu_alloc_test */
	/* full_fit_alloc_test: 32 MiB of 1-page pairs per fls(CPUs). */
	FULL_FIT_BYTES_PER_FLS = 32 << 20,
	/* fix_align: THREAD_ALIGN << 1; x86_64 THREAD_SIZE is PAGE_SIZE << 2. */
	FIX_ALIGN_PAGES = 8,
	/* vm_map_ram: VMAP_BBMAP_BITS pages per vmap block (x86_64: 1024). */
	VMAP_BLOCK_PAGES = 1024,
	BITS_PER_LONG = 64,
	POINTER_BYTES = 8,
};

/* One worker's events, before the streams are interleaved. */
struct stream {
	struct vmt_event *ev;
	size_t n, cap, next;
	uint64_t rng;
	uint16_t cpu;
};

struct pattern_gen {
	const struct pattern_opts *o;
	struct vmt_trace *t;
	struct stream *s;	/* the stream being generated */
};

void pattern_opts_default(struct pattern_opts *o)
{
	*o = (struct pattern_opts){
		.pattern = PATTERN_FIX_SIZE,
		.seed = 1,
		.count = 10000,
		.threads = 1,
		.lo = window_presets[0].lo,
		.hi = window_presets[0].hi,
		.page_size = 4096,
	};
}

enum vm_pattern pattern_find(const char *name)
{
	enum vm_pattern p;

	for (p = 0; p < PATTERNS; p++)
		if (!strcmp(name, pattern_descs[p].name))
			break;
	return p;
}

/* The id "c<cpu>.<kind><n>" of the stream's area n of kind @kind. */
static int stream_id(struct pattern_gen *g, char kind, uint64_t n, uint32_t *id)
{
	char prefix[24];

	snprintf(prefix, sizeof(prefix), "c%u.%c", (unsigned)g->s->cpu, kind);
	return gen_intern_id(g->t, prefix, n, id);
}

static int push(struct pattern_gen *g, struct vmt_event *ev)
{
	struct stream *s = g->s;
	struct vmt_event *evs = grow_array(s->ev, &s->cap, s->n, sizeof(*evs), 1024);

	if (!evs)
		return -ENOMEM;
	s->ev = evs;
	ev->cpu = s->cpu;
	ev->flags |= VMT_F_CPU;
	s->ev[s->n++] = *ev;
	return 0;
}

/* alloc_vmap_area(@bytes, @align) for area (@kind, @n): @bytes as it
 * arrives there (guard included), an @align of a page or less is none. */
static int area_alloc(struct pattern_gen *g, char kind, uint64_t n, uint64_t bytes,
		      uint64_t align)
{
	struct vmt_event ev = { .op = VMT_ALLOC, .size = bytes };
	int ret = stream_id(g, kind, n, &ev.id);

	if (align > g->o->page_size) {
		ev.align = align;
		ev.flags |= VMT_F_ALIGN;
	}
	return ret ? ret : push(g, &ev);
}

/* __vmalloc_node(@bytes, @align): page aligned up, plus the guard page. */
static int vmalloc_node(struct pattern_gen *g, char kind, uint64_t n, uint64_t bytes,
			uint64_t align)
{
	uint64_t page = g->o->page_size;

	/* Sizes here are small: a page multiple of them cannot wrap. */
	return area_alloc(g, kind, n, (bytes + page - 1) / page * page + page, align);
}

/* vmalloc(@pages pages). */
static int vmalloc_pages(struct pattern_gen *g, char kind, uint64_t n, uint64_t pages)
{
	return vmalloc_node(g, kind, n, pages * g->o->page_size, 0);
}

static int area_free(struct pattern_gen *g, char kind, uint64_t n)
{
	struct vmt_event ev = { .op = VMT_FREE };
	int ret = stream_id(g, kind, n, &ev.id);

	return ret ? ret : push(g, &ev);
}

/* vmalloc(1 page) and vfree, @count times (fix_size; full_fit's loop). */
static int one_page_loop(struct pattern_gen *g, uint64_t count)
{
	int ret = 0;

	for (uint64_t i = 0; !ret && i < count; i++)
		if (!(ret = vmalloc_pages(g, 't', 0, 1)))
			ret = area_free(g, 't', 0);
	return ret;
}

/* The areas a pattern keeps busy: @kernel_count, or the option's. */
static uint64_t busy_areas(const struct pattern_gen *g, uint64_t kernel_count)
{
	return g->o->busy ? g->o->busy : kernel_count;
}

static int fix_size_alloc(struct pattern_gen *g)
{
	return one_page_loop(g, g->o->count);
}

static int full_fit_alloc(struct pattern_gen *g)
{
	/* fls(num_online_cpus()): the workers stand for the online CPUs. */
	uint64_t fls = 32 - (uint64_t)__builtin_clz(g->o->threads);
	uint64_t junk = busy_areas(g, fls * (FULL_FIT_BYTES_PER_FLS / g->o->page_size));
	int ret;

	/* The test's two arrays of pointers, then the pairs. */
	if ((ret = vmalloc_node(g, 'a', 0, POINTER_BYTES * junk, 0)) ||
	    (ret = vmalloc_node(g, 'a', 1, POINTER_BYTES * junk, 0)))
		return ret;
	for (uint64_t i = 0; !ret && i < junk; i++)
		if (!(ret = vmalloc_pages(g, 'p', i, 1)))
			ret = vmalloc_pages(g, 'j', i, 1);
	for (uint64_t i = 0; !ret && i < junk; i++)
		ret = area_free(g, 'j', i);
	if (!ret)
		ret = one_page_loop(g, g->o->count);
	for (uint64_t i = 0; !ret && i < junk; i++)
		ret = area_free(g, 'p', i);
	if (!ret && !(ret = area_free(g, 'a', 0)))
		ret = area_free(g, 'a', 1);
	return ret;
}

static int long_busy_list_alloc(struct pattern_gen *g)
{
	uint64_t busy = busy_areas(g, LONG_BUSY_AREAS);
	int ret = vmalloc_node(g, 'a', 0, POINTER_BYTES * busy, 0);

	for (uint64_t i = 0; !ret && i < busy; i++)
		ret = vmalloc_pages(g, 'b', i, 1);
	for (uint64_t i = 0; !ret && i < g->o->count; i++)
		if (!(ret = vmalloc_pages(g, 'x', 0, 100)) && !(ret = vmalloc_pages(g, 'y', 0, 1)) &&
		    !(ret = area_free(g, 'x', 0)))
			ret = area_free(g, 'y', 0);
	for (uint64_t i = 0; !ret && i < busy; i++)
		ret = area_free(g, 'b', i);
	return ret ? ret : area_free(g, 'a', 0);
}

static int random_size_alloc(struct pattern_gen *g)
{
	int ret = 0;

	for (uint64_t i = 0; !ret && i < g->o->count; i++)
		if (!(ret = vmalloc_pages(g, 't', 0, gen_random_between(&g->s->rng, 1, 100))))
			ret = area_free(g, 't', 0);
	return ret;
}

static int fix_align_alloc(struct pattern_gen *g)
{
	uint64_t page = g->o->page_size;
	int ret = 0;

	for (uint64_t i = 0; !ret && i < g->o->count; i++)
		if (!(ret = vmalloc_node(g, 't', 0, 5 * page, FIX_ALIGN_PAGES * page)))
			ret = area_free(g, 't', 0);
	return ret;
}

static int random_size_align_alloc(struct pattern_gen *g)
{
	uint64_t page = g->o->page_size;
	int ret = 0;

	for (uint64_t i = 0; !ret && i < g->o->count; i++) {
		/* One random byte picks both, as get_random_u8() does there. */
		uint64_t rnd = gen_random(&g->s->rng) & 0xff;

		if (!(ret = vmalloc_node(g, 't', 0, (rnd % 10 + 1) * page, 1ull << (rnd % 23))))
			ret = area_free(g, 't', 0);
	}
	return ret;
}

/* True when some address of the window is @align aligned with @size after it. */
static bool fits_aligned(const struct pattern_opts *o, uint64_t size, uint64_t align)
{
	uint64_t first;

	return vm_align_up(o->lo, align, &first) && vm_fits_below(first, size, o->hi);
}

static int align_shift_alloc(struct pattern_gen *g)
{
	uint64_t page = g->o->page_size;
	int ret = 0;

	for (unsigned i = 0; !ret && i < BITS_PER_LONG; i++) {
		uint64_t align = 1ull << i;

		if ((ret = vmalloc_node(g, 't', i, page, align)))
			break;
		/* The test returns at the first failure, without a vfree. */
		if (!fits_aligned(g->o, 2 * page, align))
			break;
		ret = area_free(g, 't', i);
	}
	return ret;
}

static int pcpu_alloc(struct pattern_gen *g)
{
	uint64_t busy = busy_areas(g, PCPU_OBJECTS);
	int ret = vmalloc_node(g, 'a', 0, POINTER_BYTES * busy, 0);

	/* Up to PAGE_SIZE / 4 bytes aligned to at most 2 KiB: one page each. */
	for (uint64_t i = 0; !ret && i < busy; i++)
		ret = vmalloc_pages(g, 'o', i, 1);
	for (uint64_t i = 0; !ret && i < busy; i++)
		ret = area_free(g, 'o', i);
	return ret ? ret : area_free(g, 'a', 0);
}

static int vm_map_ram(struct pattern_gen *g)
{
	uint64_t block = VMAP_BLOCK_PAGES * g->o->page_size;
	uint64_t blocks = (g->o->count + VMAP_BLOCK_PAGES - 1) / VMAP_BLOCK_PAGES;
	int ret = 0;

	for (uint64_t i = 0; !ret && i < blocks; i++)
		if (!(ret = area_alloc(g, 'v', 0, block, block)))
			ret = area_free(g, 'v', 0);
	return ret;
}

static int (*const pattern_fns[PATTERNS])(struct pattern_gen *g) = {
	[PATTERN_FIX_SIZE] = fix_size_alloc,
	[PATTERN_FULL_FIT] = full_fit_alloc,
	[PATTERN_LONG_BUSY_LIST] = long_busy_list_alloc,
	[PATTERN_RANDOM_SIZE] = random_size_alloc,
	[PATTERN_FIX_ALIGN] = fix_align_alloc,
	[PATTERN_RANDOM_SIZE_ALIGN] = random_size_align_alloc,
	[PATTERN_ALIGN_SHIFT] = align_shift_alloc,
	[PATTERN_PCPU_ALLOC] = pcpu_alloc,
	[PATTERN_VM_MAP_RAM] = vm_map_ram,
};

/* Appends the streams' events to the trace, taking each next event from
 * a stream chosen at random among those not yet exhausted. */
static int interleave(struct vmt_trace *t, struct stream *streams, uint32_t n, uint64_t *rng)
{
	uint32_t active = n;

	while (active) {
		uint32_t k = (uint32_t)(gen_random(rng) % active);
		struct stream *s = &streams[k];

		if (!vmt_trace_push(t, &s->ev[s->next++], 0))
			return -ENOMEM;
		if (s->next == s->n) {
			struct stream done = *s;

			*s = streams[--active];
			streams[active] = done;
		}
	}
	return 0;
}

static bool opts_valid(const struct pattern_opts *o)
{
	return o->pattern < PATTERNS && o->count && o->threads && o->threads <= UINT16_MAX &&
	       vm_is_pow2(o->page_size) && o->lo < o->hi && !(o->lo & (o->page_size - 1)) &&
	       !(o->hi & (o->page_size - 1));
}

static int set_header(const struct pattern_opts *o, struct vmt_trace *t)
{
	char about[160];

	t->has_range = true;
	t->range_lo = o->lo;
	t->range_hi = o->hi;
	t->page_size = o->page_size;
	snprintf(about, sizeof(about), "pattern=%s seed=%" PRIu64 " count=%" PRIu64
		 " threads=%" PRIu32 " busy=%" PRIu64, pattern_descs[o->pattern].name, o->seed,
		 o->count, o->threads, o->busy);
	return vmt_trace_add_meta(t, "generator", about);
}

int vmt_generate_pattern(const struct pattern_opts *o, struct vmt_trace *t)
{
	struct pattern_gen g = { .o = o, .t = t };
	struct stream *streams = NULL;
	uint64_t rng = o->seed;
	int ret = vmt_trace_init(t);

	if (ret)
		return ret;
	if (!opts_valid(o)) {
		ret = -EINVAL;
		goto out;
	}
	streams = calloc(o->threads, sizeof(*streams));
	if (!streams) {
		ret = -ENOMEM;
		goto out;
	}
	if ((ret = set_header(o, t)))
		goto out;
	for (uint32_t c = 0; !ret && c < o->threads; c++) {
		g.s = &streams[c];
		g.s->cpu = (uint16_t)c;
		g.s->rng = gen_random(&rng);
		ret = pattern_fns[o->pattern](&g);
	}
	if (!ret)
		ret = interleave(t, streams, o->threads, &rng);
out:
	for (uint32_t c = 0; streams && c < o->threads; c++)
		free(streams[c].ev);
	free(streams);
	if (ret)
		vmt_trace_free(t);
	return ret;
}
