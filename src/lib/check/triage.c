/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * authlint triage: why a message failed DMARC. The receiver's words
 * (Authentication-Results, Received-SPF) and the message's own (From,
 * Return-Path, DKIM-Signature, ARC, List-Id) are read together with the DNS
 * of today: SPF is checked again for the connecting IP, every signature and
 * the ARC chain are verified again, the DMARC policy is discovered and
 * alignment judged. One verdict comes out, from the set in doc/triage.md,
 * as a TRIAGE finding with its evidence, its fix and who makes it. Nothing
 * that was not checked counts as passing: offline, only the receiver's
 * results are known, and the output says so.
 */
#include <authlint/dkim_verify.h>
#include <authlint/spf_eval.h>
#include <authlint/triage.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/family_api.h"
#include "check/lint_private.h"
#include "check/spf_family.h"
#include "check/triage_internal.h"
#include "spf/spf_internal.h"
#include "util/arena.h"

/* catalog services whose include is tried against the connecting IP */
#define MAX_SERVICE_PROBES 64

/* struct al_triage: check/triage_internal.h */

static const char *const verdict_names[] = {
	[AL_TRIAGE_UNDETERMINED] = "undetermined",
	[AL_TRIAGE_PASS] = "pass",
	[AL_TRIAGE_SERVICE_NOT_IN_SPF] = "service-not-in-spf",
	[AL_TRIAGE_DKIM_MISSING] = "dkim-missing",
	[AL_TRIAGE_DKIM_NOT_ALIGNED] = "dkim-not-aligned",
	[AL_TRIAGE_DNS_CHANGED] = "dns-changed",
	[AL_TRIAGE_UNAUTHORIZED] = "unauthorized-sender",
	[AL_TRIAGE_FORWARDED] = "forwarded",
};

const char *al_triage_verdict_name(al_triage_verdict verdict)
{
	return (unsigned)verdict < sizeof(verdict_names) / sizeof(verdict_names[0]) ? verdict_names[verdict] : "?";
}

const char *al_triage_who_name(al_triage_who who)
{
	static const char *const names[] = {"unknown", "nobody", "dns-owner", "sending-service-admin", "security"};
	return (unsigned)who < sizeof(names) / sizeof(names[0]) ? names[who] : "?";
}

void al_triage_note_not_checked(al_triage *t, const char *fmt, const char *arg)
{
	if (t->r.not_checked_count < MAX_LIST)
		t->not_checked[t->r.not_checked_count++] = al_arena_printf(&t->arena, fmt, arg ? arg : "");
}

static void note_difference(al_triage *t, const char *text)
{
	if (t->r.difference_count < MAX_LIST)
		t->differences[t->r.difference_count++] = text;
}

/* ---- alignment --------------------------------------------------------------- */

/* Does @p id align with @p from (RFC 9989 4.4.1 / RFC 7489 3.1): the same
 * name (strict), or the same organizational domain (relaxed). The
 * organizational domains are those of the DNS tree walk when it completed,
 * else of the Public Suffix List. */
static bool aligned(al_lint *lint, const char *from, const char *id, bool strict)
{
	if (from == NULL || id == NULL)
		return false;
	if (al_name_equal(from, id))
		return true;
	if (strict)
		return false;
	const char *of = NULL, *oi = NULL;
	bool cf = false, ci = false;
	if (al_dmarc_walk_org_domain(lint, from, &of, &cf) == AL_OK && cf &&
	    al_dmarc_walk_org_domain(lint, id, &oi, &ci) == AL_OK && ci)
		return of != NULL && oi != NULL && al_name_equal(of, oi);
	char a[AL_NAME_MAX], b[AL_NAME_MAX];
	if (al_dmarc_psl_organizational_domain(al_lint_get_options(lint)->psl, from, a) != AL_OK ||
	    al_dmarc_psl_organizational_domain(al_lint_get_options(lint)->psl, id, b) != AL_OK)
		return false;
	return al_name_equal(a, b);
}

/* ---- SPF ---------------------------------------------------------------------------- */

/* check_host() of @p ip for @p domain; NULL when it was not (fully) checked. */
static al_spf_outcome *spf_check(al_lint *lint, const char *ip, const char *sender, const char *helo,
				 const char *domain)
{
	al_source *source = al_lint_get_options(lint)->source;
	if (source == NULL || ip == NULL || domain == NULL)
		return NULL;
	al_spf_request req = {0};
	req.ip = ip;
	req.sender = sender;
	req.helo = helo;
	req.domain = domain;
	req.trace = true;
	al_spf_outcome *o = NULL;
	al_error err = {0};
	if (al_spf_check_host(source, &req, &o, &err) != AL_OK)
		return NULL;
	if (al_spf_outcome_unasked(o) != NULL) {
		al_spf_outcome_free(o);
		return NULL;
	}
	return o;
}

