/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME stage, DNS level: character-string boundaries that glue two terms
 * together, TXT RRsets too large for a 512-octet answer, and CNAME next to
 * other data.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "check/lint_internal.h"
#include "dns/wire.h"

static bool word_at(const char *t, size_t n, size_t i, const char *w)
{
	size_t k = strlen(w);
	return i + k <= n && strncasecmp(t + i, w, k) == 0;
}

/* Does an SPF term start at t[i]? (a mechanism or modifier name, with what must follow it) */
static bool spf_term_starts(const char *t, size_t n, size_t i)
{
	if (i < n && (t[i] == '+' || t[i] == '-' || t[i] == '~' || t[i] == '?'))
		i++;
	static const char *const colon[] = {"include:", "ip4:", "ip6:", "exists:", "redirect=", "exp=",
					    NULL};
	for (const char *const *w = colon; *w; w++)
		if (word_at(t, n, i, *w))
			return true;
	static const char *const bare[] = {"all", "mx", "ptr", "a", NULL};
	for (const char *const *w = bare; *w; w++) {
		if (!word_at(t, n, i, *w))
			continue;
		size_t j = i + strlen(*w);
		if (j == n || t[j] == ' ' || t[j] == ':' || t[j] == '/')
			return true;
	}
	return false;
}

/* Does a complete SPF term end at t[e] (exclusive), starting after the last space? */
static bool spf_term_ends(const char *t, size_t s, size_t e)
{
	if (e <= s)
		return false;
	if (!spf_term_starts(t, e, s) && !(e - s >= 6 && strncasecmp(t + s, "v=spf1", 6) == 0))
		return false;
	/* a term that ends in ':' or '=' or '/' is cut in the middle, not complete */
	char last = t[e - 1];
	return last != ':' && last != '=' && last != '/' && last != '.';
}

static void glue_spf(const al_check_args *args, const al_subject *s)
{
	for (size_t k = 0; k + 1 < s->string_count; k++) {
		size_t b = s->string_ends[k];
		if (b == 0 || b >= s->length)
			continue;
		const char *t = s->text;
		if (t[b - 1] == ' ' || t[b] == ' ')
			continue;
		size_t ls = b;
		while (ls > 0 && t[ls - 1] != ' ')
			ls--;
		size_t re = b;
		while (re < s->length && t[re] != ' ')
			re++;
		if (!spf_term_ends(t, ls, b) || !spf_term_starts(t, re, b))
			continue;
		al_finding *f = al_finding_begin(args->lint, AL_RULE_DNS002, s);
		al_finding_span(f, ls, re - ls);
		al_finding_arg(f, "left", "%.*s", (int)(b - ls), t + ls);
		al_finding_arg(f, "right", "%.*s", (int)(re - b), t + b);
		al_finding_arg(f, "separator", "a space");
		al_finding_arg(f, "string", "%zu", k + 1);
		al_finding_end(args->lint, f);
	}
}

static void glue_dmarc(const al_check_args *args, const al_subject *s)
{
	for (size_t k = 0; k + 1 < s->string_count; k++) {
		size_t b = s->string_ends[k];
		if (b == 0 || b >= s->length)
			continue;
		const char *t = s->text;
		/* the tag-spec around the boundary */
		size_t ls = b;
		while (ls > 0 && t[ls - 1] != ';')
			ls--;
		size_t re = b;
		while (re < s->length && t[re] != ';')
			re++;
		if (ls == b || re == b)
			continue; /* a ';' right at the boundary */
		if (memchr(t + ls, '=', b - ls) == NULL)
			continue;
		size_t j = b;
		while (j < re && (t[j] == ' ' || t[j] == '\t'))
			j++;
		size_t name = j;
		while (j < re && isalpha((unsigned char)t[j]))
			j++;
		if (j == name)
			continue;
		while (j < re && (t[j] == ' ' || t[j] == '\t'))
			j++;
		if (j >= re || t[j] != '=')
			continue;
		size_t left = ls;
		while (left < b && (t[left] == ' ' || t[left] == '\t'))
			left++;
		al_finding *f = al_finding_begin(args->lint, AL_RULE_DNS002, s);
		al_finding_span(f, left, re - left);
		al_finding_arg(f, "left", "%.*s", (int)(b - left), t + left);
		al_finding_arg(f, "right", "%.*s", (int)(re - b), t + b);
		al_finding_arg(f, "separator", "a ';'");
		al_finding_arg(f, "string", "%zu", k + 1);
		al_finding_end(args->lint, f);
	}
}

