/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lint driver: selection, order, waivers, policies, lookups that fail or are not made, exit codes. */
#include "helpers.h"

#include "check/lint_context.h"
#include "record/dmarc_parse.h"
#include "dns/source_internal.h"
#include "util/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- a source whose every lookup fails the way we ask ---- */

typedef struct failing {
	al_rcode rcode;
	al_answer answer;
	int lookups;
} failing;

static al_status failing_lookup(void *impl, const char *name, uint16_t type, const al_answer **out)
{
	failing *f = impl;
	f->lookups++;
	memset(&f->answer, 0, sizeof(f->answer));
	f->answer.rcode = f->rcode;
	f->answer.qname = name;
	f->answer.name = name;
	f->answer.qtype = type;
	f->answer.server = "192.0.2.53:53";
	f->answer.detail = "no answer within 2 s";
	*out = &f->answer;
	return AL_OK;
}

static bool failing_covers(const void *impl, const char *name)
{
	(void)impl;
	(void)name;
	return true;
}

static const al_source_ops failing_ops = {
	.kind = "test",
	.lookup = failing_lookup,
	.covers = failing_covers,
};

static void test_failed_lookups_are_not_missing(void **state)
{
	(void)state;
	failing *f = calloc(1, sizeof(*f));
	f->rcode = AL_RCODE_TIMEOUT;
	al_source *src;
	assert_int_equal(al_source_new(&src, &failing_ops, f), AL_OK);
	t_findings out;
	t_lint_domain(src, "example.com", NULL, 0, &out);
	assert_int_equal(out.status, AL_OK);
	/* each failed lookup is reported once, as a failure; nothing is reported missing */
	assert_int_equal(t_count(&out, "LOOKUP001"), 2);
	const t_finding *l = t_find(&out, "LOOKUP001");
	assert_non_null(strstr(l->message, "no answer within 2 s"));
	assert_true(out.summary.incomplete);
	/* the DMARC discovery asks _dmarc.example.com again: counted, not reported twice */
	assert_true(out.summary.lookups_failed >= 2);
	assert_int_equal(al_summary_exit_code(&out.summary, AL_SEVERITY_ERROR), 2);
	assert_int_equal(al_summary_exit_code(&out.summary, AL_SEVERITY_OFF), 2);
	t_findings_free(&out);
	al_source_free(src);
	free(f);
}

static void test_offline_lookups_are_notes(void **state)
{
	(void)state;
	/* a zone that does not hold the domain, offline: not queried, a note, not incomplete */
	al_zone *zone;
	assert_int_equal(al_zone_new(&zone, NULL), AL_OK);
	const char *t = "other.example. 60 IN TXT \"x\"\n";
	al_error err;
	al_zone_load_text(zone, "<t>", t, strlen(t), &err);
	al_source *zs, *top;
	assert_int_equal(al_source_new_zone(&zs, zone), AL_OK);
	assert_int_equal(al_source_new_layered(&top, zs, NULL), AL_OK);
	t_findings out;
	t_lint_domain(top, "example.com", NULL, 0, &out);
	assert_int_equal(t_count(&out, "LOOKUP002"), 2);
	assert_false(out.summary.incomplete);
	assert_true(out.summary.not_queried >= 2);
	assert_int_equal(al_summary_exit_code(&out.summary, AL_SEVERITY_ERROR), 0);
	assert_int_equal(al_summary_exit_code(&out.summary, AL_SEVERITY_NOTE), 1);
	t_findings_free(&out);
	al_source_free(top);
	al_source_free(zs);
	al_zone_free(zone);
}

