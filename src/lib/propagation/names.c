/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Propagation, which names to ask: each domain's SPF and DMARC names, its
 * DKIM selectors (given, from zone files, or the usual ones probed), and the
 * report destinations' authorization names, each only at the servers of the
 * zone that holds it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <authlint/dmarc_discovery.h>

#include "check/selector_list.h"
#include "dns/txt.h"
#include "dns/wire.h"
#include "record/detect.h"
#include "util/hash.h"
#include "propagation/prop_internal.h"
#include "propagation/run_internal.h"



#define MAX_REPORT_NAMES 8

/* ---- the names ---------------------------------------------------------------- */

pname *al_propr_add_name(al_prop *p, round_state *rs, pdomain *d, const char *name, uint16_t type,
		       const char *purpose, const char *zone)
{
	for (size_t i = 0; i < rs->name_count; i++)
		if (rs->names[i].domain == d && rs->names[i].type == type && al_name_equal(rs->names[i].name, name))
			return NULL;
	size_t per_domain = 0;
	for (size_t i = 0; i < rs->name_count; i++)
		if (rs->names[i].domain == d)
			per_domain++;
	if (per_domain >= p->max_names) {
		al_propr_add_problem(p, d, (al_prop_issue){.kind = AL_PROP_ISSUE_TOO_MANY_NAMES,
						  .name = al_arena_strdup(&p->arena, name), .limit = p->max_names});
		return NULL;
	}
	if (!al_grow((void **)&rs->names, &rs->name_capacity, rs->name_count + 1, sizeof(*rs->names)))
		return NULL;
	pname *n = &rs->names[rs->name_count++];
	memset(n, 0, sizeof(*n));
	n->domain = d;
	n->name = al_arena_strdup(rs->arena, name);
	n->type = type;
	n->purpose = purpose;
	n->zone = zone;
	return n;
}

/* Is server @p s one to ask about a name in @p zone? */
static bool concerned(const pserver *s, const char *zone, const char *domain_zone)
{
	if (s->role == AL_PROP_RESOLVER)
		return true;
	if (s->zone == NULL || zone == NULL)
		return zone == domain_zone || (zone && domain_zone && al_name_equal(zone, domain_zone));
	return al_name_equal(s->zone, zone);
}

bool al_propr_start_name(al_prop *p, pname *n)
{
	pdomain *d = n->domain;
	n->ask_count = d->server_count;
	n->asks = calloc(n->ask_count ? n->ask_count : 1, sizeof(*n->asks));
	if (n->asks == NULL)
		return false;
	for (size_t s = 0; s < d->server_count; s++) {
		const pserver *sv = &d->servers[s];
		if (sv->skipped || !concerned(sv, n->zone, d->zone))
			continue;
		al_propr_ask_start(p, &n->asks[s], n->name, n->type, &sv->addr, 1, sv->role == AL_PROP_RESOLVER);
	}
	return true;
}

void al_propr_release_name(pname *n)
{
	for (size_t s = 0; n->asks != NULL && s < n->ask_count; s++)
		al_propr_ask_release(&n->asks[s]);
	free(n->asks);
	n->asks = NULL;
}

/* Probe the registry's discovery list (the one check uses) at the authoritative
 * servers; keep the selectors that exist anywhere. */
