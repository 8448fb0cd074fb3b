/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DMARC policy discovery for one domain, as each receiver generation does it:
 * RFC 9989 asks _dmarc at the domain and up the tree (section 4.10, at most
 * eight names, stopping at psd=y or psd=n) and picks the organizational domain
 * by section 4.10.2; RFC 7489 asks the domain, then its organizational domain
 * by the Public Suffix List (section 6.6.3). Every lookup goes through the
 * lint, so zone files, live DNS and asynchronous sources behave alike; a
 * lookup that failed leaves the outcome unknown, never "no record".
 *
 * Also the DOMAIN-stage check: no policy (DMARC010), generations that apply
 * different records (DMARC041), the inherited policy spelled out (DMARC042),
 * and _dmarc answered by a wildcard (DMARC043).
 */
#include <stdio.h>
#include <string.h>

#include <authlint/dmarc_discovery.h>

#include "check/dmarc_checks.h"
#include "check/family_api.h"
#include "check/lint_context.h"
#include "record/dmarc_parse.h"
#include "util/arena.h"
#include "util/strbuf.h"

/* ---- one _dmarc name ------------------------------------------------------------ */

static bool covered(al_lint *lint, const char *name)
{
	al_source *src = al_lint_get_options(lint)->source;
	return src != NULL && al_source_covers(src, name);
}

/*
 * Ask _dmarc.<domain>. A public suffix is skipped without a lookup when
 * @p skip_suffix is set (the registrable domain below it has a record, so its
 * answer can only matter if its operator published a record without psd=y,
 * which RFC 9989 5.2 forbids), or when the source does not answer for it (a
 * zone file that does not hold it: asking would only add a "not checked" note
 * for every name of the zone). Returns true when skipped.
 */
static bool ask(al_lint *lint, al_dmarc_step *st, const char *domain, bool skip_suffix)
{
	al_arena *arena = al_lint_unit_arena(lint);
	memset(st, 0, sizeof(*st));
	st->domain = domain;
	st->public_suffix = al_lint_public_suffix(lint, domain);
	char *name = al_arena_concat(arena, "_dmarc.", domain, NULL);
	if (name == NULL) {
		st->rcode = AL_RCODE_ERROR;
		return false;
	}
	if (st->public_suffix && al_lint_has_source(lint) && (skip_suffix || !covered(lint, name))) {
		st->rcode = AL_RCODE_NOT_QUERIED;
		return true;
	}
	const al_answer *a = al_lint_lookup(lint, name, AL_TYPE_TXT);
	st->rcode = a->rcode;
	if (a->rcode != AL_RCODE_NOERROR)
		return false;
	st->wildcard = a->wildcard;
	for (size_t i = 0; i < a->count; i++) {
		if (a->rrs[i].type != AL_TYPE_TXT)
			continue;
		al_subject s;
		if (!al_subject_from_rr(lint, &s, &a->rrs[i], AL_KIND_NONE))
			continue;
		const al_dmarc_record *r = NULL;
		if (al_text_is_dmarc(s.text, s.length) && (r = al_dmarc_lint_parse(lint, s.text, s.length)) != NULL &&
		    r->is_dmarc) {
			st->record_count++;
			st->record = st->record_count == 1 ? r : NULL;
		} else {
			st->other_count++;
			if (al_text_is_spf(s.text, s.length))
				st->spf_record = true;
		}
	}
	return false;
}

static bool answered(const al_dmarc_step *st)
{
	return st->rcode == AL_RCODE_NOERROR || st->rcode == AL_RCODE_NXDOMAIN;
}

/* The suffix of @p domain with @p labels labels. */
static const char *suffix_with(const char *domain, size_t labels)
{
	size_t total = al_name_label_count(domain);
	const char *p = domain;
	for (size_t skip = total > labels ? total - labels : 0; skip > 0 && p != NULL; skip--) {
		p = strchr(p, '.');
		if (p != NULL)
			p++;
	}
	return p != NULL ? p : domain;
}