static void test_selection_and_order(void **state)
{
	(void)state;
	t_findings out;
	t_lint_zone("$ORIGIN example.com.\n"
		    "_dmarc IN TXT \"v=DMARC1; p=none\"\n"
		    "_dmarc IN TXT \"v=DMARC1; p=reject\"\n"
		    "@ IN TXT \"v=spf1 mx -all\"\n"
		    "@ IN TXT \"v=spf1 a -all\"\n"
		    "@ IN TXT \" v=spf1 mx -all\"\n"
		    "@ IN TXT \"v=DMARC1; p=reject\"\n",
		    "example.com", &out);
	/* names in order of first appearance, each name's findings in line order */
	assert_true(out.count >= 6);
	assert_string_equal(out.items[0].id, "DMARC004");
	assert_int_equal(out.items[0].line, 2);
	assert_int_equal(t_count(&out, "DMARC004"), 2);
	for (size_t i = 1; i < out.count; i++)
		if (strcmp(out.items[i].id, "DMARC004") == 0)
			assert_int_equal(out.items[i].line, 3);
	assert_int_equal(t_count(&out, "SPF001"), 2);
	assert_int_equal(t_count(&out, "SPF003"), 1);
	assert_int_equal(t_count(&out, "DMARC001"), 1);
	const t_finding *s = t_find(&out, "SPF003");
	assert_int_equal(s->line, 6);
	assert_string_equal(s->owner, "example.com");
	/* lines never go backwards */
	for (size_t i = 3; i < out.count; i++)
		if (out.items[i].line != 0 && out.items[i - 1].line != 0 && strcmp(out.items[i].owner, out.items[i - 1].owner) == 0)
			assert_true(out.items[i].line >= out.items[i - 1].line);
	t_findings_free(&out);
}

static al_config *config_from(const char *text, al_rules **rules)
{
	char path[] = "/tmp/authlint-test-config-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	al_error err = {0};
	assert_int_equal(al_rules_load_builtin(rules, &err), AL_OK);
	al_config *c = NULL;
	al_status st = al_config_load(&c, path, *rules, &err);
	if (st != AL_OK)
		fprintf(stderr, "%s\n", err.message);
	assert_int_equal(st, AL_OK);
	unlink(path);
	return c;
}

static void collect(void *ud, const al_diag *d)
{
	t_findings *f = ud;
	if (f->count < T_MAX_FINDINGS) {
		t_finding *t = &f->items[f->count++];
		memset(t, 0, sizeof(*t));
		snprintf(t->id, sizeof(t->id), "%s", d->rule->id);
		t->message = strdup(d->message);
		t->owner = d->owner ? strdup(d->owner) : NULL;
		t->severity = d->severity;
		t->waived = d->waived;
		t->line = d->location.line;
		t->column = d->location.column;
		t->span_start = d->span_start;
		t->span_length = d->span_length;
	}
}

static void lint_zone_config(const char *text, al_rules *rules, al_config *config, t_findings *out)
{
	memset(out, 0, sizeof(*out));
	al_lint_options o = {0};
	o.psl = t_psl();
	o.rules = rules;
	o.config = config;
	o.on_diag = collect;
	o.userdata = out;
	t_lint_zone_options(text, NULL, &o, &out->summary);
}

static void test_waivers_overrides_policies(void **state)
{
	(void)state;
	al_rules *rules;
	al_config *c = config_from("rules:\n"
				   "  SPF002: error\n"
				   "  SPF004: off\n"
				   "waivers:\n"
				   "  - rule: DMARC002\n"
				   "    name: _dmarc.example.com\n"
				   "    reason: verification token, removed after audit\n"
				   "policies:\n"
				   "  - id: ACME001\n"
				   "    severity: warning\n"
				   "    summary: reports go to the central mailbox\n"
				   "    message: \"rua {value} is not the central reports mailbox\"\n"
				   "    check:\n"
				   "      record: dmarc\n"
				   "      tag: rua\n"
				   "      pattern: '^mailto:dmarc@reports\\.example\\.com$'\n",
				   &rules);
	t_findings out;
	lint_zone_config("example.com. 60 IN TXT \"v=spf1 -all\"\n"
			 "example.com. 60 IN SPF \"v=spf1 -all\"\n"
			 "example.com. 60 IN TXT \"v=spf2.0/pra -all\"\n"
			 "example.com. 60 IN TXT \"v=spf1 mx -all\" ; authlint: ignore SPF001 moving to one record\n"
			 "_dmarc.example.com. 60 IN TXT \"token=abc\"\n"
			 "_dmarc.example.com. 60 IN TXT \"v=DMARC1; p=none; rua=mailto:a@example.com,mailto:dmarc@reports.example.com\"\n",
			 rules, c, &out);
	/* severity override */
	const t_finding *f = t_find(&out, "SPF002");
	assert_non_null(f);
	assert_int_equal(f->severity, AL_SEVERITY_ERROR);
	/* disabled */
	assert_false(t_has(&out, "SPF004"));
	/* the inline waiver covers the record it is on, not the other one */
	size_t waived = 0, open = 0;
	for (size_t i = 0; i < out.count; i++) {
		if (strcmp(out.items[i].id, "SPF001") != 0)
			continue;
		if (out.items[i].waived)
			waived++;
		else
			open++;
	}
	assert_int_equal(waived, 1);
	assert_int_equal(open, 1);
	/* the configuration's waiver */
	f = t_find(&out, "DMARC002");
	assert_non_null(f);
	assert_true(f->waived);
	/* the policy fires once, on the address that does not match, with its span */
	assert_int_equal(t_count(&out, "ACME001"), 1);
	f = t_find(&out, "ACME001");
	assert_non_null(strstr(f->message, "rua mailto:a@example.com is not"));
	assert_int_equal(f->span_length, strlen("mailto:a@example.com"));
	assert_int_equal(f->severity, AL_SEVERITY_WARNING);
	/* waived findings are counted apart, never for the exit code */
	assert_int_equal(out.summary.waived, 2);
	t_findings_free(&out);
	al_config_free(c);
	al_rules_free(rules);
}

