/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading DMARC aggregate reports (report_reader.h): paths and directories,
 * content detection, gzip through zlib. Files are mapped, not copied; gzip is
 * inflated as the XML reader asks for bytes, bounded in size and ratio.
 */
#include "report/reader_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util/grow.h"

#define DEFAULT_MAX_FILE (256ull << 20)
#define DEFAULT_MAX_EXPANDED (1ull << 30)
#define DEFAULT_MAX_RATIO 200u
#define DEFAULT_MAX_RECORDS 10000000ull
#define DEFAULT_MAX_DEPTH 8u
#define DEFAULT_MAX_FILES 1000000ull
/* below this many bytes out, no ratio is judged (small reports compress well) */
#define RATIO_FLOOR (1u << 20)

void al_rr_problem(al_rr *r, const al_report_origin *origin, al_status status, bool fatal, const char *fmt, ...)
{
	char message[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (fatal && r->first == AL_OK)
		r->first = status;
	if (r->cb != NULL && r->cb->on_problem != NULL) {
		al_report_problem p = {*origin, status, message, fatal};
		r->cb->on_problem(r->cb->ctx, &p);
	}
}

static void set_limits(al_rr *r, const al_report_limits *given)
{
	al_report_limits l = {0};
	if (given != NULL)
		l = *given;
	if (l.max_file_bytes == 0)
		l.max_file_bytes = DEFAULT_MAX_FILE;
	if (l.max_expanded_bytes == 0)
		l.max_expanded_bytes = DEFAULT_MAX_EXPANDED;
	if (l.max_ratio == 0)
		l.max_ratio = DEFAULT_MAX_RATIO;
	if (l.max_records == 0)
		l.max_records = DEFAULT_MAX_RECORDS;
	if (l.max_depth == 0)
		l.max_depth = DEFAULT_MAX_DEPTH;
	if (l.max_files == 0)
		l.max_files = DEFAULT_MAX_FILES;
	r->limits = l;
}

/* ---- streams ------------------------------------------------------------------ */

typedef struct mem_stream {
	al_rr_stream base;
	const unsigned char *data;
	size_t length, at;
} mem_stream;

static long mem_read(al_rr_stream *s, char *buf, size_t size)
{
	mem_stream *m = (mem_stream *)s;
	size_t n = m->length - m->at < size ? m->length - m->at : size;
	memcpy(buf, m->data + m->at, n);
	m->at += n;
	return (long)n;
}

#define PEEK 4096

typedef struct gz_stream {
	al_rr_stream base;
	al_rr *r;
	const al_report_origin *origin;
	z_stream z;
	const unsigned char *data;
	size_t length;
	uint64_t out;
	bool ended, failed;
	unsigned char peek[PEEK]; /* the first bytes, read to tell what the content is */
	size_t peek_len, peek_at;
} gz_stream;

static long gz_inflate(gz_stream *g, char *buf, size_t size);

static long gz_read(al_rr_stream *s, char *buf, size_t size)
{
	gz_stream *g = (gz_stream *)s;
	if (g->peek_at < g->peek_len) {
		size_t n = g->peek_len - g->peek_at < size ? g->peek_len - g->peek_at : size;
		memcpy(buf, g->peek + g->peek_at, n);
		g->peek_at += n;
		return (long)n;
	}
	return gz_inflate(g, buf, size);
}

static long gz_inflate(gz_stream *g, char *buf, size_t size)
{
	if (g->failed)
		return -1;
	if (size > 1u << 30)
		size = 1u << 30;
	size_t produced = 0;
	/* bounded: each turn either produces bytes, consumes input or ends */
	for (unsigned guard = 0; guard < 1000000 && produced == 0 && !g->ended; guard++) {
		g->z.next_out = (Bytef *)buf;
		g->z.avail_out = (uInt)size;
		int rc = inflate(&g->z, Z_NO_FLUSH);
		produced = size - g->z.avail_out;
		g->out += produced;
		if (g->out > g->r->limits.max_expanded_bytes) {
			al_rr_problem(g->r, g->origin, AL_ELIMIT, true,
				      "gzip data expands past %llu bytes, the limit for one report: not read",
				      (unsigned long long)g->r->limits.max_expanded_bytes);
			g->failed = true;
			return -1;
		}
		size_t in = g->length - g->z.avail_in;
		/* judged against the compressed bytes read so far, and against the whole file
		 * (gzip inside gzip or zip: the outer layer's ratio is not the only bound) */
		if (g->out > RATIO_FLOOR && ((in > 0 && g->out / in > g->r->limits.max_ratio) ||
					     g->out / (g->r->file_bytes ? g->r->file_bytes : 1) > g->r->limits.max_ratio)) {
			al_rr_problem(g->r, g->origin, AL_ELIMIT, true,
				      "gzip data expands more than %u times (a decompression bomb?): not read",
				      g->r->limits.max_ratio);
			g->failed = true;
			return -1;
		}
		if (rc == Z_STREAM_END) {
			/* another member may follow (RFC 1952 2.2); anything else is trailing junk */
			if (g->z.avail_in >= 2 && g->z.next_in[0] == 0x1f && g->z.next_in[1] == 0x8b) {
				inflateReset(&g->z);
			} else {
				if (g->z.avail_in > 0)
					al_rr_problem(g->r, g->origin, AL_ESYNTAX, false,
						      "%u bytes after the end of the gzip data were ignored",
						      g->z.avail_in);
				g->ended = true;
			}
		} else if (rc == Z_BUF_ERROR && g->z.avail_in == 0) {
			al_rr_problem(g->r, g->origin, AL_ESYNTAX, produced == 0, "the gzip data is truncated");
			g->ended = true;
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			al_rr_problem(g->r, g->origin, AL_ESYNTAX, true, "the gzip data is damaged: %s",
				      g->z.msg != NULL ? g->z.msg : "inflate failed");
			g->failed = true;
			return -1;
		}
	}
	return (long)produced;
}

/* ---- detection ----------------------------------------------------------------- */

static bool starts_with(const unsigned char *d, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && memcmp(d, prefix, k) == 0;
}

const char *al_rr_utf16(const void *data, size_t n)
{
	const unsigned char *d = data;
	if (starts_with(d, n, "\xFF\xFE") || (n >= 4 && d[0] == '<' && d[1] == 0 && d[2] == '?' && d[3] == 0))
		return "little-endian";
	if (starts_with(d, n, "\xFE\xFF") || (n >= 4 && d[0] == 0 && d[1] == '<' && d[2] == 0 && d[3] == '?'))
		return "big-endian";
	return NULL;
}

void al_rr_utf16_problem(al_rr *r, const al_report_origin *origin, const char *order)
{
	al_rr_problem(r, origin, AL_EUNSUPPORTED, true,
		      "the report is UTF-16 (%s), not UTF-8 as aggregate reports are: not read "
		      "(convert it, e.g. iconv -f UTF-16 -t UTF-8)",
		      order);
}

/* XML as far as the first bytes tell: a byte order mark, white space, then '<'. */
static bool looks_like_xml(const unsigned char *d, size_t n)
{
	size_t i = 0;
	if (starts_with(d, n, "\xEF\xBB\xBF"))
		i = 3;
	while (i < n && i < 4096 && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
		i++;
	return i < n && d[i] == '<';
}

/* A gzip member's content: XML is streamed to the XML reader; anything else (gzip
 * inside gzip, a zip, a message, UTF-16) is inflated into memory, bounded as the
 * stream is, and read as a file one container deeper. */
static void read_gzip(al_rr *r, const al_report_origin *origin, const unsigned char *d, size_t length,
		      unsigned depth)
{
	gz_stream *g = calloc(1, sizeof(*g));
	if (g == NULL) {
		al_rr_problem(r, origin, AL_ENOMEM, true, "out of memory");
		return;
	}
	g->base.read = gz_read;
	g->r = r;
	g->origin = origin;
	g->data = d;
	g->length = length;
	g->z.next_in = (Bytef *)d;
	g->z.avail_in = length > UINT32_MAX ? UINT32_MAX : (uInt)length;
	if (inflateInit2(&g->z, 16 + MAX_WBITS) != Z_OK) {
		al_rr_problem(r, origin, AL_ENOMEM, true, "out of memory");
		free(g);
		return;
	}
	/* the first bytes: what the content is */
	for (unsigned turns = 0; turns < 1000 && g->peek_len < PEEK && !g->ended && !g->failed; turns++) {
		long n = gz_inflate(g, (char *)g->peek + g->peek_len, PEEK - g->peek_len);
		if (n <= 0)
			break;
		g->peek_len += (size_t)n;
	}
	if (g->failed) {
		/* said */
	} else if (g->peek_len == 0 || looks_like_xml(g->peek, g->peek_len)) {
		al_rr_read_xml(r, origin, &g->base);
	} else {
		size_t cap = PEEK * 4, len = g->peek_len;
		unsigned char *buf = malloc(cap);
		bool ok = buf != NULL;
		if (ok)
			memcpy(buf, g->peek, len);
		for (unsigned turns = 0; ok && turns < 100000000; turns++) {
			if (len == cap && !al_grow((void **)&buf, &cap, cap + 1, 1)) {
				ok = false;
				break;
			}
			long n = gz_inflate(g, (char *)buf + len, cap - len);
			if (n < 0)
				ok = false;
			if (n <= 0)
				break;
			len += (size_t)n;
		}
		if (buf == NULL || (!ok && !g->failed))
			al_rr_problem(r, origin, AL_ENOMEM, true, "out of memory");
		else if (ok)
			al_rr_read_entry(r, origin, buf, len, depth + 1);
		free(buf);
	}
	inflateEnd(&g->z);
	free(g);
}

/* A header field name at the very start: "Name:" with no space before the colon. */
static bool looks_like_message(const unsigned char *d, size_t n)
{
	size_t i = 0;
	while (i < n && i < 80 && d[i] > ' ' && d[i] < 127 && d[i] != ':')
		i++;
	return i > 0 && i < n && d[i] == ':';
}

void al_rr_read_entry(al_rr *r, const al_report_origin *origin, const void *data, size_t length,
		      unsigned depth)
{
	const unsigned char *d = data;
	if (r->stopped)
		return;
	if (depth > r->limits.max_depth) {
		al_rr_problem(r, origin, AL_ELIMIT, true, "nested more than %u containers deep: not read",
			      r->limits.max_depth);
		return;
	}
	if (length == 0) {
		al_rr_problem(r, origin, AL_ESYNTAX, true, "empty file");
		return;
	}
	if (length >= 2 && d[0] == 0x1f && d[1] == 0x8b) {
		read_gzip(r, origin, d, length, depth);
		return;
	}
	if (starts_with(d, length, "PK\x03\x04") || starts_with(d, length, "PK\x05\x06")) {
		al_rr_read_zip(r, origin, data, length, depth + 1);
		return;
	}
	/* UTF-16 (a byte order mark, or '<' and a zero byte): reports are UTF-8; say so rather than read garbage */
	const char *utf16 = al_rr_utf16(d, length);
	if (utf16 != NULL) {
		al_rr_utf16_problem(r, origin, utf16);
		return;
	}
	if (looks_like_xml(d, length)) {
		/* the file's own mapping: its pages may be let go once read (memory stays flat) */
		mem_stream m = {{mem_read, d, length, d == r->mapped}, d, length, 0};
		al_rr_read_xml(r, origin, &m.base);
		return;
	}
	if (starts_with(d, length, "From ")) {
		al_rr_read_mime(r, origin, data, length, true, depth + 1);
		return;
	}
	if (looks_like_message(d, length)) {
		al_rr_read_mime(r, origin, data, length, false, depth + 1);
		return;
	}
	al_rr_problem(r, origin, AL_EUNSUPPORTED, !(r->in_directory && depth == 0),
		      r->in_directory && depth == 0 ? "skipped: not a report (neither XML, gzip, zip, a message nor an mbox)"
						    : "not a report: neither XML, gzip, zip, a message nor an mbox");
}

/* ---- files and directories ---------------------------------------------------- */

static void read_file(al_rr *r, const char *path)
{
	al_report_origin origin = {path, NULL, 0};
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		al_rr_problem(r, &origin, AL_EIO, true, "cannot open: %s", strerror(errno));
		return;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		al_rr_problem(r, &origin, AL_EIO, true, "not a regular file");
		close(fd);
		return;
	}
	if ((uint64_t)st.st_size > r->limits.max_file_bytes) {
		al_rr_problem(r, &origin, AL_ELIMIT, true, "%lld bytes, more than the limit of %llu for one file",
			      (long long)st.st_size, (unsigned long long)r->limits.max_file_bytes);
		close(fd);
		return;
	}
	if (st.st_size == 0) {
		al_rr_problem(r, &origin, AL_ESYNTAX, true, "empty file");
		close(fd);
		return;
	}
	void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		al_rr_problem(r, &origin, AL_EIO, true, "cannot read: %s", strerror(errno));
		return;
	}
	r->file_bytes = (uint64_t)st.st_size;
	r->mapped = map;
	al_rr_read_entry(r, &origin, map, (size_t)st.st_size, 0);
	r->mapped = NULL;
	munmap(map, (size_t)st.st_size);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_any(al_rr *r, const char *path, unsigned depth, bool top);

static void read_dir(al_rr *r, const char *path, unsigned depth)
{
	al_report_origin origin = {path, NULL, 0};
	if (depth > r->limits.max_depth) {
		al_rr_problem(r, &origin, AL_ELIMIT, true, "directories nested more than %u deep: not read",
			      r->limits.max_depth);
		return;
	}
	DIR *dir = opendir(path);
	if (dir == NULL) {
		al_rr_problem(r, &origin, AL_EIO, true, "cannot open the directory: %s", strerror(errno));
		return;
	}
	char **names = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	/* sorted, so that runs are reproducible; bounded by the file limit */
	while ((de = readdir(dir)) != NULL && count < r->limits.max_files) {
		if (de->d_name[0] == '.')
			continue; /* ., .., hidden files and Maildir's tmp-in-progress names */
		if (!AL_GROW_ONE(names, count, cap))
			break;
		names[count] = strdup(de->d_name);
		if (names[count] != NULL)
			count++;
	}
	closedir(dir);
	if (count > 1)
		qsort(names, count, sizeof(*names), cmp_name);
	for (size_t i = 0; i < count; i++) {
		size_t n = strlen(path) + strlen(names[i]) + 2;
		char *child = malloc(n);
		if (child != NULL && !r->stopped) {
			snprintf(child, n, "%s/%s", path, names[i]);
			read_any(r, child, depth + 1, false);
		}
		free(child);
		free(names[i]);
	}
	free(names);
}

static void read_any(al_rr *r, const char *path, unsigned depth, bool top)
{
	al_report_origin origin = {path, NULL, 0};
	struct stat st;
	if ((top ? stat(path, &st) : lstat(path, &st)) != 0) {
		al_rr_problem(r, &origin, AL_EIO, true, "cannot read: %s", strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		read_dir(r, path, depth);
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		/* a link inside a directory: followed to a file, never to a directory (no loops) */
		if (stat(path, &st) != 0 || S_ISDIR(st.st_mode))
			return;
	}
	if (!S_ISREG(st.st_mode)) {
		if (top)
			al_rr_problem(r, &origin, AL_EIO, true, "not a regular file or directory");
		return;
	}
	if (!top && ++r->files > r->limits.max_files) {
		if (r->files == r->limits.max_files + 1)
			al_rr_problem(r, &origin, AL_ELIMIT, true, "more than %llu files: the rest were not read",
				      (unsigned long long)r->limits.max_files);
		return;
	}
	r->in_directory = !top;
	read_file(r, path);
	r->in_directory = false;
}

al_status al_report_read_path(const char *path, const al_report_limits *limits, const al_report_callbacks *cb)
{
	if (path == NULL || cb == NULL)
		return AL_EINVAL;
	al_rr r;
	memset(&r, 0, sizeof(r));
	r.cb = cb;
	set_limits(&r, limits);
	read_any(&r, path, 0, true);
	return r.first;
}

al_status al_report_read_memory(const char *name, const void *data, size_t length, const al_report_limits *limits,
				const al_report_callbacks *cb)
{
	if (cb == NULL || (data == NULL && length > 0))
		return AL_EINVAL;
	al_rr r;
	memset(&r, 0, sizeof(r));
	r.cb = cb;
	set_limits(&r, limits);
	al_report_origin origin = {name != NULL ? name : "<memory>", NULL, 0};
	if (length > r.limits.max_file_bytes)
		al_rr_problem(&r, &origin, AL_ELIMIT, true, "%zu bytes, more than the limit of %llu for one file",
			      length, (unsigned long long)r.limits.max_file_bytes);
	else {
		r.file_bytes = length;
		al_rr_read_entry(&r, &origin, data, length, 0);
	}
	return r.first;
}
