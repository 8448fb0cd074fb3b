/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The bytes between a report and the XML parser (reader_xml.c):
 *  - any document type or entity declaration is refused, so no entity is
 *    ever defined, expanded or loaded (XXE, billion laughs);
 *  - bytes that are not UTF-8, and control characters XML forbids, become
 *    U+FFFD when the document claims UTF-8 (or nothing), so that one bad byte
 *    in a text field does not lose the report (the count is reported);
 *  - junk a reporter pasted before <feedback> (an <xs:schema>, open or
 *    closed) is blanked, line breaks kept so that lines stay right, and the
 *    document ends at </feedback>.
 */
#include "report/reader_internal.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdint.h>
#include <sys/mman.h>

#define CHUNK 65536

/* ---- the guard ---------------------------------------------------------------------- */

struct al_rr_guard {
	al_rr *r;
	const al_report_origin *origin;
	al_rr_stream *in;
	unsigned char pending[8];      /* a stream's incomplete UTF-8 sequence, for the next read */
	size_t carry;                  /* bytes of an incomplete UTF-8 sequence at the end of the last input */
	size_t mem_at;                 /* input in memory: where the next input starts (the carried bytes) */
	size_t dropped;                /* a mapped input: the bytes before this were let go */
	size_t out_len;
	const unsigned char *view;     /* the next bytes for the parser: out, or the input as it is */
	size_t view_len, view_at;
	char tail[16];                /* the last bytes seen, for declarations across reads */
	size_t tail_len;
	char out_tail[32];            /* the last bytes given out, for </feedback> across reads */
	size_t out_tail_len;
	bool started, eof, closed, failed, fix_utf8, ended, held;
	size_t replaced, after;       /* bytes replaced; bytes after </feedback> not given out */
	/* the buffers last: not cleared (a guard per report, 256 KB each) */
	unsigned char raw[CHUNK + 8];  /* a stream's bytes: the carried ones, then the new */
	unsigned char out[3 * (CHUNK + 8) + 16]; /* bytes changed (repaired, blanked) for the parser */
};

static bool declared_foreign_encoding(const unsigned char *d, size_t n)
{
	if (n < 5 || memcmp(d, "<?xml", 5) != 0)
		return false;
	const unsigned char *end = memchr(d, '>', n < 512 ? n : 512);
	size_t len = end != NULL ? (size_t)(end - d) : (n < 512 ? n : 512);
	for (size_t i = 0; i + 8 < len; i++) {
		if (strncasecmp((const char *)d + i, "encoding", 8) != 0)
			continue;
		size_t j = i + 8;
		while (j < len && (d[j] == ' ' || d[j] == '=' || d[j] == '"' || d[j] == '\''))
			j++;
		size_t k = j;
		while (k < len && d[k] != '"' && d[k] != '\'' && d[k] != ' ' && d[k] != '?')
			k++;
		size_t vl = k - j;
		const char *v = (const char *)d + j;
		return !((vl == 5 && strncasecmp(v, "utf-8", 5) == 0) || (vl == 4 && strncasecmp(v, "utf8", 4) == 0) ||
			 (vl == 8 && strncasecmp(v, "us-ascii", 8) == 0) || (vl == 5 && strncasecmp(v, "ascii", 5) == 0));
	}
	return false;
}

static size_t utf8_length(const unsigned char *p, size_t n, bool *incomplete)
{
	unsigned char c = p[0];
	size_t need;
	unsigned char lo = 0x80, hi = 0xBF;
	*incomplete = false;
	if (c < 0x80)
		return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ? 0 : 1;
	if (c >= 0xC2 && c <= 0xDF)
		need = 2;
	else if (c == 0xE0)
		need = 3, lo = 0xA0;
	else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
		need = 3;
	else if (c == 0xED)
		need = 3, hi = 0x9F;
	else if (c == 0xF0)
		need = 4, lo = 0x90;
	else if (c >= 0xF1 && c <= 0xF3)
		need = 4;
	else if (c == 0xF4)
		need = 4, hi = 0x8F;
	else
		return 0;
	for (size_t i = 1; i < need; i++) {
		if (i >= n) {
			*incomplete = true;
			return 0;
		}
		unsigned char b = p[i];
		if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF))
			return 0;
	}
	return need;
}

static void put(al_rr_guard *g, const void *data, size_t n)
{
	memcpy(g->out + g->out_len, data, n);
	g->out_len += n;
}

/* "<!DOCTYPE" or "<!ENTITY" at d[k - 1] (d[k] is the '!'), all of it before @p end. */
static bool declaration_at(const unsigned char *d, size_t k, size_t end)
{
	return k >= 1 && d[k - 1] == '<' &&
	       ((end - k >= 8 && memcmp(d + k, "!DOCTYPE", 8) == 0) || (end - k >= 7 && memcmp(d + k, "!ENTITY", 7) == 0));
}

