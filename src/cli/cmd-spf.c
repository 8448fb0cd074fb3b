/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * authlint spf: evaluate check_host() with a trace of every lookup and match,
 * print the lookup tree of a domain, or run an OpenSPF test suite.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sources.h"

enum {
	OPT_IP = 2300,
	OPT_SENDER,
	OPT_HELO,
	OPT_RECEIVER,
	OPT_TREE,
	OPT_FIXTURE,
	OPT_SCENARIO,
	OPT_SUITE,
	OPT_TEST,
	OPT_DOMAINS_FILE,
};

typedef struct spf_cmd {
	const char *ip;
	const char *sender;
	const char *helo;
	const char *receiver;
	bool tree;
	const char *fixture;
	const char *scenario;
	const char *suite;
	const char *test;
	const char *domains_file;
} spf_cmd;

static const struct option spf_options[] = {
	{"ip", required_argument, NULL, OPT_IP},
	{"sender", required_argument, NULL, OPT_SENDER},
	{"mail-from", required_argument, NULL, OPT_SENDER},
	{"helo", required_argument, NULL, OPT_HELO},
	{"receiver", required_argument, NULL, OPT_RECEIVER},
	{"tree", no_argument, NULL, OPT_TREE},
	{"fixture", required_argument, NULL, OPT_FIXTURE},
	{"scenario", required_argument, NULL, OPT_SCENARIO},
	{"suite", required_argument, NULL, OPT_SUITE},
	{"test", required_argument, NULL, OPT_TEST},
	{"domains-file", required_argument, NULL, OPT_DOMAINS_FILE},
	{NULL, 0, NULL, 0},
};

static int spf_option(al_cli *cli, void *cmdp, int id, const char *arg)
{
	(void)cli;
	spf_cmd *c = cmdp;
	switch (id) {
	case 'i':
	case OPT_IP:
		c->ip = arg;
		return 0;
	case 'm':
	case OPT_SENDER:
		c->sender = arg;
		return 0;
	case 'H':
	case OPT_HELO:
		c->helo = arg;
		return 0;
	case OPT_RECEIVER:
		c->receiver = arg;
		return 0;
	case 't':
	case OPT_TREE:
		c->tree = true;
		return 0;
	case OPT_FIXTURE:
		c->fixture = arg;
		return 0;
	case OPT_SCENARIO:
		c->scenario = arg;
		return 0;
	case OPT_SUITE:
		c->suite = arg;
		return 0;
	case OPT_TEST:
		c->test = arg;
		return 0;
	case 'd':
	case OPT_DOMAINS_FILE:
		c->domains_file = arg;
		return 0;
	}
	return AL_EXIT_ERROR;
}

/* ---- the suite -------------------------------------------------------------------- */

typedef struct suite_run {
	al_cli *cli;
	bool failed_write;
} suite_run;

static void suite_case(void *userdata, const al_spf_suite_case *c)
{
	suite_run *run = userdata;
	if (run->cli->quiet > 0 && c->passed && c->preferred)
		return;
	if (al_spf_suite_case_write(c, run->cli->format, al_sink_stdio(run->cli->out)) != AL_OK)
		run->failed_write = true;
	if (run->cli->verbose > 0 && c->outcome != NULL && run->cli->format == AL_FORMAT_TEXT)
		al_spf_outcome_write(c->outcome, AL_FORMAT_TEXT, run->cli->color, al_sink_stdio(run->cli->out));
}

static int run_suite(al_cli *cli, const spf_cmd *cmd)
{
	suite_run run = {cli, false};
	al_spf_suite_totals totals;
	al_error err = {0};
	al_status st;
	if (strcmp(cmd->suite, "-") == 0) {
		size_t length;
		char *text = al_cli_read_stdin_input(AL_CLI_MAX_STDIN_YAML, "a test-suite file", &length, &err);
		st = text == NULL ? err.status
				  : al_spf_suite_run_text("-", text, length, cmd->test, cli->verbose > 0, suite_case,
							  &run, &totals, &err);
		free(text);
	} else {
		st = al_spf_suite_run(cmd->suite, cmd->test, cli->verbose > 0, suite_case, &run, &totals, &err);
	}
	if (st != AL_OK) {
		al_cli_error("%s", err.message);
		return AL_EXIT_ERROR;
	}
	if (cmd->test != NULL && totals.passed + totals.failed == 0) {
		al_cli_error("spf: %s has no test named '%s'", cmd->suite, cmd->test);
		return AL_EXIT_ERROR;
	}
	if (cli->format == AL_FORMAT_TEXT)
		fprintf(cli->out, "%zu passed, %zu failed (%zu not the preferred result)\n", totals.passed,
			totals.failed, totals.not_preferred);
	if (run.failed_write || fflush(cli->out) != 0) {
		al_cli_error("writing the output failed");
		return AL_EXIT_ERROR;
	}
	return totals.failed == 0 && totals.not_preferred == 0 ? AL_EXIT_OK : AL_EXIT_FINDINGS;
}

