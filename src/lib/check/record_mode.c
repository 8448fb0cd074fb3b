/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Record mode: one record string, as receivers see it or as written in a
 * zone file (then the string boundaries are checked too).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/lint_context.h"
#include "record/dkim_parse.h"
#include "record/txtpres.h"
#include "util/arena.h"

/* ---- record mode --------------------------------------------------------- */

/* Typographic quotes a document or chat puts around pasted text: the opening
 * and closing forms, UTF-8. */
static const struct {
	const char *open, *close;
} quotes[] = {
	{"\xe2\x80\x9c", "\xe2\x80\x9d"}, /* “ ” */
	{"\xe2\x80\x9d", "\xe2\x80\x9d"}, /* ” ” */
	{"\xe2\x80\x98", "\xe2\x80\x99"}, /* ‘ ’ */
	{"\xe2\x80\x9e", "\xe2\x80\x9c"}, /* „ “ */
	{"\xc2\xab", "\xc2\xbb"},           /* « » */
};

/* A paste mistake found before the record is linted (DNS007, DKIM035). */
static al_finding *paste_finding(al_lint *lint, al_rule_code rule, const char *owner, const char *label)
{
	al_finding *f = al_finding_begin(lint, rule, NULL);
	if (f == NULL)
		return NULL;
	al_finding_owner(f, owner);
	al_location loc = {.file = label ? label : "<argument>", .line = 1, .column = 1};
	al_finding_location(f, &loc);
	return f;
}

/*
 * Undo what pasting did to a record: typographic quotes around it (DNS007),
 * a PEM key for a DKIM record (DKIM035). *text and *length become what is
 * then linted; false when there is nothing to lint (a private key).
 */
