/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The lint context as the driver's own files see it (lint.c, finding.c,
 * lookup.c, subject.c, zone_mode.c, domain_mode.c, record_mode.c). Check code
 * sees only lint_internal.h.
 */
#ifndef AL_CHECK_LINT_CONTEXT_H
#define AL_CHECK_LINT_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/bulk.h>
#include <authlint/lint.h>

#include "check/lint_internal.h"
#include "util/arena.h"
#include "util/hash.h"

#define MAX_ARGS 16


struct al_finding {
	al_diag diag;
	const al_subject *subject;
	const char *keys[MAX_ARGS];
	const char *values[MAX_ARGS];
	size_t arg_count;
	bool active;
	bool has_location;
};

/*
 * Zone mode: answers from the zone store kept across units, so that a name
 * asked again (the same unit's checks, or every domain's policy discovery
 * asking the same parent) is not looked up again. Direct-mapped; the lint
 * owns the answers in it, and one pushed out goes to the unit's release list
 * (a check of the unit may still hold it). The table starts at
 * AL_LOOKUP_MEMO_FIRST slots and doubles, up to AL_LOOKUP_MEMO_SLOTS, instead
 * of pushing an answer out (lookup.c): a small zone pays for a small table.
 */
#define AL_LOOKUP_MEMO_SLOTS 1024
#define AL_LOOKUP_MEMO_FIRST 32
#define AL_LOOKUP_MEMO_NAME 96

typedef struct lookup_memo_slot {
	const al_answer *answer; /* NULL: empty */
	uint64_t hash;
	uint16_t type;
	char name[AL_LOOKUP_MEMO_NAME];
} lookup_memo_slot;

/* The Public Suffix List's answers by name (psl_memo.c), direct-mapped: a few slots
 * first (a lint of one record or one domain asks about a handful of names), the full
 * table once the lint has asked about more names than the few slots hold. */
#define AL_PSL_MEMO_SLOTS 1024
#define AL_PSL_MEMO_FIRST_SLOTS 16
typedef struct psl_memo_slot {
	uint64_t hash;
	signed char org;      /* 0: not asked, 1: out holds it, -1: AL_EINVAL */
	signed char suffix;   /* 0: not asked, 1: a public suffix, -1: not one */
	signed char as_is;    /* the same for the name as it is (al_psl_suffix_as_is) */
	char name[AL_LOOKUP_MEMO_NAME];
	char out[AL_LOOKUP_MEMO_NAME];
} psl_memo_slot;

/* Parsed DMARC and DKIM records by their bytes (parse_memo.c), zone mode only. */
#define AL_PARSE_MEMO_SLOTS 64
#define AL_PARSE_MEMO_MAX_TEXT 4096
typedef struct parse_memo_slot {
	uint64_t hash;
	const char *text;   /* the record's bytes (in arena), compared in full */
	size_t length;
	void *record;       /* NULL: empty */
	size_t unit;        /* the unit (unit_serial) that last took it: not replaced in it */
	al_kind kind;
	al_arena arena;     /* the text and the record */
} parse_memo_slot;

typedef struct family_state {
	void *state;
	void (*free_fn)(void *);
} family_state;

struct al_lint {
	al_lint_options options;
	al_summary summary;
	al_arena unit_arena;
	al_diag *diags;
	size_t diag_count, diag_capacity;
	const al_answer **answers; /* to release at the end of the unit */
	size_t answer_count, answer_capacity;
	const al_answer **asked; /* check mode: the unit's own questions, each asked once (lookup.c) */
	size_t asked_count, asked_capacity;
	struct al_dmarc_discovery *discovery; /* the unit's last policy discovery (discovery.c) */
	size_t discovery_lookups;             /* zone mode: the lookups it made, counted again at a hit */
	const char *mail_domain;              /* the unit's last al_mail_domain_state (mail_domain.c), or NULL */
	struct al_mail_domain *mail_state;    /* its state (unit arena) */
	size_t mail_state_lookups;            /* zone mode: the lookups it made, counted again at a hit */
	struct al_spf_tree *spf_tree;         /* check mode: the unit's last SPF tree from a lookup (spf_family.c) */
	al_map reported; /* "name/type" lookups already reported in this unit */
	struct al_finding finding;
	bool pending;
	bool discard;    /* the unit is being discarded: no findings */
	const al_zone *zone;
	char today[16];
	family_state families[AL_KIND_COUNT_];
	size_t unit_lookups;
	lookup_memo_slot *memo; /* zone mode only (lookup.c); NULL until used */
	size_t memo_slots;       /* slots of memo, a power of two */
	psl_memo_slot *psl_memo; /* psl_memo.c; NULL until used */
	size_t psl_memo_slots;   /* AL_PSL_MEMO_FIRST_SLOTS, then AL_PSL_MEMO_SLOTS */
	size_t psl_memo_misses;  /* names put in the small table */
	parse_memo_slot *parse_memo; /* parse_memo.c; NULL until used */
	size_t unit_serial;      /* units ended so far (al_lint_unit_reset) */
	/* record mode, presentation form: where each byte of the pasted record was */
	const al_rr *pasted_rr;
	const unsigned long *pasted_lines, *pasted_columns;
	const char *const *domain_selectors;
	size_t domain_selector_count;
	bool *check_wanted; /* per entry of al_checks[] */
	const al_rule *by_code[AL_RULE_COUNT_]; /* the registry's entry of each rule, or NULL */
	/* check mode: the domain's inventory (inventory.c), valid until the unit ends */
	bool want_inventory, inventory_ready;
	al_domain_inventory inventory;
};

/** Release the answers kept across units (at a unit boundary, or when the lint goes). */
void al_lint_memo_clear(al_lint *lint);
/** Start a new unit: release the unit's answers, findings and arena. */
void al_lint_unit_reset(al_lint *lint);
/** Sort and hand out the unit's findings (unless the pass is pending), then reset. */
void al_lint_unit_flush(al_lint *lint);
/** Fill lint->inventory for @p domain from the unit's answers (inventory.c). */
void al_lint_collect_inventory(al_lint *lint, const char *domain);
/** Run every wanted check of @p stage. */
void al_lint_run_stage(al_lint *lint, al_check_stage stage, al_check_args *args);
/** Lint everything at one owner name: its RRsets, the NAME checks, then each record. */
void al_lint_name(al_lint *lint, const char *name, bool ask_spf_type, bool ask_cname);
/** The role of an owner name (DMARC, DKIM, report authorization as NONE, else SPF). */
al_kind al_lint_name_role(al_lint *lint, const char *name, const char **domain, const char **selector);

#endif
