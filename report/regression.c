/* SPDX-License-Identifier: MIT */
/* `vmtrace compare`: the regression gate over two bench matrix results. */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/welch.h"
#include "replay/metrics.h"
#include "report/regression.h"
#include "report/report.h"

#define MATRIX_SCHEMA 1

/* The exact figures: every summary metric but the TIMING ones. */
#define KIND_IS_TIMING_EXACT 0
#define KIND_IS_TIMING_AUDIT 0
#define KIND_IS_TIMING_LAZY 0
#define KIND_IS_TIMING_SERIAL 0
#define KIND_IS_TIMING_TIMING 1
#define EXACT_NAME(type, name, kind, label, definition) \
	KIND_IS_TIMING_##kind ? NULL : #name,
static const char *const exact_metrics[] = { REPLAY_SUMMARY_METRICS(EXACT_NAME) };
#define N_EXACT (sizeof(exact_metrics) / sizeof(exact_metrics[0]))

/* What one findings row says about a figure. */
enum verdict { PASSED, REGRESSED, MISSING, NEW };
static const char *const verdict_names[] = {
	[PASSED] = "ok", [REGRESSED] = "REGRESSED", [MISSING] = "MISSING", [NEW] = "new",
};

/* Checks @cell, the @i'th of @path's cells, has what the comparison reads. */
static int check_cell(const char *path, size_t i, const json_t *cell, struct vmt_err *err)
{
	static const char *const strings[] = { "trace", "trace_sha256", "model", "range",
					       "options", "reference", "ratio_of" };
	const json_t *exact = json_object_get(cell, "exact");
	const json_t *ratio = json_object_get(cell, "ratio");
	const json_t *ref = json_object_get(cell, "reference_seconds");
	size_t k;

	for (k = 0; k < sizeof(strings) / sizeof(strings[0]); k++)
		if (!json_is_string(json_object_get(cell, strings[k]))) {
			vmt_err_set(err, "%s: cells[%zu]: no string \"%s\"", path, i, strings[k]);
			return -EINVAL;
		}
	if (!json_is_integer(json_object_get(cell, "threads"))) {
		vmt_err_set(err, "%s: cells[%zu]: no integer \"threads\"", path, i);
		return -EINVAL;
	}
	if (!json_is_null(exact) && !json_is_object(exact)) {
		vmt_err_set(err, "%s: cells[%zu]: \"exact\" is neither an object nor null", path, i);
		return -EINVAL;
	}
	if (!json_is_array(ratio) || json_array_size(ratio) < 2) {
		vmt_err_set(err, "%s: cells[%zu]: \"ratio\" is not an array of 2 or more repeats",
			    path, i);
		return -EINVAL;
	}
	if (!json_is_array(ref) || json_array_size(ref) != json_array_size(ratio)) {
		vmt_err_set(err, "%s: cells[%zu]: \"reference_seconds\" is not an array as long "
			    "as \"ratio\"", path, i);
		return -EINVAL;
	}
	for (k = 0; k < json_array_size(ratio); k++)
		if (!(json_number_value(json_array_get(ratio, k)) > 0) ||
		    !(json_number_value(json_array_get(ref, k)) > 0)) {
			vmt_err_set(err, "%s: cells[%zu]: ratio[%zu] or reference_seconds[%zu] is "
				    "not a positive number", path, i, k, k);
			return -EINVAL;
		}
	return 0;
}

