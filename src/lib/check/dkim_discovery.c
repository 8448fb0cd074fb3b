/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DKIM keys of a domain: the summary the cross-record rules and the planner
 * read (al_dkim_summarize), and the DOMAIN-stage check that probes the
 * discovery list (selectors.c) and hands every key it finds to the check
 * table (al_lint_check_answer).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/dkim_selectors.h"
#include "check/dmarc_checks.h"
#include "dns/orgdomain.h"
#include "check/family_api.h"
#include "util/arena.h"
#include "util/strbuf.h"

static bool domainkey_exists(al_lint *lint, const char *domain, const char **none);

static bool answer_keys_parse(al_lint *lint, const al_answer *a, bool *usable);

static bool answer_keys(al_lint *lint, const al_answer *a, bool *usable)
{
	al_arena *memo_arena = NULL;
	al_map *memo = al_dkim_key_memo(lint, &memo_arena);
	if (memo == NULL || a->rcode != AL_RCODE_NOERROR || a->name == NULL)
		return answer_keys_parse(lint, a, usable);
	uint64_t h = 0;
	for (size_t i = 0; i < a->count; i++)
		h = h * 31 + al_hash_bytes(a->rrs[i].rdata, a->rrs[i].rdlength) + a->rrs[i].type;
	char key[AL_NAME_MAX + 24];
	snprintf(key, sizeof(key), "%s/%016llx", a->name, (unsigned long long)h);
	uintptr_t known = (uintptr_t)al_map_get(memo, key);
	if (known != 0) {
		*usable = known == 3;
		return known != 1;
	}
	bool any = answer_keys_parse(lint, a, usable);
	char *k = al_arena_strdup(memo_arena, key);
	if (k != NULL)
		al_map_put(memo, k, (void *)(uintptr_t)(!any ? 1 : *usable ? 3 : 2));
	return any;
}

static bool answer_keys_parse(al_lint *lint, const al_answer *a, bool *usable)
{
	bool any = false;
	*usable = false;
	for (size_t i = 0; a->rcode == AL_RCODE_NOERROR && i < a->count; i++) {
		if (a->rrs[i].type != AL_TYPE_TXT)
			continue;
		al_subject sub;
		if (!al_subject_from_rr(lint, &sub, &a->rrs[i], AL_KIND_DKIM))
			continue;
		any = true;
		al_dkim_record *r = al_dkim_family_parse(lint, &sub);
		if (r != NULL && al_dkim_key_usable(r))
			*usable = true;
	}
	return any;
}

/* One selector looked at: counted, and its key judged. */
static void count_key(al_lint *lint, const char *selector, const al_answer *a, al_dkim_summary *out,
		      const char **usable)
{
	out->selectors++;
	if (a->rcode != AL_RCODE_NOERROR && a->rcode != AL_RCODE_NXDOMAIN) {
		out->failed++;
		return;
	}
	bool ok = false;
	if (answer_keys(lint, a, &ok)) {
		out->keys++;
		if (ok && usable != NULL)
			usable[out->usable++] = selector;
	}
}

/* The discovered selectors of a domain (al_dkim_probe_domain), summarized. */
static al_status summarize_probes(al_lint *lint, const char *domain, al_dkim_summary *out)
{
	al_dkim_probes p;
	al_status st = al_dkim_probe_domain(lint, domain, &p);
	if (st != AL_OK)
		return st;
	if (p.pending) {
		out->failed++; /* not known yet */
		return AL_OK;
	}
	const char **usable = p.count ? al_arena_calloc(al_lint_unit_arena(lint), p.count, sizeof(*usable)) : NULL;
	for (size_t i = 0; i < p.count; i++)
		count_key(lint, p.items[i].selector, p.items[i].answer, out, usable);
	out->usable_selectors = usable;
	out->not_probed = p.not_probed;
	return AL_OK;
}

