/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The bounce catalog (data/bounces.yaml) and the bulk-sender requirements
 * (data/bulk-senders.yaml): loading, checking every entry against the
 * documented sets. Matching a bounce to its entry: bounce_match.c.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <authlint/bounce.h>

#include "message/bounce_internal.h"
#include "rules_internal.h"
#include "util/arena.h"
#include "util/yaml.h"

#define MAX_RECEIVERS 64
#define MAX_ENTRIES 1024
#define MAX_REQUIREMENTS 1024
#define MAX_DOMAINS 64
#define MAX_ALSO 16
/* PCRE2 limits for the untrusted diagnostic text (the patterns are ours) */
#define MATCH_LIMIT 100000
#define DEPTH_LIMIT 10000

static const char *const verdicts[] = {
	"unauthenticated", "spf-fail",     "spf-suspicious",    "dkim-fail", "not-aligned",
	"dmarc-missing",   "dmarc-policy", "dns-temporary",     "bulk-requirements",
	"no-ptr",          "no-tls",       "reputation",        NULL,
};
static const char *const whos[] = {"dns-owner", "sending-service", "nobody", NULL};
static const char *const requirement_names[] = {
	"spf-or-dkim", "spf", "dkim", "dmarc", "alignment", "one-click-unsubscribe", "unsubscribe-link",
	"ptr",         "tls", "spam-rate", "rfc5322", NULL,
};

/* struct al_bounce_catalog: message/bounce_internal.h */

const char *const *al_bounce_verdicts(void)
{
	return verdicts;
}

const char *const *al_bulk_requirement_names(void)
{
	return requirement_names;
}

static bool in_set(const char *const *set, const char *v)
{
	for (size_t i = 0; v != NULL && set[i] != NULL; i++)
		if (strcmp(set[i], v) == 0)
			return true;
	return false;
}

void al_bounce_catalog_free(al_bounce_catalog *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; c->markers && i < c->receiver_count; i++)
		pcre2_code_free(c->markers[i]);
	for (size_t i = 0; c->patterns && i < c->entry_count; i++)
		pcre2_code_free(c->patterns[i]);
	free(c->receivers);
	free(c->markers);
	free(c->entries);
	free(c->patterns);
	free(c->requirements);
	pcre2_match_context_free(c->mctx);
	al_arena_clear(&c->arena);
	free(c);
}

size_t al_bounce_catalog_count(const al_bounce_catalog *c)
{
	return c ? c->entry_count : 0;
}

const al_bounce_entry *al_bounce_catalog_at(const al_bounce_catalog *c, size_t index)
{
	return c && index < c->entry_count ? &c->entries[index] : NULL;
}

const al_bounce_entry *al_bounce_catalog_find(const al_bounce_catalog *c, const char *id)
{
	for (size_t i = 0; c != NULL && id != NULL && i < c->entry_count; i++)
		if (strcmp(c->entries[i].id, id) == 0)
			return &c->entries[i];
	return NULL;
}

size_t al_bounce_catalog_receiver_count(const al_bounce_catalog *c)
{
	return c ? c->receiver_count : 0;
}

const al_bounce_receiver *al_bounce_catalog_receiver_at(const al_bounce_catalog *c, size_t index)
{
	return c && index < c->receiver_count ? &c->receivers[index] : NULL;
}

size_t al_bounce_catalog_requirement_count(const al_bounce_catalog *c)
{
	return c ? c->requirement_count : 0;
}

const al_bulk_requirement *al_bounce_catalog_requirement_at(const al_bounce_catalog *c, size_t index)
{
	return c && index < c->requirement_count ? &c->requirements[index] : NULL;
}

/* ---- reading the YAML ---------------------------------------------------- */

typedef struct reader {
	al_bounce_catalog *c;
	yaml_document_t *doc;
	const char *label;
	al_error *err;
} reader;

static al_status bad(reader *r, const yaml_node_t *node, const char *what, const char *detail)
{
	return al_error_set(r->err, AL_ERULES, "%s:%lu: %s%s", r->label, al_yaml_line(node), what,
			    detail ? detail : "");
}

