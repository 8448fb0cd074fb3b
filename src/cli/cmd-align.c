/* SPDX-License-Identifier: GPL-3.0-or-later */
/* authlint align --from D [--mail-from D] [--dkim-d D]...: identifier alignment. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sources.h"

enum { OPT_FROM = 2300, OPT_MAIL_FROM, OPT_DKIM_D };

#define MAX_DKIM 64

typedef struct align_cmd {
	const char *from;
	const char *mail_from;
	const char *dkim[MAX_DKIM];
	size_t dkim_count;
} align_cmd;

static const struct option align_options[] = {
	{"from", required_argument, NULL, OPT_FROM},
	{"mail-from", required_argument, NULL, OPT_MAIL_FROM},
	{"dkim-d", required_argument, NULL, OPT_DKIM_D},
	{NULL, 0, NULL, 0},
};

static int align_option(al_cli *cli, void *cmd, int id, const char *arg)
{
	(void)cli;
	align_cmd *a = cmd;
	switch (id) {
	case OPT_FROM:
		a->from = arg;
		return 0;
	case OPT_MAIL_FROM:
		a->mail_from = arg;
		return 0;
	case OPT_DKIM_D:
		if (a->dkim_count >= MAX_DKIM) {
			al_cli_error("align: at most %d --dkim-d", MAX_DKIM);
			return AL_EXIT_ERROR;
		}
		a->dkim[a->dkim_count++] = arg;
		return 0;
	}
	return AL_EXIT_ERROR;
}

/* "user@example.com" or "example.com": is the domain part a name? */
static bool valid(const char *what, const char *text)
{
	const char *at = strrchr(text, '@');
	const char *d = at ? at + 1 : text;
	char out[AL_NAME_MAX];
	al_error err = {0};
	bool host = strspn(d, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == strlen(d);
	if (d[0] == '\0' || !host || al_name_normalize(d, strlen(d), out, &err) != AL_OK || strcmp(out, ".") == 0) {
		al_cli_error("align: %s '%s' is not a domain name or address%s%s", what, text,
			     err.message[0] ? ": " : "", err.message);
		return false;
	}
	return true;
}

static al_status run_align(al_cli *cli, al_lint *lint, void *userdata)
{
	(void)cli;
	align_cmd *a = userdata;
	return al_lint_align(lint, a->from, a->mail_from, a->dkim, a->dkim_count);
}

static int align_main(al_cli *cli, int argc, char **argv)
{
	align_cmd cmd = {0};
	int first = 0;
	int rc = al_cli_parse(cli, argc, argv, align_options, NULL, align_option, &cmd, &al_cmd_align, &first);
	if (rc != 0)
		return rc < 0 ? AL_EXIT_OK : rc;
	if (first < argc) {
		al_cli_error("align: unexpected argument '%s' (the domains go with --from, --mail-from, --dkim-d)",
			     argv[first]);
		return AL_EXIT_ERROR;
	}
	if (cmd.from == NULL) {
		al_cli_error("align: --from DOMAIN is required");
		return AL_EXIT_ERROR;
	}
	if (!valid("--from", cmd.from) || (cmd.mail_from != NULL && !valid("--mail-from", cmd.mail_from)))
		return AL_EXIT_ERROR;
	for (size_t i = 0; i < cmd.dkim_count; i++)
		if (!valid("--dkim-d", cmd.dkim[i]))
			return AL_EXIT_ERROR;
	if ((rc = al_cli_load(cli)) != 0)
		return rc;
	al_zone *zone = NULL;
	if (cli->zone_count > 0 && al_cli_load_zones(cli, cli->zones, cli->zone_count, NULL, &zone) != AL_OK)
		return AL_EXIT_ERROR;
	al_cli_sources sources;
	if (al_cli_sources_open(cli, zone, &sources) != AL_OK) {
		al_zone_free(zone);
		al_cli_error("cannot set up the DNS sources");
		return AL_EXIT_ERROR;
	}
	const char *inputs[1] = {cmd.from};
	cli->zone_input = zone;
	rc = al_cli_run_lint(cli, sources.top, inputs, 1, run_align, &cmd);
	cli->zone_input = NULL;
	al_cli_sources_close(&sources);
	al_zone_free(zone);
	return rc;
}

const al_cli_command al_cmd_align = {
	"align",
	"align --from DOMAIN [--mail-from D] [--dkim-d D]...  identifier alignment",
	"Say whether the SPF identifier (the MAIL FROM domain) and each DKIM signing\n"
	"domain (d=) align with the From domain, in relaxed and in strict mode, with the\n"
	"organizational domains used: by the Public Suffix List (RFC 7489 receivers) and by\n"
	"the DNS tree walk (RFC 9989 receivers), and what the From domain's DMARC policy\n"
	"asks for (aspf, adkim). Addresses (user@example.com) are taken for their domain.\n"
	"\n"
	"      --from DOMAIN      the RFC5322.From domain (or address)\n"
	"      --mail-from D      the RFC5321.MailFrom domain (or address)\n"
	"      --dkim-d D         a DKIM signing domain (d=); repeatable\n",
	align_main,
};
