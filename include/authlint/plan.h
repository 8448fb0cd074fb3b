/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file plan.h
 * The DMARC rollout planner: a staged plan from the domain's current record
 * to enforcement, safe for both receiver generations.
 *
 * Since RFC 9989 a step like `p=quarantine; pct=25` means 25% to an RFC 7489
 * receiver and 100% to an RFC 9989 one (RFC 9989 removed pct), while `t=y`
 * lowers the policy one level for RFC 9989 receivers only. Every step of a
 * plan therefore carries its effect on each generation, for the domain, its
 * existing subdomains and its non-existent subdomains.
 *
 * A plan comes from a template (plans/<name>.yaml, embedded at build time, or
 * a file), the domain's current DMARC record and the lint findings of its SPF,
 * DKIM and DMARC records. It starts from where the domain is now, gates every
 * step on rules that must be clean and on checklist items the user confirms,
 * and dates every step from a start date the caller gives: the library never
 * reads the clock.
 */
#ifndef AUTHLINT_PLAN_H
#define AUTHLINT_PLAN_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/config.h>
#include <authlint/diag.h>
#include <authlint/dmarc_discovery.h>
#include <authlint/emit.h>
#include <authlint/findings.h>
#include <authlint/lint.h>
#include <authlint/reports.h>
#include <authlint/rule.h>
#include <authlint/source.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- dates ----------------------------------------------------------------- */

/** A calendar date (proleptic Gregorian). */
typedef struct al_date {
	int year;  /**< 1970..9999 */
	int month; /**< 1..12 */
	int day;   /**< 1..31 */
} al_date;

/** Parse "YYYY-MM-DD" (a real date, 1970-01-01 to 9999-12-31); AL_EINVAL otherwise. */
AL_EXPORT al_status al_date_parse(const char *text, al_date *out);
/** "YYYY-MM-DD" into @p out. */
AL_EXPORT void al_date_format(al_date date, char out[11]);
/** The date @p days later (or earlier, when negative). */
AL_EXPORT al_date al_date_add_days(al_date date, long days);
/** Days from @p from to @p to (negative when @p to is earlier). */
AL_EXPORT long al_date_diff_days(al_date from, al_date to);
/** The date of @p unix_seconds in UTC (for the CLI's "today"). */
AL_EXPORT al_date al_date_from_unix(int64_t unix_seconds);
/**
 * Whole days a TTL of @p ttl seconds can keep an old answer in caches,
 * rounded up: 0 for 0, 1 for 1..86400, 2 for 86401..172800, ...
 */
AL_EXPORT unsigned al_ttl_days(uint32_t ttl);
/**
 * How long a TTL of @p ttl seconds lets caches keep an answer, in the largest
 * whole unit, rounded up: "0 seconds", "45 seconds", "5 minutes", "1 hour",
 * "2 days". Returns @p out.
 */
AL_EXPORT const char *al_ttl_text(uint32_t ttl, char out[24]);

/* ---- templates ------------------------------------------------------------- */

/** What a template step does with sp or np. */
typedef enum al_plan_tag_action {
	AL_PLAN_TAG_KEEP = 0, /**< not named: keep what the domain's record has */
	AL_PLAN_TAG_REMOVE,   /**< "inherit": no tag, so p (or sp) applies */
	AL_PLAN_TAG_SET,      /**< a policy */
} al_plan_tag_action;

/** The gates of a step: rules that must be clean, and items the user confirms. */
typedef struct al_plan_gates {
	const char *const *rules;   /**< rule ids as the registry spells them */
	size_t rule_count;
	const char *const *confirm; /**< checklist items */
	size_t confirm_count;
} al_plan_gates;

/** One step of a template. */
typedef struct al_plan_template_step {
	const char *id;             /**< "quarantine-25": lower-case words and digits joined by dashes */
	const char *title;          /**< "Quarantine 25%" */
	const char *note;           /**< guidance shown with the step, or NULL */
	al_dmarc_policy policy;     /**< p: NONE, QUARANTINE or REJECT */
	int pct;                    /**< 0..100, or -1 for no pct tag */
	bool testing;               /**< t=y */
	al_plan_tag_action sp_action;
	al_dmarc_policy sp;         /**< when sp_action is SET */
	al_plan_tag_action np_action;
	al_dmarc_policy np;         /**< when np_action is SET */
	unsigned min_days;          /**< the step holds at least this long */
	unsigned suggested_days;    /**< ... and is suggested to hold this long */
	al_plan_gates gates;        /**< to be met before the step starts */
	const char *const *intends; /**< rule ids its record raises on purpose (besides those the
				         planner knows: t=y, a partial pct, a kept weaker sp) */
	size_t intend_count;
	unsigned long line;         /**< where the step starts in the template file */
} al_plan_template_step;

