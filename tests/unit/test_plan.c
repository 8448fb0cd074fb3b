/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The planner: where a plan starts from, what each step publishes, its effect
 * on both receiver generations, gates, dates and TTL waits, and the plan's own
 * findings (PLAN001..PLAN003). Every emitted record is linted on its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan_helpers.h"

#define RUA "rua=mailto:dmarc@example.com"

static const al_plan *plan_for(t_plan *t, const char *tmpl, const char *zone_text)
{
	t_plan_options(t, tmpl, "2026-12-01");
	t_plan_zone(t, zone_text);
	return t_plan_build(t, "example.com");
}

static void assert_date(al_date d, const char *want)
{
	char buf[11];
	al_date_format(d, buf);
	assert_string_equal(buf, want);
}

/* ---- dates ----------------------------------------------------------------------- */

static void test_date_api(void **state)
{
	(void)state;
	al_date d;
	assert_int_equal(al_date_parse("2028-02-29", &d), AL_OK);
	assert_int_equal(al_date_parse("2026-02-29", &d), AL_EINVAL);
	assert_int_equal(al_date_parse("2100-02-29", &d), AL_EINVAL);
	assert_int_equal(al_date_parse("2000-02-29", &d), AL_OK);
	static const char *const bad[] = {"2026-1-01", "2026-13-01", "2026-04-31", "1969-12-31", "26-01-01",
					  "2026/01/01", "2026-01-01x", "", "2026-00-10", "2026-01-00"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(al_date_parse(bad[i], &d), AL_EINVAL);
	assert_int_equal(al_date_parse(NULL, &d), AL_EINVAL);
	assert_int_equal(al_date_parse("2026-12-25", &d), AL_OK);
	assert_date(al_date_add_days(d, 7), "2027-01-01");
	assert_date(al_date_add_days(d, -358), "2026-01-01");
	assert_date(al_date_add_days(d, 0), "2026-12-25");
	al_date leap;
	al_date_parse("2028-02-28", &leap);
	assert_date(al_date_add_days(leap, 1), "2028-02-29");
	assert_date(al_date_add_days(leap, 2), "2028-03-01");
	assert_int_equal(al_date_diff_days(d, al_date_add_days(d, 400)), 400);
	assert_int_equal(al_date_diff_days(al_date_add_days(d, 400), d), -400);
	/* clamped to what parses */
	assert_date(al_date_add_days(d, -100000), "1970-01-01");
	assert_date(al_date_add_days(d, 10000000), "9999-12-31");
	assert_date(al_date_from_unix(0), "1970-01-01");
	assert_date(al_date_from_unix(1796083200), "2026-12-01");
	assert_date(al_date_from_unix(1796083199), "2026-11-30");
	assert_int_equal(al_ttl_days(0), 0);
	assert_int_equal(al_ttl_days(1), 1);
	assert_int_equal(al_ttl_days(3600), 1);
	assert_int_equal(al_ttl_days(86400), 1);
	assert_int_equal(al_ttl_days(86401), 2);
	assert_int_equal(al_ttl_days(172800), 2);
	assert_int_equal(al_ttl_days(UINT32_MAX), 49711);
	/* how long caches may keep an answer, in words (the plan's "replaces" line) */
	char buf[24];
	assert_string_equal(al_ttl_text(0, buf), "0 seconds");
	assert_string_equal(al_ttl_text(45, buf), "45 seconds");
	assert_string_equal(al_ttl_text(300, buf), "5 minutes");
	assert_string_equal(al_ttl_text(301, buf), "6 minutes");
	assert_string_equal(al_ttl_text(3600, buf), "1 hour");
	assert_string_equal(al_ttl_text(5400, buf), "2 hours");
	assert_string_equal(al_ttl_text(86400, buf), "1 day");
	assert_string_equal(al_ttl_text(172800, buf), "2 days");
	assert_string_equal(al_ttl_text(UINT32_MAX, buf), "49711 days");
}

/* ---- where the plan starts ------------------------------------------------------- */

static void test_no_record(void **state)
{
	(void)state;
	t_plan t;
	const al_plan *p = plan_for(&t, "default", T_ZONE_HEAD T_SPF);
	assert_true(p->current.known);
	assert_int_equal(p->current.record_count, 0);
	assert_null(p->current.record);
	/* the negative TTL: min(SOA TTL 3600, MINIMUM 300) */
	assert_true(p->current.ttl_known);
	assert_int_equal(p->current.ttl, 300);
	assert_int_equal(p->step_count, 11);
	const al_plan_step *s = &p->steps[0];
	assert_string_equal(s->id, "monitor");
	assert_string_equal(s->record, "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com");
	assert_true(p->rua_suggested);
	assert_null(s->rollback);
	assert_null(s->rollback_zone_line);
	assert_int_equal(s->replaces_ttl, 300);
	assert_int_equal(s->wait_days, 1);
	assert_string_equal(p->steps[1].record,
			    "v=DMARC1; p=quarantine; pct=10; t=y; np=reject; rua=mailto:dmarc-reports@example.com");
	assert_string_equal(p->steps[1].rollback, s->record);
	assert_string_equal(p->steps[10].record, "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com");
	assert_false(p->nothing_to_do);
	/* a made-up report address does not count as reports: enforcement waits for a real one */
	assert_int_equal(s->status, AL_PLAN_STEP_READY);
	const al_plan_step *q = &p->steps[1];
	assert_int_equal(q->status, AL_PLAN_STEP_BLOCKED);
	for (size_t i = 0; i < q->gate_count; i++) {
		const al_plan_gate *g = &q->gates[i];
		if (g->rule != NULL && strcmp(g->rule->name, "dmarc-no-rua") == 0) {
			assert_int_equal(g->state, AL_PLAN_GATE_FAIL);
			assert_non_null(strstr(g->detail, "--rua"));
		} else if (g->rule != NULL && strcmp(g->rule->name, "dmarc-no-record") == 0) {
			/* DMARC010 now; the monitor step's record removes it */
			assert_int_equal(g->state, AL_PLAN_GATE_FIXED);
			assert_int_equal(g->fixed_by, 1);
		}
	}
	assert_int_equal(p->first_blocked, 2);
	t_plan_free(&t);
}

static void test_none_without_rua(void **state)
{
	(void)state;
	t_plan t;
	const char *zone = T_ZONE_HEAD T_SPF "_dmarc 86400 IN TXT \"v=DMARC1; p=none\"\n";
	const al_plan *p = plan_for(&t, "default", zone);
	assert_false(p->current.usable);
	assert_string_equal(p->steps[0].id, "monitor");
	assert_string_equal(p->steps[0].rollback, "v=DMARC1; p=none");
	assert_string_equal(p->steps[0].rollback_zone_line,
			    "_dmarc.example.com. 86400 IN TXT \"v=DMARC1; p=none\"");
	assert_true(p->rua_suggested);
	t_plan_free(&t);

	/* with --rua the plan uses that address */
	t_plan_options(&t, "default", "2026-12-01");
	t_plan_zone(&t, zone);
	t.options.rua = "mailto:reports@example.com";
	p = t_plan_build(&t, "example.com");
	assert_false(p->rua_suggested);
	assert_string_equal(p->steps[0].record, "v=DMARC1; p=none; rua=mailto:reports@example.com");
	/* DMARC012 now, removed by the monitor step's record */
	assert_int_equal(p->steps[1].status, AL_PLAN_STEP_READY);
	assert_int_equal(p->first_blocked, 0);
	t_plan_free(&t);
}

static void test_bad_rua_option(void **state)
{
	(void)state;
	t_plan t;
	t_plan_options(&t, "default", "2026-12-01");
	t_plan_zone(&t, T_ZONE_HEAD T_SPF);
	static const char *const bad[] = {"reports@example.com", "mailto:", "mailto:a@b; p=reject",
					  "ftp://x", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t.options.rua = bad[i];
		al_error err = {0};
		assert_int_equal(al_plan_build(&t.options, "example.com", &t.plan, &err), AL_EINVAL);
		assert_null(t.plan);
		assert_non_null(strstr(err.message, "report URI"));
	}
	t_plan_free(&t);
}

static void test_healthy_none(void **state)
{
	(void)state;
	t_plan t;
	const al_plan *p = plan_for(&t, "default", T_ZONE_HEAD T_SPF "_dmarc IN TXT \"v=DMARC1; p=none; " RUA "\"\n");
	assert_true(p->current.usable);
	assert_false(p->rua_suggested);
	assert_int_equal(p->step_count, 10);
	const al_plan_step *s = &p->steps[0];
	assert_string_equal(s->id, "quarantine-10");
	/* RFC 7489: 10% of failing mail quarantined, the rest none (6.6.4) */
	const al_dmarc_effect *e7 = &s->effect[AL_DMARC_TARGET_DOMAIN].rfc7489;
	assert_int_equal(e7->applied, AL_DMARC_POLICY_QUARANTINE);
	assert_int_equal(e7->percent, 10);
	assert_int_equal(e7->rest, AL_DMARC_POLICY_NONE);
	/* RFC 9989: pct ignored, t=y lowers quarantine to none */
	const al_dmarc_effect *e9 = &s->effect[AL_DMARC_TARGET_DOMAIN].rfc9989;
	assert_int_equal(e9->requested, AL_DMARC_POLICY_QUARANTINE);
	assert_int_equal(e9->applied, AL_DMARC_POLICY_NONE);
	assert_true(e9->testing);
	assert_int_equal(e9->percent, 100);
	/* non-existent subdomains: np=reject, lowered to quarantine by t=y (RFC 9989 only) */
	const al_plan_effect *nx = &s->effect[AL_DMARC_TARGET_NONEXISTENT];
	assert_int_equal(nx->rfc9989.requested, AL_DMARC_POLICY_REJECT);
	assert_int_equal(nx->rfc9989.applied, AL_DMARC_POLICY_QUARANTINE);
	assert_int_equal(nx->rfc7489.applied, AL_DMARC_POLICY_QUARANTINE);
	assert_int_equal(nx->rfc7489.percent, 10);
	assert_string_equal(s->effect[0].rfc7489_text, "quarantine 10%, rest none");
	assert_string_equal(s->effect[0].rfc9989_text, "none (t=y lowers quarantine)");
	/* the step where pct reaches 100 moves RFC 9989 receivers */
	const al_plan_step *q = t_step(p, "quarantine");
	assert_non_null(q);
	assert_int_equal(q->effect[0].rfc9989.applied, AL_DMARC_POLICY_QUARANTINE);
	assert_false(q->effect[0].rfc9989.testing);
	const al_plan_step *r10 = t_step(p, "reject-10");
	assert_non_null(r10);
	assert_int_equal(r10->effect[0].rfc7489.applied, AL_DMARC_POLICY_REJECT);
	assert_int_equal(r10->effect[0].rfc7489.percent, 10);
	assert_int_equal(r10->effect[0].rfc7489.rest, AL_DMARC_POLICY_QUARANTINE);
	assert_int_equal(r10->effect[0].rfc9989.applied, AL_DMARC_POLICY_QUARANTINE);
	assert_string_equal(r10->rollback, q->record);
	t_plan_free(&t);
}

static void test_mid_ramp_with_t(void **state)
{
	(void)state;
	t_plan t;
	const al_plan *p = plan_for(&t, "default",
				    T_ZONE_HEAD T_SPF "_dmarc IN TXT \"v=DMARC1; p=quarantine; pct=50; t=y; " RUA "\"\n");
	/* np=reject, set by a step the domain is past, comes first, on its own */
	assert_int_equal(p->steps[0].kind, AL_PLAN_STEP_SUBDOMAIN);
	assert_string_equal(p->steps[0].record, "v=DMARC1; p=quarantine; pct=50; t=y; np=reject; " RUA);
	assert_string_equal(p->steps[1].id, "quarantine-75");
	assert_string_equal(p->steps[1].record, "v=DMARC1; p=quarantine; pct=75; t=y; np=reject; " RUA);
	assert_null(t_step(p, "quarantine-25"));
	assert_null(t_step(p, "quarantine-50"));
	assert_int_equal(p->step_count, 8);
	t_plan_free(&t);
}

static void test_mid_ramp_without_t(void **state)
{
	(void)state;
	t_plan t;
	const al_plan *p = plan_for(&t, "default",
				    T_ZONE_HEAD T_SPF "_dmarc IN TXT \"v=DMARC1; p=quarantine; pct=50; " RUA "\"\n");
	/* RFC 9989 receivers quarantine everything now: adding t=y would lower that */
	assert_int_equal(p->current.effect[0].rfc9989.applied, AL_DMARC_POLICY_QUARANTINE);
	const al_plan_step *s = t_step(p, "quarantine-75");
	assert_non_null(s);
	assert_string_equal(s->record, "v=DMARC1; p=quarantine; pct=75; np=reject; " RUA);
	assert_int_equal(s->effect[0].rfc9989.applied, AL_DMARC_POLICY_QUARANTINE);
	assert_int_equal(s->effect[0].rfc7489.percent, 75);
	bool noted = false;
	for (size_t i = 0; i < s->note_count; i++)
		noted |= strstr(s->notes[i], "t=y is left out") != NULL;
	assert_true(noted);
	if (al_rules_find(t_rules(), "dmarc-pct-without-t") != NULL) {
		bool intended = false;
		for (size_t i = 0; i < s->intended_count; i++)
			intended |= strcmp(s->intended[i], al_rules_find(t_rules(), "dmarc-pct-without-t")->id) == 0;
		assert_true(intended);
	}
	assert_int_equal(t_plan_count(p, "PLAN002"), 0);
	t_plan_free(&t);
}

static void test_reject_sp_none(void **state)
{
	(void)state;
	t_plan t;
	const al_plan *p = plan_for(&t, "default",
				    T_ZONE_HEAD T_SPF "_dmarc IN TXT \"v=DMARC1; p=reject; sp=none; " RUA "\"\n");
	assert_int_equal(p->step_count, 3);
	assert_string_equal(p->steps[0].id, "np-reject");
	assert_string_equal(p->steps[0].record, "v=DMARC1; p=reject; sp=none; np=reject; " RUA);
	/* np is RFC 9989 only: RFC 7489 receivers still apply sp=none to non-existent subdomains */
	assert_int_equal(p->steps[0].effect[AL_DMARC_TARGET_NONEXISTENT].rfc9989.applied, AL_DMARC_POLICY_REJECT);
	assert_int_equal(p->steps[0].effect[AL_DMARC_TARGET_NONEXISTENT].rfc7489.applied, AL_DMARC_POLICY_NONE);
	assert_string_equal(p->steps[1].id, "sp-quarantine");
	assert_string_equal(p->steps[1].record, "v=DMARC1; p=reject; sp=quarantine; np=reject; " RUA);
	assert_int_equal(p->steps[1].effect[AL_DMARC_TARGET_SUBDOMAIN].rfc7489.applied, AL_DMARC_POLICY_QUARANTINE);
	assert_string_equal(p->steps[2].id, "sp-inherit");
	assert_string_equal(p->steps[2].record, "v=DMARC1; p=reject; " RUA);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(p->steps[2].effect[k].rfc7489.applied, AL_DMARC_POLICY_REJECT);
		assert_int_equal(p->steps[2].effect[k].rfc9989.applied, AL_DMARC_POLICY_REJECT);
	}
	assert_int_equal(p->steps[0].kind, AL_PLAN_STEP_SUBDOMAIN);
	t_plan_free(&t);
}

