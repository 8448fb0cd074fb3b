/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Answering questions from a zone store the way an authoritative server
 * would: the RRset, a CNAME for the front end to follow, NODATA for a name
 * that exists (also an empty non-terminal), a wildcard synthesis (RFC 4592),
 * or NXDOMAIN with the SOA's negative TTL. Names outside the zone, or below
 * one of its delegations, are not answered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/source_internal.h"
#include "dns/wire.h"
#include "dns/zone_internal.h"

/* One allocation: the answer, its RRs, then the owner name and (rarely) the
 * wildcard and the detail, exactly as long as they are. */
typedef struct zone_answer {
	al_answer pub;
	char *name;
	al_rr rrs[];
} zone_answer;

typedef struct zone_source {
	al_zone *zone;
	char description[300];
} zone_source;

static size_t count_rrs(const znode *n, uint16_t type)
{
	/* the type map says when there is none, without walking the list */
	if (type < 63 && !((n->types >> type) & 1))
		return 0;
	size_t c = 0;
	for (const zrr *r = n->rrs; r != NULL; r = r->next)
		if (r->type == type)
			c++;
	return c;
}

static zone_answer *new_answer(size_t count, const char *name, const char *wildcard, const char *detail)
{
	size_t nl = strlen(name) + 1;
	size_t wl = wildcard ? strlen(wildcard) + 1 : 0;
	size_t dl = detail ? strlen(detail) + 1 : 0;
	size_t head = sizeof(zone_answer) + count * sizeof(al_rr);
	zone_answer *a = malloc(head + nl + wl + dl);
	if (a == NULL)
		return NULL;
	memset(a, 0, head);
	a->name = (char *)a + head;
	memcpy(a->name, name, nl);
	if (wildcard != NULL) {
		char *w = a->name + nl;
		memcpy(w, wildcard, wl);
		a->pub.wildcard = w;
	}
	if (detail != NULL) {
		char *d = a->name + nl + wl;
		memcpy(d, detail, dl);
		a->pub.detail = d;
	}
	a->pub.qname = a->name;
	a->pub.name = a->name;
	a->pub.server = "zone";
	a->pub.rrs = a->rrs;
	return a;
}

/* RRs of @p type at @p node, in file order, owned by @p owner. */
static void fill(const al_zone *zone, zone_answer *a, const znode *node, uint16_t type, size_t count)
{
	size_t i = count;
	uint32_t ttl = UINT32_MAX;
	for (const zrr *r = node->rrs; r != NULL && i > 0; r = r->next) {
		if (r->type != type)
			continue;
		al_rr *out = &a->rrs[--i]; /* the list is newest first */
		out->owner = a->name;
		out->type = r->type;
		out->ttl = r->ttl;
		out->rdlength = r->rdlength;
		out->rdata = r->rdata;
		out->location.file = al_zone_file_label(zone, r);
		out->location.line = r->line;
		out->comment = al_zone_comment(zone, r);
		out->backend = r;
		if (r->ttl < ttl)
			ttl = r->ttl;
	}
	a->pub.count = count;
	a->pub.ttl = count ? ttl : 0;
}

/* The size of a DNS response carrying the RRset: header, question, and each
 * RR with a compressed owner (2), type, class, TTL, length (10) and RDATA. */
static size_t message_size(size_t qname_wire, const al_answer *a)
{
	size_t size = 12 + qname_wire + 4;
	for (size_t i = 0; i < a->count; i++)
		size += 2 + 10 + a->rrs[i].rdlength;
	return size;
}

static bool zone_covers(const void *impl, const char *name);
static const al_source_ops zone_ops;

/* A name in the front end's normal form (lower case; letters, digits, '-',
 * '_' and '*'; no escape, no trailing dot) in wire form, in one pass; 0 when
 * it is not that plain (then the general conversion reads it). */
static const bool plain_byte[256] = {
	['-'] = true, ['_'] = true, ['*'] = true,
	['0'] = true, ['1'] = true, ['2'] = true, ['3'] = true, ['4'] = true,
	['5'] = true, ['6'] = true, ['7'] = true, ['8'] = true, ['9'] = true,
	['a'] = true, ['b'] = true, ['c'] = true, ['d'] = true, ['e'] = true, ['f'] = true, ['g'] = true,
	['h'] = true, ['i'] = true, ['j'] = true, ['k'] = true, ['l'] = true, ['m'] = true, ['n'] = true,
	['o'] = true, ['p'] = true, ['q'] = true, ['r'] = true, ['s'] = true, ['t'] = true, ['u'] = true,
	['v'] = true, ['w'] = true, ['x'] = true, ['y'] = true, ['z'] = true,
};

static size_t plain_to_wire(const char *name, size_t length, uint8_t wire[255])
{
	if (length == 0 || length > 253)
		return 0;
	size_t lenpos = 0, w = 1, label = 0;
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c == '.') {
			if (label == 0)
				return 0;
			wire[lenpos] = (uint8_t)label;
			lenpos = w++;
			label = 0;
			continue;
		}
		if (!plain_byte[c])
			return 0;
		if (++label > 63)
			return 0;
		wire[w++] = c;
	}
	if (label == 0)
		return 0;
	wire[lenpos] = (uint8_t)label;
	wire[w++] = 0;
	return w;
}

/* The answer to (text, type) for a name the zone covers (@p wire: its lower-case
 * wire form; @p origin: the origin it falls under, or NULL). */