/* The catalog service whose SPF include authorizes @p ip; includes the source cannot answer are skipped. */
static const al_sender *service_of_ip(al_lint *lint, const char *ip)
{
	const al_senders *senders = al_spf_lint_senders(lint);
	if (senders == NULL || ip == NULL)
		return NULL;
	size_t n = al_senders_count(senders);
	for (size_t i = 0; i < n && i < MAX_SERVICE_PROBES; i++) {
		const al_sender *s = al_senders_at(senders, i);
		if (s->include == NULL)
			continue;
		al_spf_outcome *o = spf_check(lint, ip, NULL, NULL, s->include);
		bool pass = o != NULL && o->result == AL_SPF_PASS;
		al_spf_outcome_free(o);
		if (pass)
			return s;
	}
	return NULL;
}

/* ---- the receiver's words -------------------------------------------------------------- */

/* The signing domain of a dkim= result: header.d, or the domain of header.i. */
static const char *ar_dkim_domain(const al_ar_result *r)
{
	const char *d = al_authres_property(r, "header", "d");
	const char *i = al_authres_property(r, "header", "i");
	if (d == NULL && i != NULL && strchr(i, '@') != NULL)
		d = strchr(i, '@') + 1;
	return d;
}

static void receiver_results(al_triage *t, const al_message_facts *f)
{
	const al_authres *ar = &f->ar_parsed;
	const al_ar_result *r;
	if ((r = al_authres_find(ar, "spf", 0, NULL)) != NULL)
		t->r.receiver_spf = r->result;
	if ((r = al_authres_find(ar, "dmarc", 0, NULL)) != NULL)
		t->r.receiver_dmarc = r->result;
	if ((r = al_authres_find(ar, "arc", 0, NULL)) != NULL)
		t->r.receiver_arc = r->result;
	/* dkim: pass when any passed, else the first result */
	size_t at = 0;
	for (size_t guard = 0; guard < 64 && (r = al_authres_find(ar, "dkim", at, &at)) != NULL; guard++, at++) {
		if (t->r.receiver_dkim == NULL || strcmp(r->result, "pass") == 0)
			t->r.receiver_dkim = r->result;
	}
	if (t->r.receiver_spf == NULL && f->received_spf_parsed.result != NULL)
		t->r.receiver_spf = f->received_spf_parsed.result;
}

/* The receiver's dkim= result for signing domain @p d (header.d, or the domain of header.i). */
static const char *receiver_dkim_for(const al_message_facts *f, const char *d, const char *selector)
{
	const al_ar_result *r;
	size_t at = 0;
	const char *found = NULL;
	for (size_t guard = 0; guard < 64 && (r = al_authres_find(&f->ar_parsed, "dkim", at, &at)) != NULL;
	     guard++, at++) {
		const char *hd = ar_dkim_domain(r);
		const char *hs = al_authres_property(r, "header", "s");
		if (hd == NULL || d == NULL || !al_name_equal(hd, d))
			continue;
		if (hs != NULL && selector != NULL && strcasecmp(hs, selector) != 0)
			continue;
		if (found == NULL || strcmp(r->result, "pass") == 0)
			found = r->result;
	}
	return found;
}

/* ---- findings ----------------------------------------------------------------------------- */

