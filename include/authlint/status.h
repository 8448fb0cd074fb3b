/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file status.h
 * Whether a call worked. Findings about records are never statuses: linting a
 * broken record returns AL_OK with findings in the report.
 */
#ifndef AUTHLINT_STATUS_H
#define AUTHLINT_STATUS_H

#include <authlint/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, message). The order is the numeric value; append only. */
#define AL_STATUS_LIST(X)                                                     \
	X(AL_OK, "success")                                                   \
	X(AL_ENOMEM, "out of memory")                                         \
	X(AL_EINVAL, "invalid argument")                                      \
	X(AL_EIO, "input/output error")                                       \
	X(AL_ENOENT, "no such file or entry")                                 \
	X(AL_ESYNTAX, "syntax error")                                         \
	X(AL_ELIMIT, "limit exceeded")                                        \
	X(AL_ETIMEOUT, "timed out")                                           \
	X(AL_ENETWORK, "network error")                                       \
	X(AL_EOFFLINE, "not available offline")                               \
	X(AL_EUNSUPPORTED, "not supported")                                   \
	X(AL_ECONFIG, "invalid configuration")                                \
	X(AL_ERULES, "invalid rule registry")                                 \
	X(AL_EINTERNAL, "internal error")                                     \
	X(AL_ECANCELED, "cancelled")

typedef enum al_status {
#define AL_STATUS_ENUM_(name, msg) name,
	AL_STATUS_LIST(AL_STATUS_ENUM_)
#undef AL_STATUS_ENUM_
	AL_STATUS_COUNT_
} al_status;

/** Symbolic name of a status ("AL_ENOMEM"); never NULL. */
AL_EXPORT const char *al_status_name(al_status status);
/** Human message of a status ("out of memory"); never NULL. */
AL_EXPORT const char *al_status_message(al_status status);

/**
 * Detail for a failed call: the status and a message naming the file and
 * line, or the domain and server, that caused it. Callers own it (usually on
 * the stack); functions that take an `al_error *` accept NULL.
 */
typedef struct al_error {
	al_status status;
	char message[1024];
} al_error;

/** Set @p err (if not NULL) to @p status with a printf-style message; returns @p status. */
AL_EXPORT al_status al_error_set(al_error *err, al_status status, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

#ifdef __cplusplus
}
#endif
#endif
