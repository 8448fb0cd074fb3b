/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The zone store: owner names (hashed, in file order), their RRs, the files
 * read and the problems met, the origins, and where each record's bytes are in
 * its file (columns). Reading the files is zone_load.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <libzscanner/scanner.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns/wire.h"
#include "dns/zone_internal.h"
#include "util/escape.h"
#include "util/file.h"
#include "util/grow.h"

#define DEFAULT_INCLUDE_DEPTH 8

/* The RR types whose RDATA the checks read; other types only mark the name. */
bool al_zone_keep_rdata(uint16_t type)
{
	switch (type) {
	case AL_TYPE_A:
	case AL_TYPE_NS:
	case AL_TYPE_CNAME:
	case AL_TYPE_SOA:
	case AL_TYPE_PTR:
	case AL_TYPE_MX:
	case AL_TYPE_TXT:
	case AL_TYPE_AAAA:
	case AL_TYPE_SPF:
	case 33: /* SRV */
	case 39: /* DNAME */
		return true;
	default:
		return false;
	}
}

/* ---- store ----------------------------------------------------------------- */

void al_zone_wire_lower(uint8_t *wire, size_t length)
{
	size_t i = 0;
	while (i < length && wire[i] != 0) {
		size_t n = wire[i];
		for (size_t k = i + 1; k <= i + n && k < length; k++)
			if (wire[k] >= 'A' && wire[k] <= 'Z')
				wire[k] = (uint8_t)(wire[k] + 32);
		i += n + 1;
	}
}

size_t al_zone_name_wire(const char *name, uint8_t wire[255])
{
	size_t wl = al_name_to_wire(name, strlen(name), wire, NULL);
	if (wl != 0)
		al_zone_wire_lower(wire, wl);
	return wl;
}

/* Eight bytes at a time: the names are short, and every lookup and every
 * record read hashes one. */
uint64_t al_zone_hash(const uint8_t *wire, size_t length)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ length;
	while (length >= 8) {
		uint64_t v;
		memcpy(&v, wire, 8);
		h = (h ^ v) * 0xff51afd7ed558ccdULL;
		h ^= h >> 29;
		wire += 8;
		length -= 8;
	}
	if (length > 0) {
		uint64_t v = 0;
		memcpy(&v, wire, length);
		h = (h ^ v) * 0xff51afd7ed558ccdULL;
		h ^= h >> 29;
	}
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 32);
}

/* ---- the store's memory ------------------------------------------------------------ */

/*
 * Names and records live in blocks that double in size. From 2 MiB on a
 * block is mapped on its own, 2 MiB aligned and marked for transparent huge
 * pages: a million-record store then takes a few dozen page faults where 4 KiB
 * pages took forty thousand (on a virtual machine each costs microseconds).
 * Pages of a block not yet written are not resident.
 */
#define ZBLOCK_FIRST ((size_t)16 << 10)
#define ZBLOCK_HUGE ((size_t)2 << 20)
#define ZBLOCK_MAX ((size_t)32 << 20)
#define ZBLOCK_HEAD ((sizeof(zblock) + 15) & ~(size_t)15)

static void *map_huge(size_t size)
{
	size_t span = size + ZBLOCK_HUGE;
	uint8_t *p = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	uintptr_t start = ((uintptr_t)p + ZBLOCK_HUGE - 1) & ~(uintptr_t)(ZBLOCK_HUGE - 1);
	size_t head = (size_t)(start - (uintptr_t)p);
	if (head > 0)
		munmap(p, head);
	if (span - head > size)
		munmap((uint8_t *)start + size, span - head - size);
#ifdef MADV_HUGEPAGE
	(void)madvise((void *)start, size, MADV_HUGEPAGE);
#endif
	return (void *)start;
}

void *al_zone_table_alloc(size_t bytes)
{
	if (bytes < ZBLOCK_HUGE)
		return calloc(1, bytes);
	size_t size = (bytes + ZBLOCK_HUGE - 1) & ~(ZBLOCK_HUGE - 1);
	return map_huge(size); /* zeroed */
}

void al_zone_table_free(void *table, size_t bytes)
{
	if (table == NULL)
		return;
	if (bytes < ZBLOCK_HUGE)
		free(table);
	else
		munmap(table, (bytes + ZBLOCK_HUGE - 1) & ~(ZBLOCK_HUGE - 1));
}

