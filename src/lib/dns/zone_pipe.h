/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The records of a zone file on their way from the scanner to the store. A
 * large file is read on two threads: the reading thread scans (libzscanner)
 * and puts each record into a batch; a thread of the pipe's own takes the full
 * batches in order and stores their records (al_zone_store_rr_hashed), so
 * scanning and storing overlap. Small files, one processor, or a store asked to
 * read on one thread store each batch on the reading thread as it fills. The
 * store is the same either way: the records go in in the order they were read.
 *
 * While a pipe is open the storing side alone writes the names, records,
 * origins and delegations (al_zone_alloc's memory); the reading side alone
 * writes the problems, comments, files and the arena.
 */
#ifndef AL_DNS_ZONE_PIPE_H
#define AL_DNS_ZONE_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/zone_internal.h"

typedef struct zpipe zpipe;

/** A pipe into @p zone's store (@p threaded: store on a thread of its own); NULL without memory. */
zpipe *al_zone_pipe_open(al_zone *zone, bool threaded);
/**
 * One record, as al_zone_store_rr takes it (owner in wire form, at most 255
 * octets, lower-cased by the pipe; RDATA at most 65,535) and the index + 1 of
 * its comment (0: none) to set on the stored RR.
 */
void al_zone_pipe_put(zpipe *pipe, const uint8_t *wire, size_t wl, uint16_t type, uint32_t ttl,
		      const uint8_t *rdata, size_t rdl, uint16_t file, unsigned long line, size_t offset,
		      uint32_t comment);
/** The store's records with those put so far (what al_zone_record_count will say at the close). */
size_t al_zone_pipe_records(const zpipe *pipe);
/** Store what is still in the pipe, stop its thread and free it; NULL is ignored. */
void al_zone_pipe_close(zpipe *pipe);

#endif