static void test_nothing_to_do(void **state)
{
	(void)state;
	t_plan t;
	const al_plan *p = plan_for(&t, "default", T_ZONE_HEAD T_SPF "_dmarc IN TXT \"v=DMARC1; p=reject; " RUA "\"\n");
	assert_true(p->nothing_to_do);
	assert_int_equal(p->step_count, 0);
	t_plan_free(&t);

	/* t=y left in place: RFC 9989 receivers only quarantine */
	p = plan_for(&t, "default", T_ZONE_HEAD T_SPF "_dmarc IN TXT \"v=DMARC1; p=reject; t=y; " RUA "\"\n");
	assert_false(p->nothing_to_do);
	assert_int_equal(p->step_count, 1);
	assert_string_equal(p->steps[0].record, "v=DMARC1; p=reject; " RUA);
	assert_int_equal(p->steps[0].effect[0].rfc9989.applied, AL_DMARC_POLICY_REJECT);
	t_plan_free(&t);
}

static void test_several_records(void **state)
{
	(void)state;
	t_plan t;
	const al_plan *p = plan_for(&t, "default",
				    T_ZONE_HEAD T_SPF "_dmarc IN TXT \"v=DMARC1; p=reject; " RUA "\"\n"
						      "_dmarc IN TXT \"v=DMARC1; p=none; " RUA "\"\n");
	/* receivers ignore both: the plan starts from nothing, and notes the replacement */
	assert_int_equal(p->current.record_count, 2);
	assert_false(p->current.usable);
	assert_string_equal(p->steps[0].id, "monitor");
	assert_null(p->steps[0].rollback);
	bool noted = false;
	for (size_t i = 0; i < p->steps[0].note_count; i++)
		noted |= strstr(p->steps[0].notes[i], "2 DMARC records") != NULL;
	assert_true(noted);
	/* DMARC004 now; the monitor step's single record fixes it for later gates */
	assert_true(t_plan_count(p, "DMARC004") > 0);
	const al_plan_step *q = t_step(p, "quarantine-10");
	bool fixed = false;
	for (size_t i = 0; i < q->gate_count; i++)
		if (q->gates[i].rule != NULL && strcmp(q->gates[i].rule->id, "DMARC004") == 0) {
			assert_int_equal(q->gates[i].state, AL_PLAN_GATE_FIXED);
			assert_int_equal(q->gates[i].fixed_by, 1);
			fixed = true;
		}
	assert_true(fixed);
	t_plan_free(&t);
}

