/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * authlint triage, the bounce and the bulk-sender checklist: a bounce's
 * status and text matched to the catalog of published bounce codes
 * (data/bounces.yaml, TRIAGE008), and the requirements of Gmail, Yahoo and
 * Outlook.com for bulk senders (data/bulk-senders.yaml) judged on what was
 * checked (TRIAGE010); a requirement that rests on something not checked is
 * "not-checked", never met.
 */
#include <authlint/triage.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "check/family_api.h"
#include "check/lint_private.h"
#include "check/triage_internal.h"

void al_triage_explain_bounce(al_lint *lint, al_triage *t, const al_bounce_catalog *catalog, const char *from)
{
	const al_message_facts *f = t->r.facts;
	if (!f->is_bounce || catalog == NULL || (f->dsn_status == NULL && f->dsn_diagnostic == NULL))
		return;
	/* "dns; mx.example.net" (RFC 3464 2.3.5): the host name after the type */
	const char *mta = f->dsn_remote_mta ? f->dsn_remote_mta : f->dsn_reporting_mta;
	if (mta != NULL && strchr(mta, ';') != NULL) {
		mta = strchr(mta, ';') + 1;
		while (*mta == ' ' || *mta == '\t')
			mta++;
	}
	al_bounce_query q = {f->dsn_status, f->dsn_diagnostic, mta};
	al_bounce_match m;
	if (!al_bounce_catalog_match(catalog, &q, &m) || m.entry == NULL) {
		al_triage_note_not_checked(t, "the bounce's cause: status %s is not one the catalog of published bounce codes "
				    "(data/bounces.yaml) explains",
				 f->dsn_status ? f->dsn_status : "(none)");
		return;
	}
	const al_bounce_entry *e = m.entry;
	t->r.bounce = e;
	t->r.bounce_by_text = m.how == AL_BOUNCE_BY_TEXT;
	al_finding *fi = al_finding_begin(lint, AL_RULE_TRIAGE008, NULL);
	al_finding_owner(fi, from);
	al_finding_arg(fi, "receiver", "%s", e->receiver && e->receiver->name ? e->receiver->name : "the receiver");
	al_finding_arg(fi, "status", "%s", e->status);
	al_finding_arg(fi, "cause", "%s", e->cause);
	al_finding_fix(fi, "%s", e->fix);
	al_finding_context(fi, "%s (%s, read %s%s)", e->id, e->source, e->retrieved,
			   m.how == AL_BOUNCE_BY_TEXT ? "; matched by its text" : "; matched by its status alone");
	al_finding_end(lint, fi);
}

static bool has_one_click(const al_message_facts *f)
{
	/* RFC 8058 3.1: an HTTPS URI in List-Unsubscribe and List-Unsubscribe-Post: List-Unsubscribe=One-Click */
	return f->list_unsubscribe != NULL && strcasestr(f->list_unsubscribe, "<https://") != NULL &&
	       f->list_unsubscribe_post != NULL && strcasestr(f->list_unsubscribe_post, "List-Unsubscribe=One-Click") != NULL;
}

