/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * octoDNS: zone files (example.com.yaml: record names relative to the zone,
 * '' the apex, one record or a list of them per name, `value` or `values`)
 * through the project's bounded YAML reader (config files, which say where a
 * YamlProvider keeps them, are read in octodns_config.c). TXT and SPF values are
 * what octoDNS sends to a provider: a ';' is written escaped ("\;"), quotes
 * around the value and '" "' joins are dropped, and the value is cut into
 * quoted 255-octet chunks, then read as zone-file text.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/zone_internal.h"
#include "input/input_internal.h"
#include "input/octodns_internal.h"
#include "util/strbuf.h"
#include "util/yaml.h"


typedef struct octo {
	al_input in;
	const char *origin;   /* the zone */
	uint32_t default_ttl;
} octo;

/* The line of a YAML error message "label:LINE: ..." (0 when absent). */
static unsigned long error_line(const char *label, const char *message)
{
	size_t ll = strlen(label);
	if (strncmp(message, label, ll) != 0 || message[ll] != ':')
		return 0;
	return strtoul(message + ll + 1, NULL, 10);
}

/* The reason of a YAML error message, without "label:LINE: ". */
static const char *error_reason(const char *label, const char *message)
{
	size_t ll = strlen(label);
	if (strncmp(message, label, ll) != 0 || message[ll] != ':')
		return message;
	const char *p = strchr(message + ll + 1, ':');
	return p != NULL && p[1] == ' ' ? p + 2 : message;
}

/* The zone a file is named for: "example.com.yaml" -> "example.com"; false when not a name. */
bool al_octodns_zone_of_file(const char *path, char out[AL_NAME_MAX])
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".yaml") == 0)
		n -= 5;
	else if (n > 4 && strcmp(base + n - 4, ".yml") == 0)
		n -= 4;
	else
		return false;
	if (n == 0 || memchr(base, '.', n) == NULL || n >= AL_NAME_MAX)
		return false;
	char why[128];
	return al_input_owner(base, n, ".", out, why);
}

/* ---- values ------------------------------------------------------------------------------------ */

/*
 * A TXT/SPF value as octoDNS sends it: quotes around it dropped and '" "'
 * joins removed (_ChunkedValue.process), then '"' escaped and the text cut
 * into 255-character chunks, each quoted (chunked_value). Control bytes are
 * written as \DDD so that the chunk stays one quoted string.
 */
static void octodns_txt_text(const char *v, size_t n, al_strbuf *out)
{
	al_strbuf joined = AL_STRBUF_INIT;
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	for (size_t i = 0; i < n; i++) {
		if (i + 3 <= n && memcmp(v + i, "\" \"", 3) == 0) {
			i += 2;
			continue;
		}
		if (v[i] == '"')
			al_strbuf_putc(&joined, '\\');
		al_strbuf_putc(&joined, v[i]);
	}
	const char *t = al_strbuf_cstr(&joined);
	size_t tl = joined.length;
	for (size_t at = 0; at < tl || at == 0; at += 255) {
		size_t part = tl - at > 255 ? 255 : tl - at;
		if (at > 0)
			al_strbuf_putc(out, ' ');
		al_strbuf_putc(out, '"');
		for (size_t i = at; i < at + part; i++) {
			unsigned char c = (unsigned char)t[i];
			if (c < ' ' || c == 0x7f)
				al_strbuf_printf(out, "\\%03u", c);
			else
				al_strbuf_putc(out, (char)c);
		}
		al_strbuf_putc(out, '"');
		if (tl == 0)
			break;
	}
	al_strbuf_free(&joined);
}

/* octoDNS refuses a ';' after a word character that is not escaped (r'\w;'). */
static bool unescaped_semicolon(const char *v)
{
	for (size_t i = 1; v[0] != '\0' && v[i] != '\0'; i++)
		if (v[i] == ';' && (isalnum((unsigned char)v[i - 1]) || v[i - 1] == '_'))
			return true;
	return false;
}

