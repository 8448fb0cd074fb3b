/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Who is each source? check_host() (RFC 7208) with the source's address as
 * the client and the report's domain as the domain: the result says whether
 * the domain's own SPF record authorizes the address, the top-level term that
 * decided says how (include:sendgrid.net, ip4:...), and the senders catalog
 * names the service behind an include. A result that needed a lookup the
 * source could not make (offline, outside the zone) is "not checked", never
 * a fail. With a proposed record (--spf), each source is judged again with
 * it in place of the published one.
 */
#include "report/reports_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/spf.h>
#include <authlint/spf_eval.h>

#include "plan/overlay.h"
#include "spf/spf_internal.h"

typedef struct verdict {
	const char *result, *term, *service, *note;
} verdict;

static verdict judge(al_reports *r, al_source *source, const al_senders *senders, const char *domain,
		     const char *ip)
{
	verdict v = {NULL, NULL, NULL, NULL};
	char sender[300];
	snprintf(sender, sizeof(sender), "postmaster@%s", domain);
	al_spf_request req = {0};
	req.ip = ip;
	req.sender = sender;
	req.domain = domain;
	req.trace = true;
	al_spf_outcome *o = NULL;
	al_error err = {0};
	if (al_spf_check_host(source, &req, &o, &err) != AL_OK || o == NULL) {
		v.note = al_rpt_strdup(r, err.message[0] ? err.message : "check_host() could not run");
		return v;
	}
	const char *unasked = al_spf_outcome_unasked(o);
	for (size_t i = 0; i < o->event_count; i++) {
		const al_spf_event *e = &o->events[i];
		if (e->kind == AL_SPF_EVENT_TERM && e->depth == 0 && e->matched && v.term == NULL)
			v.term = al_rpt_strdup(r, e->term);
	}
	if (unasked != NULL && o->result != AL_SPF_PASS) {
		char note[400];
		snprintf(note, sizeof(note), "not checked: %s was not looked up (offline, or outside the zone given)",
			 unasked);
		v.note = al_rpt_strdup(r, note);
		v.term = NULL;
	} else {
		v.result = al_spf_result_name(o->result);
	}
	/* the service behind an include (or redirect) at the top */
	if (v.term != NULL && v.result != NULL) {
		const char *colon = strpbrk(v.term, ":=");
		if (colon != NULL && (strncasecmp(v.term, "include", 7) == 0 || strncasecmp(v.term, "+include", 8) == 0 ||
				      strncasecmp(v.term, "redirect", 8) == 0)) {
			char target[300];
			snprintf(target, sizeof(target), "%s", colon + 1);
			for (char *p = target; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			size_t n = strlen(target);
			if (n > 0 && target[n - 1] == '.')
				target[n - 1] = '\0';
			const al_sender *svc = al_senders_match_include(senders, target);
			if (svc != NULL)
				v.service = svc->name;
		}
	}
	al_spf_outcome_free(o);
	return v;
}

al_status al_reports_attribute(al_reports *r)
{
	r->attributed = true;
	if (r->options.source == NULL) {
		for (size_t i = 0; i < r->source_count; i++)
			r->source_list[i]->spf_note = "not checked: no DNS (--offline without --zone)";
		return AL_OK;
	}
	const al_senders *senders = NULL;
	al_error err;
	if (al_senders_builtin(&senders, &err) != AL_OK)
		senders = NULL;
	al_status st = AL_OK;
	for (size_t k = 0; k < r->domain_count && st == AL_OK; k++) {
		rpt_domain *d = r->domain_list[k];
		/* with a proposed record: the domain's TXT answered by it, the rest as before */
		al_source *proposed = NULL, *overlay_source = NULL;
		al_plan_overlay *overlay = NULL;
		if (r->options.spf_record != NULL &&
		    al_plan_overlay_new(&overlay_source, &overlay, d->name) == AL_OK &&
		    al_plan_overlay_set(overlay, r->options.spf_record, strlen(r->options.spf_record), 300,
					"<--spf>") == AL_OK)
			al_source_new_layered(&proposed, overlay_source, r->options.source);
		for (size_t i = 0; i < r->source_count; i++) {
			rpt_source *s = r->source_list[i];
			if (s->domain != d)
				continue;
			if (strchr(s->ip, '(') != NULL) {
				s->spf_note = "not checked: the report gives no usable address";
				continue;
			}
			verdict v = judge(r, r->options.source, senders, d->name, s->ip);
			s->attributed = v.result != NULL;
			s->spf_result = v.result;
			s->spf_term = v.term;
			s->service = v.service != NULL ? al_rpt_strdup(r, v.service) : NULL;
			s->spf_note = v.note;
			if (proposed != NULL) {
				verdict w = judge(r, proposed, senders, d->name, s->ip);
				s->whatif_result = w.result != NULL ? w.result : "not checked";
				s->whatif_term = w.term;
			}
		}
		al_source_free(proposed);
		al_source_free(overlay_source);
	}
	return st;
}
