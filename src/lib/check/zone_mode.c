/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Zone mode: every owner name of a zone, one unit each, on one thread or on
 * several with the output in the same order.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <stdint.h>

#include "check/family_api.h"
#include "check/lint_context.h"
#include "check/lint_private.h"
#include "dns/zone_internal.h"
#include "findings_internal.h"
#include "rules_internal.h"
#include "util/arena.h"
#include "util/grow.h"

/* ---- zone mode -------------------------------------------------------------- */

typedef struct zone_walk {
	al_lint *lint;
	al_status status;
} zone_walk;

static bool want_bit(uint64_t types, unsigned type)
{
	return type < 63 ? (types >> type) & 1 : (types >> 63) & 1;
}

static bool zone_name(void *userdata, const char *name, uint64_t types)
{
	zone_walk *w = userdata;
	al_lint *l = w->lint;
	const char *domain, *selector;
	al_kind role = al_lint_name_role(l, name, &domain, &selector);
	bool has_txt = want_bit(types, AL_TYPE_TXT);
	bool has_spf = want_bit(types, AL_TYPE_SPF);
	bool has_cname = want_bit(types, AL_TYPE_CNAME);
	/* a mail domain (MX, SPF, DMARC or DKIM records, or the apex) gets the
	 * domain checks even without a TXT record: its missing SPF and DMARC */
	bool mail = role == AL_KIND_SPF && !has_cname && al_mail_domain_is(l, l->zone, name);
	if (has_txt || has_spf || (has_cname && role != AL_KIND_SPF) || mail) {
		al_lint_name(l, name, has_spf, has_cname);
		if (role == AL_KIND_SPF) {
			al_check_args args = {.lint = l, .zone = l->zone, .domain = name, .mail_domain = mail};
			al_lint_run_stage(l, AL_STAGE_DOMAIN, &args);
		}
	}
	al_lint_unit_flush(l);
	return true;
}

/*
 * Zone mode on several threads. The names are cut into chunks of consecutive
 * names; each worker thread lints the chunks it claims with a lint of its own
 * (its own unit arena and family caches; rules, configuration and the zone
 * store are only read) and keeps the findings of each chunk. The calling
 * thread hands them out chunk by chunk in name order, so the output is the
 * same as on one thread. At most WINDOW chunks are ahead of the output, which
 * bounds the memory held by findings not yet written.
 */
#define CHUNK_NAMES 256
#define WINDOW 64

typedef struct chunk {
	size_t index;        /* which chunk the slot holds */
	bool done;
	al_findings found;   /* the chunk's findings, in name order */
	size_t *unit_ends;   /* diag counts at each unit's end, for on_unit_end */
	size_t unit_count, unit_capacity;
} chunk;

typedef struct zone_job {
	al_lint *main;
	al_zone *zone;
	size_t name_count, chunk_count;
	size_t next_emit;
	unsigned threads;
	chunk slots[WINDOW];
	pthread_mutex_t lock;
	pthread_cond_t cond;
	al_summary summary;  /* the workers' totals, added at their end */
} zone_job;

typedef struct worker {
	zone_job *job;
	al_lint *lint;
	chunk *current;
	size_t first_chunk;
	pthread_t thread;
	bool started;
} worker;

static void chunk_collect(void *userdata, const al_diag *d)
{
	worker *w = userdata;
	(void)al_findings_add(&w->current->found, d);
}

static void chunk_unit_end(void *userdata)
{
	worker *w = userdata;
	chunk *c = w->current;
	if (!AL_GROW_ONE(c->unit_ends, c->unit_count, c->unit_capacity))
		return;
	c->unit_ends[c->unit_count++] = c->found.count;
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	zone_job *job = w->job;
	char name[AL_NAME_MAX];
	zone_walk walk = {w->lint, AL_OK};
	/* chunks are dealt round-robin, not claimed: each worker sees the same
	 * names in the same order on every run, so what its caches save (and the
	 * lookup counts of the summary) is the same from run to run */
	for (size_t index = w->first_chunk; index < job->chunk_count; index += job->threads) {
		pthread_mutex_lock(&job->lock);
		while (index >= job->next_emit + WINDOW)
			pthread_cond_wait(&job->cond, &job->lock);
		/* the slot was emptied by the output before it could be taken */
		chunk *c = &job->slots[index % WINDOW];
		c->index = index;
		pthread_mutex_unlock(&job->lock);
		w->current = c;
		size_t first = index * CHUNK_NAMES;
		size_t last = first + CHUNK_NAMES < job->name_count ? first + CHUNK_NAMES : job->name_count;
		for (size_t i = first; i < last; i++) {
			uint64_t types;
			if (al_zone_name_at(job->zone, i, name, &types))
				zone_name(&walk, name, types);
		}
		pthread_mutex_lock(&job->lock);
		c->done = true;
		pthread_cond_broadcast(&job->cond);
		pthread_mutex_unlock(&job->lock);
	}
	pthread_mutex_lock(&job->lock);
	al_summary_add(&job->summary, al_lint_summary(w->lint));
	pthread_mutex_unlock(&job->lock);
	return NULL;
}

