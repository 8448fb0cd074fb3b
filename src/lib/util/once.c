/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "util/once.h"

#include <stddef.h>

al_status al_once_get(al_once *once, al_once_build_fn build, const void **out, al_error *err)
{
	pthread_mutex_lock(&once->lock);
	if (!once->done) {
		void *value = NULL;
		once->error.status = AL_OK;
		once->error.message[0] = '\0';
		once->status = build(&value, &once->error);
		once->value = once->status == AL_OK ? value : NULL;
		once->done = true;
	}
	pthread_mutex_unlock(&once->lock);
	*out = once->value;
	if (once->status != AL_OK && err != NULL)
		*err = once->error;
	return once->status;
}
