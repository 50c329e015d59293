/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "summary.h"

void summary_print(FILE *f, const struct replay_summary *s)
{
#define PRINT_U64(label, v) fprintf(f, "  %-24s %" PRIu64 "\n", label, v)
#define PRINT_F64(label, v) fprintf(f, "  %-24s %.6g\n", label, v)
#define X(type, name, kind, label, doc) PRINT_##type(label, s->name);
	REPLAY_SUMMARY_METRICS(X)
#undef X
#undef PRINT_U64
#undef PRINT_F64
}

json_t *summary_to_json(const struct replay_summary *s)
{
	json_t *obj = json_object();

	if (!obj)
		return NULL;
#define JSON_U64(v) json_integer((json_int_t)(v))
#define JSON_F64(v) json_real(v)
#define X(type, name, kind, label, doc)                                      \
	if (json_object_set_new(obj, #name, JSON_##type(s->name))) {         \
		json_decref(obj);                                            \
		return NULL;                                                 \
	}
	REPLAY_SUMMARY_METRICS(X)
#undef X
#undef JSON_U64
#undef JSON_F64
	return obj;
}

int summary_from_json(const json_t *obj, struct replay_summary *s)
{
	json_t *v;

	memset(s, 0, sizeof(*s));
#define FROM_U64(v) (uint64_t)json_integer_value(v)
#define FROM_F64(v) json_number_value(v)
#define X(type, name, kind, label, doc)                                      \
	v = json_object_get(obj, #name);                                     \
	if (!v || !json_is_number(v))                                        \
		return -EINVAL;                                              \
	s->name = FROM_##type(v);
	REPLAY_SUMMARY_METRICS(X)
#undef X
#undef FROM_U64
#undef FROM_F64
	return 0;
}
