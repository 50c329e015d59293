/* SPDX-License-Identifier: MIT */
/*
 * A ring of blocks between one reading thread and one consumer, under a
 * mutex: a handoff per 4096 events costs nothing next to reading them.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "trace/bin_prefetch.h"

struct prefetch_block {
	/* ev[0] is the event before the block, the events start at ev[1]. */
	struct vmt_event ev[VMT_BIN_BLOCK_EVENTS + 1];
	size_t n;
	int ret;
	struct vmt_err err;
};

struct vmt_bin_prefetch {
	struct vmt_bin_stream *s;
	struct vmt_trace *t;
	struct vmt_bin_prefetch_hook hook;
	struct prefetch_block *ring;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled, freed;
	/* Under lock: blocks read and not given back (the one the consumer
	 * holds included), the next to fill, the next to give. */
	unsigned ready;
	unsigned long head, tail;
	bool holding, stop;
};

/* The block ends the stream: its end or its error. */
static bool block_last(const struct prefetch_block *b)
{
	return b->ret || !b->n;
}

static void *prefetch_main(void *arg)
{
	struct vmt_bin_prefetch *p = arg;
	struct vmt_event before = { 0 };
	struct prefetch_block *b;
	uint64_t first = 0;
	unsigned ring;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (p->ready == VMT_BIN_PREFETCH_BLOCKS && !p->stop)
			pthread_cond_wait(&p->freed, &p->lock);
		ring = p->head % VMT_BIN_PREFETCH_BLOCKS;
		b = p->stop ? NULL : &p->ring[ring];
		pthread_mutex_unlock(&p->lock);
		if (!b)
			break;
		/* The slot is ours: the consumer gave it back. */
		b->ev[0] = before;
		memset(&b->err, 0, sizeof(b->err));
		b->ret = vmt_bin_stream_read(p->s, p->t, b->ev + 1, VMT_BIN_BLOCK_EVENTS, &b->n, &b->err);
		if (!b->ret && b->n && p->hook.block)
			b->ret = p->hook.block(p->hook.arg, ring, b->ev + 1, first, b->n);
		if (!block_last(b))
			before = b->ev[b->n];
		first += b->n;
		pthread_mutex_lock(&p->lock);
		p->head++;
		p->ready++;
		pthread_cond_signal(&p->filled);
		pthread_mutex_unlock(&p->lock);
		if (block_last(b))
			break;
	}
	return NULL;
}

int vmt_bin_prefetch_start(struct vmt_bin_stream *s, struct vmt_trace *t,
			   const struct vmt_bin_prefetch_hook *hook, struct vmt_bin_prefetch **out,
			   struct vmt_err *err)
{
	struct vmt_bin_prefetch *p = calloc(1, sizeof(*p));
	int ret = -ENOMEM;

	*out = NULL;
	if (!p || !(p->ring = malloc(VMT_BIN_PREFETCH_BLOCKS * sizeof(*p->ring)))) {
		vmt_err_set(err, "out of memory");
		goto fail;
	}
	p->s = s;
	p->t = t;
	if (hook)
		p->hook = *hook;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->filled, NULL);
	pthread_cond_init(&p->freed, NULL);
	if ((ret = -pthread_create(&p->thread, NULL, prefetch_main, p))) {
		vmt_err_set(err, "cannot start the reading thread: %s", strerror(-ret));
		pthread_cond_destroy(&p->freed);
		pthread_cond_destroy(&p->filled);
		pthread_mutex_destroy(&p->lock);
		goto fail;
	}
	*out = p;
	return 0;
fail:
	if (p)
		free(p->ring);
	free(p);
	return ret;
}

int vmt_bin_prefetch_next(struct vmt_bin_prefetch *p, const struct vmt_event **ev,
			  size_t *n, unsigned *ring, struct vmt_err *err)
{
	struct prefetch_block *b;

	pthread_mutex_lock(&p->lock);
	b = &p->ring[p->tail % VMT_BIN_PREFETCH_BLOCKS];
	if (p->holding && !block_last(b)) {
		p->tail++;
		p->ready--;
		p->holding = false;
		pthread_cond_signal(&p->freed);
		b = &p->ring[p->tail % VMT_BIN_PREFETCH_BLOCKS];
	}
	while (!p->ready)
		pthread_cond_wait(&p->filled, &p->lock);
	p->holding = true;
	pthread_mutex_unlock(&p->lock);
	*ev = b->ev + 1;
	*n = b->ret ? 0 : b->n;
	if (ring)
		*ring = (unsigned)(b - p->ring);
	if (b->err.msg[0])
		vmt_err_set(err, "%s", b->err.msg);
	return b->ret;
}

void vmt_bin_prefetch_stop(struct vmt_bin_prefetch *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	pthread_cond_destroy(&p->freed);
	pthread_cond_destroy(&p->filled);
	pthread_mutex_destroy(&p->lock);
	free(p->ring);
	free(p);
}
