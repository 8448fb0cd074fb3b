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

/* ---- findings, as lines to compare -------------------------------------------------- */

typedef struct lines {
	char **items;
	size_t count, capacity;
	bool nomem;
} lines;

static void lines_add(lines *l, char *line)
{
	if (line == NULL) {
		l->nomem = true;
		return;
	}
	if (l->count == l->capacity) {
		size_t cap = l->capacity ? l->capacity * 2 : 32;
		char **p = realloc(l->items, cap * sizeof(*p));
		if (p == NULL) {
			free(line);
			l->nomem = true;
			return;
		}
		l->items = p;
		l->capacity = cap;
	}
	l->items[l->count++] = line;
}

static void lines_free(lines *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void on_finding(void *userdata, const al_diag *d)
{
	if (d->waived)
		return;
	/* the rule, where, and what it says: a lookup the lock does not hold names the
	 * lock file in its reason, so LOOKUP findings compare on rule and owner only */
	bool lookup = strncmp(d->rule->id, "LOOKUP", 6) == 0;
	size_t n = strlen(d->rule->id) + (d->owner ? strlen(d->owner) : 1) + (d->message ? strlen(d->message) : 0) + 8;
	char *line = malloc(n);
	if (line != NULL)
		snprintf(line, n, "%s %s: %s", d->rule->id, d->owner ? d->owner : "-",
			 lookup || d->message == NULL ? "" : d->message);
	lines_add(userdata, line);
}

/* Lint the zones through @p source; the findings as sorted lines. */
static al_status lint_lines(al_cli *cli, al_source *source, al_zone *zone, lines *out)
{
	al_lint_options lo;
	al_cli_lint_options(cli, source, &lo);
	lo.threads = 1;
	lo.on_diag = on_finding;
	lo.userdata = out;
	al_lint *lint = NULL;
	al_status st = al_lint_new(&lint, &lo);
	if (st == AL_OK)
		st = al_lint_zone(lint, zone);
	al_lint_free(lint);
	if (st == AL_OK && out->nomem)
		st = AL_ENOMEM;
	qsort(out->items, out->count, sizeof(char *), line_cmp);
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
	if (al_cli_sources_open_for(cli, NULL, true, &r->live) != AL_OK || r->live.live == NULL) {
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

static void report_failures(const al_lock_recorder *rec)
{
	char tbuf[16];
	for (size_t i = 0; i < al_lock_recorder_count(rec); i++) {
		al_lock_question q;
		al_lock_recorder_at(rec, i, &q);
		if (!al_rcode_failed(q.rcode) && q.rcode != AL_RCODE_NOT_QUERIED && q.rcode != AL_RCODE_PENDING)
			continue;
		al_cli_error("lock: %s %s: %s%s%s%s from %s", q.name, al_rrtype_name(q.type, tbuf),
			     al_rcode_name(q.rcode), q.detail ? " (" : "", q.detail ? q.detail : "", q.detail ? ")" : "",
			     q.server ? q.server : "no server");
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
	lines findings = {0};
	al_status st = lint_lines(cli, r.top, zone, &findings);
	lines_free(&findings);
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

/* The cost of the includes the zones' own records make to names outside them:
 * the first node below a zone name on each path. */
typedef struct provider_cost {
	const char *domain;
	const char *sender;
	bool redirect;
	bool followed;
	size_t cost; /* with the include term itself */
} provider_cost;

#define MAX_PROVIDERS 64

static size_t provider_costs(const al_spf_tree *tree, al_source *zone, provider_cost *out)
{
	size_t n = 0;
	const char *path[64] = {0};
	for (size_t i = 0; i < tree->row_count && n < MAX_PROVIDERS; i++) {
		const al_spf_tree_row *row = &tree->rows[i];
		if (row->term != NULL || row->node == NULL || row->depth >= 64)
			continue;
		path[row->depth] = row->node->domain;
		if (row->depth == 0 || path[row->depth - 1] == NULL)
			continue;
		if (al_source_covers(zone, row->node->domain) || !al_source_covers(zone, path[row->depth - 1]))
			continue;
		provider_cost *p = &out[n++];
		p->domain = row->node->domain;
		p->sender = row->node->sender;
		p->redirect = row->via != NULL && row->via->term != NULL && row->via->term->type == AL_SPF_TERM_REDIRECT;
		p->followed = row->node->status != AL_SPF_NODE_NOT_FOLLOWED && row->node->status != AL_SPF_NODE_LOOKUP_FAILED;
		p->cost = row->node->cost + 1;
	}
	return n;
}

static void needs_text(char *out, size_t size, const char *root, const al_spf_tree *t)
{
	snprintf(out, size, "%s needs %zu%s", root, t->lookups, t->lookups > 10 ? ", permerror" : "");
}

/* One name's SPF lookups, locked and fresh; true when they differ. */
static bool compare_spf(al_cli *cli, const char *name, al_source *zone_source, al_source *locked, al_source *fresh)
{
	al_spf_tree_options to = {0};
	to.rules = cli->rules;
	to.no_snapshot = true;
	al_spf_tree *a = NULL, *b = NULL;
	bool changed = false;
	if (al_spf_tree_build(locked, name, &to, &a, NULL) != AL_OK ||
	    al_spf_tree_build(fresh, name, &to, &b, NULL) != AL_OK || a->root == NULL || b->root == NULL ||
	    (a->root->status == AL_SPF_NODE_NO_RECORD && b->root->status == AL_SPF_NODE_NO_RECORD)) {
		al_spf_tree_free(a);
		al_spf_tree_free(b);
		return false;
	}
	provider_cost pa[MAX_PROVIDERS], pb[MAX_PROVIDERS];
	size_t na = provider_costs(a, zone_source, pa);
	size_t nb = provider_costs(b, zone_source, pb);
	char needs[AL_NAME_MAX + 64];
	needs_text(needs, sizeof(needs), name, b);
	for (size_t i = 0; i < nb; i++) {
		const provider_cost *was = NULL;
		for (size_t k = 0; k < na && was == NULL; k++)
			if (strcmp(pa[k].domain, pb[i].domain) == 0)
				was = &pa[k];
		const char *who = pb[i].sender != NULL ? pb[i].sender : pb[i].domain;
		const char *what = pb[i].redirect ? "redirect" : "include";
		if (was == NULL || !was->followed) {
			fprintf(cli->out, "%s's %s (%s) is not in the lock; it costs %zu lookup%s now: %s\n", who, what,
				pb[i].domain, pb[i].cost, pb[i].cost == 1 ? "" : "s", needs);
			changed = true;
		} else if (was->cost != pb[i].cost) {
			fprintf(cli->out, "%s's %s now costs %zu lookup%s instead of %zu: %s\n", who, what, pb[i].cost,
				pb[i].cost == 1 ? "" : "s", was->cost, needs);
			changed = true;
		}
	}
	if (!changed && (a->lookups != b->lookups || a->void_lookups != b->void_lookups)) {
		fprintf(cli->out, "%s needs %zu lookup%s (%zu void) instead of %zu (%zu void)%s\n", name, b->lookups,
			b->lookups == 1 ? "" : "s", b->void_lookups, a->lookups, a->void_lookups,
			b->lookups > 10 ? ", permerror" : "");
		changed = true;
	} else if (changed && a->lookups != b->lookups) {
		fprintf(cli->out, "  (%s needed %zu with the lock)\n", name, a->lookups);
	}
	al_spf_tree_free(a);
	al_spf_tree_free(b);
	return changed;
}

/* Lines in @p a not in @p b (both sorted), printed with @p prefix; their number. */
static size_t print_missing(FILE *out, const lines *a, const lines *b, const char *prefix)
{
	size_t n = 0, k = 0;
	for (size_t i = 0; i < a->count; i++) {
		while (k < b->count && strcmp(b->items[k], a->items[i]) < 0)
			k++;
		if (k < b->count && strcmp(b->items[k], a->items[i]) == 0) {
			k++;
			continue;
		}
		fprintf(out, "%s%s\n", prefix, a->items[i]);
		n++;
	}
	return n;
}

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
	recording r;
	int rc = recording_open(cli, zone, &r);
	al_source *locked_src = NULL, *locked_top = NULL;
	if (rc == 0 && (al_source_new_lock(&locked_src, lock, cmd->check) != AL_OK ||
			al_source_new_layered(&locked_top, r.zone, locked_src) != AL_OK)) {
		al_cli_error("lock --check: out of memory");
		rc = AL_EXIT_ERROR;
	}
	lines was = {0}, now = {0};
	if (rc == 0 && (lint_lines(cli, locked_top, zone, &was) != AL_OK || lint_lines(cli, r.top, zone, &now) != AL_OK)) {
		al_cli_error("lock --check: out of memory");
		rc = AL_EXIT_ERROR;
	}
	if (rc == 0) {
		FILE *out = cli->out;
		fprintf(out, "lock %s: made %s from %s; asked again through %s\n", cmd->check,
			al_lock_header(lock, "generated") ? al_lock_header(lock, "generated") : "(no date)",
			al_lock_header(lock, "resolver") ? al_lock_header(lock, "resolver") : "(no resolver)",
			al_live_describe(r.live.engine));
		/* what each SPF name needs, with the lock and now */
		spf_names names = {0};
		al_zone_foreach_name(zone, collect_txt_name, &names);
		size_t spf_changed = 0;
		for (size_t i = 0; i < names.count; i++)
			spf_changed += compare_spf(cli, names.names[i], r.zone, locked_top, r.top);
		spf_names_free(&names);
		/* the answers themselves */
		size_t changed = 0, added = 0;
		char tbuf[16];
		for (size_t i = 0; i < al_lock_recorder_count(r.recorder); i++) {
			al_lock_question q;
			al_lock_recorder_at(r.recorder, i, &q);
			if (al_rcode_failed(q.rcode) || q.rcode == AL_RCODE_NOT_QUERIED)
				continue;
			bool held = false;
			bool same = al_lock_recorder_same(r.recorder, i, lock, &held);
			if (!held) {
				fprintf(out, "new question: %s %s (not in the lock): %s\n", q.name,
					al_rrtype_name(q.type, tbuf), al_rcode_name(q.rcode));
				added++;
			} else if (!same) {
				fprintf(out, "changed answer: %s %s\n", q.name, al_rrtype_name(q.type, tbuf));
				changed++;
			}
		}
		size_t gone = print_missing(out, &was, &now, "finding gone: ");
		size_t fresh = print_missing(out, &now, &was, "finding new: ");
		size_t failed = al_lock_recorder_failed(r.recorder);
		if (failed > 0)
			report_failures(r.recorder);
		bool drift = changed + added + spf_changed + gone + fresh > 0;
		if (!drift)
			fprintf(out, "no drift: every answer is the one pinned%s\n",
				failed ? " (but some lookups failed)" : "");
		else
			fprintf(out, "drift: %zu answer%s changed, %zu new question%s, %zu SPF lookup count%s changed, "
				"%zu finding%s new, %zu gone%s\n", changed, changed == 1 ? "" : "s", added,
				added == 1 ? "" : "s", spf_changed, spf_changed == 1 ? "" : "s", fresh,
				fresh == 1 ? "" : "s", gone,
				spf_changed + gone + fresh == 0 ? " (findings and lookup counts unchanged)" : "");
		if (failed > 0)
			rc = AL_EXIT_ERROR;
		else if (spf_changed + gone + fresh > 0)
			rc = AL_EXIT_FINDINGS;
		else
			rc = AL_EXIT_OK;
		if (fflush(out) != 0) {
			al_cli_error("writing the output failed: %s", strerror(errno));
			rc = AL_EXIT_ERROR;
		}
	}
	lines_free(&was);
	lines_free(&now);
	al_source_free(locked_top);
	al_source_free(locked_src);
	if (r.top != NULL)
		recording_close(&r);
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
	"                         findings new and gone. The zones are the ones the lock\n"
	"                         names, or the ZONE operands. Exit 0: no drift, or answers\n"
	"                         changed without changing a lookup count or a finding; 1:\n"
	"                         lookup counts or findings changed; 2: lookups failed.\n",
	lock_main,
};
