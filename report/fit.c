/* SPDX-License-Identifier: MIT */
/*
 * bench/live_scaling.sh's CSV (model,live,events,search,ns, one header
 * line) read into rows, and the least-squares log-log slope of a model's
 * search length or time against its live areas.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/grow.h"
#include "report/report.h"

/* Least-squares slope of log10(y) against log10(live) over @model's rows. */
double loglog_slope(const struct live_row *rows, size_t n, const char *model,
		    enum live_value y_of)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		double x, y;

		if (strcmp(rows[i].model, model))
			continue;
		/* A search of 0 is one not observed (jemalloc's): no point. */
		if ((y_of == LIVE_NS ? rows[i].ns : rows[i].search) <= 0)
			continue;
		x = log10(rows[i].live);
		y = log10(y_of == LIVE_NS ? rows[i].ns : rows[i].search);
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
		k++;
	}
	return k > 1 ? (k * sxy - sx * sy) / (k * sxx - sx * sx) : NAN;
}

/* Appends @row to *@rows (*@n of them, room for *@cap). */
static int append_row(struct live_row **rows, size_t *n, size_t *cap,
		      const struct live_row *row)
{
	struct live_row *grown;

	grown = grow_array(*rows, cap, *n, sizeof(**rows), 64);
	if (!grown)
		return -ENOMEM;
	*rows = grown;
	(*rows)[(*n)++] = *row;
	return 0;
}

/*
 * Reads the CSV at @path into *@out (*@n rows, the caller frees); -EINVAL
 * with `file:line: ...` in @err on a malformed row, or a negative errno.
 */
int live_csv_read(const char *path, struct live_row **out, size_t *n, struct vmt_err *err)
{
	FILE *f = fopen(path, "r");
	struct live_row *rows = NULL, row;
	unsigned lineno = 0;
	size_t cap = 0;
	char line[256];
	double events;
	int ret = 0;

	*n = 0;
	if (!f) {
		ret = -errno;
		vmt_err_set(err, "%s: cannot read: %s", path, strerror(-ret));
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		if (++lineno == 1)
			continue;	/* the header */
		if (sscanf(line, "%63[^,],%lf,%lf,%lf,%lf", row.model, &row.live, &events,
			   &row.search, &row.ns) != 5 || row.live <= 0 || row.search < 0 ||
		    row.ns <= 0) {
			ret = vmt_err_line(err, path, lineno, "expected model,live,events,search,ns "
					   "with positive numbers (search: 0 when not "
					   "observed)");
			goto out;
		}
		if ((ret = append_row(&rows, n, &cap, &row)))
			goto out;
	}
out:
	if (f)
		fclose(f);
	if (ret) {
		free(rows);
		rows = NULL;
		*n = 0;
	}
	*out = rows;
	return ret;
}
