/* SPDX-License-Identifier: GPL-3.0-or-later */
/* authlint check DOMAIN... | --domains-file FILE: lint live DNS, one domain or a million. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "sources.h"

enum {
	OPT_DOMAINS_FILE = 2100,
	OPT_JOBS,
	OPT_SHARD,
	OPT_MAX_QUERIES,
	OPT_MAX_TIME,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_NO_DISCOVER,
	OPT_THREADS,
	OPT_SHARD_COUNT,
	OPT_SHARD_INDEX,
	OPT_RESUME,
};

typedef struct check_cmd {
	const char *domains_files[AL_CLI_MAX_LIST];
	size_t domains_file_count;
	unsigned long jobs;
	const char *shard;
	unsigned long max_queries;
	double max_time;
	int progress; /* -1 never, 0 on a terminal, 1 always */
	bool no_discover;
	unsigned long threads; /* 0: one per processor, up to 8 */
	unsigned long shard_count;
	const char *shard_index; /* 1-based; else JOB_COMPLETION_INDEX, 0-based */
	const char *resume;
} check_cmd;

static const struct option check_options[] = {
	{"domains-file", required_argument, NULL, OPT_DOMAINS_FILE},
	{"jobs", required_argument, NULL, OPT_JOBS},
	{"shard", required_argument, NULL, OPT_SHARD},
	{"max-queries", required_argument, NULL, OPT_MAX_QUERIES},
	{"max-time", required_argument, NULL, OPT_MAX_TIME},
	{"progress", no_argument, NULL, OPT_PROGRESS},
	{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
	{"no-discover", no_argument, NULL, OPT_NO_DISCOVER},
	{"threads", required_argument, NULL, OPT_THREADS},
	{"shard-count", required_argument, NULL, OPT_SHARD_COUNT},
	{"shard-index", required_argument, NULL, OPT_SHARD_INDEX},
	{"resume", required_argument, NULL, OPT_RESUME},
	{NULL, 0, NULL, 0},
};

static bool parse_count(const char *arg, unsigned long max, unsigned long *out)
{
	char *end = NULL;
	errno = 0;
	unsigned long v = strtoul(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 1 || v > max || arg[0] == '-')
		return false;
	*out = v;
	return true;
}

static int check_option(al_cli *cli, void *cmdp, int id, const char *arg)
{
	(void)cli;
	check_cmd *c = cmdp;
	switch (id) {
	case 'd':
	case OPT_DOMAINS_FILE:
		if (c->domains_file_count >= AL_CLI_MAX_LIST) {
			al_cli_error("check: too many --domains-file");
			return AL_EXIT_ERROR;
		}
		c->domains_files[c->domains_file_count++] = arg;
		return 0;
	case 'j':
	case OPT_JOBS:
		if (!parse_count(arg, 100000, &c->jobs)) {
			al_cli_error("check: -j: '%s' is not a number from 1 to 100000", arg);
			return AL_EXIT_ERROR;
		}
		return 0;
	case OPT_SHARD:
		c->shard = arg;
		return 0;
	case OPT_MAX_QUERIES:
		if (!parse_count(arg, 100000, &c->max_queries)) {
			al_cli_error("check: --max-queries: '%s' is not a number from 1 to 100000", arg);
			return AL_EXIT_ERROR;
		}
		return 0;
	case OPT_MAX_TIME: {
		char *end = NULL;
		double t = strtod(arg, &end);
		if (end == arg || *end != '\0' || !(t > 0) || t > 86400) {
			al_cli_error("check: --max-time: '%s' is not a number of seconds up to 86400", arg);
			return AL_EXIT_ERROR;
		}
		c->max_time = t;
		return 0;
	}
	case OPT_PROGRESS:
		c->progress = 1;
		return 0;
	case OPT_NO_PROGRESS:
		c->progress = -1;
		return 0;
	case OPT_NO_DISCOVER:
		c->no_discover = true;
		return 0;
	case OPT_THREADS:
		if (!parse_count(arg, 64, &c->threads) || c->threads == 0) {
			al_cli_error("check: --threads takes a number from 1 to 64");
			return AL_EXIT_ERROR;
		}
		return 0;
	case OPT_SHARD_COUNT:
		if (!parse_count(arg, 1000000, &c->shard_count)) {
			al_cli_error("check: --shard-count: '%s' is not a number from 1 to 1000000", arg);
			return AL_EXIT_ERROR;
		}
		return 0;
	case OPT_SHARD_INDEX:
		c->shard_index = arg;
		return 0;
	case OPT_RESUME:
		c->resume = arg;
		return 0;
	}
	return AL_EXIT_ERROR;
}

/* The sources of one more thread: an engine and a cache of its own. */
typedef struct thread_sources {
	al_cli *cli;
	al_zone *zone;
	al_live_stats closed; /* the engines of the other threads, added up as they close */
} thread_sources;

static void add_stats(al_live_stats *to, const al_live_stats *from)
{
	to->queries += from->queries;
	to->sent += from->sent;
	to->received += from->received;
	to->retries += from->retries;
	to->timeouts += from->timeouts;
	to->tcp += from->tcp;
	to->failed += from->failed;
	to->dropped += from->dropped;
	to->cache_hits += from->cache_hits;
	to->cache_entries += from->cache_entries;
	to->cache_bytes += from->cache_bytes;
	to->evicted += from->evicted;
	to->max_in_flight += from->max_in_flight;
}

static al_status open_thread_sources(void *userdata, al_check_sources *out)
{
	thread_sources *ts = userdata;
	al_cli_sources *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return AL_ENOMEM;
	al_status st = al_cli_sources_open_for(ts->cli, ts->zone, !ts->cli->offline, s);
	if (st != AL_OK) {
		free(s);
		return st;
	}
	out->live = s->engine;
	out->source = s->top;
	out->userdata = s;
	return AL_OK;
}

static void close_thread_sources(void *userdata, al_check_sources *sources)
{
	thread_sources *ts = userdata;
	al_cli_sources *s = sources->userdata;
	if (s != NULL && s->engine != NULL) {
		al_live_stats st;
		al_live_get_stats(s->engine, &st);
		add_stats(&ts->closed, &st);
	}
	if (s != NULL) {
		al_cli_sources_close(s);
		free(s);
	}
}

/* SIGINT or SIGTERM: the run stops (the library polls it), the lines
 * written stay whole, the exit status is 128 + the signal's number. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int signo)
{
	stop_signal = signo;
}

static bool stop_requested(void *userdata)
{
	(void)userdata;
	return stop_signal != 0;
}

/* A second signal of the same kind ends the process the usual way
 * (SA_RESETHAND); writes interrupted by the first are restarted. */
static void catch_stop_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND | SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static const char *signal_name(int signo)
{
	return signo == SIGINT ? "SIGINT" : signo == SIGTERM ? "SIGTERM" : "a signal";
}

/*
 * The output in batches: what the emitter writes (a jsonl line, a finding) is
 * gathered here and goes out in one write(2) when the next would not fit,
 * when BATCH_SECONDS have passed since the last write, before the interrupted
 * line and at the end; only whole lines leave at the first two, so a run
 * killed outright leaves whole lines too. To a terminal, or beside the
 * progress line, every result goes out at once.
 */
#define BATCH_BYTES ((size_t)64 << 10)
#define BATCH_SECONDS 0.1

typedef struct batch {
	FILE *out;
	char *data;
	size_t length;
	bool at_once;
	bool failed;
	double last; /* when it last wrote */
} batch;

/* All of @p data to the stream's descriptor, past stdio (after what stdio holds). */
static bool write_all(FILE *out, const char *data, size_t length)
{
	if (fflush(out) != 0)
		return false;
	int fd = fileno(out);
	while (length > 0) {
		ssize_t n = write(fd, data, length);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		data += n;
		length -= (size_t)n;
	}
	return true;
}

/* Write the first @p length bytes and keep the rest. */
static bool batch_write_out(batch *b, size_t length)
{
	if (length > 0 && !b->failed && !write_all(b->out, b->data, length))
		b->failed = true;
	memmove(b->data, b->data + length, b->length - length);
	b->length -= length;
	b->last = al_cli_now();
	return !b->failed;
}

/* Everything held, up to its last newline (all of it with @p all). */
static bool batch_flush(batch *b, bool all)
{
	size_t n = b->length;
	if (!all) {
		const char *nl = n > 0 ? memrchr(b->data, '\n', n) : NULL;
		n = nl != NULL ? (size_t)(nl - b->data) + 1 : 0;
	}
	return batch_write_out(b, n);
}

static int batch_sink_write(void *ctx, const void *data, size_t length)
{
	batch *b = ctx;
	if (b->failed)
		return -1;
	if (b->data == NULL) /* no buffer: straight through */
		return write_all(b->out, data, length) ? 0 : -1;
	if (b->length + length > BATCH_BYTES && !batch_flush(b, false))
		return -1;
	if (b->length + length > BATCH_BYTES) {
		/* a piece larger than the buffer (or a line cut by it): all of it now */
		if (!batch_flush(b, true) || !write_all(b->out, data, length)) {
			b->failed = true;
			return -1;
		}
		b->last = al_cli_now();
		return 0;
	}
	memcpy(b->data + b->length, data, length);
	b->length += length;
	return 0;
}

/* Between results: write what is held when it is due. */
static void batch_tick(batch *b)
{
	if (b->length > 0 && (b->at_once || al_cli_now() - b->last >= BATCH_SECONDS))
		batch_flush(b, false);
}

typedef struct check_run {
	al_cli *cli;
	al_emitter *emitter;
	batch *out;
	bool progress;
	bool progress_shown;
	double elapsed; /* as the library last reported it */
	size_t done;    /* results written */
} check_run;

static void on_result(void *userdata, const al_domain_result *r)
{
	check_run *run = userdata;
	run->done++;
	if (run->progress_shown) {
		/* the progress line is on stderr; findings on stdout may share the terminal */
		fputs("\r\033[K", stderr);
		run->progress_shown = false;
	}
	al_emitter_result(run->emitter, r);
	batch_tick(run->out);
}

static void format_duration(char *buf, size_t size, double s)
{
	if (!(s >= 0) || s > 360000)
		snprintf(buf, size, "--:--");
	else if (s >= 3600)
		snprintf(buf, size, "%d:%02d:%02d", (int)s / 3600, ((int)s / 60) % 60, (int)s % 60);
	else
		snprintf(buf, size, "%d:%02d", (int)s / 60, (int)s % 60);
}

static void on_progress(void *userdata, const al_check_progress *p)
{
	check_run *run = userdata;
	run->elapsed = p->elapsed;
	batch_tick(run->out);
	if (!run->progress)
		return;
	char eta[32];
	format_duration(eta, sizeof(eta), p->eta);
	fprintf(stderr, "\r\033[K%zu/%zu domains  %.0f/s  ETA %s  %zu in flight  %zu queries  %zu incomplete",
		p->done, p->total, p->rate, p->done == p->total ? "0:00" : eta, p->in_flight, p->queries,
		p->incomplete);
	fflush(stderr);
	run->progress_shown = true;
}

static int read_domains(check_cmd *cmd, char **argv, int first, int argc, al_domain_list *list,
			bool *input_error)
{
	for (int i = first; i < argc; i++) {
		al_error err;
		if (al_domain_list_add(list, argv[i], &err) != AL_OK) {
			al_cli_error("check: %s", err.message);
			*input_error = true;
		}
	}
	for (size_t i = 0; i < cmd->domains_file_count; i++) {
		const char *path = cmd->domains_files[i];
		bool is_stdin = strcmp(path, "-") == 0;
		FILE *f = al_cli_open_input("check", path);
		if (f == NULL)
			return AL_EXIT_ERROR;
		al_error err = {0};
		al_status st = al_domain_list_read(list, f, is_stdin ? "<stdin>" : path, &err);
		if (!is_stdin)
			fclose(f);
		if (st != AL_OK) {
			al_cli_error("check: %s", err.message);
			return AL_EXIT_ERROR;
		}
	}
	for (size_t i = 0; i < al_domain_list_problem_count(list); i++) {
		al_cli_error("check: %s", al_domain_list_problem_at(list, i));
		*input_error = true;
	}
	return 0;
}

static void print_summary(const al_summary *s, const al_live *live, const al_live_stats *others,
			  size_t domains, double elapsed, bool verbose)
{
	fprintf(stderr, "checked %zu domain%s in %.1f s", domains, domains == 1 ? "" : "s", elapsed);
	if (elapsed > 0 && domains > 0)
		fprintf(stderr, " (%.0f/s)", (double)domains / elapsed);
	fprintf(stderr, ": %zu error%s, %zu warning%s, %zu note%s", s->by_severity[AL_SEVERITY_ERROR],
		s->by_severity[AL_SEVERITY_ERROR] == 1 ? "" : "s", s->by_severity[AL_SEVERITY_WARNING],
		s->by_severity[AL_SEVERITY_WARNING] == 1 ? "" : "s", s->by_severity[AL_SEVERITY_NOTE],
		s->by_severity[AL_SEVERITY_NOTE] == 1 ? "" : "s");
	if (s->waived > 0)
		fprintf(stderr, ", %zu waived", s->waived);
	fprintf(stderr, "; %zu lookup%s failed", s->lookups_failed, s->lookups_failed == 1 ? "" : "s");
	if (live != NULL) {
		al_live_stats st;
		al_live_get_stats(live, &st);
		add_stats(&st, others);
		fprintf(stderr, "; %zu queries, %zu from cache", st.queries, st.cache_hits);
		if (verbose)
			fprintf(stderr,
				"\nlive DNS: %zu datagrams and connections sent, %zu received, %zu retries, %zu "
				"tries timed out, %zu over TCP, %zu responses dropped, %zu questions failed, at "
				"most %zu in flight; cache: %zu entries, %zu KiB, %zu evicted",
				st.sent, st.received, st.retries, st.timeouts, st.tcp, st.dropped, st.failed,
				st.max_in_flight, st.cache_entries, st.cache_bytes / 1024, st.evicted);
	}
	fputc('\n', stderr);
}

/* A shard index: digits only, @p lowest to @p highest. */
static bool parse_index(const char *text, unsigned long lowest, unsigned long highest, unsigned long *out)
{
	char *end = NULL;
	errno = 0;
	unsigned long v = strtoul(text, &end, 10);
	if (text[0] < '0' || text[0] > '9' || errno != 0 || *end != '\0' || v < lowest || v > highest)
		return false;
	*out = v;
	return true;
}

/*
 * The shard this process checks: --shard K/N; or --shard-count N with the
 * index from --shard-index I (1 to N, as GNU parallel's {%} slot) or from the
 * environment of a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, 0 to N-1).
 */
static int pick_shard(const check_cmd *cmd, unsigned *k, unsigned *n)
{
	if (cmd->shard != NULL && (cmd->shard_count > 0 || cmd->shard_index != NULL)) {
		al_cli_error("check: --shard K/N, or --shard-count N (with --shard-index): not both");
		return AL_EXIT_ERROR;
	}
	if (cmd->shard != NULL) {
		al_error err;
		if (al_shard_parse(cmd->shard, k, n, &err) != AL_OK) {
			al_cli_error("check: --shard: %s", err.message);
			return AL_EXIT_ERROR;
		}
		return 0;
	}
	if (cmd->shard_count == 0) {
		if (cmd->shard_index != NULL) {
			al_cli_error("check: --shard-index needs --shard-count N");
			return AL_EXIT_ERROR;
		}
		return 0;
	}
	unsigned long count = cmd->shard_count, index = 0;
	if (cmd->shard_index != NULL) {
		if (!parse_index(cmd->shard_index, 1, count, &index)) {
			al_cli_error("check: --shard-index: '%s' is not a number from 1 to %lu (it counts from 1, "
				     "as GNU parallel's {%%})",
				     cmd->shard_index, count);
			return AL_EXIT_ERROR;
		}
	} else {
		const char *env = getenv("JOB_COMPLETION_INDEX");
		if (env == NULL || env[0] == '\0') {
			al_cli_error("check: --shard-count %lu: which shard? Give --shard-index I (1 to %lu; GNU "
				     "parallel: --shard-index {%%}), or run as a Kubernetes Indexed Job "
				     "(JOB_COMPLETION_INDEX is not set)",
				     count, count);
			return AL_EXIT_ERROR;
		}
		if (!parse_index(env, 0, count - 1, &index)) {
			al_cli_error("check: JOB_COMPLETION_INDEX='%.40s' is not a number from 0 to %lu (--shard-count "
				     "%lu; completions of the Job must equal it)",
				     env, count - 1, count);
			return AL_EXIT_ERROR;
		}
		index++; /* Kubernetes counts from 0 */
	}
	*k = (unsigned)index;
	*n = (unsigned)count;
	return 0;
}

/*
 * --resume FILE: drop the domains that FILE, an earlier jsonl output, has a
 * whole result for. A missing file is a run not started yet.
 */
static int resume(al_cli *cli, const check_cmd *cmd, al_domain_list *list)
{
	const char *path = cmd->resume;
	bool is_stdin = strcmp(path, "-") == 0;
	if (is_stdin) {
		for (size_t i = 0; i < cmd->domains_file_count; i++)
			if (strcmp(cmd->domains_files[i], "-") == 0) {
				al_cli_error("check: --resume - and --domains-file - cannot both be standard input");
				return AL_EXIT_ERROR;
			}
	}
	size_t before = al_domain_list_count(list);
	if (!is_stdin && access(path, F_OK) != 0 && errno == ENOENT) {
		if (cli->quiet == 0)
			fprintf(stderr, "authlint: check: --resume %s: no such file yet: all %zu domains to check\n",
				path, before);
		return 0;
	}
	FILE *f = al_cli_open_input("check", path);
	if (f == NULL)
		return AL_EXIT_ERROR;
	al_resume_info info;
	al_error err = {0};
	al_status st = al_domain_list_resume(list, f, is_stdin ? "<stdin>" : path, &info, &err);
	if (!is_stdin)
		fclose(f);
	if (st != AL_OK) {
		al_cli_error("check: --resume: %s", err.message);
		return AL_EXIT_ERROR;
	}
	if (info.bad_lines > 0)
		fprintf(stderr,
			"authlint: warning: check: %s:%lu: %zu line%s not one whole JSON object (cut short, then "
			"appended to?): passed over, their domains are checked again\n",
			path, info.first_bad_line, info.bad_lines, info.bad_lines == 1 ? " is" : "s are");
	/* the output going onto this very file */
	struct stat in, out;
	bool same_file = !is_stdin && stat(path, &in) == 0 && fstat(fileno(cli->out), &out) == 0 &&
			 in.st_dev == out.st_dev && in.st_ino == out.st_ino;
	if (same_file && (fcntl(fileno(cli->out), F_GETFL) & O_APPEND) == 0)
		fprintf(stderr,
			"authlint: warning: check: the output goes to %s without appending ('>', not '>>'): "
			"what it held may be gone, and this run writes over it\n",
			path);
	else if (same_file && info.no_final_newline)
		fputc('\n', cli->out); /* not glued onto its last line, cut short */
	if (cli->quiet == 0)
		fprintf(stderr, "authlint: check: --resume %s: %zu domain%s done there, %zu left\n", path, info.skipped,
			info.skipped == 1 ? "" : "s", al_domain_list_count(list));
	return 0;
}

static int check_main(al_cli *cli, int argc, char **argv)
{
	check_cmd cmd;
	memset(&cmd, 0, sizeof(cmd));
	int first = 0;
	int rc = al_cli_parse(cli, argc, argv, check_options, "d:j:", check_option, &cmd, &al_cmd_check, &first);
	if (rc != 0)
		return rc < 0 ? AL_EXIT_OK : rc;
	if (first >= argc && cmd.domains_file_count == 0) {
		al_cli_error("check: no domain given (authlint check DOMAIN... or --domains-file FILE)");
		return AL_EXIT_ERROR;
	}
	catch_stop_signals();
	unsigned shard_k = 1, shard_n = 1;
	if ((rc = pick_shard(&cmd, &shard_k, &shard_n)) != 0)
		return rc;
	if ((rc = al_cli_load(cli)) != 0)
		return rc;
	if (cmd.resume != NULL && cli->format != AL_FORMAT_JSONL) {
		al_cli_error("check: --resume continues a jsonl output: add --format jsonl");
		return AL_EXIT_ERROR;
	}
	al_domain_list *list = NULL;
	if (al_domain_list_new(&list) != AL_OK) {
		al_cli_error("out of memory");
		return AL_EXIT_ERROR;
	}
	bool input_error = false;
	if ((rc = read_domains(&cmd, argv, first, argc, list, &input_error)) != 0) {
		al_domain_list_free(list);
		return rc;
	}
	if (al_domain_list_shard(list, shard_k, shard_n) != AL_OK) {
		al_domain_list_free(list);
		al_cli_error("out of memory");
		return AL_EXIT_ERROR;
	}
	if (cmd.resume != NULL && (rc = resume(cli, &cmd, list)) != 0) {
		al_domain_list_free(list);
		return rc;
	}
	al_zone *zone = NULL;
	if (cli->zone_count > 0)
		al_cli_load_zones(cli, cli->zones, cli->zone_count, NULL, &zone);
	/* the checks are CPU work: one event loop per processor, each with its own
	 * engine and cache, when lookups go out live */
	unsigned threads = 1;
	if (!cli->offline) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cmd.threads ? (unsigned)cmd.threads : (cpus > 8 ? 8u : cpus > 0 ? (unsigned)cpus : 1u);
	}
	cli->live_share = threads;
	al_cli_sources sources;
	if (al_cli_sources_open_for(cli, zone, !cli->offline, &sources) != AL_OK) {
		al_zone_free(zone);
		al_domain_list_free(list);
		return AL_EXIT_ERROR;
	}
	const char *inputs[AL_CLI_MAX_LIST];
	size_t input_count = 0;
	for (int i = first; i < argc && input_count < AL_CLI_MAX_LIST; i++)
		inputs[input_count++] = argv[i];
	for (size_t i = 0; i < cmd.domains_file_count && input_count < AL_CLI_MAX_LIST; i++)
		inputs[input_count++] = cmd.domains_files[i];
	bool progress = cmd.progress > 0 || (cmd.progress == 0 && cli->quiet == 0 && isatty(STDERR_FILENO));
	batch out = {cli->out, malloc(BATCH_BYTES), 0, progress || isatty(fileno(cli->out)), false, al_cli_now()};
	al_sink sink = {batch_sink_write, &out};
	al_emitter *em = al_cli_emitter_new_sink(cli, sink, inputs, input_count);
	if (em == NULL) {
		free(out.data);
		al_cli_sources_close(&sources);
		al_zone_free(zone);
		al_domain_list_free(list);
		return AL_EXIT_ERROR;
	}
	thread_sources ts = {cli, zone, {0}};
	check_run run = {0};
	run.cli = cli;
	run.emitter = em;
	run.out = &out;
	run.progress = progress;

	al_check_options co;
	memset(&co, 0, sizeof(co));
	al_cli_lint_options(cli, sources.top, &co.lint);
	co.lint.threads = 0; /* the bulk driver has threads of its own */
	co.lint.no_selector_discovery = cmd.no_discover;
	co.live = sources.engine;
	co.jobs = cmd.jobs;
	co.max_questions = cmd.max_queries;
	co.max_seconds = cmd.max_time;
	co.on_result = on_result;
	co.userdata = &run;
	co.on_progress = on_progress;
	co.progress_userdata = &run;
	co.cancelled = stop_requested;
	if (sources.engine != NULL) {
		co.threads = threads;
		co.open_sources = open_thread_sources;
		co.close_sources = close_thread_sources;
		co.sources_userdata = &ts;
	}

	al_emitter_begin(em);
	/* the zone files' problems first: the answers from them may be incomplete */
	al_summary zone_total = {0};
	if (al_cli_zone_findings(cli, zone, em, &zone_total) != 0) {
		batch_flush(&out, true);
		free(out.data);
		al_emitter_free(em);
		al_cli_sources_close(&sources);
		al_zone_free(zone);
		al_domain_list_free(list);
		return AL_EXIT_ERROR;
	}
	al_summary total;
	al_status st = al_check_domains(&co, list, &total);
	al_summary_add(&total, &zone_total);
	if (run.progress_shown)
		fputc('\n', stderr);
	if (input_error)
		total.input_error = true;
	int code = al_cli_exit_code(cli, &total);
	int signo = st == AL_ECANCELED ? (int)stop_signal : 0;
	if (signo != 0) {
		code = 128 + signo;
	} else if (st != AL_OK) {
		al_cli_error("check: %s", al_status_message(st));
		code = AL_EXIT_ERROR;
	}
	al_emitter_end(em, &total, code);
	bool written = batch_flush(&out, true);
	free(out.data);
	out.data = NULL;
	size_t domains_total = al_domain_list_count(list);
	if (signo != 0) {
		/* the last line: the run did not finish; the lines above are whole */
		if (cli->format == AL_FORMAT_JSONL)
			fprintf(cli->out,
				"{\"type\":\"interrupted\",\"signal\":\"%s\",\"domains_done\":%zu,"
				"\"domains_total\":%zu}\n",
				signal_name(signo), run.done, domains_total);
		al_cli_error("check: interrupted by %s: %zu of %zu domains done", signal_name(signo), run.done,
			     domains_total);
	}
	if (!written || al_emitter_status(em) != AL_OK || fflush(cli->out) != 0) {
		al_cli_error("writing the output failed");
		code = AL_EXIT_ERROR;
	}
	if (cli->quiet == 0)
		print_summary(&total, sources.engine, &ts.closed, signo != 0 ? run.done : domains_total,
			      run.elapsed, cli->verbose > 0);
	al_emitter_free(em);
	al_cli_sources_close(&sources);
	al_zone_free(zone);
	al_domain_list_free(list);
	return code;
}

