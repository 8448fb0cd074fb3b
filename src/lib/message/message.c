/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the receiver recorded about one message: RFC 5322 and MIME through
 * GMime (folding, encoded words, CRLF or LF, several From mailboxes), DSN
 * (RFC 3464) unwrapped to the original message's headers. */
#include <authlint/message.h>

#include <arpa/inet.h>
#include <gmime/gmime.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/grow.h"

/* header fields looked at in one message; more are counted, not kept */
#define MAX_HEADERS 100000

struct al_message {
	al_message_facts facts;
	char **strings;
	size_t string_count, string_cap;
};

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
	g_mime_init();
}

static const char *keep(al_message *m, const char *s, size_t n)
{
	if (s == NULL)
		return NULL;
	if (!AL_GROW_ONE(m->strings, m->string_count, m->string_cap))
		return NULL;
	char *d = strndup(s, n);
	if (d == NULL)
		return NULL;
	/* trim the spaces around a value */
	char *start = d;
	while (*start == ' ' || *start == '\t')
		start++;
	size_t len = strlen(start);
	while (len > 0 && (start[len - 1] == ' ' || start[len - 1] == '\t' || start[len - 1] == '\r' ||
			   start[len - 1] == '\n'))
		len--;
	memmove(d, start, len);
	d[len] = '\0';
	m->strings[m->string_count++] = d;
	return d;
}

static const char *keep_str(al_message *m, const char *s)
{
	return s ? keep(m, s, strlen(s)) : NULL;
}

/* The authserv-id of an Authentication-Results value (RFC 8601 section
 * 2.2): the first token, up to ';', white space or a comment. */
static const char *authserv_id_of(al_message *m, const char *value)
{
	const char *p = value;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	size_t n = strcspn(p, "; \t\r\n(");
	return n ? keep(m, p, n) : NULL;
}

/* [address] of the "from" clause of a Received value (RFC 5321 section
 * 4.4, TCP-info): the first bracketed literal that parses as an address. */
static const char *received_ip(al_message *m, const char *value)
{
	const char *p = value;
	for (int guard = 0; guard < 64 && (p = strchr(p, '[')) != NULL; guard++) {
		p++;
		const char *end = strchr(p, ']');
		if (end == NULL)
			return NULL;
		size_t n = (size_t)(end - p);
		const char *addr = p;
		if (n > 5 && strncasecmp(addr, "IPv6:", 5) == 0) {
			addr += 5;
			n -= 5;
		}
		char buf[64];
		unsigned char bin[16];
		if (n > 0 && n < sizeof(buf)) {
			memcpy(buf, addr, n);
			buf[n] = '\0';
			if (inet_pton(AF_INET, buf, bin) == 1 || inet_pton(AF_INET6, buf, bin) == 1)
				return keep_str(m, buf);
		}
		p = end + 1;
	}
	return NULL;
}