/* ---- check_host() and the tree --------------------------------------------------------- */

static int tree_exit(const al_spf_tree *t)
{
	const al_spf_node *root = t->root;
	if (root->status == AL_SPF_NODE_LOOKUP_FAILED || root->status == AL_SPF_NODE_NOT_FOLLOWED)
		return AL_EXIT_ERROR;
	for (size_t i = 0; i < t->row_count; i++)
		if (t->rows[i].term == NULL && t->rows[i].node->status == AL_SPF_NODE_LOOKUP_FAILED)
			return AL_EXIT_ERROR;
	if (root->status != AL_SPF_NODE_OK || root->permerror || t->lookups > AL_SPF_MAX_LOOKUPS ||
	    t->void_lookups > AL_SPF_MAX_VOID_LOOKUPS)
		return AL_EXIT_FINDINGS;
	return AL_EXIT_OK;
}

static int outcome_exit(const al_spf_outcome *o)
{
	switch (o->result) {
	case AL_SPF_PASS:
		return AL_EXIT_OK;
	case AL_SPF_TEMPERROR:
		return AL_EXIT_ERROR;
	default:
		return AL_EXIT_FINDINGS;
	}
}

static int evaluate(al_cli *cli, const spf_cmd *cmd, const char *domain, al_source *source)
{
	int rc;
	al_error err = {0};
	al_status st;
	if (cmd->tree) {
		al_spf_tree_options opt = {cli->rules, cli->snapshot, cli->no_snapshot};
		al_spf_tree *tree = NULL;
		if (al_spf_tree_build(source, domain, &opt, &tree, &err) != AL_OK) {
			al_cli_error("spf: %s", err.message);
			return AL_EXIT_ERROR;
		}
		st = al_spf_tree_write(tree, cli->format, cli->color, al_sink_stdio(cli->out));
		rc = tree_exit(tree);
		al_spf_tree_free(tree);
	} else {
		al_spf_request req = {0};
		req.ip = cmd->ip;
		req.sender = cmd->sender;
		req.helo = cmd->helo;
		req.domain = domain;
		req.receiver = cmd->receiver;
		req.trace = cli->quiet == 0;
		al_spf_outcome *out = NULL;
		if (al_spf_check_host(source, &req, &out, &err) != AL_OK) {
			al_cli_error("spf: %s", err.message);
			return AL_EXIT_ERROR;
		}
		st = al_spf_outcome_write(out, cli->format, cli->color, al_sink_stdio(cli->out));
		rc = outcome_exit(out);
		al_spf_outcome_free(out);
	}
	if (st == AL_EUNSUPPORTED) {
		al_cli_error("spf: --format %s is not available here (text, json, jsonl)", al_format_name(cli->format));
		return AL_EXIT_ERROR;
	}
	if (st != AL_OK || fflush(cli->out) != 0) {
		al_cli_error("writing the output failed");
		return AL_EXIT_ERROR;
	}
	return rc;
}

/* Every domain of a file, one line each: check_host() as postmaster@domain (HELO domain),
 * or the tree's totals. Exit 2 when a domain ended in temperror (or its tree lookup failed). */
