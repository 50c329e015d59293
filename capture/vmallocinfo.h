/* SPDX-License-Identifier: MIT */
/*
 * A snapshot of the kernel's busy vmap areas, and the parser of the
 * /proc/vmallocinfo text that gives one.
 *
 * /proc/vmallocinfo (mm/vmalloc.c, s_show and show_purge_info) prints one
 * line per area:
 *   0xSTART-0xEND SIZE [caller+off/len [module]] [pages=N] [phys=0x..]
 *       [ioremap] [vmalloc] [vmap] [user] [dma-coherent] [vpages] [N0=..]
 *   0xSTART-0xEND SIZE vm_map_ram
 *   0xSTART-0xEND SIZE unpurged vm_area
 * SIZE is END - START and includes the guard page, exactly the size the
 * alloc_vmap_area tracepoint reports.  Addresses are real only when the
 * reader may see kernel pointers (root with kernel.kptr_restrict <= 1);
 * zeroed or hashed addresses are rejected.
 */
#ifndef VMTRACE_VMALLOCINFO_H
#define VMTRACE_VMALLOCINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"
#include "trace/strtab.h"

struct vmt_snap_area {
	uint64_t start;		/* va_start */
	uint64_t size;		/* va_end - va_start, bytes, > 0 */
	uint32_t line;		/* source line (messages), 0 when none */
	bool unpurged;		/* lazily freed, not purged yet: busy, but gone */
	uint32_t caller;	/* index into snapshot.strs ("kernel_clone+0xb8/0x400
				 * [mod]"), 0: none */
	uint32_t kind;		/* index into snapshot.strs: the flag words joined
				 * by ',' ("vmalloc", "ioremap", "vmalloc,vpages",
				 * "vm_map_ram", "unpurged"), 0: none */
	uint64_t pages;		/* pages=, 0 when not given */
	uint64_t phys;		/* phys=, valid when has_phys */
	bool has_phys;
};

struct vmt_snapshot {
	struct vmt_snap_area *areas;	/* in source order */
	size_t n, cap;
	struct strtab strs;		/* caller and kind texts */
};

/* Initializes an empty snapshot.  0 or -ENOMEM. */
int vmt_snapshot_init(struct vmt_snapshot *s);
void vmt_snapshot_free(struct vmt_snapshot *s);

/*
 * Appends a copy of *@a (for producers other than the text parser).
 * Precondition: a->caller and a->kind are indices into s->strs.
 * Returns 0 or -ENOMEM.
 */
int vmt_snapshot_add(struct vmt_snapshot *s, const struct vmt_snap_area *a);

/*
 * Parses @len bytes of /proc/vmallocinfo text into @s (initialized; areas
 * are appended).  @name is used in messages.  Returns 0, or -EINVAL with
 * `name:line: what is wrong` in @err, or -ENOMEM.  Blank lines are
 * skipped; an empty file is a valid, empty snapshot.
 */
int vmt_vmallocinfo_parse(const char *name, const char *buf, size_t len,
			  struct vmt_snapshot *s, struct vmt_err *err);

/* Reads the file at @path ("-": stdin) and parses it as above. */
int vmt_vmallocinfo_load(const char *path, struct vmt_snapshot *s,
			 struct vmt_err *err);

#endif /* VMTRACE_VMALLOCINFO_H */
