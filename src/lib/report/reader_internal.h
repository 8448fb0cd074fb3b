/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The report reader's parts: content detection, XML (reader_xml.c), gzip
 * (reader.c), zip (reader_zip.c) and MIME / mbox (reader_mime.c). */
#ifndef AL_REPORT_READER_INTERNAL_H
#define AL_REPORT_READER_INTERNAL_H

#include <authlint/report_reader.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

/* One read of the reader: the limits in force, the callbacks, the first problem. */
typedef struct al_rr {
	al_report_limits limits;
	const al_report_callbacks *cb;
	al_status first;     /* the status of the first problem, AL_OK while there is none */
	bool stopped;        /* a callback said AL_REPORT_STOP */
	uint64_t files;      /* files read from directories */
	const void *mapped;  /* the mapping of the file being read (NULL: none) */
	uint64_t file_bytes; /* the size of the file being read: no content in it, however
				nested, expands past max_ratio times this */
	bool in_directory;   /* the file being read was found in a directory: one that holds
				no report (a Maildir's index, a message that is no report) is
				skipped with a warning, not an error */
} al_rr;

/* A pull stream of bytes: returns bytes written to buf (0 at the end), -1 on
 * error (the stream reported it). */
typedef struct al_rr_stream {
	long (*read)(struct al_rr_stream *s, char *buf, size_t size);
	/* when the whole of it is in memory: the bytes (read is then not called), else NULL */
	const unsigned char *data;
	size_t length;
	bool mapped; /* data is a read-only mapping of a file: pages read may be dropped */
} al_rr_stream;

/* Report a problem at @p origin (printf-style message). */
void al_rr_problem(al_rr *r, const al_report_origin *origin, al_status status, bool fatal, const char *fmt,
		   ...) __attribute__((format(printf, 5, 6)));

/* The values of a report (values.c): a result or disposition from its
 * lower-cased name (AL_RR_ABSENT / AL_DISP_ABSENT for NULL, *_UNKNOWN for a
 * name outside the schema); a count in decimal digits only; a source address
 * in its canonical text (an IPv4-mapped IPv6 address as the IPv4 one), copied
 * into @p a, NULL when it is not an address. */
al_report_result al_rr_result_of(const char *v);
al_report_disposition al_rr_disposition_of(const char *v);
bool al_rr_parse_u64(const char *v, uint64_t *out);
const char *al_rr_canonical_ip(al_arena *a, const char *v);

/* "little-endian" or "big-endian" when @p data starts as UTF-16 does (a byte order
 * mark, or '<' and a zero byte), else NULL; and the problem that says so. */
const char *al_rr_utf16(const void *data, size_t length);
void al_rr_utf16_problem(al_rr *r, const al_report_origin *origin, const char *order);

/* Any single-file kind held in memory (detected from the content): XML, gzip,
 * zip, a message or an mbox. @p depth counts the containers around it. */
void al_rr_read_entry(al_rr *r, const al_report_origin *origin, const void *data, size_t length,
		      unsigned depth);

/* An XML report from a stream (reader_xml.c). @p compressed_in, when not NULL,
 * tells how many compressed bytes were read so far (for problems about ratio). */
void al_rr_read_xml(al_rr *r, const al_report_origin *origin, al_rr_stream *in);

/* The guard between the bytes and the XML parser (reader_guard.c): declarations
 * refused, UTF-8 repaired, junk around <feedback> left out. */
typedef struct al_rr_guard al_rr_guard;
al_rr_guard *al_rr_guard_new(al_rr *r, const al_report_origin *origin, al_rr_stream *in);
/* libxml2's read callback (xmlInputReadCallback) over the guard: up to @p len of
 * the next bytes for the parser, 0 at the end, -1 on failure. */
int al_rr_guard_read(void *guard, char *buffer, int len);
size_t al_rr_guard_replaced(const al_rr_guard *guard); /* bytes read as U+FFFD */
size_t al_rr_guard_after(const al_rr_guard *guard);    /* bytes after </feedback>, not blank */
bool al_rr_guard_failed(const al_rr_guard *guard);
/* The parser is given no more bytes (after its first fatal error): its reads
 * return the end of the input. */
void al_rr_guard_hold(al_rr_guard *guard);
/* The input the parser was not given (held, or left when it stopped by itself),
 * read through the guard as the parser would have read it: its declarations,
 * bytes replaced, bytes after </feedback> and the stream's own failures (a
 * truncated gzip) are found as if parsed. */
void al_rr_guard_drain(al_rr_guard *guard);
void al_rr_guard_free(al_rr_guard *guard);

/* A zip archive: every entry through al_rr_read_entry (reader_zip.c). */
void al_rr_read_zip(al_rr *r, const al_report_origin *origin, const void *data, size_t length,
		    unsigned depth);

/* A message (.eml) or an mbox: every attachment through al_rr_read_entry (reader_mime.c). */
void al_rr_read_mime(al_rr *r, const al_report_origin *origin, const void *data, size_t length,
		     bool mbox, unsigned depth);

#endif
