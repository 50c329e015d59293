/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "replay/summary.h"

static const char *const lock_op_names[LOCK_OPS] = LOCK_OP_NAMES;

/*
 * The terminal table.  Bytes are shown in binary units with 3 significant
 * digits and timings with their unit (exact integers stay in JSON and
 * CSV); the units are the metrics.h definitions', named here by key.
 */
static const char *const byte_metrics[] = {
	"end_live_bytes", "hole_bytes", "largest_hole", "small_hole_bytes", "max_span",
	"max_live_bytes",
};
static const struct { const char *prefix, *unit; } timing_units[] = {
	{ "holdtime_", "ns" }, { "waittime_", "ns" }, { "replay_seconds", "s" },
	{ "seconds", "s" },
};

static bool is_bytes(const char *key)
{
	for (size_t i = 0; i < sizeof(byte_metrics) / sizeof(byte_metrics[0]); i++)
		if (!strcmp(key, byte_metrics[i]))
			return true;
	return false;
}

/* The unit after a timing's value, or NULL. */
static const char *timing_unit(const char *key)
{
	for (size_t i = 0; i < sizeof(timing_units) / sizeof(timing_units[0]); i++)
		if (!strncmp(key, timing_units[i].prefix, strlen(timing_units[i].prefix)))
			return timing_units[i].unit;
	return NULL;
}

void summary_format_bytes(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, size, "%" PRIu64 " B", bytes);
		return;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, "%.*f %s", v >= 100 ? 0 : v >= 10 ? 1 : 2, v, units[u]);
}

#define TABLE_MAX_COLUMNS 32
#define CELL_SIZE 48

/* Two passes over the same rows: the first measures, the second prints. */
struct table {
	FILE *f;
	bool printing;
	const struct replay_summary *s;
	size_t n;
	int label_width, width[TABLE_MAX_COLUMNS];
};

static void table_row(struct table *tb, const char *label, char cells[][CELL_SIZE])
{
	int len = (int)strlen(label) + 2;

	if (!tb->printing) {
		if (len > tb->label_width)
			tb->label_width = len;
		for (size_t i = 0; i < tb->n; i++)
			if ((int)strlen(cells[i]) > tb->width[i])
				tb->width[i] = (int)strlen(cells[i]);
		return;
	}
	fprintf(tb->f, "  %-*s", tb->label_width - 2, label);
	for (size_t i = 0; i < tb->n; i++)
		fprintf(tb->f, "  %*s", tb->width[i], cells[i]);
	fputc('\n', tb->f);
}

/* A heading line (pass two only). */
static void table_heading(struct table *tb, const char *text)
{
	if (tb->printing)
		fprintf(tb->f, "%s\n", text);
}

static void format_u64(const char *key, uint64_t v, char *buf)
{
	const char *unit = timing_unit(key);

	if (is_bytes(key))
		summary_format_bytes(v, buf, CELL_SIZE);
	else
		snprintf(buf, CELL_SIZE, "%" PRIu64 "%s%s", v, unit ? " " : "", unit ? unit : "");
}

static void format_f64(const char *key, double v, char *buf)
{
	const char *unit = timing_unit(key);

	snprintf(buf, CELL_SIZE, "%.6g%s%s", v, unit ? " " : "", unit ? unit : "");
}

/* Each summary's value of field @name at @base + its offset in METRIC_STRUCT. */
#define X(type, name, kind, label, doc)                                                   \
	for (size_t i = 0; i < tb->n; i++)                                                \
		format_##type(#name, ((const METRIC_STRUCT *)((const char *)&tb->s[i] +    \
							      base))->name, cells[i]);    \
	table_row(tb, label, cells);
#define format_U64 format_u64
#define format_F64 format_f64

static void table_rows(struct table *tb)
{
	char cells[TABLE_MAX_COLUMNS][CELL_SIZE];
	size_t base = 0;

#define METRIC_STRUCT struct replay_summary
	REPLAY_SUMMARY_METRICS(X)
#undef METRIC_STRUCT
	if (tb->s[0].has_lock_stat) {
		table_heading(tb, "lock statistics:");
		for (size_t i = 0; i < tb->n; i++)
			snprintf(cells[i], CELL_SIZE, "%s", tb->s[i].lock_name);
		table_row(tb, "lock", cells);
		for (size_t i = 0; i < tb->n; i++)
			snprintf(cells[i], CELL_SIZE, "%s", tb->s[i].lock_type);
		table_row(tb, "taken as", cells);
		for (size_t i = 0; i < tb->n; i++)
			snprintf(cells[i], CELL_SIZE, "%" PRIu64 " ns", tb->s[i].clock_overhead_ns);
		table_row(tb, "clock overhead per read", cells);
#define METRIC_STRUCT struct lock_stat
		for (int op = 0; op < LOCK_OPS; op++) {
			if (tb->printing)
				fprintf(tb->f, " %s:\n", lock_op_names[op]);
			base = offsetof(struct replay_summary, lock) + op * sizeof(struct lock_stat);
			LOCK_STAT_METRICS(X)
		}
#undef METRIC_STRUCT
	}
	if (tb->s[0].has_threads) {
		table_heading(tb, "threads:");
		base = offsetof(struct replay_summary, threads);
#define METRIC_STRUCT struct thread_stat
		THREAD_METRICS(X)
#undef METRIC_STRUCT
	}
}
#undef X
#undef format_U64
#undef format_F64

