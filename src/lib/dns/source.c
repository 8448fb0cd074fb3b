/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The source front end: every lookup goes through here. It follows CNAMEs
 * (bounded, loops detected), and wraps backends; the layered source sends
 * names inside a zone to the zone and the rest to a fallback, or answers
 * NOT-QUERIED when offline.
 */
#include <authlint/source.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/source_internal.h"
#include "dns/wire.h"

#define MAX_CNAME_CHAIN 8

struct al_source {
	const al_source_ops *ops;
	void *impl;
};

/* What the front end hands out: the final answer of a chain with the names
 * followed. Every answer from al_source_lookup is one of these. */
typedef struct front_answer {
	al_answer pub;
	const al_answer *inner[MAX_CNAME_CHAIN + 1];
	al_source *inner_from[MAX_CNAME_CHAIN + 1]; /* the source that gave each (a layer of a layered one) */
	size_t inner_count;
	const char *cnames[MAX_CNAME_CHAIN + 1];
	char *names[MAX_CNAME_CHAIN + 1]; /* [0] the name asked (in name0), then each target (malloc) */
	char *detail;                     /* why it failed (malloc), or NULL */
	char name0[];
} front_answer;

static void front_free(front_answer *fa)
{
	/* the targets followed are names[1], names[2], ... up to the first NULL */
	for (size_t i = 1; i <= MAX_CNAME_CHAIN && fa->names[i] != NULL; i++)
		free(fa->names[i]);
	free(fa->detail);
	free(fa);
}

static void front_detail(front_answer *fa, const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(fmt) + strlen(a) + (b ? strlen(b) : 0) + 16;
	free(fa->detail);
	fa->detail = malloc(n);
	if (fa->detail != NULL)
		snprintf(fa->detail, n, fmt, a, b);
	fa->pub.detail = fa->detail ? fa->detail : "CNAME error";
}

const char *al_rrtype_name(uint16_t type, char buf[16])
{
	switch (type) {
	case AL_TYPE_A:
		return "A";
	case AL_TYPE_NS:
		return "NS";
	case AL_TYPE_CNAME:
		return "CNAME";
	case AL_TYPE_SOA:
		return "SOA";
	case AL_TYPE_PTR:
		return "PTR";
	case AL_TYPE_MX:
		return "MX";
	case AL_TYPE_TXT:
		return "TXT";
	case AL_TYPE_AAAA:
		return "AAAA";
	case AL_TYPE_SPF:
		return "SPF";
	default:
		snprintf(buf, 16, "TYPE%u", (unsigned)type);
		return buf;
	}
}

const char *al_rcode_name(al_rcode rcode)
{
	switch (rcode) {
	case AL_RCODE_NOERROR:
		return "NOERROR";
	case AL_RCODE_NXDOMAIN:
		return "NXDOMAIN";
	case AL_RCODE_SERVFAIL:
		return "SERVFAIL";
	case AL_RCODE_REFUSED:
		return "REFUSED";
	case AL_RCODE_TIMEOUT:
		return "TIMEOUT";
	case AL_RCODE_ERROR:
		return "ERROR";
	case AL_RCODE_NOT_QUERIED:
		return "NOT-QUERIED";
	case AL_RCODE_PENDING:
		return "PENDING";
	}
	return "ERROR";
}

bool al_rcode_failed(al_rcode rcode)
{
	return rcode == AL_RCODE_SERVFAIL || rcode == AL_RCODE_REFUSED || rcode == AL_RCODE_TIMEOUT ||
	       rcode == AL_RCODE_ERROR;
}

bool al_answer_is_void(const al_answer *a)
{
	return a != NULL && (a->rcode == AL_RCODE_NXDOMAIN || (a->rcode == AL_RCODE_NOERROR && a->count == 0));
}

al_status al_source_new(al_source **out, const al_source_ops *ops, void *impl)
{
	*out = NULL;
	al_source *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return AL_ENOMEM;
	s->ops = ops;
	s->impl = impl;
	*out = s;
	return AL_OK;
}

void al_source_free(al_source *source)
{
	if (source == NULL)
		return;
	if (source->ops->destroy != NULL)
		source->ops->destroy(source->impl);
	free(source);
}

void *al_source_impl_if(const al_source *source, const al_source_ops *ops)
{
	return source != NULL && source->ops == ops ? source->impl : NULL;
}

bool al_source_covers(const al_source *source, const char *name)
{
	if (source == NULL || source->ops->covers == NULL)
		return false;
	return source->ops->covers(source->impl, name);
}

const char *al_source_describe(const al_source *source)
{
	if (source == NULL)
		return "none";
	if (source->ops->describe != NULL)
		return source->ops->describe(source->impl);
	return source->ops->kind;
}

