/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Live DNS without the network: server addresses, resolv.conf, domain lists, shards. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>

#include "dns/live_cache.h"
#include "dns/query.h"
#include "dns/query_internal.h"
#include "dns/reply.h"
#include "util/hash.h"

static void test_server_parse(void **state)
{
	(void)state;
	al_dns_server s;
	al_error err;
	assert_int_equal(al_dns_server_parse("192.0.2.53", 53, &s, &err), AL_OK);
	assert_string_equal(s.text, "192.0.2.53:53");
	assert_int_equal(al_dns_server_parse("127.0.0.1:5300", 53, &s, &err), AL_OK);
	assert_string_equal(s.text, "127.0.0.1:5300");
	assert_int_equal(al_dns_server_parse("[2001:db8::53]:5353", 53, &s, &err), AL_OK);
	assert_string_equal(s.text, "[2001:db8::53]:5353");
	assert_int_equal(al_dns_server_parse("2001:db8::53", 53, &s, &err), AL_OK);
	assert_string_equal(s.text, "[2001:db8::53]:53");
	assert_int_equal(al_dns_server_parse("[::1]", 53, &s, &err), AL_OK);
	assert_string_equal(s.text, "[::1]:53");
	assert_int_equal(al_dns_server_parse("dns.example", 53, &s, &err), AL_EINVAL);
	assert_non_null(strstr(err.message, "dns.example"));
	assert_int_equal(al_dns_server_parse("192.0.2.1:0", 53, &s, &err), AL_EINVAL);
	assert_int_equal(al_dns_server_parse("192.0.2.1:65536", 53, &s, &err), AL_EINVAL);
	assert_int_equal(al_dns_server_parse("192.0.2.1:x", 53, &s, &err), AL_EINVAL);
	assert_int_equal(al_dns_server_parse("[2001:db8::1", 53, &s, &err), AL_EINVAL);
	assert_int_equal(al_dns_server_parse("[2001:db8::1]x", 53, &s, &err), AL_EINVAL);
	assert_int_equal(al_dns_server_parse("", 53, &s, &err), AL_EINVAL);
	al_dns_server a, b;
	al_dns_server_parse("127.0.0.1:53", 53, &a, NULL);
	al_dns_server_parse("127.0.0.1", 53, &b, NULL);
	assert_true(al_dns_server_equal(&a, &b));
	al_dns_server_parse("127.0.0.1:54", 53, &b, NULL);
	assert_false(al_dns_server_equal(&a, &b));
}

static void test_resolv_conf(void **state)
{
	(void)state;
	char path[] = "/tmp/authlint-resolv-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "# comment\nsearch example.com\nnameserver 192.0.2.1\n"
			   "nameserver\t2001:db8::2  # second\nnameserver fe80::1%eth0\n"
			   "  nameserver 192.0.2.3\nnameserverx 192.0.2.9\nnameserver not-an-ip\noptions ndots:2\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	al_dns_server s[8];
	size_t n = 0;
	assert_int_equal(al_dns_read_resolv_conf(path, s, 8, &n, NULL), AL_OK);
	assert_int_equal(n, 3);
	assert_string_equal(s[0].text, "192.0.2.1:53");
	assert_string_equal(s[1].text, "[2001:db8::2]:53");
	assert_string_equal(s[2].text, "192.0.2.3:53");
	assert_int_equal(al_dns_read_resolv_conf(path, s, 2, &n, NULL), AL_OK);
	assert_int_equal(n, 2);
	unlink(path);
	al_error err;
	assert_int_equal(al_dns_read_resolv_conf(path, s, 8, &n, &err), AL_EIO);
	assert_non_null(strstr(err.message, path));
}