void al_propr_probe_selectors(al_prop *p, round_state *rs)
{
	if (!p->probe_loaded) {
		p->probe_count = al_selector_list_load(NULL, &p->arena, &p->probe_list);
		p->probe_loaded = true;
	}
	const char **list = p->probe_list;
	size_t first = rs->name_count;
	for (size_t i = 0; i < p->domain_count; i++) {
		pdomain *d = &p->domains[i];
		if (d->probed)
			continue;
		d->probed = true;
		for (size_t k = 0; k < p->probe_count; k++) {
			bool known = false;
			for (size_t s = 0; s < d->selector_count; s++)
				known = known || strcasecmp(d->selectors[s], list[k]) == 0;
			if (known)
				continue;
			char name[AL_NAME_MAX + 64];
			snprintf(name, sizeof(name), "%s._domainkey.%s", list[k], d->domain);
			pname *n = al_propr_add_name(p, rs, d, name, AL_TYPE_TXT, "dkim", d->zone);
			if (n != NULL)
				n->selector = list[k];
		}
	}
	for (size_t i = first; i < rs->name_count; i++) {
		pname *n = &rs->names[i];
		pdomain *d = n->domain;
		n->ask_count = d->server_count;
		n->asks = calloc(n->ask_count ? n->ask_count : 1, sizeof(*n->asks));
		if (n->asks == NULL)
			continue;
		/* the authoritative servers know; without any, the resolvers */
		bool any_auth = false;
		for (size_t s = 0; s < d->server_count; s++)
			any_auth = any_auth || (d->servers[s].role == AL_PROP_AUTHORITATIVE && !d->servers[s].skipped);
		for (size_t s = 0; s < d->server_count; s++) {
			const pserver *sv = &d->servers[s];
			if (sv->skipped || (any_auth && sv->role != AL_PROP_AUTHORITATIVE) ||
			    !concerned(sv, n->zone, d->zone))
				continue;
			al_propr_ask_start(p, &n->asks[s], n->name, n->type, &sv->addr, 1, sv->role == AL_PROP_RESOLVER);
		}
	}
	al_propr_wait_all(p);
	for (size_t i = first; i < rs->name_count; i++) {
		pname *n = &rs->names[i];
		for (size_t s = 0; n->asks != NULL && s < n->ask_count; s++) {
			const al_dns_reply *r = n->asks[s].reply;
			if (r == NULL || r->outcome != AL_DNS_ANSWERED || r->rcode != AL_DNS_RCODE_NOERROR)
				continue;
			bool has = false;
			for (size_t k = 0; k < r->answer_count; k++)
				has = has || r->answer[k].type == AL_TYPE_TXT || r->answer[k].type == AL_TYPE_CNAME;
			if (has) {
				al_propr_add_selector(p, n->domain, n->selector);
				break;
			}
		}
		al_propr_release_name(n);
	}
	rs->name_count = first;
}

/* The DMARC texts in a reply: TXT records starting with v=DMARC1. */
void al_propr_collect_destinations(al_prop *p, round_state *rs, pname *n)
{
	pdomain *d = n->domain;
	for (size_t s = 0; s < n->ask_count; s++) {
		const al_dns_reply *r = n->asks[s].reply;
		if (r == NULL || r->outcome != AL_DNS_ANSWERED || r->rcode != AL_DNS_RCODE_NOERROR)
			continue;
		for (size_t k = 0; k < r->answer_count; k++) {
			const al_rr *rr = &r->answer[k];
			if (rr->type != AL_TYPE_TXT)
				continue;
			char text[4096];
			size_t len = al_txt_copy(rr->rdata, rr->rdlength, text, sizeof(text) - 1, NULL);
			if (!al_text_is_dmarc(text, len))
				continue;
			al_dmarc_record *rec = NULL;
			if (al_dmarc_parse(text, len, &rec) != AL_OK || rec == NULL)
				continue;
			for (int list = 0; list < 2; list++) {
				const al_dmarc_uri *uris = list == 0 ? rec->rua : rec->ruf;
				size_t count = list == 0 ? rec->rua_count : rec->ruf_count;
				for (size_t u = 0; u < count; u++) {
					const char *dest = uris[u].domain;
					char org[AL_NAME_MAX], norm[AL_NAME_MAX];
					if (dest == NULL || al_name_normalize(dest, strlen(dest), norm, NULL) != AL_OK)
						continue;
					if (al_dmarc_psl_organizational_domain(p->opt.psl, norm, org) == AL_OK &&
					    al_name_equal(org, d->org))
						continue; /* the same organization: no authorization needed */
					char name[AL_NAME_MAX * 2 + 32];
					snprintf(name, sizeof(name), "%s._report._dmarc.%s", d->domain, norm);
					char nn[AL_NAME_MAX];
					if (al_name_normalize(name, strlen(name), nn, NULL) != AL_OK)
						continue;
					bool dup = false;
					for (size_t i = 0; i < rs->report_count; i++)
						dup = dup || (rs->reports[i].domain == d && strcmp(rs->reports[i].name, nn) == 0);
					size_t mine = 0;
					for (size_t i = 0; i < rs->report_count; i++)
						mine += rs->reports[i].domain == d;
					if (dup || mine >= MAX_REPORT_NAMES)
						continue;
					if (!al_grow((void **)&rs->reports, &rs->report_capacity, rs->report_count + 1,
						  sizeof(*rs->reports)))
						continue;
					rs->reports[rs->report_count].domain = d;
					rs->reports[rs->report_count].name = al_arena_strdup(rs->arena, nn);
					rs->report_count++;
				}
			}
			al_dmarc_record_free(rec);
		}
	}
	(void)p;
}

