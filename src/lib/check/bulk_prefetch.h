/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef AUTHLINT_CHECK_BULK_PREFETCH_H
#define AUTHLINT_CHECK_BULK_PREFETCH_H

#include <stddef.h>

#include "dns/live_internal.h"

/* The live source's prefetch callback (al_live_set_prefetch) of `check`:
 * fills @p out with at most @p max questions that @p answer implies the
 * domain's next pass will ask; returns how many. @p userdata is unused. */
size_t al_bulk_prefetch_hint(void *userdata, const al_answer *answer, al_live_question *out, size_t max);

#endif
