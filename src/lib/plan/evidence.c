/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The plan on evidence (plan --reports): what the aggregate reports show for
 * the domain becomes measured gates (days of reports; authorized services
 * failing alignment, REPORT002, block a step) and each step's expected
 * impact: the failing mail of the report period, a day, that the step would
 * have had quarantined or rejected, per receiver generation (RFC 7489
 * receivers honour pct, RFC 9989 receivers t=y), and from which sources.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/lint_internal.h"
#include "plan/builder.h"
#include "report/reports_internal.h"
#include "util/strbuf.h"

#define MAX_LABELS 16
#define SHOWN_LABELS 5
#define MAX_NAMES 64 /* subdomains looked up to tell whether they exist */

typedef enum existence { NAME_EXISTS, NAME_NXDOMAIN, NAME_UNKNOWN } existence;

typedef struct name_state {
	const char *name;
	existence state;
} name_state;

typedef struct names {
	name_state items[MAX_NAMES];
	size_t count;
} names;

/* Whether subdomain @p name of the domain exists, as a receiver sees it: a
 * lookup answered NXDOMAIN (RFC 9989, with the meaning of RFC 8020) says it
 * does not; any answer says it does; a failed lookup, no source, a name that
 * is not under the domain or past MAX_NAMES leave it unknown. */
static existence name_exists(al_plan_builder *b, names *seen, const char *domain, const char *name)
{
	if (b->source == NULL || al_name_equal(name, domain) || !al_name_is_subdomain(name, domain))
		return NAME_UNKNOWN;
	for (size_t i = 0; i < seen->count; i++)
		if (strcasecmp(seen->items[i].name, name) == 0)
			return seen->items[i].state;
	if (seen->count == MAX_NAMES)
		return NAME_UNKNOWN;
	existence state = NAME_UNKNOWN;
	const al_answer *a = NULL;
	if (al_source_lookup(b->source, name, AL_TYPE_A, &a) == AL_OK && a != NULL) {
		if (a->rcode == AL_RCODE_NXDOMAIN)
			state = NAME_NXDOMAIN;
		else if (a->rcode == AL_RCODE_NOERROR)
			state = NAME_EXISTS;
		al_source_release(b->source, a);
	}
	seen->items[seen->count++] = (name_state){name, state};
	return state;
}

typedef struct label_count {
	const char *label;
	uint64_t failing;
} label_count;

static int by_failing(const void *a, const void *b)
{
	const label_count *x = a, *y = b;
	if (x->failing != y->failing)
		return x->failing > y->failing ? -1 : 1;
	return strcmp(x->label, y->label);
}

static const char *label_of(al_plan_builder *b, const rpt_source *s)
{
	if (s->spf_result == NULL)
		return "sources not attributed";
	if (strcmp(s->spf_result, "pass") != 0)
		return "unauthorized sources";
	if (s->service != NULL)
		return s->service;
	return al_arena_printf(b->arena, "the sender authorized by %s", s->spf_term ? s->spf_term : "SPF");
}

