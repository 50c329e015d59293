/* SPDX-License-Identifier: MIT */
/* The trace-cmd trace.dat reader (import_tracedat.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <event-parse.h>
#include <trace-cmd.h>

#include "capture/import_tracedat.h"
#include "trace/trace_io.h"

enum { EV_ALLOC, EV_FREE, EV_PURGE, NR_EVENTS };
#define MAX_FIELDS 6

/* The three vmalloc tracepoints and, in order, the fields read from each. */
static const char *const event_names[NR_EVENTS] = {
	"alloc_vmap_area", "free_vmap_area_noflush", "purge_vmap_area_lazy",
};
static const char *const field_names[NR_EVENTS][MAX_FIELDS] = {
	{ "addr", "size", "align", "vstart", "vend", "failed" },
	{ "va_start", "nr_lazy", "nr_lazy_max" },
	{ "start", "end", "npurged" },
};
/* Free's nr_lazy and nr_lazy_max are newer than the event: optional. */
#define FREE_FIRST_OPTIONAL 1

/* One buffer of the file, with its vmalloc events looked up. */
struct reader {
	const char *path;
	const char *buffer;		/* "" for the top level */
	struct tep_handle *tep;
	int id[NR_EVENTS];		/* event ids, -1 when not in the file */
	struct tep_format_field *field[NR_EVENTS][MAX_FIELDS];
	struct vmt_builder *b;
	struct vmt_tracedat_stats *st;
	struct vmt_err *err;
	uint32_t nrec;			/* records of this buffer so far */
	uint64_t events;		/* vmalloc events of this buffer */
	bool has_format;		/* a vmalloc event's format is in the file */
	int ret;			/* the first error, stops the iteration */
};

