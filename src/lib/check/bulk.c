/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The bulk driver of `authlint check`: keeps N domains in flight over one
 * lint context and one live source.
 *
 * A domain's pass runs the whole check of the domain. With the live source,
 * every lookup not in the cache answers PENDING, and the pass goes on with
 * what does not depend on it, so one pass puts all the questions of one level
 * of the lookup tree on the wire at once. The pass is then thrown away; when
 * the domain's last outstanding answer comes in, the pass runs again, now
 * reaching one level deeper. The last pass finds every answer in the cache,
 * and its findings are the domain's result. The questions every first pass
 * asks are sent before it (ask_first), and the answers' prefetch hints ask the
 * next levels, so most domains need one pass. The lint context is shared: a
 * pass starts and ends within one call, and nothing of a pending pass stays.
 *
 * Budgets: a domain's pass may ask at most max_questions distinct questions
 * (counted by the live source per pass, so the budget is met at the same
 * question on every run, whatever was asked ahead or already cached; the SPF
 * tree cache asks again the questions of a subtree it reuses) and the domain
 * may take at most max_seconds; past either, what it still needs is answered
 * NOT-QUERIED (reported as LOOKUP002), the result is marked incomplete and
 * names the budget.
 *
 * Cancellation (options->cancelled, e.g. a signal): asked before each pass
 * and after each wait for answers (at most 100 ms), so a run stops within
 * about that; domains in flight are dropped, never handed out half done.
 */
#include <authlint/bulk.h>

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>


#include "check/bulk_prefetch.h"
#include "check/lint_internal.h"
#include "check/lint_private.h"
#include "dns/live_internal.h"
#include "util/clock.h"
#include "util/grow.h"

#define MAX_PASSES 64

typedef struct job {
	al_live_waiter waiter; /* first: the waiter's address is the job's */
	struct driver *driver;
	size_t index;
	double started, deadline;
	size_t passes;
	bool in_use, queued;
	bool pass_limit;
	struct job *next_ready;
} job;

typedef struct driver {
	const al_check_options *o;
	const al_domain_list *list;
	al_lint *lint;
	job *jobs;
	size_t job_count;
	size_t *free_slots; /* a stack of unused jobs */
	size_t free_count;
	job *ready_head, *ready_tail;
	size_t next_index, active, done;
	size_t stride;      /* this driver takes every stride-th domain (threads) */
	/* the domain whose pass is running */
	job *current;
	al_summary before;
	al_diag *diags;
	size_t diag_count, diag_capacity;
	bool oom;
	/* progress */
	double t0, last_progress;
	size_t findings, incomplete;
	al_summary budget_total; /* what budgets added to the totals */
} driver;

static void on_diag(void *userdata, const al_diag *diag)
{
	driver *d = userdata;
	if (!AL_GROW_ONE(d->diags, d->diag_count, d->diag_capacity)) {
		d->oom = true;
		return;
	}
	d->diags[d->diag_count++] = *diag;
}

static void summary_diff(al_summary *out, const al_summary *after, const al_summary *before)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < 4; i++)
		out->by_severity[i] = after->by_severity[i] - before->by_severity[i];
	out->waived = after->waived - before->waived;
	out->names = after->names - before->names;
	out->records = after->records - before->records;
	out->lookups = after->lookups - before->lookups;
	out->lookups_failed = after->lookups_failed - before->lookups_failed;
	out->not_queried = after->not_queried - before->not_queried;
}

/* The final pass of the current domain ended: hand out its result. */
static void on_unit_end(void *userdata)
{
	driver *d = userdata;
	job *j = d->current;
	if (j == NULL)
		return;
	al_domain_result r;
	memset(&r, 0, sizeof(r));
	r.domain = al_domain_list_at(d->list, j->index);
	r.index = j->index;
	r.diags = d->diags;
	r.diag_count = d->diag_count;
	summary_diff(&r.summary, al_lint_summary(d->lint), &d->before);
	if (j->waiter.questions_exhausted)
		r.budget = "queries";
	else if (j->pass_limit)
		r.budget = "passes";
	else if (j->waiter.expired)
		r.budget = "time";
	r.incomplete = r.summary.lookups_failed > 0 || r.budget != NULL || d->oom;
	r.summary.incomplete = r.incomplete;
	r.questions = j->waiter.pass_questions; /* the final pass's: what the budget bounds */
	r.passes = j->passes;
	r.elapsed = al_clock_now() - j->started;
	r.inventory = al_lint_inventory(d->lint);
	if (r.incomplete)
		d->incomplete++;
	if (r.budget != NULL)
		d->budget_total.incomplete = true;
	for (int i = AL_SEVERITY_NOTE; i <= AL_SEVERITY_ERROR; i++)
		d->findings += r.summary.by_severity[i];
	if (d->o->on_result != NULL)
		d->o->on_result(d->o->userdata, &r);
}

