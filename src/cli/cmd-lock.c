/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * authlint lock ZONE... [-o FILE]: lint the zones with live DNS behind them,
 * recording every question asked outside them, and write the answers as a
 * lock file. authlint lock --check FILE [ZONE...]: ask again and say what
 * changed and what it does to the SPF lookup counts and the findings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "sources.h"

enum { OPT_OUTPUT = 2100, OPT_CHECK };

typedef struct lock_cmd {
	const char *output; /* -o FILE; NULL: standard output */
	const char *check;  /* --check FILE */
} lock_cmd;

static const struct option lock_options[] = {
	{"output", required_argument, NULL, OPT_OUTPUT},
	{"check", required_argument, NULL, OPT_CHECK},
	{NULL, 0, NULL, 0},
};

static int lock_option(al_cli *cli, void *cmd, int id, const char *arg)
{
	(void)cli;
	lock_cmd *l = cmd;
	if (id == OPT_OUTPUT || id == 'o') {
		l->output = arg;
		return 0;
	}
	if (id == OPT_CHECK) {
		l->check = arg;
		return 0;
	}
	return AL_EXIT_ERROR;
}

/* Lint the zones through @p source: every question the checks ask is asked. */
static al_status lint_through(al_cli *cli, al_source *source, al_zone *zone)
{
	al_lint_options lo;
	al_cli_lint_options(cli, source, &lo);
	lo.threads = 1;
	al_lint *lint = NULL;
	al_status st = al_lint_new(&lint, &lo);
	if (st == AL_OK)
		st = al_lint_zone(lint, zone);
	al_lint_free(lint);
	return st;
}

/* ---- live sources with a recorder behind the zones ---------------------------------- */

typedef struct recording {
	al_cli_sources live;      /* live DNS only */
	al_lock_recorder *recorder;
	al_source *recorded;      /* the recorder's source */
	al_source *zone;          /* the zones' source */
	al_source *top;           /* zones, then the recorder */
} recording;

static void recording_close(recording *r)
{
	al_source_free(r->top);
	al_source_free(r->zone);
	al_lock_recorder_free(r->recorder);
	al_cli_sources_close(&r->live);
	memset(r, 0, sizeof(*r));
}

static int recording_open(al_cli *cli, al_zone *zone, recording *r)
{
	memset(r, 0, sizeof(*r));
	/* need_live: no resolver at all is an error, printed there */
	if (al_cli_sources_open_for(cli, NULL, true, &r->live) != AL_OK)
		return AL_EXIT_ERROR;
	if (r->live.live == NULL) {
		al_cli_error("lock: no live DNS to ask (give --resolver IP, or a resolv.conf with a nameserver)");
		al_cli_sources_close(&r->live);
		return AL_EXIT_ERROR;
	}
	if (al_lock_recorder_new(&r->recorder, r->live.live, &r->recorded) != AL_OK ||
	    al_source_new_zone(&r->zone, zone) != AL_OK ||
	    al_source_new_layered(&r->top, r->zone, r->recorded) != AL_OK) {
		al_cli_error("lock: out of memory");
		recording_close(r);
		return AL_EXIT_ERROR;
	}
	return 0;
}

/* Every SPF tree of the zones too: the lint asks them, the check compares them. */
typedef struct spf_names {
	char **names;
	size_t count, capacity;
} spf_names;

static bool collect_txt_name(void *userdata, const char *name, uint64_t types)
{
	spf_names *n = userdata;
	if (!(types & ((uint64_t)1 << AL_TYPE_TXT)))
		return true;
	if (n->count == n->capacity) {
		size_t cap = n->capacity ? n->capacity * 2 : 16;
		char **p = realloc(n->names, cap * sizeof(*p));
		if (p == NULL)
			return false;
		n->names = p;
		n->capacity = cap;
	}
	char *copy = strdup(name);
	if (copy == NULL)
		return false;
	n->names[n->count++] = copy;
	return true;
}

static void spf_names_free(spf_names *n)
{
	for (size_t i = 0; i < n->count; i++)
		free(n->names[i]);
	free(n->names);
}

/* A lookup that failed: never pinned, always named. */
static void report_failure(const char *command, const al_lock_question *q)
{
	char tbuf[16];
	al_cli_error("%s: %s %s: %s%s%s%s from %s", command, q->name, al_rrtype_name(q->type, tbuf),
		     al_rcode_name(q->rcode), q->detail ? " (" : "", q->detail ? q->detail : "", q->detail ? ")" : "",
		     q->server ? q->server : "no server");
}

static void report_failures(const al_lock_recorder *rec)
{
	for (size_t i = 0; i < al_lock_recorder_count(rec); i++) {
		al_lock_question q;
		al_lock_recorder_at(rec, i, &q);
		if (al_rcode_failed(q.rcode) || q.rcode == AL_RCODE_NOT_QUERIED || q.rcode == AL_RCODE_PENDING)
			report_failure("lock", &q);
	}
}