static void release_inner(al_source *source, const al_answer *a)
{
	if (a != NULL && source->ops->release != NULL)
		source->ops->release(source->impl, a);
}

/* The CNAME RR of an answer to a non-CNAME question, if that is what it holds. */
static const al_rr *cname_of(const al_answer *a, uint16_t type)
{
	if (type == AL_TYPE_CNAME || a->rcode != AL_RCODE_NOERROR || a->count == 0)
		return NULL;
	for (size_t i = 0; i < a->count; i++)
		if (a->rrs[i].type == type)
			return NULL;
	for (size_t i = 0; i < a->count; i++)
		if (a->rrs[i].type == AL_TYPE_CNAME)
			return &a->rrs[i];
	return NULL;
}

static const al_source_ops layered_ops;
static al_status layered_route(al_source *source, const char *name, uint16_t type, const al_answer **out,
			       al_source **from);

al_status al_source_lookup(al_source *source, const char *name, uint16_t type, const al_answer **out)
{
	*out = NULL;
	if (source == NULL || name == NULL)
		return AL_EINVAL;
	al_error err;
	char buf[AL_NAME_MAX];
	if (al_name_normalize(name, strlen(name), buf, &err) != AL_OK)
		return AL_EINVAL;
	size_t length = strlen(buf);
	front_answer *fa = calloc(1, sizeof(*fa) + length + 1);
	if (fa == NULL)
		return AL_ENOMEM;
	memcpy(fa->name0, buf, length + 1);
	fa->names[0] = fa->name0;
	const char *current = fa->names[0];
	for (;;) {
		const al_answer *a = NULL;
		al_source *from = source;
		/* a layered source's answers are kept as its layers gave them */
		al_status st = source->ops == &layered_ops ? layered_route(source, current, type, &a, &from)
							   : source->ops->lookup(source->impl, current, type, &a);
		if (st != AL_OK || a == NULL) {
			for (size_t i = 0; i < fa->inner_count; i++)
				release_inner(fa->inner_from[i], fa->inner[i]);
			front_free(fa);
			return st != AL_OK ? st : AL_EINTERNAL;
		}
		fa->inner_from[fa->inner_count] = from;
		fa->inner[fa->inner_count++] = a;
		size_t followed = fa->inner_count - 1;
		fa->pub = *a;
		fa->pub.cname_count = followed;
		fa->pub.qname = fa->names[0];
		fa->pub.qtype = type;
		fa->pub.name = current;
		fa->pub.cnames = fa->cnames;
		/* the backend may have followed a chain itself (a recursive resolver) */
		if (a->cname_count > 0 && fa->pub.cname_count == 0) {
			fa->pub.cname_count = a->cname_count;
			fa->pub.cnames = a->cnames;
			fa->pub.name = a->name;
		}
		const al_rr *c = cname_of(a, type);
		if (c == NULL)
			break;
		size_t hop = fa->inner_count;
		char target[AL_NAME_MAX];
		if (hop > MAX_CNAME_CHAIN ||
		    !al_wire_name_to_text(c->rdata, c->rdlength, 0, target, NULL)) {
			fa->pub.rcode = AL_RCODE_ERROR;
			fa->pub.count = 0;
			fa->pub.rrs = NULL;
			char limit[16];
			snprintf(limit, sizeof(limit), "%d", MAX_CNAME_CHAIN);
			if (hop > MAX_CNAME_CHAIN)
				front_detail(fa, "CNAME chain longer than %s at %s", limit, current);
			else
				front_detail(fa, "malformed CNAME at %s%s", current, "");
			break;
		}
		bool loop = false;
		for (size_t i = 0; i < hop; i++)
			if (strcasecmp(fa->names[i], target) == 0)
				loop = true;
		fa->names[hop] = strdup(target);
		if (fa->names[hop] == NULL) {
			for (size_t i = 0; i < fa->inner_count; i++)
				release_inner(fa->inner_from[i], fa->inner[i]);
			front_free(fa);
			return AL_ENOMEM;
		}
		fa->cnames[hop - 1] = fa->names[hop];
		fa->pub.cname_count = hop;
		if (loop) {
			fa->pub.rcode = AL_RCODE_ERROR;
			fa->pub.count = 0;
			fa->pub.rrs = NULL;
			front_detail(fa, "CNAME loop: %s -> %s", current, fa->names[hop]);
			break;
		}
		current = fa->names[hop];
	}
	*out = &fa->pub;
	return AL_OK;
}

void al_source_release(al_source *source, const al_answer *answer)
{
	if (source == NULL || answer == NULL)
		return;
	front_answer *fa = (front_answer *)answer;
	for (size_t i = 0; i < fa->inner_count; i++)
		release_inner(fa->inner_from[i], fa->inner[i]);
	front_free(fa);
}

