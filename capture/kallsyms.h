/* SPDX-License-Identifier: MIT */
/*
 * The kernel's text symbols from /proc/kallsyms, sorted by address, to
 * name the return addresses of recorded kernel stacks (or its data
 * symbols, to find the vmalloc locks).  Read once, before
 * recording; the addresses are real only to a reader allowed to see kernel
 * pointers (root with kernel.kptr_restrict <= 1, see kptr.h).
 */
#ifndef VMTRACE_KALLSYMS_H
#define VMTRACE_KALLSYMS_H

#include <stdint.h>

#include "lib/diag.h"
#include "trace/strtab.h"

struct ksym;

struct ksyms {
	struct ksym *syms;	/* sorted by address */
	size_t n, cap;
	struct strtab names;
};

/*
 * Loads the text symbols (types t, T, w, W) of the kallsyms file at @path
 * into @k.  Returns 0; -EACCES when every address reads as zero (pointers
 * hidden from this reader); -EINVAL on a malformed line; -ENOMEM; or the
 * errno of opening the file.  @err tells which.
 */
int ksyms_load(struct ksyms *k, const char *path, struct vmt_err *err);

/* As ksyms_load, for the symbols whose type letter is in @types ("dDbB":
 * data; a kernel without CONFIG_KALLSYMS_ALL lists none). */
int ksyms_load_types(struct ksyms *k, const char *path, const char *types,
		     struct vmt_err *err);
void ksyms_free(struct ksyms *k);

/*
 * The name of the function that holds the return address @ret (the call
 * site is ret - 1, which matters when a call is a function's last
 * instruction), or NULL when no symbol lies at or below it.
 */
const char *ksyms_name(const struct ksyms *k, uint64_t ret);

/*
 * The @i-th symbol in address order (@i < k->n): its name, its address in
 * *@start and in *@end the next symbol's (UINT64_MAX for the last), which
 * bounds a function's text.
 */
const char *ksyms_get(const struct ksyms *k, size_t i, uint64_t *start, uint64_t *end);

#endif /* VMTRACE_KALLSYMS_H */
