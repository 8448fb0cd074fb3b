/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Recording what a lint asks outside its zones (a source in front of live
 * DNS that keeps every question and its one-hop answer), writing it as a lock
 * file, and comparing a recording with a lock (lock --check).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/lock_internal.h"
#include "dns/source_internal.h"
#include "dns/wire.h"
#include "util/grow.h"
#include "util/hash.h"

/* Questions kept: a lint of many zones asks a few thousand outside. Past
 * this the answers still pass through, and the recording counts them as
 * failed (not pinned), so that `lock` exits 2 rather than writes a partial lock. */
#define MAX_QUESTIONS 50000
#define MAX_RRS 256

typedef struct rec_rr {
	uint16_t type;
	uint32_t ttl;
	uint16_t rdlength;
	uint8_t *rdata;
} rec_rr;

typedef struct rec_entry {
	char *name;
	uint16_t type;
	al_rcode rcode;
	char *server;
	char *detail;
	size_t count;
	rec_rr *rrs;
} rec_entry;

struct al_lock_recorder {
	al_source *inner;
	al_source *source; /* the recording front */
	rec_entry **entries; /* sorted by name, type */
	size_t count, capacity;
	size_t dropped;    /* questions past MAX_QUESTIONS */
	pthread_mutex_t mutex;
};

static int entry_cmp(const char *name, uint16_t type, const rec_entry *e)
{
	int c = strcmp(name, e->name);
	if (c != 0)
		return c;
	return (int)type - (int)e->type;
}

/* Index of (name, type), or where it goes (*found false). */
static size_t entry_find(const al_lock_recorder *r, const char *name, uint16_t type, bool *found)
{
	size_t lo = 0, hi = r->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = entry_cmp(name, type, r->entries[mid]);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = false;
	return lo;
}

static void entry_free(rec_entry *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->count; i++)
		free(e->rrs[i].rdata);
	free(e->rrs);
	free(e->name);
	free(e->server);
	free(e->detail);
	free(e);
}

static rec_entry *entry_copy(const char *name, uint16_t type, const al_answer *a)
{
	rec_entry *e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->type = type;
	e->rcode = a->rcode;
	e->name = strdup(name);
	e->server = a->server ? strdup(a->server) : NULL;
	e->detail = a->detail ? strdup(a->detail) : NULL;
	size_t n = a->count > MAX_RRS ? MAX_RRS : a->count;
	e->rrs = n ? calloc(n, sizeof(rec_rr)) : NULL;
	bool ok = e->name != NULL && (n == 0 || e->rrs != NULL);
	for (size_t i = 0; ok && i < n; i++) {
		const al_rr *rr = &a->rrs[i];
		rec_rr *c = &e->rrs[e->count];
		c->type = rr->type;
		c->ttl = rr->ttl;
		c->rdlength = rr->rdlength;
		c->rdata = malloc(rr->rdlength ? rr->rdlength : 1);
		if (c->rdata == NULL) {
			ok = false;
			break;
		}
		if (rr->rdlength)
			memcpy(c->rdata, rr->rdata, rr->rdlength);
		e->count++;
	}
	if (ok && a->count > MAX_RRS) {
		/* an RRset this large is not kept in part: the question is not pinned */
		e->rcode = AL_RCODE_ERROR;
		free(e->detail);
		e->detail = strdup("more records than a lock keeps for one question");
	}
	if (!ok) {
		entry_free(e);
		return NULL;
	}
	return e;
}

static void record(al_lock_recorder *r, const char *name, uint16_t type, const al_answer *a)
{
	if (a->rcode == AL_RCODE_PENDING)
		return;
	pthread_mutex_lock(&r->mutex);
	bool found;
	size_t at = entry_find(r, name, type, &found);
	if (!found) {
		rec_entry *e = r->count < MAX_QUESTIONS ? entry_copy(name, type, a) : NULL;
		if (e == NULL || !AL_GROW_ONE(r->entries, r->count, r->capacity)) {
			entry_free(e);
			r->dropped++;
		} else {
			memmove(&r->entries[at + 1], &r->entries[at], (r->count - at) * sizeof(*r->entries));
			r->entries[at] = e;
			r->count++;
		}
	}
	pthread_mutex_unlock(&r->mutex);
}

