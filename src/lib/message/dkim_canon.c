/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The header block split into fields by the RFC 5322 field grammar only (a
 * field is a line and the continuation lines that begin with WSP; its name
 * runs to the first colon of the first line), the canonicalizations of
 * RFC 6376 3.4, the body hash (3.7) and the choice of the signed header
 * fields from the bottom up (5.4.2).
 *
 * Line ends: a bare LF is read as CRLF, as receivers do before hashing; the
 * message is copied once when it has one. Everything is linear in the input
 * except the name index (n log n, built once per message).
 */
#include <stdlib.h>
#include <string.h>

#include <authlint/message.h>

#include "message/dkim_internal.h"
#include "util/grow.h"

static bool wsp(char c)
{
	return c == ' ' || c == '\t';
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static uint32_t name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ lower((unsigned char)s[i])) * 16777619u;
	return h;
}

static bool add_field(al_dkimv_msg *m, size_t *cap, size_t start, size_t end)
{
	const char *t = m->text;
	const char *colon = memchr(t + start, ':', end - start);
	/* the colon must be on the first line */
	const char *nl = memchr(t + start, '\n', end - start);
	if (colon == NULL || (nl != NULL && colon > nl))
		return true; /* not a field (no name): left out */
	size_t name_len = (size_t)(colon - (t + start));
	while (name_len > 0 && wsp(t[start + name_len - 1]))
		name_len--;
	if (!al_grow((void **)&m->fields, cap, m->count + 1, sizeof(*m->fields)))
		return false;
	m->fields[m->count++] = (al_dkimv_field){(uint32_t)start, (uint32_t)end, (uint32_t)(colon - t),
						 (uint32_t)name_len};
	return true;
}

