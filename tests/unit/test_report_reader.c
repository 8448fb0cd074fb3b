/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The DMARC aggregate report reader: what the callbacks receive, and bounds on hostile input. */
#include "helpers.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <authlint/report_reader.h>


typedef struct seen {
	size_t reports, records, ends, problems, fatal;
	uint64_t messages;
	char last_problem[1024];
	al_status last_status;
	char first_ip[64], org[128], member[256];
	size_t first_line;
	al_report_format format;
	al_report_result first_dkim;
	int pct;
} seen;

static al_report_action on_report(void *ctx, const al_report_meta *m)
{
	seen *s = ctx;
	if (s->reports++ == 0) {
		snprintf(s->org, sizeof(s->org), "%s", m->org_name ? m->org_name : "");
		snprintf(s->member, sizeof(s->member), "%s", m->origin.member ? m->origin.member : "");
		s->format = m->format;
		s->pct = m->policy.pct;
	}
	return AL_REPORT_CONTINUE;
}

static al_report_action on_record(void *ctx, const al_report_meta *m, const al_report_record *r)
{
	(void)m;
	seen *s = ctx;
	if (s->records++ == 0) {
		snprintf(s->first_ip, sizeof(s->first_ip), "%s", r->source_ip ? r->source_ip : "");
		s->first_line = r->line;
		s->first_dkim = r->dkim;
	}
	s->messages += r->count;
	return AL_REPORT_CONTINUE;
}

static void on_end(void *ctx, const al_report_meta *m, size_t records)
{
	(void)m;
	(void)records;
	((seen *)ctx)->ends++;
}

static void on_problem(void *ctx, const al_report_problem *p)
{
	seen *s = ctx;
	s->problems++;
	s->fatal += p->fatal;
	s->last_status = p->status;
	snprintf(s->last_problem, sizeof(s->last_problem), "%s", p->message);
}

static al_status read_path(const char *name, const al_report_limits *limits, seen *s)
{
	char rel[512];
	snprintf(rel, sizeof(rel), "tests/data/reports/%s", name);
	const char *path = t_source_path(rel);
	memset(s, 0, sizeof(*s));
	al_report_callbacks cb = {on_report, on_record, on_end, on_problem, s};
	return al_report_read_path(path, limits, &cb);
}

static al_status read_memory(const void *data, size_t length, const al_report_limits *limits, seen *s)
{
	memset(s, 0, sizeof(*s));
	al_report_callbacks cb = {on_report, on_record, on_end, on_problem, s};
	return al_report_read_memory("mem", data, length, limits, &cb);
}

static void test_rfc7489(void **state)
{
	(void)state;
	seen s;
	assert_int_equal(read_path("rfc7489.xml", NULL, &s), AL_OK);
	assert_int_equal(s.reports, 1);
	assert_int_equal(s.records, 2);
	assert_int_equal(s.ends, 1);
	assert_int_equal(s.messages, 150);
	assert_string_equal(s.first_ip, "192.0.2.10");
	assert_int_equal(s.first_line, 22);
	assert_int_equal(s.format, AL_REPORT_RFC7489);
	assert_int_equal(s.pct, 100);
	assert_int_equal(s.problems, 0);
}

static void test_rfc9990(void **state)
{
	(void)state;
	seen s;
	assert_int_equal(read_path("rfc9990.xml", NULL, &s), AL_OK);
	assert_int_equal(s.format, AL_REPORT_RFC9990);
	assert_int_equal(s.pct, -1);
	assert_int_equal(s.messages, 47);
	assert_string_equal(s.first_ip, "2001:db8::25");
}

static void test_quirks(void **state)
{
	(void)state;
	seen s;
	/* junk before <feedback>, upper case, spaces, a byte that is not UTF-8, a mapped address */
	assert_int_equal(read_path("quirks.xml", NULL, &s), AL_OK);
	assert_int_equal(s.records, 1);
	assert_int_equal(s.ends, 1);
	assert_string_equal(s.first_ip, "192.0.2.10");
	assert_int_equal(s.first_dkim, AL_RR_PASS);
	assert_string_equal(s.org, "Caf\xEF\xBF\xBD Mail");
	assert_int_equal(s.problems, 1);
	assert_int_equal(s.fatal, 0);
	assert_non_null(strstr(s.last_problem, "not UTF-8"));
}

