/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Propagation's pure parts, without a network: normalising answers, grouping
 * servers, RFC 1982 serials, verdicts, settle times, durations. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/wire.h"
#include "propagation/prop_internal.h"

/* ---- building replies by hand -------------------------------------------------- */

static uint8_t rdbuf[64][300];
static size_t rdnext;

static al_rr txt_rr(const char *owner, uint32_t ttl, const char *const *strings, size_t count)
{
	uint8_t *p = rdbuf[rdnext++ % 64];
	size_t n = 0;
	for (size_t i = 0; i < count; i++) {
		size_t l = strlen(strings[i]);
		p[n++] = (uint8_t)l;
		memcpy(p + n, strings[i], l);
		n += l;
	}
	al_rr rr = {0};
	rr.owner = owner;
	rr.type = AL_TYPE_TXT;
	rr.ttl = ttl;
	rr.rdata = p;
	rr.rdlength = (uint16_t)n;
	return rr;
}

static al_rr txt1(const char *owner, uint32_t ttl, const char *text)
{
	return txt_rr(owner, ttl, &text, 1);
}

static al_rr name_rr(const char *owner, uint16_t type, uint32_t ttl, const char *target)
{
	uint8_t *p = rdbuf[rdnext++ % 64];
	size_t n = al_name_to_wire(target, strlen(target), p, NULL);
	al_rr rr = {0};
	rr.owner = owner;
	rr.type = type;
	rr.ttl = ttl;
	rr.rdata = p;
	rr.rdlength = (uint16_t)n;
	return rr;
}

static al_rr soa_rr(const char *owner, uint32_t ttl, uint32_t serial, uint32_t minimum)
{
	uint8_t *p = rdbuf[rdnext++ % 64];
	size_t n = al_name_to_wire("ns1.example.com", 15, p, NULL);
	n += al_name_to_wire("Hostmaster.Example.com", 22, p + n, NULL);
	uint32_t v[5] = {serial, 3600, 600, 86400, minimum};
	for (int i = 0; i < 5; i++) {
		p[n++] = (uint8_t)(v[i] >> 24);
		p[n++] = (uint8_t)(v[i] >> 16);
		p[n++] = (uint8_t)(v[i] >> 8);
		p[n++] = (uint8_t)v[i];
	}
	al_rr rr = {0};
	rr.owner = owner;
	rr.type = AL_TYPE_SOA;
	rr.ttl = ttl;
	rr.rdata = p;
	rr.rdlength = (uint16_t)n;
	return rr;
}

static al_dns_reply reply(unsigned rcode, bool aa, const al_rr *answer, size_t n, const al_rr *authority,
			  size_t m)
{
	al_dns_reply r;
	memset(&r, 0, sizeof(r));
	r.outcome = AL_DNS_ANSWERED;
	r.rcode = rcode;
	r.aa = aa;
	r.answer = answer;
	r.answer_count = n;
	r.authority = authority;
	r.authority_count = m;
	r.server = "192.0.2.53:53";
	return r;
}

static al_prop_norm norm_of(al_arena *a, al_prop_role role, const char *qname, uint16_t qtype, const char *zone,
			    const al_dns_reply *r)
{
	al_prop_norm n;
	assert_int_equal(al_prop_normalize_reply(a, role, qname, qtype, zone, r, &n), AL_OK);
	return n;
}

/* ---- normalisation ---------------------------------------------------------------- */