static void raise_signature(al_lint *lint, const char *from, const al_dkim_signature *s, bool is_aligned)
{
	al_rule_code code;
	switch (s->verdict) {
	case AL_DKIM_PASS:
		code = AL_RULE_SIG001;
		break;
	case AL_DKIM_FAIL:
		code = s->failure == AL_DKIM_FAILURE_BODY_HASH ? AL_RULE_SIG002 : AL_RULE_SIG003;
		break;
	case AL_DKIM_REFUSED:
		code = AL_RULE_SIG005;
		break;
	case AL_DKIM_PERMERROR:
		code = s->failure == AL_DKIM_FAILURE_SYNTAX || s->failure == AL_DKIM_FAILURE_ALGORITHM ? AL_RULE_SIG008
														       : AL_RULE_SIG004;
		break;
	default:
		code = AL_RULE_SIG007;
		break;
	}
	if (s->failure == AL_DKIM_FAILURE_EXPIRED) /* fail or permerror, as the verifier says */
		code = AL_RULE_SIG006;
	al_finding *f = al_finding_begin(lint, code, NULL);
	al_finding_owner(f, s->domain ? s->domain : from);
	al_finding_arg(f, "d", "%s", s->domain ? s->domain : "(none)");
	al_finding_arg(f, "s", "%s", s->selector ? s->selector : "(none)");
	al_finding_arg(f, "algorithm", "%s", s->algorithm ? s->algorithm : "(none)");
	if (s->key_type != NULL)
		al_finding_arg(f, "key", "%s %u bits", s->key_type, s->key_bits);
	else
		al_finding_arg(f, "key", "key not read");
	al_finding_arg(f, "aligned", "%s", is_aligned ? ", and d= aligns with From" : ", but d= does not align with From");
	al_finding_arg(f, "why", "%s", s->reason ? s->reason : al_dkim_verdict_name(s->verdict));
	al_finding_arg(f, "where", "in header field %zu", s->field_index + 1);
	al_finding_arg(f, "expires", "%lld", (long long)s->expires);
	al_finding_end(lint, f);
	if (s->has_length && s->unsigned_body_bytes > 0) {
		f = al_finding_begin(lint, AL_RULE_SIG009, NULL);
		al_finding_owner(f, s->domain ? s->domain : from);
		al_finding_arg(f, "d", "%s", s->domain ? s->domain : "(none)");
		al_finding_arg(f, "s", "%s", s->selector ? s->selector : "(none)");
		al_finding_arg(f, "length", "%llu", (unsigned long long)s->length);
		al_finding_arg(f, "unsigned", "%llu", (unsigned long long)s->unsigned_body_bytes);
		al_finding_end(lint, f);
	}
}

static void raise_arc(al_lint *lint, const char *from, const al_arc_chain *c)
{
	if (c == NULL || c->cv == AL_ARC_NONE)
		return;
	al_finding *f;
	if (c->cv == AL_ARC_PASS) {
		f = al_finding_begin(lint, AL_RULE_ARC001, NULL);
		const al_arc_set *first = c->set_count ? &c->sets[0] : NULL;
		al_finding_arg(f, "first", "%s", first && first->authserv_id ? first->authserv_id : "(unnamed)");
		al_finding_arg(f, "results", "%s", first && first->results ? first->results : "(nothing)");
	} else if (c->cv == AL_ARC_FAIL) {
		f = al_finding_begin(lint, AL_RULE_ARC002, NULL);
		al_finding_arg(f, "instance", "%u", c->failed_instance);
		al_finding_arg(f, "why", "%s", c->reason ? c->reason : "the chain does not validate");
	} else {
		f = al_finding_begin(lint, AL_RULE_ARC003, NULL);
		al_finding_arg(f, "why", "%s", c->reason ? c->reason : "the sealers' keys were not looked up");
	}
	al_finding_owner(f, from);
	al_finding_arg(f, "sets", "%zu", c->set_count);
	al_finding_end(lint, f);
}

/* ---- the verdict ------------------------------------------------------------------------------- */

static const char *spf_text(al_triage *t)
{
	const al_triage_result *r = &t->r;
	if (strcmp(r->spf, "not-checked") == 0 && r->receiver_spf != NULL)
		return al_arena_printf(&t->arena, "%s for %s by the receiver's result", r->receiver_spf,
				       r->facts->mail_from_domain ? r->facts->mail_from_domain : "the MAIL FROM domain");
	if (strcmp(r->spf, "not-checked") == 0)
		return al_arena_printf(&t->arena, "was not checked again (%s)", r->spf_detail ? r->spf_detail : "");
	if (strcmp(r->spf, "pass") == 0 && !r->spf_aligned)
		return al_arena_printf(&t->arena, "passes for %s, which does not align with From",
				       r->spf_domain ? r->spf_domain : "the MAIL FROM domain");
	return al_arena_printf(&t->arena, "%s for %s", r->spf, r->spf_domain ? r->spf_domain : "the MAIL FROM domain");
}

