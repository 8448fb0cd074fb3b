/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The lookup tree: per-term costs and running totals, void lookups attributed
 * to the exact term, the MX sub-limit kept apart from the 10, loops with their
 * path, names not followed offline (cost unknown, never zero), the per-run
 * cache, and al_spf_summarize().
 */
#include "helpers.h"
#include "spf_zone.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/family_api.h"
#include "spf/spf_internal.h"

typedef struct counting {
	al_source *inner;
	size_t txt_lookups[8];
	const char *names[8];
} counting;

static al_status counting_lookup(void *impl, const char *name, uint16_t type, const al_answer **out)
{
	counting *c = impl;
	for (size_t i = 0; i < 8 && c->names[i]; i++)
		if (type == AL_TYPE_TXT && strcmp(name, c->names[i]) == 0)
			c->txt_lookups[i]++;
	return al_source_lookup(c->inner, name, type, out);
}

static void counting_release(void *impl, const al_answer *a)
{
	counting *c = impl;
	al_source_release(c->inner, a);
}

static bool counting_covers(const void *impl, const char *name)
{
	const counting *c = impl;
	return al_source_covers(c->inner, name);
}

static const al_source_ops counting_ops = {
	.kind = "test",
	.lookup = counting_lookup,
	.release = counting_release,
	.covers = counting_covers,
};

/* Without the provider snapshot: a target outside the zone stays unknown. */
static al_spf_tree *tree_of(al_source *src, const char *domain)
{
	al_spf_tree *t = NULL;
	al_error err = {0};
	al_spf_tree_options opt = {.rules = t_rules(), .no_snapshot = true};
	assert_int_equal(al_spf_tree_build(src, domain, &opt, &t, &err), AL_OK);
	return t;
}

static const al_spf_tree_row *row_of(const al_spf_tree *t, const char *domain, const char *text);

static void test_provider_snapshot(void **state)
{
	(void)state;
	zone_fixture z;
	zone_open(&z, "@ IN TXT \"v=spf1 include:_spf.google.com include:mail.example.net ip4:192.0.2.1 -all\"\n");
	static const char snap[] = "snapshot: 2026-12-01\n"
				   "providers:\n"
				   "  - {include: _spf.google.com, lookups: 4, void-lookups: 1, source: test, seen: 2026-11-30}\n";
	al_spf_snapshot *s = NULL;
	al_error err = {0};
	assert_int_equal(al_spf_snapshot_load_text("snap.yaml", snap, sizeof(snap) - 1, &s, &err), AL_OK);
	assert_string_equal(al_spf_snapshot_date(s), "2026-12-01");
	al_spf_tree *t = NULL;
	al_spf_tree_options opt = {.rules = t_rules(), .snapshot = s};
	assert_int_equal(al_spf_tree_build(z.top, "example.com", &opt, &t, &err), AL_OK);
	/* the include costs 1, what it reaches 3 more by the snapshot; mail.example.net stays unknown */
	assert_int_equal(t->lookups, 5);
	assert_int_equal(t->void_lookups, 1);
	assert_int_equal(t->estimated, 1);
	assert_int_equal(t->not_followed, 1);
	assert_string_equal(t->snapshot_date, "2026-12-01");
	const al_spf_tree_row *r = row_of(t, "example.com", "include:_spf.google.com");
	assert_true(r->term->child->estimated);
	assert_int_equal(r->term->child->unknown, 0);
	al_spf_tree_free(t);
	/* a snapshot without a source, or with a bad date, does not load */
	static const char bad1[] = "snapshot: 2026-12-01\nproviders:\n  - {include: a.example, lookups: 2, seen: 2026-01-01}\n";
	static const char bad2[] = "snapshot: 2026-02-30\nproviders: []\n";
	al_spf_snapshot *b = NULL;
	assert_int_equal(al_spf_snapshot_load_text("bad1.yaml", bad1, sizeof(bad1) - 1, &b, &err), AL_ERULES);
	assert_non_null(strstr(err.message, "bad1.yaml:3"));
	assert_int_equal(al_spf_snapshot_load_text("bad2.yaml", bad2, sizeof(bad2) - 1, &b, &err), AL_ERULES);
	assert_null(b);
	al_spf_snapshot_free(s);
	zone_close(&z);
}