static void test_order_and_ttl_aside(void **state)
{
	(void)state;
	al_arena a;
	al_arena_init(&a);
	al_rr x[2] = {txt1("example.com", 300, "v=spf1 -all"), txt1("example.com", 60, "google-site=abc")};
	al_rr y[2] = {txt1("example.com", 3600, "google-site=abc"), txt1("example.com", 3600, "v=spf1 -all")};
	al_dns_reply rx = reply(0, true, x, 2, NULL, 0), ry = reply(0, true, y, 2, NULL, 0);
	al_prop_norm nx = norm_of(&a, AL_PROP_AUTHORITATIVE, "example.com", AL_TYPE_TXT, "example.com", &rx);
	al_prop_norm ny = norm_of(&a, AL_PROP_AUTHORITATIVE, "example.com", AL_TYPE_TXT, "example.com", &ry);
	assert_int_equal(nx.status, AL_PROP_ANSWER);
	assert_string_equal(nx.key, ny.key);           /* order and TTL do not matter */
	assert_int_equal(nx.ttl, 60);                  /* the smallest TTL, kept aside */
	assert_int_equal(ny.ttl, 3600);
	assert_int_equal(nx.record_count, 2);
	assert_string_equal(nx.records[0], "\"google-site=abc\"");
	assert_string_equal(nx.records[1], "\"v=spf1 -all\"");
	al_arena_clear(&a);
}

static void test_strings_and_case(void **state)
{
	(void)state;
	al_arena a;
	al_arena_init(&a);
	/* the string boundaries are part of the record; TXT content keeps its case */
	const char *two[] = {"v=spf1 ", "-all"};
	al_rr x[1] = {txt_rr("example.com", 300, two, 2)};
	al_rr y[1] = {txt1("example.com", 300, "v=spf1 -all")};
	al_rr z[1] = {txt1("example.com", 300, "V=SPF1 -ALL")};
	al_dns_reply rx = reply(0, true, x, 1, NULL, 0), ry = reply(0, true, y, 1, NULL, 0),
		     rz = reply(0, true, z, 1, NULL, 0);
	al_prop_norm nx = norm_of(&a, AL_PROP_AUTHORITATIVE, "example.com", AL_TYPE_TXT, NULL, &rx);
	al_prop_norm ny = norm_of(&a, AL_PROP_AUTHORITATIVE, "example.com", AL_TYPE_TXT, NULL, &ry);
	al_prop_norm nz = norm_of(&a, AL_PROP_AUTHORITATIVE, "example.com", AL_TYPE_TXT, NULL, &rz);
	assert_string_not_equal(nx.key, ny.key);
	assert_string_not_equal(ny.key, nz.key);
	assert_string_equal(nx.records[0], "\"v=spf1 \" \"-all\"");
	/* names inside RDATA are compared in canonical (lower) case */
	al_rr c1[1] = {name_rr("sel._domainkey.example.com", AL_TYPE_CNAME, 300, "Sel.Provider.NET")};
	al_rr c2[1] = {name_rr("sel._domainkey.example.com", AL_TYPE_CNAME, 300, "sel.provider.net")};
	al_dns_reply r1 = reply(0, true, c1, 1, NULL, 0), r2 = reply(0, true, c2, 1, NULL, 0);
	al_prop_norm n1 = norm_of(&a, AL_PROP_AUTHORITATIVE, "sel._domainkey.example.com", AL_TYPE_TXT,
				  "example.com", &r1);
	al_prop_norm n2 = norm_of(&a, AL_PROP_AUTHORITATIVE, "sel._domainkey.example.com", AL_TYPE_TXT,
				  "example.com", &r2);
	assert_int_equal(n1.status, AL_PROP_ANSWER);
	assert_string_equal(n1.key, n2.key);
	assert_string_equal(n1.records[0], "CNAME sel.provider.net.");
	/* a quote inside a string is escaped in the display form */
	al_rr q[1] = {txt1("example.com", 300, "say \"hi\"\\")};
	al_dns_reply rq = reply(0, true, q, 1, NULL, 0);
	al_prop_norm nq = norm_of(&a, AL_PROP_AUTHORITATIVE, "example.com", AL_TYPE_TXT, NULL, &rq);
	assert_string_equal(nq.records[0], "\"say \\\"hi\\\"\\\\\"");
	al_arena_clear(&a);
}

