/* SPDX-License-Identifier: GPL-3.0-or-later */
/* authlint triage FILE|-: why one message (an .eml, pasted headers, or a
 * bounce) failed DMARC: the receiver's results, checked again against the
 * DNS, and one verdict with its evidence, fix and who makes it (triage.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/triage.h>

#include "cli.h"
#include "sources.h"

enum { OPT_AUTHSERV_ID = 2300 };

typedef struct triage_cmd {
	const char *authserv_id;
} triage_cmd;

static const struct option triage_options[] = {
	{"authserv-id", required_argument, NULL, OPT_AUTHSERV_ID},
	{NULL, 0, NULL, 0},
};

static int triage_option(al_cli *cli, void *cmd, int id, const char *arg)
{
	(void)cli;
	triage_cmd *t = cmd;
	if (id == OPT_AUTHSERV_ID) {
		t->authserv_id = arg;
		return 0;
	}
	return AL_EXIT_ERROR;
}

/* The whole file, at most AL_MESSAGE_MAX_INPUT bytes; NULL (error printed) on failure. */
static char *read_file(const char *path, size_t *length)
{
	FILE *fp = al_cli_open_input("triage", path);
	if (fp == NULL)
		return NULL;
	char *buf = al_cli_read_all("triage", fp, path, AL_MESSAGE_MAX_INPUT, length);
	fclose(fp);
	return buf;
}

typedef struct run {
	al_cli *cli;
	const al_cli_sources *sources;
	const char *authserv_id;
	const char *input;       /* the file name, or "standard input" */
	bool mbox;
	al_triage_format format;
	al_emitter *emitter;     /* sarif, github, jsonl: one for the whole run */
	const al_bounce_catalog *catalog;
	al_summary total;
	int code;
	size_t written;
} run;

static void worse(run *r, int code)
{
	if (code == AL_EXIT_ERROR || (r->code != AL_EXIT_ERROR && code > r->code))
		r->code = code;
}

static int triage_one(void *userdata, size_t index, const char *data, size_t length)
{
	run *r = userdata;
	al_cli *cli = r->cli;
	char label[1100];
	if (r->mbox)
		snprintf(label, sizeof(label), "%s, message %zu", r->input, index + 1);
	else
		snprintf(label, sizeof(label), "%s", r->input);
	al_message *msg = NULL;
	al_error err = {0};
	al_status st = al_message_parse(data, length, r->authserv_id, &msg, &err);
	if (st != AL_OK) {
		al_cli_error("triage: %s: %s", label, err.message[0] ? err.message : al_status_message(st));
		worse(r, AL_EXIT_ERROR);
		return 0;
	}
	al_cli_collect c = {al_findings_new(), r->emitter};
	if (c.findings == NULL) {
		al_message_free(msg);
		al_cli_error("triage: out of memory");
		worse(r, AL_EXIT_ERROR);
		return 1;
	}
	al_lint_options lo;
	al_cli_lint_options(cli, r->sources->top, &lo);
	lo.on_diag = al_cli_collect_diag;
	lo.userdata = &c;
	al_lint *lint = NULL;
	if (al_lint_new(&lint, &lo) != AL_OK) {
		al_cli_error("triage: cannot start the lint");
		al_findings_free(c.findings);
		al_message_free(msg);
		worse(r, AL_EXIT_ERROR);
		return 1;
	}
	al_triage_options to = {0};
	to.now = cli->now;
	to.catalog = r->catalog;
	al_triage *t = NULL;
	st = al_lint_triage(lint, msg, &to, &t);
	const al_summary *sum = al_lint_summary(lint);
	for (int s = 0; s < 4; s++)
		r->total.by_severity[s] += sum->by_severity[s];
	if (st != AL_OK) {
		al_cli_error("triage: %s: %s", label, al_status_message(st));
		worse(r, AL_EXIT_ERROR);
	} else if (r->emitter == NULL) {
		al_findings_sort(c.findings);
		if (r->written > 0)
			fputs(r->format == AL_TRIAGE_JSON ? ",\n" : "\n----------------------------------------\n\n",
			      cli->out);
		st = al_triage_write(t, c.findings, label, r->format, al_sink_stdio(cli->out));
		r->written++;
		if (st != AL_OK) {
			al_cli_error("triage: cannot write: %s", al_status_message(st));
			worse(r, AL_EXIT_ERROR);
		}
	}
	al_triage_free(t);
	al_lint_free(lint);
	al_findings_free(c.findings);
	al_message_free(msg);
	return 0;
}