/* The row of the term written @p text (in the record of @p domain, or any when NULL). */
static const al_spf_tree_row *row_of(const al_spf_tree *t, const char *domain, const char *text)
{
	for (size_t i = 0; i < t->row_count; i++) {
		const al_spf_tree_row *r = &t->rows[i];
		if (r->term == NULL || (domain && (!r->node->domain || strcmp(r->node->domain, domain) != 0)))
			continue;
		const al_spf_term *x = r->term->term;
		if (x->length == strlen(text) && strncmp(r->node->text + x->start, text, x->length) == 0)
			return r;
	}
	fail_msg("no row for %s", text);
	return NULL;
}

static const char *const ZONE =
	"@ IN TXT \"v=spf1 mx include:_spf.example.com a:gone.example.com ip4:192.0.2.0/24 "
	"redirect=ignored.example.com -all mx\"\n"
	"@ IN MX 10 mail\n@ IN MX 20 mail2\n@ IN MX 30 mail3\n"
	"mail IN A 192.0.2.25\nmail2 IN A 192.0.2.26\nmail3 IN AAAA 2001:db8::25\n"
	"_spf IN TXT \"v=spf1 include:_inner.example.com a:vanished.example.com exists:%{i}._ip.example.com ~all\"\n"
	"_inner IN TXT \"v=spf1 a:host.example.com mx:host.example.com -all\"\n"
	"host IN A 192.0.2.50\n";

static void test_costs_and_running_totals(void **state)
{
	(void)state;
	zone_fixture z;
	zone_open(&z, ZONE);
	al_spf_tree *t = tree_of(z.top, "example.com");
	/* mx 1, include 1 (+ _spf: include 1 (+ _inner: a 1, mx 1), a 1, exists 1), a 1 = 8 */
	assert_int_equal(t->lookups, 8);
	assert_int_equal(t->not_followed, 0);
	const al_spf_tree_row *r = row_of(t, "example.com", "mx");
	assert_int_equal(r->term->cost, 1);
	assert_int_equal(r->running_total, 1);
	/* three MX names: their address lookups are not counted toward 10 */
	assert_int_equal(r->term->names, 3);
	r = row_of(t, "example.com", "include:_spf.example.com");
	assert_int_equal(r->running_total, 2);
	assert_int_equal(r->term->child->cost, 5);
	r = row_of(t, "_inner.example.com", "mx:host.example.com");
	assert_int_equal(r->running_total, 5);
	assert_int_equal(r->depth, 2);
	r = row_of(t, "_spf.example.com", "exists:%{i}._ip.example.com");
	assert_int_equal(r->term->cost, 1);
	assert_true(r->term->depends_on_client);
	assert_int_equal(r->running_total, 7);
	r = row_of(t, "example.com", "a:gone.example.com");
	assert_int_equal(r->running_total, 8);
	/* the redirect beside an all, and the mechanism after all, cost nothing */
	r = row_of(t, "example.com", "redirect=ignored.example.com");
	assert_false(r->term->evaluated);
	assert_int_equal(r->term->cost, 0);
	assert_null(r->term->child);
	assert_int_equal(r->running_total, 8);
	assert_int_equal(t->root->terms[t->root->term_count - 1].term->type, AL_SPF_TERM_REDIRECT);
	al_spf_tree_free(t);
	zone_close(&z);
}

static void test_void_lookups_attributed(void **state)
{
	(void)state;
	zone_fixture z;
	zone_open(&z, ZONE);
	al_spf_tree *t = tree_of(z.top, "example.com");
	/* mail3 has no A record (a void for IPv4 clients), vanished and gone do not exist, */
	/* and host has no MX record */
	assert_int_equal(t->void_lookups, 4);
	assert_int_equal(row_of(t, "example.com", "mx")->term->void_lookups, 1);
	const al_spf_tree_row *r = row_of(t, "_inner.example.com", "mx:host.example.com");
	assert_int_equal(r->term->void_lookups, 1);
	assert_string_equal(r->term->detail, "no MX record");
	assert_int_equal(r->running_voids, 2);
	assert_false(r->voids_over_limit);
	r = row_of(t, "_spf.example.com", "a:vanished.example.com");
	assert_int_equal(r->term->void_lookups, 1);
	assert_string_equal(r->term->detail, "NXDOMAIN");
	assert_int_equal(r->running_voids, 3);
	assert_true(r->voids_over_limit);
	r = row_of(t, "example.com", "a:gone.example.com");
	assert_int_equal(r->running_voids, 4);
	assert_int_equal(row_of(t, "_inner.example.com", "a:host.example.com")->term->void_lookups, 0);
	al_spf_tree_free(t);
	zone_close(&z);
}

