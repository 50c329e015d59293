/* SPDX-License-Identifier: MIT */
/* The replay summary in its three forms: table, JSON, and back from JSON. */
#ifndef VMTRACE_SUMMARY_H
#define VMTRACE_SUMMARY_H

#include <stdio.h>

#include <jansson.h>

#include "replay/metrics.h"

/* A readable two-column table, one metric per line. */
void summary_print(FILE *f, const struct replay_summary *s);

/* A JSON object with one key per metric.  NULL on ENOMEM. */
json_t *summary_to_json(const struct replay_summary *s);

/* Reads the metrics of @obj into *@s.  -EINVAL if any key is missing. */
int summary_from_json(const json_t *obj, struct replay_summary *s);

#endif /* VMTRACE_SUMMARY_H */
