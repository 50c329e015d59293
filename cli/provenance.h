/* SPDX-License-Identifier: MIT */
/*
 * What produced a JSON result, for docs/JSON.md's "provenance" object:
 * the schema version, the tool's version and commit, the command line,
 * the host's facts and the time.  Never byte-stable: consumers that
 * compare results (tests, the report) leave it out.
 */
#ifndef VMTRACE_PROVENANCE_H
#define VMTRACE_PROVENANCE_H

#include <jansson.h>

/* The schema version of every `--json` document; docs/JSON.md. */
#define VMTRACE_JSON_SCHEMA 1

/* The object for a run of `vmtrace @argv[0..@argc)`; NULL without memory. */
json_t *provenance_json(int argc, char **argv);

#endif /* VMTRACE_PROVENANCE_H */