/* ---- the tree walk ---------------------------------------------------------------- */

typedef struct walk {
	al_dmarc_step *steps;
	size_t count;
	bool complete;        /* every name asked was answered */
	bool suffix_skipped;
} walk;

/* Walk from @p domain; with @p policy, a record at the domain itself ends it
 * (RFC 9989 4.10.1: the walk is for domains without one). */
static void tree_walk(al_lint *lint, const char *domain, al_dmarc_step *steps, walk *w, bool policy)
{
	const char *names[8];
	size_t n = al_dmarc_tree_walk_names(domain, names);
	w->steps = steps;
	w->count = 0;
	w->complete = true;
	w->suffix_skipped = false;
	bool registrable_record = false;
	for (size_t i = 0; i < n; i++) {
		al_dmarc_step *st = &steps[w->count++];
		bool skipped = ask(lint, st, names[i], registrable_record);
		st->rfc9989 = true;
		if (!st->public_suffix)
			registrable_record = st->record != NULL;
		if (policy && i == 0 && st->record != NULL)
			break;
		if (skipped) {
			w->suffix_skipped = true;
		} else if (!answered(st)) {
			w->complete = false;
			/* nothing after a failure can make the outcome known; only while
			 * answers are pending go on, so that the lookups are batched */
			if (st->rcode != AL_RCODE_PENDING)
				break;
		}
		/* section 4.10 steps 2 and 6: a single record with psd=y or psd=n stops the walk */
		if (st->record != NULL && (st->record->psd == AL_DMARC_FLAG_Y || st->record->psd == AL_DMARC_FLAG_N))
			break;
	}
}

/*
 * RFC 9989 section 4.10.2: from the longest name to the shortest, psd=n is the
 * organizational domain; psd=y (not at the start) makes it the name one label
 * below; otherwise the record with the fewest labels; without records, the
 * starting domain. Sets *psd to the step holding psd=y, if any.
 */
static const char *select_org(const walk *w, const char *domain, const al_dmarc_step **psd)
{
	*psd = NULL;
	const al_dmarc_step *fewest = NULL;
	for (size_t i = 0; i < w->count; i++) {
		const al_dmarc_step *st = &w->steps[i];
		if (st->record == NULL)
			continue;
		if (st->record->psd == AL_DMARC_FLAG_N)
			return st->domain;
		if (st->record->psd == AL_DMARC_FLAG_Y && i > 0) {
			*psd = st;
			return suffix_with(domain, al_name_label_count(st->domain) + 1);
		}
		fewest = st;
	}
	return fewest != NULL ? fewest->domain : domain;
}

al_status al_dmarc_walk_org_domain(al_lint *lint, const char *domain, const char **org, bool *complete)
{
	al_dmarc_step steps[8];
	walk w;
	tree_walk(lint, domain, steps, &w, false);
	const al_dmarc_step *psd;
	*org = select_org(&w, domain, &psd);
	*complete = w.complete;
	return AL_OK;
}

/* ---- discovery ---------------------------------------------------------------------- */

static al_dmarc_step *step_for(al_dmarc_discovery *d, const char *domain)
{
	for (size_t i = 0; i < d->step_count; i++)
		if (al_name_equal(d->steps[i].domain, domain))
			return &d->steps[i];
	return NULL;
}

static void effect(al_dmarc_outcome *o, al_generation gen, al_dmarc_existence existence)
{
	if (o->record == NULL)
		return;
	if (o->found == AL_DMARC_FOUND_DOMAIN)
		o->target = AL_DMARC_TARGET_DOMAIN;
	else
		o->target = existence == AL_DMARC_EXISTS_NO ? AL_DMARC_TARGET_NONEXISTENT
							    : AL_DMARC_TARGET_SUBDOMAIN;
	al_dmarc_effect_of(o->record, gen, o->target, &o->effect);
}

