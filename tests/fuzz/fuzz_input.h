/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What fuzz_octodns, fuzz_dnscontrol and fuzz_terraform share: one zone input
 * format read from arbitrary bytes (al_zone_load_input_text) and the whole
 * zone lint on what was read: no crash, no hang, no leak, every record and
 * problem located, every finding's span inside its record.
 */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/authlint.h>
#include <authlint/input.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static al_rules *rules;

static void check_diag(void *userdata, const al_diag *d)
{
	(void)userdata;
	if (d->rule == NULL || d->message == NULL)
		abort();
	if (d->record != NULL && (d->span_start > d->record_length ||
				  d->span_length > d->record_length - d->span_start))
		abort();
}

/* The registry once, not per input. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (rules == NULL && al_rules_load_builtin(&rules, NULL) != AL_OK)
		abort();
	return 0;
}

/* @p label names the input as a file would (an octoDNS zone file's zone comes from it). */
static int fuzz_input(const uint8_t *data, size_t size, al_input_format format, const char *label)
{
	if (rules == NULL)
		LLVMFuzzerInitialize(NULL, NULL);
	if (size > ((size_t)1 << 20))
		return 0;
	al_zone_options zo = {0};
	zo.max_records = 1000;             /* met within the 16 KB of -max_len */
	zo.max_file_bytes = (size_t)1 << 20; /* a zone file the input names, if any */
	al_zone *zone = NULL;
	if (al_zone_new(&zone, &zo) != AL_OK)
		abort();
	al_error err;
	al_zone_load_input_text(zone, label, (const char *)data, size, format, &err);
	for (size_t i = 0; i < al_zone_problem_count(zone); i++) {
		const al_zone_problem *p = al_zone_problem_at(zone, i);
		if (p == NULL || p->file == NULL || p->message == NULL)
			abort();
	}
	al_source *zs = NULL, *top = NULL;
	if (al_source_new_zone(&zs, zone) != AL_OK || al_source_new_layered(&top, zs, NULL) != AL_OK)
		abort();
	al_lint_options o = {0};
	o.rules = rules;
	o.source = top;
	o.offline = true;
	o.on_diag = check_diag;
	al_lint *lint = NULL;
	if (al_lint_new(&lint, &o) != AL_OK)
		abort();
	al_lint_zone(lint, zone);
	al_lint_free(lint);
	al_source_free(top);
	al_source_free(zs);
	al_zone_free(zone);
	return 0;
}

#endif