static void raise_verdict(al_lint *lint, al_triage *t, const char *from, const char *why, const char *then,
			  const char *now, const char *evidence)
{
	al_triage_result *r = &t->r;
	static const al_rule_code codes[] = {
		[AL_TRIAGE_UNDETERMINED] = AL_RULE_TRIAGE009,  [AL_TRIAGE_PASS] = AL_RULE_TRIAGE001,
		[AL_TRIAGE_SERVICE_NOT_IN_SPF] = AL_RULE_TRIAGE002, [AL_TRIAGE_DKIM_MISSING] = AL_RULE_TRIAGE003,
		[AL_TRIAGE_DKIM_NOT_ALIGNED] = AL_RULE_TRIAGE004, [AL_TRIAGE_DNS_CHANGED] = AL_RULE_TRIAGE005,
		[AL_TRIAGE_UNAUTHORIZED] = AL_RULE_TRIAGE006,  [AL_TRIAGE_FORWARDED] = AL_RULE_TRIAGE007,
	};
	const al_rule *rule = al_lint_rule(lint, codes[r->verdict]);
	r->verdict_rule = rule != NULL ? rule->id : NULL;
	al_finding *f = al_finding_begin(lint, codes[r->verdict], NULL);
	al_finding_owner(f, from);
	al_finding_arg(f, "from", "%s", from);
	al_finding_arg(f, "ip", "%s", r->facts->connecting_ip ? r->facts->connecting_ip : "an unknown address");
	al_finding_arg(f, "service", "%s", r->service ? r->service : "no service the catalog knows");
	al_finding_arg(f, "domain", "%s", r->spf_domain ? r->spf_domain : from);
	al_finding_arg(f, "spf", "%s", r->spf);
	al_finding_arg(f, "spf_text", "%s", spf_text(t));
	const al_triage_signature *first = r->signature_count ? &r->signatures[0] : NULL;
	al_finding_arg(f, "d", "%s", r->verdict == AL_TRIAGE_DKIM_NOT_ALIGNED && evidence ? evidence
				     : first && first->domain ? first->domain : "(none)");
	al_finding_arg(f, "dkim", "%s", r->verdict == AL_TRIAGE_DKIM_NOT_ALIGNED ? "pass" : first ? first->result : "none");
	al_finding_arg(f, "why", "%s", why ? why : "");
	al_finding_arg(f, "then", "%s", then ? then : "");
	al_finding_arg(f, "now", "%s", now ? now : "");
	al_finding_arg(f, "evidence", "%s", evidence ? evidence : "");
	if (r->verdict == AL_TRIAGE_SERVICE_NOT_IN_SPF && r->service_include != NULL)
		al_finding_fix(f, "Add include:%s to the SPF record of %s (the DNS owner), and set up DKIM with %s in %s "
				  "(its admin).",
			       r->service_include, r->spf_domain ? r->spf_domain : from, from,
			       r->service ? r->service : "the service");
	al_finding_end(lint, f);
}

/* What the verdict rests on: today's checks where they were made, else the receiver's results. */
typedef struct evidence {
	const char *spf;          /* result, or NULL when not known */
	bool spf_aligned;
	bool dkim_known;          /* at least one signature's result is known */
	bool dkim_aligned_pass, dkim_unaligned_pass, dkim_any;
	const char *unaligned_d;  /* the domain of a passing, non-aligned signature */
	bool body_changed;
	bool from_receiver;       /* SPF or DKIM taken from the receiver's words */
} evidence;

static void gather_evidence(al_lint *lint, al_triage *t, const char *from, evidence *e)
{
	const al_triage_result *r = &t->r;
	const al_message_facts *f = r->facts;
	memset(e, 0, sizeof(*e));
	if (strcmp(r->spf, "not-checked") != 0) {
		e->spf = r->spf;
		e->spf_aligned = r->spf_aligned;
	} else if (r->receiver_spf != NULL) {
		const al_ar_result *ar = al_authres_find(&f->ar_parsed, "spf", 0, NULL);
		const char *mf = ar ? al_authres_property(ar, "smtp", "mailfrom") : NULL;
		if (mf != NULL && strchr(mf, '@') != NULL)
			mf = strchr(mf, '@') + 1;
		if (mf == NULL)
			mf = f->mail_from_domain;
		e->spf = r->receiver_spf;
		e->spf_aligned = mf != NULL && aligned(lint, from, mf, false);
		e->from_receiver = true;
	}
	e->dkim_any = f->dkim_signatures > 0;
	for (size_t i = 0; i < r->signature_count; i++) {
		const al_triage_signature *s = &r->signatures[i];
		const char *res = strcmp(s->result, "not-checked") != 0 ? s->result : s->receiver_result;
		if (res == NULL)
			continue;
		if (strcmp(s->result, "not-checked") == 0)
			e->from_receiver = true;
		e->dkim_known = true;
		if (strcmp(res, "pass") == 0 && s->aligned)
			e->dkim_aligned_pass = true;
		if (strcmp(res, "pass") == 0 && !s->aligned && e->unaligned_d == NULL) {
			e->dkim_unaligned_pass = true;
			e->unaligned_d = s->domain;
		}
	}
	if (r->signature_count == 0 && f->dkim_signatures == 0)
		e->dkim_known = true; /* no signature: known */
	if (r->signature_count == 0 && f->dkim_signatures > 0) {
		/* signatures not verified again: the receiver's dkim= results, by header.d */
		const al_ar_result *ar;
		size_t at = 0;
		for (size_t guard = 0; guard < 64 && (ar = al_authres_find(&f->ar_parsed, "dkim", at, &at)) != NULL;
		     guard++, at++) {
			const char *d = ar_dkim_domain(ar);
			e->dkim_known = true;
			e->from_receiver = true;
			if (strcmp(ar->result, "pass") == 0 && d != NULL) {
				if (aligned(lint, from, d, false)) {
					e->dkim_aligned_pass = true;
				} else if (e->unaligned_d == NULL) {
					e->dkim_unaligned_pass = true;
					e->unaligned_d = al_arena_strdup(&t->arena, d);
				}
			}
		}
	}
	for (size_t i = 0; t->dkim != NULL && i < al_dkim_verification_count(t->dkim); i++)
		if (al_dkim_verification_at(t->dkim, i)->failure == AL_DKIM_FAILURE_BODY_HASH)
			e->body_changed = true;
	if (t->dkim == NULL && f->dkim_signatures > 0) {
		const al_ar_result *ar = al_authres_find(&f->ar_parsed, "dkim", 0, NULL);
		if (ar != NULL && ar->reason != NULL && strcasestr(ar->reason, "body hash") != NULL)
			e->body_changed = true;
	}
}

