/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DKIM key records. NAME stage: the selector itself (a key record at all, a
 * valid name, a CNAME to a provider). DKIM stage: the tag list, the key
 * decoded once by the family parse hook, and damage from splitting the record
 * into 255-octet strings.
 */
#include <ctype.h>
#include <string.h>

#include <authlint/dkim.h>

#include "check/dkim_selectors.h"
#include "check/dmarc_checks.h"
#include "dns/orgdomain.h"
#include "record/dkim_parse.h"
#include "util/arena.h"

static al_status parse_dkim(al_lint *lint, const char *text, size_t length, struct al_arena *arena, void **out)
{
	al_dkim_record *r = NULL;
	al_status st = al_dkim_parse_cached(text, length, arena, al_dkim_lint_keycache(lint), &r);
	*out = r;
	return st;
}

void *al_dkim_family_parse(al_lint *lint, const al_subject *subject)
{
	/* kept by its bytes in zone mode; the checks take it const */
	void *r = NULL;
	if (al_lint_parse_memo(lint, AL_KIND_DKIM, subject->text, subject->length, parse_dkim, &r) != AL_OK)
		return NULL;
	return r;
}

static void span_of(al_finding *f, al_dkim_span s)
{
	al_finding_span(f, s.start, s.length);
}

/* ---- the selector (NAME stage) -------------------------------------------------- */

/* RFC 6376 3.1: selector = sub-domain *( "." sub-domain ), LDH labels. */
static bool selector_ok(const char *sel, const char **why)
{
	size_t label = 0;
	const char *start = sel;
	for (const char *p = sel;; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0) {
				*why = "it has an empty label";
				return false;
			}
			if (start[0] == '-' || p[-1] == '-') {
				*why = "a label starts or ends with '-'";
				return false;
			}
			if (*p == '\0')
				return true;
			label = 0;
			start = p + 1;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-') {
			*why = *p == '_' ? "it holds '_', which the selector grammar does not allow"
					 : "it holds a character other than letters, digits and '-'";
			return false;
		}
		label++;
	}
}

void al_check_dkim_selector(const al_check_args *args)
{
	const al_name_info *info = args->name;
	if (info == NULL || info->role != AL_KIND_DKIM || info->selector == NULL || info->txt == NULL)
		return;
	al_lint *lint = args->lint;
	const char *why = NULL;
	if (!selector_ok(info->selector, &why)) {
		al_finding *f = al_finding_begin(lint, AL_RULE_DKIM030, NULL);
		al_finding_owner(f, info->name);
		al_finding_arg(f, "selector", "%s", info->selector);
		al_finding_arg(f, "why", "%s", why);
		al_finding_end(lint, f);
	}
	const al_answer *txt = info->txt;
	/* a selector delegated by CNAME to another organization (a provider) */
	if (txt->cname_count > 0 && txt->cnames != NULL && info->domain != NULL &&
	    !al_same_organization(al_lint_get_options(lint)->psl, txt->cnames[txt->cname_count - 1], info->domain)) {
		const char *target = txt->cnames[txt->cname_count - 1];
		const char *provider = al_dkim_provider_of(lint, target);
		al_finding *f = al_finding_begin(lint, AL_RULE_DKIM031, NULL);
		al_finding_owner(f, info->name);
		al_finding_arg(f, "selector", "%s", info->selector);
		al_finding_arg(f, "target", "%s", target);
		al_finding_arg(f, "provider", "%s", provider ? provider : "a provider authlint does not know");
		al_finding_arg(f, "status", "%s",
			       txt->rcode == AL_RCODE_NOT_QUERIED ? "the key there was not checked (outside the zone)"
			       : txt->rcode == AL_RCODE_NOERROR && txt->count > 0 ? "the key there is checked below"
										 : "there is no key there");
		al_finding_end(lint, f);
	}
	size_t keys = 0;
	for (size_t i = 0; txt->rcode == AL_RCODE_NOERROR && i < txt->count; i++)
		if (txt->rrs[i].type == AL_TYPE_TXT)
			keys++;
	if (keys > 0 || (txt->rcode != AL_RCODE_NOERROR && txt->rcode != AL_RCODE_NXDOMAIN))
		return; /* a key, or a lookup that failed (reported by the lint) */
	al_finding *f = al_finding_begin(lint, AL_RULE_DKIM010, NULL);
	al_finding_owner(f, info->name);
	al_finding_arg(f, "selector", "%s", info->selector);
	al_finding_arg(f, "name", "%s", txt->name ? txt->name : info->name);
	al_finding_arg(f, "why", "%s", txt->rcode == AL_RCODE_NXDOMAIN ? "the name does not exist" : "it has no TXT record");
	al_finding_end(lint, f);
}

