/* SPDX-License-Identifier: GPL-3.0-or-later */
/* authlint: options, dispatch, exit codes. The work is in libauthlint. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const al_cli_command *const commands[] = {
	&al_cmd_zone, &al_cmd_record, &al_cmd_check, &al_cmd_spf, &al_cmd_propagation,
	&al_cmd_plan, &al_cmd_align, &al_cmd_rules, &al_cmd_explain,
	&al_cmd_triage, &al_cmd_reports, &al_cmd_lock, &al_cmd_diff,
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: authlint COMMAND [OPTIONS] [ARGS]\n\n"
		     "Lint the DNS records behind email authentication (SPF, DKIM, DMARC)\n"
		     "and plan DMARC enforcement.\n\nCommands:\n");
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "  %s\n", commands[i]->synopsis);
	fprintf(out, "\n'authlint COMMAND --help' shows a command's options.\n"
		     "Exit status: 0 clean; 1 findings at or above --fail-on; 2 usage, input or I/O\n"
		     "error, or an incomplete result.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return AL_EXIT_ERROR;
	}
	const char *name = argv[1];
	if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
		usage(stdout);
		return AL_EXIT_OK;
	}
	if (strcmp(name, "-V") == 0 || strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		printf("authlint %s\n", al_version());
		return AL_EXIT_OK;
	}
	for (size_t i = 0; i < COMMAND_COUNT; i++) {
		if (strcmp(commands[i]->name, name) != 0)
			continue;
		al_cli cli;
		memset(&cli, 0, sizeof(cli));
		cli.command = name;
		cli.fail_on = AL_SEVERITY_ERROR;
		cli.timeout = 2.0;
		cli.out = stdout;
		int rc = commands[i]->run(&cli, argc - 1, argv + 1);
		al_cli_finish(&cli);
		return rc;
	}
	al_cli_error("'%s' is not a command", name);
	usage(stderr);
	return AL_EXIT_ERROR;
}
