/* SPDX-License-Identifier: MIT */
/*
 * Binary trace format v1: the reader that takes a whole file in memory
 * and reads it in place after validating every byte it relies on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Inline: the compiler then vectorizes the checksum loop for this file. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "trace/bin_check.h"

bool vmt_bin_sniff(const void *buf, size_t len)
{
	return len >= VMT_BIN_MAGIC_LEN && !memcmp(buf, VMT_BIN_MAGIC, VMT_BIN_MAGIC_LEN);
}

/* Checks the fixed header and footer and works out the layout. */
static int read_header(const struct bin_reader *R, struct vmt_trace *t,
		       struct bin_layout *L)
{
	const unsigned char *h = R->buf;
	uint64_t ids_bytes, strs_bytes, room, count;
	int ret;

	if ((ret = bin_read_header_fields(R, t)))
		return ret;
	if (R->len < VMT_BIN_HEADER_SIZE + VMT_BIN_FOOTER_SIZE)
		return bin_bad(R, R->len, "truncated: no room for the %d-byte footer",
			   VMT_BIN_FOOTER_SIZE);
	L->foot_off = R->len - VMT_BIN_FOOTER_SIZE;
	if (memcmp(h + L->foot_off + VMT_BIN_FOOT_MAGIC, VMT_BIN_FOOTER_MAGIC, 8))
		return bin_bad(R, L->foot_off + VMT_BIN_FOOT_MAGIC,
			   "no footer magic: truncated, or not a whole file");

	/* Every size is checked against the room left, so no sum overflows. */
	L->nmeta = bin_get32(h + VMT_BIN_OFF_NMETA);
	L->nids = bin_get32(h + VMT_BIN_OFF_NIDS);
	L->nstrs = bin_get32(h + VMT_BIN_OFF_NSTRS);
	ids_bytes = bin_get64(h + VMT_BIN_OFF_IDS_BYTES);
	strs_bytes = bin_get64(h + VMT_BIN_OFF_STRS_BYTES);
	room = L->foot_off - VMT_BIN_HEADER_SIZE;
	if ((uint64_t)L->nmeta * VMT_BIN_META_SIZE > room)
		return bin_bad(R, VMT_BIN_OFF_NMETA, "%" PRIu32 " meta entries do not fit in the file",
			   L->nmeta);
	room -= (uint64_t)L->nmeta * VMT_BIN_META_SIZE;
	if (ids_bytes > room)
		return bin_bad(R, VMT_BIN_OFF_IDS_BYTES, "id table of %" PRIu64 " bytes does not fit in the file",
			   ids_bytes);
	room -= ids_bytes;
	if (strs_bytes > room)
		return bin_bad(R, VMT_BIN_OFF_STRS_BYTES,
			   "text table of %" PRIu64 " bytes does not fit in the file", strs_bytes);
	if ((ret = bin_read_table_counts(R, L, ids_bytes, strs_bytes)))
		return ret;
	L->meta_off = VMT_BIN_HEADER_SIZE;
	L->ids_off = L->meta_off + (size_t)L->nmeta * VMT_BIN_META_SIZE;
	L->strs_off = L->ids_off + ids_bytes;
	L->strs_end = L->strs_off + strs_bytes;
	L->ev_off = (L->strs_end + VMT_BIN_EVENT_ALIGN - 1) & ~(size_t)(VMT_BIN_EVENT_ALIGN - 1);
	if (L->ev_off > L->foot_off)
		return bin_bad(R, L->strs_end, "truncated: no room for the padding before the events");
	for (size_t i = L->strs_end; i < L->ev_off; i++)
		if (h[i])
			return bin_bad(R, i, "padding byte is not 0");
	if ((L->foot_off - L->ev_off) % VMT_BIN_RECORD_SIZE)
		return bin_bad(R, L->ev_off, "events: %zu bytes is not a whole number of %d-byte records",
			   L->foot_off - L->ev_off, VMT_BIN_RECORD_SIZE);
	L->nev = (L->foot_off - L->ev_off) / VMT_BIN_RECORD_SIZE;
	count = bin_get64(h + L->foot_off + VMT_BIN_FOOT_COUNT);
	if (count != L->nev)
		return bin_bad(R, L->foot_off + VMT_BIN_FOOT_COUNT,
			   "footer counts %" PRIu64 " events but the file holds %zu", count, L->nev);
	t->lost_events = bin_get64(h + L->foot_off + VMT_BIN_FOOT_LOST);
	return 0;
}

