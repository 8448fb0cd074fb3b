/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file spf_eval.h
 * SPF (RFC 7208) evaluation: the check_host() evaluator with a trace of every
 * lookup and match, the lookup tree of a domain analysed without a client IP,
 * the test-suite runner, and their writers. The record parser is
 * authlint/spf.h.
 *
 * Every text handed back is raw (it may hold any byte a DNS answer held);
 * escape it before printing (the CLI and the emitters do).
 */
#ifndef AUTHLINT_SPF_EVAL_H
#define AUTHLINT_SPF_EVAL_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/emit.h>
#include <authlint/rule.h>
#include <authlint/source.h>
#include <authlint/spf.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- check_host() --------------------------------------------------------- */

typedef struct al_spf_request {
	const char *ip;        /**< client address: "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1" */
	const char *sender;    /**< MAIL FROM; NULL or "" is the null sender (postmaster@helo) */
	const char *helo;      /**< HELO/EHLO name, or NULL */
	const char *domain;    /**< the domain to check; NULL: the sender's, or the HELO name */
	const char *receiver;  /**< %{r}; NULL: "unknown" */
	long long timestamp;   /**< %{t}; 0: now */
	bool trace;            /**< record every lookup and term in the outcome */
} al_spf_request;

typedef enum al_spf_event_kind {
	AL_SPF_EVENT_CHECK = 1,  /**< check_host() of a domain starts (top, include, redirect) */
	AL_SPF_EVENT_QUERY,      /**< a DNS query and how it went */
	AL_SPF_EVENT_RECORD,     /**< the record selected for the domain */
	AL_SPF_EVENT_TERM,       /**< a term was evaluated: matched or not */
	AL_SPF_EVENT_LIMIT,      /**< a processing limit was reached */
	AL_SPF_EVENT_RESULT,     /**< the result of a check_host() (top or nested) */
	AL_SPF_EVENT_NOTE,       /**< anything else worth telling (explanation, %{p}) */
} al_spf_event_kind;

typedef struct al_spf_event {
	al_spf_event_kind kind;
	unsigned depth;          /**< include/redirect nesting, 0 at the top */
	const char *domain;      /**< the domain whose record is evaluated */
	const char *term;        /**< TERM: the term as written */
	const char *name;        /**< QUERY: the name asked */
	uint16_t type;           /**< QUERY: the type asked */
	al_rcode rcode;          /**< QUERY: how it went */
	size_t answers;          /**< QUERY: records of the type in the answer */
	bool is_void;            /**< QUERY: counted as a void lookup */
	bool matched;            /**< TERM: the term matched */
	al_spf_result result;    /**< RESULT, LIMIT; TERM: the result it ended check_host() with, else NONE */
	size_t lookups;          /**< DNS-querying terms counted so far */
	size_t void_lookups;     /**< void lookups so far */
	const char *detail;      /**< human-readable detail, or NULL */
} al_spf_event;

typedef struct al_spf_outcome {
	al_spf_result result;
	const char *domain;      /**< the domain checked */
	const char *sender;      /**< the sender used (postmaster@helo for the null sender) */
	const char *ip;          /**< the client address as evaluated (IPv4-mapped become IPv4) */
	const char *mechanism;   /**< the term that decided, or NULL (default or error) */
	const char *decided_by;  /**< the domain whose record held it, or NULL */
	const char *explanation; /**< the exp= text for a fail, or NULL */
	const char *reason;      /**< why: none, neutral by default, permerror, temperror */
	size_t lookups;          /**< DNS-querying terms counted */
	size_t void_lookups;
	const al_spf_event *events; /**< the trace (request.trace) */
	size_t event_count;
} al_spf_outcome;

/**
 * Evaluate check_host() through @p source. Returns AL_EINVAL (with a reason in
 * @p err) when the IP address is not valid; everything about the records is
 * in the outcome. Lookups are made through the source only; answers that are
 * PENDING or NOT-QUERIED count as failures (temperror).
 */
