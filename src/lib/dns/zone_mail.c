/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the zone store alone tells about a name's mail records. Zone mode asks
 * for every address-only name of a zone whether it is a mail domain; the
 * answer from lookups (its TXT and MX, _dmarc and _domainkey below it) is
 * known from the store's type map and three hash probes, without building
 * four answers through the source.
 */
#include <string.h>

#include "dns/wire.h"
#include "dns/zone_internal.h"
#include "dns/zone_mail.h"

static bool has_type(uint64_t types, unsigned type)
{
	return type < 63 ? (types >> type) & 1 : (types >> 63) & 1;
}

/* @p label then @p wire (a wire name of @p length) into @p out; 0 when too long. */
static size_t child(const char *label, const uint8_t *wire, size_t length, uint8_t out[255])
{
	size_t n = strlen(label);
	if (1 + n + length > 255)
		return 0;
	out[0] = (uint8_t)n;
	memcpy(out + 1, label, n);
	memcpy(out + 1 + n, wire, length);
	return 1 + n + length;
}

bool al_zone_mail_records_absent(const al_zone *zone, const char *name)
{
	if (zone == NULL || name == NULL)
		return false;
	uint8_t wire[255];
	size_t wl = al_zone_name_wire(name, wire);
	if (wl == 0)
		return false;
	const znode *node = al_zone_find(zone, wire, wl);
	if (node == NULL || has_type(node->types, AL_TYPE_TXT) || has_type(node->types, AL_TYPE_MX) ||
	    has_type(node->types, AL_TYPE_CNAME))
		return false;
	/* the names the lookups would ask must be valid in presentation form too
	 * (the longest is enough), and none of the three held */
	uint8_t below[255];
	char text[AL_NAME_MAX];
	/* a name with nothing held below it needs no look for the three */
	bool look = al_znode_may_hold_below(node, ZNODE_PARENT);
	size_t bl = child("_domainkey", wire, wl, below);
	if (bl == 0 || !al_wire_name_to_text(below, bl, 0, text, NULL) ||
	    (look && al_zone_find(zone, below, bl) != NULL))
		return false;
	if ((bl = child("*", wire, wl, below)) == 0 || (look && al_zone_find(zone, below, bl) != NULL))
		return false;
	if ((bl = child("_dmarc", wire, wl, below)) == 0 || (look && al_zone_find(zone, below, bl) != NULL))
		return false;
	/* the zone answers for _dmarc.NAME (so for NAME and _domainkey.NAME too):
	 * inside it, not at or below a delegation */
	return al_zone_covers_wire(zone, below, bl);
}