static void test_cname_leaving_the_zone(void **state)
{
	(void)state;
	al_arena a;
	al_arena_init(&a);
	/* the authoritative server gives the CNAME; a resolver follows it */
	al_rr auth[1] = {name_rr("s1._domainkey.example.com", AL_TYPE_CNAME, 3600, "s1.dkim.provider.net")};
	al_rr res[2] = {name_rr("s1._domainkey.example.com", AL_TYPE_CNAME, 3000, "s1.dkim.provider.net"),
			txt1("s1.dkim.provider.net", 100, "v=DKIM1; p=abc")};
	al_dns_reply ra = reply(0, true, auth, 1, NULL, 0), rr = reply(0, false, res, 2, NULL, 0);
	al_prop_norm na = norm_of(&a, AL_PROP_AUTHORITATIVE, "s1._domainkey.example.com", AL_TYPE_TXT,
				  "example.com", &ra);
	al_prop_norm nr = norm_of(&a, AL_PROP_RESOLVER, "s1._domainkey.example.com", AL_TYPE_TXT, "example.com",
				  &rr);
	assert_string_equal(na.key, nr.key);  /* what the zone serves is the same */
	assert_int_equal(nr.record_count, 2); /* shown whole */
	assert_string_equal(nr.records[1], "s1.dkim.provider.net \"v=DKIM1; p=abc\"");
	assert_int_equal(nr.ttl, 100);
	/* records of other names or types in the answer are not part of it */
	al_rr extra[2] = {txt1("example.com", 300, "v=spf1 -all"), txt1("other.example.com", 300, "x")};
	al_dns_reply re = reply(0, true, extra, 2, NULL, 0);
	al_prop_norm ne = norm_of(&a, AL_PROP_AUTHORITATIVE, "example.com", AL_TYPE_TXT, "example.com", &re);
	assert_int_equal(ne.record_count, 1);
	al_arena_clear(&a);
}

static void test_negative_and_failures(void **state)
{
	(void)state;
	al_arena a;
	al_arena_init(&a);
	al_rr soa[1] = {soa_rr("example.com", 3600, 7, 300)};
	al_dns_reply nx = reply(AL_DNS_RCODE_NXDOMAIN, true, NULL, 0, soa, 1);
	al_prop_norm n = norm_of(&a, AL_PROP_AUTHORITATIVE, "_dmarc.example.com", AL_TYPE_TXT, "example.com", &nx);
	assert_int_equal(n.status, AL_PROP_NXDOMAIN);
	assert_true(n.ttl_known);
	assert_int_equal(n.ttl, 300); /* min(SOA TTL, MINIMUM), RFC 2308 section 5 */
	assert_string_equal(n.soa_owner, "example.com");
	al_rr soa2[1] = {soa_rr("example.com", 120, 7, 300)};
	al_dns_reply nodata = reply(0, true, NULL, 0, soa2, 1);
	n = norm_of(&a, AL_PROP_AUTHORITATIVE, "example.com", AL_TYPE_TXT, "example.com", &nodata);
	assert_int_equal(n.status, AL_PROP_NODATA);
	assert_int_equal(n.ttl, 120);
	assert_string_not_equal(n.key, "nxdomain");
	/* an authoritative server that is not */
	al_dns_reply refused = reply(AL_DNS_RCODE_REFUSED, false, NULL, 0, NULL, 0);
	n = norm_of(&a, AL_PROP_AUTHORITATIVE, "example.com", AL_TYPE_TXT, NULL, &refused);
	assert_int_equal(n.status, AL_PROP_LAME);
	assert_non_null(strstr(n.detail, "REFUSED"));
	assert_null(n.key);
	al_rr txt[1] = {txt1("example.com", 300, "v=spf1 -all")};
	al_dns_reply noaa = reply(0, false, txt, 1, NULL, 0);
	n = norm_of(&a, AL_PROP_AUTHORITATIVE, "example.com", AL_TYPE_TXT, NULL, &noaa);
	assert_int_equal(n.status, AL_PROP_LAME);
	/* the same from a resolver is an answer */
	n = norm_of(&a, AL_PROP_RESOLVER, "example.com", AL_TYPE_TXT, NULL, &noaa);
	assert_int_equal(n.status, AL_PROP_ANSWER);
	/* SERVFAIL from a resolver: failed, not lame */
	al_dns_reply sf = reply(AL_DNS_RCODE_SERVFAIL, false, NULL, 0, NULL, 0);
	n = norm_of(&a, AL_PROP_RESOLVER, "example.com", AL_TYPE_TXT, NULL, &sf);
	assert_int_equal(n.status, AL_PROP_FAILED);
	/* timeouts and mismatches are never an answer */
	al_dns_reply to = reply(0, false, NULL, 0, NULL, 0);
	to.outcome = AL_DNS_TIMEOUT;
	to.detail = "no answer after 2 tries";
	n = norm_of(&a, AL_PROP_AUTHORITATIVE, "example.com", AL_TYPE_TXT, NULL, &to);
	assert_int_equal(n.status, AL_PROP_FAILED);
	assert_null(n.key);
	to.outcome = AL_DNS_MISMATCH;
	n = norm_of(&a, AL_PROP_AUTHORITATIVE, "example.com", AL_TYPE_TXT, NULL, &to);
	assert_int_equal(n.status, AL_PROP_FAILED);
	assert_non_null(strstr(n.detail, "mismatch"));
	/* SOA answers carry the serial */
	al_dns_reply s = reply(0, true, soa, 1, NULL, 0);
	n = norm_of(&a, AL_PROP_AUTHORITATIVE, "example.com", AL_TYPE_SOA, "example.com", &s);
	assert_true(n.has_serial);
	assert_int_equal(n.serial, 7);
	assert_string_equal(n.records[0],
			    "SOA ns1.example.com. hostmaster.example.com. 7 3600 600 86400 300");
	al_arena_clear(&a);
}

