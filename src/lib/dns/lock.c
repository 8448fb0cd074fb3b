/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading a lock file (zone-file text plus "; authlint-lock" lines, see
 * lock.h and doc/lock-file.md) and answering from it: what it holds, the
 * negative answers it pinned, and NOT-QUERIED for every other question.
 */
#include <authlint/lock.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/lock_internal.h"
#include "dns/source_internal.h"
#include "dns/wire.h"
#include "dns/zone_internal.h"
#include "util/file.h"
#include "util/grow.h"

/* The largest lock file read: far more than any zone's outside answers. */
#define LOCK_MAX_BYTES ((size_t)64 << 20)
/* Header lines kept (zone files named in it). */
#define LOCK_MAX_ZONES 256

typedef struct negative {
	char *name;
	uint16_t type;
	bool nxdomain;
} negative;

struct al_lock {
	al_zone *zone;
	al_source *zone_source;
	negative *negatives;
	size_t negative_count, negative_capacity;
	char *generated, *resolver, *version;
	char *zones[LOCK_MAX_ZONES];
	size_t zone_count;
	char *label;
};

bool al_lock_type_parse(const char *text, size_t length, uint16_t *type)
{
	static const struct {
		const char *name;
		uint16_t type;
	} names[] = {
		{"A", AL_TYPE_A},     {"NS", AL_TYPE_NS},   {"CNAME", AL_TYPE_CNAME}, {"SOA", AL_TYPE_SOA},
		{"PTR", AL_TYPE_PTR}, {"MX", AL_TYPE_MX},   {"TXT", AL_TYPE_TXT},     {"AAAA", AL_TYPE_AAAA},
		{"SPF", AL_TYPE_SPF},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == length && strncasecmp(text, names[i].name, length) == 0) {
			*type = names[i].type;
			return true;
		}
	if (length > 4 && length <= 9 && strncasecmp(text, "TYPE", 4) == 0) {
		unsigned long v = 0;
		for (size_t i = 4; i < length; i++) {
			if (!isdigit((unsigned char)text[i]))
				return false;
			v = v * 10 + (unsigned long)(text[i] - '0');
		}
		if (v == 0 || v > 65535)
			return false;
		*type = (uint16_t)v;
		return true;
	}
	return false;
}

static int negative_cmp(const void *a, const void *b)
{
	const negative *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c != 0)
		return c;
	return (int)x->type - (int)y->type;
}

/* The first negative entry at @p name, or NULL; entries are sorted. */
static const negative *negative_first(const al_lock *lock, const char *name)
{
	size_t lo = 0, hi = lock->negative_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(lock->negatives[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < lock->negative_count && strcmp(lock->negatives[lo].name, name) == 0)
		return &lock->negatives[lo];
	return NULL;
}

static char *word(const char **p, const char *end, size_t *length)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
	const char *start = *p;
	while (*p < end && **p != ' ' && **p != '\t' && **p != '\r')
		(*p)++;
	*length = (size_t)(*p - start);
	return (char *)start;
}

static al_status set_value(char **slot, const char *value, size_t length)
{
	free(*slot);
	*slot = strndup(value, length);
	return *slot != NULL ? AL_OK : AL_ENOMEM;
}