void al_triage_bulk_checklist(al_lint *lint, al_triage *t, const al_bounce_catalog *catalog, const char *from,
			      const char *spf, bool spf_aligned, bool dkim_pass, bool dkim_aligned, bool has_dmarc,
			      bool dmarc_known)
{
	if (catalog == NULL)
		return;
	const al_message_facts *f = t->r.facts;
	bool bulk_signs = f->list_unsubscribe != NULL || f->list_id != NULL;
	const char *const *names = al_bulk_requirement_names();
	for (size_t k = 0; names[k] != NULL && t->r.check_count < sizeof(t->checks) / sizeof(t->checks[0]); k++) {
		char who[256] = "";
		bool any = false, all_bulk = true;
		for (size_t i = 0; i < al_bounce_catalog_requirement_count(catalog); i++) {
			const al_bulk_requirement *q = al_bounce_catalog_requirement_at(catalog, i);
			if (strcmp(q->requirement, names[k]) != 0 || q->recommended)
				continue;
			const char *rname = q->receiver;
			for (size_t j = 0; j < al_bounce_catalog_receiver_count(catalog); j++)
				if (strcmp(al_bounce_catalog_receiver_at(catalog, j)->id, q->receiver) == 0)
					rname = al_bounce_catalog_receiver_at(catalog, j)->name;
			if (strstr(who, rname) == NULL)
				snprintf(who + strlen(who), sizeof(who) - strlen(who), "%s%s", any ? ", " : "", rname);
			any = true;
			if (!q->bulk)
				all_bulk = false;
		}
		if (!any)
			continue;
		al_triage_check *c = &t->checks[t->r.check_count++];
		c->requirement = names[k];
		c->receivers = al_arena_strdup(&t->arena, who);
		c->bulk_only = all_bulk;
		c->state = "not-checked";
		const char *req = names[k];
		bool known = true, met = false;
		if (strcmp(req, "spf") == 0) {
			known = spf != NULL;
			met = known && strcmp(spf, "pass") == 0;
			c->detail = known ? al_arena_printf(&t->arena, "SPF %s", spf) : "SPF was not checked";
		} else if (strcmp(req, "dkim") == 0) {
			met = dkim_pass;
			known = met || t->r.signature_count > 0 || f->dkim_signatures == 0;
			c->detail = met ? "a DKIM signature passes" : f->dkim_signatures ? "no DKIM signature passes" : "no DKIM signature";
		} else if (strcmp(req, "spf-or-dkim") == 0) {
			known = spf != NULL || dkim_pass;
			met = dkim_pass || (spf != NULL && strcmp(spf, "pass") == 0);
			c->detail = met ? "SPF or DKIM passes" : "neither SPF nor DKIM passes";
		} else if (strcmp(req, "dmarc") == 0) {
			known = dmarc_known;
			met = has_dmarc;
			c->detail = !known ? "the DMARC record was not looked up" : met ? "the From domain publishes DMARC"
										   : "the From domain publishes no DMARC record";
		} else if (strcmp(req, "alignment") == 0) {
			known = spf != NULL || dkim_pass;
			met = (spf != NULL && strcmp(spf, "pass") == 0 && spf_aligned) || (dkim_pass && dkim_aligned);
			c->detail = met ? "SPF or DKIM passes aligned with From" : "neither SPF nor DKIM passes aligned with From";
		} else if (strcmp(req, "one-click-unsubscribe") == 0) {
			known = bulk_signs;
			met = has_one_click(f);
			c->detail = !known ? "not told: the message carries no List-Unsubscribe or List-Id, the marks of "
					     "subscribed bulk mail"
				    : met ? "List-Unsubscribe with an https URI and List-Unsubscribe-Post: List-Unsubscribe=One-Click"
					  : "no one-click unsubscribe (RFC 8058: an https URI in List-Unsubscribe and "
					    "List-Unsubscribe-Post: List-Unsubscribe=One-Click)";
		} else {
			known = false;
			c->detail = "not visible in the message's headers";
		}
		if (!known) {
			if (strncmp(c->detail, "not ", 4) != 0)
				c->detail = "not checked: the results it needs were not checked again and the receiver "
					    "recorded none";
			continue;
		}
		c->state = met ? "met" : "not-met";
		/* a requirement of bulk senders is raised only for mail that shows it is bulk, or when
		 * the receiver's bounce named the bulk-sender requirements */
		bool bulk_bounce = t->r.bounce != NULL && strcmp(t->r.bounce->verdict, "bulk-requirements") == 0;
		/* forwarded mail carries the intermediary's marks (List-Id, a changed body): not the sender's */
		if (met || (all_bulk && !bulk_signs && !bulk_bounce) || t->r.verdict == AL_TRIAGE_FORWARDED)
			continue;
		al_finding *fi = al_finding_begin(lint, AL_RULE_TRIAGE010, NULL);
		al_finding_owner(fi, from);
		al_finding_arg(fi, "from", "%s", from);
		al_finding_arg(fi, "requirement", "%s: %s", req, c->detail);
		al_finding_arg(fi, "who_requires", "required by %s%s", who, all_bulk ? " of bulk senders" : "");
		al_finding_end(lint, fi);
	}
	t->r.checks = t->checks;
}
