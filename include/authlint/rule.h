/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file rule.h
 * The rule registry: one YAML file per rule under rules/, embedded at build
 * time, overridable with a directory. Every output and `authlint explain`
 * read the same entry.
 */
#ifndef AUTHLINT_RULE_H
#define AUTHLINT_RULE_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>

#include <authlint/diag.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What kind of input an example is. */
typedef enum al_example_kind {
	AL_EXAMPLE_SPF = 1,    /**< an SPF record string, linted like `authlint record spf` */
	AL_EXAMPLE_DMARC,      /**< a DMARC record string */
	AL_EXAMPLE_DKIM,       /**< a DKIM key record string */
	AL_EXAMPLE_ZONE,       /**< a zone-file snippet, linted like `authlint zone` */
	AL_EXAMPLE_TEXT,       /**< an illustration only; the rule names the test that covers it */
} al_example_kind;

/** One good or bad example of a rule. */
typedef struct al_rule_example {
	al_example_kind kind;
	const char *text;        /**< the record or the zone snippet */
	const char *domain;      /**< context domain (record) or origin (zone), or NULL */
	const char *dmarc_spec;  /**< "7489" or "9989" reading, or NULL for the default */
	const char *note;        /**< a short explanation, or NULL */
	unsigned long line;      /**< line of the example in the rule file */
} al_rule_example;

/** A registry entry. Read-only; owned by the registry. */
typedef struct al_rule {
	const char *id;           /**< "SPF010"; stable, never reused */
	const char *name;         /**< "spf-too-many-lookups" */
	al_kind family;           /**< from the directory: rules/spf/ -> AL_KIND_SPF */
	al_severity severity;     /**< default severity (RFC 9989 reading, the default --dmarc-spec) */
	al_generation generation; /**< DMARC generation the rule concerns, or ANY */
	const char *summary;      /**< one line */
	const char *message;      /**< template: {name} placeholders filled by the check */
	const char *rationale;    /**< why it matters */
	const char *fix;          /**< how to fix it */
	const char *const *references; /**< "RFC 7208 section 4.6.4", ... */
	size_t reference_count;
	const al_rule_example *bad;
	size_t bad_count;
	const al_rule_example *good;
	size_t good_count;
	const char *check;        /**< name of the C check that raises it, or "declarative" */
	const char *tested_by;    /**< for rules whose examples are illustrations: the test */
	const char *source_file;  /**< the YAML file it was read from ("rules/spf/SPF010.yaml") */
	unsigned long source_line;
	/**
	 * Severity when DMARC records are read as RFC 7489 receivers do
	 * (`--dmarc-spec 7489`): the YAML's `severity: {rfc9989: S1, rfc7489: S2}`
	 * gives it; equal to @ref severity when the YAML gives one severity.
	 */
	al_severity severity_rfc7489;
} al_rule;

typedef struct al_rules al_rules;

/** Load the rules embedded at build time. */
AL_EXPORT al_status al_rules_load_builtin(al_rules **out, al_error *err);
/**
 * Load every `*.yaml` under @p dir (one level of family subdirectories:
 * dir/spf/SPF001.yaml). Errors name the file and line: unknown keys,
 * duplicate ids or names, unknown check names, PCRE2 patterns that fail to
 * compile, missing required keys.
 */
AL_EXPORT al_status al_rules_load_dir(al_rules **out, const char *dir, al_error *err);
/** Free a registry; NULL is safe. */
AL_EXPORT void al_rules_free(al_rules *rules);

/** Number of rules. */
AL_EXPORT size_t al_rules_count(const al_rules *rules);
/** Rule @p index in id order; NULL when out of range. */
AL_EXPORT const al_rule *al_rules_at(const al_rules *rules, size_t index);
/** Find by id ("SPF010", case-insensitive) or by name ("spf-too-many-lookups"). */
AL_EXPORT const al_rule *al_rules_find(const al_rules *rules, const char *id_or_name);

/**
 * The severity of @p rule when DMARC records are read as @p reading receivers
 * (AL_GENERATION_RFC7489: severity_rfc7489; any other: severity).
 */
AL_EXPORT al_severity al_rule_severity(const al_rule *rule, al_generation reading);

/**
 * Ids that were retired (rules/RETIRED): they never come back, with this or
 * another meaning. NULL-terminated; each entry is "ID", and the registry
 * refuses a rule file that uses one.
 */
AL_EXPORT const char *const *al_rules_retired(void);

/** Names of the C checks a rule's `check:` may name; NULL-terminated. */
AL_EXPORT const char *const *al_rules_check_names(void);

#ifdef __cplusplus
}
#endif
#endif