typedef struct al_plan_template al_plan_template;

/**
 * Load a template from a file. Errors name the file and line (AL_ECONFIG):
 * YAML syntax, unknown or missing keys, values out of range, a gate or an
 * intended rule the registry @p rules does not know, duplicate step ids, and
 * steps that enforce less than the step before them on either receiver
 * generation.
 */
AL_EXPORT al_status al_plan_template_load_file(al_plan_template **out, const char *path, const al_rules *rules,
				     al_error *err);
/** Same, from memory; @p label names it in errors. */
AL_EXPORT al_status al_plan_template_load_buffer(al_plan_template **out, const char *label, const char *data,
				       size_t length, const al_rules *rules, al_error *err);
/** A built-in template ("default", "rfc9989", "cautious", "fast"); AL_ENOENT for another name. */
AL_EXPORT al_status al_plan_template_load_builtin(al_plan_template **out, const char *name,
					const al_rules *rules, al_error *err);
/** The name of built-in template @p index in name order, or NULL past the end. */
AL_EXPORT const char *al_plan_template_builtin_at(size_t index);
/** Free; NULL is safe. */
AL_EXPORT void al_plan_template_free(al_plan_template *tmpl);

AL_EXPORT const char *al_plan_template_name(const al_plan_template *tmpl);
AL_EXPORT const char *al_plan_template_summary(const al_plan_template *tmpl);
AL_EXPORT const char *al_plan_template_description(const al_plan_template *tmpl);
/** Where it came from: "plans/default.yaml" (built in) or the file given. */
AL_EXPORT const char *al_plan_template_source(const al_plan_template *tmpl);
AL_EXPORT size_t al_plan_template_step_count(const al_plan_template *tmpl);
AL_EXPORT const al_plan_template_step *al_plan_template_step_at(const al_plan_template *tmpl, size_t index);
/**
 * Durations and gates of the steps the planner adds itself after the template
 * (subdomain policy, removing t=y, replacing a weak DKIM key). Its policy is
 * not used.
 */
AL_EXPORT const al_plan_template_step *al_plan_template_hardening(const al_plan_template *tmpl);

/* ---- plans ----------------------------------------------------------------- */

typedef struct al_plan_options {
	const al_rules *rules;          /**< required; must outlive the plan */
	const al_config *config;        /**< severities and waivers; may be NULL */
	al_source *source;              /**< lookups (zone, live, layered); NULL: none */
	bool offline;                   /**< never query: what needs a lookup is "not checked" */
	al_generation dmarc_spec;       /**< how the lint reads DMARC records (default RFC 9989) */
	const char *const *selectors;   /**< DKIM selectors the gates check */
	size_t selector_count;
	const al_plan_template *plan_template; /**< required */
	al_date start;                  /**< required: the first step's date ("today" is the caller's) */
	const char *record;             /**< the current DMARC record as text (record mode), or NULL
					     to read _dmarc.<domain> through the source */
	size_t record_length;
	uint32_t record_ttl;            /**< record mode: its TTL, 0 when not known */
	const char *rua;                /**< a rua URI for every step when the record has no valid
					     one, or NULL (the plan then suggests one at the domain) */
	uint32_t ttl;                   /**< TTL of the records the plan publishes; 0: the current
					     record's, lowered to 3600 (quick rollback) */
	const struct al_psl *psl;       /**< Public Suffix List of the lints; NULL: the default */
	/** DMARC aggregate reports, read and attributed by the caller (al_reports_attribute),
	 *  or NULL. With them the report gates are measured (days of reports, authorized
	 *  services failing alignment: REPORT002 blocks a step), each step gets its expected
	 *  impact, and the domain's REPORT findings join the plan's. Borrowed for the build. */
	const al_reports *reports;
} al_plan_options;

/** How a gate stands now. */
typedef enum al_plan_gate_state {
	AL_PLAN_GATE_PASS = 0, /**< the rule is clean now */
	AL_PLAN_GATE_FAIL,     /**< it has findings now: the step is blocked */
	AL_PLAN_GATE_FIXED,    /**< it has findings now, but an earlier step of the plan removes them */
	AL_PLAN_GATE_UNKNOWN,  /**< not checked: a lookup failed or was not made, or no DKIM selector */
	AL_PLAN_GATE_CONFIRM,  /**< a checklist item: the user confirms it */
} al_plan_gate_state;

/** "pass", "fail", "fixed", "unknown", "confirm". */
AL_EXPORT const char *al_plan_gate_state_name(al_plan_gate_state state);

