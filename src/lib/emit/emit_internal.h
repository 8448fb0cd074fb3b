/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One table of emitters with the same callbacks, and what they share. */
#ifndef AL_EMIT_INTERNAL_H
#define AL_EMIT_INTERNAL_H

#include <authlint/emit.h>

#include "util/json.h"
#include "util/strbuf.h"

typedef struct al_emitter_ops {
	/* called once by al_emitter_new; allocate em->state. AL_OK or an error */
	al_status (*init)(al_emitter *em);
	void (*begin)(al_emitter *em);
	void (*diag)(al_emitter *em, const al_diag *diag);
	/* one domain of a bulk check; NULL: its findings go to diag one by one */
	void (*result)(al_emitter *em, const struct al_domain_result *result);
	void (*end)(al_emitter *em, const al_summary *summary, int exit_code);
	void (*destroy)(al_emitter *em);
} al_emitter_ops;

/*
 * The shown form of texts that come again and again (a rule's fix, under each
 * of its findings), kept by address and checked against a copy of the text,
 * so that a text at a reused address is never taken for another.
 */
#define AL_EMIT_MEMO_SLOTS 64 /* al_emit_memo_append takes the top 6 bits of the hash */
typedef struct al_emit_memo_slot {
	const char *key;  /* the text's address */
	char *source;     /* a copy of the text */
	char *shown;
	size_t shown_length;
} al_emit_memo_slot;
typedef struct al_emit_memo {
	al_emit_memo_slot slots[AL_EMIT_MEMO_SLOTS];
} al_emit_memo;

/** Append what @p render writes for @p text (not NULL), from @p memo when it holds it. */
void al_emit_memo_append(al_emit_memo *memo, al_strbuf *out, const char *text,
			 void (*render)(al_strbuf *out, const char *text));
void al_emit_memo_free(al_emit_memo *memo);

struct al_emitter {
	al_format format;
	al_sink sink;
	al_emit_options options;
	al_status status;
	const al_emitter_ops *ops;
	al_strbuf buf;    /* scratch for one item; flushed with al_emit_flush */
	void *state;      /* per-format state */
	size_t count;     /* findings emitted */
	al_emit_memo fixes; /* the fixes and file names shown, by their address */
	al_emit_memo files; /* JSON Lines: the file names' JSON strings, by their address */
	bool begun, ended;
};

/** Write the scratch buffer to the sink and empty it. */
void al_emit_flush(al_emitter *em);
/** Write @p text now (through the scratch buffer). */
void al_emit_puts(al_emitter *em, const char *text);

/** Display form of a NUL-terminated string; nothing for NULL. */
void al_emit_escaped(al_strbuf *out, const char *text);
/**
 * Registry text (rule prose, examples) for documentation: the display form,
 * except that a backslash stays one backslash, so that zone examples such as
 * "\032" read as they are written. Control and non-UTF-8 bytes are escaped.
 */
void al_emit_doc_text(al_strbuf *out, const char *text, size_t length);
/** A location's file that names no file: "<argument>", "<stdin>". */
bool al_emit_is_pseudo_file(const char *file);
/** The span of @p d clamped to its record; false when there is no record. */
bool al_emit_span(const al_diag *d, size_t *start, size_t *length);
/** Bytes of al_emit_fingerprint's text, NUL included. */
#define AL_EMIT_FINGERPRINT_SIZE 33
/**
 * The finding's identity that survives moved lines (SARIF partialFingerprints
 * "authlint/v1", authlint diff): 32 hex digits of SHA-256 over the rule id, the
 * owner in lower case, and the span with the record text (or, without a record,
 * the message). False when the digest could not be computed.
 */
bool al_emit_fingerprint(const al_diag *d, char hex[AL_EMIT_FINGERPRINT_SIZE]);
/** The RR type's name ("TXT"), or NULL for 0. @p buf holds it. */
const char *al_emit_rrtype(const al_diag *d, char buf[16]);
/** "file:line:col" or "owner @server" (text and github messages). */
void al_emit_text_location(al_strbuf *out, const al_diag *d);
/** The same, the file's display form kept in @p files. */
void al_emit_text_location_memo(al_strbuf *out, const al_diag *d, al_emit_memo *files);
/** The first paragraph of a fix on one line (text and github show it under a finding). */
void al_emit_fix_paragraph(al_strbuf *out, const char *fix);
/** "1 error, 0 warnings, 0 notes in 3 records..." without a line break. */
/* "2 errors, 1 warning, 0 notes (3 waived)": the counts every text summary starts with */
void al_emit_severity_counts(al_strbuf *out, const al_summary *s);
void al_emit_summary_line(al_strbuf *out, const al_summary *s);

/**
 * Text of several lines: each line in display form (@p doc: al_emit_doc_text),
 * joined by line breaks that stay line breaks.
 */
void al_emit_lines(al_strbuf *out, const char *text, size_t length, bool doc);

/* JSON pieces shared by json, jsonl, sarif and the rule list. */
/** al_emit_lines as a JSON string, or null for NULL. */
void al_emit_json_lines(al_json *j, const char *text, bool doc);
void al_emit_json_tool(al_json *j);
void al_emit_json_inputs(al_json *j, const al_emit_options *o);
/** The members of a finding (inside an open object). */
void al_emit_json_finding(al_json *j, const al_diag *d);
/** The same, the fix's JSON string kept in @p fixes (NULL: made each time). */
void al_emit_json_finding_memo(al_json *j, const al_diag *d, al_emit_memo *fixes);
/**
 * One JSON Lines finding, its line break included: the line al_json (not
 * pretty) writes for {"type":"finding", then al_emit_json_finding_memo's
 * members}, byte for byte, without the writer's bookkeeping. @p fixes and
 * @p files keep the fixes' and file names' JSON strings (NULL: made each time).
 */
void al_emit_jsonl_finding(al_strbuf *out, const al_diag *d, al_emit_memo *fixes, al_emit_memo *files);
/** The members of a summary (inside an open object). */
void al_emit_json_summary(al_json *j, const al_summary *s);
/** The members of a rule (inside an open object): every field. */
void al_emit_json_rule(al_json *j, const al_rule *r);

/**
 * A rule's help: fix, references, examples and the check that raises it, as
 * plain text or markdown. SARIF's help and `authlint explain` use it.
 */
void al_emit_rule_help(al_strbuf *out, const al_rule *rule, bool markdown);
/** One line saying which check raises @p rule. */
void al_emit_rule_check(al_strbuf *out, const al_rule *rule, bool markdown);

extern const al_emitter_ops al_emit_text_ops;
extern const al_emitter_ops al_emit_json_ops;
extern const al_emitter_ops al_emit_jsonl_ops;
extern const al_emitter_ops al_emit_sarif_ops;
extern const al_emitter_ops al_emit_github_ops;

#endif
