/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The lines of a new text that a change wrote: the common first and last lines
 * are skipped, the middle is compared by a longest common subsequence over
 * line hashes (bounded table; past the bound the middle counts as touched).
 */
#include <authlint/diff.h>

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/hash.h"

typedef struct lines {
	uint64_t *hash;
	size_t count;
} lines;

static al_status split(const char *text, size_t length, lines *out)
{
	size_t n = 0;
	for (size_t i = 0; i < length; i++)
		if (text[i] == '\n')
			n++;
	if (length > 0 && text[length - 1] != '\n')
		n++;
	out->count = n;
	out->hash = calloc(n ? n : 1, sizeof(uint64_t));
	if (out->hash == NULL)
		return AL_ENOMEM;
	size_t start = 0, k = 0;
	for (size_t i = 0; i <= length && k < n; i++) {
		if (i == length || text[i] == '\n') {
			size_t end = i;
			if (end > start && text[end - 1] == '\r')
				end--;
			out->hash[k++] = al_hash_bytes(text + start, end - start);
			start = i + 1;
		}
	}
	return AL_OK;
}

static al_status add_line(al_diff_range **ranges, size_t *count, size_t *cap, unsigned long line)
{
	if (*count > 0 && (*ranges)[*count - 1].last + 1 == line) {
		(*ranges)[*count - 1].last = line;
		return AL_OK;
	}
	if (!al_grow((void **)ranges, cap, *count + 1, sizeof(**ranges)))
		return AL_ENOMEM;
	(*ranges)[(*count)++] = (al_diff_range){line, line};
	return AL_OK;
}

al_status al_diff_lines(const char *old_text, size_t old_length, const char *new_text, size_t new_length,
			al_diff_range **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	lines a = {0}, b = {0};
	al_status st = split(old_text, old_length, &a);
	if (st == AL_OK)
		st = split(new_text, new_length, &b);
	if (st != AL_OK) {
		free(a.hash);
		free(b.hash);
		return st;
	}
	size_t pre = 0;
	while (pre < a.count && pre < b.count && a.hash[pre] == b.hash[pre])
		pre++;
	size_t suf = 0;
	while (suf < a.count - pre && suf < b.count - pre &&
	       a.hash[a.count - 1 - suf] == b.hash[b.count - 1 - suf])
		suf++;
	size_t n = a.count - pre - suf, m = b.count - pre - suf;
	const uint64_t *x = a.hash + pre, *y = b.hash + pre;
	al_diff_range *ranges = NULL;
	size_t rc = 0, cap = 0;
	bool *kept = calloc(m ? m : 1, sizeof(bool)); /* lines of the new middle in the LCS */
	if (kept == NULL) {
		st = AL_ENOMEM;
		goto done;
	}
	if (n > 0 && m > 0 && (n + 1) <= AL_DIFF_MAX_CELLS / (m + 1)) {
		/* lcs[i][j]: the LCS of x[i..] and y[j..] */
		uint32_t *lcs = calloc((n + 1) * (m + 1), sizeof(uint32_t));
		if (lcs == NULL) {
			st = AL_ENOMEM;
			goto done;
		}
#define L(i, j) lcs[(i) * (m + 1) + (j)]
		for (size_t i = n; i-- > 0;)
			for (size_t j = m; j-- > 0;)
				L(i, j) = x[i] == y[j] ? L(i + 1, j + 1) + 1
						       : (L(i + 1, j) > L(i, j + 1) ? L(i + 1, j) : L(i, j + 1));
		size_t i = 0, j = 0;
		while (i < n && j < m) {
			if (x[i] == y[j]) {
				kept[j] = true;
				i++;
				j++;
			} else if (L(i + 1, j) >= L(i, j + 1)) {
				i++;
			} else {
				j++;
			}
		}
#undef L
		free(lcs);
	}
	for (size_t j = 0; j < m && st == AL_OK; j++)
		if (!kept[j])
			st = add_line(&ranges, &rc, &cap, (unsigned long)(pre + j + 1));
done:
	free(kept);
	free(a.hash);
	free(b.hash);
	if (st != AL_OK) {
		free(ranges);
		return st;
	}
	*out = ranges;
	*count = rc;
	return AL_OK;
}

bool al_diff_ranges_hold(const al_diff_range *ranges, size_t count, unsigned long line)
{
	for (size_t i = 0; i < count; i++)
		if (line >= ranges[i].first && line <= ranges[i].last)
			return true;
	return false;
}