static void test_live_new(void **state)
{
	(void)state;
	al_live *live = NULL;
	al_error err;
	al_live_options o = {0};
	assert_int_equal(al_live_new(&live, &o, &err), AL_EINVAL);
	assert_null(live);
	const char *bad[] = {"127.0.0.1", "nope"};
	o.resolvers = bad;
	o.resolver_count = 2;
	assert_int_equal(al_live_new(&live, &o, &err), AL_EINVAL);
	assert_non_null(strstr(err.message, "nope"));
	o.resolver_count = 1;
	assert_int_equal(al_live_new(&live, &o, &err), AL_OK);
	assert_string_equal(al_live_describe(live), "127.0.0.1:53");
	assert_non_null(al_live_source(live));
	al_live_free(live);
	al_live_free(NULL);
}

static al_domain_list *list_from(const char *text)
{
	al_domain_list *l = NULL;
	assert_int_equal(al_domain_list_new(&l), AL_OK);
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(f);
	assert_int_equal(al_domain_list_read(l, f, "list.txt", NULL), AL_OK);
	fclose(f);
	return l;
}

static void test_domain_list(void **state)
{
	(void)state;
	al_domain_list *l = list_from("# header\n\nExample.COM.\n  b.example  s1 s2 # two selectors\n"
				      "example.com\nb.example s2 S3\nbad..name\n\t\n#x\nc.example\n");
	assert_int_equal(al_domain_list_count(l), 3);
	assert_string_equal(al_domain_list_at(l, 0), "example.com");
	assert_string_equal(al_domain_list_at(l, 1), "b.example");
	assert_string_equal(al_domain_list_at(l, 2), "c.example");
	size_t n = 0;
	const char *const *sel = al_domain_list_selectors(l, 1, &n);
	assert_int_equal(n, 3);
	assert_string_equal(sel[0], "s1");
	assert_string_equal(sel[1], "s2");
	assert_string_equal(sel[2], "s3");
	al_domain_list_selectors(l, 0, &n);
	assert_int_equal(n, 0);
	assert_int_equal(al_domain_list_problem_count(l), 1);
	assert_non_null(strstr(al_domain_list_problem_at(l, 0), "list.txt:7:"));
	assert_null(al_domain_list_at(l, 3));
	al_domain_list_free(l);
}

static void test_shards(void **state)
{
	(void)state;
	unsigned k, n;
	al_error err;
	assert_int_equal(al_shard_parse("2/4", &k, &n, &err), AL_OK);
	assert_int_equal(k, 2);
	assert_int_equal(n, 4);
	assert_int_equal(al_shard_parse("0/4", &k, &n, &err), AL_EINVAL);
	assert_int_equal(al_shard_parse("5/4", &k, &n, &err), AL_EINVAL);
	assert_int_equal(al_shard_parse("1/", &k, &n, &err), AL_EINVAL);
	assert_int_equal(al_shard_parse("x", &k, &n, &err), AL_EINVAL);
	assert_int_equal(al_shard_parse("1/4x", &k, &n, &err), AL_EINVAL);
	/* every domain in exactly one shard, whatever the order of the list */
	char text[8192] = "", rev[8192] = "";
	for (int i = 0; i < 200; i++) {
		char line[32];
		snprintf(line, sizeof(line), "d%d.example\n", i);
		strcat(text, line);
		snprintf(line, sizeof(line), "d%d.example\n", 199 - i);
		strcat(rev, line);
	}
	int seen[200] = {0};
	size_t total = 0;
	for (unsigned s = 1; s <= 3; s++) {
		al_domain_list *a = list_from(text), *b = list_from(rev);
		assert_int_equal(al_domain_list_shard(a, s, 3), AL_OK);
		assert_int_equal(al_domain_list_shard(b, s, 3), AL_OK);
		assert_int_equal(al_domain_list_count(a), al_domain_list_count(b));
		assert_true(al_domain_list_count(a) > 30 && al_domain_list_count(a) < 120);
		for (size_t i = 0; i < al_domain_list_count(a); i++) {
			int d = atoi(al_domain_list_at(a, i) + 1);
			seen[d]++;
		}
		total += al_domain_list_count(a);
		/* duplicates still merge after sharding */
		if (al_domain_list_count(a) > 0) {
			char again[64];
			snprintf(again, sizeof(again), "%s", al_domain_list_at(a, 0));
			size_t before = al_domain_list_count(a);
			assert_int_equal(al_domain_list_add(a, again, NULL), AL_OK);
			assert_int_equal(al_domain_list_count(a), before);
		}
		al_domain_list_free(a);
		al_domain_list_free(b);
	}
	assert_int_equal(total, 200);
	for (int i = 0; i < 200; i++)
		assert_int_equal(seen[i], 1);
}

