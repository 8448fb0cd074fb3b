/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "sources.h"

al_status al_cli_load_zones(al_cli *cli, const char *const *paths, size_t count, const char *origin,
			    al_zone **out)
{
	(void)cli;
	*out = NULL;
	al_zone_options zo = {0};
	zo.origin = origin;
	al_zone *zone = NULL;
	al_status st = al_zone_new(&zone, &zo);
	if (st != AL_OK) {
		al_cli_error("cannot create the zone store: %s", al_status_message(st));
		return st;
	}
	for (size_t i = 0; i < count; i++) {
		al_error err = {0};
		/* a file that cannot be read is recorded in the store and reported as a finding */
		al_zone_load_file(zone, paths[i], &err);
	}
	*out = zone;
	return AL_OK;
}

/* Live DNS: the live backend plugs in here. Until it does, nothing is queried. */
static al_status open_live(al_cli *cli, al_source **out)
{
	(void)cli;
	*out = NULL;
	return AL_OK;
}

al_status al_cli_sources_open(al_cli *cli, al_zone *zone, al_cli_sources *out)
{
	memset(out, 0, sizeof(*out));
	al_status st = AL_OK;
	if (zone != NULL && (st = al_source_new_zone(&out->zone, zone)) != AL_OK)
		return st;
	if (!cli->offline && (st = open_live(cli, &out->live)) != AL_OK) {
		al_cli_sources_close(out);
		return st;
	}
	if (out->zone != NULL) {
		if ((st = al_source_new_layered(&out->top, out->zone, out->live)) != AL_OK) {
			al_cli_sources_close(out);
			return st;
		}
	} else {
		out->top = out->live;
	}
	return AL_OK;
}

void al_cli_sources_close(al_cli_sources *s)
{
	if (s->top != s->live && s->top != s->zone)
		al_source_free(s->top);
	al_source_free(s->zone);
	al_source_free(s->live);
	memset(s, 0, sizeof(*s));
}
