/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The plan as a Markdown checklist to paste into a change ticket: one section
 * per step with its gates, the change, the hold and the rollback as task
 * items. Text from DNS goes in code spans (fenced so no backtick in it can
 * close them) or is escaped for Markdown; table cells escape '|'.
 */
#include <string.h>

#include "plan/plan_internal.h"
#include "util/escape.h"
#include "util/markdown.h"

/* A code span holding @p s; a '|' in it is escaped, for the tables. */
static void code(al_strbuf *out, const char *s)
{
	al_md_code(out, s, true);
}

/* A fenced block (``` or longer) holding @p s, indented for a list item. */
static void block(al_strbuf *out, const char *indent, const char *s)
{
	al_strbuf shown = AL_STRBUF_INIT;
	al_escape_display(&shown, s, strlen(s));
	const char *t = al_strbuf_cstr(&shown);
	size_t longest = al_md_longest_backticks(t);
	size_t fence = longest >= 3 ? longest + 1 : 3;
	al_strbuf_puts(out, indent);
	for (size_t i = 0; i < fence; i++)
		al_strbuf_putc(out, '`');
	al_strbuf_printf(out, "\n%s%s\n%s", indent, t, indent);
	for (size_t i = 0; i < fence; i++)
		al_strbuf_putc(out, '`');
	al_strbuf_putc(out, '\n');
	al_strbuf_free(&shown);
}

static void effects_table(al_strbuf *out, const al_plan_effect e[3])
{
	al_strbuf_puts(out, "| Receivers | Domain | Existing subdomains | Non-existent subdomains |\n"
			    "|---|---|---|---|\n| RFC 7489 |");
	for (int k = 0; k < 3; k++) {
		al_strbuf_putc(out, ' ');
		al_md_text(out, e[k].rfc7489_text);
		al_strbuf_puts(out, " |");
	}
	al_strbuf_puts(out, "\n| RFC 9989 |");
	for (int k = 0; k < 3; k++) {
		al_strbuf_putc(out, ' ');
		al_md_text(out, e[k].rfc9989_text);
		al_strbuf_puts(out, " |");
	}
	al_strbuf_puts(out, "\n");
}

/* With reports: what they show for the domain (plan --reports). */
static void evidence(al_strbuf *out, const al_plan_evidence *ev)
{
	if (!ev->present)
		return;
	al_strbuf_puts(out, "\n## Evidence from the aggregate reports\n\n- ");
	al_plan_evidence_volume(out, ev);
	al_strbuf_puts(out, "\n- ");
	al_plan_evidence_failing(out, ev);
	al_strbuf_putc(out, '\n');
	if (ev->failing_subdomains > 0) {
		al_strbuf_puts(out, "- ");
		al_plan_subdomain_sentence(out, ev);
		al_strbuf_putc(out, '\n');
	}
	if (ev->from != NULL) {
		al_strbuf_puts(out, "- Failing: ");
		al_md_text(out, ev->from);
		al_strbuf_putc(out, '\n');
	}
}

/* With reports: what the step would have done to the failing mail of the report period, a day. */
static void impact(al_strbuf *out, const al_plan_impact *im)
{
	if (!im->measured)
		return;
	static const char *const text[5] = {
		("\nImpact on the failing mail of the report period, a day:\n\n"
		 "| Receivers | Quarantined | Rejected |\n|---|---|---|\n| RFC 7489 | "),
		" | ", " |\n| RFC 9989 | ", " | ", " |\n"};
	al_plan_impact_numbers(out, im, text);
	if (im->from != NULL) {
		al_strbuf_puts(out, "\nThat mail comes from: ");
		al_md_text(out, im->from);
		al_strbuf_putc(out, '\n');
	}
}

