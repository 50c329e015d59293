/* SPDX-License-Identifier: MIT */
/*
 * The locks a replay takes around model operations (enum vm_lock_type),
 * built on well-kept primitives: pthreads and Concurrency Kit's ticket
 * spinlock.  Acquisition first tries the lock; a failed try is a
 * contention, as lock_stat counts them, and the time until the lock is
 * held is the wait time.
 */
#ifndef VMTRACE_LOCK_H
#define VMTRACE_LOCK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <ck_spinlock.h>

#include "allocator/allocator.h"

struct replay_lock {
	enum vm_lock_type type;
	union {
		pthread_spinlock_t spin;
		pthread_rwlock_t rw;
		pthread_mutex_t mutex;
		ck_spinlock_ticket_t ticket;
	} u;
};

/* Returns 0 or a negative errno. */
int replay_lock_init(struct replay_lock *l, enum vm_lock_type type);
void replay_lock_destroy(struct replay_lock *l);

/* Tries to take the lock (for writing, for an rwlock) without waiting.
 * Returns true when it is now held. */
bool replay_lock_trylock(struct replay_lock *l);
/* Takes the lock, waiting as long as needed. */
void replay_lock_lock(struct replay_lock *l);
void replay_lock_release(struct replay_lock *l);

/* "spinlock", "rwlock", "mutex", "ticket". */
const char *vm_lock_type_name(enum vm_lock_type type);

/* Parses a name of vm_lock_type_name().  Returns 0 or -EINVAL. */
int vm_lock_type_parse(const char *name, enum vm_lock_type *type);

/*
 * The replay's clock: CLOCK_MONOTONIC through the vDSO, in nanoseconds.
 * Chosen over rdtsc because it needs no calibration and stays correct on
 * virtual machines whose TSC is not invariant; a read costs ~20-30 ns on
 * kvm-clock, measured by lock_clock_overhead() and reported with the hold
 * times it inflates.
 */
uint64_t lock_clock_ns(void);

/* The smallest difference of two back-to-back lock_clock_ns() reads. */
uint64_t lock_clock_overhead(void);

#endif /* VMTRACE_LOCK_H */
