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

/* ---- resume ----------------------------------------------------------------------------- */

static void emit_result(void *userdata, const al_domain_result *r)
{
	al_emitter_result(userdata, r);
}

/* The jsonl output of a bulk check of @p e's list, as a run writes it. */
static char *jsonl_output(bulk_env *e, size_t *length)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	assert_non_null(f);
	al_emit_options eo = {0};
	eo.rules = t_rules();
	eo.command = "check";
	al_emitter *em = NULL;
	assert_int_equal(al_emitter_new(&em, AL_FORMAT_JSONL, al_sink_stdio(f), &eo), AL_OK);
	al_emitter_begin(em);
	seen s = {0};
	al_check_options co;
	options_for(&co, e, &s);
	co.cancelled = NULL;
	co.on_result = emit_result;
	co.userdata = em;
	al_summary total;
	assert_int_equal(al_check_domains(&co, e->list, &total), AL_OK);
	al_emitter_end(em, &total, 0);
	assert_int_equal(al_emitter_status(em), AL_OK);
	al_emitter_free(em);
	fclose(f);
	*length = size;
	return buf;
}

static al_domain_list *names_list(size_t domains)
{
	al_domain_list *l = NULL;
	assert_int_equal(al_domain_list_new(&l), AL_OK);
	for (size_t i = 0; i < domains; i++) {
		char name[64];
		snprintf(name, sizeof(name), "d%zu.example.test", i);
		assert_int_equal(al_domain_list_add(l, name, NULL), AL_OK);
	}
	return l;
}

/* Resume @p domains names from @p text; the list left and what was found. */
static al_status resume_from(const char *text, size_t length, size_t domains, al_domain_list **left,
			     al_resume_info *info)
{
	*left = names_list(domains);
	FILE *f = fmemopen((void *)text, length ? length : 1, "r");
	assert_non_null(f);
	if (length == 0)
		(void)getc(f); /* fmemopen wants a size: read the one byte past */
	al_error err = {0};
	al_status st = al_domain_list_resume(*left, f, "out.jsonl", info, &err);
	fclose(f);
	return st;
}

static bool in_list(const al_domain_list *l, const char *name)
{
	for (size_t i = 0; i < al_domain_list_count(l); i++)
		if (strcmp(al_domain_list_at(l, i), name) == 0)
			return true;
	return false;
}

#define RESUME_DOMAINS 5

/*
 * Cut the output of a real run anywhere: the domains with a whole line before
 * the cut are dropped, the others stay. Then append the whole output again
 * after the cut (a run resumed with >> onto a file cut short): the line cut
 * short and glued to the next is never taken for a result.
 */
static void test_resume_cut_anywhere(void **state)
{
	(void)state;
	bulk_env e;
	env_open(&e, RESUME_DOMAINS);
	size_t length = 0;
	char *out = jsonl_output(&e, &length);
	env_close(&e);
	/* where each line ends, and its domain */
	size_t ends[RESUME_DOMAINS + 2];
	char domains[RESUME_DOMAINS + 2][64];
	size_t lines = 0;
	for (size_t i = 0; i < length; i++) {
		if (out[i] != '\n')
			continue;
		assert_true(lines < RESUME_DOMAINS + 1);
		const char *start = lines == 0 ? out : out + ends[lines - 1] + 1;
		domains[lines][0] = '\0';
		if (strncmp(start, "{\"type\":\"domain\",\"domain\":\"", 27) == 0)
			sscanf(start + 27, "%63[^\"]", domains[lines]);
		ends[lines++] = i;
	}
	assert_int_equal(lines, RESUME_DOMAINS + 1); /* the domains, then the summary */
	assert_true(domains[0][0] != '\0'); /* the first line is a domain */
	assert_true(length > 2000);

	char *glued = malloc(2 * length + 1);
	assert_non_null(glued);
	for (size_t cut = 0; cut <= length; cut++) {
		/* the prefix alone */
		al_domain_list *left = NULL;
		al_resume_info info;
		assert_int_equal(resume_from(out, cut, RESUME_DOMAINS, &left, &info), AL_OK);
		size_t whole = 0;
		for (size_t k = 0; k < lines; k++) {
			bool done = cut >= ends[k]; /* the closing brace is in */
			if (domains[k][0] == '\0')
				continue;
			whole += done;
			assert_true(in_list(left, domains[k]) == !done);
		}
		assert_int_equal(info.skipped, whole);
		assert_int_equal(al_domain_list_count(left), RESUME_DOMAINS - whole);
		assert_int_equal(info.bad_lines, 0);
		al_domain_list_free(left);

		/* the prefix, then the whole output appended */
		memcpy(glued, out, cut);
		memcpy(glued + cut, out, length);
		assert_int_equal(resume_from(glued, cut + length, RESUME_DOMAINS, &left, &info), AL_OK);
		size_t line = 0;
		while (line < lines && ends[line] < cut)
			line++;
		bool at_line_start = cut == 0 || out[cut - 1] == '\n';
		if (at_line_start) {
			assert_int_equal(info.bad_lines, 0);
			assert_int_equal(al_domain_list_count(left), 0);
		} else {
			/* one bad line; its domain is still done when the copy has it whole */
			assert_int_equal(info.bad_lines, 1);
			assert_int_equal(info.first_bad_line, line + 1);
			bool first_lost = line == 0;
			assert_int_equal(al_domain_list_count(left), first_lost ? 1 : 0);
			if (first_lost)
				assert_string_equal(al_domain_list_at(left, 0), domains[0]);
		}
		al_domain_list_free(left);
	}
	free(glued);
	free(out);
}

