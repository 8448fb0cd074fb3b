/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The files of a zone: each mapped into memory for the scanner (a device or
 * a FIFO refused before anything is read), $INCLUDE resolved by us (loops and
 * depth bounded), and the relative $ORIGIN and $INCLUDE origins that the
 * scanner refuses made absolute as BIND does.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns/wire.h"
#include "dns/zone_load.h"
#include "util/file.h"

static size_t max_file_bytes(const al_zone *zone)
{
	return zone->options.max_file_bytes != 0 ? zone->options.max_file_bytes : AL_ZONE_MAX_FILE_BYTES;
}

/*
 * Map @p path if it is a regular file within the limit. libzscanner's own
 * zs_set_input_file reads a device or a FIFO into memory with no bound
 * (/dev/zero until memory runs out) and waits on a FIFO with no writer;
 * here they are refused before anything is read. On failure the reason
 * (without the file's name) is in @p err.
 */
al_status al_zone_map_file(const al_zone *zone, const char *path, zmap *m, al_error *err)
{
	memset(m, 0, sizeof(*m));
	int fd;
	size_t size;
	al_status st = al_file_open_regular(path, NULL, "a zone file", max_file_bytes(zone), &fd, &size, err);
	if (st != AL_OK)
		return st;
	m->data = "";
	if (size > 0) {
		void *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			int e = errno;
			close(fd);
			return al_error_set(err, AL_EIO, "%s", strerror(e));
		}
		(void)madvise(p, size, MADV_SEQUENTIAL);
		m->data = p;
		m->length = size;
		m->mapped = true;
	}
	close(fd);
	return AL_OK;
}

void al_zone_unmap_file(zmap *m)
{
	if (m->mapped)
		munmap((void *)m->data, m->length);
	memset(m, 0, sizeof(*m));
}

/* Released scanners kept for the next get: a load needs one, one more
 * after a relative $ORIGIN or $INCLUDE, and one per nested $INCLUDE. They
 * stay reachable from here for the life of the process, as the data of
 * util/once.h does; zs_init clears all of a scanner, so one that is handed
 * out again is the same as a new one. */
#define SPARE_SCANNERS 4
static _Atomic(zs_scanner_t *) spare_scanners[SPARE_SCANNERS];

zs_scanner_t *al_zone_scanner_get(void)
{
	for (size_t i = 0; i < SPARE_SCANNERS; i++) {
		zs_scanner_t *s = atomic_exchange(&spare_scanners[i], NULL);
		if (s != NULL)
			return s;
	}
	return malloc(sizeof(zs_scanner_t));
}

void al_zone_scanner_release(zs_scanner_t *s)
{
	if (s == NULL)
		return;
	zs_deinit(s);
	for (size_t i = 0; i < SPARE_SCANNERS; i++) {
		zs_scanner_t *none = NULL;
		if (atomic_compare_exchange_strong(&spare_scanners[i], &none, s))
			return;
	}
	free(s);
}

/* A scanner over the mapped file, taking relative $INCLUDE paths from the
 * file's real directory as zs_set_input_file does; NULL without memory. */
zs_scanner_t *al_zone_scanner_for(const zmap *m, const char *path, const char *origin, uint32_t ttl)
{
	zs_scanner_t *s = al_zone_scanner_get();
	if (s == NULL)
		return NULL;
	if (zs_init(s, origin, 1, ttl) != 0 || zs_set_input_string(s, m->data, m->length) != 0) {
		al_zone_scanner_release(s);
		return NULL;
	}
	char *real = realpath(path, NULL);
	if (real != NULL) {
		char *dir = strdup(dirname(real));
		if (dir != NULL) {
			free(s->path); /* zs_deinit frees the one set here */
			s->path = dir;
		}
		free(real);
	}
	return s;
}

static void include_file(load_ctx *lc, zs_scanner_t *s, unsigned long line, const char *name,
			 const char *shown, const char *origin);

/* The scanner made a relative $INCLUDE path absolute (from the including
 * file's real directory). Show it relative to the including file's label,
 * as the user wrote it, so that output does not depend on where it runs. */
static char *include_label(const load_ctx *lc, const zs_scanner_t *s, const char *name)
{
	size_t pl = s->path ? strlen(s->path) : 0;
	if (pl == 0 || strncmp(name, s->path, pl) != 0 || name[pl] != '/')
		return strdup(name);
	const char *rel = name + pl + 1;
	const char *slash = strrchr(lc->label, '/');
	if (slash == NULL)
		return strdup(rel);
	size_t dl = (size_t)(slash - lc->label) + 1;
	char *out = malloc(dl + strlen(rel) + 1);
	if (out != NULL) {
		memcpy(out, lc->label, dl);
		strcpy(out + dl, rel);
	}
	return out;
}

void al_zone_include(load_ctx *lc, zs_scanner_t *s, unsigned long line)
{
	const char *name = s->include_filename;
	char *shown = include_label(lc, s, name);
	if (shown == NULL)
		return;
	/* the scanner wrote the origin for the file into its buffer (\DDD form) */
	char origin[AL_NAME_MAX];
	size_t olen = strnlen((const char *)s->buffer, sizeof(origin) - 1);
	memcpy(origin, s->buffer, olen);
	origin[olen] = '\0';
	include_file(lc, s, line, name, shown, origin);
	free(shown);
}

