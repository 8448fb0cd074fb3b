/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The live source: questions to recursive resolvers through the query engine,
 * answers kept in a cache shared by every domain of a run.
 *
 * A cache entry is one (name, type): pending while its query is out, then
 * done with the answer at that name (the RRset of the type, or the CNAME the
 * front end follows; names further down a CNAME chain in the same response
 * become entries of their own). Entries live until their TTL (negative TTL
 * from the SOA for NXDOMAIN and NODATA, a short failure TTL for timeouts and
 * SERVFAIL) and while anyone uses them: answers handed out are counted
 * (refs), and a domain in flight pins what it looked at. Entries nobody uses
 * sit in an LRU list, trimmed to the configured memory.
 *
 * The LRU list has two segments (a segmented LRU): an entry only one domain
 * has used so far (its own TXT, MX and _dmarc: most of a bulk run's entries)
 * waits in the probation list, at most 1/32 of the memory (2 MiB of the
 * default 64, some 5,000 entries); one that a second domain took is kept in
 * the main list. So the answers domains share (SPF includes, report
 * destinations, MX hosts) stay as long as before, and the memory of the
 * others is used again instead of growing the process to the whole cache
 * size, which cost a page fault per 4 KiB and, on glibc, an mprotect(2) per
 * page a thread's arena grows by (10,000 synthetic domains: 2 more queries
 * of 52,092, 8,716 page faults down to 2,953, peak RSS 39 to 19 MiB).
 */
#include <authlint/live.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/live_internal.h"
#include "dns/query.h"
#include "dns/wire.h"
#include "util/clock.h"
#include "util/grow.h"
#include "util/hash.h"
#include "dns/live_cache.h"

/* ---- entries ------------------------------------------------------------------- */

/* "TYPE/name", the cache key (built by hand: it is made for every lookup). */
bool al_livec_make_key(char *key, size_t size, const char *name, uint16_t type)
{
	char digits[8];
	size_t n = 0;
	unsigned t = type;
	do {
		digits[n++] = (char)('0' + t % 10);
		t /= 10;
	} while (t > 0);
	size_t len = strlen(name);
	if (n + 1 + len + 1 > size)
		return false;
	for (size_t i = 0; i < n; i++)
		key[i] = digits[n - 1 - i];
	key[n] = '/';
	memcpy(key + n + 1, name, len + 1);
	return true;
}

live_entry *al_livec_entry_new(al_live *l, const char *name, uint16_t type)
{
	char key[AL_NAME_MAX + 8];
	if (!al_livec_make_key(key, sizeof(key), name, type))
		return NULL;
	size_t kl = strlen(key);
	live_entry *e = calloc(1, sizeof(*e) + kl + 1);
	if (e == NULL)
		return NULL;
	memcpy(e->key, key, kl + 1);
	e->live = l;
	e->answer.rcode = AL_RCODE_PENDING;
	e->answer.qname = strchr(e->key, '/') + 1;
	e->answer.name = e->answer.qname;
	e->answer.qtype = type;
	e->answer.server = l->description;
	e->bytes = sizeof(*e) + kl + 1 + 48; /* + a map slot, roughly */
	l->entries++;
	l->bytes += e->bytes;
	return e;
}

static void data_free(live_entry *e)
{
	if (e->data_is_reply)
		al_dns_reply_free(e->data);
	else
		free(e->data);
	e->data = NULL;
	e->data_is_reply = false;
}

void al_livec_entry_free(al_live *l, live_entry *e)
{
	l->entries--;
	l->bytes -= e->bytes;
	free(e->waiters);
	data_free(e);
	free(e);
}

static void lru_unlink(al_live *l, live_entry *e)
{
	if (!e->in_lru)
		return;
	live_entry **head = e->in_probation ? &l->probation_head : &l->lru_head;
	live_entry **tail = e->in_probation ? &l->probation_tail : &l->lru_tail;
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		*head = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	else
		*tail = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
	e->in_lru = false;
	l->lru_bytes -= e->bytes;
	if (e->in_probation)
		l->probation_bytes -= e->bytes;
	e->in_probation = false;
}

/* One more domain took the entry. */
static void count_use(live_entry *e)
{
	if (e->uses < 255)
		e->uses++;
}

