/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A source that answers for one name, _dmarc.<domain>, with a record the
 * planner chooses: the record given on the command line (record mode), or
 * the record a step will publish, so the domain can be linted as it will be
 * after the step. Every other name goes to the source underneath (through
 * al_source_new_layered).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/overlay.h"

struct al_plan_overlay {
	char owner[AL_NAME_MAX];
	bool enabled;
	uint8_t *rdata;      /* the record as TXT RDATA: character-strings of at most 255 octets */
	size_t rdlength;
	uint32_t ttl;
	const char *label;   /* location.file of the RR: "<argument>", "<plan>" */
};

typedef struct overlay_answer {
	al_answer pub;
	al_rr rr;
} overlay_answer;

static al_status overlay_lookup(void *impl, const char *name, uint16_t type, const al_answer **out)
{
	al_plan_overlay *o = impl;
	overlay_answer *a = calloc(1, sizeof(*a));
	if (a == NULL)
		return AL_ENOMEM;
	a->pub.rcode = AL_RCODE_NOERROR;
	a->pub.qname = name;
	a->pub.qtype = type;
	a->pub.name = name;
	a->pub.server = o->label;
	a->pub.ttl = o->ttl;
	if (type == AL_TYPE_TXT && o->rdata != NULL) {
		a->rr.owner = o->owner;
		a->rr.type = AL_TYPE_TXT;
		a->rr.ttl = o->ttl;
		a->rr.rdlength = (uint16_t)o->rdlength;
		a->rr.rdata = o->rdata;
		a->rr.location.file = o->label;
		a->rr.location.line = 1;
		a->pub.count = 1;
		a->pub.rrs = &a->rr;
		a->pub.message_size = 12 + strlen(o->owner) + 2 + 4 + 10 + o->rdlength;
	}
	*out = &a->pub;
	return AL_OK;
}

static void overlay_release(void *impl, const al_answer *answer)
{
	(void)impl;
	free((void *)answer);
}

static bool overlay_covers(const void *impl, const char *name)
{
	const al_plan_overlay *o = impl;
	return o->enabled && al_name_equal(o->owner, name);
}

static const char *overlay_describe(const void *impl)
{
	return ((const al_plan_overlay *)impl)->label;
}

static void overlay_destroy(void *impl)
{
	al_plan_overlay *o = impl;
	free(o->rdata);
	free(o);
}

static const al_source_ops overlay_ops = {
	.kind = "plan",
	.lookup = overlay_lookup,
	.release = overlay_release,
	.covers = overlay_covers,
	.describe = overlay_describe,
	.destroy = overlay_destroy,
};

al_status al_plan_overlay_new(al_source **out, al_plan_overlay **overlay, const char *owner)
{
	*out = NULL;
	*overlay = NULL;
	al_plan_overlay *o = calloc(1, sizeof(*o));
	if (o == NULL)
		return AL_ENOMEM;
	snprintf(o->owner, sizeof(o->owner), "%s", owner);
	o->label = "<plan>";
	al_status st = al_source_new(out, &overlay_ops, o);
	if (st != AL_OK) {
		free(o);
		return st;
	}
	*overlay = o;
	return AL_OK;
}

al_status al_plan_overlay_set(al_plan_overlay *o, const char *text, size_t length, uint32_t ttl,
			      const char *label)
{
	/* one length octet per 255 octets of text; a TXT RDATA holds at most 65535 */
	size_t strings = length / 255 + 1;
	if (length + strings > 65535)
		return AL_ELIMIT;
	uint8_t *rdata = malloc(length + strings);
	if (rdata == NULL)
		return AL_ENOMEM;
	size_t pos = 0, i = 0;
	do {
		size_t n = length - i > 255 ? 255 : length - i;
		rdata[pos++] = (uint8_t)n;
		memcpy(rdata + pos, text + i, n);
		pos += n;
		i += n;
	} while (i < length);
	free(o->rdata);
	o->rdata = rdata;
	o->rdlength = pos;
	o->ttl = ttl;
	o->label = label;
	o->enabled = true;
	return AL_OK;
}

void al_plan_overlay_disable(al_plan_overlay *o)
{
	o->enabled = false;
}
