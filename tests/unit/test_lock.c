/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Lock files: reading (records, negative entries, header), answering (a
 * question the lock does not hold is NOT-QUERIED), recording and writing. */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include <authlint/lock.h>

static const char lock_text[] =
	"; authlint lock file\n"
	"; authlint-lock format 1\n"
	"; authlint-lock generated 2026-12-05T14:00:00Z\n"
	"; authlint-lock resolver 127.0.0.1:53\n"
	"; authlint-lock authlint 0.1.0\n"
	"; authlint-lock zone example.com.zone\n"
	"$ORIGIN .\n"
	"_spf.provider.net. 300 IN TXT \"v=spf1 include:a.provider.net \" \"-all\"\n"
	"a.provider.net. 300 IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
	"mail.provider.net. 300 IN MX 10 mx1.provider.net.\n"
	"sel._domainkey.example.com. 300 IN CNAME key.provider.net.\n"
	"key.provider.net. 300 IN TXT \"v=DKIM1; p=\"\n"
	"; authlint-lock nxdomain Gone.Provider.NET. TXT\n"
	"; authlint-lock nodata mail.provider.net. A\n";

static al_lock *load(const char *text)
{
	al_lock *lock = NULL;
	al_error err = {0};
	assert_int_equal(al_lock_load_text(&lock, "test.lock", text, strlen(text), &err), AL_OK);
	return lock;
}

static al_rcode ask(al_source *s, const char *name, uint16_t type, size_t *count)
{
	const al_answer *a = NULL;
	assert_int_equal(al_source_lookup(s, name, type, &a), AL_OK);
	al_rcode rc = a->rcode;
	if (count != NULL)
		*count = a->count;
	al_source_release(s, a);
	return rc;
}

