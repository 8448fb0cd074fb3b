/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DKIM checks through the lint: selectors in zone files, CNAMEs to providers,
 * string damage, selector discovery in check mode, and the summary other
 * families use.
 */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

#include "check/dkim_selectors.h"
#include "check/family_api.h"
#include "dkim_keys.h"

#define ED "v=DKIM1; k=ed25519; p=" KEY_ED25519

static void test_zone_selectors(void **state)
{
	(void)state;
	t_findings out;
	t_lint_zone("example.com. 3600 IN TXT \"v=spf1 -all\"\n"
		    "good._domainkey.example.com. 3600 IN TXT \"" ED "\"\n"
		    "gone._domainkey.example.com. 3600 IN CNAME nothing.example.com.\n"
		    "sg._domainkey.example.com. 3600 IN CNAME sg.domainkey.u42.wl.sendgrid.net.\n"
		    "ms._domainkey.example.com. 3600 IN CNAME ms-example-com._domainkey.example.onmicrosoft.com.\n"
		    "bad_sel._domainkey.example.com. 3600 IN TXT \"" ED "\"\n"
		    "old._domainkey.example.com. 3600 IN TXT \"v=DKIM1; p=\"\n",
		    "example.com", &out);
	const t_finding *f = t_find(&out, "DKIM010");
	assert_non_null(f);
	assert_string_equal(f->owner, "gone._domainkey.example.com");
	assert_int_equal(t_count(&out, "DKIM010"), 1);
	assert_int_equal(t_count(&out, "DKIM031"), 2);
	bool sendgrid = false, microsoft = false;
	for (size_t i = 0; i < out.count; i++) {
		if (strcmp(out.items[i].id, "DKIM031") != 0)
			continue;
		sendgrid |= strstr(out.items[i].message, "Twilio SendGrid") != NULL;
		microsoft |= strstr(out.items[i].message, "Microsoft 365") != NULL;
		assert_non_null(strstr(out.items[i].message, "not checked"));
	}
	assert_true(sendgrid && microsoft);
	assert_int_equal(t_count(&out, "DKIM030"), 1);
	assert_int_equal(t_count(&out, "DKIM011"), 1);
	/* the provider's key is not checked offline: a note, not a missing key */
	assert_true(t_has(&out, "LOOKUP002"));
	t_findings_free(&out);
}

static void test_string_damage(void **state)
{
	(void)state;
	char zone[2048];
	const char *k = KEY_RSA2048;
	/* a space at the boundary inside p= */
	snprintf(zone, sizeof(zone), "s1._domainkey.example.com. 3600 IN TXT \"v=DKIM1; p=%.150s \" \"%s\"\n", k, k + 150);
	t_findings out;
	t_lint_zone(zone, "example.com", &out);
	const t_finding *f = t_find(&out, "DKIM029");
	assert_non_null(f);
	assert_non_null(strstr(f->message, "string 1 ends or string 2 starts"));
	assert_false(t_has(&out, "DKIM014")); /* folding whitespace is allowed */
	assert_false(t_has(&out, "DKIM034"));
	t_findings_free(&out);
	/* the quotes of the split pasted into the value: DKIM034, not DKIM029 */
	snprintf(zone, sizeof(zone), "s1._domainkey.example.com. 3600 IN TXT \"v=DKIM1; p=%.150s\\\"\\\"%s\"\n", k, k + 150);
	t_lint_zone(zone, "example.com", &out);
	f = t_find(&out, "DKIM034");
	assert_non_null(f);
	assert_non_null(strstr(f->message, "pasted into the value"));
	assert_false(t_has(&out, "DKIM029"));
	t_findings_free(&out);
	/* the key cut where the only string reached 255 octets */
	snprintf(zone, sizeof(zone), "s1._domainkey.example.com. 3600 IN TXT \"v=DKIM1; k=rsa; p=%.237s\"\n", k);
	t_lint_zone(zone, "example.com", &out);
	f = t_find(&out, "DKIM014");
	assert_non_null(f);
	assert_non_null(strstr(f->message, "255 octets"));
	t_findings_free(&out);
	/* a clean split */
	snprintf(zone, sizeof(zone), "s1._domainkey.example.com. 3600 IN TXT \"v=DKIM1; p=%.150s\" \"%s\"\n", k, k + 150);
	t_lint_zone(zone, "example.com", &out);
	assert_false(t_has(&out, "DKIM029"));
	assert_false(t_has(&out, "DKIM014"));
	assert_false(t_has(&out, "DKIM013"));
	t_findings_free(&out);
}

/* ---- check mode over a zone as if it were live DNS ------------------------------ */

static const char fixture[] =
	"$ORIGIN .\n"
	"$TTL 300\n"
	". SOA ns.invalid. host.invalid. 1 3600 600 86400 300\n"
	"example.com. TXT \"v=spf1 -all\"\n"
	"google._domainkey.example.com. TXT \"" ED "\"\n"
	"s1._domainkey.example.com. CNAME s1.domainkey.u42.wl.sendgrid.net.\n"
	"s1.domainkey.u42.wl.sendgrid.net. TXT \"v=DKIM1; p=" KEY_RSA1024 "\"\n"
	"nokeys.example. TXT \"v=spf1 -all\"\n";

typedef struct fx {
	al_zone *zone;
	al_source *source;
} fx;

static void fx_open(fx *f)
{
	al_zone_options zo = {0};
	zo.origin = ".";
	assert_int_equal(al_zone_new(&f->zone, &zo), AL_OK);
	al_error err;
	assert_int_equal(al_zone_load_text(f->zone, "<fixture>", fixture, strlen(fixture), &err), AL_OK);
	assert_int_equal(al_source_new_zone(&f->source, f->zone), AL_OK);
}