AL_EXPORT al_status al_spf_check_host(al_source *source, const al_spf_request *request,
			    al_spf_outcome **out, al_error *err);
AL_EXPORT void al_spf_outcome_free(al_spf_outcome *outcome);

/* ---- the lookup tree ------------------------------------------------------- */

typedef enum al_spf_node_status {
	AL_SPF_NODE_OK = 0,        /**< one record, analysed */
	AL_SPF_NODE_NO_RECORD,     /**< NXDOMAIN, or no "v=spf1" TXT record */
	AL_SPF_NODE_MULTIPLE,      /**< more than one "v=spf1" record (permerror) */
	AL_SPF_NODE_LOOKUP_FAILED, /**< the TXT lookup failed (temperror) */
	AL_SPF_NODE_NOT_FOLLOWED,  /**< not queried: offline, outside the zone, or not answered yet */
	AL_SPF_NODE_LOOP,          /**< the name is already on the include/redirect path */
	AL_SPF_NODE_MACRO,         /**< the target depends on the connection (macros) */
	AL_SPF_NODE_INVALID_NAME,  /**< the target is not a valid domain name */
	AL_SPF_NODE_TOO_DEEP,      /**< nesting past the analysis bound */
} al_spf_node_status;

/** "ok", "no-record", "multiple-records", "lookup-failed", "not-followed", "loop", "macro", "invalid-name", "too-deep". */
AL_EXPORT const char *al_spf_node_status_name(al_spf_node_status status);

typedef struct al_spf_node al_spf_node;

/** One term of a record in the tree, with what it costs. */
typedef struct al_spf_tree_term {
	const al_spf_term *term;  /**< in the node's record */
	bool evaluated;           /**< false after "all", and for a redirect beside an "all" */
	unsigned cost;            /**< 1 when it counts toward the limit of 10, else 0 */
	size_t void_lookups;      /**< void lookups this very term causes (IPv4 client view) */
	size_t names;             /**< mx: MX names (their address lookups are not counted toward 10) */
	bool depends_on_client;   /**< its lookups depend on the connection (macros, ptr) */
	const char *target;       /**< the name it looks up or follows, or NULL */
	const char *detail;       /**< what its lookups gave, or NULL */
	const al_spf_node *child; /**< include / redirect target, or NULL */
} al_spf_tree_term;

/** A record reached at the top, through include or through redirect. */
struct al_spf_node {
	const char *domain;
	al_spf_node_status status;
	const char *detail;         /**< why the status, or NULL */
	const char *text;           /**< the record, or NULL */
	size_t length;
	const al_spf_record *record;/**< parsed, or NULL */
	const al_spf_tree_term *terms;
	size_t term_count;          /**< in evaluation order: written order, redirect last */
	const char *sender;         /**< a known sending service ("Google Workspace"), or NULL */
	size_t cost;                /**< DNS-querying terms of this subtree (a lower bound when unknown > 0) */
	size_t void_lookups;        /**< void lookups in this subtree */
	size_t unknown;             /**< targets below that could not be followed: cost unknown */
	size_t max_names;           /**< most MX names of one mx term in the subtree */
	bool permerror;             /**< check_host() reaching this node ends in permerror */
	bool permissive_all;        /**< the record ends in "+all" (or "all") */
	bool estimated;             /**< not looked up: cost and void lookups come from the
				         provider snapshot (al_spf_snapshot) */
	const char *const *cycle;   /**< LOOP: the path from the repeated name to here */
	size_t cycle_length;
};

/** The tree flattened in evaluation order, with running totals. */
typedef struct al_spf_tree_row {
	unsigned depth;
	const al_spf_node *node;        /**< the record this row is about */
	const al_spf_tree_term *term;   /**< NULL for the row that opens a node */
	const al_spf_tree_term *via;    /**< node rows: the include/redirect term that led here */
	size_t running_total;           /**< DNS-querying terms counted up to here */
	size_t running_voids;           /**< void lookups up to here */
	bool over_limit;                /**< the running total is past 10 here */
	bool voids_over_limit;          /**< the running void count is past 2 here */
} al_spf_tree_row;

