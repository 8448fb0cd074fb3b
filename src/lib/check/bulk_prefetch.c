/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The prefetch hint of the bulk driver (bulk.c): from one answer, the
 * questions the domain's next pass will ask, so that they are on the wire
 * before the pass that needs them.
 */
#include "check/bulk_prefetch.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <authlint/spf_eval.h>

#include "check/lint_internal.h"
#include "dns/txt.h"
#include "dns/wire.h"

/* Joined character-strings of a TXT RR into @p text; false when it is
 * malformed or does not fit. */
static bool txt_join(const al_rr *rr, char *text, size_t size, size_t *length)
{
	size_t total;
	bool malformed;
	al_txt_measure(rr->rdata, rr->rdlength, NULL, &total, &malformed);
	if (malformed || total >= size)
		return false;
	*length = al_txt_copy(rr->rdata, rr->rdlength, text, total, NULL);
	return true;
}

static bool add_question(al_live_question *out, size_t *n, size_t max, const char *name, size_t length,
			 uint16_t type)
{
	if (*n >= max)
		return false;
	al_error err;
	if (al_name_normalize(name, length, out[*n].name, &err) != AL_OK || strcmp(out[*n].name, ".") == 0)
		return true;
	out[*n].type = type;
	(*n)++;
	return true;
}

/* SPF: include and redirect targets (TXT), a (A), mx (MX), exists (A); no macros. */
static void spf_hints(const char *owner, const char *text, size_t len, al_live_question *out, size_t *n,
		      size_t max)
{
	al_spf_record *rec = NULL;
	if (al_spf_parse(text, len, &rec) != AL_OK || rec == NULL)
		return;
	for (size_t t = 0; t < rec->term_count && *n < max; t++) {
		const al_spf_term *term = &rec->terms[t];
		uint16_t type;
		switch (term->type) {
		case AL_SPF_TERM_INCLUDE:
		case AL_SPF_TERM_REDIRECT:
			type = AL_TYPE_TXT;
			break;
		case AL_SPF_TERM_A:
		case AL_SPF_TERM_EXISTS:
			type = AL_TYPE_A;
			break;
		case AL_SPF_TERM_MX:
			type = AL_TYPE_MX;
			break;
		default:
			continue;
		}
		if (term->has_macro || term->error >= 0)
			continue;
		if (term->has_value && term->value_length > 0)
			add_question(out, n, max, text + term->value_start, term->value_length, type);
		else if (term->type == AL_SPF_TERM_A || term->type == AL_SPF_TERM_MX)
			add_question(out, n, max, owner, strlen(owner), type);
	}
	al_spf_record_free(rec);
}

/* DMARC: the report authorization names of rua/ruf destinations outside the domain. */
static void dmarc_hints(const char *domain, const char *text, size_t len, al_live_question *out, size_t *n,
			size_t max)
{
	size_t dl = strlen(domain);
	for (size_t i = 0; i + 4 < len && *n < max; i++) {
		if ((i > 0 && text[i - 1] != ';' && text[i - 1] != ' ' && text[i - 1] != '\t') ||
		    (strncasecmp(text + i, "rua", 3) != 0 && strncasecmp(text + i, "ruf", 3) != 0))
			continue;
		size_t p = i + 3;
		while (p < len && (text[p] == ' ' || text[p] == '\t'))
			p++;
		if (p >= len || text[p] != '=')
			continue;
		size_t end = p + 1;
		while (end < len && text[end] != ';')
			end++;
		/* mailto:user@host[!size], ... */
		for (size_t k = p + 1; k < end && *n < max; k++) {
			if (text[k] != '@')
				continue;
			size_t h = k + 1, e = h;
			while (e < end && text[e] != ',' && text[e] != '!' && text[e] != ' ' && text[e] != '\t')
				e++;
			size_t hl = e - h;
			bool inside = (hl == dl && strncasecmp(text + h, domain, dl) == 0) ||
				      (hl > dl && text[e - dl - 1] == '.' && strncasecmp(text + e - dl, domain, dl) == 0);
			if (!inside && hl > 0 && dl + 16 + hl < AL_NAME_MAX) {
				char name[AL_NAME_MAX];
				int nl = snprintf(name, sizeof(name), "%s._report._dmarc.%.*s", domain, (int)hl, text + h);
				if (nl > 0 && (size_t)nl < sizeof(name))
					add_question(out, n, max, name, (size_t)nl, AL_TYPE_TXT);
			}
			k = e;
		}
		i = end;
	}
}