static bool new_block(al_zone *zone, size_t need)
{
	size_t size = zone->block_next ? zone->block_next : ZBLOCK_FIRST;
	while (size < ZBLOCK_HEAD + need)
		size *= 2;
	bool mapped = size >= ZBLOCK_HUGE;
	zblock *b = mapped ? map_huge(size) : malloc(size);
	if (b == NULL)
		return false;
	b->size = size;
	b->mapped = mapped;
	b->next = zone->blocks;
	zone->blocks = b;
	zone->bump = (uint8_t *)b + ZBLOCK_HEAD;
	zone->bump_left = size - ZBLOCK_HEAD;
	if (size < ZBLOCK_MAX)
		zone->block_next = size * 2;
	else
		zone->block_next = ZBLOCK_MAX;
	return true;
}

void *al_zone_alloc(al_zone *zone, size_t size)
{
	if (size > ((size_t)1 << 30))
		return NULL;
	size = (size + 7) & ~(size_t)7;
	if (size > zone->bump_left && !new_block(zone, size))
		return NULL;
	void *p = zone->bump;
	zone->bump += size;
	zone->bump_left -= size;
	return p;
}

static void free_blocks(al_zone *zone)
{
	zblock *b = zone->blocks;
	while (b != NULL) {
		zblock *next = b->next;
		if (b->mapped)
			munmap(b, b->size);
		else
			free(b);
		b = next;
	}
	zone->blocks = NULL;
}

znode *al_zone_find(const al_zone *zone, const uint8_t *wire, size_t length)
{
	if (zone->capacity == 0)
		return NULL;
	uint64_t h = al_zone_hash(wire, length);
	size_t mask = zone->capacity - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		const zslot *s = &zone->slots[i];
		if (s->node == NULL)
			return NULL;
		if (s->hash == h && s->node->wire_length == length && memcmp(s->node->wire, wire, length) == 0)
			return s->node;
	}
}

/* A large file's names are about as dense all through it: once its first
 * MiB is stored, the table grows at once to what the whole file will need
 * (at most a quarter of the file's size), sparing the doublings on the way,
 * each a new table to fault in and every name to move. */
#define PROJECT_AFTER ((size_t)1 << 20)

static bool grow(al_zone *zone)
{
	size_t cap = zone->capacity ? zone->capacity * 2 : 1024;
	if (zone->project_bytes > 0 && zone->project_at >= PROJECT_AFTER && zone->project_at < zone->project_bytes) {
		double expect = (double)zone->count * (double)zone->project_bytes / (double)zone->project_at;
		size_t most = zone->project_bytes / 4 / sizeof(zslot);
		while ((double)cap * 7 < expect * 10 && cap * 2 <= most)
			cap *= 2;
		zone->project_bytes = 0; /* once */
	}
	zslot *slots = al_zone_table_alloc(cap * sizeof(*slots));
	if (slots == NULL)
		return false;
	for (size_t i = 0; i < zone->capacity; i++) {
		zslot *s = &zone->slots[i];
		if (s->node == NULL)
			continue;
		size_t j = s->hash & (cap - 1);
		while (slots[j].node != NULL)
			j = (j + 1) & (cap - 1);
		slots[j] = *s;
	}
	al_zone_table_free(zone->slots, zone->capacity * sizeof(*slots));
	zone->slots = slots;
	zone->capacity = cap;
	return true;
}

/* Find or add the node of a lower-case wire name. */
znode *al_zone_intern(al_zone *zone, const uint8_t *wire, size_t length, bool *added)
{
	return al_zone_intern_hashed(zone, wire, length, al_zone_hash(wire, length), added);
}

