/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by build.c and drafts.c; private. */
#ifndef AL_PLAN_BUILD_INTERNAL_H
#define AL_PLAN_BUILD_INTERNAL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "dns/txt.h"
#include "check/lint_internal.h"
#include "plan/builder.h"
#include "record/dmarc_parse.h"
#include "util/escape.h"
typedef struct plan_private {
	al_plan plan; /* first: an al_plan pointer is a plan_private pointer */
	al_arena arena;
	al_findings findings; /* what plan.findings shows, in the arena */
} plan_private;

bool al_planb_grow(al_plan_builder *b, void **items, size_t *count, size_t *capacity, size_t size);
void al_planb_harden(al_plan_builder *b);
void al_planb_place_on_template(al_plan_builder *b);

#endif