typedef struct al_plan_gate {
	al_plan_gate_state state;
	const al_rule *rule;            /**< the rule, or NULL for a checklist item */
	const char *text;               /**< checklist text, or the rule's summary */
	const char *detail;             /**< why it is unknown or fixed, or NULL */
	size_t fixed_by;                /**< FIXED: the number of the step that removes the findings */
	const al_diag *const *findings; /**< FAIL, FIXED: the findings (in the plan's findings) */
	size_t finding_count;
} al_plan_gate;

/** What failing mail of one kind gets under a record, per receiver generation. */
typedef struct al_plan_effect {
	al_dmarc_effect rfc7489;
	al_dmarc_effect rfc9989;
	const char *rfc7489_text;       /**< short: "quarantine 25%, rest none" */
	const char *rfc9989_text;       /**< short: "none (t=y lowers quarantine)" */
	const char *rfc7489_detail;     /**< a sentence (al_dmarc_effect_describe) */
	const char *rfc9989_detail;
} al_plan_effect;

typedef enum al_plan_step_kind {
	AL_PLAN_STEP_RAMP = 0,  /**< a step of the template */
	AL_PLAN_STEP_REPORTING, /**< add aggregate reporting to the policy in place */
	AL_PLAN_STEP_SUBDOMAIN, /**< stage sp or np */
	AL_PLAN_STEP_TESTING,   /**< remove t=y: enforce in full on RFC 9989 receivers */
	AL_PLAN_STEP_DKIM,      /**< replace a weak DKIM key; the DMARC record stays */
} al_plan_step_kind;

/** "ramp", "reporting", "subdomain", "testing", "dkim". */
AL_EXPORT const char *al_plan_step_kind_name(al_plan_step_kind kind);

typedef enum al_plan_step_status {
	AL_PLAN_STEP_READY = 0,   /**< every gate rule passes (or an earlier step fixes it) */
	AL_PLAN_STEP_BLOCKED,     /**< a gate rule has findings now */
	AL_PLAN_STEP_UNVERIFIED,  /**< nothing blocks it, but a gate could not be checked */
} al_plan_step_status;

/** "ready", "blocked", "unverified". */
AL_EXPORT const char *al_plan_step_status_name(al_plan_step_status status);

/** What failing mail of the report period would have got at a step, in messages a day. */
typedef struct al_plan_impact {
	bool measured;                  /**< the plan was built with reports */
	double rfc7489_quarantined, rfc7489_rejected; /**< RFC 7489 receivers (pct honoured) */
	double rfc9989_quarantined, rfc9989_rejected; /**< RFC 9989 receivers (t=y honoured) */
	const char *from;               /**< the sources of that mail, by volume ("Mailchimp 4,100
					     a day, unauthorized sources 12 a day"), or NULL when none */
} al_plan_impact;

typedef struct al_plan_step {
	size_t number;                  /**< 1-based */
	al_plan_step_kind kind;
	const char *id;                 /**< the template step's id, or "np-reject", "sp-quarantine", ... */
	const char *title;
	al_plan_step_status status;
	const char *record;             /**< the TXT record to publish at _dmarc.<domain> */
	const char *zone_line;          /**< the same as a zone-file line, with its TTL */
	uint32_t ttl;                   /**< TTL of that line */
	bool record_changes;            /**< false for a DKIM step: publish nothing at _dmarc */
	al_plan_effect effect[3];       /**< indexed by al_dmarc_target */
	unsigned min_days, suggested_days;
	al_date earliest;               /**< the earliest date to publish the record */
	al_date suggested;              /**< the suggested date */
	uint32_t replaces_ttl;          /**< TTL of the record it replaces (the negative-answer TTL
					     when there was none); caches hold the old record this long */
	bool replaces_ttl_known;        /**< false: not known, 86400 was assumed */
	unsigned wait_days;             /**< replaces_ttl in whole days, rounded up: the step counts
					     from earliest + wait_days */
	const al_plan_gate *gates;
	size_t gate_count;
	const char *rollback;           /**< the record to roll back to; NULL: delete the record */
	const char *rollback_zone_line; /**< NULL when the rollback is a deletion */
	const char *const *notes;       /**< what to know about this step */
	size_t note_count;
	const char *const *intended;    /**< rule ids its record raises on purpose */
	size_t intended_count;
	const al_findings *record_findings; /**< the record linted as authlint lints DMARC records */
	al_plan_impact impact;          /**< with reports: what the step would have done to the
					     failing mail of the report period */
} al_plan_step;

