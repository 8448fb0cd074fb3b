/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the receiver recorded about one message: RFC 5322 and MIME through
 * GMime (folding, encoded words, CRLF or LF, several From mailboxes), DSN
 * (RFC 3464) unwrapped to the original message's headers. */
#include <authlint/message.h>

#include <arpa/inet.h>
#include <gmime/gmime.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "message/authres.h"
#include "util/arena.h"
#include "util/grow.h"

/* header fields looked at in one message; more are counted, not kept */
#define MAX_HEADERS 100000

struct al_message {
	al_message_facts facts;
	char **strings;
	size_t string_count, string_cap;
	al_arena arena;    /* the parsed Authentication-Results and Received-SPF */
	char *raw;         /* the message to verify */
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

/* The name after "from" in a Received value (RFC 5321 4.4: From-domain, the HELO name). */
static const char *received_helo(al_message *m, const char *value)
{
	const char *p = value;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "from", 4) != 0 || (p[4] != ' ' && p[4] != '\t'))
		return NULL;
	p += 4;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strcspn(p, " \t;()");
	return n ? keep(m, p, n) : NULL;
}

/* The address of a Return-Path value: "<a@b>" -> "a@b", "<>" -> "". */
static void gather_return_path(al_message *m, const char *value)
{
	const char *p = value;
	while (*p == ' ' || *p == '\t')
		p++;
	const char *lt = strchr(p, '<');
	const char *gt = lt ? strchr(lt, '>') : NULL;
	const char *addr = lt && gt ? lt + 1 : p;
	size_t n = lt && gt ? (size_t)(gt - lt - 1) : strcspn(p, " \t");
	m->facts.mail_from = keep(m, addr, n);
	const char *at = m->facts.mail_from ? strrchr(m->facts.mail_from, '@') : NULL;
	if (at != NULL && at[1] != '\0')
		m->facts.mail_from_domain = keep_str(m, at + 1);
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
				f->helo = received_helo(m, value);
			}
		} else if (strcasecmp(name, "Return-Path") == 0) {
			if (f->return_path == NULL) {
				f->return_path = keep_str(m, value);
				gather_return_path(m, value);
			}
		} else if (strcasecmp(name, "Subject") == 0) {
			if (f->subject == NULL)
				f->subject = keep_str(m, value);
		} else if (strcasecmp(name, "Date") == 0) {
			if (f->date == NULL)
				f->date = keep_str(m, value);
		} else if (strcasecmp(name, "Message-ID") == 0) {
			if (f->message_id == NULL)
				f->message_id = keep_str(m, value);
		} else if (strcasecmp(name, "From") == 0) {
			f->from_headers++;
		} else if (strcasecmp(name, "DKIM-Signature") == 0) {
			f->dkim_signatures++;
		} else if (strcasecmp(name, "ARC-Seal") == 0) {
			f->arc_seals++;
			f->arc_fields++;
		} else if (strcasecmp(name, "ARC-Message-Signature") == 0 ||
			   strcasecmp(name, "ARC-Authentication-Results") == 0) {
			f->arc_fields++;
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
	if (f->ar != NULL)
		al_authres_parse(&m->arena, f->ar, &f->ar_parsed);
	if (f->received_spf != NULL)
		al_received_spf_parse(&m->arena, f->received_spf, &f->received_spf_parsed);
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
		m->facts.dsn_reporting_mta = field_of(m, GMIME_OBJECT(per_msg), "Reporting-MTA");
		GMimeObject *body = g_mime_message_get_mime_part(per_msg);
		GByteArray *rest = body ? part_bytes(body) : NULL;
		/* per-recipient fields come after the first blank line */
		if (rest != NULL && rest->len > 0) {
			GMimeMessage *rcpt = parse_bytes((const char *)rest->data, rest->len);
			if (rcpt != NULL) {
				m->facts.dsn_status = field_of(m, GMIME_OBJECT(rcpt), "Status");
				m->facts.dsn_diagnostic = field_of(m, GMIME_OBJECT(rcpt), "Diagnostic-Code");
				m->facts.dsn_action = field_of(m, GMIME_OBJECT(rcpt), "Action");
				m->facts.dsn_remote_mta = field_of(m, GMIME_OBJECT(rcpt), "Remote-MTA");
				g_object_unref(rcpt);
			}
		}
		if (rest != NULL)
			g_byte_array_unref(rest);
		g_object_unref(per_msg);
	}
	g_byte_array_unref(bytes);
}

