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
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CHUNK 65536

/* ---- the guard ---------------------------------------------------------------------- */

struct al_rr_guard {
	al_rr *r;
	const al_report_origin *origin;
	al_rr_stream *in;
	unsigned char raw[CHUNK + 8];
	size_t carry;                 /* bytes of an incomplete UTF-8 sequence kept in raw */
	unsigned char out[3 * (CHUNK + 8) + 16];
	size_t out_len, out_at;
	char tail[16];                /* the last bytes seen, for declarations across reads */
	size_t tail_len;
	char out_tail[32];            /* the last bytes given out, for </feedback> across reads */
	size_t out_tail_len;
	bool started, eof, closed, failed, fix_utf8, ended;
	size_t replaced, after;       /* bytes replaced; bytes after </feedback> not given out */
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

/* Declarations refused wherever they are (across reads too). */
static bool has_declaration(al_rr_guard *g, const unsigned char *d, size_t n)
{
	static const char *const bad[] = {"<!DOCTYPE", "<!ENTITY"};
	/* the seam between the last read and this one, then this one */
	char seam[32];
	size_t head = n < 12 ? n : 12;
	memcpy(seam, g->tail, g->tail_len);
	memcpy(seam + g->tail_len, d, head);
	for (size_t b = 0; b < 2; b++)
		if (memmem(seam, g->tail_len + head, bad[b], strlen(bad[b])) != NULL ||
		    memmem(d, n, bad[b], strlen(bad[b])) != NULL)
			return true;
	/* keep the last bytes of all seen so far */
	size_t total = g->tail_len + n;
	size_t keep = total < 12 ? total : 12;
	char last[32];
	memcpy(last, seam, g->tail_len + head);
	if (n >= keep) {
		memcpy(g->tail, d + n - keep, keep);
	} else {
		memcpy(g->tail, last + (g->tail_len + head) - keep, keep);
	}
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

/* After the new bytes g->out[from, out_len): end the document at </feedback>. */
static void cut_after_feedback(al_rr_guard *g, size_t from)
{
	unsigned char seam[64 + 32];
	size_t tl = g->out_tail_len, head = g->out_len - from < 64 ? g->out_len - from : 64;
	memcpy(seam, g->out_tail, tl);
	memcpy(seam + tl, g->out + from, head);
	size_t end = g->out_len, at;
	if ((at = find_feedback(seam, tl + head, 0, true)) < tl + head) {
		const unsigned char *gt = memchr(seam + at, '>', tl + head - at);
		end = from + (size_t)(gt - seam) + 1 - tl;
	} else if ((at = find_feedback(g->out, g->out_len, from, true)) < g->out_len) {
		const unsigned char *gt = memchr(g->out + at, '>', g->out_len - at);
		end = (size_t)(gt - g->out) + 1;
	}
	if (end < g->out_len) {
		for (size_t i = end; i < g->out_len; i++)
			g->after += !isspace(g->out[i]);
		g->out_len = end;
		g->ended = true;
		return;
	}
	size_t keep = g->out_len < 24 ? g->out_len : 24;
	if (g->out_len - from >= keep) {
		memcpy(g->out_tail, g->out + g->out_len - keep, keep);
		g->out_tail_len = keep;
	} else {
		size_t all = tl + (g->out_len - from);
		size_t k = all < 24 ? all : 24;
		memmove(g->out_tail, seam + all - k, k);
		g->out_tail_len = k;
	}
}

/* Fill g->out with the next bytes for the parser; false at the end or on failure. */
static bool fill(al_rr_guard *g)
{
	g->out_len = g->out_at = 0;
	for (unsigned guard_turns = 0; guard_turns < 1000000 && g->out_len == 0; guard_turns++) {
		if (g->failed || g->closed)
			return false;
		if (g->ended) {
			/* the rest of the input after </feedback> is not XML of ours: counted, not parsed */
			long n = g->in->read(g->in, (char *)g->raw, CHUNK);
			for (unsigned turns = 0; n > 0 && turns < 100000000; turns++) {
				for (long k = 0; k < n; k++)
					g->after += !isspace(g->raw[k]);
				n = g->in->read(g->in, (char *)g->raw, CHUNK);
			}
			g->closed = true;
			return false;
		}
		if (g->eof) {
			/* what is left of an incomplete sequence is not UTF-8 */
			for (size_t i = 0; i < g->carry; i++, g->replaced++)
				put(g, "\xEF\xBF\xBD", 3);
			g->carry = 0;
			g->closed = true;
			return g->out_len > 0;
		}
		long n = g->in->read(g->in, (char *)g->raw + g->carry, CHUNK);
		if (n < 0) {
			g->failed = true;
			return false;
		}
		if (n == 0) {
			g->eof = true;
			continue;
		}
		const unsigned char *d = g->raw;
		size_t len = g->carry + (size_t)n;
		if (has_declaration(g, g->raw + g->carry, (size_t)n)) {
			al_rr_problem(g->r, g->origin, AL_EUNSUPPORTED, true,
				      "a document type or entity declaration: refused (reports have none; "
				      "entities are never expanded)");
			g->failed = true;
			return false;
		}
		size_t i = 0;
		if (!g->started) {
			g->started = true;
			bool utf16 = len >= 2 && ((d[0] == 0xFE && d[1] == 0xFF) || (d[0] == 0xFF && d[1] == 0xFE));
			if (len >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0) {
				put(g, d, 3);
				i = 3;
			}
			g->fix_utf8 = !utf16 && !declared_foreign_encoding(d + i, len - i);
			/* the XML declaration stays first; what stands between it and
			 * <feedback> is blanked (line breaks kept) */
			if (!utf16 && len - i >= 5 && memcmp(d + i, "<?xml", 5) == 0) {
				const unsigned char *end = memmem(d + i, len - i, "?>", 2);
				if (end != NULL) {
					size_t decl = (size_t)(end - (d + i)) + 2;
					put(g, d + i, decl);
					i += decl;
				}
			}
			size_t at = utf16 ? len : find_feedback(d, len, i, false);
			if (at < len)
				for (; i < at; i++)
					put(g, d[i] == '\n' ? "\n" : " ", 1);
		}
		size_t from = g->out_len;
		if (!g->fix_utf8) {
			put(g, d + i, len - i);
			g->carry = 0;
			cut_after_feedback(g, from);
			continue;
		}
		size_t carry = 0;
		while (i < len) {
			/* a run of printable ASCII (most of a report) goes out in one copy */
			size_t run = i;
			while (run < len && ((d[run] >= 0x20 && d[run] < 0x80) || d[run] == '\n' || d[run] == '\t' ||
					     d[run] == '\r'))
				run++;
			if (run > i) {
				put(g, d + i, run - i);
				i = run;
				continue;
			}
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
		memmove(g->raw, d + len - carry, carry);
		g->carry = carry;
		cut_after_feedback(g, from);
	}
	return g->out_len > 0;
}

int al_rr_guard_read(void *ctx, char *buffer, int len)
{
	al_rr_guard *g = ctx;
	if (len <= 0)
		return 0;
	if (g->out_at == g->out_len && !fill(g))
		return g->failed ? -1 : 0;
	size_t n = g->out_len - g->out_at;
	if (n > (size_t)len)
		n = (size_t)len;
	memcpy(buffer, g->out + g->out_at, n);
	g->out_at += n;
	return (int)n;
}


al_rr_guard *al_rr_guard_new(al_rr *r, const al_report_origin *origin, al_rr_stream *in)
{
	al_rr_guard *g = calloc(1, sizeof(*g));
	if (g != NULL) {
		g->r = r;
		g->origin = origin;
		g->in = in;
	}
	return g;
}

void al_rr_guard_free(al_rr_guard *g)
{
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
