/* SPDX-License-Identifier: MIT */
/* Error reports in a struct vmt_err (diag.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "lib/diag.h"

void vmt_err_set(struct vmt_err *e, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->msg[0])
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

int vmt_err_line(struct vmt_err *e, const char *name, unsigned long line,
		 const char *fmt, ...)
{
	char what[sizeof(e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	vmt_err_set(e, "%s:%lu: %s", name, line, what);
	return -EINVAL;
}
