/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The comparison itself, as pure functions: RFC 1982 serial arithmetic,
 * grouping servers by the answer they give, the verdict of a name and the
 * time its caches settle.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "propagation/prop_internal.h"

const char *al_prop_status_name(al_prop_status status)
{
	switch (status) {
	case AL_PROP_ANSWER:
		return "answer";
	case AL_PROP_NODATA:
		return "nodata";
	case AL_PROP_NXDOMAIN:
		return "nxdomain";
	case AL_PROP_LAME:
		return "lame";
	case AL_PROP_FAILED:
		return "failed";
	case AL_PROP_NOT_ASKED:
		return "not-asked";
	}
	return "?";
}

const char *al_prop_verdict_name(al_prop_verdict verdict)
{
	switch (verdict) {
	case AL_PROP_CONSISTENT:
		return "consistent";
	case AL_PROP_PROPAGATING:
		return "propagating";
	case AL_PROP_INCONSISTENT:
		return "inconsistent";
	case AL_PROP_UNKNOWN:
		return "unknown";
	}
	return "?";
}

/* ---- RFC 1982 ----------------------------------------------------------------- */

al_serial_order al_prop_serial_compare(uint32_t a, uint32_t b)
{
	/* RFC 1982 3.2: s1 < s2 when (i1 < i2 and i2 - i1 < 2^31) or
	 * (i1 > i2 and i1 - i2 > 2^31); undefined when they are 2^31 apart */
	if (a == b)
		return AL_SERIAL_EQUAL;
	uint32_t d = b - a; /* modulo 2^32 */
	if (d == UINT32_C(0x80000000))
		return AL_SERIAL_UNDEFINED;
	return d < UINT32_C(0x80000000) ? AL_SERIAL_LESS : AL_SERIAL_GREATER;
}

uint32_t al_prop_serial_distance(uint32_t newest, uint32_t serial)
{
	return newest - serial;
}

bool al_prop_serial_newest(const uint32_t *serials, size_t count, uint32_t *newest)
{
	if (count == 0)
		return false;
	uint32_t best = serials[0];
	for (size_t i = 1; i < count; i++) {
		al_serial_order o = al_prop_serial_compare(serials[i], best);
		if (o == AL_SERIAL_UNDEFINED)
			return false;
		if (o == AL_SERIAL_GREATER)
			best = serials[i];
	}
	/* the order is not transitive over the whole circle: check the candidate */
	for (size_t i = 0; i < count; i++) {
		al_serial_order o = al_prop_serial_compare(best, serials[i]);
		if (o != AL_SERIAL_EQUAL && o != AL_SERIAL_GREATER)
			return false;
	}
	*newest = best;
	return true;
}

/* ---- grouping ------------------------------------------------------------------ */

static bool answered(al_prop_status s)
{
	return s == AL_PROP_ANSWER || s == AL_PROP_NODATA || s == AL_PROP_NXDOMAIN;
}

typedef struct sort_entry {
	al_prop_group group;
	size_t old_index;
} sort_entry;

static int cmp_group(const void *pa, const void *pb)
{
	const al_prop_group *a = &((const sort_entry *)pa)->group, *b = &((const sort_entry *)pb)->group;
	size_t ta = a->authoritative + a->resolvers, tb = b->authoritative + b->resolvers;
	if (a->authoritative != b->authoritative)
		return a->authoritative > b->authoritative ? -1 : 1;
	if (ta != tb)
		return ta > tb ? -1 : 1;
	return strcmp(a->key, b->key);
}

