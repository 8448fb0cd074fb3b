/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * authlint diff OLD NEW | diff --git REV PATH: what a change to zones adds,
 * fixes and does (diff.h). Both versions are linted the way `authlint zone`
 * lints them; the old version of --git comes from `git cat-file blob`, run
 * with posix_spawnp (never a shell), its output read bounded.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "sources.h"

extern char **environ;

/* The most read of one version of a file (from git or to find touched lines). */
#define MAX_TEXT ((size_t)256 << 20)

enum { OPT_GIT = 2600, OPT_REPORTS };

typedef struct diff_cmd {
	const char *git_rev;
	const char *reports;
} diff_cmd;

static const struct option diff_options[] = {
	{"git", required_argument, NULL, OPT_GIT},
	{"reports", required_argument, NULL, OPT_REPORTS},
	{NULL, 0, NULL, 0},
};

static int diff_option(al_cli *cli, void *cmd, int id, const char *arg)
{
	(void)cli;
	diff_cmd *c = cmd;
	if (id == OPT_GIT) {
		/* a revision is never read as an option of git */
		if (arg[0] == '\0' || arg[0] == '-') {
			al_cli_error("diff: --git: '%s' is not a revision", arg);
			return AL_EXIT_ERROR;
		}
		c->git_rev = arg;
		return 0;
	}
	if (id == OPT_REPORTS) {
		c->reports = arg;
		return 0;
	}
	return AL_EXIT_ERROR;
}

/* ---- git ------------------------------------------------------------------------ */

/* Run git with @p args; its standard output whole (at most MAX_TEXT) in *out
 * when @p out is not NULL, else discarded. Standard error is git's own unless
 * @p quiet. The exit status of git, or -1 after an error (printed). */