/* The original message inside a bounce, written out again by GMime (header
 * fields keep their raw form; the body as it was received). */
static void keep_original(al_message *m, GMimeMessage *inner)
{
	if (m->raw != NULL)
		return;
	char *text = g_mime_object_to_string(GMIME_OBJECT(inner), NULL);
	if (text == NULL)
		return;
	m->raw = strdup(text);
	g_free(text);
	if (m->raw != NULL) {
		m->facts.raw = m->raw;
		m->facts.raw_length = strlen(m->raw);
	}
}

/* A bounce in plain text (no message/delivery-status): the first line that
 * carries an SMTP reply code with an enhanced status code (RFC 3463), e.g.
 * "550 5.7.26 ..." or "550-5.7.26 ...", gives the status and the diagnostic. */
static void gather_text_bounce(al_message *m, const char *text, size_t length)
{
	static const char pattern[] = "(?m)^[ \\t>]*([245][0-9][0-9])[ -]([245]\\.[0-9]{1,3}\\.[0-9]{1,3})\\b[^\\r\\n]*";
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &errcode, &erroff, NULL);
	if (re == NULL)
		return;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	if (md != NULL && mc != NULL) {
		pcre2_set_match_limit(mc, 1000000);
		if (pcre2_match(re, (PCRE2_SPTR)text, length, 0, 0, md, mc) > 2) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			m->facts.dsn_status = keep(m, text + ov[4], ov[5] - ov[4]);
			m->facts.dsn_diagnostic = keep(m, text + ov[0], ov[1] - ov[0]);
			m->facts.bounce_not_dsn = true;
		}
	}
	pcre2_match_context_free(mc);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
}

/* Does this message look like a bounce (from the mailer daemon or with a bounce subject)? */
static bool looks_like_bounce(GMimeMessage *msg)
{
	const char *subject = g_mime_message_get_subject(msg);
	static const char *const subjects[] = {"undeliverable", "undelivered mail", "delivery status notification",
					       "failure notice", "mail delivery failed", "returned mail",
					       "delivery has failed", "message not delivered"};
	for (size_t i = 0; subject != NULL && i < sizeof(subjects) / sizeof(subjects[0]); i++)
		if (strcasestr(subject, subjects[i]) != NULL)
			return true;
	InternetAddressList *from = g_mime_message_get_from(msg);
	InternetAddress *a = from && internet_address_list_length(from) > 0 ? internet_address_list_get_address(from, 0) : NULL;
	const char *addr = a && INTERNET_ADDRESS_IS_MAILBOX(a) ? internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)) : NULL;
	return addr != NULL && (strncasecmp(addr, "mailer-daemon@", 14) == 0 || strncasecmp(addr, "postmaster@", 11) == 0);
}

