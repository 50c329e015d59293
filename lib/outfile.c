/* SPDX-License-Identifier: MIT */
/* Output files written whole or not at all (outfile.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/outfile.h"

int outfile_open(struct outfile *o, const char *path)
{
	int fd, ret;

	memset(o, 0, sizeof(*o));
	if (!strcmp(path, "-")) {
		o->f = stdout;
		return 0;
	}
	o->path = strdup(path);
	if (!o->path || asprintf(&o->tmp, "%s.tmp.XXXXXX", path) < 0) {
		o->tmp = NULL;
		ret = -ENOMEM;
		goto out;
	}
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	/* mkstemp makes 0600; give the file the usual mode. */
	fchmod(fd, 0644 & ~umask(umask(0)));
	o->f = fdopen(fd, "w");
	if (!o->f) {
		ret = -errno;
		close(fd);
		unlink(o->tmp);
		goto out;
	}
	return 0;
out:
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	return ret;
}

int outfile_sync(struct outfile *o)
{
	if (!o->f)
		return -EBADF;
	if (o->f == stdout)
		return fflush(stdout) ? -errno : 0;
	errno = 0;
	if (fflush(o->f) || ferror(o->f) || fsync(fileno(o->f)))
		return errno ? -errno : -EIO;
	return 0;
}

int outfile_commit(struct outfile *o)
{
	int ret;

	if (!o->f)
		return -EBADF;
	ret = outfile_sync(o);
	if (o->f == stdout) {
		o->f = NULL;
		return ret;
	}
	if (fclose(o->f) && !ret)
		ret = -errno;
	o->f = NULL;
	if (!ret && rename(o->tmp, o->path))
		ret = -errno;
	if (ret)
		unlink(o->tmp);
	free(o->path);
	free(o->tmp);
	o->path = o->tmp = NULL;
	return ret;
}

void outfile_abort(struct outfile *o)
{
	if (o->f && o->f != stdout) {
		fclose(o->f);
		unlink(o->tmp);
	}
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}
