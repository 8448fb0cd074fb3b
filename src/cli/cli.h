/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The command line: option parsing shared by every subcommand, loading the
 * registry and configuration, choosing the output and the exit code. Commands
 * only parse their options and call the library.
 */
#ifndef AL_CLI_H
#define AL_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <authlint/authlint.h>

/* exit codes */
enum {
	AL_EXIT_OK = 0,
	AL_EXIT_FINDINGS = 1,
	AL_EXIT_ERROR = 2,
};

#define AL_CLI_MAX_LIST 256

/* Options every command accepts. */
typedef struct al_cli {
	const char *command;
	al_format format;
	bool format_set;
	const char *format_name; /* --format as given */
	al_severity fail_on;
	bool fail_on_set;
	const char *config_path;
	const char *rules_dir;
	const char *snapshot_path;   /* --provider-snapshot */
	const char *psl_path;        /* --psl */
	al_spf_snapshot *snapshot;   /* loaded by al_cli_load; NULL: none */
	bool no_snapshot;            /* --provider-snapshot none */
	al_psl *psl;                 /* --psl or AUTHLINT_PSL_FILE, loaded by al_cli_load; NULL: the default */
	const char *resolvers[AL_CLI_MAX_LIST];
	size_t resolver_count;
	const char *zones[AL_CLI_MAX_LIST];
	size_t zone_count;
	const char *zone_origin; /* --origin: for zone files that set none */
	al_input_format input_format; /* --input-format; AL_INPUT_AUTO: recognised per input */
	const char *lock_path;   /* --lock: names outside the zones answered from this lock file, offline */
	const char *selectors[AL_CLI_MAX_LIST];
	size_t selector_count;
	double timeout;
	bool no_color;
	bool color;       /* decided: a terminal, no NO_COLOR, no --no-color */
	int quiet;
	int verbose;
	bool offline;
	al_generation dmarc_spec;
	unsigned threads;  /* zone mode: lint threads (set by the command) */
	unsigned live_share; /* check: live engines running at once, sharing one's budget */
	/* zone files that only answer lookups: al_cli_run_lint reports their problems first */
	const al_zone *zone_input;
	/* the date in UTC (SOURCE_DATE_EPOCH when set, else the clock): waiver expiry,
	 * the plan's default start */
	int64_t now;
	char today[11];
	/* loaded */
	al_rules *rules;
	al_config *config;
	FILE *out;
} al_cli;

/* A command's own options: getopt_long entries and a handler. The handler
 * returns 0 when it took the option, 2 for a usage error. */
typedef int (*al_cli_option_fn)(al_cli *cli, void *cmd, int id, const char *arg);

typedef struct al_cli_command {
	const char *name;
	const char *synopsis;    /* one line for --help */
	const char *usage;       /* the command's own help text */
	int (*run)(al_cli *cli, int argc, char **argv);
	const char *formats;     /* --format values it takes when not the common ones, or NULL */
} al_cli_command;

/* Parse common options and the command's own; leaves operands in argv[*first..argc).
 * Returns 0, or an exit code to stop with (help printed: 0; usage error: 2). */
int al_cli_parse(al_cli *cli, int argc, char **argv, const struct option *own, const char *own_short,
		 al_cli_option_fn handler, void *cmd, const al_cli_command *command, int *first);
/* Load the registry (--rules-dir or built in) and the configuration
 * (--config or ./.authlint.yaml); apply configuration defaults. 0 or 2. */
int al_cli_load(al_cli *cli);
/* Free what al_cli_load loaded. */
void al_cli_finish(al_cli *cli);
/* "authlint: error: ..." on stderr. */
void al_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Run a lint with an emitter on stdout; returns the exit code. The callback
 * does the linting with the given options. */
typedef al_status (*al_cli_lint_fn)(al_cli *cli, al_lint *lint, void *userdata);
/**
 * Report the problems of reading @p zone as ZONE findings through @p em, and
 * add their counts to @p total (input_error when something could not be read).
 * For commands that do not lint through al_cli_run_lint (check).
 */
/**
 * The exit status of every command whose result is findings: 2 when input
 * could not be read or a lookup failed, 1 with a finding at or above
 * --fail-on (default error), else 0.
 */
