/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by eval.c and eval_terms.c; private. */
#ifndef AL_SPF_EVAL_INTERNAL_H
#define AL_SPF_EVAL_INTERNAL_H

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "dns/txt.h"
#include "dns/wire.h"
#include "record/spf_syntax.h"
#include "spf/spf_internal.h"
/* Nesting bound: includes count toward the 10, so a deeper stack is a bug or a loop. */
#define MAX_DEPTH 24
#define MAX_EVENTS 4096

typedef enum match {
	NO_MATCH = 0,
	MATCH,
	ABORT, /* the result is already decided: e->abort holds it */
} match;

typedef struct eval {
	al_spf_dns dns;
	al_arena *arena;
	/* the client */
	int family; /* 4 or 6 */
	uint8_t ip[16];
	char ip_text[64];
	char ip_dotted[80];
	/* the identity */
	const char *sender, *local, *sender_domain, *helo, *receiver;
	char timestamp[24];
	/* limits */
	size_t lookups, voids;
	bool explaining; /* exp= is being expanded: its lookups count toward no limit */
	/* %{p} and ptr: validated names, computed once */
	bool ptr_done;
	const char **ptr_names;
	size_t ptr_count;
	/* loop detection */
	const char *stack[MAX_DEPTH + 1];
	unsigned depth;
	/* outcome */
	al_spf_result abort;
	const char *reason;
	const char *mechanism;
	const char *decided_by;
	const char *explanation;
	/* trace */
	bool trace;
	al_spf_event *events;
	size_t event_count, event_capacity;
} eval;

uint16_t al_spfe_address_type(const eval *e);
const char *al_spfe_answer_problem(eval *e, const char *name, uint16_t type, const al_answer *a);
al_spf_result al_spfe_check_host(eval *e, const char *raw_domain, bool in_include);
bool al_spfe_count_void(eval *e, const char *what);
al_spf_macro_env al_spfe_environment(eval *e, const char *domain);
al_spf_event *al_spfe_event(eval *e, al_spf_event_kind kind, const char *domain);
const char *al_spfe_fmt(eval *e, const char *f, ...) __attribute__((format(printf, 2, 3)));
bool al_spfe_prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits);
const al_answer *al_spfe_query(eval *e, const char *domain, const char *name, uint16_t type);
bool al_spfe_rr_matches(const eval *e, const al_rr *rr, int cidr4, int cidr6);
match al_spfe_stop(eval *e, al_spf_result result, const char *reason);
bool al_spfe_validated_names(eval *e, const char *domain);
match al_spfe_eval_a(eval *e, const char *domain, const al_spf_record *rec, const al_spf_term *t,
		    const char *term);
match al_spfe_eval_exists(eval *e, const char *domain, const al_spf_record *rec, const al_spf_term *t,
			 const char *term);
match al_spfe_eval_include(eval *e, const char *domain, const al_spf_record *rec, const al_spf_term *t,
			  const char *term);
match al_spfe_eval_ip(eval *e, const al_spf_term *t);
match al_spfe_eval_mx(eval *e, const char *domain, const al_spf_record *rec, const al_spf_term *t,
		     const char *term);
match al_spfe_eval_ptr(eval *e, const char *domain, const al_spf_record *rec, const al_spf_term *t,
		      const char *term);
void al_spfe_explain(eval *e, const char *domain, const al_spf_record *rec);
const char *al_spfe_term_target(eval *e, const char *domain, const al_spf_record *rec,
			       const al_spf_term *t, bool *invalid, const char **why);

#endif