/* One "; authlint-lock KEY ..." line (the text after the marker). */
static al_status lock_line(al_lock *lock, const char *label, unsigned long line, const char *p, const char *end,
			   al_error *err)
{
	size_t kl;
	const char *key = word(&p, end, &kl);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	const char *rest = p;
	size_t rl = (size_t)(end - rest);
	while (rl > 0 && (rest[rl - 1] == ' ' || rest[rl - 1] == '\t' || rest[rl - 1] == '\r'))
		rl--;
	if (kl == 9 && strncmp(key, "generated", kl) == 0)
		return set_value(&lock->generated, rest, rl);
	if (kl == 8 && strncmp(key, "resolver", kl) == 0)
		return set_value(&lock->resolver, rest, rl);
	if (kl == 8 && strncmp(key, "authlint", kl) == 0)
		return set_value(&lock->version, rest, rl);
	if (kl == 6 && strncmp(key, "format", kl) == 0) {
		if (rl != 1 || rest[0] != '1')
			return al_error_set(err, AL_EUNSUPPORTED, "%s:%lu: lock format %.*s is not known (this authlint "
				     "reads format 1)", label, line, (int)(rl > 32 ? 32 : rl), rest);
		return AL_OK;
	}
	if (kl == 4 && strncmp(key, "zone", kl) == 0) {
		if (lock->zone_count >= LOCK_MAX_ZONES)
			return al_error_set(err, AL_ELIMIT, "%s:%lu: more than %d zone files", label, line,
					    LOCK_MAX_ZONES);
		lock->zones[lock->zone_count] = NULL;
		al_status st = set_value(&lock->zones[lock->zone_count], rest, rl);
		if (st == AL_OK)
			lock->zone_count++;
		return st;
	}
	bool nx = kl == 8 && strncmp(key, "nxdomain", kl) == 0;
	bool nodata = kl == 6 && strncmp(key, "nodata", kl) == 0;
	if (!nx && !nodata)
		return al_error_set(err, AL_ESYNTAX, "%s:%lu: '; authlint-lock %.*s' is not a lock entry (generated, "
			     "resolver, authlint, format, zone, nxdomain, nodata)", label, line,
			     (int)(kl > 32 ? 32 : kl), key);
	size_t nl, tl;
	const char *name = word(&p, end, &nl);
	const char *type = word(&p, end, &tl);
	size_t extra;
	word(&p, end, &extra);
	char norm[AL_NAME_MAX];
	uint16_t t = 0;
	if (nl == 0 || tl == 0 || extra != 0 || al_name_normalize(name, nl, norm, NULL) != AL_OK ||
	    !al_lock_type_parse(type, tl, &t))
		return al_error_set(err, AL_ESYNTAX, "%s:%lu: '; authlint-lock %s' takes an absolute name and a type "
			     "(e.g. '; authlint-lock %s example.net. TXT')", label, line, nx ? "nxdomain" : "nodata",
			     nx ? "nxdomain" : "nodata");
	if (!AL_GROW_ONE(lock->negatives, lock->negative_count, lock->negative_capacity))
		return AL_ENOMEM;
	negative *n = &lock->negatives[lock->negative_count];
	if ((n->name = strdup(norm)) == NULL)
		return AL_ENOMEM;
	n->type = t;
	n->nxdomain = nx;
	lock->negative_count++;
	return AL_OK;
}

/* Every "; authlint-lock" line at the start of a line; the zone reader skips them as comments. */
static al_status read_lock_lines(al_lock *lock, const char *label, const char *text, size_t length, al_error *err)
{
	static const char marker[] = "; authlint-lock ";
	const size_t ml = sizeof(marker) - 1;
	unsigned long line = 1;
	const char *end = text + length;
	for (const char *p = text; p < end; line++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		if ((size_t)(eol - p) >= ml && memcmp(p, marker, ml) == 0) {
			al_status st = lock_line(lock, label, line, p + ml, eol, err);
			if (st != AL_OK)
				return st == AL_ENOMEM ? al_error_set(err, st, "%s: out of memory", label) : st;
		}
		p = eol + 1;
	}
	if (lock->negative_count > 1)
		qsort(lock->negatives, lock->negative_count, sizeof(negative), negative_cmp);
	return AL_OK;
}

void al_lock_free(al_lock *lock)
{
	if (lock == NULL)
		return;
	al_source_free(lock->zone_source);
	al_zone_free(lock->zone);
	for (size_t i = 0; i < lock->negative_count; i++)
		free(lock->negatives[i].name);
	free(lock->negatives);
	free(lock->generated);
	free(lock->resolver);
	free(lock->version);
	for (size_t i = 0; i < lock->zone_count; i++)
		free(lock->zones[i]);
	free(lock->label);
	free(lock);
}

