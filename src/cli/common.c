/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

enum {
	OPT_FORMAT = 1000,
	OPT_FAIL_ON,
	OPT_CONFIG,
	OPT_RULES_DIR,
	OPT_RESOLVER,
	OPT_ZONE,
	OPT_SELECTOR,
	OPT_TIMEOUT,
	OPT_NO_COLOR,
	OPT_OFFLINE,
	OPT_DMARC_SPEC,
	OPT_PROVIDER_SNAPSHOT,
	OPT_PSL,
	OPT_ORIGIN,
	OPT_INPUT_FORMAT,
	OPT_LOCK,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option common_options[] = {
	{"format", required_argument, NULL, OPT_FORMAT},
	{"fail-on", required_argument, NULL, OPT_FAIL_ON},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"rules-dir", required_argument, NULL, OPT_RULES_DIR},
	{"resolver", required_argument, NULL, OPT_RESOLVER},
	{"zone", required_argument, NULL, OPT_ZONE},
	{"origin", required_argument, NULL, OPT_ORIGIN},
	{"input-format", required_argument, NULL, OPT_INPUT_FORMAT},
	{"lock", required_argument, NULL, OPT_LOCK},
	{"selector", required_argument, NULL, OPT_SELECTOR},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"no-color", no_argument, NULL, OPT_NO_COLOR},
	{"offline", no_argument, NULL, OPT_OFFLINE},
	{"dmarc-spec", required_argument, NULL, OPT_DMARC_SPEC},
	{"provider-snapshot", required_argument, NULL, OPT_PROVIDER_SNAPSHOT},
	{"psl", required_argument, NULL, OPT_PSL},
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, OPT_HELP},
	{"version", no_argument, NULL, OPT_VERSION},
};

#define COMMON_COUNT (sizeof(common_options) / sizeof(common_options[0]))

static const char common_help[] =
	"Common options:\n"
	"  -f, --format FMT       text, json, jsonl, sarif or github (default text)\n"
	"      --fail-on SEV      exit 1 on findings at or above error, warning, note; never (default error)\n"
	"  -c, --config FILE      configuration (default ./.authlint.yaml when present)\n"
	"      --rules-dir DIR    read the rule registry from DIR instead of the built-in one\n"
	"  -r, --resolver IP[:PORT]  a recursive resolver to use (repeatable)\n"
	"  -z, --zone FILE        answer lookups from a zone file (repeatable)\n"
	"      --origin NAME      the origin of zone files that set no $ORIGIN and start with no SOA\n"
	"      --input-format F   zone inputs are bind, octodns, dnscontrol or terraform (default:\n"
	"                         recognised from each input)\n"
	"      --lock FILE        answer names outside the zones from a lock file ('authlint lock'),\n"
	"                         offline: a name the lock does not hold is not checked (LOOKUP002)\n"
	"  -s, --selector SEL     a DKIM selector to check (repeatable)\n"
	"      --timeout S        per-query timeout in seconds (default 2)\n"
	"      --offline          never send a DNS query; report what was not checked\n"
	"      --dmarc-spec N     read DMARC records as an RFC 9989 (default) or 7489 receiver\n"
	"      --provider-snapshot FILE  what SPF include targets not looked up cost (default:\n"
	"                         the built-in data/provider-spf.yaml); 'none' for no estimates\n"
	"      --psl FILE         the Public Suffix List for organizational domains (text or\n"
	"                         DAFSA; default: the system's list, else libpsl's built-in one)\n"
	"      --no-color         no colour (also when NO_COLOR is set or output is not a terminal)\n"
	"  -q, --quiet            less output (no summary line)\n"
	"  -v, --verbose          more output\n"
	"  -h, --help             this help\n"
	"  -V, --version          the version\n"
	"\n"
	"Exit status: 0 nothing at or above --fail-on; 1 findings at or above it;\n"
	"2 usage, input or I/O error, or an incomplete result (a lookup failed).\n";