static void test_loops_and_not_followed(void **state)
{
	(void)state;
	zone_fixture z;
	zone_open(&z, "@ IN TXT \"v=spf1 include:a.example.com include:_spf.google.com include:%{l}.x.example.com -all\"\n"
		      "a IN TXT \"v=spf1 include:b.example.com -all\"\n"
		      "b IN TXT \"v=spf1 redirect=a.example.com\"\n");
	al_spf_tree *t = tree_of(z.top, "example.com");
	const al_spf_node *loop = NULL;
	for (size_t i = 0; i < t->row_count; i++)
		if (t->rows[i].term == NULL && t->rows[i].node->status == AL_SPF_NODE_LOOP)
			loop = t->rows[i].node;
	assert_non_null(loop);
	assert_int_equal(loop->cycle_length, 3);
	assert_string_equal(loop->cycle[0], "a.example.com");
	assert_string_equal(loop->cycle[1], "b.example.com");
	assert_string_equal(loop->cycle[2], "a.example.com");
	assert_true(t->root->permerror);
	/* _spf.google.com is outside the zone: not followed, its cost unknown, not zero */
	const al_spf_tree_row *r = row_of(t, "example.com", "include:_spf.google.com");
	assert_int_equal(r->term->child->status, AL_SPF_NODE_NOT_FOLLOWED);
	assert_int_equal(r->term->child->unknown, 1);
	assert_string_equal(r->term->child->sender, "Google Workspace");
	r = row_of(t, "example.com", "include:%{l}.x.example.com");
	assert_int_equal(r->term->child->status, AL_SPF_NODE_MACRO);
	assert_int_equal(t->not_followed, 2);
	assert_int_equal(t->lookups, 5); /* 3 includes + include b + redirect a: a lower bound */
	al_spf_tree_free(t);
	zone_close(&z);
}

static void test_root_without_record(void **state)
{
	(void)state;
	zone_fixture z;
	zone_open(&z, "@ IN TXT \"google-site-verification=x\"\n");
	al_spf_tree *t = tree_of(z.top, "example.com");
	assert_int_equal(t->root->status, AL_SPF_NODE_NO_RECORD);
	assert_int_equal(t->lookups, 0);
	al_spf_tree_free(t);
	t = tree_of(z.top, "nothere.example.com");
	assert_int_equal(t->root->status, AL_SPF_NODE_NO_RECORD);
	assert_string_equal(t->root->detail, "NXDOMAIN");
	al_spf_tree_free(t);
	t = tree_of(z.top, "example.org");
	assert_int_equal(t->root->status, AL_SPF_NODE_NOT_FOLLOWED);
	al_spf_tree_free(t);
	zone_close(&z);
}

/* A provider included by many domains is looked up once per run. */
static void test_cache_and_summary(void **state)
{
	(void)state;
	zone_fixture z;
	zone_open(&z, "d1 IN TXT \"v=spf1 include:_spf.provider.example.com -all\"\n"
		      "d2 IN TXT \"v=spf1 include:_spf.provider.example.com mx -all\"\n"
		      "d3 IN TXT \"v=spf1 a include:_spf.provider.example.com -all\"\n"
		      "d3 IN A 192.0.2.3\n"
		      "_spf.provider IN TXT \"v=spf1 include:_n1.provider.example.com include:_n2.provider.example.com ~all\"\n"
		      "_n1.provider IN TXT \"v=spf1 ip4:192.0.2.0/25 -all\"\n"
		      "_n2.provider IN TXT \"v=spf1 ip4:192.0.2.128/25 -all\"\n");
	counting *c = calloc(1, sizeof(*c));
	c->inner = z.top;
	c->names[0] = "_spf.provider.example.com";
	c->names[1] = "_n1.provider.example.com";
	al_source *src;
	assert_int_equal(al_source_new(&src, &counting_ops, c), AL_OK);
	al_lint_options o = {0};
	o.psl = t_psl();
	o.rules = t_rules();
	o.source = src;
	o.offline = true;
	al_lint *lint;
	assert_int_equal(al_lint_new(&lint, &o), AL_OK);
	/* three records include the provider, each in a unit of its own */
	static const char *const records[] = {"v=spf1 include:_spf.provider.example.com -all",
					      "v=spf1 include:_spf.provider.example.com mx -all",
					      "v=spf1 a include:_spf.provider.example.com -all"};
	static const char *const domains[] = {"d1.example.com", "d2.example.com", "d3.example.com"};
	for (int i = 0; i < 3; i++)
		assert_int_equal(al_lint_record(lint, AL_KIND_SPF, records[i], strlen(records[i]), domains[i],
						"<test>"),
				 AL_OK);
	/* the provider is analysed once per run, and each domain that reuses it asks its
	 * questions again (a live source answers them from its cache): what the source sees
	 * of a domain, and what its summary counts, does not depend on the cache */
	assert_int_equal(c->txt_lookups[0], 3);
	assert_int_equal(c->txt_lookups[1], 3);
	al_spf_summary s;
	assert_int_equal(al_spf_summarize(lint, "d2.example.com", &s), AL_OK);
	assert_true(s.has_record);
	assert_false(s.permerror);
	assert_int_equal(s.lookups, 4); /* include + 2 nested includes + mx */
	assert_int_equal(s.void_lookups, 1); /* d2 has no MX */
	assert_int_equal(s.include_count, 3);
	assert_string_equal(s.includes[0], "_spf.provider.example.com");
	assert_int_equal(c->txt_lookups[0], 4); /* reused again, its questions asked again */
	assert_int_equal(al_spf_summarize(lint, "nothere.example.com", &s), AL_OK);
	assert_false(s.has_record);
	assert_false(s.lookup_failed);
	assert_int_equal(al_spf_summarize(lint, "example.org", &s), AL_OK);
	assert_false(s.has_record);
	assert_true(s.lookup_failed); /* not queried: unknown, not "no record" */
	al_lint_free(lint);
	al_source_free(src);
	free(c);
	zone_close(&z);
}

