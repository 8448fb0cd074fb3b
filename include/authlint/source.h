/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file source.h
 * The one interface every check uses for DNS: (name, type) -> answer.
 *
 * Names are in presentation form, absolute, lower case, without the trailing
 * dot ("_dmarc.example.com"; the root is "."). Bytes outside letters, digits,
 * '-', '_' and '*' inside a label are written as RFC 1035 \DDD escapes, so a
 * name is always a printable C string.
 *
 * An answer says how the lookup went (rcode), holds the RRset of the asked
 * type at the final name after CNAMEs were followed, and says where it came
 * from (file:line of every RR for a zone, the server for live DNS). TXT RDATA
 * is kept in wire form, so every character-string is exactly as received.
 */
#ifndef AUTHLINT_SOURCE_H
#define AUTHLINT_SOURCE_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/diag.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* RR types the library looks at. */
enum {
	AL_TYPE_A = 1,
	AL_TYPE_NS = 2,
	AL_TYPE_CNAME = 5,
	AL_TYPE_SOA = 6,
	AL_TYPE_PTR = 12,
	AL_TYPE_MX = 15,
	AL_TYPE_TXT = 16,
	AL_TYPE_AAAA = 28,
	AL_TYPE_SPF = 99,
};

/** "TXT", "SPF", ..., or "TYPE<n>" written into @p buf (at least 16 bytes). */
AL_EXPORT const char *al_rrtype_name(uint16_t type, char buf[16]);

/** Longest presentation name we ever produce, with NUL (255 octets, all escaped). */
#define AL_NAME_MAX 1024

/** How a lookup went. */
typedef enum al_rcode {
	AL_RCODE_NOERROR = 0, /**< answered; the RRset may be empty (NODATA) */
	AL_RCODE_NXDOMAIN,    /**< the name does not exist */
	AL_RCODE_SERVFAIL,    /**< the server failed */
	AL_RCODE_REFUSED,     /**< the server refused */
	AL_RCODE_TIMEOUT,     /**< no answer in time */
	AL_RCODE_ERROR,       /**< malformed answer, network error, other rcode, CNAME loop */
	AL_RCODE_NOT_QUERIED, /**< not asked: offline, outside the zone, or a budget was hit */
	AL_RCODE_PENDING,     /**< asynchronous source: asked, no answer yet */
} al_rcode;

/** "NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED", "TIMEOUT", "ERROR", "NOT-QUERIED", "PENDING". */
AL_EXPORT const char *al_rcode_name(al_rcode rcode);
/** True when the lookup failed: neither an answer nor a proof of absence. */
AL_EXPORT bool al_rcode_failed(al_rcode rcode);

/** One resource record. Owned by the answer or the source that returned it. */
typedef struct al_rr {
	const char *owner;      /**< owner name (presentation form) */
	uint16_t type;
	uint32_t ttl;
	uint16_t rdlength;
	const uint8_t *rdata;   /**< wire form; names uncompressed */
	al_location location;   /**< zone: file, line (column 0); live: server */
	const char *comment;    /**< zone: the comment after the record, or NULL */
	const void *backend;    /**< the backend's own reference to the record; opaque */
} al_rr;

/** The answer to one (name, type) question. */
typedef struct al_answer {
	al_rcode rcode;
	const char *qname;        /**< the name asked */
	uint16_t qtype;           /**< the type asked */
	const char *name;         /**< the final name after CNAMEs (== qname when none) */
	size_t cname_count;       /**< CNAMEs followed */
	const char *const *cnames;/**< the targets followed, in order */
	size_t count;             /**< RRs of qtype at @c name */
	const al_rr *rrs;
	uint32_t ttl;             /**< smallest TTL of the RRset, or the negative TTL */
	bool negative_ttl_known;  /**< for NXDOMAIN/NODATA: the SOA minimum was known */
	const char *server;       /**< "zone", "fixture", "192.0.2.53:53", ... */
	const char *detail;       /**< why a lookup failed or was not made, or NULL */
	size_t message_size;      /**< octets of the DNS response carrying this RRset (estimated for zones) */
	const char *wildcard;     /**< zone: the wildcard owner that synthesised the answer, or NULL */
	bool truncated;           /**< UDP answer had TC set (live) */
} al_answer;

/** True for a void lookup in the RFC 7208 4.6.4 sense: NXDOMAIN, or NOERROR with no RR. */
AL_EXPORT bool al_answer_is_void(const al_answer *answer);

typedef struct al_source al_source;

/**
 * Look up @p name / @p type. On AL_OK *out is set and must be given back with
 * al_source_release(). A failed lookup is AL_OK with a failed rcode: the
 * function itself fails only for a name that is not valid (AL_EINVAL), or
 * AL_ENOMEM. CNAMEs are followed (at most 8, loops give AL_RCODE_ERROR) unless
 * @p type is CNAME.
 */
