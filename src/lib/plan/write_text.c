/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plan as a readable timeline for a terminal. Every string is shown in display form. */
#include <stdio.h>
#include <string.h>

#include "emit/emit_internal.h"
#include "plan/plan_internal.h"
#include "util/escape.h"
#include "util/palette.h"

#define LABEL 11   /* width of the label column */
#define TARGET 14  /* width of the target column of an effect table */

/* Reasons why gates were not checked, said once per plan (bounded). */
#define MAX_REASONS 16

typedef struct text_out {
	al_strbuf *out;
	bool color;
	const char *reasons[MAX_REASONS];
	size_t reason_step[MAX_REASONS];
	size_t reason_count;
} text_out;

static void put(text_out *o, const char *text)
{
	if (text != NULL)
		al_escape_display(o->out, text, strlen(text));
}

static void pad(text_out *o, size_t used, size_t width)
{
	for (size_t i = used; i < width; i++)
		al_strbuf_putc(o->out, ' ');
}

/* "label      " then the value, escaped. */
static void field(text_out *o, const char *indent, const char *label, const char *value)
{
	al_strbuf_puts(o->out, indent);
	al_strbuf_puts(o->out, label);
	pad(o, strlen(label), LABEL);
	put(o, value);
	al_strbuf_putc(o->out, '\n');
}

static void painted(text_out *o, const char *text, const char *sgr)
{
	if (o->color)
		al_strbuf_printf(o->out, "%s%s" AL_SGR_RESET, sgr, text);
	else
		al_strbuf_puts(o->out, text);
}

static void effects(text_out *o, const char *indent, const al_plan_effect e[3])
{
	size_t w = strlen("RFC 7489 receivers");
	for (int k = 0; k < 3; k++) {
		size_t n = al_display_width(e[k].rfc7489_text, strlen(e[k].rfc7489_text));
		if (n > w)
			w = n;
	}
	al_strbuf_printf(o->out, "%s%-*s%-*s%-*s%s\n", indent, LABEL, "effect", TARGET, "", (int)w + 3,
			 "RFC 7489 receivers", "RFC 9989 receivers");
	static const char *const labels[] = {"domain", "subdomains", "non-existent"};
	for (int k = 0; k < 3; k++) {
		al_strbuf_printf(o->out, "%s%*s%-*s", indent, LABEL, "", TARGET, labels[k]);
		put(o, e[k].rfc7489_text);
		pad(o, al_display_width(e[k].rfc7489_text, strlen(e[k].rfc7489_text)), w + 3);
		put(o, e[k].rfc9989_text);
		al_strbuf_putc(o->out, '\n');
	}
}

static const char *gate_word(al_plan_gate_state state)
{
	return state == AL_PLAN_GATE_FAIL ? "FAIL" : al_plan_gate_state_name(state);
}

static void gate_label(text_out *o, size_t *lines, const char *word, al_plan_gate_state state)
{
	al_strbuf_printf(o->out, "  %-*s", LABEL, (*lines)++ == 0 ? "gates" : "");
	painted(o, word, state == AL_PLAN_GATE_FAIL ? AL_SGR_BAD : state == AL_PLAN_GATE_PASS ? AL_SGR_GOOD : AL_SGR_UNSURE);
	pad(o, strlen(word), 9);
}

/*
 * The rule gates not checked, on one line per reason: the reason the first
 * time a step meets it, a pointer back to that step after.
 */
static void unknown_gates(text_out *o, const al_plan_step *s, size_t *lines)
{
	for (size_t i = 0; i < s->gate_count; i++) {
		const al_plan_gate *g = &s->gates[i];
		if (g->state != AL_PLAN_GATE_UNKNOWN || g->rule == NULL || g->detail == NULL)
			continue;
		bool earlier = false;
		for (size_t k = 0; k < i && !earlier; k++)
			earlier = s->gates[k].state == AL_PLAN_GATE_UNKNOWN && s->gates[k].rule != NULL &&
				  s->gates[k].detail != NULL && strcmp(s->gates[k].detail, g->detail) == 0;
		if (earlier)
			continue; /* on the line of the first gate with this reason */
		gate_label(o, lines, "unknown", g->state);
		for (size_t k = i, n = 0; k < s->gate_count; k++) {
			const al_plan_gate *h = &s->gates[k];
			if (h->state == AL_PLAN_GATE_UNKNOWN && h->rule != NULL && h->detail != NULL &&
			    strcmp(h->detail, g->detail) == 0)
				al_strbuf_printf(o->out, "%s%s", n++ ? ", " : "", h->rule->id);
		}
		size_t seen = 0;
		while (seen < o->reason_count && strcmp(o->reasons[seen], g->detail) != 0)
			seen++;
		if (seen < o->reason_count) {
			al_strbuf_printf(o->out, ": not checked, as in step %zu\n", o->reason_step[seen]);
			continue;
		}
		if (o->reason_count < MAX_REASONS) {
			o->reasons[o->reason_count] = g->detail;
			o->reason_step[o->reason_count++] = s->number;
		}
		al_strbuf_puts(o->out, ": not checked: ");
		put(o, g->detail);
		al_strbuf_putc(o->out, '\n');
	}
}