void al_check_txt_strings(const al_check_args *args)
{
	const al_name_info *info = args->name;
	if (info == NULL || info->txt == NULL)
		return;
	for (size_t i = 0; i < info->txt->count; i++) {
		al_subject s;
		if (!al_subject_from_rr(args->lint, &s, &info->txt->rrs[i], AL_KIND_NONE))
			continue;
		s.owner = info->txt->name ? info->txt->name : info->name;
		s.domain = info->domain;
		s.selector = info->selector;
		if (s.string_count < 2)
			continue;
		/* judged on the first string, so that glue in "v=spf1" itself is caught */
		size_t first = s.string_ends[0];
		if (info->role == AL_KIND_SPF && first >= 6 && strncasecmp(s.text, "v=spf1", 6) == 0) {
			s.kind = AL_KIND_SPF;
			glue_spf(args, &s);
		} else if (info->role == AL_KIND_DMARC && first >= 8 &&
			   strncasecmp(s.text, "v=DMARC1", 8) == 0) {
			s.kind = AL_KIND_DMARC;
			glue_dmarc(args, &s);
		}
	}
}

void al_check_rrset_size(const al_check_args *args)
{
	const al_name_info *info = args->name;
	if (info == NULL || info->txt == NULL || info->role != AL_KIND_SPF || info->record_count == 0)
		return;
	const al_answer *a = info->txt;
	if (a->rcode != AL_RCODE_NOERROR || a->message_size <= 450)
		return;
	/* point at the SPF record */
	for (size_t i = 0; i < a->count; i++) {
		al_subject s;
		if (!al_subject_from_rr(args->lint, &s, &a->rrs[i], AL_KIND_SPF))
			continue;
		if (!al_text_is_spf(s.text, s.length))
			continue;
		s.owner = a->name ? a->name : info->name;
		s.domain = info->domain;
		al_finding *f = al_finding_begin(args->lint, a->message_size > 512 ? AL_RULE_DNS003 : AL_RULE_DNS004, &s);
		al_finding_arg(f, "size", "%zu", a->message_size);
		al_finding_arg(f, "records", "%zu", a->count);
		al_finding_end(args->lint, f);
		break;
	}
}

void al_check_cname_and_data(const al_check_args *args)
{
	const al_name_info *info = args->name;
	if (info == NULL || info->cname == NULL || info->cname->rcode != AL_RCODE_NOERROR ||
	    info->cname->count == 0)
		return;
	const al_answer *txt = info->txt;
	if (txt == NULL || txt->rcode != AL_RCODE_NOERROR || txt->count == 0 || txt->cname_count > 0)
		return;
	al_subject s;
	if (!al_subject_from_rr(args->lint, &s, &txt->rrs[0], info->role))
		return;
	s.kind = AL_KIND_DNS;
	s.owner = info->name;
	s.domain = info->domain;
	al_finding *f = al_finding_begin(args->lint, AL_RULE_DNS005, &s);
	char target[AL_NAME_MAX];
	target[0] = '\0';
	const al_rr *c = &info->cname->rrs[0];
	if (!al_wire_name_to_text(c->rdata, c->rdlength, 0, target, NULL))
		strcpy(target, "?");
	al_finding_arg(f, "target", "%s", target);
	al_finding_arg(f, "cname_line", "%lu", c->location.line);
	al_finding_end(args->lint, f);
}