/* Finds the events and their fields.  Returns 0 or -EINVAL. */
static int lookup_events(struct reader *R)
{
	for (int e = 0; e < NR_EVENTS; e++) {
		struct tep_event *ev = tep_find_event_by_name(R->tep, "vmalloc", event_names[e]);

		R->id[e] = ev ? ev->id : -1;
		R->has_format |= ev != NULL;
		for (int i = 0; ev && i < MAX_FIELDS && field_names[e][i]; i++) {
			R->field[e][i] = tep_find_field(ev, field_names[e][i]);
			if (!R->field[e][i] && !(e == EV_FREE && i >= FREE_FIRST_OPTIONAL)) {
				vmt_err_set(R->err, "%s: vmalloc:%s has no field '%s'", R->path,
					    event_names[e], field_names[e][i]);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* The raw event of a vmalloc record whose fields are @v (by field_names). */
static void fill_event(int e, const uint64_t *v, const struct tep_format_field *const *f,
		       struct vmt_raw_event *ev, struct vmt_raw_num *extra)
{
	switch (e) {
	case EV_ALLOC:
		ev->op = VMT_ALLOC;
		ev->va = v[0];
		ev->size = v[1];
		ev->align = v[2];
		ev->vstart = v[3];
		ev->vend = v[4];
		if (v[5])
			ev->flags |= VMT_F_FAILED;
		break;
	case EV_FREE:
		ev->op = VMT_FREE;
		ev->va = v[0];
		ev->extra = extra;
		for (int i = FREE_FIRST_OPTIONAL; i < 3; i++)
			if (f[i])
				extra[ev->nextra++] = (struct vmt_raw_num){ field_names[e][i], v[i] };
		break;
	default:
		ev->op = VMT_PURGE;
		ev->start = v[0];
		ev->end = v[1];
		ev->npurged = v[2];
	}
}

static int add_record(struct reader *R, int e, struct tep_record *rec)
{
	struct vmt_raw_event ev = {
		.flags = VMT_F_T | VMT_F_CPU | VMT_F_PID, .t = rec->ts,
		.line = R->nrec,
	};
	struct vmt_raw_num extra[2];
	uint64_t v[MAX_FIELDS] = { 0 };
	unsigned long long val;
	int pid = tep_data_pid(R->tep, rec);
	const char *comm;

	for (int i = 0; i < MAX_FIELDS && field_names[e][i]; i++) {
		if (!R->field[e][i])
			continue;
		if (tep_read_number_field(R->field[e][i], rec->data, &val))
			return vmt_err_line(R->err, R->path, R->nrec, "vmalloc:%s: cannot read "
					    "field '%s'", event_names[e], field_names[e][i]);
		v[i] = val;
	}
	if (e == EV_ALLOC && v[5] > 1)
		return vmt_err_line(R->err, R->path, R->nrec, "alloc_vmap_area: failed=%"
				    PRIu64 " is not 0 or 1", v[5]);
	if (pid < 0 || rec->cpu < 0 || rec->cpu > UINT16_MAX)
		return vmt_err_line(R->err, R->path, R->nrec, "bad pid %d or cpu %d",
				    pid, rec->cpu);
	ev.pid = (uint32_t)pid;
	ev.cpu = (uint16_t)rec->cpu;
	comm = tep_data_comm_from_pid(R->tep, pid);
	if (comm && strcmp(comm, "<...>"))
		ev.comm = comm;
	fill_event(e, v, (const struct tep_format_field *const *)R->field[e], &ev, extra);
	return vmt_builder_add(R->b, &ev, R->err);
}

static int on_record(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *data)
{
	struct reader *R = data;
	int type = tep_data_type(R->tep, rec), e;

	(void)h;
	(void)cpu;
	R->nrec++;
	if (rec->missed_events > 0)
		R->st->lost_events += rec->missed_events;
	else if (rec->missed_events < 0)
		R->st->lost_unknown++;
	for (e = 0; e < NR_EVENTS && R->id[e] != type; e++)
		;
	if (e == NR_EVENTS) {
		R->st->other_events++;
		return 0;
	}
	R->ret = add_record(R, e, rec);
	R->events++;
	return R->ret ? 1 : 0;	/* non-zero stops the iteration */
}

/* Reads one buffer's records.  Returns 0 or a negative errno. */
static int read_buffer(struct reader *R, struct tracecmd_input *h)
{
	int ret;

	R->tep = tracecmd_get_tep(h);
	if ((ret = lookup_events(R)))
		return ret;
	ret = tracecmd_iterate_events(h, NULL, 0, on_record, R);
	if (R->ret)
		return R->ret;
	if (ret < 0) {
		vmt_err_set(R->err, "%s: cannot read the records of buffer '%s' "
			    "(truncated or damaged file)", R->path, R->buffer);
		return -EINVAL;
	}
	return 0;
}

/*
 * Opens the trace.dat at @path with libtracecmd, which reads a file: one
 * compressed whole with zstd (told by content) is decompressed into an
 * anonymous file first.  Returns 0 with *@top set (NULL when libtracecmd
 * cannot read it), or a negative errno with @err set.
 */
static int open_tracedat(const char *path, struct tracecmd_input **top, struct vmt_err *err)
{
	struct input_file in;
	bool zstd;
	int fd = -1, ret;

	*top = NULL;
	/* Also says what libtracecmd would not, for a file it cannot open. */
	ret = input_file_open_plain(path, &in, &zstd, err);
	if (ret)
		return ret;
	if (!zstd) {
		*top = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS);
		goto out;
	}
	fd = memfd_create("trace.dat", MFD_CLOEXEC);
	for (size_t done = 0; fd >= 0 && done < in.len;) {
		ssize_t n = write(fd, in.data + done, in.len - done);

		if (n < 0 && errno != EINTR) {
			close(fd);
			fd = -1;
		}
		done += n > 0 ? (size_t)n : 0;
	}
	if (fd < 0 || lseek(fd, 0, SEEK_SET)) {
		ret = -errno;
		vmt_err_set(err, "%s: cannot decompress into a temporary file: %s", path,
			    strerror(errno));
		goto out;
	}
	/* The handle owns the descriptor from here, as tracecmd_open's own. */
	*top = tracecmd_open_fd(fd, TRACECMD_FL_LOAD_NO_PLUGINS);
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	input_file_close(&in);
	return ret;
}

int vmt_tracedat_load(const char *path, struct vmt_builder *b,
		      struct vmt_tracedat_stats *st, struct vmt_err *err)
{
	struct tracecmd_input *top = NULL, *h = NULL;
	bool has_format = false;
	int nbuf, ret;

	memset(st, 0, sizeof(*st));
	if ((ret = open_tracedat(path, &top, err)))
		goto out;
	if (!top) {
		vmt_err_set(err, "%s: not a trace-cmd trace.dat, or a damaged one "
			    "(libtracecmd cannot read its headers)", path);
		ret = -EINVAL;
		goto out;
	}
	nbuf = tracecmd_buffer_instances(top);
	for (int i = -1; !ret && i < nbuf; i++) {
		struct reader R = { .path = path, .b = b, .st = st, .err = err };

		R.buffer = i < 0 ? "" : tracecmd_buffer_instance_name(top, i);
		h = i < 0 ? top : tracecmd_buffer_instance_handle(top, i);
		if (!h) {
			vmt_err_set(err, "%s: cannot open buffer '%s'", path, R.buffer);
			ret = -EINVAL;
			goto out;
		}
		ret = read_buffer(&R, h);
		has_format |= R.has_format;
		if (!ret && R.events && st->events) {
			vmt_err_set(err, "%s: vmalloc events in two buffers ('%s' and '%s'): "
				    "extract one (trace-cmd extract -B NAME)", path, st->buffer,
				    R.buffer);
			ret = -EINVAL;
		}
		if (!ret && R.events) {
			st->events = R.events;
			snprintf(st->buffer, sizeof(st->buffer), "%s", R.buffer);
		}
		if (h != top)
			tracecmd_close(h);
		h = NULL;
	}
	if (!ret && !has_format) {
		vmt_err_set(err, "%s: no vmalloc event formats: the vmalloc events were "
			    "not enabled when this was recorded", path);
		ret = -EINVAL;
	}
out:
	if (top)
		tracecmd_close(top);
	return ret;
}
