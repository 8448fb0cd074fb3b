/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME stage: which TXT records at a name are SPF, DMARC or DKIM records, and
 * the mistakes of placement: several SPF or DMARC records at one name, SPF type
 * 99, near misses that receivers discard, DMARC records away from _dmarc,
 * SPF records and unrelated TXT at _dmarc.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "check/lint_internal.h"
#include "record/spf_syntax.h"
#include "util/arena.h"

static void subject_of(const al_check_args *args, const al_rr *rr, al_subject *s, al_kind kind)
{
	al_subject_from_rr(args->lint, s, rr, kind);
	s->owner = args->name->txt && args->name->txt->name ? args->name->txt->name : args->name->name;
	s->domain = args->name->domain;
	s->selector = args->name->selector;
}

static size_t skip_ws(const char *t, size_t n, size_t i)
{
	while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n' || t[i] == '"'))
		i++;
	return i;
}

/* Looks like an attempt at a DMARC record that receivers discard. */
static bool dmarc_near_miss(const char *t, size_t n, const char **why)
{
	if (al_text_is_dmarc(t, n))
		return false;
	size_t i = skip_ws(t, n, 0);
	if (i > 0 && al_text_is_dmarc(t + i, n - i)) {
		*why = "starts with whitespace or a quote before v=DMARC1";
		return true;
	}
	if (n - i >= 7 && strncasecmp(t + i, "v=DMARC", 7) == 0) {
		*why = "has a version other than DMARC1";
		return true;
	}
	size_t j = i;
	if (j < n && (t[j] == 'v' || t[j] == 'V')) {
		j++;
		while (j < n && (t[j] == ' ' || t[j] == '\t'))
			j++;
		if (j < n && t[j] == '=') {
			j++;
			while (j < n && (t[j] == ' ' || t[j] == '\t'))
				j++;
			if (n - j >= 6 && strncasecmp(t + j, "DMARC1", 6) == 0) {
				*why = "has spaces around the = of v=DMARC1";
				return true;
			}
		}
	}
	/* a DMARC record without its version, e.g. "p=reject; rua=..." */
	if (n - i >= 2 && (t[i] == 'p' || t[i] == 'P') && (t[i + 1] == '=' || t[i + 1] == ' ') &&
	    strstr(t, "DMARC1") == NULL && strcasestr(t, "v=DMARC1") == NULL) {
		*why = "does not start with v=DMARC1";
		return true;
	}
	/* "p=reject; v=DMARC1": version not first */
	if (strcasestr(t, "v=DMARC1") != NULL) {
		*why = "does not start with v=DMARC1 (v must be the first tag)";
		return true;
	}
	return false;
}

