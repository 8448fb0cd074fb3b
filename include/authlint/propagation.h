/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file propagation.h
 * Propagation: compare what every authoritative server and every resolver
 * answers for the names behind a domain's mail authentication.
 *
 * For each domain the zone's authoritative servers are found (the NS set,
 * then every A and AAAA of every name server) and asked directly with
 * recursion off; the resolvers given are asked with recursion on. Servers
 * given by hand ("NAME=IP[:PORT]") are added, or replace the discovered
 * addresses of a name server of the same NAME; when servers are given by hand
 * and no resolver is, only those servers are asked and nothing is discovered.
 *
 * The names asked: the domain (SPF), _dmarc.<domain>, every DKIM selector
 * known (given, found in a zone file, or discovered by probing common
 * selectors), the report-authorization names of external rua/ruf
 * destinations (RFC 7489 section 7.1), and the SOA of the zone.
 *
 * Each answer is normalised (RRs sorted, names in canonical case, TTLs kept
 * aside) and servers are grouped by the answer they give, NXDOMAIN and NODATA
 * included. A server that does not answer, answers for another question or
 * with another id, is not authoritative or refuses is reported as such, never
 * counted as agreeing or as "no record". SOA serials are compared with RFC
 * 1982 serial arithmetic. Each name gets a verdict, and when caches are
 * behind, the time by which they must have expired.
 *
 * Every query is bounded (tries and timeout per query, a time limit per
 * round), and so is --watch (interval, total time, number of rounds). The
 * library never prints: results are structures, written by al_prop_write.
 */
#ifndef AUTHLINT_PROPAGATION_H
#define AUTHLINT_PROPAGATION_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/config.h>
#include <authlint/diag.h>
#include <authlint/findings.h>
#include <authlint/emit.h>
#include <authlint/lint.h>
#include <authlint/rule.h>
#include <authlint/source.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Who a server is. */
typedef enum al_prop_role {
	AL_PROP_AUTHORITATIVE = 0, /**< asked with recursion off: must answer with AA */
	AL_PROP_RESOLVER,          /**< a recursive resolver: answers from its cache */
} al_prop_role;

/** What one server said about one name. */
typedef enum al_prop_status {
	AL_PROP_ANSWER = 0, /**< records (of the type asked, or a CNAME chain) */
	AL_PROP_NODATA,     /**< the name exists, no record of the type */
	AL_PROP_NXDOMAIN,   /**< the name does not exist */
	AL_PROP_LAME,       /**< an authoritative server that is not: REFUSED, SERVFAIL, AA clear, referral */
	AL_PROP_FAILED,     /**< no usable answer: timeout, network error, malformed, wrong id or question */
	AL_PROP_NOT_ASKED,  /**< not asked: no route to the address, or not a server of the name's zone */
} al_prop_status;

/** "answer", "nodata", "nxdomain", "lame", "failed", "not-asked". */
AL_EXPORT const char *al_prop_status_name(al_prop_status status);

/** The verdict for one name (and, worst first, for a domain and a run). */
typedef enum al_prop_verdict {
	AL_PROP_CONSISTENT = 0, /**< every server that answered gives the same answer */
	AL_PROP_PROPAGATING,    /**< the authoritative servers agree; some caches are behind */
	AL_PROP_INCONSISTENT,   /**< the authoritative servers disagree */
	AL_PROP_UNKNOWN,        /**< no authoritative server gave a usable answer */
} al_prop_verdict;

/** "consistent", "propagating", "inconsistent", "unknown". */
AL_EXPORT const char *al_prop_verdict_name(al_prop_verdict verdict);

/** How a server's SOA serial relates to the newest (RFC 1982). */
typedef enum al_prop_serial_state {
	AL_PROP_SERIAL_NONE = 0,   /**< no serial from this server */
	AL_PROP_SERIAL_NEWEST,     /**< equal to the newest */
	AL_PROP_SERIAL_BEHIND,     /**< older than the newest by behind_by */
	AL_PROP_SERIAL_UNORDERED,  /**< the serials of the zone cannot be ordered (RFC 1982 3.2) */
} al_prop_serial_state;

