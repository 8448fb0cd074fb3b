/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The lint driver: the context, the stage dispatch and the units.
 *
 * A unit is one owner name in zone mode (zone_mode.c), one domain in check
 * mode (domain_mode.c) and one record in record mode (record_mode.c).
 * Findings (finding.c) are buffered per unit, sorted, then given to the
 * callback. When an asynchronous source answers PENDING (lookup.c), the pass
 * is marked pending and its findings are discarded: the caller runs the unit
 * again once the answers are in the cache (see al_lint_domain_try).
 */
#include <authlint/findings.h>
#include <authlint/lint.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "check/lint_context.h"
#include "check/lint_private.h"
#include "check/spf_family.h"
#include "rules_internal.h"
#include "util/arena.h"
#include "util/hash.h"

/* ---- options and state -------------------------------------------------- */

static bool checks_wanted(al_lint *l);

al_status al_lint_new(al_lint **out, const al_lint_options *options)
{
	*out = NULL;
	if (options == NULL || options->rules == NULL)
		return AL_EINVAL;
	al_lint *l = calloc(1, sizeof(*l));
	if (l == NULL)
		return AL_ENOMEM;
	l->options = *options;
	if (l->options.dmarc_spec == AL_GENERATION_ANY)
		l->options.dmarc_spec = AL_GENERATION_RFC9989;
	al_arena_init(&l->unit_arena);
	al_map_init(&l->reported, true);
	l->check_wanted = calloc(al_check_count ? al_check_count : 1, sizeof(bool));
	if (l->check_wanted == NULL || !checks_wanted(l)) {
		free(l->check_wanted);
		free(l);
		return AL_ENOMEM;
	}
	for (size_t code = 1; code < AL_RULE_COUNT_; code++)
		l->by_code[code] = al_rules_find(l->options.rules, al_rule_code_ids[code]);
	if (options->today != NULL && strlen(options->today) == 10) {
		memcpy(l->today, options->today, 11);
	} else {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(l->today, sizeof(l->today), "%Y-%m-%d", &tm);
	}
	l->options.today = l->today;
	*out = l;
	return AL_OK;
}

void al_lint_unit_reset(al_lint *l)
{
	for (size_t i = 0; i < l->answer_count; i++)
		al_source_release(l->options.source, l->answers[i]);
	l->answer_count = 0;
	l->asked_count = 0;
	l->discovery = NULL;
	l->mail_domain = NULL;
	l->spf_tree = NULL;
	l->diag_count = 0;
	al_map_free(&l->reported);
	al_map_init(&l->reported, true);
	al_arena_clear(&l->unit_arena);
	l->pending = false;
	l->discard = false;
	l->unit_lookups = 0;
	l->inventory_ready = false;
	l->unit_serial++;
}

void al_lint_free(al_lint *lint)
{
	if (lint == NULL)
		return;
	al_lint_unit_reset(lint);
	al_lint_memo_clear(lint);
	free(lint->psl_memo);
	al_lint_parse_memo_free(lint);
	for (size_t i = 0; i < AL_KIND_COUNT_; i++)
		if (lint->families[i].free_fn != NULL)
			lint->families[i].free_fn(lint->families[i].state);
	free(lint->diags);
	free(lint->answers);
	free(lint->asked);
	free(lint->check_wanted);
	al_map_free(&lint->reported);
	free(lint);
}

const al_lint_options *al_lint_get_options(const al_lint *lint)
{
	return &lint->options;
}

const al_rules *al_lint_rules(const al_lint *lint)
{
	return lint->options.rules;
}

struct al_arena *al_lint_unit_arena(al_lint *lint)
{
	return &lint->unit_arena;
}

void *al_lint_family_state(al_lint *lint, al_kind kind)
{
	return (unsigned)kind < AL_KIND_COUNT_ ? lint->families[kind].state : NULL;
}

void al_lint_set_family_state(al_lint *lint, al_kind kind, void *state, void (*free_fn)(void *))
{
	if ((unsigned)kind >= AL_KIND_COUNT_)
		return;
	if (lint->families[kind].free_fn != NULL && lint->families[kind].state != state)
		lint->families[kind].free_fn(lint->families[kind].state);
	lint->families[kind].state = state;
	lint->families[kind].free_fn = free_fn;
}

