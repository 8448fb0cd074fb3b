/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef AL_UTIL_FILE_H
#define AL_UTIL_FILE_H

#include <stddef.h>
#include <stdio.h>

#include <authlint/status.h>

/**
 * Read a whole file ("-" is standard input) into a malloc()ed, NUL-terminated
 * buffer. Fails with AL_ELIMIT past @p max bytes, AL_ENOENT / AL_EIO with
 * the file and the system's reason in @p err.
 */
al_status al_file_read_all(const char *path, size_t max, char **data, size_t *length, al_error *err);
/** Read all of a stream (same limits). */
al_status al_stream_read_all(FILE *stream, const char *label, size_t max, char **data,
			     size_t *length, al_error *err);

#endif
