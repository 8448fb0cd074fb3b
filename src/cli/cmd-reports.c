/* SPDX-License-Identifier: GPL-3.0-or-later */
/* authlint reports FILE|DIR|-...: what DMARC aggregate reports say (reports.h). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sources.h"

#define MAX_STDIN (256u << 20)

enum { OPT_SPF = 2400 };

typedef struct reports_cmd {
	const char *spf;
} reports_cmd;

static const struct option reports_options[] = {
	{"spf", required_argument, NULL, OPT_SPF},
	{NULL, 0, NULL, 0},
};

static int reports_option(al_cli *cli, void *cmd, int id, const char *arg)
{
	(void)cli;
	reports_cmd *c = cmd;
	if (id == OPT_SPF) {
		if (strncasecmp(arg, "v=spf1", 6) != 0 || (arg[6] != '\0' && arg[6] != ' ')) {
			al_cli_error("reports: --spf: '%s' is not an SPF record (v=spf1 ...)", arg);
			return AL_EXIT_ERROR;
		}
		c->spf = arg;
		return 0;
	}
	return AL_EXIT_ERROR;
}

static int reports_main(al_cli *cli, int argc, char **argv)
{
	reports_cmd cmd = {0};
	int first = 0;
	int rc = al_cli_parse(cli, argc, argv, reports_options, "", reports_option, &cmd, &al_cmd_reports, &first);
	if (rc != 0)
		return rc < 0 ? AL_EXIT_OK : rc;
	if (first >= argc) {
		al_cli_error("reports: give the report files or directories ('-': standard input)");
		return AL_EXIT_ERROR;
	}
	al_reports_format format = AL_REPORTS_TEXT;
	bool findings_only = cli->format_set && (strcmp(cli->format_name, "sarif") == 0 ||
						 strcmp(cli->format_name, "github") == 0);
	if (cli->format_set && !findings_only && al_reports_format_parse(cli->format_name, &format) != AL_OK) {
		al_cli_error("reports: --format: '%s' is not text, json, jsonl, csv, html, sarif or github",
			     cli->format_name);
		return AL_EXIT_ERROR;
	}
	if ((rc = al_cli_load(cli)) != 0)
		return rc;
	al_zone *zone = NULL;
	bool bad_zone = false;
	al_cli_sources sources;
	if ((rc = al_cli_open_asking_sources(cli, "reports", &zone, &bad_zone, &sources)) != 0)
		return rc;
	al_reports_options ro = {0};
	ro.source = sources.top;
	ro.spf_record = cmd.spf;
	al_reports *reports = NULL;
	if (al_reports_new(&ro, &reports) != AL_OK) {
		al_cli_error("reports: out of memory");
		al_cli_sources_close(&sources);
		al_zone_free(zone);
		return AL_EXIT_ERROR;
	}
	bool bad_input = false;
	for (int i = first; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			size_t length = 0;
			char *data = al_cli_read_all("reports", stdin, "<stdin>", MAX_STDIN, &length);
			if (data == NULL) {
				bad_input = true;
				continue;
			}
			al_reports_read_memory(reports, "<stdin>", data, length);
			free(data);
		} else {
			al_reports_read_path(reports, argv[i]);
		}
	}
	al_reports_attribute(reports);
	/* problems go to standard error, whatever the format (json has them too) */
	al_reports_write_problems(reports, al_sink_stdio(stderr));
	/* the findings: through the registry, like every command's */
	al_cli_collect c = {al_findings_new(), NULL};
	const char *inputs[1] = {argv[first]};
	if (findings_only && (c.emitter = al_cli_emitter_new(cli, inputs, 1)) == NULL)
		bad_input = true;
	al_lint_options lo;
	al_cli_lint_options(cli, sources.top, &lo);
	lo.on_diag = al_cli_collect_diag;
	lo.userdata = &c;
	al_lint *lint = NULL;
	al_status st = c.findings == NULL ? AL_ENOMEM : al_lint_new(&lint, &lo);
	if (st == AL_OK && (!findings_only || c.emitter != NULL)) {
		if (c.emitter != NULL)
			al_emitter_begin(c.emitter);
		st = al_lint_reports(lint, reports);
	}
	if (st != AL_OK) {
		al_cli_error("reports: the findings: %s", al_status_message(st));
		bad_input = true;
	}
	rc = lint != NULL ? al_cli_exit_code(cli, al_lint_summary(lint)) : AL_EXIT_OK;
	if (bad_input || bad_zone || al_reports_fatal_count(reports) > 0)
		rc = AL_EXIT_ERROR;
	if (c.emitter != NULL) {
		al_summary sum = lint != NULL ? *al_lint_summary(lint) : (al_summary){0};
		al_emitter_end(c.emitter, &sum, rc);
		al_emitter_free(c.emitter);
		st = AL_OK;
	} else {
		al_findings_sort(c.findings);
		if (lint != NULL)
			al_findings_add_counts(c.findings, al_lint_summary(lint));
		st = al_reports_write_findings(reports, c.findings, format, cli->color, al_sink_stdio(cli->out));
	}
	if (fflush(cli->out) != 0 && st == AL_OK)
		st = AL_EIO;
	if (st != AL_OK) {
		al_cli_error("reports: cannot write: %s", al_status_message(st));
		rc = AL_EXIT_ERROR;
	}
	al_lint_free(lint);
	al_findings_free(c.findings);
	al_reports_free(reports);
	al_cli_sources_close(&sources);
	al_zone_free(zone);
	return rc;
}

