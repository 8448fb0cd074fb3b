/* SPDX-License-Identifier: GPL-3.0-or-later */
/* authlint rules; authlint explain RULE. */
#include <string.h>

#include "cli.h"

enum { OPT_MARKDOWN = 2200 };

typedef struct rules_cmd {
	bool markdown;
} rules_cmd;

static const struct option rules_options[] = {
	{"markdown", no_argument, NULL, OPT_MARKDOWN},
	{NULL, 0, NULL, 0},
};

static int rules_option(al_cli *cli, void *cmd, int id, const char *arg)
{
	(void)cli;
	(void)arg;
	if (id == OPT_MARKDOWN) {
		((rules_cmd *)cmd)->markdown = true;
		return 0;
	}
	return AL_EXIT_ERROR;
}

static int finish_output(al_cli *cli, al_status st)
{
	if (st != AL_OK || fflush(cli->out) != 0 || ferror(cli->out)) {
		al_cli_error("writing the output failed");
		return AL_EXIT_ERROR;
	}
	return AL_EXIT_OK;
}

static int rules_main(al_cli *cli, int argc, char **argv)
{
	rules_cmd cmd = {0};
	int first = 0;
	int rc = al_cli_parse(cli, argc, argv, rules_options, NULL, rules_option, &cmd, &al_cmd_rules, &first);
	if (rc != 0)
		return rc < 0 ? AL_EXIT_OK : rc;
	if (first < argc) {
		al_cli_error("rules: unexpected argument '%s' (authlint explain RULE explains one)", argv[first]);
		return AL_EXIT_ERROR;
	}
	if ((rc = al_cli_load(cli)) != 0)
		return rc;
	al_status st = cmd.markdown ? al_rules_write_markdown(cli->rules, al_sink_stdio(cli->out))
				    : al_rules_write_list(cli->rules, cli->format, al_sink_stdio(cli->out));
	if (st == AL_EUNSUPPORTED) {
		al_cli_error("rules: --format %s is not available for the rule list (text, json, jsonl)",
			     al_format_name(cli->format));
		return AL_EXIT_ERROR;
	}
	return finish_output(cli, st);
}

static int explain_main(al_cli *cli, int argc, char **argv)
{
	rules_cmd cmd = {0};
	int first = 0;
	int rc = al_cli_parse(cli, argc, argv, rules_options, NULL, rules_option, &cmd, &al_cmd_explain,
			      &first);
	if (rc != 0)
		return rc < 0 ? AL_EXIT_OK : rc;
	if (argc - first != 1) {
		al_cli_error("explain: expected one rule id or name (authlint explain SPF001)");
		return AL_EXIT_ERROR;
	}
	if ((rc = al_cli_load(cli)) != 0)
		return rc;
	const al_rule *rule = al_rules_find(cli->rules, argv[first]);
	if (rule == NULL) {
		al_cli_error("explain: no rule '%s' (authlint rules lists them)", argv[first]);
		return AL_EXIT_ERROR;
	}
	al_status st;
	if (cli->format == AL_FORMAT_JSON || cli->format == AL_FORMAT_JSONL) {
		st = al_rule_write_json(rule, cli->format, al_sink_stdio(cli->out));
	} else if (cli->format == AL_FORMAT_TEXT) {
		st = al_rule_explain(rule, cmd.markdown, al_sink_stdio(cli->out));
	} else {
		al_cli_error("explain: --format %s is not available for a rule (text, json, jsonl; --markdown)",
			     al_format_name(cli->format));
		return AL_EXIT_ERROR;
	}
	return finish_output(cli, st);
}

const al_cli_command al_cmd_rules = {
	"rules",
	"rules [--markdown]                           list the rules",
	"List every rule of the registry: id, severity, name and summary. --format json or jsonl\n"
	"gives every field; --markdown writes the reference in doc/rules.md.\n"
	"\n"
	"      --markdown         the full reference as markdown\n",
	rules_main,
};

const al_cli_command al_cmd_explain = {
	"explain",
	"explain RULE [--markdown]                    explain one rule: why, how to fix, examples",
	"Show one rule (by id or name): its summary, message, rationale, fix, references,\n"
	"examples and the check that raises it. --format json or jsonl gives every field.\n"
	"\n"
	"      --markdown         as markdown (the section of doc/rules.md)\n",
	explain_main,
};
