/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * From the replies of a round to a result: each reply normalised, servers
 * grouped by answer, verdicts, serials, settle times, the --expect comparison,
 * and the findings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "propagation/run_internal.h"

static const char *not_asked_reason(const pserver *s, const pname *n, size_t index)
{
	if (s->skipped)
		return s->skip_reason;
	if (index >= n->ask_count)
		return "not a server of the name's zone";
	return "not a server of the name's zone";
}

/* Expected answer of a name from the --expect zone file. */
static void expect_name(al_prop *p, al_arena *arena, al_prop_name *out, const pname *n)
{
	out->expect_answer = -1;
	if (p->expect == NULL || !al_source_covers(p->expect, n->name))
		return;
	const al_answer *a = NULL;
	if (al_source_lookup(p->expect, n->name, n->type, &a) != AL_OK || a == NULL)
		return;
	al_prop_norm norm;
	if (al_rcode_failed(a->rcode) ||
	    al_prop_normalize_answer(arena, n->name, n->type, n->zone, a, &norm) != AL_OK ||
	    norm.key == NULL) {
		al_source_release(p->expect, a);
		return;
	}
	out->expect_known = true;
	if (norm.status == AL_PROP_NXDOMAIN) {
		out->expect_text = "NXDOMAIN";
	} else if (norm.status == AL_PROP_NODATA) {
		out->expect_text = "NODATA";
	} else {
		al_strbuf sb = AL_STRBUF_INIT;
		for (size_t i = 0; i < norm.record_count; i++) {
			if (i > 0)
				al_strbuf_putc(&sb, '\n');
			al_strbuf_puts(&sb, norm.records[i]);
		}
		out->expect_text = al_arena_strndup(arena, al_strbuf_cstr(&sb), sb.length);
		al_strbuf_free(&sb);
	}
	if (a->count > 0) {
		out->expect_location = a->rrs[0].location;
		out->expect_location.file = al_arena_strdup(arena, a->rrs[0].location.file
									? a->rrs[0].location.file
									: "");
		out->expect_location.server = NULL;
	}
	for (size_t i = 0; i < out->answer_count; i++) {
		al_prop_answer *ans = (al_prop_answer *)&out->answers[i];
		if (ans->status == norm.status && strcmp(ans->key, norm.key) == 0) {
			ans->expected = true;
			out->expect_answer = (int)i;
		}
	}
	al_source_release(p->expect, a);
}

/* Negative TTL of the zone from the authoritative servers' SOA answers (the longest). */
static bool zone_negative_ttl(const pdomain *d, const pname *soa, uint32_t *ttl)
{
	bool known = false;
	*ttl = 0;
	for (size_t s = 0; soa != NULL && s < soa->ask_count && s < d->server_count; s++) {
		const al_dns_reply *r = soa->asks[s].reply;
		if (d->servers[s].role != AL_PROP_AUTHORITATIVE || r == NULL || r->outcome != AL_DNS_ANSWERED ||
		    !r->aa)
			continue;
		for (size_t k = 0; k < r->answer_count; k++) {
			uint32_t t;
			if (r->answer[k].type == AL_TYPE_SOA && al_prop_soa_negative_ttl(&r->answer[k], &t)) {
				if (!known || t > *ttl)
					*ttl = t;
				known = true;
			}
		}
	}
	return known;
}

