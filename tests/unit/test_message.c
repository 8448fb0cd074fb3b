/* SPDX-License-Identifier: GPL-3.0-or-later */
/* al_message_parse: what the receiver recorded, from a message, pasted
 * headers or a DSN bounce. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <authlint/message.h>

static al_message *parse(const char *text, const char *authserv_id)
{
	al_message *m = NULL;
	al_error err = {0};
	assert_int_equal(al_message_parse(text, strlen(text), authserv_id, &m, &err), AL_OK);
	assert_non_null(m);
	return m;
}

static const char folded[] =
	"Received: from a.example (a.example [192.0.2.7])\r\n"
	"\tby mx.r.example; Sat, 5 Dec 2026 06:00:00 +0000\r\n"
	"Authentication-Results: mx.r.example;\r\n"
	"  dmarc=fail header.from=example.com\r\n"
	"Authentication-Results: other.example; dmarc=pass\r\n"
	"Authentication-Results: mx.r.example; dmarc=pass (an older hop)\r\n"
	"From: =?UTF-8?B?QWxpY2U=?= <alice@Example.com>\r\n"
	"DKIM-Signature: v=1; d=example.com\r\n"
	"DKIM-Signature: v=1; d=esp.example\r\n"
	"ARC-Seal: i=1; cv=none\r\n"
	"\r\n"
	"body\r\n";

static void topmost_without_authserv_id(void **state)
{
	(void)state;
	al_message *m = parse(folded, NULL);
	const al_message_facts *f = al_message_get_facts(m);
	assert_int_equal(f->ar_choice, AL_AR_TOPMOST);
	assert_int_equal(f->ar_count, 3);
	assert_int_equal(f->ar_index, 0);
	assert_string_equal(f->ar_authserv_id, "mx.r.example");
	assert_string_equal(f->ar, "mx.r.example;  dmarc=fail header.from=example.com");
	assert_string_equal(f->connecting_ip, "192.0.2.7");
	assert_string_equal(f->from, "alice@Example.com");
	assert_string_equal(f->from_domain, "Example.com");
	assert_int_equal(f->from_count, 1);
	assert_int_equal(f->dkim_signatures, 2);
	assert_int_equal(f->arc_seals, 1);
	assert_false(f->is_bounce);
	assert_null(f->return_path);
	assert_null(f->received_spf);
	al_message_free(m);
}

static void authserv_id_picks_its_topmost(void **state)
{
	(void)state;
	al_message *m = parse(folded, "other.example");
	const al_message_facts *f = al_message_get_facts(m);
	assert_int_equal(f->ar_choice, AL_AR_AUTHSERV_ID);
	assert_int_equal(f->ar_index, 1);
	assert_string_equal(f->ar, "other.example; dmarc=pass");
	al_message_free(m);
	m = parse(folded, "absent.example");
	f = al_message_get_facts(m);
	assert_int_equal(f->ar_choice, AL_AR_NOT_FOUND);
	assert_null(f->ar);
	al_message_free(m);
}

static void lf_headers_without_body_and_several_from(void **state)
{
	(void)state;
	al_message *m = parse("From: a@one.example, b@two.example\nFrom: c@three.example\n"
			      "Received: from x ([IPv6:2001:db8::1]) by y\n", NULL);
	const al_message_facts *f = al_message_get_facts(m);
	assert_int_equal(f->from_headers, 2);
	assert_true(f->from_count >= 2);
	assert_string_equal(f->from_domain, "one.example");
	assert_string_equal(f->connecting_ip, "2001:db8::1");
	assert_int_equal(f->ar_choice, AL_AR_NONE);
	al_message_free(m);
}

static const char bounce[] =
	"From: MAILER-DAEMON@mx.example\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n"
	"\n"
	"--b\n"
	"Content-Type: text/plain\n"
	"\n"
	"failed\n"
	"--b\n"
	"Content-Type: message/delivery-status\n"
	"\n"
	"Reporting-MTA: dns; mx.example\n"
	"\n"
	"Final-Recipient: rfc822; bob@mx.example\n"
	"Action: failed\n"
	"Status: 5.7.26\n"
	"Diagnostic-Code: smtp; 550 5.7.26 unauthenticated\n"
	"\n"
	"--b\n"
	"Content-Type: message/rfc822\n"
	"\n"
	"Return-Path: <x@bounces.example.com>\n"
	"Authentication-Results: mx.example; dmarc=fail header.from=example.com\n"
	"From: alice@example.com\n"
	"\n"
	"hello\n"
	"--b--\n";

static void dsn_unwrapped(void **state)
{
	(void)state;
	al_message *m = parse(bounce, NULL);
	const al_message_facts *f = al_message_get_facts(m);
	assert_true(f->is_bounce);
	assert_true(f->headers_found);
	assert_string_equal(f->dsn_status, "5.7.26");
	assert_string_equal(f->dsn_action, "failed");
	assert_string_equal(f->dsn_diagnostic, "smtp; 550 5.7.26 unauthenticated");
	/* the original message's From, not the bounce's */
	assert_string_equal(f->from, "alice@example.com");
	assert_string_equal(f->return_path, "<x@bounces.example.com>");
	assert_string_equal(f->ar_authserv_id, "mx.example");
	al_message_free(m);
}

