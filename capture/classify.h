/* SPDX-License-Identifier: MIT */
/*
 * What a recorded vmalloc allocation is for, read off its kernel stack:
 * the kind (which API or user) and the caller (the first frame outside
 * the allocator's own code).  The rules are one table in classify.c.
 */
#ifndef VMTRACE_CLASSIFY_H
#define VMTRACE_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

enum vmt_kind {
	VMT_KIND_OTHER,		/* none of the below (get_vm_area users, ...) */
	VMT_KIND_VMALLOC,	/* vmalloc, vzalloc, kvmalloc, __vmalloc_node_range */
	VMT_KIND_IOREMAP,	/* ioremap and friends */
	VMT_KIND_VMAP,		/* vmap, vmap_pfn */
	VMT_KIND_VM_MAP_RAM,	/* vm_map_ram's vmap blocks */
	VMT_KIND_KSTACK,	/* a task's kernel stack (fork) */
	VMT_KIND_BPF,		/* BPF maps, programs, verifier, JIT */
	VMT_KIND_EXECMEM,	/* executable memory: modules, trampolines */
	VMT_KIND_PERCPU,	/* the percpu allocator */
	VMT_KIND_COUNT
};

/* The kind's name as traces spell it ("vmalloc", "kstack", ...). */
const char *vmt_kind_name(enum vmt_kind kind);

struct vmt_class {
	enum vmt_kind kind;
	long caller;		/* index of the caller frame, -1 when none */
};

/*
 * Classifies an allocation from its kernel stack: @frames[0..@n) are the
 * symbol names of the return addresses, innermost first; a NULL entry is
 * an address no symbol covers.  Compiler suffixes (".constprop.0",
 * ".isra.0", ".cold") are ignored.  The first rule of the table that
 * matches any frame gives the kind.
 */
struct vmt_class vmt_classify(const char *const *frames, size_t n);

/* Does the symbol @sym, up to its first '.' (a compiler suffix), match
 * @pattern: an exact name, or a prefix when it ends in '*'? */
bool vmt_symbol_matches(const char *pattern, const char *sym);

#endif /* VMTRACE_CLASSIFY_H */