const al_summary *al_lint_summary(const al_lint *lint)
{
	return &lint->summary;
}

const char *al_lint_today(const al_lint *lint)
{
	return lint->today;
}

void al_summary_add(al_summary *to, const al_summary *from)
{
	for (int i = 0; i < 4; i++)
		to->by_severity[i] += from->by_severity[i];
	to->waived += from->waived;
	to->names += from->names;
	to->records += from->records;
	to->lookups += from->lookups;
	to->lookups_failed += from->lookups_failed;
	to->not_queried += from->not_queried;
	to->input_error |= from->input_error;
	to->incomplete |= from->incomplete;
}

int al_summary_exit_code(const al_summary *summary, al_severity fail_on)
{
	if (summary->input_error || summary->incomplete)
		return 2;
	if (fail_on == AL_SEVERITY_OFF)
		return 0;
	for (int s = AL_SEVERITY_ERROR; s >= (int)fail_on; s--)
		if (summary->by_severity[s] > 0)
			return 1;
	return 0;
}

void al_lint_mark_input_error(al_lint *lint)
{
	lint->summary.input_error = true;
}
/* ---- units ---------------------------------------------------------------- */

/* Sort and hand out the unit's findings (unless the pass is pending), then reset. */
void al_lint_unit_flush(al_lint *l)
{
	if (!l->pending) {
		/* drop exact duplicates: the same rule, place and message raised twice */
		if (l->diag_count > 1)
			qsort(l->diags, l->diag_count, sizeof(*l->diags), al_diag_compare);
		for (size_t i = 0; i < l->diag_count; i++) {
			const al_diag *d = &l->diags[i];
			if (i > 0 && al_diag_compare(d, &l->diags[i - 1]) == 0)
				continue;
			if (d->waived)
				l->summary.waived++;
			else
				l->summary.by_severity[d->severity]++;
			if (l->options.on_diag != NULL)
				l->options.on_diag(l->options.userdata, d);
		}
		if (l->options.on_unit_end != NULL)
			l->options.on_unit_end(l->options.userdata);
	}
	/* what a pass thrown away cached must not save a kept pass its lookups */
	al_spf_lint_pass_end(l, !l->pending);
	al_lint_unit_reset(l);
}

void al_lint_unit_end(al_lint *lint)
{
	al_lint_unit_flush(lint);
}
/* ---- stages ----------------------------------------------------------------- */

/* A check runs unless every rule that names it is disabled: decided once per
 * lint, not per record. */
/* A check runs unless every rule that names it is off (a check no rule names
 * always runs). One pass over the rules, the checks found by name in a map:
 * this runs for every lint, and a lint may be made per zone or per input. */
static bool checks_wanted(al_lint *l)
{
	const al_rules *rules = l->options.rules;
	al_map index;
	al_map_init(&index, false);
	bool ok = true;
	/* a name to the index of its first check, plus one (so that no value is NULL);
	 * a name may be in the table at several stages */
	for (size_t i = 0; i < al_check_count && ok; i++)
		if (al_map_get(&index, al_checks[i].name) == NULL)
			ok = al_map_put(&index, al_checks[i].name, (void *)(uintptr_t)(i + 1));
	bool *named = ok ? calloc(al_check_count ? al_check_count : 1, sizeof(bool)) : NULL;
	if (named == NULL) {
		al_map_free(&index);
		return false;
	}
	for (size_t i = 0; i < al_rules_count(rules); i++) {
		const al_rule *r = al_rules_at(rules, i);
		uintptr_t at = r->check != NULL ? (uintptr_t)al_map_get(&index, r->check) : 0;
		if (at == 0)
			continue;
		named[at - 1] = true;
		if (al_config_severity(l->options.config, r) != AL_SEVERITY_OFF)
			l->check_wanted[at - 1] = true;
	}
	for (size_t i = 0; i < al_check_count; i++) {
		size_t first = (uintptr_t)al_map_get(&index, al_checks[i].name) - 1;
		l->check_wanted[i] = !named[first] || l->check_wanted[first];
	}
	free(named);
	al_map_free(&index);
	return true;
}