/* The zone of a report-authorization name, found once per run. */
static const char *report_zone(pdomain *d, const char *name)
{
	for (size_t i = 0; i < d->report_zone_count; i++)
		if (strcmp(d->report_zones[i].name, name) == 0)
			return d->report_zones[i].apex;
	return NULL;
}

static bool report_zone_known(const pdomain *d, const char *name)
{
	for (size_t i = 0; i < d->report_zone_count; i++)
		if (strcmp(d->report_zones[i].name, name) == 0)
			return true;
	return false;
}

void al_propr_ask_reports(al_prop *p, round_state *rs)
{
	/* the zones of names outside each domain's zone, through the resolvers */
	zjob *jobs = calloc(rs->report_count ? rs->report_count : 1, sizeof(*jobs));
	size_t *job_of = calloc(rs->report_count ? rs->report_count : 1, sizeof(*job_of));
	if (jobs == NULL || job_of == NULL) {
		free(jobs);
		free(job_of);
		return;
	}
	size_t nj = 0;
	for (size_t i = 0; i < rs->report_count; i++) {
		preport *r = &rs->reports[i];
		pdomain *d = r->domain;
		job_of[i] = SIZE_MAX;
		if (d->zone != NULL && al_name_is_subdomain(r->name, d->zone))
			continue;
		if (report_zone_known(d, r->name))
			continue;
		if (!p->discover) {
			al_propr_add_note(p, d, al_propr_issue(AL_PROP_ISSUE_OUTSIDE_SERVERS, r->name, d->zone ? d->zone : d->domain));
			continue;
		}
		job_of[i] = nj;
		jobs[nj++].name = r->name;
	}
	al_propr_discover_zones(p, jobs, nj);
	for (size_t i = 0; i < rs->report_count; i++) {
		if (job_of[i] == SIZE_MAX)
			continue;
		preport *r = &rs->reports[i];
		pdomain *d = r->domain;
		zjob *j = &jobs[job_of[i]];
		if (al_grow((void **)&d->report_zones, &d->report_zone_capacity, d->report_zone_count + 1,
			 sizeof(*d->report_zones))) {
			d->report_zones[d->report_zone_count].name = al_arena_strdup(&p->arena, r->name);
			d->report_zones[d->report_zone_count].apex = j->apex;
			d->report_zone_count++;
		}
		if (j->problem.kind != 0)
			al_propr_add_problem(p, d, j->problem);
		if (j->address_problem.kind != 0)
			al_propr_add_problem(p, d, j->address_problem);
		if (j->apex != NULL)
			al_propr_add_zone_servers(p, d, j, false);
	}
	al_propr_zjobs_free(jobs, nj);
	free(job_of);
	/* ask them */
	size_t first = rs->name_count;
	for (size_t i = 0; i < rs->report_count; i++) {
		preport *r = &rs->reports[i];
		pdomain *d = r->domain;
		const char *zone = NULL;
		if (d->zone != NULL && al_name_is_subdomain(r->name, d->zone))
			zone = d->zone;
		else if ((zone = report_zone(d, r->name)) == NULL)
			continue; /* not asked: said in the problems */
		al_propr_add_name(p, rs, d, r->name, AL_TYPE_TXT, "report-auth", zone);
	}
	for (size_t i = first; i < rs->name_count; i++)
		al_propr_start_name(p, &rs->names[i]);
	al_propr_wait_all(p);
}

