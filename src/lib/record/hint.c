/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Typo hints for tag names and values ("rau" -> "rua"), shared by DMARC and DKIM. */
#include "record/hint.h"

#include <ctype.h>
#include <string.h>

/* Optimal string alignment distance (Damerau-Levenshtein without repeated
 * edits of a substring), for short words only. */
static size_t edit_distance(const char *a, size_t n, const char *b, size_t m, bool cs)
{
	enum { MAXW = 24 };
	if (n > MAXW || m > MAXW)
		return (size_t)-1;
	size_t d[MAXW + 1][MAXW + 1];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			char x = a[i - 1], y = b[j - 1];
			if (!cs) {
				x = (char)tolower((unsigned char)x);
				y = (char)tolower((unsigned char)y);
			}
			size_t cost = x == y ? 0 : 1;
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1) {
				char px = a[i - 2], py = b[j - 2];
				if (!cs) {
					px = (char)tolower((unsigned char)px);
					py = (char)tolower((unsigned char)py);
				}
				if (x == py && px == y && d[i - 2][j - 2] + 1 < v)
					v = d[i - 2][j - 2] + 1;
			}
			d[i][j] = v;
		}
	}
	return d[n][m];
}

const char *al_closest_word(const char *word, size_t length, const char *const *words, size_t count,
			    bool case_sensitive)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	bool tie = false;
	for (size_t i = 0; i < count; i++) {
		size_t wl = strlen(words[i]);
		size_t dist = edit_distance(word, length, words[i], wl, case_sensitive);
		/* one edit for short words, two for words of five letters or more */
		size_t limit = (wl >= 5 && length >= 4) ? 2 : 1;
		if (wl == 1 || length == 1)
			limit = 0; /* single letters are too easy to hit by accident */
		if (dist > limit || dist == 0)
			continue;
		if (dist < best_d) {
			best = words[i];
			best_d = dist;
			tie = false;
		} else if (dist == best_d) {
			tie = true;
		}
	}
	return tie ? NULL : best;
}

