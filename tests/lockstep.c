/* SPDX-License-Identifier: MIT */
/* Every model in lockstep, with the differential rules (lockstep.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lockstep.h"

static const struct {
	const char *name;
	enum lockstep_kind kind;
} lane_models[LOCKSTEP_LANES] = {
	{ "linear", LOCKSTEP_LOWEST_FIT },
	{ "rbtree", LOCKSTEP_LOWEST_FIT },
	{ "augmented", LOCKSTEP_LOWEST_FIT },
	{ "augmented-5.2", LOCKSTEP_PRUNED_5_2 },
	{ "augmented-5.19", LOCKSTEP_PRUNED_5_19 },
	{ "rbtree-cache", LOCKSTEP_CACHED },
	{ "maple", LOCKSTEP_LOWEST_FIT },
};

int lockstep_start(struct lockstep *ls, const struct vm_window *win, uint32_t nids,
		   struct vmt_err *err)
{
	int ret = 0;

	memset(ls, 0, sizeof(*ls));
	ls->win = *win;
	ls->nids = nids;
	for (size_t k = 0; k < LOCKSTEP_LANES && !ret; k++) {
		struct lockstep_lane *l = &ls->lane[k];

		l->name = lane_models[k].name;
		l->kind = lane_models[k].kind;
		l->in_step = true;
		l->ops = vm_allocator_find(l->name);
		if (!l->ops) {
			vmt_err_set(err, "no model %s", l->name);
			return -EINVAL;
		}
		l->addr = malloc((nids ? nids : 1) * sizeof(*l->addr));
		l->size = calloc(nids ? nids : 1, sizeof(*l->size));
		if (!l->addr || !l->size) {
			vmt_err_set(err, "out of memory");
			return -ENOMEM;
		}
		for (uint32_t id = 0; id < nids; id++)
			l->addr[id] = LOCKSTEP_NO_ADDR;
		ret = l->ops->create(win, &l->m);
		if (!ret)
			ret = lowest_fit_audit_create(win, &l->audit);
		if (ret)
			vmt_err_set(err, "%s: cannot start: error %d", l->name, ret);
	}
	return ret;
}

void lockstep_stop(struct lockstep *ls)
{
	for (size_t k = 0; k < LOCKSTEP_LANES; k++) {
		struct lockstep_lane *l = &ls->lane[k];

		if (l->ops)
			l->ops->destroy(l->m);
		lowest_fit_audit_destroy(l->audit);
		free(l->addr);
		free(l->size);
	}
	memset(ls, 0, sizeof(*ls));
}

static int check_all(struct lockstep *ls, struct vmt_err *err)
{
	for (size_t k = 0; k < LOCKSTEP_LANES; k++) {
		struct lockstep_lane *l = &ls->lane[k];
		char why[256] = "";

		if (l->ops->check(l->m, why, sizeof(why))) {
			vmt_err_set(err, "%s: %s", l->name, why);
			return -EFAULT;
		}
	}
	return 0;
}

/* An audit call's result: -EEXIST says the model's layout broke away
 * from the shadow that mirrors it. */
static int audit_result(const struct lockstep_lane *l, int ret, const char *op,
			struct vmt_err *err)
{
	if (ret == -EEXIST) {
		vmt_err_set(err, "%s: %s disagrees with its shadow layout", l->name, op);
		return -EFAULT;
	}
	if (ret)
		vmt_err_set(err, "out of memory");
	return ret;
}

int lockstep_reserve(struct lockstep *ls, uint32_t id, uint64_t va, uint64_t size,
		     int *result, struct vmt_err *err)
{
	for (size_t k = 0; k < LOCKSTEP_LANES; k++) {
		struct lockstep_lane *l = &ls->lane[k];
		int ret = l->ops->reserve(l->m, va, size);

		if (ret == -ENOMEM) {
			vmt_err_set(err, "out of memory");
			return ret;
		}
		if (ret && ret != -ERANGE && ret != -EEXIST) {
			vmt_err_set(err, "%s: reserve error %d", l->name, ret);
			return -EFAULT;
		}
		if (k && ret != *result) {
			vmt_err_set(err, "reserve 0x%llx+0x%llx: linear %d, %s %d",
				    (unsigned long long)va, (unsigned long long)size, *result,
				    l->name, ret);
			return -EFAULT;
		}
		*result = ret;
		if (ret)
			continue;
		ret = audit_result(l, lowest_fit_audit_reserve(l->audit, va, size), "reserve",
				   err);
		if (ret)
			return ret;
		l->addr[id] = va;
		l->size[id] = size;
	}
	return check_all(ls, err);
}

