/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DMARC stage: one record at a time, no lookups. The record is parsed once
 * (the family parse hook) for both receiver generations; the lint's reading
 * (RFC 9989 by default, RFC 7489 with --dmarc-spec 7489) decides how what one
 * generation does differently is reported, and every finding says which
 * generation it concerns.
 */
#include <string.h>

#include <authlint/dmarc_discovery.h>

#include "check/dmarc_checks.h"
#include "record/dmarc_parse.h"

static al_status parse_dmarc(al_lint *lint, const char *text, size_t length, struct al_arena *arena, void **out)
{
	(void)lint;
	al_dmarc_record *r = NULL;
	al_status st = al_dmarc_parse_arena(text, length, arena, &r);
	*out = r;
	return st;
}

const al_dmarc_record *al_dmarc_lint_parse(al_lint *lint, const char *text, size_t length)
{
	void *r = NULL;
	if (al_lint_parse_memo(lint, AL_KIND_DMARC, text, length, parse_dmarc, &r) != AL_OK)
		return NULL;
	return r;
}

void *al_dmarc_family_parse(al_lint *lint, const al_subject *subject)
{
	/* the checks take it const */
	return (void *)al_dmarc_lint_parse(lint, subject->text, subject->length);
}

static bool reading_7489(const al_check_args *args)
{
	return al_lint_get_options(args->lint)->dmarc_spec == AL_GENERATION_RFC7489;
}

static void span_of(al_finding *f, al_dmarc_span s)
{
	al_finding_span(f, s.start, s.length);
}

/* The generation a problem concerns overrides the rule's when it is specific. */
static void generation_of(al_finding *f, al_generation g)
{
	if (g != AL_GENERATION_ANY)
		al_finding_generation(f, g);
}

static void raise_problem(const al_check_args *args, al_rule_code rule, const al_dmarc_problem *p)
{
	al_finding *f = al_finding_begin(args->lint, rule, args->subject);
	span_of(f, p->span);
	al_finding_arg(f, "detail", "%s", p->detail);
	al_finding_arg(f, "tag", "%s", al_dmarc_tag_name(p->tag));
	if (p->hint != NULL)
		al_finding_fix(f, "%s", p->hint);
	generation_of(f, p->generation);
	al_finding_end(args->lint, f);
}

/* ---- syntax ------------------------------------------------------------------ */

void al_check_dmarc_syntax(const al_check_args *args)
{
	const al_dmarc_record *r = args->parsed;
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->problem_count; i++) {
		const al_dmarc_problem *p = &r->problems[i];
		switch (p->kind) {
		case AL_DMARC_PROBLEM_VERSION:
			raise_problem(args, AL_RULE_DMARC014, p);
			break;
		case AL_DMARC_PROBLEM_SYNTAX:
			raise_problem(args, AL_RULE_DMARC011, p);
			break;
		case AL_DMARC_PROBLEM_DUPLICATE:
			raise_problem(args, AL_RULE_DMARC015, p);
			break;
		case AL_DMARC_PROBLEM_UNKNOWN_TAG:
			raise_problem(args, AL_RULE_DMARC016, p);
			break;
		case AL_DMARC_PROBLEM_VALUE:
			if (p->tag == AL_DMARC_TAG_P || p->tag == AL_DMARC_TAG_SP || p->tag == AL_DMARC_TAG_NP)
				break; /* dmarc-policy reports these with their consequence */
			raise_problem(args, AL_RULE_DMARC011, p);
			break;
		case AL_DMARC_PROBLEM_URI:
			break; /* dmarc-reporting */
		}
	}
}

/* ---- policy --------------------------------------------------------------------- */

/* Receivers apply nothing of the record: discarded (a tag twice), or no valid
 * p and no valid rua (DMARC047, DMARC017 say so); its other tags do not matter. */
static bool ignored(const al_dmarc_record *r)
{
	al_dmarc_effect e9, e7;
	al_dmarc_effect_of(r, AL_GENERATION_RFC9989, AL_DMARC_TARGET_DOMAIN, &e9);
	al_dmarc_effect_of(r, AL_GENERATION_RFC7489, AL_DMARC_TARGET_DOMAIN, &e7);
	return !e9.applies && !e7.applies;
}

