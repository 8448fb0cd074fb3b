/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Report destinations against zone fixtures: external authorization records
 * (exact, wildcard, through a CNAME, missing, not asked), overrides, and
 * destinations that cannot receive mail.
 */
#include "helpers.h"

#include <string.h>

static const char fixture[] =
	"$ORIGIN .\n"
	"$TTL 300\n"
	". SOA ns.invalid. host.invalid. 1 3600 600 86400 300\n"
	"example.com. MX 10 mail.example.com.\n"
	"reports.example.net. MX 10 mx.example.net.\n"
	"wild.example.net. MX 10 mx.example.net.\n"
	"cn.example.net. MX 10 mx.example.net.\n"
	"over.example.net. MX 10 mx.example.net.\n"
	"nullmx.example.org. MX 0 .\n"
	"noaddr.example.org. TXT \"nothing here\"\n"
	"addr.example.org. A 192.0.2.1\n"
	"example.com._report._dmarc.reports.example.net. TXT \"v=DMARC1\"\n"
	"*._report._dmarc.wild.example.net. TXT \"v=DMARC1;\"\n"
	"example.com._report._dmarc.cn.example.net. CNAME auth.example.net.\n"
	"auth.example.net. TXT \"v=DMARC1\"\n"
	"example.com._report._dmarc.over.example.net. TXT \"v=DMARC1; rua=mailto:x@elsewhere.example\"\n"
	"example.com._report._dmarc.notdmarc.example.net. TXT \"reports welcome\"\n"
	"notdmarc.example.net. MX 10 mx.example.net.\n"
	"nope.example.net. MX 10 mx.example.net.\n";

static void lint_with(const char *record, t_findings *out)
{
	al_zone_options zo = {0};
	zo.origin = ".";
	al_zone *zone;
	assert_int_equal(al_zone_new(&zone, &zo), AL_OK);
	al_error err;
	assert_int_equal(al_zone_load_text(zone, "<fixture>", fixture, strlen(fixture), &err), AL_OK);
	char text[1024];
	snprintf(text, sizeof(text), "_dmarc.example.com. TXT \"%s\"\n", record);
	assert_int_equal(al_zone_load_text(zone, "<record>", text, strlen(text), &err), AL_OK);
	al_source *src;
	assert_int_equal(al_source_new_zone(&src, zone), AL_OK);
	t_lint_domain(src, "example.com", NULL, 0, out);
	al_source_free(src);
	al_zone_free(zone);
}

static void test_authorization(void **state)
{
	(void)state;
	t_findings out;
	/* same organization: no authorization needed */
	lint_with("v=DMARC1; p=reject; rua=mailto:dmarc@example.com", &out);
	assert_false(t_has(&out, "DMARC013"));
	assert_false(t_has(&out, "DMARC038"));
	t_findings_free(&out);
	/* exact, wildcard and CNAME'd authorization records */
	lint_with("v=DMARC1; p=reject; rua=mailto:a@reports.example.net,mailto:b@wild.example.net; "
		  "ruf=mailto:c@cn.example.net; fo=1",
		  &out);
	assert_false(t_has(&out, "DMARC013"));
	assert_false(t_has(&out, "LOOKUP001"));
	t_findings_free(&out);
	/* missing, or a TXT record that is not v=DMARC1 */
	lint_with("v=DMARC1; p=reject; rua=mailto:a@nope.example.net,mailto:b@notdmarc.example.net", &out);
	assert_int_equal(t_count(&out, "DMARC013"), 2);
	const t_finding *f = t_find(&out, "DMARC013");
	assert_non_null(strstr(f->message, "example.com._report._dmarc.nope.example.net"));
	assert_int_equal(f->severity, AL_SEVERITY_ERROR);
	t_findings_free(&out);
	/* an override to another host */
	lint_with("v=DMARC1; p=reject; rua=mailto:a@over.example.net", &out);
	assert_false(t_has(&out, "DMARC013"));
	f = t_find(&out, "DMARC039");
	assert_non_null(f);
	assert_non_null(strstr(f->message, "mailto:x@elsewhere.example"));
	t_findings_free(&out);
}

static void test_accepts_mail(void **state)
{
	(void)state;
	t_findings out;
	lint_with("v=DMARC1; p=reject; rua=mailto:a@nullmx.example.org", &out);
	const t_finding *f = t_find(&out, "DMARC038");
	assert_non_null(f);
	assert_non_null(strstr(f->message, "null MX"));
	t_findings_free(&out);
	lint_with("v=DMARC1; p=reject; rua=mailto:a@noaddr.example.org", &out);
	f = t_find(&out, "DMARC038");
	assert_non_null(f);
	assert_non_null(strstr(f->message, "no MX and no address"));
	t_findings_free(&out);
	lint_with("v=DMARC1; p=reject; rua=mailto:a@gone.example.org", &out);
	f = t_find(&out, "DMARC038");
	assert_non_null(f);
	assert_non_null(strstr(f->message, "NXDOMAIN"));
	t_findings_free(&out);
	lint_with("v=DMARC1; p=reject; rua=mailto:a@addr.example.org", &out);
	assert_false(t_has(&out, "DMARC038"));
	t_findings_free(&out);
}

static void test_outside_the_zone_is_not_checked(void **state)
{
	(void)state;
	/* zone mode, offline: a third-party destination is not checked, and says so */
	t_findings out;
	t_lint_zone("example.com. 3600 IN MX 10 mail.example.com.\n"
		    "_dmarc.example.com. 3600 IN TXT \"v=DMARC1; p=reject; rua=mailto:d@vendor.example.net\"\n",
		    "example.com", &out);
	assert_false(t_has(&out, "DMARC013"));
	assert_false(t_has(&out, "DMARC038"));
	assert_true(t_has(&out, "LOOKUP002"));
	assert_false(out.summary.incomplete);
	t_findings_free(&out);
	/* record mode without DNS: nothing is looked up, and it says what it did not check */
	t_lint_record(AL_KIND_DMARC, "v=DMARC1; p=reject; rua=mailto:d@vendor.example.net", "example.com", &out);
	assert_false(t_has(&out, "DMARC013"));
	assert_true(t_has(&out, "LOOKUP002"));
	assert_false(out.summary.incomplete);
	t_findings_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_authorization),
		cmocka_unit_test(test_accepts_mail),
		cmocka_unit_test(test_outside_the_zone_is_not_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