static void add_value(octo *o, yaml_document_t *doc, const char *owner, uint16_t type, uint32_t ttl,
		      yaml_node_t *value)
{
	al_input *in = &o->in;
	unsigned long line = al_yaml_line(value);
	al_location where = {.file = in->label, .line = line};
	char tbuf[16], why[128];
	const char *tname = al_rrtype_name(type, tbuf);
	if (type == AL_TYPE_MX) {
		if (!al_yaml_is_map(value)) {
			al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX,
					 "an MX value is a mapping with exchange and preference");
			return;
		}
		yaml_node_t *ex = al_yaml_map_get(doc, value, "exchange");
		if (ex == NULL)
			ex = al_yaml_map_get(doc, value, "value");
		yaml_node_t *pref = al_yaml_map_get(doc, value, "preference");
		if (pref == NULL)
			pref = al_yaml_map_get(doc, value, "priority");
		const char *exs = al_yaml_scalar(ex);
		unsigned long p;
		if (exs == NULL || !al_yaml_ulong(pref, &p) || p > 65535) {
			al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX,
					 "an MX value needs an exchange and a preference from 0 to 65535");
			return;
		}
		size_t el = strlen(exs);
		if (el == 0 || exs[el - 1] != '.') {
			al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX,
					 "MX exchange '%s' has no trailing dot (octoDNS refuses it)", exs);
			return;
		}
		char text[AL_NAME_MAX + 16];
		int n = snprintf(text, sizeof(text), "%lu %s", p, exs);
		if (n < 0 || (size_t)n >= sizeof(text) || !al_input_rdata(in, type, text, (size_t)n, ".", why)) {
			al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX, "MX value: %s", why);
			return;
		}
		al_input_add(in, &where, owner, type, ttl);
		return;
	}
	const char *v = al_yaml_scalar(value);
	if (v == NULL) {
		al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX, "a %s value is a single string",
				 tname);
		return;
	}
	if (type == AL_TYPE_TXT || type == AL_TYPE_SPF) {
		if (unescaped_semicolon(v)) {
			al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX,
					 "a %s value with an unescaped ';' (octoDNS refuses it: write \\;)", tname);
			return;
		}
		al_strbuf text = AL_STRBUF_INIT;
		octodns_txt_text(v, strlen(v), &text);
		bool ok = !text.failed && al_input_rdata(in, type, al_strbuf_cstr(&text), text.length, ".", why);
		if (text.failed)
			snprintf(why, sizeof(why), "out of memory");
		al_strbuf_free(&text);
		if (!ok) {
			al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX, "%s value: %s", tname, why);
			return;
		}
		al_input_add(in, &where, owner, type, ttl);
		return;
	}
	size_t vl = strlen(v);
	if ((type == AL_TYPE_CNAME || type == AL_TYPE_NS || type == AL_TYPE_PTR) && (vl == 0 || v[vl - 1] != '.')) {
		al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX,
				 "%s value '%s' has no trailing dot (octoDNS refuses it)", tname, v);
		return;
	}
	if (!al_input_rdata(in, type, v, vl, ".", why)) {
		al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX, "%s value: %s", tname, why);
		return;
	}
	al_input_add(in, &where, owner, type, ttl);
}

/* One record (a mapping with type and value(s)) at @p owner. */
static void add_record(octo *o, yaml_document_t *doc, const char *owner, yaml_node_t *rec)
{
	al_input *in = &o->in;
	unsigned long line = al_yaml_line(rec);
	if (!al_yaml_is_map(rec)) {
		al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX,
				 "a record is a mapping with type and value or values");
		return;
	}
	const char *tname = al_yaml_scalar(al_yaml_map_get(doc, rec, "type"));
	if (tname == NULL) {
		al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX, "a record without a type");
		return;
	}
	uint16_t type = al_input_type(tname);
	if (type == 0)
		return; /* a type octoDNS has and the checks never read (ALIAS, URLFWD, ...) */
	uint32_t ttl = o->default_ttl;
	yaml_node_t *tn = al_yaml_map_get(doc, rec, "ttl");
	unsigned long t;
	if (tn != NULL) {
		if (!al_yaml_ulong(tn, &t) || t > 2147483647ul)
			al_input_problem(in, NULL, al_yaml_line(tn), owner, AL_ZONE_PROBLEM_SYNTAX,
					 "ttl is a number of seconds");
		else
			ttl = (uint32_t)t;
	}
	if (!al_zone_keep_rdata(type)) {
		/* the name has this type: a CAA, a DS... (their data is not read) */
		al_location where = {.file = in->label, .line = line};
		in->rdlength = 0;
		al_input_add(in, &where, owner, type, ttl);
		return;
	}
	if (type == 33 || type == AL_TYPE_SOA || type == 39)
		return; /* SRV, SOA, DNAME: nothing the checks read */
	yaml_node_t *values = al_yaml_map_get(doc, rec, "values");
	yaml_node_t *value = al_yaml_map_get(doc, rec, "value");
	if (values != NULL && al_yaml_is_seq(values)) {
		size_t n = al_yaml_seq_count(values);
		if (n > AL_INPUT_MAX_VALUES) {
			al_input_problem(in, NULL, al_yaml_line(values), owner, AL_ZONE_PROBLEM_LIMIT,
					 "more than %u values; the rest were not read", AL_INPUT_MAX_VALUES);
			n = AL_INPUT_MAX_VALUES;
		}
		for (size_t i = 0; i < n; i++)
			add_value(o, doc, owner, type, ttl, al_yaml_seq_at(doc, values, i));
	} else if (values != NULL) {
		add_value(o, doc, owner, type, ttl, values);
	} else if (value != NULL) {
		add_value(o, doc, owner, type, ttl, value);
	} else {
		al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX, "a %s record without value or values",
				 tname);
	}
}