static void gate(al_strbuf *out, const al_plan_gate *g)
{
	bool done = g->state == AL_PLAN_GATE_PASS || g->state == AL_PLAN_GATE_FIXED;
	al_strbuf_printf(out, "- [%c] ", done ? 'x' : ' ');
	if (g->rule == NULL) {
		if (g->state == AL_PLAN_GATE_CONFIRM)
			al_strbuf_puts(out, "Confirm: ");
		al_md_text(out, g->text);
		if (g->detail != NULL) {
			al_strbuf_puts(out, " (");
			al_md_text(out, g->detail);
			al_strbuf_putc(out, ')');
		}
		al_strbuf_putc(out, '\n');
		return;
	}
	al_strbuf_printf(out, "`%s` %s: ", g->rule->id, g->rule->name);
	switch (g->state) {
	case AL_PLAN_GATE_PASS:
		al_strbuf_puts(out, "passes now");
		break;
	case AL_PLAN_GATE_FAIL:
		al_strbuf_puts(out, "**fails now**");
		break;
	case AL_PLAN_GATE_FIXED:
		al_strbuf_puts(out, "fixed by the plan");
		break;
	case AL_PLAN_GATE_UNKNOWN:
		al_strbuf_puts(out, "**not checked**");
		break;
	case AL_PLAN_GATE_CONFIRM:
		break;
	}
	if (g->detail != NULL) {
		al_strbuf_puts(out, " (");
		al_md_text(out, g->detail);
		al_strbuf_putc(out, ')');
	}
	al_strbuf_putc(out, '\n');
	for (size_t i = 0; g->state == AL_PLAN_GATE_FAIL && i < g->finding_count; i++) {
		al_strbuf_puts(out, "  - ");
		al_md_text(out, g->findings[i]->message);
		al_strbuf_putc(out, '\n');
	}
}

static void step(al_strbuf *out, const al_plan *plan, const al_plan_step *s)
{
	char earliest[11], suggested[11], counts[11];
	al_date_format(s->earliest, earliest);
	al_date_format(s->suggested, suggested);
	al_date_format(al_date_add_days(s->earliest, s->wait_days), counts);
	al_strbuf_printf(out, "\n## Step %zu of %zu: ", s->number, plan->step_count);
	al_md_text(out, s->title);
	al_strbuf_printf(out, " (%s)\n\n", al_plan_step_status_name(s->status));
	al_strbuf_printf(out, "Step `%s`. Publish on %s (suggested), %s at the earliest; hold at least %u days "
			      "(%u suggested).",
			 s->id, suggested, earliest, s->min_days, s->suggested_days);
	if (s->record_changes) {
		char ttl[24];
		al_strbuf_printf(out, " %s has TTL %lu%s: caches may keep it up to %s, so the step counts from %s.",
				 s->rollback != NULL ? "The record it replaces" : "The negative answer it replaces",
				 (unsigned long)s->replaces_ttl, s->replaces_ttl_known ? "" : " (assumed)",
				 al_ttl_text(s->replaces_ttl, ttl), counts);
	}
	al_strbuf_puts(out, "\n\n");
	for (size_t i = 0; i < s->note_count; i++) {
		al_strbuf_puts(out, "> ");
		al_md_text(out, s->notes[i]);
		al_strbuf_puts(out, "\n>\n");
	}
	if (s->note_count > 0) {
		out->length -= 2;
		out->data[out->length] = '\0';
		al_strbuf_putc(out, '\n');
	}
	al_strbuf_puts(out, "Before:\n\n");
	for (size_t i = 0; i < s->gate_count; i++)
		gate(out, &s->gates[i]);
	if (s->gate_count == 0)
		al_strbuf_puts(out, "- [ ] Nothing to check\n");
	al_strbuf_puts(out, "\nChange:\n\n");
	if (s->record_changes) {
		al_strbuf_puts(out, "- [ ] Publish at ");
		code(out, plan->current.owner);
		al_strbuf_puts(out, ":\n\n");
		block(out, "  ", s->zone_line);
		/* the command as a code span: a backslash escape would be shown there, not read */
		al_strbuf command = AL_STRBUF_INIT;
		al_strbuf_printf(&command, "authlint propagation %s", plan->domain);
		al_strbuf_puts(out, "- [ ] Check that every authoritative server serves it (");
		code(out, al_strbuf_cstr(&command));
		al_strbuf_puts(out, ")\n");
		if (command.failed)
			out->failed = true;
		al_strbuf_free(&command);
	} else {
		al_strbuf_puts(out, "- [ ] No change at ");
		code(out, plan->current.owner);
		al_strbuf_putc(out, '\n');
	}
	al_strbuf_printf(out, "- [ ] Hold at least %u days; watch the aggregate reports\n\n", s->min_days);
	effects_table(out, s->effect);
	impact(out, &s->impact);
	if (s->record_changes) {
		al_strbuf_puts(out, "\nRollback: ");
		if (s->rollback_zone_line != NULL) {
			al_strbuf_puts(out, "publish\n\n");
			block(out, "", s->rollback_zone_line);
		} else {
			al_strbuf_puts(out, "delete the record (there was none before).\n");
		}
	}
}