static void test_record_mode_locations(void **state)
{
	(void)state;
	al_rules *rules;
	al_config *c = config_from("policies:\n"
				   "  - id: ACME002\n"
				   "    severity: error\n"
				   "    summary: no ptr\n"
				   "    message: \"{tag} is not allowed here\"\n"
				   "    check:\n"
				   "      record: spf\n"
				   "      tag: ptr\n"
				   "      absent: true\n",
				   &rules);
	t_findings out;
	memset(&out, 0, sizeof(out));
	al_lint_options o = {0};
	o.psl = t_psl();
	o.rules = rules;
	o.config = c;
	o.on_diag = collect;
	o.userdata = &out;
	al_lint *lint;
	assert_int_equal(al_lint_new(&lint, &o), AL_OK);
	const char *rec = "v=spf1 mx ptr -all";
	assert_int_equal(al_lint_record(lint, AL_KIND_SPF, rec, strlen(rec), "example.com", "<argument>"), AL_OK);
	assert_int_equal(al_lint_record(lint, AL_KIND_SPF, rec, strlen(rec), "not..valid", "<argument>"), AL_EINVAL);
	al_lint_free(lint);
	const t_finding *f = t_find(&out, "ACME002");
	assert_non_null(f);
	assert_int_equal(f->line, 1);
	assert_int_equal(f->column, 11); /* "ptr" starts at byte 10 */
	assert_int_equal(f->span_length, 3);
	assert_string_equal(f->owner, "example.com");
	t_findings_free(&out);
	al_config_free(c);
	al_rules_free(rules);
}

static void test_record_presentation(void **state)
{
	(void)state;
	t_findings out;
	/* pasted as in a zone file: string boundaries are checked, columns point into the paste */
	t_lint_record(AL_KIND_SPF, "\"v=spf1 mx -all\"\n  \"include:_spf.example.net\"", "example.com", &out);
	const t_finding *f = t_find(&out, "DNS002");
	assert_non_null(f);
	assert_int_equal(f->line, 1);
	assert_int_equal(f->column, 12); /* the - of -all */
	t_findings_free(&out);
	/* a quoted string over 255 octets */
	char big[400] = "\"v=spf1 ";
	memset(big + 8, 'a', 300);
	strcpy(big + 308, "\"");
	t_lint_record(AL_KIND_SPF, big, "example.com", &out);
	assert_true(t_has(&out, "DNS001"));
	t_findings_free(&out);
	/* joined text: no string checks, a long record is fine */
	t_lint_record(AL_KIND_SPF, big + 1, "example.com", &out);
	assert_false(t_has(&out, "DNS001"));
	t_findings_free(&out);
	/* an unclosed quote is an input error */
	al_lint_options o = {0};
	o.psl = t_psl();
	o.rules = t_rules();
	al_lint *lint;
	assert_int_equal(al_lint_new(&lint, &o), AL_OK);
	al_error err = {0};
	const char *bad = "\"v=spf1 mx -all";
	assert_int_equal(al_lint_record_ex(lint, AL_KIND_SPF, bad, strlen(bad), "example.com", "<t>", &err),
			 AL_ESYNTAX);
	assert_non_null(strstr(err.message, "not closed"));
	const char *esc = "\"v=spf1 \\999\"";
	assert_int_equal(al_lint_record_ex(lint, AL_KIND_SPF, esc, strlen(esc), "example.com", "<t>", &err),
			 AL_ESYNTAX);
	assert_non_null(strstr(err.message, "above 255"));
	al_lint_free(lint);
}

