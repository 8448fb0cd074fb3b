/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Zone inputs in other formats: recognising them, and the records they give the store. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/input.h>

/* The TXT RDATA at @p name in @p zone, its character-strings joined by '|' into @p out. */
static bool txt_at(al_zone *zone, const char *name, char *out, size_t size, unsigned long *line)
{
	al_source *src = NULL;
	assert_int_equal(al_source_new_zone(&src, zone), AL_OK);
	const al_answer *a = NULL;
	assert_int_equal(al_source_lookup(src, name, AL_TYPE_TXT, &a), AL_OK);
	bool found = a->rcode == AL_RCODE_NOERROR && a->count == 1;
	if (found) {
		const al_rr *rr = &a->rrs[0];
		size_t o = 0;
		for (size_t i = 0; i < rr->rdlength && o + 2 < size;) {
			size_t n = rr->rdata[i++];
			if (o > 0)
				out[o++] = '|';
			for (size_t k = 0; k < n && i < rr->rdlength && o + 1 < size; k++)
				out[o++] = (char)rr->rdata[i++];
		}
		out[o] = '\0';
		if (line != NULL)
			*line = rr->location.line;
	}
	al_source_release(src, a);
	al_source_free(src);
	return found;
}

static void detect_formats(void **state)
{
	(void)state;
	const char *tf = "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.0\",\"planned_values\":{}}";
	const char *ir = "{\n  \"registrars\": [],\n  \"domains\": []\n}\n";
	const char *octo = "---\n'':\n  type: TXT\n  value: v=spf1 -all\n";
	const char *octo2 = "# octoDNS\n_dmarc:\n  type: TXT\n";
	const char *bind = "$ORIGIN example.com.\n@ 3600 IN TXT \"v=spf1 -all\"\n";
	const char *bind2 = "; comment\nexample.com. 3600 IN AAAA 2001:db8::1\n";
	assert_int_equal(al_input_format_detect_text(tf, strlen(tf)), AL_INPUT_TERRAFORM);
	assert_int_equal(al_input_format_detect_text(ir, strlen(ir)), AL_INPUT_DNSCONTROL);
	assert_int_equal(al_input_format_detect_text(octo, strlen(octo)), AL_INPUT_OCTODNS);
	assert_int_equal(al_input_format_detect_text(octo2, strlen(octo2)), AL_INPUT_OCTODNS);
	assert_int_equal(al_input_format_detect_text(bind, strlen(bind)), AL_INPUT_BIND);
	assert_int_equal(al_input_format_detect_text(bind2, strlen(bind2)), AL_INPUT_BIND);
	assert_int_equal(al_input_format_detect_text("", 0), AL_INPUT_BIND);
	al_input_format f = AL_INPUT_AUTO;
	assert_int_equal(al_input_format_parse("OctoDNS", &f), AL_OK);
	assert_int_equal(f, AL_INPUT_OCTODNS);
	assert_int_equal(al_input_format_parse("yaml", &f), AL_EINVAL);
	assert_string_equal(al_input_format_name(AL_INPUT_TERRAFORM), "terraform");
}

/* octoDNS: names relative to the zone the file is named for, '\;' read as ';',
 * long values cut into 255-octet strings as octoDNS sends them, a line per value. */
