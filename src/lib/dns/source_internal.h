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

/** The backend state of @p source when its backend is @p ops, else NULL. */
void *al_source_impl_if(const al_source *source, const al_source_ops *ops);

/**
 * When @p source is a zone's source (al_source_new_zone): whether the zone
 * covers @p name (*covered) and, when it does, its answer to (name, type) in
 * *out (released through @p source) with the status of the lookup in *status,
 * the name read once. False, and nothing set, for any other source.
 */
bool al_zone_source_answer(al_source *source, const char *name, uint16_t type, bool *covered,
			   const al_answer **out, al_status *status);

#endif
