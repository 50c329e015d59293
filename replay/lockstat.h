/* SPDX-License-Identifier: MIT */
/*
 * Timing critical sections: every model call the replay makes under a
 * lock goes through lock_account_enter/exit, which take and drop the lock
 * and record the hold (and, when the first try failed, the wait).
 *
 * Clock reads: an uncontended section costs two (after taking the lock,
 * after the call); a contended one a third (before waiting).
 */
#ifndef VMTRACE_LOCKSTAT_H
#define VMTRACE_LOCKSTAT_H

#include "replay/lock.h"
#include "replay/metrics.h"
#include "lib/samples.h"

struct lock_account {
	uint64_t acquisitions;
	uint64_t contentions;
	uint64_t hold_steps;
	struct samples hold;	/* ns */
	struct samples hold_index;	/* the trace index of each hold's event, in hold's order */
	struct samples wait;	/* ns, contended acquisitions only */
	int error;		/* first -ENOMEM met while recording, else 0 */
};

/* Takes @l; returns the time it was held from. */
uint64_t lock_account_enter(struct lock_account *a, struct replay_lock *l);

/* Drops @l and records a hold from @held_since with @steps search steps,
 * made for the trace's event at @index. */
void lock_account_exit(struct lock_account *a, struct replay_lock *l,
		       uint64_t held_since, uint64_t steps, size_t index);

/* Adds @from's records to @to.  0 or -ENOMEM. */
int lock_account_merge(struct lock_account *to, const struct lock_account *from);

/* Fills @out (sorting the samples: hold_index no longer pairs with hold
 * afterwards).  Returns a.error. */
int lock_account_summarize(struct lock_account *a, struct lock_stat *out);

void lock_account_free(struct lock_account *a);

#endif /* VMTRACE_LOCKSTAT_H */