/* Passing rules on one line, the rules not checked by reason, then every other gate on its own. */
static void gates(text_out *o, const al_plan_step *s)
{
	size_t lines = 0, passed = 0;
	for (size_t i = 0; i < s->gate_count; i++) {
		const al_plan_gate *g = &s->gates[i];
		if (g->state != AL_PLAN_GATE_PASS || g->detail != NULL)
			continue;
		if (passed++ == 0)
			gate_label(o, &lines, "pass", AL_PLAN_GATE_PASS);
		else
			al_strbuf_puts(o->out, ", ");
		al_strbuf_puts(o->out, g->rule->id);
	}
	if (passed > 0)
		al_strbuf_putc(o->out, '\n');
	unknown_gates(o, s, &lines);
	for (size_t i = 0; i < s->gate_count; i++) {
		const al_plan_gate *g = &s->gates[i];
		if (g->state == AL_PLAN_GATE_PASS && g->detail == NULL)
			continue;
		if (g->state == AL_PLAN_GATE_UNKNOWN && g->rule != NULL && g->detail != NULL)
			continue;
		gate_label(o, &lines, gate_word(g->state), g->state);
		if (g->rule != NULL)
			al_strbuf_printf(o->out, "%s %s", g->rule->id, g->rule->name);
		else
			put(o, g->text);
		if (g->detail != NULL) {
			al_strbuf_puts(o->out, ": ");
			put(o, g->detail);
		}
		al_strbuf_putc(o->out, '\n');
		for (size_t k = 0; g->state == AL_PLAN_GATE_FAIL && k < g->finding_count; k++) {
			al_strbuf_printf(o->out, "  %*s%9s", LABEL, "", "");
			put(o, g->findings[k]->message);
			al_strbuf_putc(o->out, '\n');
		}
	}
}

/* With reports: what the step would have done to the failing mail of the report period. */
static void impact(text_out *o, const al_plan_step *s)
{
	const al_plan_impact *im = &s->impact;
	if (!im->measured)
		return;
	char first[64], second[128];
	snprintf(first, sizeof(first), "  %-*sRFC 7489 receivers: ", LABEL, "impact");
	snprintf(second, sizeof(second), " rejected a day (failing mail of the report period)\n  %-*sRFC 9989 receivers: ",
		 LABEL, "");
	const char *const text[5] = {first, " quarantined, ", second, " quarantined, ",
				     " rejected a day (failing mail of the report period)\n"};
	al_plan_impact_numbers(o->out, im, text);
	if (im->from != NULL)
		field(o, "  ", "", im->from);
}

static void step(text_out *o, const al_plan *plan, const al_plan_step *s)
{
	char earliest[11], suggested[11], counts[11];
	al_date_format(s->earliest, earliest);
	al_date_format(s->suggested, suggested);
	al_date_format(al_date_add_days(s->earliest, s->wait_days), counts);
	al_strbuf_printf(o->out, "\nstep %zu of %zu  %s  ", s->number, plan->step_count, s->id);
	put(o, s->title);
	al_strbuf_puts(o->out, "  [");
	const char *status = al_plan_step_status_name(s->status);
	painted(o, status, s->status == AL_PLAN_STEP_BLOCKED ? AL_SGR_BAD : s->status == AL_PLAN_STEP_READY ? AL_SGR_GOOD : AL_SGR_UNSURE);
	al_strbuf_puts(o->out, "]\n");
	al_strbuf_printf(o->out, "  %-*searliest %s, suggested %s; hold at least %u days, %u suggested\n",
			 LABEL, "publish", earliest, suggested, s->min_days, s->suggested_days);
	if (s->record_changes) {
		char ttl[24];
		al_strbuf_printf(o->out, "  %-*s%s %lu%s: caches may keep it up to %s, so the step counts from %s\n",
				 LABEL, "replaces",
				 s->rollback != NULL ? "a record with TTL" : "no record, a negative answer with TTL",
				 (unsigned long)s->replaces_ttl,
				 s->replaces_ttl_known ? "" : " (not known; assumed)", al_ttl_text(s->replaces_ttl, ttl),
				 counts);
	}
	if (s->record_changes) {
		field(o, "  ", "record", s->record);
		field(o, "  ", "zone", s->zone_line);
	} else {
		field(o, "  ", "record", "no change at _dmarc");
	}
	effects(o, "  ", s->effect);
	impact(o, s);
	gates(o, s);
	if (s->record_changes)
		field(o, "  ", "rollback", s->rollback != NULL ? s->rollback : "delete the record (there was none)");
	for (size_t i = 0; i < s->note_count; i++)
		field(o, "  ", i == 0 ? "note" : "", s->notes[i]);
}