/* Take an entry out of the map and free it (it must be idle). */
static void entry_drop(al_live *l, live_entry *e)
{
	lru_unlink(l, e);
	if (!e->detached && al_map_get(&l->map, e->key) == e)
		al_map_remove(&l->map, e->key);
	al_livec_entry_free(l, e);
}

/* Nobody uses the entry any more: keep it in the LRU list, or free it. */
void al_livec_entry_idle(al_live *l, live_entry *e)
{
	if (e->is_static || e->refs > 0 || e->pins > 0 || e->state != E_DONE)
		return;
	if (e->detached) {
		al_livec_entry_free(l, e);
		return;
	}
	if (!e->in_lru) {
		bool probation = e->uses <= 1;
		live_entry **head = probation ? &l->probation_head : &l->lru_head;
		live_entry **tail = probation ? &l->probation_tail : &l->lru_tail;
		e->lru_prev = NULL;
		e->lru_next = *head;
		if (*head)
			(*head)->lru_prev = e;
		*head = e;
		if (*tail == NULL)
			*tail = e;
		e->in_lru = true;
		e->in_probation = probation;
		l->lru_bytes += e->bytes;
		if (probation)
			l->probation_bytes += e->bytes;
	}
	/* over the memory: the probation list's oldest first; the probation
	 * list on its own past its share */
	size_t probation_max = l->options.cache_bytes / 32;
	for (size_t guard = 0; guard < 1000000; guard++) {
		live_entry *old = NULL;
		if (l->probation_tail != NULL &&
		    (l->lru_bytes > l->options.cache_bytes || l->probation_bytes > probation_max))
			old = l->probation_tail;
		else if (l->lru_bytes > l->options.cache_bytes)
			old = l->lru_tail;
		if (old == NULL)
			break;
		entry_drop(l, old);
		l->stats.evicted++;
	}
}

/* The answer is in: the entry's fields but its data. */
static void entry_done(al_live *l, live_entry *e, al_rcode rcode, const al_rr *rrs, size_t count, uint32_t ttl,
		       bool negative_known, const char *server, const char *detail, size_t message_size,
		       bool truncated)
{
	al_answer *a = &e->answer;
	a->rcode = rcode;
	a->count = count;
	a->rrs = count ? rrs : NULL;
	a->ttl = ttl;
	a->negative_ttl_known = negative_known;
	a->server = server;
	a->detail = detail;
	a->message_size = message_size;
	a->truncated = truncated;
	e->state = E_DONE;
	uint32_t keep = ttl < l->options.max_ttl ? ttl : l->options.max_ttl;
	e->expires = al_clock_now() + keep;
}

/* Store what the entry answers: rcode, the RRs (copied), TTL, where from
 * (@p server must live as long as the al_live: a resolver's text). */
bool al_livec_entry_set(al_live *l, live_entry *e, al_rcode rcode, const al_rr *const *rrs, size_t count,
		      uint32_t ttl, bool negative_known, const char *server, const char *detail,
		      size_t message_size, bool truncated)
{
	size_t size = count * sizeof(al_rr);
	for (size_t i = 0; i < count; i++)
		size += strlen(rrs[i]->owner) + 1 + rrs[i]->rdlength;
	size_t dl = detail ? strlen(detail) + 1 : 0;
	size += dl;
	/* nothing to keep (NXDOMAIN, NODATA): no block */
	char *block = size > 0 ? malloc(size) : NULL;
	if (block == NULL && size > 0)
		return false;
	al_rr *out = (al_rr *)block;
	char *p = block != NULL ? block + count * sizeof(al_rr) : NULL;
	const char *srv = server;
	const char *det = NULL;
	if (detail != NULL) {
		memcpy(p, detail, dl);
		det = p;
		p += dl;
	}
	for (size_t i = 0; i < count; i++) {
		out[i] = *rrs[i];
		size_t ol = strlen(rrs[i]->owner) + 1;
		memcpy(p, rrs[i]->owner, ol);
		out[i].owner = p;
		p += ol;
		if (rrs[i]->rdlength > 0)
			memcpy(p, rrs[i]->rdata, rrs[i]->rdlength);
		out[i].rdata = (const uint8_t *)p;
		p += rrs[i]->rdlength;
		out[i].location.server = srv;
		out[i].location.file = NULL;
		out[i].comment = NULL;
	}
	data_free(e);
	e->data = block;
	l->bytes += size;
	e->bytes += size;
	entry_done(l, e, rcode, out, count, ttl, negative_known, srv, det, message_size, truncated);
	return true;
}