static al_status build_name(al_prop *p, al_arena *arena, int64_t started, const pdomain *d, const pname *n,
			    bool neg_known, uint32_t neg_ttl, al_prop_name *out, al_prop_norm **norms_out)
{
	size_t count = d->server_count;
	memset(out, 0, sizeof(*out));
	out->name = n->name;
	out->type = n->type;
	out->purpose = n->purpose;
	out->zone = n->zone;
	out->authoritative_answer = -1;
	out->expect_answer = -1;
	al_prop_reply *replies = al_arena_calloc(arena, count ? count : 1, sizeof(*replies));
	al_prop_norm *norms = al_arena_calloc(arena, count ? count : 1, sizeof(*norms));
	al_prop_item *items = calloc(count ? count : 1, sizeof(*items));
	int *assign = calloc(count ? count : 1, sizeof(*assign));
	al_prop_group *groups = calloc(count ? count : 1, sizeof(*groups));
	al_status st = AL_OK;
	if (replies == NULL || norms == NULL || items == NULL || assign == NULL || groups == NULL) {
		st = AL_ENOMEM;
		goto done;
	}
	for (size_t s = 0; s < count; s++) {
		const pserver *sv = &d->servers[s];
		al_prop_reply *r = &replies[s];
		al_prop_norm *nm = &norms[s];
		r->server = s;
		r->answer = -1;
		items[s].role = sv->role;
		const ask *a = s < n->ask_count ? &n->asks[s] : NULL;
		if (a == NULL || !a->used) {
			nm->status = AL_PROP_NOT_ASKED;
			nm->detail = not_asked_reason(sv, n, s);
		} else if (!a->done) {
			nm->status = AL_PROP_FAILED;
			nm->detail = "no answer within the round's time limit";
		} else if (a->start_failed) {
			nm->status = AL_PROP_FAILED;
			nm->detail = "the query could not be sent";
		} else {
			const char *zone = n->zone;
			if ((st = al_prop_normalize_reply(arena, sv->role, n->name, n->type, zone, a->reply, nm)) != AL_OK)
				goto done;
			const al_dns_reply *dr = a->reply;
			if (dr != NULL) {
				r->rcode = dr->rcode;
				r->aa = dr->aa;
				r->tcp = dr->tcp;
				r->truncated = dr->truncated_udp || dr->outcome == AL_DNS_TRUNCATED;
				r->elapsed = dr->elapsed;
			}
		}
		r->status = nm->status;
		r->detail = nm->detail;
		r->ttl_known = nm->ttl_known;
		r->ttl = nm->ttl;
		items[s].status = nm->status;
		items[s].key = nm->key;
		items[s].ttl_known = nm->ttl_known;
		items[s].ttl = nm->ttl;
	}
	size_t ng = al_prop_group_items(items, count, assign, groups);
	al_prop_answer *answers = al_arena_calloc(arena, ng ? ng : 1, sizeof(*answers));
	if (answers == NULL) {
		st = AL_ENOMEM;
		goto done;
	}
	for (size_t g = 0; g < ng; g++) {
		const al_prop_norm *first = &norms[groups[g].first];
		al_prop_answer *ans = &answers[g];
		ans->label = g < 26 ? (char)('A' + g) : '?';
		ans->status = groups[g].status;
		ans->records = first->records;
		ans->record_count = first->record_count;
		ans->key = groups[g].key;
		ans->authoritative = groups[g].authoritative;
		ans->resolvers = groups[g].resolvers;
		ans->ttl_min = groups[g].ttl_min;
		ans->ttl_max = groups[g].ttl_max;
		ans->has_serial = first->has_serial;
		ans->serial = first->serial;
	}
	for (size_t s = 0; s < count; s++)
		replies[s].answer = assign[s];
	out->replies = replies;
	out->reply_count = count;
	out->answers = answers;
	out->answer_count = ng;
	out->verdict = al_prop_decide(items, count, assign, &out->authoritative_answer, &out->incomplete);
	al_prop_settle settle;
	al_prop_settle_compute(items, count, assign, out->verdict, out->authoritative_answer, neg_known, neg_ttl,
			       &settle);
	out->created = settle.created;
	out->settled = settle.settled;
	out->settle_known = settle.known;
	out->settle_in = settle.in;
	out->after_update = settle.after_update;
	if (settle.known)
		out->settle_at = started + (int64_t)settle.in;
	expect_name(p, arena, out, n);
	*norms_out = norms;
done:
	free(items);
	free(assign);
	free(groups);
	return st;
}