static char *big_zone(size_t domains)
{
	size_t cap = domains * 512 + 256, len = 0;
	char *z = malloc(cap);
	len += (size_t)snprintf(z + len, cap - len, "$ORIGIN example.\n@ 60 IN SOA ns hm 1 2 3 4 5\n");
	for (size_t i = 0; i < domains; i++) {
		/* every third domain has a mistake of its own */
		const char *spf = i % 3 == 0 ? "\"v=spf1 mx -all\" \"include:x.example\"" : "\"v=spf1 -all\"";
		len += (size_t)snprintf(z + len, cap - len,
					"d%zu 60 IN TXT %s\n_dmarc.d%zu 60 IN TXT \"v=DMARC1; p=%s\"\n%s", i, spf, i,
					i % 5 == 0 ? "none" : "reject",
					i % 7 == 0 ? "d%zu 60 IN TXT \"v=spf1 a -all\"\n" : "");
		if (i % 7 == 0)
			len += (size_t)snprintf(z + len, cap - len, "d%zu 60 IN TXT \"v=spf1 a -all\"\n", i);
		/* names several domains share (mail hosts, a provider's SPF), and names of
		 * their own: what one unit reports must not depend on the units before it */
		len += (size_t)snprintf(z + len, cap - len,
					"d%zu 60 IN MX 10 mx.shared\nd%zu 60 IN MX 20 mx1.d%zu\nmx1.d%zu 60 IN A 192.0.2.%zu\n"
					"s1._domainkey.d%zu 60 IN TXT \"v=DKIM1; k=ed25519; p=%s\"\n",
					i, i, i, i, 1 + i % 250, i,
					i % 2 ? "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=" : "");
	}
	len += (size_t)snprintf(z + len, cap - len, "mx.shared 60 IN A 192.0.2.25\n");
	return z;
}

/* every finding, in order, folded into one hash */
typedef struct digest {
	uint64_t hash;
	size_t count;
	t_findings *first; /* the first ones kept for a readable failure */
} digest;

static void fold(uint64_t *h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++) {
		*h ^= p[i];
		*h *= 0x100000001b3ULL;
	}
}

static void digest_diag(void *ud, const al_diag *d)
{
	digest *g = ud;
	fold(&g->hash, d->rule->id, strlen(d->rule->id));
	fold(&g->hash, d->message, strlen(d->message));
	fold(&g->hash, &d->location.line, sizeof(d->location.line));
	fold(&g->hash, &d->location.column, sizeof(d->location.column));
	g->count++;
	collect(g->first, d);
}

static void lint_threads(const char *text, unsigned threads, t_findings *out, digest *g)
{
	memset(out, 0, sizeof(*out));
	g->hash = 0xcbf29ce484222325ULL;
	g->count = 0;
	g->first = out;
	al_lint_options o = {0};
	o.psl = t_psl();
	o.on_diag = digest_diag;
	o.userdata = g;
	o.threads = threads;
	t_lint_zone_options(text, NULL, &o, &out->summary);
}

static void test_threads_same_output(void **state)
{
	(void)state;
	char *text = big_zone(1500); /* 3000+ names: several chunks */
	static t_findings one, three;
	digest g1, g3;
	lint_threads(text, 1, &one, &g1);
	lint_threads(text, 3, &three, &g3);
	assert_true(g1.count > 1000);
	assert_int_equal(g1.count, g3.count);
	assert_true(g1.hash == g3.hash);
	assert_int_equal(one.count, three.count);
	for (size_t i = 0; i < one.count; i++) {
		assert_string_equal(one.items[i].id, three.items[i].id);
		assert_string_equal(one.items[i].message, three.items[i].message);
		assert_int_equal(one.items[i].line, three.items[i].line);
		assert_int_equal(one.items[i].column, three.items[i].column);
	}
	for (int s = 0; s < 4; s++)
		assert_int_equal(one.summary.by_severity[s], three.summary.by_severity[s]);
	assert_int_equal(one.summary.names, three.summary.names);
	assert_int_equal(one.summary.records, three.summary.records);
	t_findings_free(&one);
	t_findings_free(&three);
	free(text);
}

/* ---- a source over a zone that counts the questions it gets ---- */

/* The zone's own source, counting what reaches it per name and type. */
#define COUNTED_MAX 2048
typedef struct counting {
	al_source *zone;
	char names[COUNTED_MAX][AL_LOOKUP_MEMO_NAME];
	uint16_t types[COUNTED_MAX];
	int counts[COUNTED_MAX];
	size_t key_count;
	int lookups;
} counting;