const al_cli_command al_cmd_reports = {
	.name = "reports",
	.synopsis = "reports [--spf RECORD] FILE|DIR|-...   what DMARC aggregate reports say",
	.usage = "Read DMARC aggregate reports (RFC 7489 and RFC 9990) as a mailbox receives them:\n"
		 ".xml, .xml.gz, .zip, a message (.eml) with the report attached, an mbox, a Maildir\n"
		 "or any directory (recursive); '-' reads one of them from standard input. A report\n"
		 "received twice (same reporter and report id) counts once.\n"
		 "\n"
		 "Per domain: messages, DMARC pass, aligned DKIM and SPF, dispositions, the policy the\n"
		 "reporters saw, a trend by day. Per source address: its volume and results, who signed\n"
		 "its mail, override reasons, reporters, and its attribution: check_host() against the\n"
		 "domain's own SPF record (live DNS, --zone, or not checked with --offline) says whether\n"
		 "the address is authorized and by which term, and names the service behind an include.\n"
		 "Each source is placed in the sender inventory (passing, authorized-failing,\n"
		 "partly-passing, unauthorized-failing, failing-not-attributed) with what to do.\n"
		 "\n"
		 "  --spf RECORD       what if: judge every source also with this SPF record in place\n"
		 "                     of the published one, and say which gain or lose an SPF pass\n"
		 "  --format F         text (default), json, jsonl, csv, or html (one page, no\n"
		 "                     external asset, the trend as inline SVG); sarif or github:\n"
		 "                     the findings only\n"
		 "\n"
		 "Findings (REPORT rules): unreadable files, authorized services failing alignment\n"
		 "(with the fix), unauthorized sources failing, reporters that saw a policy other\n"
		 "than the one published now (looked up live or in --zone; not compared offline),\n"
		 "policy_test_mode reported without t=y or t=y not honoured, tree walk and PSL\n"
		 "discovery seeing different policies.\n"
		 "\n"
		 "Input is untrusted: no XML entity is ever expanded or loaded, decompression is\n"
		 "bounded in size and ratio, and a file that cannot be read is reported (file, entry,\n"
		 "line) while the rest is read.\n"
		 "\n"
		 "Exit status: 2 when a file or report could not be read, else 1 when a finding is at\n"
		 "or above --fail-on, else 0.\n",
	.run = reports_main,
	.formats = "text, json, jsonl, csv, html, sarif, github",
};
