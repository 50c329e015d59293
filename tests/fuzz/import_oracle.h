/* SPDX-License-Identifier: MIT */
/*
 * The body of the importer harnesses (fuzz_ftrace, fuzz_perf): the input
 * is a capture text for one parser, optionally followed by a line `----`
 * and a /proc/vmallocinfo snapshot, so the builder's reconciliation of
 * snapshot and events is fuzzed too.
 *
 * Oracle: a rejection is -EINVAL with `fuzz:LINE: ...` (or -ENOMEM); an
 * accepted input builds a trace whose counts add up as builder.h defines
 * them (every traced event kept, every snapshot area live or dropped),
 * that round-trips through the text format, and that replays through
 * linear with its invariant checker on after every event.
 */
#ifndef VMTRACE_FUZZ_IMPORT_ORACLE_H
#define VMTRACE_FUZZ_IMPORT_ORACLE_H

#include <stddef.h>
#include <stdint.h>

#include "capture/builder.h"

/* A capture/ text parser run into @b, returning as it does, with the
 * number of vmalloc events it handed to @b in *@events. */
typedef int fuzz_capture_parser(const char *name, const char *buf, size_t len,
				struct vmt_builder *b, uint64_t *events,
				struct vmt_err *err);

void fuzz_import(fuzz_capture_parser *parse, const uint8_t *data, size_t size);

#endif /* VMTRACE_FUZZ_IMPORT_ORACLE_H */
