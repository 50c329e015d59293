/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the /proc/vmallocinfo parser, vmt_vmallocinfo_parse().
 *
 * Oracle: every rejection is -EINVAL with a `fuzz:LINE: ...` message (or
 * -ENOMEM).  Every accepted snapshot keeps vmallocinfo.h's promises: areas
 * in source order (strictly increasing lines), size > 0 = end - start
 * without wrapping, caller and kind valid string indices, kind the flag
 * words joined by ',' ("vm_map_ram" and "unpurged" alone, the latter
 * exactly when the area is unpurged, neither with a caller or numbers).
 * Printed back as vmallocinfo lines and parsed again, it gives the same
 * areas (lines aside).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/vmallocinfo.h"
#include "fuzz.h"

static const char *const flag_words[] = {
	"ioremap", "vmalloc", "vmap", "user", "dma-coherent", "vpages",
};

static bool flag_word(const char *w, size_t len)
{
	for (size_t i = 0; i < sizeof(flag_words) / sizeof(flag_words[0]); i++)
		if (strlen(flag_words[i]) == len && !memcmp(flag_words[i], w, len))
			return true;
	return false;
}

/* "w1,w2,..." of flag_words. */
static bool flag_list(const char *s)
{
	for (const char *comma;; s = comma + 1) {
		comma = strchr(s, ',');
		if (!flag_word(s, comma ? (size_t)(comma - s) : strlen(s)))
			return false;
		if (!comma)
			return true;
	}
}

static void check_area(const struct vmt_snapshot *s, size_t i)
{
	const struct vmt_snap_area *a = &s->areas[i];
	const char *kind;

	if (!a->size || a->start + a->size <= a->start)
		fuzz_finding("area %zu: size 0x%" PRIx64 " at 0x%" PRIx64, i, a->size, a->start);
	if (!a->line || (i && a->line <= s->areas[i - 1].line))
		fuzz_finding("area %zu: line %" PRIu32 " out of source order", i, a->line);
	if (a->caller >= s->strs.count || a->kind >= s->strs.count)
		fuzz_finding("area %zu: string index out of range", i);
	if (a->caller && !strtab_len(&s->strs, a->caller))
		fuzz_finding("area %zu: empty caller", i);
	kind = strtab_get(&s->strs, a->kind);
	if (a->unpurged != !strcmp(kind, "unpurged"))
		fuzz_finding("area %zu: unpurged %d with kind '%s'", i, a->unpurged, kind);
	if (!strcmp(kind, "unpurged") || !strcmp(kind, "vm_map_ram")) {
		if (a->caller || a->pages || a->has_phys)
			fuzz_finding("area %zu: a %s area with a caller or numbers", i, kind);
	} else if (a->kind && !flag_list(kind)) {
		fuzz_finding("area %zu: kind '%s' is not a list of flag words", i, kind);
	}
}

/* One area as s_show() would print it, in a form the parser reads back
 * the same: pages= always follows a caller, so a caller that is also a
 * one-word line ("vm_map_ram") stays a caller. */
static void print_area(FILE *f, const struct vmt_snapshot *s, const struct vmt_snap_area *a)
{
	const char *kind = strtab_get(&s->strs, a->kind);

	fprintf(f, "0x%" PRIx64 "-0x%" PRIx64 " %" PRIu64, a->start, a->start + a->size,
		a->size);
	if (a->unpurged) {
		fputs(" unpurged vm_area\n", f);
		return;
	}
	if (!strcmp(kind, "vm_map_ram")) {
		fputs(" vm_map_ram\n", f);
		return;
	}
	if (a->caller)
		fprintf(f, " %s", strtab_get(&s->strs, a->caller));
	fprintf(f, " pages=%" PRIu64, a->pages);
	if (a->has_phys)
		fprintf(f, " phys=0x%" PRIx64, a->phys);
	for (const char *w = kind; *w; w += strcspn(w, ","), w += *w == ',')
		fprintf(f, " %.*s", (int)strcspn(w, ","), w);
	fputc('\n', f);
}

static bool same_string(const struct vmt_snapshot *a, uint32_t ia,
			const struct vmt_snapshot *b, uint32_t ib)
{
	return !strcmp(strtab_get(&a->strs, ia), strtab_get(&b->strs, ib));
}

static void check_reprint(const struct vmt_snapshot *s)
{
	struct vmt_snapshot back;
	struct vmt_err err = { { 0 } };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f || vmt_snapshot_init(&back))
		fuzz_finding("out of memory setting up");
	for (size_t i = 0; i < s->n; i++)
		print_area(f, s, &s->areas[i]);
	if (fclose(f))
		fuzz_finding("printing the snapshot failed");
	if (vmt_vmallocinfo_parse("fuzz", buf, len, &back, &err))
		fuzz_finding("the snapshot printed back is rejected: %s", err.msg);
	if (back.n != s->n)
		fuzz_finding("printed back: %zu areas instead of %zu", back.n, s->n);
	for (size_t i = 0; i < s->n; i++) {
		struct vmt_snap_area x = s->areas[i], y = back.areas[i];

		if (!same_string(s, x.caller, &back, y.caller) ||
		    !same_string(s, x.kind, &back, y.kind))
			fuzz_finding("printed back: area %zu changed its caller or kind", i);
		if (x.start != y.start || x.size != y.size || x.unpurged != y.unpurged ||
		    x.pages != y.pages || x.has_phys != y.has_phys || x.phys != y.phys)
			fuzz_finding("printed back: area %zu changed", i);
	}
	vmt_snapshot_free(&back);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmt_snapshot s;
	struct vmt_err err = { { 0 } };
	int ret;

	if (vmt_snapshot_init(&s))
		fuzz_finding("out of memory setting up");
	ret = vmt_vmallocinfo_parse("fuzz", (const char *)data, size, &s, &err);
	if (ret && ret != -ENOMEM && (ret != -EINVAL || strncmp(err.msg, "fuzz:", 5) ||
				      !isdigit((unsigned char)err.msg[5])))
		fuzz_finding("rejection %d without a `fuzz:LINE:` message: '%s'", ret, err.msg);
	if (!ret) {
		for (size_t i = 0; i < s.n; i++)
			check_area(&s, i);
		check_reprint(&s);
	}
	vmt_snapshot_free(&s);
	return 0;
}
