/* SPDX-License-Identifier: MIT */
/*
 * Output files that appear whole or not at all: written under a temporary
 * name in the same directory and renamed over the final name on commit, so
 * a failed or killed run never leaves a partial file under the final name.
 * The path "-" means standard output (written directly).
 */
#ifndef VMTRACE_OUTFILE_H
#define VMTRACE_OUTFILE_H

#include <stdio.h>

struct outfile {
	FILE *f;		/* write here between open and commit/abort */
	char *path;		/* final name, NULL for stdout */
	char *tmp;		/* temporary name */
};

/* Returns 0, or a negative errno (and the message in errno's strerror). */
int outfile_open(struct outfile *o, const char *path);

/*
 * Flushes and syncs, without renaming: a program writing several files
 * syncs them all before committing any, so a full disk leaves none.
 * Returns 0 or a negative errno.
 */
int outfile_sync(struct outfile *o);

/* Flushes, syncs and renames into place.  Returns 0 or a negative errno
 * (write error: the temporary is removed and the final name untouched). */
int outfile_commit(struct outfile *o);

/* Drops the temporary.  Safe on a zeroed or already finished outfile. */
void outfile_abort(struct outfile *o);

#endif /* VMTRACE_OUTFILE_H */
