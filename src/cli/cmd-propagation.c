/* SPDX-License-Identifier: GPL-3.0-or-later */
/* authlint propagation DOMAIN...: compare what every authoritative server and resolver answers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "sources.h"

enum {
	OPT_SERVER = 2200,
	OPT_EXPECT,
	OPT_WATCH,
	OPT_INTERVAL,
	OPT_UNTIL,
	OPT_NO_DISCOVER,
	OPT_TRIES,
};

typedef struct prop_cmd {
	const char *servers[AL_CLI_MAX_LIST];
	size_t server_count;
	const char *expect;
	bool watch;
	double interval, until;
	bool no_discover;
	unsigned long tries;
} prop_cmd;

static const struct option prop_options[] = {
	{"server", required_argument, NULL, OPT_SERVER},
	{"expect", required_argument, NULL, OPT_EXPECT},
	{"watch", no_argument, NULL, OPT_WATCH},
	{"interval", required_argument, NULL, OPT_INTERVAL},
	{"until", required_argument, NULL, OPT_UNTIL},
	{"no-discover", no_argument, NULL, OPT_NO_DISCOVER},
	{"tries", required_argument, NULL, OPT_TRIES},
	{NULL, 0, NULL, 0},
};

static int prop_option(al_cli *cli, void *cmdp, int id, const char *arg)
{
	(void)cli;
	prop_cmd *c = cmdp;
	switch (id) {
	case OPT_SERVER:
		if (c->server_count >= AL_CLI_MAX_LIST) {
			al_cli_error("propagation: too many --server (at most %d)", AL_CLI_MAX_LIST);
			return AL_EXIT_ERROR;
		}
		c->servers[c->server_count++] = arg;
		return 0;
	case OPT_EXPECT:
		c->expect = arg;
		return 0;
	case OPT_WATCH:
		c->watch = true;
		return 0;
	case OPT_INTERVAL:
	case OPT_UNTIL: {
		double v;
		if (al_prop_parse_duration(arg, &v) != AL_OK || (id == OPT_INTERVAL && v < 1)) {
			al_cli_error("propagation: --%s: '%s' is not a duration such as 30s, 10m or 1h30m%s",
				     id == OPT_INTERVAL ? "interval" : "until", arg,
				     id == OPT_INTERVAL ? " (at least 1s)" : " (at most 7d)");
			return AL_EXIT_ERROR;
		}
		if (id == OPT_INTERVAL)
			c->interval = v;
		else
			c->until = v;
		return 0;
	}
	case OPT_NO_DISCOVER:
		c->no_discover = true;
		return 0;
	case OPT_TRIES: {
		char *end = NULL;
		errno = 0;
		unsigned long v = strtoul(arg, &end, 10);
		if (errno != 0 || end == arg || *end != '\0' || v < 1 || v > 10 || arg[0] == '-') {
			al_cli_error("propagation: --tries: '%s' is not a number from 1 to 10", arg);
			return AL_EXIT_ERROR;
		}
		c->tries = v;
		return 0;
	}
	}
	return AL_EXIT_ERROR;
}

typedef struct watch_state {
	al_cli *cli;
	al_prop *prop;
	const al_prop_write_options *wo;
	al_status status;
} watch_state;

/* The first round in full; after that, what changed (text and JSON Lines). */
static bool on_round(void *userdata, const al_prop_result *result)
{
	watch_state *w = userdata;
	al_cli *cli = w->cli;
	if (cli->format != AL_FORMAT_TEXT && cli->format != AL_FORMAT_JSONL)
		return true;
	al_status st;
	if (result->round == 1)
		st = al_prop_write(result, cli->format, al_sink_stdio(cli->out), w->wo);
	else
		st = al_prop_write_changes(al_prop_previous(w->prop), result, cli->format, al_sink_stdio(cli->out),
					   w->wo);
	fflush(cli->out);
	if (st != AL_OK)
		w->status = st;
	return st == AL_OK;
}

/*
 * --watch: rounds until every name is settled, the time (--until, at most 7
 * days) or the rounds (at most 10,000) run out, or writing fails. The first
 * round is run here too.
 */
