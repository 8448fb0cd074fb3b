/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Between the live source and the bulk driver: a waiter stands for one domain
 * in flight. While a waiter is set, a lookup that is not in the cache sends
 * the question (once, whoever else asks it) and answers AL_RCODE_PENDING; the
 * waiter counts its outstanding questions and is told when the last comes in.
 * The entries a waiter looked at are pinned for it, so its next pass sees the
 * same answers (no eviction, no expiry in between).
 */
#ifndef AL_DNS_LIVE_INTERNAL_H
#define AL_DNS_LIVE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <authlint/live.h>

struct live_entry;

typedef struct al_live_waiter {
	size_t outstanding;              /* questions asked and not answered */
	void (*ready)(void *userdata, struct al_live_waiter *waiter); /* outstanding fell to 0 */
	void *userdata;
	struct live_entry **pins;        /* entries looked at, each once */
	size_t pin_count, pin_capacity;
	size_t max_questions;            /* budget of distinct questions per pass (0: none);
					    pins: at most AL_LIVE_WIRE_FACTOR times it */
	size_t pass_questions;           /* distinct questions the current (or last) pass asked */
	bool questions_exhausted;        /* the budget was hit in the current (or last) pass */
	bool expired;                    /* the time budget was hit: no more waiting */
} al_live_waiter;

/* A question to ask ahead of time. */
typedef struct al_live_question {
	char name[AL_NAME_MAX];
	uint16_t type;
} al_live_question;

/*
 * Prefetch: told of each answer that domains wait for, returns the questions
 * their next pass will ask because of it (at most @p max), so that they go
 * out now and the pass after finds them answered: one pass less per level.
 */
typedef size_t (*al_live_prefetch_fn)(void *userdata, const al_answer *answer, al_live_question *out,
				      size_t max);
void al_live_set_prefetch(al_live *live, al_live_prefetch_fn fn, void *userdata);

/* Lookups from now on are made for @p waiter (NULL: lookups wait for their answer). */
void al_live_set_waiter(al_live *live, al_live_waiter *waiter);
/*
 * A pass of @p waiter's domain begins: lookups from now on are made for it
 * (as al_live_set_waiter) and counted as its pass's questions, each distinct
 * question once. The question budget (max_questions) bounds those, so it is
 * a property of the domain: the questions its pass asks, whatever else this
 * run asked ahead for it, or had in the cache. Ended by al_live_set_waiter.
 */
void al_live_begin_pass(al_live *live, al_live_waiter *waiter);
/*
 * A domain's passes, those thrown away included, and the questions asked
 * ahead for it put at most this many times its budget of questions on the
 * wire (asked ahead: at most once its budget). A pass that meets an answer
 * not in yet goes on with the rest of the tree, and past a budget those
 * questions may not be among the ones its final pass keeps. Within this
 * bound the budget cuts the result at the same question on every run.
 */
#define AL_LIVE_WIRE_FACTOR 2
/* The domain is done: unpin its entries and stop waiting for it. */
void al_live_waiter_release(al_live *live, al_live_waiter *waiter);
/* Run the event loop once: up to @p timeout_ms for answers (-1: the next deadline). */
void al_live_poll(al_live *live, int timeout_ms);

#endif
