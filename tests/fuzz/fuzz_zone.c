/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The zone reader and the whole zone lint on arbitrary bytes: no crash, no
 * hang, no leak, every finding's span inside its record. The input is read
 * with bounds of its own (FUZZ_MAX_BYTES for it and for every $INCLUDE,
 * FUZZ_MAX_RECORDS), as the product reads a zone with its own.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/authlint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The bounds of the target, below the product's (a zone file or $INCLUDE of up
 * to 4 GiB, no bound on records) so that a fuzzed input meets them: 1,000
 * records fit in the 16 KB of bench/fuzz/run.sh's -max_len for this target. */
#define FUZZ_MAX_BYTES ((size_t)1 << 20)
#define FUZZ_MAX_RECORDS 1000

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

int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The registry once, not per input. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (rules == NULL && al_rules_load_builtin(&rules, NULL) != AL_OK)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (rules == NULL)
		LLVMFuzzerInitialize(NULL, NULL);
	if (size > FUZZ_MAX_BYTES)
		return 0;
	al_zone_options zo = {0};
	zo.origin = "example.com";
	zo.max_records = FUZZ_MAX_RECORDS;
	zo.max_file_bytes = FUZZ_MAX_BYTES; /* an $INCLUDE of a file on the disk too */
	al_zone *zone = NULL;
	if (al_zone_new(&zone, &zo) != AL_OK)
		abort();
	al_error err;
	al_zone_load_text(zone, "<fuzz>", (const char *)data, size, &err);
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
