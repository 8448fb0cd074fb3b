/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "record/detect.h"

#include <string.h>
#include <strings.h>

bool al_text_is_spf(const char *text, size_t length)
{
	return length >= 6 && strncasecmp(text, "v=spf1", 6) == 0 && (length == 6 || text[6] == ' ');
}

bool al_text_is_dmarc(const char *text, size_t length)
{
	if (length < 8 || strncasecmp(text, "v=DMARC1", 8) != 0)
		return false;
	if (length == 8)
		return true;
	char c = text[8];
	return c == ';' || c == ' ' || c == '\t';
}

bool al_dkim_name_split(const char *name, size_t *selector_length, const char **domain)
{
	/* a name has at most 127 labels: so many steps at the most */
	const char *p = name;
	for (int guard = 0; guard < 128 && (p = strstr(p, "._domainkey")) != NULL; guard++, p++) {
		if (p == name || (p[11] != '.' && p[11] != '\0'))
			continue;
		*selector_length = (size_t)(p - name);
		*domain = p[11] == '.' ? p + 12 : p + 11;
		return true;
	}
	return false;
}