al_status al_dmarc_discover(al_lint *lint, const char *domain, al_dmarc_discovery **out)
{
	al_arena *arena = al_lint_unit_arena(lint);
	*out = NULL;
	char norm[AL_NAME_MAX];
	al_error err;
	if (al_name_normalize(domain, strlen(domain), norm, &err) != AL_OK || strcmp(norm, ".") == 0)
		return AL_EINVAL;
	/* a discovery of the same domain in the same unit comes out the same (check
	 * mode asks the unit's questions once; zone mode answers from the zone);
	 * the checks, the cross checks and the inventory each want it. Zone mode
	 * keeps it only when its lookups were all answered, and counts them again. */
	if (lint->discovery != NULL && strcmp(lint->discovery->domain, norm) == 0) {
		al_lint_lookup_replay(lint, lint->discovery_lookups);
		*out = lint->discovery;
		return AL_OK;
	}
	al_lookup_mark mark;
	al_lint_lookup_mark(lint, &mark);
	al_dmarc_discovery *d = al_arena_calloc(arena, 1, sizeof(*d));
	char *dom = al_arena_strdup(arena, norm);
	if (d == NULL || dom == NULL)
		return AL_ENOMEM;
	d->domain = dom;

	/* RFC 9989: the tree walk from the domain itself */
	walk w;
	tree_walk(lint, dom, d->steps, &w, true);
	d->step_count = w.count;
	d->complete = w.complete;
	d->public_suffix_unchecked = w.suffix_skipped;
	al_dmarc_step *own = &d->steps[0];
	own->rfc7489 = true;

	al_dmarc_outcome *o9 = &d->rfc9989;
	const al_dmarc_step *psd = NULL;
	if (own->record != NULL) {
		/* the walk stopped at the domain: its organizational domain is known only
		 * when it says so itself (al_dmarc_walk_org_domain finds it otherwise) */
		o9->found = AL_DMARC_FOUND_DOMAIN;
		o9->policy_domain = dom;
		o9->record = own->record;
		o9->organizational_domain = own->record->psd == AL_DMARC_FLAG_N ? dom : NULL;
	} else {
		o9->organizational_domain = w.complete ? select_org(&w, dom, &psd) : NULL;
	}
	if (own->record != NULL) {
		/* done above */
	} else if (!answered(own)) {
		o9->found = AL_DMARC_FOUND_UNKNOWN;
	} else if (o9->organizational_domain != NULL) {
		const al_dmarc_step *org = step_for(d, o9->organizational_domain);
		if (org != NULL && org->record != NULL) {
			o9->found = AL_DMARC_FOUND_ORGANIZATIONAL;
			o9->policy_domain = org->domain;
			o9->record = org->record;
		} else if (psd != NULL) {
			o9->found = AL_DMARC_FOUND_PSD;
			o9->policy_domain = psd->domain;
			o9->record = psd->record;
		} else {
			o9->found = AL_DMARC_FOUND_NONE;
		}
	} else {
		o9->found = AL_DMARC_FOUND_UNKNOWN;
	}

	/* RFC 7489: the domain, then its organizational domain by the PSL */
	al_dmarc_outcome *o7 = &d->rfc7489;
	char org[AL_NAME_MAX];
	if (al_lint_org_domain(lint, dom, org) == AL_OK)
		o7->organizational_domain = al_arena_strdup(arena, org);
	if (own->record != NULL) {
		o7->found = AL_DMARC_FOUND_DOMAIN;
		o7->policy_domain = dom;
		o7->record = own->record;
	} else if (!answered(own)) {
		o7->found = AL_DMARC_FOUND_UNKNOWN;
	} else if (o7->organizational_domain == NULL || al_name_equal(o7->organizational_domain, dom)) {
		o7->found = AL_DMARC_FOUND_NONE;
	} else {
		al_dmarc_step *st = step_for(d, o7->organizational_domain);
		if (st == NULL) {
			/* not on the walk (the eight-label shortcut skipped it) */
			st = &d->steps[d->step_count++];
			if (ask(lint, st, o7->organizational_domain, false))
				d->public_suffix_unchecked = true;
		}
		st->rfc7489 = true;
		if (!answered(st)) {
			o7->found = AL_DMARC_FOUND_UNKNOWN;
			d->complete = false;
		} else if (st->record != NULL) {
			o7->found = AL_DMARC_FOUND_ORGANIZATIONAL;
			o7->policy_domain = st->domain;
			o7->record = st->record;
		} else {
			o7->found = AL_DMARC_FOUND_NONE;
		}
	}

	/* np needs to know whether the domain exists (RFC 9989 3.2.13: NXDOMAIN) */
	bool inherited = (o9->record != NULL && o9->found != AL_DMARC_FOUND_DOMAIN) ||
			 (o7->record != NULL && o7->found != AL_DMARC_FOUND_DOMAIN);
	if (inherited) {
		const al_answer *a = al_lint_lookup(lint, dom, AL_TYPE_A);
		if (a->rcode == AL_RCODE_NXDOMAIN)
			d->existence = AL_DMARC_EXISTS_NO;
		else if (a->rcode == AL_RCODE_NOERROR)
			d->existence = AL_DMARC_EXISTS_YES;
	}
	effect(o9, AL_GENERATION_RFC9989, d->existence);
	effect(o7, AL_GENERATION_RFC7489, d->existence);

	bool known = o9->found != AL_DMARC_FOUND_UNKNOWN && o7->found != AL_DMARC_FOUND_UNKNOWN;
	d->disagree = known && o9->record != o7->record;
	if (lint->zone == NULL) {
		lint->discovery = d;
		lint->discovery_lookups = 0;
	} else if (al_lint_lookup_clean_since(lint, &mark, &lint->discovery_lookups)) {
		lint->discovery = d;
	}
	*out = d;
	return AL_OK;
}

