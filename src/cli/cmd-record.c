/* SPDX-License-Identifier: GPL-3.0-or-later */
/* authlint record spf|dmarc|dkim TEXT|-: lint one record string. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sources.h"

enum { OPT_DOMAIN = 2100 };

typedef struct record_cmd {
	const char *domain;
} record_cmd;

static const struct option record_options[] = {
	{"domain", required_argument, NULL, OPT_DOMAIN},
	{NULL, 0, NULL, 0},
};

static int record_option(al_cli *cli, void *cmd, int id, const char *arg)
{
	(void)cli;
	record_cmd *r = cmd;
	if (id == OPT_DOMAIN || id == 'd') {
		r->domain = arg;
		return 0;
	}
	return AL_EXIT_ERROR;
}

typedef struct record_run {
	al_kind kind;
	const char *text;
	size_t length;
	const char *domain;
	const char *label;
} record_run;

static al_status lint_record(al_cli *cli, al_lint *lint, void *userdata)
{
	(void)cli;
	record_run *r = userdata;
	al_error err = {0};
	al_status st = al_lint_record_ex(lint, r->kind, r->text, r->length, r->domain, r->label, &err);
	if (st == AL_EINVAL)
		al_cli_error("record: --domain '%s' is not a valid domain name", r->domain);
	else if (st != AL_OK)
		al_cli_error("record: %s: %s", r->label, err.message[0] ? err.message : al_status_message(st));
	return st;
}

static int record_main(al_cli *cli, int argc, char **argv)
{
	record_cmd cmd = {0};
	int first = 0;
	/* a PEM key pasted as the record starts with dashes: it is the record, not
	 * an option (the lint then says what to publish instead, DKIM035) */
	const char *pem = NULL;
	for (int i = 1; i < argc && pem == NULL; i++) {
		if (strncmp(argv[i], "-----BEGIN ", 11) != 0)
			continue;
		pem = argv[i];
		memmove(&argv[i], &argv[i + 1], (size_t)(argc - i - 1) * sizeof(*argv));
		argv[--argc] = NULL;
	}
	int rc = al_cli_parse(cli, argc, argv, record_options, "d:", record_option, &cmd, &al_cmd_record,
			      &first);
	if (rc != 0)
		return rc < 0 ? AL_EXIT_OK : rc;
	if (argc - first != (pem != NULL ? 1 : 2)) {
		al_cli_error("record: expected a type (spf, dmarc, dkim) and a record (or - for standard input)");
		return AL_EXIT_ERROR;
	}
	record_run run = {0};
	const char *type = argv[first];
	if (strcmp(type, "spf") == 0)
		run.kind = AL_KIND_SPF;
	else if (strcmp(type, "dmarc") == 0)
		run.kind = AL_KIND_DMARC;
	else if (strcmp(type, "dkim") == 0)
		run.kind = AL_KIND_DKIM;
	else {
		al_cli_error("record: '%s' is not spf, dmarc or dkim", type);
		return AL_EXIT_ERROR;
	}
	if ((rc = al_cli_load(cli)) != 0)
		return rc;
	char *owned = NULL;
	if (pem != NULL) {
		run.text = pem;
		run.length = strlen(pem);
		run.label = "<argument>";
	} else if (strcmp(argv[first + 1], "-") == 0) {
		owned = al_cli_read_stdin("record", &run.length);
		if (owned == NULL)
			return AL_EXIT_ERROR;
		run.text = owned;
		run.label = "<stdin>";
	} else {
		run.text = argv[first + 1];
		run.length = strlen(run.text);
		run.label = "<argument>";
	}
	run.domain = cmd.domain;
	al_zone *zone = NULL;
	if (cli->zone_count > 0)
		al_cli_load_zones(cli, cli->zones, cli->zone_count, NULL, &zone);
	al_cli_sources sources;
	if (al_cli_sources_open(cli, zone, &sources) != AL_OK) {
		free(owned);
		al_zone_free(zone);
		al_cli_error("cannot set up the DNS sources");
		return AL_EXIT_ERROR;
	}
	const char *inputs[1] = {run.label};
	cli->zone_input = zone;
	rc = al_cli_run_lint(cli, sources.top, inputs, 1, lint_record, &run);
	cli->zone_input = NULL;
	al_cli_sources_close(&sources);
	al_zone_free(zone);
	free(owned);
	return rc;
}

const al_cli_command al_cmd_record = {
	"record",
	"record spf|dmarc|dkim TEXT|- [--domain D]    lint one record string",
	"Lint one record given as an argument, or on standard input with '-'. The text is the\n"
	"record as receivers see it (character-strings joined), or as written in a zone file when\n"
	"it starts with a double quote: \"v=spf1 mx \" \"-all\" (then the string boundaries are\n"
	"checked too). --domain gives the name it is\n"
	"published for: the domain for SPF, the domain (or _dmarc name) for DMARC, the\n"
	"selector name (sel._domainkey.example.com) for DKIM.\n"
	"\n"
	"  -d, --domain NAME      the name the record is (to be) published for\n",
	record_main,
};
