/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the planner's files: templates, the policy state a step publishes, writers. */
#ifndef AL_PLAN_INTERNAL_H
#define AL_PLAN_INTERNAL_H

#include <authlint/plan.h>

#include "util/arena.h"
#include "util/strbuf.h"

/* Bounds on a template (untrusted input like any file). */
#define AL_PLAN_MAX_STEPS 64
#define AL_PLAN_MAX_GATES 64
#define AL_PLAN_MAX_TEXT 2000
#define AL_PLAN_MAX_DAYS 365
#define AL_PLAN_MAX_TEMPLATE_BYTES (1024u * 1024u)

struct al_plan_template {
	al_arena arena;
	const char *name;
	const char *summary;
	const char *description;
	const char *source;
	al_plan_template_step *steps;
	size_t step_count;
	al_plan_template_step hardening;
};

/*
 * The tags a plan's record carries. p, pct, t, sp and np are what steps
 * change; the rest is carried over from the domain's record, cleaned.
 */
typedef struct al_plan_policy {
	al_dmarc_policy p;  /* NONE, QUARANTINE, REJECT */
	int pct;            /* -1: no tag; 100 is never written */
	bool t;             /* t=y */
	al_dmarc_policy sp; /* UNSET: no tag */
	al_dmarc_policy np; /* UNSET: no tag */
	const char *adkim, *aspf, *psd, *rua, *ruf, *fo; /* values, or NULL */
} al_plan_policy;

/* The record text of a policy ("v=DMARC1; p=...") in @p arena. */
const char *al_plan_policy_text(al_arena *arena, const al_plan_policy *policy);

/*
 * How much a record enforces on the domain itself, per generation, as one
 * number: the share (0..100) of failing mail that gets at least quarantine
 * plus the share that gets reject (0..200).
 */
unsigned al_plan_strength(const al_dmarc_effect *effect);
/* Strengths of @p policy for the domain (target DOMAIN), or of a target. */
void al_plan_policy_strengths(const al_plan_policy *policy, al_dmarc_target target, unsigned *rfc7489,
			      unsigned *rfc9989);
/* ... for the three targets at once (indexed by al_dmarc_target), from one parse. */
void al_plan_policy_strengths_all(const al_plan_policy *policy, unsigned rfc7489[3], unsigned rfc9989[3]);
/* Do two policies write the same record? (Every tag alike, the values by their text.) */
bool al_plan_policy_equal(const al_plan_policy *a, const al_plan_policy *b);

/* Short text of an effect ("quarantine 25%, rest none"), in @p arena. */
const char *al_plan_effect_text(al_arena *arena, const al_dmarc_effect *effect, al_generation gen);
/* Fill the three effects of @p text (a DMARC record, or NULL for none). */
void al_plan_effects_of(al_arena *arena, const char *text, size_t length, al_plan_effect out[3]);

/* The evidence in sentences: the reports' volume and aligned share; the failing services and
 * sources not attributed. */
void al_plan_evidence_volume(al_strbuf *out, const al_plan_evidence *ev);
void al_plan_evidence_failing(al_strbuf *out, const al_plan_evidence *ev);
/* The evidence's failing mail From subdomains, and how much of it is from names that do not exist. */
void al_plan_subdomain_sentence(al_strbuf *out, const al_plan_evidence *ev);
/* A zone-file line for a TXT record at @p owner: strings of at most 255 octets, escaped. */
const char *al_plan_zone_line(al_arena *arena, const char *owner, uint32_t ttl, const char *text,
			      size_t length);

/* A step's impact, a day: text[0], RFC 7489 receivers' quarantined, text[1], their rejected,
 * text[2], RFC 9989 receivers' quarantined, text[3], their rejected, text[4]. */
void al_plan_impact_numbers(al_strbuf *out, const al_plan_impact *im, const char *const text[5]);

/* Writers, one per format (plan/write_*.c). */
al_status al_plan_write_text(const al_plan *plan, const al_plan_write_options *options,
			     al_strbuf *out);
al_status al_plan_write_markdown(const al_plan *plan, const al_plan_write_options *options,
				 al_strbuf *out);
al_status al_plan_write_ics(const al_plan *plan, const al_plan_write_options *options,
			    al_strbuf *out);
/* JSON and YAML share one document tree (plan/write_tree.c). Their output can run to
 * megabytes: it goes to @p sink in pieces as it is written, the rest is left in @p out
 * (AL_EIO when the sink failed). */
al_status al_plan_write_tree(const al_plan *plan, al_plan_format format,
			     const al_plan_write_options *options, al_strbuf *out, al_sink sink);

/* Target names for outputs: "domain", "subdomains", "non-existent subdomains". */
const char *al_plan_target_label(al_dmarc_target target);
/* Keys for structured outputs: "domain", "subdomain", "nonexistent". */
const char *al_plan_target_key(al_dmarc_target target);

#endif
