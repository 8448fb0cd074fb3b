/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Gates, dates and the plan's own findings.
 *
 * A gate rule of step k is judged on the domain as it will be when step k
 * starts: the domain as it is for the first step, and the domain linted with
 * step k-1's record in place for the others. A rule with findings now that an
 * earlier step's record removes is "fixed" (by that step), not a blocker; one
 * that cannot be judged (a lookup failed or was not made, no DKIM selector, the
 * rule turned off) is "unknown", never "pass".
 *
 * Dates: the first step is published on the start date. Step k+1 can be
 * published once step k's record has reached every cache (the TTL of the
 * record it replaced, in whole days rounded up) and step k has held for its
 * minimum (earliest) or suggested (suggested) number of days.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "check/lint_internal.h"
#include "check/lint_private.h"
#include "plan/builder.h"
#include "util/hash.h"

typedef struct kv {
	const char *key;
	const char *value;
} kv;

/* ---- gates ------------------------------------------------------------------------ */

/* Which family's records a lookup of @p name was made for. */
static al_kind lookup_family(const char *name)
{
	if (strncasecmp(name, "_dmarc.", 7) == 0 || strcasestr(name, "._dmarc.") != NULL)
		return AL_KIND_DMARC;
	if (strncasecmp(name, "_domainkey.", 11) == 0 || strcasestr(name, "._domainkey.") != NULL)
		return AL_KIND_DKIM;
	return AL_KIND_SPF;
}

static bool is_lookup_rule(const al_rule *rule)
{
	return rule->family == AL_KIND_LOOKUP;
}

static bool has_rule(const al_findings *lint, al_rule_code code)
{
	for (size_t i = 0; i < lint->count; i++)
		if (al_rule_is(lint->items[i].rule, code))
			return true;
	return false;
}

/* Why @p rule cannot be judged from @p lint, or NULL. */
static const char *unknown_reason(al_plan_builder *b, const al_findings *lint, const al_rule *rule)
{
	if (al_config_severity(b->options->config, rule) == AL_SEVERITY_OFF)
		return "the rule is turned off in the configuration";
	if (rule->family == AL_KIND_DKIM && b->options->selector_count == 0) {
		/* live DNS probes the usual selectors (DKIM032: keys found, and linted) */
		if (has_rule(lint, AL_RULE_DKIM032))
			return NULL;
		if (has_rule(lint, AL_RULE_DKIM033))
			return "no DKIM key at any of the usual selectors; name yours with --selector";
		return "no DKIM selector was given (--selector), so no key was checked";
	}
	bool any_family = rule->family != AL_KIND_SPF && rule->family != AL_KIND_DMARC &&
			  rule->family != AL_KIND_DKIM;
	for (size_t i = 0; i < lint->count; i++) {
		const al_diag *d = &lint->items[i];
		if (!is_lookup_rule(d->rule) || d->owner == NULL)
			continue;
		if (any_family || lookup_family(d->owner) == rule->family)
			return d->message;
	}
	return NULL;
}

static size_t matching(const al_findings *lint, const al_rule *rule, const al_diag **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < lint->count; i++) {
		const al_diag *d = &lint->items[i];
		if (d->rule != rule || d->waived)
			continue;
		if (out != NULL && n < max)
			out[n] = d;
		n++;
	}
	return n;
}

static const al_diag *waived_one(const al_findings *lint, const al_rule *rule)
{
	for (size_t i = 0; i < lint->count; i++)
		if (lint->items[i].rule == rule && lint->items[i].waived)
			return &lint->items[i];
	return NULL;
}

