/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by live.c and live_entries.c; private. */
#ifndef AL_DNS_LIVE_CACHE_H
#define AL_DNS_LIVE_CACHE_H

#include <authlint/live.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dns/live_internal.h"
#include "dns/query.h"
#include "dns/wire.h"
#include "util/clock.h"
#include "util/hash.h"
#define MAX_RESOLVERS 64
#define MAX_CHAIN 8

typedef enum { E_PENDING = 0, E_DONE } entry_state;

typedef struct live_entry {
	al_answer answer;        /* first: an answer pointer is an entry pointer */
	al_live *live;
	entry_state state;
	bool is_static;          /* a budget answer: never freed by release */
	bool detached;           /* replaced in the map by a fresher one */
	bool in_lru;
	bool in_probation;       /* in the probation list (used by one domain so far), else the main one */
	unsigned char uses;      /* domains that took it (pinned, or looked it up without a waiter), up to 255 */
	bool data_is_reply;      /* data is the al_dns_reply the RRs are in (kept, not copied) */
	unsigned char prefetch_depth; /* asked ahead of time for another answer, how deep */
	double expires;
	uint64_t pass_stamp;     /* the pass that last asked it (al_live.pass_serial) */
	size_t refs, pins;
	al_live_waiter **waiters;
	size_t waiter_count, waiter_capacity;
	struct live_entry *lru_prev, *lru_next;
	size_t bytes;
	void *data;              /* RRs, owners, rdata, server, detail; or the reply holding the RRs */
	char key[];              /* "TYPE/name" */
} live_entry;

struct al_live {
	al_live_options options;
	al_dns_engine *engine;
	al_dns_server servers[MAX_RESOLVERS];
	size_t server_count;
	char description[MAX_RESOLVERS * 50 + 16];
	al_source *source;
	al_map map;
	/* idle entries, head: most recently idle; those only one domain used
	 * wait in the probation list, the others in the main list */
	live_entry *lru_head, *lru_tail;
	live_entry *probation_head, *probation_tail;
	size_t lru_bytes;       /* both lists */
	size_t probation_bytes; /* the probation list's part */
	size_t entries, bytes;
	al_live_waiter *waiter;
	al_live_waiter *pass_waiter; /* the waiter whose pass is running, or NULL */
	uint64_t pass_serial;    /* counts the passes begun */
	live_entry *budget_entry, *expired_entry;
	al_live_stats stats;
	al_live_prefetch_fn prefetch;
	void *prefetch_userdata;
};

#define MAX_PREFETCH_DEPTH 6
#define MAX_PREFETCH 16

bool al_livec_add_waiter(live_entry *e, al_live_waiter *w);
void al_livec_entry_free(al_live *l, live_entry *e);
void al_livec_entry_idle(al_live *l, live_entry *e);
live_entry *al_livec_entry_new(al_live *l, const char *name, uint16_t type);
bool al_livec_entry_set(al_live *l, live_entry *e, al_rcode rcode, const al_rr *const *rrs, size_t count,
		      uint32_t ttl, bool negative_known, const char *server, const char *detail,
		      size_t message_size, bool truncated);
/* As al_livec_entry_set with the @p count RRs from answer[@p first] of @p reply,
 * which the entry keeps (and frees) instead of copying them. */
void al_livec_entry_adopt(al_live *l, live_entry *e, al_dns_reply *reply, size_t first, size_t count,
			  uint32_t ttl, const char *server);
bool al_livec_make_key(char *key, size_t size, const char *name, uint16_t type);
bool al_livec_pin(al_live_waiter *w, live_entry *e);
bool al_livec_pinned_by(const al_live_waiter *w, const live_entry *e);
bool al_livec_send_question(al_live *l, live_entry *e);
void al_livec_entry_fail(al_live *l, live_entry *e, al_rcode rcode, const char *server, const char *detail);

/** The engine's callback for an entry's question: the reply becomes the entry. */
void al_livec_on_reply(void *userdata, al_dns_reply *r);

#endif
