/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Records from the scanner to the store through batches (zone_pipe.h). The
 * memory is bounded: BATCHES batches of BATCH_BYTES each, allocated at the
 * open; the reading thread waits when all of them are full.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dns/zone_pipe.h"

/* more than the largest record: 32 + 255 + 65,535 bytes */
#define BATCH_BYTES ((size_t)256 << 10)
#define BATCHES 4u
/* how many records ahead the storing side asks for the hash table's slot */
#define PREFETCH_AHEAD 8
/* A side that would wait (for a free batch, or for a full one) first faults in
 * the store's next pages, at most this far past where the storing side was at
 * its last batch, this much at a time: the kernel's zeroing of fresh pages,
 * most of what storing costs, is then done by the side that has time for it. */
#define POPULATE_AHEAD ((size_t)8 << 20)
#define POPULATE_STEP ((size_t)2 << 20)

/* One record in a batch; the owner's wire form, then the RDATA, follow it. */
typedef struct zentry {
	uint64_t hash;     /* al_zone_hash of the owner (set by the storing side) */
	uint32_t offset;
	uint32_t ttl;
	uint32_t line;
	uint32_t comment;
	uint16_t type;
	uint16_t rdlength;
	uint16_t file;
	uint8_t wire_length;
	uint8_t data[];
} zentry;

typedef struct zbatch {
	uint8_t *data;
	size_t used;
	bool full;         /* handed to the storing side, not yet stored */
} zbatch;

struct zpipe {
	al_zone *zone;
	zbatch batches[BATCHES];
	size_t records;    /* the store's records before the pipe, and those put since */
	unsigned put;      /* the batch being filled */
	unsigned take;     /* the batch the storing side stores next */
	bool threaded;
	bool closing;
	/* the store's memory ahead (al_zone_alloc's current block), set by the
	 * storing side after each batch; under the lock */
	uintptr_t ahead_from, ahead_end;
	uintptr_t populated; /* faulted in up to here */
	uintptr_t page;
	bool no_populate;    /* the kernel has no MADV_POPULATE_WRITE */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled;
	pthread_cond_t emptied;
};

static size_t entry_size(const zentry *e)
{
	return (sizeof(zentry) + e->wire_length + e->rdlength + 7) & ~(size_t)7;
}

/* The owner of an entry a few ahead of the one being stored: lower-cased and
 * hashed here (the reading thread has the scanner's work), and its slot in the
 * hash table asked for before it is needed (a new name's slot is nowhere in
 * the caches). */
static uint8_t *look_ahead(al_zone *zone, uint8_t *p)
{
	zentry *e = (zentry *)p;
	al_zone_wire_lower(e->data, e->wire_length);
	e->hash = al_zone_hash(e->data, e->wire_length);
	if (zone->capacity != 0)
		__builtin_prefetch(&zone->slots[e->hash & (zone->capacity - 1)]);
	return p + entry_size(e);
}

static void store_batch(al_zone *zone, zbatch *b)
{
	uint8_t *end = b->data + b->used;
	uint8_t *ahead = b->data;
	for (unsigned i = 0; i < PREFETCH_AHEAD && ahead < end; i++)
		ahead = look_ahead(zone, ahead);
	for (uint8_t *p = b->data; p < end;) {
		const zentry *e = (const zentry *)p;
		if (ahead < end)
			ahead = look_ahead(zone, ahead);
		zrr *rr = al_zone_store_rr_hashed(zone, e->data, e->wire_length, e->hash, e->type, e->ttl,
						  e->data + e->wire_length, e->rdlength, e->file, e->line, e->offset);
		if (rr != NULL)
			rr->comment = e->comment;
		p += entry_size(e);
	}
}

/* With the lock held, by a side that would otherwise wait: fault in the
 * next step of the store's memory ahead (the lock is let go meanwhile).
 * False when there is nothing to do. */
static bool populate_some(zpipe *pipe)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t page = pipe->page;
	uintptr_t from = pipe->populated > pipe->ahead_from ? pipe->populated : pipe->ahead_from;
	uintptr_t limit = pipe->ahead_end - pipe->ahead_from > POPULATE_AHEAD ? pipe->ahead_from + POPULATE_AHEAD
									      : pipe->ahead_end;
	/* whole pages only: the one the storing side writes in is faulted in already */
	from = (from + page - 1) & ~(page - 1);
	if (pipe->no_populate || from >= limit)
		return false;
	uintptr_t to = from + POPULATE_STEP < limit ? from + POPULATE_STEP : limit;
	to &= ~(page - 1);
	if (to <= from)
		return false;
	pipe->populated = to;
	pthread_mutex_unlock(&pipe->lock);
	bool ok = madvise((void *)from, to - from, MADV_POPULATE_WRITE) == 0;
	pthread_mutex_lock(&pipe->lock);
	if (!ok)
		pipe->no_populate = true; /* older kernels: the storing side faults them in */
	return true;
#else
	(void)pipe;
	return false;
#endif
}