static void judge_rule(al_plan_builder *b, size_t k, const al_rule *rule, al_plan_gate *g)
{
	const al_findings *before = k == 0 ? &b->now : &b->drafts[k - 1].lint;
	g->rule = rule;
	g->text = rule->summary;
	size_t n = matching(before, rule, NULL, 0);
	const al_findings *from = before;
	const al_findings *own = &b->drafts[k].lint;
	if (b->plan->rua_suggested && al_rule_is(rule, AL_RULE_DMARC012)) {
		/* the plan made the address up: nobody knows that reports arrive there */
		g->state = AL_PLAN_GATE_FAIL;
		g->detail = al_arena_printf(b->arena,
					    "the domain asks for no reports, and %s is only the plan's "
					    "suggestion: publish a rua, or give the address with --rua",
					    b->plan->rua);
		from = &b->now;
		n = matching(from, rule, NULL, 0);
		if (n == 0)
			return;
	} else if (n > 0) {
		g->state = AL_PLAN_GATE_FAIL;
		if (k > 0 && matching(&b->now, rule, NULL, 0) == 0)
			g->detail = al_arena_printf(b->arena, "raised once step %zu's record is in place", k);
	} else if ((n = matching(own, rule, NULL, 0)) > 0) {
		/* cross-record rules (enforcing while SPF is broken, no DKIM key) come with the step's record */
		g->state = AL_PLAN_GATE_FAIL;
		from = own;
		g->detail = "raised once this step's record is in place";
	} else if (k > 0 && (n = matching(&b->now, rule, NULL, 0)) > 0) {
		g->state = AL_PLAN_GATE_FIXED;
		from = &b->now;
		for (size_t m = 0; m < k; m++) {
			if (b->drafts[m].record_changes && matching(&b->drafts[m].lint, rule, NULL, 0) == 0) {
				g->fixed_by = m + 1;
				break;
			}
		}
		g->detail = al_arena_printf(b->arena, "raised now; step %zu's record removes it", g->fixed_by);
	} else {
		const char *why = unknown_reason(b, before, rule);
		const al_diag *w = waived_one(before, rule);
		if (why != NULL) {
			g->state = AL_PLAN_GATE_UNKNOWN;
			g->detail = why;
		} else {
			g->state = AL_PLAN_GATE_PASS;
			if (w != NULL)
				g->detail = al_arena_printf(b->arena, "waived: %s", w->waiver_reason);
		}
		return;
	}
	const al_diag **list = al_arena_calloc(b->arena, n, sizeof(*list));
	if (list == NULL) {
		b->status = AL_ENOMEM;
		return;
	}
	g->finding_count = matching(from, rule, list, n);
	g->findings = list;
}

/* A rule the step raises on purpose: from the template (by id or name, user data) or by code. */
static void add_intended_rule(al_plan_builder *b, al_plan_draft *d, const al_rule *rule)
{
	if (rule == NULL)
		return;
	for (size_t i = 0; i < d->intended.count; i++)
		if (strcmp(d->intended.items[i], rule->id) == 0)
			return;
	al_plan_strvec_push(b, &d->intended, rule->id);
}

static void add_intended(al_plan_builder *b, al_plan_draft *d, al_rule_code code)
{
	add_intended_rule(b, d, b->lint != NULL ? al_lint_rule(b->lint, code) : NULL);
}

/* The findings a step's record raises on purpose. */
static void derive_intended(al_plan_builder *b, al_plan_draft *d)
{
	const al_plan_policy *p = &d->policy;
	bool enforcing = p->p >= AL_DMARC_POLICY_QUARANTINE;
	if (enforcing && p->t)
		add_intended(b, d, AL_RULE_DMARC029);
	/* a step left without t=y because the record in place enforces in full on RFC 9989 receivers */
	if (d->adapted && enforcing && !p->t && p->pct >= 0)
		add_intended(b, d, AL_RULE_DMARC024);
	if ((p->sp != AL_DMARC_POLICY_UNSET && p->sp < p->p) || (p->np != AL_DMARC_POLICY_UNSET && p->np < p->p))
		add_intended(b, d, AL_RULE_DMARC027);
	for (size_t i = 0; d->source != NULL && d->kind == AL_PLAN_STEP_RAMP && i < d->source->intend_count; i++)
		add_intended_rule(b, d, al_rules_find(b->options->rules, d->source->intends[i]));
	/* what the record in place raises and the step keeps (a step changes one thing at a time) */
	for (size_t i = 0; i < d->record_findings.count; i++) {
		const al_diag *f = &d->record_findings.items[i];
		if (f->severity >= AL_SEVERITY_WARNING && !f->waived && matching(&b->now, f->rule, NULL, 0) > 0)
			add_intended_rule(b, d, f->rule);
	}
}

