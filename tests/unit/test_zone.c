/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The zone-file backend: reading, problems with file:line, lookups, columns. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns/zone_internal.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/authlint-test-zone-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *write_tmp(const char *name, const char *text)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static al_zone *load_text(const char *text, const char *origin)
{
	al_zone_options o = {0};
	o.origin = origin;
	al_zone *z = NULL;
	assert_int_equal(al_zone_new(&z, &o), AL_OK);
	al_error err;
	assert_int_equal(al_zone_load_text(z, "<test>", text, strlen(text), &err), AL_OK);
	return z;
}

static const char zone1[] =
	"$ORIGIN example.com.\n"
	"$TTL 600\n"
	"@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n"
	"@ IN NS ns1\n"
	"ns1 IN A 192.0.2.1\n"
	"@ 3600 IN TXT \"v=spf1 mx -all\"\n"
	"\n"
	"; a comment line\n"
	"@ IN TXT \"second\" \"part\" ; authlint: ignore SPF001 reason here\n"
	"a.b.c IN TXT \"deep\"\n"
	"*.wild IN TXT \"from the wildcard\"\n"
	"alias IN CNAME target\n"
	"target IN TXT \"at the target\"\n"
	"loop1 IN CNAME loop2\n"
	"loop2 IN CNAME loop1\n"
	"sub IN NS ns.elsewhere.example.\n"
	"multi IN TXT ( \"one\"\n"
	"\t\"two\" ) ; trailing\n";