static void test_containers(void **state)
{
	(void)state;
	seen s;
	assert_int_equal(read_path("rfc7489.xml.gz", NULL, &s), AL_OK);
	assert_int_equal(s.messages, 150);
	assert_int_equal(read_path("trailing.xml.gz", NULL, &s), AL_OK);
	assert_int_equal(s.records, 2); /* two members read as one */
	assert_int_equal(s.fatal, 0);
	assert_non_null(strstr(s.last_problem, "after the end of the gzip data"));
	assert_int_equal(read_path("rfc7489.zip", NULL, &s), AL_OK);
	assert_int_equal(s.messages, 150);
	assert_string_equal(s.member, "receiver.example!example.com!1796083200!1796169599.xml");
	assert_int_equal(read_path("report-gzip.eml", NULL, &s), AL_OK);
	assert_int_equal(s.messages, 47);
	assert_int_equal(read_path("report-zip.eml", NULL, &s), AL_OK);
	assert_int_equal(s.messages, 150);
	assert_string_equal(s.member, "r.xml");
	/* the mbox: two reports, and a message without one (said, not fatal) */
	assert_int_equal(read_path("reports.mbox", NULL, &s), AL_OK);
	assert_int_equal(s.reports, 2);
	assert_int_equal(s.fatal, 0);
	assert_string_equal(s.member, "message 1: span.xml");
	/* a Maildir: cur/ then new/ */
	assert_int_equal(read_path("Maildir", NULL, &s), AL_OK);
	assert_int_equal(s.reports, 2);
	assert_int_equal(s.messages, 150 + 47);
	/* the server's index and a message that is no report: skipped, said, not errors */
	assert_int_equal(s.problems, 2);
	assert_int_equal(s.fatal, 0);
	/* a report forwarded as an attached message */
	assert_int_equal(read_path("forwarded.eml", NULL, &s), AL_OK);
	assert_int_equal(s.reports, 1);
	assert_string_equal(s.member, "fwd.xml.gz");
	assert_int_equal(s.messages, 301);
	/* given by name, a file that is no report is an error */
	assert_int_equal(read_path("Maildir/dovecot-uidlist", NULL, &s), AL_EUNSUPPORTED);
}

static void test_hostile_declarations(void **state)
{
	(void)state;
	seen s;
	assert_int_equal(read_path("hostile-xxe.xml", NULL, &s), AL_EUNSUPPORTED);
	assert_int_equal(s.reports, 0);
	assert_int_equal(s.fatal, 1);
	assert_int_equal(read_path("hostile-laughs.xml", NULL, &s), AL_EUNSUPPORTED);
	assert_int_equal(s.reports, 0);
	/* split across the reader's chunks: refused all the same */
	size_t pad = 70000;
	const char *tail = "<!DOCTYPE x [<!ENTITY a \"b\">]><feedback/>";
	char *doc = malloc(pad + strlen(tail) + 32);
	assert_non_null(doc);
	strcpy(doc, "<?xml version=\"1.0\"?>");
	size_t n = strlen(doc);
	memset(doc + n, ' ', pad - n - 3);
	strcpy(doc + pad - 3, tail);
	assert_int_equal(read_memory(doc, strlen(doc), NULL, &s), AL_EUNSUPPORTED);
	free(doc);
}

/* "<feedback>" and then spaces, @p zeros bytes in all, gzip-compressed */
static unsigned char *gzip_zeros(size_t zeros, size_t *length)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = zeros / 500 + 4096;
	unsigned char *out = malloc(cap);
	unsigned char *in = malloc(1 << 20);
	assert_non_null(out);
	assert_non_null(in);
	memset(in, ' ', 1 << 20);
	z.next_out = out;
	z.avail_out = (uInt)cap;
	for (size_t left = zeros; left > 0;) {
		size_t n = left < (1u << 20) ? left : (1u << 20);
		z.next_in = in;
		z.avail_in = (uInt)n;
		if (left == zeros)
			memcpy(in, "<feedback>", 10);
		else
			memcpy(in, "          ", 10);
		left -= n;
		assert_int_not_equal(deflate(&z, left ? Z_NO_FLUSH : Z_FINISH), Z_STREAM_ERROR);
	}
	*length = cap - z.avail_out;
	deflateEnd(&z);
	free(in);
	return out;
}

