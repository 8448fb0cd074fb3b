/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The planner's working state, shared by build.c (stages) and gates.c (gates, dates, findings). */
#ifndef AL_PLAN_BUILDER_H
#define AL_PLAN_BUILDER_H

#include "findings_internal.h"
#include "plan/overlay.h"
#include "plan/plan_internal.h"

typedef struct al_plan_strvec {
	const char **items;
	size_t count, capacity;
} al_plan_strvec;

/* A step while the plan is being built. */
typedef struct al_plan_draft {
	al_plan_step_kind kind;
	const char *id;
	const char *title;
	al_plan_policy policy;
	bool record_changes;
	bool adapted;                        /* t=y left out (see place_on_template) */
	const al_plan_template_step *source; /* durations, gates, intends, note, line */
	al_plan_strvec notes;
	al_plan_strvec intended;             /* rule ids */
	const char *text;                    /* the record */
	al_findings lint;                /* the domain linted with this record in place */
	al_findings record_findings;     /* ... the findings about the DMARC record */
	al_plan_gate *gates;
	size_t gate_count;
	al_plan_step_status status;
} al_plan_draft;

/* The strengths of a policy met before (al_planb_strengths). */
typedef struct al_plan_strengths {
	al_plan_policy policy;
	unsigned rfc7489[3], rfc9989[3];
} al_plan_strengths;

#define AL_PLAN_STRENGTH_MEMOS 16

typedef struct al_plan_builder {
	const al_plan_options *options;
	al_plan *plan;
	al_arena *arena;                     /* the plan's */
	char domain[AL_NAME_MAX];
	const char *owner;                   /* _dmarc.<domain> */
	al_plan_overlay *overlay;
	al_source *overlay_source;
	al_source *source;                   /* overlay, then the caller's source */
	al_lint *lint;
	al_findings *collect;            /* where the lint's findings go */
	al_findings now;                 /* the domain as it is */
	al_findings plan_findings;       /* PLAN */
	al_findings *all;                /* both, as the plan hands them out */
	al_plan_draft *drafts;
	size_t draft_count, draft_capacity;
	al_plan_strvec notes;
	al_plan_policy state;                /* the policy in place as steps are added */
	bool state_published;                /* a usable record is in place (now, or after a step) */
	const al_dmarc_record *current;      /* the current record parsed, or NULL */
	uint32_t publish_ttl;                /* TTL of the records the plan publishes */
	char today[11];                      /* the start date: waivers are judged on it */
	bool current_failed;                 /* the _dmarc lookup failed (LOOKUP001), else not made */
	const char *current_reason;          /* why, for the LOOKUP finding */
	const char *current_server;
	al_status status;                    /* AL_ENOMEM once memory ran out */
	/* placing on the template asks the strengths of the same few policies again and again:
	 * each is a record written and parsed */
	al_plan_strengths strengths[AL_PLAN_STRENGTH_MEMOS];
	size_t strength_count, strength_next;
} al_plan_builder;

/* al_plan_policy_strengths, answered from the policies asked before when it is one of them. */
void al_planb_strengths(al_plan_builder *b, const al_plan_policy *policy, al_dmarc_target target,
			unsigned *rfc7489, unsigned *rfc9989);

/* Vectors in the plan's arena (the finding lists too: al_findings_init(list, b->arena)). */
bool al_plan_strvec_push(al_plan_builder *b, al_plan_strvec *v, const char *item);
bool al_plan_note(al_plan_builder *b, al_plan_strvec *v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Evaluate every draft's gates and status (gates.c). */
void al_plan_evaluate_gates(al_plan_builder *b);
/* Raise the plan's own findings: blocked step, unexpected record findings, gates not checked. */
void al_plan_raise_findings(al_plan_builder *b);
/* Turn drafts into the public steps: records, effects, dates, rollbacks. */
void al_plan_finish_steps(al_plan_builder *b);

/* With reports (evidence.c): what they show for the domain; its REPORT findings into the
 * domain's; a confirm item the reports measure, as a gate (false: not one of those); and
 * each step's impact, once the steps are finished. */
void al_plan_gather_evidence(al_plan_builder *b);
void al_plan_report_findings(al_plan_builder *b);
bool al_plan_measured_gate(al_plan_builder *b, const char *confirm, al_plan_gate *g);
/* The gate of authorized services failing alignment (REPORT002): it blocks every step that enforces. */
void al_plan_services_gate(al_plan_builder *b, al_plan_gate *g);
void al_plan_measure_impacts(al_plan_builder *b);

#endif