static void test_weak_dkim_key(void **state)
{
	(void)state;
	t_plan t;
	t_plan_options(&t, "default", "2026-12-01");
	t_plan_zone(&t, "$ORIGIN example.com.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
			"@ IN MX 10 mail\nmail IN A 192.0.2.25\n" T_SPF
			"_dmarc IN TXT \"v=DMARC1; p=reject; " RUA "\"\n"
			"s1._domainkey IN TXT \"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDM4GHCmFkzFGy4BGPM4AEByBwXd"
			"zO3U6bGSOIS+Udcz6YGCeTr76C5CjHlCvDXZBVI/jBurbyQiD4Ih2ci+moNl3rYjtZK1TBzuNKE/+4lXeeVU12JsKomEVA6DzSoPEXSY"
			"PotAjXzW5JKDLB1OgCfGgYIMGBXFctirfBYrXhkhQIDAQAB\"\n");
	const al_plan *p = t_plan_build(&t, "example.com");
	/* a 1024-bit key: usable, but the one thing left to harden */
	assert_true(t_plan_count(p, "DKIM013") > 0);
	assert_false(p->nothing_to_do);
	assert_int_equal(p->step_count, 1);
	const al_plan_step *s = &p->steps[0];
	assert_int_equal(s->kind, AL_PLAN_STEP_DKIM);
	assert_string_equal(s->id, "dkim-key-s1");
	assert_false(s->record_changes);
	assert_null(s->rollback);
	assert_string_equal(s->record, "v=DMARC1; p=reject; " RUA);
	assert_false(s->replaces_ttl_known);
	bool noted = false;
	for (size_t i = 0; i < s->note_count; i++)
		noted |= strstr(s->notes[i], "2048-bit") != NULL;
	assert_true(noted);
	t_plan_free(&t);
}

