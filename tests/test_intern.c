/* SPDX-License-Identifier: MIT */
/* Interning: the string table's index through its growth, and the text
 * parser's ids, interned some events after their line (trace_text.c's
 * lookahead), against indices worked out here by order of first use. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trace/trace_text.h"

/* Many more strings than the first index holds: it grows many times. */
#define NSTRINGS 100000

static void test_strtab_grows_and_finds(void **state)
{
	struct strtab s;
	char buf[32];
	uint32_t idx;

	(void)state;
	assert_int_equal(strtab_init(&s), 0);
	for (uint32_t i = 0; i < NSTRINGS; i++) {
		int n = snprintf(buf, sizeof(buf), "s%u", i);

		assert_int_equal(strtab_intern(&s, buf, n, &idx), 0);
		assert_int_equal(idx, i + 1);	/* 0 is the empty string */
		/* An earlier string again: its first index. */
		n = snprintf(buf, sizeof(buf), "s%u", i / 2);
		assert_int_equal(strtab_intern(&s, buf, n, &idx), 0);
		assert_int_equal(idx, i / 2 + 1);
	}
	assert_int_equal(s.count, NSTRINGS + 1);
	for (uint32_t i = 0; i < NSTRINGS; i++) {
		snprintf(buf, sizeof(buf), "s%u", i);
		assert_string_equal(strtab_get(&s, i + 1), buf);
		assert_int_equal(strtab_len(&s, i + 1), strlen(buf));
	}
	assert_int_equal(strtab_intern(&s, "", 0, &idx), 0);
	assert_int_equal(idx, 0);
	strtab_free(&s);
}

/* Strings appended without interning are found by the first intern. */
static void test_strtab_appended_then_interned(void **state)
{
	static const char *const appended[] = { "x", "yy", "zzz" };
	struct strtab s;
	uint32_t idx;

	(void)state;
	assert_int_equal(strtab_init(&s), 0);
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(strtab_append_unique(&s, appended[i], strlen(appended[i])), 0);
	assert_int_equal(strtab_intern(&s, "yy", 2, &idx), 0);
	assert_int_equal(idx, 2);
	assert_int_equal(strtab_intern(&s, "w", 1, &idx), 0);
	assert_int_equal(idx, 4);
	assert_int_equal(strtab_intern(&s, "zzz", 3, &idx), 0);
	assert_int_equal(idx, 3);
	strtab_free(&s);
}

/* Allocs of ids in a scrambled order, each freed 37 lines later: ids
 * repeat both within and beyond the parser's lookahead. */
#define NALLOCS 500

static char *churn_text(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	fputs("vmtrace 1\n", f);
	for (int i = 0; i < NALLOCS + 37; i++) {
		if (i < NALLOCS)
			fprintf(f, "alloc id%d 4096\n", (i * 7919) % NALLOCS);
		if (i >= 37)
			fprintf(f, "free id%d\n", ((i - 37) * 7919) % NALLOCS);
	}
	assert_int_equal(fclose(f), 0);
	return text;
}

static void test_text_ids_in_line_order(void **state)
{
	char *text = churn_text();
	struct vmt_err err = { { 0 } };
	struct vmt_trace t;
	char want[32];

	(void)state;
	assert_int_equal(vmt_trace_init(&t), 0);
	assert_int_equal(vmt_text_parse("t.txt", text, strlen(text), &t, &err), 0);
	assert_int_equal(t.nev, 2 * NALLOCS);
	/* Each event's id is its line's, and indices count first uses. */
	for (size_t i = 0, allocs = 0, frees = 0; i < t.nev; i++) {
		bool alloc = t.ev[i].op == VMT_ALLOC;
		int k = (int)(alloc ? allocs++ : frees++);

		snprintf(want, sizeof(want), "id%d", (k * 7919) % NALLOCS);
		assert_string_equal(strtab_get(&t.ids, t.ev[i].id), want);
		if (alloc)
			assert_int_equal(t.ev[i].id, k + 1);
	}
	vmt_trace_free(&t);
	free(text);
}

/* A bad line after many events: its error, and the events before it hold
 * their ids (the contract of vmt_text_parse). */
static void test_text_error_after_pending_ids(void **state)
{
	char *text = churn_text(), *bad;
	struct vmt_err err = { { 0 } };
	struct vmt_trace t;

	(void)state;
	assert_true(asprintf(&bad, "%salloc id_bad! 4096\n", text) > 0);
	assert_int_equal(vmt_trace_init(&t), 0);
	assert_int_equal(vmt_text_parse("t.txt", bad, strlen(bad), &t, &err), -EINVAL);
	assert_string_equal(err.msg, "t.txt:1002: id 'id_bad!' has a character outside "
			    "[A-Za-z0-9_.-]");
	assert_int_equal(t.nev, 2 * NALLOCS);
	assert_string_equal(strtab_get(&t.ids, t.ev[t.nev - 1].id), "id81");
	vmt_trace_free(&t);
	free(bad);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strtab_grows_and_finds),
		cmocka_unit_test(test_strtab_appended_then_interned),
		cmocka_unit_test(test_text_ids_in_line_order),
		cmocka_unit_test(test_text_error_after_pending_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