static void test_rules_from_the_tree(void **state)
{
	(void)state;
	t_findings f;
	/* offline, with an include outside the zone: the count is a lower bound */
	t_lint_zone("@ IN TXT \"v=spf1 a mx ptr exists:x.example.com include:_spf.mailer.example.net include:a.example.com "
		    "include:b.example.com include:c.example.com include:d.example.com include:e.example.com "
		    "include:f.example.com -all\"\n"
		    "a IN TXT \"v=spf1 -all\"\nb IN TXT \"v=spf1 -all\"\nc IN TXT \"v=spf1 -all\"\n"
		    "d IN TXT \"v=spf1 -all\"\ne IN TXT \"v=spf1 -all\"\nf IN TXT \"v=spf1 -all\"\n"
		    "@ IN A 192.0.2.1\n@ IN MX 10 @\nx IN A 127.0.0.2\n",
		    "example.com", &f);
	const t_finding *x = t_find(&f, "SPF011");
	assert_non_null(x);
	assert_non_null(strstr(x->message, "at least 11"));
	assert_non_null(strstr(x->context, "include:_spf.mailer.example.net >=1"));
	assert_true(t_has(&f, "LOOKUP002"));
	assert_true(t_has(&f, "SPF023"));
	t_findings_free(&f);
	/* a void lookup deep in an include is reported at the include, naming the exact term */
	t_lint_zone("@ IN TXT \"v=spf1 include:_spf.example.com -all\"\n"
		    "_spf IN TXT \"v=spf1 a:old.example.com -all\"\n",
		    "example.com", &f);
	bool found = false;
	for (size_t i = 0; i < f.count; i++)
		if (strcmp(f.items[i].id, "SPF032") == 0 && strcmp(f.items[i].owner, "example.com") == 0 &&
		    strstr(f.items[i].message, "a:old.example.com in the record of _spf.example.com") != NULL)
			found = true;
	assert_true(found);
	t_findings_free(&f);
}

