/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the unit tests: lint a zone text or a record and look at the findings. */
#ifndef AL_TEST_HELPERS_H
#define AL_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <authlint/authlint.h>

#define T_MAX_FINDINGS 512

typedef struct t_finding {
	char id[32];
	char *message;
	char *owner;
	char *context;
	unsigned long line, column;
	al_severity severity;
	al_generation generation;
	size_t span_start, span_length;
	bool waived;
} t_finding;

typedef struct t_findings {
	size_t count;
	t_finding items[T_MAX_FINDINGS];
	al_summary summary;
	al_status status;
} t_findings;

/** The built-in registry, loaded once. */
const al_rules *t_rules(void);
/** The Public Suffix List of the tree (tests/data/psl/public_suffix_list.dat), loaded once:
 *  every test lints with it, not with the list a machine has installed. */
const al_psl *t_psl(void);
/** Lint zone text (label "<test>") offline; @p origin may be NULL. */
void t_lint_zone(const char *zone_text, const char *origin, t_findings *out);
/** Lint zone text with options (config, dmarc spec) and an optional extra source for names outside. */
void t_lint_zone_with(const char *zone_text, const char *origin, const al_config *config,
		      al_generation spec, t_findings *out);
/**
 * Lint zone text offline with options of the caller's (rules, config, on_diag,
 * userdata, threads...): the zone source is filled in. The run's totals go to
 * @p summary (may be NULL).
 */
void t_lint_zone_options(const char *zone_text, const char *origin, al_lint_options *options,
			 al_summary *summary);
/** Lint one record string offline. */
void t_lint_record(al_kind kind, const char *text, const char *domain, t_findings *out);
void t_lint_record_spec(al_kind kind, const char *text, const char *domain, al_generation spec,
			t_findings *out);
/** Lint one domain through a source (a fixture, a zone). */
void t_lint_domain(al_source *source, const char *domain, const char *const *selectors,
		   size_t selector_count, t_findings *out);
bool t_has(const t_findings *f, const char *id);
size_t t_count(const t_findings *f, const char *id);
/** The first finding of rule @p id, or NULL. */
const t_finding *t_find(const t_findings *f, const char *id);
/** "SPF001 DNS002 ..." for messages. */
const char *t_ids(const t_findings *f);
void t_findings_free(t_findings *f);
/** Path of a file under the source tree (AUTHLINT_SOURCE_ROOT). */
const char *t_source_path(const char *relative);

#endif