typedef struct al_spf_tree {
	const al_spf_node *root;
	size_t lookups;          /**< = root->cost: a lower bound when not_followed > 0 */
	size_t void_lookups;
	size_t not_followed;     /**< targets not followed and not in the provider snapshot */
	size_t estimated;        /**< targets not followed whose cost the provider snapshot gave */
	const char *snapshot_date; /**< the snapshot's date when estimated > 0 */
	const al_spf_tree_row *rows;
	size_t row_count;
	bool rows_truncated;     /**< the flattened tree hit its size bound */
} al_spf_tree;

/* ---- the provider snapshot ---------------------------------------------------- */

/**
 * What the include targets of common sending services cost, as seen on a
 * date (rules/provider-spf.yaml, refreshed by scripts/refresh-provider-spf.py).
 * The lookup tree uses it for a target it cannot look up.
 */
typedef struct al_spf_snapshot al_spf_snapshot;

typedef struct al_spf_snapshot_entry {
	const char *include;      /**< the include target, normalised */
	size_t lookups;           /**< what include:<name> costs, the include itself counted */
	size_t void_lookups;
	const char *source;       /**< where the figure comes from */
	const char *seen;         /**< the date the source saw it */
} al_spf_snapshot_entry;

/** The built-in snapshot (data/provider-spf.yaml); *out stays NULL when the build has none. */
AL_EXPORT al_status al_spf_snapshot_load_builtin(al_spf_snapshot **out, al_error *err);
/** A snapshot file of the same form (a newer one, --provider-snapshot). */
AL_EXPORT al_status al_spf_snapshot_load_file(const char *path, al_spf_snapshot **out, al_error *err);
AL_EXPORT al_status al_spf_snapshot_load_text(const char *label, const char *text, size_t length,
				    al_spf_snapshot **out, al_error *err);
AL_EXPORT void al_spf_snapshot_free(al_spf_snapshot *snapshot);
/** "YYYY-MM-DD", the day the snapshot was taken. */
AL_EXPORT const char *al_spf_snapshot_date(const al_spf_snapshot *snapshot);
AL_EXPORT size_t al_spf_snapshot_count(const al_spf_snapshot *snapshot);
/** The entry for include target @p name, or NULL. */
AL_EXPORT const al_spf_snapshot_entry *al_spf_snapshot_find(const al_spf_snapshot *snapshot, const char *name);

typedef struct al_spf_tree_options {
	const al_rules *rules;   /**< for the senders catalog (rules/senders.yaml); may be NULL */
	/** costs of targets that cannot be looked up; NULL: the registry's provider-spf.yaml */
	const al_spf_snapshot *snapshot;
	bool no_snapshot;        /**< use no snapshot at all */
} al_spf_tree_options;

/**
 * Analyse the SPF record of @p domain and every include and redirect below it,
 * without a client IP: each term with its cost, the running total, every void
 * lookup attributed to the term that caused it, loops with their path. The
 * tree is complete even past the limits. Names the source does not answer
 * (offline) are reported as not followed, never counted as zero.
 */
AL_EXPORT al_status al_spf_tree_build(al_source *source, const char *domain, const al_spf_tree_options *options,
			    al_spf_tree **out, al_error *err);
AL_EXPORT void al_spf_tree_free(al_spf_tree *tree);

/**
 * For many trees over one source: the senders catalog is loaded once, and the
 * subtrees of names reached through include or redirect that are complete,
 * loop-free and independent of the root are analysed once (a provider's
 * record shared by thousands of domains). Use one source per analyzer (its
 * answers are taken as fixed); trees borrow from the analyzer and must be
 * freed before it.
 */
typedef struct al_spf_analyzer al_spf_analyzer;
AL_EXPORT al_status al_spf_analyzer_new(al_spf_analyzer **out, const al_spf_tree_options *options, al_error *err);
AL_EXPORT al_status al_spf_analyzer_tree(al_spf_analyzer *analyzer, al_source *source, const char *domain,
			       al_spf_tree **out, al_error *err);