znode *al_zone_intern_hashed(al_zone *zone, const uint8_t *wire, size_t length, uint64_t h, bool *added)
{
	*added = false;
	if (zone->capacity != 0) {
		size_t mask = zone->capacity - 1;
		for (size_t i = h & mask;; i = (i + 1) & mask) {
			zslot *s = &zone->slots[i];
			if (s->node == NULL)
				break;
			if (s->hash == h && s->node->wire_length == length &&
			    memcmp(s->node->wire, wire, length) == 0)
				return s->node;
		}
	}
	if ((zone->count + 1) * 10 > zone->capacity * 7 && !grow(zone))
		return NULL;
	znode *n = al_zone_alloc(zone, sizeof(znode) + length);
	if (n == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->wire_length = (uint8_t)length;
	memcpy(n->wire, wire, length);
	size_t mask = zone->capacity - 1;
	size_t i = h & mask;
	while (zone->slots[i].node != NULL)
		i = (i + 1) & mask;
	zone->slots[i].hash = h;
	zone->slots[i].node = n;
	zone->count++;
	*added = true;
	return n;
}

/* Mark the ancestors of a name (below its origin) as existing: empty
 * non-terminals answer NODATA, not NXDOMAIN (RFC 8020). */
bool al_zone_mark_ancestors(al_zone *zone, const uint8_t *wire, size_t length)
{
	/* the parent learns that a name (or its wildcard) is held below it */
	uint8_t below = length >= 2 && wire[0] == 1 && wire[1] == '*' ? ZNODE_PARENT | ZNODE_WILD : ZNODE_PARENT;
	size_t off = 0;
	while (off < length && wire[off] != 0) {
		off += (size_t)wire[off] + 1;
		if (off >= length || wire[off] == 0)
			break;
		bool added;
		znode *p = al_zone_intern(zone, wire + off, length - off, &added);
		if (p == NULL)
			return false;
		p->flags |= below;
		below = ZNODE_PARENT;
		if (!added)
			break; /* its ancestors were marked when it was added */
		p->flags |= ZNODE_ENT;
	}
	return true;
}

void al_zone_add_problem(al_zone *zone, al_zone_problem_kind kind, const char *file, unsigned long line,
			const char *owner, const char *fmt, ...)
{
	if (zone->problem_count >= AL_ZONE_MAX_PROBLEMS) {
		zone->problems_dropped++;
		return;
	}
	if (!AL_GROW_ONE(zone->problems, zone->problem_count, zone->problem_capacity))
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = al_arena_vprintf(&zone->arena, fmt, ap);
	va_end(ap);
	al_zone_problem *p = &zone->problems[zone->problem_count++];
	p->kind = kind;
	p->file = file;
	p->line = line;
	p->message = msg ? msg : "?";
	p->owner = owner ? al_arena_strdup(&zone->arena, owner) : NULL;
}

/* ---- public store API --------------------------------------------------------- */

al_status al_zone_new(al_zone **out, const al_zone_options *options)
{
	*out = NULL;
	al_zone *z = calloc(1, sizeof(*z));
	if (z == NULL)
		return AL_ENOMEM;
	al_arena_init(&z->arena);
	pthread_mutex_init(&z->scratch_lock, NULL);
	if (options != NULL)
		z->options = *options;
	z->pipe_from = AL_ZONE_PIPE_FROM;
	if (z->options.default_ttl == 0)
		z->options.default_ttl = 3600;
	if (z->options.max_include_depth == 0)
		z->options.max_include_depth = DEFAULT_INCLUDE_DEPTH;
	if (z->options.origin != NULL) {
		z->options.origin = al_arena_strdup(&z->arena, z->options.origin);
		uint8_t wire[255];
		size_t n = al_zone_name_wire(z->options.origin, wire);
		if (n == 0) {
			al_zone_free(z);
			return AL_EINVAL;
		}
		z->origins = calloc(1, sizeof(zorigin));
		if (z->origins == NULL) {
			al_zone_free(z);
			return AL_ENOMEM;
		}
		memcpy(z->origins[0].wire, wire, n);
		z->origins[0].wire_length = (uint8_t)n;
		char text[AL_NAME_MAX];
		al_wire_name_to_text(wire, n, 0, text, NULL);
		z->origins[0].name = al_arena_strdup(&z->arena, text);
		z->origins[0].negative_ttl = 3600;
		z->origin_count = 1;
	}
	*out = z;
	return AL_OK;
}

void al_zone_free(al_zone *zone)
{
	if (zone == NULL)
		return;
	for (size_t i = 0; i < zone->file_count; i++) {
		zfile *f = &zone->files[i];
		if (f->fd >= 0)
			close(f->fd);
		free(f->label);
		free(f->path);
		free(f->text);
	}
	free(zone->files);
	al_zone_table_free(zone->slots, zone->capacity * sizeof(*zone->slots));
	free(zone->ordered);
	free(zone->comments);
	free(zone->problems);
	free(zone->origins);
	free(zone->cuts);
	for (size_t i = 0; i < AL_ZONE_WINDOWS; i++)
		free(zone->windows[i].data);
	pthread_mutex_destroy(&zone->scratch_lock);
	al_arena_clear(&zone->arena);
	free_blocks(zone);
	free(zone);
}

size_t al_zone_problem_count(const al_zone *zone)
{
	return zone ? zone->problem_count : 0;
}

const al_zone_problem *al_zone_problem_at(const al_zone *zone, size_t index)
{
	return zone && index < zone->problem_count ? &zone->problems[index] : NULL;
}

bool al_zone_problem_unread(al_zone_problem_kind kind)
{
	return kind != AL_ZONE_PROBLEM_STRING_TOO_LONG && kind != AL_ZONE_PROBLEM_ORIGIN_FROM_SOA;
}

size_t al_zone_record_count(const al_zone *zone)
{
	return zone ? zone->records : 0;
}

size_t al_zone_origin_count(const al_zone *zone)
{
	return zone ? zone->origin_count : 0;
}

const char *al_zone_origin_at(const al_zone *zone, size_t index)
{
	return zone && index < zone->origin_count ? zone->origins[index].name : NULL;
}

const char *al_zone_file_label(const al_zone *zone, const zrr *rr)
{
	return rr->file < zone->file_count ? zone->files[rr->file].label : "?";
}

const char *al_zone_comment(const al_zone *zone, const zrr *rr)
{
	if (rr->comment == 0 || rr->comment > zone->comment_count)
		return NULL;
	return zone->comments[rr->comment - 1];
}

size_t al_zone_name_count(const al_zone *zone)
{
	return zone ? zone->ordered_count : 0;
}

bool al_zone_name_at(const al_zone *zone, size_t index, char out[AL_NAME_MAX], uint64_t *types)
{
	if (zone == NULL || index >= zone->ordered_count)
		return false;
	const znode *n = zone->ordered[index];
	*types = n->types;
	return al_wire_name_to_text(n->wire, n->wire_length, 0, out, NULL);
}

void al_zone_foreach_name(const al_zone *zone, al_zone_name_fn fn, void *userdata)
{
	if (zone == NULL)
		return;
	char text[AL_NAME_MAX];
	for (size_t i = 0; i < zone->ordered_count; i++) {
		const znode *n = zone->ordered[i];
		if (!al_wire_name_to_text(n->wire, n->wire_length, 0, text, NULL))
			continue;
		if (!fn(userdata, text, n->types))
			return;
	}
}

/* ---- names in the zone ------------------------------------------------------------------ */

static bool wire_below(const uint8_t *wire, size_t length, const uint8_t *parent, size_t plen)
{
	if (plen > length)
		return false;
	if (memcmp(wire + length - plen, parent, plen) != 0)
		return false;
	if (plen == length)
		return true;
	/* the suffix must start at a label boundary */
	size_t off = 0;
	while (off < length - plen && wire[off] != 0)
		off += (size_t)wire[off] + 1;
	return off == length - plen;
}

const zorigin *al_zone_origin_of(const al_zone *zone, const uint8_t *wire, size_t length)
{
	const zorigin *best = NULL;
	for (size_t i = 0; i < zone->origin_count; i++) {
		const zorigin *o = &zone->origins[i];
		if (wire_below(wire, length, o->wire, o->wire_length) &&
		    (best == NULL || o->wire_length > best->wire_length))
			best = o;
	}
	return best;
}

bool al_zone_covers_wire(const al_zone *zone, const uint8_t *wire, size_t length)
{
	const zorigin *origin;
	return al_zone_covers_wire_origin(zone, wire, length, &origin);
}

bool al_zone_covers_wire_origin(const al_zone *zone, const uint8_t *wire, size_t length, const zorigin **origin)
{
	*origin = NULL;
	if (zone->origin_count > 0) {
		if ((*origin = al_zone_origin_of(zone, wire, length)) == NULL)
			return false;
	} else {
		/* no SOA and no origin given: the zone covers what is at or below its names */
		bool found = false;
		size_t off = 0;
		for (int i = 0; i < 128 && off < length; i++) {
			const znode *n = al_zone_find(zone, wire + off, length - off);
			if (n != NULL && (n->flags & ZNODE_DATA)) {
				found = true;
				break;
			}
			if (wire[off] == 0)
				break;
			off += (size_t)wire[off] + 1;
		}
		if (!found)
			return false;
	}
	for (size_t i = 0; i < zone->cut_count; i++) {
		const uint8_t *cut = zone->cuts[i];
		size_t cl = 0;
		while (cut[cl] != 0)
			cl += (size_t)cut[cl] + 1;
		cl++;
		if (wire_below(wire, length, cut, cl) && !(cl == length))
			return false; /* below a delegation: another zone's data */
	}
	return true;
}

/* ---- columns ------------------------------------------------------------------------------- */

typedef struct locate_ctx {
	size_t want;
	unsigned long line, column;
	bool found;
} locate_ctx;

static void locate_byte(void *ctx, size_t index, unsigned long line, unsigned long column)
{
	locate_ctx *lc = ctx;
	if (!lc->found && index == lc->want) {
		lc->line = line;
		lc->column = column;
		lc->found = true;
	}
}

/* The source text of a record: from the stored copy of memory input, or read
 * back from the file (a window of it, so that finding columns does not map
 * the whole zone into memory). */
#define WINDOW_BYTES (64u * 1024)
#define MAX_RECORD_SOURCE (512u * 1024)

/* Does the record's text end inside these bytes: a line break outside
 * parentheses and quotes? */
static const bool record_special[256] = {
	['\\'] = true, ['"'] = true, ['('] = true, [')'] = true, ['\n'] = true,
};

static bool record_ends(const char *t, size_t n)
{
	int paren = 0;
	bool quoted = false;
	for (size_t i = 0; i < n; i++) {
		/* ordinary bytes eight at a time; inside quotes only " and \ matter */
		for (; i + 8 <= n; i += 8) {
			uint64_t v;
			memcpy(&v, t + i, 8);
			uint64_t special = al_bytes_has(v, '"') | al_bytes_has(v, '\\');
			if (!quoted)
				special |= al_bytes_has(v, '(') | al_bytes_has(v, ')') | al_bytes_has(v, '\n');
			if (special)
				break;
		}
		while (i < n && !record_special[(unsigned char)t[i]])
			i++;
		if (i == n)
			break;
		char c = t[i];
		if (c == '\\') {
			i++;
		} else if (c == '"') {
			quoted = !quoted;
		} else if (!quoted && c == '(') {
			paren++;
		} else if (!quoted && c == ')') {
			paren--;
		} else if (!quoted && c == '\n' && paren <= 0) {
			return true;
		}
	}
	return false;
}

static bool record_text(al_zone *zone, const zrr *z, const char **text, size_t *length)
{
	zfile *f = &zone->files[z->file];
	if (z->offset == UINT32_MAX)
		return false;
	if (f->text != NULL) {
		if (z->offset >= f->text_length)
			return false;
		*text = f->text + z->offset;
		*length = f->text_length - z->offset;
		return true;
	}
	if (f->fd < 0 && !f->open_failed && f->path != NULL) {
		f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
		if (f->fd < 0)
			f->open_failed = true;
	}
	if (f->fd < 0)
		return false;
	/* a window read before that holds the whole record */
	for (size_t i = 0; i < AL_ZONE_WINDOWS; i++) {
		const zwindow *w = &zone->windows[i];
		if (!w->valid || w->file != z->file || z->offset < w->offset || z->offset - w->offset >= w->length)
			continue;
		const char *t = w->data + (z->offset - w->offset);
		size_t n = w->length - (z->offset - w->offset);
		if (w->eof || record_ends(t, n)) {
			*text = t;
			*length = n;
			return true;
		}
	}
	/* read a window from the record on, longer when the record goes on */
	zwindow *w = &zone->windows[zone->window_next++ % AL_ZONE_WINDOWS];
	w->valid = false;
	size_t want = WINDOW_BYTES;
	for (;;) {
		if (w->size < want) {
			char *p = realloc(w->data, want);
			if (p == NULL)
				return false;
			w->data = p;
			w->size = want;
		}
		ssize_t n = pread(f->fd, w->data, want, (off_t)z->offset);
		if (n <= 0)
			return false;
		w->valid = true;
		w->file = z->file;
		w->offset = z->offset;
		w->length = (size_t)n;
		w->eof = (size_t)n < want;
		if (w->eof || want >= MAX_RECORD_SOURCE || record_ends(w->data, (size_t)n)) {
			*text = w->data;
			*length = (size_t)n;
			return true;
		}
		want *= 4;
	}
}

bool al_zone_locate(const al_zone *zone, const al_rr *rr, size_t offset, unsigned long *line,
		    unsigned long *column)
{
	if (zone == NULL || rr == NULL || rr->backend == NULL)
		return false;
	/* only records of this zone: their file label is one of ours */
	const zrr *z = rr->backend;
	bool ours = false;
	for (size_t i = 0; i < zone->file_count; i++)
		if (zone->files[i].label == rr->location.file)
			ours = i == z->file;
	if (!ours)
		return false;
	const char *text;
	size_t length;
	al_zone *mz = (al_zone *)zone;
	pthread_mutex_lock(&mz->scratch_lock);
	bool found = false;
	locate_ctx lc = {offset, 0, 0, false};
	if (record_text(mz, z, &text, &length)) {
		zsource_walk w = {locate_byte, NULL, &lc, &lc.found, offset};
		found = al_zone_walk_txt_source(text, length, 0, z->line, &w) && lc.found;
	}
	pthread_mutex_unlock(&mz->scratch_lock);
	if (!found)
		return false;
	*line = lc.line;
	*column = lc.column;
	return true;
}