/* Serials of the zone from the SOA name; fills the servers' serial state. */
static void serials(al_prop_domain *dom, al_prop_server *servers, const al_prop_name *soa, const al_prop_norm *norms)
{
	if (soa == NULL)
		return;
	size_t count = soa->reply_count;
	uint32_t *list = calloc(count ? count : 1, sizeof(*list));
	if (list == NULL)
		return;
	size_t n = 0;
	for (size_t s = 0; s < count; s++)
		if (servers[s].role == AL_PROP_AUTHORITATIVE && norms[s].status == AL_PROP_ANSWER && norms[s].has_serial)
			list[n++] = norms[s].serial;
	uint32_t newest = 0;
	bool ordered = n > 0 && al_prop_serial_newest(list, n, &newest);
	free(list);
	dom->serial_known = ordered;
	dom->newest_serial = newest;
	dom->serials_unordered = n > 0 && !ordered;
	for (size_t s = 0; s < count; s++) {
		if (norms[s].status != AL_PROP_ANSWER || !norms[s].has_serial)
			continue;
		al_prop_server *sv = &servers[s];
		sv->serial = norms[s].serial;
		if (!ordered) {
			sv->serial_state = AL_PROP_SERIAL_UNORDERED;
			continue;
		}
		switch (al_prop_serial_compare(sv->serial, newest)) {
		case AL_SERIAL_EQUAL:
			sv->serial_state = AL_PROP_SERIAL_NEWEST;
			break;
		case AL_SERIAL_LESS:
			sv->serial_state = AL_PROP_SERIAL_BEHIND;
			sv->behind_by = al_prop_serial_distance(newest, sv->serial);
			break;
		default:
			/* a resolver's serial beyond every authoritative server's */
			sv->serial_state = AL_PROP_SERIAL_UNORDERED;
			break;
		}
	}
}

/* An NS name all of whose addresses were skipped was not asked at all. */
static bool server_name_unasked(const pdomain *d, size_t index)
{
	const pserver *s = &d->servers[index];
	if (!s->skipped || s->role != AL_PROP_AUTHORITATIVE)
		return false;
	for (size_t i = 0; i < d->server_count; i++)
		if (!d->servers[i].skipped && d->servers[i].role == AL_PROP_AUTHORITATIVE &&
		    strcmp(d->servers[i].name, s->name) == 0)
			return false;
	return true;
}

