/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The state of a propagation run, shared by run.c (asking) and result.c (comparing). */
#ifndef AL_PROPAGATION_RUN_INTERNAL_H
#define AL_PROPAGATION_RUN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "findings_internal.h"
#include "propagation/prop_internal.h"
#include "util/grow.h"

/** A server given by hand. */
typedef struct pmanual {
	const char *name;
	al_dns_server addr;
} pmanual;

/** A server of a domain: authoritative for a zone, or a resolver. */
typedef struct pserver {
	const char *name;
	al_dns_server addr;
	al_prop_role role;
	const char *zone;         /* authoritative: the zone */
	bool manual;
	bool skipped;
	const char *skip_reason;
	size_t order;             /* position when added */
} pserver;

/** The zone of a report-authorization name outside the domain's zone. */
typedef struct preport_zone {
	const char *name;
	const char *apex;         /* NULL when it could not be found */
} preport_zone;

typedef struct pdomain {
	const char *domain;
	const char *org;          /* organizational domain (PSL) */
	bool discovered;
	bool probed;              /* common selectors probed */
	const char *zone;         /* the zone apex, or NULL */
	pserver *servers;
	size_t server_count, server_capacity;
	const char **problems;
	al_prop_issue *problem_items; /* problems[i] with its parts */
	size_t problem_count, problem_capacity;
	const char **notes;
	al_prop_issue *note_items;    /* notes[i] with its parts */
	size_t note_count, note_capacity;
	const char **selectors;
	size_t selector_count, selector_capacity;
	preport_zone *report_zones;
	size_t report_zone_count, report_zone_capacity;
} pdomain;

/** One query in flight or answered. */
typedef struct ask {
	bool used;               /* a query was started */
	bool done;               /* the callback ran (reply may still be NULL: out of memory) */
	bool start_failed;       /* the engine refused the request */
	al_dns_reply *reply;
} ask;

/** An address of a name server found by discovery. */
typedef struct zaddr {
	const char *ns;
	al_dns_server addr;
} zaddr;

#define AL_PROP_JOB_NS 16

/** Discovery of one zone: name -> apex -> NS names -> addresses. */
typedef struct zjob {
	const char *name;
	const char *apex;
	al_prop_issue problem;         /* kind 0: none */
	al_prop_issue address_problem; /* the last name server whose addresses are missing */
	const char *ns[AL_PROP_JOB_NS];
	size_t ns_count;
	zaddr *addresses;        /* malloc()ed */
	size_t address_count, address_capacity;
} zjob;

/** One name of one domain asked in a round. */
typedef struct pname {
	pdomain *domain;
	const char *name;
	uint16_t type;
	const char *purpose;
	const char *zone;
	const char *selector;    /* a probe: the selector probed */
	ask *asks;               /* one per server of the domain when asked (index = server) */
	size_t ask_count;
} pname;

typedef struct preport {
	pdomain *domain;
	const char *name;
} preport;

typedef struct round_state {
	al_arena *arena;         /* the result's */
	al_findings *findings;   /* the result's findings */
	int64_t started;         /* Unix time the round started */
	pname *names;
	size_t name_count, name_capacity;
	preport *reports;
	size_t report_count, report_capacity;
} round_state;

struct al_prop {
	al_prop_options opt;
	al_arena arena;          /* lives as long as the run */
	al_dns_engine *engine;
	al_dns_server *resolvers;
	size_t resolver_count;
	bool system_resolvers;   /* read from resolv.conf */
	bool discover;           /* find the servers (else: only the servers given) */
	pmanual *manual;
	size_t manual_count, manual_capacity;
	pdomain *domains;
	size_t domain_count, domain_capacity;
	al_source *expect;
	double timeout;
	unsigned tries;
	double round_seconds;
	size_t max_servers, max_names;
	bool zones_read;         /* the zone files' selectors were read for the domains */
	const char **probe_list; /* the DKIM selector discovery list (selector_list.h), in arena */
	size_t probe_count;
	bool probe_loaded;
	/* rounds */
	al_arena result_arena[2];
	al_findings result_findings[2]; /* the rounds' findings, strings in result_arena */
	al_prop_result *current, *previous;
	unsigned rounds;
	size_t round_queries;
	double deadline;
	bool out_of_time;
};

/** Build the round's result (in rs->arena) from the replies. */
al_status al_prop_build_result(al_prop *p, round_state *rs, al_prop_result **out);

/* ---- shared by run.c (options, names, rounds) and discover.c (zones, servers) ---- */

#define MAX_NS_NAMES 16
#define MAX_ADDRESSES_PER_NS 8

void al_propr_add_problem(al_prop *p, pdomain *d, al_prop_issue is);
void al_propr_ask_release(ask *a);
void al_propr_ask_start(al_prop *p, ask *a, const char *name, uint16_t type, const al_dns_server *servers,
		      size_t count, bool rd);
al_prop_issue al_propr_issue(al_prop_issue_kind kind, const char *name, const char *detail);
bool al_propr_routable(const al_dns_server *s, const char **why);
void al_propr_wait_all(al_prop *p);
void al_propr_add_zone_servers(al_prop *p, pdomain *d, const zjob *job, bool with_manual);
al_status al_propr_discover_domains(al_prop *p);
void al_propr_discover_zones(al_prop *p, zjob *jobs, size_t count);
void al_propr_zjobs_free(zjob *jobs, size_t count);

void al_propr_add_note(al_prop *p, pdomain *d, al_prop_issue is);
bool al_propr_add_selector(al_prop *p, pdomain *d, const char *selector);
pname *al_propr_add_name(al_prop *p, round_state *rs, pdomain *d, const char *name, uint16_t type,
		       const char *purpose, const char *zone);
void al_propr_ask_reports(al_prop *p, round_state *rs);
void al_propr_collect_destinations(al_prop *p, round_state *rs, pname *n);
void al_propr_probe_selectors(al_prop *p, round_state *rs);
void al_propr_release_name(pname *n);
bool al_propr_start_name(al_prop *p, pname *n);

#endif