static void include_file(load_ctx *lc, zs_scanner_t *s, unsigned long line, const char *name,
			 const char *shown, const char *origin)
{
	al_zone *zone = lc->zone;
	if (lc->depth + 1 > zone->options.max_include_depth) {
		al_zone_add_problem(zone, AL_ZONE_PROBLEM_INCLUDE_LOOP, lc->label, line, NULL,
			    "$INCLUDE %s nests deeper than %u files", shown, zone->options.max_include_depth);
		return;
	}
	char *real = realpath(name, NULL);
	if (real == NULL) {
		al_zone_add_problem(zone, AL_ZONE_PROBLEM_UNREADABLE, lc->label, line, NULL, "$INCLUDE %s: %s", shown,
			    strerror(errno));
		return;
	}
	for (size_t i = 0; i < lc->stack_count; i++) {
		if (strcmp(lc->stack[i], real) == 0) {
			al_zone_add_problem(zone, AL_ZONE_PROBLEM_INCLUDE_LOOP, lc->label, line, NULL,
				    "$INCLUDE %s includes a file that is already being read", shown);
			free(real);
			return;
		}
	}
	if (zone->file_count >= AL_ZONE_MAX_FILES) {
		al_zone_add_problem(zone, AL_ZONE_PROBLEM_LIMIT, lc->label, line, NULL,
			    "$INCLUDE %s: more than %u files read; it was not read", shown, AL_ZONE_MAX_FILES);
		free(real);
		return;
	}
	zmap map;
	al_error merr = {0};
	al_status mst = al_zone_map_file(zone, name, &map, &merr);
	if (mst != AL_OK) {
		al_zone_add_problem(zone, mst == AL_ELIMIT ? AL_ZONE_PROBLEM_LIMIT : AL_ZONE_PROBLEM_UNREADABLE,
				    lc->label, line, NULL, "$INCLUDE %s: %s", shown, merr.message);
		free(real);
		return;
	}
	zs_scanner_t *inner = al_zone_scanner_for(&map, name, origin, s->default_ttl);
	if (inner == NULL) {
		al_zone_unmap_file(&map);
		free(real);
		return;
	}
	uint16_t index;
	char **stack = NULL;
	if (!al_zone_add_file(zone, shown, name, NULL, 0, &index) ||
	    (stack = realloc(lc->stack, (lc->stack_count + 1) * sizeof(*stack))) == NULL) {
		al_zone_scanner_release(inner);
		al_zone_unmap_file(&map);
		free(real);
		return;
	}
	lc->stack = stack;
	lc->stack[lc->stack_count++] = real;
	load_ctx sub = *lc;
	sub.file = index;
	sub.label = zone->files[index].label;
	sub.input = map.data;
	sub.input_length = map.length;
	sub.mapped = map.mapped;
	sub.depth = lc->depth + 1;
	al_zone_scan(&sub, inner);
	lc->stack = sub.stack;
	lc->stack_count = sub.stack_count - 1;
	free(real);
	al_zone_scanner_release(inner);
	al_zone_unmap_file(&map);
}

/* The line from @p from that starts with @p directive ("$ORIGIN"), just past the word; NULL if none. */
static const char *directive_at(const load_ctx *lc, const char *from, const char *directive)
{
	const char *base = lc->input, *end = lc->input + lc->input_length;
	size_t dl = strlen(directive);
	if (base == NULL || from < base || from > end)
		return NULL;
	const char *p = from;
	while (p < end && !((p == base || p[-1] == '\n') && (size_t)(end - p) > dl && strncasecmp(p, directive, dl) == 0))
		p++;
	if (p >= end)
		return NULL;
	p += dl;
	return p < end && (*p == ' ' || *p == '\t') ? p : NULL;
}

/* The next word from *p on the same line (a quoted one without its quotes); its length, 0 for none. */
static size_t directive_word(const load_ctx *lc, const char **p, const char **word)
{
	const char *end = lc->input + lc->input_length, *q = *p;
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	*word = q;
	if (q < end && *q == '"') {
		const char *w = ++q;
		while (q < end && *q != '"' && *q != '\n')
			q++;
		if (q >= end || *q != '"')
			return 0;
		*word = w;
		*p = q + 1;
		return (size_t)(q - w);
	}
	while (q < end && *q != ' ' && *q != '\t' && *q != ';' && *q != '\n' && *q != '\r' && *q != '(' && *q != '"')
		q++;
	*p = q;
	return (size_t)(q - *word);
}

/* The start of the line after the one @p p is on. */
static const char *next_line(const load_ctx *lc, const char *p)
{
	const char *end = lc->input + lc->input_length;
	while (p < end && *p != '\n')
		p++;
	return p < end ? p + 1 : p;
}

/*
 * A relative name of a directive made absolute under @p origin (the scanner's
 * origin before the directive), as BIND reads it, into @p out. With no origin
 * at all (the root, and none given: a snippet) there is nothing to put it
 * under: *unrooted is set and @p out is the root, so that the relative names
 * after it are left out and reported (ZONE006) rather than rooted in silence.
 */
