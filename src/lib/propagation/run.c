/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A propagation run: who to ask (discovery of the zone, its name servers and
 * their addresses, servers given by hand, resolvers), what to ask (SPF,
 * DMARC, DKIM selectors, report authorizations, SOA), asking it on the query
 * engine, and turning the replies into a result. Rounds repeat for --watch.
 *
 * Queries go out phase by phase (zone, NS, addresses, selector probes, the
 * names, report authorizations), each phase for every domain at once. Every
 * query has its tries and timeout, and a round has a time limit: a query
 * still out when it runs out is dropped and reported as failed.
 */
#include <arpa/inet.h>
#include <errno.h>
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

#include "dns/txt.h"
#include "dns/wire.h"
#include "record/detect.h"
#include "util/hash.h"
#include "propagation/prop_internal.h"
#include "propagation/run_internal.h"
#include "util/grow.h"


#define MAX_DOMAINS 10000

/* ---- small things ----------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}


const char *al_prop_issue_text(al_arena *a, const al_prop_issue *is)
{
	const char *detail = is->detail ? is->detail : "";
	switch (is->kind) {
	case AL_PROP_ISSUE_ZONE_NOT_FOUND:
		return al_arena_printf(a, "cannot find the zone of %s: %s", is->name, detail);
	case AL_PROP_ISSUE_NS_UNREADABLE:
		return al_arena_printf(a, "cannot read the NS set of %s: %s", is->name, detail);
	case AL_PROP_ISSUE_NO_NS:
		return al_arena_printf(a, "the zone %s has no NS records", is->name);
	case AL_PROP_ISSUE_ADDRESS_UNREADABLE:
		return al_arena_printf(a, "cannot read the addresses of %s: %s", is->name, detail);
	case AL_PROP_ISSUE_NO_ADDRESS:
		return al_arena_printf(a, "the name server %s has no A or AAAA record", is->name);
	case AL_PROP_ISSUE_TOO_MANY_ADDRESSES:
		return al_arena_printf(a, "%s has %zu server addresses; the first %zu are asked", is->name, is->count,
				       is->limit);
	case AL_PROP_ISSUE_NO_AUTHORITY:
		return al_arena_printf(a, "none of the servers given answered for the zone of %s with authority",
				       is->name);
	case AL_PROP_ISSUE_TOO_MANY_NAMES:
		return al_arena_printf(a, "more than %zu names: %s and later ones were not asked", is->limit, is->name);
	case AL_PROP_ISSUE_BAD_SELECTOR:
		return al_arena_printf(a, "selector '%s': %s is not a valid name", detail, is->name);
	case AL_PROP_ISSUE_OUTSIDE_SERVERS:
		return al_arena_printf(a,
				       "%s (a report authorization) is outside the zone %s of the servers given, and was "
				       "not asked; give --resolver to find its servers",
				       is->name, detail);
	}
	return NULL;
}

static void add_issue(al_prop *p, const char ***list, al_prop_issue **items, size_t *count, size_t *capacity,
		      const al_prop_issue *is)
{
	const char *s = al_prop_issue_text(&p->arena, is);
	if (s == NULL)
		return;
	for (size_t i = 0; i < *count; i++)
		if (strcmp((*list)[i], s) == 0)
			return;
	/* both arrays share one capacity: grow the items first, then the list */
	size_t cap = *capacity;
	if (!al_grow((void **)items, &cap, *count + 1, sizeof(**items)))
		return;
	if (!al_grow((void **)list, capacity, *count + 1, sizeof(**list)))
		return; /* the same doubling: both now hold *capacity */
	(*items)[*count] = *is;
	(*list)[(*count)++] = s;
}
/* Something that could not be done: the result is incomplete. */
void al_propr_add_problem(al_prop *p, pdomain *d, al_prop_issue is)
{
	add_issue(p, &d->problems, &d->problem_items, &d->problem_count, &d->problem_capacity, &is);
}

/* A name left out by the scope asked for (only the servers given). */
void al_propr_add_note(al_prop *p, pdomain *d, al_prop_issue is)
{
	add_issue(p, &d->notes, &d->note_items, &d->note_count, &d->note_capacity, &is);
}