static void no_header_is_an_error(void **state)
{
	(void)state;
	al_message *m = NULL;
	al_error err = {0};
	assert_int_equal(al_message_parse("no headers here", 15, NULL, &m, &err), AL_ESYNTAX);
	assert_null(m);
	assert_non_null(strstr(err.message, "no header"));
}

/* hostile input: ten thousand signatures are counted, not kept */
static void many_signatures(void **state)
{
	(void)state;
	size_t cap = 10000 * 48 + 64, n = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	n += (size_t)snprintf(buf + n, cap - n, "From: a@b.example\n");
	for (int i = 0; i < 10000; i++)
		n += (size_t)snprintf(buf + n, cap - n, "DKIM-Signature: v=1; d=x%d.example\n", i);
	al_message *m = parse(buf, NULL);
	free(buf);
	assert_int_equal(al_message_get_facts(m)->dkim_signatures, 10000);
	assert_string_equal(al_message_get_facts(m)->from, "a@b.example");
	al_message_free(m);
}


/* RFC 8601's grammar: comments anywhere, quoted strings, reason=, properties, a version. */
static void authentication_results_parsed(void **state)
{
	(void)state;
	static const char text[] =
		"Authentication-Results: mx.r.example 1 (the receiver);\r\n"
		"  spf=pass (sender (nested) ok) smtp.mailfrom=bounce@Example.com;\r\n"
		"  dkim=fail reason=\"body hash did not verify\" header.d=example.com header.s=s1 header.b=AbC;\r\n"
		"  dkim=pass header.i=@esp.example;\r\n"
		"  DMARC=FAIL (p=reject) header.from=example.com\r\n"
		"Received-SPF: softfail (mx: transitioning) client-ip=192.0.2.9; envelope-from=\"a@b.example\"; helo=h.example;\r\n"
		"From: a@example.com\r\n\r\n";
	al_message *m = parse(text, NULL);
	const al_message_facts *f = al_message_get_facts(m);
	const al_authres *ar = &f->ar_parsed;
	assert_string_equal(ar->authserv_id, "mx.r.example");
	assert_null(ar->error);
	assert_int_equal(ar->result_count, 4);
	assert_string_equal(ar->results[0].method, "spf");
	assert_string_equal(al_authres_property(&ar->results[0], "smtp", "mailfrom"), "bounce@Example.com");
	size_t at = 0;
	const al_ar_result *d = al_authres_find(ar, "dkim", 0, &at);
	assert_non_null(d);
	assert_string_equal(d->result, "fail");
	assert_string_equal(d->reason, "body hash did not verify");
	assert_string_equal(al_authres_property(d, "header", "s"), "s1");
	d = al_authres_find(ar, "dkim", at + 1, &at);
	assert_string_equal(al_authres_property(d, "header", "i"), "@esp.example");
	assert_string_equal(al_authres_find(ar, "dmarc", 0, NULL)->result, "fail"); /* lower-cased */
	assert_string_equal(f->received_spf_parsed.result, "softfail");
	assert_string_equal(f->received_spf_parsed.client_ip, "192.0.2.9");
	assert_string_equal(f->received_spf_parsed.envelope_from, "a@b.example");
	assert_string_equal(f->received_spf_parsed.helo, "h.example");
	al_message_free(m);
}