int al_cli_exit_code(const al_cli *cli, const al_summary *summary);
/** Lint options from the command line and configuration (rules, dates, lists, selectors). */
void al_cli_lint_options(const al_cli *cli, al_source *source, al_lint_options *lo);
int al_cli_zone_findings(al_cli *cli, const al_zone *zone, al_emitter *em, al_summary *total);
/**
 * For commands whose standard output is not a list of findings (spf, plan,
 * propagation): the problems of reading @p zone as ZONE findings in text on
 * standard error. True when some of the file could not be read (exit 2).
 */
bool al_cli_zone_problems_stderr(al_cli *cli, const al_zone *zone);
int al_cli_run_lint(al_cli *cli, al_source *source, const char *const *inputs, size_t input_count,
		    al_cli_lint_fn fn, void *userdata);
/*
 * Where the findings of a run go: streamed to @p emitter when there is one
 * (sarif, github, jsonl: as every command writes them), else kept in
 * @p findings for the command's own writer.
 */
typedef struct al_cli_collect {
	al_findings *findings;
	al_emitter *emitter;
} al_cli_collect;
/* al_lint_options.on_diag for a run whose userdata is an al_cli_collect. */
void al_cli_collect_diag(void *userdata, const al_diag *diag);
/* The emitter of --format on stdout, for the command's inputs; NULL (error printed) on failure. */
al_emitter *al_cli_emitter_new(al_cli *cli, const char *const *inputs, size_t input_count);
/* The same, writing to @p sink instead of stdout. */
al_emitter *al_cli_emitter_new_sink(al_cli *cli, al_sink sink, const char *const *inputs, size_t input_count);
/* Exit code for an al_status from the library (2 for anything but AL_OK). */
int al_cli_status_exit(al_status status);
/* The input file @p path for reading ("-": stdin), a regular file: a directory, a
 * device or a FIFO is refused (not read for ever, not waited for); NULL after an
 * error naming @p command and the file. Close it unless it is stdin. */
FILE *al_cli_open_input(const char *command, const char *path);
/* Everything @p stream holds, at most @p max bytes, NUL-terminated; NULL after an
 * error naming @p command and @p label ("standard input", a file name). The caller
 * frees it. */
char *al_cli_read_all(const char *command, FILE *stream, const char *label, size_t max, size_t *length);
/* The same without a message: NULL with *why "larger than the limit", "cannot
 * read it" or "out of memory". */
char *al_cli_read_stream(FILE *stream, size_t max, size_t *length, const char **why);
/* Standard input whole for an input named "-" (a configuration, a suite), at
 * most @p max bytes; NULL with the reason in @p err ("<stdin>: larger than 16
 * MiB, the limit for @p what"). The caller frees it. */
char *al_cli_read_stdin_input(size_t max, const char *what, size_t *length, al_error *err);
/* The most read from standard input for a YAML input (the library's bound too). */
#define AL_CLI_MAX_STDIN_YAML ((size_t)16 << 20)
/* @p n bytes as "1 GiB", "64 MiB" or "100 bytes". */
const char *al_cli_size_text(size_t n, char out[32]);
/* Seconds of the monotonic clock (only differences mean anything). */
double al_cli_now(void);
/* Standard input whole (at most 1 MiB), without its final line breaks; NULL
 * after an error message naming @p command. The caller frees it. */
char *al_cli_read_stdin(const char *command, size_t *length);

/* subcommands */
extern const al_cli_command al_cmd_zone;
extern const al_cli_command al_cmd_record;
extern const al_cli_command al_cmd_rules;
extern const al_cli_command al_cmd_explain;
extern const al_cli_command al_cmd_check;
extern const al_cli_command al_cmd_spf;
extern const al_cli_command al_cmd_propagation;
extern const al_cli_command al_cmd_plan;
extern const al_cli_command al_cmd_align;
extern const al_cli_command al_cmd_triage;
extern const al_cli_command al_cmd_reports;
extern const al_cli_command al_cmd_lock;
extern const al_cli_command al_cmd_diff;

#endif