static al_status counting_lookup(void *impl, const char *name, uint16_t type, const al_answer **out)
{
	counting *c = impl;
	size_t i = 0;
	while (i < c->key_count && !(c->types[i] == type && strcmp(c->names[i], name) == 0))
		i++;
	if (i == c->key_count && c->key_count < COUNTED_MAX && strlen(name) < AL_LOOKUP_MEMO_NAME) {
		strcpy(c->names[i], name);
		c->types[i] = type;
		c->key_count++;
	}
	if (i < c->key_count)
		c->counts[i]++;
	c->lookups++;
	return al_source_backend_lookup(c->zone, name, type, out);
}

/* How often (name, type) reached the zone. */
static int asked(const counting *c, const char *name, uint16_t type)
{
	for (size_t i = 0; i < c->key_count; i++)
		if (c->types[i] == type && strcmp(c->names[i], name) == 0)
			return c->counts[i];
	return 0;
}

static void counting_release(void *impl, const al_answer *answer)
{
	counting *c = impl;
	al_source_backend_release(c->zone, answer);
}

static bool counting_covers(const void *impl, const char *name)
{
	const counting *c = impl;
	return al_source_covers(c->zone, name);
}

static const al_source_ops counting_ops = {
	.kind = "test",
	.lookup = counting_lookup,
	.release = counting_release,
	.covers = counting_covers,
};

/* @p text loaded as a zone, and a counting source over it in @p src. */
static counting *counting_over(const char *text, size_t length, al_zone **zone, al_source **src)
{
	*zone = NULL;
	assert_int_equal(al_zone_new(zone, NULL), AL_OK);
	al_error err;
	assert_int_equal(al_zone_load_text(*zone, "<t>", text, length, &err), AL_OK);
	counting *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	assert_int_equal(al_source_new_zone(&c->zone, *zone), AL_OK);
	*src = NULL;
	assert_int_equal(al_source_new(src, &counting_ops, c), AL_OK);
	return c;
}

static void counting_free(counting *c, al_source *src, al_zone *zone)
{
	al_source_free(src);
	al_source_free(c->zone);
	al_zone_free(zone);
	free(c);
}

/* An offline zone-mode lint of @p zone through @p src, run. */
static al_lint *zone_lint(al_source *src, al_zone *zone)
{
	al_lint_options o = {0};
	o.rules = t_rules();
	o.psl = t_psl();
	o.source = src;
	o.offline = true;
	al_lint *lint = NULL;
	assert_int_equal(al_lint_new(&lint, &o), AL_OK);
	assert_int_equal(al_lint_zone(lint, zone), AL_OK);
	return lint;
}

/* ---- zone mode: the lookup memo ---- */

/* The slot of (name, type) in the memo at its full size (check/lookup.c). */
static size_t full_slot(const char *name, uint16_t type)
{
	uint64_t h = al_hash_bytes(name, strlen(name)) ^ ((uint64_t)type * 0x9e3779b97f4a7c15ULL);
	return (size_t)(h & (AL_LOOKUP_MEMO_SLOTS - 1));
}

/* The memo starts small and doubles as the zone asks for more names: what it
 * kept before it grew it keeps after. A name reaches the zone a second time
 * only when another name asked shares its slot at the full size (and pushed
 * it out), as with a table of full size from the start; the rest of the
 * lookups are answered from the memo. */
static void test_zone_memo_grows(void **state)
{
	(void)state;
	size_t cap = 64 * 1024, len = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	len += (size_t)snprintf(text + len, cap - len,
				"$ORIGIN example.com.\n$TTL 300\n@ SOA ns hostmaster 1 7200 3600 1209600 300\n"
				"@ NS ns\nns A 192.0.2.1\n_dmarc TXT \"v=DMARC1; p=none\"\n");
	for (int i = 0; i < 120; i++)
		len += (size_t)snprintf(text + len, cap - len, "d%d MX 10 mx\nd%d TXT \"v=spf1 ip4:192.0.2.%d -all\"\n",
					i, i, i);
	len += (size_t)snprintf(text + len, cap - len, "mx A 192.0.2.25\n");
	al_zone *zone;
	al_source *src;
	counting *c = counting_over(text, len, &zone, &src);
	al_lint *lint = zone_lint(src, zone);
	const al_summary *sum = al_lint_summary(lint);
	/* far more names than the memo's first table holds, all counted */
	assert_true(c->key_count > 8 * AL_LOOKUP_MEMO_FIRST);
	assert_true(c->key_count < COUNTED_MAX);
	assert_true(sum->lookups > (size_t)c->lookups);
	assert_int_equal(sum->lookups_failed, 0);
	for (size_t i = 0; i < c->key_count; i++) {
		if (c->counts[i] == 1)
			continue;
		size_t slot = full_slot(c->names[i], c->types[i]), j = 0;
		while (j < c->key_count && (j == i || full_slot(c->names[j], c->types[j]) != slot))
			j++;
		if (j == c->key_count)
			fail_msg("%s/%u reached the zone %d times; nothing shares its slot", c->names[i],
				 (unsigned)c->types[i], c->counts[i]);
	}
	al_lint_free(lint);
	counting_free(c, src, zone);
	free(text);
}

