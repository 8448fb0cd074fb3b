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

#include "dns/txt.h"
#include "dns/wire.h"
#include "record/detect.h"
#include "util/hash.h"
#include "propagation/prop_internal.h"
#include "propagation/run_internal.h"

/* Common DKIM selectors probed when discovery is on. */
static const char *const common_selectors[] = {
	"default", "dkim", "google", "k1", "k2", "mail", "s1", "s2", "selector1", "selector2",
	"smtp", "mx", "key1", "dkim1", "sig1", "email", "mandrill", "protonmail", "fm1", "zmail",
};
#define PROBE_COUNT (sizeof(common_selectors) / sizeof(common_selectors[0]))

#define MAX_NS_NAMES 16
#define MAX_ADDRESSES_PER_NS 8
#define MAX_REPORT_NAMES 8
#define MAX_DOMAINS 10000

/* ---- small things ----------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool grow(void **array, size_t *capacity, size_t need, size_t size)
{
	if (need <= *capacity)
		return true;
	size_t cap = *capacity ? *capacity * 2 : 8;
	while (cap < need)
		cap *= 2;
	void *p = realloc(*array, cap * size);
	if (p == NULL)
		return false;
	*array = p;
	*capacity = cap;
	return true;
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
	if (!grow((void **)items, &cap, *count + 1, sizeof(**items)))
		return;
	if (!grow((void **)list, capacity, *count + 1, sizeof(**list)))
		return; /* the same doubling: both now hold *capacity */
	(*items)[*count] = *is;
	(*list)[(*count)++] = s;
}
/* Something that could not be done: the result is incomplete. */
static void add_problem(al_prop *p, pdomain *d, al_prop_issue is)
{
	add_issue(p, &d->problems, &d->problem_items, &d->problem_count, &d->problem_capacity, &is);
}

/* A name left out by the scope asked for (only the servers given). */
static void add_note(al_prop *p, pdomain *d, al_prop_issue is)
{
	add_issue(p, &d->notes, &d->note_items, &d->note_count, &d->note_capacity, &is);
}

static al_prop_issue issue(al_prop_issue_kind kind, const char *name, const char *detail)
{
	return (al_prop_issue){.kind = kind, .name = name, .detail = detail};
}

/* Can this host send to the address at all? A UDP connect() sends nothing. */
static bool routable(const al_dns_server *s, const char **why)
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
	if (!grow((void **)&p->manual, &p->manual_capacity, p->manual_count + 1, sizeof(*p->manual)))
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
	for (int i = 0; i < 2; i++)
		al_arena_init(&p->result_arena[i]);
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
	for (int i = 0; i < 2; i++)
		al_arena_clear(&p->result_arena[i]);
	al_arena_clear(&p->arena);
	free(p);
}

