/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading zone files into the store, with Knot DNS's libzscanner in manual
 * mode: each record with its file, line and offset, the problems met with
 * their file and line while reading goes on, a file without an origin read
 * under its SOA's owner or not at all. Mapping the files, $INCLUDE and
 * relative $ORIGIN are zone_include.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dns/wire.h"
#include "dns/zone_load.h"
#include "dns/zone_pipe.h"
#include "util/grow.h"

/* ---- loading ----------------------------------------------------------------------- */

static uint32_t keep_comment(al_zone *zone, const uint8_t *buf, size_t length)
{
	/* only inline waivers are kept: the rest of the comments are not needed */
	if (length == 0 || length > 4096 || memmem(buf, length, "authlint:", 9) == NULL)
		return 0;
	if (!AL_GROW_ONE(zone->comments, zone->comment_count, zone->comment_capacity))
		return 0;
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
	size_t records = lc->pipe != NULL ? al_zone_pipe_records(lc->pipe) : zone->records;
	if (zone->options.max_records != 0 && records >= zone->options.max_records) {
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
	uint16_t type = s->r_type;
	if (lc->pipe != NULL) {
		/* stored by the pipe (which lower-cases the owner on its thread): the
		 * comment is kept here, for the records the store keeps */
		if (s->r_data_length > UINT16_MAX)
			return;
		bool kept = al_zone_keep_rdata(type);
		uint32_t comment = kept ? keep_comment(zone, s->buffer, s->buffer_length) : 0;
		al_zone_pipe_put(lc->pipe, s->r_owner, wl, type, s->r_ttl, s->r_data, s->r_data_length, lc->file,
				 line, offset, comment);
		if (!kept)
			return;
	} else {
		memcpy(wire, s->r_owner, wl);
		al_zone_wire_lower(wire, wl);
		zrr *rr = al_zone_store_rr(zone, wire, wl, type, s->r_ttl, s->r_data, s->r_data_length, lc->file,
					   line, offset);
		if (rr == NULL)
			return;
		rr->comment = keep_comment(zone, s->buffer, s->buffer_length);
	}
	/* the scanner splits a quoted string over 255 octets without a word: find it */
	if ((type == AL_TYPE_TXT || type == AL_TYPE_SPF) && maybe_split(s) && lc->input != NULL) {
		long_check lcheck = {0, line};
		zsource_walk w = {NULL, long_string_fn, &lcheck};
		if (al_zone_walk_txt_source(lc->input, lc->input_length, offset, line, &w) &&
		    lcheck.longest > 255) {
			char owner[AL_NAME_MAX];
			memcpy(wire, s->r_owner, wl);
			al_zone_wire_lower(wire, wl);
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

al_status al_zone_scan(load_ctx *lc, zs_scanner_t *s)
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
						     ? al_zone_relative_origin(lc, s, before, origin, origin_length)
						     : al_zone_relative_include(lc, s, before, origin, origin_length);
			if (next != NULL) {
				if (own != NULL) {
					al_zone_scanner_release(own);
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
			al_zone_include(lc, s, (unsigned long)s->line_counter);
		}
	}
	if (own != NULL) {
		al_zone_scanner_release(own);
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
	/* a large input goes through the pipe: stored on a second thread while it
	 * is scanned, or in batches on this one (a smaller one record by record) */
	if (lc.input_length >= zone->pipe_from) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		/* the name table sized from the file's size once a part is stored */
		zone->project_bytes = lc.input_length;
		zone->project_at = 0;
		zone->project_file = index;
		lc.pipe = al_zone_pipe_open(zone, zone->options.threads != 1 && cpus > 1);
	}
	al_status st = al_zone_scan(&lc, s);
	al_zone_pipe_close(lc.pipe);
	zone->project_bytes = 0;
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
	if (zone->file_count >= AL_ZONE_MAX_FILES)
		return al_error_set(err, AL_ELIMIT, "%s: more than %u files read into one zone store", path,
				    AL_ZONE_MAX_FILES);
	zmap map;
	al_error merr = {0};
	al_status mst = al_zone_map_file(zone, path, &map, &merr);
	if (mst != AL_OK) {
		uint16_t index;
		if (al_zone_add_file(zone, path, NULL, NULL, 0, &index))
			al_zone_add_problem(zone,
					    mst == AL_ELIMIT ? AL_ZONE_PROBLEM_LIMIT : AL_ZONE_PROBLEM_UNREADABLE,
					    zone->files[index].label, 0, NULL, "%s", merr.message);
		return al_error_set(err, mst == AL_ELIMIT ? AL_ELIMIT : AL_EIO, "%s: %s", path, merr.message);
	}
	zs_scanner_t *s = al_zone_scanner_for(&map, path, scanner_origin(zone), zone->options.default_ttl);
	if (s == NULL) {
		al_zone_unmap_file(&map);
		return al_error_set(err, AL_EINVAL, "%s: bad origin", path);
	}
	uint16_t index;
	if (!al_zone_add_file(zone, path, path, NULL, 0, &index)) {
		al_zone_scanner_release(s);
		al_zone_unmap_file(&map);
		return al_error_set(err, AL_ENOMEM, "%s: out of memory", path);
	}
	al_status st = scan_file(zone, s, index, path, map.mapped);
	al_zone_scanner_release(s);
	al_zone_unmap_file(&map);
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
	zs_scanner_t *s = al_zone_scanner_get();
	if (s == NULL)
		return al_error_set(err, AL_ENOMEM, "%s: out of memory", label);
	if (zs_init(s, scanner_origin(zone), 1, zone->options.default_ttl) != 0) {
		al_zone_scanner_release(s);
		return al_error_set(err, AL_EINVAL, "%s: bad origin", label);
	}
	/* scan the stored copy, so that columns can be found in it later */
	uint16_t index;
	if (!al_zone_add_file(zone, label, NULL, text ? text : "", length, &index)) {
		al_zone_scanner_release(s);
		return al_error_set(err, AL_ENOMEM, "%s: out of memory", label);
	}
	zs_set_input_string(s, zone->files[index].text, zone->files[index].text_length);
	al_status st = scan_file(zone, s, index, NULL, false);
	al_zone_scanner_release(s);
	return st;
}

