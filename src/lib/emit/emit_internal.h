/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One table of emitters with the same callbacks. */
#ifndef AL_EMIT_INTERNAL_H
#define AL_EMIT_INTERNAL_H

#include <authlint/emit.h>

#include "util/strbuf.h"

typedef struct al_emitter_ops {
	void (*begin)(al_emitter *em);
	void (*diag)(al_emitter *em, const al_diag *diag);
	void (*end)(al_emitter *em, const al_summary *summary, int exit_code);
	void (*destroy)(al_emitter *em);
} al_emitter_ops;

struct al_emitter {
	al_format format;
	al_sink sink;
	al_emit_options options;
	al_status status;
	const al_emitter_ops *ops;
	al_strbuf buf;    /* scratch for one item; flushed with al_emit_flush */
	void *state;      /* per-format state */
	size_t count;     /* findings emitted */
};

/** Write the scratch buffer to the sink and empty it. */
void al_emit_flush(al_emitter *em);
/** Write @p text now (through the scratch buffer). */
void al_emit_puts(al_emitter *em, const char *text);

extern const al_emitter_ops al_emit_text_ops;
extern const al_emitter_ops al_emit_json_ops;
extern const al_emitter_ops al_emit_jsonl_ops;
extern const al_emitter_ops al_emit_sarif_ops;
extern const al_emitter_ops al_emit_github_ops;

#endif
