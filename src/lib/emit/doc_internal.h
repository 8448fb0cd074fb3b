/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by doc.c and doc_list.c; private. */
#ifndef AL_EMIT_DOC_INTERNAL_H
#define AL_EMIT_DOC_INTERNAL_H

#include <string.h>
#include <authlint/version.h>
#include "emit/emit_internal.h"
#include "rules_internal.h"
#include "util/escape.h"

/* Where a document is written: buffered, flushed to the sink. */
typedef struct doc_out {
	al_strbuf buf;
	al_sink sink;
	al_status status;
} doc_out;


void al_doc_anchor(al_strbuf *b, const char *id);
void al_doc_md_heading(al_strbuf *b, int level, const char *title);
void al_doc_md_text(al_strbuf *b, const char *text);
al_status al_doc_out_finish(doc_out *o);
void al_doc_out_flush(doc_out *o);
void al_doc_rule_md(al_strbuf *b, const al_rule *r, int level);

#endif