/* ---- RFC 1982 --------------------------------------------------------------------- */

static void test_serial_compare(void **state)
{
	(void)state;
	assert_int_equal(al_prop_serial_compare(1, 1), AL_SERIAL_EQUAL);
	assert_int_equal(al_prop_serial_compare(1, 2), AL_SERIAL_LESS);
	assert_int_equal(al_prop_serial_compare(2, 1), AL_SERIAL_GREATER);
	/* wrap-around: 4294967295 + 1 = 0, and 0 is the newer */
	assert_int_equal(al_prop_serial_compare(UINT32_MAX, 0), AL_SERIAL_LESS);
	assert_int_equal(al_prop_serial_compare(0, UINT32_MAX), AL_SERIAL_GREATER);
	assert_int_equal(al_prop_serial_compare(4294967000u, 100), AL_SERIAL_LESS);
	/* the largest step forward: 2^31 - 1 */
	assert_int_equal(al_prop_serial_compare(0, 0x7fffffffu), AL_SERIAL_LESS);
	assert_int_equal(al_prop_serial_compare(0x7fffffffu, 0), AL_SERIAL_GREATER);
	/* exactly 2^31 apart: undefined either way */
	assert_int_equal(al_prop_serial_compare(0, 0x80000000u), AL_SERIAL_UNDEFINED);
	assert_int_equal(al_prop_serial_compare(0x80000000u, 0), AL_SERIAL_UNDEFINED);
	assert_int_equal(al_prop_serial_compare(5, 0x80000005u), AL_SERIAL_UNDEFINED);
	/* more than 2^31 ahead reads as behind */
	assert_int_equal(al_prop_serial_compare(0, 0x80000001u), AL_SERIAL_GREATER);
	assert_int_equal(al_prop_serial_distance(0, UINT32_MAX), 1);
	assert_int_equal(al_prop_serial_distance(2024010102, 2024010101), 1);
}

