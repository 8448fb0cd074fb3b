/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Setting up DNS sources from the command line: zone files, live resolvers, offline. */
#ifndef AL_CLI_SOURCES_H
#define AL_CLI_SOURCES_H

#include "cli.h"

/** The sources of one run; `top` is what the lint asks. */
typedef struct al_cli_sources {
	al_source *zone; /* answers from zone files, or NULL */
	al_source *live; /* live DNS, or NULL (offline, or no resolver) */
	al_live *engine; /* what answers for `live` (owns it), or NULL */
	al_source *top;  /* zone then live (layered), or one of them, or NULL */
	al_lock *lock;   /* --lock: the pinned answers, or NULL */
	al_source *locked; /* answers from `lock` (then `live` is NULL), or NULL */
} al_cli_sources;

/**
 * Load zone inputs into one store, each in --input-format (cli->input_format)
 * or recognised. Inputs that cannot be read or do not parse are recorded in
 * the store as problems (reported as findings).
 */
al_status al_cli_load_zones(al_cli *cli, const char *const *paths, size_t count, const char *origin,
			    al_zone **out);
/**
 * One zone input into @p zone, in any format (al_zone_load_input: BIND,
 * octoDNS, DNSControl, Terraform; @p format AL_INPUT_AUTO recognises it);
 * "-" is standard input (read bounded).
 */
al_status al_cli_zone_load_as(al_zone *zone, const char *path, al_input_format format, al_error *err);
/** The same with the format recognised from the input. */
al_status al_cli_zone_load(al_zone *zone, const char *path, al_error *err);
/**
 * Sources for a run: @p zone (may be NULL) for names inside it, then live DNS
 * unless --offline; names nobody answers for are reported as not queried.
 * Live DNS asks the --resolver addresses (or the configuration's), else the
 * nameservers of /etc/resolv.conf (AUTHLINT_RESOLV_CONF names another file;
 * the tests point it at an empty one so that no test uses the machine's).
 * A bad --resolver is an error; no resolver at all is one only when
 * @p need_live (check); otherwise names outside the zone are not looked up.
 * With --lock FILE, names outside the zone are answered from the lock file
 * and nothing is asked live (a name it does not hold is not queried); a lock
 * file that cannot be read is an error (printed).
 */
al_status al_cli_sources_open(al_cli *cli, al_zone *zone, al_cli_sources *out);
al_status al_cli_sources_open_for(al_cli *cli, al_zone *zone, bool need_live, al_cli_sources *out);
void al_cli_sources_close(al_cli_sources *sources);
/**
 * The sources of a command that asks about names (spf, reports): the --zone
 * files, then live DNS. With zone files and no --resolver the run is scripted
 * (--offline: names outside the zones are not asked). Zone problems go to
 * standard error and set *@p bad_zone (the answers may lack what a file held
 * past its problem: exit 2). Returns 0, or the exit code after an error was
 * printed; on 0 the caller closes @p out and frees *@p zone.
 */
int al_cli_open_asking_sources(al_cli *cli, const char *command, al_zone **zone, bool *bad_zone,
			       al_cli_sources *out);

#endif