size_t al_prop_group_items(const al_prop_item *items, size_t count, int *assign, al_prop_group *groups)
{
	size_t n = 0;
	for (size_t i = 0; i < count; i++) {
		assign[i] = -1;
		const al_prop_item *it = &items[i];
		if (!answered(it->status) || it->key == NULL)
			continue;
		size_t g = 0;
		while (g < n && !(groups[g].status == it->status && strcmp(groups[g].key, it->key) == 0))
			g++;
		if (g == n) {
			memset(&groups[n], 0, sizeof(groups[n]));
			groups[n].first = i;
			groups[n].status = it->status;
			groups[n].key = it->key;
			n++;
		}
		al_prop_group *gr = &groups[g];
		if (it->role == AL_PROP_AUTHORITATIVE)
			gr->authoritative++;
		else
			gr->resolvers++;
		if (it->ttl_known) {
			if (!gr->ttl_known || it->ttl < gr->ttl_min)
				gr->ttl_min = it->ttl;
			if (!gr->ttl_known || it->ttl > gr->ttl_max)
				gr->ttl_max = it->ttl;
			gr->ttl_known = true;
		}
		assign[i] = (int)g;
	}
	if (n < 2)
		return n;
	sort_entry *e = malloc(n * sizeof(*e));
	int *map = malloc(n * sizeof(*map));
	if (e == NULL || map == NULL) {
		/* unsorted is still right, only in another order */
		free(e);
		free(map);
		return n;
	}
	for (size_t g = 0; g < n; g++) {
		e[g].group = groups[g];
		e[g].old_index = g;
	}
	qsort(e, n, sizeof(*e), cmp_group);
	for (size_t g = 0; g < n; g++) {
		groups[g] = e[g].group;
		map[e[g].old_index] = (int)g;
	}
	for (size_t i = 0; i < count; i++)
		if (assign[i] >= 0)
			assign[i] = map[assign[i]];
	free(e);
	free(map);
	return n;
}

/* ---- verdicts ------------------------------------------------------------------ */

static int verdict_rank(al_prop_verdict v)
{
	switch (v) {
	case AL_PROP_CONSISTENT:
		return 0;
	case AL_PROP_PROPAGATING:
		return 1;
	case AL_PROP_INCONSISTENT:
		return 2;
	case AL_PROP_UNKNOWN:
		return 3;
	}
	return 3;
}

al_prop_verdict al_prop_verdict_worse(al_prop_verdict a, al_prop_verdict b)
{
	return verdict_rank(a) >= verdict_rank(b) ? a : b;
}

al_prop_verdict al_prop_decide(const al_prop_item *items, size_t count, const int *assign,
			       int *authoritative_group, bool *incomplete)
{
	int auth = -1;
	bool split = false, behind = false;
	*incomplete = false;
	for (size_t i = 0; i < count; i++) {
		if (items[i].status == AL_PROP_LAME || items[i].status == AL_PROP_FAILED)
			*incomplete = true;
		if (items[i].role != AL_PROP_AUTHORITATIVE || assign[i] < 0)
			continue;
		if (auth < 0)
			auth = assign[i];
		else if (assign[i] != auth)
			split = true;
	}
	*authoritative_group = split ? -1 : auth;
	if (auth < 0)
		return AL_PROP_UNKNOWN;
	if (split)
		return AL_PROP_INCONSISTENT;
	for (size_t i = 0; i < count; i++)
		if (items[i].role == AL_PROP_RESOLVER && assign[i] >= 0 && assign[i] != auth)
			behind = true;
	return behind ? AL_PROP_PROPAGATING : AL_PROP_CONSISTENT;
}

/* ---- settle time ------------------------------------------------------------------ */