static bool add_selector(al_prop *p, pdomain *d, const char *selector)
{
	for (size_t i = 0; i < d->selector_count; i++)
		if (strcasecmp(d->selectors[i], selector) == 0)
			return true;
	if (d->selector_count >= p->max_names)
		return false;
	if (!grow((void **)&d->selectors, &d->selector_capacity, d->selector_count + 1, sizeof(*d->selectors)))
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
				add_selector(z->p, d, sel);
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
	if (!grow((void **)&p->domains, &p->domain_capacity, p->domain_count + 1, sizeof(*p->domains)))
		return AL_ENOMEM;
	pdomain *d = &p->domains[p->domain_count];
	memset(d, 0, sizeof(*d));
	d->domain = al_arena_strdup(&p->arena, norm);
	if (d->domain == NULL)
		return AL_ENOMEM;
	char org[AL_NAME_MAX];
	d->org = al_dmarc_psl_organizational_domain(norm, org) == AL_OK ? al_arena_strdup(&p->arena, org)
									   : d->domain;
	p->domain_count++;
	for (size_t i = 0; i < p->opt.selector_count; i++)
		add_selector(p, d, p->opt.selectors[i]);
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

static void ask_start(al_prop *p, ask *a, const char *name, uint16_t type, const al_dns_server *servers,
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

static void ask_release(ask *a)
{
	al_dns_reply_free(a->reply);
	a->reply = NULL;
}

/* Run the engine until every query is answered or the round's time is up. */
static void wait_all(al_prop *p)
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

/* ---- discovery ------------------------------------------------------------------- */

/* The owner of an SOA in the reply (answer or authority): the zone the name is in. */
static const char *reply_soa_owner(const al_dns_reply *r)
{
	if (r == NULL || r->outcome != AL_DNS_ANSWERED)
		return NULL;
	if (r->rcode != AL_DNS_RCODE_NOERROR && r->rcode != AL_DNS_RCODE_NXDOMAIN)
		return NULL;
	for (size_t i = 0; i < r->answer_count; i++)
		if (r->answer[i].type == AL_TYPE_SOA)
			return r->answer[i].owner;
	for (size_t i = 0; i < r->authority_count; i++)
		if (r->authority[i].type == AL_TYPE_SOA)
			return r->authority[i].owner;
	return NULL;
}

static const char *reply_failure(al_arena *arena, const al_dns_reply *r)
{
	char buf[16];
	if (r == NULL)
		return "no answer within the round's time limit";
	if (r->outcome != AL_DNS_ANSWERED)
		return al_arena_printf(arena, "%s", r->detail ? r->detail : al_dns_outcome_name(r->outcome));
	return al_arena_printf(arena, "%s from %s", al_dns_rcode_text(r->rcode, buf), r->server);
}

/* Find the zone of each job's name through the resolvers, then its NS set and addresses. */
static void discover_zones(al_prop *p, zjob *jobs, size_t count)
{
	if (count == 0)
		return;
	ask *asks = calloc(count, sizeof(*asks));
	if (asks == NULL) {
		for (size_t i = 0; i < count; i++)
			jobs[i].problem = issue(AL_PROP_ISSUE_ZONE_NOT_FOUND, jobs[i].name, "out of memory");
		return;
	}
	/* 1. the zone: the SOA owner in the answer to SOA <name> */
	for (size_t i = 0; i < count; i++)
		ask_start(p, &asks[i], jobs[i].name, AL_TYPE_SOA, p->resolvers, p->resolver_count, true);
	wait_all(p);
	for (size_t i = 0; i < count; i++) {
		const char *owner = reply_soa_owner(asks[i].reply);
		if (owner != NULL)
			jobs[i].apex = al_arena_strdup(&p->arena, owner);
		else
			jobs[i].problem = issue(AL_PROP_ISSUE_ZONE_NOT_FOUND, jobs[i].name,
						asks[i].reply && asks[i].reply->outcome == AL_DNS_ANSWERED &&
								asks[i].reply->rcode <= 3
							? "no SOA in the resolver's answer"
							: reply_failure(&p->arena, asks[i].reply));
		ask_release(&asks[i]);
	}
	/* 2. the NS set of each zone */
	for (size_t i = 0; i < count; i++)
		if (jobs[i].apex != NULL)
			ask_start(p, &asks[i], jobs[i].apex, AL_TYPE_NS, p->resolvers, p->resolver_count, true);
		else
			asks[i].used = false;
	wait_all(p);
	size_t total_ns = 0;
	for (size_t i = 0; i < count; i++) {
		if (!asks[i].used)
			continue;
		const al_dns_reply *r = asks[i].reply;
		if (r == NULL || r->outcome != AL_DNS_ANSWERED || r->rcode != AL_DNS_RCODE_NOERROR) {
			jobs[i].problem = issue(AL_PROP_ISSUE_NS_UNREADABLE, jobs[i].apex, reply_failure(&p->arena, r));
			ask_release(&asks[i]);
			continue;
		}
		for (size_t k = 0; k < r->answer_count && jobs[i].ns_count < MAX_NS_NAMES; k++) {
			const al_rr *rr = &r->answer[k];
			char target[AL_NAME_MAX];
			if (rr->type != AL_TYPE_NS || !al_name_equal(rr->owner, jobs[i].apex) ||
			    !al_wire_name_to_text(rr->rdata, rr->rdlength, 0, target, NULL))
				continue;
			bool dup = false;
			for (size_t j = 0; j < jobs[i].ns_count; j++)
				dup = dup || al_name_equal(jobs[i].ns[j], target);
			if (!dup)
				jobs[i].ns[jobs[i].ns_count++] = al_arena_strdup(&p->arena, target);
		}
		if (jobs[i].ns_count == 0)
			jobs[i].problem = issue(AL_PROP_ISSUE_NO_NS, jobs[i].apex, NULL);
		total_ns += jobs[i].ns_count;
		ask_release(&asks[i]);
	}
	free(asks);
	/* 3. every A and AAAA of every name server */
	ask *aa = calloc(total_ns * 2 + 1, sizeof(*aa));
	if (aa == NULL) {
		for (size_t i = 0; i < count; i++)
			jobs[i].problem = issue(AL_PROP_ISSUE_ZONE_NOT_FOUND, jobs[i].name, "out of memory");
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < count; i++)
		for (size_t j = 0; j < jobs[i].ns_count; j++) {
			ask_start(p, &aa[k++], jobs[i].ns[j], AL_TYPE_A, p->resolvers, p->resolver_count, true);
			ask_start(p, &aa[k++], jobs[i].ns[j], AL_TYPE_AAAA, p->resolvers, p->resolver_count, true);
		}
	wait_all(p);
	k = 0;
	for (size_t i = 0; i < count; i++) {
		for (size_t j = 0; j < jobs[i].ns_count; j++) {
			size_t found = 0;
			bool failed = false;
			for (int t = 0; t < 2; t++, k++) {
				const al_dns_reply *r = aa[k].reply;
				uint16_t type = t == 0 ? AL_TYPE_A : AL_TYPE_AAAA;
				if (r == NULL || r->outcome != AL_DNS_ANSWERED ||
				    (r->rcode != AL_DNS_RCODE_NOERROR && r->rcode != AL_DNS_RCODE_NXDOMAIN)) {
					failed = true;
					jobs[i].address_problem = issue(AL_PROP_ISSUE_ADDRESS_UNREADABLE, jobs[i].ns[j],
									reply_failure(&p->arena, r));
					ask_release(&aa[k]);
					continue;
				}
				for (size_t m = 0; m < r->answer_count && found < MAX_ADDRESSES_PER_NS; m++) {
					const al_rr *rr = &r->answer[m];
					if (rr->type != type ||
					    !grow((void **)&jobs[i].addresses, &jobs[i].address_capacity,
						  jobs[i].address_count + 1, sizeof(*jobs[i].addresses)))
						continue;
					zaddr *za = &jobs[i].addresses[jobs[i].address_count];
					memset(za, 0, sizeof(*za));
					if (type == AL_TYPE_A && rr->rdlength == 4) {
						struct sockaddr_in *in = (struct sockaddr_in *)&za->addr.addr;
						in->sin_family = AF_INET;
						in->sin_port = htons(53);
						memcpy(&in->sin_addr, rr->rdata, 4);
						za->addr.addr_length = sizeof(*in);
					} else if (type == AL_TYPE_AAAA && rr->rdlength == 16) {
						struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&za->addr.addr;
						in6->sin6_family = AF_INET6;
						in6->sin6_port = htons(53);
						memcpy(&in6->sin6_addr, rr->rdata, 16);
						za->addr.addr_length = sizeof(*in6);
					} else {
						continue;
					}
					za->ns = jobs[i].ns[j];
					jobs[i].address_count++;
					found++;
				}
				ask_release(&aa[k]);
			}
			if (found == 0 && !failed)
				jobs[i].address_problem = issue(AL_PROP_ISSUE_NO_ADDRESS, jobs[i].ns[j], NULL);
		}
	}
	free(aa);
}

static void zjobs_free(zjob *jobs, size_t count)
{
	for (size_t i = 0; jobs != NULL && i < count; i++)
		free(jobs[i].addresses);
	free(jobs);
}

static pserver *add_server(al_prop *p, pdomain *d, const char *name, const al_dns_server *addr,
			   al_prop_role role, const char *zone, bool manual)
{
	(void)p;
	for (size_t i = 0; i < d->server_count; i++) {
		pserver *s = &d->servers[i];
		if (s->role == role && al_dns_server_equal(&s->addr, addr) &&
		    (role == AL_PROP_RESOLVER || (s->zone && zone && al_name_equal(s->zone, zone))))
			return s; /* the same address twice (two NS names): asked once */
	}
	if (!grow((void **)&d->servers, &d->server_capacity, d->server_count + 1, sizeof(*d->servers)))
		return NULL;
	pserver *s = &d->servers[d->server_count++];
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->addr = *addr;
	s->role = role;
	s->zone = zone;
	s->manual = manual;
	s->order = d->server_count;
	const char *why = NULL;
	if (role == AL_PROP_AUTHORITATIVE && !routable(addr, &why)) {
		s->skipped = true;
		s->skip_reason = why;
	}
	return s;
}

/* Fill text of a server address built from an A/AAAA record. */
static void address_text(al_dns_server *s)
{
	/* INET6_ADDRSTRLEN (46) + brackets, colon and port fit in 64 */
	char buf[80];
	char host[INET6_ADDRSTRLEN] = "?";
	if (s->addr.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&s->addr;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(buf, sizeof(buf), "%s:%u", host, (unsigned)ntohs(in->sin_port));
	} else {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&s->addr;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(buf, sizeof(buf), "[%s]:%u", host, (unsigned)ntohs(in6->sin6_port));
	}
	memcpy(s->text, buf, sizeof(s->text));
	s->text[sizeof(s->text) - 1] = '\0';
}

/* The servers of a zone found by discovery, with the servers given by hand laid over them. */
static void add_zone_servers(al_prop *p, pdomain *d, const zjob *job, bool with_manual)
{
	size_t added = 0;
	for (size_t i = 0; i < job->address_count && added < p->max_servers; i++) {
		const zaddr *za = &job->addresses[i];
		bool replaced = false;
		for (size_t m = 0; with_manual && m < p->manual_count; m++)
			replaced = replaced || al_name_equal(p->manual[m].name, za->ns);
		if (replaced)
			continue;
		al_dns_server a = za->addr;
		address_text(&a);
		if (add_server(p, d, za->ns, &a, AL_PROP_AUTHORITATIVE, job->apex, false) != NULL)
			added++;
	}
	if (job->address_count > p->max_servers)
		add_problem(p, d, (al_prop_issue){.kind = AL_PROP_ISSUE_TOO_MANY_ADDRESSES, .name = job->apex,
						  .count = job->address_count, .limit = p->max_servers});
}

static void add_manual_servers(al_prop *p, pdomain *d)
{
	for (size_t m = 0; m < p->manual_count; m++)
		add_server(p, d, p->manual[m].name, &p->manual[m].addr, AL_PROP_AUTHORITATIVE, d->zone, true);
}

static void add_resolvers(al_prop *p, pdomain *d)
{
	for (size_t r = 0; r < p->resolver_count && (p->discover); r++)
		add_server(p, d, p->system_resolvers ? "resolver (system)" : "resolver", &p->resolvers[r],
			   AL_PROP_RESOLVER, NULL, false);
}

/* Servers given by hand only: ask each for SOA <domain> to learn the zone. */
static void find_zone_from_manual(al_prop *p, pdomain **ds, size_t count)
{
	size_t n = count * p->manual_count;
	ask *asks = calloc(n ? n : 1, sizeof(*asks));
	if (asks == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		for (size_t m = 0; m < p->manual_count; m++)
			ask_start(p, &asks[i * p->manual_count + m], ds[i]->domain, AL_TYPE_SOA, &p->manual[m].addr, 1,
				  false);
	wait_all(p);
	for (size_t i = 0; i < count; i++) {
		/* the owner most servers give, with AA */
		const char *best = NULL;
		size_t best_votes = 0;
		for (size_t m = 0; m < p->manual_count; m++) {
			const al_dns_reply *r = asks[i * p->manual_count + m].reply;
			const char *o = r != NULL && r->aa ? reply_soa_owner(r) : NULL;
			if (o == NULL)
				continue;
			size_t votes = 0;
			for (size_t k = 0; k < p->manual_count; k++) {
				const al_dns_reply *q = asks[i * p->manual_count + k].reply;
				const char *ok = q != NULL && q->aa ? reply_soa_owner(q) : NULL;
				if (ok != NULL && al_name_equal(ok, o))
					votes++;
			}
			if (votes > best_votes) {
				best = o;
				best_votes = votes;
			}
		}
		if (best != NULL)
			ds[i]->zone = al_arena_strdup(&p->arena, best);
		else
			add_problem(p, ds[i], issue(AL_PROP_ISSUE_NO_AUTHORITY, ds[i]->domain, NULL));
		for (size_t m = 0; m < p->manual_count; m++)
			ask_release(&asks[i * p->manual_count + m]);
	}
	free(asks);
}

/* Authoritative servers first, by name then address; then the resolvers in the order given. */
static int cmp_server(const void *pa, const void *pb)
{
	const pserver *a = pa, *b = pb;
	if (a->role != b->role)
		return a->role == AL_PROP_AUTHORITATIVE ? -1 : 1;
	if (a->role == AL_PROP_RESOLVER)
		return a->order < b->order ? -1 : a->order > b->order;
	int c = strcmp(a->name, b->name);
	return c != 0 ? c : strcmp(a->addr.text, b->addr.text);
}

static al_status discover_domains(al_prop *p)
{
	pdomain **todo = calloc(p->domain_count ? p->domain_count : 1, sizeof(*todo));
	if (todo == NULL)
		return AL_ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < p->domain_count; i++)
		if (!p->domains[i].discovered)
			todo[n++] = &p->domains[i];
	if (n == 0) {
		free(todo);
		return AL_OK;
	}
	if (!p->discover) {
		find_zone_from_manual(p, todo, n);
		for (size_t i = 0; i < n; i++) {
			add_manual_servers(p, todo[i]);
			todo[i]->discovered = true;
		}
		free(todo);
		return AL_OK;
	}
	zjob *jobs = calloc(n, sizeof(*jobs));
	if (jobs == NULL) {
		free(todo);
		return AL_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		jobs[i].name = todo[i]->domain;
	discover_zones(p, jobs, n);
	for (size_t i = 0; i < n; i++) {
		pdomain *d = todo[i];
		d->zone = jobs[i].apex;
		if (jobs[i].problem.kind != 0)
			add_problem(p, d, jobs[i].problem);
		if (jobs[i].address_problem.kind != 0)
			add_problem(p, d, jobs[i].address_problem);
		add_zone_servers(p, d, &jobs[i], true);
		add_manual_servers(p, d);
		add_resolvers(p, d);
		/* before any name is asked: the servers' indexes are the replies' */
		if (d->server_count > 1)
			qsort(d->servers, d->server_count, sizeof(*d->servers), cmp_server);
		d->discovered = true;
	}
	zjobs_free(jobs, n);
	free(todo);
	return AL_OK;
}

/* ---- the names ---------------------------------------------------------------- */

static pname *add_name(al_prop *p, round_state *rs, pdomain *d, const char *name, uint16_t type,
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
		add_problem(p, d, (al_prop_issue){.kind = AL_PROP_ISSUE_TOO_MANY_NAMES,
						  .name = al_arena_strdup(&p->arena, name), .limit = p->max_names});
		return NULL;
	}
	if (!grow((void **)&rs->names, &rs->name_capacity, rs->name_count + 1, sizeof(*rs->names)))
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

static bool start_name(al_prop *p, pname *n)
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
		ask_start(p, &n->asks[s], n->name, n->type, &sv->addr, 1, sv->role == AL_PROP_RESOLVER);
	}
	return true;
}

static void release_name(pname *n)
{
	for (size_t s = 0; n->asks != NULL && s < n->ask_count; s++)
		ask_release(&n->asks[s]);
	free(n->asks);
	n->asks = NULL;
}

/* Probe common selectors at the authoritative servers; keep those that exist anywhere. */
static void probe_selectors(al_prop *p, round_state *rs)
{
	size_t first = rs->name_count;
	for (size_t i = 0; i < p->domain_count; i++) {
		pdomain *d = &p->domains[i];
		if (d->probed)
			continue;
		d->probed = true;
		for (size_t k = 0; k < PROBE_COUNT; k++) {
			bool known = false;
			for (size_t s = 0; s < d->selector_count; s++)
				known = known || strcasecmp(d->selectors[s], common_selectors[k]) == 0;
			if (known)
				continue;
			char name[AL_NAME_MAX + 64];
			snprintf(name, sizeof(name), "%s._domainkey.%s", common_selectors[k], d->domain);
			pname *n = add_name(p, rs, d, name, AL_TYPE_TXT, "dkim", d->zone);
			if (n != NULL)
				n->selector = common_selectors[k];
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
			ask_start(p, &n->asks[s], n->name, n->type, &sv->addr, 1, sv->role == AL_PROP_RESOLVER);
		}
	}
	wait_all(p);
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
				add_selector(p, n->domain, n->selector);
				break;
			}
		}
		release_name(n);
	}
	rs->name_count = first;
}

