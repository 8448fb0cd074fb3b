/* SPDX-License-Identifier: GPL-3.0-or-later */
/* For sources built on other sources (lock, recorder): one question to a
 * source's backend, without the front end's CNAME following. */
#ifndef AL_DNS_SOURCE_INTERNAL_H
#define AL_DNS_SOURCE_INTERNAL_H

#include <authlint/source.h>

/** The backend's own answer to (name, type): a CNAME at the name is returned as such. */
al_status al_source_backend_lookup(al_source *source, const char *name, uint16_t type, const al_answer **out);
/** Give back an answer of al_source_backend_lookup. */
void al_source_backend_release(al_source *source, const al_answer *answer);

#endif
