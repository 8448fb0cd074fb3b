/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * authlint plan DOMAIN | --zone FILE | --record TXT --domain D: a staged DMARC
 * enforcement plan. The command parses options, picks "today" and the
 * calendar stamp (the library reads no clock), and calls the planner.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "sources.h"

enum {
	OPT_DOMAIN = 2700,
	OPT_RECORD,
	OPT_RECORD_TTL,
	OPT_TEMPLATE,
	OPT_START,
	OPT_RUA,
	OPT_TTL,
	OPT_LIST_TEMPLATES,
	OPT_REPORTS,
};

#define MAX_REPORT_PATHS 64

typedef struct plan_cmd {
	const char *domain;
	const char *record;
	const char *record_ttl;
	const char *template_name;
	const char *start;
	const char *rua;
	const char *ttl;
	bool list_templates;
	const char *reports[MAX_REPORT_PATHS];
	size_t report_count;
	al_plan_format format;
	bool format_set;
} plan_cmd;

static const struct option plan_options[] = {
	{"domain", required_argument, NULL, OPT_DOMAIN},
	{"record", required_argument, NULL, OPT_RECORD},
	{"record-ttl", required_argument, NULL, OPT_RECORD_TTL},
	{"template", required_argument, NULL, OPT_TEMPLATE},
	{"start", required_argument, NULL, OPT_START},
	{"rua", required_argument, NULL, OPT_RUA},
	{"ttl", required_argument, NULL, OPT_TTL},
	{"list-templates", no_argument, NULL, OPT_LIST_TEMPLATES},
	{"reports", required_argument, NULL, OPT_REPORTS},
	{NULL, 0, NULL, 0},
};

static int plan_option(al_cli *cli, void *cmd, int id, const char *arg)
{
	(void)cli;
	plan_cmd *p = cmd;
	switch (id) {
	case 'd':
	case OPT_DOMAIN:
		p->domain = arg;
		return 0;
	case OPT_RECORD:
		p->record = arg;
		return 0;
	case OPT_RECORD_TTL:
		p->record_ttl = arg;
		return 0;
	case 't':
	case OPT_TEMPLATE:
		p->template_name = arg;
		return 0;
	case OPT_START:
		p->start = arg;
		return 0;
	case OPT_RUA:
		p->rua = arg;
		return 0;
	case OPT_TTL:
		p->ttl = arg;
		return 0;
	case OPT_LIST_TEMPLATES:
		p->list_templates = true;
		return 0;
	case OPT_REPORTS:
		if (p->report_count == MAX_REPORT_PATHS) {
			al_cli_error("plan: --reports: at most %d paths (give a directory)", MAX_REPORT_PATHS);
			return AL_EXIT_ERROR;
		}
		p->reports[p->report_count++] = arg;
		return 0;
	}
	return AL_EXIT_ERROR;
}

/*
 * --format takes plan formats (text, json, yaml, markdown, ics), not the
 * lint formats the common parser knows: take it out of argv first.
 */
static int take_format(plan_cmd *p, int *argc, char **argv)
{
	int out = 1;
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i], *value = NULL;
		if (strcmp(a, "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (strcmp(a, "--format") == 0 || strcmp(a, "-f") == 0) {
			if (i + 1 >= *argc) {
				al_cli_error("plan: %s needs a value", a);
				return AL_EXIT_ERROR;
			}
			value = argv[++i];
		} else if (strncmp(a, "--format=", 9) == 0) {
			value = a + 9;
		} else if (strncmp(a, "-f", 2) == 0 && a[2] != '\0') {
			value = a + 2;
		} else {
			argv[out++] = argv[i];
			continue;
		}
		if (al_plan_format_parse(value, &p->format) != AL_OK) {
			al_cli_error("plan: --format '%s' is not text, json, yaml, markdown or ics", value);
			return AL_EXIT_ERROR;
		}
		p->format_set = true;
	}
	argv[out] = NULL;
	*argc = out;
	return 0;
}