/* The cache map sees far more removals than keys alive at once: it must not grow with them. */
static void test_map_with_many_removals(void **state)
{
	(void)state;
	al_map m;
	al_map_init(&m, false);
	static char keys[2000][16];
	for (int round = 0; round < 100000; round++) {
		char *k = keys[round % 2000];
		if (round >= 2000) {
			assert_ptr_equal(al_map_remove(&m, k), k);
			assert_null(al_map_get(&m, k));
		}
		snprintf(k, 16, "k%d", round);
		assert_true(al_map_put(&m, k, k));
	}
	assert_int_equal(m.count, 2000);
	assert_true(m.capacity <= 8192);
	for (int i = 0; i < 2000; i++)
		assert_ptr_equal(al_map_get(&m, keys[i]), keys[i]);
	size_t idx = 0, n = 0;
	const char *k;
	void *v;
	while (al_map_next(&m, &idx, &k, &v))
		n++;
	assert_int_equal(n, 2000);
	al_map_free(&m);
}

/*
 * The engine's id tables (open addressing, removal by backward shift): every
 * query bound is found by its id on its socket, whatever was taken out
 * before, through the growth of the tables; ids given back are not found.
 */
static void test_query_ids(void **state)
{
	(void)state;
	al_dns_engine *e = NULL;
	assert_int_equal(al_dns_engine_new(&e, NULL), AL_OK);
	enum { N = 3000 };
	query *qs = calloc(N, sizeof(*qs));
	assert_non_null(qs);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++)
			if (qs[i].sock == NULL)
				assert_true(al_dnsq_bind_id(e, &qs[i], AF_INET));
		for (int i = 0; i < N; i++)
			assert_ptr_equal(al_dnsq_id_find(qs[i].sock, qs[i].id), &qs[i]);
		/* give back two in three, in a scattered order */
		for (int k = 0; k < N; k++) {
			int i = (int)(((unsigned)k * 1237u + (unsigned)round) % N);
			if (i % 3 == round % 3)
				continue;
			usock *s = qs[i].sock;
			uint16_t id = qs[i].id;
			al_dnsq_unbind_id(&qs[i]);
			assert_null(qs[i].sock);
			assert_null(al_dnsq_id_find(s, id));
		}
		for (int i = 0; i < N; i++)
			if (qs[i].sock != NULL)
				assert_ptr_equal(al_dnsq_id_find(qs[i].sock, qs[i].id), &qs[i]);
	}
	for (int i = 0; i < N; i++)
		al_dnsq_unbind_id(&qs[i]);
	for (size_t f = 0; f < FAM_COUNT; f++)
		for (size_t k = 0; k < 16; k++)
			assert_int_equal(e->socks[f][k].in_use, 0);
	free(qs);
	al_dns_engine_free(e);
}

/* ---- the cache's two LRU segments ------------------------------------------------ */

/* A done entry for @p name that @p users domains took, then let go of (made
 * idle: into one of the lists, which are trimmed; it may be gone after). */
