/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The live source's cache entries: what a reply becomes (records, negative answers with their TTL, failures), and CNAME chains. */
#include "dns/live_cache.h"

/* ---- from a reply to entries --------------------------------------------------- */

/* Negative TTL from the SOA of the authority section (RFC 2308: min of its TTL and MINIMUM). */
static bool negative_ttl(const al_dns_reply *r, uint32_t *ttl)
{
	for (size_t i = 0; i < r->authority_count; i++) {
		const al_rr *rr = &r->authority[i];
		if (rr->type != AL_TYPE_SOA)
			continue;
		size_t used, off = 0;
		char name[AL_NAME_MAX];
		if (!al_wire_name_to_text(rr->rdata, rr->rdlength, off, name, &used))
			return false;
		off += used;
		if (!al_wire_name_to_text(rr->rdata, rr->rdlength, off, name, &used))
			return false;
		off += used;
		if (off + 20 != rr->rdlength)
			return false;
		const uint8_t *m = rr->rdata + off + 16;
		uint32_t minimum = ((uint32_t)m[0] << 24) | ((uint32_t)m[1] << 16) | ((uint32_t)m[2] << 8) | m[3];
		*ttl = rr->ttl < minimum ? rr->ttl : minimum;
		return true;
	}
	return false;
}

static bool has_type(const al_rr *rrs, size_t n, uint16_t type)
{
	for (size_t i = 0; i < n; i++)
		if (rrs[i].type == type)
			return true;
	return false;
}

void al_livec_entry_fail(al_live *l, live_entry *e, al_rcode rcode, const char *server, const char *detail)
{
	if (!al_livec_entry_set(l, e, rcode, NULL, 0, l->options.failure_ttl, false, server, detail, 0, false)) {
		e->answer.rcode = rcode;
		e->answer.detail = "out of memory";
		e->state = E_DONE;
		e->expires = al_clock_now();
	}
	l->stats.failed++;
}

/* The answer for @p owner in the reply: its RRs of the type, or its CNAME.
 * When they are in a row in the answer section (as a server sends an RRset),
 * the first entry keeps the reply itself and *@p own becomes NULL. */