AL_EXPORT al_status al_source_lookup(al_source *source, const char *name, uint16_t type,
			   const al_answer **out);
/** Give back an answer; NULL is safe. */
AL_EXPORT void al_source_release(al_source *source, const al_answer *answer);
/** True when the source answers for @p name with authority (zone: inside the origin). */
AL_EXPORT bool al_source_covers(const al_source *source, const char *name);
/** Short description for messages ("zone example.com", "live 127.0.0.1:5300"). */
AL_EXPORT const char *al_source_describe(const al_source *source);
/** Free a source; NULL is safe. Answers not released are freed with it. */
AL_EXPORT void al_source_free(al_source *source);

/* ---- backend seam ---------------------------------------------------- */

/** What a backend provides. @c lookup answers one question at one name, without following CNAMEs. */
typedef struct al_source_ops {
	const char *kind; /**< "zone", "fixture", "live", "layered" */
	/** Answer (name, type). A CNAME at the name is returned as a CNAME RR in the answer
	 *  when type is not CNAME; the front end follows it. */
	al_status (*lookup)(void *impl, const char *name, uint16_t type, const al_answer **out);
	void (*release)(void *impl, const al_answer *answer);
	bool (*covers)(const void *impl, const char *name);
	const char *(*describe)(const void *impl);
	void (*destroy)(void *impl);
} al_source_ops;

/** Wrap a backend. The source owns @p impl and calls ops->destroy on it. */
AL_EXPORT al_status al_source_new(al_source **out, const al_source_ops *ops, void *impl);

/* ---- zone files ------------------------------------------------------ */

/** What went wrong while reading a zone file; each becomes a ZONE finding. */
typedef enum al_zone_problem_kind {
	AL_ZONE_PROBLEM_SYNTAX = 1,     /**< a record or directive that does not parse */
	AL_ZONE_PROBLEM_UNREADABLE,     /**< a file (or $INCLUDE) that cannot be opened or read */
	AL_ZONE_PROBLEM_INCLUDE_LOOP,   /**< $INCLUDE of a file already being read, or too deep */
	AL_ZONE_PROBLEM_NAME_TOO_LONG,  /**< a name over 255 octets */
	AL_ZONE_PROBLEM_LABEL_TOO_LONG, /**< a label over 63 octets */
	AL_ZONE_PROBLEM_STRING_TOO_LONG,/**< a TXT character-string over 255 octets */
	AL_ZONE_PROBLEM_LIMIT,          /**< a size limit was hit; the rest of the file was not read */
	AL_ZONE_PROBLEM_NO_ORIGIN,      /**< relative names with no $ORIGIN and no origin given: not read */
	AL_ZONE_PROBLEM_ORIGIN_FROM_SOA,/**< no $ORIGIN: the SOA's owner was taken as the origin (a note) */
} al_zone_problem_kind;

typedef struct al_zone_problem {
	al_zone_problem_kind kind;
	const char *file;
	unsigned long line;
	const char *message;      /**< what the reader said, printable */
	const char *owner;        /**< the owner name when known, or NULL */
} al_zone_problem;

typedef struct al_zone_options {
	const char *origin;       /**< default $ORIGIN; NULL: "." or derived from the SOA */
	uint32_t default_ttl;     /**< 0: 3600 */
	unsigned max_include_depth; /**< 0: 8 */
	size_t max_records;       /**< 0: no limit other than memory */
	size_t max_file_bytes;    /**< the largest file (or $INCLUDE) read; 0: AL_ZONE_MAX_FILE_BYTES */
	unsigned threads;         /**< 1: read on the calling thread alone; otherwise a large file's
				       records are stored on a second thread while it is read (with
				       more than one processor) */
} al_zone_options;

/** The default limit on the size of one zone file: 4 GiB (offsets are 32-bit). */
#define AL_ZONE_MAX_FILE_BYTES ((size_t)4 << 30)

typedef struct al_zone al_zone;

/** A zone store; several files can be loaded into it. */
AL_EXPORT al_status al_zone_new(al_zone **out, const al_zone_options *options);
/**
 * Read a zone file (with its $INCLUDEs) into the store. Syntax errors do not
 * stop reading: each is recorded as a problem with file and line, and the rest
 * of the file is read. Returns AL_EIO when the file itself cannot be read (the
 * problem is recorded too).
 */
AL_EXPORT al_status al_zone_load_file(al_zone *zone, const char *path, al_error *err);
/**
 * Read zone text from memory; @p label names it in locations ("<stdin>"). The
 * text is copied (columns are found in it later). Standard input is the
 * caller's to read: al_zone_load_file takes "-" for a file of that name.
 */
AL_EXPORT al_status al_zone_load_text(al_zone *zone, const char *label, const char *text, size_t length,
			    al_error *err);