/* Every check of a domain reads the same few answers (its TXT, MX, _dmarc):
 * each question goes to the source once per domain, and the count says so.
 * A domain with MX hosts is not asked for _domainkey (nothing depends on it
 * without discovery); one with a null MX is (whether it sends mail does). */
static void test_each_question_once(void **state)
{
	(void)state;
	static const char text[] = "$ORIGIN example.org.\n$TTL 300\n"
				   "@ SOA ns hostmaster 1 7200 3600 1209600 300\n@ NS ns\nns A 192.0.2.9\n"
				   "@ A 192.0.2.1\n@ MX 10 mx1\n@ MX 20 mx2\nmx1 A 192.0.2.2\nmx2 A 192.0.2.3\n"
				   "@ TXT \"v=spf1 mx a include:_spf.example.org -all\"\n"
				   "_spf TXT \"v=spf1 ip4:192.0.2.0/24 a:relay.example.org -all\"\nrelay A 192.0.2.5\n"
				   "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:d@example.org\"\n"
				   "parked A 192.0.2.4\nparked MX 0 .\nparked TXT \"v=spf1 -all\"\n";
	al_zone *zone;
	al_source *src;
	counting *c = counting_over(text, strlen(text), &zone, &src);
	const char *const sel[] = {"s1"};

	t_findings out;
	t_lint_domain(src, "example.org", sel, 1, &out);
	assert_int_equal(out.status, AL_OK);
	for (size_t i = 0; i < c->key_count; i++)
		if (c->counts[i] != 1)
			fail_msg("%s/%u asked %d times", c->names[i], (unsigned)c->types[i], c->counts[i]);
	assert_int_equal(asked(c, "example.org", AL_TYPE_MX), 1);
	assert_int_equal(asked(c, "mx1.example.org", AL_TYPE_A), 1);
	assert_int_equal(asked(c, "_dmarc.example.org", AL_TYPE_TXT), 1);
	assert_int_equal(asked(c, "_domainkey.example.org", AL_TYPE_TXT), 0);
	assert_int_equal(out.summary.lookups, (size_t)c->lookups);
	t_findings_free(&out);

	memset(c->counts, 0, sizeof(c->counts));
	c->key_count = 0;
	c->lookups = 0;
	t_lint_domain(src, "parked.example.org", sel, 1, &out);
	assert_int_equal(asked(c, "_domainkey.parked.example.org", AL_TYPE_TXT), 1);
	assert_false(t_has(&out, "DNS006")); /* null MX, -all and p=reject (inherited): all there */
	assert_int_equal(out.summary.lookups, (size_t)c->lookups);
	t_findings_free(&out);

	counting_free(c, src, zone);
}

/* Zone mode asks a domain's policy discovery and its mail-domain state twice in
 * its unit (the checks, the cross checks, the parked-domain check): the unit
 * keeps them and counts their lookups again, so the summary counts what it
 * counted when each was worked out twice: 138 lookups for this zone (authlint
 * 0fa69ab, `zone --offline` with the test list), one of them not made
 * (_spf.google.com: no memo is kept for a unit with such a lookup). 139 since
 * the SPF run cache counts the lookups of a subtree it reuses: the apex's
 * tree, analysed for its record and again for the summary, reuses
 * _spf.example.org the second time and now counts its TXT there too. */
