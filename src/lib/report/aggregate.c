/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Adding reports up (reports.h). Each record goes into its domain (the
 * policy_published domain, else the header From domain) and into its source
 * (domain and address) as it is read; nothing of a record is kept after that.
 * A report with the reporter and report id of one already counted is skipped.
 * A report over several days is spread over them in proportion to the time
 * each day holds.
 */
#include "report/reports_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

#define DAY 86400
#define MAX_SPREAD_DAYS 366 /* a longer period counts in its first day only */
#define MAX_DOMAINS 100000
#define MAX_SOURCES 10000000
#define SOURCE_ITEMS 2 /* room for the first keys of each small table of a source */
#define SMALLS 5       /* the small tables of a source */

const char *al_rpt_strdup(al_reports *r, const char *s)
{
	return s != NULL ? al_arena_strdup(&r->arena, s) : NULL;
}

/* One copy of each distinct string counted (signers, domains, reporters, reasons): the
 * small counts compare pointers, and a source's keys cost nothing more. */
static const char *intern(al_reports *r, const char *s)
{
	const char *k = al_map_get(&r->strings, s);
	if (k != NULL)
		return k;
	k = al_rpt_strdup(r, s);
	if (k == NULL || !al_map_put(&r->strings, k, (void *)k))
		return NULL;
	return k;
}

/* Add to the count of @p k, a key intern() gave. */
static void small_add(al_reports *r, rpt_small *s, const char *k, uint64_t messages, uint64_t passed)
{
	if (k == NULL)
		return;
	for (size_t i = 0; i < s->count; i++)
		if (s->items[i].key == k) {
			s->items[i].messages += messages;
			s->items[i].passed += passed;
			return;
		}
	if (s->count < AL_RPT_MAX_SMALL) {
		rpt_count *items = al_arena_grow(&r->arena, s->items, s->count, &s->capacity, sizeof(*items));
		if (items != NULL) {
			s->items = items;
			s->items[s->count++] = (rpt_count){k, messages, passed};
		}
		return;
	}
	s->others += messages;
}

void al_rpt_small_add(al_reports *r, rpt_small *s, const char *key, uint64_t messages, uint64_t passed)
{
	if (key != NULL)
		small_add(r, s, intern(r, key), messages, passed);
}

static void problem(al_reports *r, const char *path, const char *member, size_t line, const char *message,
		    bool fatal)
{
	if (!AL_GROW_ONE(r->problems, r->problem_count, r->problem_capacity))
		return;
	al_reports_problem *p = &r->problems[r->problem_count++];
	p->path = al_rpt_strdup(r, path);
	p->member = al_rpt_strdup(r, member);
	p->line = line;
	p->message = al_rpt_strdup(r, message);
	p->fatal = fatal;
	if (fatal)
		r->fatal_count++;
}

static void on_problem(void *ctx, const al_report_problem *p)
{
	problem(ctx, p->origin.path, p->origin.member, p->origin.line, p->message, p->fatal);
}

static rpt_domain *domain_of(al_reports *r, const char *name)
{
	rpt_domain *d = al_map_get(&r->domains, name);
	if (d != NULL || r->domain_count >= MAX_DOMAINS)
		return d;
	d = al_arena_calloc(&r->arena, 1, sizeof(*d));
	if (d == NULL || !AL_GROW_ONE(r->domain_list, r->domain_count, r->domain_capacity))
		return NULL;
	d->name = al_rpt_strdup(r, name);
	d->first = d->last = -1;
	if (d->name == NULL || !al_map_put(&r->domains, d->name, d))
		return NULL;
	r->domain_list[r->domain_count++] = d;
	return d;
}

/* The source of address @p ip in @p d: keyed "domain ip", both lower case as
 * the reader gives them (a map that compares bytes). */