static const char *rua_consequence(const al_dmarc_record *r)
{
	return al_dmarc_has_valid_rua(r) ? "receivers act as if it said p=none, because rua has a valid URI"
					 : "receivers ignore the whole record, because it has no valid rua";
}

static void invalid_policies(const al_check_args *args, const al_dmarc_record *r)
{
	for (size_t i = 0; i < r->problem_count; i++) {
		const al_dmarc_problem *p = &r->problems[i];
		if (p->kind != AL_DMARC_PROBLEM_VALUE ||
		    (p->tag != AL_DMARC_TAG_P && p->tag != AL_DMARC_TAG_SP && p->tag != AL_DMARC_TAG_NP))
			continue;
		al_finding *f = al_finding_begin(args->lint, AL_RULE_DMARC017, args->subject);
		span_of(f, p->span);
		al_finding_arg(f, "detail", "%s", p->detail);
		al_finding_arg(f, "consequence", "%s",
			       p->tag == AL_DMARC_TAG_NP ? "RFC 9989 receivers treat the whole record as p=none "
							   "if rua has a valid URI and ignore it otherwise"
							 : rua_consequence(r));
		if (p->hint != NULL)
			al_finding_fix(f, "%s", p->hint);
		generation_of(f, p->generation);
		al_finding_end(args->lint, f);
	}
}

/* Index of the first tag with @p id, or tag_count. */
static size_t tag_index(const al_dmarc_record *r, al_dmarc_tag_id id)
{
	for (size_t i = 0; i < r->tag_count; i++)
		if (r->tags[i].id == id)
			return i;
	return r->tag_count;
}

static bool enforcing(al_dmarc_policy p)
{
	return p == AL_DMARC_POLICY_QUARANTINE || p == AL_DMARC_POLICY_REJECT;
}

static void weaker_subdomain_policy(const al_check_args *args, const al_dmarc_record *r, al_dmarc_tag_id id,
				    al_dmarc_policy pol)
{
	if (pol < AL_DMARC_POLICY_NONE || r->p < AL_DMARC_POLICY_NONE || pol >= r->p)
		return;
	al_finding *f = al_finding_begin(args->lint, AL_RULE_DMARC027, args->subject);
	span_of(f, r->tag[id]->spec);
	al_finding_arg(f, "tag", "%s", al_dmarc_tag_name(id));
	al_finding_arg(f, "value", "%s", al_dmarc_policy_name(pol));
	al_finding_arg(f, "p", "%s", al_dmarc_policy_name(r->p));
	al_finding_arg(f, "which", "%s",
		       id == AL_DMARC_TAG_NP ? "subdomains that do not exist" : "existing subdomains");
	if (id == AL_DMARC_TAG_NP)
		al_finding_generation(f, AL_GENERATION_RFC9989);
	al_finding_fix(f, "set %s=%s, or remove %s so that p applies", al_dmarc_tag_name(id),
		       al_dmarc_policy_name(r->p), al_dmarc_tag_name(id));
	al_finding_end(args->lint, f);
}