/* A plain-text bounce: the text parts give the status, an attached message the original. */
static void gather_plain_bounce(al_message *m, GMimeObject *body, const char *authserv_id, int depth)
{
	if (body == NULL || depth > 8)
		return;
	if (GMIME_IS_MULTIPART(body)) {
		GMimeMultipart *mp = GMIME_MULTIPART(body);
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n && i < 64; i++)
			gather_plain_bounce(m, g_mime_multipart_get_part(mp, i), authserv_id, depth + 1);
		return;
	}
	if (GMIME_IS_MESSAGE_PART(body)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(body));
		if (inner != NULL && !m->facts.headers_found) {
			gather_headers(m, GMIME_OBJECT(inner), authserv_id);
			gather_from(m, inner);
			m->facts.headers_found = true;
			keep_original(m, inner);
		}
		return;
	}
	GMimeContentType *ct = g_mime_object_get_content_type(body);
	if (m->facts.dsn_status == NULL && ct != NULL && g_mime_content_type_is_type(ct, "text", "*")) {
		GByteArray *bytes = part_bytes(body);
		if (bytes != NULL) {
			gather_text_bounce(m, (const char *)bytes->data, bytes->len);
			g_byte_array_unref(bytes);
		}
	}
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
				keep_original(m, inner);
			}
		} else if (!m->facts.headers_found && g_mime_content_type_is_type(ct, "text", "rfc822-headers")) {
			GByteArray *bytes = part_bytes(part);
			GMimeMessage *inner = bytes ? parse_bytes((const char *)bytes->data, bytes->len) : NULL;
			if (inner != NULL) {
				gather_headers(m, GMIME_OBJECT(inner), authserv_id);
				gather_from(m, inner);
				m->facts.headers_found = true;
				g_object_unref(inner);
				if (m->raw == NULL && (m->raw = malloc(bytes->len + 1)) != NULL) {
					memcpy(m->raw, bytes->data, bytes->len);
					m->raw[bytes->len] = '\0';
					m->facts.raw = m->raw;
					m->facts.raw_length = bytes->len;
					m->facts.raw_headers_only = true;
				}
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
	/* the header block, before GMime builds an object per field */
	size_t fields = 0;
	for (size_t i = 0; i < length; i++) {
		if (data[i] != '\n')
			continue;
		if (i + 1 >= length || data[i + 1] == '\n' || (data[i + 1] == '\r' && i + 2 < length && data[i + 2] == '\n')) {
			break;
		}
		if (data[i + 1] != ' ' && data[i + 1] != '\t')
			fields++;
		if (i > AL_MESSAGE_MAX_HEADER || fields > AL_MESSAGE_MAX_FIELDS)
			return al_error_set(err, AL_ELIMIT,
					    "message: the header block has more than %u fields or %u MiB, more than is read",
					    AL_MESSAGE_MAX_FIELDS, AL_MESSAGE_MAX_HEADER >> 20);
	}
	pthread_once(&gmime_once, gmime_start);
	al_message *m = calloc(1, sizeof(*m));
	if (m != NULL)
		al_arena_init(&m->arena);
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
	} else if (looks_like_bounce(msg)) {
		m->facts.is_bounce = true;
		gather_plain_bounce(m, body, authserv_id, 0);
	} else {
		gather_headers(m, GMIME_OBJECT(msg), authserv_id);
		gather_from(m, msg);
		m->facts.headers_found = true;
		if ((m->raw = malloc(length + 1)) != NULL) {
			memcpy(m->raw, data, length);
			m->raw[length] = '\0';
			m->facts.raw = m->raw;
			m->facts.raw_length = length;
		}
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
	free(msg->raw);
	al_arena_clear(&msg->arena);
	free(msg);
}

bool al_message_is_mbox(const char *data, size_t length)
{
	return length >= 5 && memcmp(data, "From ", 5) == 0;
}

size_t al_message_split(const char *data, size_t length, al_message_fn fn, void *userdata, bool *more)
{
	if (more != NULL)
		*more = false;
	if (!al_message_is_mbox(data, length)) {
		fn(userdata, 0, data, length);
		return 1;
	}
	pthread_once(&gmime_once, gmime_start);
	/* GMime finds where each message's "From " line starts; the bytes between are the messages */
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, length);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MBOX);
	size_t count = 0;
	gint64 start = -1;
	while (!g_mime_parser_eos(parser)) {
		GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
		if (msg == NULL)
			break;
		gint64 marker = g_mime_parser_get_mbox_marker_offset(parser);
		g_object_unref(msg);
		if (start >= 0 && marker > start) {
			if (count == AL_MESSAGE_MAX_MBOX) {
				if (more != NULL)
					*more = true;
				start = -1;
				break;
			}
			if (fn(userdata, count++, data + start, (size_t)(marker - start)) != 0) {
				start = -1;
				break;
			}
		}
		/* the message starts after its "From " line */
		const char *nl = memchr(data + marker, '\n', length - (size_t)marker);
		start = nl ? (gint64)(nl - data) + 1 : (gint64)length;
	}
	if (start >= 0 && (size_t)start < length) {
		if (count == AL_MESSAGE_MAX_MBOX) {
			if (more != NULL)
				*more = true;
		} else {
			fn(userdata, count++, data + start, length - (size_t)start);
		}
	}
	g_object_unref(parser);
	g_object_unref(stream);
	return count;
}