void al_cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("authlint: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void print_usage(const al_cli_command *command)
{
	printf("usage: authlint %s\n\n%s\n%s", command->synopsis, command->usage, common_help);
}

static bool add_list(const char **list, size_t *count, const char *value, const char *what)
{
	if (*count >= AL_CLI_MAX_LIST) {
		al_cli_error("too many %s (at most %d)", what, AL_CLI_MAX_LIST);
		return false;
	}
	list[(*count)++] = value;
	return true;
}

static int common_option(al_cli *cli, int id, const char *arg, const al_cli_command *command)
{
	switch (id) {
	case 'f':
	case OPT_FORMAT:
		cli->format_name = arg;
		if (al_format_parse(arg, &cli->format) != AL_OK) {
			/* a command may write formats of its own (reports: csv) */
			bool own = false;
			for (const char *f = command != NULL ? command->formats : NULL; f != NULL && *f && !own;) {
				size_t n = strcspn(f, ", ");
				own = n == strlen(arg) && strncmp(f, arg, n) == 0;
				f += n;
				f += strspn(f, ", ");
			}
			if (!own) {
				al_cli_error("--format: '%s' is not %s", arg,
					     command != NULL && command->formats != NULL ? command->formats
											 : "text, json, jsonl, sarif or github");
				return AL_EXIT_ERROR;
			}
		}
		cli->format_set = true;
		return 0;
	case OPT_FAIL_ON:
		if (al_severity_parse(arg, &cli->fail_on) != AL_OK) {
			al_cli_error("--fail-on: '%s' is not error, warning, note or never", arg);
			return AL_EXIT_ERROR;
		}
		cli->fail_on_set = true;
		return 0;
	case 'c':
	case OPT_CONFIG:
		cli->config_path = arg;
		return 0;
	case OPT_PSL:
		cli->psl_path = arg;
		return 0;
	case OPT_PROVIDER_SNAPSHOT:
		cli->snapshot_path = arg;
		return 0;
	case OPT_RULES_DIR:
		cli->rules_dir = arg;
		return 0;
	case 'r':
	case OPT_RESOLVER:
		return add_list(cli->resolvers, &cli->resolver_count, arg, "resolvers") ? 0 : AL_EXIT_ERROR;
	case 'z':
	case OPT_ZONE:
		return add_list(cli->zones, &cli->zone_count, arg, "zone files") ? 0 : AL_EXIT_ERROR;
	case OPT_ORIGIN:
		cli->zone_origin = arg;
		return 0;
	case OPT_INPUT_FORMAT:
		if (al_input_format_parse(arg, &cli->input_format) != AL_OK) {
			al_cli_error("--input-format: '%s' is not bind, octodns, dnscontrol or terraform", arg);
			return AL_EXIT_ERROR;
		}
		return 0;
	case OPT_LOCK:
		/* the lock answers for everything outside the zones: nothing goes out live */
		cli->lock_path = arg;
		cli->offline = true;
		return 0;
	case 's':
	case OPT_SELECTOR:
		return add_list(cli->selectors, &cli->selector_count, arg, "selectors") ? 0 : AL_EXIT_ERROR;
	case OPT_TIMEOUT: {
		char *end = NULL;
		errno = 0;
		double t = strtod(arg, &end);
		if (errno != 0 || end == arg || *end != '\0' || !(t > 0) || t > 3600) {
			al_cli_error("--timeout: '%s' is not a number of seconds between 0 and 3600", arg);
			return AL_EXIT_ERROR;
		}
		cli->timeout = t;
		return 0;
	}
	case OPT_NO_COLOR:
		cli->no_color = true;
		return 0;
	case OPT_OFFLINE:
		cli->offline = true;
		return 0;
	case OPT_DMARC_SPEC:
		if (strcmp(arg, "7489") == 0 || strcmp(arg, "rfc7489") == 0)
			cli->dmarc_spec = AL_GENERATION_RFC7489;
		else if (strcmp(arg, "9989") == 0 || strcmp(arg, "rfc9989") == 0)
			cli->dmarc_spec = AL_GENERATION_RFC9989;
		else {
			al_cli_error("--dmarc-spec: '%s' is not 7489 or 9989", arg);
			return AL_EXIT_ERROR;
		}
		return 0;
	case 'q':
		cli->quiet++;
		return 0;
	case 'v':
		cli->verbose++;
		return 0;
	case 'h':
	case OPT_HELP:
		print_usage(command);
		return -1;
	case 'V':
	case OPT_VERSION:
		printf("authlint %s\n", al_version());
		return -1;
	}
	return AL_EXIT_ERROR;
}

int al_cli_parse(al_cli *cli, int argc, char **argv, const struct option *own, const char *own_short,
		 al_cli_option_fn handler, void *cmd, const al_cli_command *command, int *first)
{
	size_t own_count = 0;
	while (own != NULL && own[own_count].name != NULL)
		own_count++;
	struct option *all = calloc(COMMON_COUNT + own_count + 1, sizeof(*all));
	if (all == NULL) {
		al_cli_error("out of memory");
		return AL_EXIT_ERROR;
	}
	memcpy(all, common_options, sizeof(common_options));
	if (own_count > 0)
		memcpy(all + COMMON_COUNT, own, own_count * sizeof(*own));
	char shorts[128];
	snprintf(shorts, sizeof(shorts), "f:c:r:z:s:qvhV%s", own_short ? own_short : "");
	/* getopt_long sees the command name as argv[0] */
	optind = 1;
	opterr = 0;
	int rc = 0;
	for (;;) {
		int longindex = -1;
		int id = getopt_long(argc, argv, shorts, all, &longindex);
		if (id == -1)
			break;
		if (id == '?' || id == ':') {
			const char *bad = argv[optind - 1];
			if (optopt != 0 && optopt < 256)
				al_cli_error("%s: option -%c %s", command->name, optopt,
					     id == ':' ? "needs a value" : "is not known");
			else
				al_cli_error("%s: option '%s' is not known or needs a value", command->name,
					     bad ? bad : "?");
			fprintf(stderr, "Try 'authlint %s --help'.\n", command->name);
			rc = AL_EXIT_ERROR;
			break;
		}
		bool own_opt = longindex >= (int)COMMON_COUNT ||
			       (longindex < 0 && own_short != NULL && strchr(own_short, id) != NULL);
		if (own_opt && handler != NULL)
			rc = handler(cli, cmd, id, optarg);
		else
			rc = common_option(cli, id, optarg, command);
		if (rc != 0)
			break;
	}
	free(all);
	*first = optind;
	const char *nc = getenv("NO_COLOR");
	cli->color = !cli->no_color && (nc == NULL || nc[0] == '\0') && isatty(fileno(cli->out));
	if (rc == -1)
		return -1; /* help or version printed */
	return rc;
}

/* Now, for everything that depends on the date: SOURCE_DATE_EPOCH (reproducible
 * builds' convention) when it is set and valid, else the clock. */
static int64_t cli_now(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde != NULL && sde[0] != '\0') {
		char *end = NULL;
		long long v = strtoll(sde, &end, 10);
		if (end != NULL && *end == '\0' && v >= 0)
			return (int64_t)v;
	}
	return (int64_t)time(NULL);
}

