/* SPDX-License-Identifier: MIT */
/* The window presets and their parser (window.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trace/window.h"

const struct window_preset window_presets[] = {
	/* x86_64 4-level paging: VMALLOC_START .. VMALLOC_END + 1 */
	{ "x86_64", 0xffffc90000000000ull, 0xffffe90000000000ull },
	/* 2.4 on i386, 896 MiB lowmem with HIGHMEM: VMALLOC_START .. VMALLOC_END */
	{ "i386", 0xf8800000ull, 0xff7fe000ull },
	{ NULL, 0, 0 },
};

int window_parse(const char *text, uint64_t *lo, uint64_t *hi)
{
	const char *colon = strchr(text, ':');
	char *end;

	for (const struct window_preset *p = window_presets; p->name; p++) {
		if (!strcmp(p->name, text)) {
			*lo = p->lo;
			*hi = p->hi;
			return 0;
		}
	}
	if (!colon)
		return -EINVAL;
	errno = 0;
	*lo = strtoull(text, &end, 0);
	if (errno || end != colon || text[0] == '-')
		return -EINVAL;
	*hi = strtoull(colon + 1, &end, 0);
	if (errno || *end || !colon[1] || colon[1] == '-' || *lo >= *hi)
		return -EINVAL;
	return 0;
}
