/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What check code sees: the subject of a check, the finding builder, lookups
 * through the lint context, and the table of checks.
 *
 * Rules for check code:
 *  - raise findings only with al_finding_begin/..._end, by rule id;
 *  - make every DNS lookup with al_lint_lookup (it counts, applies budgets,
 *    reports failed and skipped lookups, and handles asynchronous sources);
 *  - never print, never exit.
 */
#ifndef AL_CHECK_LINT_INTERNAL_H
#define AL_CHECK_LINT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/lint.h>

#include "record/detect.h"
#include "rule_codes.h"

/** A record under check: the TXT strings joined, with where it came from. */
typedef struct al_subject {
	al_kind kind;             /* SPF, DMARC, DKIM, or NONE for a TXT of no family */
	const char *owner;        /* owner name */
	const char *domain;       /* SPF: owner; DMARC: owner without _dmarc.; DKIM: after _domainkey. */
	const char *selector;     /* DKIM: the labels before _domainkey */
	uint16_t rrtype;          /* AL_TYPE_TXT, AL_TYPE_SPF */
	const char *text;         /* the character-strings joined, as received */
	size_t length;
	const size_t *string_ends;/* end offset of each character-string in text */
	size_t string_count;
	const al_rr *rr;          /* the RR, or NULL (record given as a string) */
	al_location location;     /* where the record starts */
	const al_zone *zone;      /* set when the record came from a zone file (for columns) */
	const unsigned long *source_lines;   /* record given in presentation form: line and */
	const unsigned long *source_columns; /* column of each byte of text, or NULL */
} al_subject;

/** Fill a subject from a TXT (or SPF type 99) RR; strings are allocated in the lint's unit arena. */
bool al_subject_from_rr(al_lint *lint, al_subject *subject, const al_rr *rr, al_kind kind);

/* ---- findings ------------------------------------------------------------ */

typedef struct al_finding al_finding;

/**
 * Start a finding of rule @p rule_id about @p subject (may be NULL). Returns
 * NULL when the rule is disabled, so a check can skip work; every setter
 * accepts NULL. One finding is built at a time.
 */
al_finding *al_finding_begin(al_lint *lint, al_rule_code rule, const al_subject *subject);
/**
 * The same for a rule of the registry met at run time (a declarative rule or
 * an organisation policy of the configuration). NULL when @p rule is NULL.
 */
