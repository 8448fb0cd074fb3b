/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bounce catalog (data/bounces.yaml, data/bulk-senders.yaml): every entry
 * sourced and documented, every source quote finding its own entry (as text,
 * wrapped as SMTP servers wrap it, and inside a DSN), the precedence rule,
 * and no cause for a bounce the catalog does not know. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

#include <authlint/bounce.h>
#include <authlint/message.h>

static al_bounce_catalog *catalog;

static int setup(void **state)
{
	(void)state;
	al_error err = {0};
	if (al_bounce_catalog_load(&catalog, &err) != AL_OK) {
		fprintf(stderr, "%s\n", err.message);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	al_bounce_catalog_free(catalog);
	return 0;
}

static const char *source_root(void)
{
	const char *root = getenv("AUTHLINT_SOURCE_ROOT");
	return root ? root : ".";
}

static char *read_text(const char *path)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	long n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static bool in_list(const char *const *list, const char *v)
{
	for (size_t i = 0; v != NULL && list[i] != NULL; i++)
		if (strcmp(list[i], v) == 0)
			return true;
	return false;
}

static bool is_date(const char *s)
{
	return s != NULL && strlen(s) == 10 && s[4] == '-' && s[7] == '-';
}

static const al_bounce_entry *match(const char *status, const char *text, const char *hint, al_bounce_how *how)
{
	al_bounce_query q = {.status = status, .text = text, .hint = hint};
	al_bounce_match m;
	bool ok = al_bounce_catalog_match(catalog, &q, &m);
	assert_int_equal(ok, m.entry != NULL);
	assert_int_equal(ok, m.how != AL_BOUNCE_NONE);
	if (how)
		*how = m.how;
	return m.entry;
}

/* Every entry names its receiver, source and date, and a verdict and a who
 * from the documented sets, each documented at the head of the file. */
static void every_entry_sourced(void **state)
{
	(void)state;
	char path[4096];
	snprintf(path, sizeof(path), "%s/data/bounces.yaml", source_root());
	char *yaml = read_text(path);
	assert_true(al_bounce_catalog_count(catalog) >= 31);
	for (size_t i = 0; i < al_bounce_catalog_count(catalog); i++) {
		const al_bounce_entry *e = al_bounce_catalog_at(catalog, i);
		assert_non_null(e->receiver);
		assert_non_null(e->source);
		assert_memory_equal(e->source, "https://", 8);
		assert_true(is_date(e->retrieved));
		assert_non_null(e->quote);
		assert_non_null(e->match);
		assert_non_null(e->cause);
		assert_non_null(e->fix);
		assert_true(in_list(al_bounce_verdicts(), e->verdict));
		assert_true(strcmp(e->who, "dns-owner") == 0 || strcmp(e->who, "sending-service") == 0 ||
			    strcmp(e->who, "nobody") == 0);
		assert_ptr_equal(al_bounce_catalog_find(catalog, e->id), e);
	}
	assert_null(al_bounce_catalog_at(catalog, al_bounce_catalog_count(catalog)));
	/* each verdict is documented at the head of the file, and used */
	for (const char *const *v = al_bounce_verdicts(); *v != NULL; v++) {
		char line[128];
		snprintf(line, sizeof(line), "\n#   %s ", *v);
		assert_non_null(strstr(yaml, line));
		bool used = false;
		for (size_t i = 0; i < al_bounce_catalog_count(catalog); i++)
			used |= strcmp(al_bounce_catalog_at(catalog, i)->verdict, *v) == 0;
		assert_true(used);
	}
	free(yaml);
	for (size_t i = 0; i < al_bounce_catalog_receiver_count(catalog); i++) {
		const al_bounce_receiver *r = al_bounce_catalog_receiver_at(catalog, i);
		assert_memory_equal(r->source, "https://", 8);
		assert_true(is_date(r->retrieved));
	}
}

static void every_requirement_sourced(void **state)
{
	(void)state;
	char path[4096];
	snprintf(path, sizeof(path), "%s/data/bulk-senders.yaml", source_root());
	char *yaml = read_text(path);
	size_t n = al_bounce_catalog_requirement_count(catalog);
	assert_true(n >= 30);
	bool gmail_dmarc = false, outlook_dkim = false, yahoo_unsubscribe = false;
	for (size_t i = 0; i < n; i++) {
		const al_bulk_requirement *q = al_bounce_catalog_requirement_at(catalog, i);
		assert_memory_equal(q->source, "https://", 8);
		assert_true(is_date(q->retrieved));
		assert_true(in_list(al_bulk_requirement_names(), q->requirement));
		assert_non_null(q->detail);
		assert_non_null(q->threshold);
		if (strcmp(q->id, "gmail-bulk-dmarc") == 0) {
			gmail_dmarc = true;
			assert_true(q->bulk);
			assert_false(q->recommended);
			assert_int_equal(q->per_day, 5000);
			assert_string_equal(q->since, "2024-02-01");
		}
		if (strcmp(q->id, "outlook-bulk-dkim") == 0) {
			outlook_dkim = true;
			assert_string_equal(q->receiver, "outlook.com");
			assert_int_equal(q->per_day, 5000);
		}
		if (strcmp(q->id, "yahoo-bulk-one-click-unsubscribe") == 0) {
			yahoo_unsubscribe = true;
			assert_int_equal(q->per_day, 0); /* Yahoo publishes no count */
		}
	}
	assert_true(gmail_dmarc && outlook_dkim && yahoo_unsubscribe);
	assert_null(al_bounce_catalog_requirement_at(catalog, n));
	for (const char *const *v = al_bulk_requirement_names(); *v != NULL; v++) {
		char line[128];
		snprintf(line, sizeof(line), "\n#   %s ", *v);
		assert_non_null(strstr(yaml, line));
	}
	free(yaml);
}

/* The source's words find their own entry: as quoted, and wrapped the way
 * servers wrap a multi-line reply ("550-5.7.26 ..." continuation lines). */
static void every_quote_finds_its_entry(void **state)
{
	(void)state;
	for (size_t i = 0; i < al_bounce_catalog_count(catalog); i++) {
		const al_bounce_entry *e = al_bounce_catalog_at(catalog, i);
		al_bounce_how how;
		const al_bounce_entry *got = match(e->status, e->quote, NULL, &how);
		if (got != e)
			fail_msg("%s: quote matched %s", e->id, got ? got->id : "nothing");
		assert_int_equal(how, AL_BOUNCE_BY_TEXT);
		/* and its other wordings, each with a published source */
		for (size_t j = 0; j < e->also_count; j++) {
			assert_memory_equal(e->also[j].source, "https://", 8);
			got = match(e->status, e->also[j].quote, NULL, &how);
			if (got != e)
				fail_msg("%s: quote %zu matched %s", e->id, j, got ? got->id : "nothing");
		}

		/* wrapped: a continuation prefix after every fourth word */
		char wrapped[4096];
		size_t o = 0, words = 0;
		unsigned code = e->smtp ? e->smtp : 550;
		o += (size_t)snprintf(wrapped, sizeof(wrapped), "%u-%s ", code, e->status);
		for (const char *p = e->quote; *p != '\0' && o < sizeof(wrapped) - 64; p++) {
			wrapped[o++] = *p;
			if (*p == ' ' && ++words % 4 == 0)
				o += (size_t)snprintf(wrapped + o, sizeof(wrapped) - o, "\r\n%u-%s ", code, e->status);
		}
		o += (size_t)snprintf(wrapped + o, sizeof(wrapped) - o, "\r\n%u %s x1y2 - gsmtp", code, e->status);
		/* and the status read from the text, not given */
		got = match(NULL, wrapped, NULL, &how);
		if (got != e)
			fail_msg("%s: wrapped quote matched %s", e->id, got ? got->id : "nothing");
	}
}

/* Bounces as receivers send them, with the placeholders filled in. */
static void real_texts(void **state)
{
	(void)state;
	const al_bounce_entry *e;
	e = match("5.7.26",
		  "smtp; 550-5.7.26 Unauthenticated email from example.com is not accepted due to\n"
		  " 550-5.7.26 domain's DMARC policy. Contact the administrator of example.com\n"
		  " 550 5.7.26 domain if this was legitimate email. 5a6si1 - gsmtp",
		  "bob@gmail.com", NULL);
	assert_non_null(e);
	assert_string_equal(e->id, "gmail-5.7.26-dmarc");
	assert_string_equal(e->verdict, "dmarc-policy");
	assert_string_equal(e->who, "dns-owner");

	e = match("5.7.26",
		  "550-5.7.26 This mail has been blocked because the sender is unauthenticated. "
		  "550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.",
		  NULL, NULL);
	assert_string_equal(e->id, "gmail-5.7.26-unauthenticated");

	e = match("5.7.26",
		  "550 5.7.26 The MAIL FROM domain [example.com] has an SPF record with a hard fail policy (-all) "
		  "but it fails to pass SPF checks with the ip: [192.0.2.25].",
		  NULL, NULL);
	assert_string_equal(e->id, "gmail-5.7.26-spf-hardfail");
	assert_string_equal(e->verdict, "spf-fail");

	e = match("5.7.515",
		  "550; 5.7.515 Access denied, sending domain [EXAMPLE.COM] does not meet the required "
		  "authentication level.",
		  "bob@hotmail.com", NULL);
	assert_string_equal(e->id, "outlook-5.7.515");
	assert_string_equal(e->verdict, "bulk-requirements");

	e = match("5.7.509",
		  "Remote server returned '550 5.7.509 Access denied, sending domain example.com does not pass "
		  "DMARC verification and has a DMARC policy of reject.'",
		  NULL, NULL);
	assert_string_equal(e->id, "m365-5.7.509");

	e = match("5.7.9 (delivery not authorized)", "554 5.7.9: Message not accepted for policy reasons", NULL,
		  NULL);
	assert_string_equal(e->id, "yahoo-5.7.9");

	/* Gmail's 2024 numbering gave DKIM 5.7.28; its IP-rate 5.7.28 is not authentication */
	e = match("5.7.28", "550-5.7.28 This mail has been blocked because DKIM does not pass. 550-5.7.28 Gmail "
			    "requires all large senders to authenticate with DKIM.",
		  NULL, NULL);
	assert_string_equal(e->id, "gmail-5.7.28-dkim");
	assert_null(match("5.7.28", "550 5.7.28 There is an unusual rate of unsolicited email originating from your "
				    "IP address.",
			  "gmail.com", NULL));
	e = match("5.7.26", "550-5.7.26 This mail is unauthenticated, which poses a security risk to the\n"
			    "550-5.7.26 sender and Gmail users, and has been blocked. The sender must\n"
			    "550 5.7.26 authenticate with at least one of SPF or DKIM. x - gsmtp",
		  NULL, NULL);
	assert_string_equal(e->id, "gmail-5.7.26-unauthenticated");

	/* curly apostrophes, as some copies of the texts have them */
	e = match("5.7.30",
		  "550 5.7.30 This message was blocked because it didn\xe2\x80\x99t pass DKIM authentication.",
		  NULL, NULL);
	assert_string_equal(e->id, "gmail-5.7.30");
}

/* A text match beats a status alone, listed first or not; the hinted
 * receiver's entry beats another's; a status alone needs a known receiver. */
static void precedence(void **state)
{
	(void)state;
	char bounces[4096], bulk[4096];
	snprintf(bounces, sizeof(bounces), "%s/tests/data/bounces/precedence.yaml", source_root());
	snprintf(bulk, sizeof(bulk), "%s/tests/data/bounces/precedence-bulk.yaml", source_root());
	al_bounce_catalog *c = NULL;
	al_error err = {0};
	assert_int_equal(al_bounce_catalog_load_files(bounces, bulk, &c, &err), AL_OK);
	assert_int_equal(al_bounce_catalog_count(c), 3);
	assert_int_equal(al_bounce_catalog_requirement_count(c), 1);

	al_bounce_match m;
	al_bounce_query q = {.status = "5.7.250", .text = "550 5.7.250 No DKIM signature passed", .hint = "alpha.test"};
	assert_true(al_bounce_catalog_match(c, &q, &m));
	assert_string_equal(m.entry->id, "alpha-text");
	assert_int_equal(m.how, AL_BOUNCE_BY_TEXT);
	assert_true(m.receiver_known);

	/* the same text from beta (its marker): beta's entry, though alpha's is first */
	q.text = "550 5.7.250 No DKIM signature passed (beta-mx)";
	q.hint = NULL;
	assert_true(al_bounce_catalog_match(c, &q, &m));
	assert_string_equal(m.entry->id, "beta-text");
	assert_true(m.receiver_known);

	/* no receiver known: file order */
	q.text = "550 5.7.250 No DKIM signature passed";
	assert_true(al_bounce_catalog_match(c, &q, &m));
	assert_string_equal(m.entry->id, "alpha-text");
	assert_false(m.receiver_known);

	/* no text match: the status alone, at alpha only */
	q.text = "550 5.7.250 something else entirely";
	q.hint = "mx1.alpha.test.";
	assert_true(al_bounce_catalog_match(c, &q, &m));
	assert_string_equal(m.entry->id, "alpha-alone");
	assert_int_equal(m.how, AL_BOUNCE_BY_STATUS);
	q.hint = "bob@notalpha.test";
	assert_false(al_bounce_catalog_match(c, &q, &m));
	assert_int_equal(m.how, AL_BOUNCE_NONE);
	assert_null(m.entry);
	q.hint = NULL;
	assert_false(al_bounce_catalog_match(c, &q, &m));
	al_bounce_catalog_free(c);
}

/* The same with the real data: Gmail's 5.7.27 is SPF at Gmail, and nothing
 * known elsewhere (RFC 7505 gives X.7.27 to a null MX). */
static void status_alone_needs_the_receiver(void **state)
{
	(void)state;
	al_bounce_how how;
	const al_bounce_entry *e = match("5.7.27", "550 5.7.27 rejected", "bob@gmail.com", &how);
	assert_non_null(e);
	assert_string_equal(e->id, "gmail-5.7.27");
	assert_int_equal(how, AL_BOUNCE_BY_STATUS);
	e = match("5.7.27", "550 5.7.27 rejected 12si3 - gsmtp", NULL, &how);
	assert_non_null(e);
	assert_string_equal(e->id, "gmail-5.7.27");
	assert_null(match("5.7.27", "550 5.7.27 Sender address has null MX", NULL, NULL));
	assert_null(match("5.7.27", "550 5.7.27 Sender address has null MX", "bob@example.org", NULL));
	/* not a suffix at a label boundary */
	assert_null(match("5.7.27", "550 5.7.27 rejected", "bob@notgmail.com", NULL));
}

/* Unknown bounces get no cause. */
static void unknown_gets_nothing(void **state)
{
	(void)state;
	assert_null(match("5.7.1", "550 5.7.1 Message rejected", "bob@gmail.com", NULL));
	assert_null(match("5.1.1", "550-5.1.1 The email account that you tried to reach does not exist.", NULL,
			  NULL));
	/* Gmail's other meanings of 5.7.40 are not DMARC */
	assert_null(match("5.7.40", "504 5.7.40 Unrecognized authentication type. - gsmtp", "bob@gmail.com", NULL));
	assert_null(match("5.7.40", "504 5.7.40 XOAUTH is no longer supported.", "gmail.com", NULL));
	/* the right text with another status is not that entry */
	assert_null(match("5.7.1", "Unauthenticated email from example.com is not accepted due to domain's DMARC "
				   "policy", NULL, NULL));
	/* no status anywhere, or no usable one */
	assert_null(match(NULL, "This email has been blocked because the sender is unauthenticated.", NULL, NULL));
	assert_null(match("garbage", "blocked because the sender is unauthenticated", NULL, NULL));
	assert_null(match("", NULL, NULL, NULL));
	al_bounce_match m;
	assert_false(al_bounce_catalog_match(catalog, NULL, &m));
	assert_false(al_bounce_catalog_match(NULL, &(al_bounce_query){.status = "5.7.26"}, &m));
	assert_false(al_bounce_catalog_match(catalog, &(al_bounce_query){0}, NULL));
}

/* A hostile diagnostic text: long, with binary bytes and a NUL. Matching
 * reads a bounded prefix and still finds a pattern inside it. */
static void hostile_text(void **state)
{
	(void)state;
	size_t n = 4u << 20;
	char *text = malloc(n + 1);
	assert_non_null(text);
	static const char junk[] = "a \xff\x01\n-5.7.26";
	for (size_t i = 0; i < n; i++)
		text[i] = junk[i % (sizeof(junk) - 1)];
	text[n] = '\0';
	assert_null(match("5.7.26", text, "gmail.com", NULL));
	const char *quote = "550 5.7.26 This email has been blocked because the sender is unauthenticated.";
	memcpy(text, quote, strlen(quote));
	const al_bounce_entry *e = match("5.7.26", text, NULL, NULL);
	assert_non_null(e);
	assert_string_equal(e->id, "gmail-5.7.26-unauthenticated");
	/* past the bound, not read */
	memset(text, 'a', n);
	memcpy(text + AL_BOUNCE_MAX_TEXT + 10, quote, strlen(quote));
	assert_null(match("5.7.26", text, NULL, NULL));
	free(text);
	/* a NUL ends the text */
	assert_null(match("5.7.26", "550 5.7.26 \0This email has been blocked because the sender is unauthenticated.",
			  NULL, NULL));
}

static al_status load_bad(const char *yaml, char *message, size_t size)
{
	char path[] = "/tmp/authlint-bounce-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
	close(fd);
	char bulk[4096];
	snprintf(bulk, sizeof(bulk), "%s/tests/data/bounces/precedence-bulk.yaml", source_root());
	al_bounce_catalog *c = NULL;
	al_error err = {0};
	al_status st = al_bounce_catalog_load_files(path, bulk, &c, &err);
	snprintf(message, size, "%s", err.message);
	assert_null(c);
	unlink(path);
	return st;
}

#define RECEIVER                                                                                        \
	"receivers:\n  - id: alpha\n    name: Alpha\n    source: https://alpha.test/\n    retrieved: 2026-12-05\n"
#define ENTRY_HEAD "bounces:\n  - id: a\n    receiver: alpha\n    status: 5.7.250\n    quote: refused here\n"
#define ENTRY_TAIL "    cause: c\n    fix: f\n    who: nobody\n    source: https://alpha.test/\n"

/* A catalog that breaks the documented rules is refused with file and line. */
static void bad_catalogs(void **state)
{
	(void)state;
	char msg[1024];
	assert_int_equal(load_bad(RECEIVER ENTRY_HEAD "    match: refused\n    verdict: alpha-verdict\n" ENTRY_TAIL
				  "    retrieved: 2026-12-05\n",
				  msg, sizeof(msg)),
			 AL_ERULES);
	assert_non_null(strstr(msg, ":12: verdict outside the documented set: alpha-verdict"));
	/* no retrieved date */
	assert_int_equal(load_bad(RECEIVER ENTRY_HEAD "    match: refused\n    verdict: dkim-fail\n" ENTRY_TAIL, msg,
				  sizeof(msg)),
			 AL_ERULES);
	assert_non_null(strstr(msg, "has no 'retrieved'"));
	/* a pattern that misses its own quote */
	assert_int_equal(load_bad(RECEIVER ENTRY_HEAD "    match: accepted\n    verdict: dkim-fail\n" ENTRY_TAIL
				  "    retrieved: 2026-12-05\n",
				  msg, sizeof(msg)),
			 AL_ERULES);
	assert_non_null(strstr(msg, "does not match the entry's quote"));
	/* a pattern that does not compile */
	assert_int_equal(load_bad(RECEIVER ENTRY_HEAD "    match: 'refused ('\n    verdict: dkim-fail\n" ENTRY_TAIL
				  "    retrieved: 2026-12-05\n",
				  msg, sizeof(msg)),
			 AL_ERULES);
	assert_non_null(strstr(msg, "does not compile"));
	/* a source that is not a URL, an unknown key, a who outside the set */
	assert_int_equal(load_bad(RECEIVER ENTRY_HEAD "    match: refused\n    verdict: dkim-fail\n    cause: c\n"
						      "    fix: f\n    who: nobody\n    source: a blog\n"
						      "    retrieved: 2026-12-05\n",
				  msg, sizeof(msg)),
			 AL_ERULES);
	assert_non_null(strstr(msg, "source is not an https:// URL"));
	assert_int_equal(load_bad(RECEIVER ENTRY_HEAD "    match: refused\n    verdict: dkim-fail\n    guess: yes\n"
				  ENTRY_TAIL "    retrieved: 2026-12-05\n",
				  msg, sizeof(msg)),
			 AL_ERULES);
	assert_non_null(strstr(msg, "unknown key 'guess'"));
	assert_int_equal(load_bad(RECEIVER ENTRY_HEAD "    match: refused\n    verdict: dkim-fail\n    cause: c\n"
						      "    fix: f\n    who: the intern\n    source: https://alpha.test/\n"
						      "    retrieved: 2026-12-05\n",
				  msg, sizeof(msg)),
			 AL_ERULES);
	assert_non_null(strstr(msg, "who outside the documented set"));
	/* a status that is not an enhanced status code */
	assert_int_equal(load_bad(RECEIVER "bounces:\n  - id: a\n    receiver: alpha\n    status: 550\n"
					   "    quote: refused here\n    match: refused\n    verdict: dkim-fail\n" ENTRY_TAIL
					   "    retrieved: 2026-12-05\n",
				  msg, sizeof(msg)),
			 AL_ERULES);
	assert_non_null(strstr(msg, "status is not an enhanced status code"));
	/* a file that is not there */
	al_bounce_catalog *c = NULL;
	al_error err = {0};
	assert_int_equal(al_bounce_catalog_load_files("/nonexistent/bounces.yaml", NULL, &c, &err), AL_ENOENT);
	assert_null(c);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* tests/data/messages/bounce-<id>.eml: one DSN per entry, read with the
 * message parser; its Status: and Diagnostic-Code: find entry <id>. */
static void dsn_files(void **state)
{
	(void)state;
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/tests/data/messages", source_root());
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, by_name);
	assert_true(n > 0);
	size_t files = 0;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);
		if (strncmp(name, "bounce-", 7) != 0 || len < 12 || strcmp(name + len - 4, ".eml") != 0) {
			free(names[i]);
			continue;
		}
		char id[256];
		snprintf(id, sizeof(id), "%.*s", (int)(len - 11), name + 7);
		char path[4096 + 256];
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		char *data = read_text(path);
		al_message *msg = NULL;
		al_error err = {0};
		assert_int_equal(al_message_parse(data, strlen(data), NULL, &msg, &err), AL_OK);
		const al_message_facts *f = al_message_get_facts(msg);
		assert_true(f->is_bounce);
		assert_true(f->headers_found);
		assert_string_equal(f->from_domain, "example.com");
		const al_bounce_entry *want = al_bounce_catalog_find(catalog, id);
		if (want == NULL)
			fail_msg("%s: no entry %s", name, id);
		assert_string_equal(f->dsn_status, want->status);
		al_bounce_how how;
		const al_bounce_entry *got = match(f->dsn_status, f->dsn_diagnostic, NULL, &how);
		if (got != want)
			fail_msg("%s: matched %s", name, got ? got->id : "nothing");
		assert_int_equal(how, AL_BOUNCE_BY_TEXT);
		al_message_free(msg);
		free(data);
		free(names[i]);
		files++;
	}
	free(names);
	/* one per entry */
	assert_int_equal(files, al_bounce_catalog_count(catalog));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_entry_sourced),
		cmocka_unit_test(every_requirement_sourced),
		cmocka_unit_test(every_quote_finds_its_entry),
		cmocka_unit_test(real_texts),
		cmocka_unit_test(precedence),
		cmocka_unit_test(status_alone_needs_the_receiver),
		cmocka_unit_test(unknown_gets_nothing),
		cmocka_unit_test(hostile_text),
		cmocka_unit_test(bad_catalogs),
		cmocka_unit_test(dsn_files),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
