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
	char all_problems[4096]; /* every problem's message, one a line */
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
	size_t used = strlen(s->all_problems);
	snprintf(s->all_problems + used, sizeof(s->all_problems) - used, "%s\n", p->message);
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

/* @p n bytes gzip-compressed at @p level (0: stored) */
static unsigned char *gzip_bytes(const void *data, size_t n, int level, size_t *length)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&z, (uLong)n) + 64;
	unsigned char *out = malloc(cap);
	assert_non_null(out);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*length = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* A zip archive of one entry @p name holding @p n bytes. */
static unsigned char *zip_one(const char *name, const void *data, size_t n, size_t *length)
{
	size_t cap = n + 4096;
	unsigned char *zip = malloc(cap);
	assert_non_null(zip);
	struct archive *a = archive_write_new();
	archive_write_set_format_zip(a);
	assert_int_equal(archive_write_open_memory(a, zip, cap, length), ARCHIVE_OK);
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)n);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	assert_int_equal(archive_write_data(a, data, n), (la_ssize_t)n);
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
	return zip;
}

static unsigned char *slurp(const char *name, size_t *length)
{
	char rel[512];
	snprintf(rel, sizeof(rel), "tests/data/reports/%s", name);
	FILE *f = fopen(t_source_path(rel), "rb");
	assert_non_null(f);
	unsigned char *data = malloc(1 << 20);
	assert_non_null(data);
	*length = fread(data, 1, 1 << 20, f);
	fclose(f);
	return data;
}

static void test_nested_compression(void **state)
{
	(void)state;
	seen s;
	size_t xml_len, gz_len, gzgz_len, zip_len, n;
	unsigned char *xml = slurp("rfc7489.xml", &xml_len);
	/* gzip inside gzip (a .xml.gz gzipped again) */
	unsigned char *gz = gzip_bytes(xml, xml_len, 9, &gz_len);
	unsigned char *gzgz = gzip_bytes(gz, gz_len, 9, &gzgz_len);
	assert_int_equal(read_memory(gzgz, gzgz_len, NULL, &s), AL_OK);
	assert_int_equal(s.reports, 1);
	assert_int_equal(s.messages, 150);
	assert_int_equal(s.problems, 0);
	/* a zip whose entry is a .xml.gz */
	unsigned char *zip = zip_one("r.xml.gz", gz, gz_len, &zip_len);
	assert_int_equal(read_memory(zip, zip_len, NULL, &s), AL_OK);
	assert_int_equal(s.messages, 150);
	assert_string_equal(s.member, "r.xml.gz");
	free(zip);
	/* bounded: each layer is a container; past max_depth, a clear error */
	al_report_limits l = {0};
	l.max_depth = 1;
	assert_int_equal(read_memory(gzgz, gzgz_len, &l, &s), AL_OK); /* gzip (depth 0), gzip (1) */
	unsigned char *gz3 = gzip_bytes(gzgz, gzgz_len, 9, &n);
	assert_int_equal(read_memory(gz3, n, &l, &s), AL_ELIMIT);
	assert_int_equal(s.reports, 0);
	assert_non_null(strstr(s.last_problem, "nested more than 1 containers deep"));
	free(gz3);
	free(gzgz);
	free(gz);
	/* a gzip bomb inside gzip: the inner layer's ratio stops it... */
	size_t bomb_len;
	unsigned char *bomb = gzip_zeros(64u << 20, &bomb_len);
	unsigned char *outer = gzip_bytes(bomb, bomb_len, 9, &n);
	assert_int_equal(read_memory(outer, n, NULL, &s), AL_ELIMIT);
	assert_non_null(strstr(s.last_problem, "decompression bomb"));
	/* ...and with each layer's ratio allowed (1,000 each), the ratio to the whole file does */
	l = (al_report_limits){0};
	l.max_ratio = 2000;
	assert_true((64u << 20) / n > 2000);
	assert_int_equal(read_memory(outer, n, &l, &s), AL_ELIMIT);
	assert_non_null(strstr(s.last_problem, "decompression bomb"));
	free(outer);
	free(bomb);
	free(xml);
}