void al_plan_evaluate_gates(al_plan_builder *b)
{
	for (size_t k = 0; k < b->draft_count && b->status == AL_OK; k++) {
		al_plan_draft *d = &b->drafts[k];
		derive_intended(b, d);
		const al_plan_gates *gates = &d->source->gates;
		size_t n = gates->rule_count + gates->confirm_count + 1;
		d->gates = al_arena_calloc(b->arena, n ? n : 1, sizeof(*d->gates));
		if (d->gates == NULL) {
			b->status = AL_ENOMEM;
			return;
		}
		bool fail = false, unknown = false;
		for (size_t i = 0; i < gates->rule_count; i++) {
			al_plan_gate *g = &d->gates[d->gate_count++];
			const al_rule *rule = al_rules_find(b->options->rules, gates->rules[i]);
			if (rule == NULL) {
				/* the registry the plan runs with lacks a rule the template was checked against */
				g->state = AL_PLAN_GATE_UNKNOWN;
				g->text = gates->rules[i];
				g->detail = "the rule is not in the registry in use";
				unknown = true;
				continue;
			}
			judge_rule(b, k, rule, g);
			fail |= g->state == AL_PLAN_GATE_FAIL;
			unknown |= g->state == AL_PLAN_GATE_UNKNOWN;
		}
		for (size_t i = 0; i < gates->confirm_count; i++) {
			al_plan_gate *g = &d->gates[d->gate_count++];
			/* with reports, what they measure is a gate, not an item to confirm */
			if (al_plan_measured_gate(b, gates->confirm[i], g)) {
				fail |= g->state == AL_PLAN_GATE_FAIL;
				unknown |= g->state == AL_PLAN_GATE_UNKNOWN;
				continue;
			}
			g->state = AL_PLAN_GATE_CONFIRM;
			g->text = gates->confirm[i];
		}
		/* with reports, no step that enforces starts while an authorized service fails alignment */
		if (b->plan->evidence.present && d->record_changes && (d->policy.p >= AL_DMARC_POLICY_QUARANTINE ||
						  d->policy.sp >= AL_DMARC_POLICY_QUARANTINE)) {
			const al_rule *services = b->lint != NULL ? al_lint_rule(b->lint, AL_RULE_REPORT002) : NULL;
			bool has = false;
			for (size_t i = 0; i < d->gate_count; i++)
				has |= services != NULL && d->gates[i].rule == services;
			if (!has) {
				al_plan_gate *g = &d->gates[d->gate_count++];
				al_plan_services_gate(b, g);
				fail |= g->state == AL_PLAN_GATE_FAIL;
				unknown |= g->state == AL_PLAN_GATE_UNKNOWN;
			}
		}
		d->status = fail ? AL_PLAN_STEP_BLOCKED : unknown ? AL_PLAN_STEP_UNVERIFIED : AL_PLAN_STEP_READY;
	}
}

/* ---- the plan's own findings ---------------------------------------------------------- */

/*
 * Raise a finding of the plan itself (PLAN001-003, or the lookup of the current
 * record) through the lint's finding builder, like every other finding: the
 * rule's template, the configuration's severity and its waivers (judged on the
 * start date, the lint's today). It is handed out at once, so the plan's
 * findings keep the order of the steps.
 */
