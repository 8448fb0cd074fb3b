/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one walk over the character-strings of TXT RDATA. */
#include <string.h>

#include "dns/txt.h"

void al_txt_measure(const uint8_t *rdata, size_t rdlength, size_t *count, size_t *length, bool *malformed)
{
	size_t c = 0, len = 0;
	bool bad = false;
	for (size_t i = 0; i < rdlength;) {
		size_t n = rdata[i];
		if (i + 1 + n > rdlength) {
			bad = true;
			break;
		}
		c++;
		len += n;
		i += 1 + n;
	}
	if (count != NULL)
		*count = c;
	if (length != NULL)
		*length = len;
	if (malformed != NULL)
		*malformed = bad;
}

size_t al_txt_copy(const uint8_t *rdata, size_t rdlength, char *out, size_t max, size_t *ends)
{
	size_t pos = 0, k = 0;
	for (size_t i = 0; i < rdlength;) {
		size_t n = rdata[i];
		if (i + 1 + n > rdlength)
			break;
		size_t take = n < max - pos ? n : max - pos;
		memcpy(out + pos, rdata + i + 1, take);
		pos += take;
		if (ends != NULL)
			ends[k++] = pos;
		if (pos == max)
			break;
		i += 1 + n;
	}
	return pos;
}