/* Loads a matrix result and checks its schema and every cell. */
static int load_matrix(const char *path, json_t **out, struct vmt_err *err)
{
	json_error_t jerr;
	json_t *doc = json_load_file(path, 0, &jerr), *cells, *cell;
	const json_t *schema;
	size_t i;
	int ret = -EINVAL;

	if (!doc) {
		if (jerr.line > 0)
			vmt_err_set(err, "%s:%d: %s", path, jerr.line, jerr.text);
		else
			vmt_err_set(err, "%s: %s", path, jerr.text);
		return -EINVAL;
	}
	schema = json_object_get(doc, "schema");
	if (!json_is_string(json_object_get(doc, "kind")) ||
	    strcmp(json_string_value(json_object_get(doc, "kind")), "vmtrace-bench-matrix")) {
		vmt_err_set(err, "%s: not a bench matrix result (kind \"vmtrace-bench-matrix\")",
			    path);
		goto out;
	}
	if (!json_is_integer(schema) || json_integer_value(schema) != MATRIX_SCHEMA) {
		vmt_err_set(err, "%s: schema is not %d, the one this vmtrace reads", path,
			    MATRIX_SCHEMA);
		goto out;
	}
	cells = json_object_get(doc, "cells");
	if (!json_is_array(cells)) {
		vmt_err_set(err, "%s: no \"cells\" array", path);
		goto out;
	}
	json_array_foreach(cells, i, cell)
		if (check_cell(path, i, cell, err))
			goto out;
	*out = doc;
	doc = NULL;
	ret = 0;
out:
	json_decref(doc);
	return ret;
}

/* What identifies a cell across runs. */
static char *cell_key(const json_t *c)
{
	char *key;

	if (asprintf(&key, "%s|%s|%s|%lld|%s", json_string_value(json_object_get(c, "trace_sha256")),
		     json_string_value(json_object_get(c, "model")),
		     json_string_value(json_object_get(c, "range")),
		     json_integer_value(json_object_get(c, "threads")),
		     json_string_value(json_object_get(c, "options"))) < 0)
		return NULL;
	return key;
}

/* What people call a cell: trace stem, model, range, threads, options. */
static char *cell_name(const json_t *c)
{
	char *stem = trace_stem(json_string_value(json_object_get(c, "trace"))), *name = NULL;
	const char *options = json_string_value(json_object_get(c, "options"));

	if (stem && asprintf(&name, "%s %s %s t%lld%s%s", stem,
			     json_string_value(json_object_get(c, "model")),
			     json_string_value(json_object_get(c, "range")),
			     json_integer_value(json_object_get(c, "threads")), *options ? " " : "",
			     options) < 0)
		name = NULL;
	free(stem);
	return name;
}

/* The cell of @cells with key @key, or NULL. */
static const json_t *find_cell(const json_t *cells, const char *key)
{
	const json_t *c;
	size_t i;

	json_array_foreach(cells, i, c) {
		char *k = cell_key(c);
		bool same = k && !strcmp(k, key);

		free(k);
		if (same)
			return c;
	}
	return NULL;
}

static int add_finding(json_t *findings, const char *cell, const char *metric,
		       json_t *baseline, json_t *current, enum verdict v, json_t *extra)
{
	json_t *row = json_pack("{s:s, s:s, s:o, s:o, s:s}", "cell", cell, "metric", metric,
				"baseline", baseline ? baseline : json_null(), "current",
				current ? current : json_null(), "verdict", verdict_names[v]);

	if (!row) {
		json_decref(extra);
		return -ENOMEM;
	}
	if (extra && json_object_update(row, extra)) {
		json_decref(extra);
		json_decref(row);
		return -ENOMEM;
	}
	json_decref(extra);
	return json_array_append_new(findings, row) ? -ENOMEM : 0;
}

/* Every exact figure of two single-threaded cells; differences are findings. */
static int compare_exact(const char *name, const json_t *b, const json_t *c, json_t *findings,
			 size_t *regressed)
{
	const json_t *be = json_object_get(b, "exact"), *ce = json_object_get(c, "exact");
	int ret = 0;

	if (json_is_null(be) || json_is_null(ce))
		return 0;
	for (size_t i = 0; i < N_EXACT && !ret; i++) {
		json_t *bv, *cv;

		if (!exact_metrics[i])
			continue;
		bv = json_object_get(be, exact_metrics[i]);
		cv = json_object_get(ce, exact_metrics[i]);
		if (json_equal(bv, cv))
			continue;
		(*regressed)++;
		ret = add_finding(findings, name, exact_metrics[i], json_incref(bv), json_incref(cv),
				  REGRESSED, NULL);
	}
	return ret;
}