/*
 * The prefetch hint: the questions a domain's next pass will ask because of
 * an answer, asked now so that the pass after finds them in the cache: the
 * names an SPF record points to (include, redirect, a, mx, exists; targets
 * with macros depend on the connection and are left to the checks), the
 * exchanges of an MX answer, the report authorizations a DMARC record needs,
 * and after a _dmarc name without a record the domain's A (does it exist) and
 * the _dmarc name one label up (the policy discovery walks up the tree).
 * A hint only: what the checks ask is what counts; a wrong hint costs a query.
 */
size_t al_bulk_prefetch_hint(void *userdata, const al_answer *answer, al_live_question *out, size_t max)
{
	(void)userdata;
	size_t n = 0;
	const char *qname = answer->qname;
	if (qname == NULL || max == 0)
		return 0;
	if (answer->qtype == AL_TYPE_MX && (answer->rcode == AL_RCODE_NOERROR || answer->rcode == AL_RCODE_NXDOMAIN)) {
		bool hosts = false;
		for (size_t i = 0; answer->rcode == AL_RCODE_NOERROR && i < answer->count && n < max; i++) {
			const al_rr *rr = &answer->rrs[i];
			char host[AL_NAME_MAX];
			if (rr->type == AL_TYPE_MX && rr->rdlength > 2 &&
			    al_wire_name_to_text(rr->rdata, rr->rdlength, 2, host, NULL) && strcmp(host, ".") != 0) {
				hosts = true;
				add_question(out, &n, max, host, strlen(host), AL_TYPE_A);
			}
		}
		/* no MX host: whether it sends mail depends on its DKIM keys too (mail_domain.c) */
		if (!hosts && strlen(qname) + 12 < AL_NAME_MAX) {
			char name[AL_NAME_MAX];
			int nl = snprintf(name, sizeof(name), "_domainkey.%s", qname);
			if (nl > 0 && (size_t)nl < sizeof(name))
				add_question(out, &n, max, name, (size_t)nl, AL_TYPE_TXT);
		}
		return n;
	}
	if (answer->qtype != AL_TYPE_TXT)
		return 0;
	bool dmarc_name = strncmp(qname, "_dmarc.", 7) == 0;
	bool has_dmarc = false;
	for (size_t i = 0; i < answer->count && n < max && answer->rcode == AL_RCODE_NOERROR; i++) {
		const al_rr *rr = &answer->rrs[i];
		char text[4096];
		size_t len = 0;
		if (rr->type != AL_TYPE_TXT || !txt_join(rr, text, sizeof(text), &len))
			continue;
		if (dmarc_name && al_text_is_dmarc(text, len)) {
			has_dmarc = true;
			dmarc_hints(qname + 7, text, len, out, &n, max);
		} else if (!dmarc_name && al_text_is_spf(text, len)) {
			spf_hints(qname, text, len, out, &n, max);
		}
	}
	if (dmarc_name && !has_dmarc) {
		/* the discovery asks whether the domain exists (RFC 9989 np) and walks up the tree */
		add_question(out, &n, max, qname + 7, strlen(qname + 7), AL_TYPE_A);
		const char *parent = strchr(qname + 7, '.');
		if (parent != NULL && parent[1] != '\0' && strlen(parent) + 7 < AL_NAME_MAX) {
			char up[AL_NAME_MAX];
			snprintf(up, sizeof(up), "_dmarc%s", parent);
			add_question(out, &n, max, up, strlen(up), AL_TYPE_TXT);
		}
	}
	return n;
}