static void test_zone_unit_memos_count(void **state)
{
	(void)state;
	static const char text[] = "$ORIGIN example.org.\n$TTL 300\n"
				   "@ SOA ns hostmaster 1 7200 3600 1209600 300\n@ NS ns\nns A 192.0.2.9\n"
				   "@ A 192.0.2.1\n@ MX 10 mx1\nmx1 A 192.0.2.2\n"
				   "@ TXT \"v=spf1 mx include:_spf.example.org -all\"\n"
				   "_spf TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
				   "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:d@example.org\"\n"
				   "sub TXT \"v=spf1 a -all\"\nsub A 192.0.2.7\n"
				   "deep.sub MX 10 mx1\ndeep.sub TXT \"v=spf1 include:_spf.google.com ~all\"\n"
				   "parked A 192.0.2.4\nparked MX 0 .\nparked TXT \"v=spf1 -all\"\n"
				   "quiet A 192.0.2.5\nquiet TXT \"v=spf1 -all\"\n_dmarc.quiet TXT \"v=DMARC1; p=none\"\n"
				   "s1._domainkey.quiet TXT \"v=DKIM1; p=\"\n"
				   "nosend A 192.0.2.6\nnosend TXT \"v=spf1 -all\"\n";
	al_zone *zone;
	al_source *src;
	counting *c = counting_over(text, strlen(text), &zone, &src);
	al_lint *lint = zone_lint(src, zone);
	const al_summary *sum = al_lint_summary(lint);
	assert_int_equal(sum->lookups, 139);
	assert_int_equal(sum->not_queried, 1);
	assert_int_equal(sum->lookups_failed, 0);
	/* far fewer reach the zone: the lint's memo answers the rest */
	assert_true((size_t)c->lookups < sum->lookups / 2);
	al_lint_free(lint);
	counting_free(c, src, zone);
}

static void test_exit_codes(void **state)
{
	(void)state;
	al_summary s;
	memset(&s, 0, sizeof(s));
	assert_int_equal(al_summary_exit_code(&s, AL_SEVERITY_NOTE), 0);
	s.by_severity[AL_SEVERITY_WARNING] = 1;
	assert_int_equal(al_summary_exit_code(&s, AL_SEVERITY_ERROR), 0);
	assert_int_equal(al_summary_exit_code(&s, AL_SEVERITY_WARNING), 1);
	assert_int_equal(al_summary_exit_code(&s, AL_SEVERITY_NOTE), 1);
	assert_int_equal(al_summary_exit_code(&s, AL_SEVERITY_OFF), 0);
	s.input_error = true;
	assert_int_equal(al_summary_exit_code(&s, AL_SEVERITY_OFF), 2);
}

/* The parse memo (check/parse_memo.c): in zone mode a record's parse is kept by its
 * bytes across units and equals a fresh parse; a slot taken in the current unit is
 * not replaced in it (another record of the same slot is parsed into the unit arena,
 * and the first stays as it was); after the unit it may be. Outside zone mode
 * nothing is kept. */
static int parse_calls;
static al_status count_parse(al_lint *lint, const char *text, size_t length, struct al_arena *arena, void **out)
{
	(void)lint;
	parse_calls++;
	al_dmarc_record *r = NULL;
	al_status st = al_dmarc_parse_arena(text, length, arena, &r);
	*out = r;
	return st;
}

static void assert_same_dmarc(const al_dmarc_record *a, const char *text)
{
	al_dmarc_record *b = NULL;
	assert_int_equal(al_dmarc_parse(text, strlen(text), &b), AL_OK);
	assert_int_equal(a->length, b->length);
	assert_memory_equal(a->text, b->text, b->length);
	assert_int_equal(a->p, b->p);
	assert_int_equal(a->pct, b->pct);
	assert_int_equal(a->rua_count, b->rua_count);
	assert_int_equal(a->tag_count, b->tag_count);
	assert_int_equal(a->problem_count, b->problem_count);
	for (size_t i = 0; i < b->problem_count; i++)
		assert_string_equal(a->problems[i].detail, b->problems[i].detail);
	al_dmarc_record_free(b);
}

