/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bulk checker without the network: cancellation and the resume of a run. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/bulk.h>

/* fifty domains, each with an SPF record and a DMARC policy, all from one zone */
static char *zone_text(size_t domains)
{
	size_t cap = 256 + domains * 160;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t n = (size_t)snprintf(text, cap,
				    "$ORIGIN example.test.\n$TTL 300\n"
				    "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 192.0.2.53\n");
	for (size_t i = 0; i < domains; i++)
		n += (size_t)snprintf(text + n, cap - n,
				      "d%zu TXT \"v=spf1 ip4:192.0.2.%zu -all\"\n"
				      "_dmarc.d%zu TXT \"v=DMARC1; p=reject\"\n",
				      i, i % 250, i);
	return text;
}

typedef struct bulk_env {
	al_zone *zone;
	al_source *zs, *top;
	al_domain_list *list;
} bulk_env;

static void env_open(bulk_env *e, size_t domains)
{
	memset(e, 0, sizeof(*e));
	al_zone_options zo = {0};
	assert_int_equal(al_zone_new(&e->zone, &zo), AL_OK);
	char *text = zone_text(domains);
	al_error err;
	assert_int_equal(al_zone_load_text(e->zone, "<test>", text, strlen(text), &err), AL_OK);
	free(text);
	assert_int_equal(al_source_new_zone(&e->zs, e->zone), AL_OK);
	assert_int_equal(al_source_new_layered(&e->top, e->zs, NULL), AL_OK);
	assert_int_equal(al_domain_list_new(&e->list), AL_OK);
	for (size_t i = 0; i < domains; i++) {
		char name[64];
		snprintf(name, sizeof(name), "d%zu.example.test", i);
		assert_int_equal(al_domain_list_add(e->list, name, NULL), AL_OK);
	}
}

static void env_close(bulk_env *e)
{
	al_domain_list_free(e->list);
	al_source_free(e->top);
	al_source_free(e->zs);
	al_zone_free(e->zone);
}

typedef struct seen {
	size_t results;
	size_t stop_after; /* 0: never */
	size_t asked;      /* times the cancellation was asked */
	al_summary sum;    /* of the results handed out */
	bool whole;        /* every result had its domain and inventory */
} seen;

static void count_result(void *userdata, const al_domain_result *r)
{
	seen *s = userdata;
	s->results++;
	al_summary_add(&s->sum, &r->summary);
	if (r->domain == NULL || r->inventory == NULL || r->inventory->spf_state == NULL)
		s->whole = false;
}

static bool stop_after(void *userdata)
{
	seen *s = userdata;
	s->asked++;
	return s->stop_after > 0 && s->results >= s->stop_after;
}

static void options_for(al_check_options *co, bulk_env *e, seen *s)
{
	memset(co, 0, sizeof(*co));
	co->lint.rules = t_rules();
	co->lint.psl = t_psl();
	co->lint.source = e->top;
	co->lint.offline = true;
	co->lint.no_selector_discovery = true;
	co->jobs = 4;
	co->on_result = count_result;
	co->userdata = s;
	co->cancelled = stop_after;
	co->cancel_userdata = s;
}

static void test_cancel_stops_the_run(void **state)
{
	(void)state;
	bulk_env e;
	env_open(&e, 50);
	al_check_options co;

	/* not cancelled: every domain, and the question was asked */
	seen all = {.whole = true};
	options_for(&co, &e, &all);
	al_summary total;
	assert_int_equal(al_check_domains(&co, e.list, &total), AL_OK);
	assert_int_equal(all.results, 50);
	assert_true(all.asked >= 50);
	assert_true(all.whole);

	/* cancelled after 7 results: no other domain starts, the totals are those of the 7 */
	seen some = {.stop_after = 7, .whole = true};
	options_for(&co, &e, &some);
	assert_int_equal(al_check_domains(&co, e.list, &total), AL_ECANCELED);
	assert_int_equal(some.results, 7);
	assert_true(some.whole);
	assert_int_equal(total.by_severity[AL_SEVERITY_WARNING], some.sum.by_severity[AL_SEVERITY_WARNING]);
	assert_int_equal(total.by_severity[AL_SEVERITY_NOTE], some.sum.by_severity[AL_SEVERITY_NOTE]);
	assert_int_equal(total.lookups, some.sum.lookups);

	/* cancelled before it starts: no domain */
	seen at_once = {.stop_after = 1, .results = 1, .whole = true}; /* already "past" the stop */
	options_for(&co, &e, &at_once);
	assert_int_equal(al_check_domains(&co, e.list, &total), AL_ECANCELED);
	assert_int_equal(at_once.results, 1);
	env_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cancel_stops_the_run),
	};
	return cmocka_run_group_tests(tests, 0, NULL);
}