/* A string field of a catalog struct, read from the key of that name. */
typedef struct field {
	const char *key;
	size_t offset;
	bool required;
} field;

/* Every key of @p map is one of @p fields (may be NULL) or @p extra (may be NULL). */
static al_status known_keys(reader *r, yaml_node_t *map, const field *fields, const char *const *extra,
			    const char *what)
{
	for (size_t i = 0; i < al_yaml_map_count(map); i++) {
		yaml_node_t *k, *v;
		al_yaml_map_at(r->doc, map, i, &k, &v);
		const char *key = al_yaml_scalar(k);
		bool known = extra != NULL && in_set(extra, key);
		for (size_t j = 0; !known && fields != NULL && key != NULL && fields[j].key != NULL; j++)
			known = strcmp(fields[j].key, key) == 0;
		if (!known)
			return al_error_set(r->err, AL_ERULES, "%s:%lu: unknown key '%s' in %s", r->label,
					    al_yaml_line(k), key ? key : "?", what);
	}
	return AL_OK;
}

/* A scalar value copied into the arena; NULL when absent. AL_ERULES when it
 * is present but not a non-empty string, or absent and @p required. */
static al_status text(reader *r, yaml_node_t *map, const char *key, bool required, const char *what,
		      const char **out)
{
	*out = NULL;
	yaml_node_t *v = al_yaml_map_get(r->doc, map, key);
	if (v == NULL) {
		if (!required)
			return AL_OK;
		return al_error_set(r->err, AL_ERULES, "%s:%lu: %s has no '%s'", r->label, al_yaml_line(map),
				    what, key);
	}
	const char *s = al_yaml_scalar(v);
	if (s == NULL || *s == '\0')
		return al_error_set(r->err, AL_ERULES, "%s:%lu: '%s' is not a non-empty string", r->label,
				    al_yaml_line(v), key);
	*out = al_arena_strdup(&r->c->arena, s);
	return *out ? AL_OK : al_error_set(r->err, AL_ENOMEM, "out of memory");
}

static bool is_date(const char *s)
{
	/* YYYY-MM-DD */
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int month = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
	return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}


/* Check that every key of @p item is one of @p fields or @p extra, then
 * read the string fields into @p base. */
static al_status read_fields(reader *r, yaml_node_t *item, void *base, const field *fields,
			     const char *const *extra, const char *what)
{
	if (!al_yaml_is_map(item))
		return al_error_set(r->err, AL_ERULES, "%s:%lu: %s is not a mapping", r->label, al_yaml_line(item),
				    what);
	al_status known = known_keys(r, item, fields, extra, what);
	if (known != AL_OK)
		return known;
	for (size_t j = 0; fields[j].key != NULL; j++) {
		const char **slot = (const char **)(void *)((char *)base + fields[j].offset);
		al_status st = text(r, item, fields[j].key, fields[j].required, what, slot);
		if (st != AL_OK)
			return st;
	}
	return AL_OK;
}

/* @p value is one of @p set; else an error at @p key of @p item. */
static al_status one_of(reader *r, yaml_node_t *item, const char *key, const char *const *set,
			const char *value)
{
	if (in_set(set, value))
		return AL_OK;
	return al_error_set(r->err, AL_ERULES, "%s:%lu: %s outside the documented set: %s", r->label,
			    al_yaml_line(al_yaml_map_get(r->doc, item, key)), key, value);
}

/* source (and archived) are https:// URLs, retrieved a date. */
static al_status check_source(reader *r, yaml_node_t *item, const char *source, const char *archived,
			      const char *retrieved)
{
	if (strncmp(source, "https://", 8) != 0)
		return bad(r, al_yaml_map_get(r->doc, item, "source"), "source is not an https:// URL", NULL);
	if (archived != NULL && strncmp(archived, "https://", 8) != 0)
		return bad(r, al_yaml_map_get(r->doc, item, "archived"), "archived is not an https:// URL", NULL);
	if (retrieved != NULL && !is_date(retrieved))
		return bad(r, al_yaml_map_get(r->doc, item, "retrieved"), "retrieved is not a date (YYYY-MM-DD)",
			   NULL);
	return AL_OK;
}