void al_plan_gather_evidence(al_plan_builder *b)
{
	const al_reports *r = b->options->reports;
	al_plan_evidence *ev = &b->plan->evidence;
	if (r == NULL)
		return;
	ev->present = true;
	const rpt_domain *d = al_rpt_find_domain(r, b->domain);
	if (d == NULL)
		return;
	ev->messages = d->messages;
	ev->aligned = d->dmarc_pass;
	ev->reports = d->reports;
	ev->days = d->day_count;
	double span = d->first >= 0 && d->last > d->first ? (double)(d->last - d->first) / 86400.0 : 0;
	ev->period_days = span < 1 ? 1 : (double)(long long)(span + 0.5);
	label_count labels[MAX_LABELS];
	size_t label_count_ = 0;
	names seen = {.count = 0};
	uint64_t other_labels = 0;
	for (size_t i = 0; i < r->source_count; i++) {
		const rpt_source *s = r->source_list[i];
		if (s->domain != d || s->messages <= s->dmarc_pass)
			continue;
		uint64_t failing = s->messages - s->dmarc_pass, sub = 0, nx = 0, unknown = 0;
		for (size_t k = 0; k < s->header_from.count; k++) {
			const rpt_count *c = &s->header_from.items[k];
			if (strcasecmp(c->key, d->name) == 0 || c->messages <= c->passed)
				continue;
			uint64_t f = c->messages - c->passed;
			sub += f;
			existence e = name_exists(b, &seen, d->name, c->key);
			if (e == NAME_NXDOMAIN)
				nx += f;
			else if (e == NAME_UNKNOWN)
				unknown += f;
		}
		if (sub > failing) {
			/* the per-name counts are of all the source's mail: scale them to its failing mail */
			nx = (uint64_t)((double)nx * (double)failing / (double)sub);
			unknown = (uint64_t)((double)unknown * (double)failing / (double)sub);
			sub = failing;
		}
		ev->failing_subdomains += sub;
		ev->failing_nonexistent += nx;
		ev->failing_unknown += unknown;
		ev->failing_domain += failing - sub;
		if (s->spf_result == NULL)
			ev->unattributed++;
		else if (strcmp(s->spf_result, "pass") == 0)
			ev->services_failing++;
		const char *label = label_of(b, s);
		if (label == NULL)
			continue;
		size_t k = 0;
		while (k < label_count_ && strcmp(labels[k].label, label) != 0)
			k++;
		if (k == label_count_) {
			if (label_count_ == MAX_LABELS) {
				other_labels += failing;
				continue;
			}
			labels[k].label = label;
			labels[k].failing = 0;
			label_count_++;
		}
		labels[k].failing += failing;
	}
	if (label_count_ == 0)
		return;
	qsort(labels, label_count_, sizeof(labels[0]), by_failing);
	al_strbuf sb = AL_STRBUF_INIT;
	for (size_t k = 0; k < label_count_ && k < SHOWN_LABELS; k++) {
		al_strbuf_printf(&sb, "%s%s ", k ? ", " : "", labels[k].label);
		al_strbuf_per_day(&sb, (double)labels[k].failing / ev->period_days);
		al_strbuf_puts(&sb, " a day");
	}
	for (size_t k = SHOWN_LABELS; k < label_count_; k++)
		other_labels += labels[k].failing;
	if (other_labels > 0) {
		al_strbuf_puts(&sb, ", others ");
		al_strbuf_per_day(&sb, (double)other_labels / ev->period_days);
		al_strbuf_puts(&sb, " a day");
	}
	ev->from = al_arena_strdup(b->arena, al_strbuf_cstr(&sb));
	al_strbuf_free(&sb);
}

void al_plan_report_findings(al_plan_builder *b)
{
	const al_reports *r = b->options->reports;
	const rpt_domain *d = r != NULL ? al_rpt_find_domain(r, b->domain) : NULL;
	if (d == NULL || b->lint == NULL)
		return;
	al_findings *was = b->collect;
	b->collect = &b->now;
	al_rpt_lint_domain(b->lint, r, d);
	b->collect = was;
}