/**
 * Record that input the caller reads itself (standard input) could not be
 * read: @p kind is AL_ZONE_PROBLEM_UNREADABLE or AL_ZONE_PROBLEM_LIMIT, and it
 * is reported as a file that cannot be opened is ("<stdin>: reason").
 */
AL_EXPORT al_status al_zone_add_unread(al_zone *zone, const char *label, al_zone_problem_kind kind,
				       const char *reason);
/**
 * Make @p name an origin of the store, as an SOA at it would (inputs that
 * name their zone without an SOA: octoDNS, DNSControl, Terraform): the store
 * answers with authority for names at or below it. Add it before the records.
 */
AL_EXPORT al_status al_zone_add_origin(al_zone *zone, const char *name);
/**
 * Add one record read by another reader (src/lib/input/): @p owner in
 * presentation form (absolute), RDATA in wire form (names uncompressed).
 * @p where gives its location: file is the label shown in findings (a path,
 * or "path#resource" for an input without lines), line is 1-based or 0.
 * AL_ELIMIT once max_records is reached (the problem is recorded once).
 */
AL_EXPORT al_status al_zone_add_record(al_zone *zone, const al_location *where, const char *owner,
				       uint16_t type, uint32_t ttl, const uint8_t *rdata, size_t rdlength);
/** Record a reading problem at @p where (file label and line), reported as a ZONE finding. */
AL_EXPORT al_status al_zone_add_problem_at(al_zone *zone, const al_location *where, const char *owner,
					   al_zone_problem_kind kind, const char *message);
AL_EXPORT size_t al_zone_problem_count(const al_zone *zone);
AL_EXPORT const al_zone_problem *al_zone_problem_at(const al_zone *zone, size_t index);
/** True when a problem of @p kind means part of the input was not read (exit 2). */
AL_EXPORT bool al_zone_problem_unread(al_zone_problem_kind kind);
/** Number of RRs stored. */
AL_EXPORT size_t al_zone_record_count(const al_zone *zone);
/** The origins (SOA owners, or the $ORIGIN given) of the loaded files. */
AL_EXPORT size_t al_zone_origin_count(const al_zone *zone);
AL_EXPORT const char *al_zone_origin_at(const al_zone *zone, size_t index);
/**
 * Visit every owner name in order of first appearance in the files. The
 * callback returns false to stop. @p types is a bitmap of the RR types present
 * (bit n for type n < 64; bit 63 also for every type >= 63).
 */
typedef bool (*al_zone_name_fn)(void *userdata, const char *name, uint64_t types);
AL_EXPORT void al_zone_foreach_name(const al_zone *zone, al_zone_name_fn fn, void *userdata);
/**
 * Map a byte offset in the joined text of a TXT record back to the file:
 * line and column of that byte in the zone file. Returns false when it cannot
 * (the record came from memory, or the file changed); the RR's line stays valid.
 */
AL_EXPORT bool al_zone_locate(const al_zone *zone, const al_rr *rr, size_t offset, unsigned long *line,
		    unsigned long *column);
/** Free the store; NULL is safe. */
AL_EXPORT void al_zone_free(al_zone *zone);

/** A source answering from a zone store (borrowed; must outlive the source). */
AL_EXPORT al_status al_source_new_zone(al_source **out, al_zone *zone);

/**
 * A source answering from the zonedata of an OpenSPF test-suite YAML file (see
 * tests/spf/README): SPF entries served as TXT, TIMEOUT entries, "error."
 * names, long labels as temperror.
 */
AL_EXPORT al_status al_source_new_fixture_file(al_source **out, const char *path, al_error *err);

/**
 * Names @p primary covers go to it; the others to @p fallback, or when
 * @p fallback is NULL they get AL_RCODE_NOT_QUERIED ("offline"). Both borrowed.
 */
AL_EXPORT al_status al_source_new_layered(al_source **out, al_source *primary, al_source *fallback);

/* ---- names ------------------------------------------------------------ */

/**
 * Normalise a name given by a user or found in a record into the form above:
 * lower case, no trailing dot. Fails (AL_EINVAL, with a reason in @p err) for
 * an empty label, a label over 63 octets or a name over 255 octets in wire form.
 */
AL_EXPORT al_status al_name_normalize(const char *in, size_t length, char out[AL_NAME_MAX], al_error *err);
/** Case-insensitive equality of two presentation names. */
AL_EXPORT bool al_name_equal(const char *a, const char *b);
/** True when @p name is @p parent or below it. */
AL_EXPORT bool al_name_is_subdomain(const char *name, const char *parent);
/** Number of labels ("." has 0). */
AL_EXPORT size_t al_name_label_count(const char *name);

#ifdef __cplusplus
}
#endif
#endif