al_status al_lock_load_text(al_lock **out, const char *label, const char *text, size_t length, al_error *err)
{
	*out = NULL;
	if (label == NULL || (text == NULL && length > 0))
		return AL_EINVAL;
	al_lock *lock = calloc(1, sizeof(*lock));
	if (lock == NULL || (lock->label = strdup(label)) == NULL) {
		free(lock);
		return al_error_set(err, AL_ENOMEM, "%s: out of memory", label);
	}
	al_status st = read_lock_lines(lock, label, text ? text : "", length, err);
	al_zone_options zo = {0};
	zo.origin = ".";
	if (st == AL_OK && (st = al_zone_new(&lock->zone, &zo)) != AL_OK)
		al_error_set(err, st, "%s: out of memory", label);
	if (st == AL_OK)
		st = al_zone_load_text(lock->zone, label, text ? text : "", length, err);
	if (st == AL_OK && al_zone_problem_count(lock->zone) > 0) {
		const al_zone_problem *p = al_zone_problem_at(lock->zone, 0);
		st = al_error_set(err, AL_ESYNTAX, "%s:%lu: %s", p->file ? p->file : label, p->line,
				  p->message ? p->message : "cannot be read");
	}
	if (st == AL_OK && (st = al_source_new_zone(&lock->zone_source, lock->zone)) != AL_OK)
		al_error_set(err, st, "%s: out of memory", label);
	if (st != AL_OK) {
		al_lock_free(lock);
		return st;
	}
	*out = lock;
	return AL_OK;
}

al_status al_lock_load_file(al_lock **out, const char *path, al_error *err)
{
	*out = NULL;
	char *text = NULL;
	size_t length = 0;
	al_status st = al_file_read_all(path, "a lock file", LOCK_MAX_BYTES, &text, &length, err);
	if (st != AL_OK)
		return st;
	st = al_lock_load_text(out, path, text, length, err);
	free(text);
	return st;
}

const char *al_lock_header(const al_lock *lock, const char *key)
{
	if (lock == NULL || key == NULL)
		return NULL;
	if (strcmp(key, "generated") == 0)
		return lock->generated;
	if (strcmp(key, "resolver") == 0)
		return lock->resolver;
	if (strcmp(key, "authlint") == 0)
		return lock->version;
	return NULL;
}

size_t al_lock_zone_count(const al_lock *lock)
{
	return lock != NULL ? lock->zone_count : 0;
}

const char *al_lock_zone_at(const al_lock *lock, size_t index)
{
	return lock != NULL && index < lock->zone_count ? lock->zones[index] : NULL;
}

size_t al_lock_negative_count(const al_lock *lock)
{
	return lock != NULL ? lock->negative_count : 0;
}

/* ---- answering --------------------------------------------------------------- */

typedef struct lock_answer {
	al_answer pub;
	const al_answer *inner; /* from the zone source, or NULL */
	const al_lock *lock;
	char detail[AL_NAME_MAX + 96];
} lock_answer;

/* Does the lock hold records of @p type (or a CNAME) at @p name? */
static bool holds_records(const al_lock *lock, const char *name, uint16_t type)
{
	uint8_t wire[255];
	size_t wl = al_zone_name_wire(name, wire);
	if (wl == 0)
		return false;
	const znode *node = al_zone_find(lock->zone, wire, wl);
	if (node == NULL || !(node->flags & ZNODE_DATA))
		return false;
	uint64_t bit = (uint64_t)1 << (type < 63 ? type : 63);
	return (node->types & bit) != 0 || (node->types & ((uint64_t)1 << AL_TYPE_CNAME)) != 0;
}