/* ---- the DOMAIN-stage check ----------------------------------------------------------- */

static const char *found_name(al_dmarc_found f)
{
	switch (f) {
	case AL_DMARC_FOUND_DOMAIN:
		return "its own record";
	case AL_DMARC_FOUND_ORGANIZATIONAL:
		return "the organizational domain's record";
	case AL_DMARC_FOUND_PSD:
		return "the public suffix's record (psd=y)";
	case AL_DMARC_FOUND_NONE:
		return "no record";
	default:
		return "not known";
	}
}

static const char *outcome_text(al_lint *lint, const al_dmarc_outcome *o, al_generation gen)
{
	if (o->found == AL_DMARC_FOUND_UNKNOWN)
		return "not known (a lookup failed or was not made)";
	if (o->record == NULL)
		return "no DMARC policy";
	char buf[512];
	al_dmarc_effect_describe(o->record, gen, o->target, &o->effect, buf, sizeof(buf));
	return al_arena_printf(al_lint_unit_arena(lint), "_dmarc.%s (%s): %s", o->policy_domain,
			       found_name(o->found), buf);
}

/* Names that were not asked or did not answer, for a finding's context. */
static const char *unchecked(al_lint *lint, const al_dmarc_discovery *d)
{
	al_strbuf sb = AL_STRBUF_INIT;
	for (size_t i = 0; i < d->step_count; i++) {
		const al_dmarc_step *st = &d->steps[i];
		if (answered(st))
			continue;
		al_strbuf_printf(&sb, "%s_dmarc.%s (%s)", sb.length ? ", " : "", st->domain,
				 st->rcode != AL_RCODE_NOT_QUERIED ? al_rcode_name(st->rcode)
				 : st->public_suffix ? "a public suffix outside the zone"
						     : "outside the zone");
	}
	const char *s = sb.length ? al_arena_strdup(al_lint_unit_arena(lint), al_strbuf_cstr(&sb)) : NULL;
	al_strbuf_free(&sb);
	return s;
}

