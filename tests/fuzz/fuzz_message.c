/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The message header reader (al_message_parse: RFC 5322 through GMime, DSN
 * bounces unwrapped) on arbitrary bytes, read twice: without an authserv-id
 * and with one. Every fact is a NUL-terminated string trimmed of the spaces
 * around it, the facts agree with each other (a From domain is the end of the
 * From address, an address from Received parses, the trusted
 * Authentication-Results is one of those counted and carries the authserv-id
 * asked for), the two readings agree on everything the authserv-id does not
 * decide, and a failure says why.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <authlint/message.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define AUTHSERV "mx.example.com"

static void trimmed(const char *s)
{
	if (s == NULL)
		return;
	size_t n = strlen(s); /* NUL-terminated, or ASan says so */
	if (n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t' ||
		      s[n - 1] == '\r' || s[n - 1] == '\n'))
		abort();
}

static bool same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void check(const al_message_facts *f, const char *authserv_id)
{
	const char *strings[] = {f->dsn_status, f->dsn_diagnostic, f->dsn_action, f->from, f->from_domain,
				 f->return_path, f->received_spf, f->connecting_ip, f->received, f->ar,
				 f->ar_authserv_id, f->list_id, f->list_unsubscribe,
				 f->list_unsubscribe_post};
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		trimmed(strings[i]);
	if (!f->is_bounce && (!f->headers_found || f->dsn_status != NULL || f->dsn_action != NULL ||
			      f->dsn_diagnostic != NULL))
		abort();
	if (f->from != NULL && f->from_count == 0)
		abort();
	if (f->from_domain != NULL) {
		const char *at = f->from ? strrchr(f->from, '@') : NULL;
		if (at == NULL || strcmp(at + 1, f->from_domain) != 0)
			abort();
	}
	if (f->connecting_ip != NULL) {
		unsigned char bin[16];
		if (f->received == NULL || (inet_pton(AF_INET, f->connecting_ip, bin) != 1 &&
					    inet_pton(AF_INET6, f->connecting_ip, bin) != 1))
			abort();
	}
	switch (f->ar_choice) {
	case AL_AR_NONE:
		if (f->ar != NULL || f->ar_count != 0)
			abort();
		break;
	case AL_AR_TOPMOST:
		if (authserv_id != NULL || f->ar_count == 0 || f->ar_index != 0)
			abort();
		break;
	case AL_AR_AUTHSERV_ID:
		if (authserv_id == NULL || f->ar == NULL || f->ar_index >= f->ar_count ||
		    f->ar_authserv_id == NULL || strcasecmp(f->ar_authserv_id, authserv_id) != 0)
			abort();
		break;
	case AL_AR_NOT_FOUND:
		if (authserv_id == NULL || f->ar != NULL || f->ar_count == 0)
			abort();
		break;
	default:
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	al_message *a = NULL, *b = NULL;
	al_error ea, eb;
	al_status sa = al_message_parse((const char *)data, size, NULL, &a, &ea);
	al_status sb = al_message_parse((const char *)data, size, AUTHSERV, &b, &eb);
	if (sa != sb)
		abort();
	if (sa != AL_OK) {
		if (a != NULL || b != NULL || ea.message[0] == '\0' || strcmp(ea.message, eb.message) != 0)
			abort();
		return 0;
	}
	const al_message_facts *fa = al_message_get_facts(a), *fb = al_message_get_facts(b);
	if (fa == NULL || fb == NULL)
		abort();
	check(fa, NULL);
	check(fb, AUTHSERV);
	if (fa->is_bounce != fb->is_bounce || fa->headers_found != fb->headers_found ||
	    fa->from_count != fb->from_count || fa->from_headers != fb->from_headers ||
	    fa->ar_count != fb->ar_count || fa->dkim_signatures != fb->dkim_signatures ||
	    fa->arc_seals != fb->arc_seals || !same(fa->from, fb->from) ||
	    !same(fa->from_domain, fb->from_domain) || !same(fa->return_path, fb->return_path) ||
	    !same(fa->received_spf, fb->received_spf) || !same(fa->connecting_ip, fb->connecting_ip) ||
	    !same(fa->received, fb->received) || !same(fa->dsn_status, fb->dsn_status) ||
	    !same(fa->list_id, fb->list_id))
		abort();
	al_message_free(a);
	al_message_free(b);
	return 0;
}
