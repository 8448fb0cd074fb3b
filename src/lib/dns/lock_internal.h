/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by lock.c (reading, answering) and lock_record.c (recording, writing, comparing). */
#ifndef AL_DNS_LOCK_INTERNAL_H
#define AL_DNS_LOCK_INTERNAL_H

#include <authlint/lock.h>

#include "util/strbuf.h"

/** "TXT", "A", ..., "TYPE65" (any case) into *@p type. */
bool al_lock_type_parse(const char *text, size_t length, uint16_t *type);
/** What the lock answers to (name, type), as its source does; @p server names it. */
al_status al_lock_answer(al_lock *lock, const char *name, uint16_t type, const char *server, const al_answer **out);
void al_lock_answer_release(al_lock *lock, const al_answer *answer);
/** The RDATA of @p rr in zone-file presentation form (names absolute, lower case). */
void al_lock_rdata_text(al_strbuf *out, uint16_t type, const uint8_t *rdata, size_t rdlength);

#endif