al_status al_lock_answer(al_lock *lock, const char *name, uint16_t type, const char *server, const al_answer **out)
{
	*out = NULL;
	char norm[AL_NAME_MAX];
	if (al_name_normalize(name, strlen(name), norm, NULL) != AL_OK)
		return AL_EINVAL;
	lock_answer *la = calloc(1, sizeof(*la));
	if (la == NULL)
		return AL_ENOMEM;
	la->lock = lock;
	if (holds_records(lock, norm, type)) {
		const al_answer *a = NULL;
		al_status st = al_source_backend_lookup(lock->zone_source, norm, type, &a);
		if (st != AL_OK) {
			free(la);
			return st;
		}
		la->pub = *a;
		la->inner = a;
		la->pub.server = server;
		la->pub.negative_ttl_known = false;
		*out = &la->pub;
		return AL_OK;
	}
	const negative *n = negative_first(lock, norm);
	la->pub.rcode = AL_RCODE_NOT_QUERIED;
	for (; n != NULL && n < lock->negatives + lock->negative_count && strcmp(n->name, norm) == 0; n++) {
		/* NXDOMAIN is about the name, whatever type was asked then */
		if (n->nxdomain) {
			la->pub.rcode = AL_RCODE_NXDOMAIN;
			break;
		}
		if (n->type == type)
			la->pub.rcode = AL_RCODE_NOERROR;
	}
	la->pub.qtype = type;
	la->pub.server = server;
	if (la->pub.rcode == AL_RCODE_NOT_QUERIED) {
		char tbuf[16];
		snprintf(la->detail, sizeof(la->detail), "%s %s is not in the lock file %s", norm,
			 al_rrtype_name(type, tbuf), lock->label);
		la->pub.detail = la->detail;
		la->pub.server = "none";
	}
	/* the name lives in the detail buffer's tail: one allocation per answer */
	size_t dl = strlen(la->detail) + 1;
	size_t nl = strlen(norm) + 1;
	if (dl + nl <= sizeof(la->detail)) {
		memcpy(la->detail + dl, norm, nl);
		la->pub.qname = la->detail + dl;
		la->pub.name = la->detail + dl;
	}
	*out = &la->pub;
	return AL_OK;
}

void al_lock_answer_release(al_lock *lock, const al_answer *answer)
{
	if (answer == NULL)
		return;
	lock_answer *la = (lock_answer *)answer;
	if (la->inner != NULL)
		al_source_backend_release(lock->zone_source, la->inner);
	free(la);
}

typedef struct lock_source {
	al_lock *lock;
	char server[300];
	char description[320];
} lock_source;

static al_status lock_lookup(void *impl, const char *name, uint16_t type, const al_answer **out)
{
	lock_source *ls = impl;
	return al_lock_answer(ls->lock, name, type, ls->server, out);
}

static void lock_release(void *impl, const al_answer *answer)
{
	al_lock_answer_release(((lock_source *)impl)->lock, answer);
}

static bool lock_covers(const void *impl, const char *name)
{
	const al_lock *lock = ((const lock_source *)impl)->lock;
	char norm[AL_NAME_MAX];
	if (al_name_normalize(name, strlen(name), norm, NULL) != AL_OK)
		return false;
	uint8_t wire[255];
	size_t wl = al_zone_name_wire(norm, wire);
	if (wl == 0)
		return false;
	const znode *node = al_zone_find(lock->zone, wire, wl);
	return (node != NULL && (node->flags & ZNODE_DATA)) || negative_first(lock, norm) != NULL;
}

static const char *lock_describe(const void *impl)
{
	return ((const lock_source *)impl)->description;
}

static const al_source_ops lock_ops = {
	.kind = "lock",
	.lookup = lock_lookup,
	.release = lock_release,
	.covers = lock_covers,
	.describe = lock_describe,
	.destroy = free,
};

al_status al_source_new_lock(al_source **out, al_lock *lock, const char *label)
{
	*out = NULL;
	if (lock == NULL)
		return AL_EINVAL;
	lock_source *ls = calloc(1, sizeof(*ls));
	if (ls == NULL)
		return AL_ENOMEM;
	ls->lock = lock;
	snprintf(ls->server, sizeof(ls->server), "lock %s", label != NULL ? label : lock->label);
	snprintf(ls->description, sizeof(ls->description), "lock file %s", label != NULL ? label : lock->label);
	al_status st = al_source_new(out, &lock_ops, ls);
	if (st != AL_OK)
		free(ls);
	return st;
}
