/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The policy a DMARC record gives to failing mail under each receiver
 * generation, and the sentence that says so. Read by the checks and the
 * planner; the parser (record/dmarc.c) knows nothing of it.
 */
#include <authlint/dmarc.h>

#include <stdio.h>
#include <string.h>

#include "record/dmarc_parse.h"

void al_dmarc_effect_of(const al_dmarc_record *r, al_generation gen, al_dmarc_target target,
			al_dmarc_effect *out)
{
	memset(out, 0, sizeof(*out));
	out->percent = 100;
	out->source = AL_DMARC_TAG_UNKNOWN;
	if (gen == AL_GENERATION_ANY)
		gen = AL_GENERATION_RFC9989;
	if (r == NULL || !r->is_dmarc || al_dmarc_record_discarded(r))
		return;
	bool rfc7489 = gen == AL_GENERATION_RFC7489;
	/* RFC 7489 6.6.3, RFC 9989 4.10.1: an invalid or missing p, or an invalid sp
	 * (and np under RFC 9989), falls back to p=none when rua has a valid URI */
	bool broken = r->p == AL_DMARC_POLICY_UNSET || r->p == AL_DMARC_POLICY_INVALID ||
		      r->sp == AL_DMARC_POLICY_INVALID || (!rfc7489 && r->np == AL_DMARC_POLICY_INVALID);
	if (broken) {
		if (!al_dmarc_has_valid_rua(r))
			return;
		out->applies = true;
		out->fallback = true;
		out->requested = out->applied = out->rest = AL_DMARC_POLICY_NONE;
		return;
	}
	out->applies = true;
	al_dmarc_policy pol = r->p;
	out->source = AL_DMARC_TAG_P;
	if (target != AL_DMARC_TARGET_DOMAIN && r->sp != AL_DMARC_POLICY_UNSET) {
		pol = r->sp;
		out->source = AL_DMARC_TAG_SP;
	}
	if (target == AL_DMARC_TARGET_NONEXISTENT && !rfc7489 && r->np != AL_DMARC_POLICY_UNSET) {
		pol = r->np;
		out->source = AL_DMARC_TAG_NP;
	}
	out->requested = pol;
	out->applied = pol;
	out->rest = pol;
	if (rfc7489) {
		/* RFC 7489 6.6.4: mail not sampled gets the next policy down */
		if (pol != AL_DMARC_POLICY_NONE && r->pct_valid && r->pct < 100) {
			out->percent = r->pct;
			out->rest = al_dmarc_policy_lower(pol);
		}
	} else if (r->t == AL_DMARC_FLAG_Y && pol != AL_DMARC_POLICY_NONE) {
		out->applied = out->rest = al_dmarc_policy_lower(pol);
		out->testing = true;
	}
}

size_t al_dmarc_effect_describe(const al_dmarc_record *r, al_generation gen, al_dmarc_target target,
				const al_dmarc_effect *e, char *buf, size_t size)
{
	char tmp[512];
	size_t n = 0;
#define PUT(...)                                                                      \
	do {                                                                          \
		int k_ = snprintf(tmp + n, n < sizeof(tmp) ? sizeof(tmp) - n : 0, __VA_ARGS__); \
		if (k_ > 0)                                                           \
			n += (size_t)k_;                                              \
	} while (0)
	if (gen == AL_GENERATION_ANY)
		gen = AL_GENERATION_RFC9989;
	bool rfc7489 = gen == AL_GENERATION_RFC7489;
	if (r == NULL || !r->is_dmarc) {
		PUT("no DMARC record applies");
	} else if (!e->applies) {
		PUT("the record has no valid p%s and no valid rua, so receivers ignore it",
		    r->sp == AL_DMARC_POLICY_INVALID ? " or sp" : "");
	} else if (e->fallback) {
		PUT("the record's policy is %s, so receivers act as if it said p=none (it has a valid rua)",
		    r->p == AL_DMARC_POLICY_UNSET ? "missing" : "not valid");
	} else {
		const char *what = target == AL_DMARC_TARGET_DOMAIN      ? "the domain itself"
				   : target == AL_DMARC_TARGET_SUBDOMAIN ? "an existing subdomain"
									 : "a non-existent subdomain";
		const char *pname = al_dmarc_policy_name(e->requested);
		if (target == AL_DMARC_TARGET_DOMAIN) {
			PUT("p=%s applies to %s", pname, what);
		} else if (e->source == AL_DMARC_TAG_NP) {
			PUT("np=%s applies to %s", pname, what);
		} else if (e->source == AL_DMARC_TAG_SP) {
			if (target == AL_DMARC_TARGET_NONEXISTENT)
				PUT("%s, so sp=%s applies to %s",
				    rfc7489 ? "RFC 7489 receivers do not use np" : "np is not set", pname, what);
			else
				PUT("sp=%s applies to %s", pname, what);
		} else {
			if (target == AL_DMARC_TARGET_NONEXISTENT)
				PUT("%s, so p=%s applies to %s",
				    rfc7489 ? "sp is not set (and RFC 7489 receivers do not use np)"
					    : "neither np nor sp is set",
				    pname, what);
			else
				PUT("sp is not set, so p=%s applies to %s", pname, what);
		}
		if (e->testing)
			PUT("; t=y lowers it to %s", al_dmarc_policy_name(e->applied));
		else if (!rfc7489 && r->t == AL_DMARC_FLAG_Y)
			PUT("; t=y has no effect on none");
		if (rfc7489 && e->percent < 100)
			PUT("; pct=%u: %u%% of failing mail gets %s, the rest %s", e->percent, e->percent,
			    al_dmarc_policy_name(e->applied), al_dmarc_policy_name(e->rest));
		if (rfc7489 && r->t == AL_DMARC_FLAG_Y && e->requested != AL_DMARC_POLICY_NONE)
			PUT("; RFC 7489 receivers ignore t=y");
		if (!rfc7489 && r->pct_valid && r->pct < 100 && e->requested != AL_DMARC_POLICY_NONE)
			PUT("; RFC 9989 receivers ignore pct=%u", r->pct);
	}
#undef PUT
	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	if (size > 0) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(buf, tmp, c);
		buf[c] = '\0';
	}
	return n;
}
