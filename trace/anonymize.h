/* SPDX-License-Identifier: MIT */
/*
 * Makes a trace safe to publish (`vmtrace anonymize`, `record --anonymize`):
 * moves the main window to the architecture's default base and drops what
 * identifies the host.  README.md ("What a trace carries") lists the fields.
 *
 * The addresses: every address inside the main window [lo, hi] (hi
 * inclusive: the kernel's VMALLOC_END is) moves by one constant D, the
 * others (other request windows: modules, execmem; failed allocs' 0) stay.
 * D is the multiple of the trace's modulus M closest to (default base - lo)
 * on the side of 0, so the window starts at the default base whenever the
 * distance is a multiple of M, which a KASLR base is on x86_64 with a
 * power-of-two node count (KASLR moves it in 1 GiB steps).  M keeps every
 * property an address carries into a model:
 *   - every alignment the trace asks for, and the page size;
 *   - 1 GiB (PUD): a model may key on the address's large-page slots;
 *   - the 6.9+ node of an unowned area, (addr / vmap_zone_size) % nodes,
 *     vmap_zone_size being 16 pages and nodes the possible CPUs clamped to
 *     [1, 128] (mm/vmalloc.c, addr_to_node()).
 * So every area keeps its distance to every other one of its window.
 *
 * The host: pid (the field), comm=, caller= offsets (`+0x1bc/0x1e0`: they
 * identify the kernel build, not the base), attributes and meta lines whose
 * value is a 0x number (phys=, kernel_lock.*.addr: physical and symbol
 * addresses), and meta lines naming the host (hostname, host, machine_id,
 * boot_id, user).  Kept: the kernel release (needed to read the trace),
 * the command, times (relative to the recording's start), cpus.
 */
#ifndef VMTRACE_ANONYMIZE_H
#define VMTRACE_ANONYMIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/diag.h"
#include "trace/trace.h"

/* What --keep may name: the fields kept as they are. */
enum vmt_anon_keep {
	VMT_KEEP_PID = 1 << 0,		/* pid */
	VMT_KEEP_COMM = 1 << 1,		/* comm */
	VMT_KEEP_CALLER = 1 << 2,	/* caller (with its offsets) */
	VMT_KEEP_HEX = 1 << 3,		/* hex (0x-valued attributes and meta) */
	VMT_KEEP_HOST = 1 << 4,		/* host (hostname, ... meta lines) */
};

struct vmt_anon_opts {
	unsigned keep;		/* enum vmt_anon_keep */
	bool has_base;		/* move the window to @base, not the default */
	uint64_t base;
};

/* What was done: out = in + shift (mod 2^64) for in in [lo, hi]. */
struct vmt_anon_shift {
	uint64_t lo, hi;	/* the main window before, hi inclusive */
	uint64_t shift;		/* D, two's complement */
	uint64_t modulus;	/* M */
	uint64_t target;	/* the base asked for; lo + D differs by < M */
};

/* Parses a comma-separated --keep list into enum vmt_anon_keep bits.
 * Returns 0 or -EINVAL with @why set. */
int vmt_anon_parse_keep(const char *text, unsigned *keep, struct vmt_err *why);

/* The address @a becomes. */
uint64_t vmt_anon_map(const struct vmt_anon_shift *s, uint64_t a);

/*
 * Anonymizes @t in place.  Returns 0 with *@s filled, -ERANGE when the
 * window cannot move without wrapping or crossing an address kept in place
 * or the modulus does not fit 63 bits, -ENOMEM; @err says what, naming the
 * address.
 */
int vmt_anonymize(struct vmt_trace *t, const struct vmt_anon_opts *o,
		  struct vmt_anon_shift *s, struct vmt_err *err);

#endif /* VMTRACE_ANONYMIZE_H */