static void test_header_and_answers(void **state)
{
	(void)state;
	al_lock *lock = load(lock_text);
	assert_string_equal(al_lock_header(lock, "generated"), "2026-12-05T14:00:00Z");
	assert_string_equal(al_lock_header(lock, "resolver"), "127.0.0.1:53");
	assert_int_equal(al_lock_zone_count(lock), 1);
	assert_string_equal(al_lock_zone_at(lock, 0), "example.com.zone");
	assert_int_equal(al_lock_negative_count(lock), 2);
	al_source *s = NULL;
	assert_int_equal(al_source_new_lock(&s, lock, NULL), AL_OK);
	size_t n = 0;
	/* records, with their character-strings as written */
	const al_answer *a = NULL;
	assert_int_equal(al_source_lookup(s, "_spf.provider.net", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->rcode, AL_RCODE_NOERROR);
	assert_int_equal(a->count, 1);
	assert_int_equal(a->rrs[0].rdata[0], 30); /* "v=spf1 include:a.provider.net " */
	assert_string_equal(a->server, "lock test.lock");
	al_source_release(s, a);
	assert_int_equal(ask(s, "mail.provider.net", AL_TYPE_MX, &n), AL_RCODE_NOERROR);
	assert_int_equal(n, 1);
	/* negative entries: NXDOMAIN for the name (any type), NODATA for the type */
	assert_int_equal(ask(s, "gone.provider.net", AL_TYPE_TXT, &n), AL_RCODE_NXDOMAIN);
	assert_int_equal(ask(s, "gone.provider.net", AL_TYPE_A, &n), AL_RCODE_NXDOMAIN);
	assert_int_equal(ask(s, "mail.provider.net", AL_TYPE_A, &n), AL_RCODE_NOERROR);
	assert_int_equal(n, 0);
	/* what the lock does not hold is not queried: another type, another name */
	assert_int_equal(ask(s, "mail.provider.net", AL_TYPE_AAAA, NULL), AL_RCODE_NOT_QUERIED);
	assert_int_equal(ask(s, "b.provider.net", AL_TYPE_TXT, NULL), AL_RCODE_NOT_QUERIED);
	assert_int_equal(ask(s, "provider.net", AL_TYPE_TXT, NULL), AL_RCODE_NOT_QUERIED);
	assert_int_equal(al_source_lookup(s, "nothere.example", AL_TYPE_TXT, &a), AL_OK);
	assert_non_null(strstr(a->detail, "not in the lock file test.lock"));
	al_source_release(s, a);
	/* a CNAME is followed to the pinned target */
	assert_int_equal(al_source_lookup(s, "sel._domainkey.example.com", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->rcode, AL_RCODE_NOERROR);
	assert_int_equal(a->cname_count, 1);
	assert_string_equal(a->name, "key.provider.net");
	assert_int_equal(a->count, 1);
	al_source_release(s, a);
	assert_true(al_source_covers(s, "gone.provider.net"));
	assert_false(al_source_covers(s, "b.provider.net"));
	al_source_free(s);
	al_lock_free(lock);
}

static void expect_error(const char *text, al_status status, const char *where)
{
	al_lock *lock = NULL;
	al_error err = {0};
	assert_int_equal(al_lock_load_text(&lock, "bad.lock", text, strlen(text), &err), status);
	assert_null(lock);
	assert_non_null(strstr(err.message, where));
}

static void test_bad_files(void **state)
{
	(void)state;
	expect_error("$ORIGIN .\n; authlint-lock nxdomain\n", AL_ESYNTAX, "bad.lock:2:");
	expect_error("$ORIGIN .\n; authlint-lock nodata a.example. NOSUCHTYPE\n", AL_ESYNTAX, "bad.lock:2:");
	expect_error("; authlint-lock frobnicate x\n", AL_ESYNTAX, "bad.lock:1:");
	expect_error("; authlint-lock format 2\n", AL_EUNSUPPORTED, "format 2");
	expect_error("$ORIGIN .\na.example. 300 IN TXT \"unclosed\n", AL_ESYNTAX, "bad.lock:2");
}

/* Record answers from a zone, write them, read them back: the same answers. */
static void test_record_write_read(void **state)
{
	(void)state;
	static const char zone_text[] = "$ORIGIN provider.net.\n"
					"@ IN SOA ns hostmaster 1 3600 600 86400 300\n"
					"_spf 600 IN TXT \"v=spf1 mx \\\"quoted\\\" \\\\ \\010 -all\"\n"
					"mx1 IN A 192.0.2.1\n"
					"mx1 IN AAAA 2001:db8::1\n"
					"alias IN CNAME mx1\n";
	al_zone_options zo = {0};
	al_zone *zone = NULL;
	al_error err = {0};
	assert_int_equal(al_zone_new(&zone, &zo), AL_OK);
	assert_int_equal(al_zone_load_text(zone, "<z>", zone_text, strlen(zone_text), &err), AL_OK);
	al_source *zs = NULL;
	assert_int_equal(al_source_new_zone(&zs, zone), AL_OK);
	al_lock_recorder *rec = NULL;
	al_source *rs = NULL;
	assert_int_equal(al_lock_recorder_new(&rec, zs, &rs), AL_OK);
	assert_int_equal(ask(rs, "_spf.provider.net", AL_TYPE_TXT, NULL), AL_RCODE_NOERROR);
	assert_int_equal(ask(rs, "alias.provider.net", AL_TYPE_A, NULL), AL_RCODE_NOERROR);
	assert_int_equal(ask(rs, "alias.provider.net", AL_TYPE_AAAA, NULL), AL_RCODE_NOERROR);
	assert_int_equal(ask(rs, "mx1.provider.net", AL_TYPE_MX, NULL), AL_RCODE_NOERROR);
	assert_int_equal(ask(rs, "nx.provider.net", AL_TYPE_TXT, NULL), AL_RCODE_NXDOMAIN);
	assert_int_equal(ask(rs, "elsewhere.example", AL_TYPE_TXT, NULL), AL_RCODE_NOT_QUERIED);
	/* the CNAME once per question, its target on its own, sorted */
	assert_int_equal(al_lock_recorder_count(rec), 8);
	assert_int_equal(al_lock_recorder_failed(rec), 1); /* not queried is not an answer */
	al_lock_info info = {0};
	info.generated = "2026-12-05T14:00:00Z";
	info.resolver = "test";
	char *text = NULL;
	size_t length = 0;
	assert_int_equal(al_lock_recorder_write(rec, &info, &text, &length), AL_OK);
	assert_non_null(strstr(text, "_spf.provider.net. 600 IN TXT \"v=spf1 mx \\\"quoted\\\" \\\\ \\010 -all\"\n"));
	assert_non_null(strstr(text, "mx1.provider.net. 3600 IN AAAA 2001:db8::1\n"));
	assert_non_null(strstr(text, "; authlint-lock nxdomain nx.provider.net. TXT\n"));
	assert_non_null(strstr(text, "; authlint-lock nodata mx1.provider.net. MX\n"));
	assert_null(strstr(text, "elsewhere"));
	/* the CNAME asked for A and for AAAA is written once */
	const char *c = strstr(text, "alias.provider.net. 3600 IN CNAME mx1.provider.net.\n");
	assert_non_null(c);
	assert_null(strstr(c + 1, "alias.provider.net. 3600 IN CNAME"));
	al_lock *lock = NULL;
	assert_int_equal(al_lock_load_text(&lock, "w.lock", text, length, &err), AL_OK);
	for (size_t i = 0; i < al_lock_recorder_count(rec); i++) {
		al_lock_question q;
		al_lock_recorder_at(rec, i, &q);
		bool held = false;
		bool same = al_lock_recorder_same(rec, i, lock, &held);
		if (q.rcode == AL_RCODE_NOT_QUERIED) {
			assert_false(held);
			continue;
		}
		assert_true(held);
		assert_true(same);
	}
	al_lock_free(lock);
	/* a lock with another answer is drift */
	static const char other[] = "$ORIGIN .\nmx1.provider.net. 300 IN A 192.0.2.99\n";
	lock = load(other);
	for (size_t i = 0; i < al_lock_recorder_count(rec); i++) {
		al_lock_question q;
		al_lock_recorder_at(rec, i, &q);
		if (strcmp(q.name, "mx1.provider.net") == 0 && q.type == AL_TYPE_A) {
			bool held = false;
			assert_false(al_lock_recorder_same(rec, i, lock, &held));
			assert_true(held);
		}
	}
	al_lock_free(lock);
	free(text);
	al_lock_recorder_free(rec);
	al_source_free(zs);
	al_zone_free(zone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_and_answers),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_record_write_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
