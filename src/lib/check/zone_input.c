/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ZONE stage: what went wrong while reading the zone files. */
#include <string.h>

#include "check/lint_internal.h"
#include "check/lint_private.h"

static al_rule_code problem_rule(al_zone_problem_kind kind)
{
	switch (kind) {
	case AL_ZONE_PROBLEM_SYNTAX:
		return AL_RULE_ZONE001;
	case AL_ZONE_PROBLEM_UNREADABLE:
		return AL_RULE_ZONE002;
	case AL_ZONE_PROBLEM_INCLUDE_LOOP:
		return AL_RULE_ZONE003;
	case AL_ZONE_PROBLEM_NAME_TOO_LONG:
	case AL_ZONE_PROBLEM_LABEL_TOO_LONG:
		return AL_RULE_ZONE004;
	case AL_ZONE_PROBLEM_STRING_TOO_LONG:
		return AL_RULE_DNS001;
	case AL_ZONE_PROBLEM_LIMIT:
		return AL_RULE_ZONE005;
	case AL_ZONE_PROBLEM_NO_ORIGIN:
		return AL_RULE_ZONE006;
	case AL_ZONE_PROBLEM_ORIGIN_FROM_SOA:
		return AL_RULE_ZONE007;
	}
	return AL_RULE_ZONE001;
}

void al_check_zone_input(const al_check_args *args)
{
	const al_zone *zone = args->zone;
	if (zone == NULL)
		return;
	for (size_t i = 0; i < al_zone_problem_count(zone); i++) {
		const al_zone_problem *p = al_zone_problem_at(zone, i);
		/* a record the servers would refuse is a finding; anything we could
		 * not read is also an input error (exit 2) */
		if (al_zone_problem_unread(p->kind))
			al_lint_mark_input_error(args->lint);
		al_finding *f = al_finding_begin(args->lint, problem_rule(p->kind), NULL);
		if (f == NULL)
			continue;
		al_location loc = {.file = p->file, .line = p->line};
		al_finding_location(f, &loc);
		al_finding_owner(f, p->owner);
		al_finding_arg(f, "problem", "%s", p->message);
		al_finding_arg(f, "file", "%s", p->file ? p->file : "-");
		al_finding_end(args->lint, f);
	}
}