static al_status compile(reader *r, yaml_node_t *node, const char *pattern, pcre2_code **out)
{
	int code = 0;
	PCRE2_SIZE offset = 0;
	*out = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS, &code, &offset, NULL);
	if (*out != NULL)
		return AL_OK;
	PCRE2_UCHAR buf[256];
	pcre2_get_error_message(code, buf, sizeof(buf));
	return al_error_set(r->err, AL_ERULES, "%s:%lu: pattern '%s' does not compile: %s (offset %zu)", r->label,
			    al_yaml_line(node), pattern, (const char *)buf, (size_t)offset + 1);
}

#define F(type, key, member, required) {key, offsetof(type, member), required}

static const field receiver_fields[] = {
	F(al_bounce_receiver, "id", id, true),
	F(al_bounce_receiver, "name", name, true),
	F(al_bounce_receiver, "marker", marker, false),
	F(al_bounce_receiver, "source", source, true),
	F(al_bounce_receiver, "retrieved", retrieved, true),
	{NULL, 0, false},
};

static al_status load_receiver(reader *r, yaml_node_t *item)
{
	al_bounce_catalog *c = r->c;
	static const char *const extra[] = {"domains", NULL};
	al_bounce_receiver *d = &c->receivers[c->receiver_count];
	memset(d, 0, sizeof(*d));
	al_status st = read_fields(r, item, d, receiver_fields, extra, "a receiver");
	if (st == AL_OK)
		st = check_source(r, item, d->source, NULL, d->retrieved);
	if (st != AL_OK)
		return st;
	for (size_t i = 0; i < c->receiver_count; i++)
		if (strcmp(c->receivers[i].id, d->id) == 0)
			return bad(r, item, "receiver defined twice: ", d->id);
	yaml_node_t *domains = al_yaml_map_get(r->doc, item, "domains");
	if (domains != NULL && !al_yaml_is_seq(domains))
		return bad(r, domains, "domains is not a list", NULL);
	size_t n = al_yaml_seq_count(domains);
	if (n > MAX_DOMAINS)
		return al_error_set(r->err, AL_ELIMIT, "%s:%lu: more than %d domains", r->label,
				    al_yaml_line(domains), MAX_DOMAINS);
	if (n > 0) {
		const char **list = al_arena_calloc(&c->arena, n, sizeof(*list));
		if (list == NULL)
			return al_error_set(r->err, AL_ENOMEM, "out of memory");
		for (size_t i = 0; i < n; i++) {
			yaml_node_t *dn = al_yaml_seq_at(r->doc, domains, i);
			const char *v = al_yaml_scalar(dn);
			if (v == NULL || *v == '\0')
				return bad(r, dn, "a domain is not a string", NULL);
			list[i] = al_arena_strdup(&c->arena, v);
			if (list[i] == NULL)
				return al_error_set(r->err, AL_ENOMEM, "out of memory");
		}
		d->domains = list;
		d->domain_count = n;
	}
	if (d->marker != NULL) {
		st = compile(r, al_yaml_map_get(r->doc, item, "marker"), d->marker, &c->markers[c->receiver_count]);
		if (st != AL_OK)
			return st;
	}
	c->receiver_count++;
	return AL_OK;
}

static const al_bounce_receiver *receiver_by_id(const al_bounce_catalog *c, const char *id)
{
	for (size_t i = 0; i < c->receiver_count; i++)
		if (strcmp(c->receivers[i].id, id) == 0)
			return &c->receivers[i];
	return NULL;
}


/* The source's own words must find the entry: a pattern that does not match
 * a quote is a typo, refused when the catalog loads rather than never
 * matching. */
static al_status quote_matches(reader *r, yaml_node_t *node, pcre2_code *re, const char *quote, const char *id)
{
	char *norm = al_bounce_normalize(quote, strlen(quote), NULL);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int rc = norm && md ? pcre2_match(re, (PCRE2_SPTR)norm, strlen(norm), 0, 0, md, r->c->mctx)
			    : PCRE2_ERROR_NOMEMORY;
	pcre2_match_data_free(md);
	free(norm);
	if (rc == PCRE2_ERROR_NOMEMORY)
		return al_error_set(r->err, AL_ENOMEM, "out of memory");
	return rc < 0 ? bad(r, node, "the pattern does not match the entry's quote: ", id) : AL_OK;
}