static al_status watch(al_prop *prop, double interval, double until, watch_state *ws)
{
	if (interval <= 0)
		interval = 30.0;
	if (interval < 1)
		interval = 1;
	if (until <= 0)
		until = 600.0;
	if (until > 7 * 86400.0)
		until = 7 * 86400.0;
	double rounds = until / interval + 1;
	unsigned max_rounds = rounds > 10000 ? 10000 : (unsigned)rounds;
	double start = al_cli_now();
	for (unsigned round = 0; round < max_rounds; round++) {
		double begun = al_cli_now();
		al_status st = al_prop_run(prop);
		if (st != AL_OK)
			return st;
		const al_prop_result *res = al_prop_current(prop);
		if (!on_round(ws, res) || al_prop_settled(res))
			return AL_OK;
		double next = begun + interval;
		if (next - start > until || round + 1 >= max_rounds)
			return AL_OK;
		/* in steps of at most a second, each bounded */
		for (unsigned guard = 0; guard < 100000; guard++) {
			double left = next - al_cli_now();
			if (left <= 0)
				break;
			double step = left > 1.0 ? 1.0 : left;
			struct timespec ts;
			ts.tv_sec = (time_t)step;
			ts.tv_nsec = (long)((step - (double)ts.tv_sec) * 1e9);
			nanosleep(&ts, NULL);
		}
	}
	return AL_OK;
}

static int propagation_main(al_cli *cli, int argc, char **argv)
{
	prop_cmd cmd = {0};
	int first = 0;
	int rc = al_cli_parse(cli, argc, argv, prop_options, "", prop_option, &cmd, &al_cmd_propagation, &first);
	if (rc != 0)
		return rc < 0 ? AL_EXIT_OK : rc;
	if (first >= argc) {
		al_cli_error("propagation: no domain given (authlint propagation DOMAIN...)");
		return AL_EXIT_ERROR;
	}
	if (cli->offline) {
		al_cli_error("propagation: --offline: comparing servers needs the network");
		return AL_EXIT_ERROR;
	}
	if ((rc = al_cli_load(cli)) != 0)
		return rc;

	al_zone *zone = NULL, *expect = NULL;
	if (cli->zone_count > 0 && al_cli_load_zones(cli, cli->zones, cli->zone_count, NULL, &zone) != AL_OK)
		return AL_EXIT_ERROR;
	/* what the files could not give is not compared: ZONE findings on stderr, exit 2 */
	bool bad_input = al_cli_zone_problems_stderr(cli, zone);
	if (cmd.expect != NULL) {
		al_zone_options zo = {0};
		zo.origin = cli->zone_origin;
		al_error err = {0};
		if (al_zone_new(&expect, &zo) != AL_OK || al_cli_zone_load(expect, cmd.expect, &err) != AL_OK) {
			al_cli_error("propagation: --expect: %s", err.message[0] ? err.message : "cannot read the file");
			al_zone_free(expect);
			al_zone_free(zone);
			return AL_EXIT_ERROR;
		}
		bad_input |= al_cli_zone_problems_stderr(cli, expect);
	}

	al_prop_options po = {0};
	po.rules = cli->rules;
	po.config = cli->config;
	po.resolvers = cli->resolvers;
	po.resolver_count = cli->resolver_count;
	/* the same file live DNS reads (AUTHLINT_RESOLV_CONF names another, as in the tests) */
	const char *conf = getenv("AUTHLINT_RESOLV_CONF");
	po.resolv_conf = conf != NULL && conf[0] != '\0' ? conf : "/etc/resolv.conf";
	po.servers = cmd.servers;
	po.server_count = cmd.server_count;
	po.selectors = cli->selectors;
	po.selector_count = cli->selector_count;
	po.zone = zone;
	po.expect = expect;
	po.discover_selectors = !cmd.no_discover;
	po.timeout = cli->timeout;
	po.tries = (unsigned)cmd.tries;
	po.psl = cli->psl;
	al_prop *prop = NULL;
	al_error err = {0};
	al_status st = al_prop_new(&prop, &po, &err);
	for (int i = first; st == AL_OK && i < argc; i++)
		if ((st = al_prop_add_domain(prop, argv[i], &err)) != AL_OK)
			err.status = st;
	if (st != AL_OK) {
		al_cli_error("propagation: %s", err.message[0] ? err.message : al_status_message(st));
		al_prop_free(prop);
		al_zone_free(expect);
		al_zone_free(zone);
		return AL_EXIT_ERROR;
	}

	al_prop_write_options wo = {0};
	wo.rules = cli->rules;
	wo.color = cli->color;
	wo.verbose = cli->verbose > 0;
	wo.quiet = cli->quiet > 0;
	wo.inputs = (const char *const *)argv + first;
	wo.input_count = (size_t)(argc - first);
	watch_state ws = {cli, prop, &wo, AL_OK};
	if (cmd.watch) {
		st = watch(prop, cmd.interval, cmd.until, &ws);
	} else {
		st = al_prop_run(prop);
	}
	const al_prop_result *res = al_prop_current(prop);
	int code = AL_EXIT_ERROR;
	if (st != AL_OK || res == NULL) {
		al_cli_error("propagation: %s", al_status_message(st != AL_OK ? st : AL_EINTERNAL));
	} else {
		/* the verdicts decide, unless --fail-on asks for the findings' severities */
		code = cli->fail_on_set ? al_cli_exit_code(cli, al_findings_summary(res->findings)) : al_prop_exit_code(res);
		/* a zone file not read in full: what it held was not compared */
		if (bad_input)
			code = AL_EXIT_ERROR;
		wo.exit_code = code;
		wo.exit_code_set = true;
		bool written = cmd.watch && res->round == 1 &&
			       (cli->format == AL_FORMAT_TEXT || cli->format == AL_FORMAT_JSONL);
		if (!written && ws.status == AL_OK)
			ws.status = al_prop_write(res, cli->format, al_sink_stdio(cli->out), &wo);
		if (ws.status != AL_OK || fflush(cli->out) != 0) {
			al_cli_error("writing the output failed");
			code = AL_EXIT_ERROR;
		}
	}
	al_prop_free(prop);
	al_zone_free(expect);
	al_zone_free(zone);
	return code;
}

