/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "replay/lockstat.h"

uint64_t lock_account_enter(struct lock_account *a, struct replay_lock *l)
{
	uint64_t wait_start;
	int ret;

	if (replay_lock_trylock(l))
		return lock_clock_ns();
	wait_start = lock_clock_ns();
	replay_lock_lock(l);
	uint64_t held = lock_clock_ns();

	/* Recorded while holding the lock: @a is this thread's own. */
	a->contentions++;
	ret = samples_add(&a->wait, held - wait_start);
	if (ret && !a->error)
		a->error = ret;
	return held;
}

void lock_account_exit(struct lock_account *a, struct replay_lock *l,
		       uint64_t held_since, uint64_t steps, size_t index)
{
	uint64_t done = lock_clock_ns();
	int ret;

	replay_lock_release(l);
	a->acquisitions++;
	a->hold_steps += steps;
	ret = samples_add(&a->hold, done - held_since);
	if (!ret)
		ret = samples_add(&a->hold_index, index);
	if (ret && !a->error)
		a->error = ret;
}

int lock_account_merge(struct lock_account *to, const struct lock_account *from)
{
	to->acquisitions += from->acquisitions;
	to->contentions += from->contentions;
	to->hold_steps += from->hold_steps;
	if (from->error && !to->error)
		to->error = from->error;
	if (samples_merge(&to->hold, &from->hold) ||
	    samples_merge(&to->hold_index, &from->hold_index) ||
	    samples_merge(&to->wait, &from->wait))
		return -ENOMEM;
	return 0;
}

int lock_account_summarize(struct lock_account *a, struct lock_stat *out)
{
	memset(out, 0, sizeof(*out));
	samples_sort(&a->hold);
	samples_sort(&a->wait);
	out->acquisitions = a->acquisitions;
	out->contentions = a->contentions;
	out->hold_steps = a->hold_steps;
	out->holdtime_min = samples_quantile(&a->hold, 0);
	out->holdtime_p50 = samples_quantile(&a->hold, 50);
	out->holdtime_p99 = samples_quantile(&a->hold, 99);
	out->holdtime_max = samples_quantile(&a->hold, 100);
	out->holdtime_total = samples_total(&a->hold);
	out->holdtime_avg = a->hold.n ? (double)out->holdtime_total / (double)a->hold.n : 0.0;
	out->waittime_min = samples_quantile(&a->wait, 0);
	out->waittime_p50 = samples_quantile(&a->wait, 50);
	out->waittime_p99 = samples_quantile(&a->wait, 99);
	out->waittime_max = samples_quantile(&a->wait, 100);
	out->waittime_total = samples_total(&a->wait);
	out->waittime_avg = a->wait.n ? (double)out->waittime_total / (double)a->wait.n : 0.0;
	return a->error;
}

void lock_account_free(struct lock_account *a)
{
	samples_free(&a->hold);
	samples_free(&a->hold_index);
	samples_free(&a->wait);
	memset(a, 0, sizeof(*a));
}
