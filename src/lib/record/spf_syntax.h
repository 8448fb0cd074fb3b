/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SPF record syntax inside the library: parsing into an arena, the macro
 * tokenizer shared by the parser (validation) and the evaluator (expansion),
 * and the near-miss classifier shared by record selection and record mode.
 * Pure: no I/O.
 */
#ifndef AL_RECORD_SPF_SYNTAX_H
#define AL_RECORD_SPF_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>

#include <authlint/spf.h>

struct al_arena;

/** al_spf_parse into an arena (one block, in proportion to the term count). */
al_status al_spf_parse_arena(struct al_arena *arena, const char *text, size_t length,
			     al_spf_record **out);

typedef enum al_spf_macro_token {
	AL_SPF_MACRO_END = 0, /* no more input */
	AL_SPF_MACRO_LITERAL, /* a run of literal bytes */
	AL_SPF_MACRO_ESCAPE,  /* %% %_ %-: the replacement is in .text / .text_length */
	AL_SPF_MACRO_EXPAND,  /* %{...} */
	AL_SPF_MACRO_ERROR,   /* .error says why; .start/.length the bad bytes */
} al_spf_macro_token;

typedef struct al_spf_macro {
	al_spf_macro_token token;
	size_t start, length;   /* the token in the input */
	char letter;            /* EXPAND: lower-case macro letter */
	bool url_escape;        /* EXPAND: the letter was upper case */
	unsigned digits;        /* EXPAND: right-hand parts to keep, 0 when not written */
	bool reverse;           /* EXPAND: the r transformer */
	unsigned delimiters;    /* EXPAND: bit set of the delimiters ".-+,/_=" written, 0: '.' */
	const char *text;       /* ESCAPE: "%", " " or "%20" */
	size_t text_length;
	const char *error;      /* ERROR */
} al_spf_macro;

/**
 * The next token of a macro-string at *pos. @p exp_text allows the c, r, t
 * letters and spaces (explanation text). Literal bytes must be visible ASCII
 * (%x21-7E), or also SP in explanation text.
 */
al_spf_macro_token al_spf_macro_next(const char *text, size_t length, size_t *pos, bool exp_text,
				     al_spf_macro *out);

/** The delimiter characters, in the bit order of al_spf_macro.delimiters. */
#define AL_SPF_DELIMITERS ".-+,/_="

/**
 * Check a domain-spec (RFC 7208 section 7.1): a valid macro-string that ends
 * in a macro-expand or in "." toplabel with an optional trailing dot. Returns
 * NULL when valid, else a reason, with the bad bytes in *bad_start and *bad_length
 * (offsets into @p text).
 */
const char *al_spf_domain_spec_error(const char *text, size_t start, size_t length,
				     size_t *bad_start, size_t *bad_length);

/**
 * A TXT text that looks like an attempt at "v=spf1" but that receivers do not
 * take as an SPF record (leading space, no space after the version, "spf1 ...",
 * "v = spf1"). Sender ID (v=spf2.0) is not a near miss.
 */
bool al_spf_near_miss(const char *text, size_t length, const char **why);

#endif