static void test_resume_lines(void **state)
{
	(void)state;
	al_domain_list *left = NULL;
	al_resume_info info;
	/* other lines are passed over; a shard's neighbour is not in the list */
	const char *text = "{\"type\":\"domain\",\"domain\":\"d1.example.test\",\"findings\":[],\"elapsed\":0.5e-3}\n"
			   "\n"
			   "{\"type\":\"domain\",\"domain\":\"other.example\",\"x\":[true,false,null,-1.25E+2]}\n"
			   "{\"type\":\"summary\",\"domain\":\"d2.example.test\"}\n"
			   "{\"type\":\"interrupted\",\"signal\":\"SIGTERM\",\"domains_done\":1,\"domains_total\":5}\n"
			   "{\"domain\":\"d3.example.test\",\"type\":\"domain\"}";
	assert_int_equal(resume_from(text, strlen(text), 5, &left, &info), AL_OK);
	assert_int_equal(info.lines, 6);
	assert_int_equal(info.objects, 5);
	assert_int_equal(info.results, 3);
	assert_int_equal(info.skipped, 2); /* d1, and d3 (whole without its line break) */
	assert_int_equal(info.other_domains, 1);
	assert_true(info.no_final_newline);
	assert_false(info.cut_short);
	assert_int_equal(al_domain_list_count(left), 3);
	assert_false(in_list(left, "d1.example.test"));
	assert_false(in_list(left, "d3.example.test"));
	assert_true(in_list(left, "d2.example.test"));
	al_domain_list_free(left);

	/* JSON that is not whole or not strict does not count */
	const char *bad[] = {
		"{\"type\":\"domain\",\"domain\":\"d1.example.test\"\n",        /* not closed */
		"{\"type\":\"domain\",\"domain\":\"d1.example.test\"}}\n",      /* closed twice */
		"{\"type\":\"domain\",\"domain\":\"d1.example.test\"}{}\n",     /* two objects */
		"{\"type\":\"domain\",\"domain\":\"d1.example.test\",}\n",      /* trailing comma */
		"{\"type\":\"domain\",\"domain\":\"d1.example.test\",\"n\":01}\n", /* leading zero */
		"{\"type\":\"domain\",\"domain\":\"d1.example.test\",\"n\":tru}\n",
		"{\"type\":\"domain\",\"domain\":\"d1.example.test\",\"s\":\"\\q\"}\n", /* bad escape */
		"{\"type\":\"domain\",\"domain\":\"d1.example.test\",\"a\":[1}\n",
		"{\"type\":\"domain\" \"domain\":\"d1.example.test\"}\n",       /* no comma */
		"[{\"type\":\"domain\",\"domain\":\"d1.example.test\"}]\n",     /* not an object */
		"{\"type\":\"domain\",\"domain\":\"d1.example.test\",\"t\":\"a\tb\"}\n", /* raw tab */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text2[512];
		snprintf(text2, sizeof(text2), "{\"type\":\"summary\"}\n%s", bad[i]);
		assert_int_equal(resume_from(text2, strlen(text2), 5, &left, &info), AL_OK);
		if (info.skipped != 0 || info.bad_lines != 1 || info.first_bad_line != 2)
			fail_msg("taken: %s", bad[i]);
		al_domain_list_free(left);
	}

	/* deep nesting is refused, not followed */
	char deep[400];
	size_t n = (size_t)snprintf(deep, sizeof(deep), "{\"type\":\"domain\",\"domain\":\"d1.example.test\",\"a\":");
	for (int i = 0; i < 100; i++)
		deep[n++] = '[';
	for (int i = 0; i < 100; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	deep[n++] = '\n';
	assert_int_equal(resume_from(deep, n, 5, &left, &info), AL_ESYNTAX);
	assert_int_equal(info.skipped, 0);
	al_domain_list_free(left);

	/* not a jsonl output at all: an error naming the file and line */
	const char *list = "d1.example.test\nd2.example.test\n";
	left = names_list(5);
	FILE *f = fmemopen((void *)list, strlen(list), "r");
	al_error err = {0};
	assert_int_equal(al_domain_list_resume(left, f, "domains.txt", &info, &err), AL_ESYNTAX);
	fclose(f);
	assert_non_null(strstr(err.message, "domains.txt:1:"));
	assert_int_equal(al_domain_list_count(left), 5);
	al_domain_list_free(left);

	/* an empty file: nothing done yet */
	assert_int_equal(resume_from("", 0, 5, &left, &info), AL_OK);
	assert_int_equal(info.lines, 0);
	assert_int_equal(al_domain_list_count(left), 5);
	al_domain_list_free(left);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cancel_stops_the_run),
		cmocka_unit_test(test_resume_cut_anywhere),
		cmocka_unit_test(test_resume_lines),
	};
	return cmocka_run_group_tests(tests, 0, NULL);
}
