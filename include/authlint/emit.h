/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file emit.h
 * Emitters turn diagnostics into text, JSON, JSON Lines, SARIF 2.1.0 or
 * GitHub workflow annotations. They stream: begin, one call per finding, end.
 * Every string is escaped: control bytes and bytes that are not UTF-8 never
 * reach the output as they are.
 */
#ifndef AUTHLINT_EMIT_H
#define AUTHLINT_EMIT_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <authlint/diag.h>
#include <authlint/rule.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum al_format {
	AL_FORMAT_TEXT = 0,
	AL_FORMAT_JSON,
	AL_FORMAT_JSONL,
	AL_FORMAT_SARIF,
	AL_FORMAT_GITHUB,
	AL_FORMAT_COUNT_
} al_format;

/** Parse "text", "json", "jsonl", "sarif", "github". */
AL_EXPORT al_status al_format_parse(const char *text, al_format *out);
AL_EXPORT const char *al_format_name(al_format format);

/** Where output goes. @c write returns 0 on success, -1 on failure. */
typedef struct al_sink {
	int (*write)(void *ctx, const void *data, size_t length);
	void *ctx;
} al_sink;

/** A sink writing to a stdio stream (borrowed). */
AL_EXPORT al_sink al_sink_stdio(FILE *stream);

typedef struct al_emit_options {
	const al_rules *rules;     /**< required: SARIF lists the rules of the run */
	bool color;                /**< text only: ANSI colour (the caller decides: tty, NO_COLOR) */
	bool show_waived;          /**< also print waived findings (JSON/SARIF always carry them) */
	bool show_source;          /**< text: print the record and a caret under the term (default on) */
	const char *tool_version;  /**< NULL: the library's */
	const char *command;       /**< "zone", "record", ... for the run properties */
	const char *const *inputs; /**< files or domains given on the command line */
	size_t input_count;
	const char *base_dir;      /**< SARIF: make artifact URIs relative to this, or NULL */
} al_emit_options;

typedef struct al_emitter al_emitter;

AL_EXPORT al_status al_emitter_new(al_emitter **out, al_format format, al_sink sink,
			 const al_emit_options *options);
/** Write what comes before the first finding. */
AL_EXPORT void al_emitter_begin(al_emitter *emitter);
/** Write one finding. */
AL_EXPORT void al_emitter_diag(al_emitter *emitter, const al_diag *diag);
struct al_domain_result;
/**
 * Write one domain's result of a bulk check (authlint check). JSON Lines
 * writes it as one object with its findings, so a stream interrupted keeps
 * every domain it finished; the other formats write its findings one by one.
 */
AL_EXPORT void al_emitter_result(al_emitter *emitter, const struct al_domain_result *result);
/** Write the summary and close the document; @p exit_code goes into SARIF/JSON. */
AL_EXPORT void al_emitter_end(al_emitter *emitter, const al_summary *summary, int exit_code);
/** AL_EIO when a write failed at any point. */
AL_EXPORT al_status al_emitter_status(const al_emitter *emitter);
/** Adapter: pass as al_lint_options.on_diag with the emitter as userdata. */
AL_EXPORT void al_emitter_diag_fn(void *emitter, const al_diag *diag);
AL_EXPORT void al_emitter_free(al_emitter *emitter);

/**
 * Write one rule's documentation (authlint explain) as text or markdown:
 * summary, message, rationale, fix, references, examples, the check.
 * AL_EIO when the sink failed.
 */
AL_EXPORT al_status al_rule_explain(const al_rule *rule, bool markdown, al_sink sink);
/**
 * One rule as a JSON object with every field (the items of
 * `authlint rules --format json`); JSONL adds "type": "rule". Other formats:
 * AL_EUNSUPPORTED.
 */
AL_EXPORT al_status al_rule_write_json(const al_rule *rule, al_format format, al_sink sink);
/** The whole registry as a markdown reference (doc/rules.md), grouped by family. */
AL_EXPORT al_status al_rules_write_markdown(const al_rules *rules, al_sink sink);
/**
 * The registry as a list: text table (ID, SEVERITY, NAME, SUMMARY), json (one
 * document, schema "authlint/rules") or jsonl (one rule a line). Other formats:
 * AL_EUNSUPPORTED.
 */
AL_EXPORT al_status al_rules_write_list(const al_rules *rules, al_format format, al_sink sink);

#ifdef __cplusplus
}
#endif
#endif