/* The logarithms of the array of numbers @a; NULL on no memory. */
static double *logs_of(const json_t *a)
{
	double *x = calloc(json_array_size(a), sizeof(*x));
	const json_t *v;
	size_t i;

	if (x)
		json_array_foreach(a, i, v)
			x[i] = log(json_number_value(v));
	return x;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of the reference's replay seconds in @cell; 0 on no memory. */
static double reference_median(const json_t *cell)
{
	const json_t *ref = json_object_get(cell, "reference_seconds");
	size_t n = json_array_size(ref);
	double *x = calloc(n, sizeof(*x)), m;

	if (!x)
		return 0;
	for (size_t i = 0; i < n; i++)
		x[i] = json_number_value(json_array_get(ref, i));
	qsort(x, n, sizeof(*x), by_value);
	m = n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
	free(x);
	return m;
}

/* Whether the timing of the cell @b (baseline) and @c (current) is compared. */
static bool timed(const json_t *b, const json_t *c, const struct compare_options *o)
{
	return strcmp(json_string_value(json_object_get(b, "model")),
		      json_string_value(json_object_get(b, "reference"))) &&
	       reference_median(b) >= o->min_seconds && reference_median(c) >= o->min_seconds;
}

/*
 * The timing ratios of two cells of a model other than the reference,
 * tested on their logarithms: a slowdown is a factor, and a preempted
 * repeat skews the ratios to the right far more than to the left.  The
 * change is the ratio of the geometric means.
 */
static int compare_timing(const char *name, const json_t *b, const json_t *c,
			  const struct compare_options *o, json_t *findings, size_t *regressed)
{
	const json_t *br = json_object_get(b, "ratio"), *cr = json_object_get(c, "ratio");
	double *x = logs_of(br), *y = logs_of(cr), change;
	char *metric = NULL;
	enum verdict v = PASSED;
	struct welch w;
	int ret = -ENOMEM;

	if (!x || !y)
		goto out;
	welch_test(x, json_array_size(br), y, json_array_size(cr), log1p(o->threshold), &w);
	change = exp(w.mean_b - w.mean_a) - 1;
	if (change > o->threshold && w.p_greater < o->alpha) {
		v = REGRESSED;
		(*regressed)++;
	}
	if (asprintf(&metric, "%s / reference", json_string_value(json_object_get(c, "ratio_of"))) < 0) {
		metric = NULL;
		goto out;
	}
	ret = add_finding(findings, name, metric, json_real(exp(w.mean_a)),
			  json_real(exp(w.mean_b)), v,
			  json_pack("{s:f, s:f, s:f}", "change", change, "p", w.p_greater, "df", w.df));
out:
	free(metric);
	free(x);
	free(y);
	return ret;
}

/* The machine a result was measured on, as the timing comparison needs it. */
static char *machine_of(const json_t *doc)
{
	const json_t *host = json_object_get(json_object_get(doc, "provenance"), "host");
	char *m;

	if (asprintf(&m, "%s, %lld cores", json_string_or(host, "cpu_model", "unknown CPU"),
		     json_integer_value(json_object_get(host, "cores"))) < 0)
		return NULL;
	return m;
}

static void write_text(FILE *out, const json_t *report)
{
	const json_t *row;
	size_t i;

	fprintf(out, "%-48s %-28s %14s %14s %8s %8s  %s\n", "cell", "figure", "baseline",
		"current", "change", "p", "verdict");
	json_array_foreach(json_object_get(report, "findings"), i, row) {
		char base[32] = "-", cur[32] = "-", change[16] = "", p[16] = "";
		const json_t *bv = json_object_get(row, "baseline"), *cv = json_object_get(row, "current");

		if (json_is_number(bv))
			snprintf(base, sizeof(base), "%.6g", json_number_value(bv));
		if (json_is_number(cv))
			snprintf(cur, sizeof(cur), "%.6g", json_number_value(cv));
		if (json_object_get(row, "change"))
			snprintf(change, sizeof(change), "%+.1f%%",
				 100 * json_number_value(json_object_get(row, "change")));
		if (json_object_get(row, "p"))
			snprintf(p, sizeof(p), "%.2g", json_number_value(json_object_get(row, "p")));
		fprintf(out, "%-48s %-28s %14s %14s %8s %8s  %s\n",
			json_string_value(json_object_get(row, "cell")),
			json_string_value(json_object_get(row, "metric")), base, cur, change, p,
			json_string_value(json_object_get(row, "verdict")));
	}
	fprintf(out, "%s\n", json_string_value(json_object_get(report, "summary")));
}

int compare_matrices(const char *base_path, const char *cur_path,
		     const struct compare_options *o, FILE *out, struct vmt_err *err)
{
	json_t *base = NULL, *cur = NULL, *findings = json_array(), *report = NULL;
	char *base_machine = NULL, *cur_machine = NULL, *summary = NULL;
	size_t regressed = 0, compared = 0, timed_cells = 0, i;
	bool timing;
	const json_t *c;
	int ret;

	if (!findings)
		return -ENOMEM;
	ret = load_matrix(base_path, &base, err);
	if (!ret)
		ret = load_matrix(cur_path, &cur, err);
	if (ret)
		goto out;
	ret = -ENOMEM;
	base_machine = machine_of(base);
	cur_machine = machine_of(cur);
	if (!base_machine || !cur_machine)
		goto out;
	timing = o->any_machine || !strcmp(base_machine, cur_machine);
	ret = 0;
	json_array_foreach(json_object_get(base, "cells"), i, c) {
		char *key = cell_key(c), *name = cell_name(c);
		const json_t *now = key ? find_cell(json_object_get(cur, "cells"), key) : NULL;

		if (!key || !name)
			ret = -ENOMEM;
		else if (!now) {
			regressed++;
			ret = add_finding(findings, name, "cell", NULL, NULL, MISSING, NULL);
		} else {
			compared++;
			ret = compare_exact(name, c, now, findings, &regressed);
			if (!ret && timing && timed(c, now, o)) {
				timed_cells++;
				ret = compare_timing(name, c, now, o, findings, &regressed);
			}
		}
		free(key);
		free(name);
		if (ret)
			goto out;
	}
	json_array_foreach(json_object_get(cur, "cells"), i, c) {
		char *key = cell_key(c), *name = cell_name(c);

		if (!key || !name)
			ret = -ENOMEM;
		else if (!find_cell(json_object_get(base, "cells"), key))
			ret = add_finding(findings, name, "cell", NULL, NULL, NEW, NULL);
		free(key);
		free(name);
		if (ret)
			goto out;
	}
	if (asprintf(&summary, "%zu cells compared, %zu of them timed; %zu regressed figures%s",
		     compared, timed_cells, regressed,
		     timing ? "" : "; timing not compared: the baseline ran on another machine") < 0) {
		summary = NULL;
		ret = -ENOMEM;
		goto out;
	}
	report = json_pack("{s:b, s:i, s:i, s:f, s:f, s:b, s:s, s:s, s:s, s:O}", "regressed",
			   regressed > 0, "cells_compared", (json_int_t)compared, "regressed_figures",
			   (json_int_t)regressed, "threshold", o->threshold, "alpha", o->alpha,
			   "timing_compared", timing, "baseline_machine", base_machine,
			   "current_machine", cur_machine, "summary", summary, "findings", findings);
	if (!report) {
		ret = -ENOMEM;
		goto out;
	}
	if (o->json)
		json_dumpf(report, out, JSON_INDENT(2));
	else
		write_text(out, report);
	ret = regressed ? 1 : 0;
out:
	json_decref(base);
	json_decref(cur);
	json_decref(findings);
	json_decref(report);
	free(base_machine);
	free(cur_machine);
	free(summary);
	return ret;
}