char *al_cli_read_stdin_input(size_t max, const char *what, size_t *length, al_error *err)
{
	const char *why;
	char *data = al_cli_read_stream(stdin, max, length, &why);
	char limit[32];
	if (data == NULL && strcmp(why, "larger than the limit") == 0)
		al_error_set(err, AL_ELIMIT, "<stdin>: larger than %s, the limit for %s",
			     al_cli_size_text(max, limit), what);
	else if (data == NULL)
		al_error_set(err, AL_EIO, "<stdin>: %s", why);
	return data;
}

/* --provider-snapshot FILE, "-" for standard input */
static al_status load_snapshot(al_cli *cli, al_error *err)
{
	if (strcmp(cli->snapshot_path, "-") != 0)
		return al_spf_snapshot_load_file(cli->snapshot_path, &cli->snapshot, err);
	size_t length;
	char *text = al_cli_read_stdin_input(AL_CLI_MAX_STDIN_YAML, "a provider snapshot", &length, err);
	if (text == NULL)
		return err->status;
	al_status st = al_spf_snapshot_load_text("-", text, length, &cli->snapshot, err);
	free(text);
	return st;
}

/* --config FILE, "-" for standard input */
static al_status load_config(al_cli *cli, const char *path, al_error *err)
{
	if (strcmp(path, "-") != 0)
		return al_config_load(&cli->config, path, cli->rules, err);
	size_t length;
	char *text = al_cli_read_stdin_input(AL_CLI_MAX_STDIN_YAML, "a configuration file", &length, err);
	if (text == NULL)
		return err->status;
	al_status st = al_config_load_buffer(&cli->config, "-", text, length, cli->rules, err);
	free(text);
	return st;
}