al_status al_plan_write_text(const al_plan *plan, const al_plan_write_options *options, al_strbuf *out)
{
	text_out o = {.out = out, .color = options->color};
	const al_plan_current *c = &plan->current;
	al_strbuf_puts(out, "DMARC rollout plan for ");
	put(&o, plan->domain);
	al_strbuf_putc(out, '\n');
	al_strbuf_printf(out, "%-*s", LABEL, "template");
	put(&o, plan->template_name);
	al_strbuf_puts(out, ": ");
	put(&o, plan->template_summary);
	al_strbuf_puts(out, " (");
	put(&o, plan->template_source);
	al_strbuf_puts(out, ")\n");
	char start[11];
	al_date_format(plan->start, start);
	field(&o, "", "start", start);
	al_strbuf_printf(out, "%-*s", LABEL, "current");
	put(&o, c->owner);
	if (!c->known) {
		al_strbuf_puts(out, ": not known: ");
		put(&o, c->problem);
		al_strbuf_putc(out, '\n');
	} else {
		if (c->ttl_known)
			al_strbuf_printf(out, ", TTL %lu", (unsigned long)c->ttl);
		if (c->record != NULL && c->location.file != NULL) {
			al_strbuf_puts(out, " (");
			put(&o, c->location.file);
			if (c->location.line > 0)
				al_strbuf_printf(out, ":%lu", c->location.line);
			al_strbuf_putc(out, ')');
		}
		al_strbuf_putc(out, '\n');
		if (c->record_count == 0)
			field(&o, "", "", "no DMARC record");
		else if (c->record_count > 1)
			al_strbuf_printf(out, "%*s%zu DMARC records: receivers ignore them all\n", LABEL, "",
					 c->record_count);
		else
			field(&o, "", "", c->record);
		effects(&o, "", c->effect);
	}
	for (size_t i = 0; i < plan->note_count; i++)
		field(&o, "", i == 0 ? "note" : "", plan->notes[i]);
	const al_plan_evidence *ev = &plan->evidence;
	if (ev->present) {
		al_strbuf_printf(out, "%-*s", LABEL, "reports");
		al_plan_evidence_volume(out, ev);
		al_strbuf_printf(out, "\n%-*s", LABEL, "");
		al_plan_evidence_failing(out, ev);
		al_strbuf_putc(out, '\n');
		if (ev->failing_subdomains > 0) {
			al_strbuf_printf(out, "%-*s", LABEL, "");
			al_plan_subdomain_sentence(out, ev);
			al_strbuf_putc(out, '\n');
		}
		if (ev->from != NULL) {
			al_strbuf_printf(out, "%-*sfailing: ", LABEL, "");
			put(&o, ev->from);
			al_strbuf_putc(out, '\n');
		}
	}
	if (al_findings_count(plan->findings) > 0) {
		al_strbuf_putc(out, '\n');
		for (size_t i = 0; i < al_findings_count(plan->findings); i++) {
			const al_diag *d = al_findings_at(plan->findings, i);
			al_strbuf_printf(out, "%-*s%-9s %s ", LABEL, i == 0 ? "findings" : "",
					 d->waived ? "waived" : al_severity_name(d->severity), d->rule->id);
			put(&o, d->message);
			al_strbuf_putc(out, '\n');
		}
	}
	for (size_t i = 0; i < plan->step_count; i++)
		step(&o, plan, &plan->steps[i]);
	al_strbuf_putc(out, '\n');
	if (!c->known)
		al_strbuf_puts(out, "no plan: the current record could not be read");
	else if (plan->nothing_to_do)
		al_strbuf_puts(out, "nothing to do: the domain is at p=reject in full for both receiver generations");
	else if (plan->step_count == 0)
		al_strbuf_puts(out, "no steps");
	else
		al_strbuf_printf(out, "%zu step%s", plan->step_count, plan->step_count == 1 ? "" : "s");
	if (plan->first_blocked > 0)
		al_strbuf_printf(out, ", blocked from step %zu", plan->first_blocked);
	const al_summary *sum = al_findings_summary(plan->findings);
	al_strbuf_puts(out, "; ");
	al_emit_severity_counts(out, sum);
	if (!plan->complete && c->known)
		al_strbuf_puts(out, "; incomplete: a lookup failed");
	al_strbuf_putc(out, '\n');
	return AL_OK;
}