static void fill_from_reply(al_live *l, live_entry *first, const al_dns_reply *r, al_dns_reply **own)
{
	char detail[600];
	char rb[16];
	const char *server = r->server_index < l->server_count ? l->servers[r->server_index].text : l->description;
	if (r->outcome != AL_DNS_ANSWERED) {
		al_livec_entry_fail(l, first, r->outcome == AL_DNS_TIMEOUT ? AL_RCODE_TIMEOUT : AL_RCODE_ERROR, server,
			   r->detail ? r->detail : al_dns_outcome_name(r->outcome));
		return;
	}
	if (r->rcode == AL_DNS_RCODE_SERVFAIL || r->rcode == AL_DNS_RCODE_REFUSED ||
	    (r->rcode != AL_DNS_RCODE_NOERROR && r->rcode != AL_DNS_RCODE_NXDOMAIN)) {
		al_rcode rc = r->rcode == AL_DNS_RCODE_SERVFAIL  ? AL_RCODE_SERVFAIL
			      : r->rcode == AL_DNS_RCODE_REFUSED ? AL_RCODE_REFUSED
								 : AL_RCODE_ERROR;
		snprintf(detail, sizeof(detail), "%s from %s", al_dns_rcode_text(r->rcode, rb), r->server);
		al_livec_entry_fail(l, first, rc, server, detail);
		return;
	}
	uint16_t type = first->answer.qtype;
	uint32_t neg = 0;
	bool neg_known = negative_ttl(r, &neg);
	char owner[AL_NAME_MAX];
	snprintf(owner, sizeof(owner), "%s", first->answer.qname);
	live_entry *e = first;
	const al_rr *picked[256];
	for (int hop = 0; hop <= MAX_CHAIN; hop++) {
		size_t n = 0;
		uint32_t ttl = UINT32_MAX;
		for (size_t i = 0; i < r->answer_count && n < 256; i++) {
			const al_rr *rr = &r->answer[i];
			if (rr->type == type && strcmp(rr->owner, owner) == 0) {
				picked[n++] = rr;
				if (rr->ttl < ttl)
					ttl = rr->ttl;
			}
		}
		const al_rr *cname = NULL;
		if (n == 0 && type != AL_TYPE_CNAME) {
			for (size_t i = 0; i < r->answer_count; i++)
				if (r->answer[i].type == AL_TYPE_CNAME && strcmp(r->answer[i].owner, owner) == 0) {
					cname = &r->answer[i];
					break;
				}
		}
		bool ok;
		bool in_a_row = n > 0 && e == first && *own != NULL;
		for (size_t i = 1; i < n && in_a_row; i++)
			in_a_row = picked[i] == picked[0] + i;
		if (in_a_row) {
			al_livec_entry_adopt(l, e, *own, (size_t)(picked[0] - r->answer), n, ttl, server);
			*own = NULL;
			ok = true;
		} else if (n > 0) {
			ok = al_livec_entry_set(l, e, AL_RCODE_NOERROR, picked, n, ttl, false, server, NULL,
				       r->message_size, r->truncated_udp);
		} else if (cname != NULL) {
			ok = al_livec_entry_set(l, e, AL_RCODE_NOERROR, &cname, 1, cname->ttl, false, server, NULL,
				       r->message_size, r->truncated_udp);
		} else if (r->rcode == AL_DNS_RCODE_NOERROR && !neg_known && !r->aa &&
			   has_type(r->authority, r->authority_count, AL_TYPE_NS)) {
			/* a referral is no answer: the server does not recurse for this name */
			snprintf(detail, sizeof(detail), "referral from %s instead of an answer (not a recursive "
				 "resolver for this name)", r->server);
			al_livec_entry_fail(l, e, AL_RCODE_ERROR, server, detail);
			ok = true;
		} else {
			al_rcode rc = r->rcode == AL_DNS_RCODE_NXDOMAIN ? AL_RCODE_NXDOMAIN : AL_RCODE_NOERROR;
			ok = al_livec_entry_set(l, e, rc, NULL, 0, neg_known ? neg : 0, neg_known, server, NULL,
				       r->message_size, r->truncated_udp);
		}
		if (!ok)
			al_livec_entry_fail(l, e, AL_RCODE_ERROR, server, "out of memory");
		if (cname == NULL)
			return;
		/* the chain goes on in the same response: an entry for the target, if none yet */
		char target[AL_NAME_MAX];
		if (!al_wire_name_to_text(cname->rdata, cname->rdlength, 0, target, NULL))
			return;
		bool in_answer = false;
		for (size_t i = 0; i < r->answer_count; i++)
			if (strcmp(r->answer[i].owner, target) == 0)
				in_answer = true;
		/* only what the response says about the target: its records, or the final rcode */
		if (!in_answer && r->rcode != AL_DNS_RCODE_NXDOMAIN)
			return;
		if (hop == MAX_CHAIN)
			return;
		char key[AL_NAME_MAX + 8];
		if (!al_livec_make_key(key, sizeof(key), target, type) || al_map_get(&l->map, key) != NULL)
			return;
		live_entry *next = al_livec_entry_new(l, target, type);
		if (next == NULL)
			return;
		if (!al_map_put(&l->map, next->key, next)) {
			al_livec_entry_free(l, next);
			return;
		}
		/* filled by the next round; on_reply makes it idle (nobody holds it yet) */
		snprintf(owner, sizeof(owner), "%s", target);
		e = next;
	}
}


/* Can a domain waiting for @p e still take a question (not expired, within its budget)? */
static bool someone_can_take(const live_entry *e)
{
	for (size_t k = 0; k < e->waiter_count; k++) {
		const al_live_waiter *w = e->waiters[k];
		if (!w->expired && !(w->max_questions > 0 && w->pin_count >= w->max_questions))
			return true;
	}
	return false;
}