AL_EXPORT void al_spf_analyzer_free(al_spf_analyzer *analyzer);

/* ---- test suites ------------------------------------------------------------- */

/**
 * A source answering from an OpenSPF test-suite YAML file (rfc7208-tests.yml
 * format): the zonedata of the scenario whose description is @p scenario, or
 * of every scenario when it is NULL (the first definition of a name wins).
 * Answers follow the suite's reference driver: SPF entries served as TXT,
 * TIMEOUT entries, "error." names time out, other unknown names NXDOMAIN.
 */
AL_EXPORT al_status al_spf_fixture_source(al_source **out, const char *path, const char *scenario,
				al_error *err);
/** The same from memory (standard input, read by the caller); @p label names it. */
AL_EXPORT al_status al_spf_fixture_source_text(al_source **out, const char *label, const char *text,
					       size_t length, const char *scenario, al_error *err);

/** One test of a suite and how it went. */
typedef struct al_spf_suite_case {
	const char *scenario;      /**< the document's description */
	const char *id;            /**< the test's name */
	const char *spec;          /**< RFC section(s) as written, or NULL */
	const char *host, *mailfrom, *helo;
	const char *const *expected; /**< acceptable results, the first preferred */
	size_t expected_count;
	const char *explanation;   /**< the expected explanation, or NULL ("DEFAULT": none) */
	const al_spf_outcome *outcome; /**< what check_host() gave (NULL when it could not run) */
	bool passed;               /**< the result is acceptable and the explanation matches */
	bool preferred;            /**< the result is the preferred one */
	const char *why;           /**< when not passed: what differs */
} al_spf_suite_case;

typedef struct al_spf_suite_totals {
	size_t passed;
	size_t failed;
	size_t not_preferred;      /**< passed with an acceptable result that is not the first */
} al_spf_suite_totals;

typedef void (*al_spf_suite_fn)(void *userdata, const al_spf_suite_case *test);

/**
 * Run every test of a suite file (or only the test named @p only) through
 * check_host() with the scenario's zonedata as DNS. @p fn (may be NULL) sees
 * each test. Fails only when the file cannot be read or is not a suite.
 */
AL_EXPORT al_status al_spf_suite_run(const char *path, const char *only, bool trace, al_spf_suite_fn fn,
			   void *userdata, al_spf_suite_totals *totals, al_error *err);
/** The same from memory (standard input, read by the caller); @p label names it. */
AL_EXPORT al_status al_spf_suite_run_text(const char *label, const char *text, size_t length, const char *only,
					  bool trace, al_spf_suite_fn fn, void *userdata,
					  al_spf_suite_totals *totals, al_error *err);

/* ---- output --------------------------------------------------------------------- */

/**
 * Write an outcome with its trace (text: one line per event, indented by
 * nesting; json: one object with a "trace" array). Every text is escaped for
 * display. AL_EUNSUPPORTED for formats other than text, json and jsonl.
 */
AL_EXPORT al_status al_spf_outcome_write(const al_spf_outcome *outcome, al_format format, bool color, al_sink sink);
/** One line per outcome: "domain: result (mechanism), N lookups, N void - reason", or a JSON object. */
AL_EXPORT al_status al_spf_outcome_write_brief(const al_spf_outcome *outcome, al_format format, al_sink sink);
/** Write a lookup tree (text: indented rows with running totals; json: a flat "rows" array). */
AL_EXPORT al_status al_spf_tree_write(const al_spf_tree *tree, al_format format, bool color, al_sink sink);
/** One line per tree: "domain: N lookups, N void", or a JSON object with the totals. */
AL_EXPORT al_status al_spf_tree_write_brief(const al_spf_tree *tree, al_format format, al_sink sink);
/** Write one suite test's result as a line (text) or a JSON object (json, jsonl). */
AL_EXPORT al_status al_spf_suite_case_write(const al_spf_suite_case *test, al_format format, al_sink sink);

#ifdef __cplusplus
}
#endif
#endif