al_status al_dkim_summarize(al_lint *lint, const al_zone *zone, const char *domain,
			    const char *const *selectors, size_t count, al_dkim_summary *out)
{
	memset(out, 0, sizeof(*out));
	const al_lint_options *o = al_lint_get_options(lint);
	const char *const *given = NULL;
	size_t given_count = al_lint_selectors(lint, &given);
	if (selectors == NULL || count == 0) {
		if (given_count > 0) {
			selectors = given;
			count = given_count;
			out->source = AL_DKIM_SELECTORS_GIVEN;
		} else if (zone != NULL) {
			count = al_dkim_zone_selectors(lint, zone, domain, &selectors);
			out->source = AL_DKIM_SELECTORS_ZONE;
		} else if (!o->offline && !o->no_selector_discovery && al_lint_has_source(lint)) {
			out->source = AL_DKIM_SELECTORS_DISCOVERED;
			const char *none = NULL;
			if (!domainkey_exists(lint, domain, &none)) {
				out->failed++;
				return AL_OK;
			}
			if (none != NULL)
				return AL_OK; /* proven: no selector at all */
			return summarize_probes(lint, domain, out);
		} else {
			out->source = AL_DKIM_SELECTORS_NONE;
			return AL_OK;
		}
	} else {
		out->source = AL_DKIM_SELECTORS_GIVEN;
	}
	al_arena *arena = al_lint_unit_arena(lint);
	const char **usable = count ? al_arena_calloc(arena, count, sizeof(*usable)) : NULL;
	for (size_t i = 0; i < count && i < AL_DKIM_MAX_PROBE; i++) {
		char *name = al_arena_concat(arena, selectors[i], "._domainkey.", domain);
		if (name == NULL)
			return AL_ENOMEM;
		count_key(lint, selectors[i], al_lint_lookup(lint, name, AL_TYPE_TXT), out, usable);
	}
	out->usable_selectors = usable;
	return AL_OK;
}

/* ---- probing the discovery list (DOMAIN stage, live mode) ------------------------------ */

/*
 * Does _domainkey.<domain> exist? False when a lookup is pending or failed
 * (the caller stops). *none names the name found not to exist (NXDOMAIN), which
 * by RFC 8020 proves that nothing below it exists either, saving the probes:
 * the domain itself (its TXT answer, asked by the SPF checks), else
 * _domainkey.<domain>.
 */
static bool domainkey_exists(al_lint *lint, const char *domain, const char **none)
{
	*none = NULL;
	const al_answer *apex = al_lint_lookup(lint, domain, AL_TYPE_TXT);
	if (apex->rcode == AL_RCODE_NXDOMAIN) {
		*none = domain;
		return true;
	}
	if (apex->rcode != AL_RCODE_NOERROR)
		return false;
	const char *name = al_arena_concat(al_lint_unit_arena(lint), "_domainkey.", domain, NULL);
	if (name == NULL)
		return false;
	const al_answer *a = al_lint_lookup(lint, name, AL_TYPE_TXT);
	if (a->rcode == AL_RCODE_NXDOMAIN) {
		*none = name;
		return true;
	}
	return a->rcode == AL_RCODE_NOERROR;
}

/* The selectors probed, grouped by why: "s1, s2 (Twilio SendGrid, in the SPF
 * tree); common: selector1, ..." */
static void probes_text(const al_dkim_probes *p, al_strbuf *sb)
{
	for (size_t i = 0; i < p->count; i++) {
		const al_dkim_probe *it = &p->items[i];
		bool starts = i == 0 || p->items[i - 1].why != it->why ||
			      (it->service != NULL) != (p->items[i - 1].service != NULL) ||
			      (it->service != NULL && strcmp(it->service, p->items[i - 1].service) != 0);
		if (starts && i > 0)
			al_strbuf_puts(sb, "; ");
		else if (i > 0)
			al_strbuf_puts(sb, ", ");
		if (starts && it->why == AL_DKIM_PROBE_COMMON)
			al_strbuf_puts(sb, "common: ");
		al_strbuf_puts(sb, it->selector);
		bool ends = i + 1 == p->count || p->items[i + 1].why != it->why ||
			    (p->items[i + 1].service != NULL) != (it->service != NULL) ||
			    (it->service != NULL && strcmp(it->service, p->items[i + 1].service) != 0);
		if (ends && it->why == AL_DKIM_PROBE_PAIR)
			al_strbuf_printf(sb, " (paired with %s, which holds a key)", it->service);
		else if (ends && it->service != NULL)
			al_strbuf_printf(sb, " (%s, %s)", it->service,
					 it->why == AL_DKIM_PROBE_SPF ? "in the SPF tree" : "the MX hosts");
	}
}