static void no_record(const al_check_args *args, const al_dmarc_discovery *d)
{
	const al_dmarc_outcome *o9 = &d->rfc9989, *o7 = &d->rfc7489;
	const char *u = unchecked(args->lint, d);
	/* RFC 9989 receivers walk up to the public suffix: a name of the walk that
	 * was not asked (a suffix outside the zone, offline) may hold a PSD policy,
	 * so "none" is proven only for RFC 7489, whose PSL lookup was answered */
	bool walk_unchecked = u != NULL || d->public_suffix_unchecked;
	bool none9 = o9->found == AL_DMARC_FOUND_NONE && !walk_unchecked;
	bool none7 = o7->found == AL_DMARC_FOUND_NONE;
	if (!none9 && !none7)
		return;
	/* a generation that finds nothing while the other finds a record is DMARC041's */
	if ((none9 && o7->record != NULL) || (none7 && o9->record != NULL))
		return;
	const al_dmarc_step *own = &d->steps[0];
	/* several records at _dmarc: DMARC004 says so at the records */
	if (own->record_count > 1)
		return;
	/* a domain that sends no mail: DNS006 asks for p=reject with the rest */
	if (al_mail_domain_parked(args->lint, d->domain))
		return;
	/* zone mode: an organizational domain that is itself a mail domain of the
	 * zone gets the finding; its subdomains would only repeat it */
	const char *org7 = o7->organizational_domain;
	if (args->zone != NULL && org7 != NULL && !al_name_equal(org7, d->domain) &&
	    al_mail_domain_is(args->lint, args->zone, org7))
		return;
	al_finding *f = al_finding_begin(args->lint, AL_RULE_DMARC010, NULL);
	al_finding_owner(f, d->domain);
	al_finding_arg(f, "domain", "%s", d->domain);
	al_finding_arg(f, "readers", "%s", none9 && none7 ? "" : none7 ? " at RFC 7489 receivers" : " at RFC 9989 receivers");
	al_finding_arg(f, "where", "%s",
		       own->rcode == AL_RCODE_NXDOMAIN || own->other_count == 0
			       ? "no record at _dmarc"
			       : "no DMARC record at _dmarc (only other TXT records)");
	const char *org = o7->organizational_domain && !al_name_equal(o7->organizational_domain, d->domain)
				  ? o7->organizational_domain
				  : o9->organizational_domain && !al_name_equal(o9->organizational_domain, d->domain)
					    ? o9->organizational_domain
					    : NULL;
	al_finding_arg(f, "parent", "%s",
		       org != NULL ? al_arena_printf(al_lint_unit_arena(args->lint),
						     " and none at its organizational domain %s", org)
				   : "");
	if (none9 && !none7)
		al_finding_generation(f, AL_GENERATION_RFC9989);
	else if (none7 && !none9)
		al_finding_generation(f, AL_GENERATION_RFC7489);
	if (walk_unchecked)
		al_finding_context(f, "%snot checked: %s",
				   none9 ? "" : "what RFC 9989 receivers find was ",
				   u ? u : "the public suffix records above the zone");
	al_finding_end(args->lint, f);
}

static void disagreement(const al_check_args *args, const al_dmarc_discovery *d)
{
	if (!d->disagree)
		return;
	al_finding *f = al_finding_begin(args->lint, AL_RULE_DMARC041, NULL);
	al_finding_owner(f, d->domain);
	al_finding_arg(f, "domain", "%s", d->domain);
	al_finding_arg(f, "rfc7489", "%s", outcome_text(args->lint, &d->rfc7489, AL_GENERATION_RFC7489));
	al_finding_arg(f, "rfc9989", "%s", outcome_text(args->lint, &d->rfc9989, AL_GENERATION_RFC9989));
	al_finding_context(f, "organizational domain: %s by the Public Suffix List, %s by the RFC 9989 tree walk",
			   d->rfc7489.organizational_domain ? d->rfc7489.organizational_domain : "unknown",
			   d->rfc9989.organizational_domain ? d->rfc9989.organizational_domain : "unknown");
	al_finding_end(args->lint, f);
}