int al_cli_load(al_cli *cli)
{
	al_error err = {0};
	cli->now = cli_now();
	al_date_format(al_date_from_unix(cli->now), cli->today);
	al_status st = cli->rules_dir ? al_rules_load_dir(&cli->rules, cli->rules_dir, &err)
				      : al_rules_load_builtin(&cli->rules, &err);
	if (st != AL_OK) {
		al_cli_error("%s", err.message[0] ? err.message : al_status_message(st));
		return AL_EXIT_ERROR;
	}
	/* the Public Suffix List: --psl, else AUTHLINT_PSL_FILE (the tests'), else the library's default */
	const char *psl = cli->psl_path;
	if (psl == NULL && getenv("AUTHLINT_PSL_FILE") != NULL && getenv("AUTHLINT_PSL_FILE")[0] != '\0')
		psl = getenv("AUTHLINT_PSL_FILE");
	if (psl != NULL && al_psl_load_file(psl, &cli->psl, &err) != AL_OK) {
		al_cli_error("%s", err.message[0] ? err.message : "cannot read the Public Suffix List");
		return AL_EXIT_ERROR;
	}
	/* the provider snapshot: a file given, or the registry's; a broken one is an error */
	if (cli->snapshot_path != NULL && strcmp(cli->snapshot_path, "none") == 0)
		cli->no_snapshot = true;
	else if (cli->snapshot_path != NULL)
		st = load_snapshot(cli, &err);
	else
		st = al_spf_snapshot_load_builtin(&cli->snapshot, &err);
	if (st != AL_OK) {
		al_cli_error("%s", err.message[0] ? err.message : al_status_message(st));
		return AL_EXIT_ERROR;
	}
	const char *path = cli->config_path;
	if (path == NULL && access(AL_CONFIG_FILENAME, F_OK) == 0)
		path = AL_CONFIG_FILENAME;
	if (path != NULL) {
		st = load_config(cli, path, &err);
		if (st != AL_OK) {
			al_cli_error("%s", err.message[0] ? err.message : al_status_message(st));
			return AL_EXIT_ERROR;
		}
	}
	if (!cli->fail_on_set && al_config_fail_on(cli->config) != NULL)
		al_severity_parse(al_config_fail_on(cli->config), &cli->fail_on);
	if (!cli->format_set && al_config_format(cli->config) != NULL)
		al_format_parse(al_config_format(cli->config), &cli->format);
	if (cli->dmarc_spec == AL_GENERATION_ANY && al_config_dmarc_spec(cli->config) != NULL)
		cli->dmarc_spec = strcmp(al_config_dmarc_spec(cli->config), "7489") == 0
					  ? AL_GENERATION_RFC7489
					  : AL_GENERATION_RFC9989;
	for (size_t i = 0; cli->resolver_count == 0 && i < al_config_resolver_count(cli->config); i++)
		add_list(cli->resolvers, &cli->resolver_count, al_config_resolver_at(cli->config, i),
			 "resolvers");
	for (size_t i = 0; cli->selector_count == 0 && i < al_config_selector_count(cli->config); i++)
		add_list(cli->selectors, &cli->selector_count, al_config_selector_at(cli->config, i),
			 "selectors");
	return 0;
}

void al_cli_finish(al_cli *cli)
{
	al_config_free(cli->config);
	cli->config = NULL;
	al_rules_free(cli->rules);
	cli->rules = NULL;
	al_spf_snapshot_free(cli->snapshot);
	cli->snapshot = NULL;
	al_psl_free(cli->psl);
	cli->psl = NULL;
}

int al_cli_status_exit(al_status status)
{
	return status == AL_OK ? AL_EXIT_OK : AL_EXIT_ERROR;
}