static void octodns_values(void **state)
{
	(void)state;
	char key[400];
	memset(key, 'A', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	char text[1024];
	snprintf(text, sizeof(text),
		 "---\n"
		 "'':\n"
		 "  - type: TXT\n"
		 "    value: v=spf1 mx -all\n"
		 "  - type: MX\n"
		 "    values:\n"
		 "      - exchange: mx.example.com.\n"
		 "        preference: 10\n"
		 "_dmarc:\n"
		 "  type: TXT\n"
		 "  value: v=DMARC1\\; p=reject\n"
		 "s1._domainkey:\n"
		 "  type: TXT\n"
		 "  value: v=DKIM1\\; p=%s\n"
		 "bad:\n"
		 "  type: TXT\n"
		 "  value: v=DMARC1; p=none\n"
		 "www:\n"
		 "  type: CNAME\n"
		 "  value: example.org\n",
		 key);
	al_zone *zone = NULL;
	assert_int_equal(al_zone_new(&zone, NULL), AL_OK);
	al_error err = {0};
	assert_int_equal(al_zone_load_input_text(zone, "zones/example.com.yaml", text, strlen(text), AL_INPUT_AUTO,
						 &err),
			 AL_OK);
	assert_int_equal(al_zone_origin_count(zone), 1);
	assert_string_equal(al_zone_origin_at(zone, 0), "example.com");
	char got[1024];
	unsigned long line = 0;
	assert_true(txt_at(zone, "example.com", got, sizeof(got), &line));
	assert_string_equal(got, "v=spf1 mx -all");
	assert_int_equal(line, 4);
	assert_true(txt_at(zone, "_dmarc.example.com", got, sizeof(got), &line));
	assert_string_equal(got, "v=DMARC1; p=reject");
	assert_int_equal(line, 11);
	/* "v=DKIM1\; p=" + 399 A: the escaped text is cut at 255 characters */
	assert_true(txt_at(zone, "s1._domainkey.example.com", got, sizeof(got), NULL));
	const char *bar = strchr(got, '|');
	assert_non_null(bar);
	assert_int_equal(bar - got, 254); /* 255 characters of "v=DKIM1\; ..." decode to 254 octets */
	/* the unescaped ';' and the CNAME without its trailing dot are problems at their lines */
	assert_false(txt_at(zone, "bad.example.com", got, sizeof(got), NULL));
	assert_int_equal(al_zone_problem_count(zone), 2);
	assert_int_equal(al_zone_problem_at(zone, 0)->line, 17);
	assert_string_equal(al_zone_problem_at(zone, 0)->file, "zones/example.com.yaml");
	assert_int_equal(al_zone_problem_at(zone, 1)->line, 20);
	al_zone_free(zone);
}

/* A YAML syntax error is a problem with its line; no origin from the name or --origin: not read. */
static void octodns_problems(void **state)
{
	(void)state;
	al_zone *zone = NULL;
	assert_int_equal(al_zone_new(&zone, NULL), AL_OK);
	al_error err = {0};
	const char *broken = "---\n'':\n  type: TXT\n  value: [unclosed\n";
	assert_int_not_equal(al_zone_load_input_text(zone, "example.com.yaml", broken, strlen(broken),
						     AL_INPUT_OCTODNS, &err),
			     AL_OK);
	assert_int_equal(al_zone_problem_count(zone), 1);
	assert_int_equal(al_zone_problem_at(zone, 0)->kind, AL_ZONE_PROBLEM_SYNTAX);
	assert_true(al_zone_problem_at(zone, 0)->line >= 4);
	const char *fine = "'':\n  type: TXT\n  value: v=spf1 -all\n";
	assert_int_equal(al_zone_load_input_text(zone, "<stdin>", fine, strlen(fine), AL_INPUT_OCTODNS, &err),
			 AL_OK);
	assert_int_equal(al_zone_problem_count(zone), 2);
	assert_int_equal(al_zone_problem_at(zone, 1)->kind, AL_ZONE_PROBLEM_NO_ORIGIN);
	assert_int_equal(al_zone_record_count(zone), 0);
	al_zone_free(zone);
}

/* Records added with a location answer like a zone file's, inside the origin only. */
static void add_record(void **state)
{
	(void)state;
	al_zone *zone = NULL;
	assert_int_equal(al_zone_new(&zone, NULL), AL_OK);
	assert_int_equal(al_zone_add_origin(zone, "example.com"), AL_OK);
	const uint8_t rdata[] = {11, 'v', '=', 's', 'p', 'f', '1', ' ', '-', 'a', 'l', 'l'};
	al_location where = {.file = "plan.json#aws_route53_record.spf", .line = 0};
	assert_int_equal(al_zone_add_record(zone, &where, "example.com", AL_TYPE_TXT, 300, rdata, sizeof(rdata)),
			 AL_OK);
	assert_int_equal(al_zone_record_count(zone), 1);
	al_source *src = NULL;
	assert_int_equal(al_source_new_zone(&src, zone), AL_OK);
	const al_answer *a = NULL;
	assert_int_equal(al_source_lookup(src, "example.com", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->count, 1);
	assert_string_equal(a->rrs[0].location.file, "plan.json#aws_route53_record.spf");
	assert_int_equal(a->rrs[0].ttl, 300);
	al_source_release(src, a);
	/* a name below the origin that has nothing is NXDOMAIN; outside it, not queried */
	assert_int_equal(al_source_lookup(src, "_dmarc.example.com", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->rcode, AL_RCODE_NXDOMAIN);
	al_source_release(src, a);
	assert_int_equal(al_source_lookup(src, "example.org", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->rcode, AL_RCODE_NOT_QUERIED);
	al_source_release(src, a);
	al_source_free(src);
	al_zone_free(zone);
}

/* JSON inputs: a syntax error is one problem at its line and nothing is read; nesting past the
 * bound is a limit, not a crash; records are located by their address. */
static void json_problems(void **state)
{
	(void)state;
	al_zone *zone = NULL;
	assert_int_equal(al_zone_new(&zone, NULL), AL_OK);
	al_error err = {0};
	const char *broken = "{\"domains\": [\n  {\"name\": \"example.com\",\n   \"records\": [}\n]}\n";
	assert_int_not_equal(al_zone_load_input_text(zone, "ir.json", broken, strlen(broken), AL_INPUT_DNSCONTROL,
						     &err),
			     AL_OK);
	assert_int_equal(al_zone_problem_count(zone), 1);
	assert_int_equal(al_zone_problem_at(zone, 0)->kind, AL_ZONE_PROBLEM_SYNTAX);
	assert_int_equal(al_zone_problem_at(zone, 0)->line, 3);
	assert_string_equal(al_zone_problem_at(zone, 0)->file, "ir.json");
	char deep[400];
	size_t n = 0;
	n += (size_t)snprintf(deep + n, sizeof(deep) - n, "{\"terraform_version\":\"1\",\"x\":");
	for (int i = 0; i < 100; i++)
		deep[n++] = '[';
	for (int i = 0; i < 100; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	deep[n] = '\0';
	assert_int_not_equal(al_zone_load_input_text(zone, "plan.json", deep, n, AL_INPUT_TERRAFORM, &err), AL_OK);
	assert_int_equal(al_zone_problem_count(zone), 2);
	assert_int_equal(al_zone_problem_at(zone, 1)->kind, AL_ZONE_PROBLEM_LIMIT);
	const char *plan = "{\"terraform_version\":\"1.9.0\",\"planned_values\":{\"root_module\":{\"resources\":["
			   "{\"address\":\"aws_route53_zone.main\",\"type\":\"aws_route53_zone\",\"values\":{\"name\":\"example.com\",\"zone_id\":\"Z1\"}},"
			   "{\"address\":\"aws_route53_record.dmarc\",\"type\":\"aws_route53_record\",\"values\":"
			   "{\"zone_id\":\"Z1\",\"name\":\"_dmarc\",\"type\":\"TXT\",\"ttl\":300,\"records\":[\"v=DMARC1; p=reject\"]}}]}}}";
	assert_int_equal(al_zone_load_input_text(zone, "plan.json", plan, strlen(plan), AL_INPUT_AUTO, &err), AL_OK);
	char got[256];
	assert_true(txt_at(zone, "_dmarc.example.com", got, sizeof(got), NULL));
	assert_string_equal(got, "v=DMARC1; p=reject");
	al_source *src = NULL;
	assert_int_equal(al_source_new_zone(&src, zone), AL_OK);
	const al_answer *a = NULL;
	assert_int_equal(al_source_lookup(src, "_dmarc.example.com", AL_TYPE_TXT, &a), AL_OK);
	assert_string_equal(a->rrs[0].location.file, "plan.json#aws_route53_record.dmarc");
	al_source_release(src, a);
	al_source_free(src);
	al_zone_free(zone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(detect_formats),
		cmocka_unit_test(octodns_values),
		cmocka_unit_test(octodns_problems),
		cmocka_unit_test(add_record),
		cmocka_unit_test(json_problems),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