static void spf_role(const al_check_args *args)
{
	const al_name_info *info = args->name;
	const al_answer *txt = info->txt;
	al_lint *lint = args->lint;
	size_t spf_count = 0;
	for (size_t i = 0; i < txt->count; i++) {
		al_subject s;
		subject_of(args, &txt->rrs[i], &s, AL_KIND_NONE);
		const char *why = NULL;
		if (al_text_is_spf(s.text, s.length)) {
			spf_count++;
			s.kind = AL_KIND_SPF;
			if (info->record_count > 1) {
				al_finding *f = al_finding_begin(lint, AL_RULE_SPF001, &s);
				al_finding_arg(f, "count", "%zu", info->record_count);
				al_finding_arg(f, "index", "%zu", spf_count);
				al_finding_span(f, 0, 6);
				al_finding_end(lint, f);
			}
		} else if (al_spf_near_miss(s.text, s.length, &why)) {
			al_finding *f = al_finding_begin(lint, AL_RULE_SPF003, &s);
			al_finding_arg(f, "why", "%s", why);
			al_finding_end(lint, f);
		} else if (s.length >= 8 && strncasecmp(s.text, "v=spf2.0", 8) == 0) {
			al_finding *f = al_finding_begin(lint, AL_RULE_SPF004, &s);
			al_finding_end(lint, f);
		} else if (al_text_is_dmarc(s.text, s.length)) {
			s.kind = AL_KIND_DMARC;
			al_finding *f = al_finding_begin(lint, AL_RULE_DMARC001, &s);
			al_finding_arg(f, "expected", "_dmarc.%s", info->name);
			al_finding_span(f, 0, 8);
			al_finding_end(lint, f);
		}
	}
	/* SPF type 99: obsolete, and different from the TXT record is worse */
	if (info->spf != NULL && info->spf->rcode == AL_RCODE_NOERROR) {
		for (size_t i = 0; i < info->spf->count; i++) {
			if (info->spf->rrs[i].type != AL_TYPE_SPF)
				continue;
			al_subject s;
			subject_of(args, &info->spf->rrs[i], &s, AL_KIND_SPF);
			s.rrtype = AL_TYPE_SPF;
			bool same = false;
			for (size_t j = 0; j < txt->count; j++) {
				al_subject t;
				subject_of(args, &txt->rrs[j], &t, AL_KIND_NONE);
				if (t.length == s.length && memcmp(t.text, s.text, s.length) == 0)
					same = true;
			}
			al_finding *f = al_finding_begin(lint, AL_RULE_SPF002, &s);
			al_finding_arg(f, "difference",
				       "%s", spf_count == 0 ? "; there is no SPF TXT record, so receivers see no SPF policy"
				       : same ? "" : "; it differs from the TXT record, which is the one receivers use");
			al_finding_end(lint, f);
		}
	}
}

static void dmarc_role(const al_check_args *args)
{
	const al_name_info *info = args->name;
	const al_answer *txt = info->txt;
	al_lint *lint = args->lint;
	size_t index = 0;
	for (size_t i = 0; i < txt->count; i++) {
		al_subject s;
		subject_of(args, &txt->rrs[i], &s, AL_KIND_NONE);
		const char *why = NULL;
		if (al_text_is_dmarc(s.text, s.length)) {
			s.kind = AL_KIND_DMARC;
			index++;
			if (info->record_count > 1) {
				al_finding *f = al_finding_begin(lint, AL_RULE_DMARC004, &s);
				al_finding_arg(f, "count", "%zu", info->record_count);
				al_finding_arg(f, "index", "%zu", index);
				al_finding_span(f, 0, 8);
				al_finding_end(lint, f);
			}
		} else if (al_text_is_spf(s.text, s.length)) {
			al_finding *f = al_finding_begin(lint, AL_RULE_DMARC003, &s);
			al_finding_span(f, 0, 6);
			al_finding_end(lint, f);
		} else if (dmarc_near_miss(s.text, s.length, &why)) {
			al_finding *f = al_finding_begin(lint, AL_RULE_DMARC005, &s);
			al_finding_arg(f, "why", "%s", why);
			al_finding_end(lint, f);
		} else {
			al_finding *f = al_finding_begin(lint, AL_RULE_DMARC002, &s);
			al_finding_end(lint, f);
		}
	}
}

static void dkim_role(const al_check_args *args)
{
	const al_name_info *info = args->name;
	const al_answer *txt = info->txt;
	if (txt->count < 2)
		return;
	for (size_t i = 0; i < txt->count; i++) {
		al_subject s;
		subject_of(args, &txt->rrs[i], &s, AL_KIND_DKIM);
		al_finding *f = al_finding_begin(args->lint, AL_RULE_DKIM001, &s);
		al_finding_arg(f, "count", "%zu", txt->count);
		al_finding_arg(f, "index", "%zu", i + 1);
		al_finding_end(args->lint, f);
	}
}

void al_check_record_selection(const al_check_args *args)
{
	const al_name_info *info = args->name;
	if (info == NULL || info->txt == NULL)
		return;
	switch (info->role) {
	case AL_KIND_DMARC:
		dmarc_role(args);
		break;
	case AL_KIND_DKIM:
		dkim_role(args);
		break;
	case AL_KIND_SPF:
		spf_role(args);
		break;
	default:
		break; /* report authorizations: the DMARC checks read them */
	}
}