/* The RRs stay where the reply has them (owners and RDATA in its one
 * allocation): the copy of every answer a second time is saved. The reply's
 * RRs are given the same location as a copy would have. */
void al_livec_entry_adopt(al_live *l, live_entry *e, al_dns_reply *reply, size_t first, size_t count,
			  uint32_t ttl, const char *server)
{
	al_rr *rrs = (al_rr *)reply->answer + first; /* the reply is the entry's now */
	for (size_t i = 0; i < count; i++) {
		rrs[i].location.server = server;
		rrs[i].location.file = NULL;
		rrs[i].comment = NULL;
	}
	/* roughly what the reply holds: its RRs, their text (the message's size) */
	size_t size = sizeof(*reply) + reply->message_size +
		      (reply->answer_count + reply->authority_count + reply->additional_count) * sizeof(al_rr);
	data_free(e);
	e->data = reply;
	e->data_is_reply = true;
	l->bytes += size;
	e->bytes += size;
	entry_done(l, e, AL_RCODE_NOERROR, rrs, count, ttl, false, server, NULL, reply->message_size,
		   reply->truncated_udp);
}

/* ---- the source ------------------------------------------------------------------ */

bool al_livec_pinned_by(const al_live_waiter *w, const live_entry *e)
{
	for (size_t i = w->pin_count; i-- > 0;)
		if (w->pins[i] == e)
			return true;
	return false;
}

bool al_livec_pin(al_live_waiter *w, live_entry *e)
{
	if (!AL_GROW_ONE(w->pins, w->pin_count, w->pin_capacity))
		return false;
	w->pins[w->pin_count++] = e;
	e->pins++;
	count_use(e);
	lru_unlink(e->live, e);
	return true;
}

bool al_livec_add_waiter(live_entry *e, al_live_waiter *w)
{
	if (!AL_GROW_ONE(e->waiters, e->waiter_count, e->waiter_capacity))
		return false;
	e->waiters[e->waiter_count++] = w;
	w->outstanding++;
	return true;
}

bool al_livec_send_question(al_live *l, live_entry *e)
{
	al_dns_request req;
	memset(&req, 0, sizeof(req));
	req.name = e->answer.qname;
	req.type = e->answer.qtype;
	req.servers = l->servers;
	req.server_count = l->server_count;
	req.recursion_desired = !l->options.no_recursion;
	req.failover_on_rcode = true;
	if (al_dns_query(l->engine, &req, al_livec_on_reply, e) != AL_OK)
		return false;
	l->stats.queries++;
	return true;
}

static const al_answer *hand_out(live_entry *e)
{
	e->refs++;
	lru_unlink(e->live, e);
	return &e->answer;
}

static al_status live_lookup(void *impl, const char *name, uint16_t type, const al_answer **out)
{
	al_live *l = impl;
	al_live_waiter *w = l->waiter;
	char key[AL_NAME_MAX + 8];
	if (!al_livec_make_key(key, sizeof(key), name, type))
		return AL_EINVAL;
	live_entry *e = al_map_get(&l->map, key);
	bool mine = e != NULL && w != NULL && al_livec_pinned_by(w, e);
	if (e != NULL && e->state == E_DONE && !mine && e->expires <= al_clock_now()) {
		/* expired: ask again (a domain still holding the old answer keeps it) */
		if (e->refs == 0 && e->pins == 0) {
			entry_drop(l, e);
		} else {
			al_map_remove(&l->map, e->key);
			e->detached = true;
			lru_unlink(l, e);
		}
		e = NULL;
	}
	/* a question of the running pass, counted once per pass (entries asked
	 * before in it carry its stamp) */
	bool in_pass = w != NULL && w == l->pass_waiter;
	bool counted = in_pass && e != NULL && e->pass_stamp == l->pass_serial;
	if (w != NULL && !mine && w->expired && (e == NULL || e->state != E_DONE)) {
		*out = hand_out(l->expired_entry);
		return AL_OK;
	}
	/* the budget: a pass's distinct questions, where the result is cut the
	 * same on every run; and what goes to the wire for the domain, its passes
	 * thrown away and what was asked ahead included, at most twice that */
	if (w != NULL && !counted && w->max_questions > 0 &&
	    (in_pass ? w->pass_questions >= w->max_questions ||
			       (!mine && w->pin_count >= AL_LIVE_WIRE_FACTOR * w->max_questions)
		     : w->pin_count >= w->max_questions)) {
		if (in_pass)
			w->questions_exhausted = true;
		*out = hand_out(l->budget_entry);
		return AL_OK;
	}
	if (e == NULL) {
		e = al_livec_entry_new(l, name, type);
		if (e == NULL)
			return AL_ENOMEM;
		if (!al_map_put(&l->map, e->key, e)) {
			al_livec_entry_free(l, e);
			return AL_ENOMEM;
		}
		if (!al_livec_send_question(l, e)) {
			al_livec_entry_fail(l, e, AL_RCODE_ERROR, l->description, "the query could not be sent");
		}
	} else if (e->state == E_DONE && !mine) {
		l->stats.cache_hits++;
	}
	if (in_pass && !counted) {
		e->pass_stamp = l->pass_serial;
		w->pass_questions++;
	}
	if (w != NULL) {
		if (!mine) {
			if (!al_livec_pin(w, e))
				return AL_ENOMEM;
			if (e->state == E_PENDING && !al_livec_add_waiter(e, w))
				return AL_ENOMEM;
		}
		if (e->state == E_PENDING && w->expired) {
			*out = hand_out(l->expired_entry);
			return AL_OK;
		}
	} else {
		/* nobody to come back later: wait for the answer here */
		count_use(e);
		e->refs++;
		for (size_t guard = 0; e->state == E_PENDING && guard < 10000000; guard++)
			al_dns_engine_poll(l->engine, -1);
		e->refs--;
	}
	*out = hand_out(e);
	return AL_OK;
}