static void push_ready(driver *d, job *j)
{
	if (j->queued)
		return;
	j->queued = true;
	j->next_ready = NULL;
	if (d->ready_tail)
		d->ready_tail->next_ready = j;
	else
		d->ready_head = j;
	d->ready_tail = j;
}

static void on_ready(void *userdata, al_live_waiter *w)
{
	(void)userdata;
	job *j = (job *)w;
	push_ready(j->driver, j);
}

static void finish_job(driver *d, job *j)
{
	if (d->o->live != NULL)
		al_live_waiter_release(d->o->live, &j->waiter);
	free(j->waiter.pins);
	memset(&j->waiter, 0, sizeof(j->waiter));
	j->in_use = false;
	d->free_slots[d->free_count++] = (size_t)(j - d->jobs);
	d->active--;
	d->done++;
}

static al_status run_pass(driver *d, job *j)
{
	const char *name = al_domain_list_at(d->list, j->index);
	size_t sel_count = 0;
	const char *const *sels = al_domain_list_selectors(d->list, j->index, &sel_count);
	d->current = j;
	d->diag_count = 0;
	d->oom = false;
	d->before = *al_lint_summary(d->lint);
	j->passes++;
	if (d->o->live != NULL)
		al_live_begin_pass(d->o->live, &j->waiter);
	al_lint_set_domain_selectors(d->lint, sels, sel_count);
	bool pending = false;
	al_status st = al_lint_domain_try(d->lint, name, &pending);
	al_lint_set_domain_selectors(d->lint, NULL, 0);
	if (d->o->live != NULL)
		al_live_set_waiter(d->o->live, NULL);
	d->current = NULL;
	if (st != AL_OK && st != AL_EINVAL)
		return st;
	if (st == AL_EINVAL || !pending) {
		finish_job(d, j);
		return AL_OK;
	}
	if (j->passes >= MAX_PASSES) {
		/* a lookup tree deeper than any the checks make: stop waiting */
		j->pass_limit = true;
		j->waiter.expired = true;
		push_ready(d, j);
	} else if (j->waiter.outstanding == 0 || d->o->live == NULL) {
		/* nothing to wait for (a source that answered PENDING without a live engine) */
		j->waiter.expired = true;
		j->pass_limit = d->o->live == NULL;
		push_ready(d, j);
	}
	return AL_OK;
}

/*
 * The questions every first pass of a domain asks (its TXT and MX, its
 * _dmarc TXT, the TXT of the selectors given; _domainkey TXT when selectors
 * are to be discovered), asked before it for the domain's waiter: a first
 * pass that would find none of them answered and be thrown away is saved, and
 * the prefetch hints of their answers go out as before (a domain without MX
 * hosts gets its _domainkey asked from its MX answer). A hint only, as the
 * prefetch: the pass asks what it needs. Only with a budget of questions well
 * out of reach, which a hint must not use up. False when nothing is
 * outstanding (the pass can run now).
 */
#define FIRST_QUESTIONS_MIN_BUDGET 32

