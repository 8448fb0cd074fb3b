/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Domain names: normalisation, comparison, wire form. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <authlint/source.h>

#include "dns/wire.h"

/* Each byte as it is shown inside a label: upper case lowered, 0 for the bytes
 * shown as \DDD (space and below, DEL and above, and . \ " ( ) ; @ $). */
static const uint8_t label_byte[256] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x21, 0x00, 0x23, 0x00, 0x25, 0x26, 0x27, 0x00, 0x00, 0x2a, 0x2b, 0x2c, 0x2d, 0x00, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x00, 0x3c, 0x3d, 0x3e, 0x3f,
	0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x5b, 0x00, 0x5d, 0x5e, 0x5f,
	0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x00,
	/* 0x80-0xff: 0 */
};

size_t al_label_to_text(const uint8_t *label, size_t length, char *out, size_t pos, size_t max)
{
	for (size_t i = 0; i < length; i++) {
		uint8_t c = label_byte[label[i]];
		if (c != 0) {
			if (pos + 1 < max)
				out[pos++] = (char)c;
		} else if (pos + 4 < max) {
			snprintf(out + pos, 5, "\\%03u", (unsigned)label[i]);
			pos += 4;
		}
	}
	out[pos < max ? pos : max - 1] = '\0';
	return pos;
}

bool al_wire_name_to_text(const uint8_t *data, size_t length, size_t offset, char out[AL_NAME_MAX],
			  size_t *consumed)
{
	size_t pos = 0, i = offset, wire = 0;
	out[0] = '\0';
	for (;;) {
		if (i >= length)
			return false;
		uint8_t n = data[i];
		if (n == 0) {
			i++;
			wire++;
			break;
		}
		if (n > 63)
			return false; /* compression pointers or extended labels are not expected */
		if (i + 1 + n > length || wire + 1 + n > 254)
			return false;
		if (pos > 0)
			out[pos++] = '.';
		pos = al_label_to_text(data + i + 1, n, out, pos, AL_NAME_MAX);
		wire += 1u + n;
		i += 1u + n;
	}
	if (pos == 0) {
		out[0] = '.';
		out[1] = '\0';
	}
	if (consumed != NULL)
		*consumed = i - offset;
	return true;
}

size_t al_name_to_wire(const char *name, size_t length, uint8_t out[255], const char **why)
{
	size_t wire = 0;
	const char *dummy;
	if (why == NULL)
		why = &dummy;
	*why = NULL;
	if (length == 0 || (length == 1 && name[0] == '.')) {
		out[0] = 0;
		return 1;
	}
	size_t i = 0;
	while (i < length) {
		size_t lenpos = wire++;
		size_t label = 0;
		if (wire > 254) {
			*why = "the name is longer than 255 octets";
			return 0;
		}
		while (i < length && name[i] != '.') {
			uint8_t c = (uint8_t)name[i];
			if (c == '\\') {
				if (i + 3 < length && isdigit((unsigned char)name[i + 1]) &&
				    isdigit((unsigned char)name[i + 2]) && isdigit((unsigned char)name[i + 3])) {
					unsigned v = (unsigned)(name[i + 1] - '0') * 100 +
						     (unsigned)(name[i + 2] - '0') * 10 + (unsigned)(name[i + 3] - '0');
					if (v > 255) {
						*why = "an escape \\DDD above 255";
						return 0;
					}
					c = (uint8_t)v;
					i += 4;
				} else if (i + 1 < length) {
					c = (uint8_t)name[i + 1];
					i += 2;
				} else {
					*why = "a name that ends in a backslash";
					return 0;
				}
			} else {
				i++;
			}
			if (label == 63) {
				*why = "a label longer than 63 octets";
				return 0;
			}
			if (wire >= 254) {
				*why = "the name is longer than 255 octets";
				return 0;
			}
			out[wire++] = c;
			label++;
		}
		if (label == 0) {
			*why = "an empty label";
			return 0;
		}
		out[lenpos] = (uint8_t)label;
		if (i < length && name[i] == '.') {
			i++;
			if (i == length)
				break; /* trailing dot: absolute */
		}
	}
	if (wire >= 255) {
		*why = "the name is longer than 255 octets";
		return 0;
	}
	out[wire++] = 0;
	return wire;
}

/* Already in normal form (lower case, plain bytes, no empty label, within the
 * limits)? Most names the checks pass around are: they came out of this
 * function or of the wire. */
static bool already_normal(const char *in, size_t length)
{
	if (length == 0 || length > 253 || in[0] == '.' || in[length - 1] == '.')
		return false;
	size_t label = 0;
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '*'))
			return false;
		if (++label > 63)
			return false;
	}
	return true;
}

al_status al_name_normalize(const char *in, size_t length, char out[AL_NAME_MAX], al_error *err)
{
	uint8_t wire[255];
	const char *why = NULL;
	if (in == NULL)
		return al_error_set(err, AL_EINVAL, "no name");
	if (already_normal(in, length)) {
		memcpy(out, in, length);
		out[length] = '\0';
		return AL_OK;
	}
	size_t n = al_name_to_wire(in, length, wire, &why);
	if (n == 0)
		return al_error_set(err, AL_EINVAL, "'%.*s' is not a valid domain name: %s",
				    (int)(length > 300 ? 300 : length), in, why ? why : "invalid");
	if (!al_wire_name_to_text(wire, n, 0, out, NULL))
		return al_error_set(err, AL_EINVAL, "'%.*s' is not a valid domain name",
				    (int)(length > 300 ? 300 : length), in);
	return AL_OK;
}

bool al_name_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 0 && a[la - 1] == '.' && la > 1)
		la--;
	if (lb > 0 && b[lb - 1] == '.' && lb > 1)
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

bool al_name_is_subdomain(const char *name, const char *parent)
{
	if (strcmp(parent, ".") == 0)
		return true;
	size_t ln = strlen(name), lp = strlen(parent);
	if (ln > 1 && name[ln - 1] == '.')
		ln--;
	if (lp > 1 && parent[lp - 1] == '.')
		lp--;
	if (ln < lp)
		return false;
	if (strncasecmp(name + ln - lp, parent, lp) != 0)
		return false;
	return ln == lp || name[ln - lp - 1] == '.';
}

size_t al_name_label_count(const char *name)
{
	if (name[0] == '\0' || strcmp(name, ".") == 0)
		return 0;
	size_t n = 1;
	for (const char *p = name; *p; p++)
		if (*p == '.' && p[1] != '\0')
			n++;
	return n;
}
