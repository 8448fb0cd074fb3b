/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The collection behind reports.h: aggregate.c adds up, attribute.c judges
 * sources through SPF, write*.c write it out. */
#ifndef AL_REPORTS_INTERNAL_H
#define AL_REPORTS_INTERNAL_H

#include <authlint/reports.h>

#include "util/arena.h"
#include "util/hash.h"

#define AL_RPT_MAX_SMALL 8 /* distinct values kept per source (signers, reasons, reporters) */

typedef struct rpt_count {
	const char *key;  /* "example.com s1", "forwarded", "google.com" */
	uint64_t messages, passed;
} rpt_count;

/* Up to AL_RPT_MAX_SMALL distinct keys with their counts; more are counted in
 * `others`. The array grows in the collection's arena as keys come (most
 * sources have one or two), so a source costs little. */
typedef struct rpt_small {
	rpt_count *items;
	size_t count, capacity;
	uint64_t others;
} rpt_small;

/* One report counted. */
typedef struct rpt_report {
	const char *domain, *org_name, *report_id, *path, *member, *p, *sp, *np, *testing, *discovery_method;
	al_report_format format;
	int64_t begin, end;
	int pct;
	uint64_t records, messages, dmarc_pass;
	bool complete; /* its </feedback> was reached */
} rpt_report;

typedef struct rpt_day {
	int64_t day;      /* days since the epoch (UTC) */
	double messages, passed;
} rpt_day;

typedef struct rpt_domain {
	const char *name;
	uint64_t messages, dmarc_pass, dkim_aligned, spf_aligned, reports;
	uint64_t disposition[6];     /* by al_report_disposition */
	uint64_t test_mode;          /* messages with reason policy_test_mode */
	rpt_small test_reporters;     /* reporters of those, messages */
	rpt_small enforced;          /* failing mail given quarantine or reject without policy_test_mode:
					"reporter\tdisposition", messages */
	rpt_small reporters;         /* org names, messages */
	rpt_small policies;          /* "p=none sp=- pct=100 t=-" as reporters saw it */
	rpt_day *days;
	size_t day_count, day_capacity;
	int64_t first, last;         /* the period the reports cover */
	/* the SPF record judged by (attribution) */
	const char *spf_note;        /* why sources were not attributed, or NULL */
} rpt_domain;

typedef struct rpt_source {
	rpt_domain *domain;
	const char *ip;
	uint64_t messages, dmarc_pass, dkim_aligned, spf_aligned;
	uint64_t disposition[6];
	rpt_small header_from, envelope_from, signers, reasons, reporters;
	/* attribution */
	bool attributed;             /* check_host was run */
	const char *spf_result;      /* "pass", "fail", ... */
	const char *spf_term;        /* the top-level term that decided ("include:sendgrid.net") */
	const char *service;         /* the service behind it, from the senders catalog */
	const char *spf_note;        /* why not attributed, or what limited it */
	const char *whatif_result;   /* with --spf: the result under the proposed record */
	const char *whatif_term;
} rpt_source;

struct al_reports {
	al_reports_options options;
	al_report_limits limits;
	al_arena arena;
	al_map seen;                 /* "org\nid" -> report index + 1 */
	rpt_report *reports;
	size_t report_count, report_capacity;
	size_t duplicates;
	al_map domains;              /* name -> rpt_domain */
	rpt_domain **domain_list;
	size_t domain_count, domain_capacity;
	al_map sources;              /* "domain ip" -> rpt_source */
	rpt_source **source_list;
	al_map strings;              /* the keys of the small counts, one copy each */
	size_t source_count, source_capacity;
	al_reports_problem *problems;
	size_t problem_count, problem_capacity, fatal_count;
	bool attributed;             /* al_reports_attribute ran */
	/* while a report is read */
	rpt_report *current;
	rpt_domain *last_domain;     /* the domain of the last record counted */
	const char *current_policy; /* the policy the current report saw, as text (interned) */
	const char *current_org;    /* its reporter (interned) */
	bool skipping;
};

const char *al_rpt_strdup(al_reports *r, const char *s);
void al_rpt_small_add(al_reports *r, rpt_small *s, const char *key, uint64_t messages, uint64_t passed);
/* The REPORT findings of one domain through @p lint (one unit), and a domain by name (NULL: none). */
void al_rpt_lint_domain(al_lint *lint, const al_reports *r, const rpt_domain *d);
const rpt_domain *al_rpt_find_domain(const al_reports *r, const char *name);
/* Domains and sources in output order: domains by name, sources by messages (most first), then address. */
void al_rpt_sort(al_reports *r);

#endif