/* ---- gates ---------------------------------------------------------------------------- */

static const al_plan_gate *gate(const al_plan_step *s, const char *rule_id)
{
	for (size_t i = 0; i < s->gate_count; i++)
		if (s->gates[i].rule != NULL && strcmp(s->gates[i].rule->id, rule_id) == 0)
			return &s->gates[i];
	return NULL;
}

static void test_blocked(void **state)
{
	(void)state;
	t_plan t;
	/* two SPF records: permerror for every check (RFC 7208 4.5) */
	const al_plan *p = plan_for(&t, "default",
				    T_ZONE_HEAD T_SPF "@ IN TXT \"v=spf1 -all\"\n"
						      "_dmarc IN TXT \"v=DMARC1; p=none; " RUA "\"\n");
	const al_plan_step *s = &p->steps[0];
	assert_int_equal(s->status, AL_PLAN_STEP_BLOCKED);
	const al_plan_gate *g = gate(s, "SPF001");
	assert_non_null(g);
	assert_int_equal(g->state, AL_PLAN_GATE_FAIL);
	assert_true(g->finding_count > 0);
	assert_string_equal(g->findings[0]->rule->id, "SPF001");
	assert_int_equal(p->first_blocked, 1);
	assert_int_equal(t_plan_count(p, "PLAN001"), 1);
	for (size_t i = 0; i < al_findings_count(p->findings); i++)
		if (strcmp((*al_findings_at(p->findings, i)).rule->id, "PLAN001") == 0) {
			assert_non_null(strstr((*al_findings_at(p->findings, i)).message, "step 1"));
			assert_non_null(strstr((*al_findings_at(p->findings, i)).message, "SPF001"));
			assert_string_equal((*al_findings_at(p->findings, i)).location.file, "plans/default.yaml");
			assert_true((*al_findings_at(p->findings, i)).location.line > 0);
		}
	/* every later step is blocked by the same record */
	for (size_t i = 0; i < p->step_count; i++)
		assert_int_equal(p->steps[i].status, AL_PLAN_STEP_BLOCKED);
	assert_int_equal(al_summary_exit_code(al_findings_summary(p->findings), AL_SEVERITY_ERROR), 1);
	t_plan_free(&t);

	/* without a DMARC record the monitor step is not blocked; enforcement is */
	p = plan_for(&t, "default", T_ZONE_HEAD T_SPF "@ IN TXT \"v=spf1 -all\"\n");
	assert_int_equal(p->steps[0].status, AL_PLAN_STEP_READY);
	assert_int_equal(p->steps[1].status, AL_PLAN_STEP_BLOCKED);
	assert_int_equal(p->first_blocked, 2);
	t_plan_free(&t);
}

