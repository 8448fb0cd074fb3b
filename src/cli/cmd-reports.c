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
	if (cli->format_set && al_reports_format_parse(cli->format_name, &format) != AL_OK) {
		al_cli_error("reports: --format: '%s' is not text, json, jsonl, csv or html", cli->format_name);
		return AL_EXIT_ERROR;
	}
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
	al_status st = al_reports_write(reports, format, cli->color, al_sink_stdio(cli->out));
	fflush(cli->out);
	rc = AL_EXIT_OK;
	if (st != AL_OK) {
		al_cli_error("reports: cannot write: %s", al_status_message(st));
		rc = AL_EXIT_ERROR;
	}
	if (bad_input || bad_zone || al_reports_fatal_count(reports) > 0)
		rc = AL_EXIT_ERROR;
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
		 "                     external asset, the trend as inline SVG)\n"
		 "\n"
		 "Input is untrusted: no XML entity is ever expanded or loaded, decompression is\n"
		 "bounded in size and ratio, and a file that cannot be read is reported (file, entry,\n"
		 "line) while the rest is read.\n"
		 "\n"
		 "Exit status: 0 when every input was read, 2 when a file or report could not be read.\n",
	.run = reports_main,
	.formats = "text, json, jsonl, csv, html",
};