static void plan_raise(al_plan_builder *b, al_rule_code code, const al_plan_draft *d, const kv *args,
		       size_t count, const al_diag *about, const al_location *at)
{
	if (b->lint == NULL)
		return;
	al_subject s;
	memset(&s, 0, sizeof(s));
	s.owner = b->owner;
	s.domain = b->domain;
	s.rrtype = AL_TYPE_TXT;
	size_t end = 0;
	if (d != NULL && d->record_changes && d->text != NULL) {
		s.text = d->text;
		s.length = strlen(d->text);
		end = s.length;
		s.string_ends = &end;
		s.string_count = 1;
	}
	al_finding *f = al_finding_begin(b->lint, code, &s);
	if (f == NULL)
		return;
	al_location loc = {0};
	if (at != NULL) {
		loc = *at;
	} else {
		loc.file = b->plan->template_source;
		loc.line = d != NULL && d->source != NULL ? d->source->line : 0;
	}
	al_finding_location(f, &loc);
	if (about != NULL) {
		al_finding_generation(f, about->generation);
		if (about->record != NULL && s.text != NULL && about->record_length == s.length &&
		    memcmp(about->record, s.text, s.length) == 0)
			al_finding_span(f, about->span_start, about->span_length);
	}
	for (size_t i = 0; i < count; i++)
		al_finding_arg(f, args[i].key, "%s", args[i].value != NULL ? args[i].value : "");
	b->collect = &b->plan_findings;
	al_finding_end(b->lint, f);
	al_lint_unit_end(b->lint);
	b->collect = NULL;
}

static bool intended(const al_plan_draft *d, const al_rule *rule)
{
	for (size_t i = 0; i < d->intended.count; i++)
		if (strcmp(d->intended.items[i], rule->id) == 0)
			return true;
	return false;
}

/* A gate rule of the step: its findings block the step (PLAN001) rather than count as PLAN002. */
static bool gated(const al_plan_draft *d, const al_rule *rule)
{
	for (size_t i = 0; i < d->gate_count; i++)
		if (d->gates[i].rule == rule)
			return true;
	return false;
}

static const char *number(al_plan_builder *b, size_t n)
{
	return al_arena_printf(b->arena, "%zu", n);
}