static void gather_headers(al_message *m, GMimeObject *obj, const char *authserv_id)
{
	al_message_facts *f = &m->facts;
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	int count = g_mime_header_list_get_count(hl);
	if (count > MAX_HEADERS)
		count = MAX_HEADERS;
	const char *first_ar = NULL, *first_ar_id = NULL;
	for (int i = 0; i < count; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(h);
		const char *raw = g_mime_header_get_raw_value(h);
		if (name == NULL || raw == NULL)
			continue;
		/* unfold: drop CR and LF; folding white space becomes a space */
		size_t rn = strlen(raw);
		char *value = malloc(rn + 1);
		if (value == NULL)
			return;
		size_t vn = 0;
		for (size_t k = 0; k < rn; k++)
			if (raw[k] != '\r' && raw[k] != '\n')
				value[vn++] = raw[k] == '\t' ? ' ' : raw[k];
		value[vn] = '\0';
		if (strcasecmp(name, "Authentication-Results") == 0) {
			const char *id = authserv_id_of(m, value);
			if (f->ar_count == 0) {
				first_ar = keep_str(m, value);
				first_ar_id = id;
			}
			if (authserv_id != NULL && f->ar_choice != AL_AR_AUTHSERV_ID && id != NULL &&
			    strcasecmp(id, authserv_id) == 0) {
				f->ar = keep_str(m, value);
				f->ar_authserv_id = id;
				f->ar_index = f->ar_count;
				f->ar_choice = AL_AR_AUTHSERV_ID;
			}
			f->ar_count++;
		} else if (strcasecmp(name, "Received-SPF") == 0) {
			if (f->received_spf == NULL)
				f->received_spf = keep_str(m, value);
		} else if (strcasecmp(name, "Received") == 0) {
			if (f->received == NULL) {
				f->received = keep_str(m, value);
				f->connecting_ip = received_ip(m, value);
			}
		} else if (strcasecmp(name, "Return-Path") == 0) {
			if (f->return_path == NULL)
				f->return_path = keep_str(m, value);
		} else if (strcasecmp(name, "From") == 0) {
			f->from_headers++;
		} else if (strcasecmp(name, "DKIM-Signature") == 0) {
			f->dkim_signatures++;
		} else if (strcasecmp(name, "ARC-Seal") == 0) {
			f->arc_seals++;
		} else if (strcasecmp(name, "List-Id") == 0) {
			if (f->list_id == NULL)
				f->list_id = keep_str(m, value);
		} else if (strcasecmp(name, "List-Unsubscribe") == 0) {
			if (f->list_unsubscribe == NULL)
				f->list_unsubscribe = keep_str(m, value);
		} else if (strcasecmp(name, "List-Unsubscribe-Post") == 0) {
			if (f->list_unsubscribe_post == NULL)
				f->list_unsubscribe_post = keep_str(m, value);
		}
		free(value);
	}
	if (f->ar_choice != AL_AR_AUTHSERV_ID) {
		if (authserv_id != NULL) {
			f->ar_choice = f->ar_count ? AL_AR_NOT_FOUND : AL_AR_NONE;
		} else if (f->ar_count) {
			f->ar = first_ar;
			f->ar_authserv_id = first_ar_id;
			f->ar_index = 0;
			f->ar_choice = AL_AR_TOPMOST;
		}
	}
}

static void gather_from(al_message *m, GMimeMessage *msg)
{
	InternetAddressList *from = g_mime_message_get_from(msg);
	if (from == NULL)
		return;
	int n = internet_address_list_length(from);
	for (int i = 0; i < n && i < 1000; i++) {
		InternetAddress *a = internet_address_list_get_address(from, i);
		if (!INTERNET_ADDRESS_IS_MAILBOX(a))
			continue;
		m->facts.from_count++;
		if (m->facts.from == NULL) {
			const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
			m->facts.from = keep_str(m, addr);
			const char *at = addr ? strrchr(addr, '@') : NULL;
			if (at != NULL && at[1] != '\0')
				m->facts.from_domain = keep_str(m, at + 1);
		}
	}
}

static GMimeMessage *parse_bytes(const char *data, size_t length)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, length);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	return msg;
}

/* The decoded content of a leaf part, NUL-terminated; NULL if none. */
static GByteArray *part_bytes(GMimeObject *obj)
{
	if (!GMIME_IS_PART(obj))
		return NULL;
	GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(obj));
	if (w == NULL)
		return NULL;
	GMimeStream *out = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, out);
	GByteArray *arr = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
	GByteArray *copy = g_byte_array_new();
	g_byte_array_append(copy, arr->data, arr->len);
	g_object_unref(out);
	return copy;
}

static const char *field_of(al_message *m, GMimeObject *obj, const char *name)
{
	const char *v = g_mime_object_get_header(obj, name);
	return v ? keep_str(m, v) : NULL;
}

/* message/delivery-status: a block of per-message fields, a blank line, then
 * a block per recipient (RFC 3464 section 2.1); both are header grammar. */