static void decide(al_lint *lint, al_triage *t, const char *from, const evidence *given)
{
	al_triage_result *r = &t->r;
	const al_message_facts *f = r->facts;
	const evidence e = *given;
	bool spf_ok = e.spf != NULL && strcmp(e.spf, "pass") == 0 && e.spf_aligned;
	bool dmarc_pass = spf_ok || e.dkim_aligned_pass;
	bool dmarc_known = dmarc_pass || (e.spf != NULL && e.dkim_known);
	bool today_known = strcmp(r->spf, "not-checked") != 0 && !e.from_receiver;
	r->dmarc = !dmarc_known ? "not-checked" : dmarc_pass ? "pass" : "fail";
	if (e.from_receiver && dmarc_known)
		r->dmarc = dmarc_pass ? "pass (from the receiver's results)" : "fail (from the receiver's results)";
	const char *rd = r->receiver_dmarc;
	const char *by = e.from_receiver ? ", by the receiver's results" : "";

	/* today's DNS differs from what the receiver recorded */
	if (today_known && rd != NULL && strcmp(rd, "pass") != 0 && strcmp(rd, "none") != 0 && dmarc_pass) {
		r->verdict = AL_TRIAGE_DNS_CHANGED;
		r->who = AL_TRIAGE_WHO_DNS_OWNER;
		raise_verdict(lint, t, from, NULL, al_arena_printf(&t->arena, "dmarc=%s", rd),
			      al_arena_printf(&t->arena, "DMARC pass (%s)", spf_ok ? "SPF aligned" : "DKIM aligned"), NULL);
		return;
	}
	if (today_known && rd != NULL && strcmp(rd, "pass") == 0 && dmarc_known && !dmarc_pass) {
		r->verdict = AL_TRIAGE_DNS_CHANGED;
		r->who = AL_TRIAGE_WHO_DNS_OWNER;
		raise_verdict(lint, t, from, NULL, "dmarc=pass",
			      al_arena_printf(&t->arena, "DMARC fail (SPF %s; %s)", spf_text(t),
					      e.dkim_any ? "no aligned DKIM signature verifies" : "no DKIM signature"),
			      NULL);
		return;
	}
	if (dmarc_pass) {
		r->verdict = AL_TRIAGE_PASS;
		r->who = AL_TRIAGE_WHO_NOBODY;
		raise_verdict(lint, t, from,
			      al_arena_printf(&t->arena, "%s%s",
					      spf_ok && e.dkim_aligned_pass ? "SPF and DKIM pass aligned"
					      : spf_ok ? "SPF passes aligned" : "DKIM passes aligned", by),
			      NULL, NULL, NULL);
		return;
	}
	/* forwarding or a list: an intermediary is on record, or the body changed after signing */
	bool arc = f->arc_seals > 0;
	bool list_broke = f->list_id != NULL && e.dkim_any && !e.dkim_aligned_pass;
	if (arc || e.body_changed || list_broke) {
		r->verdict = AL_TRIAGE_FORWARDED;
		r->who = AL_TRIAGE_WHO_NOBODY;
		char ev[600];
		snprintf(ev, sizeof(ev), "%s%s%s%s%s",
			 arc ? al_arena_printf(&t->arena, "%zu ARC set(s) record intermediaries (cv=%s)", f->arc_seals,
					       r->arc_cv)
			     : "",
			 arc && (e.body_changed || list_broke) ? "; " : "",
			 e.body_changed ? "a DKIM body hash no longer matches (the body was changed after signing)" : "",
			 e.body_changed && list_broke ? "; " : "",
			 list_broke ? "it came through a mailing list (List-Id) and no aligned signature survived" : "");
		raise_verdict(lint, t, from, NULL, NULL, NULL, ev);
		return;
	}
	if (!dmarc_known) {
		r->verdict = AL_TRIAGE_UNDETERMINED;
		const char *why = rd != NULL ? al_arena_printf(&t->arena,
							     "the receiver recorded dmarc=%s, but SPF and DKIM could not be "
							     "checked again (%s) and the receiver's own SPF and DKIM results are "
							     "not in the message",
							     rd, r->spf_detail ? r->spf_detail : "lookups not made")
					     : al_arena_printf(&t->arena,
							     "SPF and DKIM could not be checked again (%s) and the message "
							     "carries no results from the receiver%s%s",
							     r->spf_detail ? r->spf_detail : "lookups not made",
							     r->bounce ? "; the receiver's bounce says: " : "",
							     r->bounce ? r->bounce->cause : "");
		raise_verdict(lint, t, from, why, NULL, NULL, NULL);
		return;
	}
	/* DMARC fails */
	bool spf_pass = strcmp(e.spf, "pass") == 0;
	if (e.dkim_unaligned_pass) {
		r->verdict = AL_TRIAGE_DKIM_NOT_ALIGNED;
		r->who = AL_TRIAGE_WHO_SERVICE_ADMIN;
		for (size_t i = 1; i < r->signature_count; i++) /* name the passing, non-aligned signature first */
			if (strcmp(r->signatures[i].result, "pass") == 0 && !r->signatures[i].aligned) {
				al_triage_signature tmp = t->sigs[0];
				t->sigs[0] = t->sigs[i];
				t->sigs[i] = tmp;
				break;
			}
		raise_verdict(lint, t, from, NULL, NULL, NULL, e.unaligned_d);
		return;
	}
	if (!spf_pass && r->service != NULL) {
		r->verdict = AL_TRIAGE_SERVICE_NOT_IN_SPF;
		r->who = AL_TRIAGE_WHO_DNS_OWNER;
		raise_verdict(lint, t, from, NULL, NULL, NULL, NULL);
		return;
	}
	if (spf_pass && !e.dkim_any) {
		/* SPF passes for a MAIL FROM that does not align, and nothing signs */
		r->verdict = AL_TRIAGE_DKIM_MISSING;
		r->who = AL_TRIAGE_WHO_SERVICE_ADMIN;
		raise_verdict(lint, t, from, NULL, NULL, NULL, NULL);
		return;
	}
	r->verdict = AL_TRIAGE_UNAUTHORIZED;
	r->who = AL_TRIAGE_WHO_SECURITY;
	raise_verdict(lint, t, from, NULL, NULL, NULL, NULL);
}

