/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The DMARC, DKIM and alignment checks and their family parse hooks (see table.c). */
#ifndef AL_CHECK_DMARC_CHECKS_H
#define AL_CHECK_DMARC_CHECKS_H

#include <authlint/dmarc.h>

#include "check/lint_internal.h"

/* parse hooks: the result lives in the unit arena (free is NULL) */
void *al_dmarc_family_parse(al_lint *lint, const al_subject *subject);
/** A DMARC record parsed for the checks (al_lint_parse_memo), or NULL without memory. */
const al_dmarc_record *al_dmarc_lint_parse(al_lint *lint, const char *text, size_t length);
void *al_dkim_family_parse(al_lint *lint, const al_subject *subject);

/* DMARC stage (dmarc_checks.c) */
void al_check_dmarc_syntax(const al_check_args *args);
void al_check_dmarc_policy(const al_check_args *args);
void al_check_dmarc_generations(const al_check_args *args);
void al_check_dmarc_reporting(const al_check_args *args);
/* DMARC stage, with lookups (report_auth.c) */
void al_check_dmarc_report_destinations(const al_check_args *args);
/* DOMAIN stage (discovery.c) */
void al_check_dmarc_discovery(const al_check_args *args);
/* DOMAIN stage (cross.c) */
void al_check_dmarc_cross(const al_check_args *args);
/* a domain that sends no mail and lacks a null MX, -all or p=reject; a null MX
 * beside other MX records (mail_domain.c) */
void al_check_mail_parked(const al_check_args *args);

/* NAME stage (dkim_checks.c) */
void al_check_dkim_selector(const al_check_args *args);
/* DKIM stage (dkim_checks.c) */
void al_check_dkim_syntax(const al_check_args *args);
void al_check_dkim_key(const al_check_args *args);
/* DOMAIN stage (selectors.c): selector discovery in live mode */
void al_check_dkim_discovery(const al_check_args *args);

#endif
