/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The check table: every C check, the stage it runs at, and the name a rule's
 * `check:` refers to. A family adds its checks here and its parse hooks below.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "check/dmarc_checks.h"
#include "check/lint_internal.h"
#include "check/spf_family.h"

const al_check al_checks[] = {
	/* foundation: zone input and DNS-level checks */
	{"zone-input", AL_STAGE_ZONE, al_check_zone_input},
	{"record-selection", AL_STAGE_NAME, al_check_record_selection},
	{"txt-strings", AL_STAGE_NAME, al_check_txt_strings},
	{"rrset-size", AL_STAGE_NAME, al_check_rrset_size},
	{"cname-and-data", AL_STAGE_NAME, al_check_cname_and_data},
	/* lookups are reported by al_lint_lookup itself */
	{"lookup", AL_STAGE_NAME, NULL},
	/* the rollout planner raises its findings itself (plan/gates.c) */
	{"plan", AL_STAGE_DOMAIN, NULL},
	/* propagation raises its findings itself (src/lib/propagation/findings.c) */
	{"propagation", AL_STAGE_NAME, NULL},
	/* declarative rules and organisation policies */
	{"declarative", AL_STAGE_SPF, al_check_declarative},
	{"declarative", AL_STAGE_DMARC, al_check_declarative},
	{"declarative", AL_STAGE_DKIM, al_check_declarative},
	/* SPF records (spf_checks.c, spf_tree_checks.c, spf_range_checks.c) */
	{"spf-syntax", AL_STAGE_SPF, al_check_spf_syntax},
	{"spf-policy", AL_STAGE_SPF, al_check_spf_policy},
	{"spf-lookups", AL_STAGE_SPF, al_check_spf_lookups},
	{"spf-exp", AL_STAGE_SPF, al_check_spf_exp},
	{"spf-domain", AL_STAGE_NAME, al_check_spf_domain},
	{"spf-ranges", AL_STAGE_SPF, al_check_spf_ranges},
	/* DMARC records (dmarc_checks.c) */
	{"dmarc-syntax", AL_STAGE_DMARC, al_check_dmarc_syntax},
	{"dmarc-policy", AL_STAGE_DMARC, al_check_dmarc_policy},
	{"dmarc-generations", AL_STAGE_DMARC, al_check_dmarc_generations},
	{"dmarc-reporting", AL_STAGE_DMARC, al_check_dmarc_reporting},
	{"dmarc-report-destinations", AL_STAGE_DMARC, al_check_dmarc_report_destinations},
	/* DMARC policy discovery per domain (discovery.c) */
	{"dmarc-discovery", AL_STAGE_DOMAIN, al_check_dmarc_discovery},
	/* DKIM selectors and key records (dkim_checks.c, selectors.c) */
	{"dkim-selector", AL_STAGE_NAME, al_check_dkim_selector},
	{"dkim-syntax", AL_STAGE_DKIM, al_check_dkim_syntax},
	{"dkim-key", AL_STAGE_DKIM, al_check_dkim_key},
	{"dkim-discovery", AL_STAGE_DOMAIN, al_check_dkim_discovery},
	/* DMARC enforcement against the state of SPF and DKIM (cross.c) */
	{"dmarc-cross", AL_STAGE_DOMAIN, al_check_dmarc_cross},
	/* domains that send no mail: null MX, -all, p=reject; a null MX beside others (mail_domain.c) */
	{"mail-parked", AL_STAGE_DOMAIN, al_check_mail_parked},
	/* identifier alignment is raised by al_lint_align (align.c), not in a pass */
	{"align", AL_STAGE_DOMAIN, NULL},
	/* a message's signatures, ARC chain and verdict are raised by al_lint_triage (triage.c) */
	{"signature", AL_STAGE_DOMAIN, NULL},
	{"arc", AL_STAGE_DOMAIN, NULL},
	{"triage", AL_STAGE_DOMAIN, NULL},
	/* what aggregate reports show is raised by al_lint_reports (report/findings.c) */
	{"reports", AL_STAGE_DOMAIN, NULL},
};

const size_t al_check_count = sizeof(al_checks) / sizeof(al_checks[0]);

static const al_family_ops families[] = {
	{AL_KIND_NONE, NULL, NULL},
	{AL_KIND_SPF, al_spf_family_parse, NULL},
	{AL_KIND_DMARC, al_dmarc_family_parse, NULL},
	{AL_KIND_DKIM, al_dkim_family_parse, NULL},
};

const al_family_ops *al_family_find(al_kind kind)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (families[i].kind == kind && kind != AL_KIND_NONE)
			return &families[i];
	return NULL;
}

static const char *check_names[sizeof(al_checks) / sizeof(al_checks[0]) + 1];
static pthread_once_t check_names_once = PTHREAD_ONCE_INIT;

static void collect_check_names(void)
{
	size_t n = 0;
	for (size_t i = 0; i < al_check_count; i++) {
		bool seen = false;
		for (size_t j = 0; j < n; j++)
			if (strcmp(check_names[j], al_checks[i].name) == 0)
				seen = true;
		if (!seen)
			check_names[n++] = al_checks[i].name;
	}
	check_names[n] = NULL;
}

const char *const *al_rules_check_names(void)
{
	/* the unique names of the table, in table order */
	pthread_once(&check_names_once, collect_check_names);
	return check_names;
}