al_finding *al_finding_begin_rule(al_lint *lint, const al_rule *rule, const al_subject *subject);
/** The offending bytes in the subject's text. */
void al_finding_span(al_finding *finding, size_t start, size_t length);
/** A value for the placeholder {key} of the rule's message template. */
void al_finding_arg(al_finding *finding, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/** A specific fix, replacing the rule's. */
void al_finding_fix(al_finding *finding, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Extra context (an include path, a server list). */
void al_finding_context(al_finding *finding, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** The DMARC receiver generation concerned. */
void al_finding_generation(al_finding *finding, al_generation generation);
/** Owner and location for a finding without a subject (or to override it). */
void al_finding_owner(al_finding *finding, const char *owner);
void al_finding_location(al_finding *finding, const al_location *location);
/** Render the message, apply configuration and waivers, and add it to the current unit. */
void al_finding_end(al_lint *lint, al_finding *finding);

/**
 * The loaded registry's entry for @p rule: NULL when the registry does not
 * have it (a --rules-dir copy may leave rules out: those are not raised).
 */
const al_rule *al_lint_rule(const al_lint *lint, al_rule_code rule);
/** True when the loaded registry has @p rule and the configuration does not turn it off. */
bool al_lint_rule_enabled(const al_lint *lint, al_rule_code rule);
/** Is @p rule (a registry entry, from a finding) the rule @p code? NULL: false. */
bool al_rule_is(const al_rule *rule, al_rule_code code);
/** The same for a registry entry met at run time (NULL: false). */
bool al_lint_rule_on(const al_lint *lint, const al_rule *rule);

/* ---- lookups ------------------------------------------------------------- */

/**
 * Look up through the lint's source. Never NULL: failures come back as an
 * answer with a failed rcode (and are reported once per unit as LOOKUP001;
 * lookups not made as a LOOKUP002 note). The answer lives until the end of
 * the current unit.
 */
const al_answer *al_lint_lookup(al_lint *lint, const char *name, uint16_t type);
/**
 * The same for a question inside a subtree the SPF run cache shares between
 * domains. Check mode: al_lint_lookup (each question asked and counted once
 * per unit). Zone mode: every question counted, answered from the memo or
 * not, as the other checks' questions are there.
 */
const al_answer *al_lint_lookup_shared(al_lint *lint, const char *name, uint16_t type);
/**
 * How the SPF run cache asks again the questions of a subtree it reuses, so
 * that a domain's count, the questions its source sees and where a budget
 * stops it are those of an analysis without the cache. Check mode:
 * al_lint_lookup (counted once per unit, reported, a pending answer makes the
 * pass pending), and al_lint_lookup_count does nothing. Zone mode: the answer
 * from the memo or the source, kept until the unit ends, but not counted nor
 * reported; al_lint_lookup_count counts them when all were answered (else the
 * subtree is analysed anew, which asks, counts and reports).
 */
const al_answer *al_lint_lookup_probe(al_lint *lint, const char *name, uint16_t type);
void al_lint_lookup_count(al_lint *lint, size_t count);
/** True when lookups can be made at all (a source is present). */
bool al_lint_has_source(const al_lint *lint);
/*
 * A memo of what a unit's lookups gave (a policy discovery, a mail domain's
 * state) stands in for the lookups when the same unit asks again. Zone mode
 * counts every question a check asks, answered from its memo or not, so a memo
 * hit counts them again: take a mark before the lookups; when they were all
 * answered (none failed, none not made, none pending: nothing was reported)
 * al_lint_lookup_clean_since gives their number, and al_lint_lookup_replay
 * counts that many at a hit (nothing in check mode, which counts a unit's
 * question once).
 */
typedef struct al_lookup_mark {
	size_t lookups, failed, not_queried;
} al_lookup_mark;
void al_lint_lookup_mark(const al_lint *lint, al_lookup_mark *mark);
bool al_lint_lookup_clean_since(const al_lint *lint, const al_lookup_mark *mark, size_t *count);
void al_lint_lookup_replay(al_lint *lint, size_t count);
/*
 * The Public Suffix List through the lint (lookup.c): each name's answer is
 * kept, as every domain's policy discovery asks about the same parents.
 * Same results as al_dmarc_psl_organizational_domain,
 * al_dmarc_psl_is_public_suffix and al_same_organization with the lint's list.
 */
al_status al_lint_org_domain(al_lint *lint, const char *domain, char out[AL_NAME_MAX]);
bool al_lint_public_suffix(al_lint *lint, const char *domain);
bool al_lint_same_organization(al_lint *lint, const char *a, const char *b);
/*
 * A record parsed by @p parse, in zone mode kept by its bytes across units
 * (parse_memo.c): the same record is parsed by a domain's checks and by its
 * own unit. The result is only to be read; it lives at least until the unit
 * ends. Elsewhere @p parse runs into the unit arena.
 */
struct al_arena;
typedef al_status (*al_lint_parse_fn)(al_lint *lint, const char *text, size_t length, struct al_arena *arena,
				      void **out);
al_status al_lint_parse_memo(al_lint *lint, al_kind kind, const char *text, size_t length,
			     al_lint_parse_fn parse, void **out);
void al_lint_parse_memo_free(al_lint *lint);
/**
 * The DKIM selectors given for the domain being checked: the options' and, in
 * a bulk check, the domain's own from the domains file (no duplicates). 0 when
 * none were given (then selectors may be discovered).
 */
size_t al_lint_selectors(al_lint *lint, const char *const **out);
/** True when the current pass is waiting for an asynchronous answer. */
bool al_lint_pending(const al_lint *lint);

/* ---- options seen by checks -------------------------------------------------- */

const al_lint_options *al_lint_get_options(const al_lint *lint);
const al_rules *al_lint_rules(const al_lint *lint);
/** An arena that lives until the end of the current unit. */
struct al_arena *al_lint_unit_arena(al_lint *lint);
/** Per-lint storage a family may keep (caches); freed with the lint by @p free_fn. */
void *al_lint_family_state(al_lint *lint, al_kind kind);
void al_lint_set_family_state(al_lint *lint, al_kind kind, void *state, void (*free_fn)(void *));

/* ---- the check table -------------------------------------------------------- */

typedef enum al_check_stage {
	AL_STAGE_ZONE = 1, /* once per zone: reading problems */
	AL_STAGE_NAME,     /* once per owner name: RRset-level checks */
	AL_STAGE_SPF,      /* once per SPF record */
	AL_STAGE_DMARC,    /* once per DMARC record */
	AL_STAGE_DKIM,     /* once per DKIM key record */
	AL_STAGE_DOMAIN,   /* once per domain, after its records: cross-record checks */
} al_check_stage;

/** The RRsets at one owner name. */
typedef struct al_name_info {
	const char *name;
	al_kind role;              /* DMARC for _dmarc.*, DKIM for *._domainkey.*, NONE for
				      report authorizations (*._report._dmarc.*), else SPF */
	const char *domain;        /* the domain the name serves */
	const char *selector;      /* DKIM selector, or NULL */
	const al_answer *txt;      /* TXT at the name */
	const al_answer *spf;      /* type 99 at the name (NULL when not asked) */
	const al_answer *cname;    /* CNAME at the name (NULL when not asked) */
	size_t record_count;       /* records of the role's family found */
} al_name_info;

typedef struct al_check_args {
	al_lint *lint;
	const al_zone *zone;         /* ZONE stage, and the zone in zone mode */
	const al_name_info *name;    /* NAME and record stages */
	const al_subject *subject;   /* record stages */
	const void *parsed;          /* record stages: the family's parse result, or NULL */
	const char *domain;          /* DOMAIN stage */
	bool mail_domain;            /* DOMAIN stage in zone mode: the name is a mail domain */
} al_check_args;

typedef void (*al_check_fn)(const al_check_args *args);

typedef struct al_check {
	const char *name;       /* what a rule's `check:` names */
	al_check_stage stage;
	al_check_fn fn;
} al_check;

extern const al_check al_checks[];
extern const size_t al_check_count;

/** A family parses each of its records once; the result goes to all its checks. */
typedef struct al_family_ops {
	al_kind kind;
	void *(*parse)(al_lint *lint, const al_subject *subject);
	void (*free)(void *parsed);
} al_family_ops;

/** The parse hooks of a family, or NULL. */
const al_family_ops *al_family_find(al_kind kind);

/**
 * Run one record through the checks of its family's stage (the one way a
 * record is checked): counts it, parses it once with the family's hook and
 * hands the result to every wanted check. @p info is the name the record was
 * found at (its role, domain and selector).
 */
void al_lint_run_record(al_lint *lint, al_name_info *info, const al_subject *subject);
/**
 * Check a name a check found (a discovered DKIM selector) from its TXT answer,
 * as if the driver had walked it: the NAME stage, then each record of the
 * name's role through al_lint_run_record.
 */
void al_lint_check_answer(al_lint *lint, const char *name, const al_answer *txt);

/* checks provided by the foundation */
void al_check_zone_input(const al_check_args *args);
void al_check_record_selection(const al_check_args *args);
void al_check_txt_strings(const al_check_args *args);
void al_check_rrset_size(const al_check_args *args);
void al_check_cname_and_data(const al_check_args *args);
void al_check_declarative(const al_check_args *args);


#endif
