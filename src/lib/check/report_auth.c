/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DMARC stage, with lookups: where the reports of a record go.
 *
 * A destination whose organizational domain differs from the policy domain's
 * must authorize it with a TXT record starting v=DMARC1 at
 * <policy-domain>._report._dmarc.<destination> (RFC 7489 7.1, RFC 9990);
 * DNS wildcards (*._report._dmarc.<destination>) answer that name too. An
 * authorization record that lists rua/ruf itself redirects the reports, and
 * the new URIs must keep the destination host. A mailto: destination must
 * accept mail: an MX that is not a null MX (RFC 7505), or an address record.
 * A lookup that fails is reported by the lint, never as a missing record.
 */
#include <string.h>

#include <authlint/dmarc_discovery.h>

#include "check/dmarc_checks.h"
#include "dns/orgdomain.h"
#include "dns/wire.h"
#include "record/detect.h"
#include "record/dmarc_parse.h"
#include "util/arena.h"

/* ---- authorization -------------------------------------------------------------- */

typedef enum auth_state {
	AUTH_NOT_NEEDED,
	AUTH_UNKNOWN, /* the lookup failed or was not made: reported by the lint */
	AUTH_YES,
	AUTH_NO,
} auth_state;

/* The authorization record at <policy>._report._dmarc.<dest>, parsed, or NULL. */
static auth_state authorization(al_lint *lint, const char *policy_domain, const char *dest,
				const al_dmarc_record **auth_record, const char **asked)
{
	*auth_record = NULL;
	al_arena *arena = al_lint_unit_arena(lint);
	const char *name = al_arena_printf(arena, "%s._report._dmarc.%s", policy_domain, dest);
	*asked = name;
	if (name == NULL)
		return AUTH_UNKNOWN;
	const al_answer *a = al_lint_lookup(lint, name, AL_TYPE_TXT);
	if (a->rcode == AL_RCODE_NXDOMAIN)
		return AUTH_NO;
	if (a->rcode != AL_RCODE_NOERROR)
		return AUTH_UNKNOWN;
	for (size_t i = 0; i < a->count; i++) {
		if (a->rrs[i].type != AL_TYPE_TXT)
			continue;
		al_subject s;
		if (!al_subject_from_rr(lint, &s, &a->rrs[i], AL_KIND_NONE))
			continue;
		/* "begin with v=DMARC1" (RFC 7489 7.1): a DMARC record, the version in capitals */
		if (al_text_is_dmarc(s.text, s.length) && memcmp(s.text, "v=DMARC1", 8) == 0) {
			al_dmarc_record *r = NULL;
			if (al_dmarc_parse_arena(s.text, s.length, arena, &r) == AL_OK)
				*auth_record = r;
			return AUTH_YES;
		}
	}
	return AUTH_NO;
}

/* An authorization record with its own rua/ruf redirects; the host must stay. */
static void check_override(const al_check_args *args, const al_dmarc_uri *u, al_dmarc_tag_id id,
			   const al_dmarc_record *auth, const char *asked, const char *dest)
{
	const al_dmarc_uri *list = id == AL_DMARC_TAG_RUA ? auth->rua : auth->ruf;
	size_t n = id == AL_DMARC_TAG_RUA ? auth->rua_count : auth->ruf_count;
	for (size_t i = 0; i < n; i++) {
		if (!list[i].valid || list[i].domain == NULL || al_name_equal(list[i].domain, dest))
			continue;
		al_finding *f = al_finding_begin(args->lint, AL_RULE_DMARC039, args->subject);
		al_finding_span(f, u->span.start, u->span.length);
		al_finding_arg(f, "tag", "%s", al_dmarc_tag_name(id));
		al_finding_arg(f, "name", "%s", asked);
		al_finding_arg(f, "uri", "%.*s", (int)list[i].span.length, auth->text + list[i].span.start);
		al_finding_arg(f, "dest", "%s", dest);
		al_finding_end(args->lint, f);
	}
}

/* ---- accepting mail --------------------------------------------------------------- */

typedef enum mail_state {
	MAIL_UNKNOWN,
	MAIL_YES,
	MAIL_NO_DOMAIN,  /* NXDOMAIN */
	MAIL_NULL_MX,    /* RFC 7505 */
	MAIL_NO_HOST,    /* no MX and no address record */
} mail_state;

static bool null_mx(const al_rr *rr)
{
	/* preference, then the root name: 0x0000 0x00 */
	return rr->rdlength == 3 && rr->rdata[2] == 0;
}

