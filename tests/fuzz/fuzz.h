/* SPDX-License-Identifier: MIT */
/*
 * The entry point every fuzz harness in tests/fuzz/ defines, as libFuzzer
 * calls it.  A harness returns 0 for any input and calls fuzz_finding()
 * when its oracle sees a bug; sanitizer findings abort on their own.
 */
#ifndef VMTRACE_FUZZ_H
#define VMTRACE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Prints "finding: what" to stderr and aborts, which both drivers report. */
void fuzz_finding(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif /* VMTRACE_FUZZ_H */