void al_prop_settle_compute(const al_prop_item *items, size_t count, const int *assign,
			    al_prop_verdict verdict, int authoritative_group, bool negative_known,
			    uint32_t zone_negative_ttl, al_prop_settle *out)
{
	memset(out, 0, sizeof(*out));
	bool positive = false, negative = false;
	uint32_t longest = 0, auth_longest = 0;
	for (size_t i = 0; i < count; i++) {
		if (assign[i] < 0)
			continue;
		if (items[i].status == AL_PROP_ANSWER)
			positive = true;
		else
			negative = true;
		if (items[i].ttl_known && items[i].ttl > longest)
			longest = items[i].ttl;
		if (items[i].role == AL_PROP_AUTHORITATIVE && items[i].ttl_known && items[i].ttl > auth_longest)
			auth_longest = items[i].ttl;
	}
	out->created = positive && negative;
	switch (verdict) {
	case AL_PROP_CONSISTENT:
		out->settled = true;
		out->known = true;
		return;
	case AL_PROP_PROPAGATING: {
		out->known = true;
		bool auth_positive = false;
		uint32_t in = 0;
		for (size_t i = 0; i < count; i++) {
			if (assign[i] == authoritative_group && items[i].role == AL_PROP_AUTHORITATIVE)
				auth_positive = items[i].status == AL_PROP_ANSWER;
			if (items[i].role != AL_PROP_RESOLVER || assign[i] < 0 || assign[i] == authoritative_group)
				continue;
			/* a cache behind: it drops what it holds when the TTL it reports runs out;
			 * without one, no later than the longest TTL the servers give */
			uint32_t t = items[i].ttl_known ? items[i].ttl : (auth_longest > longest ? auth_longest : longest);
			if (t > in)
				in = t;
		}
		/* a name just created: any cache may hold the negative answer for the
		 * zone's negative TTL (RFC 2308 section 5) */
		if (out->created && auth_positive && negative_known && zone_negative_ttl > in)
			in = zone_negative_ttl;
		out->in = in;
		return;
	}
	case AL_PROP_INCONSISTENT: {
		uint32_t after = longest;
		if (out->created && negative_known && zone_negative_ttl > after)
			after = zone_negative_ttl;
		out->after_update = after;
		return;
	}
	case AL_PROP_UNKNOWN:
		return;
	}
}

/* ---- time ------------------------------------------------------------------------- */

void al_prop_format_duration(al_strbuf *out, uint64_t s)
{
	uint64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60, sec = s % 60;
	if (d > 0)
		al_strbuf_printf(out, "%llud %lluh", (unsigned long long)d, (unsigned long long)h);
	else if (h > 0)
		al_strbuf_printf(out, "%lluh %llum", (unsigned long long)h, (unsigned long long)m);
	else if (m > 0)
		al_strbuf_printf(out, "%llum %llus", (unsigned long long)m, (unsigned long long)sec);
	else
		al_strbuf_printf(out, "%llus", (unsigned long long)sec);
}

void al_prop_format_time(al_strbuf *out, int64_t unix_time)
{
	time_t t = (time_t)unix_time;
	struct tm tm;
	char buf[32];
	if (gmtime_r(&t, &tm) == NULL || strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		al_strbuf_printf(out, "@%lld", (long long)unix_time);
		return;
	}
	al_strbuf_puts(out, buf);
}

al_status al_prop_parse_duration(const char *text, double *seconds)
{
	if (text == NULL || *text == '\0')
		return AL_EINVAL;
	double total = 0;
	const char *p = text;
	bool any = false;
	for (int parts = 0; *p != '\0'; parts++) {
		if (parts >= 8 || *p < '0' || *p > '9')
			return AL_EINVAL;
		char *end = NULL;
		double v = strtod(p, &end);
		if (end == p || !(v >= 0) || v > 1e7)
			return AL_EINVAL;
		double unit = 1;
		switch (*end) {
		case '\0':
			if (any)
				return AL_EINVAL; /* "1h30": a unit is needed after the first part */
			break;
		case 's':
			unit = 1;
			end++;
			break;
		case 'm':
			unit = 60;
			end++;
			break;
		case 'h':
			unit = 3600;
			end++;
			break;
		case 'd':
			unit = 86400;
			end++;
			break;
		default:
			return AL_EINVAL;
		}
		total += v * unit;
		any = true;
		p = end;
	}
	if (!any || total > 7 * 86400.0)
		return AL_EINVAL;
	*seconds = total;
	return AL_OK;
}