/* A zone file's document: names to records. */
static void read_zone_doc(octo *o, yaml_document_t *doc)
{
	al_input *in = &o->in;
	yaml_node_t *root = al_yaml_root(doc);
	if (root == NULL || al_yaml_is_null(root))
		return;
	if (!al_yaml_is_map(root)) {
		al_input_problem(in, NULL, al_yaml_line(root), NULL, AL_ZONE_PROBLEM_SYNTAX,
				 "an octoDNS zone file is a mapping of names to records");
		return;
	}
	for (size_t i = 0; i < al_yaml_map_count(root); i++) {
		yaml_node_t *key, *value;
		if (!al_yaml_map_at(doc, root, i, &key, &value))
			continue;
		const char *name = al_yaml_scalar(key);
		char owner[AL_NAME_MAX], why[128];
		if (name == NULL) {
			al_input_problem(in, NULL, al_yaml_line(key), NULL, AL_ZONE_PROBLEM_SYNTAX,
					 "a record name is a string");
			continue;
		}
		if (!al_input_owner(name, strlen(name), o->origin, owner, why)) {
			al_input_problem(in, NULL, al_yaml_line(key), NULL, AL_ZONE_PROBLEM_NAME_TOO_LONG,
					 "record name '%s': %s", name, why);
			continue;
		}
		if (al_yaml_is_seq(value)) {
			size_t n = al_yaml_seq_count(value);
			if (n > AL_INPUT_MAX_VALUES)
				n = AL_INPUT_MAX_VALUES;
			for (size_t k = 0; k < n; k++)
				add_record(o, doc, owner, al_yaml_seq_at(doc, value, k));
		} else {
			add_record(o, doc, owner, value);
		}
		if (in->zone->limit_hit)
			return;
	}
}

/* Read a zone document already loaded (or the reason it could not be) for @p zone_name. */
al_status al_octodns_read_zone(al_zone *zone, const char *label, const char *zone_name, uint32_t default_ttl,
			       al_status loaded, yaml_document_t *doc, const al_error *lerr, al_error *err)
{
	octo o = {0};
	al_input_init(&o.in, zone, label);
	o.default_ttl = default_ttl ? default_ttl : AL_INPUT_DEFAULT_TTL;
	if (loaded != AL_OK) {
		al_zone_problem_kind kind = loaded == AL_ESYNTAX ? AL_ZONE_PROBLEM_SYNTAX
					    : loaded == AL_ELIMIT ? AL_ZONE_PROBLEM_LIMIT
								  : AL_ZONE_PROBLEM_UNREADABLE;
		const char *reason = lerr->message[0] ? error_reason(label, lerr->message) : al_status_message(loaded);
		if (kind == AL_ZONE_PROBLEM_SYNTAX)
			al_input_problem(&o.in, NULL, error_line(label, lerr->message), NULL, kind,
					 "%s; nothing in the file was read", reason);
		else
			al_zone_add_unread(zone, label, kind, reason);
		al_input_done(&o.in);
		return al_error_set(err, loaded == AL_ESYNTAX ? AL_ESYNTAX : AL_EIO, "%s", lerr->message);
	}
	if (zone_name == NULL) {
		al_input_problem(&o.in, NULL, 0, NULL, AL_ZONE_PROBLEM_NO_ORIGIN,
				 "the file is not named for its zone (example.com.yaml) and no --origin was given; "
				 "it was not read");
		yaml_document_delete(doc);
		al_input_done(&o.in);
		return AL_OK;
	}
	o.origin = zone_name;
	al_zone_add_origin(zone, zone_name);
	read_zone_doc(&o, doc);
	yaml_document_delete(doc);
	al_input_done(&o.in);
	return AL_OK;
}

/* The zone of an input named @p label: its file name, else the store's --origin. */
const char *al_octodns_zone_name_for(al_zone *zone, const char *label, char buf[AL_NAME_MAX])
{
	if (al_octodns_zone_of_file(label, buf))
		return buf;
	return zone->options.origin;
}

al_status al_input_read_octodns_text(al_zone *zone, const char *label, const char *text, size_t length,
				     al_error *err)
{
	yaml_document_t doc;
	al_error lerr = {0};
	al_status st = al_yaml_load_buffer(label, text, length, &doc, &lerr);
	char buf[AL_NAME_MAX];
	return al_octodns_read_zone(zone, label, al_octodns_zone_name_for(zone, label, buf), 0, st, &doc, &lerr, err);
}