void al_lint_run_stage(al_lint *l, al_check_stage stage, al_check_args *args)
{
	for (size_t i = 0; i < al_check_count; i++) {
		const al_check *c = &al_checks[i];
		if (c->stage != stage || c->fn == NULL || !l->check_wanted[i])
			continue;
		c->fn(args);
	}
}

void al_lint_run_record(al_lint *l, al_name_info *info, const al_subject *subject)
{
	al_check_stage stage;
	switch (subject->kind) {
	case AL_KIND_SPF:
		stage = AL_STAGE_SPF;
		break;
	case AL_KIND_DMARC:
		stage = AL_STAGE_DMARC;
		break;
	case AL_KIND_DKIM:
		stage = AL_STAGE_DKIM;
		break;
	default:
		return;
	}
	l->summary.records++;
	/* no check of the stage runs (every rule of the family is off): no parse either */
	bool any = false;
	for (size_t i = 0; i < al_check_count && !any; i++)
		any = al_checks[i].stage == stage && al_checks[i].fn != NULL && l->check_wanted[i];
	if (!any)
		return;
	const al_family_ops *fam = al_family_find(subject->kind);
	void *parsed = (fam != NULL && fam->parse != NULL) ? fam->parse(l, subject) : NULL;
	al_check_args args = {.lint = l, .zone = l->zone, .name = info, .subject = subject,
			      .parsed = parsed};
	al_lint_run_stage(l, stage, &args);
	if (fam != NULL && fam->free != NULL && parsed != NULL)
		fam->free(parsed);
}

/* Everything at one owner name: its RRsets, the NAME checks, then each record. */
static void check_name(al_lint *l, al_name_info *info);

void al_lint_name(al_lint *l, const char *name, bool ask_spf_type, bool ask_cname)
{
	al_name_info info;
	memset(&info, 0, sizeof(info));
	info.name = al_arena_strdup(&l->unit_arena, name);
	info.role = al_lint_name_role(l, info.name, &info.domain, &info.selector);
	info.txt = al_lint_lookup(l, info.name, AL_TYPE_TXT);
	if (ask_spf_type)
		info.spf = al_lint_lookup(l, info.name, AL_TYPE_SPF);
	if (ask_cname)
		info.cname = al_lint_lookup(l, info.name, AL_TYPE_CNAME);
	check_name(l, &info);
}

void al_lint_check_answer(al_lint *lint, const char *name, const al_answer *txt)
{
	al_name_info info;
	memset(&info, 0, sizeof(info));
	info.name = al_arena_strdup(&lint->unit_arena, name);
	if (info.name == NULL || txt == NULL)
		return;
	info.role = al_lint_name_role(lint, info.name, &info.domain, &info.selector);
	info.txt = txt;
	check_name(lint, &info);
}

/* The NAME checks of a name whose answers are in, then each record of its role. */
static void check_name(al_lint *l, al_name_info *info)
{
	l->summary.names++;
	al_subject *subjects = NULL;
	size_t n = info->txt->count;
	if (n > 0)
		subjects = al_arena_calloc(&l->unit_arena, n, sizeof(*subjects));
	for (size_t i = 0; subjects != NULL && i < n; i++) {
		const al_rr *rr = &info->txt->rrs[i];
		al_subject *s = &subjects[i];
		if (!al_subject_from_rr(l, s, rr, AL_KIND_NONE))
			continue;
		s->owner = info->txt->name ? info->txt->name : info->name;
		s->domain = info->domain;
		s->selector = info->selector;
		if (info->role == AL_KIND_DMARC && al_text_is_dmarc(s->text, s->length))
			s->kind = AL_KIND_DMARC;
		else if (info->role == AL_KIND_DKIM)
			s->kind = AL_KIND_DKIM;
		else if (info->role == AL_KIND_SPF && al_text_is_spf(s->text, s->length))
			s->kind = AL_KIND_SPF;
		if (s->kind == info->role)
			info->record_count++;
	}
	al_check_args args = {.lint = l, .zone = l->zone, .name = info};
	al_lint_run_stage(l, AL_STAGE_NAME, &args);
	for (size_t i = 0; subjects != NULL && i < n; i++)
		if (subjects[i].kind != AL_KIND_NONE)
			al_lint_run_record(l, info, &subjects[i]);
}