static void fx_close(fx *f)
{
	al_source_free(f->source);
	al_zone_free(f->zone);
}

static void collect(void *userdata, const al_diag *d)
{
	t_findings *f = userdata;
	if (f->count >= T_MAX_FINDINGS)
		return;
	t_finding *t = &f->items[f->count++];
	snprintf(t->id, sizeof(t->id), "%s", d->rule->id);
	t->message = strdup(d->message);
	t->owner = d->owner ? strdup(d->owner) : NULL;
}

/* authlint check: not offline, a source that answers */
static void check(fx *f, const char *domain, const char *const *selectors, size_t n, t_findings *out)
{
	memset(out, 0, sizeof(*out));
	al_lint_options o = {0};
	o.psl = t_psl();
	o.rules = t_rules();
	o.source = f->source;
	o.selectors = selectors;
	o.selector_count = n;
	o.on_diag = collect;
	o.userdata = out;
	al_lint *lint;
	assert_int_equal(al_lint_new(&lint, &o), AL_OK);
	assert_int_equal(al_lint_domain(lint, domain), AL_OK);
	al_lint_free(lint);
}

static void test_discovery(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	t_findings out;
	check(&f, "example.com", NULL, 0, &out);
	const t_finding *d = t_find(&out, "DKIM032");
	assert_non_null(d);
	assert_non_null(strstr(d->message, "google (usual for Google Workspace)"));
	assert_non_null(strstr(d->message, "s1"));
	/* the keys found are linted: the SendGrid key is 1024 bits */
	const t_finding *w = t_find(&out, "DKIM013");
	assert_non_null(w);
	assert_string_equal(w->owner, "s1.domainkey.u42.wl.sendgrid.net");
	d = t_find(&out, "DKIM031");
	assert_non_null(d);
	assert_non_null(strstr(d->message, "Twilio SendGrid"));
	assert_false(t_has(&out, "DKIM033"));
	t_findings_free(&out);

	check(&f, "nokeys.example", NULL, 0, &out);
	assert_true(t_has(&out, "DKIM033"));
	assert_false(t_has(&out, "DKIM010")); /* probing a name is not claiming a selector */
	t_findings_free(&out);

	/* selectors given: no probing; a given selector without a key is DKIM010 */
	const char *sels[] = {"google", "missing"};
	check(&f, "example.com", sels, 2, &out);
	assert_false(t_has(&out, "DKIM032"));
	assert_false(t_has(&out, "DKIM033"));
	const t_finding *m = t_find(&out, "DKIM010");
	assert_non_null(m);
	assert_string_equal(m->owner, "missing._domainkey.example.com");
	t_findings_free(&out);
	fx_close(&f);
}

static void test_summary_and_catalog(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	al_lint_options o = {0};
	o.psl = t_psl();
	o.rules = t_rules();
	o.source = f.source;
	al_lint *lint;
	assert_int_equal(al_lint_new(&lint, &o), AL_OK);
	/* the built-in list parses, and the senders catalog feeds it */
	al_arena arena;
	al_arena_init(&arena);
	const char **list;
	size_t n = al_selector_list_load(NULL, &arena, &list);
	assert_true(n >= 25 && n <= AL_DKIM_MAX_PROBE);
	bool mandrill = false;
	for (size_t i = 0; i < n; i++)
		mandrill |= strcmp(list[i], "mandrill") == 0;
	assert_true(mandrill);
	/* what a domain gets probed: the common list only (no service named), the rest counted */
	al_dkim_probes p;
	assert_int_equal(al_dkim_probe_domain(lint, "example.com", &p), AL_OK);
	assert_false(p.pending);
	assert_int_equal(p.count, 8);
	assert_string_equal(p.items[0].selector, "selector1");
	assert_int_equal(p.items[0].why, AL_DKIM_PROBE_COMMON);
	assert_string_equal(p.items[0].name, "selector1._domainkey.example.com");
	assert_int_equal(p.not_probed, n - 8); /* selector2 among them: probed only after a key at selector1 */
	al_arena_clear(&arena);
	assert_string_equal(al_dkim_provider_of(lint, "selector1-example-com._domainkey.example.onmicrosoft.com"),
			    "Microsoft 365");
	assert_string_equal(al_dkim_provider_of(lint, "abc.dkim.amazonses.com"), "Amazon SES");
	assert_null(al_dkim_provider_of(lint, "keys.example.com"));

	al_dkim_summary s;
	assert_int_equal(al_dkim_summarize(lint, NULL, "example.com", NULL, 0, &s), AL_OK);
	assert_int_equal(s.source, AL_DKIM_SELECTORS_DISCOVERED);
	assert_int_equal(s.keys, 2);
	assert_int_equal(s.usable, 2);
	const char *given[] = {"google", "nope"};
	assert_int_equal(al_dkim_summarize(lint, NULL, "example.com", given, 2, &s), AL_OK);
	assert_int_equal(s.source, AL_DKIM_SELECTORS_GIVEN);
	assert_int_equal(s.selectors, 2);
	assert_int_equal(s.keys, 1);
	assert_string_equal(s.usable_selectors[0], "google");
	/* the selectors of a zone, per domain */
	const char *const *zs;
	assert_int_equal(al_dkim_zone_selectors(lint, f.zone, "example.com", &zs), 2);
	assert_int_equal(al_dkim_zone_selectors(lint, f.zone, "nokeys.example", &zs), 0);
	assert_int_equal(al_dkim_summarize(lint, f.zone, "example.com", NULL, 0, &s), AL_OK);
	assert_int_equal(s.source, AL_DKIM_SELECTORS_ZONE);
	assert_int_equal(s.usable, 2);
	al_lint_free(lint);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zone_selectors),
		cmocka_unit_test(test_string_damage),
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_summary_and_catalog),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