static void test_unknown_gates(void **state)
{
	(void)state;
	t_plan t;
	t_plan_options(&t, "default", "2026-12-01");
	t_plan_zone(&t, T_ZONE_HEAD T_SPF "_dmarc IN TXT \"v=DMARC1; p=none; " RUA "\"\n");
	t.options.selector_count = 0;
	const al_plan *p = t_plan_build(&t, "example.com");
	/* no selector: DKIM gates are not checked, never "pass" */
	const al_plan_gate *g = gate(&p->steps[0], "DKIM010");
	assert_non_null(g);
	assert_int_equal(g->state, AL_PLAN_GATE_UNKNOWN);
	assert_non_null(strstr(g->detail, "--selector"));
	/* one finding for the four DKIM gates that share the reason */
	assert_int_equal(t_plan_count(p, "PLAN003"), 1);
	for (size_t i = 0; i < al_findings_count(p->findings); i++)
		if (strcmp((*al_findings_at(p->findings, i)).rule->id, "PLAN003") == 0)
			assert_non_null(strstr((*al_findings_at(p->findings, i)).message,
					       "gates from step 1 on were not checked (DKIM010, DKIM011, DKIM012, DKIM014)"));
	t_plan_free(&t);

	/* with the selector every gate is checked and clean */
	p = plan_for(&t, "default", T_ZONE_HEAD T_SPF "_dmarc IN TXT \"v=DMARC1; p=none; " RUA "\"\n");
	for (size_t k = 0; k < p->step_count; k++) {
		for (size_t i = 0; i < p->steps[k].gate_count; i++) {
			const al_plan_gate *x = &p->steps[k].gates[i];
			if (x->rule != NULL && x->state != AL_PLAN_GATE_PASS && x->state != AL_PLAN_GATE_FIXED) {
				fprintf(stderr, "step %zu gate %s: %s %s\n", k + 1, x->rule->id,
					al_plan_gate_state_name(x->state), x->detail ? x->detail : "");
				fail();
			}
		}
		assert_int_equal(p->steps[k].status, AL_PLAN_STEP_READY);
	}
	assert_int_equal(t_plan_count(p, "PLAN003"), 0);
	assert_int_equal(t_plan_count(p, "PLAN001"), 0);
	t_plan_free(&t);

	/* the selector's key is missing: no usable DKIM key blocks enforcement */
	p = plan_for(&t, "default", "$ORIGIN example.com.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
				    "@ IN MX 10 mail\nmail IN A 192.0.2.25\n" T_SPF
				    "_dmarc IN TXT \"v=DMARC1; p=none; " RUA "\"\n");
	g = gate(&p->steps[0], "DKIM010");
	assert_int_equal(g->state, AL_PLAN_GATE_FAIL);
	assert_int_equal(p->steps[0].status, AL_PLAN_STEP_BLOCKED);
	/* DMARC045 comes with the enforcing record itself */
	g = gate(&p->steps[0], "DMARC045");
	assert_int_equal(g->state, AL_PLAN_GATE_FAIL);
	assert_string_equal(g->detail, "raised once this step's record is in place");
	assert_int_equal(t_plan_count(p, "PLAN002"), 0);
	t_plan_free(&t);
}

static void test_waived_gate(void **state)
{
	(void)state;
	const char *cfg = "waivers:\n  - rule: SPF001\n    name: example.com\n    reason: second record goes away\n";
	char path[] = "/tmp/authlint-plan-cfg-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, cfg, strlen(cfg)), (ssize_t)strlen(cfg));
	close(fd);
	al_config *config = NULL;
	al_error err = {0};
	al_rules *rules = NULL;
	assert_int_equal(al_rules_load_builtin(&rules, &err), AL_OK);
	assert_int_equal(al_config_load(&config, path, rules, &err), AL_OK);
	unlink(path);
	t_plan t;
	t_plan_options(&t, "default", "2026-12-01");
	t.options.rules = rules;
	t.options.config = config;
	al_plan_template_free(t.tmpl);
	assert_int_equal(al_plan_template_load_builtin(&t.tmpl, "default", rules, &err), AL_OK);
	t.options.plan_template = t.tmpl;
	t_plan_zone(&t, T_ZONE_HEAD T_SPF "@ IN TXT \"v=spf1 -all\"\n_dmarc IN TXT \"v=DMARC1; p=none; " RUA "\"\n");
	const al_plan *p = t_plan_build(&t, "example.com");
	const al_plan_gate *g = gate(&p->steps[0], "SPF001");
	assert_int_equal(g->state, AL_PLAN_GATE_PASS);
	assert_non_null(strstr(g->detail, "waived"));
	/* waiving the finding does not mend SPF: enforcing still meets DMARC044 */
	g = gate(&p->steps[0], "DMARC044");
	assert_int_equal(g->state, AL_PLAN_GATE_FAIL);
	assert_int_equal(p->steps[0].status, AL_PLAN_STEP_BLOCKED);
	t_plan_free(&t);
	al_config_free(config);
	al_rules_free(rules);
}