/*
 * Hashes [0, checksum) in one pass, validating each block of events while
 * it is in cache.  Errors in the tables and events are reported only after
 * the checksum matched: a checksum mismatch explains them.
 */
static int read_body(const struct bin_reader *R, const struct bin_layout *L,
		     bool verify_checksum, struct vmt_trace *t)
{
	const struct vmt_event *ev = (const void *)(R->buf + L->ev_off);
	struct event_limits lim = { L->nids, &t->strs, NULL, false };
	struct vmt_err table_err = { { 0 } };
	struct bin_reader tables = { R->name, R->buf, R->len, &table_err };
	XXH3_state_t *hash = NULL;
	const char *problem = NULL;
	size_t bad_event = 0;
	uint64_t want, got;
	int ret = -ENOMEM, table_ret;

	if (verify_checksum) {
		hash = XXH3_createState();
		if (!hash || XXH3_64bits_reset(hash) != XXH_OK)
			goto out;
		XXH3_64bits_update(hash, R->buf, L->ev_off);
	}
	table_ret = bin_read_table(&tables, "id", (const char *)R->buf + L->ids_off, L->ids_off,
			       L->strs_off - L->ids_off, L->nids, true, &t->ids);
	if (!table_ret)
		table_ret = bin_read_table(&tables, "text", (const char *)R->buf + L->strs_off,
				       L->strs_off, L->strs_end - L->strs_off, L->nstrs, false,
				       &t->strs);
	if (!table_ret)
		table_ret = bin_read_meta(&tables, R->buf + L->meta_off, L->meta_off, L->nmeta,
				      L->nstrs, t);
	if (table_ret == -ENOMEM)
		goto out;
	lim.attrs_ok = calloc(t->strs.count, 1);
	if (!lim.attrs_ok)
		goto out;
	for (size_t i = 0; i < L->nev; i += EVENT_BLOCK) {
		size_t n = L->nev - i < EVENT_BLOCK ? L->nev - i : EVENT_BLOCK;

		if (hash)
			XXH3_64bits_update(hash, ev + i, n * sizeof(*ev));
		for (size_t j = i; j < i + n && !problem && !table_ret; j++)
			if ((problem = event_problem(&ev[j], &lim)))
				bad_event = j;
	}
	if (hash) {
		XXH3_64bits_update(hash, R->buf + L->foot_off, VMT_BIN_FOOT_CHECKSUM);
		got = XXH3_64bits_digest(hash);
		want = bin_get64(R->buf + L->foot_off + VMT_BIN_FOOT_CHECKSUM);
		if (got != want) {
			ret = bin_bad(R, L->foot_off + VMT_BIN_FOOT_CHECKSUM,
				  "checksum 0x%016" PRIx64 " does not match the content (0x%016" PRIx64 ")",
				  want, got);
			goto out;
		}
	}
	if (table_ret) {
		vmt_err_set(R->err, "%s", table_err.msg);
		ret = table_ret;
		goto out;
	}
	if (problem) {
		const struct vmt_event *e = &ev[bad_event];

		ret = bin_bad(R, L->ev_off + bad_event * sizeof(*ev),
			  "event %zu: %s (op %u, flags 0x%02x, id %" PRIu32 ", attrs %" PRIu32 ")",
			  bad_event, problem, e->op, e->flags, e->id, e->attrs);
		goto out;
	}
	/* Read in place; ev_cap 0 says the events are not the trace's to free. */
	t->ev = (struct vmt_event *)ev;
	t->nev = L->nev;
	t->ev_cap = 0;
	ret = 0;
out:
	free(lim.attrs_ok);
	XXH3_freeState(hash);
	return ret;
}

int vmt_bin_parse(const char *name, const void *buf, size_t len,
		  bool verify_checksum, struct vmt_trace *t, struct vmt_err *err)
{
	struct bin_reader R = { name, buf, len, err };
	struct bin_layout L = { 0 };
	int ret;

	if ((uintptr_t)buf % _Alignof(struct vmt_event)) {
		vmt_err_set(err, "%s: internal error: buffer not aligned for in-place reading", name);
		return -EINVAL;
	}
	ret = read_header(&R, t, &L);
	if (!ret)
		ret = read_body(&R, &L, verify_checksum, t);
	if (ret == -ENOMEM)
		vmt_err_set(err, "%s: out of memory", name);
	return ret;
}