al_prop_issue al_propr_issue(al_prop_issue_kind kind, const char *name, const char *detail)
{
	return (al_prop_issue){.kind = kind, .name = name, .detail = detail};
}

/* Can this host send to the address at all? A UDP connect() sends nothing. */
bool al_propr_routable(const al_dns_server *s, const char **why)
{
	int fd = socket(s->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*why = s->addr.ss_family == AF_INET6 ? "this host has no IPv6" : "no IPv4 socket";
		return false;
	}
	int rc = connect(fd, (const struct sockaddr *)&s->addr, s->addr_length);
	int e = errno;
	close(fd);
	if (rc == 0)
		return true;
	*why = s->addr.ss_family == AF_INET6 ? "no IPv6 route from this host" : strerror(e);
	return false;
}

/* ---- options ------------------------------------------------------------------ */

static al_status parse_manual(al_prop *p, const char *text, al_error *err)
{
	const char *eq = strchr(text, '=');
	if (eq == NULL || eq == text)
		return al_error_set(err, AL_EINVAL, "--server '%s': expected NAME=IP[:PORT]", text);
	char name[AL_NAME_MAX];
	al_error nerr = {0};
	if ((size_t)(eq - text) >= AL_NAME_MAX ||
	    al_name_normalize(text, (size_t)(eq - text), name, &nerr) != AL_OK)
		return al_error_set(err, AL_EINVAL, "--server '%s': the name is not valid: %s", text,
				    nerr.message);
	al_dns_server addr;
	al_error aerr = {0};
	if (al_dns_server_parse(eq + 1, 53, &addr, &aerr) != AL_OK)
		return al_error_set(err, AL_EINVAL, "--server '%s': %s", text, aerr.message);
	if (!al_grow((void **)&p->manual, &p->manual_capacity, p->manual_count + 1, sizeof(*p->manual)))
		return AL_ENOMEM;
	pmanual *m = &p->manual[p->manual_count++];
	m->name = al_arena_strdup(&p->arena, name);
	m->addr = addr;
	return m->name ? AL_OK : AL_ENOMEM;
}

al_status al_prop_new(al_prop **out, const al_prop_options *options, al_error *err)
{
	*out = NULL;
	if (options == NULL || options->rules == NULL)
		return al_error_set(err, AL_EINVAL, "propagation needs the rule registry");
	al_prop *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return AL_ENOMEM;
	p->opt = *options;
	al_arena_init(&p->arena);
	for (int i = 0; i < 2; i++) {
		al_arena_init(&p->result_arena[i]);
		al_findings_init(&p->result_findings[i], &p->result_arena[i]);
	}
	p->timeout = options->timeout > 0 ? options->timeout : 2.0;
	p->tries = options->tries ? options->tries : 2;
	if (p->tries > 10)
		p->tries = 10;
	p->round_seconds = options->round_seconds > 0 ? options->round_seconds : 120.0;
	p->max_servers = options->max_servers ? options->max_servers : 32;
	if (p->max_servers > 64)
		p->max_servers = 64;
	p->max_names = options->max_names ? options->max_names : 64;
	al_status st = AL_OK;
	for (size_t i = 0; i < options->server_count && st == AL_OK; i++)
		st = parse_manual(p, options->servers[i], err);
	size_t nres = options->resolver_count;
	if (st == AL_OK && nres > 0) {
		if (nres > 64) {
			st = al_error_set(err, AL_EINVAL, "too many resolvers (at most 64)");
		} else if ((p->resolvers = calloc(nres, sizeof(*p->resolvers))) == NULL) {
			st = AL_ENOMEM;
		}
		for (size_t i = 0; st == AL_OK && i < nres; i++) {
			al_error rerr = {0};
			if (al_dns_server_parse(options->resolvers[i], 53, &p->resolvers[i], &rerr) != AL_OK)
				st = al_error_set(err, AL_EINVAL, "--resolver '%s': %s", options->resolvers[i],
						  rerr.message);
			else
				p->resolver_count++;
		}
	}
	/* servers by hand and no resolver: only those servers are asked */
	p->discover = p->resolver_count > 0 || p->manual_count == 0;
	if (st == AL_OK && p->resolver_count == 0 && p->discover) {
		if (options->resolv_conf == NULL) {
			st = al_error_set(err, AL_EINVAL,
					  "no resolver to find the name servers: give --resolver or --server");
		} else {
			p->resolvers = calloc(16, sizeof(*p->resolvers));
			if (p->resolvers == NULL) {
				st = AL_ENOMEM;
			} else {
				al_error rerr = {0};
				st = al_dns_read_resolv_conf(options->resolv_conf, p->resolvers, 16,
							     &p->resolver_count, &rerr);
				if (st != AL_OK)
					al_error_set(err, st, "%s", rerr.message);
				else if (p->resolver_count == 0)
					st = al_error_set(err, AL_EINVAL, "%s names no resolver: give --resolver",
							  options->resolv_conf);
				p->system_resolvers = true;
			}
		}
	}
	if (st == AL_OK && options->expect != NULL)
		st = al_source_new_zone(&p->expect, (al_zone *)options->expect);
	if (st == AL_OK) {
		al_dns_engine_options eo = {0};
		eo.timeout = p->timeout;
		eo.tries = p->tries;
		eo.max_in_flight = 256;
		st = al_dns_engine_new(&p->engine, &eo);
		if (st != AL_OK)
			al_error_set(err, st, "cannot start the query engine: %s", al_status_message(st));
	}
	if (st != AL_OK) {
		al_prop_free(p);
		return st;
	}
	*out = p;
	return AL_OK;
}