void al_check_dmarc_policy(const al_check_args *args)
{
	const al_dmarc_record *r = args->parsed;
	/* a record receivers discard (DMARC015) has no policy to judge */
	if (r == NULL || !r->is_dmarc || al_dmarc_record_discarded(r))
		return;
	al_lint *lint = args->lint;
	bool r7489 = reading_7489(args);
	invalid_policies(args, r);

	if (r->tag[AL_DMARC_TAG_P] == NULL && !al_dmarc_has_valid_rua(r)) {
		/* no policy and nowhere to report: the record does nothing at all */
		al_finding *f = al_finding_begin(lint, AL_RULE_DMARC047, args->subject);
		al_finding_span(f, r->tags[0].spec.start, r->tags[0].spec.length);
		al_finding_end(lint, f);
		return;
	}
	if (r->tag[AL_DMARC_TAG_P] == NULL) {
		al_finding *f = al_finding_begin(lint, AL_RULE_DMARC018, args->subject);
		if (r7489)
			al_finding_generation(f, AL_GENERATION_RFC7489);
		al_finding_span(f, r->tags[0].spec.start, r->tags[0].spec.length);
		al_finding_arg(f, "consequence", "%s", rua_consequence(r));
		al_finding_end(lint, f);
	} else {
		size_t pi = tag_index(r, AL_DMARC_TAG_P);
		if (pi != 1) {
			al_finding *f = al_finding_begin(lint, AL_RULE_DMARC020, args->subject);
			span_of(f, r->tag[AL_DMARC_TAG_P]->spec);
			al_finding_end(lint, f);
		}
	}
	if (r->p == AL_DMARC_POLICY_NONE) {
		al_finding *f = al_finding_begin(lint, AL_RULE_DMARC026, args->subject);
		span_of(f, r->tag[AL_DMARC_TAG_P]->spec);
		al_finding_end(lint, f);
	}
	if (r->tag[AL_DMARC_TAG_SP] != NULL)
		weaker_subdomain_policy(args, r, AL_DMARC_TAG_SP, r->sp);
	if (r->tag[AL_DMARC_TAG_NP] != NULL && !r7489)
		weaker_subdomain_policy(args, r, AL_DMARC_TAG_NP, r->np);

	/* non-existent subdomains send no mail: np=reject costs nothing */
	if (!r7489 && r->tag[AL_DMARC_TAG_NP] == NULL && r->p >= AL_DMARC_POLICY_NONE &&
	    r->sp != AL_DMARC_POLICY_INVALID) {
		al_dmarc_policy inherited = r->sp >= AL_DMARC_POLICY_NONE ? r->sp : r->p;
		if (inherited != AL_DMARC_POLICY_REJECT) {
			al_finding *f = al_finding_begin(lint, AL_RULE_DMARC028, args->subject);
			al_finding_arg(f, "inherited", "%s", al_dmarc_policy_name(inherited));
			al_finding_arg(f, "from", "%s", r->sp >= AL_DMARC_POLICY_NONE ? "sp" : "p");
			al_finding_end(lint, f);
		}
	}
	/* t=y: RFC 9989 receivers apply one level less; without a partial pct,
	 * DMARC023 says so together with what RFC 7489 receivers do: one finding */
	bool said_by_023 = r->t == AL_DMARC_FLAG_Y && (enforcing(r->p) || enforcing(r->sp)) &&
			   !(r->pct_valid && r->pct < 100) && al_lint_rule_enabled(lint, AL_RULE_DMARC023);
	if (!r7489 && !said_by_023 && r->t == AL_DMARC_FLAG_Y &&
	    (enforcing(r->p) || enforcing(r->sp) || enforcing(r->np))) {
		al_dmarc_policy shown = enforcing(r->p) ? r->p : enforcing(r->sp) ? r->sp : r->np;
		al_finding *f = al_finding_begin(lint, AL_RULE_DMARC029, args->subject);
		span_of(f, r->tag[AL_DMARC_TAG_T]->spec);
		al_finding_arg(f, "policy", "%s", al_dmarc_policy_name(shown));
		al_finding_arg(f, "lowered", "%s", al_dmarc_policy_name(al_dmarc_policy_lower(shown)));
		al_finding_end(lint, f);
	}
	for (int k = 0; k < 2; k++) {
		al_dmarc_tag_id id = k == 0 ? AL_DMARC_TAG_ADKIM : AL_DMARC_TAG_ASPF;
		al_dmarc_alignment a = k == 0 ? r->adkim : r->aspf;
		if (a != AL_DMARC_ALIGN_STRICT)
			continue;
		al_finding *f = al_finding_begin(lint, AL_RULE_DMARC030, args->subject);
		span_of(f, r->tag[id]->spec);
		al_finding_arg(f, "tag", "%s", al_dmarc_tag_name(id));
		al_finding_arg(f, "what", "%s", k == 0 ? "DKIM signing domain (d=)" : "envelope sender (MAIL FROM) domain");
		al_finding_end(lint, f);
	}
	/* psd=y belongs to public suffix operators */
	if (r->psd == AL_DMARC_FLAG_Y && args->subject->domain != NULL &&
	    strcmp(args->subject->domain, ".") != 0 && !al_dmarc_psl_is_public_suffix(al_lint_get_options(lint)->psl, args->subject->domain)) {
		al_finding *f = al_finding_begin(lint, AL_RULE_DMARC040, args->subject);
		span_of(f, r->tag[AL_DMARC_TAG_PSD]->spec);
		al_finding_end(lint, f);
	}
}

