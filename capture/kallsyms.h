/* SPDX-License-Identifier: MIT */
/*
 * The kernel's text symbols from /proc/kallsyms, sorted by address, to
 * name the return addresses of recorded kernel stacks.  Read once, before
 * recording; the addresses are real only to a reader allowed to see kernel
 * pointers (root with kernel.kptr_restrict <= 1, see kptr.h).
 */
#ifndef VMTRACE_KALLSYMS_H
#define VMTRACE_KALLSYMS_H

#include <stdint.h>

#include "../replay/diag.h"
#include "../replay/strtab.h"

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
void ksyms_free(struct ksyms *k);

/*
 * The name of the function that holds the return address @ret (the call
 * site is ret - 1, which matters when a call is a function's last
 * instruction), or NULL when no symbol lies at or below it.
 */
const char *ksyms_name(const struct ksyms *k, uint64_t ret);

#endif /* VMTRACE_KALLSYMS_H */