static al_status rec_lookup(void *impl, const char *name, uint16_t type, const al_answer **out)
{
	al_lock_recorder *r = impl;
	al_status st = al_source_backend_lookup(r->inner, name, type, out);
	if (st == AL_OK && *out != NULL)
		record(r, name, type, *out);
	return st;
}

static void rec_release(void *impl, const al_answer *answer)
{
	al_source_backend_release(((al_lock_recorder *)impl)->inner, answer);
}

static bool rec_covers(const void *impl, const char *name)
{
	return al_source_covers(((const al_lock_recorder *)impl)->inner, name);
}

static const char *rec_describe(const void *impl)
{
	return al_source_describe(((const al_lock_recorder *)impl)->inner);
}

static void rec_destroy(void *impl)
{
	(void)impl; /* the recorder owns the source, not the other way round */
}

static const al_source_ops rec_ops = {
	.kind = "recorder",
	.lookup = rec_lookup,
	.release = rec_release,
	.covers = rec_covers,
	.describe = rec_describe,
	.destroy = rec_destroy,
};

al_status al_lock_recorder_new(al_lock_recorder **out, al_source *inner, al_source **source_out)
{
	*out = NULL;
	*source_out = NULL;
	if (inner == NULL)
		return AL_EINVAL;
	al_lock_recorder *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return AL_ENOMEM;
	r->inner = inner;
	pthread_mutex_init(&r->mutex, NULL);
	al_status st = al_source_new(&r->source, &rec_ops, r);
	if (st != AL_OK) {
		pthread_mutex_destroy(&r->mutex);
		free(r);
		return st;
	}
	*out = r;
	*source_out = r->source;
	return AL_OK;
}

void al_lock_recorder_free(al_lock_recorder *r)
{
	if (r == NULL)
		return;
	al_source_free(r->source);
	for (size_t i = 0; i < r->count; i++)
		entry_free(r->entries[i]);
	free(r->entries);
	pthread_mutex_destroy(&r->mutex);
	free(r);
}

size_t al_lock_recorder_count(const al_lock_recorder *r)
{
	return r != NULL ? r->count : 0;
}

static bool entry_failed(const rec_entry *e)
{
	return al_rcode_failed(e->rcode) || e->rcode == AL_RCODE_NOT_QUERIED || e->rcode == AL_RCODE_PENDING;
}

void al_lock_recorder_at(const al_lock_recorder *r, size_t index, al_lock_question *out)
{
	memset(out, 0, sizeof(*out));
	if (r == NULL || index >= r->count)
		return;
	const rec_entry *e = r->entries[index];
	out->name = e->name;
	out->type = e->type;
	out->rcode = e->rcode;
	out->server = e->server;
	out->detail = e->detail;
}

size_t al_lock_recorder_failed(const al_lock_recorder *r)
{
	if (r == NULL)
		return 0;
	size_t n = r->dropped;
	for (size_t i = 0; i < r->count; i++)
		n += entry_failed(r->entries[i]);
	return n;
}

/* ---- presentation ---------------------------------------------------------------- */

