/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <string.h>
#include <time.h>

#include "replay/lock.h"

static const char *const lock_names[] = {
	[VM_LOCK_SPINLOCK] = "spinlock",
	[VM_LOCK_RWLOCK] = "rwlock",
	[VM_LOCK_MUTEX] = "mutex",
	[VM_LOCK_TICKET] = "ticket",
};

const char *vm_lock_type_name(enum vm_lock_type type)
{
	return (unsigned)type < sizeof(lock_names) / sizeof(lock_names[0]) ?
		lock_names[type] : "?";
}

int vm_lock_type_parse(const char *name, enum vm_lock_type *type)
{
	for (unsigned i = 0; i < sizeof(lock_names) / sizeof(lock_names[0]); i++) {
		if (!strcmp(lock_names[i], name)) {
			*type = (enum vm_lock_type)i;
			return 0;
		}
	}
	return -EINVAL;
}

int replay_lock_init(struct replay_lock *l, enum vm_lock_type type)
{
	int ret = 0;

	l->type = type;
	switch (type) {
	case VM_LOCK_SPINLOCK:
		ret = pthread_spin_init(&l->u.spin, PTHREAD_PROCESS_PRIVATE);
		break;
	case VM_LOCK_RWLOCK:
		ret = pthread_rwlock_init(&l->u.rw, NULL);
		break;
	case VM_LOCK_MUTEX:
		ret = pthread_mutex_init(&l->u.mutex, NULL);
		break;
	case VM_LOCK_TICKET:
		ck_spinlock_ticket_init(&l->u.ticket);
		break;
	default:
		return -EINVAL;
	}
	return -ret;
}

void replay_lock_destroy(struct replay_lock *l)
{
	switch (l->type) {
	case VM_LOCK_SPINLOCK: pthread_spin_destroy(&l->u.spin); break;
	case VM_LOCK_RWLOCK: pthread_rwlock_destroy(&l->u.rw); break;
	case VM_LOCK_MUTEX: pthread_mutex_destroy(&l->u.mutex); break;
	case VM_LOCK_TICKET: break;
	}
}

bool replay_lock_trylock(struct replay_lock *l)
{
	switch (l->type) {
	case VM_LOCK_SPINLOCK: return !pthread_spin_trylock(&l->u.spin);
	case VM_LOCK_RWLOCK: return !pthread_rwlock_trywrlock(&l->u.rw);
	case VM_LOCK_MUTEX: return !pthread_mutex_trylock(&l->u.mutex);
	case VM_LOCK_TICKET: return ck_spinlock_ticket_trylock(&l->u.ticket);
	}
	return false;
}

void replay_lock_lock(struct replay_lock *l)
{
	switch (l->type) {
	case VM_LOCK_SPINLOCK: pthread_spin_lock(&l->u.spin); break;
	case VM_LOCK_RWLOCK: pthread_rwlock_wrlock(&l->u.rw); break;
	case VM_LOCK_MUTEX: pthread_mutex_lock(&l->u.mutex); break;
	case VM_LOCK_TICKET: ck_spinlock_ticket_lock(&l->u.ticket); break;
	}
}

void replay_lock_release(struct replay_lock *l)
{
	switch (l->type) {
	case VM_LOCK_SPINLOCK: pthread_spin_unlock(&l->u.spin); break;
	case VM_LOCK_RWLOCK: pthread_rwlock_unlock(&l->u.rw); break;
	case VM_LOCK_MUTEX: pthread_mutex_unlock(&l->u.mutex); break;
	case VM_LOCK_TICKET: ck_spinlock_ticket_unlock(&l->u.ticket); break;
	}
}

uint64_t lock_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t lock_clock_overhead(void)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 10000; i++) {
		uint64_t a = lock_clock_ns(), b = lock_clock_ns();

		if (b - a < best)
			best = b - a;
	}
	return best;
}