/* Declarations refused wherever they are (across reads too). */
static bool has_declaration(al_rr_guard *g, const unsigned char *d, size_t n)
{
	/* the seam between the last read and this one: a declaration across it lies
	 * within the last 11 bytes seen and the first 11 new ones */
	unsigned char seam[32];
	size_t head = n < 12 ? n : 12;
	memcpy(seam, g->tail, g->tail_len);
	memcpy(seam + g->tail_len, d, head);
	size_t sn = g->tail_len + head;
	for (const unsigned char *p = seam; (p = memchr(p, '!', sn - (size_t)(p - seam))) != NULL; p++)
		if (declaration_at(seam, (size_t)(p - seam), sn))
			return true;
	/* then the new bytes: a '!' is rare in a report, memchr finds each */
	for (const unsigned char *p = d; (p = memchr(p, '!', n - (size_t)(p - d))) != NULL; p++)
		if (declaration_at(d, (size_t)(p - d), n))
			return true;
	/* keep the last bytes of all seen so far */
	size_t keep = sn < 12 ? sn : 12;
	if (n >= keep)
		memcpy(g->tail, d + n - keep, keep);
	else
		memmove(g->tail, seam + sn - keep, keep);
	g->tail_len = keep;
	return false;
}

/* Where "<feedback" or "<prefix:feedback" (or with @p closing, "</feedback>" or
 * "</prefix:feedback>") starts in d[from, len), else len. */
static size_t find_feedback(const unsigned char *d, size_t len, size_t from, bool closing)
{
	for (size_t i = from; i + 8 <= len; i++) {
		const unsigned char *hit = memmem(d + i, len - i, "feedback", 8);
		if (hit == NULL)
			return len;
		size_t k = (size_t)(hit - d);
		i = k;
		if (closing && (k + 8 >= len || d[k + 8] != '>'))
			continue;
		if (!closing && k + 8 < len && d[k + 8] != '>' && d[k + 8] != ' ' && d[k + 8] != '\n' &&
		    d[k + 8] != '\r' && d[k + 8] != '\t' && d[k + 8] != '/')
			continue;
		/* back over a prefix ("dmarc:") to the '<' (and '/') */
		size_t j = k;
		if (j > 0 && d[j - 1] == ':') {
			j--;
			while (j > 0 && (isalnum(d[j - 1]) || d[j - 1] == '_' || d[j - 1] == '-' || d[j - 1] == '.'))
				j--;
		}
		if (closing) {
			if (j >= 2 && d[j - 1] == '/' && d[j - 2] == '<')
				return j - 2;
		} else if (j >= 1 && d[j - 1] == '<') {
			return j - 1;
		}
	}
	return len;
}

/* After the new bytes o[from, *len): end the document at </feedback> (*len shrinks). */
static void cut_after_feedback(al_rr_guard *g, const unsigned char *o, size_t from, size_t *len)
{
	unsigned char seam[64 + 32];
	size_t n = *len;
	size_t tl = g->out_tail_len, head = n - from < 64 ? n - from : 64;
	memcpy(seam, g->out_tail, tl);
	memcpy(seam + tl, o + from, head);
	size_t end = n, at;
	if ((at = find_feedback(seam, tl + head, 0, true)) < tl + head) {
		const unsigned char *gt = memchr(seam + at, '>', tl + head - at);
		end = from + (size_t)(gt - seam) + 1 - tl;
	} else if ((at = find_feedback(o, n, from, true)) < n) {
		const unsigned char *gt = memchr(o + at, '>', n - at);
		end = (size_t)(gt - o) + 1;
	}
	if (end < n) {
		for (size_t i = end; i < n; i++)
			g->after += !isspace(o[i]);
		*len = end;
		g->ended = true;
		return;
	}
	size_t keep = n < 24 ? n : 24;
	if (n - from >= keep) {
		memcpy(g->out_tail, o + n - keep, keep);
		g->out_tail_len = keep;
	} else {
		size_t all = tl + (n - from);
		size_t k = all < 24 ? all : 24;
		memmove(g->out_tail, seam + all - k, k);
		g->out_tail_len = k;
	}
}

/* Where the first byte in d[i, len) is that the parser cannot have as it is (neither
 * printable ASCII, a tab or a line break, nor part of a valid UTF-8 sequence); when
 * there is none, len - *carry, *carry being the bytes of an incomplete sequence at the end. */
