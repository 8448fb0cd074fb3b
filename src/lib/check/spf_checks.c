/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SPF stage and DOMAIN stage checks (RFC 7208):
 *  - spf-syntax: syntax errors (permerror), texts that are not SPF records;
 *  - spf-policy: what the record says: +all, ?all, no all, ignored redirect,
 *    terms after all, modifiers first, ptr and %{p}, broad CIDRs, duplicate
 *    includes, unknown modifiers;
 *  - spf-lookups: the lookup tree, in spf_tree_checks.c;
 *  - spf-exp: the explanation record;
 *  - spf-domain: a domain without an SPF record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/family_api.h"
#include "check/spf_family.h"
#include "dns/wire.h"
#include "record/parse_util.h"
#include "record/spf_syntax.h"
#include "util/arena.h"
#include "util/strbuf.h"

/* ---- helpers ---------------------------------------------------------------------- */

static const char *ttext(al_lint *lint, const al_spf_record *rec, const al_spf_term *t)
{
	return al_spf_term_text(al_lint_unit_arena(lint), rec, t);
}

/* The closest of @p words (NULL-terminated) to @p name, when it is close enough to be a typo. */
static const char *closest(const char *name, size_t len, const char *const *words)
{
	size_t count = 0;
	while (words[count] != NULL)
		count++;
	return al_closest_word(name, len, words, count, false);
}

static const char *const mechanism_names[] = {"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists",
					      NULL};
static const char *const modifier_names[] = {"redirect", "exp", NULL};

/* ---- spf-syntax ------------------------------------------------------------------------- */

static void not_a_record(const al_check_args *args)
{
	const al_subject *s = args->subject;
	const char *why = NULL;
	if (al_spf_near_miss(s->text, s->length, &why)) {
		al_finding *f = al_finding_begin(args->lint, AL_RULE_SPF003, s);
		al_finding_arg(f, "why", "%s", why);
		al_finding_end(args->lint, f);
		return;
	}
	size_t e = 0;
	while (e < s->length && s->text[e] != ' ')
		e++;
	al_finding *f = al_finding_begin(args->lint, AL_RULE_SPF006, s);
	al_finding_span(f, 0, e);
	al_finding_end(args->lint, f);
}

/* A specific fix for common syntax errors, or NULL for the rule's. */
static void syntax_fix(al_finding *f, const al_spf_record *rec, const al_spf_error *err)
{
	if (err->term < 0)
		return;
	const al_spf_term *t = &rec->terms[err->term];
	const char *name = rec->text + t->name_start;
	if (t->type == AL_SPF_TERM_UNKNOWN && t->name_length > 0) {
		const char *m = closest(name, t->name_length, mechanism_names);
		const char *md = closest(name, t->name_length, modifier_names);
		if (m != NULL)
			al_finding_fix(f, "Did you mean \"%s\"? Mechanism names are all, include, a, mx, ptr, "
					  "ip4, ip6 and exists.", m);
		else if (md != NULL)
			al_finding_fix(f, "Did you mean the modifier \"%s=\"? Modifiers take '=', mechanisms ':'.",
				       md);
		else if (t->name_length == 8 && strncasecmp(name, "redirect", 8) == 0)
			al_finding_fix(f, "redirect is a modifier: write redirect=domain, with '='.");
		else if (t->name_length >= 3 && strncasecmp(name, "all", 3) == 0 && t->name_length > 3)
			al_finding_fix(f, "A term glued to \"all\": put a space after it, or check where the "
					  "record is split into strings.");
		return;
	}
	if ((t->type == AL_SPF_TERM_A || t->type == AL_SPF_TERM_MX) && t->has_value) {
		uint8_t addr[4];
		(void)addr;
		bool ip = t->value_length > 0;
		for (size_t i = 0; i < t->value_length; i++) {
			char c = rec->text[t->value_start + i];
			if (!((c >= '0' && c <= '9') || c == '.'))
				ip = false;
		}
		if (ip)
			al_finding_fix(f, "For an address, use ip4:%.*s; a and mx take a host name.",
				       (int)t->value_length, rec->text + t->value_start);
	}
}