static void test_utf16_compressed(void **state)
{
	(void)state;
	seen s;
	/* "<?xml" as UTF-16: with a byte order mark, and without one (each byte then a zero) */
	static const unsigned char bom_le[] = {0xFF, 0xFE, '<', 0, '?', 0, 'x', 0, 'm', 0, 'l', 0};
	static const unsigned char bare_le[] = {'<', 0, '?', 0, 'x', 0, 'm', 0, 'l', 0, ' ', 0};
	static const unsigned char bom_be[] = {0xFE, 0xFF, 0, '<', 0, '?', 0, 'x', 0, 'm', 0, 'l'};
	const struct {
		const unsigned char *data;
		const char *order;
	} cases[] = {{bom_le, "little-endian"}, {bare_le, "little-endian"}, {bom_be, "big-endian"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* as a file: the error the compressed forms must give too */
		assert_int_equal(read_memory(cases[i].data, sizeof(bom_le), NULL, &s), AL_EUNSUPPORTED);
		assert_non_null(strstr(s.last_problem, "UTF-16"));
		assert_non_null(strstr(s.last_problem, cases[i].order));
		size_t gz_len, zip_len;
		unsigned char *gz = gzip_bytes(cases[i].data, sizeof(bom_le), 9, &gz_len);
		assert_int_equal(read_memory(gz, gz_len, NULL, &s), AL_EUNSUPPORTED);
		assert_int_equal(s.fatal, 1);
		assert_non_null(strstr(s.last_problem, "the report is UTF-16"));
		assert_non_null(strstr(s.last_problem, cases[i].order));
		unsigned char *zip = zip_one("utf16.xml", cases[i].data, sizeof(bom_le), &zip_len);
		assert_int_equal(read_memory(zip, zip_len, NULL, &s), AL_EUNSUPPORTED);
		assert_int_equal(s.fatal, 1);
		assert_non_null(strstr(s.last_problem, "the report is UTF-16"));
		assert_non_null(strstr(s.last_problem, cases[i].order));
		free(zip);
		free(gz);
	}
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

/* After the XML's first fatal error the report stops; the rest is still read for what it
 * says of its bytes and its container, and both are said. */
static void test_rest_after_fatal_error(void **state)
{
	(void)state;
	seen s;
	size_t pad = 200000, n, gz_len;
	char *doc = malloc(pad + 64);
	assert_non_null(doc);
	strcpy(doc, "<feedback>\n<report_metadata>\n<1bad/>\n");
	n = strlen(doc);
	/* a stray '<' a line, each an error of its own to the parser */
	for (; n + 2 < pad; n += 2)
		memcpy(doc + n, "<\n", 2);
	memcpy(doc + n, "\xff\xff\xff", 3); /* not UTF-8, at the very end */
	n += 3;

	assert_int_equal(read_memory(doc, n, NULL, &s), AL_ESYNTAX);
	assert_int_equal(s.reports, 0);
	assert_non_null(strstr(s.all_problems, "3 bytes that are not UTF-8"));
	assert_non_null(strstr(s.all_problems, "StartTag: invalid element name: the report stops there"));
	assert_int_equal(s.problems, 2);

	/* gzip-compressed and cut short: the gzip's end is missing, past the XML's error */
	unsigned char *gz = gzip_bytes(doc, n, 9, &gz_len);
	assert_true(gz_len > 64);
	read_memory(gz, gz_len - 16, NULL, &s);
	assert_non_null(strstr(s.all_problems, "the gzip data is truncated"));
	assert_non_null(strstr(s.all_problems, "StartTag: invalid element name: the report stops there"));
	assert_int_equal(s.reports, 0);
	free(gz);

	/* a declaration in the rest is refused as where the parser reads it */
	memcpy(doc + n - 3, "<!DOCTYPE x [<!ENTITY a \"b\">]>", 31);
	assert_int_equal(read_memory(doc, n - 3 + 31, NULL, &s), AL_EUNSUPPORTED);
	assert_non_null(strstr(s.all_problems, "declaration: refused"));
	free(doc);
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
		cmocka_unit_test(test_nested_compression),
		cmocka_unit_test(test_utf16_compressed),
		cmocka_unit_test(test_record_cap_and_depth),
		cmocka_unit_test(test_broken_and_not_reports),
		cmocka_unit_test(test_rest_after_fatal_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