static rpt_source *source_of(al_reports *r, rpt_domain *d, const char *ip)
{
	char key[512];
	size_t dn = strlen(d->name), in = strlen(ip);
	if (dn + 1 + in >= sizeof(key))
		in = dn + 1 < sizeof(key) - 1 ? sizeof(key) - 2 - dn : 0;
	if (dn + 1 + in >= sizeof(key))
		return NULL;
	memcpy(key, d->name, dn);
	key[dn] = ' ';
	memcpy(key + dn + 1, ip, in);
	key[dn + 1 + in] = '\0';
	rpt_source *s = al_map_get(&r->sources, key);
	if (s != NULL) {
		/* the record updates most of the block: its lines are asked for at once, not one by one */
		for (size_t at = 0; at < sizeof(*s) + SMALLS * SOURCE_ITEMS * sizeof(rpt_count); at += 64)
			__builtin_prefetch((const char *)s + at, 1);
		return s;
	}
	if (r->source_count >= MAX_SOURCES)
		return NULL;
	/* one block: the source, the first counts of its five small tables, its key; a
	 * record touches all of them, so they are best together */
	rpt_small *smalls[SMALLS];
	size_t nsmall = SMALLS;
	size_t klen = dn + 1 + in + 1;
	s = al_arena_calloc(&r->arena, 1, sizeof(*s) + nsmall * SOURCE_ITEMS * sizeof(rpt_count) + klen);
	if (s == NULL || !AL_GROW_ONE(r->source_list, r->source_count, r->source_capacity))
		return NULL;
	smalls[0] = &s->header_from, smalls[1] = &s->envelope_from, smalls[2] = &s->signers;
	smalls[3] = &s->reasons, smalls[4] = &s->reporters;
	rpt_count *items = (rpt_count *)(s + 1);
	for (size_t i = 0; i < nsmall; i++) {
		smalls[i]->items = items + i * SOURCE_ITEMS;
		smalls[i]->capacity = SOURCE_ITEMS;
	}
	char *k = (char *)(items + nsmall * SOURCE_ITEMS);
	memcpy(k, key, klen);
	s->domain = d;
	s->ip = k + dn + 1;
	if (!al_map_put(&r->sources, k, s))
		return NULL;
	r->source_list[r->source_count++] = s;
	return s;
}

static void add_day(rpt_domain *d, int64_t day, double messages, double passed)
{
	for (size_t i = d->day_count; i > 0; i--)
		if (d->days[i - 1].day == day) {
			d->days[i - 1].messages += messages;
			d->days[i - 1].passed += passed;
			return;
		}
	if (!AL_GROW_ONE(d->days, d->day_count, d->day_capacity))
		return;
	d->days[d->day_count++] = (rpt_day){day, messages, passed};
}

/* The record's count over the report's days, each in proportion to its share of the period. */
static void spread(rpt_domain *d, int64_t begin, int64_t end, uint64_t count, uint64_t passed)
{
	if (begin < 0)
		return; /* no period: counted in the totals, not in the trend */
	if (end <= begin || (end - begin) / DAY > MAX_SPREAD_DAYS) {
		add_day(d, begin / DAY, (double)count, (double)passed);
		return;
	}
	/* RFC 7489 ranges end at the last second (86399) or at the next midnight; both are one day */
	int64_t stop = (end - begin) % DAY == DAY - 1 ? end + 1 : end;
	double total = (double)(stop - begin);
	for (int64_t t = begin; t < stop;) {
		int64_t next = (t / DAY + 1) * DAY;
		if (next > stop)
			next = stop;
		double share = (double)(next - t) / total;
		add_day(d, t / DAY, (double)count * share, (double)passed * share);
		t = next;
	}
}

static al_report_action on_report(void *ctx, const al_report_meta *m)
{
	al_reports *r = ctx;
	r->current = NULL;
	r->skipping = false;
	char key[1024];
	if (m->org_name != NULL && m->report_id != NULL) {
		snprintf(key, sizeof(key), "%s\n%s\n%s", m->org_name, m->report_id,
			 m->policy.domain != NULL ? m->policy.domain : "");
		if (al_map_get(&r->seen, key) != NULL) {
			r->duplicates++;
			r->skipping = true;
			return AL_REPORT_SKIP;
		}
		const char *k = al_rpt_strdup(r, key);
		if (k != NULL)
			al_map_put(&r->seen, k, (void *)1);
	}
	if (!AL_GROW_ONE(r->reports, r->report_count, r->report_capacity))
		return AL_REPORT_STOP;
	rpt_report *rep = &r->reports[r->report_count++];
	memset(rep, 0, sizeof(*rep));
	rep->domain = al_rpt_strdup(r, m->policy.domain);
	rep->org_name = al_rpt_strdup(r, m->org_name);
	rep->report_id = al_rpt_strdup(r, m->report_id);
	rep->path = al_rpt_strdup(r, m->origin.path);
	rep->member = al_rpt_strdup(r, m->origin.member);
	rep->p = al_rpt_strdup(r, m->policy.p);
	rep->sp = al_rpt_strdup(r, m->policy.sp);
	rep->np = al_rpt_strdup(r, m->policy.np);
	rep->testing = al_rpt_strdup(r, m->policy.testing);
	rep->discovery_method = al_rpt_strdup(r, m->policy.discovery_method);
	rep->format = m->format;
	rep->begin = m->begin;
	rep->end = m->end;
	rep->pct = m->policy.pct;
	r->current = rep;
	/* the policy as this reporter saw it, once per report */
	char policy[160], pct[16] = "";
	if (m->policy.pct >= 0)
		snprintf(pct, sizeof(pct), " pct=%d", m->policy.pct);
	snprintf(policy, sizeof(policy), "p=%s sp=%s%s%s%s%s%s", m->policy.p ? m->policy.p : "-",
		 m->policy.sp ? m->policy.sp : "-", m->policy.np ? " np=" : "", m->policy.np ? m->policy.np : "", pct,
		 m->policy.testing ? " t=" : "", m->policy.testing ? m->policy.testing : "");
	r->current_policy = intern(r, policy);
	r->current_org = intern(r, m->org_name != NULL ? m->org_name : "(no org_name)");
	if (rep->domain != NULL) {
		rpt_domain *d = domain_of(r, rep->domain);
		if (d != NULL) {
			d->reports++;
			if (m->begin >= 0 && (d->first < 0 || m->begin < d->first))
				d->first = m->begin;
			if (m->end >= 0 && m->end > d->last)
				d->last = m->end;
		}
	}
	return AL_REPORT_CONTINUE;
}

