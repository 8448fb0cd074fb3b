/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The bounce catalog (data/bounces.yaml) and the bulk-sender requirements
 * (data/bulk-senders.yaml): loading, checking every entry against the
 * documented sets, and matching a bounce to its entry. The rules of the
 * match are written at the head of data/bounces.yaml.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <authlint/bounce.h>

#include "rules_internal.h"
#include "util/arena.h"
#include "util/yaml.h"

#define MAX_RECEIVERS 64
#define MAX_ENTRIES 1024
#define MAX_REQUIREMENTS 1024
#define MAX_DOMAINS 64
#define MAX_HINT 255
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

struct al_bounce_catalog {
	al_arena arena;
	al_bounce_receiver *receivers;
	pcre2_code **markers; /* per receiver, or NULL */
	size_t receiver_count;
	al_bounce_entry *entries;
	pcre2_code **patterns; /* per entry */
	size_t entry_count;
	al_bulk_requirement *requirements;
	size_t requirement_count;
	pcre2_match_context *mctx;
};

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

/* Every key of @p map is one of @p keys. */
static al_status known_keys(reader *r, yaml_node_t *map, const char *const *keys, const char *what)
{
	for (size_t i = 0; i < al_yaml_map_count(map); i++) {
		yaml_node_t *k, *v;
		al_yaml_map_at(r->doc, map, i, &k, &v);
		const char *key = al_yaml_scalar(k);
		if (!in_set(keys, key))
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

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Length of an enhanced status code ("5.7.26") at @p s (class 2, 4 or 5,
 * subject and detail of 1-3 digits), 0 when there is none. */
static size_t status_length(const char *s, size_t n)
{
	size_t i = 0;
	if (n < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.')
		return 0;
	i = 2;
	for (int part = 0; part < 2; part++) {
		size_t digits = 0;
		while (i < n && is_digit(s[i]) && digits < 4) {
			i++;
			digits++;
		}
		if (digits == 0 || digits > 3)
			return 0;
		if (part == 0) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
	}
	if (i < n && is_digit(s[i]))
		return 0;
	return i;
}

static al_status read_source(reader *r, yaml_node_t *item, const char *what, const char **source,
			     const char **retrieved)
{
	al_status st = text(r, item, "source", true, what, source);
	if (st == AL_OK && strncmp(*source, "https://", 8) != 0)
		st = bad(r, al_yaml_map_get(r->doc, item, "source"), "source is not an https:// URL", NULL);
	if (st == AL_OK)
		st = text(r, item, "retrieved", true, what, retrieved);
	if (st == AL_OK && !is_date(*retrieved))
		st = bad(r, al_yaml_map_get(r->doc, item, "retrieved"), "retrieved is not a date (YYYY-MM-DD)",
			 NULL);
	return st;
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

static al_status load_receiver(reader *r, yaml_node_t *item)
{
	al_bounce_catalog *c = r->c;
	if (!al_yaml_is_map(item))
		return bad(r, item, "a receiver is not a mapping", NULL);
	static const char *const keys[] = {"id", "name", "domains", "marker", "source", "retrieved", NULL};
	al_status st = known_keys(r, item, keys, "a receiver");
	al_bounce_receiver *d = &c->receivers[c->receiver_count];
	memset(d, 0, sizeof(*d));
	if (st == AL_OK)
		st = text(r, item, "id", true, "a receiver", &d->id);
	if (st == AL_OK)
		st = text(r, item, "name", true, "a receiver", &d->name);
	if (st == AL_OK)
		st = text(r, item, "marker", false, "a receiver", &d->marker);
	if (st == AL_OK)
		st = read_source(r, item, "a receiver", &d->source, &d->retrieved);
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

static char *normalize(const char *text, size_t length, char **status_out);

static al_status load_entry(reader *r, yaml_node_t *item)
{
	al_bounce_catalog *c = r->c;
	if (!al_yaml_is_map(item))
		return bad(r, item, "a bounce is not a mapping", NULL);
	static const char *const keys[] = {"id",  "receiver", "status", "smtp",   "quote",    "match",
					   "status-alone", "verdict", "cause", "fix", "who", "source",
					   "archived", "retrieved", NULL};
	const char *what = "a bounce";
	al_status st = known_keys(r, item, keys, what);
	al_bounce_entry *e = &c->entries[c->entry_count];
	memset(e, 0, sizeof(*e));
	const char *receiver = NULL;
	if (st == AL_OK)
		st = text(r, item, "id", true, what, &e->id);
	if (st == AL_OK)
		st = text(r, item, "receiver", true, what, &receiver);
	if (st == AL_OK)
		st = text(r, item, "status", true, what, &e->status);
	if (st == AL_OK)
		st = text(r, item, "quote", true, what, &e->quote);
	if (st == AL_OK)
		st = text(r, item, "match", true, what, &e->match);
	if (st == AL_OK)
		st = text(r, item, "verdict", true, what, &e->verdict);
	if (st == AL_OK)
		st = text(r, item, "cause", true, what, &e->cause);
	if (st == AL_OK)
		st = text(r, item, "fix", true, what, &e->fix);
	if (st == AL_OK)
		st = text(r, item, "who", true, what, &e->who);
	if (st == AL_OK)
		st = text(r, item, "archived", false, what, &e->archived);
	if (st == AL_OK)
		st = read_source(r, item, what, &e->source, &e->retrieved);
	if (st != AL_OK)
		return st;
	for (size_t i = 0; i < c->entry_count; i++)
		if (strcmp(c->entries[i].id, e->id) == 0)
			return bad(r, item, "bounce defined twice: ", e->id);
	e->receiver = receiver_by_id(c, receiver);
	if (e->receiver == NULL)
		return bad(r, al_yaml_map_get(r->doc, item, "receiver"), "unknown receiver: ", receiver);
	if (status_length(e->status, strlen(e->status)) != strlen(e->status))
		return bad(r, al_yaml_map_get(r->doc, item, "status"), "status is not an enhanced status code: ",
			   e->status);
	if (!in_set(verdicts, e->verdict))
		return bad(r, al_yaml_map_get(r->doc, item, "verdict"), "verdict outside the documented set: ",
			   e->verdict);
	if (!in_set(whos, e->who))
		return bad(r, al_yaml_map_get(r->doc, item, "who"), "who outside the documented set: ", e->who);
	if (e->archived != NULL && strncmp(e->archived, "https://", 8) != 0)
		return bad(r, al_yaml_map_get(r->doc, item, "archived"), "archived is not an https:// URL", NULL);
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
	c->entry_count++;
	/* the source's own words must find the entry: a pattern that does not
	 * match its quote is a typo, refused here rather than never matching */
	char *norm = normalize(e->quote, strlen(e->quote), NULL);
	if (norm == NULL)
		return al_error_set(r->err, AL_ENOMEM, "out of memory");
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int rc = md ? pcre2_match(c->patterns[c->entry_count - 1], (PCRE2_SPTR)norm, strlen(norm), 0, 0, md,
				  c->mctx)
		    : PCRE2_ERROR_NOMEMORY;
	pcre2_match_data_free(md);
	free(norm);
	if (rc < 0)
		return bad(r, mn, "the pattern does not match the entry's quote: ", e->id);
	return AL_OK;
}

static al_status load_requirement(reader *r, yaml_node_t *item)
{
	al_bounce_catalog *c = r->c;
	if (!al_yaml_is_map(item))
		return bad(r, item, "a requirement is not a mapping", NULL);
	static const char *const keys[] = {"id",     "receiver", "requirement", "applies", "level",
					   "threshold", "per-day", "since", "detail", "source",
					   "archived", "retrieved", NULL};
	const char *what = "a requirement";
	al_status st = known_keys(r, item, keys, what);
	al_bulk_requirement *q = &c->requirements[c->requirement_count];
	memset(q, 0, sizeof(*q));
	const char *applies = NULL, *level = NULL;
	if (st == AL_OK)
		st = text(r, item, "id", true, what, &q->id);
	if (st == AL_OK)
		st = text(r, item, "receiver", true, what, &q->receiver);
	if (st == AL_OK)
		st = text(r, item, "requirement", true, what, &q->requirement);
	if (st == AL_OK)
		st = text(r, item, "applies", true, what, &applies);
	if (st == AL_OK)
		st = text(r, item, "level", true, what, &level);
	if (st == AL_OK)
		st = text(r, item, "threshold", true, what, &q->threshold);
	if (st == AL_OK)
		st = text(r, item, "since", false, what, &q->since);
	if (st == AL_OK)
		st = text(r, item, "detail", true, what, &q->detail);
	if (st == AL_OK)
		st = text(r, item, "archived", false, what, &q->archived);
	if (st == AL_OK)
		st = read_source(r, item, what, &q->source, &q->retrieved);
	if (st != AL_OK)
		return st;
	for (size_t i = 0; i < c->requirement_count; i++)
		if (strcmp(c->requirements[i].id, q->id) == 0)
			return bad(r, item, "requirement defined twice: ", q->id);
	if (receiver_by_id(c, q->receiver) == NULL)
		return bad(r, al_yaml_map_get(r->doc, item, "receiver"), "unknown receiver: ", q->receiver);
	if (!in_set(requirement_names, q->requirement))
		return bad(r, al_yaml_map_get(r->doc, item, "requirement"),
			   "requirement outside the documented set: ", q->requirement);
	if (strcmp(applies, "all") != 0 && strcmp(applies, "bulk") != 0)
		return bad(r, al_yaml_map_get(r->doc, item, "applies"), "applies is not all or bulk", NULL);
	q->bulk = strcmp(applies, "bulk") == 0;
	if (strcmp(level, "required") != 0 && strcmp(level, "recommended") != 0)
		return bad(r, al_yaml_map_get(r->doc, item, "level"), "level is not required or recommended", NULL);
	q->recommended = strcmp(level, "recommended") == 0;
	if (q->archived != NULL && strncmp(q->archived, "https://", 8) != 0)
		return bad(r, al_yaml_map_get(r->doc, item, "archived"), "archived is not an https:// URL", NULL);
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
		al_status st = known_keys(r, root, keys, "the file");
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
		al_status st = known_keys(r, root, keys, "the file");
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

/* ---- matching ------------------------------------------------------------ */

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\v' || ch == '\f';
}

/* A token that is only an enhanced status code, perhaps followed by one of
 * ":;," ("5.7.9:"); its code length in *len. */
static bool status_token(const char *t, size_t n, size_t *len)
{
	size_t s = status_length(t, n);
	if (s == 0 || (n != s && !(n == s + 1 && (t[s] == ':' || t[s] == ';' || t[s] == ','))))
		return false;
	*len = s;
	return true;
}

/* An SMTP reply code token: "550", "550;", or the continuation forms "550-"
 * and "550-5.7.26"; *code_at is where an enhanced code in it starts (or 0). */
static bool reply_token(const char *t, size_t n, bool *continuation, size_t *code_at)
{
	*continuation = false;
	*code_at = 0;
	if (n < 3 || (t[0] != '2' && t[0] != '4' && t[0] != '5') || !is_digit(t[1]) || !is_digit(t[2]))
		return false;
	if (n == 3)
		return true;
	if (n == 4 && t[3] == ';')
		return true;
	if (t[3] != '-')
		return false;
	*continuation = true;
	if (n == 4)
		return true;
	size_t len = 0;
	if (!status_token(t + 4, n - 4, &len))
		return false;
	*code_at = 4;
	return true;
}

/*
 * The diagnostic text as the patterns read it: white space folded to single
 * spaces, and the SMTP reply and status codes that start the text or its
 * continuation lines ("550-5.7.26 ... 550-5.7.26 ... 550 5.7.26 ...")
 * removed. At most AL_BOUNCE_MAX_TEXT bytes of @p text are read. With
 * @p status_out, the first enhanced status code seen (malloc()ed) or NULL.
 * NULL when out of memory.
 */
static char *normalize(const char *text, size_t length, char **status_out)
{
	if (status_out)
		*status_out = NULL;
	if (length > AL_BOUNCE_MAX_TEXT)
		length = AL_BOUNCE_MAX_TEXT;
	char *out = malloc(length + 1);
	if (out == NULL)
		return NULL;
	size_t o = 0, i = 0;
	const char *first_code = NULL;
	size_t first_len = 0;
	while (i < length) {
		while (i < length && is_space(text[i]))
			i++;
		size_t start = i;
		while (i < length && !is_space(text[i]) && text[i] != '\0')
			i++;
		size_t n = i - start;
		if (n == 0) {
			if (i < length && text[i] == '\0')
				break; /* a NUL ends the text */
			continue;
		}
		const char *t = text + start;
		bool cont = false, drop = false;
		size_t code_at = 0, code_len = 0;
		if (status_token(t, n, &code_len)) {
			drop = true;
			code_at = 0;
			if (first_code == NULL) {
				first_code = t;
				first_len = code_len;
			}
		} else if (reply_token(t, n, &cont, &code_at)) {
			if (code_at > 0 && first_code == NULL) {
				first_code = t + code_at;
				(void)status_token(t + code_at, n - code_at, &first_len);
			}
			if (cont) {
				drop = true;
			} else {
				/* a bare "550" is a reply code only before a status code */
				size_t j = i;
				while (j < length && is_space(text[j]))
					j++;
				size_t k = j;
				while (k < length && !is_space(text[k]) && text[k] != '\0')
					k++;
				size_t len2 = 0;
				drop = k > j && status_token(text + j, k - j, &len2);
			}
		}
		if (drop)
			continue;
		if (o > 0)
			out[o++] = ' ';
		memcpy(out + o, t, n);
		o += n;
	}
	out[o] = '\0';
	if (status_out && first_code != NULL) {
		*status_out = malloc(first_len + 1);
		if (*status_out == NULL) {
			free(out);
			return NULL;
		}
		memcpy(*status_out, first_code, first_len);
		(*status_out)[first_len] = '\0';
	}
	return out;
}

/* The first enhanced status code in a Status: value ("5.7.1 (delivery not
 * authorized)"), copied to @p buf; false when it has none. */
static bool query_status(const char *status, char *buf, size_t size)
{
	size_t n = strnlen(status, 64);
	size_t i = 0;
	while (i < n && is_space(status[i]))
		i++;
	size_t len = status_length(status + i, n - i);
	if (len == 0 || len >= size)
		return false;
	memcpy(buf, status + i, len);
	buf[len] = '\0';
	return true;
}

static bool hint_names(const al_bounce_receiver *r, const char *hint)
{
	if (hint == NULL || *hint == '\0')
		return false;
	const char *at = strrchr(hint, '@');
	const char *h = at ? at + 1 : hint;
	size_t n = strnlen(h, MAX_HINT + 1);
	if (n == 0 || n > MAX_HINT)
		return false;
	if (h[n - 1] == '.')
		n--;
	for (size_t i = 0; i < r->domain_count; i++) {
		size_t d = strlen(r->domains[i]);
		if (n < d || strncasecmp(h + n - d, r->domains[i], d) != 0)
			continue;
		if (n == d || h[n - d - 1] == '.')
			return true;
	}
	return false;
}

static bool receiver_known(const al_bounce_catalog *c, const al_bounce_receiver *r, const char *hint,
			   const char *norm, pcre2_match_data *md)
{
	if (hint_names(r, hint))
		return true;
	pcre2_code *marker = c->markers[r - c->receivers];
	return marker != NULL &&
	       pcre2_match(marker, (PCRE2_SPTR)norm, strlen(norm), 0, 0, md, c->mctx) >= 0;
}

bool al_bounce_catalog_match(const al_bounce_catalog *c, const al_bounce_query *q, al_bounce_match *out)
{
	if (out == NULL)
		return false;
	memset(out, 0, sizeof(*out));
	if (c == NULL || q == NULL)
		return false;
	const char *text = q->text ? q->text : "";
	char *found = NULL;
	char *norm = normalize(text, strnlen(text, AL_BOUNCE_MAX_TEXT), &found);
	if (norm == NULL)
		return false;
	char status[16];
	bool have = q->status ? query_status(q->status, status, sizeof(status))
			      : found != NULL && strlen(found) < sizeof(status);
	if (q->status == NULL && have)
		memcpy(status, found, strlen(found) + 1);
	free(found);
	pcre2_match_data *md = have ? pcre2_match_data_create(1, NULL) : NULL;
	if (md == NULL) {
		free(norm);
		return false;
	}
	/* 1. status and text pattern; the hinted receiver's entries first */
	const al_bounce_entry *best = NULL;
	bool best_known = false;
	for (size_t i = 0; i < c->entry_count && !best_known; i++) {
		const al_bounce_entry *e = &c->entries[i];
		if (strcmp(e->status, status) != 0)
			continue;
		if (pcre2_match(c->patterns[i], (PCRE2_SPTR)norm, strlen(norm), 0, 0, md, c->mctx) < 0)
			continue;
		bool known = receiver_known(c, e->receiver, q->hint, norm, md);
		if (best == NULL || known) {
			best = e;
			best_known = known;
		}
	}
	if (best != NULL) {
		out->how = AL_BOUNCE_BY_TEXT;
		out->entry = best;
		out->receiver_known = best_known;
	}
	/* 2. the status alone, at a receiver the hint or the text names */
	for (size_t i = 0; best == NULL && i < c->entry_count; i++) {
		const al_bounce_entry *e = &c->entries[i];
		if (!e->status_alone || strcmp(e->status, status) != 0)
			continue;
		if (!receiver_known(c, e->receiver, q->hint, norm, md))
			continue;
		best = e;
		out->how = AL_BOUNCE_BY_STATUS;
		out->entry = e;
		out->receiver_known = true;
	}
	pcre2_match_data_free(md);
	free(norm);
	return best != NULL;
}