/* What cannot be read is said, and what came before is kept; "none" is no result. */
static void authentication_results_damaged(void **state)
{
	(void)state;
	al_message *m = parse("Authentication-Results: mx.example; spf=pass smtp.mailfrom=a.example; dkim (unclosed\r\n"
			      "From: a@example.com\r\n\r\n", NULL);
	const al_authres *ar = &al_message_get_facts(m)->ar_parsed;
	assert_int_equal(ar->result_count, 1);
	assert_non_null(ar->error);
	al_message_free(m);
	m = parse("Authentication-Results: mx.example; none\r\nFrom: a@example.com\r\n\r\n", NULL);
	ar = &al_message_get_facts(m)->ar_parsed;
	assert_true(ar->no_result);
	assert_int_equal(ar->result_count, 0);
	al_message_free(m);
}

/* Return-Path and HELO; the null sender. */
static void envelope(void **state)
{
	(void)state;
	al_message *m = parse("Return-Path: <>\r\nReceived: from helo.example (h [2001:db8::1]) by mx; x\r\n"
			      "From: a@example.com\r\n\r\n", NULL);
	const al_message_facts *f = al_message_get_facts(m);
	assert_string_equal(f->mail_from, "");
	assert_null(f->mail_from_domain);
	assert_string_equal(f->helo, "helo.example");
	assert_string_equal(f->connecting_ip, "2001:db8::1");
	al_message_free(m);
}

/* A header block past the limit is refused at once, before GMime builds it. */
static void header_block_bounded(void **state)
{
	(void)state;
	size_t n = AL_MESSAGE_MAX_FIELDS + 10;
	char *text = malloc(n * 8 + 64);
	assert_non_null(text);
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		memcpy(text + len, "X-A: b\r\n", 8);
		len += 8;
	}
	memcpy(text + len, "\r\nbody\r\n", 8);
	len += 8;
	al_message *m = NULL;
	al_error err = {0};
	assert_int_equal(al_message_parse(text, len, NULL, &m, &err), AL_ELIMIT);
	assert_null(m);
	assert_non_null(strstr(err.message, "fields"));
	free(text);
}

static int each(void *userdata, size_t index, const char *data, size_t length)
{
	size_t *seen = userdata;
	assert_int_equal(index, *seen);
	(*seen)++;
	assert_true(length > 5);
	assert_memory_equal(data, "From: ", 6); /* the message, not its mbox "From " line */
	return 0;
}

static void mbox_split(void **state)
{
	(void)state;
	static const char mbox[] = "From a@example.com Sat Dec  5 06:00:00 2026\n"
				   "From: a@example.com\nSubject: 1\n\nbody one\n\n"
				   "From b@example.com Sat Dec  5 06:00:01 2026\n"
				   "From: b@example.com\nSubject: 2\n\nbody two\n";
	size_t seen = 0;
	bool more = true;
	assert_true(al_message_is_mbox(mbox, strlen(mbox)));
	assert_int_equal(al_message_split(mbox, strlen(mbox), each, &seen, &more), 2);
	assert_int_equal(seen, 2);
	assert_false(more);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(topmost_without_authserv_id),
		cmocka_unit_test(authserv_id_picks_its_topmost),
		cmocka_unit_test(lf_headers_without_body_and_several_from),
		cmocka_unit_test(dsn_unwrapped),
		cmocka_unit_test(no_header_is_an_error),
		cmocka_unit_test(many_signatures),
		cmocka_unit_test(authentication_results_parsed),
		cmocka_unit_test(authentication_results_damaged),
		cmocka_unit_test(envelope),
		cmocka_unit_test(header_block_bounded),
		cmocka_unit_test(mbox_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
