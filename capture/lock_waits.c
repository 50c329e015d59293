/* SPDX-License-Identifier: MIT */
/*
 * The vmalloc lock sites and the per-lock wait summaries.
 *
 * The sites are the functions of mm/vmalloc.c (Linux 6.18) that take
 * vmap_area_lock, free_vmap_area_lock, a vmap_node's busy/lazy/pool
 * locks, vmap_purge_lock or a vmap_block's locks.  Static helpers that
 * take a lock and are inlined (preload_this_cpu_lock, ...) show up as the
 * function they are inlined into, which is listed.
 *
 * A wait is for a vmalloc lock when the first frame of its stack outside
 * the locking code is a site: a lock taken deeper down (the slab's, the
 * page allocator's, under alloc_vmap_area) is some other lock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/grow.h"
#include "trace/trace_text.h"
#include "capture/classify.h"
#include "capture/lock_waits.h"

const char *const vmt_lock_symbols[] = {
	"vmap_area_lock", "free_vmap_area_lock", "purge_vmap_area_lock",
	"vmap_purge_lock", NULL,
};

static const char *const sites[] = {
	"alloc_vmap_area", "free_vmap_area", "free_vmap_area_noflush",
	"insert_vmap_area", "find_vmap_area", "find_unlink_vmap_area",
	"find_vmap_area_exceed_addr_lock", "find_vm_area", "remove_vm_area",
	"vm_area_add_early", "vmap_init_free_space",
	"__purge_vmap_area_lazy", "purge_vmap_node", "reclaim_and_purge_vmap_areas",
	"drain_vmap_area_work", "decay_va_pool_node", "vmap_node_shrink_scan",
	"kasan_release_vmalloc_node", "_vm_unmap_aliases", "vm_map_ram", "vm_unmap_ram",
	"vb_alloc", "vb_free", "new_vmap_block", "free_vmap_block",
	"purge_fragmented_block", "purge_fragmented_blocks", "pcpu_get_vm_areas",
	"pcpu_free_vm_areas", "vread_iter", "vmalloc_dump_obj",
};

#define NSITES (sizeof(sites) / sizeof(sites[0]))

/* The locking code between a contention's tracepoint and the lock's taker. */
static const char *const lock_primitives[] = {
	"queued_spin_lock_slowpath", "native_queued_spin_lock_slowpath",
	"__pv_queued_spin_lock_slowpath", "do_raw_spin_lock", "_raw_spin_lock*",
	"_raw_read_lock*", "_raw_write_lock*", "queued_read_lock_slowpath",
	"queued_write_lock_slowpath", "__mutex_lock*", "mutex_lock*",
	"rwsem_down_*", "down_read*", "down_write*", "rt_spin_lock*",
};

static bool is_lock_primitive(const char *sym)
{
	for (size_t i = 0; i < sizeof(lock_primitives) / sizeof(lock_primitives[0]); i++)
		if (vmt_symbol_matches(lock_primitives[i], sym))
			return true;
	return false;
}

static const char *site_of(const char *sym)
{
	for (size_t i = 0; i < NSITES; i++)
		if (vmt_symbol_matches(sites[i], sym))
			return sites[i];
	return NULL;
}

const char *vmt_lock_site(const char *const *frames, size_t n)
{
	size_t f = 0;

	while (f < n && frames[f] && is_lock_primitive(frames[f]))
		f++;
	return f < n && frames[f] ? site_of(frames[f]) : NULL;
}

int vmt_lock_site_ranges(const struct ksyms *k, struct vmt_text_range *out,
			 size_t max, size_t *n, struct vmt_err *err)
{
	uint64_t start, end;

	*n = 0;
	for (size_t i = 0; i < k->n; i++) {
		if (!site_of(ksyms_get(k, i, &start, &end)))
			continue;
		if (*n + 1 >= max) {
			vmt_err_set(err, "more than %zu kernel symbols are vmalloc lock sites", max - 1);
			return -E2BIG;
		}
		out[(*n)++] = (struct vmt_text_range){ start, end };
	}
	if (!*n) {
		vmt_err_set(err, "/proc/kallsyms names none of the vmalloc functions that take "
			    "the vmalloc locks (alloc_vmap_area, ...)");
		return -ENOENT;
	}
	out[*n] = (struct vmt_text_range){ 0, 0 };
	return 0;
}