/** One server asked. Strings live as long as the result. */
typedef struct al_prop_server {
	const char *name;        /**< the NS host name, the NAME of a server given by hand, or "resolver" */
	const char *address;     /**< "192.0.2.53:53", "[2001:db8::53]:53" */
	al_prop_role role;
	const char *zone;        /**< authoritative: the zone it serves (NULL when not known) */
	bool manual;             /**< given by hand (--server) */
	bool skipped;            /**< not asked at all (see skip_reason) */
	const char *skip_reason;
	/* over every name asked of it */
	bool lame;               /**< authoritative, and REFUSED, SERVFAIL, not AA or a referral */
	bool failed;             /**< some query got no usable answer */
	const char *problem;     /**< the first lame or failed reply's detail, or NULL */
	/* the SOA of its zone */
	al_prop_serial_state serial_state;
	uint32_t serial;         /**< when serial_state is not NONE */
	uint32_t behind_by;      /**< BEHIND: newest - serial, modulo 2^32 */
} al_prop_server;

/** One distinct answer to a name, and how many servers give it. */
typedef struct al_prop_answer {
	char label;                  /**< 'A', 'B', ...: in order of how many servers give it */
	al_prop_status status;       /**< ANSWER, NODATA or NXDOMAIN */
	const char *const *records;  /**< the records in presentation form, sorted (raw bytes:
					  escape before printing) */
	size_t record_count;
	const char *key;             /**< the normalised form the servers were grouped by */
	size_t authoritative;        /**< authoritative servers giving it */
	size_t resolvers;            /**< resolvers giving it */
	uint32_t ttl_min, ttl_max;   /**< over the servers giving it (negative TTL for NXDOMAIN/NODATA) */
	bool has_serial;             /**< SOA answers: the serial */
	uint32_t serial;
	bool expected;               /**< what the --expect zone file has */
} al_prop_answer;

/** What one server said about one name. */
typedef struct al_prop_reply {
	size_t server;           /**< index in the domain's servers */
	al_prop_status status;
	int answer;              /**< index in the name's answers, or -1 (LAME, FAILED, NOT_ASKED) */
	bool ttl_known;
	uint32_t ttl;            /**< smallest TTL of the records, or the negative TTL
				      (min of the SOA's TTL and MINIMUM, RFC 2308 section 5) */
	const char *detail;      /**< why it is LAME, FAILED or NOT_ASKED; NULL otherwise */
	unsigned rcode;          /**< when a response was had */
	bool aa;
	bool tcp;                /**< the answer came over TCP */
	bool truncated;          /**< the UDP answer had TC set */
	double elapsed;          /**< seconds for the query */
} al_prop_reply;

/** One name and type asked of every server concerned. */
typedef struct al_prop_name {
	const char *name;
	uint16_t type;               /**< AL_TYPE_TXT or AL_TYPE_SOA */
	const char *purpose;         /**< "spf", "dmarc", "dkim", "report-auth", "soa" */
	const char *zone;            /**< the zone it is in, or NULL when not known */
	const al_prop_reply *replies;/**< one per server of the domain, in server order */
	size_t reply_count;
	const al_prop_answer *answers;
	size_t answer_count;
	al_prop_verdict verdict;
	int authoritative_answer;    /**< the answer all authoritative servers give, or -1 */
	bool incomplete;             /**< some server gave no usable answer */
	bool created;                /**< some server has records where others say NXDOMAIN/NODATA */
	/* settle time: when every cache must have dropped what it holds */
	bool settled;                /**< nothing is behind: no wait */
	bool settle_known;           /**< settle_at/settle_in are known (authoritative servers agree) */
	int64_t settle_at;           /**< Unix time */
	uint32_t settle_in;          /**< seconds from the time of the round */
	uint32_t after_update;       /**< inconsistent: seconds caches may lag after the last
					  authoritative server is updated */
	/* --expect */
	bool expect_known;           /**< the expect zone covers this name */
	int expect_answer;           /**< the answer equal to the expected one, or -1 (no server has it) */
	const char *expect_text;     /**< the expected records, one per line (raw), or "NXDOMAIN"/"NODATA" */
	al_location expect_location; /**< where in the expect file (file, line of the first record) */
} al_prop_name;

