/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The findings list, for the library's own structs to embed (public API: authlint/findings.h). */
#ifndef AL_FINDINGS_INTERNAL_H
#define AL_FINDINGS_INTERNAL_H

#include <authlint/findings.h>

#include "util/arena.h"

struct al_findings {
	al_arena *arena;  /* where the strings go: own, or the owner's */
	al_arena own;
	al_diag *items;
	size_t count, capacity;
	al_summary summary;
};

/* An embedded list. With @p arena, everything it holds (array and strings) is
 * in that arena and goes with it; with NULL, it has its own, freed by fini. */
void al_findings_init(al_findings *list, al_arena *arena);
/* Free what an embedded list holds of its own; the owner's arena is left alone. */
void al_findings_fini(al_findings *list);
/* Empty the list for reuse: the array's room is kept, its own arena cleared. */
void al_findings_reset(al_findings *list);
/* The on_diag callback of al_lint_options that appends to the list given as userdata. */
void al_findings_collect(void *list, const al_diag *diag);

#endif