/* ---- dates and TTL waits -------------------------------------------------------------- */

static void test_dates(void **state)
{
	(void)state;
	t_plan t;
	/* the current record has TTL 2 days: the first step waits 2 days for caches */
	const al_plan *p = plan_for(&t, "default",
				    T_ZONE_HEAD T_SPF "_dmarc 172800 IN TXT \"v=DMARC1; p=none; " RUA "\"\n");
	const al_plan_step *s = p->steps;
	assert_date(s[0].earliest, "2026-12-01");
	assert_date(s[0].suggested, "2026-12-01");
	assert_int_equal(s[0].replaces_ttl, 172800);
	assert_true(s[0].replaces_ttl_known);
	assert_int_equal(s[0].wait_days, 2);
	/* the plan's own records get TTL 3600 for quick rollbacks */
	assert_int_equal(s[0].ttl, 3600);
	assert_non_null(strstr(s[0].zone_line, "_dmarc.example.com. 3600 IN TXT \""));
	/* step 2: 2 days of TTL + 14 (min) or 28 (suggested) days of step 1 */
	assert_date(s[1].earliest, "2026-12-17");
	assert_date(s[1].suggested, "2026-12-31");
	assert_int_equal(s[1].replaces_ttl, 3600);
	assert_int_equal(s[1].wait_days, 1);
	/* step 3: 1 day + 14 / 28 from step 2 */
	assert_date(s[2].earliest, "2027-01-01");
	assert_date(s[2].suggested, "2027-01-29");
	for (size_t i = 1; i < p->step_count; i++) {
		assert_int_equal(al_date_diff_days(s[i - 1].earliest, s[i].earliest),
				 (long)s[i - 1].wait_days + s[i - 1].min_days);
		assert_int_equal(al_date_diff_days(s[i - 1].suggested, s[i].suggested),
				 (long)s[i - 1].wait_days + s[i - 1].suggested_days);
	}
	t_plan_free(&t);

	/* a short TTL is kept; --ttl overrides; the dates cross a leap day */
	t_plan_options(&t, "fast", "2028-02-20");
	t_plan_zone(&t, T_ZONE_HEAD T_SPF "_dmarc 300 IN TXT \"v=DMARC1; p=none; " RUA "\"\n");
	p = t_plan_build(&t, "example.com");
	assert_int_equal(p->steps[0].ttl, 300);
	assert_int_equal(p->steps[0].wait_days, 1);
	assert_date(p->steps[1].earliest, "2028-02-28"); /* 1 + 7 */
	assert_date(p->steps[2].earliest, "2028-03-07"); /* + 1 + 7, over 2028-02-29 */
	t_plan_free(&t);

	t_plan_options(&t, "default", "2026-12-01");
	t_plan_zone(&t, T_ZONE_HEAD T_SPF "_dmarc IN TXT \"v=DMARC1; p=none; " RUA "\"\n");
	t.options.ttl = 90000;
	p = t_plan_build(&t, "example.com");
	assert_int_equal(p->steps[0].ttl, 90000);
	assert_int_equal(p->steps[1].replaces_ttl, 90000);
	assert_int_equal(p->steps[1].wait_days, 2);
	assert_date(p->steps[1].earliest, "2026-12-16"); /* 1 + 14 */
	assert_date(p->steps[2].earliest, "2027-01-01"); /* + 2 + 14 */
	t_plan_free(&t);
}

static void test_record_mode(void **state)
{
	(void)state;
	t_plan t;
	t_plan_options(&t, "default", "2026-12-01");
	const char *record = "v=DMARC1; p=quarantine; " RUA;
	t.options.record = record;
	t.options.record_length = strlen(record);
	const al_plan *p = t_plan_build(&t, "example.com");
	assert_true(p->current.known);
	assert_string_equal(p->current.record, record);
	assert_string_equal(p->current.location.file, "<argument>");
	assert_false(p->current.ttl_known);
	/* quarantine-10, which sets np=reject, is behind the domain: np comes first, on its own */
	assert_string_equal(p->steps[0].id, "np-reject");
	const al_plan_step *r10 = t_step(p, "reject-10");
	assert_non_null(r10);
	/* the TTL of the record given is not known: a day is assumed, and said */
	assert_false(p->steps[0].replaces_ttl_known);
	assert_int_equal(p->steps[0].replaces_ttl, 86400);
	/* nothing answers for SPF: its gates are unknown, not passed */
	const al_plan_gate *g = gate(r10, "SPF001");
	assert_int_equal(g->state, AL_PLAN_GATE_UNKNOWN);
	assert_int_equal(r10->status, AL_PLAN_STEP_UNVERIFIED);
	t_plan_free(&t);

	/* with a TTL */
	t_plan_options(&t, "default", "2026-12-01");
	t.options.record = record;
	t.options.record_length = strlen(record);
	t.options.record_ttl = 7200;
	p = t_plan_build(&t, "example.com");
	assert_true(p->steps[0].replaces_ttl_known);
	assert_int_equal(p->steps[0].replaces_ttl, 7200);
	t_plan_free(&t);
}