static bool ask_first(driver *d, job *j)
{
	const al_check_options *o = d->o;
	al_source *src = o->lint.source;
	size_t budget = j->waiter.max_questions;
	if (o->live == NULL || src == NULL || (budget > 0 && budget < FIRST_QUESTIONS_MIN_BUDGET))
		return false;
	const char *domain = al_domain_list_at(d->list, j->index);
	char norm[AL_NAME_MAX];
	al_error err;
	if (al_name_normalize(domain, strlen(domain), norm, &err) != AL_OK || strcmp(norm, ".") == 0)
		return false;
	size_t sel_count = 0;
	const char *const *sels = al_domain_list_selectors(d->list, j->index, &sel_count);
	size_t given = o->lint.selector_count;
	/* _domainkey.<domain>: the discovery's first question (RFC 8020) */
	bool discovery = !o->lint.offline && !o->lint.no_selector_discovery && given + sel_count == 0;
	al_live_set_waiter(o->live, &j->waiter);
	for (size_t i = 0; i < 4 + given + sel_count; i++) {
		if (budget > 0 && j->waiter.pin_count + FIRST_QUESTIONS_MIN_BUDGET / 2 > budget)
			break;
		if (i == 3 && !discovery)
			continue;
		char name[AL_NAME_MAX + 80];
		uint16_t type = AL_TYPE_TXT;
		int n;
		if (i == 0 || i == 1) {
			n = snprintf(name, sizeof(name), "%s", norm);
			type = i == 0 ? AL_TYPE_TXT : AL_TYPE_MX;
		} else if (i == 2) {
			n = snprintf(name, sizeof(name), "_dmarc.%s", norm);
		} else if (i == 3) {
			n = snprintf(name, sizeof(name), "_domainkey.%s", norm);
		} else {
			const char *sel = i - 4 < given ? o->lint.selectors[i - 4] : sels[i - 4 - given];
			n = snprintf(name, sizeof(name), "%s._domainkey.%s", sel, norm);
		}
		const al_answer *a = NULL;
		if (n <= 0 || (size_t)n >= AL_NAME_MAX || al_source_lookup(src, name, type, &a) != AL_OK || a == NULL)
			continue;
		al_source_release(src, a);
	}
	al_live_set_waiter(o->live, NULL);
	return j->waiter.outstanding > 0;
}

static job *free_job(driver *d)
{
	return d->free_count > 0 ? &d->jobs[d->free_slots[--d->free_count]] : NULL;
}

static void report_progress(driver *d, bool final)
{
	if (d->o->on_progress == NULL)
		return;
	double now = al_clock_now();
	double interval = d->o->progress_interval > 0 ? d->o->progress_interval : 0.5;
	if (!final && now - d->last_progress < interval)
		return;
	d->last_progress = now;
	al_check_progress p;
	memset(&p, 0, sizeof(p));
	p.done = d->done;
	p.total = (al_domain_list_count(d->list) + d->stride - 1) / d->stride;
	p.in_flight = d->active;
	p.findings = d->findings;
	p.incomplete = d->incomplete;
	if (d->o->live != NULL) {
		al_live_stats s;
		al_live_get_stats(d->o->live, &s);
		p.queries = s.queries;
	}
	p.elapsed = now - d->t0;
	p.rate = p.elapsed > 0 ? (double)p.done / p.elapsed : 0;
	p.eta = p.rate > 0 ? (double)(p.total - p.done) / p.rate : 0;
	d->o->on_progress(d->o->progress_userdata, &p);
}

static void check_deadlines(driver *d, double now)
{
	for (size_t i = 0; i < d->job_count; i++) {
		job *j = &d->jobs[i];
		if (j->in_use && !j->waiter.expired && now >= j->deadline) {
			j->waiter.expired = true;
			push_ready(d, j);
		}
	}
}

static bool cancelled(const driver *d)
{
	return d->o->cancelled != NULL && d->o->cancelled(d->o->cancel_userdata);
}