static void domain_free(pdomain *d)
{
	free(d->servers);
	free(d->problems);
	free(d->problem_items);
	free(d->note_items);
	free(d->notes);
	free(d->selectors);
	free(d->report_zones);
}

void al_prop_free(al_prop *p)
{
	if (p == NULL)
		return;
	al_dns_engine_free(p->engine);
	al_source_free(p->expect);
	for (size_t i = 0; i < p->domain_count; i++)
		domain_free(&p->domains[i]);
	free(p->domains);
	free(p->manual);
	free(p->resolvers);
	for (int i = 0; i < 2; i++) {
		al_findings_fini(&p->result_findings[i]);
		al_arena_clear(&p->result_arena[i]);
	}
	al_arena_clear(&p->arena);
	free(p);
}

bool al_propr_add_selector(al_prop *p, pdomain *d, const char *selector)
{
	for (size_t i = 0; i < d->selector_count; i++)
		if (strcasecmp(d->selectors[i], selector) == 0)
			return true;
	if (d->selector_count >= p->max_names)
		return false;
	if (!al_grow((void **)&d->selectors, &d->selector_capacity, d->selector_count + 1, sizeof(*d->selectors)))
		return false;
	const char *s = al_arena_strdup(&p->arena, selector);
	if (s == NULL)
		return false;
	d->selectors[d->selector_count++] = s;
	return true;
}

typedef struct zone_selectors {
	al_prop *p;
	al_map *domains; /* name -> pdomain */
} zone_selectors;

/* "<selector>._domainkey.<domain>" in a zone file: the selector of a domain asked is known. */
static bool zone_name_selector(void *userdata, const char *name, uint64_t types)
{
	(void)types;
	zone_selectors *z = userdata;
	const char *p = name;
	for (int guard = 0; guard < 128 && (p = strstr(p, "._domainkey.")) != NULL; guard++) {
		pdomain *d = al_map_get(z->domains, p + 12);
		if (d != NULL && p > name) {
			char sel[AL_NAME_MAX];
			size_t n = (size_t)(p - name);
			memcpy(sel, name, n);
			sel[n] = '\0';
			if (strchr(sel, '*') == NULL)
				al_propr_add_selector(z->p, d, sel);
			return true;
		}
		p++;
	}
	return true;
}

