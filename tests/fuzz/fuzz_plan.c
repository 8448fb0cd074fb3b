/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The planner on arbitrary bytes. The first byte picks what they are: odd, a
 * template (loaded, then planned from a p=none record); even, the current
 * DMARC record (planned with the default template). Its other bits pick the
 * format the plan is written in ((byte >> 1) % 5: text, json, yaml, markdown,
 * ics), one per input: the writers are a function of the plan, and writing
 * every plan five times made each input five times dearer. No output may carry
 * a control byte other than line ends. The registry and the default template
 * are loaded once (LLVMFuzzerInitialize, or the first input under driver.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/authlint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static al_rules *rules;
static al_plan_template *fallback;

/* Every control byte but the line ends, looked for with memchr: a loop over the
 * bytes here, compared one by one under the fuzzer's comparison tracing, took a
 * sixth of the time of an input (outputs of 15-100 KB). */
static int check_output(void *ctx, const void *bytes, size_t length)
{
	al_plan_format format = *(const al_plan_format *)ctx;
	for (int c = 0; c < 0x20; c++) {
		if (c == '\n' || (c == '\r' && format == AL_PLAN_FORMAT_ICS))
			continue;
		if (memchr(bytes, c, length) != NULL)
			abort();
	}
	if (memchr(bytes, 0x7f, length) != NULL)
		abort();
	return 0;
}

static void plan_and_write(const al_plan_template *tmpl, const char *record, size_t length,
			   al_plan_format format)
{
	al_plan_options o = {0};
	o.rules = rules;
	o.plan_template = tmpl;
	o.offline = true;
	o.start.year = 2026;
	o.start.month = 12;
	o.start.day = 1;
	o.record = record;
	o.record_length = length;
	al_plan *plan = NULL;
	al_error err;
	if (al_plan_build(&o, "example.com", &plan, &err) != AL_OK)
		return;
	for (size_t i = 0; i < plan->step_count; i++) {
		al_dmarc_record *r = NULL;
		if (al_dmarc_parse(plan->steps[i].record, strlen(plan->steps[i].record), &r) != AL_OK)
			abort();
		if (!r->is_dmarc)
			abort();
		al_dmarc_record_free(r);
		if (i > 0 && al_date_diff_days(plan->steps[i - 1].earliest, plan->steps[i].earliest) < 0)
			abort();
	}
	al_plan_write_options wo = {0};
	wo.dtstamp = "20261201T000000Z";
	al_sink sink = {check_output, &format};
	if (al_plan_write(plan, format, &wo, sink) != AL_OK)
		abort();
	al_plan_free(plan);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	al_error err;
	if (rules == NULL && al_rules_load_builtin(&rules, &err) != AL_OK)
		abort();
	if (fallback == NULL && al_plan_template_load_builtin(&fallback, "default", rules, &err) != AL_OK)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	al_error err;
	if (rules == NULL)
		LLVMFuzzerInitialize(NULL, NULL);
	if (size == 0)
		return 0;
	al_plan_format format = (al_plan_format)((data[0] >> 1) % (AL_PLAN_FORMAT_ICS + 1));
	const char *text = (const char *)data + 1;
	size_t length = size - 1;
	if (data[0] & 1) {
		al_plan_template *t = NULL;
		if (al_plan_template_load_buffer(&t, "fuzz.yaml", text, length, rules, &err) == AL_OK) {
			static const char record[] = "v=DMARC1; p=none; rua=mailto:d@example.com";
			plan_and_write(t, record, sizeof(record) - 1, format);
			al_plan_template_free(t);
		} else if (err.message[0] == '\0') {
			abort(); /* every error says what and where */
		}
	} else {
		plan_and_write(fallback, text, length, format);
	}
	return 0;
}