static const field quote_fields[] = {
	F(al_bounce_quote, "quote", quote, true),
	F(al_bounce_quote, "source", source, true),
	F(al_bounce_quote, "archived", archived, false),
	{NULL, 0, false},
};

/* The entry's other wordings (also:), each found by its pattern. */
static al_status load_also(reader *r, yaml_node_t *list, al_bounce_entry *e, pcre2_code *re)
{
	if (list == NULL)
		return AL_OK;
	if (!al_yaml_is_seq(list))
		return bad(r, list, "also is not a list", NULL);
	size_t n = al_yaml_seq_count(list);
	if (n > MAX_ALSO)
		return al_error_set(r->err, AL_ELIMIT, "%s:%lu: more than %d quotes in also", r->label,
				    al_yaml_line(list), MAX_ALSO);
	al_bounce_quote *quotes = al_arena_calloc(&r->c->arena, n ? n : 1, sizeof(*quotes));
	if (quotes == NULL)
		return al_error_set(r->err, AL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = al_yaml_seq_at(r->doc, list, i);
		al_status st = read_fields(r, item, &quotes[i], quote_fields, NULL, "a quote");
		if (st == AL_OK)
			st = check_source(r, item, quotes[i].source, quotes[i].archived, NULL);
		if (st == AL_OK)
			st = quote_matches(r, item, re, quotes[i].quote, e->id);
		if (st != AL_OK)
			return st;
	}
	e->also = quotes;
	e->also_count = n;
	return AL_OK;
}

static const field entry_fields[] = {
	F(al_bounce_entry, "id", id, true),
	F(al_bounce_entry, "status", status, true),
	F(al_bounce_entry, "quote", quote, true),
	F(al_bounce_entry, "match", match, true),
	F(al_bounce_entry, "verdict", verdict, true),
	F(al_bounce_entry, "cause", cause, true),
	F(al_bounce_entry, "fix", fix, true),
	F(al_bounce_entry, "who", who, true),
	F(al_bounce_entry, "source", source, true),
	F(al_bounce_entry, "archived", archived, false),
	F(al_bounce_entry, "retrieved", retrieved, true),
	{NULL, 0, false},
};

static al_status load_entry(reader *r, yaml_node_t *item)
{
	al_bounce_catalog *c = r->c;
	static const char *const extra[] = {"receiver", "smtp", "status-alone", "also", NULL};
	al_bounce_entry *e = &c->entries[c->entry_count];
	memset(e, 0, sizeof(*e));
	const char *receiver = NULL;
	al_status st = read_fields(r, item, e, entry_fields, extra, "a bounce");
	if (st == AL_OK)
		st = text(r, item, "receiver", true, "a bounce", &receiver);
	if (st == AL_OK)
		st = check_source(r, item, e->source, e->archived, e->retrieved);
	if (st == AL_OK)
		st = one_of(r, item, "verdict", verdicts, e->verdict);
	if (st == AL_OK)
		st = one_of(r, item, "who", whos, e->who);
	if (st != AL_OK)
		return st;
	for (size_t i = 0; i < c->entry_count; i++)
		if (strcmp(c->entries[i].id, e->id) == 0)
			return bad(r, item, "bounce defined twice: ", e->id);
	e->receiver = receiver_by_id(c, receiver);
	if (e->receiver == NULL)
		return bad(r, al_yaml_map_get(r->doc, item, "receiver"), "unknown receiver: ", receiver);
	if (al_bounce_status_length(e->status, strlen(e->status)) != strlen(e->status))
		return bad(r, al_yaml_map_get(r->doc, item, "status"), "status is not an enhanced status code: ",
			   e->status);
	yaml_node_t *smtp = al_yaml_map_get(r->doc, item, "smtp");
	if (smtp != NULL) {
		unsigned long v = 0;
		if (!al_yaml_ulong(smtp, &v) || v < 200 || v > 599)
			return bad(r, smtp, "smtp is not a reply code (200-599)", NULL);
		e->smtp = (unsigned)v;
	}
	yaml_node_t *alone = al_yaml_map_get(r->doc, item, "status-alone");
	if (alone != NULL && !al_yaml_bool(alone, &e->status_alone))
		return bad(r, alone, "status-alone is not true or false", NULL);
	yaml_node_t *mn = al_yaml_map_get(r->doc, item, "match");
	st = compile(r, mn, e->match, &c->patterns[c->entry_count]);
	if (st != AL_OK)
		return st;
	pcre2_code *re = c->patterns[c->entry_count];
	c->entry_count++; /* the catalog owns the pattern from here */
	st = quote_matches(r, mn, re, e->quote, e->id);
	if (st == AL_OK)
		st = load_also(r, al_yaml_map_get(r->doc, item, "also"), e, re);
	return st;
}