/* The length the pruned searches descend by (allocator/augmented.c). */
static uint64_t pruning_length(enum lockstep_kind kind, uint64_t size, uint64_t align,
			       uint64_t vstart, uint64_t vend, uint64_t page)
{
	if (kind == LOCKSTEP_PRUNED_5_19 && (align <= page || vend - vstart == size))
		return size;
	return size + align - 1;
}

/* One alloc through one lane, judged against lowest fit on its layout. */
static int lane_alloc(struct lockstep_lane *l, const struct vm_window *win, uint32_t id,
		      uint64_t size, uint64_t align, uint64_t vstart, uint64_t vend,
		      uint64_t *placed, struct vmt_err *err)
{
	uint64_t addr = LOCKSTEP_NO_ADDR, search, lowest, block = 0;
	bool fits, departed;
	int ret;

	fits = !lowest_fit_audit_query(l->audit, size, align, vstart, vend, &lowest, &block);
	ret = l->ops->alloc(l->m, &(struct vm_request){ size, align, vstart, vend, VM_CPU_UNKNOWN },
			    &addr, &search);
	if (ret && ret != -ENOMEM) {
		vmt_err_set(err, "%s: alloc error %d", l->name, ret);
		return -EFAULT;
	}
	*placed = ret ? LOCKSTEP_NO_ADDR : addr;
	ret = audit_result(l, lowest_fit_audit_alloc(l->audit, size, align, vstart, vend,
						     !ret, addr, &departed), "alloc", err);
	if (ret)
		return ret;
	l->departures += departed;
	if (departed && l->kind == LOCKSTEP_LOWEST_FIT) {
		vmt_err_set(err, "%s placed 0x%llx, lowest fit is %s0x%llx", l->name,
			    (unsigned long long)*placed, fits ? "" : "none, not ",
			    (unsigned long long)lowest);
		return -EFAULT;
	}
	if (departed && (l->kind == LOCKSTEP_PRUNED_5_2 || l->kind == LOCKSTEP_PRUNED_5_19) &&
	    fits && block >= pruning_length(l->kind, size, align, vstart, vend,
					     win->page_size)) {
		vmt_err_set(err, "%s missed the lowest fit 0x%llx in a block of 0x%llx that "
			    "its search length admits", l->name, (unsigned long long)lowest,
			    (unsigned long long)block);
		return -EFAULT;
	}
	if (*placed != LOCKSTEP_NO_ADDR) {
		l->addr[id] = *placed;
		l->size[id] = size;
	}
	return 0;
}

int lockstep_alloc(struct lockstep *ls, uint32_t id, uint64_t size, uint64_t align,
		   uint64_t vstart, uint64_t vend, uint64_t *addr, struct vmt_err *err)
{
	uint64_t placed[LOCKSTEP_LANES];
	int ret;

	for (size_t k = 0; k < LOCKSTEP_LANES; k++) {
		ret = lane_alloc(&ls->lane[k], &ls->win, id, size, align, vstart, vend,
				 &placed[k], err);
		if (ret)
			return ret;
	}
	*addr = placed[0];
	for (size_t k = 1; k < LOCKSTEP_LANES; k++) {
		struct lockstep_lane *l = &ls->lane[k];
		bool must_agree = l->kind == LOCKSTEP_LOWEST_FIT ||
				  (l->kind == LOCKSTEP_PRUNED_5_19 && l->in_step &&
				   pruning_length(l->kind, size, align, vstart, vend,
						  ls->win.page_size) == size);

		if (must_agree && placed[k] != placed[0]) {
			vmt_err_set(err, "alloc 0x%llx align 0x%llx [0x%llx, 0x%llx): linear 0x%llx, "
				    "%s 0x%llx", (unsigned long long)size, (unsigned long long)align,
				    (unsigned long long)vstart, (unsigned long long)vend,
				    (unsigned long long)placed[0], l->name,
				    (unsigned long long)placed[k]);
			return -EFAULT;
		}
		l->in_step &= placed[k] == placed[0];
	}
	return check_all(ls, err);
}

int lockstep_free(struct lockstep *ls, uint32_t id, struct vmt_err *err)
{
	for (size_t k = 0; k < LOCKSTEP_LANES; k++) {
		struct lockstep_lane *l = &ls->lane[k];
		uint64_t search;
		int ret;

		if (l->addr[id] == LOCKSTEP_NO_ADDR)
			continue;	/* its alloc failed in this lane */
		ret = l->ops->free(l->m, l->addr[id], &search);
		if (ret) {
			vmt_err_set(err, "%s: free of 0x%llx: error %d", l->name,
				    (unsigned long long)l->addr[id], ret);
			return -EFAULT;
		}
		ret = audit_result(l, lowest_fit_audit_release(l->audit, l->addr[id],
							       l->size[id]), "free", err);
		if (ret)
			return ret;
		l->addr[id] = LOCKSTEP_NO_ADDR;
	}
	return check_all(ls, err);
}