/* ---- what the two generations do differently --------------------------------- */

void al_check_dmarc_generations(const al_check_args *args)
{
	const al_dmarc_record *r = args->parsed;
	/* a record receivers ignore (DMARC015, DMARC017, DMARC047) has nothing more to judge */
	if (r == NULL || !r->is_dmarc || ignored(r))
		return;
	al_lint *lint = args->lint;
	bool r7489 = reading_7489(args);
	bool enforce = enforcing(r->p) || enforcing(r->sp);
	al_dmarc_policy strongest = r->p > r->sp ? r->p : r->sp;
	bool partial = r->pct_valid && r->pct < 100;

	if (!r7489) {
		static const al_dmarc_tag_id removed[] = {AL_DMARC_TAG_PCT, AL_DMARC_TAG_RF, AL_DMARC_TAG_RI};
		for (size_t i = 0; i < 3; i++) {
			const al_dmarc_tag *t = r->tag[removed[i]];
			if (t == NULL)
				continue;
			/* a partial pct is about what 9989 receivers do instead: DMARC023/24 */
			if (removed[i] == AL_DMARC_TAG_PCT && partial)
				continue;
			/* the RFC 7489 default changes nothing anywhere: a note (DMARC048) */
			const char *deflt = removed[i] == AL_DMARC_TAG_PCT ? (r->pct_valid && r->pct == 100 ? "100" : NULL)
					    : removed[i] == AL_DMARC_TAG_RI ? (r->ri_valid && r->ri == 86400 ? "86400" : NULL)
									    : (r->rf == AL_DMARC_RF_AFRF ? "afrf" : NULL);
			if (deflt != NULL) {
				al_finding *f = al_finding_begin(lint, AL_RULE_DMARC048, args->subject);
				span_of(f, t->spec);
				al_finding_arg(f, "tag", "%s", al_dmarc_tag_name(removed[i]));
				al_finding_arg(f, "value", "%s", deflt);
				al_finding_end(lint, f);
				continue;
			}
			al_finding *f = al_finding_begin(lint, AL_RULE_DMARC022, args->subject);
			span_of(f, t->spec);
			al_finding_arg(f, "tag", "%s", al_dmarc_tag_name(removed[i]));
			al_finding_arg(f, "meaning", "%s",
				       removed[i] == AL_DMARC_TAG_PCT
					       ? (r->pct_valid ? "pct=100 is what every receiver does anyway"
							       : "its value is not valid for RFC 7489 receivers either")
				       : removed[i] == AL_DMARC_TAG_RF ? "the failure report format is fixed by RFC 9991"
								       : "the aggregate report interval is daily under RFC 9990");
			al_finding_end(lint, f);
		}
	}
	/* t=y on an enforcing policy without a partial pct: RFC 7489 receivers enforce fully */
	if (r->t == AL_DMARC_FLAG_Y && enforce && !partial) {
		al_finding *f = al_finding_begin(lint, AL_RULE_DMARC023, args->subject);
		span_of(f, r->tag[AL_DMARC_TAG_T]->spec);
		al_finding_arg(f, "policy", "%s", al_dmarc_policy_name(strongest));
		al_finding_arg(f, "lowered", "%s", al_dmarc_policy_name(al_dmarc_policy_lower(strongest)));
		al_finding_end(lint, f);
	}
	/* a partial pct without t=y: RFC 9989 receivers enforce fully */
	if (partial && enforce && r->t != AL_DMARC_FLAG_Y) {
		al_finding *f = al_finding_begin(lint, AL_RULE_DMARC024, args->subject);
		span_of(f, r->tag[AL_DMARC_TAG_PCT]->spec);
		al_finding_arg(f, "pct", "%u", r->pct);
		al_finding_arg(f, "policy", "%s", al_dmarc_policy_name(strongest));
		al_finding_end(lint, f);
	}
	if (r7489) {
		static const al_dmarc_tag_id newer[] = {AL_DMARC_TAG_NP, AL_DMARC_TAG_PSD, AL_DMARC_TAG_T};
		for (size_t i = 0; i < 3; i++) {
			const al_dmarc_tag *t = r->tag[newer[i]];
			if (t == NULL)
				continue;
			al_finding *f = al_finding_begin(lint, AL_RULE_DMARC025, args->subject);
			span_of(f, t->spec);
			al_finding_arg(f, "tag", "%s", al_dmarc_tag_name(newer[i]));
			al_finding_end(lint, f);
		}
	}
}