/* The DMARC texts in a reply: TXT records starting with v=DMARC1. */
static void collect_destinations(al_prop *p, round_state *rs, pname *n)
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
					if (al_dmarc_psl_organizational_domain(norm, org) == AL_OK &&
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
					if (!grow((void **)&rs->reports, &rs->report_capacity, rs->report_count + 1,
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

static void ask_reports(al_prop *p, round_state *rs)
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
			add_note(p, d, issue(AL_PROP_ISSUE_OUTSIDE_SERVERS, r->name, d->zone ? d->zone : d->domain));
			continue;
		}
		job_of[i] = nj;
		jobs[nj++].name = r->name;
	}
	discover_zones(p, jobs, nj);
	for (size_t i = 0; i < rs->report_count; i++) {
		if (job_of[i] == SIZE_MAX)
			continue;
		preport *r = &rs->reports[i];
		pdomain *d = r->domain;
		zjob *j = &jobs[job_of[i]];
		if (grow((void **)&d->report_zones, &d->report_zone_capacity, d->report_zone_count + 1,
			 sizeof(*d->report_zones))) {
			d->report_zones[d->report_zone_count].name = al_arena_strdup(&p->arena, r->name);
			d->report_zones[d->report_zone_count].apex = j->apex;
			d->report_zone_count++;
		}
		if (j->problem.kind != 0)
			add_problem(p, d, j->problem);
		if (j->address_problem.kind != 0)
			add_problem(p, d, j->address_problem);
		if (j->apex != NULL)
			add_zone_servers(p, d, j, false);
	}
	zjobs_free(jobs, nj);
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
		add_name(p, rs, d, r->name, AL_TYPE_TXT, "report-auth", zone);
	}
	for (size_t i = first; i < rs->name_count; i++)
		start_name(p, &rs->names[i]);
	wait_all(p);
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
	al_status st = discover_domains(p);
	if (st != AL_OK)
		return st;

	int slot = p->rounds % 2;
	p->previous = NULL; /* its memory is used again now */
	al_arena_clear(&p->result_arena[slot]);
	round_state rs;
	memset(&rs, 0, sizeof(rs));
	rs.arena = &p->result_arena[slot];
	rs.started = started;

	if (p->opt.discover_selectors)
		probe_selectors(p, &rs);

	/* the names of every domain */
	for (size_t i = 0; i < p->domain_count; i++) {
		pdomain *d = &p->domains[i];
		char name[AL_NAME_MAX + 64];
		add_name(p, &rs, d, d->domain, AL_TYPE_TXT, "spf", d->zone);
		snprintf(name, sizeof(name), "_dmarc.%s", d->domain);
		char nn[AL_NAME_MAX];
		if (al_name_normalize(name, strlen(name), nn, NULL) == AL_OK)
			add_name(p, &rs, d, nn, AL_TYPE_TXT, "dmarc", d->zone);
		for (size_t s = 0; s < d->selector_count; s++) {
			snprintf(name, sizeof(name), "%s._domainkey.%s", d->selectors[s], d->domain);
			if (al_name_normalize(name, strlen(name), nn, NULL) == AL_OK)
				add_name(p, &rs, d, nn, AL_TYPE_TXT, "dkim", d->zone);
			else
				add_problem(p, d, issue(AL_PROP_ISSUE_BAD_SELECTOR, al_arena_strdup(&p->arena, name),
							d->selectors[s]));
		}
		add_name(p, &rs, d, d->zone ? d->zone : d->domain, AL_TYPE_SOA, "soa", d->zone);
	}
	for (size_t i = 0; i < rs.name_count; i++)
		start_name(p, &rs.names[i]);
	wait_all(p);
	/* report authorizations the DMARC records (any version served) need */
	for (size_t i = 0; i < rs.name_count; i++)
		if (strcmp(rs.names[i].purpose, "dmarc") == 0)
			collect_destinations(p, &rs, &rs.names[i]);
	if (rs.report_count > 0)
		ask_reports(p, &rs);

	p->rounds++;
	al_prop_result *res = NULL;
	st = al_prop_build_result(p, &rs, &res);
	for (size_t i = 0; i < rs.name_count; i++)
		release_name(&rs.names[i]);
	free(rs.names);
	free(rs.reports);
	if (st != AL_OK)
		return st;
	res->round = p->rounds;
	res->time = started;
	res->elapsed = now_s() - t0;
	res->queries = p->round_queries;
	res->summary.lookups = p->round_queries;
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