static void test_serial_newest(void **state)
{
	(void)state;
	uint32_t newest = 0;
	uint32_t a[] = {2024010101, 2024010102, 2024010100};
	assert_true(al_prop_serial_newest(a, 3, &newest));
	assert_int_equal(newest, 2024010102);
	uint32_t wrap[] = {UINT32_MAX - 1, 3, UINT32_MAX};
	assert_true(al_prop_serial_newest(wrap, 3, &newest));
	assert_int_equal(newest, 3);
	uint32_t same[] = {9, 9};
	assert_true(al_prop_serial_newest(same, 2, &newest));
	assert_int_equal(newest, 9);
	uint32_t half[] = {1, 0x80000001u};
	assert_false(al_prop_serial_newest(half, 2, &newest));
	/* spread over the whole circle: each is newer than the one before, no newest */
	uint32_t circle[] = {0, 0x60000000u, 0xc0000000u};
	assert_false(al_prop_serial_newest(circle, 3, &newest));
	assert_false(al_prop_serial_newest(a, 0, &newest));
}

/* ---- grouping, verdicts ------------------------------------------------------------ */

#define A AL_PROP_AUTHORITATIVE
#define R AL_PROP_RESOLVER

static void test_grouping(void **state)
{
	(void)state;
	al_prop_item items[] = {
		{A, AL_PROP_ANSWER, "answer\nx", true, 3600},
		{A, AL_PROP_ANSWER, "answer\ny", true, 3600},
		{A, AL_PROP_ANSWER, "answer\nx", true, 3000},
		{A, AL_PROP_LAME, NULL, false, 0},
		{R, AL_PROP_ANSWER, "answer\ny", true, 100},
		{R, AL_PROP_NXDOMAIN, "nxdomain", true, 200},
		{A, AL_PROP_FAILED, NULL, false, 0},
		{A, AL_PROP_NOT_ASKED, NULL, false, 0},
	};
	int assign[8];
	al_prop_group groups[8];
	size_t n = al_prop_group_items(items, 8, assign, groups);
	assert_int_equal(n, 3);
	/* most authoritative servers first */
	assert_string_equal(groups[0].key, "answer\nx");
	assert_int_equal(groups[0].authoritative, 2);
	assert_int_equal(groups[0].ttl_min, 3000);
	assert_int_equal(groups[0].ttl_max, 3600);
	assert_string_equal(groups[1].key, "answer\ny");
	assert_int_equal(groups[1].authoritative, 1);
	assert_int_equal(groups[1].resolvers, 1);
	assert_int_equal(groups[2].status, AL_PROP_NXDOMAIN);
	int want[] = {0, 1, 0, -1, 1, 2, -1, -1};
	for (int i = 0; i < 8; i++)
		assert_int_equal(assign[i], want[i]);
	int auth = 0;
	bool incomplete = false;
	assert_int_equal(al_prop_decide(items, 8, assign, &auth, &incomplete), AL_PROP_INCONSISTENT);
	assert_int_equal(auth, -1);
	assert_true(incomplete); /* the lame and the failed server */
	/* NODATA and NXDOMAIN are different answers, and neither is "failed" */
	al_prop_item neg[] = {{A, AL_PROP_NODATA, "nodata", true, 300}, {A, AL_PROP_NXDOMAIN, "nxdomain", true, 300}};
	int as2[2];
	assert_int_equal(al_prop_group_items(neg, 2, as2, groups), 2);
	assert_int_equal(al_prop_decide(neg, 2, as2, &auth, &incomplete), AL_PROP_INCONSISTENT);
	assert_false(incomplete);
}

