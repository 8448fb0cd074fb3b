/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Building plans from zone text in the planner's unit tests. */
#ifndef AL_TEST_PLAN_HELPERS_H
#define AL_TEST_PLAN_HELPERS_H

#include "helpers.h"

/* A zone for example.com: SOA (negative TTL 300), NS, MX, a DKIM key at s1, an SPF record without lookups. */
#define T_ZONE_HEAD                                                                            \
	"$ORIGIN example.com.\n$TTL 3600\n"                                                    \
	"@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"                                  \
	"@ IN NS ns1\n"                                                                        \
	"ns1 IN A 192.0.2.53\n"                                                                \
	"@ IN MX 10 mail\n"                                                                    \
	"mail IN A 192.0.2.25\n"                                                               \
	"s1._domainkey IN TXT \"v=DKIM1; k=ed25519; p=BLH0X7wXFJ/KFLr/yf/KHDuE8Exe5Aq1B50Xu0Wq9fA=\"\n"
#define T_SPF "@ IN TXT \"v=spf1 ip4:192.0.2.1 -all\"\n"

typedef struct t_plan {
	al_zone *zone;
	al_source *source;
	al_plan_template *tmpl;
	al_plan *plan;
	al_plan_options options;
} t_plan;

/* Options with the built-in registry, template @p tmpl_name, start @p start, offline, selector s1. */
void t_plan_options(t_plan *t, const char *tmpl_name, const char *start);
/* Load @p zone_text (origin example.com) as the source. */
void t_plan_zone(t_plan *t, const char *zone_text);
/* Build for @p domain; the plan must build. */
const al_plan *t_plan_build(t_plan *t, const char *domain);
void t_plan_free(t_plan *t);
/* Find a step by id, or NULL. */
const al_plan_step *t_step(const al_plan *plan, const char *id);
/* The plan's findings of rule @p id. */
size_t t_plan_count(const al_plan *plan, const char *id);
/* Write @p plan in @p format into a malloc()ed string. */
char *t_plan_write(const al_plan *plan, al_plan_format format, size_t *length);

#endif
