/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file findings.h
 * A list of findings that owns them: every string of every finding is
 * copied in, so the list outlives the lint run that raised them. The plan
 * (al_plan) and a propagation round (al_prop_result) hand their findings out
 * as one; a program that collects findings from its own on_diag callback can
 * use one too. (The word "report" is kept for DMARC aggregate reports.)
 */
#ifndef AUTHLINT_FINDINGS_H
#define AUTHLINT_FINDINGS_H

#include <authlint/export.h>

#include <stddef.h>

#include <authlint/diag.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct al_findings al_findings;

/** A new, empty list; NULL when memory ran out. Free with al_findings_free. */
AL_EXPORT al_findings *al_findings_new(void);
/** Free the list and every string of its findings; NULL is safe. */
AL_EXPORT void al_findings_free(al_findings *list);
/**
 * Append a copy of @p diag (its strings included; the rule pointer is shared,
 * and so is a fix that is the rule's own: the registry must outlive the list)
 * and count it in the summary: waived, or
 * by severity. AL_ENOMEM leaves the list as it was.
 */
AL_EXPORT al_status al_findings_add(al_findings *list, const al_diag *diag);
/** Add the counts of a run that are not finding counts (names, records, lookups, failures). */
AL_EXPORT void al_findings_add_counts(al_findings *list, const al_summary *run);
/** Sort in the order every writer shows: file, line, column, owner, rule, span, message, record. */
AL_EXPORT void al_findings_sort(al_findings *list);
/** Number of findings, waived ones included (0 for NULL). */
AL_EXPORT size_t al_findings_count(const al_findings *list);
/** The finding at @p index (< al_findings_count), owned by the list. */
AL_EXPORT const al_diag *al_findings_at(const al_findings *list, size_t index);
/** The counts over the list, for the summary line and the exit code; owned by the list
 *  (for NULL, counts of zero). */
AL_EXPORT const al_summary *al_findings_summary(const al_findings *list);

/** The order of al_findings_sort, for qsort over al_diag; equal means the same finding. */
AL_EXPORT int al_diag_compare(const void *a, const void *b);

#ifdef __cplusplus
}
#endif

#endif