const al_cli_command al_cmd_check = {
	"check",
	"check DOMAIN... | --domains-file FILE [-j N]   lint live DNS, one domain or a million",
	"Look up the SPF record of each domain, its DMARC policy and its DKIM keys (the\n"
	"selectors given with --selector, in the configuration, or after the domain in a\n"
	"domains file) through the resolvers, and run every check on them, with the whole\n"
	"include tree. Many domains are checked at once from one event loop; answers are\n"
	"cached, so what domains share is asked once. A lookup that fails (timeout,\n"
	"SERVFAIL) is reported as LOOKUP001 and makes the result incomplete (exit 2); it\n"
	"is never read as a missing record.\n"
	"\n"
	"  -d, --domains-file FILE  domains to check, one per line ('-': standard input);\n"
	"                           DKIM selectors may follow a domain; '#' comments;\n"
	"                           blank lines skipped; a domain given twice is checked once\n"
	"  -j, --jobs N           domains in flight at once, per thread (default 200)\n"
	"      --threads N        event loops, each with its own engine and cache (default:\n"
	"                         one per processor, up to 8); they share the queries on the\n"
	"                         wire (200) and the cache memory (64 MiB) one would use\n"
	"      --shard K/N        check only the K-th of N shards (by a hash of the name)\n"
	"      --shard-count N    N shards, this one from --shard-index or, in a Kubernetes\n"
	"                         Indexed Job, from JOB_COMPLETION_INDEX (0 to N-1)\n"
	"      --shard-index I    with --shard-count: shard I, from 1 to N (GNU parallel:\n"
	"                         --shard-index {%}, the job slot, counts from 1 too)\n"
	"      --resume FILE      skip the domains FILE, an earlier --format jsonl output,\n"
	"                         has a whole result line for (a missing FILE: none);\n"
	"                         append to it: --resume out.jsonl >> out.jsonl\n"
	"      --max-queries N    questions one domain may need (default 500); at most 2N\n"
	"                         go to the servers for it\n"
	"      --max-time S       seconds one domain may take (default 60)\n"
	"      --no-discover      for a domain without selectors, do not probe the common\n"
	"                         ones (about 60 lookups each)\n"
	"      --progress         show the progress line on stderr also when not a terminal\n"
	"      --no-progress      never show it\n"
	"\n"
	"With --format jsonl each domain's result is one line, written as soon as the\n"
	"domain is done. A summary goes to stderr at the end (not with -q).\n"
	"SIGINT or SIGTERM stops the run at once: lines written are whole, jsonl ends with\n"
	"an \"interrupted\" line counting the domains done, the exit status is 130 or 143.\n"
	"Resolvers: --resolver IP[:PORT] (repeatable; IPv6 as [addr]:port), else the\n"
	"configuration's, else /etc/resolv.conf.\n",
	check_main,
};