al_status al_plan_write_markdown(const al_plan *plan, const al_plan_write_options *options, al_strbuf *out)
{
	(void)options;
	const al_plan_current *c = &plan->current;
	char start[11];
	al_date_format(plan->start, start);
	al_strbuf_puts(out, "# DMARC rollout plan: ");
	al_md_text(out, plan->domain);
	al_strbuf_puts(out, "\n\n- Template: **");
	al_md_text(out, plan->template_name);
	al_strbuf_puts(out, "** (");
	al_md_text(out, plan->template_source);
	al_strbuf_puts(out, "): ");
	al_md_text(out, plan->template_summary);
	al_strbuf_printf(out, "\n- Start: %s\n- Current record at ", start);
	code(out, c->owner);
	if (!c->known) {
		al_strbuf_puts(out, ": not known: ");
		al_md_text(out, c->problem);
	} else if (c->record_count == 1) {
		if (c->ttl_known)
			al_strbuf_printf(out, " (TTL %lu)", (unsigned long)c->ttl);
		al_strbuf_puts(out, ": ");
		code(out, c->record);
	} else if (c->record_count == 0) {
		al_strbuf_puts(out, ": none");
	} else {
		al_strbuf_printf(out, ": %zu records, which receivers ignore", c->record_count);
	}
	al_strbuf_putc(out, '\n');
	if (plan->step_count > 0)
		al_strbuf_printf(out, "- Steps: %zu%s\n", plan->step_count,
				 plan->first_blocked > 0 ? ", blocked now" : "");
	for (size_t i = 0; i < plan->note_count; i++) {
		al_strbuf_puts(out, "\n> ");
		al_md_text(out, plan->notes[i]);
		al_strbuf_putc(out, '\n');
	}
	if (c->known) {
		al_strbuf_puts(out, "\nWhat failing mail gets now:\n\n");
		effects_table(out, c->effect);
	}
	evidence(out, &plan->evidence);
	if (al_findings_count(plan->findings) > 0) {
		al_strbuf_puts(out, "\n## Findings\n\n| Severity | Rule | Name | Message |\n|---|---|---|---|\n");
		for (size_t i = 0; i < al_findings_count(plan->findings); i++) {
			const al_diag *d = al_findings_at(plan->findings, i);
			al_strbuf_printf(out, "| %s | `%s` | %s | ", d->waived ? "waived" : al_severity_name(d->severity),
					 d->rule->id, d->rule->name);
			al_md_text(out, d->message);
			al_strbuf_puts(out, " |\n");
		}
	}
	if (!c->known)
		al_strbuf_puts(out, "\nNo plan: the current record could not be read.\n");
	else if (plan->nothing_to_do)
		al_strbuf_puts(out, "\nNothing to do: the domain is at p=reject in full for both receiver "
				    "generations.\n");
	for (size_t i = 0; i < plan->step_count; i++)
		step(out, plan, &plan->steps[i]);
	return AL_OK;
}