static int run_git(const char *const *args, bool quiet, char **out, size_t *length)
{
	int fds[2];
	if (pipe(fds) != 0) {
		al_cli_error("diff: cannot run git: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int err = posix_spawnp(&pid, "git", &fa, NULL, (char *const *)args, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (err != 0) {
		close(fds[0]);
		al_cli_error("diff: cannot run git: %s", strerror(err));
		return -1;
	}
	FILE *stream = fdopen(fds[0], "rb");
	char *text = NULL;
	size_t got = 0;
	const char *why = "cannot read it";
	if (stream != NULL) {
		text = al_cli_read_stream(stream, MAX_TEXT, &got, &why);
		fclose(stream);
	} else {
		close(fds[0]);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	if (text == NULL && code == 0) {
		char limit[32];
		if (strcmp(why, "larger than the limit") == 0)
			al_cli_error("diff: git %s: the output is larger than %s", args[1], al_cli_size_text(MAX_TEXT, limit));
		else
			al_cli_error("diff: git %s: %s", args[1], why);
		return -1;
	}
	if (out != NULL) {
		*out = text;
		*length = got;
	} else {
		free(text);
	}
	return code;
}

/* The file @p path at revision @p rev: *text (NULL when the revision has no
 * such file: the change adds it). 0, or an exit code after an error. */
static int git_old_version(const char *rev, const char *path, char **text, size_t *length)
{
	*text = NULL;
	*length = 0;
	char *commit = malloc(strlen(rev) + sizeof("^{commit}"));
	if (commit == NULL)
		return AL_EXIT_ERROR;
	strcpy(commit, rev);
	strcat(commit, "^{commit}");
	const char *verify[] = {"git", "rev-parse", "--quiet", "--verify", commit, NULL};
	int code = run_git(verify, false, NULL, NULL);
	free(commit);
	if (code != 0) {
		if (code > 0)
			al_cli_error("diff: --git: '%s' is not a revision of the repository here", rev);
		return AL_EXIT_ERROR;
	}
	/* "./PATH": the path is taken from the current directory, as the work tree's is */
	size_t n = strlen(rev) + strlen(path) + 4;
	char *object = malloc(n);
	if (object == NULL)
		return AL_EXIT_ERROR;
	snprintf(object, n, "%s:%s%s", rev, path[0] == '/' ? "" : "./", path);
	const char *exists[] = {"git", "cat-file", "-e", object, NULL};
	code = run_git(exists, true, NULL, NULL);
	if (code != 0) {
		free(object);
		return code < 0 ? AL_EXIT_ERROR : 0; /* not in the revision: the change adds the file */
	}
	const char *show[] = {"git", "cat-file", "blob", object, NULL};
	code = run_git(show, false, text, length);
	free(object);
	if (code != 0) {
		free(*text);
		*text = NULL;
		if (code > 0)
			al_cli_error("diff: --git: %s at %s is not a file git can show", path, rev);
		return AL_EXIT_ERROR;
	}
	return 0;
}

/* ---- one version ------------------------------------------------------------------ */

typedef struct version {
	const char *label;   /* what the output calls it */
	al_zone *zone;
	al_cli_sources sources;
	bool sources_open;
	al_findings *findings;
	al_summary summary;
} version;

static void collect(void *list, const al_diag *diag)
{
	/* out of memory: the findings are incomplete, which the run then says */
	if (al_findings_add(list, diag) != AL_OK)
		al_findings_add_counts(list, &(al_summary){.incomplete = true});
}

static int lint_version(al_cli *cli, version *v)
{
	if (al_cli_sources_open(cli, v->zone, &v->sources) != AL_OK) {
		al_cli_error("diff: cannot set up the DNS sources for %s", v->label);
		return AL_EXIT_ERROR;
	}
	v->sources_open = true;
	v->findings = al_findings_new();
	if (v->findings == NULL) {
		al_cli_error("diff: out of memory");
		return AL_EXIT_ERROR;
	}
	al_lint_options lo;
	al_cli_lint_options(cli, v->sources.top, &lo);
	lo.threads = v->sources.live == NULL ? cli->threads : 1;
	lo.on_diag = collect;
	lo.userdata = v->findings;
	al_lint *lint = NULL;
	al_status st = al_lint_new(&lint, &lo);
	if (st != AL_OK) {
		al_cli_error("diff: cannot start: %s", al_status_message(st));
		return AL_EXIT_ERROR;
	}
	st = al_lint_zone(lint, v->zone);
	v->summary = *al_lint_summary(lint);
	al_summary_add(&v->summary, al_findings_summary(v->findings));
	al_lint_free(lint);
	if (st != AL_OK) {
		al_cli_error("diff: linting %s failed: %s", v->label, al_status_message(st));
		return AL_EXIT_ERROR;
	}
	return 0;
}

static void version_free(version *v)
{
	if (v->sources_open)
		al_cli_sources_close(&v->sources);
	al_findings_free(v->findings);
	al_zone_free(v->zone);
}

/* ---- touched lines ------------------------------------------------------------------ */

/* A whole regular file, or NULL (no such file: *missing) */
static char *read_file(const char *path, size_t *length, bool *missing)
{
	*missing = false;
	struct stat sb;
	if (stat(path, &sb) != 0) {
		*missing = errno == ENOENT;
		return NULL;
	}
	if (!S_ISREG(sb.st_mode))
		return NULL;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	const char *why;
	char *text = al_cli_read_stream(f, MAX_TEXT, length, &why);
	fclose(f);
	return text;
}

typedef struct touched_set {
	al_diff_touched *items;
	size_t count;
	char **owned; /* file names made here */
	size_t owned_count;
} touched_set;

static bool touched_has(const touched_set *t, const char *file)
{
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->items[i].file, file) == 0)
			return true;
	return false;
}

/* The old counterpart of @p file of the new version: the OLD operand for NEW,
 * OLD/REST for NEW/REST; NULL when there is none. Freed by the caller. */
static char *old_counterpart(const char *file, const char *old_path, const char *new_path)
{
	size_t n = strlen(new_path);
	if (strcmp(file, new_path) == 0)
		return strdup(old_path);
	if (strncmp(file, new_path, n) == 0 && n > 0 && (new_path[n - 1] == '/' || file[n] == '/')) {
		const char *rest = file + n + (new_path[n - 1] == '/' ? 0 : 1);
		size_t m = strlen(old_path) + strlen(rest) + 2;
		char *out = malloc(m);
		if (out != NULL)
			snprintf(out, m, "%s/%s", old_path, rest);
		return out;
	}
	return NULL;
}

/* The touched lines of every file an added finding points at. Old text: from
 * git (@p git_text, for @p new_path), else the counterpart file; a file with no
 * old counterpart that exists is new: every line is touched. */
