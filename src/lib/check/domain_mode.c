/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Domain mode (check): the SPF name, _dmarc and the DKIM selectors of one
 * domain, then the cross-record checks, as one unit.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/lint_context.h"
#include "check/lint_private.h"
#include "util/arena.h"

/* ---- check mode ---------------------------------------------------------- */

al_status al_lint_domain_try(al_lint *lint, const char *domain, bool *pending)
{
	char norm[AL_NAME_MAX];
	al_error err;
	*pending = false;
	if (al_name_normalize(domain, strlen(domain), norm, &err) != AL_OK)
		return AL_EINVAL;
	/* counts of a pass that ends pending must not stay in the summary */
	al_summary saved = lint->summary;
	al_lint_name(lint, norm, false, false);
	char name[AL_NAME_MAX + 16];
	snprintf(name, sizeof(name), "_dmarc.%s", norm);
	al_lint_name(lint, name, false, false);
	const char *const *selectors = NULL;
	size_t selector_count = al_lint_selectors(lint, &selectors);
	for (size_t i = 0; i < selector_count; i++) {
		snprintf(name, sizeof(name), "%s._domainkey.%s", selectors[i], norm);
		al_lint_name(lint, name, false, false);
	}
	al_check_args args = {.lint = lint, .domain = al_arena_strdup(&lint->unit_arena, norm)};
	al_lint_run_stage(lint, AL_STAGE_DOMAIN, &args);
	if (lint->want_inventory)
		al_lint_collect_inventory(lint, args.domain);
	*pending = lint->pending;
	if (*pending)
		lint->summary = saved;
	al_lint_unit_flush(lint);
	return AL_OK;
}

size_t al_lint_selectors(al_lint *lint, const char *const **out)
{
	size_t no = lint->options.selector_count, nd = lint->domain_selector_count;
	*out = lint->options.selectors;
	if (nd == 0)
		return no;
	if (no == 0) {
		*out = lint->domain_selectors;
		return nd;
	}
	const char **all = al_arena_alloc(&lint->unit_arena, (no + nd) * sizeof(*all));
	if (all == NULL)
		return no;
	size_t n = 0;
	for (size_t i = 0; i < no; i++)
		all[n++] = lint->options.selectors[i];
	for (size_t i = 0; i < nd; i++) {
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = strcasecmp(all[k], lint->domain_selectors[i]) == 0;
		if (!seen)
			all[n++] = lint->domain_selectors[i];
	}
	*out = all;
	return n;
}

void al_lint_set_domain_selectors(al_lint *lint, const char *const *selectors, size_t count)
{
	lint->domain_selectors = selectors;
	lint->domain_selector_count = selectors != NULL ? count : 0;
}

al_status al_lint_domain(al_lint *lint, const char *domain)
{
	bool pending = false;
	al_status st = al_lint_domain_try(lint, domain, &pending);
	if (st == AL_OK && pending)
		return AL_EUNSUPPORTED; /* an asynchronous source needs the engine's loop */
	return st;
}