static mail_state accepts_mail(al_lint *lint, const char *domain)
{
	const al_answer *mx = al_lint_lookup(lint, domain, AL_TYPE_MX);
	if (mx->rcode == AL_RCODE_NXDOMAIN)
		return MAIL_NO_DOMAIN;
	if (mx->rcode != AL_RCODE_NOERROR)
		return MAIL_UNKNOWN;
	size_t count = 0, nulls = 0;
	for (size_t i = 0; i < mx->count; i++) {
		if (mx->rrs[i].type != AL_TYPE_MX)
			continue;
		count++;
		if (null_mx(&mx->rrs[i]))
			nulls++;
	}
	if (count > 0)
		return nulls == count ? MAIL_NULL_MX : MAIL_YES;
	/* no MX: the implicit MX is the domain's address (RFC 5321 5.1) */
	const al_answer *a = al_lint_lookup(lint, domain, AL_TYPE_A);
	const al_answer *aaaa = al_lint_lookup(lint, domain, AL_TYPE_AAAA);
	if ((a->rcode == AL_RCODE_NOERROR && a->count > 0) || (aaaa->rcode == AL_RCODE_NOERROR && aaaa->count > 0))
		return MAIL_YES;
	if (a->rcode == AL_RCODE_NOERROR && aaaa->rcode == AL_RCODE_NOERROR)
		return MAIL_NO_HOST;
	return MAIL_UNKNOWN;
}

/* ---- the check -------------------------------------------------------------------- */

static void destination(const al_check_args *args, const al_dmarc_uri *u, al_dmarc_tag_id id)
{
	al_lint *lint = args->lint;
	const char *policy_domain = args->subject->domain;
	const char *dest = u->domain;
	if (policy_domain != NULL && strcmp(policy_domain, ".") != 0 && !al_lint_same_organization(lint, dest, policy_domain)) {
		const al_dmarc_record *auth = NULL;
		const char *asked = NULL;
		auth_state st = authorization(lint, policy_domain, dest, &auth, &asked);
		if (st == AUTH_NO) {
			al_finding *f = al_finding_begin(lint, AL_RULE_DMARC013, args->subject);
			al_finding_span(f, u->span.start, u->span.length);
			al_finding_arg(f, "tag", "%s", al_dmarc_tag_name(id));
			al_finding_arg(f, "dest", "%s", dest);
			al_finding_arg(f, "name", "%s", asked);
			al_finding_fix(f, "Ask the operator of %s to publish %s TXT \"v=DMARC1\" (or *._report._dmarc.%s), "
					  "or send reports to an address of your own domain.",
				       dest, asked, dest);
			al_finding_end(lint, f);
		} else if (st == AUTH_YES && auth != NULL) {
			check_override(args, u, id, auth, asked, dest);
		}
	}
	if (u->scheme != AL_DMARC_URI_MAILTO)
		return;
	mail_state m = accepts_mail(lint, dest);
	if (m == MAIL_YES || m == MAIL_UNKNOWN)
		return;
	al_finding *f = al_finding_begin(lint, AL_RULE_DMARC038, args->subject);
	al_finding_span(f, u->span.start, u->span.length);
	al_finding_arg(f, "tag", "%s", al_dmarc_tag_name(id));
	al_finding_arg(f, "dest", "%s", dest);
	al_finding_arg(f, "why", "%s",
		       m == MAIL_NO_DOMAIN ? "the domain does not exist (NXDOMAIN)"
		       : m == MAIL_NULL_MX ? "its null MX says it accepts no mail (RFC 7505)"
					   : "it has no MX and no address record");
	al_finding_end(lint, f);
}

void al_check_dmarc_report_destinations(const al_check_args *args)
{
	const al_dmarc_record *r = args->parsed;
	/* without a source the lookups answer NOT-QUERIED: reported as not checked */
	if (r == NULL || !r->is_dmarc || al_dmarc_record_discarded(r))
		return;
	for (int k = 0; k < 2; k++) {
		al_dmarc_tag_id id = k == 0 ? AL_DMARC_TAG_RUA : AL_DMARC_TAG_RUF;
		const al_dmarc_uri *list = k == 0 ? r->rua : r->ruf;
		size_t n = k == 0 ? r->rua_count : r->ruf_count;
		for (size_t i = 0; i < n && i < 16; i++)
			if (list[i].valid && list[i].domain != NULL)
				destination(args, &list[i], id);
	}
}
