/* SPDX-License-Identifier: MIT */
/*
 * Differential fuzzing of the models: the input drives a small operation
 * interpreter whose operations run on every model in lockstep
 * (tests/lockstep.h: which models must agree when, every invariant
 * checker after every operation).  Any broken rule is a finding.
 *
 * Input: 3 header bytes, then 4 bytes per operation (at most MAX_OPS, 32):
 *   h0 h1   window of (h0 | h1 << 8) + 1 pages of 4 KiB
 *   h2      bit 0: the window ends one page below 2^64, else starts at 4 GiB
 *   op a b c, by op % 4:
 *     0, 1  alloc: size (a % 16 + 1) pages, or 2^(a % 12) pages when
 *           a >= 240; align 2^(b & 7) pages when b & 8, else a page;
 *           c != 0: the request window is the (c % 16)-th sixteenth of
 *           the window onwards, (c >> 4) sixteenths long (empty: fails),
 *           with a byte offset of (b >> 4) * 257 when c & 0x80
 *     2     free the (a | b << 8) % live-th live area
 *     3     before the first alloc: reserve (c % 16 + 1) pages at page
 *           (a | b << 8) % window pages; later: free, as 2
 */
#include <errno.h>
#include <stdlib.h>

#include "../lockstep.h"
#include "fuzz.h"

#define PAGE 4096ull
#define MAX_OPS 32

struct interp {
	struct lockstep ls;
	struct vm_window win;
	uint32_t live[MAX_OPS];		/* ids allocated or reserved, not freed */
	uint32_t nlive, next_id;
	bool allocated;			/* an alloc went before: no more reserves */
};

static void must(int ret, const struct vmt_err *err, size_t op)
{
	if (ret && ret != -ENOMEM)
		fuzz_finding("op %zu: %s", op, err->msg);
}

static int op_alloc(struct interp *I, const uint8_t *p, struct vmt_err *err)
{
	uint64_t pages = p[1] >= 240 ? 1ull << (p[1] % 12) : p[1] % 16 + 1u;
	uint64_t align = p[2] & 8 ? PAGE << (p[2] & 7) : PAGE;
	uint64_t vstart = I->win.lo, vend = I->win.hi, addr;
	uint64_t sixteenth = (I->win.hi - I->win.lo) / 16;
	uint32_t id = I->next_id++;
	int ret;

	if (p[3]) {
		vstart = I->win.lo + (p[3] % 16) * sixteenth + (p[3] & 0x80 ? (p[2] >> 4) * 257ull : 0);
		vend = vstart + (p[3] >> 4) * sixteenth;
	}
	I->allocated = true;
	ret = lockstep_alloc(&I->ls, id, pages * PAGE, align, vstart, vend, &addr, err);
	if (!ret)
		I->live[I->nlive++] = id;
	return ret;
}

static int op_free(struct interp *I, const uint8_t *p, struct vmt_err *err)
{
	uint32_t k, id;

	if (!I->nlive)
		return 0;
	k = (p[1] | p[2] << 8) % I->nlive;
	id = I->live[k];
	I->live[k] = I->live[--I->nlive];
	return lockstep_free(&I->ls, id, err);
}

static int op_reserve(struct interp *I, const uint8_t *p, struct vmt_err *err)
{
	uint64_t npages = (I->win.hi - I->win.lo) / PAGE;
	uint64_t va = I->win.lo + (p[1] | p[2] << 8) % npages * PAGE, size = (p[3] % 16 + 1) * PAGE;
	uint32_t id = I->next_id++;
	int result, ret;

	if (va + size < va)
		return 0;	/* reserve's precondition */
	ret = lockstep_reserve(&I->ls, id, va, size, &result, err);
	if (!ret && !result)
		I->live[I->nlive++] = id;
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct interp I;
	struct vmt_err err = { { 0 } };
	uint64_t pages;
	size_t nops;
	int ret;

	if (size < 3)
		return 0;
	pages = (data[0] | data[1] << 8) + 1;
	I.win.page_size = PAGE;
	I.win.lo = data[2] & 1 ? 0 - PAGE - pages * PAGE : 0x100000000ull;
	I.win.hi = I.win.lo + pages * PAGE;
	I.nlive = I.next_id = 0;
	I.allocated = false;
	nops = (size - 3) / 4 < MAX_OPS ? (size - 3) / 4 : MAX_OPS;
	ret = lockstep_start(&I.ls, &I.win, MAX_OPS, &err);
	must(ret, &err, 0);
	for (size_t i = 0; !ret && i < nops; i++) {
		const uint8_t *p = data + 3 + 4 * i;

		switch (p[0] % 4) {
		case 0:
		case 1:
			ret = op_alloc(&I, p, &err);
			break;
		case 3:
			if (!I.allocated) {
				ret = op_reserve(&I, p, &err);
				break;
			}
			/* fall through */
		case 2:
			ret = op_free(&I, p, &err);
			break;
		}
		must(ret, &err, i);
	}
	lockstep_stop(&I.ls);
	return 0;
}