al_status al_dkimv_msg_init(al_dkimv_msg *m, const char *message, size_t length, al_error *err)
{
	memset(m, 0, sizeof(*m));
	if (length > AL_MESSAGE_MAX_INPUT)
		return al_error_set(err, AL_ELIMIT, "the message is over %u bytes", (unsigned)AL_MESSAGE_MAX_INPUT);
	size_t bare = 0;
	for (const char *p = message, *e = message + length; (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
		if (p == message || p[-1] != '\r')
			bare++;
	if (bare > 0) {
		m->copy = malloc(length + bare + 1);
		if (m->copy == NULL)
			return al_error_set(err, AL_ENOMEM, "out of memory");
		size_t o = 0;
		for (size_t i = 0; i < length; i++) {
			if (message[i] == '\n' && (i == 0 || message[i - 1] != '\r'))
				m->copy[o++] = '\r';
			m->copy[o++] = message[i];
		}
		m->copy[o] = '\0';
		m->text = m->copy;
		m->length = o;
	} else {
		m->text = message;
		m->length = length;
	}
	const char *t = m->text;
	size_t n = m->length, pos = 0, cap = 0, fstart = SIZE_MAX;
	m->body = n;
	while (pos < n) {
		const char *lf = memchr(t + pos, '\n', n - pos);
		size_t eol = lf ? (size_t)(lf - t) + 1 : n; /* after the line's LF */
		bool crlf_line = lf != NULL && lf > t + pos && lf[-1] == '\r';
		if (crlf_line && eol - pos == 2) { /* the empty line: the body follows */
			m->body = eol;
			break;
		}
		if (!(wsp(t[pos]) && fstart != SIZE_MAX)) { /* a new field starts here */
			if (fstart != SIZE_MAX && !add_field(m, &cap, fstart, pos))
				goto nomem;
			if (m->count >= AL_DKIMV_MAX_FIELDS) {
				al_dkimv_msg_free(m);
				return al_error_set(err, AL_ELIMIT, "the header block has over %u fields",
						    (unsigned)AL_DKIMV_MAX_FIELDS);
			}
			fstart = pos;
		}
		pos = eol;
	}
	if (fstart != SIZE_MAX && !add_field(m, &cap, fstart, m->body < n ? m->body - 2 : pos))
		goto nomem;
	return AL_OK;
nomem:
	al_dkimv_msg_free(m);
	return al_error_set(err, AL_ENOMEM, "out of memory");
}

void al_dkimv_msg_free(al_dkimv_msg *m)
{
	free(m->copy);
	free(m->fields);
	free(m->index);
	memset(m, 0, sizeof(*m));
}

bool al_dkimv_field_is(const al_dkimv_msg *m, size_t i, const char *name)
{
	const al_dkimv_field *f = &m->fields[i];
	size_t n = strlen(name);
	if (f->name_len != n)
		return false;
	for (size_t k = 0; k < n; k++)
		if (lower((unsigned char)m->text[f->start + k]) != lower((unsigned char)name[k]))
			return false;
	return true;
}

void al_dkimv_field_value(const al_dkimv_msg *m, size_t i, const char **value, size_t *length)
{
	const al_dkimv_field *f = &m->fields[i];
	size_t end = f->end;
	if (end >= f->colon + 3 && m->text[end - 1] == '\n' && m->text[end - 2] == '\r')
		end -= 2;
	*value = m->text + f->colon + 1;
	*length = end - f->colon - 1;
}

/* RFC 6376 3.4.1 and 3.4.2, over the field without its final CRLF. */
void al_dkimv_canon_header(al_strbuf *out, const char *raw, size_t length, bool relaxed)
{
	if (!relaxed) {
		al_strbuf_append(out, raw, length);
		return;
	}
	const char *colon = memchr(raw, ':', length);
	if (colon == NULL)
		return;
	size_t nl = (size_t)(colon - raw);
	while (nl > 0 && wsp(raw[nl - 1]))
		nl--;
	if (!al_strbuf_reserve(out, length + 1))
		return;
	char *o = out->data + out->length;
	size_t k = 0;
	for (size_t i = 0; i < nl; i++)
		o[k++] = (char)lower((unsigned char)raw[i]);
	o[k++] = ':';
	size_t vstart = k;
	bool pending = false;
	for (size_t i = (size_t)(colon - raw) + 1; i < length; i++) {
		char c = raw[i];
		if (c == '\r' && i + 1 < length && raw[i + 1] == '\n') {
			i++; /* unfold */
			continue;
		}
		if (wsp(c)) {
			pending = true;
			continue;
		}
		if (pending && k > vstart)
			o[k++] = ' ';
		pending = false;
		o[k++] = c;
	}
	out->length += k;
	out->data[out->length] = '\0';
}

/* ---- body ----------------------------------------------------------- */

typedef struct body_sink {
	EVP_MD_CTX *ctx;
	uint64_t limit, total;
	bool ok;
} body_sink;

static void emit(body_sink *s, const char *p, size_t n)
{
	if (s->total < s->limit) {
		uint64_t room = s->limit - s->total;
		size_t take = (uint64_t)n < room ? n : (size_t)room;
		if (take > 0 && EVP_DigestUpdate(s->ctx, p, take) != 1)
			s->ok = false;
	}
	s->total += n;
}

static void emit_crlfs(body_sink *s, uint64_t n)
{
	static const char crlfs[] = "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n";
	while (n > 0) {
		uint64_t k = n < 8 ? n : 8;
		emit(s, crlfs, (size_t)k * 2);
		n -= k;
	}
}

static void canon_body(const char *t, size_t n, bool relaxed, body_sink *s)
{
	uint64_t empty = 0; /* empty lines not yet written (dropped at the end) */
	bool any = false;
	size_t pos = 0;
	while (pos < n) {
		const char *lf = memchr(t + pos, '\n', n - pos);
		size_t end, next;
		if (lf != NULL && lf > t + pos && lf[-1] == '\r') {
			end = (size_t)(lf - t) - 1;
			next = end + 2;
		} else if (lf != NULL) { /* cannot happen after the copy; kept as content */
			end = (size_t)(lf - t) + 1;
			next = end;
		} else {
			end = n;
			next = n;
		}
		size_t le = end;
		if (relaxed)
			while (le > pos && wsp(t[le - 1]))
				le--;
		if (le == pos) {
			empty++;
		} else {
			emit_crlfs(s, empty);
			empty = 0;
			if (!relaxed) {
				emit(s, t + pos, le - pos);
			} else {
				size_t i = pos;
				while (i < le) {
					size_t j = i;
					while (j < le && !wsp(t[j]))
						j++;
					emit(s, t + i, j - i);
					if (j < le) {
						emit(s, " ", 1);
						while (j < le && wsp(t[j]))
							j++;
					}
					i = j;
				}
			}
			emit(s, "\r\n", 2);
			any = true;
		}
		pos = next;
	}
	if (!any && !relaxed)
		emit(s, "\r\n", 2); /* simple: an empty body is one CRLF */
}

const al_dkimv_body_hash *al_dkimv_body_hash_get(al_dkimv_msg *m, bool relaxed, bool sha1, uint64_t limit)
{
	for (size_t i = 0; i < m->hash_count; i++) {
		const al_dkimv_body_hash *h = &m->hashes[i];
		if (h->relaxed == relaxed && h->sha1 == sha1 && h->limit == limit)
			return h;
	}
	if (m->hash_count == AL_DKIMV_MAX_BODY_HASHES)
		return NULL;
	al_dkimv_body_hash *h = &m->hashes[m->hash_count];
	body_sink s = {EVP_MD_CTX_new(), limit, 0, true};
	if (s.ctx == NULL || EVP_DigestInit_ex(s.ctx, sha1 ? EVP_sha1() : EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(s.ctx);
		return NULL;
	}
	canon_body(m->text + m->body, m->length - m->body, relaxed, &s);
	bool ok = s.ok && EVP_DigestFinal_ex(s.ctx, h->digest, &h->digest_len) == 1;
	EVP_MD_CTX_free(s.ctx);
	if (!ok)
		return NULL;
	h->relaxed = relaxed;
	h->sha1 = sha1;
	h->limit = limit;
	h->total = s.total;
	m->hash_count++;
	return h;
}

/* ---- the signed header fields ------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static bool build_index(al_dkimv_msg *m)
{
	if (m->index != NULL || m->count == 0)
		return true;
	if (m->index_failed)
		return false;
	m->index = malloc(m->count * sizeof(*m->index));
	if (m->index == NULL) {
		m->index_failed = true;
		return false;
	}
	for (size_t i = 0; i < m->count; i++) {
		const al_dkimv_field *f = &m->fields[i];
		m->index[i] = (uint64_t)name_hash(m->text + f->start, f->name_len) << 32 |
			      (uint64_t)(UINT32_MAX - (uint32_t)i);
	}
	qsort(m->index, m->count, sizeof(*m->index), cmp_u64);
	return true;
}

/* The @p nth (0 = bottom) field named @p name, or SIZE_MAX. */
static size_t nth_from_bottom(const al_dkimv_msg *m, const char *name, size_t len, size_t nth)
{
	if (m->count == 0)
		return SIZE_MAX;
	uint64_t key = (uint64_t)name_hash(name, len) << 32;
	size_t lo = 0, hi = m->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->index[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < m->count && (m->index[i] >> 32) == (key >> 32); i++) {
		size_t f = UINT32_MAX - (uint32_t)m->index[i];
		const al_dkimv_field *fl = &m->fields[f];
		if (fl->name_len != len)
			continue;
		size_t k = 0;
		while (k < len && lower((unsigned char)m->text[fl->start + k]) == lower((unsigned char)name[k]))
			k++;
		if (k != len)
			continue;
		if (nth == 0)
			return f;
		nth--;
	}
	return SIZE_MAX;
}

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && (wsp(**s) || **s == '\r' || **s == '\n')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && (wsp((*s)[*n - 1]) || (*s)[*n - 1] == '\r' || (*s)[*n - 1] == '\n'))
		(*n)--;
}

bool al_dkimv_signed_headers(al_dkimv_msg *m, const char *h, size_t h_len, size_t sig_field, size_t b_start,
			     size_t b_end, bool relaxed, al_strbuf *out)
{
	if (!build_index(m))
		return false;
	/* names seen so far in this h=, with how often: the n-th use takes the n-th from the bottom */
	struct seen {
		const char *name;
		size_t len, uses;
	} *seen = calloc(AL_DKIMV_MAX_H, sizeof(*seen));
	if (seen == NULL)
		return false;
	size_t seen_count = 0, names = 0;
	bool ok = true;
	size_t i = 0;
	while (i <= h_len) {
		const char *c = memchr(h + i, ':', h_len - i);
		size_t e = c ? (size_t)(c - h) : h_len;
		const char *name = h + i;
		size_t len = e - i;
		trim(&name, &len);
		i = e + 1;
		if (len == 0)
			continue;
		if (++names > AL_DKIMV_MAX_H) {
			ok = false;
			break;
		}
		size_t s = 0;
		while (s < seen_count &&
		       !(seen[s].len == len && strncasecmp(seen[s].name, name, len) == 0))
			s++;
		if (s == seen_count)
			seen[seen_count++] = (struct seen){name, len, 0};
		size_t f = nth_from_bottom(m, name, len, seen[s].uses++);
		if (f == SIZE_MAX)
			continue; /* absent (over-signed): contributes nothing */
		const al_dkimv_field *fl = &m->fields[f];
		size_t fe = fl->end;
		if (fe >= fl->start + 2 && m->text[fe - 1] == '\n' && m->text[fe - 2] == '\r')
			fe -= 2;
		al_dkimv_canon_header(out, m->text + fl->start, fe - fl->start, relaxed);
		al_strbuf_append(out, "\r\n", 2);
	}
	free(seen);
	if (!ok)
		return false;
	/* the signature field itself, b= emptied, no final CRLF */
	const al_dkimv_field *sf = &m->fields[sig_field];
	size_t fe = sf->end;
	if (fe >= sf->start + 2 && m->text[fe - 1] == '\n' && m->text[fe - 2] == '\r')
		fe -= 2;
	al_strbuf raw = AL_STRBUF_INIT;
	al_strbuf_append(&raw, m->text + sf->start, b_start - sf->start);
	al_strbuf_append(&raw, m->text + b_end, fe - b_end);
	if (raw.failed) {
		al_strbuf_free(&raw);
		return false;
	}
	al_dkimv_canon_header(out, raw.data, raw.length, relaxed);
	al_strbuf_free(&raw);
	return !out->failed;
}

/* ---- base64 ------------------------------------------------------------- */

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

bool al_dkimv_base64(const char *text, size_t length, al_arena *arena, unsigned char **out, size_t *out_len,
		     const char **why)
{
	unsigned char *o = al_arena_alloc(arena, length / 4 * 3 + 4);
	if (o == NULL) {
		*why = "out of memory";
		return false;
	}
	size_t n = 0, digits = 0, pad = 0;
	uint32_t acc = 0;
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		int v = b64_value(c);
		if (v < 0) {
			*why = c == '-' || c == '_' ? "it uses the URL-safe alphabet ('-' or '_')"
						    : "it holds a character that is not base64";
			return false;
		}
		if (pad > 0) {
			*why = "'=' padding appears before the end";
			return false;
		}
		acc = acc << 6 | (uint32_t)v;
		if (++digits % 4 == 0) {
			o[n++] = (unsigned char)(acc >> 16);
			o[n++] = (unsigned char)(acc >> 8);
			o[n++] = (unsigned char)acc;
			acc = 0;
		}
	}
	size_t rest = digits % 4;
	if (pad > 2 || (rest == 0 && pad != 0) || (rest != 0 && rest + pad != 4) || rest == 1) {
		*why = "its length or padding is wrong (cut, or padding missing)";
		return false;
	}
	if (rest == 2) {
		if (acc & 0xf) {
			*why = "its last digit has bits set past the end";
			return false;
		}
		o[n++] = (unsigned char)(acc >> 4);
	} else if (rest == 3) {
		if (acc & 0x3) {
			*why = "its last digit has bits set past the end";
			return false;
		}
		o[n++] = (unsigned char)(acc >> 10);
		o[n++] = (unsigned char)(acc >> 2);
	}
	*out = o;
	*out_len = n;
	return true;
}
