/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The zone store: every owner name once (lower-case wire form, hashed), its
 * RRs as read, in an arena. Memory grows with the records kept, not with a
 * copy of the file: RDATA is kept only for the types the checks read; other
 * types leave a bit in the name's type map.
 */
#ifndef AL_DNS_ZONE_INTERNAL_H
#define AL_DNS_ZONE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/source.h>

#include "util/arena.h"

/** One RR. RDATA follows the header. */
typedef struct zrr {
	struct zrr *next;  /* the next older RR of the same name */
	uint32_t offset;   /* byte offset of the record's line in its file; UINT32_MAX: unknown */
	uint32_t ttl;
	uint32_t line;     /* line of the record's first character */
	uint32_t comment;  /* index + 1 into zone->comments, 0 for none */
	uint16_t type;
	uint16_t rdlength;
	uint16_t file;     /* index into zone->files */
	uint8_t rdata[];
} zrr;

enum {
	ZNODE_DATA = 1, /* has RRs */
	ZNODE_ENT = 2,  /* exists as the parent of a name with RRs */
	ZNODE_PARENT = 4, /* a name directly below it is held */
	ZNODE_WILD = 8, /* the wildcard directly below it ("*.name") is held */
};

/** One owner name. The lower-case wire name follows the header. */
typedef struct znode {
	zrr *rrs;         /* newest first */
	uint64_t types;   /* bit n: type n present (bit 63 also for types >= 63) */
	uint32_t order;   /* position in first-appearance order, for names with data */
	uint8_t flags;
	uint8_t wire_length;
	uint8_t wire[];
} znode;

/* Might a name directly below @p n (or, with ZNODE_WILD, its wildcard) be
 * held? The root's children do not mark it (it is never an empty
 * non-terminal), so for the root the answer is always yes. */
static inline bool al_znode_may_hold_below(const znode *n, unsigned flag)
{
	return (n->flags & flag) != 0 || n->wire_length <= 1;
}

typedef struct zslot {
	uint64_t hash;
	znode *node;
} zslot;

typedef struct zfile {
	char *label;       /* the path as given (used in locations) */
	char *path;        /* the path to open again for columns, or NULL (memory input) */
	char *text;        /* a copy of memory input, or NULL */
	size_t text_length;
	int fd;            /* the file opened again for columns, on first use; -1 */
	bool open_failed;
} zfile;

/* A stretch of a zone file read back to find columns: the records of a
 * chunk of names come in file order, so one read serves many of them. */
#define AL_ZONE_WINDOWS 4
typedef struct zwindow {
	char *data;        /* malloc */
	size_t size;       /* allocated */
	size_t length;     /* bytes read, from offset */
	uint32_t offset;
	uint16_t file;
	bool valid;
	bool eof;          /* the read reached the end of the file */
} zwindow;

typedef struct zorigin {
	uint8_t wire[255];
	uint8_t wire_length;
	char *name;        /* presentation */
	uint32_t negative_ttl;
	bool from_soa;
} zorigin;

/* A block of the store's own memory (names and records); see al_zone_alloc. */
typedef struct zblock {
	struct zblock *next;
	size_t size;       /* bytes of the block, this header included */
	bool mapped;       /* from mmap (huge pages), else malloc */
} zblock;

struct al_zone {
	al_arena arena;    /* strings: origins, comments, problems */
	zblock *blocks;    /* names and records, newest block first */
	uint8_t *bump;     /* the free rest of the newest block */
	size_t bump_left;
	size_t block_next; /* the size of the next block */
	al_zone_options options;
	zslot *slots;
	size_t capacity, count;
	znode **ordered;   /* names with data, in first-appearance order */
	size_t ordered_count, ordered_capacity;
	zfile *files;
	size_t file_count;
	char **comments;
	size_t comment_count, comment_capacity;
	al_zone_problem *problems;
	size_t problem_count, problem_capacity;
	size_t problems_dropped;
	zorigin *origins;
	size_t origin_count;
	uint8_t **cuts;    /* delegation points (NS below an origin), wire form */
	size_t cut_count, cut_capacity;
	size_t records;
	size_t pipe_from;  /* inputs this large or larger go through a pipe (zone_pipe.h) */
	/* the name table sized once from the file being read (see grow()): its
	 * size and index, and where in it the last record stored began */
	size_t project_bytes;
	size_t project_at;
	uint16_t project_file;
	bool limit_hit;
	zwindow windows[AL_ZONE_WINDOWS]; /* file text read back for columns */
	unsigned window_next; /* the next window to reuse */
	pthread_mutex_t scratch_lock; /* columns are looked up from several lint threads */
};

/** Names with data, in first-appearance order (what al_zone_foreach_name visits). */
size_t al_zone_name_count(const al_zone *zone);
/** The @p index-th of them in presentation form, with its type bitmap; false when out of range. */
bool al_zone_name_at(const al_zone *zone, size_t index, char out[AL_NAME_MAX], uint64_t *types);