/* "domain s=selector" (or "domain" without a selector) into @p out, cut to fit. */
static void signer_key(char *out, size_t size, const al_report_dkim *k)
{
	const char *parts[3] = {k->domain ? k->domain : "(no domain)", k->selector ? " s=" : "",
				k->selector ? k->selector : ""};
	size_t at = 0;
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(parts[i]);
		if (n > size - 1 - at)
			n = size - 1 - at;
		memcpy(out + at, parts[i], n);
		at += n;
	}
	out[at] = '\0';
}

static al_report_action on_record(void *ctx, const al_report_meta *m, const al_report_record *rec)
{
	al_reports *r = ctx;
	rpt_report *rep = r->current;
	if (rep == NULL || r->skipping)
		return AL_REPORT_CONTINUE;
	const char *name = m->policy.domain != NULL ? m->policy.domain : rec->header_from;
	if (name == NULL)
		name = "(no domain)";
	/* the records of a report are mostly of one domain: the last one is tried first */
	rpt_domain *d = r->last_domain;
	if (d == NULL || strcmp(d->name, name) != 0) {
		d = domain_of(r, name);
		if (d == NULL)
			return AL_REPORT_CONTINUE;
		r->last_domain = d;
	}
	uint64_t n = rec->count;
	bool dkim = rec->dkim == AL_RR_PASS, spf = rec->spf == AL_RR_PASS;
	/* DMARC passes when an aligned DKIM or SPF passes (RFC 7489 section 6.6.2, RFC 9989) */
	uint64_t pass = dkim || spf ? n : 0;
	rep->records++;
	rep->messages += n;
	rep->dmarc_pass += pass;
	d->messages += n;
	d->dmarc_pass += pass;
	d->dkim_aligned += dkim ? n : 0;
	d->spf_aligned += spf ? n : 0;
	d->disposition[rec->disposition] += n;
	const char *org = r->current_org;
	small_add(r, &d->reporters, org, n, pass);
	small_add(r, &d->policies, r->current_policy, n, pass);
	bool test_mode = false;
	for (size_t i = 0; i < rec->reason_count; i++)
		if (rec->reasons[i].type != NULL && strcmp(rec->reasons[i].type, "policy_test_mode") == 0)
			test_mode = true;
	if (test_mode) {
		d->test_mode += n;
		small_add(r, &d->test_reporters, org, n, pass);
	} else if (pass == 0 && (rec->disposition == AL_DISP_QUARANTINE ||
				 rec->disposition == AL_DISP_REJECT)) {
		char key[300];
		snprintf(key, sizeof(key), "%s\t%s", org,
			 rec->disposition == AL_DISP_REJECT ? "reject" : "quarantine");
		al_rpt_small_add(r, &d->enforced, key, n, 0);
	}
	spread(d, m->begin, m->end, n, pass);

	const char *ip = rec->source_ip != NULL ? rec->source_ip : "(no address)";
	rpt_source *s = source_of(r, d, ip);
	if (s == NULL)
		return AL_REPORT_CONTINUE;
	s->messages += n;
	s->dmarc_pass += pass;
	s->dkim_aligned += dkim ? n : 0;
	s->spf_aligned += spf ? n : 0;
	s->disposition[rec->disposition] += n;
	al_rpt_small_add(r, &s->header_from, rec->header_from, n, pass);
	/* the envelope domain: identifiers, else the SPF result's domain (RFC 7489 reports) */
	const char *envelope = rec->envelope_from;
	for (size_t i = 0; envelope == NULL && i < rec->spf_count; i++)
		if (rec->spf_results[i].scope == NULL || strcmp(rec->spf_results[i].scope, "mfrom") == 0)
			envelope = rec->spf_results[i].domain;
	al_rpt_small_add(r, &s->envelope_from, envelope, n, pass);
	for (size_t i = 0; i < rec->dkim_count; i++) {
		const al_report_dkim *k = &rec->dkim_results[i];
		char signer[512];
		signer_key(signer, sizeof(signer), k);
		al_rpt_small_add(r, &s->signers, signer, n, k->result == AL_RR_PASS ? n : 0);
	}
	for (size_t i = 0; i < rec->reason_count; i++)
		al_rpt_small_add(r, &s->reasons, rec->reasons[i].type, n, pass);
	small_add(r, &s->reporters, org, n, pass);
	return AL_REPORT_CONTINUE;
}