static void test_unknown_current(void **state)
{
	(void)state;
	t_plan t;
	/* the zone is for example.com; other.example is outside it and offline */
	t_plan_options(&t, "default", "2026-12-01");
	t_plan_zone(&t, T_ZONE_HEAD T_SPF);
	const al_plan *p = t_plan_build(&t, "other.example");
	assert_false(p->current.known);
	assert_non_null(p->current.problem);
	assert_int_equal(p->step_count, 0);
	assert_false(p->nothing_to_do);
	assert_true(al_findings_summary(p->findings)->incomplete);
	assert_int_equal(al_summary_exit_code(al_findings_summary(p->findings), AL_SEVERITY_ERROR), 2);
	t_plan_free(&t);
}

static void test_bad_domain(void **state)
{
	(void)state;
	t_plan t;
	t_plan_options(&t, "default", "2026-12-01");
	al_error err = {0};
	assert_int_equal(al_plan_build(&t.options, "a..b", &t.plan, &err), AL_EINVAL);
	assert_non_null(strstr(err.message, "not a domain name"));
	assert_int_equal(al_plan_build(&t.options, ".", &t.plan, &err), AL_EINVAL);
	t_plan_free(&t);
}

/* ---- every template, every start ------------------------------------------------------ */

static const char *const starts[] = {
	"",
	"_dmarc IN TXT \"v=DMARC1; p=none\"\n",
	"_dmarc IN TXT \"v=DMARC1; p=none; " RUA "\"\n",
	"_dmarc IN TXT \"v=DMARC1; p=quarantine; " RUA "\"\n",
	"_dmarc IN TXT \"v=DMARC1; p=quarantine; pct=50; t=y; " RUA "\"\n",
	"_dmarc IN TXT \"v=DMARC1; p=quarantine; pct=50; " RUA "\"\n",
	"_dmarc IN TXT \"v=DMARC1; p=quarantine; pct=30; t=y; sp=none; " RUA "\"\n",
	"_dmarc IN TXT \"v=DMARC1; p=reject; pct=25; " RUA "\"\n",
	"_dmarc IN TXT \"v=DMARC1; p=reject; sp=none; " RUA "\"\n",
	"_dmarc IN TXT \"v=DMARC1; p=reject; t=y; " RUA "\"\n",
	"_dmarc IN TXT \"v=DMARC1; p=reject; sp=quarantine; np=none; adkim=s; " RUA "; ruf=mailto:f@example.com; fo=1\"\n",
	"_dmarc IN TXT \"v=DMARC1; p=quarantine; rua=dmarc@example.com; ri=3600; rf=afrf; foo=bar\"\n",
	"_dmarc IN TXT \"v=DMARC1; p=bogus; " RUA "\"\n",
	"_dmarc IN TXT \"v=dmarc1; p=reject; " RUA "\"\n",
};

static bool is_intended(const al_plan_step *s, const char *id)
{
	for (size_t i = 0; i < s->intended_count; i++)
		if (strcmp(s->intended[i], id) == 0)
			return true;
	return false;
}

/* Every record the planner emits passes authlint's own DMARC rules, linted on its own. */
static void test_emitted_records_pass(void **state)
{
	(void)state;
	size_t records = 0;
	for (size_t ti = 0; al_plan_template_builtin_at(ti) != NULL; ti++) {
		for (size_t si = 0; si < sizeof(starts) / sizeof(starts[0]); si++) {
			char zone[1024];
			snprintf(zone, sizeof(zone), "%s%s%s", T_ZONE_HEAD, T_SPF, starts[si]);
			t_plan t;
			const al_plan *p = plan_for(&t, al_plan_template_builtin_at(ti), zone);
			assert_true(p->current.known);
			assert_int_equal(t_plan_count(p, "PLAN002"), 0);
			for (size_t k = 0; k < p->step_count; k++) {
				const al_plan_step *s = &p->steps[k];
				t_findings f;
				t_lint_record(AL_KIND_DMARC, s->record, "example.com", &f);
				for (size_t i = 0; i < f.count; i++) {
					if (f.items[i].severity < AL_SEVERITY_WARNING || is_intended(s, f.items[i].id))
						continue;
					fprintf(stderr, "template %s, start %zu, step %zu (%s): '%s' raises %s: %s\n",
						al_plan_template_builtin_at(ti), si, s->number, s->id, s->record,
						f.items[i].id, f.items[i].message);
					fail();
				}
				t_findings_free(&f);
				records++;
			}
			t_plan_free(&t);
		}
	}
	assert_true(records > 100);
}

/* Share of failing mail with at least quarantine plus share with reject (0..200). */
static unsigned strength(const al_dmarc_effect *e)
{
	if (!e->applies)
		return 0;
	unsigned s = 0;
	for (al_dmarc_policy level = AL_DMARC_POLICY_QUARANTINE; level <= AL_DMARC_POLICY_REJECT; level++)
		s += (e->applied >= level ? e->percent : 0) + (e->rest >= level ? 100 - e->percent : 0);
	return s;
}

