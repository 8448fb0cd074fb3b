/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading zone files, shared by zone_load.c (the scan and the records) and
 * zone_include.c (mapping files, $INCLUDE, relative $ORIGIN).
 */
#ifndef AL_DNS_ZONE_LOAD_H
#define AL_DNS_ZONE_LOAD_H

#include <libzscanner/scanner.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/zone_internal.h"

/* The most files (the zone files and their $INCLUDEs) one store reads. */
#define AL_ZONE_MAX_FILES 1024u

/* A zone file mapped into memory: the scanner reads it from there, and the
 * pages already scanned are given back as it goes (al_zone_scan()). */
typedef struct zmap {
	const char *data;
	size_t length;
	bool mapped;
} zmap;

struct zpipe;

typedef struct load_ctx {
	al_zone *zone;
	struct zpipe *pipe;   /* where the records go (zone_pipe.h); NULL: straight into the store */
	uint16_t file;        /* index of the file being read */
	const char *label;
	const char *input;    /* the whole input of the current file */
	size_t input_length;
	bool mapped;          /* input is a mapped file: pages scanned can be given back */
	unsigned depth;
	char **stack;         /* realpaths of the files being read, for loops */
	size_t stack_count;
	bool seen_data;       /* a record was read */
	unsigned long unrooted, unrooted_line; /* relative owners read with no origin */
	unsigned long unrooted_origin_line; /* a relative $ORIGIN with no origin to put it under */
} load_ctx;

/** Map @p path (a regular file within the store's limit) into @p m; the reason in @p err. */
al_status al_zone_map_file(const al_zone *zone, const char *path, zmap *m, al_error *err);
void al_zone_unmap_file(zmap *m);
/**
 * Memory for a scanner (not initialised: zs_init it), NULL without memory. A
 * scanner is 206,144 bytes: a few released ones are kept for the process
 * and handed out again, so that a load, the restarts after a relative
 * $ORIGIN or $INCLUDE, and the next load do not allocate (and fault in) a
 * block that size each time.
 */
zs_scanner_t *al_zone_scanner_get(void);
/** zs_deinit @p s (from al_zone_scanner_get and zs_init) and give it back; NULL is ignored. */
void al_zone_scanner_release(zs_scanner_t *s);
/** A scanner over the mapped file, relative $INCLUDE paths from its real directory; NULL without memory. */
zs_scanner_t *al_zone_scanner_for(const zmap *m, const char *path, const char *origin, uint32_t ttl);
/** Read every record of the scanner's input into the store (zone_load.c). */
al_status al_zone_scan(load_ctx *lc, zs_scanner_t *s);
/** The scanner stopped at an $INCLUDE: read the file (bounded depth, no loops). */
void al_zone_include(load_ctx *lc, zs_scanner_t *s, unsigned long line);
/**
 * A relative "$ORIGIN name" or "$INCLUDE file name" the scanner refused, from
 * @p from, under the origin before it: a new scanner for the rest of the input,
 * or NULL.
 */
zs_scanner_t *al_zone_relative_origin(load_ctx *lc, const zs_scanner_t *s, const char *from,
				      const uint8_t *origin, size_t origin_length);
zs_scanner_t *al_zone_relative_include(load_ctx *lc, zs_scanner_t *s, const char *from, const uint8_t *origin,
				       size_t origin_length);

#endif