static struct vmt_lock_stat *find_lock(struct vmt_lock_waits *w, uint64_t addr)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->locks[i].addr == addr)
			return &w->locks[i];
	return NULL;
}

static bool name_taken(const struct vmt_lock_waits *w, const char *name)
{
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->locks[i].name, name))
			return true;
	return false;
}

/* @name, or @name_2, @name_3, ...: the first no lock of @w has. */
static char *unique_name(const struct vmt_lock_waits *w, const char *name)
{
	char *s = NULL;

	if (!name_taken(w, name))
		return strdup(name);
	for (unsigned k = 2;; k++) {
		free(s);
		if (asprintf(&s, "%s_%u", name, k) < 0)
			return NULL;
		if (!name_taken(w, s))
			return s;
	}
}

static struct vmt_lock_stat *new_lock(struct vmt_lock_waits *w, uint64_t addr,
				      const char *name)
{
	struct vmt_lock_stat *l;

	l = grow_array(w->locks, &w->cap, w->n, sizeof(*l), 8);
	if (!l)
		return NULL;
	w->locks = l;
	l = &w->locks[w->n];
	*l = (struct vmt_lock_stat){ .addr = addr, .name = unique_name(w, name) };
	if (!l->name)
		return NULL;
	w->n++;
	return l;
}

int vmt_lock_waits_add(struct vmt_lock_waits *w, uint64_t addr, const char *name,
		       uint64_t wait_ns)
{
	struct vmt_lock_stat *l = find_lock(w, addr);

	if (!l && !(l = new_lock(w, addr, name)))
		return -ENOMEM;
	return samples_add(&l->waits, wait_ns);
}

/* kernel_lock.<name>.<what> <value>, the value printed with @fmt. */
static int add_lock_meta(struct vmt_trace *t, const struct vmt_lock_stat *l,
			 const char *what, const char *fmt, uint64_t value)
{
	char key[VMT_META_KEY_MAX + 1], text[24];

	snprintf(key, sizeof(key), "kernel_lock.%s.%s", l->name, what);
	snprintf(text, sizeof(text), fmt, value);
	return vmt_trace_add_meta(t, key, text);
}

int vmt_lock_waits_meta(struct vmt_lock_waits *w, const char *method, struct vmt_trace *t)
{
	int ret = vmt_trace_add_meta(t, "kernel_lock.method", method);

	for (size_t i = 0; i < w->n && !ret; i++) {
		struct vmt_lock_stat *l = &w->locks[i];

		samples_sort(&l->waits);
		if ((ret = add_lock_meta(t, l, "addr", "0x%" PRIx64, l->addr)) ||
		    (ret = add_lock_meta(t, l, "contentions", "%" PRIu64, l->waits.n)) ||
		    (ret = add_lock_meta(t, l, "wait_total_ns", "%" PRIu64,
					 samples_total(&l->waits))) ||
		    (ret = add_lock_meta(t, l, "wait_max_ns", "%" PRIu64,
					 samples_quantile(&l->waits, 100))) ||
		    (ret = add_lock_meta(t, l, "wait_p50_ns", "%" PRIu64,
					 samples_quantile(&l->waits, 50))))
			break;
		ret = add_lock_meta(t, l, "wait_p99_ns", "%" PRIu64, samples_quantile(&l->waits, 99));
	}
	return ret;
}

void vmt_lock_waits_free(struct vmt_lock_waits *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->locks[i].name);
		samples_free(&w->locks[i].waits);
	}
	free(w->locks);
	memset(w, 0, sizeof(*w));
}
