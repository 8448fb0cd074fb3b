/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Zone data in other formats: which format an input is, the reader for it,
 * and what the readers share (names, RDATA through libzscanner, problems).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libzscanner/scanner.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns/zone_internal.h"
#include "dns/zone_load.h"
#include "input/input_internal.h"
#include "util/file.h"

/* ---- formats ------------------------------------------------------------------------------ */

static const char *const format_names[] = {"auto", "bind", "octodns", "dnscontrol", "terraform"};

const char *al_input_format_name(al_input_format format)
{
	return (unsigned)format < sizeof(format_names) / sizeof(format_names[0]) ? format_names[format] : "?";
}

al_status al_input_format_parse(const char *name, al_input_format *out)
{
	if (name == NULL || out == NULL)
		return AL_EINVAL;
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (strcasecmp(name, format_names[i]) == 0) {
			*out = (al_input_format)i;
			return AL_OK;
		}
	}
	return AL_EINVAL;
}

/* Is there "key" (with its quotes) in the first bytes of JSON text? */
static bool json_has_key(const char *text, size_t length, const char *key)
{
	size_t kl = strlen(key);
	return length >= kl && memmem(text, length, key, kl) != NULL;
}

al_input_format al_input_format_detect_text(const char *text, size_t length)
{
	if (text == NULL)
		return AL_INPUT_BIND;
	size_t n = length < 65536 ? length : 65536;
	size_t i = 0;
	if (n >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	/* the first significant line: blank lines and comments (YAML '#', BIND ';') skipped */
	for (;;) {
		while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
			i++;
		if (i < n && (text[i] == '#' || text[i] == ';')) {
			while (i < n && text[i] != '\n')
				i++;
			continue;
		}
		break;
	}
	if (i >= n)
		return AL_INPUT_BIND;
	if (text[i] == '{' || text[i] == '[') {
		if (json_has_key(text + i, n - i, "\"planned_values\"") ||
		    json_has_key(text + i, n - i, "\"terraform_version\"") ||
		    json_has_key(text + i, n - i, "\"format_version\""))
			return AL_INPUT_TERRAFORM;
		return AL_INPUT_DNSCONTROL;
	}
	if (n - i >= 3 && memcmp(text + i, "---", 3) == 0)
		return AL_INPUT_OCTODNS;
	/* a YAML mapping key: the line's first word ends with ':' ("'':", "_dmarc:", "providers:") */
	size_t j = i;
	if (text[j] == '\'' || text[j] == '"') {
		char q = text[j++];
		while (j < n && text[j] != q && text[j] != '\n')
			j++;
		if (j < n && text[j] == q)
			j++;
	} else {
		while (j < n && text[j] != ' ' && text[j] != '\t' && text[j] != '\n' && text[j] != '\r' &&
		       text[j] != ':')
			j++;
	}
	if (j < n && text[j] == ':' && (j + 1 >= n || text[j + 1] == ' ' || text[j + 1] == '\n' ||
					 text[j + 1] == '\r' || text[j + 1] == '\t'))
		return AL_INPUT_OCTODNS;
	return AL_INPUT_BIND;
}

al_input_format al_input_format_detect(const char *path)
{
	struct stat st;
	if (path == NULL || stat(path, &st) != 0)
		return AL_INPUT_BIND;
	if (S_ISDIR(st.st_mode))
		return AL_INPUT_OCTODNS;
	if (!S_ISREG(st.st_mode))
		return AL_INPUT_BIND;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return AL_INPUT_BIND;
	char buf[65536];
	size_t got = 0;
	while (got < sizeof(buf)) {
		ssize_t r = read(fd, buf + got, sizeof(buf) - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	return al_input_format_detect_text(buf, got);
}

/* ---- loading -------------------------------------------------------------------------------- */

static al_status read_json_file(al_zone *zone, const char *path, al_input_format format, al_error *err)
{
	char *text = NULL;
	size_t length = 0;
	al_error ferr = {0};
	al_status st = al_file_read_all(path, format == AL_INPUT_TERRAFORM ? "a Terraform plan" : "a DNSControl IR file",
					AL_INPUT_MAX_BYTES, &text, &length, &ferr);
	if (st != AL_OK) {
		al_zone_add_unread(zone, path, st == AL_ELIMIT ? AL_ZONE_PROBLEM_LIMIT : AL_ZONE_PROBLEM_UNREADABLE,
				   ferr.message);
		return al_error_set(err, st == AL_ELIMIT ? AL_ELIMIT : AL_EIO, "%s: %s", path, ferr.message);
	}
	st = format == AL_INPUT_TERRAFORM ? al_input_read_terraform(zone, path, text, length, err)
					  : al_input_read_dnscontrol(zone, path, text, length, err);
	free(text);
	return st;
}

al_status al_zone_load_input(al_zone *zone, const char *path, al_input_format format, al_error *err)
{
	if (zone == NULL || path == NULL)
		return AL_EINVAL;
	if (format == AL_INPUT_AUTO)
		format = al_input_format_detect(path);
	switch (format) {
	case AL_INPUT_OCTODNS: {
		struct stat st;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return al_input_read_octodns_dir(zone, path, err);
		return al_input_read_octodns_file(zone, path, err);
	}
	case AL_INPUT_DNSCONTROL:
	case AL_INPUT_TERRAFORM:
		return read_json_file(zone, path, format, err);
	case AL_INPUT_BIND:
	case AL_INPUT_AUTO:
		break;
	}
	return al_zone_load_file(zone, path, err);
}

al_status al_zone_load_input_text(al_zone *zone, const char *label, const char *text, size_t length,
				  al_input_format format, al_error *err)
{
	if (zone == NULL || label == NULL || (text == NULL && length > 0))
		return AL_EINVAL;
	if (format == AL_INPUT_AUTO)
		format = al_input_format_detect_text(text, length);
	if (format == AL_INPUT_BIND || format == AL_INPUT_AUTO)
		return al_zone_load_text(zone, label, text, length, err);
	if (length > AL_INPUT_MAX_BYTES) {
		char limit[32], reason[96];
		snprintf(reason, sizeof(reason), "larger than %s, the limit for a %s input",
			 al_size_text(AL_INPUT_MAX_BYTES, limit), al_input_format_name(format));
		al_zone_add_unread(zone, label, AL_ZONE_PROBLEM_LIMIT, reason);
		return al_error_set(err, AL_ELIMIT, "%s: %s", label, reason);
	}
	/* the readers take NUL-terminated text */
	char *copy = malloc(length + 1);
	if (copy == NULL)
		return al_error_set(err, AL_ENOMEM, "%s: out of memory", label);
	if (length > 0)
		memcpy(copy, text, length);
	copy[length] = '\0';
	al_status st;
	if (format == AL_INPUT_OCTODNS)
		st = al_input_read_octodns_text(zone, label, copy, length, err);
	else if (format == AL_INPUT_TERRAFORM)
		st = al_input_read_terraform(zone, label, copy, length, err);
	else
		st = al_input_read_dnscontrol(zone, label, copy, length, err);
	free(copy);
	return st;
}

/* ---- shared by the readers -------------------------------------------------------------------- */

void al_input_init(al_input *in, al_zone *zone, const char *label)
{
	memset(in, 0, sizeof(*in));
	in->zone = zone;
	in->label = label;
}

void al_input_done(al_input *in)
{
	/* back to the zone reader's spares: the next value, input or zone file takes it */
	al_zone_scanner_release(in->scanner);
	in->scanner = NULL;
}

void al_input_problem(al_input *in, const char *file, unsigned long line, const char *owner,
		      al_zone_problem_kind kind, const char *fmt, ...)
{
	char message[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	al_location where = {.file = file ? file : in->label, .line = line};
	al_zone_add_problem_at(in->zone, &where, owner, kind, message);
	in->problems++;
}

bool al_input_owner(const char *name, size_t length, const char *origin, char out[AL_NAME_MAX], char *why)
{
	char joined[AL_NAME_MAX * 2 + 2];
	if (length == 0 || (length == 1 && name[0] == '@')) {
		snprintf(joined, sizeof(joined), "%s", origin ? origin : ".");
	} else if (name[length - 1] == '.' && !(length >= 2 && name[length - 2] == '\\')) {
		if (length >= sizeof(joined)) {
			snprintf(why, 128, "a name longer than 255 octets");
			return false;
		}
		memcpy(joined, name, length);
		joined[length] = '\0';
	} else {
		if (origin == NULL) {
			snprintf(why, 128, "a relative name and no zone to put it under");
			return false;
		}
		if (length + strlen(origin) + 2 > sizeof(joined)) {
			snprintf(why, 128, "a name longer than 255 octets");
			return false;
		}
		snprintf(joined, sizeof(joined), "%.*s.%s", (int)length, name, strcmp(origin, ".") == 0 ? "" : origin);
	}
	for (const char *p = joined; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c >= 0x7f) {
			snprintf(why, 128, "a name with a space, control or non-ASCII byte");
			return false;
		}
	}
	al_error nerr = {0};
	if (al_name_normalize(joined, strlen(joined), out, &nerr) != AL_OK) {
		snprintf(why, 128, "%.120s", nerr.message[0] ? nerr.message : "not a valid name");
		return false;
	}
	return true;
}

/* A scanner for @p origin (kept while the origin stays the same; a new one
 * after an error). Its 206 KB come from the zone reader's spares
 * (al_zone_scanner_get), not from a fresh allocation per input. */
static zs_scanner_t *scanner_for(al_input *in, const char *origin)
{
	if (in->scanner != NULL && strcmp(in->scanner_origin, origin) == 0)
		return in->scanner;
	al_input_done(in);
	zs_scanner_t *s = al_zone_scanner_get();
	if (s == NULL)
		return NULL;
	if (zs_init(s, origin, 1, AL_INPUT_DEFAULT_TTL) != 0) {
		al_zone_scanner_release(s);
		return NULL;
	}
	in->scanner = s;
	snprintf(in->scanner_origin, sizeof(in->scanner_origin), "%s", origin);
	return s;
}

bool al_input_rdata(al_input *in, uint16_t type, const char *text, size_t length, const char *origin,
		    char *why)
{
	in->rdlength = 0;
	if (length > AL_INPUT_MAX_TEXT) {
		snprintf(why, 128, "a value of %zu bytes", length);
		return false;
	}
	/* one record's data only: no line breaks, comments, parentheses or directives */
	bool quoted = false;
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\\' && i + 1 < length) {
			i++;
			continue;
		}
		if (c == '"')
			quoted = !quoted;
		else if (c < ' ' || c == 0x7f || (!quoted && (c == ';' || c == '(' || c == ')')) ||
			 (!quoted && c == '$' && i == 0)) {
			snprintf(why, 128, "a value with a byte a zone file would not read here (0x%02x)", c);
			return false;
		}
	}
	if (quoted) {
		snprintf(why, 128, "a quoted string that is not closed");
		return false;
	}
	char tbuf[16];
	const char *tname = al_rrtype_name(type, tbuf);
	size_t ll = length + 48;
	char *line = malloc(ll);
	if (line == NULL) {
		snprintf(why, 128, "out of memory");
		return false;
	}
	int n = snprintf(line, ll, ". 0 IN %s %.*s\n", tname, (int)length, text);
	zs_scanner_t *s = scanner_for(in, origin ? origin : ".");
	if (s == NULL || n < 0 || zs_set_input_string(s, line, (size_t)n) != 0) {
		free(line);
		snprintf(why, 128, "cannot set up the scanner");
		return false;
	}
	bool ok = false;
	if (zs_parse_record(s) == 0 && s->state == ZS_STATE_DATA && s->r_type == type) {
		memcpy(in->rdata, s->r_data, s->r_data_length);
		in->rdlength = s->r_data_length;
		/* nothing more */
		ok = zs_parse_record(s) == 0 && s->state == ZS_STATE_EOF;
		if (!ok)
			snprintf(why, 128, "more than one value where one was expected");
	} else if (s->state == ZS_STATE_ERROR || s->error.code != 0) {
		snprintf(why, 128, "%s", zs_strerror(s->error.code));
	} else {
		snprintf(why, 128, "not a %s value", tname);
	}
	free(line);
	if (!ok) {
		/* start again from a clean scanner after an error */
		al_input_done(in);
		in->rdlength = 0;
	}
	return ok;
}

bool al_input_txt_chunks(al_input *in, const char *const *strings, const size_t *lengths, size_t count)
{
	size_t out = 0;
	for (size_t i = 0; i < count; i++) {
		size_t len = lengths[i];
		size_t at = 0;
		do {
			size_t part = len - at > 255 ? 255 : len - at;
			if (out + 1 + part > sizeof(in->rdata))
				return false;
			in->rdata[out++] = (uint8_t)part;
			memcpy(in->rdata + out, strings[i] + at, part);
			out += part;
			at += part;
		} while (at < len);
	}
	in->rdlength = out;
	return true;
}

bool al_input_add(al_input *in, const al_location *where, const char *owner, uint16_t type, uint32_t ttl)
{
	al_status st = al_zone_add_record(in->zone, where, owner, type, ttl, in->rdata, in->rdlength);
	return st == AL_OK;
}

uint16_t al_input_type(const char *name)
{
	static const struct {
		const char *name;
		uint16_t type;
	} types[] = {
		{"A", AL_TYPE_A},       {"NS", AL_TYPE_NS},   {"CNAME", AL_TYPE_CNAME}, {"SOA", AL_TYPE_SOA},
		{"PTR", AL_TYPE_PTR},   {"MX", AL_TYPE_MX},   {"TXT", AL_TYPE_TXT},     {"AAAA", AL_TYPE_AAAA},
		{"SPF", AL_TYPE_SPF},   {"SRV", 33},          {"CAA", 257},             {"DS", 43},
		{"SSHFP", 44},          {"TLSA", 52},         {"NAPTR", 35},            {"LOC", 29},
		{"HTTPS", 65},          {"SVCB", 64},         {"DNAME", 39},
	};
	if (name == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(name, types[i].name) == 0)
			return types[i].type;
	return 0;
}

bool al_input_add_value(al_input *in, const al_location *where, const char *owner, uint16_t type, uint32_t ttl,
			const char *text, size_t length, const char *origin)
{
	char tbuf[16], why[128];
	const char *tname = al_rrtype_name(type, tbuf);
	if (type == AL_TYPE_TXT || type == AL_TYPE_SPF) {
		const char *strings[1] = {text};
		size_t lengths[1] = {length};
		if (!al_input_txt_chunks(in, strings, lengths, 1)) {
			al_input_problem(in, where->file, where->line, owner, AL_ZONE_PROBLEM_LIMIT,
					 "a %s value of %zu octets: more than a record holds", tname, length);
			return false;
		}
	} else if (!al_zone_keep_rdata(type)) {
		in->rdlength = 0; /* the name has this type; its data is not read */
	} else if (!al_input_rdata(in, type, text, length, origin, why)) {
		al_input_problem(in, where->file, where->line, owner, AL_ZONE_PROBLEM_SYNTAX, "%s value '%.*s': %s",
				 tname, (int)(length > 200 ? 200 : length), text, why);
		return false;
	}
	return al_input_add(in, where, owner, type, ttl);
}