static al_status answer_covered(const al_zone *zone, const char *text, const uint8_t *wire, size_t wl,
				const zorigin *origin, uint16_t type, const al_answer **out)
{
	const znode *node = al_zone_find(zone, wire, wl);
	const znode *source = node;
	const char *wildcard = NULL;
	char wildtext[AL_NAME_MAX];
	if (node == NULL) {
		/* RFC 4592: the closest encloser, then its wildcard */
		size_t off = 0;
		const znode *encloser = NULL;
		while (off < wl && wire[off] != 0) {
			off += (size_t)wire[off] + 1;
			if ((encloser = al_zone_find(zone, wire + off, wl - off)) != NULL)
				break;
		}
		if (encloser != NULL && wl - off + 2 <= 255 && al_znode_may_hold_below(encloser, ZNODE_WILD)) {
			uint8_t wild[255];
			wild[0] = 1;
			wild[1] = '*';
			memcpy(wild + 2, wire + off, wl - off);
			const znode *w = al_zone_find(zone, wild, wl - off + 2);
			if (w != NULL && (w->flags & ZNODE_DATA)) {
				source = w;
				al_wire_name_to_text(wild, wl - off + 2, 0, wildtext, NULL);
				wildcard = wildtext;
			}
		}
	}

	uint32_t negative = origin ? origin->negative_ttl : 0;
	if (source == NULL) {
		zone_answer *a = new_answer(0, text, NULL, NULL);
		if (a == NULL)
			return AL_ENOMEM;
		a->pub.qtype = type;
		a->pub.rcode = AL_RCODE_NXDOMAIN;
		a->pub.ttl = negative;
		a->pub.negative_ttl_known = origin != NULL && origin->from_soa;
		a->pub.message_size = message_size(wl, &a->pub);
		*out = &a->pub;
		return AL_OK;
	}
	size_t count = count_rrs(source, type);
	uint16_t use = type;
	if (count == 0 && type != AL_TYPE_CNAME) {
		size_t cn = count_rrs(source, AL_TYPE_CNAME);
		if (cn > 0) {
			count = cn;
			use = AL_TYPE_CNAME;
		}
	}
	zone_answer *a = new_answer(count, text, wildcard, NULL);
	if (a == NULL)
		return AL_ENOMEM;
	a->pub.qtype = type;
	a->pub.rcode = AL_RCODE_NOERROR;
	fill(zone, a, source, use, count);
	if (count == 0) {
		a->pub.ttl = negative;
		a->pub.negative_ttl_known = origin != NULL && origin->from_soa;
	}
	a->pub.message_size = message_size(wl, &a->pub);
	*out = &a->pub;
	return AL_OK;
}

static al_status zone_lookup(void *impl, const char *name, uint16_t type, const al_answer **out)
{
	zone_source *zs = impl;
	const al_zone *zone = zs->zone;
	uint8_t wire[255];
	size_t wl = al_zone_name_wire(name, wire);
	if (wl == 0)
		return AL_EINVAL;
	/* the front end hands over normalised names: keep them as they are */
	char text[AL_NAME_MAX];
	if (al_name_normalize(name, strlen(name), text, NULL) != AL_OK)
		return AL_EINVAL;

	const zorigin *origin = NULL;
	if (!al_zone_covers_wire_origin(zone, wire, wl, &origin)) {
		char detail[AL_NAME_MAX + 32];
		snprintf(detail, sizeof(detail), "%s is outside the zone", text);
		zone_answer *a = new_answer(0, text, NULL, detail);
		if (a == NULL)
			return AL_ENOMEM;
		a->pub.qtype = type;
		a->pub.rcode = AL_RCODE_NOT_QUERIED;
		*out = &a->pub;
		return AL_OK;
	}
	return answer_covered(zone, text, wire, wl, origin, type, out);
}

bool al_zone_source_answer(al_source *source, const char *name, uint16_t type, bool *covered,
			   const al_answer **out, al_status *status)
{
	const zone_source *zs = al_source_impl_if(source, &zone_ops);
	if (zs == NULL)
		return false;
	*covered = false;
	*out = NULL;
	*status = AL_OK;
	size_t length = strlen(name);
	uint8_t wire[255];
	size_t wl = plain_to_wire(name, length, wire);
	if (wl == 0) {
		/* escapes, capitals, a trailing dot: what covers() and lookup() do */
		if (!zone_covers(zs, name))
			return true;
		*covered = true;
		*status = zone_lookup((void *)zs, name, type, out);
		return true;
	}
	const zorigin *origin = NULL;
	if (!al_zone_covers_wire_origin(zs->zone, wire, wl, &origin))
		return true;
	*covered = true;
	*status = answer_covered(zs->zone, name, wire, wl, origin, type, out);
	return true;
}

static void zone_release(void *impl, const al_answer *answer)
{
	(void)impl;
	free((zone_answer *)answer);
}

static bool zone_covers(const void *impl, const char *name)
{
	const zone_source *zs = impl;
	uint8_t wire[255];
	size_t wl = al_zone_name_wire(name, wire);
	if (wl == 0)
		return false;
	return al_zone_covers_wire(zs->zone, wire, wl);
}

static const char *zone_describe(const void *impl)
{
	return ((const zone_source *)impl)->description;
}

static const al_source_ops zone_ops = {
	.kind = "zone",
	.lookup = zone_lookup,
	.release = zone_release,
	.covers = zone_covers,
	.describe = zone_describe,
	.destroy = free,
};

al_status al_source_new_zone(al_source **out, al_zone *zone)
{
	*out = NULL;
	if (zone == NULL)
		return AL_EINVAL;
	zone_source *zs = calloc(1, sizeof(*zs));
	if (zs == NULL)
		return AL_ENOMEM;
	zs->zone = zone;
	if (al_zone_origin_count(zone) > 0)
		snprintf(zs->description, sizeof(zs->description), "zone %s", al_zone_origin_at(zone, 0));
	else
		snprintf(zs->description, sizeof(zs->description), "zone file");
	al_status st = al_source_new(out, &zone_ops, zs);
	if (st != AL_OK)
		free(zs);
	return st;
}