/* One event loop over the domains first, first + stride, ... of the list. */
static al_status drive(const al_check_options *options, const al_domain_list *list, size_t first,
		       size_t stride, al_summary *total)
{
	driver d;
	memset(&d, 0, sizeof(d));
	d.o = options;
	d.list = list;
	d.stride = stride;
	d.next_index = first;
	d.job_count = options->jobs ? options->jobs : 200;
	if (d.job_count > 100000)
		d.job_count = 100000;
	size_t listed = al_domain_list_count(list);
	size_t count = listed > first ? (listed - first + stride - 1) / stride : 0; /* mine */
	if (d.job_count > count && count > 0)
		d.job_count = count;
	size_t max_questions = options->max_questions ? options->max_questions : 500;
	double max_seconds = options->max_seconds > 0 ? options->max_seconds : 60;
	al_lint_options lo = options->lint;
	lo.on_diag = on_diag;
	lo.on_unit_end = on_unit_end;
	lo.userdata = &d;
	al_status st = al_lint_new(&d.lint, &lo);
	if (st != AL_OK)
		return st;
	al_lint_want_inventory(d.lint, true);
	d.jobs = calloc(d.job_count ? d.job_count : 1, sizeof(*d.jobs));
	d.free_slots = calloc(d.job_count ? d.job_count : 1, sizeof(*d.free_slots));
	if (d.jobs == NULL || d.free_slots == NULL) {
		al_lint_free(d.lint);
		free(d.jobs);
		free(d.free_slots);
		return AL_ENOMEM;
	}
	for (size_t i = d.job_count; i-- > 0;)
		d.free_slots[d.free_count++] = i;
	if (options->live != NULL)
		al_live_set_prefetch(options->live, al_bulk_prefetch_hint, &d);
	d.t0 = al_clock_now();
	d.last_progress = d.t0;
	double last_check = d.t0;
	while (st == AL_OK && d.done < count) {
		/* first finish what can go further, then take new domains */
		for (size_t guard = 0; d.ready_head != NULL && guard < 1000000 && st == AL_OK; guard++) {
			if (cancelled(&d)) {
				st = AL_ECANCELED;
				break;
			}
			job *j = d.ready_head;
			d.ready_head = j->next_ready;
			if (d.ready_head == NULL)
				d.ready_tail = NULL;
			j->queued = false;
			st = run_pass(&d, j);
		}
		while (st == AL_OK && d.active < d.job_count && d.next_index < listed) {
			if (cancelled(&d)) {
				st = AL_ECANCELED;
				break;
			}
			job *j = free_job(&d);
			if (j == NULL)
				break;
			memset(j, 0, sizeof(*j));
			j->in_use = true;
			j->driver = &d;
			j->index = d.next_index;
			d.next_index += d.stride;
			j->started = al_clock_now();
			j->deadline = j->started + max_seconds;
			j->waiter.ready = on_ready;
			j->waiter.userdata = &d;
			j->waiter.max_questions = max_questions;
			d.active++;
			if (!ask_first(&d, j))
				st = run_pass(&d, j);
		}
		if (st != AL_OK || d.done >= count)
			break;
		if (d.ready_head == NULL) {
			/* a bounded wait: cancellation is asked again after it */
			if (options->live != NULL)
				al_live_poll(options->live, 100);
			else
				check_deadlines(&d, INFINITY); /* nothing can come: stop waiting */
			if (cancelled(&d)) {
				st = AL_ECANCELED;
				break;
			}
		}
		double now = al_clock_now();
		if (now - last_check >= 0.05) {
			check_deadlines(&d, now);
			last_check = now;
		}
		report_progress(&d, false);
	}
	report_progress(&d, true);
	if (options->live != NULL)
		al_live_set_prefetch(options->live, NULL, NULL);
	/* domains still in flight after an error or a cancellation: let go of their pins */
	for (size_t i = 0; i < d.job_count; i++)
		if (d.jobs[i].in_use)
			finish_job(&d, &d.jobs[i]);
	if (total != NULL) {
		*total = *al_lint_summary(d.lint);
		if (d.budget_total.incomplete)
			total->incomplete = true;
	}
	al_lint_free(d.lint);
	free(d.jobs);
	free(d.free_slots);
	free(d.diags);
	return st;
}

/* ---- several event loops -------------------------------------------------------------- */

/*
 * With options->threads > 1, the list is dealt round-robin to that many
 * threads, each with an event loop, a live engine and a cache of its own
 * (made by options->open_sources; the first thread uses the ones given).
 * The lint checks are CPU work, so a second core doubles the rate; what the
 * threads share (the registry, the configuration, a zone store) is only read.
 * Results and progress reach the callbacks one at a time.
 */
typedef struct threaded {
	const al_check_options *options;
	const al_domain_list *list;
	pthread_mutex_t lock;
	al_check_progress *progress; /* per thread */
	size_t threads;
	size_t total_domains;
} threaded;

