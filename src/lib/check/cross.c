/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DOMAIN stage, across families: a DMARC policy that enforces while the
 * mechanisms it rests on are broken.
 *
 *  - p=quarantine or p=reject while every SPF check of the domain ends in
 *    permerror (syntax, over 10 lookups, over 2 void lookups, ...): mail that
 *    only SPF authenticates is quarantined or rejected (DMARC044);
 *  - ... while no usable DKIM key was found for the domain or its
 *    organizational domain (DMARC045);
 *  - aspf=s while SPF includes senders that use a bounce domain of their own
 *    (or a subdomain): their mail can never align strictly (DMARC046).
 *
 * In zone mode this looks at the names a receiver would treat as policy
 * owners (a record of their own, or the organizational domain); their hosts
 * would only repeat it. Domains whose SPF record is "v=spf1 -all" send no mail.
 */
#include <string.h>
#include <strings.h>

#include "check/dmarc_checks.h"
#include "check/family_api.h"
#include "dns/orgdomain.h"
#include "check/spf_family.h"
#include "util/arena.h"
#include "util/strbuf.h"

/* The SPF TXT record of @p domain says "v=spf1 -all" (and nothing else): no mail. */
static bool sends_no_mail(al_lint *lint, const char *domain)
{
	const al_answer *a = al_lint_lookup(lint, domain, AL_TYPE_TXT);
	for (size_t i = 0; a->rcode == AL_RCODE_NOERROR && i < a->count; i++) {
		al_subject s;
		if (a->rrs[i].type != AL_TYPE_TXT || !al_subject_from_rr(lint, &s, &a->rrs[i], AL_KIND_NONE) ||
		    !al_text_is_spf(s.text, s.length))
			continue;
		const char *p = s.text + 6;
		const char *end = s.text + s.length;
		while (p < end && *p == ' ')
			p++;
		size_t n = (size_t)(end - p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		return n == 4 && strncasecmp(p, "-all", 4) == 0;
	}
	return false;
}

static bool enforcing(const al_dmarc_outcome *o)
{
	return o->record != NULL && o->effect.applies &&
	       (o->effect.requested == AL_DMARC_POLICY_QUARANTINE || o->effect.requested == AL_DMARC_POLICY_REJECT);
}

/* The policy the finding quotes, and the generations that enforce it. */
static const al_dmarc_outcome *enforcing_outcome(const al_dmarc_discovery *d, al_generation *gen)
{
	bool e9 = enforcing(&d->rfc9989), e7 = enforcing(&d->rfc7489);
	*gen = e9 && e7 ? AL_GENERATION_ANY : e9 ? AL_GENERATION_RFC9989 : AL_GENERATION_RFC7489;
	return e9 ? &d->rfc9989 : e7 ? &d->rfc7489 : NULL;
}

static void broken_spf(const al_check_args *args, const al_dmarc_discovery *d, const al_dmarc_outcome *o,
		       al_generation gen, const al_spf_summary *spf)
{
	if (!spf->has_record && !spf->record_count_error)
		return;
	if (!spf->permerror || spf->lookup_failed)
		return;
	const char *why = spf->record_count_error ? "it has more than one SPF record"
			  : spf->lookups > 10 ? al_arena_printf(al_lint_unit_arena(args->lint),
								 "it needs %zu DNS lookups, over the limit of 10",
								 spf->lookups)
			  : spf->void_lookups > 2 ? al_arena_printf(al_lint_unit_arena(args->lint),
								     "it meets %zu void lookups, over the limit of 2",
								     spf->void_lookups)
						  : "its record is broken (see the SPF findings)";
	al_finding *f = al_finding_begin(args->lint, AL_RULE_DMARC044, NULL);
	al_finding_owner(f, d->domain);
	al_finding_arg(f, "domain", "%s", d->domain);
	al_finding_arg(f, "policy", "%s", al_dmarc_policy_name(o->effect.requested));
	al_finding_arg(f, "why", "%s", why);
	al_finding_generation(f, gen);
	al_finding_end(args->lint, f);
}

static const char *source_text(al_lint *lint, const al_dkim_summary *s)
{
	switch (s->source) {
	case AL_DKIM_SELECTORS_GIVEN:
		return al_arena_printf(al_lint_unit_arena(lint), "the %zu selector%s given", s->selectors,
				       s->selectors == 1 ? "" : "s");
	case AL_DKIM_SELECTORS_ZONE:
		if (s->selectors == 0)
			return "the zone, which holds no <selector>._domainkey name for it";
		return al_arena_printf(al_lint_unit_arena(lint), "the zone's %zu selector%s", s->selectors,
				       s->selectors == 1 ? "" : "s");
	default:
		return al_arena_printf(al_lint_unit_arena(lint), "the %zu usual selectors probed", s->selectors);
	}
}

static void no_dkim(const al_check_args *args, const al_dmarc_discovery *d, const al_dmarc_outcome *o,
		    al_generation gen)
{
	al_lint *lint = args->lint;
	al_dkim_summary s;
	if (al_dkim_summarize(lint, args->zone, d->domain, NULL, 0, &s) != AL_OK ||
	    s.source == AL_DKIM_SELECTORS_NONE || s.usable > 0 || s.failed > 0)
		return;
	/* relaxed DKIM alignment: a key of the organizational domain signs for its subdomains too */
	const char *org = d->rfc7489.organizational_domain;
	al_dkim_summary so = {0};
	bool org_checked = false;
	if (org != NULL && !al_name_equal(org, d->domain) &&
	    !(o->record != NULL && o->record->adkim == AL_DMARC_ALIGN_STRICT)) {
		if (al_dkim_summarize(lint, args->zone, org, NULL, 0, &so) != AL_OK || so.usable > 0 || so.failed > 0)
			return;
		org_checked = so.source != AL_DKIM_SELECTORS_NONE;
	}
	al_finding *f = al_finding_begin(lint, AL_RULE_DMARC045, NULL);
	al_finding_owner(f, d->domain);
	al_finding_arg(f, "domain", "%s", d->domain);
	al_finding_arg(f, "policy", "%s", al_dmarc_policy_name(o->effect.requested));
	al_finding_arg(f, "what", "%s", s.keys + so.keys > 0 ? "no usable DKIM key" : "no DKIM key");
	al_finding_arg(f, "where", "%s%s%s", source_text(lint, &s), org_checked ? " and at " : "",
		       org_checked ? org : "");
	al_finding_generation(f, gen);
	al_finding_end(lint, f);
}

static void strict_spf(const al_check_args *args, const al_dmarc_discovery *d, const al_dmarc_outcome *o,
		       const al_spf_summary *spf)
{
	if (o->record == NULL || o->record->aspf != AL_DMARC_ALIGN_STRICT || spf->include_count == 0)
		return;
	const al_senders *cat = al_spf_lint_senders(args->lint);
	if (cat == NULL)
		return;
	al_strbuf names = AL_STRBUF_INIT;
	size_t n = 0;
	const al_sender *seen[16];
	for (size_t i = 0; i < spf->include_count; i++) {
		const al_sender *snd = al_senders_match_include(cat, spf->includes[i]);
		if (snd == NULL || snd->own_envelope)
			continue;
		bool dup = false;
		for (size_t k = 0; k < n && k < 16; k++)
			dup |= seen[k] == snd;
		if (dup)
			continue;
		if (n < 16)
			seen[n] = snd;
		n++;
		al_strbuf_printf(&names, "%s%s (%s)", names.length ? ", " : "", snd->name, spf->includes[i]);
	}
	if (n > 0) {
		al_finding *f = al_finding_begin(args->lint, AL_RULE_DMARC046, NULL);
		al_finding_owner(f, d->domain);
		al_finding_arg(f, "domain", "%s", d->domain);
		al_finding_arg(f, "senders", "%s", al_strbuf_cstr(&names));
		al_finding_end(args->lint, f);
	}
	al_strbuf_free(&names);
}

void al_check_dmarc_cross(const al_check_args *args)
{
	al_lint *lint = args->lint;
	if (args->domain == NULL || !al_lint_has_source(lint) || strncmp(args->domain, "*.", 2) == 0)
		return;
	al_dmarc_discovery *d = NULL;
	if (al_dmarc_discover(lint, args->domain, &d) != AL_OK)
		return;
	al_generation gen;
	const al_dmarc_outcome *o = enforcing_outcome(d, &gen);
	if (o == NULL)
		return;
	/* zone mode: the policy owners only */
	if (args->zone != NULL && o->found != AL_DMARC_FOUND_DOMAIN &&
	    !(d->rfc7489.organizational_domain && al_name_equal(d->rfc7489.organizational_domain, d->domain)))
		return;
	if (sends_no_mail(lint, d->domain))
		return;
	al_spf_summary spf;
	bool have_spf = al_spf_summarize(lint, d->domain, &spf) == AL_OK;
	if (have_spf)
		broken_spf(args, d, o, gen, &spf);
	no_dkim(args, d, o, gen);
	if (have_spf)
		strict_spf(args, d, o, &spf);
}
