/* SPDX-License-Identifier: MIT */
/*
 * Growable arrays of tens or hundreds of megabytes (a trace's events, its
 * string tables) in anonymous memory advised for transparent huge pages.
 * With 4 KiB pages, filling such an array costs one page fault per 4 KiB,
 * which on a virtual machine dominates a trace load (28 us per fault was
 * measured on the project's VM); with huge pages it is one per 2 MiB.
 * Growing moves the mapping (mremap), never copies the bytes.  Small
 * arrays stay on the malloc heap.
 */
#ifndef VMTRACE_BIGMEM_H
#define VMTRACE_BIGMEM_H

#include <stddef.h>

/*
 * Resizes the block @p of @old_bytes (NULL and 0 for a new block) to
 * @new_bytes, keeping its first min(@old_bytes, @new_bytes) bytes.  Bytes
 * past @old_bytes are unspecified.  Returns the block, or NULL on ENOMEM
 * with @p unchanged.  Precondition: @p came from bigmem_resize with
 * exactly @old_bytes.
 */
void *bigmem_resize(void *p, size_t old_bytes, size_t new_bytes);

/*
 * A new block of @bytes, zeroed: for tables indexed at random (a replay's
 * per-id state), where huge pages save a TLB miss per access, which on a
 * virtual machine costs as much as the cache miss.  Returns NULL on ENOMEM.
 * Free it with bigmem_free(p, @bytes); grow it with bigmem_resize.
 */
void *bigmem_zalloc(size_t bytes);

/* Frees @p (NULL allowed), a block of @bytes from bigmem_resize or bigmem_zalloc. */
void bigmem_free(void *p, size_t bytes);

#endif /* VMTRACE_BIGMEM_H */