/* "Aggregate reports have come in for at least two weeks": the days it asks for, or 0. */
static unsigned asks_days(const char *text)
{
	static const char prefix[] = "Aggregate reports have come in for at least ";
	if (strncmp(text, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	const char *p = text + sizeof(prefix) - 1;
	static const char *const words[] = {"one", "two", "three", "four", "five", "six", "seven", "eight"};
	unsigned n = 0;
	for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strncmp(p, words[i], strlen(words[i])) == 0 && p[strlen(words[i])] == ' ') {
			n = i + 1;
			p += strlen(words[i]) + 1;
			break;
		}
	if (n == 0)
		return 0;
	if (strncmp(p, "weeks", 5) == 0 || strncmp(p, "week", 4) == 0)
		return n * 7;
	if (strncmp(p, "days", 4) == 0)
		return n;
	return 0;
}

static bool is_legitimate_gate(const char *text)
{
	return strcmp(text, "Every legitimate sending source passes SPF or DKIM aligned with the domain") == 0;
}

bool al_plan_measured_gate(al_plan_builder *b, const char *confirm, al_plan_gate *g)
{
	const al_plan_evidence *ev = &b->plan->evidence;
	if (!ev->present)
		return false;
	unsigned want = asks_days(confirm);
	if (want > 0) {
		g->rule = NULL;
		g->text = al_arena_printf(b->arena, "Aggregate reports cover at least %u days", want);
		g->state = ev->days >= want ? AL_PLAN_GATE_PASS : AL_PLAN_GATE_FAIL;
		g->detail = al_arena_printf(b->arena, "the reports hold %zu day%s of data for %s (%llu report%s)",
					    ev->days, ev->days == 1 ? "" : "s", b->domain,
					    (unsigned long long)ev->reports, ev->reports == 1 ? "" : "s");
		return true;
	}
	if (!is_legitimate_gate(confirm))
		return false;
	al_plan_services_gate(b, g);
	return true;
}

void al_plan_services_gate(al_plan_builder *b, al_plan_gate *g)
{
	const al_plan_evidence *ev = &b->plan->evidence;
	const al_rule *rule = b->lint != NULL ? al_lint_rule(b->lint, AL_RULE_REPORT002) : NULL;
	g->rule = rule;
	g->text = rule != NULL ? rule->summary : "Every legitimate sending source passes SPF or DKIM aligned with the domain";
	size_t n = 0;
	for (size_t i = 0; rule != NULL && i < b->now.count; i++)
		if (b->now.items[i].rule == rule && !b->now.items[i].waived)
			n++;
	double share = ev->messages ? 100.0 * (double)ev->aligned / (double)ev->messages : 0;
	if (rule == NULL) {
		g->state = AL_PLAN_GATE_UNKNOWN;
		g->detail = "the rule is not in the registry in use";
	} else if (n > 0) {
		g->state = AL_PLAN_GATE_FAIL;
		const al_diag **list = al_arena_calloc(b->arena, n, sizeof(*list));
		if (list == NULL) {
			b->status = AL_ENOMEM;
			return;
		}
		for (size_t i = 0; i < b->now.count; i++)
			if (b->now.items[i].rule == rule && !b->now.items[i].waived)
				list[g->finding_count++] = &b->now.items[i];
		g->findings = list;
		g->detail = al_arena_printf(b->arena, "%.1f%% of %llu messages passed DMARC aligned in the reports", share,
					    (unsigned long long)ev->messages);
	} else if (ev->messages == 0) {
		g->state = AL_PLAN_GATE_UNKNOWN;
		g->detail = al_arena_printf(b->arena, "the reports hold no mail from %s", b->domain);
	} else if (ev->unattributed > 0) {
		g->state = AL_PLAN_GATE_UNKNOWN;
		g->detail = al_arena_printf(b->arena,
					    "%zu failing source%s could not be attributed (no DNS for the domain's SPF)",
					    ev->unattributed, ev->unattributed == 1 ? "" : "s");
	} else {
		g->state = AL_PLAN_GATE_PASS;
		g->detail = al_arena_printf(b->arena,
					    "no authorized service fails alignment; %.1f%% of %llu messages passed DMARC "
					    "aligned",
					    share, (unsigned long long)ev->messages);
	}
}

static void apply(const al_dmarc_effect *e, double failing, double *quarantined, double *rejected)
{
	if (!e->applies || failing <= 0)
		return;
	double share = e->percent >= 100 ? 1.0 : (double)e->percent / 100.0;
	const struct {
		al_dmarc_policy policy;
		double part;
	} parts[] = {{e->applied, share}, {e->rest, 1.0 - share}};
	for (size_t i = 0; i < 2; i++) {
		if (parts[i].part <= 0)
			continue;
		if (parts[i].policy == AL_DMARC_POLICY_QUARANTINE)
			*quarantined += failing * parts[i].part;
		else if (parts[i].policy == AL_DMARC_POLICY_REJECT)
			*rejected += failing * parts[i].part;
	}
}

void al_plan_measure_impacts(al_plan_builder *b)
{
	al_plan *plan = b->plan;
	const al_plan_evidence *ev = &plan->evidence;
	if (!ev->present || plan->steps == NULL)
		return;
	al_plan_step *steps = (al_plan_step *)plan->steps;
	double dom = (double)ev->failing_domain / ev->period_days;
	double sub = (double)(ev->failing_subdomains - ev->failing_nonexistent) / ev->period_days;
	double nx = (double)ev->failing_nonexistent / ev->period_days;
	for (size_t k = 0; k < plan->step_count; k++) {
		al_plan_step *s = &steps[k];
		al_plan_impact *im = &s->impact;
		im->measured = true;
		apply(&s->effect[AL_DMARC_TARGET_DOMAIN].rfc7489, dom, &im->rfc7489_quarantined, &im->rfc7489_rejected);
		apply(&s->effect[AL_DMARC_TARGET_SUBDOMAIN].rfc7489, sub, &im->rfc7489_quarantined,
		      &im->rfc7489_rejected);
		apply(&s->effect[AL_DMARC_TARGET_DOMAIN].rfc9989, dom, &im->rfc9989_quarantined, &im->rfc9989_rejected);
		apply(&s->effect[AL_DMARC_TARGET_SUBDOMAIN].rfc9989, sub, &im->rfc9989_quarantined,
		      &im->rfc9989_rejected);
		apply(&s->effect[AL_DMARC_TARGET_NONEXISTENT].rfc7489, nx, &im->rfc7489_quarantined,
		      &im->rfc7489_rejected);
		apply(&s->effect[AL_DMARC_TARGET_NONEXISTENT].rfc9989, nx, &im->rfc9989_quarantined,
		      &im->rfc9989_rejected);
		if (im->rfc7489_quarantined + im->rfc7489_rejected + im->rfc9989_quarantined + im->rfc9989_rejected > 0)
			im->from = ev->from;
	}
}

void al_plan_subdomain_sentence(al_strbuf *out, const al_plan_evidence *ev)
{
	al_strbuf_printf(out, "%llu failing message%s From subdomains: %llu from names that do not exist (np applies "
			      "at RFC 9989 receivers), %llu from names whose existence is not known (counted as "
			      "existing)",
			 (unsigned long long)ev->failing_subdomains, ev->failing_subdomains == 1 ? "" : "s",
			 (unsigned long long)ev->failing_nonexistent, (unsigned long long)ev->failing_unknown);
}

void al_plan_evidence_volume(al_strbuf *out, const al_plan_evidence *ev)
{
	al_strbuf_printf(out, "%llu report%s on %zu day%s (a period of %.0f day%s): %llu messages, %llu passed DMARC "
			      "aligned (%.1f%%)",
			 (unsigned long long)ev->reports, ev->reports == 1 ? "" : "s", ev->days, ev->days == 1 ? "" : "s",
			 ev->period_days, ev->period_days == 1 ? "" : "s", (unsigned long long)ev->messages,
			 (unsigned long long)ev->aligned,
			 ev->messages ? 100.0 * (double)ev->aligned / (double)ev->messages : 0.0);
}

void al_plan_evidence_failing(al_strbuf *out, const al_plan_evidence *ev)
{
	al_strbuf_printf(out, "%zu authorized service%s failing alignment, %zu failing source%s not attributed",
			 ev->services_failing, ev->services_failing == 1 ? "" : "s", ev->unattributed,
			 ev->unattributed == 1 ? "" : "s");
}
