/* SPDX-License-Identifier: MIT */
/*
 * The misses of a --follow-kernel run by category: a `replay --mismatches`
 * CSV (`seq,id,cpu,size,align,kernel_va,model_addr,reason`) tallied by the
 * model's reason and the request's size and alignment.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/grow.h"
#include "lib/number.h"
#include "report/report.h"

/* The class of @reason, @size, @align in @t, added when new; NULL: no memory. */
static struct miss_class *class_of(struct miss_tally *t, const char *reason, uint64_t size,
				   uint64_t align)
{
	struct miss_class *grown;

	for (size_t i = 0; i < t->n; i++)
		if (t->c[i].size == size && t->c[i].align == align && !strcmp(t->c[i].reason, reason))
			return &t->c[i];
	grown = grow_array(t->c, &t->cap, t->n, sizeof(*t->c), 16);
	if (!grown)
		return NULL;
	t->c = grown;
	memset(&t->c[t->n], 0, sizeof(*t->c));
	snprintf(t->c[t->n].reason, sizeof(t->c[t->n].reason), "%s", reason);
	t->c[t->n].size = size;
	t->c[t->n].align = align;
	return &t->c[t->n++];
}

/* More misses first; then by reason, size, align, so the order is stable. */
static int by_count(const void *a, const void *b)
{
	const struct miss_class *x = a, *y = b;
	int r;

	if (x->misses != y->misses)
		return x->misses < y->misses ? 1 : -1;
	if ((r = strcmp(x->reason, y->reason)))
		return r;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return (x->align > y->align) - (x->align < y->align);
}

/* Splits @line at commas into @max fields; returns how many it found. */
static size_t split_csv(char *line, char **fields, size_t max)
{
	size_t n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	for (char *p = line; n < max; p++) {
		fields[n++] = p;
		p += strcspn(p, ",");
		if (!*p)
			break;
		*p = '\0';
	}
	return n;
}

int miss_tally_load(const char *path, struct miss_tally *t, struct vmt_err *err)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned long n = 0;
	int ret = 0;

	memset(t, 0, sizeof(*t));
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *field[9];
		uint64_t size, align;
		struct miss_class *c;

		if (++n == 1)
			continue;	/* the header */
		if (split_csv(line, field, 9) != 8 || parse_u64_text(field[3], strlen(field[3]), &size) ||
		    parse_u64_text(field[4], strlen(field[4]), &align) || !*field[7] ||
		    strlen(field[7]) >= sizeof(c->reason)) {
			ret = vmt_err_line(err, path, n, "not a --mismatches row "
					   "(seq,id,cpu,size,align,kernel_va,model_addr,reason)");
			break;
		}
		if (!(c = class_of(t, field[7], size, align))) {
			ret = -ENOMEM;
			break;
		}
		c->misses++;
		t->total++;
	}
	if (!ret && ferror(f))
		ret = -EIO;
	fclose(f);
	if (ret)
		miss_tally_free(t);
	else if (t->n)
		qsort(t->c, t->n, sizeof(*t->c), by_count);
	return ret;
}

void miss_tally_free(struct miss_tally *t)
{
	free(t->c);
	memset(t, 0, sizeof(*t));
}