/* What was not probed: never read "no key" into a list tried. */
static const char *not_probed_text(al_lint *lint, const al_dkim_probes *p)
{
	return al_arena_printf(al_lint_unit_arena(lint),
			       "%zu other selector%s of the discovery list%s and any selector of the domain's own were "
			       "not probed",
			       p->not_probed, p->not_probed == 1 ? "" : "s",
			       p->truncated ? " (and more of its services' than the 64 a domain gets)" : "");
}

/* A key found by probing goes through the check table like any other name. */
static void lint_found_key(const al_check_args *parent, const char *name, const char *selector,
			   const al_answer *a)
{
	al_lint *lint = parent->lint;
	al_lint_check_answer(lint, name, a);
	if (a->cname_count > 0 && a->cnames != NULL &&
	    !al_same_organization(al_lint_get_options(lint)->psl, a->cnames[a->cname_count - 1], parent->domain)) {
		const char *target = a->cnames[a->cname_count - 1];
		const char *prov = al_dkim_provider_of(lint, target);
		al_finding *f = al_finding_begin(lint, AL_RULE_DKIM031, NULL);
		al_finding_owner(f, name);
		al_finding_arg(f, "selector", "%s", selector);
		al_finding_arg(f, "target", "%s", target);
		al_finding_arg(f, "provider", "%s", prov ? prov : "a provider authlint does not know");
		al_finding_arg(f, "status", "the key there is checked below");
		al_finding_end(lint, f);
	}
}

void al_check_dkim_discovery(const al_check_args *args)
{
	al_lint *lint = args->lint;
	const al_lint_options *o = al_lint_get_options(lint);
	const char *const *given = NULL;
	if (args->zone != NULL || args->domain == NULL || o->offline || o->no_selector_discovery ||
	    !al_lint_has_source(lint) || al_lint_selectors(lint, &given) > 0)
		return;
	/* RFC 8020: when _domainkey.<domain> (or the domain) does not exist, no selector below it does */
	const char *none;
	if (!domainkey_exists(lint, args->domain, &none))
		return; /* pending or failed: the pass runs again, or the failure is reported */
	if (none != NULL) {
		al_finding *f = al_finding_begin(lint, AL_RULE_DKIM033, NULL);
		al_finding_owner(f, args->domain);
		al_finding_arg(f, "domain", "%s", args->domain);
		al_finding_arg(f, "count", "%s", "0");
		al_finding_arg(f, "why", "%s does not exist (NXDOMAIN), so no selector below it does (RFC 8020)", none);
		al_finding_end(lint, f);
		return;
	}
	al_dkim_probes p;
	if (al_dkim_probe_domain(lint, args->domain, &p) != AL_OK || p.pending)
		return; /* answers still coming: the pass runs again */
	al_strbuf found = AL_STRBUF_INIT, tried = AL_STRBUF_INIT;
	size_t count = 0;
	for (size_t i = 0; i < p.count; i++) {
		const al_dkim_probe *it = &p.items[i];
		if (!al_dkim_probe_has_key(it))
			continue;
		count++;
		const char *svc = it->service != NULL && it->why != AL_DKIM_PROBE_PAIR
					  ? it->service
					  : al_dkim_selector_services(lint, it->selector);
		al_strbuf_printf(&found, "%s%s%s%s%s", found.length ? ", " : "", it->selector,
				 svc ? " (usual for " : "", svc ? svc : "", svc ? ")" : "");
		lint_found_key(args, it->name, it->selector, it->answer);
	}
	probes_text(&p, &tried);
	const char *rest = not_probed_text(lint, &p);
	al_finding *f = al_finding_begin(lint, count ? AL_RULE_DKIM032 : AL_RULE_DKIM033, NULL);
	al_finding_owner(f, args->domain);
	al_finding_arg(f, "domain", "%s", args->domain);
	al_finding_arg(f, "count", "%zu", p.count);
	al_finding_arg(f, "probed", "%s", al_strbuf_cstr(&tried));
	al_finding_arg(f, "not_probed", "%zu", p.not_probed);
	al_finding_arg(f, "rest", "%s", rest ? rest : "");
	al_finding_arg(f, "found", "%s", al_strbuf_cstr(&found));
	al_finding_arg(f, "why", "no key at any of the %zu selectors probed (%s); %s, so a key may still be published",
		       p.count, al_strbuf_cstr(&tried), rest ? rest : "others were not probed");
	al_finding_end(lint, f);
	al_strbuf_free(&found);
	al_strbuf_free(&tried);
}
