/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which names of a zone are mail domains: the store's shortcut for names
 * without mail records (dns/zone_mail.c) against the four lookups it spares
 * (al_mail_domain_state), name by name.
 */
#include "helpers.h"

#include <string.h>

#include "check/family_api.h"
#include "check/lint_internal.h"
#include "dns/zone_mail.h"

static const char zone_text[] =
	"$ORIGIN example.\n"
	"$TTL 300\n"
	"@ SOA ns hostmaster 1 7200 3600 1209600 300\n"
	"@ NS ns\n"
	"ns A 192.0.2.1\n"
	"plain A 192.0.2.2\n"                               /* address only: no mail domain */
	"both A 192.0.2.3\n"
	"both AAAA 2001:db8::3\n"
	"withdmarc A 192.0.2.4\n"
	"_dmarc.withdmarc TXT \"v=DMARC1; p=none\"\n"       /* a DMARC record below */
	"notdmarc A 192.0.2.5\n"
	"_dmarc.notdmarc TXT \"hello\"\n"                   /* held, not DMARC: asked anyway */
	"withkey A 192.0.2.6\n"
	"s1._domainkey.withkey TXT \"v=DKIM1; p=\"\n"       /* _domainkey as an empty non-terminal */
	"wild A 192.0.2.7\n"
	"*.wild TXT \"v=DMARC1; p=reject\"\n"               /* the wildcard answers _dmarc.wild */
	"withmx A 192.0.2.8\n"
	"withmx MX 10 mx.example.net.\n"
	"withtxt A 192.0.2.9\n"
	"withtxt TXT \"v=spf1 -all\"\n"
	"alias CNAME plain\n"
	"deeper.plain A 192.0.2.10\n"                       /* a name below another: still none */
	"sub NS ns.sub\n"
	"ns.sub A 192.0.2.11\n"                             /* glue, below a delegation */
	"hole.ent.example. A 192.0.2.12\n";                 /* ent.example: an empty non-terminal */

typedef struct expect {
	const char *name;
	bool absent; /* what the store alone says */
} expect;

static void test_store_against_lookups(void **state)
{
	(void)state;
	al_zone_options zo = {0};
	al_zone *zone = NULL;
	assert_int_equal(al_zone_new(&zone, &zo), AL_OK);
	al_error err;
	assert_int_equal(al_zone_load_text(zone, "<test>", zone_text, strlen(zone_text), &err), AL_OK);
	al_source *zs = NULL, *top = NULL;
	assert_int_equal(al_source_new_zone(&zs, zone), AL_OK);
	assert_int_equal(al_source_new_layered(&top, zs, NULL), AL_OK);
	al_lint_options o = {0};
	o.rules = t_rules();
	o.psl = t_psl();
	o.source = top;
	o.offline = true;
	al_lint *lint = NULL;
	assert_int_equal(al_lint_new(&lint, &o), AL_OK);

	const expect cases[] = {
		{"plain.example", true},     {"both.example", true},        {"deeper.plain.example", true},
		{"ent.example", true},       {"ns.example", true},          {"withdmarc.example", false},
		{"notdmarc.example", false}, {"withkey.example", false},    {"wild.example", false},
		{"withmx.example", false},   {"withtxt.example", false},    {"alias.example", false},
		{"ns.sub.example", false},   {"sub.example", false},        {"missing.example", false},
		{"outside.test", false},     {"PLAIN.Example.", true},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool absent = al_zone_mail_records_absent(zone, cases[i].name);
		if (absent != cases[i].absent)
			fail_msg("%s: the store says %s", cases[i].name, absent ? "no mail records" : "ask");
		/* where the store speaks, the lookups it spares say the same */
		al_mail_domain m;
		assert_int_equal(al_mail_domain_state(lint, cases[i].name, &m), AL_OK);
		if (absent && (!m.known || m.mx || m.null_mx || m.spf || m.dmarc || m.dkim))
			fail_msg("%s: the lookups find mail records the store missed", cases[i].name);
	}
	/* the decision itself: the apex always, the rest by their records */
	assert_true(al_mail_domain_is(lint, zone, "example"));
	assert_false(al_mail_domain_is(lint, zone, "plain.example"));
	assert_true(al_mail_domain_is(lint, zone, "withdmarc.example"));
	assert_true(al_mail_domain_is(lint, zone, "withkey.example"));
	assert_true(al_mail_domain_is(lint, zone, "wild.example"));
	assert_true(al_mail_domain_is(lint, zone, "withmx.example"));
	assert_false(al_mail_domain_is(lint, zone, "notdmarc.example"));
	assert_false(al_zone_mail_records_absent(NULL, "plain.example"));
	assert_false(al_zone_mail_records_absent(zone, NULL));

	al_lint_free(lint);
	al_source_free(top);
	al_source_free(zs);
	al_zone_free(zone);
}

/* The same zone linted whole: an address-only name gets no domain checks, one
 * with a DMARC record or DKIM keys below it gets them (no SPF record: SPF005). */
static void test_zone_mode_domains(void **state)
{
	(void)state;
	t_findings f;
	t_lint_zone(zone_text, "example", &f);
	bool plain = false, withdmarc = false, withkey = false;
	for (size_t i = 0; i < f.count; i++) {
		if (strcmp(f.items[i].id, "SPF005") != 0 || f.items[i].owner == NULL)
			continue;
		plain |= strcmp(f.items[i].owner, "plain.example") == 0;
		withdmarc |= strcmp(f.items[i].owner, "withdmarc.example") == 0;
		withkey |= strcmp(f.items[i].owner, "withkey.example") == 0;
	}
	assert_false(plain);
	assert_true(withdmarc);
	assert_true(withkey);
	t_findings_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_against_lookups),
		cmocka_unit_test(test_zone_mode_domains),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
