/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Zip archives through libarchive. An XML entry is streamed into the XML
 * reader as it is inflated; any other entry (a .xml.gz inside a zip, say) is
 * inflated into memory first. Both are bounded: bytes per entry
 * (max_expanded_bytes), the ratio to the archive's size, and the entries.
 */
#include "report/reader_internal.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

#define MAX_ENTRIES 10000
#define RATIO_FLOOR (1u << 20)
#define PEEK 4096

typedef struct zip_stream {
	al_rr_stream base;
	al_rr *r;
	const al_report_origin *origin;
	struct archive *a;
	size_t archive_length;
	unsigned char peek[PEEK];
	size_t peek_len, peek_at;
	uint64_t out;
	bool failed;
} zip_stream;

static bool within(zip_stream *z, uint64_t more)
{
	z->out += more;
	if (z->out > z->r->limits.max_expanded_bytes) {
		al_rr_problem(z->r, z->origin, AL_ELIMIT, true,
			      "the entry expands past %llu bytes, the limit for one report: not read",
			      (unsigned long long)z->r->limits.max_expanded_bytes);
		return false;
	}
	if (z->out > RATIO_FLOOR && z->out / (z->archive_length ? z->archive_length : 1) > z->r->limits.max_ratio) {
		al_rr_problem(z->r, z->origin, AL_ELIMIT, true,
			      "the entry expands more than %u times the archive (a decompression bomb?): not read",
			      z->r->limits.max_ratio);
		return false;
	}
	return true;
}

static long zip_read(al_rr_stream *s, char *buf, size_t size)
{
	zip_stream *z = (zip_stream *)s;
	if (z->failed)
		return -1;
	if (z->peek_at < z->peek_len) {
		size_t n = z->peek_len - z->peek_at < size ? z->peek_len - z->peek_at : size;
		memcpy(buf, z->peek + z->peek_at, n);
		z->peek_at += n;
		return (long)n;
	}
	la_ssize_t n = archive_read_data(z->a, buf, size);
	if (n < 0) {
		al_rr_problem(z->r, z->origin, AL_ESYNTAX, true, "the zip entry is damaged: %s",
			      archive_error_string(z->a) ? archive_error_string(z->a) : "read failed");
		z->failed = true;
		return -1;
	}
	if (!within(z, (uint64_t)n)) {
		z->failed = true;
		return -1;
	}
	return (long)n;
}

void al_rr_read_zip(al_rr *r, const al_report_origin *origin, const void *data, size_t length, unsigned depth)
{
	struct archive *a = archive_read_new();
	if (a == NULL) {
		al_rr_problem(r, origin, AL_ENOMEM, true, "out of memory");
		return;
	}
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, data, length) != ARCHIVE_OK) {
		al_rr_problem(r, origin, AL_ESYNTAX, true, "not a readable zip archive: %s",
			      archive_error_string(a) ? archive_error_string(a) : "open failed");
		archive_read_free(a);
		return;
	}
	struct archive_entry *entry;
	size_t entries = 0, read = 0;
	int rc;
	while (!r->stopped && (rc = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
		if (++entries > MAX_ENTRIES) {
			al_rr_problem(r, origin, AL_ELIMIT, true, "more than %d entries: the rest were not read",
				      MAX_ENTRIES);
			break;
		}
		if (archive_entry_filetype(entry) != AE_IFREG)
			continue;
		const char *name = archive_entry_pathname(entry);
		al_report_origin at = {origin->path, name != NULL ? name : "(entry without a name)", 0};
		zip_stream z;
		memset(&z, 0, sizeof(z));
		z.base.read = zip_read;
		z.r = r;
		z.origin = &at;
		z.a = a;
		z.archive_length = length;
		la_ssize_t n = archive_read_data(a, z.peek, sizeof(z.peek));
		if (n < 0) {
			al_rr_problem(r, &at, AL_ESYNTAX, true, "the zip entry is damaged: %s",
				      archive_error_string(a) ? archive_error_string(a) : "read failed");
			continue;
		}
		if (n == 0)
			continue;
		z.peek_len = (size_t)n;
		within(&z, (uint64_t)n);
		read++;
		size_t i = 0;
		while (i < z.peek_len && (z.peek[i] == ' ' || z.peek[i] == '\n' || z.peek[i] == '\r' ||
					  z.peek[i] == '\t' || z.peek[i] == 0xEF || z.peek[i] == 0xBB || z.peek[i] == 0xBF))
			i++;
		if (i < z.peek_len && z.peek[i] == '<') {
			al_rr_read_xml(r, &at, &z.base);
			continue;
		}
		/* anything else: inflate the entry, then read it as a file */
		size_t cap = 1u << 16, len = z.peek_len;
		unsigned char *buf = malloc(cap);
		bool ok = buf != NULL;
		if (ok)
			memcpy(buf, z.peek, len);
		for (unsigned turns = 0; ok && turns < 100000000; turns++) {
			if (len == cap && !al_grow((void **)&buf, &cap, cap + 1, 1)) {
				ok = false;
				break;
			}
			la_ssize_t got = archive_read_data(a, buf + len, cap - len);
			if (got == 0)
				break;
			if (got < 0) {
				al_rr_problem(r, &at, AL_ESYNTAX, true, "the zip entry is damaged: %s",
					      archive_error_string(a) ? archive_error_string(a) : "read failed");
				ok = false;
				break;
			}
			len += (size_t)got;
			if (!within(&z, (uint64_t)got))
				ok = false;
		}
		if (ok)
			al_rr_read_entry(r, &at, buf, len, depth);
		free(buf);
	}
	if (rc != ARCHIVE_EOF && rc != ARCHIVE_OK && !r->stopped)
		al_rr_problem(r, origin, AL_ESYNTAX, true, "the zip archive is damaged: %s",
			      archive_error_string(a) ? archive_error_string(a) : "read failed");
	else if (read == 0 && entries <= MAX_ENTRIES)
		al_rr_problem(r, origin, AL_ENOENT, true, "a zip archive without a file in it");
	archive_read_free(a);
}