static bool unpaste(al_lint *lint, al_kind kind, const char *owner, const char *label, const char **text,
		    size_t *length)
{
	const char *t = *text;
	size_t n = *length;
	while (n > 0 && (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r'))
		t++, n--;
	while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\n' || t[n - 1] == '\r'))
		n--;
	for (size_t i = 0; i < sizeof(quotes) / sizeof(quotes[0]); i++) {
		size_t ol = strlen(quotes[i].open), cl = strlen(quotes[i].close);
		if (n >= ol + cl && memcmp(t, quotes[i].open, ol) == 0 && memcmp(t + n - cl, quotes[i].close, cl) == 0) {
			al_finding *f = paste_finding(lint, AL_RULE_DNS007, owner, label);
			al_finding_arg(f, "open", "%s", quotes[i].open);
			al_finding_arg(f, "close", "%s", quotes[i].close);
			al_finding_end(lint, f);
			*text = t + ol;
			*length = n - ol - cl;
			t = *text;
			n = *length;
			break;
		}
	}
	if (kind != AL_KIND_DKIM || t == NULL || n < 11 || memmem(t, n, "-----BEGIN ", 11) == NULL)
		return true;
	if (memmem(t, n, "PRIVATE KEY-----", 16) != NULL) {
		al_finding *f = paste_finding(lint, AL_RULE_DKIM035, owner, label);
		al_finding_arg(f, "what", "%s",
			       "this is a PEM PRIVATE key: it must never be published, as whoever reads it can sign "
			       "as the domain; publish the record of its public key, and treat this key as exposed");
		al_finding_end(lint, f);
		return false;
	}
	const char *record = al_dkim_record_from_pem(&lint->unit_arena, t, n);
	al_finding *f = paste_finding(lint, AL_RULE_DKIM035, owner, label);
	if (record == NULL) {
		al_finding_arg(f, "what", "%s",
			       "this is a PEM block, not a DKIM key record, and not an RSA or Ed25519 public key "
			       "authlint can turn into one");
		al_finding_end(lint, f);
		return false;
	}
	al_finding_arg(f, "what", "this is a PEM public key, not a DKIM key record; the record to publish is \"%s\", "
		       "linted below", record);
	al_finding_end(lint, f);
	*text = record;
	*length = strlen(record);
	return true;
}

al_status al_lint_record(al_lint *lint, al_kind kind, const char *text, size_t length,
			 const char *domain, const char *label)
{
	return al_lint_record_ex(lint, kind, text, length, domain, label, NULL);
}

al_status al_lint_record_ex(al_lint *lint, al_kind kind, const char *text, size_t length,
			    const char *domain, const char *label, al_error *err_out)
{
	if (kind != AL_KIND_SPF && kind != AL_KIND_DMARC && kind != AL_KIND_DKIM)
		return AL_EINVAL;
	char norm[AL_NAME_MAX];
	al_error err;
	const char *dom = NULL;
	if (domain != NULL) {
		if (al_name_normalize(domain, strlen(domain), norm, &err) != AL_OK)
			return AL_EINVAL;
		dom = norm;
	}
	/* the owner the paste findings name; the record's own findings compute theirs below */
	const char *paste_owner = dom != NULL && kind == AL_KIND_DMARC && strncmp(dom, "_dmarc.", 7) != 0
					  ? al_arena_concat(&lint->unit_arena, "_dmarc.", dom, NULL)
					  : dom != NULL ? al_arena_strdup(&lint->unit_arena, dom) : NULL;
	if (!unpaste(lint, kind, paste_owner, label, &text, &length)) {
		al_lint_unit_flush(lint);
		return AL_OK;
	}
	al_name_info info;
	memset(&info, 0, sizeof(info));
	al_subject s;
	memset(&s, 0, sizeof(s));
	/* a record pasted as in a zone file: "v=spf1 mx " "-all" */
	al_txt_presentation pres;
	bool presentation = al_txt_is_presentation(text, length);
	al_rr *rr = NULL;
	if (presentation) {
		al_status st = al_txt_parse_presentation(text, length, &lint->unit_arena, &pres, err_out);
		if (st != AL_OK) {
			al_lint_unit_reset(lint);
			return st;
		}
		rr = al_arena_calloc(&lint->unit_arena, 1, sizeof(*rr));
		if (rr == NULL)
			return AL_ENOMEM;
		rr->type = AL_TYPE_TXT;
		rr->ttl = 0;
		rr->rdata = pres.rdata;
		rr->rdlength = (uint16_t)pres.rdlength;
		rr->location.file = label ? label : "<argument>";
		rr->location.line = 1;
		lint->pasted_rr = rr;
		lint->pasted_lines = pres.lines;
		lint->pasted_columns = pres.columns;
		if (!al_subject_from_rr(lint, &s, rr, kind))
			return AL_ENOMEM;
	} else {
		s.kind = kind;
		s.rrtype = AL_TYPE_TXT;
		s.text = al_arena_strndup(&lint->unit_arena, text, length);
		s.length = length;
		size_t *ends = al_arena_alloc(&lint->unit_arena, sizeof(size_t));
		if (s.text == NULL || ends == NULL)
			return AL_ENOMEM;
		ends[0] = length;
		s.string_ends = ends;
		s.string_count = 1;
	}
	s.location.file = label ? label : "<argument>";
	s.location.line = 1;
	s.location.column = 1;
	const char *owner = dom;
	if (dom != NULL && kind == AL_KIND_DMARC) {
		const char *sel;
		if (al_lint_name_role(lint, dom, &s.domain, &sel) != AL_KIND_DMARC) {
			owner = al_arena_concat(&lint->unit_arena, "_dmarc.", dom, NULL);
			s.domain = al_arena_strdup(&lint->unit_arena, dom);
		} else {
			owner = al_arena_strdup(&lint->unit_arena, dom);
			s.domain = owner + 7;
		}
	} else if (dom != NULL && kind == AL_KIND_DKIM) {
		owner = al_arena_strdup(&lint->unit_arena, dom);
		if (al_lint_name_role(lint, owner, &s.domain, &s.selector) != AL_KIND_DKIM)
			s.domain = owner;
	} else if (dom != NULL) {
		owner = al_arena_strdup(&lint->unit_arena, dom);
		s.domain = owner;
	}
	s.owner = owner;
	info.name = owner;
	info.role = kind;
	info.domain = s.domain;
	info.selector = s.selector;
	info.record_count = 1;
	if (presentation) {
		/* the string checks of a zone record apply to what was pasted */
		if (pres.longest > 255) {
			al_finding *f = al_finding_begin(lint, AL_RULE_DNS001, NULL);
			al_finding_owner(f, owner);
			al_location loc = {.file = s.location.file, .line = pres.longest_line,
					   .column = pres.longest_column};
			al_finding_location(f, &loc);
			al_finding_arg(f, "problem", "a quoted string of %zu octets; DNS character-strings hold at most 255",
				       pres.longest);
			al_finding_end(lint, f);
		}
		al_answer *answer = al_arena_calloc(&lint->unit_arena, 1, sizeof(*answer));
		if (answer == NULL)
			return AL_ENOMEM;
		rr->owner = owner ? owner : "";
		answer->rcode = AL_RCODE_NOERROR;
		answer->qname = answer->name = rr->owner;
		answer->qtype = AL_TYPE_TXT;
		answer->count = 1;
		answer->rrs = rr;
		answer->server = "argument";
		info.txt = answer;
		if (owner != NULL) {
			al_check_args args = {.lint = lint, .name = &info};
			al_lint_run_stage(lint, AL_STAGE_NAME, &args);
		}
	}
	al_lint_run_record(lint, &info, &s);
	al_lint_unit_flush(lint);
	lint->pasted_rr = NULL;
	return AL_OK;
}
