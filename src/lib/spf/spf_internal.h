/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Inside the SPF engine: how it reaches DNS (a lookup function, so the same
 * evaluator and tree run over a plain source or over the lint, which counts
 * and reports lookups), macro expansion, domain names built from expanded
 * text, the lookup tree with its per-run cache, and the senders catalog.
 */
#ifndef AL_SPF_INTERNAL_H
#define AL_SPF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/spf_eval.h>

#include "util/arena.h"
#include "util/hash.h"
#include "util/strbuf.h"

/* ---- DNS ---------------------------------------------------------------------- */

/** Answers one question; never NULL. The answer lives as long as the caller's run. */
typedef const al_answer *(*al_spf_lookup_fn)(void *ctx, const char *name, uint16_t type);

typedef struct al_spf_dns {
	al_spf_lookup_fn lookup; /* NULL: no lookups at all (record mode) */
	void *ctx;
	/* the lookup tree's questions inside an include or redirect target (a
	 * subtree the run cache shares between domains); NULL: lookup */
	al_spf_lookup_fn lookup_shared;
	/* a lookup that is not counted, reported or waited for: how the run cache
	 * asks again the questions of a subtree it reuses, so that the source
	 * (and its question budget) sees them as a new analysis would; NULL:
	 * lookup_shared, or lookup */
	al_spf_lookup_fn probe;
	/* counts @p n lookups of a subtree reused whole (NULL: not counted) */
	void (*count)(void *ctx, size_t n);
	/* the answers cannot change during the run (a zone being linted): a
	 * reused subtree's questions are counted, not asked again */
	bool fixed;
} al_spf_dns;

/** A lookup function over a source; answers are released by al_spf_source_dns_close. */
typedef struct al_spf_source_dns {
	al_source *source;
	const al_answer **answers;
	size_t count, capacity;
} al_spf_source_dns;

al_spf_dns al_spf_source_dns_open(al_spf_source_dns *sd, al_source *source);
void al_spf_source_dns_close(al_spf_source_dns *sd);

/** RRs of @p type in the answer (CNAMEs a backend left in are not counted). */
size_t al_spf_answer_count(const al_answer *answer, uint16_t type);
/** True when the answer is neither data nor a proof of absence (failed, not queried, pending). */
bool al_spf_answer_unusable(const al_answer *answer);
/** The "v=spf1" records of a TXT answer, joined into the arena. Returns how many there are. */
size_t al_spf_select_records(al_arena *arena, const al_answer *answer, const char **text,
			     size_t *length);

/**
 * check_host() over a lookup function; texts go into @p arena, the trace into
 * *events (malloc()ed, the caller frees it).
 */
al_status al_spf_check_host_dns(al_spf_dns dns, al_arena *arena, const al_spf_request *request,
				al_spf_outcome *out, al_spf_event **events, al_error *err);

/* ---- names -------------------------------------------------------------------- */

/**
 * A domain name from raw bytes (an expanded domain-spec, a user's input): one
 * trailing dot dropped, labels checked (none empty, none over 63 octets, at most
 * 253 characters), written in presentation form (lower case, \DDD escapes).
 * NULL when it is not a valid name, with the reason in *why.
 */
const char *al_spf_name(al_arena *arena, const char *raw, size_t length, const char **why);

/* ---- macros ------------------------------------------------------------------- */

/** What the macros of one check_host() expand to. */
typedef struct al_spf_macro_env {
	const char *sender;        /* s */
	const char *local;         /* l */
	const char *sender_domain; /* o */
	const char *domain;        /* d: the current domain */
	const char *ip_dotted;     /* i: dotted quad, or 32 dotted nibbles */
	const char *ip_text;       /* c */
	const char *ip_version;    /* v: "in-addr" or "ip6" */
	const char *helo;          /* h */
	const char *receiver;      /* r */
	const char *timestamp;     /* t */
	/* p: validated name of the client, computed on first use (NULL: "unknown") */
	const char *(*ptr_name)(void *ctx, const char *domain);
	void *ptr_ctx;
} al_spf_macro_env;

/**
 * Expand a macro-string into @p out (appended). Letters whose value is NULL in
 * the environment make the expansion fail with *why = "depends on ...".
 * Returns false on a macro syntax error or such a letter.
 */
bool al_spf_expand(const al_spf_macro_env *env, const char *text, size_t length, bool exp_text,
		   al_strbuf *out, const char **why);
/**
 * Expand a domain-spec (or use @p env->domain when @p length is 0 and @p text
 * is NULL) and make a domain name of it: trailing dot removed, truncated from
 * the left to 253 characters (RFC 7208 section 7.3). NULL with *why when it
 * cannot be expanded or is not a valid name (*invalid_name set for the latter).
 */
