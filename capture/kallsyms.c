/* SPDX-License-Identifier: MIT */
/* /proc/kallsyms: parsing, sorting and address lookup. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/grow.h"
#include "trace/trace_io.h"
#include "capture/kallsyms.h"

struct ksym {
	uint64_t addr;
	uint32_t name;		/* index into ksyms.names */
};

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int ksyms_push(struct ksyms *k, uint64_t addr, const char *name, size_t len)
{
	struct ksym *s;

	s = grow_array(k->syms, &k->cap, k->n, sizeof(*s), 1 << 16);
	if (!s)
		return -ENOMEM;
	k->syms = s;
	s = &k->syms[k->n];
	s->addr = addr;
	k->n++;
	return strtab_intern(&k->names, name, len, &s->name);
}

/* One line: `ADDR TYPE NAME [\t[MODULE]]`, kept when TYPE is in @types.
 * Sets *@seen_nonzero. */
static int parse_line(struct ksyms *k, const char *line, const char *end,
		      const char *types, bool *seen_nonzero)
{
	const char *p = line, *name;
	uint64_t addr = 0;
	char type;

	for (; p < end && *p != ' '; p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' :
			*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;

		if (d < 0 || p - line >= 16)
			return -EINVAL;
		addr = addr << 4 | (uint64_t)d;
	}
	if (p == line || end - p < 4 || p[2] != ' ')
		return -EINVAL;
	type = p[1];
	name = p + 3;
	p = memchr(name, '\t', end - name);
	if (!p)
		p = end;
	if (p == name)
		return -EINVAL;
	if (addr)
		*seen_nonzero = true;
	if (!type || !strchr(types, type))
		return 0;
	return ksyms_push(k, addr, name, p - name);
}

int ksyms_load(struct ksyms *k, const char *path, struct vmt_err *err)
{
	return ksyms_load_types(k, path, "tTwW", err);
}

int ksyms_load_types(struct ksyms *k, const char *path, const char *types,
		     struct vmt_err *err)
{
	struct input_file in = { 0 };
	bool seen_nonzero = false;
	const char *line, *end, *nl;
	uint32_t lineno = 0;
	int ret;

	memset(k, 0, sizeof(*k));
	ret = strtab_init(&k->names);
	if (ret)
		goto out;
	ret = input_file_open(path, &in, err);
	if (ret)
		goto out;
	end = in.data + in.len;
	for (line = in.data; line < end; line = nl + 1) {
		nl = memchr(line, '\n', end - line);
		if (!nl)
			nl = end;
		lineno++;
		ret = parse_line(k, line, nl, types, &seen_nonzero);
		if (ret == -EINVAL)
			vmt_err_set(err, "%s:%" PRIu32 ": not `ADDRESS TYPE NAME`", path, lineno);
		if (ret)
			goto out;
	}
	if (!seen_nonzero) {
		vmt_err_set(err, "%s: every address reads as zero: kernel pointers are hidden "
			    "from this reader (kernel.kptr_restrict=2, or not root)", path);
		ret = -EACCES;
		goto out;
	}
	qsort(k->syms, k->n, sizeof(*k->syms), ksym_cmp);
out:
	if (ret == -ENOMEM)
		vmt_err_set(err, "%s: out of memory", path);
	input_file_close(&in);
	if (ret)
		ksyms_free(k);
	return ret;
}

void ksyms_free(struct ksyms *k)
{
	free(k->syms);
	strtab_free(&k->names);
	memset(k, 0, sizeof(*k));
}

const char *ksyms_name(const struct ksyms *k, uint64_t ret)
{
	size_t lo = 0, hi = k->n;
	uint64_t site = ret - 1;

	if (!ret)
		return NULL;
	/* The last symbol at or below the call site. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->syms[mid].addr <= site)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? strtab_get(&k->names, k->syms[lo - 1].name) : NULL;
}

const char *ksyms_get(const struct ksyms *k, size_t i, uint64_t *start, uint64_t *end)
{
	*start = k->syms[i].addr;
	*end = i + 1 < k->n ? k->syms[i + 1].addr : UINT64_MAX;
	return strtab_get(&k->names, k->syms[i].name);
}