/* ---- the run ------------------------------------------------------------------------------------- */

static void verify_signatures(al_lint *lint, al_triage *t, const char *from, bool strict_dkim, int64_t now)
{
	const al_message_facts *f = t->r.facts;
	al_source *source = al_lint_get_options(lint)->source;
	if (f->raw == NULL || (f->dkim_signatures == 0 && f->arc_fields == 0))
		return;
	al_error err = {0};
	if (f->dkim_signatures > 0 && al_dkim_verify(f->raw, f->raw_length, source, now, &t->dkim, &err) != AL_OK) {
		al_triage_note_not_checked(t, "DKIM: %s", err.message);
		return;
	}
	size_t n = t->dkim != NULL ? al_dkim_verification_count(t->dkim) : 0;
	for (size_t i = 0; i < n && i < AL_DKIM_MAX_SIGNATURES; i++) {
		const al_dkim_signature *s = al_dkim_verification_at(t->dkim, i);
		al_triage_signature *o = &t->sigs[t->r.signature_count++];
		o->domain = s->domain;
		o->selector = s->selector;
		o->algorithm = s->algorithm;
		o->result = al_dkim_verdict_name(s->verdict);
		o->reason = s->reason;
		if (f->raw_headers_only && s->failure == AL_DKIM_FAILURE_BODY_HASH) {
			o->result = "not-checked";
			o->reason = "the bounce carries the original's headers only: the body hash cannot be checked";
		}
		o->aligned = aligned(lint, from, s->domain, strict_dkim);
		o->receiver_result = receiver_dkim_for(f, s->domain, s->selector);
		if (s->verdict == AL_DKIM_NOT_CHECKED)
			al_triage_note_not_checked(t, "DKIM signature of %s: its key was not looked up", s->domain);
		if (o->receiver_result != NULL && s->verdict != AL_DKIM_NOT_CHECKED &&
		    strcmp(o->receiver_result, o->result) != 0 && !f->raw_headers_only)
			note_difference(t, al_arena_printf(&t->arena, "DKIM d=%s s=%s: the receiver recorded %s, today %s",
							   s->domain ? s->domain : "?", s->selector ? s->selector : "?",
							   o->receiver_result, o->result));
		if (!(f->raw_headers_only && s->failure == AL_DKIM_FAILURE_BODY_HASH))
			raise_signature(lint, from, s, o->aligned);
	}
	t->r.signatures = t->sigs;
	/* any ARC field, not only seals: an ARC-Message-Signature or
	 * ARC-Authentication-Results without its ARC-Seal is a broken chain
	 * (RFC 8617 5.2 step 3), not none */
	if (f->arc_fields > 0 && al_arc_validate(f->raw, f->raw_length, source, now, &t->arc, &err) == AL_OK) {
		t->r.arc_cv = al_arc_cv_name(t->arc->cv);
		t->r.arc_failed_instance = t->arc->failed_instance;
		t->r.arc_reason = t->arc->reason;
		raise_arc(lint, from, t->arc);
	}
}