static void test_lookups(void **state)
{
	(void)state;
	al_zone *z = load_text(zone1, NULL);
	assert_int_equal(al_zone_problem_count(z), 0);
	assert_int_equal(al_zone_origin_count(z), 1);
	assert_string_equal(al_zone_origin_at(z, 0), "example.com");
	al_source *src;
	assert_int_equal(al_source_new_zone(&src, z), AL_OK);
	const al_answer *a;

	assert_int_equal(al_source_lookup(src, "Example.COM.", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->rcode, AL_RCODE_NOERROR);
	assert_int_equal(a->count, 2);
	assert_int_equal(a->rrs[0].ttl, 3600);
	assert_int_equal(a->rrs[0].location.line, 6);
	assert_string_equal(a->rrs[0].location.file, "<test>");
	assert_int_equal(a->rrs[1].location.line, 9);
	assert_int_equal(a->rrs[1].rdlength, 12); /* 6 "second" + 4 "part" + 2 */
	assert_non_null(strstr(a->rrs[1].comment, "authlint: ignore SPF001"));
	assert_null(a->rrs[0].comment);
	assert_int_equal(a->ttl, 600 < 3600 ? 600 : 3600);
	/* 12 header + 13 qname + 4 + (12 + 15) + (12 + 12) */
	assert_int_equal(a->message_size, 12 + 13 + 4 + 27 + 24);
	al_source_release(src, a);

	/* a name that exists: NODATA; one that does not: NXDOMAIN with the SOA's negative TTL */
	assert_int_equal(al_source_lookup(src, "ns1.example.com", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->rcode, AL_RCODE_NOERROR);
	assert_int_equal(a->count, 0);
	assert_true(al_answer_is_void(a));
	al_source_release(src, a);
	assert_int_equal(al_source_lookup(src, "nope.example.com", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->rcode, AL_RCODE_NXDOMAIN);
	assert_int_equal(a->ttl, 300);
	assert_true(a->negative_ttl_known);
	al_source_release(src, a);
	/* an empty non-terminal exists (RFC 8020) */
	assert_int_equal(al_source_lookup(src, "b.c.example.com", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->rcode, AL_RCODE_NOERROR);
	assert_int_equal(a->count, 0);
	al_source_release(src, a);
	/* wildcard synthesis, and a wildcard does not cover names that exist */
	assert_int_equal(al_source_lookup(src, "x.y.wild.example.com", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->rcode, AL_RCODE_NOERROR);
	assert_int_equal(a->count, 1);
	assert_string_equal(a->rrs[0].owner, "x.y.wild.example.com");
	assert_string_equal(a->wildcard, "*.wild.example.com");
	al_source_release(src, a);
	/* CNAMEs are followed, loops end in an error */
	assert_int_equal(al_source_lookup(src, "alias.example.com", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->rcode, AL_RCODE_NOERROR);
	assert_int_equal(a->count, 1);
	assert_int_equal(a->cname_count, 1);
	assert_string_equal(a->name, "target.example.com");
	assert_string_equal(a->cnames[0], "target.example.com");
	al_source_release(src, a);
	assert_int_equal(al_source_lookup(src, "loop1.example.com", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->rcode, AL_RCODE_ERROR);
	assert_non_null(strstr(a->detail, "CNAME loop"));
	al_source_release(src, a);
	/* outside the zone and below a delegation: not answered */
	assert_false(al_source_covers(src, "example.org"));
	assert_false(al_source_covers(src, "www.sub.example.com"));
	assert_true(al_source_covers(src, "sub.example.com"));
	assert_int_equal(al_source_lookup(src, "example.org", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->rcode, AL_RCODE_NOT_QUERIED);
	al_source_release(src, a);
	/* a multi-line record with its comment */
	assert_int_equal(al_source_lookup(src, "multi.example.com", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->count, 1);
	assert_int_equal(a->rrs[0].location.line, 17);
	unsigned long line = 0, col = 0;
	assert_true(al_zone_locate(z, &a->rrs[0], 0, &line, &col));
	assert_int_equal(line, 17);
	assert_int_equal(col, 17); /* the o of "one" */
	assert_true(al_zone_locate(z, &a->rrs[0], 4, &line, &col));
	assert_int_equal(line, 18);
	assert_int_equal(col, 4); /* the w of "two" after a tab and a quote */
	assert_false(al_zone_locate(z, &a->rrs[0], 99, &line, &col));
	al_source_release(src, a);
	al_source_free(src);
	al_zone_free(z);
}

static bool collect_names(void *ud, const char *name, uint64_t types)
{
	char *buf = ud;
	(void)types;
	strcat(buf, name);
	strcat(buf, " ");
	return true;
}

/* A wildcard is found whether it was read before or after the name it sits
 * below (which marks that name as holding one), also below the root. */
static void test_wildcard_order(void **state)
{
	(void)state;
	static const char text[] = "$ORIGIN example.\n"
				   "@ SOA ns hm 1 2 3 4 5\n"
				   "after A 192.0.2.1\n"
				   "*.after TXT \"after\"\n"
				   "*.before TXT \"before\"\n"
				   "before A 192.0.2.2\n"
				   "x.ent TXT \"x\"\n"
				   "*.ent TXT \"ent\"\n"
				   "none A 192.0.2.3\n"
				   "y.none A 192.0.2.4\n";
	al_zone *z = load_text(text, NULL);
	al_source *src;
	assert_int_equal(al_source_new_zone(&src, z), AL_OK);
	static const struct {
		const char *name, *wildcard;
	} cases[] = {
		{"q.after.example", "*.after.example"},
		{"q.r.before.example", "*.before.example"},
		{"q.ent.example", "*.ent.example"},
		{"q.none.example", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const al_answer *a;
		assert_int_equal(al_source_lookup(src, cases[i].name, AL_TYPE_TXT, &a), AL_OK);
		if (cases[i].wildcard != NULL) {
			assert_int_equal(a->rcode, AL_RCODE_NOERROR);
			assert_int_equal(a->count, 1);
			assert_string_equal(a->wildcard, cases[i].wildcard);
		} else {
			assert_int_equal(a->rcode, AL_RCODE_NXDOMAIN);
			assert_null(a->wildcard);
		}
		al_source_release(src, a);
	}
	al_source_free(src);
	al_zone_free(z);

	/* the root's wildcard: the root is not marked by its children */
	z = load_text(". TXT \"root\"\n*. TXT \"wild\"\nname. A 192.0.2.5\n", ".");
	assert_int_equal(al_source_new_zone(&src, z), AL_OK);
	const al_answer *a;
	assert_int_equal(al_source_lookup(src, "other", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->rcode, AL_RCODE_NOERROR);
	assert_int_equal(a->count, 1);
	assert_string_equal(a->wildcard, "*");
	al_source_release(src, a);
	assert_int_equal(al_source_lookup(src, "name", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->rcode, AL_RCODE_NOERROR);
	assert_int_equal(a->count, 0);
	al_source_release(src, a);
	al_source_free(src);
	al_zone_free(z);
}

static void test_order_and_types(void **state)
{
	(void)state;
	al_zone *z = load_text("b.example. 60 IN TXT \"1\"\na.example. 60 IN A 192.0.2.1\n"
			       "b.example. 60 IN MX 10 a.example.\n", NULL);
	char names[256] = "";
	al_zone_foreach_name(z, collect_names, names);
	assert_string_equal(names, "b.example a.example ");
	assert_int_equal(al_zone_record_count(z), 3);
	/* no SOA and no origin: the zone covers what is at or below its names */
	al_source *src;
	assert_int_equal(al_source_new_zone(&src, z), AL_OK);
	assert_true(al_source_covers(src, "x.b.example"));
	assert_false(al_source_covers(src, "c.example"));
	al_source_free(src);
	al_zone_free(z);
}

static void test_escapes_and_columns(void **state)
{
	(void)state;
	al_zone *z = load_text("e.example. 60 IN TXT \"a\\\"b\\065c\" x\\ y\n", NULL);
	al_source *src;
	assert_int_equal(al_source_new_zone(&src, z), AL_OK);
	const al_answer *a;
	assert_int_equal(al_source_lookup(src, "e.example", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->count, 1);
	/* strings: a"bAc (5) and "x y" (3) */
	assert_int_equal(a->rrs[0].rdlength, 1 + 5 + 1 + 3);
	assert_memory_equal(a->rrs[0].rdata, "\005a\"bAc\003x y", 10);
	unsigned long line, col;
	assert_true(al_zone_locate(z, &a->rrs[0], 2, &line, &col)); /* the b after \" */
	assert_int_equal(col, 26);
	assert_true(al_zone_locate(z, &a->rrs[0], 3, &line, &col)); /* the A of \065 */
	assert_int_equal(col, 27);
	assert_true(al_zone_locate(z, &a->rrs[0], 5, &line, &col)); /* the x */
	assert_int_equal(col, 34);
	al_source_release(src, a);
	al_source_free(src);
	al_zone_free(z);
}

static bool has_problem(const al_zone *z, al_zone_problem_kind kind, unsigned long line, const char *needle)
{
	for (size_t i = 0; i < al_zone_problem_count(z); i++) {
		const al_zone_problem *p = al_zone_problem_at(z, i);
		if (p->kind == kind && (line == 0 || p->line == line) &&
		    (needle == NULL || strstr(p->message, needle) != NULL))
			return true;
	}
	return false;
}

static void test_problems(void **state)
{
	(void)state;
	char label[80];
	memset(label, 'a', 64);
	label[64] = '\0';
	char text[1024];
	snprintf(text, sizeof(text),
		 "ok1.example. 60 IN TXT \"fine\"\n"
		 "bad.example. 60 IN MX mail.example.\n"
		 "unclosed.example. 60 IN TXT \"no end\n"
		 "%s.example. 60 IN TXT \"long label\"\n"
		 "ok2.example. 60 IN TXT \"still read\"\n"
		 "tail.example. 60 IN TXT \"end\"\n",
		 label);
	size_t len = strlen(text);
	/* put the NUL back that snprintf stopped at: binary junk in the middle of a line */
	al_zone_options o = {0};
	al_zone *z = NULL;
	assert_int_equal(al_zone_new(&z, &o), AL_OK);
	al_error err;
	char junk[] = "x.example. 60 IN TXT \"\x1b[2J\x01\xff\"\n\x00\x00garbage\n";
	assert_int_equal(al_zone_load_text(z, "<test>", text, len, &err), AL_OK);
	assert_int_equal(al_zone_load_text(z, "<junk>", junk, sizeof(junk) - 1, &err), AL_OK);
	assert_true(has_problem(z, AL_ZONE_PROBLEM_SYNTAX, 2, NULL));
	assert_true(has_problem(z, AL_ZONE_PROBLEM_LABEL_TOO_LONG, 4, NULL) ||
		    has_problem(z, AL_ZONE_PROBLEM_SYNTAX, 4, NULL));
	assert_true(al_zone_problem_count(z) >= 2);
	/* what followed the errors was read */
	al_source *src;
	assert_int_equal(al_source_new_zone(&src, z), AL_OK);
	const al_answer *a;
	assert_int_equal(al_source_lookup(src, "ok1.example", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->count, 1);
	al_source_release(src, a);
	al_source_free(src);
	al_zone_free(z);
}

static void test_long_string(void **state)
{
	(void)state;
	char text[1024];
	char big[301];
	memset(big, 'x', 300);
	big[300] = '\0';
	snprintf(text, sizeof(text), "l.example. 60 IN TXT \"%s\"\nm.example. 60 IN TXT \"%.255s\" \"%.45s\"\n",
		 big, big, big);
	al_zone *z = load_text(text, NULL);
	assert_true(has_problem(z, AL_ZONE_PROBLEM_STRING_TOO_LONG, 1, "300 octets"));
	/* two strings of 255 and 45 written as such are fine */
	assert_false(has_problem(z, AL_ZONE_PROBLEM_STRING_TOO_LONG, 2, NULL));
	al_zone_free(z);
}

static void test_includes(void **state)
{
	(void)state;
	write_tmp("inc.zone", "inc IN TXT \"included\"\n");
	write_tmp("loop-a.zone", "$INCLUDE loop-b.zone\na IN TXT \"a\"\n");
	write_tmp("loop-b.zone", "$INCLUDE loop-a.zone\nb IN TXT \"b\"\n");
	const char *main_path = write_tmp("main.zone",
					  "$ORIGIN example.net.\n"
					  "@ IN SOA ns hm 1 2 3 4 5\n"
					  "$INCLUDE inc.zone\n"
					  "$INCLUDE missing.zone\n"
					  "$INCLUDE loop-a.zone\n"
					  "after IN TXT \"after\"\n");
	al_zone *z = NULL;
	al_zone_options o = {0};
	assert_int_equal(al_zone_new(&z, &o), AL_OK);
	al_error err;
	assert_int_equal(al_zone_load_file(z, main_path, &err), AL_OK);
	assert_true(has_problem(z, AL_ZONE_PROBLEM_UNREADABLE, 4, "missing.zone"));
	assert_true(has_problem(z, AL_ZONE_PROBLEM_INCLUDE_LOOP, 1, "already being read"));
	al_source *src;
	assert_int_equal(al_source_new_zone(&src, z), AL_OK);
	const al_answer *a;
	assert_int_equal(al_source_lookup(src, "inc.example.net", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->count, 1);
	assert_non_null(strstr(a->rrs[0].location.file, "inc.zone"));
	assert_int_equal(a->rrs[0].location.line, 1);
	al_source_release(src, a);
	assert_int_equal(al_source_lookup(src, "after.example.net", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->count, 1);
	assert_int_equal(a->rrs[0].location.line, 6);
	al_source_release(src, a);
	assert_int_equal(al_source_lookup(src, "b.example.net", AL_TYPE_TXT, &a), AL_OK);
	assert_int_equal(a->count, 1);
	al_source_release(src, a);
	al_source_free(src);
	/* an unreadable file is a problem too, and the status says so */
	assert_int_equal(al_zone_load_file(z, "/nonexistent/x.zone", &err), AL_EIO);
	assert_true(has_problem(z, AL_ZONE_PROBLEM_UNREADABLE, 0, "No such file"));
	assert_int_equal(al_zone_load_file(z, dir, &err), AL_EIO);
	assert_true(has_problem(z, AL_ZONE_PROBLEM_UNREADABLE, 0, "directory"));
	al_zone_free(z);
}

/* Devices, FIFOs and directories are refused before anything is read from them
 * (libzscanner alone reads /dev/zero until memory runs out and waits on a FIFO),
 * and a file over the size limit is not read; each is a problem naming the file. */
static void test_unread_inputs(void **state)
{
	(void)state;
	char fifo[512];
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	char big[600];
	memset(big, 0, sizeof(big));
	for (size_t i = 0; i < 10; i++)
		strcat(big, "x.example.org. 60 IN TXT \"some text to make it long\"\n");
	write_tmp("big.zone", big);
	const char *main_path = write_tmp("dev.zone", "$ORIGIN example.org.\n"
						      "@ IN SOA ns hm 1 2 3 4 5\n"
						      "$INCLUDE /dev/zero\n"
						      "$INCLUDE fifo\n"
						      "$INCLUDE big.zone\n"
						      "after IN TXT \"after\"\n");
	al_zone_options o = {0};
	o.max_file_bytes = 300;
	al_zone *z = NULL;
	assert_int_equal(al_zone_new(&z, &o), AL_OK);
	al_error err;
	assert_int_equal(al_zone_load_file(z, main_path, &err), AL_OK);
	assert_true(has_problem(z, AL_ZONE_PROBLEM_UNREADABLE, 3, "$INCLUDE /dev/zero: not a regular file"));
	assert_true(has_problem(z, AL_ZONE_PROBLEM_UNREADABLE, 4, "fifo: not a regular file"));
	assert_true(has_problem(z, AL_ZONE_PROBLEM_LIMIT, 5,
				"big.zone: larger than 300 bytes, the limit for a zone file"));
	/* the rest of the including file is read */
	assert_int_equal(al_zone_record_count(z), 2);
	/* the same as the file given */
	assert_int_equal(al_zone_load_file(z, "/dev/zero", &err), AL_EIO);
	assert_true(has_problem(z, AL_ZONE_PROBLEM_UNREADABLE, 0, "not a regular file"));
	assert_int_equal(al_zone_load_file(z, fifo, &err), AL_EIO);
	snprintf(fifo, sizeof(fifo), "%s/big.zone", dir);
	assert_int_equal(al_zone_load_file(z, fifo, &err), AL_ELIMIT);
	assert_non_null(strstr(err.message, "big.zone: larger than 300 bytes, the limit for a zone file"));
	assert_int_equal(al_zone_record_count(z), 2);
	/* standard input is the caller's: "-" is a file of that name (there is none here) */
	assert_int_equal(al_zone_load_file(z, "-", &err), AL_EIO);
	assert_non_null(strstr(err.message, "-: No such file"));
	/* what the caller could not read itself is reported the same way */
	assert_int_equal(al_zone_add_unread(z, "<stdin>", AL_ZONE_PROBLEM_LIMIT, "larger than 1 GiB"), AL_OK);
	const al_zone_problem *last = al_zone_problem_at(z, al_zone_problem_count(z) - 1);
	assert_string_equal(last->file, "<stdin>");
	assert_string_equal(last->message, "larger than 1 GiB");
	assert_int_equal(al_zone_add_unread(z, "<stdin>", AL_ZONE_PROBLEM_STRING_TOO_LONG, "x"), AL_EINVAL);
	al_zone_free(z);
}

static void test_limits(void **state)
{
	(void)state;
	al_zone_options o = {0};
	o.max_records = 2;
	al_zone *z = NULL;
	assert_int_equal(al_zone_new(&z, &o), AL_OK);
	const char *t = "a.example. 60 IN TXT \"1\"\nb.example. 60 IN TXT \"2\"\nc.example. 60 IN TXT \"3\"\n";
	al_error err;
	al_zone_load_text(z, "<t>", t, strlen(t), &err);
	assert_int_equal(al_zone_record_count(z), 2);
	assert_true(has_problem(z, AL_ZONE_PROBLEM_LIMIT, 3, NULL));
	al_zone_free(z);
	/* thousands of errors: reading goes on, the list is bounded and says what it left out */
	size_t n = 3000;
	char *bad = malloc(n * 32);
	bad[0] = '\0';
	for (size_t i = 0; i < n; i++)
		strcat(bad, "x.example. 60 IN MX bad\n");
	assert_int_equal(al_zone_new(&z, NULL), AL_OK);
	al_zone_load_text(z, "<many>", bad, strlen(bad), &err);
	assert_int_equal(al_zone_problem_count(z), 1000);
	assert_true(has_problem(z, AL_ZONE_PROBLEM_LIMIT, 0, "2001 more problems"));
	free(bad);
	al_zone_free(z);
}

/* Everything a store holds, as text: its names in order with their flags and
 * records (file, line, offset, comment, RDATA), the problems and origins. */
static char *dump_store(const al_zone *z)
{
	char *text = NULL;
	size_t length = 0;
	FILE *f = open_memstream(&text, &length);
	assert_non_null(f);
	fprintf(f, "records %zu names %zu nodes %zu cuts %zu comments %zu\n", al_zone_record_count(z),
		al_zone_name_count(z), z->count, z->cut_count, z->comment_count);
	for (size_t i = 0; i < al_zone_name_count(z); i++) {
		const znode *n = z->ordered[i];
		char name[AL_NAME_MAX];
		uint64_t types;
		assert_true(al_zone_name_at(z, i, name, &types));
		assert_ptr_equal(al_zone_find(z, n->wire, n->wire_length), n);
		fprintf(f, "%s %llx %u %u\n", name, (unsigned long long)types, n->flags, n->order);
		for (const zrr *r = n->rrs; r != NULL; r = r->next) {
			const char *c = al_zone_comment(z, r);
			fprintf(f, "  %u %u %s:%u @%u [%s] ", r->type, r->ttl, al_zone_file_label(z, r), r->line, r->offset,
				c ? c : "-");
			for (size_t k = 0; k < r->rdlength; k++)
				fprintf(f, "%02x", r->rdata[k]);
			fputc('\n', f);
		}
	}
	for (size_t i = 0; i < al_zone_problem_count(z); i++) {
		const al_zone_problem *p = al_zone_problem_at(z, i);
		fprintf(f, "problem %d %s:%lu %s %s\n", (int)p->kind, p->file, p->line, p->owner ? p->owner : "-",
			p->message);
	}
	for (size_t i = 0; i < al_zone_origin_count(z); i++)
		fprintf(f, "origin %s\n", al_zone_origin_at(z, i));
	fclose(f);
	return text;
}

/* @p piped: through the pipe (@p threads 1: in batches on this thread; 0: on a
 * thread of its own, with two processors); else record by record */
static char *load_dump(const char *path, bool piped, unsigned threads, size_t max_records)
{
	al_zone_options o = {0};
	o.threads = threads;
	o.max_records = max_records;
	al_zone *z = NULL;
	assert_int_equal(al_zone_new(&z, &o), AL_OK);
	z->pipe_from = piped ? 0 : SIZE_MAX;
	al_error err;
	assert_int_equal(al_zone_load_file(z, path, &err), AL_OK);
	char *d = dump_store(z);
	al_zone_free(z);
	return d;
}

/* A file stored through the pipe (zone_pipe.c), on a second thread while it is
 * scanned or in batches, gives the store that storing each record as it is read
 * gives: the same names in the same order, the same records, comments,
 * problems and origins; the record limit stops all three at the same place. */
static void test_pipe_same_store(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/inc-pipe.zone", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 3000; i++)
		fprintf(f, "Inc%d IN TXT \"v=spf1 ip4:192.0.2.%d -all\" ; authlint: ignore SPF001 %d\n", i, i % 256, i);
	fclose(f);
	char big[600];
	memset(big, 'x', 300);
	big[300] = '\0';
	snprintf(path, sizeof(path), "%s/pipe.zone", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "$ORIGIN Example.ORG.\n$TTL 600\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\n");
	for (int i = 0; i < 40000; i++) {
		switch (i % 10) {
		case 0:
			fprintf(f, "Host%d.Sub%d IN A 192.0.2.%d\n", i, i % 97, i % 256);
			break;
		case 1:
			fprintf(f, "host%d.sub%d 300 IN TXT \"v=spf1 a -all\" ; authlint: ignore SPF002 why %d\n", i - 1,
				(i - 1) % 97, i);
			break;
		case 2:
			fprintf(f, "_dmarc.host%d.sub%d IN TXT ( \"v=DMARC1; p=none;\"\n\t\" rua=mailto:d@example.org\" )\n",
				i - 2, (i - 2) % 97);
			break;
		case 3:
			fprintf(f, "s%d._domainkey.Host%d.sub%d IN TXT \"v=DKIM1; p=\" ; a comment\n", i, i - 3, (i - 3) % 97);
			break;
		case 4:
			fprintf(f, "host%d.sub%d IN DS 1 8 2 ABCDEF01 ; authlint: ignore DNS001 not kept\n", i - 4,
				(i - 4) % 97);
			break;
		case 5:
			if (i % 1000 == 5)
				fprintf(f, "bad%d IN MX nonsense\n", i);
			else if (i % 1000 == 15)
				fprintf(f, "long%d IN TXT \"%s\"\n", i, big);
			else
				fprintf(f, "deleg%d IN NS ns.elsewhere.example.\n", i);
			break;
		case 6:
			fprintf(f, "                IN MX 10 mx%d\n", i);
			break;
		case 7:
			if (i % 5000 == 7)
				fprintf(f, "$INCLUDE %s/inc-pipe.zone inc%d\n", dir, i);
			else
				fprintf(f, "mx%d IN AAAA 2001:db8::%x\n", i - 1, i);
			break;
		case 8:
			if (i % 8000 == 8)
				fprintf(f, "$TTL %d\n", 100 + i);
			fprintf(f, "*.w%d IN TXT \"wild\"\n", i);
			break;
		default:
			fprintf(f, "; a comment line\n\nalias%d IN CNAME host%d.sub%d\n", i, i - 9, (i - 9) % 97);
			break;
		}
	}
	fprintf(f, "$ORIGIN other.example.\n@ IN SOA ns hm 1 2 3 4 5\nlast IN TXT \"v=spf1 -all\"\n");
	fclose(f);
	const size_t limits[] = {0, 12345, 41000};
	for (size_t k = 0; k < sizeof(limits) / sizeof(limits[0]); k++) {
		char *direct = load_dump(path, false, 0, limits[k]);
		char *batches = load_dump(path, true, 1, limits[k]);
		char *threaded = load_dump(path, true, 0, limits[k]);
		assert_true(strlen(direct) > 100000);
		assert_string_equal(direct, batches);
		assert_string_equal(direct, threaded);
		free(direct);
		free(batches);
		free(threaded);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_order_and_types),
		cmocka_unit_test(test_wildcard_order),
		cmocka_unit_test(test_escapes_and_columns),
		cmocka_unit_test(test_problems),
		cmocka_unit_test(test_long_string),
		cmocka_unit_test(test_includes),
		cmocka_unit_test(test_unread_inputs),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_pipe_same_store),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