al_emitter *al_cli_emitter_new(al_cli *cli, const char *const *inputs, size_t input_count)
{
	return al_cli_emitter_new_sink(cli, al_sink_stdio(cli->out), inputs, input_count);
}

al_emitter *al_cli_emitter_new_sink(al_cli *cli, al_sink sink, const char *const *inputs, size_t input_count)
{
	al_emit_options eo = {0};
	eo.rules = cli->rules;
	eo.color = cli->color;
	eo.show_source = cli->quiet == 0;
	eo.command = cli->command;
	eo.inputs = inputs;
	eo.input_count = input_count;
	eo.show_waived = cli->verbose > 0;
	al_emitter *em = NULL;
	al_status st = al_emitter_new(&em, cli->format, sink, &eo);
	if (st != AL_OK) {
		al_cli_error("cannot start the output: %s", al_status_message(st));
		return NULL;
	}
	return em;
}

void al_cli_lint_options(const al_cli *cli, al_source *source, al_lint_options *lo)
{
	memset(lo, 0, sizeof(*lo));
	lo->rules = cli->rules;
	lo->config = cli->config;
	lo->source = source;
	lo->offline = cli->offline;
	lo->dmarc_spec = cli->dmarc_spec;
	lo->selectors = cli->selectors;
	lo->selector_count = cli->selector_count;
	lo->threads = cli->threads;
	lo->today = cli->today;
	lo->provider_snapshot = cli->snapshot;
	lo->no_provider_snapshot = cli->no_snapshot;
	lo->psl = cli->psl;
}

int al_cli_zone_findings(al_cli *cli, const al_zone *zone, al_emitter *em, al_summary *total)
{
	if (zone == NULL || al_zone_problem_count(zone) == 0)
		return 0;
	al_lint_options lo;
	al_cli_lint_options(cli, NULL, &lo);
	lo.offline = true; /* only the reading problems: nothing is looked up */
	lo.on_diag = al_emitter_diag_fn;
	lo.userdata = em;
	al_lint *lint = NULL;
	if (al_lint_new(&lint, &lo) != AL_OK) {
		al_cli_error("cannot start: out of memory");
		return AL_EXIT_ERROR;
	}
	al_lint_zone_problems(lint, zone);
	al_summary_add(total, al_lint_summary(lint));
	al_lint_free(lint);
	return 0;
}

bool al_cli_zone_problems_stderr(al_cli *cli, const al_zone *zone)
{
	if (zone == NULL || al_zone_problem_count(zone) == 0)
		return false;
	al_emit_options eo = {0};
	eo.rules = cli->rules;
	eo.show_source = cli->quiet == 0;
	eo.command = cli->command;
	al_emitter *em = NULL;
	al_summary total = {0};
	if (al_emitter_new(&em, AL_FORMAT_TEXT, al_sink_stdio(stderr), &eo) != AL_OK ||
	    al_cli_zone_findings(cli, zone, em, &total) != 0) {
		/* no findings to be had: the reader's own words, which are printable (source.h) */
		for (size_t i = 0; i < al_zone_problem_count(zone); i++) {
			const al_zone_problem *p = al_zone_problem_at(zone, i);
			al_cli_error("%s:%lu: %s", p->file ? p->file : "?", p->line, p->message ? p->message : "?");
			total.input_error |= al_zone_problem_unread(p->kind);
		}
	}
	al_emitter_free(em);
	return total.input_error;
}

int al_cli_exit_code(const al_cli *cli, const al_summary *summary)
{
	/* 2: something could not be read or looked up; 1: a finding at or above
	 * --fail-on (default error; never: none); 0 otherwise */
	return al_summary_exit_code(summary, cli->fail_on);
}

