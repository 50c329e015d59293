/* SPDX-License-Identifier: MIT */
/*
 * --events: one CSV row per alloc and free event,
 * `seq,op,id,size,align,addr,search`.  An alloc's row has its request and
 * where the model placed it (addr empty when it found no room); a free's
 * row has the area the model released, or empty size and addr when the
 * model held none for the id (an unknown or double free, an id it never
 * placed).  Rows follow the events' order: single-threaded only.
 */
#include <errno.h>
#include <inttypes.h>

#include "replay/engine.h"

static bool events_wanted(const struct replay_opts *o)
{
	return o->events_csv;
}

static int events_create(struct replay_engine *e, void **state, struct vmt_err *err)
{
	(void)err;
	*state = e->o->events_csv;
	fputs("seq,op,id,size,align,addr,search\n", *state);
	return 0;
}

static int events_row(void *state, struct replay_worker *w, const struct replay_op *op)
{
	FILE *f = state;

	fprintf(f, "%" PRIu64 ",%s,%s,", w->seq, vmt_op_name(op->ev->op),
		replay_id_name(w->e, op->ev));
	if (op->size)
		fprintf(f, "%" PRIu64, op->size);
	fputc(',', f);
	if (op->call.align)
		fprintf(f, "%" PRIu64, op->call.align);
	fputc(',', f);
	if (op->placed)
		fprintf(f, "0x%" PRIx64, op->addr);
	fprintf(f, ",%" PRIu64 "\n", op->search);
	return ferror(f) ? -EIO : 0;
}

const struct replay_hook events_hook = {
	.option = "--events",
	.wanted = events_wanted,
	.create = events_create,
	.alloc = events_row,
	.free = events_row,
};