static bool all_settled(const al_prop_result *r)
{
	return r->verdict == AL_PROP_CONSISTENT && !r->incomplete;
}

al_status al_prop_watch(al_prop *p, const al_prop_watch_options *options, al_prop_round_fn fn,
			void *userdata)
{
	double interval = options && options->interval > 0 ? options->interval : 30.0;
	if (interval < 1)
		interval = 1;
	double until = options && options->until > 0 ? options->until : 600.0;
	if (until > 7 * 86400.0)
		until = 7 * 86400.0;
	unsigned max_rounds = options && options->max_rounds ? options->max_rounds
							     : (unsigned)fmin(until / interval + 1, 10000);
	if (max_rounds > 10000)
		max_rounds = 10000;
	double start = now_s();
	for (unsigned round = 0; round < max_rounds; round++) {
		double begun = now_s();
		al_status st = al_prop_run(p);
		if (st != AL_OK)
			return st;
		if (fn != NULL && !fn(userdata, p->current))
			return AL_OK;
		if (all_settled(p->current))
			return AL_OK;
		double next = begun + interval;
		if (next - start > until || round + 1 >= max_rounds)
			return AL_OK;
		for (unsigned guard = 0; guard < 100000; guard++) {
			double left = next - now_s();
			if (left <= 0)
				break;
			struct timespec ts;
			double chunk = left > 1.0 ? 1.0 : left;
			ts.tv_sec = (time_t)chunk;
			ts.tv_nsec = (long)((chunk - (double)ts.tv_sec) * 1e9);
			nanosleep(&ts, NULL);
		}
	}
	return AL_OK;
}