static void live_release(void *impl, const al_answer *answer)
{
	al_live *l = impl;
	live_entry *e = (live_entry *)answer;
	if (e->is_static) {
		e->refs--;
		return;
	}
	if (e->refs > 0)
		e->refs--;
	al_livec_entry_idle(l, e);
}

static bool live_covers(const void *impl, const char *name)
{
	(void)impl;
	(void)name;
	return true;
}

static const char *live_describe(const void *impl)
{
	return ((const al_live *)impl)->description;
}

static void live_destroy(void *impl)
{
	(void)impl; /* the al_live owns the source, not the other way round */
}

static const al_source_ops live_ops = {
	.kind = "live",
	.lookup = live_lookup,
	.release = live_release,
	.covers = live_covers,
	.describe = live_describe,
	.destroy = live_destroy,
};

/* ---- the waiter seam --------------------------------------------------------------- */

void al_live_set_prefetch(al_live *live, al_live_prefetch_fn fn, void *userdata)
{
	live->prefetch = fn;
	live->prefetch_userdata = userdata;
}

void al_live_set_waiter(al_live *live, al_live_waiter *waiter)
{
	live->waiter = waiter;
	live->pass_waiter = NULL;
}

void al_live_begin_pass(al_live *live, al_live_waiter *waiter)
{
	live->waiter = waiter;
	live->pass_waiter = waiter;
	live->pass_serial++;
	waiter->pass_questions = 0;
	waiter->questions_exhausted = false;
}

void al_live_waiter_release(al_live *live, al_live_waiter *w)
{
	if (live->waiter == w)
		live->waiter = NULL;
	for (size_t i = 0; i < w->pin_count; i++) {
		live_entry *e = w->pins[i];
		if (e->state == E_PENDING) {
			for (size_t k = 0; k < e->waiter_count; k++) {
				if (e->waiters[k] == w) {
					e->waiters[k] = e->waiters[--e->waiter_count];
					break;
				}
			}
		}
		if (e->pins > 0)
			e->pins--;
		al_livec_entry_idle(live, e);
	}
	free(w->pins);
	w->pins = NULL;
	w->pin_count = w->pin_capacity = 0;
	w->outstanding = 0;
}

void al_live_poll(al_live *live, int timeout_ms)
{
	al_dns_engine_poll(live->engine, timeout_ms);
}

/* ---- set-up ---------------------------------------------------------------------------- */

static live_entry *static_entry(al_live *l, const char *detail)
{
	live_entry *e = al_livec_entry_new(l, ".", 0);
	if (e == NULL)
		return NULL;
	e->is_static = true;
	e->state = E_DONE;
	e->answer.rcode = AL_RCODE_NOT_QUERIED;
	e->answer.detail = detail;
	e->answer.server = "none";
	return e;
}

