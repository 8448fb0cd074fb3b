/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "sources.h"

/* The most read from standard input for a zone (the store keeps a copy of it). */
#define STDIN_ZONE_MAX ((size_t)1 << 30)

al_status al_cli_zone_load(al_zone *zone, const char *path, al_error *err)
{
	return al_cli_zone_load_as(zone, path, AL_INPUT_AUTO, err);
}

al_status al_cli_zone_load_as(al_zone *zone, const char *path, al_input_format format, al_error *err)
{
	if (strcmp(path, "-") != 0)
		return al_zone_load_input(zone, path, format, err);
	/* standard input: read here, whole and bounded, then scanned from memory */
	size_t length = 0;
	const char *why;
	char *text = al_cli_read_stream(stdin, STDIN_ZONE_MAX, &length, &why);
	if (text == NULL) {
		char reason[128], limit[32];
		bool large = strcmp(why, "larger than the limit") == 0;
		if (large)
			snprintf(reason, sizeof(reason), "larger than %s, the limit for a zone read from standard input",
				 al_cli_size_text(STDIN_ZONE_MAX, limit));
		else
			snprintf(reason, sizeof(reason), "%s", why);
		al_zone_add_unread(zone, "<stdin>", large ? AL_ZONE_PROBLEM_LIMIT : AL_ZONE_PROBLEM_UNREADABLE,
				   reason);
		return al_error_set(err, large ? AL_ELIMIT : AL_EIO, "<stdin>: %s", reason);
	}
	al_status st = al_zone_load_input_text(zone, "<stdin>", text, length, format, err);
	free(text);
	return st;
}

al_status al_cli_load_zones(al_cli *cli, const char *const *paths, size_t count, const char *origin,
			    al_zone **out)
{
	*out = NULL;
	al_zone_options zo = {0};
	zo.origin = origin != NULL ? origin : cli->zone_origin;
	zo.threads = cli->threads == 1 ? 1 : 0; /* -j 1: read on one thread too */
	al_zone *zone = NULL;
	al_status st = al_zone_new(&zone, &zo);
	if (st != AL_OK) {
		al_cli_error("cannot create the zone store: %s", al_status_message(st));
		return st;
	}
	for (size_t i = 0; i < count; i++) {
		al_error err = {0};
		/* a file that cannot be read is recorded in the store and reported as a finding */
		al_cli_zone_load_as(zone, paths[i], cli->input_format, &err);
	}
	*out = zone;
	return AL_OK;
}

/* Live DNS through the resolvers of the command line, the configuration or resolv.conf. */
static al_status open_live(al_cli *cli, bool need_live, al_live **out)
{
	*out = NULL;
	al_live_options lo = {0};
	lo.resolvers = cli->resolvers;
	lo.resolver_count = cli->resolver_count;
	const char *conf = getenv("AUTHLINT_RESOLV_CONF");
	lo.resolv_conf = conf != NULL && conf[0] != '\0' ? conf : "/etc/resolv.conf";
	lo.timeout = cli->timeout;
	/* several engines at once (check --threads) share what one would use: the
	 * queries on the wire (a resolver's socket buffer) and the cache memory */
	if (cli->live_share > 1) {
		lo.max_in_flight = 200 / cli->live_share > 16 ? 200 / cli->live_share : 16;
		lo.cache_bytes = ((size_t)64 << 20) / cli->live_share;
	}
	al_error err = {0};
	al_status st = al_live_new(out, &lo, &err);
	if (st == AL_OK)
		return AL_OK;
	if (cli->resolver_count > 0 || need_live) {
		al_cli_error("%s", err.message[0] ? err.message : al_status_message(st));
		return st;
	}
	/* no resolver to be had: names outside the zone are reported as not looked up */
	if (cli->verbose > 0)
		fprintf(stderr, "authlint: no live DNS: %s\n", err.message);
	return AL_OK;
}

int al_cli_open_asking_sources(al_cli *cli, const char *command, al_zone **zone, bool *bad_zone,
			       al_cli_sources *out)
{
	*zone = NULL;
	*bad_zone = false;
	if (cli->zone_count > 0 && cli->resolver_count == 0)
		cli->offline = true;
	if (cli->zone_count > 0) {
		if (al_cli_load_zones(cli, cli->zones, cli->zone_count, NULL, zone) != AL_OK)
			return AL_EXIT_ERROR;
		*bad_zone = al_cli_zone_problems_stderr(cli, *zone);
	}
	if (al_cli_sources_open(cli, *zone, out) != AL_OK) {
		al_zone_free(*zone);
		*zone = NULL;
		al_cli_error("%s: cannot set up the DNS sources", command);
		return AL_EXIT_ERROR;
	}
	return 0;
}

al_status al_cli_sources_open(al_cli *cli, al_zone *zone, al_cli_sources *out)
{
	return al_cli_sources_open_for(cli, zone, false, out);
}

al_status al_cli_sources_open_for(al_cli *cli, al_zone *zone, bool need_live, al_cli_sources *out)
{
	memset(out, 0, sizeof(*out));
	al_status st = AL_OK;
	if (zone != NULL && (st = al_source_new_zone(&out->zone, zone)) != AL_OK)
		return st;
	if (cli->lock_path != NULL) {
		al_error err = {0};
		if ((st = al_lock_load_file(&out->lock, cli->lock_path, &err)) != AL_OK) {
			al_cli_error("--lock: %s", err.message[0] ? err.message : al_status_message(st));
			al_cli_sources_close(out);
			return st;
		}
		if ((st = al_source_new_lock(&out->locked, out->lock, cli->lock_path)) != AL_OK) {
			al_cli_sources_close(out);
			return st;
		}
	}
	if (out->locked != NULL) {
		/* pinned answers only: no live source */
	} else if (!cli->offline) {
		if ((st = open_live(cli, need_live, &out->engine)) != AL_OK) {
			al_cli_sources_close(out);
			return st;
		}
		out->live = out->engine != NULL ? al_live_source(out->engine) : NULL;
	}
	al_source *outside = out->locked != NULL ? out->locked : out->live;
	if (out->zone != NULL) {
		if ((st = al_source_new_layered(&out->top, out->zone, outside)) != AL_OK) {
			al_cli_sources_close(out);
			return st;
		}
	} else {
		out->top = outside;
	}
	return AL_OK;
}

void al_cli_sources_close(al_cli_sources *s)
{
	if (s->top != s->live && s->top != s->zone && s->top != s->locked)
		al_source_free(s->top);
	al_source_free(s->zone);
	al_source_free(s->locked);
	al_lock_free(s->lock);
	al_live_free(s->engine); /* owns s->live */
	memset(s, 0, sizeof(*s));
}