static bool parse_seconds(const char *what, const char *text, uint32_t *out)
{
	char *end = NULL;
	errno = 0;
	unsigned long v = strtoul(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v > 2147483647ul) {
		al_cli_error("plan: %s '%s' is not a number of seconds (0 to 2147483647)", what, text);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

static int list_templates(al_cli *cli)
{
	for (size_t i = 0; al_plan_template_builtin_at(i) != NULL; i++) {
		al_plan_template *t = NULL;
		al_error err = {0};
		if (al_plan_template_load_builtin(&t, al_plan_template_builtin_at(i), cli->rules, &err) != AL_OK) {
			al_cli_error("%s", err.message);
			return AL_EXIT_ERROR;
		}
		fprintf(cli->out, "%-10s %s\n", al_plan_template_name(t), al_plan_template_summary(t));
		al_plan_template_free(t);
	}
	return AL_EXIT_OK;
}

/* A built-in name, else a file. */
static al_plan_template *load_template(al_cli *cli, const char *name)
{
	al_plan_template *t = NULL;
	al_error err = {0};
	if (name == NULL)
		name = "default";
	al_status st = al_plan_template_load_builtin(&t, name, cli->rules, &err);
	if (st == AL_ENOENT && (strchr(name, '/') != NULL || strchr(name, '.') != NULL)) {
		err.message[0] = '\0';
		st = al_plan_template_load_file(&t, name, cli->rules, &err);
	}
	if (st != AL_OK) {
		al_cli_error("%s", err.message[0] ? err.message : al_status_message(st));
		return NULL;
	}
	return t;
}

/* The calendar's stamp: the same "now" as the rest of the run (SOURCE_DATE_EPOCH
 * when set, for reproducible output), in UTC. */
static void dtstamp(const al_cli *cli, char out[17])
{
	time_t when = (time_t)cli->now;
	struct tm tm;
	gmtime_r(&when, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

static int run_plan(al_cli *cli, plan_cmd *cmd, const char *domain, al_plan_template *tmpl)
{
	al_plan_options po = {0};
	po.rules = cli->rules;
	po.config = cli->config;
	po.offline = cli->offline;
	po.psl = cli->psl;
	po.dmarc_spec = cli->dmarc_spec;
	po.selectors = cli->selectors;
	po.selector_count = cli->selector_count;
	po.plan_template = tmpl;
	po.rua = cmd->rua;
	po.start = al_date_from_unix(cli->now); /* today, in UTC */
	if (cmd->start != NULL && al_date_parse(cmd->start, &po.start) != AL_OK) {
		al_cli_error("plan: --start '%s' is not a date (YYYY-MM-DD)", cmd->start);
		return AL_EXIT_ERROR;
	}
	if (cmd->ttl != NULL && !parse_seconds("--ttl", cmd->ttl, &po.ttl))
		return AL_EXIT_ERROR;
	if (cmd->record_ttl != NULL && !parse_seconds("--record-ttl", cmd->record_ttl, &po.record_ttl))
		return AL_EXIT_ERROR;
	char *from_stdin = NULL;
	if (cmd->record != NULL && strcmp(cmd->record, "-") == 0) {
		from_stdin = al_cli_read_stdin("plan", &po.record_length);
		if (from_stdin == NULL)
			return AL_EXIT_ERROR;
		po.record = from_stdin;
	} else if (cmd->record != NULL) {
		po.record = cmd->record;
		po.record_length = strlen(cmd->record);
	}
	al_zone *zone = NULL;
	if (cli->zone_count > 0)
		al_cli_load_zones(cli, cli->zones, cli->zone_count, NULL, &zone);
	/* zone problems are input errors: ZONE findings on stderr, and the exit is 2 */
	bool bad_input = al_cli_zone_problems_stderr(cli, zone);
	if (domain == NULL && zone != NULL && al_zone_origin_count(zone) > 0)
		domain = al_zone_origin_at(zone, 0);
	if (domain == NULL) {
		al_zone_free(zone);
		free(from_stdin);
		al_cli_error("plan: which domain? Give DOMAIN, --domain with --record, or a zone file with an origin");
		return AL_EXIT_ERROR;
	}
	/* a domain alone is planned from live DNS: a resolver is needed */
	bool need_live = zone == NULL && cmd->record == NULL && !cli->offline;
	al_cli_sources sources;
	if (al_cli_sources_open_for(cli, zone, need_live, &sources) != AL_OK) {
		al_zone_free(zone);
		free(from_stdin);
		al_cli_error("cannot set up the DNS sources");
		return AL_EXIT_ERROR;
	}
	po.source = sources.top;
	/* the aggregate reports: read, attributed through the same sources; problems on stderr (exit 2) */
	al_reports *reports = NULL;
	if (cmd->report_count > 0) {
		al_reports_options ro = {0};
		ro.source = sources.top;
		if (al_reports_new(&ro, &reports) != AL_OK) {
			al_cli_error("plan: out of memory");
			al_cli_sources_close(&sources);
			al_zone_free(zone);
			free(from_stdin);
			return AL_EXIT_ERROR;
		}
		for (size_t i = 0; i < cmd->report_count; i++)
			al_reports_read_path(reports, cmd->reports[i]);
		al_reports_attribute(reports);
		al_reports_write_problems(reports, al_sink_stdio(stderr));
		if (al_reports_fatal_count(reports) > 0)
			bad_input = true;
		po.reports = reports;
	}
	al_plan *plan = NULL;
	al_error err = {0};
	al_status st = al_plan_build(&po, domain, &plan, &err);
	int code = AL_EXIT_ERROR;
	if (st != AL_OK) {
		al_cli_error("plan: %s", err.message[0] ? err.message : al_status_message(st));
	} else {
		char stamp[17];
		dtstamp(cli, stamp);
		al_plan_write_options wo = {0};
		wo.dtstamp = stamp;
		wo.color = cli->color;
		st = al_plan_write(plan, cmd->format, &wo, al_sink_stdio(cli->out));
		code = al_cli_exit_code(cli, al_findings_summary(plan->findings));
		if (!plan->current.known)
			al_cli_error("plan: %s", plan->current.problem);
		if (st != AL_OK || fflush(cli->out) != 0) {
			al_cli_error("plan: writing the output failed");
			code = AL_EXIT_ERROR;
		}
		if (bad_input)
			code = AL_EXIT_ERROR;
	}
	al_plan_free(plan);
	al_reports_free(reports);
	al_cli_sources_close(&sources);
	al_zone_free(zone);
	free(from_stdin);
	return code;
}

static int plan_main(al_cli *cli, int argc, char **argv)
{
	plan_cmd cmd = {0};
	int rc = take_format(&cmd, &argc, argv);
	if (rc != 0)
		return rc;
	int first = 0;
	rc = al_cli_parse(cli, argc, argv, plan_options, "d:t:", plan_option, &cmd, &al_cmd_plan, &first);
	if (rc != 0)
		return rc < 0 ? AL_EXIT_OK : rc;
	if ((rc = al_cli_load(cli)) != 0)
		return rc;
	if (!cmd.format_set && al_config_format(cli->config) != NULL)
		al_plan_format_parse(al_config_format(cli->config), &cmd.format);
	if (cmd.list_templates)
		return list_templates(cli);
	if (argc - first > 1) {
		al_cli_error("plan: one domain at a time");
		return AL_EXIT_ERROR;
	}
	const char *domain = argc - first == 1 ? argv[first] : cmd.domain;
	if (argc - first == 1 && cmd.domain != NULL && strcmp(cmd.domain, argv[first]) != 0) {
		al_cli_error("plan: DOMAIN and --domain differ");
		return AL_EXIT_ERROR;
	}
	if (cmd.record != NULL && domain == NULL) {
		al_cli_error("plan: --record needs the domain it is published for (--domain)");
		return AL_EXIT_ERROR;
	}
	al_plan_template *tmpl = load_template(cli, cmd.template_name);
	if (tmpl == NULL)
		return AL_EXIT_ERROR;
	rc = run_plan(cli, &cmd, domain, tmpl);
	al_plan_template_free(tmpl);
	return rc;
}

const al_cli_command al_cmd_plan = {
	"plan",
	"plan DOMAIN | --zone FILE | --record TXT --domain D [--template NAME|FILE] [--start DATE]",
	"A staged plan from the domain's DMARC record as it is now to p=reject, safe for RFC 7489\n"
	"receivers (which honour pct) and RFC 9989 receivers (which ignore pct and honour t=y).\n"
	"Each step gives the record to publish, the zone-file line, the effect on both receiver\n"
	"generations, its dates, its gates (rules that must be clean, items to confirm) and the\n"
	"record to roll back to. The domain's SPF, DMARC and DKIM (--selector) are linted for the\n"
	"gates: from live DNS, from zone files (--zone), or with the DMARC record given (--record).\n"
	"\n"
	"  -d, --domain NAME      the domain (with --record; or instead of DOMAIN)\n"
	"      --record TXT       the current DMARC record, instead of reading _dmarc.DOMAIN\n"
	"                         ('-': from standard input)\n"
	"      --record-ttl S     its TTL in seconds (unknown otherwise: one day is assumed)\n"
	"  -t, --template T       a built-in template (default, rfc9989, cautious, fast) or a file\n"
	"      --list-templates   list the built-in templates\n"
	"      --start DATE       the date of the first step, YYYY-MM-DD (default: today)\n"
	"      --rua URI          aggregate report address when the record has none\n"
	"      --reports PATH     DMARC aggregate reports (files or directories, as for\n"
	"                         authlint reports; repeatable): the report gates are\n"
	"                         measured (days of reports; a step is blocked while an\n"
	"                         authorized service fails alignment, REPORT002) and each\n"
	"                         step shows the failing mail a day it would have\n"
	"                         quarantined or rejected, per receiver generation\n"
	"      --ttl S            TTL of the records the plan publishes (default: the current\n"
	"                         record's, at most 3600)\n"
	"  -f, --format FMT       text, json, yaml, markdown or ics (default text)\n",
	plan_main,
};