static const field requirement_fields[] = {
	F(al_bulk_requirement, "id", id, true),
	F(al_bulk_requirement, "receiver", receiver, true),
	F(al_bulk_requirement, "requirement", requirement, true),
	F(al_bulk_requirement, "threshold", threshold, true),
	F(al_bulk_requirement, "since", since, false),
	F(al_bulk_requirement, "detail", detail, true),
	F(al_bulk_requirement, "source", source, true),
	F(al_bulk_requirement, "archived", archived, false),
	F(al_bulk_requirement, "retrieved", retrieved, true),
	{NULL, 0, false},
};

static al_status load_requirement(reader *r, yaml_node_t *item)
{
	al_bounce_catalog *c = r->c;
	static const char *const extra[] = {"applies", "level", "per-day", NULL};
	static const char *const applies_set[] = {"all", "bulk", NULL};
	static const char *const level_set[] = {"required", "recommended", NULL};
	const char *what = "a requirement";
	al_bulk_requirement *q = &c->requirements[c->requirement_count];
	memset(q, 0, sizeof(*q));
	const char *applies = NULL, *level = NULL;
	al_status st = read_fields(r, item, q, requirement_fields, extra, what);
	if (st == AL_OK)
		st = text(r, item, "applies", true, what, &applies);
	if (st == AL_OK)
		st = text(r, item, "level", true, what, &level);
	if (st == AL_OK)
		st = check_source(r, item, q->source, q->archived, q->retrieved);
	if (st == AL_OK)
		st = one_of(r, item, "requirement", requirement_names, q->requirement);
	if (st == AL_OK)
		st = one_of(r, item, "applies", applies_set, applies);
	if (st == AL_OK)
		st = one_of(r, item, "level", level_set, level);
	if (st != AL_OK)
		return st;
	for (size_t i = 0; i < c->requirement_count; i++)
		if (strcmp(c->requirements[i].id, q->id) == 0)
			return bad(r, item, "requirement defined twice: ", q->id);
	if (receiver_by_id(c, q->receiver) == NULL)
		return bad(r, al_yaml_map_get(r->doc, item, "receiver"), "unknown receiver: ", q->receiver);
	q->bulk = strcmp(applies, "bulk") == 0;
	q->recommended = strcmp(level, "recommended") == 0;
	yaml_node_t *pd = al_yaml_map_get(r->doc, item, "per-day");
	if (pd != NULL && (!al_yaml_ulong(pd, &q->per_day) || q->per_day == 0))
		return bad(r, pd, "per-day is not a positive number", NULL);
	c->requirement_count++;
	return AL_OK;
}

typedef al_status (*item_loader)(reader *r, yaml_node_t *item);

/* The list @p key of the document: each item through @p load, at most @p max. */
static al_status load_list(reader *r, const char *key, size_t max, item_loader load)
{
	yaml_node_t *root = al_yaml_root(r->doc);
	if (root == NULL)
		return al_error_set(r->err, AL_ERULES, "%s: empty file", r->label);
	if (!al_yaml_is_map(root))
		return bad(r, root, "the file is not a mapping", NULL);
	yaml_node_t *list = al_yaml_map_get(r->doc, root, key);
	if (!al_yaml_is_seq(list))
		return al_error_set(r->err, AL_ERULES, "%s: no '%s:' list", r->label, key);
	size_t n = al_yaml_seq_count(list);
	if (n > max)
		return al_error_set(r->err, AL_ELIMIT, "%s: more than %zu %s", r->label, max, key);
	for (size_t i = 0; i < n; i++) {
		al_status st = load(r, al_yaml_seq_at(r->doc, list, i));
		if (st != AL_OK)
			return st;
	}
	return AL_OK;
}