void al_check_spf_syntax(const al_check_args *args)
{
	const al_spf_record *rec = args->parsed;
	if (rec == NULL)
		return;
	if (!rec->version_ok) {
		not_a_record(args);
		return;
	}
	for (size_t i = 0; i < rec->error_count; i++) {
		const al_spf_error *err = &rec->errors[i];
		al_finding *f = al_finding_begin(args->lint, AL_RULE_SPF010, args->subject);
		al_finding_span(f, err->term >= 0 ? rec->terms[err->term].start : err->start,
				err->term >= 0 ? rec->terms[err->term].length : err->length);
		al_finding_arg(f, "problem", "%s", err->message);
		al_finding_context(f, "at \"%.*s\"", (int)(err->length > 120 ? 120 : err->length),
				   rec->text + err->start);
		syntax_fix(f, rec, err);
		al_finding_end(args->lint, f);
	}
}

/* ---- spf-policy --------------------------------------------------------------------------- */

static void simple(const al_check_args *args, al_rule_code id, const al_spf_record *rec, const al_spf_term *t)
{
	al_finding *f = al_finding_begin(args->lint, id, args->subject);
	if (t != NULL)
		al_finding_span(f, t->start, t->length);
	(void)rec;
	al_finding_end(args->lint, f);
}

static bool same_target(const al_spf_record *rec, const al_spf_term *a, const al_spf_term *b)
{
	size_t la = a->value_length, lb = b->value_length;
	const char *x = rec->text + a->value_start, *y = rec->text + b->value_start;
	if (la > 0 && x[la - 1] == '.')
		la--;
	if (lb > 0 && y[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(x, y, la) == 0;
}

static bool known_modifier(const char *name, size_t len)
{
	/* RFC 6652 authentication failure reporting modifiers */
	static const char *const known[] = {"ra", "rp", "rr", NULL};
	for (const char *const *k = known; *k; k++)
		if (strlen(*k) == len && strncasecmp(name, *k, len) == 0)
			return true;
	return false;
}

static void unknown_modifier(const al_check_args *args, const al_spf_record *rec, const al_spf_term *t)
{
	const char *name = rec->text + t->name_start;
	if (known_modifier(name, t->name_length))
		return;
	al_finding *f = al_finding_begin(args->lint, AL_RULE_SPF029, args->subject);
	al_finding_span(f, t->start, t->length);
	al_finding_arg(f, "name", "%.*s", (int)t->name_length, name);
	const char *m = closest(name, t->name_length, modifier_names);
	const char *mech = closest(name, t->name_length, mechanism_names);
	if (m != NULL) {
		al_finding_arg(f, "hint", "; did you mean %s=?", m);
		al_finding_fix(f, "Spell it %s=.", m);
	} else if (mech != NULL) {
		al_finding_arg(f, "hint", "; did you mean the mechanism %s:?", mech);
		al_finding_fix(f, "Mechanisms take ':', not '=': write %s:%.*s.", mech, (int)t->value_length,
			       rec->text + t->value_start);
	} else if (t->name_length == 7 && strncasecmp(name, "default", 7) == 0) {
		al_finding_arg(f, "hint", "; default= is from a pre-RFC draft and does nothing");
		al_finding_fix(f, "Remove default=; end the record with an \"all\" mechanism instead "
				  "(-all or ~all).");
	} else if (t->name_length > 12 && strcasestr(name, "verification") != NULL) {
		al_finding_arg(f, "hint", "; a verification token belongs in a TXT record of its own");
		al_finding_fix(f, "Move %.*s into a separate TXT record at the same name.", (int)t->length,
			       rec->text + t->start);
	} else {
		al_finding_arg(f, "hint", "%s", "");
	}
	al_finding_end(args->lint, f);
}

static void broad_cidr(const al_check_args *args, const al_spf_record *rec, const al_spf_term *t)
{
	int v4 = -1, v6 = -1;
	if (t->type == AL_SPF_TERM_IP4)
		v4 = t->cidr4 < 0 ? 32 : t->cidr4;
	else if (t->type == AL_SPF_TERM_IP6)
		v6 = t->cidr6 < 0 ? 128 : t->cidr6;
	else if (t->type == AL_SPF_TERM_A || t->type == AL_SPF_TERM_MX) {
		v4 = t->cidr4;
		v6 = t->cidr6;
	} else {
		return;
	}
	bool broad4 = v4 >= 0 && v4 <= 8, broad6 = v6 >= 0 && v6 < 32;
	if ((!broad4 && !broad6) || t->qualifier == '-' || t->qualifier == '~')
		return;
	unsigned long long count = 0;
	al_finding *f = al_finding_begin(args->lint, AL_RULE_SPF025, args->subject);
	al_finding_span(f, t->start, t->length);
	if (broad4) {
		count = 1ull << (32 - v4);
		al_finding_arg(f, "prefix", "/%d", v4);
		al_finding_arg(f, "size", "%llu IPv4 addresses", count);
	} else {
		al_finding_arg(f, "prefix", "/%d", v6);
		al_finding_arg(f, "size", "2^%d IPv6 addresses", 128 - v6);
	}
	(void)rec;
	al_finding_end(args->lint, f);
}

void al_check_spf_policy(const al_check_args *args)
{
	const al_spf_record *rec = args->parsed;
	if (rec == NULL || !rec->version_ok)
		return;
	al_lint *lint = args->lint;
	const al_spf_term *all = rec->all >= 0 ? &rec->terms[rec->all] : NULL;
	if (all != NULL && all->error < 0) {
		if (all->qualifier == '+')
			simple(args, AL_RULE_SPF017, rec, all);
		else if (all->qualifier == '?')
			simple(args, AL_RULE_SPF018, rec, all);
	}
	if (all == NULL && rec->redirect < 0 && rec->error_count == 0)
		simple(args, AL_RULE_SPF019, rec, NULL);
	if (all != NULL && rec->redirect >= 0) {
		al_finding *f = al_finding_begin(lint, AL_RULE_SPF020, args->subject);
		const al_spf_term *r = &rec->terms[rec->redirect];
		al_finding_span(f, r->start, r->length);
		al_finding_arg(f, "all", "%s", ttext(lint, rec, all));
		al_finding_end(lint, f);
	}
	if (all != NULL) {
		size_t first = 0, last = 0, n = 0;
		for (size_t i = (size_t)rec->all + 1; i < rec->term_count; i++) {
			if (!al_spf_term_is_mechanism(rec->terms[i].type))
				continue;
			if (n++ == 0)
				first = i;
			last = i;
		}
		if (n > 0) {
			al_finding *f = al_finding_begin(lint, AL_RULE_SPF021, args->subject);
			size_t s = rec->terms[first].start;
			al_finding_span(f, s, rec->terms[last].start + rec->terms[last].length - s);
			al_finding_arg(f, "count", "%zu", n);
			al_finding_arg(f, "all", "%s", ttext(lint, rec, all));
			al_finding_end(lint, f);
		}
	}
	/* redirect= or exp= followed by a mechanism */
	for (size_t i = 0; i < rec->term_count; i++) {
		const al_spf_term *t = &rec->terms[i];
		if (t->type != AL_SPF_TERM_REDIRECT && t->type != AL_SPF_TERM_EXP)
			continue;
		for (size_t k = i + 1; k < rec->term_count; k++) {
			if (!al_spf_term_is_mechanism(rec->terms[k].type))
				continue;
			al_finding *f = al_finding_begin(lint, AL_RULE_SPF022, args->subject);
			al_finding_span(f, t->start, t->length);
			al_finding_arg(f, "modifier", "%.*s", (int)t->name_length, rec->text + t->name_start);
			al_finding_end(lint, f);
			break;
		}
	}
	for (size_t i = 0; i < rec->term_count; i++) {
		const al_spf_term *t = &rec->terms[i];
		if (t->error >= 0)
			continue;
		if (t->type == AL_SPF_TERM_PTR)
			simple(args, AL_RULE_SPF023, rec, t);
		if (t->has_value && t->type != AL_SPF_TERM_EXP) {
			/* %{p} outside exp text (in exp text it costs lookups only on failure) */
			size_t pos = 0;
			al_spf_macro m;
			const char *v = rec->text + t->value_start;
			while (al_spf_macro_next(v, t->value_length, &pos, false, &m) != AL_SPF_MACRO_END) {
				if (m.token == AL_SPF_MACRO_EXPAND && m.letter == 'p') {
					al_finding *f = al_finding_begin(lint, AL_RULE_SPF024, args->subject);
					al_finding_span(f, t->value_start + m.start, m.length);
					al_finding_end(lint, f);
					break;
				}
			}
		}
		broad_cidr(args, rec, t);
		if (t->type == AL_SPF_TERM_MODIFIER)
			unknown_modifier(args, rec, t);
		if (t->type == AL_SPF_TERM_INCLUDE && !t->has_macro) {
			for (size_t k = 0; k < i; k++) {
				const al_spf_term *o = &rec->terms[k];
				if (o->type == AL_SPF_TERM_INCLUDE && o->error < 0 && same_target(rec, o, t)) {
					al_finding *f = al_finding_begin(lint, AL_RULE_SPF026, args->subject);
					al_finding_span(f, t->start, t->length);
					al_finding_arg(f, "target", "%.*s", (int)t->value_length,
						       rec->text + t->value_start);
					al_finding_end(lint, f);
					break;
				}
			}
		}
	}
	/* a wildcard owner (RFC 7208 section 3.5) */
	const char *owner = args->subject->owner;
	if (owner != NULL && strncmp(owner, "*.", 2) == 0)
		simple(args, AL_RULE_SPF034, rec, NULL);
}

/* ---- spf-exp -------------------------------------------------------------------------------- */

void al_check_spf_exp(const al_check_args *args)
{
	const al_spf_record *rec = args->parsed;
	al_lint *lint = args->lint;
	if (rec == NULL || !rec->version_ok || rec->exp < 0 || !al_lint_has_source(lint))
		return;
	const al_spf_term *t = &rec->terms[rec->exp];
	if (t->error >= 0 || t->has_macro)
		return; /* a syntax error is SPF010; a target with macros depends on the sender */
	const char *why = NULL;
	const char *name = al_spf_name(al_lint_unit_arena(lint), rec->text + t->value_start, t->value_length, &why);
	if (name == NULL)
		return;
	const al_answer *a = al_lint_lookup(lint, name, AL_TYPE_TXT);
	if (al_spf_answer_unusable(a))
		return; /* reported by the lookup itself */
	size_t n = al_spf_answer_count(a, AL_TYPE_TXT);
	const char *problem = NULL;
	if (n == 0)
		problem = a->rcode == AL_RCODE_NXDOMAIN ? "does not exist" : "has no TXT record";
	else if (n > 1)
		problem = al_arena_printf(al_lint_unit_arena(lint), "has %zu TXT records (there must be one)", n);
	else {
		const al_rr *rr = NULL;
		for (size_t i = 0; i < a->count; i++)
			if (a->rrs[i].type == AL_TYPE_TXT)
				rr = &a->rrs[i];
		al_subject s;
		if (rr != NULL && al_subject_from_rr(lint, &s, rr, AL_KIND_NONE)) {
			for (size_t i = 0; i < s.length && problem == NULL; i++)
				if ((unsigned char)s.text[i] >= 0x80)
					problem = "holds text that is not ASCII";
			size_t pos = 0;
			al_spf_macro m;
			while (problem == NULL &&
			       al_spf_macro_next(s.text, s.length, &pos, true, &m) != AL_SPF_MACRO_END)
				if (m.token == AL_SPF_MACRO_ERROR)
					problem = al_arena_printf(al_lint_unit_arena(lint),
								  "holds a macro that does not expand (%s)", m.error);
		}
	}
	if (problem == NULL)
		return;
	al_finding *f = al_finding_begin(lint, AL_RULE_SPF028, args->subject);
	al_finding_span(f, t->start, t->length);
	al_finding_arg(f, "target", "%s", name);
	al_finding_arg(f, "problem", "%s", problem);
	al_finding_end(lint, f);
}

/* ---- spf-domain ------------------------------------------------------------------------------- */

/* Does the zone under check hold @p name? */
static bool in_zone(const al_zone *zone, const char *name)
{
	for (size_t i = 0; i < al_zone_origin_count(zone); i++)
		if (al_name_is_subdomain(name, al_zone_origin_at(zone, i)))
			return true;
	return false;
}

static bool has_spf_record(al_lint *lint, const al_answer *txt, bool count_near_miss)
{
	for (size_t i = 0; i < txt->count; i++) {
		const al_rr *rr = &txt->rrs[i];
		al_subject s;
		const char *why = NULL;
		if (rr->type == AL_TYPE_TXT && al_subject_from_rr(lint, &s, rr, AL_KIND_NONE) &&
		    (al_text_is_spf(s.text, s.length) || (count_near_miss && al_spf_near_miss(s.text, s.length, &why))))
			return true;
	}
	return false;
}

/*
 * The domain's own mail hosts (its MX targets at or below it, in the zone)
 * without an SPF record for their HELO name (RFC 7208 section 2.3 recommends
 * checking HELO). Reported in the unit of the domain whose MX names them, at
 * the MX record: what a unit reports never depends on the units linted before
 * it (zone mode runs names on several threads). A provider's hosts, outside
 * the domain, are the provider's to publish.
 */
static void mail_hosts(const al_check_args *args, const al_answer *mx)
{
	al_lint *lint = args->lint;
	size_t done = 0;
	for (size_t i = 0; i < mx->count && done < AL_SPF_MAX_NAMES; i++) {
		const al_rr *rr = &mx->rrs[i];
		char host[AL_NAME_MAX];
		if (rr->type != AL_TYPE_MX || rr->rdlength < 3 ||
		    !al_wire_name_to_text(rr->rdata, rr->rdlength, 2, host, NULL) || strcmp(host, ".") == 0)
			continue;
		done++;
		if (!in_zone(args->zone, host) || !al_name_is_subdomain(host, args->name->name))
			continue;
		const al_answer *txt = al_lint_lookup(lint, host, AL_TYPE_TXT);
		if (al_spf_answer_unusable(txt) || has_spf_record(lint, txt, true))
			continue; /* not answered: nothing concluded */
		al_finding *f = al_finding_begin(lint, AL_RULE_SPF035, NULL);
		al_finding_owner(f, al_arena_strdup(al_lint_unit_arena(lint), host));
		al_finding_location(f, &rr->location);
		al_finding_arg(f, "host", "%s", host);
		al_finding_arg(f, "domain", "%s", args->name->name);
		al_finding_end(lint, f);
	}
}

/* NAME stage: a name that should have an SPF record and has none; mail hosts without one. */
void al_check_spf_domain(const al_check_args *args)
{
	al_lint *lint = args->lint;
	const al_name_info *info = args->name;
	if (info == NULL || info->role != AL_KIND_SPF || info->txt == NULL)
		return;
	const al_answer *txt = info->txt;
	if (al_spf_answer_unusable(txt))
		return; /* a failed lookup is never "no record" */
	bool has = has_spf_record(lint, txt, true); /* a near miss is reported as SPF003 */
	if (has && args->zone == NULL)
		return;
	/* in a zone, only mail domains are expected to send mail: names with MX,
	 * DMARC or DKIM records, and the apex (mail_domain.c) */
	if (args->zone != NULL) {
		const al_answer *mx = al_lint_lookup(lint, info->name, AL_TYPE_MX);
		if (al_spf_answer_count(mx, AL_TYPE_MX) > 0)
			mail_hosts(args, mx);
		else if (!al_mail_domain_is(lint, args->zone, info->name))
			return;
	}
	if (has)
		return;
	/* a domain that sends no mail: DNS006 says what it lacks */
	if (al_mail_domain_parked(lint, info->name))
		return;
	al_finding *f = al_finding_begin(lint, AL_RULE_SPF005, NULL);
	al_finding_owner(f, info->name);
	al_finding_arg(f, "domain", "%s", info->name);
	al_finding_arg(f, "nx", "%s", txt->rcode == AL_RCODE_NXDOMAIN ? " (the name does not exist)" : "");
	al_finding_end(lint, f);
}
