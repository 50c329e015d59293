/* SPDX-License-Identifier: MIT */
/* The cmocka assertions on one model of model_expect.h. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "model_expect.h"

const struct vm_allocator_ops *model_under_test;

struct vm_model *new_model(uint64_t lo, uint64_t hi)
{
	struct vm_window w = { lo, hi, PAGE };
	struct vm_model *m = NULL;

	assert_int_equal(model_under_test->create(&w, &m), 0);
	return m;
}

void expect_invariants(struct vm_model *m)
{
	char why[256] = "";

	if (model_under_test->check(m, why, sizeof(why)))
		fail_msg("%s", why);
}

void expect_alloc(struct vm_model *m, uint64_t size, uint64_t align, uint64_t vstart,
		  uint64_t vend, uint64_t want_addr, uint64_t want_search)
{
	const struct vm_request req = { size, align, vstart, vend, VM_CPU_UNKNOWN };
	uint64_t addr = 0, search = 99;

	assert_int_equal(model_under_test->alloc(m, &req, &addr, &search), 0);
	assert_int_equal(addr, want_addr);
	assert_int_equal(search, want_search);
	expect_invariants(m);
}

void expect_fail(struct vm_model *m, uint64_t size, uint64_t align, uint64_t vstart,
		 uint64_t vend, uint64_t want_search)
{
	const struct vm_request req = { size, align, vstart, vend, VM_CPU_UNKNOWN };
	uint64_t addr = 0, search = 99;

	assert_int_equal(model_under_test->alloc(m, &req, &addr, &search),
			 -ENOMEM);
	assert_int_equal(search, want_search);
	expect_invariants(m);
}

void expect_free(struct vm_model *m, uint64_t addr, uint64_t want_search)
{
	uint64_t search = 99;

	assert_int_equal(model_under_test->free(m, addr, &search), 0);
	assert_int_equal(search, want_search);
	expect_invariants(m);
}

void expect_two_reserved(struct vm_model *m, uint64_t lo, uint64_t hi)
{
	assert_int_equal(model_under_test->reserve(m, lo + 0x4000, 0x2000), 0);
	assert_int_equal(model_under_test->reserve(m, lo + 0x1000, 0x1000), 0);
	assert_int_equal(model_under_test->reserve(m, lo + 0x5000, 0x1000), -EEXIST);
	assert_int_equal(model_under_test->reserve(m, lo + 0x3000, 0x2000), -EEXIST);
	assert_int_equal(model_under_test->reserve(m, hi - 0x1000, 0x2000), -ERANGE);
	assert_int_equal(model_under_test->reserve(m, lo - 0x1000, 0x1000), -ERANGE);
	expect_invariants(m);
}
