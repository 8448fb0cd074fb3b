/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Putting records into the zone store: one RR with the file and line it came
 * from, whoever read it (zone_load.c for BIND files, src/lib/input/ for
 * octoDNS, DNSControl and Terraform), and the origins those inputs name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/wire.h"
#include "dns/zone_internal.h"
#include "util/grow.h"

/* The most location labels (files, or file#resource for inputs without lines) in one store. */
#define MAX_LABELS 8192u

bool al_zone_add_file(al_zone *zone, const char *label, const char *path, const char *text,
		      size_t text_length, uint16_t *index)
{
	if (zone->file_count >= UINT16_MAX)
		return false;
	zfile *files = realloc(zone->files, (zone->file_count + 1) * sizeof(*files));
	if (files == NULL)
		return false;
	zone->files = files;
	zfile *f = &files[zone->file_count];
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->label = strdup(label);
	f->path = path ? strdup(path) : NULL;
	if (text != NULL) {
		f->text = malloc(text_length + 1);
		if (f->text != NULL) {
			memcpy(f->text, text, text_length);
			f->text[text_length] = '\0';
			f->text_length = text_length;
		}
	}
	if (f->label == NULL || (path != NULL && f->path == NULL) || (text != NULL && f->text == NULL)) {
		free(f->label);
		free(f->path);
		free(f->text);
		return false;
	}
	*index = (uint16_t)zone->file_count++;
	return true;
}

/* An origin (wire form, lower case) of the store, added when new. */
static zorigin *origin_for(al_zone *zone, const uint8_t *wire, size_t length)
{
	for (size_t i = 0; i < zone->origin_count; i++)
		if (zone->origins[i].wire_length == length && memcmp(zone->origins[i].wire, wire, length) == 0)
			return &zone->origins[i];
	zorigin *o = realloc(zone->origins, (zone->origin_count + 1) * sizeof(*o));
	if (o == NULL)
		return NULL;
	zone->origins = o;
	zorigin *n = &o[zone->origin_count];
	memset(n, 0, sizeof(*n));
	memcpy(n->wire, wire, length);
	n->wire_length = (uint8_t)length;
	/* the name in the store's own memory, not the arena: while a file is read,
	 * records are stored on a thread of their own (zone_pipe.c) and the arena is
	 * the reading thread's (problems, comments) */
	char text[AL_NAME_MAX] = "";
	al_wire_name_to_text(wire, length, 0, text, NULL);
	size_t tl = strnlen(text, sizeof(text) - 1);
	n->name = al_zone_alloc(zone, tl + 1);
	if (n->name == NULL)
		return NULL;
	memcpy(n->name, text, tl);
	n->name[tl] = '\0';
	n->negative_ttl = 3600;
	zone->origin_count++;
	return n;
}

/* An SOA makes its owner an origin, with the negative TTL of RFC 2308. */
static void note_soa(al_zone *zone, const uint8_t *wire, size_t length, uint32_t ttl, const uint8_t *rdata,
		     size_t rdl)
{
	zorigin *o = origin_for(zone, wire, length);
	if (o == NULL)
		return;
	o->from_soa = true;
	/* the smaller of the SOA's TTL and MINIMUM */
	if (rdl >= 20) {
		const uint8_t *m = rdata + rdl - 4;
		uint32_t minimum = ((uint32_t)m[0] << 24) | ((uint32_t)m[1] << 16) | ((uint32_t)m[2] << 8) | m[3];
		o->negative_ttl = minimum < ttl ? minimum : ttl;
	}
}

zrr *al_zone_store_rr(al_zone *zone, const uint8_t *wire, size_t wl, uint16_t type, uint32_t ttl,
		      const uint8_t *rdata, size_t rdl, uint16_t file, unsigned long line, size_t offset)
{
	return al_zone_store_rr_hashed(zone, wire, wl, al_zone_hash(wire, wl), type, ttl, rdata, rdl, file, line,
				       offset);
}

