/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

static int spf_main(al_cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	al_cli_error("spf: not implemented in this build");
	return AL_EXIT_ERROR;
}

const al_cli_command al_cmd_spf = {
	"spf",
	"spf DOMAIN --ip IP [--sender S] [--helo H]  evaluate SPF check_host() with a trace",
	"Not implemented in this build.\n",
	spf_main,
};