static void test_verdicts(void **state)
{
	(void)state;
	int assign[4], auth;
	bool incomplete;
	al_prop_group groups[4];
	al_prop_item agree[] = {{A, AL_PROP_ANSWER, "answer\nx", true, 300},
				{A, AL_PROP_ANSWER, "answer\nx", true, 300},
				{R, AL_PROP_ANSWER, "answer\nx", true, 120}};
	al_prop_group_items(agree, 3, assign, groups);
	assert_int_equal(al_prop_decide(agree, 3, assign, &auth, &incomplete), AL_PROP_CONSISTENT);
	assert_int_equal(auth, 0);
	al_prop_item behind[] = {{A, AL_PROP_ANSWER, "answer\nnew", true, 300},
				 {R, AL_PROP_ANSWER, "answer\nold", true, 250},
				 {R, AL_PROP_ANSWER, "answer\nnew", true, 100}};
	al_prop_group_items(behind, 3, assign, groups);
	assert_int_equal(al_prop_decide(behind, 3, assign, &auth, &incomplete), AL_PROP_PROPAGATING);
	assert_int_equal(auth, assign[0]);
	/* no authoritative answer at all: cannot tell, whatever the resolvers say */
	al_prop_item none[] = {{A, AL_PROP_FAILED, NULL, false, 0}, {R, AL_PROP_ANSWER, "answer\nx", true, 5}};
	al_prop_group_items(none, 2, assign, groups);
	assert_int_equal(al_prop_decide(none, 2, assign, &auth, &incomplete), AL_PROP_UNKNOWN);
	assert_true(incomplete);
	/* a resolver that failed is not behind */
	al_prop_item rfail[] = {{A, AL_PROP_ANSWER, "answer\nx", true, 5}, {R, AL_PROP_FAILED, NULL, false, 0}};
	al_prop_group_items(rfail, 2, assign, groups);
	assert_int_equal(al_prop_decide(rfail, 2, assign, &auth, &incomplete), AL_PROP_CONSISTENT);
	assert_true(incomplete);
	assert_int_equal(al_prop_verdict_worse(AL_PROP_PROPAGATING, AL_PROP_INCONSISTENT), AL_PROP_INCONSISTENT);
	assert_int_equal(al_prop_verdict_worse(AL_PROP_UNKNOWN, AL_PROP_INCONSISTENT), AL_PROP_UNKNOWN);
	assert_int_equal(al_prop_verdict_worse(AL_PROP_CONSISTENT, AL_PROP_PROPAGATING), AL_PROP_PROPAGATING);
}

/* ---- settle time --------------------------------------------------------------------- */

static al_prop_settle settle_of(al_prop_item *items, size_t n, bool neg_known, uint32_t neg)
{
	int assign[8], auth;
	bool incomplete;
	al_prop_group groups[8];
	al_prop_group_items(items, n, assign, groups);
	al_prop_verdict v = al_prop_decide(items, n, assign, &auth, &incomplete);
	al_prop_settle s;
	al_prop_settle_compute(items, n, assign, v, auth, neg_known, neg, &s);
	return s;
}

static void test_settle(void **state)
{
	(void)state;
	/* consistent: settled now */
	al_prop_item ok[] = {{A, AL_PROP_ANSWER, "answer\nx", true, 3600}, {R, AL_PROP_ANSWER, "answer\nx", true, 10}};
	al_prop_settle s = settle_of(ok, 2, true, 300);
	assert_true(s.settled);
	assert_true(s.known);
	assert_int_equal(s.in, 0);
	/* caches behind: the longest TTL the resolvers that are behind report */
	al_prop_item behind[] = {{A, AL_PROP_ANSWER, "answer\nnew", true, 3600},
				 {R, AL_PROP_ANSWER, "answer\nold", true, 1200},
				 {R, AL_PROP_ANSWER, "answer\nold", true, 2400},
				 {R, AL_PROP_ANSWER, "answer\nnew", true, 3500}};
	s = settle_of(behind, 4, true, 300);
	assert_false(s.settled);
	assert_true(s.known);
	assert_int_equal(s.in, 2400); /* the up-to-date resolver's 3500 does not count */
	assert_false(s.created);
	/* a name just created: NXDOMAIN cached; any cache may hold it for the negative TTL */
	al_prop_item created[] = {{A, AL_PROP_ANSWER, "answer\nnew", true, 3600},
				  {R, AL_PROP_NXDOMAIN, "nxdomain", true, 40}};
	s = settle_of(created, 2, true, 900);
	assert_true(s.created);
	assert_int_equal(s.in, 900);
	s = settle_of(created, 2, false, 0); /* the zone's negative TTL unknown: the resolver's */
	assert_int_equal(s.in, 40);
	/* a record removed: the resolver's TTL for the old record */
	al_prop_item removed[] = {{A, AL_PROP_NXDOMAIN, "nxdomain", true, 300},
				  {R, AL_PROP_ANSWER, "answer\nold", true, 1800}};
	s = settle_of(removed, 2, true, 300);
	assert_int_equal(s.in, 1800);
	/* inconsistent: unknown; after the last update, the longest TTL served */
	al_prop_item split[] = {{A, AL_PROP_ANSWER, "answer\nnew", true, 3600},
				{A, AL_PROP_NXDOMAIN, "nxdomain", true, 300},
				{R, AL_PROP_ANSWER, "answer\nnew", true, 100}};
	s = settle_of(split, 3, true, 7200);
	assert_false(s.known);
	assert_true(s.created);
	assert_int_equal(s.after_update, 7200);
	s = settle_of(split, 3, false, 0);
	assert_int_equal(s.after_update, 3600);
}