static void emit_chunk(al_lint *main, chunk *c)
{
	size_t unit = 0;
	size_t count = c->found.count;
	for (size_t i = 0; i <= count; i++) {
		while (unit < c->unit_count && c->unit_ends[unit] == i) {
			if (main->options.on_unit_end != NULL)
				main->options.on_unit_end(main->options.userdata);
			unit++;
		}
		if (i < count && main->options.on_diag != NULL)
			main->options.on_diag(main->options.userdata, &c->found.items[i]);
	}
	c->unit_count = 0;
	al_findings_reset(&c->found);
}

static al_status lint_zone_threads(al_lint *lint, al_zone *zone, unsigned threads)
{
	zone_job *job = calloc(1, sizeof(*job));
	worker *workers = calloc(threads, sizeof(*workers));
	if (job == NULL || workers == NULL) {
		free(job);
		free(workers);
		return AL_ENOMEM;
	}
	job->main = lint;
	job->zone = zone;
	job->name_count = al_zone_name_count(zone);
	job->chunk_count = (job->name_count + CHUNK_NAMES - 1) / CHUNK_NAMES;
	pthread_mutex_init(&job->lock, NULL);
	pthread_cond_init(&job->cond, NULL);
	for (size_t i = 0; i < WINDOW; i++)
		al_findings_init(&job->slots[i].found, NULL);
	/* the workers' lints are made here, before any thread reads the registry */
	al_status st = AL_OK;
	(void)al_rules_at(lint->options.rules, 0); /* sorts the registry once, here */
	unsigned started = 0;
	for (unsigned t = 0; t < threads && st == AL_OK; t++) {
		al_lint_options o = lint->options;
		o.on_diag = chunk_collect;
		o.on_unit_end = chunk_unit_end;
		o.userdata = &workers[t];
		o.threads = 1;
		workers[t].job = job;
		st = al_lint_new(&workers[t].lint, &o);
		if (st == AL_OK)
			workers[t].lint->zone = zone;
	}
	job->threads = threads;
	for (unsigned t = 0; t < threads && st == AL_OK; t++) {
		workers[t].first_chunk = t;
		if (pthread_create(&workers[t].thread, NULL, worker_main, &workers[t]) != 0) {
			st = AL_ENOMEM;
			break;
		}
		workers[t].started = true;
		started++;
	}
	/* every worker's share must be taken: if one could not start, stop the
	 * others (they wait for the output) and lint on this thread instead */
	bool fallback = st != AL_OK;
	if (fallback) {
		pthread_mutex_lock(&job->lock);
		job->chunk_count = 0;
		job->next_emit = SIZE_MAX / 2;
		pthread_cond_broadcast(&job->cond);
		pthread_mutex_unlock(&job->lock);
	}
	/* hand out the chunks in order as they are done */
	for (size_t e = 0; e < job->chunk_count && started > 0; e++) {
		chunk *c = &job->slots[e % WINDOW];
		pthread_mutex_lock(&job->lock);
		while (!(c->done && c->index == e))
			pthread_cond_wait(&job->cond, &job->lock);
		pthread_mutex_unlock(&job->lock);
		emit_chunk(lint, c);
		pthread_mutex_lock(&job->lock);
		c->done = false;
		job->next_emit = e + 1;
		pthread_cond_broadcast(&job->cond);
		pthread_mutex_unlock(&job->lock);
	}
	for (unsigned t = 0; t < threads; t++)
		if (workers[t].started)
			pthread_join(workers[t].thread, NULL);
	if (!fallback)
		al_summary_add(&lint->summary, &job->summary);
	for (unsigned t = 0; t < threads; t++)
		al_lint_free(workers[t].lint);
	for (size_t i = 0; i < WINDOW; i++) {
		al_findings_fini(&job->slots[i].found);
		free(job->slots[i].unit_ends);
	}
	pthread_cond_destroy(&job->cond);
	pthread_mutex_destroy(&job->lock);
	free(workers);
	free(job);
	if (fallback) {
		/* no thread could start: lint on this one */
		zone_walk w = {lint, AL_OK};
		al_zone_foreach_name(zone, zone_name, &w);
		return w.status;
	}
	return AL_OK;
}

al_status al_lint_zone_problems(al_lint *lint, const al_zone *zone)
{
	if (lint == NULL || zone == NULL)
		return AL_EINVAL;
	al_check_args args = {.lint = lint, .zone = zone};
	al_lint_run_stage(lint, AL_STAGE_ZONE, &args);
	al_lint_unit_flush(lint);
	return AL_OK;
}

al_status al_lint_zone(al_lint *lint, al_zone *zone)
{
	if (lint == NULL || zone == NULL)
		return AL_EINVAL;
	lint->zone = zone;
	al_check_args args = {.lint = lint, .zone = zone};
	al_lint_run_stage(lint, AL_STAGE_ZONE, &args);
	al_lint_unit_flush(lint);
	al_status st = AL_OK;
	unsigned threads = lint->options.threads;
	if (threads > 64)
		threads = 64;
	if (threads > 1 && al_zone_name_count(zone) >= 4 * CHUNK_NAMES) {
		st = lint_zone_threads(lint, zone, threads);
	} else {
		zone_walk w = {lint, AL_OK};
		al_zone_foreach_name(zone, zone_name, &w);
		st = w.status;
	}
	al_lint_memo_clear(lint); /* its answers are the zone's */
	lint->zone = NULL;
	return st;
}
