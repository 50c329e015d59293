/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>

#include "diag.h"

void vmt_err_set(struct vmt_err *e, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->msg[0])
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}
