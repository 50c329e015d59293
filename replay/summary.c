/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "replay/summary.h"

static const char *const lock_op_names[LOCK_OPS] = LOCK_OP_NAMES;

#define PRINT_U64(f, label, v) fprintf(f, "  %-24s %" PRIu64 "\n", label, v)
#define PRINT_F64(f, label, v) fprintf(f, "  %-24s %.6g\n", label, v)

void summary_print(FILE *f, const struct replay_summary *s)
{
	const void *src = s;

#define X(type, name, kind, label, doc) \
	PRINT_##type(f, label, ((const METRIC_STRUCT *)src)->name);
#define METRIC_STRUCT struct replay_summary
	REPLAY_SUMMARY_METRICS(X)
#undef METRIC_STRUCT
	if (s->has_lock_stat) {
		fprintf(f, "lock %s, taken as a %s (clock overhead %" PRIu64 " ns per read)\n",
			s->lock_name, s->lock_type, s->clock_overhead_ns);
#define METRIC_STRUCT struct lock_stat
		for (int op = 0; op < LOCK_OPS; op++) {
			fprintf(f, " %s:\n", lock_op_names[op]);
			src = &s->lock[op];
			LOCK_STAT_METRICS(X)
		}
#undef METRIC_STRUCT
	}
	if (s->has_threads) {
		fputs("threads:\n", f);
		src = &s->threads;
#define METRIC_STRUCT struct thread_stat
		THREAD_METRICS(X)
#undef METRIC_STRUCT
	}
#undef X
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