static void test_bounds(void **state)
{
	(void)state;
	/* thirty void lookups: ten findings, the tenth counting the other twenty */
	char zone[4096];
	size_t pos = (size_t)snprintf(zone, sizeof(zone), "@ IN TXT \"v=spf1");
	for (int i = 0; i < 30; i++)
		pos += (size_t)snprintf(zone + pos, sizeof(zone) - pos, " a:n%d.example.com", i);
	snprintf(zone + pos, sizeof(zone) - pos, " -all\"\n");
	t_findings f;
	t_lint_zone(zone, "example.com", &f);
	assert_int_equal(t_count(&f, "SPF032"), 10);
	bool counted = false;
	for (size_t i = 0; i < f.count; i++)
		if (strcmp(f.items[i].id, "SPF032") == 0 && f.items[i].context != NULL &&
		    strstr(f.items[i].context, "20 more like it") != NULL)
			counted = true;
	assert_true(counted);
	assert_int_equal(t_count(&f, "SPF011"), 1);
	assert_int_equal(t_count(&f, "SPF013"), 1);
	t_findings_free(&f);
	/* a record of 1500 a: terms: the tree stops asking at 1000 lookups and says so */
	static char big[40000];
	pos = (size_t)snprintf(big, sizeof(big), "v=spf1");
	for (int i = 0; i < 1500; i++)
		pos += (size_t)snprintf(big + pos, sizeof(big) - pos, " a:h%d.example.com", i);
	al_spf_record *rec = NULL;
	assert_int_equal(al_spf_parse(big, pos, &rec), AL_OK);
	zone_fixture z;
	zone_open(&z, "x IN A 192.0.2.1\n");
	al_spf_source_dns sd;
	al_arena arena;
	al_arena_init(&arena);
	al_spf_tree_ctx ctx = {0};
	ctx.dns = al_spf_source_dns_open(&sd, z.top);
	ctx.arena = &arena;
	al_spf_tree t;
	assert_int_equal(al_spf_tree_analyse(&ctx, "example.com", big, pos, rec, &t), AL_OK);
	assert_int_equal(t.lookups, 1500);
	assert_int_equal(t.void_lookups, 1000);
	assert_int_equal(sd.count, 1000);
	al_spf_source_dns_close(&sd);
	al_arena_clear(&arena);
	al_spf_record_free(rec);
	zone_close(&z);
}

static al_spf_tree analyse_with(const zone_fixture *z, al_spf_cache *cache, al_arena *arena, const char *domain)
{
	al_spf_source_dns sd;
	al_spf_tree_ctx ctx = {0};
	ctx.dns = al_spf_source_dns_open(&sd, z->top);
	ctx.arena = arena;
	ctx.cache = cache;
	al_spf_tree t;
	assert_int_equal(al_spf_tree_analyse(&ctx, domain, NULL, 0, NULL, &t), AL_OK);
	al_spf_source_dns_close(&sd);
	return t;
}

/* The run cache gives the tree an analysis without it gives: a chain of sixteen
 * includes analysed complete from one domain is not reused from another that
 * reaches it a level deeper, where the depth bound cuts its last record. */
static void test_cache_same_as_fresh(void **state)
{
	(void)state;
	char zone[4096];
	size_t pos = 0;
	for (int k = 0; k < 15; k++)
		pos += (size_t)snprintf(zone + pos, sizeof(zone) - pos,
					"c%d IN TXT \"v=spf1 include:c%d.example.com -all\"\n", k, k + 1);
	snprintf(zone + pos, sizeof(zone) - pos,
		 "c15 IN TXT \"v=spf1 ip4:192.0.2.1 -all\"\n"
		 "a IN TXT \"v=spf1 include:c0.example.com -all\"\n"
		 "b IN TXT \"v=spf1 include:x.example.com -all\"\n"
		 "x IN TXT \"v=spf1 include:c0.example.com -all\"\n"
		 "d IN TXT \"v=spf1 include:c1.example.com -all\"\n");
	zone_fixture z;
	zone_open(&z, zone);
	al_arena arena;
	al_arena_init(&arena);
	al_spf_cache cache;
	al_spf_cache_init(&cache);
	al_spf_tree a = analyse_with(&z, &cache, &arena, "a.example.com");
	assert_int_equal(a.not_followed, 0); /* c15 at depth 16: within the bound */
	assert_int_equal(a.lookups, 16);
	al_spf_tree b = analyse_with(&z, &cache, &arena, "b.example.com");
	al_spf_tree fresh = analyse_with(&z, NULL, &arena, "b.example.com");
	assert_int_equal(fresh.not_followed, 1); /* c15 at depth 17: not analysed */
	assert_int_equal(b.not_followed, fresh.not_followed);
	assert_int_equal(b.lookups, fresh.lookups);
	assert_int_equal(b.row_count, fresh.row_count);
	for (size_t i = 0; i < b.row_count; i++)
		assert_int_equal(b.rows[i].node->status, fresh.rows[i].node->status);
	/* where the chain fits, it is reused, and comes out the same */
	size_t hits = cache.hits;
	al_spf_tree d = analyse_with(&z, &cache, &arena, "d.example.com");
	assert_true(cache.hits > hits);
	al_spf_tree d_fresh = analyse_with(&z, NULL, &arena, "d.example.com");
	assert_int_equal(d.lookups, d_fresh.lookups);
	assert_int_equal(d.row_count, d_fresh.row_count);
	assert_int_equal(d.not_followed, 0);
	al_spf_cache_clear(&cache);
	al_arena_clear(&arena);
	zone_close(&z);
}

