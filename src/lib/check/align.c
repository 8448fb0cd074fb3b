/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Identifier alignment (authlint align): does the SPF identifier (MAIL FROM
 * domain) or a DKIM signing domain (d=) align with the From domain, relaxed
 * and strict, with the organizational domains each receiver generation uses
 * (RFC 7489: the Public Suffix List; RFC 9989: the DNS tree walk), under the
 * alignment mode the From domain's DMARC policy asks for.
 */
#include <stdio.h>
#include <string.h>

#include <authlint/dmarc_discovery.h>

#include "check/family_api.h"
#include "check/lint_private.h"
#include "util/arena.h"

typedef struct verdict {
	const char *org_from, *org_id; /* organizational domains, NULL when not determined */
	bool relaxed, strict, known;
	bool strict_asked;
	bool aligned;                  /* under the mode asked */
} verdict;

/* The domain of "local@domain", or the text itself; normalised into @p out. */
static bool domain_of(const char *text, char out[AL_NAME_MAX])
{
	const char *at = strrchr(text, '@');
	const char *d = at ? at + 1 : text;
	al_error err;
	/* a mail domain is a host name: letters, digits, '-', '_' and dots */
	if (d[0] == '\0' || strspn(d, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != strlen(d))
		return false;
	return al_name_normalize(d, strlen(d), out, &err) == AL_OK && strcmp(out, ".") != 0;
}

static const char *walk_org(al_lint *lint, const char *domain)
{
	const char *org = NULL;
	bool complete = false;
	if (al_dmarc_walk_org_domain(lint, domain, &org, &complete) != AL_OK || !complete)
		return NULL;
	return org;
}

static const char *psl_org(al_lint *lint, const char *domain)
{
	char out[AL_NAME_MAX];
	if (al_lint_org_domain(lint, domain, out) != AL_OK)
		return NULL;
	return al_arena_strdup(al_lint_unit_arena(lint), out);
}

static void judge(verdict *v, const char *from, const char *id, const char *org_from, const char *org_id,
		  bool strict_asked)
{
	memset(v, 0, sizeof(*v));
	v->org_from = org_from;
	v->org_id = org_id;
	v->strict = al_name_equal(from, id);
	v->known = org_from != NULL && org_id != NULL;
	v->relaxed = v->strict || (v->known && al_name_equal(org_from, org_id));
	v->strict_asked = strict_asked;
	v->aligned = strict_asked ? v->strict : v->relaxed;
}

static const char *explain(al_lint *lint, const verdict *v, const char *method)
{
	al_arena *a = al_lint_unit_arena(lint);
	const char *relaxed;
	if (v->strict)
		relaxed = "yes";
	else if (!v->known)
		relaxed = "not determined (a lookup failed or was not made)";
	else if (v->relaxed)
		relaxed = al_arena_printf(a, "yes (both under the organizational domain %s by %s)", v->org_from, method);
	else
		relaxed = al_arena_printf(a, "no (organizational domains %s and %s by %s)", v->org_from, v->org_id,
					  method);
	return al_arena_printf(a, "strict %s, relaxed %s", v->strict ? "yes" : "no", relaxed);
}

static const char *mode_text(al_lint *lint, const al_dmarc_outcome *o, bool dkim)
{
	if (o->record == NULL)
		return "no DMARC policy applies to it, so receivers check no alignment (relaxed shown)";
	const al_dmarc_tag *t = o->record->tag[dkim ? AL_DMARC_TAG_ADKIM : AL_DMARC_TAG_ASPF];
	al_dmarc_alignment m = dkim ? o->record->adkim : o->record->aspf;
	return al_arena_printf(al_lint_unit_arena(lint), "its DMARC policy (_dmarc.%s) asks for %s alignment (%s=%s%s)",
			       o->policy_domain, m == AL_DMARC_ALIGN_STRICT ? "strict" : "relaxed",
			       dkim ? "adkim" : "aspf", m == AL_DMARC_ALIGN_STRICT ? "s" : "r",
			       t == NULL ? ", the default" : "");
}

static bool strict_asked(const al_dmarc_outcome *o, bool dkim)
{
	return o->record != NULL && (dkim ? o->record->adkim : o->record->aspf) == AL_DMARC_ALIGN_STRICT;
}

static void identifier(al_lint *lint, const al_dmarc_discovery *d, const char *from, const char *id,
		       bool dkim, const char *org9_from, const char *org7_from)
{
	const char *label = dkim ? "DKIM d=" : "SPF MAIL FROM ";
	verdict v7, v9;
	judge(&v7, from, id, org7_from, psl_org(lint, id), strict_asked(&d->rfc7489, dkim));
	judge(&v9, from, id, org9_from, al_name_equal(from, id) ? org9_from : walk_org(lint, id),
	      strict_asked(&d->rfc9989, dkim));
	bool differ = v7.known && v9.known && v7.aligned != v9.aligned;
	al_finding *f;
	if (differ) {
		f = al_finding_begin(lint, AL_RULE_ALIGN004, NULL);
		al_finding_arg(f, "rfc7489", "%s; %s: %s", v7.aligned ? "aligned" : "not aligned",
			       explain(lint, &v7, "the Public Suffix List"), mode_text(lint, &d->rfc7489, dkim));
		al_finding_arg(f, "rfc9989", "%s; %s: %s", v9.aligned ? "aligned" : "not aligned",
			       explain(lint, &v9, "the DNS tree walk"), mode_text(lint, &d->rfc9989, dkim));
	} else {
		const verdict *v = v9.known ? &v9 : &v7;
		const al_dmarc_outcome *o = v9.known ? &d->rfc9989 : &d->rfc7489;
		bool orgs_differ = v7.known && v9.known && !v->strict &&
				   !(al_name_equal(v7.org_from, v9.org_from) && al_name_equal(v7.org_id, v9.org_id));
		f = al_finding_begin(lint, v->aligned ? AL_RULE_ALIGN002 : AL_RULE_ALIGN003, NULL);
		al_finding_arg(f, "detail", "%s%s%s", explain(lint, v, v9.known ? "the DNS tree walk" : "the Public Suffix List"),
			       orgs_differ ? "; by the Public Suffix List: " : "",
			       orgs_differ ? explain(lint, &v7, "the Public Suffix List") : "");
		al_finding_arg(f, "mode", "%s", mode_text(lint, o, dkim));
		if (!v9.known || !v7.known)
			al_finding_generation(f, v9.known ? AL_GENERATION_RFC9989 : AL_GENERATION_RFC7489);
	}
	/* every finding is the From domain's: they sort as From, aligned, not aligned, differing */
	al_finding_owner(f, from);
	al_finding_arg(f, "identifier", "%s%s", label, id);
	al_finding_arg(f, "from", "%s", from);
	al_finding_end(lint, f);
}

al_status al_lint_align(al_lint *lint, const char *from, const char *mail_from, const char *const *dkim_domains,
			size_t dkim_count)
{
	char f[AL_NAME_MAX], id[AL_NAME_MAX];
	if (from == NULL || !domain_of(from, f))
		return AL_EINVAL;
	if (mail_from != NULL && !domain_of(mail_from, id))
		return AL_EINVAL;
	for (size_t i = 0; i < dkim_count; i++)
		if (dkim_domains[i] == NULL || !domain_of(dkim_domains[i], id))
			return AL_EINVAL;
	al_dmarc_discovery *d = NULL;
	al_status st = al_dmarc_discover(lint, f, &d);
	if (st != AL_OK)
		return st;
	const char *from_dom = d->domain;
	const char *org7 = psl_org(lint, from_dom);
	const char *org9 = walk_org(lint, from_dom);
	/* the From domain itself: its organizational domains and the policy that applies */
	al_finding *fi = al_finding_begin(lint, AL_RULE_ALIGN001, NULL);
	al_finding_owner(fi, from_dom);
	al_finding_arg(fi, "from", "%s", from_dom);
	al_finding_arg(fi, "org7489", "%s", org7 ? org7 : "not determined");
	al_finding_arg(fi, "org9989", "%s", org9 ? org9 : "not determined (a lookup failed or was not made)");
	const al_dmarc_outcome *o = &d->rfc9989;
	char buf[512] = "";
	if (o->record != NULL)
		al_dmarc_effect_describe(o->record, AL_GENERATION_RFC9989, o->target, &o->effect, buf, sizeof(buf));
	al_finding_arg(fi, "policy", "%s",
		       o->found == AL_DMARC_FOUND_UNKNOWN ? "its DMARC policy is not known (a lookup failed or was not made)"
		       : o->record == NULL ? "no DMARC policy applies to it, so receivers do not evaluate alignment"
					   : al_arena_printf(al_lint_unit_arena(lint), "DMARC policy _dmarc.%s: %s",
							     o->policy_domain, buf));
	al_finding_end(lint, fi);
	if (mail_from != NULL) {
		domain_of(mail_from, id);
		identifier(lint, d, from_dom, al_arena_strdup(al_lint_unit_arena(lint), id), false, org9, org7);
	}
	for (size_t i = 0; i < dkim_count; i++) {
		domain_of(dkim_domains[i], id);
		identifier(lint, d, from_dom, al_arena_strdup(al_lint_unit_arena(lint), id), true, org9, org7);
	}
	al_lint_unit_end(lint);
	return AL_OK;
}