static bool absolute_under(const load_ctx *lc, const uint8_t *origin, size_t origin_length, const char *name,
			   size_t nl, char *out, size_t size, bool *unrooted)
{
	*unrooted = false;
	if (nl == 0 || nl >= AL_NAME_MAX || name[nl - 1] == '.')
		return false; /* absolute names the scanner rejected are really invalid */
	char current[AL_NAME_MAX];
	if (!al_wire_name_to_text(origin, origin_length, 0, current, NULL))
		return false;
	if (strcmp(current, ".") == 0 && lc->zone->options.origin == NULL) {
		*unrooted = true;
		snprintf(out, size, ".");
		return true;
	}
	snprintf(out, size, "%.*s.%s", (int)nl, name, strcmp(current, ".") == 0 ? "" : current);
	char norm[AL_NAME_MAX];
	return al_name_normalize(out, strlen(out), norm, NULL) == AL_OK;
}

/* A new scanner for the input from @p p (a line start) under @p origin, in the
 * directory of @p s for relative $INCLUDE paths; NULL on failure. */
static zs_scanner_t *rescan_from(const load_ctx *lc, const zs_scanner_t *s, const char *p, const char *origin)
{
	const char *end = lc->input + lc->input_length;
	zs_scanner_t *next = al_zone_scanner_get();
	if (next == NULL)
		return NULL;
	if (zs_init(next, origin, s->default_class, s->default_ttl) != 0 ||
	    zs_set_input_string(next, p, (size_t)(end - p)) != 0) {
		al_zone_scanner_release(next);
		return NULL;
	}
	if (s->path != NULL) {
		char *dir = strdup(s->path);
		if (dir == NULL) {
			al_zone_scanner_release(next);
			return NULL;
		}
		free(next->path); /* zs_deinit frees the one set here */
		next->path = dir;
	}
	next->line_counter = s->line_counter + 1;
	return next;
}

/*
 * "$ORIGIN mkt" names an origin relative to the current one (RFC 1035 section
 * 5.1; BIND appends the current origin), which the scanner rejects as a fatal
 * error. Find the directive from @p from, make its name absolute under
 * @p origin (the scanner's own was overwritten by the failed directive), and
 * return a new scanner for the rest of the input under it, or NULL.
 */
zs_scanner_t *al_zone_relative_origin(load_ctx *lc, const zs_scanner_t *s, const char *from,
				      const uint8_t *origin, size_t origin_length)
{
	const char *p = directive_at(lc, from, "$ORIGIN"), *name;
	if (p == NULL)
		return NULL;
	size_t nl = directive_word(lc, &p, &name);
	char absolute[AL_NAME_MAX * 2 + 2];
	bool unrooted;
	if (!absolute_under(lc, origin, origin_length, name, nl, absolute, sizeof(absolute), &unrooted))
		return NULL;
	if (unrooted && lc->unrooted_origin_line == 0)
		lc->unrooted_origin_line = (unsigned long)s->line_counter;
	return rescan_from(lc, s, next_line(lc, p), absolute);
}

/*
 * "$INCLUDE file mkt": the origin for the file is relative to the current
 * one too (BIND), which the scanner rejects as a fatal error. Read the file
 * under the absolute origin, then return a new scanner for the rest of the
 * input under the current origin (an $INCLUDE does not change it), or NULL.
 */
zs_scanner_t *al_zone_relative_include(load_ctx *lc, zs_scanner_t *s, const char *from, const uint8_t *origin,
				       size_t origin_length)
{
	const char *p = directive_at(lc, from, "$INCLUDE"), *file, *name;
	if (p == NULL)
		return NULL;
	size_t fl = directive_word(lc, &p, &file);
	size_t nl = directive_word(lc, &p, &name);
	char absolute[AL_NAME_MAX * 2 + 2], current[AL_NAME_MAX];
	bool unrooted;
	if (fl == 0 || fl >= PATH_MAX || !absolute_under(lc, origin, origin_length, name, nl, absolute,
							  sizeof(absolute), &unrooted) ||
	    !al_wire_name_to_text(origin, origin_length, 0, current, NULL))
		return NULL;
	if (unrooted && lc->unrooted_origin_line == 0)
		lc->unrooted_origin_line = (unsigned long)s->line_counter;
	unsigned long line = (unsigned long)s->line_counter;
	const char *after = next_line(lc, p);
	/* a relative path is taken from the including file's directory, as the scanner does */
	char *path = NULL;
	if (file[0] != '/' && s->path != NULL && strcmp(s->path, ".") != 0) {
		path = malloc(strlen(s->path) + fl + 2);
		if (path != NULL)
			sprintf(path, "%s/%.*s", s->path, (int)fl, file);
	} else {
		path = strndup(file, fl);
	}
	char *shown = path != NULL ? include_label(lc, s, path) : NULL;
	if (shown != NULL)
		include_file(lc, s, line, path, shown, absolute);
	free(shown);
	free(path);
	return rescan_from(lc, s, after, current);
}
