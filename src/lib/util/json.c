/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "util/json.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "util/escape.h"

void al_json_init(al_json *json, al_strbuf *out, bool pretty)
{
	memset(json, 0, sizeof(*json));
	json->out = out;
	json->pretty = pretty;
	json->first[0] = true;
}

/* A newline and two spaces a level, in one append (a 128-space line is the
 * deepest: depth stays below AL_JSON_MAX_DEPTH). */
static void indent(al_json *json)
{
	static const char line[] = "\n"
				   "                                                                "
				   "                                                                ";
	_Static_assert(sizeof(line) - 2 >= 2 * AL_JSON_MAX_DEPTH, "the indent line is too short");
	if (!json->pretty)
		return;
	al_strbuf_append(json->out, line, 1 + 2 * (size_t)json->depth);
}

/* Before a value or a key: a comma and a newline as needed. */
static void before_item(al_json *json)
{
	if (json->after_key) {
		json->after_key = false;
		return;
	}
	if (json->depth > 0) {
		if (!json->first[json->depth])
			al_strbuf_putc(json->out, ',');
		indent(json);
	}
	json->first[json->depth] = false;
}

static void json_open(al_json *json, char c)
{
	before_item(json);
	al_strbuf_putc(json->out, c);
	if (json->depth < AL_JSON_MAX_DEPTH - 1)
		json->depth++;
	json->first[json->depth] = true;
}

static void json_close(al_json *json, char c)
{
	bool empty = json->first[json->depth];
	if (json->depth > 0)
		json->depth--;
	if (!empty)
		indent(json);
	al_strbuf_putc(json->out, c);
}

void al_json_begin_object(al_json *json) { json_open(json, '{'); }
void al_json_end_object(al_json *json) { json_close(json, '}'); }
void al_json_begin_array(al_json *json) { json_open(json, '['); }
void al_json_end_array(al_json *json) { json_close(json, ']'); }

void al_json_key(al_json *json, const char *key)
{
	before_item(json);
	al_strbuf_putc(json->out, '"');
	al_escape_json(json->out, key, strlen(key));
	al_strbuf_append(json->out, json->pretty ? "\": " : "\":", json->pretty ? 3 : 2);
	json->after_key = true;
}

void al_json_key_literal(al_json *json, const char *key, size_t length)
{
	before_item(json);
	json->after_key = true;
	/* "key": in one go */
	al_strbuf *o = json->out;
	if (!al_strbuf_reserve(o, length + 4))
		return;
	char *w = o->data + o->length;
	*w++ = '"';
	memcpy(w, key, length);
	w += length;
	*w++ = '"';
	*w++ = ':';
	if (json->pretty)
		*w++ = ' ';
	*w = '\0';
	o->length = (size_t)(w - o->data);
}

void al_json_begin_raw(al_json *json)
{
	before_item(json);
}

void al_json_string_n(al_json *json, const char *text, size_t length)
{
	before_item(json);
	al_strbuf_putc(json->out, '"');
	al_escape_json(json->out, text, length);
	al_strbuf_putc(json->out, '"');
}

void al_json_string_verbatim(al_json *json, const char *text, size_t length)
{
	before_item(json);
	al_strbuf_putc(json->out, '"');
	size_t start = 0;
	for (size_t i = 0; i < length; i++) {
		/* eight bytes at a time while none needs a JSON escape */
		while (i + 8 <= length) {
			uint64_t v;
			memcpy(&v, text + i, 8);
			if (al_bytes_has_less(v, 0x20) | al_bytes_has(v, '"') | al_bytes_has(v, '\\'))
				break;
			i += 8;
		}
		if (i >= length)
			break;
		unsigned char c = (unsigned char)text[i];
		if (c != '"' && c != '\\' && c >= 0x20)
			continue;
		al_strbuf_append(json->out, text + start, i - start);
		if (c == '"' || c == '\\') {
			al_strbuf_putc(json->out, '\\');
			al_strbuf_putc(json->out, (char)c);
		} else if (c == '\n') {
			al_strbuf_append(json->out, "\\n", 2);
		} else if (c == '\t') {
			al_strbuf_append(json->out, "\\t", 2);
		} else {
			al_strbuf_printf(json->out, "\\u%04x", c);
		}
		start = i + 1;
	}
	al_strbuf_append(json->out, text + start, length - start);
	al_strbuf_putc(json->out, '"');
}

void al_json_string(al_json *json, const char *text)
{
	al_json_string_n(json, text, strlen(text));
}

void al_json_string_or_null(al_json *json, const char *text)
{
	if (text == NULL)
		al_json_null(json);
	else
		al_json_string(json, text);
}

/* The decimal digits of @p value, with a '-' first when @p negative (no printf:
 * numbers are most of what the report writers write). */
void al_json_put_decimal(al_strbuf *out, bool negative, unsigned long long value)
{
	char digits[24];
	size_t at = sizeof(digits);
	do {
		digits[--at] = (char)('0' + value % 10);
		value /= 10;
	} while (value > 0);
	if (negative)
		digits[--at] = '-';
	al_strbuf_append(out, digits + at, sizeof(digits) - at);
}

void al_json_int(al_json *json, long long value)
{
	before_item(json);
	/* the magnitude in unsigned arithmetic: -LLONG_MIN does not fit a long long */
	al_json_put_decimal(json->out, value < 0, value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value);
}

void al_json_uint(al_json *json, unsigned long long value)
{
	before_item(json);
	al_json_put_decimal(json->out, false, value);
}

void al_json_double(al_json *json, double value)
{
	before_item(json);
	if (!isfinite(value))
		al_strbuf_puts(json->out, "null");
	else
		al_strbuf_printf(json->out, "%.6g", value);
}

void al_json_bool(al_json *json, bool value)
{
	before_item(json);
	al_strbuf_puts(json->out, value ? "true" : "false");
}

void al_json_null(al_json *json)
{
	before_item(json);
	al_strbuf_puts(json->out, "null");
}

void al_json_kv_string(al_json *json, const char *key, const char *text)
{
	al_json_key(json, key);
	al_json_string_or_null(json, text);
}

void al_json_kv_int(al_json *json, const char *key, long long value)
{
	al_json_key(json, key);
	al_json_int(json, value);
}

void al_json_kv_uint(al_json *json, const char *key, unsigned long long value)
{
	al_json_key(json, key);
	al_json_uint(json, value);
}

void al_json_kv_bool(al_json *json, const char *key, bool value)
{
	al_json_key(json, key);
	al_json_bool(json, value);
}
