/* SPDX-License-Identifier: MIT */
/*
 * Error reports.  Functions that can fail on bad input return a negative
 * errno and describe the problem once, in a struct vmt_err, in the form
 * `FILE:LINE: what is wrong` (or `FILE: byte N: ...` for binary input).
 */
#ifndef VMTRACE_DIAG_H
#define VMTRACE_DIAG_H

struct vmt_err {
	char msg[1024];
};

/* Sets the message (printf-style) unless one is already set. */
void vmt_err_set(struct vmt_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Sets `NAME:LINE: what` (printf-style what) unless a message is already
 * set, and returns -EINVAL: for parsers rejecting a line.
 */
int vmt_err_line(struct vmt_err *e, const char *name, unsigned long line,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif /* VMTRACE_DIAG_H */
