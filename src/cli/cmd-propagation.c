/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

static int propagation_main(al_cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	al_cli_error("propagation: not implemented in this build");
	return AL_EXIT_ERROR;
}

const al_cli_command al_cmd_propagation = {
	"propagation",
	"propagation DOMAIN [--server NAME=IP]...    compare what every server answers",
	"Not implemented in this build.\n",
	propagation_main,
};