/** What the reports show for the domain (plan --reports). */
typedef struct al_plan_evidence {
	bool present;                   /**< reports were given */
	uint64_t reports;               /**< reports about the domain */
	size_t days;                    /**< days with report data */
	double period_days;             /**< the period the reports span (per-day figures divide by it) */
	uint64_t messages, aligned;     /**< messages, and those that passed DMARC (aligned) */
	uint64_t failing_domain;        /**< failing messages From the domain itself */
	uint64_t failing_subdomains;    /**< failing messages From its subdomains */
	uint64_t failing_nonexistent;   /**< of those, From names that do not exist (NXDOMAIN, the
					     meaning of RFC 9989 and RFC 8020): np applies to them */
	uint64_t failing_unknown;       /**< of those, From names whose existence is not known (the
					     lookup failed or was not made): counted as existing */
	size_t services_failing;        /**< authorized sources failing alignment (REPORT002) */
	size_t unattributed;            /**< failing sources not attributed (no DNS) */
	const char *from;               /**< failing mail by source, as in al_plan_impact.from */
} al_plan_evidence;

/** The DMARC record in place before the plan. */
typedef struct al_plan_current {
	const char *owner;              /**< "_dmarc.example.com" */
	bool known;                     /**< false: the lookup failed; there is no plan */
	const char *problem;            /**< why not known, or NULL */
	size_t record_count;            /**< DMARC records found (receivers use exactly one) */
	const char *record;             /**< that one record, or NULL */
	uint32_t ttl;                   /**< its TTL, or the negative-answer TTL when there is none */
	bool ttl_known;
	bool usable;                    /**< one valid record with a valid rua that both generations apply */
	al_plan_effect effect[3];
	al_location location;           /**< where it came from (zone file:line, server, <argument>) */
} al_plan_current;

/** A plan. Every pointer lives as long as the plan. */
typedef struct al_plan {
	const char *domain;             /**< normalised */
	const char *template_name;
	const char *template_summary;
	const char *template_source;
	al_date start;
	al_plan_current current;
	const al_plan_step *steps;
	size_t step_count;
	bool nothing_to_do;             /**< at p=reject in full everywhere, nothing left to harden */
	bool complete;                  /**< every lookup was answered */
	const char *rua;                /**< the rua the plan's records carry, or NULL */
	bool rua_suggested;             /**< ... made up by the planner (no valid rua, no --rua) */
	const char *const *notes;       /**< about the plan as a whole */
	size_t note_count;
	size_t first_blocked;           /**< number of the first blocked step, 0 for none */
	const al_findings *findings;    /**< the domain's findings (SPF, DKIM, DMARC) and the plan's
					     own (PLAN), sorted, with their counts for the exit code */
	al_plan_evidence evidence;      /**< with reports (options.reports) */
} al_plan;

/**
 * Build the plan for @p domain. Lints the domain through the source (SPF,
 * DMARC, the DKIM selectors), reads the current record, places it on the
 * template, adds the hardening left, evaluates gates and dates every step.
 * Returns AL_OK with a plan also when the current record could not be read
 * (current.known is false and there are no steps). AL_EINVAL with a reason
 * for a domain that is not valid or options that are missing.
 */
AL_EXPORT al_status al_plan_build(const al_plan_options *options, const char *domain, al_plan **out,
			al_error *err);
/** Free; NULL is safe. */
AL_EXPORT void al_plan_free(al_plan *plan);

/* ---- output ---------------------------------------------------------------- */

typedef enum al_plan_format {
	AL_PLAN_FORMAT_TEXT = 0, /**< a readable timeline */
	AL_PLAN_FORMAT_JSON,
	AL_PLAN_FORMAT_YAML,
	AL_PLAN_FORMAT_MARKDOWN, /**< a checklist for a change ticket */
	AL_PLAN_FORMAT_ICS,      /**< iCalendar (RFC 5545), one event per step */
} al_plan_format;

/** Parse "text", "json", "yaml", "markdown" (or "md"), "ics". */
AL_EXPORT al_status al_plan_format_parse(const char *text, al_plan_format *out);
AL_EXPORT const char *al_plan_format_name(al_plan_format format);

typedef struct al_plan_write_options {
	/** ICS: DTSTAMP, when the calendar was made, as "YYYYMMDDTHHMMSSZ"; required for ICS */
	const char *dtstamp;
	const char *tool_version; /**< NULL: the library's */
	bool color;               /**< text: ANSI colour */
} al_plan_write_options;

/** Write @p plan. Every string is escaped for its format. AL_EIO when a write failed. */
AL_EXPORT al_status al_plan_write(const al_plan *plan, al_plan_format format,
			const al_plan_write_options *options, al_sink sink);

#ifdef __cplusplus
}
#endif
#endif