/* The senders catalog: the built-in one names services and their envelope; errors name the line. */
static void test_senders_catalog(void **state)
{
	(void)state;
	al_senders *s = NULL;
	al_error err = {0};
	assert_int_equal(al_senders_load(&s, &err), AL_OK);
	const al_sender *g = al_senders_match_include(s, "_spf.google.com");
	assert_non_null(g);
	assert_string_equal(g->name, "Google Workspace");
	assert_true(g->own_envelope);
	const al_sender *m = al_senders_match_include(s, "servers.mcsv.net");
	assert_non_null(m);
	assert_false(m->own_envelope);
	assert_null(al_senders_match_include(s, "_spf.example.com"));
	/* MX hosts name services too (DKIM discovery probes their selectors first) */
	const al_sender *x = al_senders_match_mx(s, "example-com.mail.protection.outlook.com");
	assert_non_null(x);
	assert_string_equal(x->id, "microsoft-365");
	x = al_senders_match_mx(s, "alt2.aspmx.l.google.com");
	assert_non_null(x);
	assert_string_equal(x->id, "google-workspace");
	assert_null(al_senders_match_mx(s, "mx.example.com"));
	assert_null(al_senders_match_mx(s, "smtp.google.com.example"));
	al_senders_free(s);
	const char *bad = "senders:\n  - id: x\n    name: X\n    spf: ['^x$']\n    envelope: customer\n";
	assert_int_not_equal(al_senders_load_text("s.yaml", bad, strlen(bad), &s, &err), AL_OK);
	assert_non_null(strstr(err.message, "s.yaml:5: envelope must be own or provider"));
	const char *bad_mx = "senders:\n  - id: x\n    name: X\n    spf: ['^x$']\n    mx: ['(']\n";
	assert_int_not_equal(al_senders_load_text("s.yaml", bad_mx, strlen(bad_mx), &s, &err), AL_OK);
	assert_non_null(strstr(err.message, "s.yaml:5: pattern '(' does not compile"));
}

/* The built-in catalog and provider snapshot are built once and shared: every call gives the
 * same one, and it answers as a catalog loaded on its own does. */
static void *match_google(void *arg)
{
	const al_senders *s = arg;
	const al_sender *found = NULL;
	for (int i = 0; i < 200; i++)
		found = al_senders_match_include(s, "_spf.google.com");
	return (void *)found;
}

static void test_senders_builtin_shared(void **state)
{
	(void)state;
	const al_senders *a = NULL, *b = NULL;
	al_error err = {0};
	assert_int_equal(al_senders_builtin(&a, &err), AL_OK);
	assert_int_equal(al_senders_builtin(&b, &err), AL_OK);
	assert_non_null(a);
	assert_ptr_equal(a, b);
	al_senders *own = NULL;
	assert_int_equal(al_senders_load(&own, &err), AL_OK);
	assert_int_equal(al_senders_count(a), al_senders_count(own));
	al_senders_free(own);
	/* threads match against the one catalog at once (a data race here is TSan's to find) */
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, match_google, (void *)a), 0);
	for (int i = 0; i < 4; i++) {
		void *found = NULL;
		assert_int_equal(pthread_join(t[i], &found), 0);
		assert_non_null(found);
		assert_string_equal(((const al_sender *)found)->name, "Google Workspace");
	}
	const al_spf_snapshot *p = NULL, *q = NULL;
	assert_int_equal(al_spf_snapshot_builtin(&p, &err), AL_OK);
	assert_int_equal(al_spf_snapshot_builtin(&q, &err), AL_OK);
	assert_non_null(p);
	assert_ptr_equal(p, q);
	assert_true(al_spf_snapshot_count(p) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_costs_and_running_totals),
		cmocka_unit_test(test_void_lookups_attributed),
		cmocka_unit_test(test_loops_and_not_followed),
		cmocka_unit_test(test_provider_snapshot),
		cmocka_unit_test(test_root_without_record),
		cmocka_unit_test(test_cache_and_summary),
		cmocka_unit_test(test_cache_same_as_fresh),
		cmocka_unit_test(test_rules_from_the_tree),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_senders_catalog),
		cmocka_unit_test(test_senders_builtin_shared),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