zrr *al_zone_store_rr_hashed(al_zone *zone, const uint8_t *wire, size_t wl, uint64_t hash, uint16_t type,
			     uint32_t ttl, const uint8_t *rdata, size_t rdl, uint16_t file, unsigned long line,
			     size_t offset)
{
	if (rdl > UINT16_MAX)
		return NULL;
	if (file == zone->project_file)
		zone->project_at = offset;
	bool added = false;
	znode *node = al_zone_intern_hashed(zone, wire, wl, hash, &added);
	if (node == NULL)
		return NULL;
	if (added && !al_zone_mark_ancestors(zone, wire, wl))
		return NULL;
	if (!(node->flags & ZNODE_DATA)) {
		node->flags |= ZNODE_DATA;
		if (!AL_GROW_ONE(zone->ordered, zone->ordered_count, zone->ordered_capacity))
			return NULL;
		node->order = (uint32_t)zone->ordered_count;
		zone->ordered[zone->ordered_count++] = node;
	}
	node->types |= type < 63 ? (1ULL << type) : (1ULL << 63);
	zone->records++;
	if (type == AL_TYPE_SOA)
		note_soa(zone, wire, wl, ttl, rdata, rdl);
	if (type == AL_TYPE_NS && zone->origin_count > 0) {
		bool apex = false;
		for (size_t i = 0; i < zone->origin_count; i++)
			if (zone->origins[i].wire_length == wl && memcmp(zone->origins[i].wire, wire, wl) == 0)
				apex = true;
		if (!apex) {
			if (AL_GROW_ONE(zone->cuts, zone->cut_count, zone->cut_capacity))
				zone->cuts[zone->cut_count++] = node->wire;
		}
	}
	if (!al_zone_keep_rdata(type))
		return NULL;
	zrr *rr = al_zone_alloc(zone, sizeof(zrr) + rdl);
	if (rr == NULL)
		return NULL;
	rr->offset = offset < UINT32_MAX ? (uint32_t)offset : UINT32_MAX;
	rr->ttl = ttl;
	rr->line = (uint32_t)(line > UINT32_MAX ? UINT32_MAX : line);
	rr->type = type;
	rr->rdlength = (uint16_t)rdl;
	rr->file = file;
	rr->comment = 0;
	if (rdl > 0)
		memcpy(rr->rdata, rdata, rdl);
	rr->next = node->rrs;
	node->rrs = rr;
	return rr;
}

/* The index of the location label @p label, added on first use. */
static bool label_index(al_zone *zone, const char *label, uint16_t *index)
{
	/* records come in runs from one label: look from the last one back */
	for (size_t i = zone->file_count; i > 0; i--) {
		if (strcmp(zone->files[i - 1].label, label) == 0) {
			*index = (uint16_t)(i - 1);
			return true;
		}
		if (zone->file_count - i >= 64)
			break;
	}
	if (zone->file_count >= MAX_LABELS)
		return false;
	return al_zone_add_file(zone, label, NULL, NULL, 0, index);
}

al_status al_zone_add_origin(al_zone *zone, const char *name)
{
	if (zone == NULL || name == NULL)
		return AL_EINVAL;
	uint8_t wire[255];
	size_t wl = al_zone_name_wire(name, wire);
	if (wl == 0)
		return AL_EINVAL;
	return origin_for(zone, wire, wl) != NULL ? AL_OK : AL_ENOMEM;
}

al_status al_zone_add_record(al_zone *zone, const al_location *where, const char *owner, uint16_t type,
			     uint32_t ttl, const uint8_t *rdata, size_t rdlength)
{
	if (zone == NULL || where == NULL || where->file == NULL || owner == NULL ||
	    (rdata == NULL && rdlength > 0) || rdlength > UINT16_MAX)
		return AL_EINVAL;
	if (zone->limit_hit)
		return AL_ELIMIT;
	uint8_t wire[255];
	size_t wl = al_zone_name_wire(owner, wire);
	if (wl == 0)
		return AL_EINVAL;
	uint16_t file;
	if (!label_index(zone, where->file, &file))
		return AL_ELIMIT;
	if (zone->options.max_records != 0 && zone->records >= zone->options.max_records) {
		zone->limit_hit = true;
		al_zone_add_problem(zone, AL_ZONE_PROBLEM_LIMIT, zone->files[file].label, where->line, NULL,
				    "more than %zu records; the rest of the input was not read",
				    zone->options.max_records);
		return AL_ELIMIT;
	}
	zrr *rr = al_zone_store_rr(zone, wire, wl, type, ttl, rdata, rdlength, file, where->line, UINT32_MAX);
	if (rr == NULL && al_zone_keep_rdata(type))
		return AL_ENOMEM;
	return AL_OK;
}

al_status al_zone_add_problem_at(al_zone *zone, const al_location *where, const char *owner,
				 al_zone_problem_kind kind, const char *message)
{
	if (zone == NULL || where == NULL || where->file == NULL || message == NULL)
		return AL_EINVAL;
	uint16_t file;
	if (!label_index(zone, where->file, &file))
		return AL_ELIMIT;
	al_zone_add_problem(zone, kind, zone->files[file].label, where->line, owner, "%s", message);
	return AL_OK;
}