static void test_durations(void **state)
{
	(void)state;
	double d;
	assert_int_equal(al_prop_parse_duration("90", &d), AL_OK);
	assert_true(d == 90);
	assert_int_equal(al_prop_parse_duration("15m", &d), AL_OK);
	assert_true(d == 900);
	assert_int_equal(al_prop_parse_duration("1h30m", &d), AL_OK);
	assert_true(d == 5400);
	assert_int_equal(al_prop_parse_duration("1.5s", &d), AL_OK);
	assert_true(d == 1.5);
	assert_int_equal(al_prop_parse_duration("7d", &d), AL_OK);
	assert_int_equal(al_prop_parse_duration("8d", &d), AL_EINVAL);
	assert_int_equal(al_prop_parse_duration("", &d), AL_EINVAL);
	assert_int_equal(al_prop_parse_duration("soon", &d), AL_EINVAL);
	assert_int_equal(al_prop_parse_duration("-5", &d), AL_EINVAL);
	assert_int_equal(al_prop_parse_duration("1h30", &d), AL_EINVAL);
	assert_int_equal(al_prop_parse_duration("5x", &d), AL_EINVAL);
	al_strbuf sb = AL_STRBUF_INIT;
	al_prop_format_duration(&sb, 3599);
	assert_string_equal(al_strbuf_cstr(&sb), "59m 59s");
	al_strbuf_reset(&sb);
	al_prop_format_duration(&sb, 90061);
	assert_string_equal(al_strbuf_cstr(&sb), "1d 1h");
	al_strbuf_reset(&sb);
	al_prop_format_time(&sb, 0);
	assert_string_equal(al_strbuf_cstr(&sb), "1970-01-01T00:00:00Z");
	al_strbuf_free(&sb);
}

/* ---- what could not be done: one rule per kind, the text as its message ----------- */