/* A plan never lowers what failing mail gets, on either generation, for any kind of name. */
static void test_never_lowers(void **state)
{
	(void)state;
	for (size_t ti = 0; al_plan_template_builtin_at(ti) != NULL; ti++) {
		for (size_t si = 0; si < sizeof(starts) / sizeof(starts[0]); si++) {
			char zone[1024];
			snprintf(zone, sizeof(zone), "%s%s%s", T_ZONE_HEAD, T_SPF, starts[si]);
			t_plan t;
			const al_plan *p = plan_for(&t, al_plan_template_builtin_at(ti), zone);
			const al_plan_effect *before = p->current.effect;
			for (size_t k = 0; k < p->step_count; k++) {
				const al_plan_effect *e = p->steps[k].effect;
				for (int target = 0; target < 3; target++) {
					unsigned b7 = strength(&before[target].rfc7489), b9 = strength(&before[target].rfc9989);
					unsigned n7 = strength(&e[target].rfc7489), n9 = strength(&e[target].rfc9989);
					/* the one exception: t=y on a partial reject step lowers np=reject
					 * to quarantine for RFC 9989 receivers; the step says so */
					if (n7 >= b7 && n9 < b9 && target == AL_DMARC_TARGET_NONEXISTENT &&
					    e[target].rfc9989.testing && e[target].rfc9989.requested == AL_DMARC_POLICY_REJECT) {
						bool noted = false;
						for (size_t i = 0; i < p->steps[k].note_count; i++)
							noted |= strstr(p->steps[k].notes[i], "t=y lowers sp and np") != NULL;
						assert_true(noted);
						assert_int_equal(e[target].rfc9989.applied, AL_DMARC_POLICY_QUARANTINE);
					} else if (n7 < b7 || n9 < b9) {
						fprintf(stderr, "template %s, start %zu, step %zu (%s) target %d: %u/%u after %u/%u\n",
							al_plan_template_builtin_at(ti), si, k + 1, p->steps[k].id, target,
							n7, n9, b7, b9);
						fail();
					}
				}
				before = e;
			}
			t_plan_free(&t);
		}
	}
}

/* A custom template whose partial step lacks t=y: its record enforces more than it says. */
static void test_custom_template_finding(void **state)
{
	(void)state;
	const al_rule *pct_without_t = al_rules_find(t_rules(), "dmarc-pct-without-t");
	if (pct_without_t == NULL)
		skip(); /* the DMARC rule is not in this registry yet */
	const char *yaml = "name: custom\nsummary: a ramp without t\nsteps:\n"
			   "  - {id: monitor, policy: none, min-days: 7, suggested-days: 7}\n"
			   "  - {id: q25, policy: quarantine, pct: 25, min-days: 7, suggested-days: 7}\n"
			   "  - {id: q, policy: quarantine, min-days: 7, suggested-days: 7}\n";
	t_plan t;
	t_plan_options(&t, "default", "2026-12-01");
	al_plan_template_free(t.tmpl);
	al_error err = {0};
	assert_int_equal(al_plan_template_load_buffer(&t.tmpl, "custom.yaml", yaml, strlen(yaml), t_rules(), &err),
			 AL_OK);
	t.options.plan_template = t.tmpl;
	t_plan_zone(&t, T_ZONE_HEAD T_SPF "_dmarc IN TXT \"v=DMARC1; p=none; " RUA "\"\n");
	const al_plan *p = t_plan_build(&t, "example.com");
	assert_int_equal(t_plan_count(p, "PLAN002"), 1);
	for (size_t i = 0; i < al_findings_count(p->findings); i++)
		if (strcmp((*al_findings_at(p->findings, i)).rule->id, "PLAN002") == 0) {
			assert_non_null(strstr((*al_findings_at(p->findings, i)).message, pct_without_t->id));
			assert_string_equal((*al_findings_at(p->findings, i)).location.file, "custom.yaml");
			assert_int_equal((*al_findings_at(p->findings, i)).location.line, 5);
		}
	t_plan_free(&t);
}

static void test_carried_tags(void **state)
{
	(void)state;
	t_plan t;
	const al_plan *p = plan_for(&t, "default",
				    T_ZONE_HEAD T_SPF "_dmarc IN TXT \"v=DMARC1; p=none; rua=dmarc@example.com,mailto:b@example.com!10m; "
						      "ri=3600; aspf=s; fo=0:1; ruf=mailto:f@example.com; zz=1\"\n");
	/* the scheme is added, the size suffix, ri and the unknown tag dropped, fo=0:1 becomes fo=1 */
	assert_true(p->current.usable); /* one of the two rua URIs is valid */
	assert_string_equal(p->steps[0].record,
			    "v=DMARC1; p=quarantine; pct=10; t=y; np=reject; aspf=s; "
			    "rua=mailto:dmarc@example.com,mailto:b@example.com; ruf=mailto:f@example.com; fo=1");
	assert_true(p->note_count >= 4);
	t_plan_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_api),
		cmocka_unit_test(test_no_record),
		cmocka_unit_test(test_none_without_rua),
		cmocka_unit_test(test_bad_rua_option),
		cmocka_unit_test(test_healthy_none),
		cmocka_unit_test(test_mid_ramp_with_t),
		cmocka_unit_test(test_mid_ramp_without_t),
		cmocka_unit_test(test_reject_sp_none),
		cmocka_unit_test(test_nothing_to_do),
		cmocka_unit_test(test_several_records),
		cmocka_unit_test(test_weak_dkim_key),
		cmocka_unit_test(test_blocked),
		cmocka_unit_test(test_unknown_gates),
		cmocka_unit_test(test_waived_gate),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_record_mode),
		cmocka_unit_test(test_unknown_current),
		cmocka_unit_test(test_bad_domain),
		cmocka_unit_test(test_emitted_records_pass),
		cmocka_unit_test(test_never_lowers),
		cmocka_unit_test(test_custom_template_finding),
		cmocka_unit_test(test_carried_tags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
