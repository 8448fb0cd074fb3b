/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

static int check_main(al_cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	al_cli_error("check: not implemented in this build");
	return AL_EXIT_ERROR;
}

const al_cli_command al_cmd_check = {
	"check",
	"check DOMAIN... | --domains-file FILE [-j N]   lint live DNS",
	"Not implemented in this build.\n",
	check_main,
};