static void inherited_policy(const al_check_args *args, const al_dmarc_discovery *d)
{
	const al_dmarc_outcome *o9 = &d->rfc9989, *o7 = &d->rfc7489;
	if (d->disagree || o9->record == NULL || o9->found == AL_DMARC_FOUND_DOMAIN)
		return;
	al_finding *f = al_finding_begin(args->lint, AL_RULE_DMARC042, NULL);
	al_finding_owner(f, d->domain);
	al_finding_arg(f, "domain", "%s", d->domain);
	al_finding_arg(f, "policy_domain", "%s", o9->policy_domain);
	al_finding_arg(f, "what", "%s",
		       d->existence == AL_DMARC_EXISTS_NO ? "a name that does not exist (NXDOMAIN)"
		       : d->existence == AL_DMARC_EXISTS_YES ? "an existing subdomain"
							     : "a subdomain");
	char b9[512], b7[512];
	al_dmarc_effect_describe(o9->record, AL_GENERATION_RFC9989, o9->target, &o9->effect, b9, sizeof(b9));
	al_dmarc_effect_describe(o7->record, AL_GENERATION_RFC7489, o7->target, &o7->effect, b7, sizeof(b7));
	const al_dmarc_effect *e9 = &o9->effect, *e7 = &o7->effect;
	bool same = o9->record == o7->record && e9->applies == e7->applies && e9->applied == e7->applied &&
		    e9->rest == e7->rest && e9->percent == e7->percent;
	if (strcmp(b9, b7) == 0)
		al_finding_arg(f, "effect", "%s", b9);
	else if (same)
		al_finding_arg(f, "effect", "%s (RFC 7489 receivers do the same)", b9);
	else
		al_finding_arg(f, "effect", "RFC 9989 receivers: %s; RFC 7489 receivers: %s", b9, b7);
	al_finding_end(args->lint, f);
}

static void wildcard_answer(const al_check_args *args, const al_dmarc_discovery *d)
{
	const al_dmarc_step *own = &d->steps[0];
	if (own->wildcard == NULL || (own->record_count == 0 && own->other_count == 0))
		return;
	al_finding *f = al_finding_begin(args->lint, AL_RULE_DMARC043, NULL);
	al_finding_owner(f, d->domain);
	al_finding_arg(f, "domain", "%s", d->domain);
	al_finding_arg(f, "wildcard", "%s", own->wildcard);
	al_finding_arg(f, "what", "%s",
		       own->record_count > 0
			       ? "a DMARC record, which then applies to this name instead of the organizational domain's"
		       : own->spf_record ? "an SPF record, which receivers discard as not DMARC"
					 : "TXT records that are not DMARC, which receivers discard");
	al_finding_end(args->lint, f);
}

void al_check_dmarc_discovery(const al_check_args *args)
{
	al_lint *lint = args->lint;
	if (args->domain == NULL || !al_lint_has_source(lint) || strncmp(args->domain, "*.", 2) == 0 ||
	    strcmp(args->domain, "*") == 0)
		return;
	/* zone mode: only the mail domains (MX, SPF, DMARC or DKIM records, the apex) */
	if (args->zone != NULL && !args->mail_domain)
		return;
	al_dmarc_discovery *d = NULL;
	if (al_dmarc_discover(lint, args->domain, &d) != AL_OK)
		return;
	no_record(args, d);
	disagreement(args, d);
	wildcard_answer(args, d);
	if (args->zone == NULL)
		inherited_policy(args, d);
}
