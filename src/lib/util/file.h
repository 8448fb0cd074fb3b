/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading input files with a bound: every file the library reads is a
 * regular file (a directory, a device, a FIFO or a socket is refused before
 * anything is read from it, so /dev/zero or a FIFO cannot make a read go on
 * for ever), no larger than the limit its kind of input has, and the limit
 * is stated in the error. Standard input is the caller's business.
 */
#ifndef AL_UTIL_FILE_H
#define AL_UTIL_FILE_H

#include <stddef.h>
#include <stdio.h>

#include <authlint/status.h>

/** @p n bytes as "64 MiB", "1 GiB", "300 KiB" or "100 bytes" (exact units only). */
const char *al_size_text(size_t n, char out[32]);

/**
 * Open @p path for reading if it is a regular file of at most @p max bytes.
 * Otherwise fail with "@p label: reason" in @p err (the reason alone when
 * @p label is NULL): AL_ENOENT or AL_EIO ("is a directory", "not a regular
 * file"), or AL_ELIMIT ("larger than 64 MiB, the limit for @p what"). The
 * descriptor is the caller's to close; *size is the file's size when opened.
 */
al_status al_file_open_regular(const char *path, const char *label, const char *what, size_t max, int *fd,
			       size_t *size, al_error *err);

/**
 * Read a whole regular file (see al_file_open_regular; "-" is a file of that name) into a malloc()ed,
 * NUL-terminated buffer; a file that grows past @p max while it is read
 * fails with AL_ELIMIT too. @p what names the kind of input for the limit's
 * message ("a configuration file").
 */
al_status al_file_read_all(const char *path, const char *what, size_t max, char **data, size_t *length,
			   al_error *err);

#endif