const al_cli_command al_cmd_propagation = {
	"propagation",
	"propagation DOMAIN... [--server NAME=IP]... [--expect FILE] [--watch]   compare every server's answers",
	"Ask every authoritative server of each domain's zone (the NS set, every A and AAAA\n"
	"of every name server, recursion off) and every resolver given, for the SPF record,\n"
	"the DMARC record, the DKIM selectors known, the report authorizations the DMARC\n"
	"record needs, and the SOA; group the servers by the answer they give, compare the\n"
	"SOA serials (RFC 1982), and say for each name whether it is consistent, still\n"
	"propagating (caches behind, with the time they settle) or inconsistent.\n"
	"\n"
	"      --server NAME=IP[:PORT]  a server to ask (IPv6: NAME=[addr]:port); replaces the\n"
	"                         addresses of the name server NAME, or adds one. With\n"
	"                         --server and no --resolver, only those servers are asked.\n"
	"  -r, --resolver IP[:PORT]  a recursive resolver to compare (and to find the servers);\n"
	"                         default: the configuration's, else /etc/resolv.conf\n"
	"  -s, --selector SEL     a DKIM selector to ask (also those in --zone and --expect files)\n"
	"      --no-discover      do not probe common DKIM selectors\n"
	"      --expect FILE      a zone file with the records every server should serve now\n"
	"      --watch            ask again until every server agrees or --until runs out\n"
	"      --interval S       seconds between rounds of --watch (default 30s)\n"
	"      --until DURATION   how long --watch may run (default 10m, at most 7d)\n"
	"      --tries N          tries per query (default 2)\n"
	"\n"
	"Exit status: 0 every name consistent; 1 a disagreement (inconsistent or propagating);\n"
	"2 something could not be told (a server gave no usable answer), or an error. With\n"
	"--fail-on SEV the findings decide instead of the verdicts: 1 with a PROP finding at or\n"
	"above SEV (servers that disagree are errors, caches still propagating warnings).\n",
	propagation_main,
};
