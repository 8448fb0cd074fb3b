/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The fixture backend: DNS answers scripted in the `zonedata:` of an OpenSPF
 * test-suite YAML file (see fixture.h for the semantics, copied from the
 * suite's reference driver). Used by the conformance test and by
 * `authlint spf --fixture`.
 */
#include "dns/fixture.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/wire.h"
#include "util/arena.h"
#include "util/hash.h"

/* Bounds on untrusted input. */
#define FX_MAX_NAMES 100000
#define FX_MAX_ENTRIES 4096

typedef struct fx_entry {
	uint16_t type;   /* 0: a bare TIMEOUT */
	bool timeout;    /* "TYPE: TIMEOUT" */
	al_rr rr;        /* the record otherwise */
} fx_entry;

typedef struct fx_name {
	const char *name;
	fx_entry *entries;
	size_t count;
} fx_name;

typedef struct fixture {
	al_arena arena;
	al_map names; /* presentation name -> fx_name */
	size_t name_count;
	char description[256];
} fixture;

typedef struct fx_answer {
	al_answer pub;
	al_rr *rrs;
	char detail[AL_NAME_MAX + 64];
} fx_answer;

/* ---- loading ----------------------------------------------------------------- */

static size_t scalar_length(const yaml_node_t *node)
{
	return node->data.scalar.length;
}

/* Raw bytes to wire form: bytes taken as they are (no escapes), empty labels collapsed. */
static size_t raw_to_wire(const char *raw, size_t length, uint8_t out[255])
{
	size_t wire = 0, s = 0;
	for (size_t i = 0; i <= length; i++) {
		if (i < length && raw[i] != '.')
			continue;
		size_t n = i - s;
		s = i + 1;
		if (n == 0)
			continue;
		if (n > 63 || wire + 1 + n >= 255)
			return 0;
		out[wire++] = (uint8_t)n;
		memcpy(out + wire, raw + i - n, n);
		wire += n;
	}
	out[wire++] = 0;
	return wire;
}

static const char *raw_to_name(fixture *fx, const char *raw, size_t length)
{
	uint8_t wire[255];
	char text[AL_NAME_MAX];
	size_t n = raw_to_wire(raw, length, wire);
	if (n == 0 || !al_wire_name_to_text(wire, n, 0, text, NULL))
		return NULL;
	return al_arena_strdup(&fx->arena, text);
}

static uint16_t type_of(const char *t)
{
	static const struct {
		const char *name;
		uint16_t type;
	} types[] = {
		{"A", AL_TYPE_A},     {"AAAA", AL_TYPE_AAAA}, {"MX", AL_TYPE_MX},   {"PTR", AL_TYPE_PTR},
		{"CNAME", AL_TYPE_CNAME}, {"TXT", AL_TYPE_TXT}, {"SPF", AL_TYPE_SPF}, {"NS", AL_TYPE_NS},
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(t, types[i].name) == 0)
			return types[i].type;
	return 0;
}

/* TXT/SPF RDATA from a string or a list of strings (each split at 255 octets). */
static bool txt_rdata(fixture *fx, yaml_document_t *doc, yaml_node_t *v, al_rr *rr)
{
	size_t total = 0, pieces = 0;
	size_t count = al_yaml_is_seq(v) ? al_yaml_seq_count(v) : 1;
	for (size_t i = 0; i < count; i++) {
		yaml_node_t *s = al_yaml_is_seq(v) ? al_yaml_seq_at(doc, v, i) : v;
		if (!al_yaml_is_scalar(s))
			return false;
		size_t n = scalar_length(s);
		total += n;
		pieces += n == 0 ? 1 : (n + 254) / 255;
	}
	if (total + pieces > 65535)
		return false;
	uint8_t *rd = al_arena_alloc(&fx->arena, total + pieces + 1);
	if (rd == NULL)
		return false;
	size_t pos = 0;
	for (size_t i = 0; i < count; i++) {
		yaml_node_t *s = al_yaml_is_seq(v) ? al_yaml_seq_at(doc, v, i) : v;
		const char *text = al_yaml_scalar(s);
		size_t n = scalar_length(s);
		size_t off = 0;
		do {
			size_t k = n - off > 255 ? 255 : n - off;
			rd[pos++] = (uint8_t)k;
			memcpy(rd + pos, text + off, k);
			pos += k;
			off += k;
		} while (off < n);
	}
	rr->rdata = rd;
	rr->rdlength = (uint16_t)pos;
	return true;
}

static bool name_rdata(fixture *fx, const char *raw, size_t length, size_t prefix, const uint8_t *pre,
		       al_rr *rr)
{
	uint8_t wire[255];
	size_t n = raw_to_wire(raw, length, wire);
	if (n == 0)
		return false;
	uint8_t *rd = al_arena_alloc(&fx->arena, prefix + n);
	if (rd == NULL)
		return false;
	if (prefix > 0)
		memcpy(rd, pre, prefix);
	memcpy(rd + prefix, wire, n);
	rr->rdata = rd;
	rr->rdlength = (uint16_t)(prefix + n);
	return true;
}

/* One entry of a name's list. */
static al_status load_entry(fixture *fx, yaml_document_t *doc, yaml_node_t *item, const char *owner,
			    const char *label, fx_entry *e, bool *is_none, al_error *err)
{
	*is_none = false;
	memset(e, 0, sizeof(*e));
	unsigned long line = al_yaml_line(item);
	if (al_yaml_is_scalar(item)) {
		if (strcmp(al_yaml_scalar(item), "TIMEOUT") == 0)
			return AL_OK; /* type 0: a bare TIMEOUT */
		return al_error_set(err, AL_ESYNTAX, "%s:%lu: an entry of %s is '%s', not TYPE: value or TIMEOUT",
				    label, line, owner, al_yaml_scalar(item));
	}
	yaml_node_t *k, *v;
	if (!al_yaml_is_map(item) || al_yaml_map_count(item) != 1 || !al_yaml_map_at(doc, item, 0, &k, &v) ||
	    !al_yaml_is_scalar(k))
		return al_error_set(err, AL_ESYNTAX, "%s:%lu: an entry of %s is not TYPE: value", label, line,
				    owner);
	e->type = type_of(al_yaml_scalar(k));
	if (e->type == 0)
		return al_error_set(err, AL_ESYNTAX, "%s:%lu: %s: unknown record type '%s'", label, line, owner,
				    al_yaml_scalar(k));
	e->rr.owner = owner;
	e->rr.type = e->type;
	e->rr.ttl = 300;
	e->rr.location.file = label;
	e->rr.location.line = line;
	if (al_yaml_is_scalar(v) && strcmp(al_yaml_scalar(v), "TIMEOUT") == 0) {
		e->timeout = true;
		return AL_OK;
	}
	if ((e->type == AL_TYPE_TXT || e->type == AL_TYPE_SPF) && al_yaml_is_scalar(v) &&
	    strcmp(al_yaml_scalar(v), "NONE") == 0) {
		*is_none = true;
		return AL_OK;
	}
	bool ok = false;
	const char *s = al_yaml_scalar(v);
	switch (e->type) {
	case AL_TYPE_TXT:
	case AL_TYPE_SPF:
		ok = txt_rdata(fx, doc, v, &e->rr);
		break;
	case AL_TYPE_A:
	case AL_TYPE_AAAA: {
		uint8_t addr[16];
		int family = e->type == AL_TYPE_A ? AF_INET : AF_INET6;
		if (s != NULL && inet_pton(family, s, addr) == 1) {
			size_t n = e->type == AL_TYPE_A ? 4 : 16;
			e->rr.rdata = al_arena_memdup(&fx->arena, addr, n);
			e->rr.rdlength = (uint16_t)n;
			ok = e->rr.rdata != NULL;
		}
		break;
	}
	case AL_TYPE_MX: {
		yaml_node_t *pref = al_yaml_seq_at(doc, v, 0), *host = al_yaml_seq_at(doc, v, 1);
		unsigned long p;
		if (al_yaml_seq_count(v) == 2 && al_yaml_ulong(pref, &p) && p <= 65535 && al_yaml_is_scalar(host)) {
			uint8_t pre[2] = {(uint8_t)(p >> 8), (uint8_t)p};
			ok = name_rdata(fx, al_yaml_scalar(host), scalar_length(host), 2, pre, &e->rr);
		}
		break;
	}
	default:
		if (s != NULL)
			ok = name_rdata(fx, s, scalar_length(v), 0, NULL, &e->rr);
		break;
	}
	if (!ok)
		return al_error_set(err, AL_ESYNTAX, "%s:%lu: %s: a %s value that is not valid", label, line,
				    owner, al_yaml_scalar(k));
	return AL_OK;
}

static al_status load_name(fixture *fx, yaml_document_t *doc, yaml_node_t *key, yaml_node_t *list,
			   const char *label, al_error *err)
{
	unsigned long line = al_yaml_line(key);
	if (!al_yaml_is_scalar(key))
		return al_error_set(err, AL_ESYNTAX, "%s:%lu: a zonedata name that is not a string", label, line);
	const char *name = raw_to_name(fx, al_yaml_scalar(key), scalar_length(key));
	if (name == NULL)
		return al_error_set(err, AL_ESYNTAX, "%s:%lu: '%s' is not a domain name", label, line,
				    al_yaml_scalar(key));
	if (al_map_get(&fx->names, name) != NULL)
		return AL_OK; /* the first definition wins */
	if (fx->name_count >= FX_MAX_NAMES)
		return al_error_set(err, AL_ELIMIT, "%s:%lu: more than %d names", label, line, FX_MAX_NAMES);
	size_t n = al_yaml_is_seq(list) ? al_yaml_seq_count(list) : 0;
	if (!al_yaml_is_seq(list) && !al_yaml_is_null(list))
		return al_error_set(err, AL_ESYNTAX, "%s:%lu: the entries of %s are not a list", label, line, name);
	if (n > FX_MAX_ENTRIES)
		return al_error_set(err, AL_ELIMIT, "%s:%lu: %s has more than %d entries", label, line, name,
				    FX_MAX_ENTRIES);
	fx_name *fn = al_arena_calloc(&fx->arena, 1, sizeof(*fn));
	/* room for the generated TXT copies of SPF entries */
	fx_entry *entries = al_arena_calloc(&fx->arena, 2 * n + 1, sizeof(*entries));
	if (fn == NULL || entries == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	size_t count = 0;
	bool has_txt = false;
	for (size_t i = 0; i < n; i++) {
		bool none;
		fx_entry e;
		al_status st = load_entry(fx, doc, al_yaml_seq_at(doc, list, i), name, label, &e, &none, err);
		if (st != AL_OK)
			return st;
		if (e.type == AL_TYPE_TXT)
			has_txt = true;
		if (!none)
			entries[count++] = e;
	}
	if (!has_txt) {
		/* SPF entries are served as TXT too, after everything else */
		size_t base = count;
		for (size_t i = 0; i < base; i++) {
			if (entries[i].type != AL_TYPE_SPF || entries[i].timeout)
				continue;
			fx_entry copy = entries[i];
			copy.type = AL_TYPE_TXT;
			copy.rr.type = AL_TYPE_TXT;
			entries[count++] = copy;
		}
	}
	fn->name = name;
	fn->entries = entries;
	fn->count = count;
	if (!al_map_put(&fx->names, name, fn))
		return al_error_set(err, AL_ENOMEM, "out of memory");
	fx->name_count++;
	return AL_OK;
}

static al_status load_zonedata(fixture *fx, yaml_document_t *doc, yaml_node_t *zonedata, const char *label,
			       al_error *err)
{
	if (!al_yaml_is_map(zonedata))
		return al_error_set(err, AL_ESYNTAX, "%s:%lu: zonedata is not a mapping", label,
				    al_yaml_line(zonedata));
	for (size_t i = 0; i < al_yaml_map_count(zonedata); i++) {
		yaml_node_t *k, *v;
		if (!al_yaml_map_at(doc, zonedata, i, &k, &v))
			continue;
		al_status st = load_name(fx, doc, k, v, label, err);
		if (st != AL_OK)
			return st;
	}
	return AL_OK;
}

/* ---- answering ----------------------------------------------------------------- */

static al_status fx_lookup(void *impl, const char *name, uint16_t type, const al_answer **out)
{
	fixture *fx = impl;
	*out = NULL;
	const fx_name *fn = al_map_get(&fx->names, name);
	size_t n = fn ? fn->count : 0;
	fx_answer *a = calloc(1, sizeof(*a));
	if (a == NULL)
		return AL_ENOMEM;
	if (n > 0 && (a->rrs = calloc(n, sizeof(*a->rrs))) == NULL) {
		free(a);
		return AL_ENOMEM;
	}
	a->pub.qname = name;
	a->pub.qtype = type;
	a->pub.name = name;
	a->pub.server = "fixture";
	a->pub.ttl = 300;
	a->pub.rrs = a->rrs;
	if (fn == NULL) {
		if (strncmp(name, "error.", 6) == 0) {
			a->pub.rcode = AL_RCODE_TIMEOUT;
			snprintf(a->detail, sizeof(a->detail), "fixture: %s is scripted to time out", name);
			a->pub.detail = a->detail;
		} else {
			a->pub.rcode = AL_RCODE_NXDOMAIN;
		}
		*out = &a->pub;
		return AL_OK;
	}
	bool answered = false; /* an entry of the type came before any bare TIMEOUT */
	bool timeout = false;
	size_t count = 0;
	const al_rr *cname = NULL;
	for (size_t i = 0; i < fn->count && !timeout; i++) {
		const fx_entry *e = &fn->entries[i];
		if (e->type == 0) {
			timeout = !answered; /* a bare TIMEOUT ends the list either way */
			break;
		}
		if (e->type == type) {
			answered = true;
			if (e->timeout)
				timeout = true;
			else
				a->rrs[count++] = e->rr;
		} else if (e->type == AL_TYPE_CNAME && !e->timeout && cname == NULL) {
			cname = &e->rr;
		}
	}
	if (timeout) {
		a->pub.rcode = AL_RCODE_TIMEOUT;
		snprintf(a->detail, sizeof(a->detail), "fixture: %s is scripted to time out", name);
		a->pub.detail = a->detail;
		count = 0;
		cname = NULL;
	}
	if (a->pub.rcode == AL_RCODE_NOERROR && count == 0 && cname != NULL && type != AL_TYPE_CNAME)
		a->rrs[count++] = *cname;
	a->pub.count = count;
	*out = &a->pub;
	return AL_OK;
}

static void fx_release(void *impl, const al_answer *answer)
{
	(void)impl;
	fx_answer *a = (fx_answer *)answer;
	free(a->rrs);
	free(a);
}

static bool fx_covers(const void *impl, const char *name)
{
	(void)impl;
	(void)name;
	return true; /* every name: the ones not in the data do not exist */
}

static const char *fx_describe(const void *impl)
{
	return ((const fixture *)impl)->description;
}

static void fx_destroy(void *impl)
{
	fixture *fx = impl;
	al_map_free(&fx->names);
	al_arena_clear(&fx->arena);
	free(fx);
}

static const al_source_ops fixture_ops = {
	.kind = "fixture",
	.lookup = fx_lookup,
	.release = fx_release,
	.covers = fx_covers,
	.describe = fx_describe,
	.destroy = fx_destroy,
};

static fixture *fixture_new(const char *label)
{
	fixture *fx = calloc(1, sizeof(*fx));
	if (fx == NULL)
		return NULL;
	al_arena_init(&fx->arena);
	al_map_init(&fx->names, true);
	snprintf(fx->description, sizeof(fx->description), "fixture %s", label);
	return fx;
}

static al_status fixture_finish(fixture *fx, al_status st, al_source **out)
{
	if (st == AL_OK)
		st = al_source_new(out, &fixture_ops, fx);
	if (st != AL_OK)
		fx_destroy(fx);
	return st;
}

al_status al_fixture_source_from_node(yaml_document_t *doc, yaml_node_t *zonedata, const char *label,
				      al_source **out, al_error *err)
{
	*out = NULL;
	fixture *fx = fixture_new(label);
	if (fx == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	al_status st = zonedata != NULL ? load_zonedata(fx, doc, zonedata, label, err) : AL_OK;
	return fixture_finish(fx, st, out);
}

al_status al_fixture_foreach_document(const char *path, const char *text, size_t length,
				      al_fixture_document_fn fn, void *userdata, size_t *count, al_error *err)
{
	size_t n = 0;
	al_yaml_stream stream;
	al_status st = text != NULL ? al_yaml_stream_open_buffer(&stream, path, text, length, err)
				    : al_yaml_stream_open_file(&stream, path, "a test-suite file", err);
	bool stop = false;
	while (st == AL_OK && !stop) {
		yaml_document_t doc;
		bool got = false;
		st = al_yaml_stream_next(&stream, &doc, &got, err);
		if (st != AL_OK || !got)
			break;
		n++;
		st = fn(userdata, &doc, al_yaml_root(&doc), &stop, err);
		yaml_document_delete(&doc);
	}
	al_yaml_stream_close(&stream);
	if (count != NULL)
		*count = n;
	return st;
}

typedef struct open_state {
	fixture *fx;
	const char *path;
	const char *scenario;
	bool found;
} open_state;

static al_status open_document(void *userdata, yaml_document_t *doc, yaml_node_t *root, bool *stop,
			       al_error *err)
{
	open_state *os = userdata;
	if (os->scenario != NULL) {
		const char *d = al_yaml_scalar(al_yaml_map_get(doc, root, "description"));
		if (d == NULL || strcmp(d, os->scenario) != 0)
			return AL_OK;
		os->found = *stop = true;
	}
	yaml_node_t *zonedata = al_yaml_map_get(doc, root, "zonedata");
	if (zonedata == NULL && al_yaml_map_get(doc, root, "tests") == NULL)
		zonedata = root; /* a bare zonedata mapping */
	return zonedata != NULL ? load_zonedata(os->fx, doc, zonedata, os->path, err) : AL_OK;
}

al_status al_fixture_source_open(const char *path, const char *text, size_t length, const char *scenario,
				 al_source **out, al_error *err)
{
	*out = NULL;
	fixture *fx = fixture_new(path);
	if (fx == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	open_state os = {fx, path, scenario, scenario == NULL};
	al_status st = al_fixture_foreach_document(path, text, length, open_document, &os, NULL, err);
	if (st == AL_OK && !os.found)
		st = al_error_set(err, AL_ENOENT, "%s: no scenario with the description '%s'", path, scenario);
	if (st == AL_OK && scenario != NULL)
		snprintf(fx->description, sizeof(fx->description), "fixture %s (%s)", path, scenario);
	return fixture_finish(fx, st, out);
}

al_status al_source_new_fixture_file(al_source **out, const char *path, al_error *err)
{
	return al_fixture_source_open(path, NULL, 0, NULL, out, err);
}
