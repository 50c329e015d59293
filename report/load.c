/* SPDX-License-Identifier: MIT */
/*
 * What the report reads: the summaries of `vmtrace replay --json`, classified
 * by the run that wrote them, the lookups the sections make among them, and
 * the benchmark JSON files of --bench.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* "traces/foo.vmt.txt" -> "foo": the name plots and sections use. */
char *trace_stem(const char *path)
{
	static const char *const exts[] = { ".vmt.txt", ".vmt.zst", ".vmt", ".txt" };
	const char *base = strrchr(path, '/');
	char *stem = strdup(base ? base + 1 : path);
	size_t len;

	if (!stem)
		return NULL;
	len = strlen(stem);
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t n = strlen(exts[i]);

		if (len > n && !strcmp(stem + len - n, exts[i])) {
			stem[len - n] = '\0';
			break;
		}
	}
	return stem;
}

/* The kind of run @r is, from the options its replay recorded in it. */
static enum run_kind kind_of(const struct run *r)
{
	const json_t *audit = json_object_get(r->doc, "audit");

	if (r->s.has_threads)
		return RUN_THREADS;
	if (json_is_true(json_object_get(r->doc, "range")))
		return RUN_RANGE;
	if (r->s.has_lock_stat)
		return RUN_LOCK;
	if (json_is_true(json_object_get(r->doc, "follow_kernel")))
		return RUN_FOLLOW;
	if (json_is_true(json_object_get(r->doc, "lazy")))
		return RUN_LAZY;
	if (json_is_true(json_object_get(audit, "lowest_fit")) || r->reference)
		return RUN_AUDIT;
	return RUN_MAIN;
}

static int load_run(const char *path, struct run *r, struct vmt_err *err)
{
	json_error_t jerr;
	json_t *sum;

	r->doc = json_load_file(path, 0, &jerr);
	if (!r->doc) {
		vmt_err_set(err, "%s:%d: %s", path, jerr.line, jerr.text);
		return -EINVAL;
	}
	r->trace = json_string_value(json_object_get(r->doc, "trace"));
	r->model = json_string_value(json_object_get(r->doc, "model"));
	sum = json_object_get(r->doc, "summary");
	if (!r->trace || !r->model || !sum || summary_from_json(sum, &r->s)) {
		vmt_err_set(err, "%s: not a `vmtrace replay --json` summary of this version "
			    "(missing trace, model or a summary metric)", path);
		return -EINVAL;
	}
	r->reference = json_string_value(json_object_get(json_object_get(r->doc, "audit"),
							 "reference"));
	r->kind = kind_of(r);
	return 0;
}

/* Loads every summary of @paths into @rep, in order; -EINVAL on a bad one. */
int report_load_runs(struct report *rep, char *const paths[], size_t n,
		     struct vmt_err *err)
{
	int ret = 0;

	rep->runs = calloc(n, sizeof(*rep->runs));
	if (!rep->runs) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		ret = load_run(paths[i], &rep->runs[rep->nruns], err);
		if (ret)
			goto out;
		rep->nruns++;
	}
out:
	if (ret && rep->runs)
		json_decref(rep->runs[rep->nruns].doc);	/* the one that failed */
	return ret;
}

void report_free_runs(struct report *rep)
{
	for (size_t i = 0; i < rep->nruns; i++)
		json_decref(rep->runs[i].doc);
	free(rep->runs);
	rep->runs = NULL;
	rep->nruns = 0;
}

bool run_is(const struct run *r, const char *trace, enum run_kind kind)
{
	return r->kind == kind && !strcmp(r->trace, trace);
}

/* The run of @trace through @model of @kind, or NULL. */
const struct run *find_run(const struct report *rep, const char *trace,
			   const char *model, enum run_kind kind)
{
	for (size_t i = 0; i < rep->nruns; i++)
		if (run_is(&rep->runs[i], trace, kind) && !strcmp(rep->runs[i].model, model))
			return &rep->runs[i];
	return NULL;
}

/* Whether any run is of @kind, of @trace (NULL: of any trace). */
bool any_run(const struct report *rep, const char *trace, enum run_kind kind)
{
	for (size_t i = 0; i < rep->nruns; i++)
		if (rep->runs[i].kind == kind && (!trace || !strcmp(rep->runs[i].trace, trace)))
			return true;
	return false;
}

/* The first run of the trace and kind of run @i. */
const struct run *first_run_of(const struct report *rep, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (run_is(&rep->runs[j], rep->runs[i].trace, rep->runs[i].kind))
			return &rep->runs[j];
	return &rep->runs[i];
}

bool first_of_trace(const struct report *rep, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (!strcmp(rep->runs[j].trace, rep->runs[i].trace))
			return false;
	return true;
}

/*
 * The number at @path in @doc, keys separated by '/' ("latency_ns/64"):
 * 0 where a key is missing or the value is not a number (jansson's rule).
 */
double json_number_at(const json_t *doc, const char *path)
{
	char key[128];

	while (doc && *path) {
		size_t len = strcspn(path, "/");

		snprintf(key, sizeof(key), "%.*s", (int)len, path);
		doc = json_object_get(doc, key);
		path += len + (path[len] == '/');
	}
	return json_number_value(doc);
}

/* A benchmark's JSON in the --bench directory, or NULL if absent. */
json_t *load_bench(const struct report *rep, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", rep->opts->bench, name);
	return json_load_file(path, 0, NULL);
}

/* The string under @key in @doc, or @fallback when there is none. */
const char *json_string_or(const json_t *doc, const char *key, const char *fallback)
{
	const char *value = json_string_value(json_object_get(doc, key));

	return value ? value : fallback;
}

/* The commit a benchmark JSON says ran it, "?" when it does not say. */
const char *commit_of(const json_t *bench)
{
	return json_string_or(bench, "commit", "?");
}
