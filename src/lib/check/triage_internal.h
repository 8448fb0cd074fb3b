/* SPDX-License-Identifier: GPL-3.0-or-later */
/* authlint triage's state, shared by the run (triage.c) and the bounce and
 * bulk-sender checklist (triage_checklist.c). */
#ifndef AL_CHECK_TRIAGE_INTERNAL_H
#define AL_CHECK_TRIAGE_INTERNAL_H

#include <stdbool.h>

#include <authlint/bounce.h>
#include <authlint/dkim_verify.h>
#include <authlint/triage.h>

#include "util/arena.h"

#define MAX_LIST 32

struct al_triage {
	al_arena arena;
	al_triage_result r;
	al_triage_signature sigs[AL_DKIM_MAX_SIGNATURES];
	const char *differences[MAX_LIST];
	al_triage_check checks[16];
	const char *not_checked[MAX_LIST];
	al_dkim_verification *dkim;
	al_arc_chain *arc;
};

/* Add "what was not checked" (printf @p fmt with one string). */
void al_triage_note_not_checked(al_triage *t, const char *fmt, const char *arg);

/* A bounce's cause from the catalog, as TRIAGE008; not-checked when the
 * catalog does not explain it. */
void al_triage_explain_bounce(al_lint *lint, al_triage *t, const al_bounce_catalog *catalog, const char *from);

/* The bulk-sender checklist for the message, from the results checked. */
void al_triage_bulk_checklist(al_lint *lint, al_triage *t, const al_bounce_catalog *catalog, const char *from,
			      const char *spf, bool spf_aligned, bool dkim_pass, bool dkim_aligned, bool has_dmarc,
			      bool dmarc_known);

#endif
