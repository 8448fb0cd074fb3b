/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A value built once per process from the library's built-in data (the
 * senders catalog, the provider snapshot) and shared by every caller after:
 * the first caller builds it, also when threads race; the value is only read
 * after, and is owned by the library for the life of the process (never
 * freed). A build that failed fails every later call the same way, with the
 * same error.
 */
#ifndef AL_UTIL_ONCE_H
#define AL_UTIL_ONCE_H

#include <pthread.h>
#include <stdbool.h>

#include <authlint/status.h>

typedef struct al_once {
	pthread_mutex_t lock;
	bool done;
	const void *value;
	al_status status;
	al_error error;
} al_once;

#define AL_ONCE_INIT {PTHREAD_MUTEX_INITIALIZER, false, NULL, AL_OK, {AL_OK, ""}}

/* Builds the value into *out (NULL is a value: "none built in"). */
typedef al_status (*al_once_build_fn)(void **out, al_error *err);

/* The value of @p once, built with @p build on the first call; *out is NULL on failure. */
al_status al_once_get(al_once *once, al_once_build_fn build, const void **out, al_error *err);

#endif