static int triage_main(al_cli *cli, int argc, char **argv)
{
	triage_cmd cmd = {0};
	int first = 0;
	int rc = al_cli_parse(cli, argc, argv, triage_options, NULL, triage_option, &cmd, &al_cmd_triage,
			      &first);
	if (rc != 0)
		return rc < 0 ? AL_EXIT_OK : rc;
	if (argc - first != 1) {
		al_cli_error("triage: expected one message file, mbox or bounce (or - for standard input)");
		return AL_EXIT_ERROR;
	}
	run r = {0};
	r.cli = cli;
	r.authserv_id = cmd.authserv_id;
	r.format = AL_TRIAGE_TEXT;
	bool findings_only = false;
	if (cli->format_set) {
		if (strcmp(cli->format_name, "text") == 0)
			r.format = AL_TRIAGE_TEXT;
		else if (strcmp(cli->format_name, "json") == 0)
			r.format = AL_TRIAGE_JSON;
		else if (strcmp(cli->format_name, "html") == 0)
			r.format = AL_TRIAGE_HTML;
		else if (strcmp(cli->format_name, "sarif") == 0 || strcmp(cli->format_name, "github") == 0 ||
			 strcmp(cli->format_name, "jsonl") == 0)
			findings_only = true;
		else {
			al_cli_error("triage: --format: '%s' is not text, json, html, jsonl, sarif or github",
				     cli->format_name);
			return AL_EXIT_ERROR;
		}
	}
	if ((rc = al_cli_load(cli)) != 0)
		return rc;
	if (r.authserv_id == NULL)
		r.authserv_id = al_config_authserv_id(cli->config);
	const char *input = argv[first];
	size_t length = 0;
	char *data = strcmp(input, "-") == 0 ? al_cli_read_stdin("triage", &length) : read_file(input, &length);
	if (data == NULL)
		return AL_EXIT_ERROR;
	r.input = strcmp(input, "-") == 0 ? "standard input" : input;
	r.mbox = al_message_is_mbox(data, length);
	if (r.mbox && r.format == AL_TRIAGE_HTML && !findings_only) {
		al_cli_error("triage: %s: an mbox; --format html takes one message (use text or json)", r.input);
		free(data);
		return AL_EXIT_ERROR;
	}
	al_bounce_catalog *catalog = NULL;
	al_error err = {0};
	if (al_bounce_catalog_load(&catalog, &err) != AL_OK) {
		al_cli_error("triage: the bounce catalog: %s", err.message);
		free(data);
		return AL_EXIT_ERROR;
	}
	r.catalog = catalog;
	al_zone *zone = NULL;
	bool bad_zone = false;
	al_cli_sources sources;
	if ((rc = al_cli_open_asking_sources(cli, "triage", &zone, &bad_zone, &sources)) != 0) {
		al_bounce_catalog_free(catalog);
		free(data);
		return rc;
	}
	r.sources = &sources;
	const char *inputs[1] = {r.input};
	if (findings_only && (r.emitter = al_cli_emitter_new(cli, inputs, 1)) == NULL) {
		al_bounce_catalog_free(catalog);
		free(data);
		al_cli_sources_close(&sources);
		al_zone_free(zone);
		return AL_EXIT_ERROR;
	}
	if (r.emitter != NULL)
		al_emitter_begin(r.emitter);
	if (r.mbox && r.format == AL_TRIAGE_JSON && !findings_only)
		fputs("[\n", cli->out);
	bool more = false;
	size_t n = al_message_split(data, length, triage_one, &r, &more);
	free(data);
	if (r.mbox && r.format == AL_TRIAGE_JSON && !findings_only)
		fputs("]\n", cli->out);
	if (more) {
		al_cli_error("triage: %s: more than %u messages; the rest were not read", r.input, AL_MESSAGE_MAX_MBOX);
		worse(&r, AL_EXIT_ERROR);
	}
	if (n == 0) {
		al_cli_error("triage: %s: no message found", r.input);
		worse(&r, AL_EXIT_ERROR);
	}
	if (r.code != AL_EXIT_ERROR)
		worse(&r, al_cli_exit_code(cli, &r.total));
	if (r.emitter != NULL) {
		al_emitter_end(r.emitter, &r.total, r.code);
		al_emitter_free(r.emitter);
	}
	if (fflush(cli->out) != 0 || bad_zone)
		r.code = AL_EXIT_ERROR;
	al_cli_sources_close(&sources);
	al_zone_free(zone);
	al_bounce_catalog_free(catalog);
	return r.code;
}

const al_cli_command al_cmd_triage = {
	.name = "triage",
	.synopsis = "triage [--authserv-id ID] FILE|-  why a message, mbox or bounce failed DMARC",
	.usage = "Read a message (.eml, headers pasted on standard input), an mbox, or a bounce\n"
		 "(a DSN, or a plain-text bounce with an SMTP reply and status code) and say why it\n"
		 "failed DMARC: what the receiver recorded (the trusted Authentication-Results,\n"
		 "Received-SPF, the connecting IP, Return-Path, From, List-Id), SPF, DKIM, ARC and\n"
		 "DMARC checked again against today's DNS (--zone files, live DNS, or nothing with\n"
		 "--offline: then only the receiver's results count, and the output says so), and one\n"
		 "verdict with its evidence, the fix and who makes it (doc/triage.md).\n"
		 "--format text (default), json (an array for an mbox), html (one message), or\n"
		 "jsonl, sarif, github for the findings alone.\n\n"
		 "  --authserv-id ID   trust the Authentication-Results of this receiver\n",
	.formats = "text, json, html, jsonl, sarif, github",
	.run = triage_main,
};