static void *store_main(void *arg)
{
	zpipe *pipe = arg;
	for (;;) {
		zbatch *b = &pipe->batches[pipe->take];
		pthread_mutex_lock(&pipe->lock);
		while (!b->full && !pipe->closing)
			if (!populate_some(pipe))
				pthread_cond_wait(&pipe->filled, &pipe->lock);
		bool full = b->full;
		pthread_mutex_unlock(&pipe->lock);
		if (!full)
			return NULL; /* closing, and every batch is stored */
		store_batch(pipe->zone, b);
		pthread_mutex_lock(&pipe->lock);
		pipe->ahead_from = (uintptr_t)pipe->zone->bump;
		pipe->ahead_end = pipe->ahead_from + pipe->zone->bump_left;
		if (pipe->populated < pipe->ahead_from || pipe->populated > pipe->ahead_end)
			pipe->populated = pipe->ahead_from; /* a new block */
		b->used = 0;
		b->full = false;
		pthread_cond_signal(&pipe->emptied);
		pthread_mutex_unlock(&pipe->lock);
		pipe->take = (pipe->take + 1) % BATCHES;
	}
}

zpipe *al_zone_pipe_open(al_zone *zone, bool threaded)
{
	zpipe *pipe = calloc(1, sizeof(*pipe));
	if (pipe == NULL)
		return NULL;
	pipe->zone = zone;
	pipe->records = zone->records;
	unsigned batches = threaded ? BATCHES : 1;
	for (unsigned i = 0; i < batches; i++) {
		pipe->batches[i].data = malloc(BATCH_BYTES);
		if (pipe->batches[i].data == NULL) {
			for (unsigned k = 0; k < i; k++)
				free(pipe->batches[k].data);
			free(pipe);
			return NULL;
		}
	}
	if (threaded) {
		long page = sysconf(_SC_PAGESIZE);
		pipe->page = page > 0 ? (uintptr_t)page : 4096;
		pthread_mutex_init(&pipe->lock, NULL);
		pthread_cond_init(&pipe->filled, NULL);
		pthread_cond_init(&pipe->emptied, NULL);
		pipe->threaded = pthread_create(&pipe->thread, NULL, store_main, pipe) == 0;
		if (!pipe->threaded) {
			/* no thread: store on this one */
			pthread_cond_destroy(&pipe->emptied);
			pthread_cond_destroy(&pipe->filled);
			pthread_mutex_destroy(&pipe->lock);
		}
	}
	return pipe;
}

/* The batch being filled is full (or the pipe closes): store it, or hand it
 * over and go on with the next one once it is free. */
static void hand_over(zpipe *pipe)
{
	zbatch *b = &pipe->batches[pipe->put];
	if (!pipe->threaded) {
		store_batch(pipe->zone, b);
		b->used = 0;
		return;
	}
	pthread_mutex_lock(&pipe->lock);
	b->full = true;
	pthread_cond_signal(&pipe->filled);
	pipe->put = (pipe->put + 1) % BATCHES;
	zbatch *next = &pipe->batches[pipe->put];
	while (next->full)
		if (!populate_some(pipe))
			pthread_cond_wait(&pipe->emptied, &pipe->lock);
	pthread_mutex_unlock(&pipe->lock);
}

void al_zone_pipe_put(zpipe *pipe, const uint8_t *wire, size_t wl, uint16_t type, uint32_t ttl,
		      const uint8_t *rdata, size_t rdl, uint16_t file, unsigned long line, size_t offset,
		      uint32_t comment)
{
	if (wl > 255 || rdl > UINT16_MAX)
		return;
	size_t size = (sizeof(zentry) + wl + rdl + 7) & ~(size_t)7;
	if (pipe->batches[pipe->put].used + size > BATCH_BYTES)
		hand_over(pipe);
	zbatch *b = &pipe->batches[pipe->put];
	zentry *e = (zentry *)(b->data + b->used);
	e->hash = 0;
	e->offset = offset < UINT32_MAX ? (uint32_t)offset : UINT32_MAX;
	e->ttl = ttl;
	e->line = (uint32_t)(line > UINT32_MAX ? UINT32_MAX : line);
	e->comment = comment;
	e->type = type;
	e->rdlength = (uint16_t)rdl;
	e->file = file;
	e->wire_length = (uint8_t)wl;
	memcpy(e->data, wire, wl);
	if (rdl > 0)
		memcpy(e->data + wl, rdata, rdl);
	b->used += size;
	pipe->records++;
}

size_t al_zone_pipe_records(const zpipe *pipe)
{
	return pipe->records;
}

void al_zone_pipe_close(zpipe *pipe)
{
	if (pipe == NULL)
		return;
	if (pipe->batches[pipe->put].used > 0)
		hand_over(pipe);
	if (pipe->threaded) {
		pthread_mutex_lock(&pipe->lock);
		pipe->closing = true;
		pthread_cond_signal(&pipe->filled);
		pthread_mutex_unlock(&pipe->lock);
		pthread_join(pipe->thread, NULL);
		pthread_cond_destroy(&pipe->emptied);
		pthread_cond_destroy(&pipe->filled);
		pthread_mutex_destroy(&pipe->lock);
	}
	for (unsigned i = 0; i < BATCHES; i++)
		free(pipe->batches[i].data);
	free(pipe);
}
