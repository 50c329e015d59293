/* SPDX-License-Identifier: MIT */
/*
 * kernel.kptr_restrict, set for a moment and put back.  /proc/vmallocinfo
 * prints addresses with %pK: real only at kptr_restrict=1 (to a reader with
 * CAP_SYSLOG); hashed at 0, zeroed at 2.  /proc/kallsyms shows root real
 * addresses at 0 and 1.  So the recorder reads both at 1 and then restores
 * the administrator's value, also on error; signals must not kill the
 * process in between (the caller catches SIGINT/SIGTERM/SIGHUP first).
 */
#ifndef VMTRACE_KPTR_H
#define VMTRACE_KPTR_H

#include <stdbool.h>

#include "lib/diag.h"

struct kptr_restrict {
	int old;		/* the value found */
	bool changed;		/* we wrote a new one: restore must write `old` */
};

/* Sets kernel.kptr_restrict to @value, remembering the old one in @k.
 * Returns 0 or a negative errno with @err set. */
int kptr_restrict_set(struct kptr_restrict *k, int value, struct vmt_err *err);

/* Writes back the remembered value if kptr_restrict_set changed it.
 * Safe to call twice.  Returns 0 or a negative errno with @err set. */
int kptr_restrict_restore(struct kptr_restrict *k, struct vmt_err *err);

#endif /* VMTRACE_KPTR_H */
