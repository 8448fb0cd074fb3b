/* SPDX-License-Identifier: GPL-3.0-or-later */
/* al_findings: the copy outlives what it was copied from; counts; order. */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include <authlint/findings.h>
#include <authlint/rule.h>

#include "rules_internal.h"

static al_diag make(const char *id, al_severity sev, bool waived, const char *file, unsigned long line, char *buf)
{
	al_diag d = {0};
	d.rule = al_rules_find(t_rules(), id);
	assert_non_null(d.rule);
	d.severity = sev;
	d.waived = waived;
	d.location.file = file;
	d.location.line = line;
	d.owner = "example.com";
	d.message = buf;
	d.record = "v=spf1\0x -all";
	d.record_length = 13;
	return d;
}

static void test_copy_counts_order(void **state)
{
	(void)state;
	al_findings *list = al_findings_new();
	assert_non_null(list);
	char msg[32];
	strcpy(msg, "second");
	al_diag b = make("SPF001", AL_SEVERITY_ERROR, false, "z.db", 9, msg);
	assert_int_equal(al_findings_add(list, &b), AL_OK);
	/* the caller's buffer changes: the list kept its own copy */
	strcpy(msg, "first");
	al_diag a = make("DMARC001", AL_SEVERITY_WARNING, false, "z.db", 3, msg);
	assert_int_equal(al_findings_add(list, &a), AL_OK);
	al_diag w = make("SPF001", AL_SEVERITY_ERROR, true, "z.db", 12, msg);
	assert_int_equal(al_findings_add(list, &w), AL_OK);
	strcpy(msg, "overwritten");

	assert_int_equal(al_findings_count(list), 3);
	const al_summary *s = al_findings_summary(list);
	assert_int_equal(s->by_severity[AL_SEVERITY_ERROR], 1);
	assert_int_equal(s->by_severity[AL_SEVERITY_WARNING], 1);
	assert_int_equal(s->waived, 1);
	assert_int_equal(al_summary_exit_code(s, AL_SEVERITY_ERROR), 1);

	al_findings_sort(list);
	assert_string_equal(al_findings_at(list, 0)->message, "first");
	assert_int_equal(al_findings_at(list, 0)->location.line, 3);
	assert_string_equal(al_findings_at(list, 1)->message, "second");
	assert_true(al_findings_at(list, 2)->waived);
	/* the record is copied whole, NUL byte included, and terminated */
	const al_diag *d = al_findings_at(list, 1);
	assert_int_equal(d->record_length, 13);
	assert_memory_equal(d->record, "v=spf1\0x -all", 14);
	assert_ptr_not_equal(d->record, b.record);
	assert_null(al_findings_at(list, 3));

	al_summary run = {0};
	run.lookups = 4;
	run.incomplete = true;
	al_findings_add_counts(list, &run);
	assert_int_equal(al_findings_summary(list)->lookups, 4);
	assert_int_equal(al_summary_exit_code(al_findings_summary(list), AL_SEVERITY_ERROR), 2);
	/* finding counts are not added twice */
	assert_int_equal(al_findings_summary(list)->by_severity[AL_SEVERITY_ERROR], 1);
	al_findings_free(list);
}

static void test_null_and_empty(void **state)
{
	(void)state;
	assert_int_equal(al_findings_count(NULL), 0);
	assert_null(al_findings_at(NULL, 0));
	assert_int_equal(al_findings_summary(NULL)->waived, 0);
	al_findings_free(NULL);
	al_findings *list = al_findings_new();
	al_findings_sort(list);
	assert_int_equal(al_summary_exit_code(al_findings_summary(list), AL_SEVERITY_NOTE), 0);
	al_findings_free(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_counts_order),
		cmocka_unit_test(test_null_and_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
