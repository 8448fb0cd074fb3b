/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A TXT record written as in a zone file: one or more character-strings,
 * quoted ("v=spf1 mx " "-all") or not, with \X and \DDD escapes, as users
 * paste them from a DNS editor. Gives the RDATA in wire form and, for every
 * byte of the joined text, the line and column it came from.
 */
#ifndef AL_RECORD_TXTPRES_H
#define AL_RECORD_TXTPRES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/status.h>

struct al_arena;

typedef struct al_txt_presentation {
	uint8_t *rdata;          /* wire form; strings over 255 octets are split at 255 */
	size_t rdlength;
	size_t joined_length;    /* octets of the strings joined */
	unsigned long *lines;    /* per joined byte: 1-based line in the input */
	unsigned long *columns;  /* per joined byte: 1-based column in the input */
	size_t string_count;     /* strings as written */
	size_t longest;          /* the longest string as written, in octets */
	unsigned long longest_line;
	unsigned long longest_column;
} al_txt_presentation;

/** True when @p text looks like presentation form: it starts (after blanks) with a quote. */
bool al_txt_is_presentation(const char *text, size_t length);
/**
 * Parse presentation form. AL_ESYNTAX with a message naming the line and
 * column for an unterminated quote, a bad \DDD escape, or nothing at all.
 */
al_status al_txt_parse_presentation(const char *text, size_t length, struct al_arena *arena,
				    al_txt_presentation *out, al_error *err);

#endif