typedef struct worker {
	threaded *shared;
	al_check_options options;
	al_check_sources sources;
	bool own_sources;
	size_t index;
	al_summary summary;
	al_status status;
	pthread_t thread;
} worker;

static void threaded_result(void *userdata, const al_domain_result *r)
{
	worker *w = userdata;
	threaded *t = w->shared;
	pthread_mutex_lock(&t->lock);
	t->options->on_result(t->options->userdata, r);
	pthread_mutex_unlock(&t->lock);
}

static void threaded_progress(void *userdata, const al_check_progress *p)
{
	worker *w = userdata;
	threaded *t = w->shared;
	pthread_mutex_lock(&t->lock);
	t->progress[w->index] = *p;
	al_check_progress sum;
	memset(&sum, 0, sizeof(sum));
	for (size_t i = 0; i < t->threads; i++) {
		const al_check_progress *q = &t->progress[i];
		sum.done += q->done;
		sum.in_flight += q->in_flight;
		sum.findings += q->findings;
		sum.incomplete += q->incomplete;
		sum.queries += q->queries;
		if (q->elapsed > sum.elapsed)
			sum.elapsed = q->elapsed;
	}
	sum.total = t->total_domains;
	sum.rate = sum.elapsed > 0 ? (double)sum.done / sum.elapsed : 0;
	sum.eta = sum.rate > 0 ? (double)(sum.total - sum.done) / sum.rate : 0;
	t->options->on_progress(t->options->progress_userdata, &sum);
	pthread_mutex_unlock(&t->lock);
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	w->status = drive(&w->options, w->shared->list, w->index, w->shared->threads, &w->summary);
	return NULL;
}

al_status al_check_domains(const al_check_options *options, const al_domain_list *list, al_summary *total)
{
	if (total != NULL)
		memset(total, 0, sizeof(*total));
	if (options == NULL || list == NULL || options->lint.rules == NULL)
		return AL_EINVAL;
	size_t threads = options->threads;
	size_t count = al_domain_list_count(list);
	if (threads > 64)
		threads = 64;
	if (threads <= 1 || options->open_sources == NULL || count < 2 * threads)
		return drive(options, list, 0, 1, total);

	threaded t;
	memset(&t, 0, sizeof(t));
	al_check_options base = *options;
	t.options = &base;
	t.list = list;
	t.threads = threads;
	t.total_domains = count;
	t.progress = calloc(threads, sizeof(*t.progress));
	worker *w = calloc(threads, sizeof(*w));
	if (t.progress == NULL || w == NULL) {
		free(t.progress);
		free(w);
		return AL_ENOMEM;
	}
	pthread_mutex_init(&t.lock, NULL);
	(void)al_rules_at(options->lint.rules, 0); /* sorts the registry once, here */
	al_status st = AL_OK;
	for (size_t i = 0; i < threads && st == AL_OK; i++) {
		w[i].shared = &t;
		w[i].index = i;
		w[i].options = base;
		if (i > 0) {
			st = options->open_sources(options->sources_userdata, &w[i].sources);
			if (st != AL_OK)
				break;
			w[i].own_sources = true;
			w[i].options.live = w[i].sources.live;
			w[i].options.lint.source = w[i].sources.source;
		}
		if (options->on_result != NULL) {
			w[i].options.on_result = threaded_result;
			w[i].options.userdata = &w[i];
		}
		if (options->on_progress != NULL) {
			w[i].options.on_progress = threaded_progress;
			w[i].options.progress_userdata = &w[i];
		}
	}
	size_t started = 0;
	for (size_t i = 0; i < threads && st == AL_OK; i++) {
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0) {
			st = AL_ENOMEM;
			break;
		}
		started++;
	}
	for (size_t i = 0; i < started; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].status != AL_OK && st == AL_OK)
			st = w[i].status;
		if (total != NULL)
			al_summary_add(total, &w[i].summary);
	}
	for (size_t i = 0; i < threads; i++)
		if (w[i].own_sources && options->close_sources != NULL)
			options->close_sources(options->sources_userdata, &w[i].sources);
	pthread_mutex_destroy(&t.lock);
	free(t.progress);
	free(w);
	if (st == AL_OK && started < threads)
		st = AL_ENOMEM; /* a share of the list was not checked */
	return st;
}
