/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Macro expansion (RFC 7208 section 7) and the domain names built from it:
 * transformers, delimiters, URL escaping of upper-case letters, %% %_ %-,
 * truncation of long names from the left (7.3).
 */
#include <string.h>

#include "dns/wire.h"
#include "record/spf_syntax.h"
#include "spf/spf_internal.h"

/* RFC 3986 unreserved: ALPHA DIGIT - . _ ~ */
static bool unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '.' || c == '_' || c == '~';
}

static const char *letter_value(const al_spf_macro_env *env, char letter)
{
	switch (letter) {
	case 's':
		return env->sender;
	case 'l':
		return env->local;
	case 'o':
		return env->sender_domain;
	case 'd':
		return env->domain;
	case 'i':
		return env->ip_dotted;
	case 'c':
		return env->ip_text;
	case 'v':
		return env->ip_version;
	case 'h':
		return env->helo;
	case 'r':
		return env->receiver;
	case 't':
		return env->timestamp;
	case 'p':
		if (env->ptr_name == NULL)
			return NULL;
		return env->ptr_name(env->ptr_ctx, env->domain);
	default:
		return NULL;
	}
}

#define MAX_PARTS 256

/* One %{...}: split on the delimiters, reverse, keep the rightmost parts, join with dots. */
static void expand_one(const al_spf_macro *m, const char *value, al_strbuf *out)
{
	size_t vlen = strlen(value);
	unsigned delims = m->delimiters ? m->delimiters : 1u; /* '.' */
	const char *starts[MAX_PARTS];
	size_t lens[MAX_PARTS];
	size_t count = 0;
	size_t s = 0;
	for (size_t i = 0; i <= vlen; i++) {
		bool cut = i == vlen;
		if (!cut) {
			const char *d = memchr(AL_SPF_DELIMITERS, value[i], sizeof(AL_SPF_DELIMITERS) - 1);
			cut = d != NULL && value[i] != '\0' && (delims >> (d - AL_SPF_DELIMITERS)) & 1u;
		}
		if (!cut)
			continue;
		if (count < MAX_PARTS) {
			starts[count] = value + s;
			lens[count] = i - s;
			count++;
		} else {
			/* beyond the bound: fold the rest into the last part */
			lens[count - 1] = (size_t)(value + i - starts[count - 1]);
		}
		s = i + 1;
	}
	if (m->reverse) {
		for (size_t a = 0, b = count - 1; a < b; a++, b--) {
			const char *ts = starts[a];
			size_t tl = lens[a];
			starts[a] = starts[b];
			lens[a] = lens[b];
			starts[b] = ts;
			lens[b] = tl;
		}
	}
	size_t first = 0;
	if (m->digits > 0 && m->digits < count)
		first = count - m->digits;
	for (size_t k = first; k < count; k++) {
		if (k > first)
			al_strbuf_putc(out, '.');
		if (!m->url_escape) {
			al_strbuf_append(out, starts[k], lens[k]);
			continue;
		}
		for (size_t j = 0; j < lens[k]; j++) {
			unsigned char c = (unsigned char)starts[k][j];
			if (unreserved(c))
				al_strbuf_putc(out, (char)c);
			else
				al_strbuf_printf(out, "%%%02X", c);
		}
	}
}

bool al_spf_expand(const al_spf_macro_env *env, const char *text, size_t length, bool exp_text,
		   al_strbuf *out, const char **why)
{
	size_t pos = 0;
	al_spf_macro m;
	*why = NULL;
	while (al_spf_macro_next(text, length, &pos, exp_text, &m) != AL_SPF_MACRO_END) {
		switch (m.token) {
		case AL_SPF_MACRO_LITERAL:
			al_strbuf_append(out, text + m.start, m.length);
			break;
		case AL_SPF_MACRO_ESCAPE:
			al_strbuf_append(out, m.text, m.text_length);
			break;
		case AL_SPF_MACRO_EXPAND: {
			const char *v = letter_value(env, m.letter);
			if (v == NULL) {
				*why = m.letter == 'p' ? "depends on the client's PTR names"
				       : strchr("slh", m.letter) ? "depends on the sender"
				       : strchr("icv", m.letter) ? "depends on the client address"
								 : "depends on the receiver";
				return false;
			}
			expand_one(&m, v, out);
			break;
		}
		default:
			*why = m.error;
			return false;
		}
	}
	return !out->failed;
}

const char *al_spf_name(al_arena *arena, const char *raw, size_t length, const char **why)
{
	*why = NULL;
	if (length > 0 && raw[length - 1] == '.')
		length--;
	if (length == 0) {
		*why = "an empty name";
		return NULL;
	}
	if (length > 253) {
		*why = "a name longer than 253 characters";
		return NULL;
	}
	char out[AL_NAME_MAX];
	size_t pos = 0;
	size_t s = 0;
	for (size_t i = 0; i <= length; i++) {
		if (i < length && raw[i] != '.')
			continue;
		size_t n = i - s;
		if (n == 0) {
			*why = "an empty label";
			return NULL;
		}
		if (n > 63) {
			*why = "a label longer than 63 octets";
			return NULL;
		}
		if (pos > 0 && pos + 1 < sizeof(out))
			out[pos++] = '.';
		pos = al_label_to_text((const uint8_t *)raw + s, n, out, pos, sizeof(out));
		s = i + 1;
	}
	return al_arena_strndup(arena, out, pos);
}

const char *al_spf_target(al_arena *arena, const al_spf_macro_env *env, const char *text,
			  size_t length, const char **why, bool *invalid_name)
{
	*why = NULL;
	*invalid_name = false;
	if (text == NULL) {
		if (env->domain == NULL) {
			*why = "depends on the domain";
			return NULL;
		}
		return env->domain;
	}
	al_strbuf sb = AL_STRBUF_INIT;
	if (!al_spf_expand(env, text, length, false, &sb, why)) {
		al_strbuf_free(&sb);
		return NULL;
	}
	const char *s = al_strbuf_cstr(&sb);
	size_t n = sb.length;
	if (n > 0 && s[n - 1] == '.')
		n--;
	/* RFC 7208 section 7.3: drop labels from the left until it fits */
	while (n > 253) {
		const char *dot = memchr(s, '.', n);
		if (dot == NULL)
			break;
		n -= (size_t)(dot + 1 - s);
		s = dot + 1;
	}
	const char *name = al_spf_name(arena, s, n, why);
	al_strbuf_free(&sb);
	if (name == NULL)
		*invalid_name = true;
	return name;
}