static al_status load_bounces_doc(reader *r)
{
	yaml_node_t *root = al_yaml_root(r->doc);
	if (root != NULL && al_yaml_is_map(root)) {
		static const char *const keys[] = {"receivers", "bounces", NULL};
		al_status st = known_keys(r, root, NULL, keys, "the file");
		if (st != AL_OK)
			return st;
	}
	al_status st = load_list(r, "receivers", MAX_RECEIVERS, load_receiver);
	if (st == AL_OK)
		st = load_list(r, "bounces", MAX_ENTRIES, load_entry);
	return st;
}

static al_status load_bulk_doc(reader *r)
{
	yaml_node_t *root = al_yaml_root(r->doc);
	if (root != NULL && al_yaml_is_map(root)) {
		static const char *const keys[] = {"requirements", NULL};
		al_status st = known_keys(r, root, NULL, keys, "the file");
		if (st != AL_OK)
			return st;
	}
	return load_list(r, "requirements", MAX_REQUIREMENTS, load_requirement);
}

/* Load one file: @p path, or the built-in data file @p builtin. */
static al_status load_file(al_bounce_catalog *c, const char *path, const char *builtin,
			   al_status (*load)(reader *r), al_error *err)
{
	yaml_document_t doc;
	const char *label = path;
	al_status st;
	if (path != NULL) {
		st = al_yaml_load_file(path, "a bounce catalog", &doc, err);
	} else {
		size_t length = 0;
		const char *data = al_data_file(builtin, &length, &label);
		if (data == NULL)
			return al_error_set(err, AL_EINTERNAL, "data/%s is not built in", builtin);
		st = al_yaml_load_buffer(label, data, length, &doc, err);
	}
	if (st != AL_OK)
		return st;
	reader r = {.c = c, .doc = &doc, .label = label, .err = err};
	st = load(&r);
	yaml_document_delete(&doc);
	return st;
}

al_status al_bounce_catalog_load_files(const char *bounces_path, const char *bulk_path, al_bounce_catalog **out,
				       al_error *err)
{
	if (out == NULL)
		return al_error_set(err, AL_EINVAL, "no place for the catalog");
	*out = NULL;
	al_bounce_catalog *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	al_arena_init(&c->arena);
	c->receivers = calloc(MAX_RECEIVERS, sizeof(*c->receivers));
	c->markers = calloc(MAX_RECEIVERS, sizeof(*c->markers));
	c->entries = calloc(MAX_ENTRIES, sizeof(*c->entries));
	c->patterns = calloc(MAX_ENTRIES, sizeof(*c->patterns));
	c->requirements = calloc(MAX_REQUIREMENTS, sizeof(*c->requirements));
	c->mctx = pcre2_match_context_create(NULL);
	if (c->receivers == NULL || c->markers == NULL || c->entries == NULL || c->patterns == NULL ||
	    c->requirements == NULL || c->mctx == NULL) {
		al_bounce_catalog_free(c);
		return al_error_set(err, AL_ENOMEM, "out of memory");
	}
	pcre2_set_match_limit(c->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(c->mctx, DEPTH_LIMIT);
	al_status st = load_file(c, bounces_path, "bounces.yaml", load_bounces_doc, err);
	if (st == AL_OK)
		st = load_file(c, bulk_path, "bulk-senders.yaml", load_bulk_doc, err);
	if (st != AL_OK) {
		al_bounce_catalog_free(c);
		return st;
	}
	*out = c;
	return AL_OK;
}

al_status al_bounce_catalog_load(al_bounce_catalog **out, al_error *err)
{
	return al_bounce_catalog_load_files(NULL, NULL, out, err);
}
