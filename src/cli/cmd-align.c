/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

static int align_main(al_cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	al_cli_error("align: not implemented in this build");
	return AL_EXIT_ERROR;
}

const al_cli_command al_cmd_align = {
	"align",
	"align --from DOMAIN [--mail-from D] [--dkim-d D]...  identifier alignment",
	"Not implemented in this build.\n",
	align_main,
};