/* ---- the record (DKIM stage) ------------------------------------------------------- */

void al_check_dkim_syntax(const al_check_args *args)
{
	const al_dkim_record *r = args->parsed;
	if (r == NULL)
		return;
	al_lint *lint = args->lint;
	for (size_t i = 0; i < r->problem_count; i++) {
		const al_dkim_problem *p = &r->problems[i];
		al_rule_code rule = AL_RULE_NONE_;
		switch (p->kind) {
		case AL_DKIM_PROBLEM_SYNTAX:
			rule = AL_RULE_DKIM015;
			break;
		case AL_DKIM_PROBLEM_DUPLICATE:
			rule = AL_RULE_DKIM016;
			break;
		case AL_DKIM_PROBLEM_VERSION:
			rule = AL_RULE_DKIM017;
			break;
		case AL_DKIM_PROBLEM_UNKNOWN_TAG:
			rule = AL_RULE_DKIM019;
			break;
		case AL_DKIM_PROBLEM_VALUE:
			/* h= and k= values: their consequence is reported by dkim-key */
			continue;
		}
		al_finding *f = al_finding_begin(lint, rule, args->subject);
		span_of(f, p->span);
		al_finding_arg(f, "detail", "%s", p->detail);
		if (p->hint != NULL)
			al_finding_fix(f, "%s", p->hint);
		al_finding_end(lint, f);
	}
	if (r->tag[AL_DKIM_TAG_V] == NULL) {
		al_finding *f = al_finding_begin(lint, AL_RULE_DKIM018, args->subject);
		al_finding_end(lint, f);
	}
	if (r->tag[AL_DKIM_TAG_P] == NULL) {
		al_finding *f = al_finding_begin(lint, AL_RULE_DKIM020, args->subject);
		al_finding_end(lint, f);
	}
}

/* The record was cut where a string ended at 255 octets. */
static bool cut_at_string_limit(const al_subject *s)
{
	if (s->string_count == 0)
		return false;
	size_t prev = 0;
	for (size_t i = 0; i < s->string_count; i++) {
		if (s->string_ends[i] - prev == 255 && i == s->string_count - 1)
			return true;
		prev = s->string_ends[i];
	}
	return s->rr == NULL && s->length == 255;
}

static void unusable(const al_check_args *args, const al_dkim_record *r, const char *detail)
{
	al_finding *f = al_finding_begin(args->lint, AL_RULE_DKIM014, args->subject);
	if (r->tag[AL_DKIM_TAG_P] != NULL)
		span_of(f, r->tag[AL_DKIM_TAG_P]->value);
	al_finding_arg(f, "detail", "%s", detail);
	al_finding_end(args->lint, f);
}

static void key_findings(const al_check_args *args, const al_dkim_record *r)
{
	al_lint *lint = args->lint;
	const al_dkim_key *key = &r->key;
	const al_dkim_tag *p = r->tag[AL_DKIM_TAG_P];
	switch (key->status) {
	case AL_DKIM_KEY_MISSING:
		return; /* DKIM020 */
	case AL_DKIM_KEY_REVOKED: {
		al_finding *f = al_finding_begin(lint, AL_RULE_DKIM011, args->subject);
		span_of(f, p->spec);
		al_finding_end(lint, f);
		return;
	}
	case AL_DKIM_KEY_WRONG_FORM: {
		al_finding *f = al_finding_begin(lint, AL_RULE_DKIM028, args->subject);
		span_of(f, p->value);
		al_finding_end(lint, f);
		return;
	}
	case AL_DKIM_KEY_BAD_BASE64:
	case AL_DKIM_KEY_GARBAGE:
		if (cut_at_string_limit(args->subject))
			unusable(args, r, al_arena_printf(al_lint_unit_arena(lint),
							  "p= %s; the record ends exactly at 255 octets, so the key "
							  "looks cut at the TXT string limit",
							  key->status == AL_DKIM_KEY_BAD_BASE64 ? "is not base64"
												 : "does not decode to a key"));
		else
			unusable(args, r, al_arena_printf(al_lint_unit_arena(lint), "p= %s: %s",
							  key->status == AL_DKIM_KEY_BAD_BASE64 ? "is not base64"
												 : "does not decode to a key",
							  key->detail ? key->detail : "unknown reason"));
		return;
	case AL_DKIM_KEY_TYPE_MISMATCH:
		unusable(args, r, key->detail);
		return;
	case AL_DKIM_KEY_UNKNOWN_TYPE: {
		const al_dkim_tag *k = r->tag[AL_DKIM_TAG_K];
		unusable(args, r, al_arena_printf(al_lint_unit_arena(lint), "k=%.*s is not rsa or ed25519",
						  k ? (int)k->value.length : 0, k ? r->text + k->value.start : ""));
		return;
	}
	case AL_DKIM_KEY_OK:
		break;
	}
	/* a key verifiers discard for another reason (h= without sha256, s= without
	 * email, a broken record): its strength is beside the point */
	bool discarded = key->algorithm == AL_DKIM_ALG_RSA && key->bits >= 1024 && !al_dkim_key_usable(r);
	if (key->algorithm == AL_DKIM_ALG_RSA && !discarded) {
		al_rule_code rule = key->bits < 1024 ? AL_RULE_DKIM012 : key->bits < 2048 ? AL_RULE_DKIM013
								 : key->bits > 4096 ? AL_RULE_DKIM026 : AL_RULE_NONE_;
		if (rule != AL_RULE_NONE_) {
			al_finding *f = al_finding_begin(lint, rule, args->subject);
			span_of(f, p->value);
			al_finding_arg(f, "bits", "%u", key->bits);
			al_finding_end(lint, f);
		}
		if (key->form == AL_DKIM_FORM_RSA_PKCS1) {
			al_finding *f = al_finding_begin(lint, AL_RULE_DKIM027, args->subject);
			span_of(f, p->value);
			al_finding_end(lint, f);
		}
	}
}

