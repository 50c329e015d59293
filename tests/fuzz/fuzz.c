/* SPDX-License-Identifier: MIT */
/* What every fuzz harness is linked with, whichever driver runs it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

void fuzz_finding(const char *fmt, ...)
{
	va_list ap;

	fputs("finding: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
