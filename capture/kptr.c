/* SPDX-License-Identifier: MIT */
/* Reading and writing /proc/sys/kernel/kptr_restrict. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/kptr.h"

#define KPTR_RESTRICT "/proc/sys/kernel/kptr_restrict"

static int kptr_read(int *value)
{
	char buf[16];
	ssize_t n;
	int fd, ret = 0;

	fd = open(KPTR_RESTRICT, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	buf[n] = '\0';
	if (sscanf(buf, "%d", value) != 1)
		ret = -EINVAL;
out:
	close(fd);
	return ret;
}

static int kptr_write(int value)
{
	char buf[16];
	int fd, len, ret = 0;

	fd = open(KPTR_RESTRICT, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%d\n", value);
	errno = 0;
	if (write(fd, buf, len) != len)
		ret = errno ? -errno : -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

int kptr_restrict_set(struct kptr_restrict *k, int value, struct vmt_err *err)
{
	int ret;

	k->changed = false;
	ret = kptr_read(&k->old);
	if (ret) {
		vmt_err_set(err, "%s: cannot read: %s", KPTR_RESTRICT, strerror(-ret));
		return ret;
	}
	if (k->old == value)
		return 0;
	ret = kptr_write(value);
	if (ret) {
		vmt_err_set(err, "%s: cannot set to %d: %s", KPTR_RESTRICT, value,
			    strerror(-ret));
		return ret;
	}
	k->changed = true;
	return 0;
}

int kptr_restrict_restore(struct kptr_restrict *k, struct vmt_err *err)
{
	int ret;

	if (!k->changed)
		return 0;
	ret = kptr_write(k->old);
	if (ret) {
		vmt_err_set(err, "%s: cannot restore %d: %s (restore it by hand: "
			    "sysctl kernel.kptr_restrict=%d)", KPTR_RESTRICT, k->old,
			    strerror(-ret), k->old);
		return ret;
	}
	k->changed = false;
	return 0;
}