int al_cli_run_lint(al_cli *cli, al_source *source, const char *const *inputs, size_t input_count,
		    al_cli_lint_fn fn, void *userdata)
{
	al_emitter *em = al_cli_emitter_new(cli, inputs, input_count);
	if (em == NULL)
		return AL_EXIT_ERROR;
	al_status st;
	al_lint_options lo;
	al_cli_lint_options(cli, source, &lo);
	lo.on_diag = al_emitter_diag_fn;
	lo.userdata = em;
	al_lint *lint = NULL;
	st = al_lint_new(&lint, &lo);
	if (st != AL_OK) {
		al_emitter_free(em);
		al_cli_error("cannot start: %s", al_status_message(st));
		return AL_EXIT_ERROR;
	}
	al_emitter_begin(em);
	st = AL_OK;
	if (cli->zone_input != NULL)
		st = al_lint_zone_problems(lint, cli->zone_input);
	if (st == AL_OK)
		st = fn(cli, lint, userdata);
	const al_summary *sum = al_lint_summary(lint);
	int code = al_cli_exit_code(cli, sum);
	if (st != AL_OK)
		code = AL_EXIT_ERROR;
	al_emitter_end(em, sum, code);
	if (al_emitter_status(em) != AL_OK) {
		al_cli_error("writing the output failed");
		code = AL_EXIT_ERROR;
	}
	al_lint_free(lint);
	al_emitter_free(em);
	if (fflush(cli->out) != 0) {
		al_cli_error("writing the output failed: %s", strerror(errno));
		code = AL_EXIT_ERROR;
	}
	return code;
}

FILE *al_cli_open_input(const char *command, const char *path)
{
	if (strcmp(path, "-") == 0)
		return stdin;
	/* O_NONBLOCK: a FIFO with no writer is refused below, not waited for */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	const char *why = NULL;
	if (fd < 0 || fstat(fd, &st) != 0)
		why = strerror(errno);
	else if (S_ISDIR(st.st_mode))
		why = "is a directory";
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file (a device, a FIFO or a socket); use - for standard input";
	FILE *f = why == NULL ? fdopen(fd, "rb") : NULL;
	if (f == NULL) {
		al_cli_error("%s: %s: %s", command, path, why != NULL ? why : strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return f;
}

char *al_cli_read_stream(FILE *stream, size_t max, size_t *length, const char **why)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	/* room for max bytes, one more to tell that there are more, and the NUL */
	while (buf != NULL) {
		if (len + 1 >= cap) {
			if (cap >= max + 2)
				break;
			size_t grown = cap * 2 < max + 2 ? cap * 2 : max + 2;
			char *p = realloc(buf, grown);
			if (p == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = p;
			cap = grown;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, stream);
		if (n == 0)
			break;
		len += n;
	}
	*why = NULL;
	if (buf == NULL)
		*why = "out of memory";
	else if (ferror(stream))
		*why = "cannot read it";
	else if (len > max)
		*why = "larger than the limit";
	if (*why != NULL) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*length = len;
	return buf;
}

const char *al_cli_size_text(size_t n, char out[32])
{
	if (n >= (1u << 30) && n % (1u << 30) == 0)
		snprintf(out, 32, "%zu GiB", n >> 30);
	else if (n >= (1u << 20) && n % (1u << 20) == 0)
		snprintf(out, 32, "%zu MiB", n >> 20);
	else
		snprintf(out, 32, "%zu bytes", n);
	return out;
}

double al_cli_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *al_cli_read_all(const char *command, FILE *stream, const char *label, size_t max, size_t *length)
{
	const char *why;
	char *buf = al_cli_read_stream(stream, max, length, &why);
	char limit[32];
	if (buf == NULL && strcmp(why, "larger than the limit") == 0)
		al_cli_error("%s: %s is larger than %s", command, label, al_cli_size_text(max, limit));
	else if (buf == NULL)
		al_cli_error("%s: cannot read %s", command, label);
	return buf;
}

char *al_cli_read_stdin(const char *command, size_t *length)
{
	size_t len = 0;
	char *buf = al_cli_read_all(command, stdin, "standard input", 1u << 20, &len);
	if (buf == NULL)
		return NULL;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	buf[len] = '\0';
	*length = len;
	return buf;
}

void al_cli_collect_diag(void *userdata, const al_diag *diag)
{
	al_cli_collect *c = userdata;
	if (c->emitter != NULL)
		al_emitter_diag_fn(c->emitter, diag);
	else
		al_findings_add(c->findings, diag);
}
