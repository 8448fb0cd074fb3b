/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small streaming JSON writer. Strings go through the display escaping. */
#ifndef AL_UTIL_JSON_H
#define AL_UTIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

#define AL_JSON_MAX_DEPTH 64

typedef struct al_json {
	al_strbuf *out;
	bool pretty;
	int depth;
	bool first[AL_JSON_MAX_DEPTH];
	bool after_key;
} al_json;

void al_json_init(al_json *json, al_strbuf *out, bool pretty);
void al_json_begin_object(al_json *json);
void al_json_end_object(al_json *json);
void al_json_begin_array(al_json *json);
void al_json_end_array(al_json *json);
/** A member name; the value follows. */
void al_json_key(al_json *json, const char *key);
/** A member name that needs no escaping (printable ASCII without " and \), of @p length bytes. */
void al_json_key_literal(al_json *json, const char *key, size_t length);
/** al_json_key_literal for a string literal of the caller's (the writers' own member names). */
#define AL_JSON_KEY(json, literal) al_json_key_literal((json), "" literal, sizeof(literal) - 1)
void al_json_string(al_json *json, const char *text);
void al_json_string_n(al_json *json, const char *text, size_t length);
void al_json_int(al_json *json, long long value);
void al_json_uint(al_json *json, unsigned long long value);
/* The digits of a number (a '-' first when @p negative) appended to @p out as JSON writes them. */
void al_json_put_decimal(al_strbuf *out, bool negative, unsigned long long value);
void al_json_double(al_json *json, double value);
void al_json_bool(al_json *json, bool value);
void al_json_null(al_json *json);
/**
 * A string the caller has already put in display form (util/escape.h), such
 * as several display-form lines joined by line breaks: only JSON's own
 * escapes are applied (quote, backslash, control characters).
 */
void al_json_string_verbatim(al_json *json, const char *text, size_t length);
/** Before a value the caller appends to json->out itself, already in JSON form. */
void al_json_begin_raw(al_json *json);
/** A string, or null when @p text is NULL. */
void al_json_string_or_null(al_json *json, const char *text);
/* key + value shorthands */
void al_json_kv_string(al_json *json, const char *key, const char *text);
void al_json_kv_int(al_json *json, const char *key, long long value);
void al_json_kv_uint(al_json *json, const char *key, unsigned long long value);
void al_json_kv_bool(al_json *json, const char *key, bool value);

#endif
