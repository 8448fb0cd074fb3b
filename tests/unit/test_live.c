/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Live DNS without the network: server addresses, resolv.conf, domain lists, shards. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>

#include "dns/query.h"
#include "dns/query_internal.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_parse), cmocka_unit_test(test_resolv_conf),
		cmocka_unit_test(test_live_new),     cmocka_unit_test(test_domain_list),
		cmocka_unit_test(test_shards),       cmocka_unit_test(test_map_with_many_removals),
		cmocka_unit_test(test_query_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
