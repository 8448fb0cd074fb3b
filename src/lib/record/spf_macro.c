/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The macro-string grammar of SPF (RFC 7208 section 7.1): every %{...} checked, with byte spans, for the parser of terms. */
#include "record/spf_parser.h"

/* ---- macros (RFC 7208 section 7.1) ------------------------------------------- */

al_spf_macro_token al_spf_macro_next(const char *t, size_t n, size_t *pos, bool exp_text,
				     al_spf_macro *m)
{
	memset(m, 0, sizeof(*m));
	size_t i = *pos;
	m->start = i;
	if (i >= n) {
		m->token = AL_SPF_MACRO_END;
		return m->token;
	}
	if (t[i] != '%') {
		/* a run of literal bytes */
		while (i < n && t[i] != '%') {
			unsigned char c = (unsigned char)t[i];
			bool ok = (c >= 0x21 && c <= 0x7e) || (exp_text && c == ' ');
			if (!ok) {
				if (i > *pos)
					break; /* hand out the good run first */
				m->token = AL_SPF_MACRO_ERROR;
				m->length = 1;
				m->error = c >= 0x80 ? "a byte that is not ASCII"
					   : c == ' ' ? "a space inside a term"
					   : c == '\t' ? "a tab (terms are separated by spaces only)"
						       : "a control character";
				*pos = i + 1;
				return m->token;
			}
			i++;
		}
		m->token = AL_SPF_MACRO_LITERAL;
		m->length = i - *pos;
		*pos = i;
		return m->token;
	}
	/* '%' */
	if (i + 1 >= n) {
		m->token = AL_SPF_MACRO_ERROR;
		m->length = 1;
		m->error = "a '%' at the end (write %% for a literal percent sign)";
		*pos = n;
		return m->token;
	}
	char c = t[i + 1];
	if (c == '%' || c == '_' || c == '-') {
		m->token = AL_SPF_MACRO_ESCAPE;
		m->length = 2;
		m->text = c == '%' ? "%" : c == '_' ? " " : "%20";
		m->text_length = c == '-' ? 3 : 1;
		*pos = i + 2;
		return m->token;
	}
	if (c != '{') {
		m->token = AL_SPF_MACRO_ERROR;
		m->length = 2;
		m->error = "a '%' not followed by {, %, _ or - (write %% for a literal percent sign)";
		*pos = i + 2;
		return m->token;
	}
	size_t j = i + 2;
	if (j >= n) {
		m->token = AL_SPF_MACRO_ERROR;
		m->length = j - i;
		m->error = "a macro without its closing '}'";
		*pos = n;
		return m->token;
	}
	char letter = t[j];
	char lower = (char)(letter >= 'A' && letter <= 'Z' ? letter + 32 : letter);
	if (strchr("slodiphv", lower) == NULL || lower == '\0') {
		if (lower != '\0' && strchr("crt", lower) != NULL) {
			if (!exp_text) {
				m->token = AL_SPF_MACRO_ERROR;
				m->error = "the c, r and t macros are allowed only in explanation text";
				goto bad_until_brace;
			}
		} else {
			m->token = AL_SPF_MACRO_ERROR;
			m->error = "an unknown macro letter (valid: s l o d i p h v; c r t in exp text)";
			goto bad_until_brace;
		}
	}
	m->letter = lower;
	m->url_escape = letter != lower;
	j++;
	/* transformers: *DIGIT [ "r" ] */
	size_t dstart = j;
	unsigned long digits = 0;
	while (j < n && al_spfp_is_digit(t[j])) {
		if (digits < 1000)
			digits = digits * 10 + (unsigned long)(t[j] - '0');
		j++;
	}
	if (j > dstart) {
		if (digits == 0) {
			m->token = AL_SPF_MACRO_ERROR;
			m->error = "a macro digit transformer of 0 (it must be nonzero)";
			goto bad_until_brace;
		}
		m->digits = digits > 255 ? 255 : (unsigned)digits;
	}
	if (j < n && (t[j] == 'r' || t[j] == 'R')) {
		m->reverse = true;
		j++;
	}
	while (j < n && t[j] != '}') {
		const char *d = memchr(AL_SPF_DELIMITERS, t[j], sizeof(AL_SPF_DELIMITERS) - 1);
		if (d == NULL || t[j] == '\0') {
			m->token = AL_SPF_MACRO_ERROR;
			m->error = "an invalid character in a macro (delimiters are . - + , / _ =)";
			goto bad_until_brace;
		}
		m->delimiters |= 1u << (d - AL_SPF_DELIMITERS);
		j++;
	}
	if (j >= n) {
		m->token = AL_SPF_MACRO_ERROR;
		m->length = n - i;
		m->error = "a macro without its closing '}'";
		*pos = n;
		return m->token;
	}
	m->token = AL_SPF_MACRO_EXPAND;
	m->length = j + 1 - i;
	*pos = j + 1;
	return m->token;

bad_until_brace:
	/* the error spans the macro up to its '}' (or the end) */
	while (j < n && t[j] != '}')
		j++;
	if (j < n)
		j++;
	m->length = j - i;
	*pos = j;
	return m->token;
}

/* toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
static bool valid_toplabel(const char *t, size_t n)
{
	if (n == 0 || !al_spfp_is_alnum(t[0]) || !al_spfp_is_alnum(t[n - 1]))
		return false;
	bool alpha = false, dash = false;
	for (size_t i = 0; i < n; i++) {
		if (al_spfp_is_alpha(t[i]))
			alpha = true;
		else if (t[i] == '-')
			dash = true;
		else if (!al_spfp_is_digit(t[i]))
			return false;
	}
	return alpha || dash;
}

const char *al_spf_domain_spec_error(const char *text, size_t start, size_t length,
				     size_t *bad_start, size_t *bad_length)
{
	*bad_start = start;
	*bad_length = length;
	if (length == 0)
		return "an empty domain";
	const char *t = text + start;
	size_t pos = 0;
	bool ends_in_macro = false;
	al_spf_macro m;
	while (al_spf_macro_next(t, length, &pos, false, &m) != AL_SPF_MACRO_END) {
		if (m.token == AL_SPF_MACRO_ERROR) {
			*bad_start = start + m.start;
			*bad_length = m.length;
			return m.error;
		}
		ends_in_macro = m.token != AL_SPF_MACRO_LITERAL;
	}
	if (ends_in_macro)
		return NULL;
	/* domain-end = "." toplabel [ "." ] */
	size_t end = length;
	if (t[end - 1] == '.')
		end--;
	size_t dot = end;
	while (dot > 0 && t[dot - 1] != '.' && t[dot - 1] != '}')
		dot--;
	bool after_dot = dot > 0 && t[dot - 1] == '.';
	if (!after_dot || !valid_toplabel(t + dot, end - dot)) {
		*bad_start = start + dot;
		*bad_length = length - dot;
		if (!after_dot)
			return "a domain that does not end in a dot and a top-level label "
			       "(a name of one label, or a label glued to a macro)";
		return "a top-level label that is not valid (letters, digits and inner dashes; "
		       "not all digits)";
	}
	return NULL;
}

