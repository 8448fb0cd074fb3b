/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The values of an aggregate report (RFC 7489 Appendix C, RFC 9990): the
 * names of results and dispositions both ways, counts, and source addresses.
 */
#include "report/reader_internal.h"

#include <arpa/inet.h>
#include <string.h>

/* by enum value, from AL_RR_ABSENT ("") to AL_RR_UNKNOWN */
static const char *const RESULTS[] = {"", "none", "pass", "fail", "neutral", "softfail",
				      "temperror", "permerror", "policy", "unknown"};
/* by enum value, from AL_DISP_ABSENT ("") to AL_DISP_UNKNOWN */
static const char *const DISPOSITIONS[] = {"", "none", "quarantine", "reject", "pass", "unknown"};
#define COUNT(a) (sizeof(a) / sizeof(a[0]))

const char *al_report_result_name(al_report_result r)
{
	return (unsigned)r < COUNT(RESULTS) ? RESULTS[r] : "unknown";
}

const char *al_report_disposition_name(al_report_disposition d)
{
	return (unsigned)d < COUNT(DISPOSITIONS) ? DISPOSITIONS[d] : "unknown";
}

al_report_result al_rr_result_of(const char *v)
{
	if (v == NULL)
		return AL_RR_ABSENT;
	for (unsigned i = AL_RR_NONE; i < AL_RR_UNKNOWN; i++)
		if (strcmp(v, RESULTS[i]) == 0)
			return (al_report_result)i;
	/* RFC 7601 spellings some reporters use */
	if (strcmp(v, "hardfail") == 0)
		return AL_RR_FAIL;
	if (strcmp(v, "temperr") == 0)
		return AL_RR_TEMPERROR;
	if (strcmp(v, "permerr") == 0)
		return AL_RR_PERMERROR;
	return AL_RR_UNKNOWN;
}

al_report_disposition al_rr_disposition_of(const char *v)
{
	if (v == NULL)
		return AL_DISP_ABSENT;
	for (unsigned i = AL_DISP_NONE; i < AL_DISP_UNKNOWN; i++)
		if (strcmp(v, DISPOSITIONS[i]) == 0)
			return (al_report_disposition)i;
	return AL_DISP_UNKNOWN;
}

bool al_rr_parse_u64(const char *v, uint64_t *out)
{
	if (v == NULL || *v == '\0')
		return false;
	uint64_t n = 0;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9' || n > (UINT64_MAX - 9) / 10)
			return false;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	*out = n;
	return true;
}

/* Dotted-quad text of an IPv4 address (what inet_ntop writes, without its printf). */
static const char *ipv4_text(const unsigned char *b, char *text)
{
	char *p = text;
	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
	return text;
}

const char *al_rr_canonical_ip(al_arena *a, const char *v)
{
	unsigned char bin[16];
	char text[INET6_ADDRSTRLEN];
	if (v == NULL)
		return NULL;
	if (inet_pton(AF_INET, v, bin) == 1)
		return al_arena_strdup(a, ipv4_text(bin, text));
	if (inet_pton(AF_INET6, v, bin) == 1) {
		/* IPv4-mapped addresses are the IPv4 address */
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (memcmp(bin, mapped, 12) == 0)
			return inet_ntop(AF_INET, bin + 12, text, sizeof(text)) ? al_arena_strdup(a, text) : NULL;
		return inet_ntop(AF_INET6, bin, text, sizeof(text)) ? al_arena_strdup(a, text) : NULL;
	}
	return NULL;
}