void al_plan_raise_findings(al_plan_builder *b)
{
	al_plan *plan = b->plan;
	bool blocked = false;
	al_map seen_unknown;
	al_map_init(&seen_unknown, false);
	for (size_t k = 0; k < b->draft_count && b->status == AL_OK; k++) {
		const al_plan_draft *d = &b->drafts[k];
		if (d->status == AL_PLAN_STEP_BLOCKED && !blocked) {
			blocked = true;
			plan->first_blocked = k + 1;
			al_strbuf sb = AL_STRBUF_INIT;
			for (size_t i = 0; i < d->gate_count; i++) {
				const al_plan_gate *g = &d->gates[i];
				if (g->state != AL_PLAN_GATE_FAIL)
					continue;
				if (g->rule != NULL)
					al_strbuf_printf(&sb, "%s%s %s", sb.length ? "; " : "", g->rule->id, g->rule->name);
				else
					al_strbuf_printf(&sb, "%s%s", sb.length ? "; " : "", g->text);
				if (g->finding_count > 0)
					al_strbuf_printf(&sb, " (%s)", g->findings[0]->message);
				else if (g->detail != NULL)
					al_strbuf_printf(&sb, " (%s)", g->detail);
			}
			kv args[] = {{"step", number(b, k + 1)}, {"title", d->title},
				     {"blockers", al_arena_strdup(b->arena, al_strbuf_cstr(&sb))}};
			al_strbuf_free(&sb);
			plan_raise(b, AL_RULE_PLAN001, d, args, 3, NULL, NULL);
		}
		for (size_t i = 0; i < d->record_findings.count; i++) {
			const al_diag *f = &d->record_findings.items[i];
			if (f->waived || f->severity < AL_SEVERITY_WARNING || intended(d, f->rule) ||
			    gated(d, f->rule))
				continue;
			kv args[] = {{"step", number(b, k + 1)}, {"title", d->title}, {"rule", f->rule->id},
				     {"name", f->rule->name}, {"message", f->message}};
			plan_raise(b, AL_RULE_PLAN002, d, args, 5, f, NULL);
		}
		/* gates not checked: one finding per reason, naming the rules, where they first appear */
		for (size_t i = 0; i < d->gate_count; i++) {
			const al_plan_gate *g = &d->gates[i];
			const char *key = g->rule != NULL ? g->rule->id : g->text;
			if (g->state != AL_PLAN_GATE_UNKNOWN || al_map_get(&seen_unknown, key) != NULL)
				continue;
			al_strbuf rules = AL_STRBUF_INIT;
			for (size_t j = i; j < d->gate_count; j++) {
				const al_plan_gate *h = &d->gates[j];
				const char *hkey = h->rule != NULL ? h->rule->id : h->text;
				if (h->state != AL_PLAN_GATE_UNKNOWN || strcmp(h->detail, g->detail) != 0 ||
				    al_map_get(&seen_unknown, hkey) != NULL)
					continue;
				al_map_put(&seen_unknown, hkey, (void *)hkey);
				al_strbuf_printf(&rules, "%s%s", rules.length ? ", " : "", hkey);
			}
			kv args[] = {{"step", number(b, k + 1)},
				     {"rules", al_arena_strdup(b->arena, al_strbuf_cstr(&rules))},
				     {"why", g->detail}};
			al_strbuf_free(&rules);
			plan_raise(b, AL_RULE_PLAN003, d, args, 3, NULL, NULL);
		}
	}
	al_map_free(&seen_unknown);
	if (!plan->current.known) {
		kv args[] = {{"name", b->owner},
			     {"type", "TXT"},
			     {"reason", b->current_reason != NULL ? b->current_reason : "not answered"}};
		al_location at = {.server = b->current_server};
		plan_raise(b, b->current_failed ? AL_RULE_LOOKUP001 : AL_RULE_LOOKUP002, NULL, args, 3, NULL, &at);
	}

	/* the findings of the domain, then the plan's */
	al_findings *all = b->all;
	for (size_t i = 0; i < b->now.count && b->status == AL_OK; i++)
		if (al_findings_add(all, &b->now.items[i]) != AL_OK)
			b->status = AL_ENOMEM;
	for (size_t i = 0; i < b->plan_findings.count && b->status == AL_OK; i++)
		if (al_findings_add(all, &b->plan_findings.items[i]) != AL_OK)
			b->status = AL_ENOMEM;
	const al_summary *ls = b->lint != NULL ? al_lint_summary(b->lint) : NULL;
	if (ls != NULL)
		all->summary.input_error = ls->input_error;
	all->summary.incomplete = !plan->complete;
	plan->findings = all;
}

/* ---- steps --------------------------------------------------------------------------- */