const char *al_spf_target(al_arena *arena, const al_spf_macro_env *env, const char *text,
			  size_t length, const char **why, bool *invalid_name);

/**
 * The first name a check_host() trace (request.trace) asked that the source did
 * not answer: not queried (offline, outside the zones) or still pending. NULL
 * when every lookup was answered: the result then says what the DNS holds.
 */
const char *al_spf_outcome_unasked(const al_spf_outcome *outcome);

/* ---- the senders catalog (data/senders.yaml) ------------------------------------ */

typedef struct al_sender {
	const char *id;                 /* "google-workspace" */
	const char *name;               /* "Google Workspace" */
	const char *url;                /* documentation, or NULL */
	const char *const *selectors;   /* usual DKIM selectors */
	size_t selector_count;
	bool own_envelope;              /* sends with the customer's own MAIL FROM address
					   (mailbox hosts, gateways): SPF aligns strictly */
	const char *include;            /* the first spf pattern that names one domain
					   ('^_spf\\.google\\.com$' -> _spf.google.com): the include
					   to add for the service; NULL when every pattern is a class */
} al_sender;

typedef struct al_senders al_senders;

/** Load the catalog from the built-in data (data/senders.yaml). An absent file is an empty catalog. */
al_status al_senders_load(al_senders **out, al_error *err);
/**
 * The built-in catalog shared by every caller: loaded on the first call (once,
 * also when threads race), immutable, owned by the library for the life of the
 * process (never pass it to al_senders_free). A failed load fails every call
 * the same way, with the same error.
 */
al_status al_senders_builtin(const al_senders **out, al_error *err);
/** Load from YAML text (label names it in errors). */
al_status al_senders_load_text(const char *label, const char *text, size_t length, al_senders **out,
			       al_error *err);
void al_senders_free(al_senders *senders);
size_t al_senders_count(const al_senders *senders);
const al_sender *al_senders_at(const al_senders *senders, size_t index);
/** The service whose SPF include pattern matches @p domain, or NULL. */
const al_sender *al_senders_match_include(const al_senders *senders, const char *domain);
/** The service whose MX pattern matches the mail host @p host, or NULL. */
const al_sender *al_senders_match_mx(const al_senders *senders, const char *host);

/**
 * The built-in provider snapshot (data/provider-spf.yaml) shared by every
 * caller, as al_senders_builtin: built once, only read, never freed. *out is
 * NULL in a build without one.
 */
al_status al_spf_snapshot_builtin(const al_spf_snapshot **out, al_error *err);

/* ---- the lookup tree ------------------------------------------------------------------ */

/** Names and records analysed once per run (complete subtrees without loops only). */
typedef struct al_spf_cache {
	al_arena arena;
	al_map map;  /* name -> const al_spf_node * */
	size_t hits, misses;
	uint64_t trees;     /* trees analysed with it (each one's serial) */
	const char **added; /* names put in the map since the last al_spf_cache_end_pass */
	size_t added_count, added_capacity;
} al_spf_cache;

void al_spf_cache_init(al_spf_cache *cache);
void al_spf_cache_clear(al_spf_cache *cache);
/**
 * A pass over a unit ended. @p keep false (a pass thrown away because answers
 * were still pending): the names it added leave the cache again, so that the
 * lookups below them are made, and counted, by a pass that is kept. Without
 * this, which domain's counted pass first analysed a shared include depended on
 * when answers came, and the run's lookup count changed from run to run.
 */
void al_spf_cache_end_pass(al_spf_cache *cache, bool keep);

typedef struct al_spf_tree_ctx {
	al_spf_dns dns;
	al_arena *arena;               /* nodes of this analysis */
	al_spf_cache *cache;           /* may be NULL */
	const al_senders *senders;     /* may be NULL */
	const al_spf_snapshot *snapshot; /* costs of targets not looked up; may be NULL */
} al_spf_tree_ctx;

/**
 * Analyse @p domain: look up its record, then everything below. With
 * @p text non-NULL, the record is given (the record under check) and the
 * domain's TXT is not looked up. The tree and its rows live in ctx->arena.
 */
al_status al_spf_tree_analyse(const al_spf_tree_ctx *ctx, const char *domain, const char *text,
			      size_t length, const al_spf_record *parsed, al_spf_tree *out);

/** The term's text as written, NUL-terminated, in the arena. */
const char *al_spf_term_text(al_arena *arena, const al_spf_record *record, const al_spf_term *term);

#endif