static al_status build_domain(al_prop *p, al_arena *arena, round_state *rs, const pdomain *d, al_prop_domain *out,
			      size_t *failed)
{
	memset(out, 0, sizeof(*out));
	out->domain = d->domain;
	out->zone = d->zone;
	size_t ns = d->server_count;
	al_prop_server *servers = al_arena_calloc(arena, ns ? ns : 1, sizeof(*servers));
	if (servers == NULL)
		return AL_ENOMEM;
	for (size_t s = 0; s < ns; s++) {
		const pserver *src = &d->servers[s];
		servers[s].name = src->name;
		servers[s].address = al_arena_strdup(arena, src->addr.text);
		servers[s].role = src->role;
		servers[s].zone = src->zone;
		servers[s].manual = src->manual;
		servers[s].skipped = src->skipped;
		servers[s].skip_reason = src->skip_reason;
		if (server_name_unasked(d, s))
			out->incomplete = true;
	}
	size_t nn = 0;
	for (size_t i = 0; i < rs->name_count; i++)
		nn += rs->names[i].domain == d;
	al_prop_name *names = al_arena_calloc(arena, nn ? nn : 1, sizeof(*names));
	al_prop_norm **norms = calloc(nn ? nn : 1, sizeof(*norms));
	if (names == NULL || norms == NULL) {
		free(norms);
		return AL_ENOMEM;
	}
	const pname *soa = NULL;
	for (size_t i = 0; i < rs->name_count; i++)
		if (rs->names[i].domain == d && strcmp(rs->names[i].purpose, "soa") == 0)
			soa = &rs->names[i];
	uint32_t neg_ttl = 0;
	bool neg_known = zone_negative_ttl(d, soa, &neg_ttl);
	size_t k = 0;
	const al_prop_name *soa_result = NULL;
	const al_prop_norm *soa_norms = NULL;
	out->verdict = AL_PROP_CONSISTENT;
	out->settle_known = true;
	for (size_t i = 0; i < rs->name_count; i++) {
		const pname *n = &rs->names[i];
		if (n->domain != d)
			continue;
		al_status st = build_name(p, arena, rs->started, d, n, neg_known, neg_ttl, &names[k], &norms[k]);
		if (st != AL_OK) {
			free(norms);
			return st;
		}
		al_prop_name *nm = &names[k];
		if (n == soa) {
			soa_result = nm;
			soa_norms = norms[k];
		}
		out->verdict = al_prop_verdict_worse(out->verdict, nm->verdict);
		out->incomplete = out->incomplete || nm->incomplete;
		if (!nm->settle_known)
			out->settle_known = false;
		else if (nm->settle_in > out->settle_in)
			out->settle_in = nm->settle_in;
		for (size_t s = 0; s < nm->reply_count; s++) {
			const al_prop_reply *r = &nm->replies[s];
			if (r->status == AL_PROP_LAME && !servers[s].lame) {
				servers[s].lame = true;
				if (servers[s].problem == NULL)
					servers[s].problem = r->detail;
			}
			if (r->status == AL_PROP_FAILED && !servers[s].failed) {
				servers[s].failed = true;
				if (servers[s].problem == NULL)
					servers[s].problem = r->detail;
			}
			if (r->status == AL_PROP_LAME || r->status == AL_PROP_FAILED)
				(*failed)++;
		}
		k++;
	}
	serials(out, servers, soa_result, soa_norms);
	free(norms);
	out->servers = servers;
	out->server_count = ns;
	out->names = names;
	out->name_count = nn;
	out->problems = d->problems;
	out->problem_count = d->problem_count;
	out->notes = d->notes;
	out->note_count = d->note_count;
	out->problem_items = d->problem_items;
	out->note_items = d->note_items;
	if (d->problem_count > 0)
		out->incomplete = true;
	if (nn == 0)
		out->verdict = AL_PROP_UNKNOWN;
	if (out->settle_known)
		out->settle_at = rs->started + (int64_t)out->settle_in;
	return AL_OK;
}

al_status al_prop_build_result(al_prop *p, round_state *rs, al_prop_result **out)
{
	*out = NULL;
	al_arena *arena = rs->arena;
	al_prop_result *res = al_arena_calloc(arena, 1, sizeof(*res));
	al_prop_domain *domains = al_arena_calloc(arena, p->domain_count ? p->domain_count : 1, sizeof(*domains));
	if (res == NULL || domains == NULL)
		return AL_ENOMEM;
	res->verdict = AL_PROP_CONSISTENT;
	for (size_t i = 0; i < p->domain_count; i++) {
		al_status st = build_domain(p, arena, rs, &p->domains[i], &domains[i], &res->failed);
		if (st != AL_OK)
			return st;
		res->verdict = al_prop_verdict_worse(res->verdict, domains[i].verdict);
		res->incomplete = res->incomplete || domains[i].incomplete;
	}
	/* the settle time as a time: from the start of the round */
	res->domains = domains;
	res->domain_count = p->domain_count;
	if (p->out_of_time)
		res->incomplete = true;
	al_status st = al_prop_findings(res, rs->findings, p->opt.rules, p->opt.config);
	if (st != AL_OK)
		return st;
	*out = res;
	return AL_OK;
}

int al_prop_exit_code(const al_prop_result *r)
{
	if (r == NULL)
		return 2;
	for (size_t i = 0; i < r->domain_count; i++)
		for (size_t k = 0; k < r->domains[i].name_count; k++) {
			al_prop_verdict v = r->domains[i].names[k].verdict;
			if (v == AL_PROP_INCONSISTENT || v == AL_PROP_PROPAGATING)
				return 1;
		}
	if (r->incomplete || r->verdict == AL_PROP_UNKNOWN)
		return 2;
	return 0;
}