static void check_spf(al_lint *lint, al_triage *t, const char *from, bool strict_spf)
{
	al_triage_result *r = &t->r;
	const al_message_facts *f = r->facts;
	const char *ip = f->connecting_ip;
	if (ip == NULL && f->received_spf_parsed.client_ip != NULL)
		ip = f->received_spf_parsed.client_ip;
	const char *domain = f->mail_from_domain;
	const char *helo = f->helo ? f->helo : f->received_spf_parsed.helo;
	r->spf_domain = domain ? domain : helo;
	r->spf = "not-checked";
	if (ip == NULL) {
		r->spf_detail = "no connecting IP: the headers carry no Received field with an address";
		al_triage_note_not_checked(t, "SPF: %s", r->spf_detail);
		return;
	}
	if (r->spf_domain == NULL) {
		r->spf_detail = "no MAIL FROM (Return-Path) and no HELO name";
		al_triage_note_not_checked(t, "SPF: %s", r->spf_detail);
		return;
	}
	if (al_lint_get_options(lint)->source == NULL) {
		r->spf_detail = "offline";
		al_triage_note_not_checked(t, "SPF for %s: offline, the record was not looked up", r->spf_domain);
		return;
	}
	al_spf_outcome *o = spf_check(lint, ip, f->mail_from && f->mail_from[0] ? f->mail_from : NULL, helo, r->spf_domain);
	if (o == NULL) {
		r->spf_detail = "a lookup it needs is outside the zone files and was not made";
		al_triage_note_not_checked(t, "SPF for %s: a lookup it needs was not made", r->spf_domain);
		return;
	}
	r->spf = al_arena_strdup(&t->arena, al_spf_result_name(o->result));
	r->spf_detail = o->mechanism ? al_arena_printf(&t->arena, "%s (in the record of %s)", o->mechanism,
							 o->decided_by ? o->decided_by : r->spf_domain)
				     : o->reason ? al_arena_strdup(&t->arena, o->reason) : NULL;
	r->spf_aligned = domain != NULL && aligned(lint, from, domain, strict_spf);
	/* the service that authorized it through an include */
	const al_senders *senders = al_spf_lint_senders(lint);
	if (o->result == AL_SPF_PASS && o->decided_by != NULL && senders != NULL) {
		const al_sender *s = al_senders_match_include(senders, o->decided_by);
		if (s != NULL) {
			r->service = al_arena_strdup(&t->arena, s->name);
			r->service_include = s->include ? al_arena_strdup(&t->arena, s->include) : NULL;
		}
	}
	if (r->receiver_spf != NULL && strcmp(r->receiver_spf, r->spf) != 0)
		note_difference(t, al_arena_printf(&t->arena, "SPF for %s from %s: the receiver recorded %s, today %s",
						   r->spf_domain, ip, r->receiver_spf, r->spf));
	al_spf_outcome_free(o);
	if (strcmp(r->spf, "pass") != 0 && r->service == NULL) {
		const al_sender *s = service_of_ip(lint, ip);
		if (s != NULL) {
			r->service = al_arena_strdup(&t->arena, s->name);
			r->service_include = s->include ? al_arena_strdup(&t->arena, s->include) : NULL;
		}
	}
}