static void gather_delivery_status(al_message *m, GMimeObject *part)
{
	GByteArray *bytes = part_bytes(part);
	if (bytes == NULL)
		return;
	GMimeMessage *per_msg = parse_bytes((const char *)bytes->data, bytes->len);
	if (per_msg != NULL) {
		GMimeObject *body = g_mime_message_get_mime_part(per_msg);
		GByteArray *rest = body ? part_bytes(body) : NULL;
		/* per-recipient fields come after the first blank line */
		if (rest != NULL && rest->len > 0) {
			GMimeMessage *rcpt = parse_bytes((const char *)rest->data, rest->len);
			if (rcpt != NULL) {
				m->facts.dsn_status = field_of(m, GMIME_OBJECT(rcpt), "Status");
				m->facts.dsn_diagnostic = field_of(m, GMIME_OBJECT(rcpt), "Diagnostic-Code");
				m->facts.dsn_action = field_of(m, GMIME_OBJECT(rcpt), "Action");
				g_object_unref(rcpt);
			}
		}
		if (rest != NULL)
			g_byte_array_unref(rest);
		g_object_unref(per_msg);
	}
	g_byte_array_unref(bytes);
}

static void gather_bounce(al_message *m, GMimeMultipart *mp, const char *authserv_id)
{
	int n = g_mime_multipart_get_count(mp);
	for (int i = 0; i < n && i < 64; i++) {
		GMimeObject *part = g_mime_multipart_get_part(mp, i);
		GMimeContentType *ct = g_mime_object_get_content_type(part);
		if (ct == NULL)
			continue;
		if (g_mime_content_type_is_type(ct, "message", "delivery-status")) {
			gather_delivery_status(m, part);
		} else if (!m->facts.headers_found && GMIME_IS_MESSAGE_PART(part)) {
			GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
			if (inner != NULL) {
				gather_headers(m, GMIME_OBJECT(inner), authserv_id);
				gather_from(m, inner);
				m->facts.headers_found = true;
			}
		} else if (!m->facts.headers_found && g_mime_content_type_is_type(ct, "text", "rfc822-headers")) {
			GByteArray *bytes = part_bytes(part);
			GMimeMessage *inner = bytes ? parse_bytes((const char *)bytes->data, bytes->len) : NULL;
			if (inner != NULL) {
				gather_headers(m, GMIME_OBJECT(inner), authserv_id);
				gather_from(m, inner);
				m->facts.headers_found = true;
				g_object_unref(inner);
			}
			if (bytes != NULL)
				g_byte_array_unref(bytes);
		}
	}
}

al_status al_message_parse(const char *data, size_t length, const char *authserv_id, al_message **out,
			   al_error *err)
{
	*out = NULL;
	if (length > AL_MESSAGE_MAX_INPUT)
		return al_error_set(err, AL_ELIMIT, "message: %zu bytes, more than the %u accepted", length,
				    AL_MESSAGE_MAX_INPUT);
	pthread_once(&gmime_once, gmime_start);
	al_message *m = calloc(1, sizeof(*m));
	if (m == NULL)
		return al_error_set(err, AL_ENOMEM, "message: out of memory");
	GMimeMessage *msg = parse_bytes(data, length);
	if (msg == NULL || g_mime_header_list_get_count(g_mime_object_get_header_list(GMIME_OBJECT(msg))) == 0) {
		if (msg != NULL)
			g_object_unref(msg);
		al_message_free(m);
		return al_error_set(err, AL_ESYNTAX, "message: no header fields found");
	}
	GMimeObject *body = g_mime_message_get_mime_part(msg);
	GMimeContentType *ct = body ? g_mime_object_get_content_type(body) : NULL;
	if (body != NULL && GMIME_IS_MULTIPART(body) && ct != NULL &&
	    g_mime_content_type_is_type(ct, "multipart", "report")) {
		m->facts.is_bounce = true;
		gather_bounce(m, GMIME_MULTIPART(body), authserv_id);
	} else {
		gather_headers(m, GMIME_OBJECT(msg), authserv_id);
		gather_from(m, msg);
		m->facts.headers_found = true;
	}
	g_object_unref(msg);
	*out = m;
	return AL_OK;
}

const al_message_facts *al_message_get_facts(const al_message *msg)
{
	return msg ? &msg->facts : NULL;
}

void al_message_free(al_message *msg)
{
	if (msg == NULL)
		return;
	for (size_t i = 0; i < msg->string_count; i++)
		free(msg->strings[i]);
	free(msg->strings);
	free(msg);
}