/** Memory for a name or a record, 8-aligned, freed with the store; NULL when out of memory. */
void *al_zone_alloc(al_zone *zone, size_t size);
/** Zeroed memory for a large table of the store (huge pages when large); al_zone_table_free. */
void *al_zone_table_alloc(size_t bytes);
void al_zone_table_free(void *table, size_t bytes);

/** Hash of a lower-case wire name. */
uint64_t al_zone_hash(const uint8_t *wire, size_t length);
/** The node for a lower-case wire name, or NULL. */
znode *al_zone_find(const al_zone *zone, const uint8_t *wire, size_t length);
/** Lower-case a wire name in place. */
void al_zone_wire_lower(uint8_t *wire, size_t length);
/** @p name (presentation form) in wire form, lower-cased as the store keeps names;
 *  its length, or 0 when it is not a name. */
size_t al_zone_name_wire(const char *name, uint8_t wire[255]);
/** True when the zone answers with authority for the lower-case wire name. */
bool al_zone_covers_wire(const al_zone *zone, const uint8_t *wire, size_t length);
/** al_zone_covers_wire, also giving the origin the name falls under (NULL: none). */
bool al_zone_covers_wire_origin(const al_zone *zone, const uint8_t *wire, size_t length, const zorigin **origin);
/** The origin a lower-case wire name falls under, or NULL. */
const zorigin *al_zone_origin_of(const al_zone *zone, const uint8_t *wire, size_t length);
/** File label of an RR. */
const char *al_zone_file_label(const al_zone *zone, const zrr *rr);
/** The comment of an RR, or NULL. */
const char *al_zone_comment(const al_zone *zone, const zrr *rr);

/*
 * Source text of a TXT record: walk the character-strings of the record that
 * starts at @p offset of @p text. For each decoded byte (from skip_to on), byte_fn gets its index
 * in the joined text and the source position (line, column) it came from;
 * at the end of each source string @p end_fn gets its decoded length.
 * Returns false when the text at offset is not a TXT/SPF record.
 */
typedef struct zsource_walk {
	void (*byte_fn)(void *ctx, size_t index, unsigned long line, unsigned long column);
	void (*string_fn)(void *ctx, size_t decoded_length, unsigned long line);
	void *ctx;
	const bool *stop;  /* when it becomes true the walk ends early (NULL: never) */
	size_t skip_to;    /* byte_fn only from this index of the joined text on */
} zsource_walk;
bool al_zone_walk_txt_source(const char *text, size_t length, size_t offset, unsigned long first_line,
			     const zsource_walk *walk);


/* ---- shared by zone.c (the store) and zone_load.c (reading files) ---- */

#define AL_ZONE_MAX_PROBLEMS 1000
/* The smallest input whose records go through a pipe (zone_pipe.h): stored on a
 * second thread while it is scanned, or in batches. */
#define AL_ZONE_PIPE_FROM ((size_t)1 << 20)

/** The RR types whose RDATA the checks read; other types only mark the name. */
bool al_zone_keep_rdata(uint16_t type);
/** The node of @p wire (lower case), created when new (*added). */
znode *al_zone_intern(al_zone *zone, const uint8_t *wire, size_t length, bool *added);
/** al_zone_intern with the name's al_zone_hash @p hash worked out before. */
znode *al_zone_intern_hashed(al_zone *zone, const uint8_t *wire, size_t length, uint64_t hash, bool *added);
/** Mark the ancestors of a new name below its origin as existing (empty non-terminals), and
 *  its parent as holding a name below it (ZNODE_PARENT, ZNODE_WILD). */
bool al_zone_mark_ancestors(al_zone *zone, const uint8_t *wire, size_t length);
/** Register an input file (or a location label) of the store; false when full or out of memory. */
bool al_zone_add_file(al_zone *zone, const char *label, const char *path, const char *text,
		      size_t text_length, uint16_t *index);
/**
 * Store one RR (owner in lower-case wire form) read from file @p file at
 * @p line (@p offset: where its text starts in the file, UINT32_MAX when
 * unknown): the name, its type map, origins (SOA) and delegations (NS).
 * Returns the stored RR, or NULL when its RDATA is not kept or memory ran out.
 */
zrr *al_zone_store_rr(al_zone *zone, const uint8_t *wire, size_t wl, uint16_t type, uint32_t ttl,
		      const uint8_t *rdata, size_t rdl, uint16_t file, unsigned long line, size_t offset);
/** al_zone_store_rr with the owner's al_zone_hash @p hash worked out before. */
zrr *al_zone_store_rr_hashed(al_zone *zone, const uint8_t *wire, size_t wl, uint64_t hash, uint16_t type,
			     uint32_t ttl, const uint8_t *rdata, size_t rdl, uint16_t file, unsigned long line,
			     size_t offset);
/** Record a reading problem (bounded: past AL_ZONE_MAX_PROBLEMS they are counted). */
void al_zone_add_problem(al_zone *zone, al_zone_problem_kind kind, const char *file, unsigned long line,
			 const char *owner, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
