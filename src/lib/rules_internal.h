/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Registry internals shared with the configuration and the lint driver. */
#ifndef AL_RULES_INTERNAL_H
#define AL_RULES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <authlint/rule.h>

#include "util/yaml.h"

/** What a declarative rule (or an organisation policy) tests. */
typedef enum al_decl_op {
	AL_DECL_PRESENT = 1, /* fires when the tag is missing */
	AL_DECL_ABSENT,      /* fires when the tag is there */
	AL_DECL_PATTERN,     /* fires for each value that does not match */
	AL_DECL_NOT_PATTERN, /* fires for each value that matches */
	AL_DECL_VALUES,      /* fires for each value not in the set (case-insensitive) */
} al_decl_op;

typedef struct al_decl {
	al_kind record;             /* AL_KIND_SPF, _DMARC or _DKIM */
	const char *tag;            /* DMARC/DKIM tag, SPF term name; NULL: the whole record */
	al_decl_op op;
	const char *pattern;        /* PATTERN / NOT_PATTERN */
	void *code;                 /* compiled pcre2_code */
	const char *const *values;  /* VALUES */
	size_t value_count;
	const char *domain;         /* only records at or below this name; NULL: all */
} al_decl;

/** The declarative test of a rule, or NULL for a rule raised by C code. */
const al_decl *al_rule_decl(const al_rule *rule);

/** Declarative rules (registry and policies) that test records of @p kind. */
size_t al_rules_decl_count(const al_rules *rules);
const al_rule *al_rules_decl_at(const al_rules *rules, size_t index);

/**
 * Read a rule from a YAML mapping into the registry. @p policy relaxes the
 * schema for organisation policies (no examples, references or rationale
 * needed; a declarative check required; any id prefix).
 */
al_status al_rules_add_yaml(al_rules *rules, yaml_document_t *doc, yaml_node_t *node,
			    const char *file, al_kind family, bool policy, al_error *err);

/** The rule family whose directory under rules/ is the @p length bytes at @p dir. */
bool al_rules_family_from_dir(const char *dir, size_t length, al_kind *out);

/**
 * A data file built into the library from data/ ("senders.yaml",
 * "selectors.yaml", "provider-spf.yaml"); @p label is "data/<name>".
 * NULL when there is none. A rules directory (--rules-dir) replaces the
 * rules only, never these.
 */
const char *al_data_file(const char *name, size_t *length, const char **label);

/** The placeholders of a message template are well formed ({name}, {{, }}). */
bool al_template_valid(const char *tmpl, char *why, size_t why_size);

#endif