static void test_issue_findings(void **state)
{
	(void)state;
	static const struct {
		al_prop_issue issue;
		const char *rule;
		const char *text;
	} cases[] = {
		{{AL_PROP_ISSUE_ZONE_NOT_FOUND, "example.com", "timeout", 0, 0}, "PROP013",
		 "cannot find the zone of example.com: timeout"},
		{{AL_PROP_ISSUE_NS_UNREADABLE, "example.com", "SERVFAIL from 192.0.2.53", 0, 0}, "PROP014",
		 "cannot read the NS set of example.com: SERVFAIL from 192.0.2.53"},
		{{AL_PROP_ISSUE_NO_NS, "example.com", NULL, 0, 0}, "PROP015", "the zone example.com has no NS records"},
		{{AL_PROP_ISSUE_ADDRESS_UNREADABLE, "ns2.example.net", "timeout", 0, 0}, "PROP016",
		 "cannot read the addresses of ns2.example.net: timeout"},
		{{AL_PROP_ISSUE_NO_ADDRESS, "ns3.example.com", NULL, 0, 0}, "PROP017",
		 "the name server ns3.example.com has no A or AAAA record"},
		{{AL_PROP_ISSUE_TOO_MANY_ADDRESSES, "example.com", NULL, 40, 32}, "PROP018",
		 "example.com has 40 server addresses; the first 32 are asked"},
		{{AL_PROP_ISSUE_NO_AUTHORITY, "example.com", NULL, 0, 0}, "PROP019",
		 "none of the servers given answered for the zone of example.com with authority"},
		{{AL_PROP_ISSUE_TOO_MANY_NAMES, "s9._domainkey.example.com", NULL, 0, 64}, "PROP020",
		 "more than 64 names: s9._domainkey.example.com and later ones were not asked"},
		{{AL_PROP_ISSUE_BAD_SELECTOR, "a..b._domainkey.example.com", "a..b", 0, 0}, "PROP021",
		 "selector 'a..b': a..b._domainkey.example.com is not a valid name"},
		{{AL_PROP_ISSUE_OUTSIDE_SERVERS, "example.com._report._dmarc.example.net", "example.com", 0, 0},
		 "PROP012",
		 "example.com._report._dmarc.example.net (a report authorization) is outside the zone example.com of "
		 "the servers given, and was not asked; give --resolver to find its servers"},
	};
	size_t n = sizeof(cases) / sizeof(cases[0]);
	al_arena arena;
	al_arena_init(&arena);
	al_prop_issue problems[16], notes[1];
	const char *problem_text[16], *note_text[1];
	size_t np = 0, nn = 0;
	for (size_t i = 0; i < n; i++) {
		const char *t = al_prop_issue_text(&arena, &cases[i].issue);
		assert_non_null(t);
		assert_string_equal(t, cases[i].text);
		if (cases[i].issue.kind == AL_PROP_ISSUE_OUTSIDE_SERVERS) {
			notes[nn] = cases[i].issue;
			note_text[nn++] = t;
		} else {
			problems[np] = cases[i].issue;
			problem_text[np++] = t;
		}
	}
	al_prop_domain d = {0};
	d.domain = "example.com";
	d.problems = problem_text;
	d.problem_items = problems;
	d.problem_count = np;
	d.notes = note_text;
	d.note_items = notes;
	d.note_count = nn;
	al_prop_result result = {0};
	result.domains = &d;
	result.domain_count = 1;
	al_findings *list = al_findings_new();
	assert_non_null(list);
	assert_int_equal(al_prop_findings(&result, list, t_rules(), NULL), AL_OK);
	assert_ptr_equal(result.findings, list);
	/* one finding per problem and note, of its own rule, whose message is the text */
	assert_int_equal(al_findings_count(result.findings), n);
	for (size_t i = 0; i < n; i++) {
		const al_diag *found = NULL;
		for (size_t k = 0; k < al_findings_count(list); k++)
			if (strcmp(al_findings_at(list, k)->rule->id, cases[i].rule) == 0)
				found = al_findings_at(list, k);
		if (found == NULL) {
			fprintf(stderr, "no %s finding\n", cases[i].rule);
			fail();
		}
		assert_string_equal(found->message, cases[i].text);
		assert_string_equal(found->owner, "example.com");
		assert_int_equal(found->severity, strcmp(cases[i].rule, "PROP012") == 0 ? AL_SEVERITY_NOTE
											 : AL_SEVERITY_WARNING);
	}
	al_findings_free(list);
	al_arena_clear(&arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_ttl_aside),
		cmocka_unit_test(test_strings_and_case),
		cmocka_unit_test(test_cname_leaving_the_zone),
		cmocka_unit_test(test_negative_and_failures),
		cmocka_unit_test(test_serial_compare),
		cmocka_unit_test(test_serial_newest),
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_settle),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_issue_findings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
