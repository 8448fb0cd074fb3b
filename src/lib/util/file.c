/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "util/file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

al_status al_stream_read_all(FILE *stream, const char *label, size_t max, char **data,
			     size_t *length, al_error *err)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	if (buf == NULL)
		return al_error_set(err, AL_ENOMEM, "%s: out of memory", label);
	for (;;) {
		if (cap - len < 2) {
			if (cap > max) {
				free(buf);
				return al_error_set(err, AL_ELIMIT, "%s: larger than %zu bytes", label, max);
			}
			char *p = realloc(buf, cap * 2);
			if (p == NULL) {
				free(buf);
				return al_error_set(err, AL_ENOMEM, "%s: out of memory", label);
			}
			buf = p;
			cap *= 2;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, stream);
		len += n;
		if (len > max) {
			free(buf);
			return al_error_set(err, AL_ELIMIT, "%s: larger than %zu bytes", label, max);
		}
		if (n == 0) {
			if (ferror(stream)) {
				int e = errno;
				free(buf);
				return al_error_set(err, AL_EIO, "%s: %s", label, strerror(e));
			}
			break;
		}
	}
	buf[len] = '\0';
	*data = buf;
	*length = len;
	return AL_OK;
}

al_status al_file_read_all(const char *path, size_t max, char **data, size_t *length, al_error *err)
{
	if (strcmp(path, "-") == 0)
		return al_stream_read_all(stdin, "<stdin>", max, data, length, err);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		int e = errno;
		return al_error_set(err, e == ENOENT ? AL_ENOENT : AL_EIO, "%s: %s", path, strerror(e));
	}
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return al_error_set(err, AL_EIO, "%s: is a directory", path);
	}
	al_status s = al_stream_read_all(f, path, max, data, length, err);
	fclose(f);
	return s;
}
