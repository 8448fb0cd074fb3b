/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *al_size_text(size_t n, char out[32])
{
	static const char *const units[] = {"GiB", "MiB", "KiB"};
	static const unsigned shifts[] = {30, 20, 10};
	for (size_t i = 0; i < 3; i++) {
		size_t unit = (size_t)1 << shifts[i];
		if (n >= unit && n % unit == 0) {
			snprintf(out, 32, "%zu %s", n >> shifts[i], units[i]);
			return out;
		}
	}
	snprintf(out, 32, "%zu bytes", n);
	return out;
}

static al_status too_large(al_error *err, const char *label, const char *what, size_t max)
{
	char limit[32];
	if (label == NULL)
		return al_error_set(err, AL_ELIMIT, "larger than %s, the limit for %s", al_size_text(max, limit),
				    what);
	return al_error_set(err, AL_ELIMIT, "%s: larger than %s, the limit for %s", label,
			    al_size_text(max, limit), what);
}

/* "label: why", or only why when there is no label */
static al_status refuse(al_error *err, al_status status, const char *label, const char *why)
{
	if (label == NULL)
		return al_error_set(err, status, "%s", why);
	return al_error_set(err, status, "%s: %s", label, why);
}

al_status al_file_open_regular(const char *path, const char *label, const char *what, size_t max, int *fd,
			       size_t *size, al_error *err)
{
	*fd = -1;
	*size = 0;
	/* O_NONBLOCK: opening a FIFO with no writer must not wait for one */
	int f = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (f < 0) {
		int e = errno;
		return refuse(err, e == ENOENT ? AL_ENOENT : AL_EIO, label, strerror(e));
	}
	struct stat st;
	if (fstat(f, &st) != 0) {
		int e = errno;
		close(f);
		return refuse(err, AL_EIO, label, strerror(e));
	}
	if (S_ISDIR(st.st_mode)) {
		close(f);
		return refuse(err, AL_EIO, label, "is a directory");
	}
	if (!S_ISREG(st.st_mode)) {
		close(f);
		return refuse(err, AL_EIO, label, "not a regular file (a device, a FIFO or a socket)");
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > (unsigned long long)max) {
		close(f);
		return too_large(err, label, what, max);
	}
	*fd = f;
	*size = (size_t)st.st_size;
	return AL_OK;
}

/* Read from @p fd to the end, at most @p max bytes; @p hint is the expected size. */
static al_status read_fd(int fd, const char *label, const char *what, size_t max, size_t hint, char **data,
			 size_t *length, al_error *err)
{
	if (max > SIZE_MAX / 4)
		max = SIZE_MAX / 4;
	size_t cap = hint < max ? hint + 1 : max + 1, len = 0;
	if (cap < 4096)
		cap = max + 1 < 4096 ? max + 1 : 4096;
	char *buf = malloc(cap + 1);
	if (buf == NULL)
		return al_error_set(err, AL_ENOMEM, "%s: out of memory", label);
	for (;;) {
		if (len == cap) {
			/* room for max bytes and one more, to tell that there are more */
			if (cap > max) {
				free(buf);
				return too_large(err, label, what, max);
			}
			size_t grown = cap <= (max + 1) / 2 ? cap * 2 : max + 1;
			char *p = realloc(buf, grown + 1);
			if (p == NULL) {
				free(buf);
				return al_error_set(err, AL_ENOMEM, "%s: out of memory", label);
			}
			buf = p;
			cap = grown;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			return al_error_set(err, AL_EIO, "%s: %s", label, strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		free(buf);
		return too_large(err, label, what, max);
	}
	buf[len] = '\0';
	*data = buf;
	*length = len;
	return AL_OK;
}

al_status al_file_read_all(const char *path, const char *what, size_t max, char **data, size_t *length,
			   al_error *err)
{
	int fd;
	size_t size;
	al_status st = al_file_open_regular(path, path, what, max, &fd, &size, err);
	if (st != AL_OK)
		return st;
	st = read_fd(fd, path, what, max, size, data, length, err);
	close(fd);
	return st;
}
