/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TXT RDATA: character-strings (RFC 1035 section 3.3.14), joined as receivers
 * join them (RFC 7208 section 3.3, RFC 7489 section 6.3, RFC 6376 section 3.6.2.2). */
#ifndef AL_DNS_TXT_H
#define AL_DNS_TXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * The character-strings of @p rdata: how many are whole and their joined
 * length. A string that runs past the end makes *malformed true and stops
 * the walk there; what came before it is still counted.
 */
void al_txt_measure(const uint8_t *rdata, size_t rdlength, size_t *count, size_t *length, bool *malformed);

/**
 * Copy the whole strings of @p rdata, joined, into @p out: at most @p max
 * octets (no NUL is added). @p ends, when not NULL, receives the end offset of
 * each string (room for the count al_txt_measure gives). Returns the octets
 * copied.
 */
size_t al_txt_copy(const uint8_t *rdata, size_t rdlength, char *out, size_t max, size_t *ends);

#endif
