/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A source answering _dmarc.<domain> with a record of the planner's choosing. */
#ifndef AL_PLAN_OVERLAY_H
#define AL_PLAN_OVERLAY_H

#include <authlint/source.h>

typedef struct al_plan_overlay al_plan_overlay;

/**
 * A source for @p owner (disabled until a record is set: it then covers
 * nothing). @p overlay is the handle to change the record; it lives as long
 * as the source.
 */
al_status al_plan_overlay_new(al_source **out, al_plan_overlay **overlay, const char *owner);
/** Answer TXT at the owner with @p text (split into 255-octet strings). @p label is borrowed. */
al_status al_plan_overlay_set(al_plan_overlay *overlay, const char *text, size_t length, uint32_t ttl,
			      const char *label);
/** Cover nothing again. */
void al_plan_overlay_disable(al_plan_overlay *overlay);

#endif