/* ---- reporting --------------------------------------------------------------------- */

static void uri_list_checks(const al_check_args *args, const al_dmarc_record *r, al_dmarc_tag_id id,
			    const al_dmarc_uri *uris, size_t count)
{
	al_lint *lint = args->lint;
	const char *tag = al_dmarc_tag_name(id);
	if (count > 2) {
		al_finding *f = al_finding_begin(lint, AL_RULE_DMARC034, args->subject);
		span_of(f, r->tag[id]->value);
		al_finding_arg(f, "tag", "%s", tag);
		al_finding_arg(f, "count", "%zu", count);
		al_finding_end(lint, f);
	}
	for (size_t i = 0; i < count; i++) {
		const al_dmarc_uri *u = &uris[i];
		if (!u->valid)
			continue;
		if (u->scheme != AL_DMARC_URI_MAILTO) {
			al_finding *f = al_finding_begin(lint, AL_RULE_DMARC036, args->subject);
			span_of(f, u->span);
			al_finding_arg(f, "tag", "%s", tag);
			al_finding_arg(f, "why", "%s",
				       u->scheme == AL_DMARC_URI_HTTPS
					       ? "https reporting is not in RFC 9990; few receivers support it"
				       : u->scheme == AL_DMARC_URI_HTTP ? "http is unencrypted and few receivers support it"
									: "receivers ignore schemes they do not support");
			al_finding_end(lint, f);
		}
		if (u->has_size && u->size_valid && !reading_7489(args)) {
			al_finding *f = al_finding_begin(lint, AL_RULE_DMARC037, args->subject);
			span_of(f, u->size);
			al_finding_arg(f, "size", "%.*s", (int)u->size.length, r->text + u->size.start);
			al_finding_end(lint, f);
		}
	}
}

void al_check_dmarc_reporting(const al_check_args *args)
{
	const al_dmarc_record *r = args->parsed;
	/* a record receivers ignore (DMARC015, DMARC017, DMARC047) has nothing more to judge */
	if (r == NULL || !r->is_dmarc || ignored(r))
		return;
	al_lint *lint = args->lint;
	for (size_t i = 0; i < r->problem_count; i++)
		if (r->problems[i].kind == AL_DMARC_PROBLEM_URI)
			raise_problem(args, AL_RULE_DMARC035, &r->problems[i]);
	if (!al_dmarc_has_valid_rua(r)) {
		al_finding *f = al_finding_begin(lint, AL_RULE_DMARC012, args->subject);
		if (r->tag[AL_DMARC_TAG_RUA] != NULL)
			span_of(f, r->tag[AL_DMARC_TAG_RUA]->spec);
		al_finding_arg(f, "why", "%s",
			       r->tag[AL_DMARC_TAG_RUA] ? "its rua has no valid URI" : "it has no rua tag");
		al_finding_end(lint, f);
	}
	if (r->tag[AL_DMARC_TAG_RUA] != NULL)
		uri_list_checks(args, r, AL_DMARC_TAG_RUA, r->rua, r->rua_count);
	if (r->tag[AL_DMARC_TAG_RUF] != NULL) {
		uri_list_checks(args, r, AL_DMARC_TAG_RUF, r->ruf, r->ruf_count);
		al_finding *f = al_finding_begin(lint, AL_RULE_DMARC031, args->subject);
		span_of(f, r->tag[AL_DMARC_TAG_RUF]->spec);
		al_finding_end(lint, f);
		if (r->tag[AL_DMARC_TAG_FO] == NULL) {
			f = al_finding_begin(lint, AL_RULE_DMARC033, args->subject);
			span_of(f, r->tag[AL_DMARC_TAG_RUF]->spec);
			al_finding_end(lint, f);
		}
	} else if (r->tag[AL_DMARC_TAG_FO] != NULL) {
		al_finding *f = al_finding_begin(lint, AL_RULE_DMARC032, args->subject);
		span_of(f, r->tag[AL_DMARC_TAG_FO]->spec);
		al_finding_end(lint, f);
	}
}