static live_entry *used_entry(al_live *l, const char *name, int users)
{
	live_entry *e = al_livec_entry_new(l, name, AL_TYPE_TXT);
	assert_non_null(e);
	assert_true(al_map_put(&l->map, e->key, e));
	assert_true(al_livec_entry_set(l, e, AL_RCODE_NOERROR, NULL, 0, 3600, false, "test", NULL, 0, false));
	al_live_waiter w[4];
	assert_true(users <= 4);
	memset(w, 0, sizeof(w));
	for (int i = 0; i < users; i++)
		assert_true(al_livec_pin(&w[i], e));
	for (int i = 0; i < users; i++)
		al_live_waiter_release(l, &w[i]);
	return e;
}

static bool cached(al_live *l, const char *name)
{
	char key[AL_NAME_MAX + 8];
	assert_true(al_livec_make_key(key, sizeof(key), name, AL_TYPE_TXT));
	return al_map_get(&l->map, key) != NULL;
}

/*
 * Entries one domain used wait in the probation list, at most 1/32 of the
 * cache's memory, and go first; an entry a second domain took is kept in the
 * main list while a thousand used once come and go; the whole stays within
 * the memory.
 */
static void test_cache_segments(void **state)
{
	(void)state;
	const char *resolver[] = {"127.0.0.1:5300"};
	al_live_options o = {0};
	o.resolvers = resolver;
	o.resolver_count = 1;
	o.cache_bytes = 64 << 10;
	al_live *l = NULL;
	al_error err;
	assert_int_equal(al_live_new(&l, &o, &err), AL_OK);

	live_entry *shared = used_entry(l, "shared.test", 2);
	assert_true(shared->in_lru);
	assert_false(shared->in_probation);
	/* taken once, let go, taken again: promoted */
	live_entry *again = used_entry(l, "again.test", 1);
	assert_true(again->in_probation);
	al_live_waiter w;
	memset(&w, 0, sizeof(w));
	assert_true(al_livec_pin(&w, again));
	assert_false(again->in_lru);
	al_live_waiter_release(l, &w);
	assert_true(again->in_lru);
	assert_false(again->in_probation);

	size_t evicted_before = l->stats.evicted;
	char name[64];
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "d%d.test", i);
		live_entry *e = used_entry(l, name, 1);
		(void)e;
		assert_true(l->probation_bytes <= o.cache_bytes / 32);
		assert_true(l->lru_bytes <= o.cache_bytes);
		assert_true(cached(l, "shared.test"));
		assert_true(cached(l, "again.test"));
	}
	assert_true(cached(l, "d999.test"));
	assert_false(cached(l, "d0.test"));
	assert_true(l->stats.evicted - evicted_before > 900);

	/* past the memory with shared entries alone: the main list's oldest go */
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "s%d.test", i);
		used_entry(l, name, 3);
		assert_true(l->lru_bytes <= o.cache_bytes);
	}
	assert_false(cached(l, "shared.test"));
	assert_true(cached(l, "s999.test"));
	al_live_free(l);
}

/* ---- the quick decoder against ldns ---------------------------------------------- */

typedef struct msg {
	uint8_t b[1024];
	size_t n;
} msg;

static void put(msg *m, const void *data, size_t n)
{
	memcpy(m->b + m->n, data, n);
	m->n += n;
}

static void put16(msg *m, unsigned v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	put(m, b, 2);
}

