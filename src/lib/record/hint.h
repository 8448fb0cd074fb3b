/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Typo hints for tag names and values, shared by the DMARC and DKIM parsers. */
#ifndef AL_RECORD_HINT_H
#define AL_RECORD_HINT_H

#include <stdbool.h>
#include <stddef.h>

/**
 * The word of @p words closest to @p word (@p length bytes) within a small edit
 * distance (one edit, two for words of five letters or more; transpositions
 * count as one), or NULL when there is none or two are equally close.
 */
const char *al_closest_word(const char *word, size_t length, const char *const *words, size_t count,
			    bool case_sensitive);

#endif
