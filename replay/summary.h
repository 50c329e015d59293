/* SPDX-License-Identifier: MIT */
/* The replay summary in its three forms: table, JSON, and back from JSON. */
#ifndef VMTRACE_SUMMARY_H
#define VMTRACE_SUMMARY_H

#include <stdio.h>

#include <jansson.h>

#include "replay/metrics.h"

/*
 * A readable table, one metric per line: bytes in binary units (3
 * significant digits), timings with their unit, columns as wide as their
 * widest cell.
 */
void summary_print(FILE *f, const struct replay_summary *s);

/* The same with one column per summary, headed by @names[i] when n > 1
 * (at most 32 columns).  All summaries come from runs with the same
 * options (the lock and thread rows follow the first). */
void summary_print_columns(FILE *f, const struct replay_summary *s, const char *const *names,
			   size_t n);

/* @bytes as "512 B", "4.00 KiB", "12.5 MiB", "341 GiB": 3 significant
 * digits (4 from 1000 to 1023.5 of a unit). */
void summary_format_bytes(uint64_t bytes, char *buf, size_t size);

/* A JSON object with one key per metric.  NULL on ENOMEM. */
json_t *summary_to_json(const struct replay_summary *s);

/* Reads the metrics of @obj into *@s.  -EINVAL if any key is missing. */
int summary_from_json(const json_t *obj, struct replay_summary *s);

#endif /* VMTRACE_SUMMARY_H */