static void test_gzip_bomb(void **state)
{
	(void)state;
	size_t n;
	unsigned char *bomb = gzip_zeros(64u << 20, &n); /* 64 MiB in about 64 KiB */
	seen s;
	/* the ratio stops it */
	assert_int_equal(read_memory(bomb, n, NULL, &s), AL_ELIMIT);
	assert_non_null(strstr(s.last_problem, "decompression bomb"));
	/* with the ratio allowed, the size does */
	al_report_limits l = {0};
	l.max_ratio = 1000000;
	l.max_expanded_bytes = 8u << 20;
	assert_int_equal(read_memory(bomb, n, &l, &s), AL_ELIMIT);
	assert_non_null(strstr(s.last_problem, "the limit for one report"));
	free(bomb);
}

static void test_zip_bomb(void **state)
{
	(void)state;
	struct archive *a = archive_write_new();
	archive_write_set_format_zip(a);
	size_t cap = 1u << 20, used = 0;
	unsigned char *zip = malloc(cap);
	assert_non_null(zip);
	assert_int_equal(archive_write_open_memory(a, zip, cap, &used), ARCHIVE_OK);
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, "bomb.xml");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	size_t total = 64u << 20;
	archive_entry_set_size(e, (la_int64_t)total);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	char *block = malloc(1 << 20);
	assert_non_null(block);
	memset(block, ' ', 1 << 20);
	memcpy(block, "<feedback>", 10);
	for (size_t i = 0; i < total; i += 1 << 20)
		assert_true(archive_write_data(a, block, 1 << 20) > 0);
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
	free(block);
	seen s;
	assert_int_equal(read_memory(zip, used, NULL, &s), AL_ELIMIT);
	assert_non_null(strstr(s.last_problem, "decompression bomb"));
	free(zip);
}

static void test_record_cap_and_depth(void **state)
{
	(void)state;
	seen s;
	al_report_limits l = {0};
	l.max_records = 1;
	assert_int_equal(read_path("rfc7489.xml", &l, &s), AL_ELIMIT);
	assert_int_equal(s.records, 1);
	assert_non_null(strstr(s.last_problem, "more than 1 records"));
	/* elements nested past the bound inside <feedback> */
	char doc[4096] = "<feedback>";
	for (int i = 0; i < 100; i++)
		strcat(doc, "<a>");
	assert_int_equal(read_memory(doc, strlen(doc), NULL, &s), AL_ELIMIT);
	assert_non_null(strstr(s.last_problem, "nested more than"));
}

static void test_broken_and_not_reports(void **state)
{
	(void)state;
	seen s;
	assert_int_equal(read_path("broken.xml", NULL, &s), AL_ESYNTAX);
	assert_int_equal(s.ends, 0);
	assert_non_null(strstr(s.last_problem, "the report stops there"));
	assert_int_equal(read_memory("hello", 5, NULL, &s), AL_EUNSUPPORTED);
	assert_int_equal(read_memory("<other/>", 8, NULL, &s), AL_ESYNTAX);
	assert_non_null(strstr(s.last_problem, "no <feedback> element"));
	assert_int_equal(read_path("does-not-exist.xml", NULL, &s), AL_EIO);
	assert_int_equal(s.fatal, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc7489),
		cmocka_unit_test(test_rfc9990),
		cmocka_unit_test(test_quirks),
		cmocka_unit_test(test_containers),
		cmocka_unit_test(test_hostile_declarations),
		cmocka_unit_test(test_gzip_bomb),
		cmocka_unit_test(test_zip_bomb),
		cmocka_unit_test(test_record_cap_and_depth),
		cmocka_unit_test(test_broken_and_not_reports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