void al_plan_finish_steps(al_plan_builder *b)
{
	al_plan *plan = b->plan;
	const al_plan_current *cur = &plan->current;
	if (b->draft_count == 0)
		return;
	al_plan_step *steps = al_arena_calloc(b->arena, b->draft_count, sizeof(*steps));
	if (steps == NULL) {
		b->status = AL_ENOMEM;
		return;
	}
	/* the DMARC record in place before each step */
	const char *in_place = cur->record_count == 1 ? cur->record : NULL;
	uint32_t in_place_ttl = cur->ttl_known ? cur->ttl : 86400;
	bool in_place_ttl_known = cur->ttl_known;
	uint32_t rollback_ttl = cur->ttl_known && cur->ttl > 0 ? cur->ttl : b->publish_ttl;
	for (size_t k = 0; k < b->draft_count; k++) {
		al_plan_draft *d = &b->drafts[k];
		al_plan_step *s = &steps[k];
		s->number = k + 1;
		s->kind = d->kind;
		s->id = d->id;
		s->title = d->title;
		s->status = d->status;
		s->record = d->text;
		s->ttl = b->publish_ttl;
		s->record_changes = d->record_changes;
		s->zone_line = al_plan_zone_line(b->arena, b->owner, s->ttl, d->text, strlen(d->text));
		al_plan_effects_of(b->arena, d->text, strlen(d->text), s->effect);
		s->min_days = d->source->min_days;
		s->suggested_days = d->source->suggested_days;
		if (d->record_changes) {
			s->replaces_ttl = in_place_ttl;
			s->replaces_ttl_known = in_place_ttl_known;
		} else {
			/* a DKIM key record: its TTL is not known here */
			s->replaces_ttl = 86400;
			s->replaces_ttl_known = false;
		}
		s->wait_days = al_ttl_days(s->replaces_ttl);
		if (k == 0) {
			s->earliest = s->suggested = plan->start;
		} else {
			const al_plan_step *p = &steps[k - 1];
			s->earliest = al_date_add_days(p->earliest, (long)p->wait_days + p->min_days);
			s->suggested = al_date_add_days(p->suggested, (long)p->wait_days + p->suggested_days);
		}
		s->gates = d->gates;
		s->gate_count = d->gate_count;
		if (d->record_changes) {
			s->rollback = in_place;
			s->rollback_zone_line = in_place != NULL
				? al_plan_zone_line(b->arena, b->owner, rollback_ttl, in_place, strlen(in_place))
				: NULL;
			if (in_place == NULL && k == 0 && cur->record_count > 1)
				al_plan_note(b, &d->notes,
					     "the domain has %zu DMARC records now and receivers ignore them all; "
					     "this record replaces every one of them",
					     cur->record_count);
			in_place = d->text;
			in_place_ttl = b->publish_ttl;
			in_place_ttl_known = true;
			rollback_ttl = b->publish_ttl;
		}
		/* say so where a step gives some mail less than the step before (t=y lowers np too) */
		const al_plan_effect *before = k == 0 ? cur->effect : steps[k - 1].effect;
		for (int target = 0; target < 3 && (k > 0 || cur->record_count == 1); target++) {
			const struct {
				const al_dmarc_effect *was, *now;
				const char *text_was, *text_now, *gen;
			} gens[] = {{&before[target].rfc7489, &s->effect[target].rfc7489, before[target].rfc7489_text,
				     s->effect[target].rfc7489_text, "7489"},
				    {&before[target].rfc9989, &s->effect[target].rfc9989, before[target].rfc9989_text,
				     s->effect[target].rfc9989_text, "9989"}};
			for (size_t g = 0; g < 2; g++) {
				if (al_plan_strength(gens[g].now) >= al_plan_strength(gens[g].was))
					continue;
				al_plan_note(b, &d->notes,
					     "%s get %s from RFC %s receivers in this step, after %s in the step before%s",
					     al_plan_target_label((al_dmarc_target)target), gens[g].text_now, gens[g].gen,
					     gens[g].text_was,
					     gens[g].now->testing ? ": t=y lowers sp and np as well as p, until it is dropped" : "");
			}
		}
		/* the template's note first */
		al_plan_strvec notes = {0};
		if (d->kind == AL_PLAN_STEP_RAMP && d->source->note != NULL)
			al_plan_strvec_push(b, &notes, d->source->note);
		for (size_t i = 0; i < d->notes.count; i++)
			al_plan_strvec_push(b, &notes, d->notes.items[i]);
		s->notes = notes.items;
		s->note_count = notes.count;
		s->intended = d->intended.items;
		s->intended_count = d->intended.count;
		s->record_findings = &d->record_findings;
	}
	plan->steps = steps;
	plan->step_count = b->draft_count;
}