static void put_name(al_strbuf *out, const uint8_t *rdata, size_t length, size_t offset, bool *ok)
{
	char name[AL_NAME_MAX];
	size_t used = 0;
	if (!al_wire_name_to_text(rdata, length, offset, name, &used)) {
		*ok = false;
		return;
	}
	for (char *c = name; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	al_strbuf_puts(out, name);
	if (strcmp(name, ".") != 0)
		al_strbuf_putc(out, '.');
}

static void put_txt(al_strbuf *out, const uint8_t *rdata, size_t length, bool *ok)
{
	size_t i = 0;
	if (length == 0)
		*ok = false;
	while (*ok && i < length) {
		size_t n = rdata[i];
		if (i + 1 + n > length) {
			*ok = false;
			break;
		}
		if (i > 0)
			al_strbuf_putc(out, ' ');
		al_strbuf_putc(out, '"');
		for (size_t k = 0; k < n; k++) {
			unsigned char c = rdata[i + 1 + k];
			if (c == '"' || c == '\\')
				al_strbuf_printf(out, "\\%c", c);
			else if (c < 0x20 || c > 0x7e)
				al_strbuf_printf(out, "\\%03u", c);
			else
				al_strbuf_putc(out, (char)c);
		}
		al_strbuf_putc(out, '"');
		i += 1 + n;
	}
}

void al_lock_rdata_text(al_strbuf *out, uint16_t type, const uint8_t *rdata, size_t rdlength)
{
	size_t before = out->length;
	bool ok = true;
	char addr[64];
	switch (type) {
	case AL_TYPE_TXT:
	case AL_TYPE_SPF:
		put_txt(out, rdata, rdlength, &ok);
		break;
	case AL_TYPE_A:
		ok = rdlength == 4 && inet_ntop(AF_INET, rdata, addr, sizeof(addr)) != NULL;
		if (ok)
			al_strbuf_puts(out, addr);
		break;
	case AL_TYPE_AAAA:
		ok = rdlength == 16 && inet_ntop(AF_INET6, rdata, addr, sizeof(addr)) != NULL;
		if (ok)
			al_strbuf_puts(out, addr);
		break;
	case AL_TYPE_CNAME:
	case AL_TYPE_PTR:
	case AL_TYPE_NS:
		put_name(out, rdata, rdlength, 0, &ok);
		break;
	case AL_TYPE_MX:
		ok = rdlength >= 3;
		if (ok) {
			al_strbuf_printf(out, "%u ", (unsigned)(rdata[0] << 8 | rdata[1]));
			put_name(out, rdata, rdlength, 2, &ok);
		}
		break;
	default:
		ok = false;
	}
	if (ok)
		return;
	/* RFC 3597 generic form for every other type and for RDATA that does not read */
	if (out->data != NULL)
		out->data[before] = '\0';
	out->length = before;
	al_strbuf_printf(out, "\\# %zu", rdlength);
	if (rdlength > 0)
		al_strbuf_putc(out, ' ');
	for (size_t i = 0; i < rdlength; i++)
		al_strbuf_printf(out, "%02x", rdata[i]);
}

static void put_owner(al_strbuf *out, const char *name)
{
	al_strbuf_puts(out, name);
	if (strcmp(name, ".") != 0)
		al_strbuf_putc(out, '.');
}

al_status al_lock_recorder_write(const al_lock_recorder *r, const al_lock_info *info, char **text, size_t *length)
{
	*text = NULL;
	al_strbuf out;
	al_strbuf_init(&out);
	al_strbuf_puts(&out, "; authlint lock file: the answers outside the zones below, pinned.\n"
			     "; Read with --lock FILE; refresh with 'authlint lock'; check with 'authlint lock --check'.\n"
			     "; authlint-lock format 1\n");
	if (info != NULL) {
		if (info->generated)
			al_strbuf_printf(&out, "; authlint-lock generated %s\n", info->generated);
		if (info->resolver)
			al_strbuf_printf(&out, "; authlint-lock resolver %s\n", info->resolver);
		if (info->version)
			al_strbuf_printf(&out, "; authlint-lock authlint %s\n", info->version);
		for (size_t i = 0; i < info->zone_count; i++)
			al_strbuf_printf(&out, "; authlint-lock zone %s\n", info->zones[i]);
	}
	al_strbuf_puts(&out, "$ORIGIN .\n");
	al_map written;
	al_map_init(&written, false);
	al_strbuf line;
	al_strbuf_init(&line);
	bool nomem = false;
	char tbuf[16];
	for (size_t i = 0; r != NULL && i < r->count && !nomem; i++) {
		const rec_entry *e = r->entries[i];
		if (entry_failed(e))
			continue;
		if (e->rcode == AL_RCODE_NXDOMAIN || (e->rcode == AL_RCODE_NOERROR && e->count == 0)) {
			al_strbuf_printf(&out, "; authlint-lock %s ", e->rcode == AL_RCODE_NXDOMAIN ? "nxdomain" : "nodata");
			put_owner(&out, e->name);
			al_strbuf_printf(&out, " %s\n", al_rrtype_name(e->type, tbuf));
			continue;
		}
		for (size_t k = 0; k < e->count; k++) {
			const rec_rr *rr = &e->rrs[k];
			al_strbuf_reset(&line);
			put_owner(&line, e->name);
			al_strbuf_printf(&line, " %u IN %s ", (unsigned)rr->ttl, al_rrtype_name(rr->type, tbuf));
			al_lock_rdata_text(&line, rr->type, rr->rdata, rr->rdlength);
			const char *l = al_strbuf_cstr(&line);
			/* a CNAME met by two questions is written once */
			if (al_map_get(&written, l) != NULL)
				continue;
			char *key = strdup(l);
			if (key == NULL || !al_map_put(&written, key, key)) {
				free(key);
				nomem = true;
				break;
			}
			al_strbuf_printf(&out, "%s\n", l);
		}
	}
	size_t index = 0;
	const char *key;
	void *value;
	while (al_map_next(&written, &index, &key, &value))
		free(value);
	al_map_free(&written);
	al_strbuf_free(&line);
	if (nomem || out.data == NULL) {
		al_strbuf_free(&out);
		return AL_ENOMEM;
	}
	*text = al_strbuf_detach(&out, length);
	return *text != NULL ? AL_OK : AL_ENOMEM;
}

/* ---- comparing ------------------------------------------------------------------- */

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The RRset as sorted presentation lines (type and RDATA), joined. */
static char *rrset_key(size_t count, const uint16_t *types, const uint8_t *const *rdatas, const uint16_t *lengths)
{
	char **lines = calloc(count ? count : 1, sizeof(char *));
	if (lines == NULL)
		return NULL;
	al_strbuf sb;
	al_strbuf_init(&sb);
	bool ok = true;
	for (size_t i = 0; i < count && ok; i++) {
		al_strbuf_reset(&sb);
		al_strbuf_printf(&sb, "%u ", (unsigned)types[i]);
		al_lock_rdata_text(&sb, types[i], rdatas[i], lengths[i]);
		ok = (lines[i] = strdup(al_strbuf_cstr(&sb))) != NULL;
	}
	char *key = NULL;
	if (ok) {
		qsort(lines, count, sizeof(char *), str_cmp);
		al_strbuf_reset(&sb);
		for (size_t i = 0; i < count; i++)
			al_strbuf_printf(&sb, "%s\n", lines[i]);
		key = strdup(al_strbuf_cstr(&sb));
	}
	for (size_t i = 0; i < count; i++)
		free(lines[i]);
	free(lines);
	al_strbuf_free(&sb);
	return key;
}

bool al_lock_recorder_same(const al_lock_recorder *r, size_t index, al_lock *lock, bool *held)
{
	*held = false;
	if (r == NULL || index >= r->count || lock == NULL)
		return false;
	const rec_entry *e = r->entries[index];
	const al_answer *a = NULL;
	if (al_lock_answer(lock, e->name, e->type, "lock", &a) != AL_OK || a == NULL)
		return false;
	bool same = false;
	*held = a->rcode != AL_RCODE_NOT_QUERIED;
	if (*held && a->rcode == e->rcode && a->count == e->count) {
		size_t n = e->count;
		uint16_t types[MAX_RRS], lengths[MAX_RRS], ltypes[MAX_RRS], llengths[MAX_RRS];
		const uint8_t *rdatas[MAX_RRS], *lrdatas[MAX_RRS];
		for (size_t i = 0; i < n && i < MAX_RRS; i++) {
			types[i] = e->rrs[i].type;
			lengths[i] = e->rrs[i].rdlength;
			rdatas[i] = e->rrs[i].rdata;
			ltypes[i] = a->rrs[i].type;
			llengths[i] = a->rrs[i].rdlength;
			lrdatas[i] = a->rrs[i].rdata;
		}
		char *k1 = rrset_key(n, types, rdatas, lengths);
		char *k2 = rrset_key(n, ltypes, lrdatas, llengths);
		same = k1 != NULL && k2 != NULL && strcmp(k1, k2) == 0;
		free(k1);
		free(k2);
	}
	al_lock_answer_release(lock, a);
	return same;
}