/** Why part of a domain was not compared: each kind is a rule of its own. */
typedef enum al_prop_issue_kind {
	AL_PROP_ISSUE_ZONE_NOT_FOUND = 1, /**< PROP013: the zone of @c name was not found (@c detail: why) */
	AL_PROP_ISSUE_NS_UNREADABLE,      /**< PROP014: the NS set of zone @c name could not be read (@c detail) */
	AL_PROP_ISSUE_NO_NS,              /**< PROP015: zone @c name has no NS records */
	AL_PROP_ISSUE_ADDRESS_UNREADABLE, /**< PROP016: the addresses of name server @c name could not be read */
	AL_PROP_ISSUE_NO_ADDRESS,         /**< PROP017: name server @c name has no A or AAAA record */
	AL_PROP_ISSUE_TOO_MANY_ADDRESSES, /**< PROP018: zone @c name has @c count addresses; @c limit are asked */
	AL_PROP_ISSUE_NO_AUTHORITY,       /**< PROP019: no server given answered for the zone of @c name with AA */
	AL_PROP_ISSUE_TOO_MANY_NAMES,     /**< PROP020: more than @c limit names; @c name and later not asked */
	AL_PROP_ISSUE_BAD_SELECTOR,       /**< PROP021: selector @c detail makes @c name, not a valid name */
	AL_PROP_ISSUE_OUTSIDE_SERVERS,    /**< PROP012 (a note): @c name is outside zone @c detail of the
					       servers given, and was not asked */
} al_prop_issue_kind;

/** One problem or note of a domain, with its parts. Strings owned by the result. */
typedef struct al_prop_issue {
	al_prop_issue_kind kind;
	const char *name;            /**< the name, zone or name server concerned */
	const char *detail;          /**< why (a failed lookup's outcome), the selector, the zone; or NULL */
	size_t count, limit;         /**< TOO_MANY_*: how many there are, how many are asked */
} al_prop_issue;

/** One domain's comparison. */
typedef struct al_prop_domain {
	const char *domain;
	const char *zone;            /**< its zone (the SOA owner), or NULL when not found */
	const al_prop_server *servers;
	size_t server_count;
	const al_prop_name *names;
	size_t name_count;
	al_prop_verdict verdict;     /**< the worst of its names */
	bool incomplete;
	bool serial_known;           /**< the newest serial of the zone is known */
	uint32_t newest_serial;
	bool serials_unordered;      /**< RFC 1982 cannot order the serials seen */
	bool settle_known;
	int64_t settle_at;
	uint32_t settle_in;
	const char *const *problems; /**< what could not be done (the NS set could not be read, ...):
					  the result is incomplete */
	size_t problem_count;
	const char *const *notes;    /**< names left out by the scope asked (outside the servers
					  given); the result is not incomplete for them */
	size_t note_count;
	const al_prop_issue *problem_items; /**< problems[i] with its parts (same index), or NULL */
	const al_prop_issue *note_items;    /**< notes[i] with its parts (same index), or NULL */
} al_prop_domain;

/** A round: every domain compared once. */
typedef struct al_prop_result {
	const al_prop_domain *domains;
	size_t domain_count;
	al_prop_verdict verdict;     /**< the worst of every domain */
	bool incomplete;             /**< a server or a domain could not be read */
	unsigned round;              /**< 1 for the first */
	int64_t time;                /**< Unix time the round started */
	double elapsed;              /**< seconds the round took */
	size_t queries;              /**< queries sent in the round (discovery included) */
	size_t failed;               /**< of which got no usable answer */
	const al_findings *findings; /**< PROP findings of the round, sorted, with their counts */
} al_prop_result;

/**
 * Exit status for a result: 1 when a name is inconsistent or propagating
 * (a disagreement was seen), else 2 when something could not be told (a
 * server or a name without a usable answer), else 0.
 */
AL_EXPORT int al_prop_exit_code(const al_prop_result *result);

