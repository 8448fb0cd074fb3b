/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Cross-record rules: enforcing DMARC against the state of SPF and DKIM. */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

#include "dkim_keys.h"

#define KEY "s1._domainkey.example.com. 3600 IN TXT \"v=DKIM1; k=ed25519; p=" KEY_ED25519 "\"\n"

static void test_spf_over_the_limit(void **state)
{
	(void)state;
	char zone[4096];
	size_t n = (size_t)snprintf(zone, sizeof(zone),
				    "example.com. 3600 IN MX 10 mail.example.com.\n"
				    "_dmarc.example.com. 3600 IN TXT \"v=DMARC1; p=quarantine; rua=mailto:d@example.com\"\n" KEY
				    "example.com. 3600 IN TXT \"v=spf1");
	for (int i = 0; i < 11; i++)
		n += (size_t)snprintf(zone + n, sizeof(zone) - n, " include:i%d.example.com", i);
	n += (size_t)snprintf(zone + n, sizeof(zone) - n, " -all\"\n");
	for (int i = 0; i < 11; i++)
		n += (size_t)snprintf(zone + n, sizeof(zone) - n, "i%d.example.com. 3600 IN TXT \"v=spf1 -all\"\n", i);
	t_findings out;
	t_lint_zone(zone, "example.com", &out);
	const t_finding *f = t_find(&out, "DMARC044");
	assert_non_null(f);
	assert_non_null(strstr(f->message, "11 DNS lookups"));
	assert_non_null(strstr(f->message, "p=quarantine"));
	assert_int_equal(f->generation, AL_GENERATION_ANY);
	assert_false(t_has(&out, "DMARC045"));
	t_findings_free(&out);
}

static void test_dkim_of_the_organization(void **state)
{
	(void)state;
	t_findings out;
	/* a subdomain with its own enforcing record: the organizational domain's key signs for it */
	t_lint_zone("example.com. 3600 IN MX 10 mail.example.com.\n"
		    "example.com. 3600 IN TXT \"v=spf1 mx -all\"\n"
		    "_dmarc.example.com. 3600 IN TXT \"v=DMARC1; p=reject; rua=mailto:d@example.com\"\n" KEY
		    "news.example.com. 3600 IN TXT \"v=spf1 mx -all\"\n"
		    "_dmarc.news.example.com. 3600 IN TXT \"v=DMARC1; p=reject; rua=mailto:d@example.com\"\n"
		    "host.example.com. 3600 IN TXT \"v=spf1 a -all\"\n",
		    "example.com", &out);
	assert_false(t_has(&out, "DMARC045"));
	t_findings_free(&out);
	/* strict DKIM alignment: only a key of the subdomain itself counts */
	t_lint_zone("example.com. 3600 IN MX 10 mail.example.com.\n"
		    "example.com. 3600 IN TXT \"v=spf1 mx -all\"\n"
		    "_dmarc.example.com. 3600 IN TXT \"v=DMARC1; p=reject; rua=mailto:d@example.com\"\n" KEY
		    "news.example.com. 3600 IN TXT \"v=spf1 mx -all\"\n"
		    "_dmarc.news.example.com. 3600 IN TXT \"v=DMARC1; p=reject; adkim=s; rua=mailto:d@example.com\"\n",
		    "example.com", &out);
	const t_finding *f = t_find(&out, "DMARC045");
	assert_non_null(f);
	assert_string_equal(f->owner, "news.example.com");
	assert_int_equal(t_count(&out, "DMARC045"), 1);
	t_findings_free(&out);
}

static void test_only_policy_owners_in_zone_mode(void **state)
{
	(void)state;
	/* no key anywhere: the finding once, at the organizational domain, not at each host */
	t_findings out;
	t_lint_zone("example.com. 3600 IN MX 10 mail.example.com.\n"
		    "example.com. 3600 IN TXT \"v=spf1 mx -all\"\n"
		    "_dmarc.example.com. 3600 IN TXT \"v=DMARC1; p=reject; rua=mailto:d@example.com\"\n"
		    "a.example.com. 3600 IN TXT \"v=spf1 mx -all\"\n"
		    "b.example.com. 3600 IN TXT \"v=spf1 mx -all\"\n",
		    "example.com", &out);
	assert_int_equal(t_count(&out, "DMARC045"), 1);
	assert_string_equal(t_find(&out, "DMARC045")->owner, "example.com");
	t_findings_free(&out);
	/* nothing enforced, nothing said */
	t_lint_zone("example.com. 3600 IN TXT \"v=spf1 mx -all\"\nexample.com. 3600 IN TXT \"v=spf1 a -all\"\n"
		    "_dmarc.example.com. 3600 IN TXT \"v=DMARC1; p=none; rua=mailto:d@example.com\"\n",
		    "example.com", &out);
	assert_false(t_has(&out, "DMARC044"));
	assert_false(t_has(&out, "DMARC045"));
	t_findings_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spf_over_the_limit),
		cmocka_unit_test(test_dkim_of_the_organization),
		cmocka_unit_test(test_only_policy_owners_in_zone_mode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
