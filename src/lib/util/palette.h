/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one colour palette of the text writers (findings, plan, propagation,
 * SPF evaluation): SGR sequences, written only when colour is on. A severity
 * has one colour everywhere; so have "good" (pass, consistent, ready), "bad"
 * (fail, blocked) and "unsure" (softfail, temperror, waiting). */
#ifndef AL_UTIL_PALETTE_H
#define AL_UTIL_PALETTE_H

#include <authlint/diag.h>

#define AL_SGR_RESET "\033[0m"
#define AL_SGR_BOLD "\033[1m"
#define AL_SGR_DIM "\033[2m"
#define AL_SGR_ERROR "\033[1;31m"
#define AL_SGR_WARNING "\033[1;35m"
#define AL_SGR_NOTE "\033[1;36m"
#define AL_SGR_GOOD "\033[32m"
#define AL_SGR_BAD "\033[1;31m"
#define AL_SGR_UNSURE "\033[33m"
#define AL_SGR_CARET "\033[1;32m" /* the ^~~~ under the offending term */

/* The colour of a finding's severity. */
static inline const char *al_sgr_severity(al_severity s)
{
	return s == AL_SEVERITY_ERROR ? AL_SGR_ERROR : s == AL_SEVERITY_WARNING ? AL_SGR_WARNING : AL_SGR_NOTE;
}

#endif
