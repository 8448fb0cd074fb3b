/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the files of src/lib/diff share. */
#ifndef AL_DIFF_INTERNAL_H
#define AL_DIFF_INTERNAL_H

#include <authlint/diff.h>

#include <stdbool.h>

/** Keep one problem line of reading reports (already escaped, with its line break);
 *  false when memory ran out. */
bool al_diff_add_problem(al_diff *diff, const char *line, bool fatal);

#endif