static void on_report_end(void *ctx, const al_report_meta *m, size_t records)
{
	(void)m;
	(void)records;
	al_reports *r = ctx;
	if (r->current != NULL)
		r->current->complete = true;
	r->current = NULL;
}

al_status al_reports_new(const al_reports_options *options, al_reports **out)
{
	*out = NULL;
	al_reports *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return AL_ENOMEM;
	if (options != NULL) {
		r->options = *options;
		if (options->limits != NULL) {
			r->limits = *options->limits;
			r->options.limits = &r->limits;
		}
	}
	al_arena_init(&r->arena);
	al_map_init(&r->seen, false);
	al_map_init(&r->domains, true);
	al_map_init(&r->sources, false);
	al_map_init(&r->strings, false);
	if (r->options.spf_record != NULL)
		r->options.spf_record = al_rpt_strdup(r, r->options.spf_record);
	*out = r;
	return AL_OK;
}

void al_reports_free(al_reports *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->domain_count; i++)
		free(r->domain_list[i]->days);
	free(r->domain_list);
	free(r->source_list);
	free(r->reports);
	free(r->problems);
	al_map_free(&r->seen);
	al_map_free(&r->domains);
	al_map_free(&r->sources);
	al_map_free(&r->strings);
	al_arena_clear(&r->arena);
	free(r);
}

static al_report_callbacks callbacks(al_reports *r)
{
	al_report_callbacks cb = {on_report, on_record, on_report_end, on_problem, r};
	return cb;
}

al_status al_reports_read_path(al_reports *r, const char *path)
{
	al_report_callbacks cb = callbacks(r);
	return al_report_read_path(path, r->options.limits, &cb);
}

al_status al_reports_read_memory(al_reports *r, const char *name, const void *data, size_t length)
{
	al_report_callbacks cb = callbacks(r);
	return al_report_read_memory(name, data, length, r->options.limits, &cb);
}

size_t al_reports_problem_count(const al_reports *r)
{
	return r->problem_count;
}

const al_reports_problem *al_reports_problem_at(const al_reports *r, size_t index)
{
	return index < r->problem_count ? &r->problems[index] : NULL;
}

size_t al_reports_fatal_count(const al_reports *r)
{
	return r->fatal_count;
}

size_t al_reports_count(const al_reports *r)
{
	return r->report_count;
}

size_t al_reports_duplicates(const al_reports *r)
{
	return r->duplicates;
}

static int cmp_domain(const void *a, const void *b)
{
	return strcmp((*(rpt_domain *const *)a)->name, (*(rpt_domain *const *)b)->name);
}

static int cmp_source(const void *a, const void *b)
{
	const rpt_source *x = *(rpt_source *const *)a, *y = *(rpt_source *const *)b;
	int c = strcmp(x->domain->name, y->domain->name);
	if (c != 0)
		return c;
	if (x->messages != y->messages)
		return x->messages > y->messages ? -1 : 1;
	return strcmp(x->ip, y->ip);
}

static int cmp_day(const void *a, const void *b)
{
	const rpt_day *x = a, *y = b;
	return x->day < y->day ? -1 : x->day > y->day;
}

void al_rpt_sort(al_reports *r)
{
	if (r->domain_count > 1)
		qsort(r->domain_list, r->domain_count, sizeof(*r->domain_list), cmp_domain);
	if (r->source_count > 1)
		qsort(r->source_list, r->source_count, sizeof(*r->source_list), cmp_source);
	for (size_t i = 0; i < r->domain_count; i++)
		if (r->domain_list[i]->day_count > 1)
			qsort(r->domain_list[i]->days, r->domain_list[i]->day_count, sizeof(rpt_day), cmp_day);
}