/*
 * Ask now what the waiters of @p e will ask next because of its answer. A
 * question is only sent while one of them can take it: sent for nobody, it
 * cost a query outside every budget (an SPF tree that fans out had each
 * domain send ten times its --max-queries).
 */
static void prefetch(al_live *l, live_entry *e)
{
	al_live_question qs[MAX_PREFETCH];
	size_t n = l->prefetch(l->prefetch_userdata, &e->answer, qs, MAX_PREFETCH);
	for (size_t i = 0; i < n && i < MAX_PREFETCH; i++) {
		char key[AL_NAME_MAX + 8];
		if (!al_livec_make_key(key, sizeof(key), qs[i].name, qs[i].type))
			continue;
		live_entry *p = al_map_get(&l->map, key);
		if (p == NULL) {
			if (!someone_can_take(e))
				return;
			p = al_livec_entry_new(l, qs[i].name, qs[i].type);
			if (p == NULL)
				return;
			if (!al_map_put(&l->map, p->key, p)) {
				al_livec_entry_free(l, p);
				return;
			}
			p->prefetch_depth = (unsigned char)(e->prefetch_depth + 1);
			if (!al_livec_send_question(l, p))
				al_livec_entry_fail(l, p, AL_RCODE_ERROR, l->description, "the query could not be sent");
		}
		/* each domain waiting for the first answer now waits for this one too */
		for (size_t k = 0; k < e->waiter_count; k++) {
			al_live_waiter *w = e->waiters[k];
			if (w->expired || al_livec_pinned_by(w, p) ||
			    (w->max_questions > 0 && w->pin_count >= w->max_questions))
				continue;
			if (!al_livec_pin(w, p))
				continue;
			if (p->state == E_PENDING)
				al_livec_add_waiter(p, w);
		}
		al_livec_entry_idle(l, p); /* nobody took it (all budgets full): it waits in the LRU list */
	}
}

void al_livec_on_reply(void *userdata, al_dns_reply *r)
{
	live_entry *e = userdata;
	al_live *l = e->live;
	if (r == NULL) {
		al_livec_entry_fail(l, e, AL_RCODE_ERROR, l->description, "out of memory");
	} else {
		size_t before = l->entries;
		al_dns_reply *own = r; /* until an entry keeps it */
		fill_from_reply(l, e, r, &own);
		if (l->entries > before) {
			/* entries made from the rest of a CNAME chain: idle until asked */
			char owner[AL_NAME_MAX];
			for (size_t i = 0; i < r->answer_count; i++) {
				if (r->answer[i].type != AL_TYPE_CNAME)
					continue;
				if (!al_wire_name_to_text(r->answer[i].rdata, r->answer[i].rdlength, 0, owner, NULL))
					continue;
				char key[AL_NAME_MAX + 8];
				if (!al_livec_make_key(key, sizeof(key), owner, e->answer.qtype))
					continue;
				live_entry *d = al_map_get(&l->map, key);
				if (d != NULL && d != e && d->state == E_DONE)
					al_livec_entry_idle(l, d);
			}
		}
		al_dns_reply_free(own); /* the entry frees it when it keeps it */
	}
	if (e->state != E_DONE) {
		e->state = E_DONE;
		e->answer.rcode = AL_RCODE_ERROR;
		e->answer.detail = "no answer could be built";
	}
	if (l->prefetch != NULL && e->waiter_count > 0 && e->prefetch_depth < MAX_PREFETCH_DEPTH &&
	    (e->answer.rcode == AL_RCODE_NOERROR || e->answer.rcode == AL_RCODE_NXDOMAIN))
		prefetch(l, e);
	/* tell the domains waiting for it */
	al_live_waiter **ws = e->waiters;
	size_t n = e->waiter_count;
	e->waiters = NULL;
	e->waiter_count = e->waiter_capacity = 0;
	for (size_t i = 0; i < n; i++) {
		al_live_waiter *w = ws[i];
		if (w->outstanding > 0 && --w->outstanding == 0 && w->ready != NULL)
			w->ready(w->userdata, w);
	}
	free(ws);
	al_livec_entry_idle(l, e);
}

