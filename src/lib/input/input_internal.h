/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the readers of other zone formats share: the store they fill, a
 * location for each record, RDATA made from presentation text by the same
 * scanner that reads BIND files (libzscanner), and problems.
 */
#ifndef AL_INPUT_INTERNAL_H
#define AL_INPUT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/input.h>
#include <authlint/source.h>

/* Bounds of every reader. */
#define AL_INPUT_MAX_BYTES ((size_t)64 << 20)   /* one JSON input (a Terraform plan) */
#define AL_INPUT_MAX_DEPTH 64                   /* JSON nesting */
#define AL_INPUT_MAX_MODULES 1000               /* Terraform modules visited */
#define AL_INPUT_MAX_VALUES 1000                /* values of one record set */
#define AL_INPUT_MAX_TEXT 65535                 /* the presentation text of one value */
#define AL_INPUT_DEFAULT_TTL 3600

/* A reader's state: the store, the input's label, and a scanner for RDATA. */
typedef struct al_input {
	al_zone *zone;
	const char *label;       /* the file as named in locations */
	void *scanner;           /* zs_scanner_t, made on first use */
	char scanner_origin[AL_NAME_MAX];
	uint8_t rdata[65535];
	size_t rdlength;
	size_t problems;         /* problems recorded by this reader */
} al_input;

void al_input_init(al_input *in, al_zone *zone, const char *label);
void al_input_done(al_input *in);

/* A problem at @p file (label) : @p line, reported as a ZONE finding. */
void al_input_problem(al_input *in, const char *file, unsigned long line, const char *owner,
		      al_zone_problem_kind kind, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/*
 * @p name (relative to @p origin; "@" or "" is the origin; a trailing dot
 * makes it absolute) as an absolute, normalised name in @p out. False with
 * a reason in @p why (at least 128 bytes) when it is not a valid name.
 */
bool al_input_owner(const char *name, size_t length, const char *origin, char out[AL_NAME_MAX], char *why);

/*
 * RDATA of @p type from its presentation text, as a zone file would give it
 * ("10 mx.example.com.", "\"v=spf1\" \"-all\""), with relative names under
 * @p origin ("." makes every name absolute). The result is in in->rdata /
 * in->rdlength. False with the scanner's reason in @p why (128 bytes). Only
 * one record is read: text that would make a second one is refused.
 */
bool al_input_rdata(al_input *in, uint16_t type, const char *text, size_t length, const char *origin,
		    char *why);

/* TXT RDATA from raw strings: each given string is cut into character-strings
 * of at most 255 octets (as the providers do); into in->rdata. False when too long. */
bool al_input_txt_chunks(al_input *in, const char *const *strings, const size_t *lengths, size_t count);

/* Add a record with RDATA in in->rdata at @p where; false when the store refused it (limit). */
bool al_input_add(al_input *in, const al_location *where, const char *owner, uint16_t type, uint32_t ttl);

/*
 * Add one value of @p type at @p owner: TXT and SPF a raw string (cut into
 * 255-octet character-strings), types whose data the checks never read only
 * mark the name, others presentation text (al_input_rdata, names relative to
 * @p origin). A value that does not parse is a problem at @p where.
 */
bool al_input_add_value(al_input *in, const al_location *where, const char *owner, uint16_t type, uint32_t ttl,
			const char *text, size_t length, const char *origin);

/* The RR type of a mnemonic ("TXT", "mx"); 0 for one we do not know. */
uint16_t al_input_type(const char *name);

/* The readers. @p text is the whole input (NUL-terminated). */
al_status al_input_read_octodns_file(al_zone *zone, const char *path, al_error *err);
al_status al_input_read_octodns_dir(al_zone *zone, const char *path, al_error *err);
al_status al_input_read_octodns_text(al_zone *zone, const char *label, const char *text, size_t length,
				     al_error *err);
al_status al_input_read_dnscontrol(al_zone *zone, const char *label, const char *text, size_t length,
				   al_error *err);
al_status al_input_read_terraform(al_zone *zone, const char *label, const char *text, size_t length,
				  al_error *err);

#endif