static int evaluate_list(al_cli *cli, const spf_cmd *cmd, al_source *source)
{
	al_domain_list *list = NULL;
	al_error err = {0};
	FILE *f = al_cli_open_input("spf", cmd->domains_file);
	if (f == NULL)
		return AL_EXIT_ERROR;
	al_status st = al_domain_list_new(&list);
	if (st == AL_OK)
		st = al_domain_list_read(list, f, cmd->domains_file, &err);
	if (f != stdin)
		fclose(f);
	if (st != AL_OK) {
		al_cli_error("%s", err.message[0] ? err.message : al_status_message(st));
		al_domain_list_free(list);
		return AL_EXIT_ERROR;
	}
	for (size_t i = 0; i < al_domain_list_problem_count(list); i++)
		al_cli_error("%s", al_domain_list_problem_at(list, i));
	al_spf_tree_options opt = {cli->rules, cli->snapshot, cli->no_snapshot};
	al_spf_analyzer *analyzer = NULL;
	if (cmd->tree && al_spf_analyzer_new(&analyzer, &opt, &err) != AL_OK) {
		al_cli_error("%s", err.message);
		al_domain_list_free(list);
		return AL_EXIT_ERROR;
	}
	size_t counts[AL_SPF_PERMERROR + 1] = {0};
	int rc = AL_EXIT_OK;
	al_sink sink = al_sink_stdio(cli->out);
	for (size_t i = 0; i < al_domain_list_count(list); i++) {
		const char *domain = al_domain_list_at(list, i);
		if (cmd->tree) {
			al_spf_tree *tree = NULL;
			if (al_spf_analyzer_tree(analyzer, source, domain, &tree, &err) != AL_OK) {
				al_cli_error("spf: %s: %s", domain, err.message);
				rc = AL_EXIT_ERROR;
				continue;
			}
			st = al_spf_tree_write_brief(tree, cli->format, sink);
			if (tree_exit(tree) == AL_EXIT_ERROR)
				rc = AL_EXIT_ERROR;
			al_spf_tree_free(tree);
		} else {
			char sender[AL_NAME_MAX + 16];
			snprintf(sender, sizeof(sender), "postmaster@%s", domain);
			al_spf_request req = {0};
			req.ip = cmd->ip;
			req.sender = cmd->sender ? cmd->sender : sender;
			req.helo = cmd->helo ? cmd->helo : domain;
			req.domain = domain;
			req.receiver = cmd->receiver;
			al_spf_outcome *out = NULL;
			if (al_spf_check_host(source, &req, &out, &err) != AL_OK) {
				al_cli_error("spf: %s", err.message);
				al_domain_list_free(list);
				return AL_EXIT_ERROR;
			}
			counts[out->result]++;
			st = al_spf_outcome_write_brief(out, cli->format, sink);
			if (out->result == AL_SPF_TEMPERROR)
				rc = AL_EXIT_ERROR;
			al_spf_outcome_free(out);
		}
		if (st != AL_OK)
			break;
	}
	if (!cmd->tree && cli->format == AL_FORMAT_TEXT && cli->quiet == 0) {
		fprintf(cli->out, "%zu domains:", al_domain_list_count(list));
		for (int r = AL_SPF_NONE; r <= AL_SPF_PERMERROR; r++)
			if (counts[r] > 0)
				fprintf(cli->out, " %s %zu", al_spf_result_name((al_spf_result)r), counts[r]);
		fputc('\n', cli->out);
	}
	al_domain_list_free(list);
	al_spf_analyzer_free(analyzer);
	if (st != AL_OK || fflush(cli->out) != 0) {
		al_cli_error("writing the output failed");
		return AL_EXIT_ERROR;
	}
	return rc;
}

