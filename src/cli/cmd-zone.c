/* SPDX-License-Identifier: GPL-3.0-or-later */
/* authlint zone FILE...: lint every SPF, DMARC and DKIM record in zone files. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "sources.h"

enum { OPT_JOBS = 2000 };

typedef struct zone_cmd {
	const char *origin;
	long jobs; /* 0: as many as there are processors, when nothing is asked live */
} zone_cmd;

static const struct option zone_options[] = {
	{"jobs", required_argument, NULL, OPT_JOBS},
	{NULL, 0, NULL, 0},
};

static int zone_option(al_cli *cli, void *cmd, int id, const char *arg)
{
	(void)cli;
	zone_cmd *z = cmd;
	if (id == 'o') { /* --origin is a common option (cli->zone_origin) */
		z->origin = arg;
		return 0;
	}
	if (id == OPT_JOBS || id == 'j') {
		char *end = NULL;
		long n = strtol(arg, &end, 10);
		if (end == arg || *end != '\0' || n < 1 || n > 64) {
			al_cli_error("zone: --jobs takes a number from 1 to 64");
			return AL_EXIT_ERROR;
		}
		z->jobs = n;
		return 0;
	}
	return AL_EXIT_ERROR;
}

typedef struct zone_run {
	al_zone *zone;
} zone_run;

static al_status lint_zone(al_cli *cli, al_lint *lint, void *userdata)
{
	(void)cli;
	zone_run *run = userdata;
	return al_lint_zone(lint, run->zone);
}

static int zone_main(al_cli *cli, int argc, char **argv)
{
	/* a zone gives hundreds of thousands of findings: into a file or a pipe
	 * they go in large writes (stdio's default is one write per 4 KB); set
	 * before anything is written */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, (size_t)1 << 17);
	zone_cmd cmd = {0};
	int first = 0;
	int rc = al_cli_parse(cli, argc, argv, zone_options, "o:j:", zone_option, &cmd, &al_cmd_zone, &first);
	if (rc != 0)
		return rc < 0 ? AL_EXIT_OK : rc;
	if (first >= argc && cli->zone_count == 0) {
		al_cli_error("zone: no zone file given (authlint zone FILE...)");
		return AL_EXIT_ERROR;
	}
	if ((rc = al_cli_load(cli)) != 0)
		return rc;
	const char *inputs[AL_CLI_MAX_LIST];
	size_t input_count = 0;
	for (int i = first; i < argc && input_count < AL_CLI_MAX_LIST; i++)
		inputs[input_count++] = argv[i];
	for (size_t i = 0; i < cli->zone_count && input_count < AL_CLI_MAX_LIST; i++)
		inputs[input_count++] = cli->zones[i];

	al_zone *zone = NULL;
	cli->threads = cmd.jobs == 1 ? 1 : 0; /* reading a large file takes a second thread, but not with -j 1 */
	al_status st = al_cli_load_zones(cli, inputs, input_count, cmd.origin, &zone);
	if (st != AL_OK && zone == NULL)
		return AL_EXIT_ERROR;
	al_cli_sources sources;
	st = al_cli_sources_open(cli, zone, &sources);
	if (st != AL_OK) {
		al_zone_free(zone);
		al_cli_error("cannot set up the DNS sources: %s", al_status_message(st));
		return AL_EXIT_ERROR;
	}
	/* names are linted on several threads when nothing is asked live (the
	 * zone store can be read from several threads; the live source cannot) */
	if (sources.live == NULL) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		cli->threads = cmd.jobs > 0 ? (unsigned)cmd.jobs : (cpus > 8 ? 8u : cpus > 0 ? (unsigned)cpus : 1u);
	} else {
		cli->threads = 1;
	}
	zone_run run = {zone};
	rc = al_cli_run_lint(cli, sources.top, inputs, input_count, lint_zone, &run);
	al_cli_sources_close(&sources);
	al_zone_free(zone);
	return rc;
}

const al_cli_command al_cmd_zone = {
	"zone",
	"zone FILE... [--origin NAME] [--offline]     lint every SPF/DMARC/DKIM record in zone files",
	"Read zone files (BIND with $ORIGIN, $INCLUDE, $TTL; '-' reads standard input; or an\n"
	"octoDNS config directory or zone YAML, `dnscontrol print-ir` JSON, `terraform show\n"
	"-json` plan JSON: see --input-format) and lint every SPF record (TXT starting v=spf1\n"
	"at any name), every DMARC record (_dmarc.*) and every DKIM key (*._domainkey.*).\n"
	"Names inside the zone are resolved from it; names outside it are resolved live\n"
	"unless --offline, when they are reported as not checked.\n"
	"\n"
	"  -o, --origin NAME      the origin of files that do not set $ORIGIN or an SOA\n"
	"  -j, --jobs N           lint on N threads (default: one per processor, up to 8, when\n"
	"                         nothing is looked up live; one otherwise). A large file is\n"
	"                         read on two threads, on one with -j 1. The output does not\n"
	"                         depend on it.\n",
	zone_main,
};