static int touched_build(const al_diff *diff, const char *old_path, const char *new_path, bool git,
			 const char *git_text, size_t git_length, touched_set *t)
{
	memset(t, 0, sizeof(*t));
	t->items = calloc(diff->added_count ? diff->added_count : 1, sizeof(*t->items));
	t->owned = calloc(diff->added_count ? diff->added_count : 1, sizeof(*t->owned));
	if (t->items == NULL || t->owned == NULL)
		return AL_EXIT_ERROR;
	for (size_t i = 0; i < diff->added_count; i++) {
		const char *file = diff->added[i].diag->location.file;
		if (file == NULL || touched_has(t, file))
			continue;
		size_t new_length = 0, old_length = 0;
		bool missing = false;
		char *new_text = read_file(file, &new_length, &missing);
		if (new_text == NULL)
			continue; /* not a file (<stdin>): no line was touched there */
		char *old_text = NULL;
		bool old_missing = false;
		if (git) {
			if (strcmp(file, new_path) == 0) {
				old_text = git_text != NULL ? strndup(git_text, git_length) : strdup("");
				old_length = git_text != NULL ? git_length : 0;
			}
		} else {
			char *old_file = old_counterpart(file, old_path, new_path);
			if (old_file != NULL) {
				old_text = read_file(old_file, &old_length, &old_missing);
				if (old_text == NULL && old_missing)
					old_text = strdup("");
			}
			free(old_file);
		}
		if (old_text == NULL) {
			free(new_text);
			continue; /* no old counterpart to compare with */
		}
		al_diff_range *ranges = NULL;
		size_t count = 0;
		al_status st = al_diff_lines(old_text, old_length, new_text, new_length, &ranges, &count);
		free(old_text);
		free(new_text);
		char *name = strdup(file);
		if (st != AL_OK || name == NULL) {
			free(ranges);
			free(name);
			al_cli_error("diff: out of memory");
			return AL_EXIT_ERROR;
		}
		t->owned[t->owned_count++] = name;
		t->items[t->count++] = (al_diff_touched){name, ranges, count};
	}
	return 0;
}

static void touched_free(touched_set *t)
{
	for (size_t i = 0; i < t->count; i++)
		free((void *)t->items[i].ranges);
	for (size_t i = 0; i < t->owned_count; i++)
		free(t->owned[i]);
	free(t->items);
	free(t->owned);
}

/* One version, and the --zone files that answer for names outside it. */
static al_status load_version(al_cli *cli, const char *path, al_zone **out)
{
	const char *paths[AL_CLI_MAX_LIST + 1];
	size_t n = 0;
	paths[n++] = path;
	for (size_t i = 0; i < cli->zone_count; i++)
		paths[n++] = cli->zones[i];
	return al_cli_load_zones(cli, paths, n, NULL, out);
}

/* ---- the command ------------------------------------------------------------------ */