al_status al_live_new(al_live **out, const al_live_options *options, al_error *err)
{
	*out = NULL;
	al_live *l = calloc(1, sizeof(*l));
	if (l == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	if (options != NULL)
		l->options = *options;
	if (l->options.cache_bytes == 0)
		l->options.cache_bytes = (size_t)64 << 20;
	if (l->options.failure_ttl == 0)
		l->options.failure_ttl = 30;
	if (l->options.max_ttl == 0)
		l->options.max_ttl = 86400;
	al_map_init(&l->map, false);
	al_status st = AL_OK;
	for (size_t i = 0; i < l->options.resolver_count; i++) {
		if (l->server_count >= MAX_RESOLVERS) {
			st = al_error_set(err, AL_EINVAL, "too many resolvers (at most %d)", MAX_RESOLVERS);
			break;
		}
		al_error e2;
		if (al_dns_server_parse(l->options.resolvers[i], 53, &l->servers[l->server_count], &e2) != AL_OK) {
			st = al_error_set(err, AL_EINVAL, "resolver %s", e2.message);
			break;
		}
		l->server_count++;
	}
	if (st == AL_OK && l->server_count == 0 && l->options.resolv_conf != NULL) {
		st = al_dns_read_resolv_conf(l->options.resolv_conf, l->servers, MAX_RESOLVERS, &l->server_count,
					     err);
		if (st == AL_OK && l->server_count == 0)
			st = al_error_set(err, AL_EINVAL, "%s names no nameserver; give one with --resolver",
					  l->options.resolv_conf);
	} else if (st == AL_OK && l->server_count == 0) {
		st = al_error_set(err, AL_EINVAL, "no resolver given");
	}
	if (st == AL_OK) {
		al_dns_engine_options eo = {0};
		eo.timeout = l->options.timeout;
		eo.tries = l->options.tries;
		eo.max_in_flight = l->options.max_in_flight;
		if (al_dns_engine_new(&l->engine, &eo) != AL_OK)
			st = al_error_set(err, AL_ENETWORK, "cannot start the DNS engine");
	}
	if (st == AL_OK) {
		size_t pos = 0;
		for (size_t i = 0; i < l->server_count && pos < sizeof(l->description) - 64; i++)
			pos += (size_t)snprintf(l->description + pos, sizeof(l->description) - pos, "%s%s",
						i ? ", " : "", l->servers[i].text);
		l->budget_entry = static_entry(l, "the domain's budget of questions was used up");
		l->expired_entry = static_entry(l, "the domain's time budget was used up before the answer came");
		if (l->budget_entry == NULL || l->expired_entry == NULL ||
		    al_source_new(&l->source, &live_ops, l) != AL_OK)
			st = al_error_set(err, AL_ENOMEM, "out of memory");
	}
	if (st != AL_OK) {
		al_live_free(l);
		return st;
	}
	*out = l;
	return AL_OK;
}

void al_live_free(al_live *l)
{
	if (l == NULL)
		return;
	al_dns_engine_free(l->engine); /* no callback runs after this */
	size_t idx = 0;
	const char *k;
	void *v;
	while (al_map_next(&l->map, &idx, &k, &v)) {
		live_entry *e = v;
		free(e->waiters);
		data_free(e);
		free(e);
	}
	al_map_free(&l->map);
	/* detached entries still referenced by a caller are the caller's leak to report */
	if (l->budget_entry)
		al_livec_entry_free(l, l->budget_entry);
	if (l->expired_entry)
		al_livec_entry_free(l, l->expired_entry);
	al_source_free(l->source);
	free(l);
}

al_source *al_live_source(al_live *live)
{
	return live->source;
}

const char *al_live_describe(const al_live *live)
{
	return live->description;
}

void al_live_get_stats(const al_live *l, al_live_stats *out)
{
	*out = l->stats;
	const al_dns_engine_stats *s = al_dns_engine_get_stats(l->engine);
	out->sent = s->sent;
	out->received = s->received;
	out->retries = s->retries;
	out->timeouts = s->timeouts;
	out->tcp = s->tcp;
	out->dropped = s->dropped_wrong_source + s->dropped_wrong_id + s->dropped_wrong_question +
		       s->dropped_malformed;
	out->max_in_flight = s->max_in_flight;
	out->cache_entries = l->entries;
	out->cache_bytes = l->bytes;
}
