/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

static int plan_main(al_cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	al_cli_error("plan: not implemented in this build");
	return AL_EXIT_ERROR;
}

const al_cli_command al_cmd_plan = {
	"plan",
	"plan DOMAIN | --record TXT | --zone FILE     a staged DMARC enforcement plan",
	"Not implemented in this build.\n",
	plan_main,
};