/* The selectors the zone files (--zone, --expect) publish for the domains asked: one pass each. */
static void selectors_from_zones(al_prop *p)
{
	if (p->zones_read)
		return;
	p->zones_read = true;
	if (p->opt.zone == NULL && p->opt.expect == NULL)
		return;
	al_map domains;
	al_map_init(&domains, true);
	for (size_t i = 0; i < p->domain_count; i++)
		al_map_put(&domains, p->domains[i].domain, &p->domains[i]);
	zone_selectors z = {p, &domains};
	if (p->opt.zone != NULL)
		al_zone_foreach_name(p->opt.zone, zone_name_selector, &z);
	if (p->opt.expect != NULL)
		al_zone_foreach_name(p->opt.expect, zone_name_selector, &z);
	al_map_free(&domains);
}

al_status al_prop_add_domain(al_prop *p, const char *domain, al_error *err)
{
	char norm[AL_NAME_MAX];
	if (al_name_normalize(domain, strlen(domain), norm, err) != AL_OK)
		return AL_EINVAL;
	for (size_t i = 0; i < p->domain_count; i++)
		if (strcmp(p->domains[i].domain, norm) == 0)
			return AL_OK;
	if (p->domain_count >= MAX_DOMAINS)
		return al_error_set(err, AL_ELIMIT, "too many domains (at most %d)", MAX_DOMAINS);
	if (!al_grow((void **)&p->domains, &p->domain_capacity, p->domain_count + 1, sizeof(*p->domains)))
		return AL_ENOMEM;
	pdomain *d = &p->domains[p->domain_count];
	memset(d, 0, sizeof(*d));
	d->domain = al_arena_strdup(&p->arena, norm);
	if (d->domain == NULL)
		return AL_ENOMEM;
	char org[AL_NAME_MAX];
	d->org = al_dmarc_psl_organizational_domain(p->opt.psl, norm, org) == AL_OK ? al_arena_strdup(&p->arena, org)
									   : d->domain;
	p->domain_count++;
	for (size_t i = 0; i < p->opt.selector_count; i++)
		al_propr_add_selector(p, d, p->opt.selectors[i]);
	p->zones_read = false; /* a new domain: its selectors are read at the next round */
	return AL_OK;
}

/* ---- asking ------------------------------------------------------------------- */

static void ask_done(void *userdata, al_dns_reply *reply)
{
	ask *a = userdata;
	a->reply = reply;
	a->done = true;
}

void al_propr_ask_start(al_prop *p, ask *a, const char *name, uint16_t type, const al_dns_server *servers,
		      size_t count, bool rd)
{
	memset(a, 0, sizeof(*a));
	a->used = true;
	al_dns_request rq = {0};
	rq.name = name;
	rq.type = type;
	rq.servers = servers;
	rq.server_count = count;
	rq.recursion_desired = rd;
	rq.failover_on_rcode = count > 1;
	unsigned tries = p->tries * (unsigned)(count < 8 ? count : 8);
	rq.tries = tries;
	rq.timeout = p->timeout;
	if (al_dns_query(p->engine, &rq, ask_done, a) != AL_OK) {
		a->done = true; /* reply NULL: counted as failed */
		a->start_failed = true;
		return;
	}
	p->round_queries++;
}

void al_propr_ask_release(ask *a)
{
	al_dns_reply_free(a->reply);
	a->reply = NULL;
}

/* Run the engine until every query is answered or the round's time is up. */
void al_propr_wait_all(al_prop *p)
{
	for (unsigned guard = 0; al_dns_engine_pending(p->engine) > 0 && guard < 10000000; guard++) {
		double left = p->deadline - now_s();
		if (left <= 0) {
			/* drop what is still out: those asks stay not done, and are reported as failed */
			al_dns_engine_free(p->engine);
			p->engine = NULL;
			al_dns_engine_options eo = {0};
			eo.timeout = p->timeout;
			eo.tries = p->tries;
			eo.max_in_flight = 256;
			if (al_dns_engine_new(&p->engine, &eo) != AL_OK)
				p->engine = NULL;
			p->out_of_time = true;
			return;
		}
		int ms = left > 1.0 ? 1000 : (int)(left * 1000) + 1;
		al_dns_engine_poll(p->engine, ms);
	}
}