static al_zone *load_zone_inputs(al_cli *cli, const char *const *inputs, size_t count, bool *bad)
{
	al_zone *zone = NULL;
	if (al_cli_load_zones(cli, inputs, count, NULL, &zone) != AL_OK)
		return NULL;
	*bad = al_cli_zone_problems_stderr(cli, zone);
	return zone;
}

static void now_text(const al_cli *cli, char out[32])
{
	time_t t = (time_t)cli->now;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Write @p text to @p path through a temporary file renamed over it. */
static int write_file(const char *path, const char *text, size_t length)
{
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	if (tmp == NULL) {
		al_cli_error("lock: out of memory");
		return AL_EXIT_ERROR;
	}
	snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	bool ok = f != NULL && fwrite(text, 1, length, f) == length;
	if (f != NULL && fclose(f) != 0)
		ok = false;
	if (ok && rename(tmp, path) != 0)
		ok = false;
	if (!ok) {
		al_cli_error("lock: cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return ok ? 0 : AL_EXIT_ERROR;
}

/* authlint lock ZONE... */
static int make_lock(al_cli *cli, const lock_cmd *cmd, const char *const *inputs, size_t count)
{
	bool bad = false;
	al_zone *zone = load_zone_inputs(cli, inputs, count, &bad);
	if (zone == NULL)
		return AL_EXIT_ERROR;
	if (bad) {
		al_cli_error("lock: the zone files could not be read whole: no lock written");
		al_zone_free(zone);
		return AL_EXIT_ERROR;
	}
	recording r;
	int rc = recording_open(cli, zone, &r);
	if (rc != 0) {
		al_zone_free(zone);
		return rc;
	}
	al_status st = lint_through(cli, r.top, zone);
	spf_names names = {0};
	al_zone_foreach_name(zone, collect_txt_name, &names);
	al_spf_tree_options to = {0};
	to.rules = cli->rules;
	to.no_snapshot = true;
	for (size_t i = 0; st == AL_OK && i < names.count; i++) {
		al_spf_tree *tree = NULL;
		if (al_spf_tree_build(r.top, names.names[i], &to, &tree, NULL) == AL_OK)
			al_spf_tree_free(tree);
	}
	spf_names_free(&names);
	if (st != AL_OK) {
		al_cli_error("lock: %s", al_status_message(st));
		recording_close(&r);
		al_zone_free(zone);
		return AL_EXIT_ERROR;
	}
	size_t failed = al_lock_recorder_failed(r.recorder);
	if (failed > 0) {
		report_failures(r.recorder);
		al_cli_error("lock: %zu lookup%s failed: not pinned, no lock written", failed, failed == 1 ? "" : "s");
		recording_close(&r);
		al_zone_free(zone);
		return AL_EXIT_ERROR;
	}
	char generated[32];
	now_text(cli, generated);
	al_lock_info info = {0};
	info.generated = generated;
	info.resolver = al_live_describe(r.live.engine);
	info.version = al_version();
	info.zones = inputs;
	info.zone_count = count;
	char *text = NULL;
	size_t length = 0;
	if (al_lock_recorder_write(r.recorder, &info, &text, &length) != AL_OK) {
		al_cli_error("lock: out of memory");
		rc = AL_EXIT_ERROR;
	} else if (cmd->output != NULL && strcmp(cmd->output, "-") != 0) {
		rc = write_file(cmd->output, text, length);
	} else if (fwrite(text, 1, length, cli->out) != length || fflush(cli->out) != 0) {
		al_cli_error("lock: writing the output failed");
		rc = AL_EXIT_ERROR;
	}
	if (rc == 0 && cli->quiet == 0)
		fprintf(stderr, "authlint: lock: %zu question%s outside the zones pinned from %s%s%s\n",
			al_lock_recorder_count(r.recorder), al_lock_recorder_count(r.recorder) == 1 ? "" : "s",
			info.resolver, cmd->output ? " into " : "", cmd->output ? cmd->output : "");
	free(text);
	recording_close(&r);
	al_zone_free(zone);
	return rc;
}

/* ---- lock --check ------------------------------------------------------------------ */

static int check_lock(al_cli *cli, const lock_cmd *cmd, const char *const *operands, size_t operand_count)
{
	al_error err = {0};
	al_lock *lock = NULL;
	if (al_lock_load_file(&lock, cmd->check, &err) != AL_OK) {
		al_cli_error("lock --check: %s", err.message);
		return AL_EXIT_ERROR;
	}
	const char *inputs[AL_CLI_MAX_LIST];
	size_t count = 0;
	for (size_t i = 0; i < operand_count && count < AL_CLI_MAX_LIST; i++)
		inputs[count++] = operands[i];
	for (size_t i = 0; i < cli->zone_count && count < AL_CLI_MAX_LIST; i++)
		inputs[count++] = cli->zones[i];
	/* no zone given: the ones the lock was made from */
	for (size_t i = 0; operand_count + cli->zone_count == 0 && i < al_lock_zone_count(lock) &&
			   count < AL_CLI_MAX_LIST; i++)
		inputs[count++] = al_lock_zone_at(lock, i);
	if (count == 0) {
		al_cli_error("lock --check: %s names no zone file: give them (authlint lock --check FILE ZONE...)",
			     cmd->check);
		al_lock_free(lock);
		return AL_EXIT_ERROR;
	}
	bool bad = false;
	al_zone *zone = load_zone_inputs(cli, inputs, count, &bad);
	if (zone == NULL || bad) {
		al_cli_error("lock --check: the zone files could not be read whole");
		al_zone_free(zone);
		al_lock_free(lock);
		return AL_EXIT_ERROR;
	}
	/* live DNS only: the drift puts the zones and the lock in front of it */
	al_cli_sources live;
	if (al_cli_sources_open_for(cli, NULL, true, &live) != AL_OK) {
		al_zone_free(zone);
		al_lock_free(lock);
		return AL_EXIT_ERROR;
	}
	int rc = AL_EXIT_ERROR;
	al_lint_options lo;
	al_cli_lint_options(cli, NULL, &lo);
	al_lock_drift *drift = NULL;
	al_status st = live.live != NULL ? al_lock_drift_compute(lock, zone, live.live, &lo, &drift) : AL_EOFFLINE;
	if (st == AL_EOFFLINE)
		al_cli_error("lock --check: no live DNS to ask (give --resolver IP, or a resolv.conf with a nameserver)");
	else if (st != AL_OK)
		al_cli_error("lock --check: %s", al_status_message(st));
	else if (al_lock_drift_write(drift, lock, cmd->check, al_live_describe(live.engine), cli->format,
				     al_sink_stdio(cli->out)) != AL_OK || fflush(cli->out) != 0)
		al_cli_error("lock --check: writing the output failed");
	else if (drift->failed_count > 0)
		rc = AL_EXIT_ERROR;
	else
		rc = al_lock_drift_changes_findings(drift) ? AL_EXIT_FINDINGS : AL_EXIT_OK;
	for (size_t i = 0; drift != NULL && i < drift->failed_count; i++)
		report_failure("lock --check", &drift->failed[i]);
	al_lock_drift_free(drift);
	al_cli_sources_close(&live);
	al_zone_free(zone);
	al_lock_free(lock);
	return rc;
}

static int lock_main(al_cli *cli, int argc, char **argv)
{
	lock_cmd cmd = {0};
	int first = 0;
	int rc = al_cli_parse(cli, argc, argv, lock_options, "o:", lock_option, &cmd, &al_cmd_lock, &first);
	if (rc != 0)
		return rc < 0 ? AL_EXIT_OK : rc;
	if (cli->lock_path != NULL) {
		al_cli_error("lock: --lock reads a lock; 'authlint lock --check FILE' checks one");
		return AL_EXIT_ERROR;
	}
	if (cli->offline) {
		al_cli_error("lock: --offline: pinning answers needs the network");
		return AL_EXIT_ERROR;
	}
	if ((rc = al_cli_load(cli)) != 0)
		return rc;
	const char *inputs[AL_CLI_MAX_LIST];
	size_t count = 0;
	for (int i = first; i < argc && count < AL_CLI_MAX_LIST; i++)
		inputs[count++] = argv[i];
	if (cmd.check != NULL)
		return check_lock(cli, &cmd, inputs, count);
	for (size_t i = 0; i < cli->zone_count && count < AL_CLI_MAX_LIST; i++)
		inputs[count++] = cli->zones[i];
	if (count == 0) {
		al_cli_error("lock: no zone file given (authlint lock ZONE... [-o FILE])");
		return AL_EXIT_ERROR;
	}
	return make_lock(cli, &cmd, inputs, count);
}

const al_cli_command al_cmd_lock = {
	"lock",
	"lock ZONE... [-o FILE] | lock --check FILE     pin the outside answers zones depend on",
	"Lint the zone files with live DNS behind them (--resolver, else resolv.conf) and\n"
	"record every question asked outside them: provider SPF trees (include and\n"
	"redirect targets with the a, mx and exists names they need), report-authorization\n"
	"records, DKIM CNAME targets. Write the answers, NXDOMAIN and NODATA included, as a\n"
	"lock file (zone-file syntax, doc/lock-file.md) to commit beside the zones; then\n"
	"'--lock FILE' answers those names offline, the same every run. A lookup that fails\n"
	"is not pinned: it is reported, no lock is written and the exit status is 2.\n"
	"\n"
	"  -o, --output FILE      write the lock to FILE (default: standard output)\n"
	"      --check FILE       ask again and report the drift: answers that changed,\n"
	"                         what each include costs now and what each SPF name needs,\n"
	"                         findings new and gone (text, or one document with\n"
	"                         --format json). The zones are the ones the lock\n"
	"                         names, or the ZONE operands. Exit 0: no drift, or answers\n"
	"                         changed without changing a lookup count or a finding; 1:\n"
	"                         lookup counts or findings changed; 2: lookups failed.\n",
	lock_main,
};
