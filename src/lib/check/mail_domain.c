/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which names are mail domains, and the domains that send no mail.
 *
 * A name of a zone is a mail domain when it has MX records, an SPF, DMARC or
 * DKIM record, or is the zone's apex: each gets the domain checks, as `check`
 * gives a domain named to it. A domain that sends no mail (a null MX, RFC
 * 7505; or no MX, no SPF, DMARC or DKIM record at all) is protected by a null
 * MX, "v=spf1 -all" and a DMARC policy of p=reject (M3AAWG Protecting Parked
 * Domains BCP, 2015; the Dutch internet.nl parked-domain how-to): DNS006 says
 * which of the three it lacks, in place of "no SPF record" (SPF005) and "no
 * DMARC policy" (DMARC010), which would tell it to set up sending.
 */
#include <string.h>
#include <strings.h>

#include "check/dmarc_checks.h"
#include "check/family_api.h"
#include "check/lint_context.h"
#include "dns/zone_mail.h"
#include "util/arena.h"
#include "util/strbuf.h"

/* The answer holds a TXT record that is an SPF record; *minus_all when it is exactly "v=spf1 -all". */
static bool spf_record(al_lint *lint, const al_answer *a, bool *minus_all)
{
	*minus_all = false;
	for (size_t i = 0; a->rcode == AL_RCODE_NOERROR && i < a->count; i++) {
		al_subject s;
		if (a->rrs[i].type != AL_TYPE_TXT || !al_subject_from_rr(lint, &s, &a->rrs[i], AL_KIND_NONE) ||
		    !al_text_is_spf(s.text, s.length))
			continue;
		const char *p = s.text + 6, *end = s.text + s.length;
		while (p < end && *p == ' ')
			p++;
		size_t n = (size_t)(end - p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		*minus_all = n == 4 && strncasecmp(p, "-all", 4) == 0;
		return true;
	}
	return false;
}

static bool has_dmarc_record(al_lint *lint, const al_answer *a)
{
	for (size_t i = 0; a->rcode == AL_RCODE_NOERROR && i < a->count; i++) {
		al_subject s;
		if (a->rrs[i].type == AL_TYPE_TXT && al_subject_from_rr(lint, &s, &a->rrs[i], AL_KIND_NONE) &&
		    al_text_is_dmarc(s.text, s.length))
			return true;
	}
	return false;
}

static bool is_null_mx(const al_rr *rr)
{
	/* preference, then the root name (RFC 7505 section 3) */
	return rr->type == AL_TYPE_MX && rr->rdlength == 3 && rr->rdata[2] == 0;
}

/* An answered MX RRset with a record that is not a null MX. */
static bool takes_mail(const al_answer *mx)
{
	for (size_t i = 0; mx->rcode == AL_RCODE_NOERROR && i < mx->count; i++)
		if (mx->rrs[i].type == AL_TYPE_MX && !is_null_mx(&mx->rrs[i]))
			return true;
	return false;
}

static al_status mail_domain_state(al_lint *lint, const char *domain, al_mail_domain *out);

/* Zone mode asks for a name's state twice in its unit (is it a mail domain; is
 * it parked): the unit keeps the last one, when every lookup was answered. */
al_status al_mail_domain_state(al_lint *lint, const char *domain, al_mail_domain *out)
{
	if (lint->mail_domain != NULL && strcmp(lint->mail_domain, domain) == 0) {
		al_lint_lookup_replay(lint, lint->mail_state_lookups);
		*out = *lint->mail_state;
		return AL_OK;
	}
	al_lookup_mark mark;
	al_lint_lookup_mark(lint, &mark);
	al_status st = mail_domain_state(lint, domain, out);
	size_t count;
	if (st == AL_OK && al_lint_lookup_clean_since(lint, &mark, &count)) {
		al_arena *arena = al_lint_unit_arena(lint);
		al_mail_domain *keep = al_arena_alloc(arena, sizeof(*keep));
		const char *name = al_arena_strdup(arena, domain);
		if (keep != NULL && name != NULL) {
			*keep = *out;
			lint->mail_state = keep;
			lint->mail_state_lookups = count;
			lint->mail_domain = name;
		}
	}
	return st;
}

static al_status mail_domain_state(al_lint *lint, const char *domain, al_mail_domain *out)
{
	memset(out, 0, sizeof(*out));
	al_arena *arena = al_lint_unit_arena(lint);
	const char *dmarc_name = al_arena_concat(arena, "_dmarc.", domain, NULL);
	const char *dkim_name = al_arena_concat(arena, "_domainkey.", domain, NULL);
	if (dmarc_name == NULL || dkim_name == NULL)
		return AL_ENOMEM;
	/* one at a time, the ones the checks ask anyway first; NXDOMAIN and NODATA
	 * are answers, anything else leaves the state unknown and stops there (a
	 * lookup that failed is reported once, never asked around). A domain with
	 * an MX record that is not a null MX takes mail, so it sends mail as far
	 * as this goes: its DMARC and DKIM records change nothing here and
	 * _domainkey.<domain> is not asked for it. */
	const struct {
		const char *name;
		uint16_t type;
	} ask[4] = {{domain, AL_TYPE_TXT}, {domain, AL_TYPE_MX}, {dmarc_name, AL_TYPE_TXT}, {dkim_name, AL_TYPE_TXT}};
	const al_answer *all[4] = {NULL};
	bool pending = false;
	for (size_t i = 0; i < 4; i++) {
		if (i == 2 && !pending && takes_mail(all[1]))
			break;
		all[i] = al_lint_lookup(lint, ask[i].name, ask[i].type);
		/* answers still coming (bulk check): ask the rest in the same pass */
		if (all[i]->rcode == AL_RCODE_PENDING)
			pending = true;
		else if (all[i]->rcode != AL_RCODE_NOERROR && all[i]->rcode != AL_RCODE_NXDOMAIN)
			return AL_OK;
	}
	if (pending)
		return AL_OK;
	const al_answer *txt = all[0], *mx = all[1], *dm = all[2], *dk = all[3];
	out->known = true;
	out->exists = mx->rcode == AL_RCODE_NOERROR || txt->rcode == AL_RCODE_NOERROR;
	for (size_t i = 0; mx->rcode == AL_RCODE_NOERROR && i < mx->count; i++) {
		if (mx->rrs[i].type != AL_TYPE_MX)
			continue;
		if (is_null_mx(&mx->rrs[i]))
			out->null_mx = true;
		else
			out->mx = true;
	}
	out->spf = spf_record(lint, txt, &out->spf_minus_all);
	if (out->mx)
		return AL_OK; /* takes mail: sends_no_mail stays false */
	out->dmarc = has_dmarc_record(lint, dm);
	out->dkim = dk->rcode == AL_RCODE_NOERROR;
	/* "v=spf1 -all" with no MX and no DKIM key says it sends no mail; with
	 * address records, mail to it is still delivered there (the implicit MX of
	 * RFC 5321 section 5.1), which is what a null MX is for (RFC 7505 section 1) */
	if (out->spf_minus_all && !out->mx && !out->null_mx && !out->dkim) {
		const uint16_t types[2] = {AL_TYPE_A, AL_TYPE_AAAA};
		for (size_t t = 0; t < 2; t++) {
			const al_answer *a = al_lint_lookup(lint, domain, types[t]);
			if (a->rcode == AL_RCODE_PENDING) {
				out->known = false; /* asked again with the answers in */
				return AL_OK;
			}
			for (size_t i = 0; a->rcode == AL_RCODE_NOERROR && i < a->count; i++)
				out->address |= a->rrs[i].type == types[t];
		}
	}
	/* a null MX beside real MX records is a mistake, not a statement; beside an
	 * SPF record that authorises senders the intent is not clear either */
	bool spf_senders = out->spf && !out->spf_minus_all;
	out->sends_no_mail = out->exists && !out->mx &&
			     ((out->null_mx && !spf_senders) || (!out->spf && !out->dmarc && !out->dkim) ||
			      (out->spf_minus_all && !out->dkim && out->address));
	return AL_OK;
}

bool al_mail_domain_parked(al_lint *lint, const char *domain)
{
	al_mail_domain m;
	return al_mail_domain_state(lint, domain, &m) == AL_OK && m.known && m.sends_no_mail;
}

bool al_mail_domain_is(al_lint *lint, const al_zone *zone, const char *name)
{
	if (zone == NULL)
		return true; /* check mode: a domain named to it is one */
	for (size_t i = 0; i < al_zone_origin_count(zone); i++)
		if (al_name_equal(name, al_zone_origin_at(zone, i)))
			return true;
	/* an address-only name with nothing below it: the store says what the
	 * four lookups of the state would answer (NODATA, NODATA, NXDOMAIN twice) */
	if (al_zone_mail_records_absent(zone, name))
		return false;
	al_mail_domain m;
	if (al_mail_domain_state(lint, name, &m) != AL_OK || !m.known)
		return false;
	return m.mx || m.null_mx || m.spf || m.dmarc || m.dkim;
}

/* A null MX beside other MX records (DNS008): RFC 7505 section 3 forbids the mix. */
static void null_mx_beside_others(al_lint *lint, const char *domain)
{
	const al_answer *mx = al_lint_lookup(lint, domain, AL_TYPE_MX); /* asked by the state */
	size_t others = 0;
	for (size_t i = 0; mx->rcode == AL_RCODE_NOERROR && i < mx->count; i++)
		others += mx->rrs[i].type == AL_TYPE_MX && !is_null_mx(&mx->rrs[i]);
	al_finding *f = al_finding_begin(lint, AL_RULE_DNS008, NULL);
	al_finding_owner(f, domain);
	al_finding_arg(f, "domain", "%s", domain);
	al_finding_arg(f, "count", "%zu", others);
	al_finding_arg(f, "records", "%s", others == 1 ? "record" : "records");
	al_finding_end(lint, f);
}

/* DOMAIN stage: a domain that sends no mail and lacks what says so (DNS006);
 * a null MX beside other MX records (DNS008). */
void al_check_mail_parked(const al_check_args *args)
{
	al_lint *lint = args->lint;
	if (args->domain == NULL || strncmp(args->domain, "*.", 2) == 0)
		return;
	if (args->zone != NULL && !args->mail_domain)
		return;
	al_mail_domain m;
	if (al_mail_domain_state(lint, args->domain, &m) != AL_OK || !m.known)
		return;
	if (m.null_mx && m.mx)
		null_mx_beside_others(lint, args->domain);
	if (!m.sends_no_mail)
		return;
	const char *items[3];
	size_t n = 0;
	if (!m.null_mx)
		items[n++] = "a null MX (MX 0 .)";
	if (!m.spf_minus_all)
		items[n++] = "the SPF record \"v=spf1 -all\"";
	/* the policy in force, its own or inherited, must reject for both generations */
	al_dmarc_discovery *d = NULL;
	bool rejects = false, dmarc_known = false;
	if (al_dmarc_discover(lint, args->domain, &d) == AL_OK && d != NULL) {
		const al_dmarc_outcome *o9 = &d->rfc9989, *o7 = &d->rfc7489;
		dmarc_known = o9->found != AL_DMARC_FOUND_UNKNOWN && o7->found != AL_DMARC_FOUND_UNKNOWN;
		rejects = o9->record != NULL && o9->effect.applies && o9->effect.applied == AL_DMARC_POLICY_REJECT &&
			  o7->record != NULL && o7->effect.applies && o7->effect.applied == AL_DMARC_POLICY_REJECT &&
			  o7->effect.percent == 100;
	}
	if (dmarc_known && !rejects)
		items[n++] = "a DMARC policy of p=reject";
	al_strbuf missing = AL_STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		al_strbuf_printf(&missing, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", items[i]);
	if (missing.length > 0) {
		al_finding *f = al_finding_begin(lint, AL_RULE_DNS006, NULL);
		al_finding_owner(f, args->domain);
		al_finding_arg(f, "domain", "%s", args->domain);
		al_finding_arg(f, "why", "%s",
			       m.null_mx ? "has a null MX (RFC 7505): it takes no mail, so it sends none"
			       : m.spf ? "has address records, no MX and the SPF record \"v=spf1 -all\": it sends no mail"
				       : "has no MX, SPF, DMARC or DKIM record: it looks unused for mail");
		/* with -all and p=reject in place, spoofing is already refused */
		bool spoofable = !m.spf_minus_all || (dmarc_known && !rejects);
		al_finding_arg(f, "consequence", "%s",
			       spoofable ? "anyone can still send mail as it"
					 : "mail to it is still delivered to its address records (the implicit MX of "
					   "RFC 5321 section 5.1), and receivers cannot tell from the MX that it takes none");
		al_finding_arg(f, "missing", "%s", al_strbuf_cstr(&missing));
		if (!dmarc_known)
			al_finding_context(f, "its DMARC policy was not checked (a lookup failed or was not made)");
		al_finding_end(lint, f);
	}
	al_strbuf_free(&missing);
}