static size_t first_bad(const unsigned char *d, size_t i, size_t len, size_t *carry)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	*carry = 0;
	while (i < len) {
		/* eight bytes at a time while none is below 0x20 or above 0x7F (most of a report) */
		while (len - i >= 8) {
			uint64_t x;
			memcpy(&x, d + i, 8);
			if (((((x - ones * 0x20) & ~x) | x) & highs) != 0)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		unsigned char c = d[i];
		if ((c >= 0x20 && c < 0x80) || c == '\n' || c == '\t' || c == '\r') {
			i++;
			continue;
		}
		bool incomplete;
		size_t k = utf8_length(d + i, len - i, &incomplete);
		if (incomplete) {
			*carry = len - i;
			return i;
		}
		if (k == 0)
			return i;
		i += k;
	}
	return len;
}

/* The next input: the bytes carried from the last (an incomplete UTF-8 sequence), then
 * up to CHUNK new ones, in place when the input is in memory; returns the new bytes
 * (0 at the end, -1 on failure). */
static long next_input(al_rr_guard *g, const unsigned char **d, size_t *len)
{
	if (g->in->data != NULL) {
		size_t from = g->mem_at + g->carry;
		size_t n = g->in->length - from < CHUNK ? g->in->length - from : CHUNK;
		*d = g->in->data + g->mem_at;
		*len = g->carry + n;
		return (long)n;
	}
	memcpy(g->raw, g->pending, g->carry);
	long n = g->in->read(g->in, (char *)g->raw + g->carry, CHUNK);
	*d = g->raw;
	*len = g->carry + (n > 0 ? (size_t)n : 0);
	return n;
}

/* The last @p carry bytes of the input d[0, len) are read again with the next. */
static void keep_carry(al_rr_guard *g, const unsigned char *d, size_t len, size_t carry)
{
	if (g->in->data != NULL) {
		/* a file's mapping: the pages before the last input are read (the parser has
		 * copied them) and are let go, so that a large report does not stay resident
		 * (they would be read from the file again if touched) */
		size_t page = 1u << 16;
		if (g->in->mapped && g->mem_at >= g->dropped + 64 * page) {
			size_t upto = g->mem_at & ~(page - 1);
			size_t from = g->dropped;
			uintptr_t base = (uintptr_t)g->in->data;
			if ((base & 4095) == 0 && upto > from)
				madvise((void *)(base + from), upto - from, MADV_DONTNEED);
			g->dropped = upto;
		}
		g->mem_at += len - carry;
	} else
		memcpy(g->pending, d + len - carry, carry);
	g->carry = carry;
}

/* The input after </feedback>: counted (what is not blank), not parsed. */
static void count_rest(al_rr_guard *g)
{
	if (g->in->data != NULL) {
		for (size_t k = g->mem_at; k < g->in->length; k++)
			g->after += !isspace(g->in->data[k]);
		g->mem_at = g->in->length;
		return;
	}
	for (size_t k = 0; k < g->carry; k++)
		g->after += !isspace(g->pending[k]);
	long n = g->in->read(g->in, (char *)g->raw, CHUNK);
	for (unsigned turns = 0; n > 0 && turns < 100000000; turns++) {
		for (long k = 0; k < n; k++)
			g->after += !isspace(g->raw[k]);
		n = g->in->read(g->in, (char *)g->raw, CHUNK);
	}
}