al_status al_lint_triage(al_lint *lint, const al_message *message, const al_triage_options *options, al_triage **out)
{
	*out = NULL;
	al_triage *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return AL_ENOMEM;
	al_arena_init(&t->arena);
	al_triage_result *r = &t->r;
	const al_message_facts *f = al_message_get_facts(message);
	r->facts = f;
	r->arc_cv = f->arc_fields ? "not-checked" : "none";
	r->spf = "not-checked";
	r->dmarc = "not-checked";
	r->verified = al_lint_get_options(lint)->source != NULL;
	receiver_results(t, f);
	char from[AL_NAME_MAX];
	al_error err = {0};
	if (f->from_domain == NULL || al_name_normalize(f->from_domain, strlen(f->from_domain), from, &err) != AL_OK) {
		al_triage_note_not_checked(t, "DMARC: %s", f->from_domain ? "the From domain is not a valid name"
							       : "the message has no From address");
		r->verdict = AL_TRIAGE_UNDETERMINED;
		raise_verdict(lint, t, f->from ? f->from : "(no From)",
			      f->from_domain ? "the From domain is not a valid domain name" : "the message has no From address",
			      NULL, NULL, NULL);
		al_lint_unit_end(lint);
		r->not_checked = t->not_checked;
		r->differences = t->differences;
		*out = t;
		return AL_OK;
	}
	const char *fromd = al_arena_strdup(&t->arena, from);
	/* the policy that applies, and the alignment modes it asks for */
	bool strict_spf = false, strict_dkim = false;
	al_dmarc_discovery *d = NULL;
	if (r->verified && al_dmarc_discover(lint, fromd, &d) == AL_OK && d != NULL) {
		const al_dmarc_outcome *o = &d->rfc9989;
		if (o->record != NULL) {
			strict_spf = o->record->aspf == AL_DMARC_ALIGN_STRICT;
			strict_dkim = o->record->adkim == AL_DMARC_ALIGN_STRICT;
			char buf[512] = "";
			al_dmarc_effect_describe(o->record, AL_GENERATION_RFC9989, o->target, &o->effect, buf, sizeof(buf));
			r->dmarc_policy = al_arena_printf(&t->arena, "_dmarc.%s: %s", o->policy_domain, buf);
		} else if (o->found == AL_DMARC_FOUND_NONE) {
			r->dmarc_policy = "no DMARC policy applies to the From domain";
		} else {
			al_triage_note_not_checked(t, "DMARC policy of %s: a lookup failed or was not made", fromd);
		}
	} else if (!r->verified) {
		al_triage_note_not_checked(t, "DMARC policy of %s: offline, not looked up", fromd);
	}
	check_spf(lint, t, fromd, strict_spf);
	int64_t now = options ? options->now : 0;
	verify_signatures(lint, t, fromd, strict_dkim, now);
	const al_bounce_catalog *catalog = options ? options->catalog : NULL;
	al_triage_explain_bounce(lint, t, catalog, fromd);
	evidence e;
	gather_evidence(lint, t, fromd, &e);
	decide(lint, t, fromd, &e);
	{
		bool dmarc_known = d != NULL && d->rfc9989.found != AL_DMARC_FOUND_UNKNOWN;
		bool has_dmarc = d != NULL && d->rfc9989.record != NULL;
		al_triage_bulk_checklist(lint, t, catalog, fromd, e.spf, e.spf_aligned, e.dkim_aligned_pass || e.dkim_unaligned_pass,
			       e.dkim_aligned_pass, has_dmarc, dmarc_known);
	}
	if (r->dmarc_policy != NULL && strcmp(r->dmarc, "fail") == 0 && d != NULL && d->rfc9989.record == NULL)
		r->dmarc = "none";
	al_lint_unit_end(lint);
	r->not_checked = t->not_checked;
	r->differences = t->differences;
	*out = t;
	return AL_OK;
}

const al_triage_result *al_triage_get(const al_triage *triage)
{
	return triage ? &triage->r : NULL;
}

void al_triage_free(al_triage *triage)
{
	if (triage == NULL)
		return;
	al_dkim_verification_free(triage->dkim);
	al_arc_chain_free(triage->arc);
	al_arena_clear(&triage->arena);
	free(triage);
}