static int spf_main(al_cli *cli, int argc, char **argv)
{
	spf_cmd cmd = {0};
	int first = 0;
	int rc = al_cli_parse(cli, argc, argv, spf_options, "i:m:H:td:", spf_option, &cmd, &al_cmd_spf, &first);
	if (rc != 0)
		return rc < 0 ? AL_EXIT_OK : rc;
	if ((rc = al_cli_load(cli)) != 0)
		return rc;
	if (cmd.suite != NULL) {
		if (first < argc || cmd.ip || cmd.tree || cmd.fixture) {
			al_cli_error("spf: --suite runs the tests of a file; it takes no domain, --ip, --tree or --fixture");
			return AL_EXIT_ERROR;
		}
		return run_suite(cli, &cmd);
	}
	if (argc - first > 1) {
		al_cli_error("spf: one domain at a time");
		return AL_EXIT_ERROR;
	}
	const char *domain = first < argc ? argv[first] : NULL;
	if (cmd.domains_file != NULL && domain != NULL) {
		al_cli_error("spf: give a domain or --domains-file, not both");
		return AL_EXIT_ERROR;
	}
	if (cmd.tree && domain == NULL && cmd.domains_file == NULL) {
		al_cli_error("spf: --tree needs a domain");
		return AL_EXIT_ERROR;
	}
	if (!cmd.tree && cmd.ip == NULL) {
		al_cli_error("spf: give the client address with --ip (or --tree for the lookup tree)");
		return AL_EXIT_ERROR;
	}
	if (!cmd.tree && domain == NULL && cmd.domains_file == NULL && (cmd.sender == NULL || cmd.sender[0] == '\0') &&
	    (cmd.helo == NULL || cmd.helo[0] == '\0')) {
		al_cli_error("spf: give a domain, --sender or --helo");
		return AL_EXIT_ERROR;
	}
	if (cmd.scenario != NULL && cmd.fixture == NULL) {
		al_cli_error("spf: --scenario goes with --fixture");
		return AL_EXIT_ERROR;
	}
	if (cmd.fixture != NULL) {
		if (cli->zone_count > 0) {
			al_cli_error("spf: --fixture and --zone cannot be combined");
			return AL_EXIT_ERROR;
		}
		al_source *fx = NULL;
		al_error err = {0};
		al_status st;
		if (strcmp(cmd.fixture, "-") == 0) {
			size_t length;
			char *text = al_cli_read_stdin_input(AL_CLI_MAX_STDIN_YAML, "a test-suite file", &length, &err);
			st = text == NULL ? err.status
					  : al_spf_fixture_source_text(&fx, "-", text, length, cmd.scenario, &err);
			free(text);
		} else {
			st = al_spf_fixture_source(&fx, cmd.fixture, cmd.scenario, &err);
		}
		if (st != AL_OK) {
			al_cli_error("%s", err.message);
			return AL_EXIT_ERROR;
		}
		rc = cmd.domains_file ? evaluate_list(cli, &cmd, fx) : evaluate(cli, &cmd, domain, fx);
		al_source_free(fx);
		return rc;
	}
	al_zone *zone = NULL;
	bool bad_zone = false;
	al_cli_sources sources;
	if ((rc = al_cli_open_asking_sources(cli, "spf", &zone, &bad_zone, &sources)) != 0)
		return rc;
	rc = cmd.domains_file ? evaluate_list(cli, &cmd, sources.top) : evaluate(cli, &cmd, domain, sources.top);
	if (bad_zone)
		rc = AL_EXIT_ERROR;
	al_cli_sources_close(&sources);
	al_zone_free(zone);
	return rc;
}

const al_cli_command al_cmd_spf = {
	"spf",
	"spf DOMAIN --ip IP [--sender S] [--helo H] | DOMAIN --tree | --suite FILE   evaluate SPF",
	"Evaluate SPF check_host() (RFC 7208) for a client address and print the result with the\n"
	"trace of every lookup and match; or, with --tree, print the lookup tree of a domain: every\n"
	"include and redirect, each term's DNS cost with the running total against the limit of\n"
	"10, void lookups against the limit of 2, loops. DOMAIN defaults to the sender's domain\n"
	"(or the HELO name for the null sender).\n"
	"\n"
	"DNS comes from live resolvers; with --zone FILE from the zone files (names outside them\n"
	"are not asked unless --resolver is given, so a run is fully scripted), or with --fixture\n"
	"from the zonedata of an OpenSPF test-suite file.\n"
	"\n"
	"  -i, --ip IP            the client address (IPv4, IPv6, IPv4-mapped IPv6)\n"
	"  -m, --sender ADDR      MAIL FROM (empty: the null sender, postmaster@HELO)\n"
	"  -H, --helo NAME        HELO/EHLO name\n"
	"      --receiver NAME    the receiving host, for %{r} in explanations\n"
	"  -t, --tree             print the lookup tree of DOMAIN instead (no --ip needed)\n"
	"      --fixture FILE     answer lookups from an OpenSPF suite file's zonedata\n"
	"      --scenario NAME    with --fixture: the scenario (its description) to use\n"
	"      --suite FILE       run every test of an OpenSPF suite file; prints N passed, N failed\n"
	"      --test ID          with --suite: only this test (-v shows its trace)\n"
	"  -d, --domains-file FILE  every domain of FILE ('-': standard input), one line each:\n"
	"                         check_host() as postmaster@DOMAIN from --ip, or with --tree the\n"
	"                         lookup totals\n"
	"\n"
	"Exit status: check_host: 0 pass, 1 any other result, 2 temperror or an error; --tree:\n"
	"0 within the limits, 1 a permerror condition, 2 a lookup failed; --suite: 0 when every\n"
	"test passes with the preferred result, else 1.\n",
	spf_main,
};