static void hash_findings(const al_check_args *args, const al_dkim_record *r)
{
	const al_dkim_tag *h = r->tag[AL_DKIM_TAG_H];
	if (h == NULL)
		return;
	if (!(r->hashes & (AL_DKIM_HASH_SHA1 | AL_DKIM_HASH_SHA256))) {
		unusable(args, r, "h= lists no hash algorithm verifiers know (sha256)");
		return;
	}
	al_rule_code rule = (r->hashes & AL_DKIM_HASH_SHA256) ? ((r->hashes & AL_DKIM_HASH_SHA1) ? AL_RULE_DKIM022 : AL_RULE_NONE_)
							     : AL_RULE_DKIM021;
	if (rule == AL_RULE_NONE_)
		return;
	al_finding *f = al_finding_begin(args->lint, rule, args->subject);
	span_of(f, h->spec);
	al_finding_end(args->lint, f);
}

/* Quotes pasted into the value, and whitespace at a string boundary inside p=. */
static void split_damage(const al_check_args *args, const al_dkim_record *r)
{
	const al_subject *s = args->subject;
	const char *q = memchr(s->text, '"', s->length);
	if (q != NULL) {
		al_finding *f = al_finding_begin(args->lint, AL_RULE_DKIM034, s);
		al_finding_span(f, (size_t)(q - s->text), 1);
		al_finding_end(args->lint, f);
	}
	const al_dkim_tag *p = r->tag[AL_DKIM_TAG_P];
	if (p == NULL || s->string_count < 2)
		return;
	size_t ps = p->value.start, pe = p->value.start + p->value.length;
	for (size_t i = 0; i + 1 < s->string_count; i++) {
		size_t b = s->string_ends[i];
		if (b <= ps || b >= pe)
			continue;
		if (isspace((unsigned char)s->text[b - 1]) || isspace((unsigned char)s->text[b])) {
			al_finding *f = al_finding_begin(args->lint, AL_RULE_DKIM029, s);
			size_t a = b - 1;
			al_finding_span(f, a, 2);
			al_finding_arg(f, "string", "%zu", i + 1);
			al_finding_arg(f, "next", "%zu", i + 2);
			al_finding_end(args->lint, f);
		}
	}
}

void al_check_dkim_key(const al_check_args *args)
{
	const al_dkim_record *r = args->parsed;
	if (r == NULL)
		return;
	al_lint *lint = args->lint;
	key_findings(args, r);
	hash_findings(args, r);
	if (r->services != 0 && !(r->services & (AL_DKIM_SERVICE_EMAIL | AL_DKIM_SERVICE_ANY))) {
		al_finding *f = al_finding_begin(lint, AL_RULE_DKIM023, args->subject);
		span_of(f, r->tag[AL_DKIM_TAG_S]->spec);
		al_finding_end(lint, f);
	}
	if (r->flags & AL_DKIM_FLAG_Y) {
		al_finding *f = al_finding_begin(lint, AL_RULE_DKIM024, args->subject);
		span_of(f, r->tag[AL_DKIM_TAG_T]->spec);
		al_finding_end(lint, f);
	}
	if (r->flags & AL_DKIM_FLAG_S) {
		al_finding *f = al_finding_begin(lint, AL_RULE_DKIM025, args->subject);
		span_of(f, r->tag[AL_DKIM_TAG_T]->spec);
		al_finding_end(lint, f);
	}
	split_damage(args, r);
}
