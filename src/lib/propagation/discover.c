/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Propagation, server discovery: the zone cut of each domain (SOA walk), its
 * NS names and their addresses, or the servers given by hand, each marked
 * routable or not, in a stable order.
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
void al_propr_discover_zones(al_prop *p, zjob *jobs, size_t count)
{
	if (count == 0)
		return;
	ask *asks = calloc(count, sizeof(*asks));
	if (asks == NULL) {
		for (size_t i = 0; i < count; i++)
			jobs[i].problem = al_propr_issue(AL_PROP_ISSUE_ZONE_NOT_FOUND, jobs[i].name, "out of memory");
		return;
	}
	/* 1. the zone: the SOA owner in the answer to SOA <name> */
	for (size_t i = 0; i < count; i++)
		al_propr_ask_start(p, &asks[i], jobs[i].name, AL_TYPE_SOA, p->resolvers, p->resolver_count, true);
	al_propr_wait_all(p);
	for (size_t i = 0; i < count; i++) {
		const char *owner = reply_soa_owner(asks[i].reply);
		if (owner != NULL)
			jobs[i].apex = al_arena_strdup(&p->arena, owner);
		else
			jobs[i].problem = al_propr_issue(AL_PROP_ISSUE_ZONE_NOT_FOUND, jobs[i].name,
						asks[i].reply && asks[i].reply->outcome == AL_DNS_ANSWERED &&
								asks[i].reply->rcode <= 3
							? "no SOA in the resolver's answer"
							: reply_failure(&p->arena, asks[i].reply));
		al_propr_ask_release(&asks[i]);
	}
	/* 2. the NS set of each zone */
	for (size_t i = 0; i < count; i++)
		if (jobs[i].apex != NULL)
			al_propr_ask_start(p, &asks[i], jobs[i].apex, AL_TYPE_NS, p->resolvers, p->resolver_count, true);
		else
			asks[i].used = false;
	al_propr_wait_all(p);
	size_t total_ns = 0;
	for (size_t i = 0; i < count; i++) {
		if (!asks[i].used)
			continue;
		const al_dns_reply *r = asks[i].reply;
		if (r == NULL || r->outcome != AL_DNS_ANSWERED || r->rcode != AL_DNS_RCODE_NOERROR) {
			jobs[i].problem = al_propr_issue(AL_PROP_ISSUE_NS_UNREADABLE, jobs[i].apex, reply_failure(&p->arena, r));
			al_propr_ask_release(&asks[i]);
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
			jobs[i].problem = al_propr_issue(AL_PROP_ISSUE_NO_NS, jobs[i].apex, NULL);
		total_ns += jobs[i].ns_count;
		al_propr_ask_release(&asks[i]);
	}
	free(asks);
	/* 3. every A and AAAA of every name server */
	ask *aa = calloc(total_ns * 2 + 1, sizeof(*aa));
	if (aa == NULL) {
		for (size_t i = 0; i < count; i++)
			jobs[i].problem = al_propr_issue(AL_PROP_ISSUE_ZONE_NOT_FOUND, jobs[i].name, "out of memory");
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < count; i++)
		for (size_t j = 0; j < jobs[i].ns_count; j++) {
			al_propr_ask_start(p, &aa[k++], jobs[i].ns[j], AL_TYPE_A, p->resolvers, p->resolver_count, true);
			al_propr_ask_start(p, &aa[k++], jobs[i].ns[j], AL_TYPE_AAAA, p->resolvers, p->resolver_count, true);
		}
	al_propr_wait_all(p);
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
					jobs[i].address_problem = al_propr_issue(AL_PROP_ISSUE_ADDRESS_UNREADABLE, jobs[i].ns[j],
									reply_failure(&p->arena, r));
					al_propr_ask_release(&aa[k]);
					continue;
				}
				for (size_t m = 0; m < r->answer_count && found < MAX_ADDRESSES_PER_NS; m++) {
					const al_rr *rr = &r->answer[m];
					if (rr->type != type ||
					    !al_grow((void **)&jobs[i].addresses, &jobs[i].address_capacity,
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
				al_propr_ask_release(&aa[k]);
			}
			if (found == 0 && !failed)
				jobs[i].address_problem = al_propr_issue(AL_PROP_ISSUE_NO_ADDRESS, jobs[i].ns[j], NULL);
		}
	}
	free(aa);
}

void al_propr_zjobs_free(zjob *jobs, size_t count)
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
	if (!al_grow((void **)&d->servers, &d->server_capacity, d->server_count + 1, sizeof(*d->servers)))
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
	if (role == AL_PROP_AUTHORITATIVE && !al_propr_routable(addr, &why)) {
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
void al_propr_add_zone_servers(al_prop *p, pdomain *d, const zjob *job, bool with_manual)
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
		al_propr_add_problem(p, d, (al_prop_issue){.kind = AL_PROP_ISSUE_TOO_MANY_ADDRESSES, .name = job->apex,
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
			al_propr_ask_start(p, &asks[i * p->manual_count + m], ds[i]->domain, AL_TYPE_SOA, &p->manual[m].addr, 1,
				  false);
	al_propr_wait_all(p);
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
			al_propr_add_problem(p, ds[i], al_propr_issue(AL_PROP_ISSUE_NO_AUTHORITY, ds[i]->domain, NULL));
		for (size_t m = 0; m < p->manual_count; m++)
			al_propr_ask_release(&asks[i * p->manual_count + m]);
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

al_status al_propr_discover_domains(al_prop *p)
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
	al_propr_discover_zones(p, jobs, n);
	for (size_t i = 0; i < n; i++) {
		pdomain *d = todo[i];
		d->zone = jobs[i].apex;
		if (jobs[i].problem.kind != 0)
			al_propr_add_problem(p, d, jobs[i].problem);
		if (jobs[i].address_problem.kind != 0)
			al_propr_add_problem(p, d, jobs[i].address_problem);
		al_propr_add_zone_servers(p, d, &jobs[i], true);
		add_manual_servers(p, d);
		add_resolvers(p, d);
		/* before any name is asked: the servers' indexes are the replies' */
		if (d->server_count > 1)
			qsort(d->servers, d->server_count, sizeof(*d->servers), cmp_server);
		d->discovered = true;
	}
	al_propr_zjobs_free(jobs, n);
	free(todo);
	return AL_OK;
}

