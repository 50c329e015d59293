/* SPDX-License-Identifier: MIT */
/*
 * The classification table: symbol pattern -> kind.  Rows are tried in
 * order and the first row matching any frame of the stack wins, so
 * specific users (a fork's stack, a BPF map) come before the generic
 * vmalloc entry points they call, and the bare area allocator comes last.
 *
 * A row marked `api` is part of the allocator's own code path: frames
 * matching it are skipped when looking for the caller.
 *
 * The call chains behind the rows (Linux 6.18, x86-64, as captured):
 *   fork:  alloc_vmap_area <- __get_vm_area_node <- __vmalloc_node_range
 *          <- __vmalloc_node <- copy_process (alloc_thread_stack_node and
 *          dup_task_struct are inlined into it)
 *   BPF:   ... <- __vmalloc_node <- bpf_prog_alloc_no_stats / bpf_check /
 *          bpf_prog_calc_tag;  ... <- __bpf_map_area_alloc <- array_map_alloc
 */
#include <stdbool.h>
#include <string.h>

#include "capture/classify.h"

struct rule {
	const char *pattern;	/* exact name, or a prefix when it ends in '*' */
	enum vmt_kind kind;
	bool api;		/* the allocator's own code: not a caller */
};

static const struct rule rules[] = {
	{ "ioremap*", VMT_KIND_IOREMAP, true },
	{ "__ioremap*", VMT_KIND_IOREMAP, true },
	{ "vm_map_ram", VMT_KIND_VM_MAP_RAM, true },
	{ "vb_alloc", VMT_KIND_VM_MAP_RAM, true },
	{ "new_vmap_block", VMT_KIND_VM_MAP_RAM, true },
	{ "vmap", VMT_KIND_VMAP, true },
	{ "vmap_pfn", VMT_KIND_VMAP, true },
	{ "pcpu_*", VMT_KIND_PERCPU, false },
	{ "alloc_thread_stack_node", VMT_KIND_KSTACK, false },
	{ "dup_task_struct", VMT_KIND_KSTACK, false },
	{ "copy_process", VMT_KIND_KSTACK, false },
	{ "bpf_*", VMT_KIND_BPF, false },
	{ "__bpf_*", VMT_KIND_BPF, false },
	{ "execmem_*", VMT_KIND_EXECMEM, true },
	{ "module_alloc", VMT_KIND_EXECMEM, true },
	{ "__vmalloc*", VMT_KIND_VMALLOC, true },
	{ "vmalloc*", VMT_KIND_VMALLOC, true },
	{ "vzalloc*", VMT_KIND_VMALLOC, true },
	{ "vcalloc*", VMT_KIND_VMALLOC, true },
	{ "vrealloc*", VMT_KIND_VMALLOC, true },
	{ "__kvmalloc*", VMT_KIND_VMALLOC, true },
	{ "kvmalloc*", VMT_KIND_VMALLOC, true },
	{ "kvzalloc*", VMT_KIND_VMALLOC, true },
	{ "kvrealloc*", VMT_KIND_VMALLOC, true },
	{ "alloc_vmap_area", VMT_KIND_OTHER, true },
	{ "__get_vm_area*", VMT_KIND_OTHER, true },
	{ "get_vm_area*", VMT_KIND_OTHER, true },
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))

static const char *const kind_names[VMT_KIND_COUNT] = {
	[VMT_KIND_OTHER] = "other",
	[VMT_KIND_VMALLOC] = "vmalloc",
	[VMT_KIND_IOREMAP] = "ioremap",
	[VMT_KIND_VMAP] = "vmap",
	[VMT_KIND_VM_MAP_RAM] = "vm_map_ram",
	[VMT_KIND_KSTACK] = "kstack",
	[VMT_KIND_BPF] = "bpf",
	[VMT_KIND_EXECMEM] = "execmem",
	[VMT_KIND_PERCPU] = "percpu",
};

const char *vmt_kind_name(enum vmt_kind kind)
{
	return kind < VMT_KIND_COUNT ? kind_names[kind] : "?";
}

bool vmt_symbol_matches(const char *pattern, const char *sym)
{
	size_t plen = strlen(pattern), slen = strcspn(sym, ".");

	if (plen && pattern[plen - 1] == '*')
		return slen >= plen - 1 && !memcmp(sym, pattern, plen - 1);
	return slen == plen && !memcmp(sym, pattern, plen);
}

static bool is_api(const char *sym)
{
	for (size_t r = 0; r < NRULES; r++)
		if (rules[r].api && vmt_symbol_matches(rules[r].pattern, sym))
			return true;
	return false;
}

struct vmt_class vmt_classify(const char *const *frames, size_t n)
{
	struct vmt_class c = { .kind = VMT_KIND_OTHER, .caller = -1 };
	bool kind_found = false;

	for (size_t r = 0; r < NRULES && !kind_found; r++)
		for (size_t f = 0; f < n; f++)
			if (frames[f] && vmt_symbol_matches(rules[r].pattern, frames[f])) {
				c.kind = rules[r].kind;
				kind_found = true;
				break;
			}
	for (size_t f = 0; f < n; f++)
		if (frames[f] && !is_api(frames[f])) {
			c.caller = (long)f;
			break;
		}
	return c;
}