/* The next bytes for the parser into g->view; false at the end or on failure. */
static bool fill(al_rr_guard *g)
{
	g->view_len = g->view_at = 0;
	for (unsigned guard_turns = 0; guard_turns < 1000000 && g->view_len == 0; guard_turns++) {
		if (g->failed || g->closed)
			return false;
		if (g->ended) {
			/* the rest of the input after </feedback> is not XML of ours: counted, not parsed */
			count_rest(g);
			g->closed = true;
			return false;
		}
		g->out_len = 0;
		if (g->eof) {
			/* what is left of an incomplete sequence is not UTF-8 */
			for (size_t i = 0; i < g->carry; i++, g->replaced++)
				put(g, "\xEF\xBF\xBD", 3);
			g->carry = 0;
			g->closed = true;
			g->view = g->out;
			g->view_len = g->out_len;
			return g->view_len > 0;
		}
		const unsigned char *d;
		size_t len;
		long n = next_input(g, &d, &len);
		if (n < 0) {
			g->failed = true;
			return false;
		}
		if (n == 0) {
			g->eof = true;
			continue;
		}
		if (has_declaration(g, d + g->carry, (size_t)n)) {
			al_rr_problem(g->r, g->origin, AL_EUNSUPPORTED, true,
				      "a document type or entity declaration: refused (reports have none; "
				      "entities are never expanded)");
			g->failed = true;
			return false;
		}
		size_t i = 0;
		if (!g->started) {
			g->started = true;
			/* UTF-16 from inside a gzip or zip: the same error as a UTF-16 file (the checks
			 * here are on bytes, and reports are UTF-8) */
			const char *utf16 = al_rr_utf16(d, len);
			if (utf16 != NULL) {
				al_rr_utf16_problem(g->r, g->origin, utf16);
				g->failed = true;
				return false;
			}
			if (len >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0) {
				put(g, d, 3);
				i = 3;
			}
			g->fix_utf8 = !declared_foreign_encoding(d + i, len - i);
			/* the XML declaration stays first; what stands between it and
			 * <feedback> is blanked (line breaks kept) */
			if (len - i >= 5 && memcmp(d + i, "<?xml", 5) == 0) {
				const unsigned char *end = memmem(d + i, len - i, "?>", 2);
				if (end != NULL) {
					size_t decl = (size_t)(end - (d + i)) + 2;
					put(g, d + i, decl);
					i += decl;
				}
			}
			size_t at = find_feedback(d, len, i, false);
			if (at < len)
				for (; i < at; i++)
					put(g, d[i] == '\n' ? "\n" : " ", 1);
		}
		size_t carry = 0;
		size_t bad = g->fix_utf8 ? first_bad(d, i, len, &carry) : len;
		if (g->out_len == 0 && bad == len - carry) {
			/* nothing to change: the parser reads the input itself */
			g->view = d + i;
			g->view_len = len - carry - i;
		} else {
			put(g, d + i, bad - i);
			i = bad;
			while (i < len - carry) {
				bool incomplete;
				size_t k = utf8_length(d + i, len - i, &incomplete);
				if (incomplete) {
					carry = len - i;
					break;
				}
				if (k == 0) {
					put(g, "\xEF\xBF\xBD", 3);
					g->replaced++;
					i++;
				} else {
					put(g, d + i, k);
					i += k;
				}
			}
			g->view = g->out;
			g->view_len = g->out_len;
		}
		keep_carry(g, d, len, carry);
		cut_after_feedback(g, g->view, 0, &g->view_len);
	}
	return g->view_len > 0;
}

int al_rr_guard_read(void *guard, char *buffer, int len)
{
	al_rr_guard *g = guard;
	if (len <= 0 || g->held)
		return 0;
	if (g->view_at == g->view_len && !fill(g))
		return g->failed ? -1 : 0;
	size_t n = g->view_len - g->view_at;
	if (n > (size_t)len)
		n = (size_t)len;
	memcpy(buffer, g->view + g->view_at, n);
	g->view_at += n;
	return (int)n;
}

void al_rr_guard_hold(al_rr_guard *g)
{
	g->held = true;
}

void al_rr_guard_drain(al_rr_guard *g)
{
	/* each turn reads one input (at most CHUNK bytes) or ends; fill drops what the view
	 * still held. The stream's own bound on its bytes ends it long before the count does */
	for (unsigned turns = 0; turns < 100000000 && fill(g); turns++)
		continue;
}

/* Released guards kept for the next report (a guard is 256 KB: allocating,
 * faulting in and freeing one per report was a cost of its own with many
 * small reports). They stay reachable from here for the life of the process;
 * a guard handed out again has its fields cleared as a new one does, and its
 * buffers are only read where written for the report at hand. */
#define SPARE_GUARDS 2
static _Atomic(al_rr_guard *) spare_guards[SPARE_GUARDS];

al_rr_guard *al_rr_guard_new(al_rr *r, const al_report_origin *origin, al_rr_stream *in)
{
	al_rr_guard *g = NULL;
	for (size_t i = 0; i < SPARE_GUARDS && g == NULL; i++)
		g = atomic_exchange(&spare_guards[i], NULL);
	if (g == NULL)
		g = malloc(sizeof(*g));
	if (g != NULL) {
		memset(g, 0, offsetof(al_rr_guard, raw));
		g->r = r;
		g->origin = origin;
		g->in = in;
	}
	return g;
}

void al_rr_guard_free(al_rr_guard *g)
{
	if (g == NULL)
		return;
	for (size_t i = 0; i < SPARE_GUARDS; i++) {
		al_rr_guard *none = NULL;
		if (atomic_compare_exchange_strong(&spare_guards[i], &none, g))
			return;
	}
	free(g);
}

size_t al_rr_guard_replaced(const al_rr_guard *g)
{
	return g->replaced;
}

size_t al_rr_guard_after(const al_rr_guard *g)
{
	return g->after;
}

bool al_rr_guard_failed(const al_rr_guard *g)
{
	return g->failed;
}