static int diff_main(al_cli *cli, int argc, char **argv)
{
	diff_cmd cmd = {0};
	int first = 0;
	int rc = al_cli_parse(cli, argc, argv, diff_options, "", diff_option, &cmd, &al_cmd_diff, &first);
	if (rc != 0)
		return rc < 0 ? AL_EXIT_OK : rc;
	int operands = argc - first;
	if (cmd.git_rev != NULL ? operands != 1 : operands != 2) {
		al_cli_error(cmd.git_rev != NULL ? "diff: --git REV takes one path (authlint diff --git REV PATH)"
						 : "diff: give the old and the new version (authlint diff OLD NEW)");
		return AL_EXIT_ERROR;
	}
	al_diff_format format = AL_DIFF_TEXT;
	if (cli->format_set && al_diff_format_parse(cli->format_name, &format) != AL_OK) {
		al_cli_error("diff: --format: '%s' is not text, json, markdown or sarif", cli->format_name);
		return AL_EXIT_ERROR;
	}
	if ((rc = al_cli_load(cli)) != 0)
		return rc;
	if (!cli->format_set && al_config_format(cli->config) != NULL)
		(void)al_diff_format_parse(al_config_format(cli->config), &format);
	const char *new_path = argv[first + (cmd.git_rev != NULL ? 0 : 1)];
	const char *old_path = cmd.git_rev != NULL ? NULL : argv[first];
	if (strcmp(new_path, "-") == 0 || (old_path != NULL && strcmp(old_path, "-") == 0)) {
		al_cli_error("diff: the versions are files or directories, not standard input");
		return AL_EXIT_ERROR;
	}
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	cli->threads = cpus > 8 ? 8u : cpus > 0 ? (unsigned)cpus : 1u;

	version old_v = {0}, new_v = {0};
	char *git_text = NULL, *old_label = NULL;
	size_t git_length = 0;
	al_diff *diff = NULL;
	touched_set touched = {0};
	int code = AL_EXIT_ERROR;
	if (cmd.git_rev != NULL) {
		struct stat sb;
		if (stat(new_path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			al_cli_error("diff: --git compares one file; %s is a directory", new_path);
			goto done;
		}
		if (git_old_version(cmd.git_rev, new_path, &git_text, &git_length) != 0)
			goto done;
		size_t n = strlen(cmd.git_rev) + strlen(new_path) + 2;
		old_label = malloc(n);
		if (old_label == NULL)
			goto done;
		snprintf(old_label, n, "%s:%s", cmd.git_rev, new_path);
		al_zone_options zo = {.origin = cli->zone_origin};
		if (al_zone_new(&old_v.zone, &zo) != AL_OK)
			goto done;
		al_error err = {0};
		/* in the format the work tree's file is read in (--input-format, or recognised) */
		if (git_text != NULL)
			(void)al_zone_load_input_text(old_v.zone, old_label, git_text, git_length, cli->input_format,
						      &err);
		/* --zone files answer for both versions */
		for (size_t i = 0; i < cli->zone_count; i++)
			(void)al_cli_zone_load(old_v.zone, cli->zones[i], &err);
		old_v.label = old_label;
	} else {
		old_v.label = old_path;
		if (load_version(cli, old_path, &old_v.zone) != AL_OK)
			goto done;
	}
	new_v.label = new_path;
	if (load_version(cli, new_path, &new_v.zone) != AL_OK)
		goto done;
	if (lint_version(cli, &old_v) != 0 || lint_version(cli, &new_v) != 0)
		goto done;
	al_findings_sort(old_v.findings);
	al_findings_sort(new_v.findings);

	al_diff_options o = {0};
	o.old_source = old_v.sources.top;
	o.new_source = new_v.sources.top;
	o.old_zone = old_v.zone;
	o.new_zone = new_v.zone;
	o.rules = cli->rules;
	o.snapshot = cli->snapshot;
	o.no_snapshot = cli->no_snapshot;
	al_error err = {0};
	al_status st = al_diff_compute(&o, old_v.findings, new_v.findings, &diff, &err);
	if (st != AL_OK) {
		al_cli_error("%s", err.message[0] ? err.message : al_status_message(st));
		goto done;
	}
	bool reports_failed = false;
	if (cmd.reports != NULL && diff->dkim_count > 0) {
		st = al_diff_count_dkim(diff, cmd.reports, NULL);
		/* problems go to standard error, whatever the format */
		fflush(cli->out);
		al_diff_write_problems(diff, al_sink_stdio(stderr));
		reports_failed = st != AL_OK || diff->report_fatal > 0;
	}
	/* 2: the new version could not be read whole, a lookup of either failed, or
	 * the reports asked for could not be read; 1: an added finding at or above
	 * --fail-on; 0 otherwise */
	al_summary exit_summary = diff->added_summary;
	exit_summary.input_error = new_v.summary.input_error || reports_failed;
	exit_summary.incomplete = old_v.summary.incomplete || new_v.summary.incomplete;
	code = al_cli_exit_code(cli, &exit_summary);
	if (format == AL_DIFF_SARIF &&
	    touched_build(diff, old_path, new_path, cmd.git_rev != NULL, git_text, git_length, &touched) != 0) {
		code = AL_EXIT_ERROR;
		goto done;
	}
	o.touched = touched.items;
	o.touched_count = touched.count;
	o.exit_code = code;
	st = al_diff_write(diff, &o, format, old_v.label, new_v.label, al_sink_stdio(cli->out));
	if (st != AL_OK || fflush(cli->out) != 0) {
		al_cli_error("diff: writing the output failed");
		code = AL_EXIT_ERROR;
	}
done:
	touched_free(&touched);
	al_diff_free(diff);
	version_free(&new_v);
	version_free(&old_v);
	free(git_text);
	free(old_label);
	return code;
}

const al_cli_command al_cmd_diff = {
	.name = "diff",
	.synopsis = "diff OLD NEW | diff --git REV PATH      what a change adds, fixes and does",
	.usage = "Lint two versions of zones (files, or what 'authlint zone' reads) and say what the\n"
		 "change does: the findings it adds and the ones it fixes (matched by rule, owner\n"
		 "and record, not by line), per name the SPF lookup count before and after, the\n"
		 "DMARC policy before and after as RFC 7489 and RFC 9989 receivers apply it, the\n"
		 "sending services SPF includes added or removed, and the DKIM keys removed.\n"
		 "--fail-on applies to the added findings only.\n"
		 "\n"
		 "With --zone FILE, the files answer names outside the versions for both of them.\n"
		 "\n"
		 "  -f, --format FMT       text (default), json, markdown (a pull-request comment) or\n"
		 "                         sarif (the added findings on lines the change touched)\n"
		 "      --git REV         compare PATH as it is at git revision REV (read with\n"
		 "                         'git cat-file blob') with the work tree's\n"
		 "      --reports DIR     DMARC aggregate reports: for each DKIM key removed, how many\n"
		 "                         messages the reports show signed with it, and when\n",
	.run = diff_main,
	.formats = "text, json, markdown, sarif",
};