static void put32(msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

/* header: flags, counts */
static void header(msg *m, unsigned flags, unsigned qd, unsigned an, unsigned ns, unsigned ar)
{
	m->n = 0;
	put16(m, 0x1234);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

/* an RR: owner (wire, may end in a pointer), type, ttl, rdata */
static void rr(msg *m, const char *owner, size_t owner_length, unsigned type, uint32_t ttl, const void *rdata,
	       size_t rdlength)
{
	put(m, owner, owner_length);
	put16(m, type);
	put16(m, 1);
	put32(m, ttl);
	put16(m, (unsigned)rdlength);
	put(m, rdata, rdlength);
}

static void opt(msg *m, uint32_t ttl)
{
	rr(m, "\0", 1, 41, ttl, "", 0);
	m->b[m->n - 8] = 0x04; /* UDP size 1232 in the class */
	m->b[m->n - 7] = 0xd0;
}

static size_t base_messages(msg *ms)
{
	static const char q[] = "\2d1\4test\0";
	size_t k = 0;
	/* TXT: two records, one of two strings, OPT */
	header(&ms[k], 0x8580, 1, 2, 0, 1);
	put(&ms[k], q, sizeof(q) - 1);
	put16(&ms[k], 16);
	put16(&ms[k], 1);
	rr(&ms[k], "\xc0\x0c", 2, 16, 300, "\x1f" "v=spf1 include:_spf.x.test -all", 32);
	rr(&ms[k], "\xc0\x0c", 2, 16, 60, "\3abc\0\4defg", 10);
	opt(&ms[k], 0);
	k++;
	/* MX: exchanges compressed against the question and each other */
	header(&ms[k], 0x8180, 1, 2, 0, 1);
	put(&ms[k], q, sizeof(q) - 1);
	put16(&ms[k], 15);
	put16(&ms[k], 1);
	rr(&ms[k], "\xc0\x0c", 2, 15, 3600, "\0\12\2mx\xc0\x0c", 7);
	rr(&ms[k], "\xc0\x0c", 2, 15, 3600, "\0\24\3mx2\xc0\x27", 8);
	opt(&ms[k], 0x01000000); /* an extended RCODE */
	k++;
	/* NXDOMAIN with the SOA in the authority section */
	header(&ms[k], 0x8183, 1, 0, 1, 0);
	put(&ms[k], q, sizeof(q) - 1);
	put16(&ms[k], 16);
	put16(&ms[k], 1);
	rr(&ms[k], "\xc0\x0f", 2, 6, 900,
	   "\2ns\xc0\x0f\12hostmaster\xc0\x0f\0\0\0\1\0\0\x0e\x10\0\0\x07\x08\0\x09\x3a\x80\0\0\x01\x2c", 38);
	k++;
	/* a CNAME chain to an A, an AAAA, an NS and a PTR in the additional section */
	header(&ms[k], 0x8180, 1, 3, 1, 1);
	put(&ms[k], q, sizeof(q) - 1);
	put16(&ms[k], 1);
	put16(&ms[k], 1);
	rr(&ms[k], "\xc0\x0c", 2, 5, 30, "\5alias\xc0\x0f", 8);
	rr(&ms[k], "\5alias\xc0\x0f", 8, 1, 30, "\xc6\x33\x64\x01", 4);
	rr(&ms[k], "\xc0\x0c", 2, 28, 30, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\1", 16);
	rr(&ms[k], "\xc0\x0f", 2, 2, 30, "\2ns\xc0\x0f", 5);
	rr(&ms[k], "\xc0\x0f", 2, 12, 30, "\xc0\x0c", 2);
	k++;
	/* a record type the quick decoder leaves to ldns (CAA) */
	header(&ms[k], 0x8180, 1, 1, 0, 0);
	put(&ms[k], q, sizeof(q) - 1);
	put16(&ms[k], 257);
	put16(&ms[k], 1);
	rr(&ms[k], "\xc0\x0c", 2, 257, 30, "\0\5issueca.test", 14);
	k++;
	return k;
}

static al_dns_reply *decode(al_dns_decoder *d, bool ldns_only, const msg *m, bool *quick)
{
	al_dns_decoder_ldns_only(d, ldns_only);
	char why[160];
	al_dns_packet *p = al_dns_packet_parse(d, m->b, m->n, why, sizeof(why));
	if (p == NULL)
		return NULL;
	if (quick != NULL)
		*quick = al_dns_packet_quick(p);
	al_dns_reply *r = al_dns_reply_build(d, p, "server", "d1.test", NULL);
	assert_non_null(r);
	assert_int_equal(al_dns_packet_rcode(p), r->rcode);
	assert_int_equal(al_dns_packet_tc(p), r->tc);
	assert_int_equal(al_dns_packet_edns(p), r->edns);
	al_dns_packet_free(d, p);
	return r;
}

static void same_rrs(const al_rr *a, const al_rr *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(a[i].owner, b[i].owner);
		assert_int_equal(a[i].type, b[i].type);
		assert_int_equal(a[i].ttl, b[i].ttl);
		assert_int_equal(a[i].rdlength, b[i].rdlength);
		assert_memory_equal(a[i].rdata, b[i].rdata, a[i].rdlength);
	}
}

/* Whatever the bytes, the quick decoder says what ldns says, or leaves the message to it. */
static void test_quick_decoder_matches_ldns(void **state)
{
	(void)state;
	al_dns_decoder *d = al_dns_decoder_new();
	assert_non_null(d);
	msg base[8];
	size_t nbase = base_messages(base);
	uint32_t x = 2463534242u;
	size_t quick = 0, fallback = 0, refused = 0;
	for (size_t b = 0; b < nbase; b++) {
		for (int round = 0; round < 4000; round++) {
			msg m = base[b];
			if (round > 0) {
				x ^= x << 13, x ^= x >> 17, x ^= x << 5;
				int changes = 1 + (int)(x % 3);
				for (int c = 0; c < changes; c++) {
					x ^= x << 13, x ^= x >> 17, x ^= x << 5;
					size_t at = x % m.n;
					x ^= x << 13, x ^= x >> 17, x ^= x << 5;
					if (x % 8 == 0)
						m.n = at; /* cut short */
					else if (x % 8 == 1)
						m.b[at] = (uint8_t)(0xc0 | (x >> 8 & 1)); /* a pointer */
					else if (x % 8 == 2 && at + 1 < m.n) {
						m.b[at] = 0xc0; /* a pointer near the start, or to 0 */
						m.b[at + 1] = (uint8_t)((x >> 8) % 16);
					}
					else
						m.b[at] ^= (uint8_t)(1u << (x >> 8) % 8);
					if (m.n == 0)
						m.n = 1;
				}
			}
			bool was_quick = false;
			al_dns_reply *q = decode(d, false, &m, &was_quick);
			al_dns_reply *l = decode(d, true, &m, NULL);
			if (round == 0)
				assert_int_equal(was_quick, b < 4);
			if (l == NULL) {
				assert_null(q);
				refused++;
				continue;
			}
			assert_non_null(q);
			if (was_quick)
				quick++;
			else
				fallback++;
			assert_int_equal(q->rcode, l->rcode);
			assert_int_equal(q->aa, l->aa);
			assert_int_equal(q->tc, l->tc);
			assert_int_equal(q->rd, l->rd);
			assert_int_equal(q->ra, l->ra);
			assert_int_equal(q->ad, l->ad);
			assert_int_equal(q->cd, l->cd);
			assert_int_equal(q->edns, l->edns);
			assert_int_equal(q->answer_count, l->answer_count);
			assert_int_equal(q->authority_count, l->authority_count);
			assert_int_equal(q->additional_count, l->additional_count);
			same_rrs(q->answer, l->answer, q->answer_count);
			same_rrs(q->authority, l->authority, q->authority_count);
			same_rrs(q->additional, l->additional, q->additional_count);
			al_dns_reply_free(q);
			al_dns_reply_free(l);
		}
	}
	/* the mutations reach all three outcomes */
	assert_true(quick > 1000);
	assert_true(fallback > 100);
	assert_true(refused > 100);
	al_dns_decoder_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_parse), cmocka_unit_test(test_resolv_conf),
		cmocka_unit_test(test_live_new),     cmocka_unit_test(test_domain_list),
		cmocka_unit_test(test_shards),       cmocka_unit_test(test_map_with_many_removals),
		cmocka_unit_test(test_query_ids),      cmocka_unit_test(test_cache_segments),      cmocka_unit_test(test_quick_decoder_matches_ldns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
