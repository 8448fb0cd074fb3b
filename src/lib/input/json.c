/* SPDX-License-Identifier: GPL-3.0-or-later */
/* JSON inputs through json-c (see input_json.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "input/input_json.h"

json_object *al_input_json_parse(al_input *in, const char *text, size_t length, const char *what)
{
	if (length > (size_t)INT32_MAX) {
		al_input_problem(in, NULL, 0, NULL, AL_ZONE_PROBLEM_LIMIT, "too large for %s", what);
		return NULL;
	}
	json_tokener *tok = json_tokener_new_ex(AL_INPUT_MAX_DEPTH);
	if (tok == NULL) {
		al_input_problem(in, NULL, 0, NULL, AL_ZONE_PROBLEM_UNREADABLE, "out of memory");
		return NULL;
	}
	json_object *root = json_tokener_parse_ex(tok, text, (int)length);
	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	if (root != NULL && e == json_tokener_success) {
		/* only white space may follow the document */
		size_t i = end;
		while (i < length && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
			i++;
		if (i < length) {
			json_object_put(root);
			root = NULL;
			e = json_tokener_error_parse_unexpected;
			end = i;
		}
	} else if (e == json_tokener_continue) {
		e = json_tokener_error_parse_eof;
		end = length;
	}
	json_tokener_free(tok);
	if (root != NULL)
		return root;
	unsigned long line = 1;
	for (size_t i = 0; i < end && i < length; i++)
		if (text[i] == '\n')
			line++;
	al_input_problem(in, NULL, line, NULL,
			 e == json_tokener_error_depth ? AL_ZONE_PROBLEM_LIMIT : AL_ZONE_PROBLEM_SYNTAX,
			 "not %s: %s (at byte %zu); nothing in the file was read", what,
			 e == json_tokener_error_depth ? "nested deeper than 64 levels" : json_tokener_error_desc(e),
			 end + 1);
	return NULL;
}

json_object *al_input_json_get(json_object *obj, const char *key, json_type type)
{
	json_object *v = NULL;
	if (obj == NULL || !json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, key, &v))
		return NULL;
	return json_object_is_type(v, type) ? v : NULL;
}

const char *al_input_json_string(json_object *obj, const char *key, size_t *length)
{
	json_object *v = al_input_json_get(obj, key, json_type_string);
	if (v == NULL)
		return NULL;
	if (length != NULL)
		*length = (size_t)json_object_get_string_len(v);
	return json_object_get_string(v);
}

bool al_input_json_uint(json_object *obj, const char *key, unsigned long *out)
{
	json_object *v = NULL;
	if (obj == NULL || !json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, key, &v))
		return false;
	if (json_object_is_type(v, json_type_int)) {
		int64_t n = json_object_get_int64(v);
		if (n < 0 || n > (int64_t)UINT32_MAX)
			return false;
		*out = (unsigned long)n;
		return true;
	}
	if (json_object_is_type(v, json_type_double)) {
		double d = json_object_get_double(v);
		if (!(d >= 0 && d <= 4294967295.0) || d != (double)(unsigned long)d)
			return false;
		*out = (unsigned long)d;
		return true;
	}
	if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);
		if (s == NULL || s[0] < '0' || s[0] > '9')
			return false;
		errno = 0;
		char *end = NULL;
		unsigned long n = strtoul(s, &end, 10);
		if (errno != 0 || *end != '\0' || n > UINT32_MAX)
			return false;
		*out = n;
		return true;
	}
	return false;
}
