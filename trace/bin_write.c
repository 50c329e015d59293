/* SPDX-License-Identifier: MIT */
/*
 * Binary trace format v1: the writers, of a whole trace and of one whose
 * events come one at a time; both refuse what the readers would refuse.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "lib/progress.h"
#include "trace/bin_check.h"
#include "trace/trace_text.h"

/* Everything written goes through the checksum. */
struct bin_sink {
	FILE *f;
	XXH3_state_t *hash;
};

static void sink_put(struct bin_sink *k, const void *p, size_t n)
{
	XXH3_64bits_update(k->hash, p, n);
	fwrite(p, 1, n, k->f);
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static int by_bytes(const void *a, const void *b, void *table)
{
	const struct strtab *s = table;

	return strcmp(strtab_get(s, *(const uint32_t *)a), strtab_get(s, *(const uint32_t *)b));
}

/*
 * The file's order of a string table: byte order.  Sets @order (file
 * index -> table index), @rank (table index -> file index) and @bytes.
 * The empty string sorts first, so index 0 stays 0.
 */
static int sort_table(const struct strtab *s, uint32_t **order, uint32_t **rank,
		      uint64_t *bytes)
{
	*order = malloc(s->count * sizeof(**order));
	*rank = malloc(s->count * sizeof(**rank));
	if (!*order || !*rank)
		return -ENOMEM;
	*bytes = 0;
	for (uint32_t i = 0; i < s->count; i++) {
		(*order)[i] = i;
		*bytes += strtab_len(s, i) + 1;
	}
	qsort_r(*order, s->count, sizeof(**order), by_bytes, (void *)s);
	for (uint32_t i = 0; i < s->count; i++)
		(*rank)[(*order)[i]] = i;
	return 0;
}

static void put_table(struct bin_sink *k, const struct strtab *s, const uint32_t *order)
{
	for (uint32_t i = 0; i < s->count; i++)
		sink_put(k, strtab_get(s, order[i]), strtab_len(s, order[i]) + 1);
}

/* The header (with @nids ids of @ids_bytes) and the meta entries. */
static void put_header(struct bin_sink *k, const struct vmt_trace *t, uint32_t nids,
		       uint64_t ids_bytes, uint64_t strs_bytes, const uint32_t *str_rank)
{
	unsigned char h[VMT_BIN_HEADER_SIZE] = { 0 };

	memcpy(h, VMT_BIN_MAGIC, VMT_BIN_MAGIC_LEN);
	put32(h + VMT_BIN_OFF_VERSION, VMT_BIN_VERSION);
	put32(h + VMT_BIN_OFF_FLAGS, t->has_range ? VMT_BIN_HAS_RANGE : 0);
	put64(h + VMT_BIN_OFF_PAGE_SIZE, t->page_size);
	put64(h + VMT_BIN_OFF_RANGE_LO, t->has_range ? t->range_lo : 0);
	put64(h + VMT_BIN_OFF_RANGE_HI, t->has_range ? t->range_hi : 0);
	put32(h + VMT_BIN_OFF_NMETA, t->nmeta);
	put32(h + VMT_BIN_OFF_NIDS, nids);
	put32(h + VMT_BIN_OFF_NSTRS, t->strs.count);
	put64(h + VMT_BIN_OFF_IDS_BYTES, ids_bytes);
	put64(h + VMT_BIN_OFF_STRS_BYTES, strs_bytes);
	sink_put(k, h, sizeof(h));
	for (size_t i = 0; i < t->nmeta; i++) {
		unsigned char m[VMT_BIN_META_SIZE];

		put32(m, str_rank[t->meta[i].key]);
		put32(m + 4, str_rank[t->meta[i].text]);
		sink_put(k, m, sizeof(m));
	}
}

/* The zeros after the tables, which end at byte @end. */
static void put_padding(struct bin_sink *k, uint64_t end)
{
	static const unsigned char zeros[VMT_BIN_EVENT_ALIGN];

	sink_put(k, zeros, (VMT_BIN_EVENT_ALIGN - end % VMT_BIN_EVENT_ALIGN) % VMT_BIN_EVENT_ALIGN);
}

/* The footer; 0, or the write's own errno (ENOSPC, ...) when it kept one. */
static int put_footer(struct bin_sink *k, uint64_t nev, uint64_t lost)
{
	unsigned char foot[VMT_BIN_FOOTER_SIZE];

	put64(foot + VMT_BIN_FOOT_COUNT, nev);
	put64(foot + VMT_BIN_FOOT_LOST, lost);
	memcpy(foot + VMT_BIN_FOOT_MAGIC, VMT_BIN_FOOTER_MAGIC, 8);
	sink_put(k, foot, VMT_BIN_FOOT_CHECKSUM);
	put64(foot + VMT_BIN_FOOT_CHECKSUM, XXH3_64bits_digest(k->hash));
	fwrite(foot + VMT_BIN_FOOT_CHECKSUM, 1, 8, k->f);
	return ferror(k->f) ? (errno ? -errno : -EIO) : 0;
}

int vmt_bin_write(const char *name, const struct vmt_trace *t, FILE *f,
		  struct vmt_err *err)
{
	uint32_t *id_order = NULL, *id_rank = NULL, *str_order = NULL, *str_rank = NULL;
	struct event_limits lim = { t->ids.count, &t->strs, calloc(t->strs.count, 1), false };
	struct bin_sink k = { f, XXH3_createState() };
	/* No bigger than the trace: small traces are written often (fuzzing). */
	struct vmt_event *block = malloc((t->nev < EVENT_BLOCK ? t->nev + 1 : EVENT_BLOCK) *
					 sizeof(*block));
	uint64_t ids_bytes, strs_bytes;
	int ret = -ENOMEM;

	if (!k.hash || !block || !lim.attrs_ok || XXH3_64bits_reset(k.hash) != XXH_OK ||
	    (ret = sort_table(&t->ids, &id_order, &id_rank, &ids_bytes)) ||
	    (ret = sort_table(&t->strs, &str_order, &str_rank, &strs_bytes)))
		goto out;
	errno = 0;
	put_header(&k, t, t->ids.count, ids_bytes, strs_bytes, str_rank);
	put_table(&k, &t->ids, id_order);
	put_table(&k, &t->strs, str_order);
	put_padding(&k, VMT_BIN_HEADER_SIZE + t->nmeta * VMT_BIN_META_SIZE + ids_bytes +
		    strs_bytes);
	for (size_t i = 0; i < t->nev; i += EVENT_BLOCK) {
		size_t n = t->nev - i < EVENT_BLOCK ? t->nev - i : EVENT_BLOCK;

		for (size_t j = 0; j < n; j++) {
			const char *problem = event_problem(&t->ev[i + j], &lim);

			if (problem) {
				vmt_err_set(err, "%s: event %zu: %s", name, i + j, problem);
				ret = -EINVAL;
				goto out;
			}
			block[j] = t->ev[i + j];
			block[j].id = id_rank[block[j].id];
			block[j].attrs = str_rank[block[j].attrs];
		}
		sink_put(&k, block, n * sizeof(block[0]));
		if (t->progress)
			progress_tick(t->progress, i + n);
	}
	ret = put_footer(&k, t->nev, t->lost_events);
out:
	XXH3_freeState(k.hash);
	free(lim.attrs_ok);
	free(block);
	free(id_order);
	free(id_rank);
	free(str_order);
	free(str_rank);
	return ret;
}

struct vmt_bin_writer {
	const char *name;
	struct bin_sink k;
	struct event_limits lim;
	const struct vmt_trace *t;
	uint32_t *str_order, *str_rank;
	uint64_t nev;
};

int vmt_bin_writer_open(const char *name, const struct vmt_trace *t, uint32_t nids,
			void (*id_name)(uint32_t i, char *name), FILE *f,
			struct vmt_bin_writer **out, struct vmt_err *err)
{
	struct vmt_bin_writer *w = calloc(1, sizeof(*w));
	char id[VMT_ID_MAX + 1];
	uint64_t ids_bytes = 0, strs_bytes;
	int ret = -ENOMEM;

	*out = w;
	if (!w)
		goto out;
	*w = (struct vmt_bin_writer){ name, { f, XXH3_createState() },
				      { nids, &t->strs, calloc(t->strs.count, 1), false }, t };
	if (!w->k.hash || !w->lim.attrs_ok || XXH3_64bits_reset(w->k.hash) != XXH_OK ||
	    (ret = sort_table(&t->strs, &w->str_order, &w->str_rank, &strs_bytes)))
		goto out;
	for (uint32_t i = 0; i < nids; i++) {
		id_name(i, id);
		ids_bytes += strlen(id) + 1;
	}
	errno = 0;
	put_header(&w->k, t, nids, ids_bytes, strs_bytes, w->str_rank);
	for (uint32_t i = 0; i < nids; i++) {
		id_name(i, id);
		sink_put(&w->k, id, strlen(id) + 1);
	}
	put_table(&w->k, &t->strs, w->str_order);
	put_padding(&w->k, VMT_BIN_HEADER_SIZE + t->nmeta * VMT_BIN_META_SIZE + ids_bytes +
		    strs_bytes);
	ret = 0;
out:
	if (ret == -ENOMEM)
		vmt_err_set(err, "%s: out of memory", name);
	return ret;
}

int vmt_bin_writer_event(struct vmt_bin_writer *w, const struct vmt_event *ev,
			 struct vmt_err *err)
{
	const char *problem = event_problem(ev, &w->lim);
	struct vmt_event rec = *ev;

	if (problem) {
		vmt_err_set(err, "%s: event %" PRIu64 ": %s", w->name, w->nev, problem);
		return -EINVAL;
	}
	rec.attrs = w->str_rank[rec.attrs];
	sink_put(&w->k, &rec, sizeof(rec));
	w->nev++;
	return 0;
}

int vmt_bin_writer_end(struct vmt_bin_writer *w)
{
	int ret = w ? put_footer(&w->k, w->nev, w->t->lost_events) : 0;

	vmt_bin_writer_free(w);
	return ret;
}

void vmt_bin_writer_free(struct vmt_bin_writer *w)
{
	if (!w)
		return;
	XXH3_freeState(w->k.hash);
	free(w->lim.attrs_ok);
	free(w->str_order);
	free(w->str_rank);
	free(w);
}