al_status al_source_backend_lookup(al_source *source, const char *name, uint16_t type, const al_answer **out)
{
	*out = NULL;
	if (source == NULL || name == NULL)
		return AL_EINVAL;
	return source->ops->lookup(source->impl, name, type, out);
}

void al_source_backend_release(al_source *source, const al_answer *answer)
{
	if (source != NULL)
		release_inner(source, answer);
}

/* ---- layered --------------------------------------------------------------- */

typedef struct layered {
	al_source *self;   /* the layered source itself */
	al_source *primary;
	al_source *fallback;
	char description[256];
} layered;

typedef struct layered_answer {
	al_answer pub;
	al_source *from;
	const al_answer *inner;
	char detail[]; /* only in an answer not asked (sized for it) */
} layered_answer;

/* Which layer answers @p name, and its answer as it gave it (*from: that
 * layer); a name no layer may be asked about gets an answer of @p source's
 * own saying so (*from: @p source). */
static al_status layered_route(al_source *source, const char *name, uint16_t type, const al_answer **out,
			       al_source **from)
{
	layered *l = source->impl;
	*out = NULL;
	*from = NULL;
	const al_answer *a = NULL;
	bool covered = false;
	al_status st = AL_OK;
	/* a zone answers in the same pass that finds the name inside it */
	if (al_zone_source_answer(l->primary, name, type, &covered, &a, &st)) {
		if (st != AL_OK)
			return st;
		if (covered) {
			*out = a;
			*from = l->primary;
			return AL_OK;
		}
	} else if (al_source_covers(l->primary, name)) {
		*from = l->primary;
	}
	if (*from == NULL && l->fallback != NULL)
		*from = l->fallback;
	if (*from != NULL)
		return (*from)->ops->lookup((*from)->impl, name, type, out);
	/* the detail's room only where it is written */
	size_t detail_size = strlen(name) + 64;
	layered_answer *la = calloc(1, sizeof(*la) + detail_size);
	if (la == NULL)
		return AL_ENOMEM;
	la->pub.rcode = AL_RCODE_NOT_QUERIED;
	la->pub.qname = name;
	la->pub.name = name;
	la->pub.qtype = type;
	la->pub.server = "none";
	snprintf(la->detail, detail_size, "offline: %s is outside the zone", name);
	la->pub.detail = la->detail;
	*out = &la->pub;
	*from = source;
	return AL_OK;
}

/* As a backend (al_source_backend_lookup): the layer's answer wrapped, so
 * that releasing it through this source reaches the layer. */
static al_status layered_lookup(void *impl, const char *name, uint16_t type, const al_answer **out)
{
	layered *l = impl;
	al_source *from = NULL;
	const al_answer *a = NULL;
	al_status st = layered_route(l->self, name, type, &a, &from);
	if (st != AL_OK)
		return st;
	if (from == l->self) {
		*out = a; /* already one of ours */
		return AL_OK;
	}
	layered_answer *la = calloc(1, sizeof(*la));
	if (la == NULL) {
		release_inner(from, a);
		return AL_ENOMEM;
	}
	la->pub = *a;
	la->from = from;
	la->inner = a;
	*out = &la->pub;
	return AL_OK;
}

static void layered_release(void *impl, const al_answer *answer)
{
	(void)impl;
	layered_answer *la = (layered_answer *)answer;
	if (la->from != NULL)
		release_inner(la->from, la->inner);
	free(la);
}

static bool layered_covers(const void *impl, const char *name)
{
	const layered *l = impl;
	return al_source_covers(l->primary, name) || al_source_covers(l->fallback, name);
}

static const char *layered_describe(const void *impl)
{
	return ((const layered *)impl)->description;
}

static const al_source_ops layered_ops = {
	.kind = "layered",
	.lookup = layered_lookup,
	.release = layered_release,
	.covers = layered_covers,
	.describe = layered_describe,
	.destroy = free,
};

al_status al_source_new_layered(al_source **out, al_source *primary, al_source *fallback)
{
	*out = NULL;
	if (primary == NULL)
		return AL_EINVAL;
	layered *l = calloc(1, sizeof(*l));
	if (l == NULL)
		return AL_ENOMEM;
	l->primary = primary;
	l->fallback = fallback;
	snprintf(l->description, sizeof(l->description), "%s, then %s", al_source_describe(primary),
		 fallback ? al_source_describe(fallback) : "nothing (offline)");
	al_status st = al_source_new(out, &layered_ops, l);
	if (st != AL_OK)
		free(l);
	else
		l->self = *out;
	return st;
}
