/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * JSON inputs (DNSControl's IR, Terraform plans) through json-c: parsed
 * whole with a nesting bound, a syntax error reported with its line.
 * json-c keeps no positions, so records are located by their address.
 */
#ifndef AL_INPUT_JSON_H
#define AL_INPUT_JSON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "input/input_internal.h"

/* Parse @p text; NULL after recording the problem (syntax error with its line, too deep). */
json_object *al_input_json_parse(al_input *in, const char *text, size_t length, const char *what);
/* A member that is a string (NULL otherwise); *length its length when not NULL. */
const char *al_input_json_string(json_object *obj, const char *key, size_t *length);
/* A member that is a non-negative integer, or a string of digits (Terraform writes some so). */
bool al_input_json_uint(json_object *obj, const char *key, unsigned long *out);
/* A member of type @p type, or NULL. */
json_object *al_input_json_get(json_object *obj, const char *key, json_type type);

#endif