typedef struct al_prop_options {
	const al_rules *rules;         /**< required: the PROP findings */
	const al_config *config;       /**< severities and waivers; may be NULL */
	/** Recursive resolvers ("IP", "IP:PORT", "[IPv6]:PORT"): compared, and used to find the
	 *  zone, its name servers and their addresses. */
	const char *const *resolvers;
	size_t resolver_count;
	/** When no resolver is given and servers must be found: the nameserver lines of this
	 *  file (the CLI passes /etc/resolv.conf); these resolvers are compared too. */
	const char *resolv_conf;
	/** Servers by hand: "NAME=IP[:PORT]", "NAME=[IPv6]:PORT" (NAME a host name or label). */
	const char *const *servers;
	size_t server_count;
	const char *const *selectors;  /**< DKIM selectors to ask */
	size_t selector_count;
	const al_zone *zone;           /**< zone files (--zone): their DKIM selectors are asked; may be NULL */
	const al_zone *expect;         /**< --expect: what each server should serve; may be NULL */
	bool discover_selectors;       /**< probe common DKIM selectors */
	double timeout;                /**< seconds per try (0: 2) */
	unsigned tries;                /**< tries per query (0: 2) */
	double round_seconds;          /**< time limit of one round (0: 120) */
	size_t max_servers;            /**< addresses per zone at most (0: 32) */
	size_t max_names;              /**< names per domain at most (0: 64) */
	/** Public Suffix List that decides which report destinations are another
	 *  organization's (dmarc_discovery.h); NULL: the default */
	const struct al_psl *psl;
} al_prop_options;

typedef struct al_prop al_prop;

/**
 * A comparison run. Checks the addresses given: a resolver or server that
 * does not parse is AL_EINVAL with the reason in @p err. No query is sent yet.
 */
AL_EXPORT al_status al_prop_new(al_prop **out, const al_prop_options *options, al_error *err);
/** Add a domain to compare. AL_EINVAL (with the reason) for a name that is not valid. */
AL_EXPORT al_status al_prop_add_domain(al_prop *prop, const char *domain, al_error *err);
/**
 * Run one round: find the servers (the first time), ask every name of every
 * server, compare. The result replaces the previous one, which is kept for
 * al_prop_previous (one round back). Fails only for AL_ENOMEM or when no
 * domain was added.
 */
AL_EXPORT al_status al_prop_run(al_prop *prop);
/** The result of the last round, or NULL before the first. Valid until the round after next. */
AL_EXPORT const al_prop_result *al_prop_current(const al_prop *prop);
/** The result of the round before, or NULL. */
AL_EXPORT const al_prop_result *al_prop_previous(const al_prop *prop);
/** Free; NULL is safe. */
AL_EXPORT void al_prop_free(al_prop *prop);

/**
 * Whether a watch can stop: every name of every domain is consistent and no
 * server was unreadable. (The watch itself, rounds and the waits between
 * them, is the caller's: the library never sleeps.)
 */
AL_EXPORT bool al_prop_settled(const al_prop_result *result);

/**
 * Parse a duration: "90", "90s", "15m", "2h", "1d", "1h30m". AL_EINVAL for
 * anything else or more than 7 days.
 */
AL_EXPORT al_status al_prop_parse_duration(const char *text, double *seconds);

/* ---- output ---------------------------------------------------------------- */

typedef struct al_prop_write_options {
	const al_rules *rules;       /**< required for SARIF and the findings */
	bool color;                  /**< text: ANSI colour */
	bool verbose;                /**< text: also the tables of consistent names */
	bool quiet;                  /**< text: only the verdict lines and the findings */
	const char *const *inputs;   /**< the domains, for the run's metadata */
	size_t input_count;
	/** the exit status the output states when set (the caller's policy, --fail-on);
	 *  else al_prop_exit_code's */
	bool exit_code_set;
	int exit_code;
} al_prop_write_options;

/**
 * Write a result. text: per domain the servers, then per name a table (servers
 * down, answers across, differences marked), the settle time, then the
 * findings. json: one document (schema "authlint/propagation"). jsonl: one
 * line per name, per finding, and a summary line. sarif: the findings as a
 * SARIF 2.1.0 log. github: the findings as workflow annotations. AL_EIO when
 * the sink failed.
 */
AL_EXPORT al_status al_prop_write(const al_prop_result *result, al_format format, al_sink sink,
			const al_prop_write_options *options);

/**
 * Write what changed from @p before to @p after (a server's answer, a
 * verdict, a serial): text lines, or JSON Lines objects of type "change".
 * Other formats write nothing. AL_EIO when the sink failed.
 */
AL_EXPORT al_status al_prop_write_changes(const al_prop_result *before, const al_prop_result *after,
				al_format format, al_sink sink, const al_prop_write_options *options);

#ifdef __cplusplus
}
#endif
#endif
