/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The propagation writers' state, shared by write.c (text, dispatch),
 * write_json.c (JSON, JSON Lines) and write_changes.c (changes between rounds). */
#ifndef AL_PROPAGATION_WRITE_INTERNAL_H
#define AL_PROPAGATION_WRITE_INTERNAL_H

#include <stdbool.h>

#include "propagation/prop_internal.h"
#include "util/json.h"
#include "util/strbuf.h"

#define PROP_SCHEMA "authlint/propagation"
#define PROP_SCHEMA_VERSION 1

typedef struct writer {
	al_sink sink;
	al_strbuf buf;
	al_status status;
	const al_prop_write_options *options;
	bool color;
} writer;

al_status al_propw_findings_through_emitter(writer *w, const al_prop_result *r, al_format format, int exit_code,
					  bool whole);
void al_propw_flush(writer *w);
bool al_propw_row_shown(const al_prop_domain *d, const al_prop_name *n, size_t s);
void al_propw_text_domain(writer *w, const al_prop_domain *d);
void al_propw_text_summary(writer *w, const al_prop_result *r, int exit_code);
void al_propw_json_time(al_json *j, const char *key, int64_t t);
void al_propw_escaped(al_strbuf *out, const char *text);

void al_propw_write_json(writer *w, const al_prop_result *r, int exit_code);
void al_propw_write_jsonl(writer *w, const al_prop_result *r, int exit_code);

#endif
