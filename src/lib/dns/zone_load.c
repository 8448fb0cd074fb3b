/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading zone files into the store, with Knot DNS's libzscanner in manual
 * mode: $INCLUDE is ours to resolve (loops and depth bounded), a relative
 * $ORIGIN is made absolute as BIND does, a file without an origin is read
 * under its SOA's owner or not at all, and every problem is recorded with
 * its file and line while reading goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
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
#include "util/file.h"
#include "util/hash.h"

/* ---- loading ----------------------------------------------------------------------- */

/* The most files (the zone files and their $INCLUDEs) one store reads. */
#define MAX_FILES 1024u

/* A zone file mapped into memory: the scanner reads it from there, and the
 * pages already scanned are given back as it goes (scan()). */
typedef struct zmap {
	const char *data;
	size_t length;
	bool mapped;
} zmap;

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
static al_status map_file(const al_zone *zone, const char *path, zmap *m, al_error *err)
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

static void unmap_file(zmap *m)
{
	if (m->mapped)
		munmap((void *)m->data, m->length);
	memset(m, 0, sizeof(*m));
}

/* A scanner over the mapped file, taking relative $INCLUDE paths from the
 * file's real directory as zs_set_input_file does; NULL without memory. */
static zs_scanner_t *scanner_for(const zmap *m, const char *path, const char *origin, uint32_t ttl)
{
	zs_scanner_t *s = malloc(sizeof(*s));
	if (s == NULL)
		return NULL;
	if (zs_init(s, origin, 1, ttl) != 0 || zs_set_input_string(s, m->data, m->length) != 0) {
		zs_deinit(s);
		free(s);
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

typedef struct load_ctx {
	al_zone *zone;
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

static uint32_t keep_comment(al_zone *zone, const uint8_t *buf, size_t length)
{
	/* only inline waivers are kept: the rest of the comments are not needed */
	if (length == 0 || length > 4096 || memmem(buf, length, "authlint:", 9) == NULL)
		return 0;
	if (zone->comment_count == zone->comment_capacity) {
		size_t cap = zone->comment_capacity ? zone->comment_capacity * 2 : 16;
		char **p = realloc(zone->comments, cap * sizeof(*p));
		if (p == NULL)
			return 0;
		zone->comments = p;
		zone->comment_capacity = cap;
	}
	size_t n = length;
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	char *c = al_arena_strndup(&zone->arena, (const char *)buf, n);
	if (c == NULL)
		return 0;
	zone->comments[zone->comment_count++] = c;
	return (uint32_t)zone->comment_count;
}

/* Was a quoted string over 255 octets split by the scanner? */
typedef struct long_check {
	size_t longest;
	unsigned long line;
} long_check;

static void long_string_fn(void *ctx, size_t decoded, unsigned long line)
{
	long_check *lc = ctx;
	if (decoded > lc->longest) {
		lc->longest = decoded;
		lc->line = line;
	}
}

static bool maybe_split(const zs_scanner_t *s)
{
	/* a string of exactly 255 octets followed by another one */
	for (size_t i = 0; i < s->r_data_length;) {
		size_t n = s->r_data[i];
		if (n == 255 && i + 1 + n < s->r_data_length)
			return true;
		i += 1 + n;
	}
	return false;
}

/* Is the owner of the record at @p offset written relative ("@", "www")? An
 * owner left out (the line starts with a blank) repeats the previous one. */
static bool owner_relative(const load_ctx *lc, size_t offset)
{
	if (lc->input == NULL || offset >= lc->input_length)
		return false;
	const char *p = lc->input + offset, *end = lc->input + lc->input_length;
	if (*p == ' ' || *p == '\t')
		return false;
	const char *q = p;
	while (q < end && *q != ' ' && *q != '\t' && *q != '\n' && *q != '\r' && *q != ';' && *q != '(')
		q++;
	return q > p && (q[-1] != '.' || (q - p >= 2 && q[-2] == '\\'));
}

static void record(load_ctx *lc, const zs_scanner_t *s, size_t offset, unsigned long line)
{
	al_zone *zone = lc->zone;
	if (zone->limit_hit)
		return;
	/* no origin at all: a relative name would be read under the root, which
	 * makes false claims ("_dmarc" as a domain of its own); leave it out */
	if (zone->options.origin == NULL && s->zone_origin_length == 1 && owner_relative(lc, offset)) {
		if (lc->unrooted++ == 0)
			lc->unrooted_line = line;
		return;
	}
	if (zone->options.max_records != 0 && zone->records >= zone->options.max_records) {
		zone->limit_hit = true;
		al_zone_add_problem(zone, AL_ZONE_PROBLEM_LIMIT, lc->label, line, NULL,
			    "more than %zu records; the rest of the input was not read",
			    zone->options.max_records);
		return;
	}
	uint8_t wire[ZS_MAX_DNAME_LENGTH + ZS_MAX_LABEL_LENGTH];
	size_t wl = s->r_owner_length;
	if (wl == 0 || wl > 255) {
		al_zone_add_problem(zone, AL_ZONE_PROBLEM_NAME_TOO_LONG, lc->label, line, NULL,
			    "an owner name longer than 255 octets");
		return;
	}
	memcpy(wire, s->r_owner, wl);
	al_zone_wire_lower(wire, wl);
	uint16_t type = s->r_type;
	zrr *rr = al_zone_store_rr(zone, wire, wl, type, s->r_ttl, s->r_data, s->r_data_length, lc->file, line, offset);
	if (rr == NULL)
		return;
	rr->comment = keep_comment(zone, s->buffer, s->buffer_length);
	/* the scanner splits a quoted string over 255 octets without a word: find it */
	if ((type == AL_TYPE_TXT || type == AL_TYPE_SPF) && maybe_split(s) && lc->input != NULL) {
		long_check lcheck = {0, line};
		zsource_walk w = {NULL, long_string_fn, &lcheck};
		if (al_zone_walk_txt_source(lc->input, lc->input_length, offset, line, &w) &&
		    lcheck.longest > 255) {
			char owner[AL_NAME_MAX];
			al_wire_name_to_text(wire, wl, 0, owner, NULL);
			al_zone_add_problem(zone, AL_ZONE_PROBLEM_STRING_TOO_LONG, lc->label, lcheck.line, owner,
				    "a quoted string of %zu octets; DNS character-strings hold at most 255",
				    lcheck.longest);
		}
	}
}

/* The first character of the record that ended the scanner's last step:
 * skip blank lines and comment lines from where the step started. */
static size_t record_start(const char *input, size_t from, size_t to, unsigned long *line)
{
	size_t p = from;
	while (p < to) {
		size_t q = p;
		while (q < to && (input[q] == ' ' || input[q] == '\t' || input[q] == '\r'))
			q++;
		/* comment lines, and directives ($ORIGIN, $TTL) the scanner took in the same step */
		if (q < to && (input[q] == ';' || (q == p && input[q] == '$'))) {
			while (q < to && input[q] != '\n')
				q++;
		}
		if (q < to && input[q] == '\n') {
			(*line)++;
			p = q + 1;
			continue;
		}
		return p;
	}
	return from;
}

static al_zone_problem_kind problem_kind(int code)
{
	switch (code) {
	case ZS_LABEL_OVERFLOW:
		return AL_ZONE_PROBLEM_LABEL_TOO_LONG;
	case ZS_DNAME_OVERFLOW:
		return AL_ZONE_PROBLEM_NAME_TOO_LONG;
	case ZS_TEXT_OVERFLOW:
	case ZS_ITEM_OVERFLOW:
		return AL_ZONE_PROBLEM_STRING_TOO_LONG;
	case ZS_FILE_OPEN:
	case ZS_FILE_INVALID:
	case ZS_FILE_ACCESS:
	case ZS_UNOPENED_INCLUDE:
		return AL_ZONE_PROBLEM_UNREADABLE;
	default:
		return AL_ZONE_PROBLEM_SYNTAX;
	}
}

static al_status scan(load_ctx *lc, zs_scanner_t *s);
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

static void include(load_ctx *lc, zs_scanner_t *s, unsigned long line)
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
	if (zone->file_count >= MAX_FILES) {
		al_zone_add_problem(zone, AL_ZONE_PROBLEM_LIMIT, lc->label, line, NULL,
			    "$INCLUDE %s: more than %u files read; it was not read", shown, MAX_FILES);
		free(real);
		return;
	}
	zmap map;
	al_error merr = {0};
	al_status mst = map_file(zone, name, &map, &merr);
	if (mst != AL_OK) {
		al_zone_add_problem(zone, mst == AL_ELIMIT ? AL_ZONE_PROBLEM_LIMIT : AL_ZONE_PROBLEM_UNREADABLE,
				    lc->label, line, NULL, "$INCLUDE %s: %s", shown, merr.message);
		free(real);
		return;
	}
	zs_scanner_t *inner = scanner_for(&map, name, origin, s->default_ttl);
	if (inner == NULL) {
		unmap_file(&map);
		free(real);
		return;
	}
	uint16_t index;
	char **stack = NULL;
	if (!al_zone_add_file(zone, shown, name, NULL, 0, &index) ||
	    (stack = realloc(lc->stack, (lc->stack_count + 1) * sizeof(*stack))) == NULL) {
		zs_deinit(inner);
		free(inner);
		unmap_file(&map);
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
	scan(&sub, inner);
	lc->stack = sub.stack;
	lc->stack_count = sub.stack_count - 1;
	free(real);
	zs_deinit(inner);
	free(inner);
	unmap_file(&map);
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
	zs_scanner_t *next = malloc(sizeof(*next));
	if (next == NULL)
		return NULL;
	if (zs_init(next, origin, s->default_class, s->default_ttl) != 0 ||
	    zs_set_input_string(next, p, (size_t)(end - p)) != 0) {
		zs_deinit(next);
		free(next);
		return NULL;
	}
	if (s->path != NULL) {
		char *dir = strdup(s->path);
		if (dir == NULL) {
			zs_deinit(next);
			free(next);
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
static zs_scanner_t *relative_origin(load_ctx *lc, const zs_scanner_t *s, const char *from,
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
static zs_scanner_t *relative_include(load_ctx *lc, zs_scanner_t *s, const char *from, const uint8_t *origin,
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

static al_status scan(load_ctx *lc, zs_scanner_t *s)
{
	al_zone *zone = lc->zone;
	zs_scanner_t *own = NULL; /* the scanner of the input after a relative $ORIGIN */
	const char *base = lc->input;
	size_t base_length = lc->input_length;
	/* the mapped file: pages already scanned are given back as the scan goes
	 * (the scanner never goes back), so a large zone does not stay resident */
	const long page = sysconf(_SC_PAGESIZE);
	size_t released = 0;
	for (;;) {
		const char *before = s->input.current;
		if (lc->mapped && base != NULL && page > 0 && before >= base && before <= base + base_length) {
			size_t done = ((size_t)(before - base) / (size_t)page) * (size_t)page;
			if (done >= released + ((size_t)16 << 20)) {
				madvise((void *)(base + released), done - released, MADV_DONTNEED);
				released = done;
			}
		}
		unsigned long line_before = (unsigned long)s->line_counter;
		uint8_t origin[sizeof(s->zone_origin)];
		size_t origin_length = s->zone_origin_length < sizeof(origin) ? s->zone_origin_length : 0;
		memcpy(origin, s->zone_origin, origin_length);
		int rc = zs_parse_record(s);
		if (s->state == ZS_STATE_ERROR &&
		    (s->error.code == ZS_BAD_ORIGIN || s->error.code == ZS_BAD_INCLUDE_ORIGIN)) {
			zs_scanner_t *next = s->error.code == ZS_BAD_ORIGIN
						     ? relative_origin(lc, s, before, origin, origin_length)
						     : relative_include(lc, s, before, origin, origin_length);
			if (next != NULL) {
				if (own != NULL) {
					zs_deinit(own);
					free(own);
				}
				s = own = next;
				continue;
			}
		}
		if (rc != 0) {
			al_zone_add_problem(zone, problem_kind(s->error.code), lc->label, (unsigned long)s->line_counter,
				    NULL, "%s", zs_strerror(s->error.code));
			break;
		}
		if (s->state == ZS_STATE_EOF || s->state == ZS_STATE_STOP)
			break;
		if (s->state == ZS_STATE_DATA) {
			unsigned long line = line_before;
			size_t start = 0;
			if (base != NULL && before >= base && before <= base + base_length) {
				/* the record ends where the scanner stopped, or at the end of the
				 * input when it took the final line break from a block of its own */
				const char *cur = s->input.current;
				size_t to = (cur >= base && cur <= base + base_length) ? (size_t)(cur - base)
										      : base_length;
				start = record_start(base, (size_t)(before - base), to, &line);
			} else {
				line = (unsigned long)s->line_counter;
			}
			record(lc, s, start, line);
			if (zone->limit_hit)
				break;
			/* no $ORIGIN and none given, the first record an SOA at a name: the
			 * zone is that name's, as a server loading it for the name reads it */
			if (!lc->seen_data && zone->options.origin == NULL && s->zone_origin_length == 1 &&
			    s->r_type == AL_TYPE_SOA && s->r_owner_length > 1 &&
			    s->r_owner_length <= sizeof(s->zone_origin)) {
				memcpy(s->zone_origin, s->r_owner, s->r_owner_length);
				s->zone_origin_length = s->r_owner_length;
				char name[AL_NAME_MAX];
				if (al_wire_name_to_text(s->r_owner, s->r_owner_length, 0, name, NULL))
					al_zone_add_problem(zone, AL_ZONE_PROBLEM_ORIGIN_FROM_SOA, lc->label, line, name,
						    "the file sets no $ORIGIN: the names after the SOA are read "
						    "relative to its owner, %s", name);
			}
			lc->seen_data = true;
		} else if (s->state == ZS_STATE_ERROR) {
			unsigned long line = (unsigned long)s->line_counter;
			size_t n = s->buffer_length;
			while (n > 0 && s->buffer[n - 1] == '\0')
				n--;
			/* a fatal error stops the scanner: say that the rest was not read */
			const char *rest = s->error.fatal ? "; nothing after this line was read" : "";
			/* quotes pasted from a document: the scanner only sees bytes it does not expect */
			if (n > 0 && (memmem(s->buffer, n, "\xe2\x80\x9c", 3) || memmem(s->buffer, n, "\xe2\x80\x9d", 3) ||
				      memmem(s->buffer, n, "\xe2\x80\x98", 3) || memmem(s->buffer, n, "\xe2\x80\x99", 3)))
				rest = s->error.fatal ? "; typographic quotes are not zone-file quotes: use \" (U+0022); "
							"nothing after this line was read"
						      : "; typographic quotes are not zone-file quotes: use \" (U+0022)";
			if (n > 0)
				al_zone_add_problem(zone, problem_kind(s->error.code), lc->label, line, NULL, "%s near '%.*s'%s",
					    zs_strerror(s->error.code), (int)n, (const char *)s->buffer, rest);
			else
				al_zone_add_problem(zone, problem_kind(s->error.code), lc->label, line, NULL, "%s%s",
					    zs_strerror(s->error.code), rest);
			if (s->error.fatal)
				break;
		} else if (s->state == ZS_STATE_INCLUDE) {
			include(lc, s, (unsigned long)s->line_counter);
		}
	}
	if (own != NULL) {
		zs_deinit(own);
		free(own);
	}
	if (lc->unrooted > 0) {
		char why[96] = "sets no $ORIGIN";
		if (lc->unrooted_origin_line != 0)
			snprintf(why, sizeof(why), "sets only a relative origin (line %lu)", lc->unrooted_origin_line);
		al_zone_add_problem(zone, AL_ZONE_PROBLEM_NO_ORIGIN, lc->label, lc->unrooted_line, NULL,
			    "%lu record%s with a relative owner name (the first on this line) and no origin: "
			    "the file %s, starts with no SOA at a name, and no --origin was given; "
			    "%s not read", lc->unrooted, lc->unrooted == 1 ? "" : "s", why,
			    lc->unrooted == 1 ? "it was" : "they were");
	}
	return AL_OK;
}

/* Scan a file already registered at @p index, from the scanner's input
 * (@p mapped: a mapped file). */
static al_status scan_file(al_zone *zone, zs_scanner_t *s, uint16_t index, const char *path, bool mapped)
{
	load_ctx lc = {0};
	lc.zone = zone;
	lc.file = index;
	lc.label = zone->files[index].label;
	lc.input = s->input.start;
	lc.input_length = (size_t)(s->input.end - s->input.start);
	lc.mapped = mapped;
	if (path != NULL) {
		char *real = realpath(path, NULL);
		lc.stack = real ? malloc(sizeof(char *)) : NULL;
		if (lc.stack != NULL) {
			lc.stack[0] = real;
			lc.stack_count = 1;
		} else {
			free(real);
		}
	}
	al_status st = scan(&lc, s);
	for (size_t i = 0; i < lc.stack_count; i++)
		free(lc.stack[i]);
	free(lc.stack);
	if (zone->problems_dropped > 0 && zone->problem_count == AL_ZONE_MAX_PROBLEMS) {
		/* say how many were not listed: the last slot is reused for it */
		al_zone_problem *p = &zone->problems[zone->problem_count - 1];
		p->kind = AL_ZONE_PROBLEM_LIMIT;
		p->message = al_arena_printf(&zone->arena, "%zu more problems in %s were not listed",
					     zone->problems_dropped + 1, lc.label);
		zone->problems_dropped = 0;
	}
	return st;
}

static const char *scanner_origin(const al_zone *zone)
{
	return zone->options.origin != NULL ? zone->options.origin : ".";
}

al_status al_zone_load_file(al_zone *zone, const char *path, al_error *err)
{
	if (zone == NULL || path == NULL)
		return AL_EINVAL;
	if (zone->file_count >= MAX_FILES)
		return al_error_set(err, AL_ELIMIT, "%s: more than %u files read into one zone store", path,
				    MAX_FILES);
	zmap map;
	al_error merr = {0};
	al_status mst = map_file(zone, path, &map, &merr);
	if (mst != AL_OK) {
		uint16_t index;
		if (al_zone_add_file(zone, path, NULL, NULL, 0, &index))
			al_zone_add_problem(zone,
					    mst == AL_ELIMIT ? AL_ZONE_PROBLEM_LIMIT : AL_ZONE_PROBLEM_UNREADABLE,
					    zone->files[index].label, 0, NULL, "%s", merr.message);
		return al_error_set(err, mst == AL_ELIMIT ? AL_ELIMIT : AL_EIO, "%s: %s", path, merr.message);
	}
	zs_scanner_t *s = scanner_for(&map, path, scanner_origin(zone), zone->options.default_ttl);
	if (s == NULL) {
		unmap_file(&map);
		return al_error_set(err, AL_EINVAL, "%s: bad origin", path);
	}
	uint16_t index;
	if (!al_zone_add_file(zone, path, path, NULL, 0, &index)) {
		zs_deinit(s);
		free(s);
		unmap_file(&map);
		return al_error_set(err, AL_ENOMEM, "%s: out of memory", path);
	}
	al_status st = scan_file(zone, s, index, path, map.mapped);
	zs_deinit(s);
	free(s);
	unmap_file(&map);
	return st;
}

al_status al_zone_add_unread(al_zone *zone, const char *label, al_zone_problem_kind kind, const char *reason)
{
	if (zone == NULL || label == NULL || reason == NULL || !al_zone_problem_unread(kind))
		return AL_EINVAL;
	uint16_t index;
	if (!al_zone_add_file(zone, label, NULL, NULL, 0, &index))
		return AL_ENOMEM;
	al_zone_add_problem(zone, kind, zone->files[index].label, 0, NULL, "%s", reason);
	return AL_OK;
}

al_status al_zone_load_text(al_zone *zone, const char *label, const char *text, size_t length,
			    al_error *err)
{
	if (zone == NULL || label == NULL || (text == NULL && length > 0))
		return AL_EINVAL;
	zs_scanner_t *s = malloc(sizeof(*s));
	if (s == NULL)
		return al_error_set(err, AL_ENOMEM, "%s: out of memory", label);
	if (zs_init(s, scanner_origin(zone), 1, zone->options.default_ttl) != 0) {
		free(s);
		return al_error_set(err, AL_EINVAL, "%s: bad origin", label);
	}
	/* scan the stored copy, so that columns can be found in it later */
	uint16_t index;
	if (!al_zone_add_file(zone, label, NULL, text ? text : "", length, &index)) {
		zs_deinit(s);
		free(s);
		return al_error_set(err, AL_ENOMEM, "%s: out of memory", label);
	}
	zs_set_input_string(s, zone->files[index].text, zone->files[index].text_length);
	al_status st = scan_file(zone, s, index, NULL, false);
	zs_deinit(s);
	free(s);
	return st;
}