/* ---- a round -------------------------------------------------------------------------- */

al_status al_prop_run(al_prop *p)
{
	if (p->domain_count == 0)
		return AL_EINVAL;
	if (p->engine == NULL)
		return AL_ENOMEM;
	double t0 = now_s();
	p->deadline = t0 + p->round_seconds;
	p->round_queries = 0;
	p->out_of_time = false;
	int64_t started = (int64_t)time(NULL);

	selectors_from_zones(p);
	al_status st = al_propr_discover_domains(p);
	if (st != AL_OK)
		return st;

	int slot = p->rounds % 2;
	p->previous = NULL; /* its memory is used again now */
	al_findings_fini(&p->result_findings[slot]);
	al_arena_clear(&p->result_arena[slot]);
	al_findings_init(&p->result_findings[slot], &p->result_arena[slot]);
	round_state rs;
	memset(&rs, 0, sizeof(rs));
	rs.arena = &p->result_arena[slot];
	rs.findings = &p->result_findings[slot];
	rs.started = started;

	if (p->opt.discover_selectors)
		al_propr_probe_selectors(p, &rs);

	/* the names of every domain */
	for (size_t i = 0; i < p->domain_count; i++) {
		pdomain *d = &p->domains[i];
		char name[AL_NAME_MAX + 64];
		al_propr_add_name(p, &rs, d, d->domain, AL_TYPE_TXT, "spf", d->zone);
		snprintf(name, sizeof(name), "_dmarc.%s", d->domain);
		char nn[AL_NAME_MAX];
		if (al_name_normalize(name, strlen(name), nn, NULL) == AL_OK)
			al_propr_add_name(p, &rs, d, nn, AL_TYPE_TXT, "dmarc", d->zone);
		for (size_t s = 0; s < d->selector_count; s++) {
			snprintf(name, sizeof(name), "%s._domainkey.%s", d->selectors[s], d->domain);
			if (al_name_normalize(name, strlen(name), nn, NULL) == AL_OK)
				al_propr_add_name(p, &rs, d, nn, AL_TYPE_TXT, "dkim", d->zone);
			else
				al_propr_add_problem(p, d, al_propr_issue(AL_PROP_ISSUE_BAD_SELECTOR, al_arena_strdup(&p->arena, name),
							d->selectors[s]));
		}
		al_propr_add_name(p, &rs, d, d->zone ? d->zone : d->domain, AL_TYPE_SOA, "soa", d->zone);
	}
	for (size_t i = 0; i < rs.name_count; i++)
		al_propr_start_name(p, &rs.names[i]);
	al_propr_wait_all(p);
	/* report authorizations the DMARC records (any version served) need */
	for (size_t i = 0; i < rs.name_count; i++)
		if (strcmp(rs.names[i].purpose, "dmarc") == 0)
			al_propr_collect_destinations(p, &rs, &rs.names[i]);
	if (rs.report_count > 0)
		al_propr_ask_reports(p, &rs);

	p->rounds++;
	al_prop_result *res = NULL;
	st = al_prop_build_result(p, &rs, &res);
	for (size_t i = 0; i < rs.name_count; i++)
		al_propr_release_name(&rs.names[i]);
	free(rs.names);
	free(rs.reports);
	if (st != AL_OK)
		return st;
	res->round = p->rounds;
	res->time = started;
	res->elapsed = now_s() - t0;
	res->queries = p->round_queries;
	rs.findings->summary.lookups = p->round_queries;
	p->previous = p->current;
	p->current = res;
	return AL_OK;
}

const al_prop_result *al_prop_current(const al_prop *p)
{
	return p ? p->current : NULL;
}

const al_prop_result *al_prop_previous(const al_prop *p)
{
	return p ? p->previous : NULL;
}

/* ---- watch ---------------------------------------------------------------------- */

bool al_prop_settled(const al_prop_result *r)
{
	return r != NULL && r->verdict == AL_PROP_CONSISTENT && !r->incomplete;
}