void summary_print_columns(FILE *f, const struct replay_summary *s, const char *const *names,
			   size_t n)
{
	struct table tb = { .f = f, .s = s, .n = n < TABLE_MAX_COLUMNS ? n : TABLE_MAX_COLUMNS };
	char cells[TABLE_MAX_COLUMNS][CELL_SIZE];

	for (size_t i = 0; i < tb.n; i++)
		snprintf(cells[i], CELL_SIZE, "%s", names[i]);
	table_row(&tb, "", cells);
	table_rows(&tb);
	tb.printing = true;
	if (n > 1)
		table_row(&tb, "", cells);
	table_rows(&tb);
}

void summary_print(FILE *f, const struct replay_summary *s)
{
	const char *name = "";

	summary_print_columns(f, s, &name, 1);
}

#define JSON_U64(v) json_integer((json_int_t)(v))
#define JSON_F64(v) json_real(v)
#define X(type, name, kind, label, doc)                                      \
	if (json_object_set_new(obj, #name, JSON_##type(src->name)))         \
		goto fail;

static json_t *lock_stat_to_json(const struct lock_stat *src)
{
	json_t *obj = json_object();

	if (!obj)
		return NULL;
	LOCK_STAT_METRICS(X)
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

static json_t *thread_stat_to_json(const struct thread_stat *src)
{
	json_t *obj = json_object();

	if (!obj)
		return NULL;
	THREAD_METRICS(X)
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

json_t *summary_to_json(const struct replay_summary *src)
{
	json_t *obj = json_object(), *lock = NULL;

	if (!obj)
		return NULL;
	REPLAY_SUMMARY_METRICS(X)
	if (src->has_lock_stat) {
		lock = json_pack("{s:s, s:s, s:I}", "lock", src->lock_name, "type",
				 src->lock_type, "clock_overhead_ns",
				 (json_int_t)src->clock_overhead_ns);
		if (!lock)
			goto fail;
		for (int op = 0; op < LOCK_OPS; op++)
			if (json_object_set_new(lock, lock_op_names[op],
						lock_stat_to_json(&src->lock[op])))
				goto fail;
		if (json_object_set_new(obj, "lock_stat", lock))
			goto fail_obj;
	}
	if (src->has_threads &&
	    json_object_set_new(obj, "threads", thread_stat_to_json(&src->threads)))
		goto fail_obj;
	return obj;
fail:
	json_decref(lock);
fail_obj:
	json_decref(obj);
	return NULL;
}
#undef X

#define FROM_U64(v) (uint64_t)json_integer_value(v)
#define FROM_F64(v) json_number_value(v)
#define X(type, name, kind, label, doc)                                      \
	v = json_object_get(obj, #name);                                     \
	if (!v || !json_is_number(v))                                        \
		return -EINVAL;                                              \
	dst->name = FROM_##type(v);

static int lock_stat_from_json(const json_t *obj, struct lock_stat *dst)
{
	json_t *v;

	LOCK_STAT_METRICS(X)
	return 0;
}

static int thread_stat_from_json(const json_t *obj, struct thread_stat *dst)
{
	json_t *v;

	THREAD_METRICS(X)
	return 0;
}

int summary_from_json(const json_t *obj, struct replay_summary *dst)
{
	const json_t *lock, *threads;
	json_t *v;

	memset(dst, 0, sizeof(*dst));
	REPLAY_SUMMARY_METRICS(X)
	lock = json_object_get(obj, "lock_stat");
	if (lock) {
		dst->lock_name = json_string_value(json_object_get(lock, "lock"));
		dst->lock_type = json_string_value(json_object_get(lock, "type"));
		v = json_object_get(lock, "clock_overhead_ns");
		if (!dst->lock_name || !dst->lock_type || !json_is_integer(v))
			return -EINVAL;
		dst->clock_overhead_ns = json_integer_value(v);
		for (int op = 0; op < LOCK_OPS; op++)
			if (lock_stat_from_json(json_object_get(lock, lock_op_names[op]),
						&dst->lock[op]))
				return -EINVAL;
		dst->has_lock_stat = true;
	}
	threads = json_object_get(obj, "threads");
	if (threads) {
		if (thread_stat_from_json(threads, &dst->threads))
			return -EINVAL;
		dst->has_threads = true;
	}
	return 0;
}
#undef X