static void test_parse_memo(void **state)
{
	(void)state;
	al_zone *zone;
	assert_int_equal(al_zone_new(&zone, NULL), AL_OK);
	al_lint_options o = {0};
	o.rules = t_rules();
	al_lint *lint = NULL;
	assert_int_equal(al_lint_new(&lint, &o), AL_OK);
	char text[2][128];
	/* two records of one slot: find a second text whose hash lands where the first's does */
	void *r0 = NULL, *r1 = NULL;
	lint->zone = zone;
	snprintf(text[0], sizeof(text[0]), "v=DMARC1; p=reject; rua=mailto:a@example.com; pct=50; bogus");
	parse_calls = 0;
	assert_int_equal(al_lint_parse_memo(lint, AL_KIND_DMARC, text[0], strlen(text[0]), count_parse, &r0), AL_OK);
	assert_int_equal(parse_calls, 1);
	assert_same_dmarc(r0, text[0]);
	size_t slot0 = 0;
	for (size_t i = 0; i < AL_PARSE_MEMO_SLOTS; i++)
		if (lint->parse_memo[i].record == r0)
			slot0 = i;
	bool found = false;
	for (unsigned k = 0; k < 100000 && !found; k++) {
		snprintf(text[1], sizeof(text[1]), "v=DMARC1; p=none; pct=%u", k);
		void *probe = NULL;
		/* probe in a unit of its own, then look at where it went */
		al_lint_unit_reset(lint);
		assert_int_equal(al_lint_parse_memo(lint, AL_KIND_DMARC, text[1], strlen(text[1]), count_parse, &probe),
				 AL_OK);
		found = lint->parse_memo[slot0].record == probe;
	}
	assert_true(found);
	/* a new unit: text[0] takes the slot back (parsed again), then text[1] in the same
	 * unit goes to the unit arena and text[0]'s record stays whole */
	al_lint_unit_reset(lint);
	parse_calls = 0;
	assert_int_equal(al_lint_parse_memo(lint, AL_KIND_DMARC, text[0], strlen(text[0]), count_parse, &r0), AL_OK);
	assert_int_equal(parse_calls, 1);
	assert_ptr_equal(lint->parse_memo[slot0].record, r0);
	assert_int_equal(al_lint_parse_memo(lint, AL_KIND_DMARC, text[1], strlen(text[1]), count_parse, &r1), AL_OK);
	assert_int_equal(parse_calls, 2);
	assert_ptr_not_equal(r1, r0);
	assert_ptr_equal(lint->parse_memo[slot0].record, r0);
	assert_same_dmarc(r0, text[0]);
	assert_same_dmarc(r1, text[1]);
	/* the same bytes again, in this unit and the next: from the memo */
	void *again = NULL;
	assert_int_equal(al_lint_parse_memo(lint, AL_KIND_DMARC, text[0], strlen(text[0]), count_parse, &again), AL_OK);
	assert_ptr_equal(again, r0);
	al_lint_unit_reset(lint);
	assert_int_equal(al_lint_parse_memo(lint, AL_KIND_DMARC, text[0], strlen(text[0]), count_parse, &again), AL_OK);
	assert_ptr_equal(again, r0);
	assert_int_equal(parse_calls, 2);
	/* the same bytes as another family: not the DMARC parse */
	void *other = NULL;
	assert_int_equal(al_lint_parse_memo(lint, AL_KIND_DKIM, text[0], strlen(text[0]), count_parse, &other), AL_OK);
	assert_int_equal(parse_calls, 3);
	assert_ptr_not_equal(other, r0);
	/* a prefix of a kept text is another text */
	assert_int_equal(al_lint_parse_memo(lint, AL_KIND_DMARC, text[0], strlen(text[0]) - 1, count_parse, &other),
			 AL_OK);
	assert_int_equal(parse_calls, 4);
	assert_same_dmarc(other, "v=DMARC1; p=reject; rua=mailto:a@example.com; pct=50; bogu");
	/* not zone mode: parsed each time, nothing kept */
	lint->zone = NULL;
	al_lint_unit_reset(lint);
	assert_int_equal(al_lint_parse_memo(lint, AL_KIND_DMARC, text[0], strlen(text[0]), count_parse, &again), AL_OK);
	assert_int_equal(parse_calls, 5);
	assert_ptr_not_equal(again, r0);
	assert_same_dmarc(again, text[0]);
	al_lint_free(lint);
	al_zone_free(zone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failed_lookups_are_not_missing),
		cmocka_unit_test(test_zone_unit_memos_count),
		cmocka_unit_test(test_offline_lookups_are_notes),
		cmocka_unit_test(test_selection_and_order),
		cmocka_unit_test(test_waivers_overrides_policies),
		cmocka_unit_test(test_record_mode_locations),
		cmocka_unit_test(test_record_presentation),
		cmocka_unit_test(test_threads_same_output),
		cmocka_unit_test(test_each_question_once),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_zone_memo_grows),
		cmocka_unit_test(test_parse_memo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
