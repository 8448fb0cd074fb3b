/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How the SPF engine reaches DNS: a lookup function over a plain source
 * (answers kept until the run ends), reading answers, and selecting the
 * "v=spf1" record of a TXT RRset (RFC 7208 section 4.5).
 */
#include <stdlib.h>
#include <string.h>

#include "dns/txt.h"
#include "record/detect.h"
#include "spf/spf_internal.h"
#include "util/grow.h"

static const al_answer failed_answer = {
	.rcode = AL_RCODE_ERROR,
	.server = "none",
	.detail = "the lookup could not be made (out of memory or not a valid name)",
};

static const al_answer no_source_answer = {
	.rcode = AL_RCODE_NOT_QUERIED,
	.server = "none",
	.detail = "no DNS source",
};

static const al_answer *source_lookup(void *ctx, const char *name, uint16_t type)
{
	al_spf_source_dns *sd = ctx;
	if (sd->source == NULL)
		return &no_source_answer;
	if (!AL_GROW_ONE(sd->answers, sd->count, sd->capacity))
		return &failed_answer;
	const al_answer *a = NULL;
	if (al_source_lookup(sd->source, name, type, &a) != AL_OK || a == NULL)
		return &failed_answer;
	sd->answers[sd->count++] = a;
	return a;
}

al_spf_dns al_spf_source_dns_open(al_spf_source_dns *sd, al_source *source)
{
	memset(sd, 0, sizeof(*sd));
	sd->source = source;
	al_spf_dns dns = {source_lookup, sd};
	return dns;
}

void al_spf_source_dns_close(al_spf_source_dns *sd)
{
	for (size_t i = 0; i < sd->count; i++)
		al_source_release(sd->source, sd->answers[i]);
	free(sd->answers);
	memset(sd, 0, sizeof(*sd));
}

size_t al_spf_answer_count(const al_answer *a, uint16_t type)
{
	if (a == NULL || a->rcode != AL_RCODE_NOERROR)
		return 0;
	size_t n = 0;
	for (size_t i = 0; i < a->count; i++)
		if (a->rrs[i].type == type)
			n++;
	return n;
}

bool al_spf_answer_unusable(const al_answer *a)
{
	return a == NULL || (a->rcode != AL_RCODE_NOERROR && a->rcode != AL_RCODE_NXDOMAIN);
}

size_t al_spf_select_records(al_arena *arena, const al_answer *a, const char **text, size_t *length)
{
	*text = NULL;
	*length = 0;
	size_t found = 0;
	if (a == NULL || a->rcode != AL_RCODE_NOERROR)
		return 0;
	for (size_t i = 0; i < a->count; i++) {
		const al_rr *rr = &a->rrs[i];
		if (rr->type != AL_TYPE_TXT)
			continue;
		size_t n;
		bool malformed;
		al_txt_measure(rr->rdata, rr->rdlength, NULL, &n, &malformed);
		if (malformed || n < 6)
			continue; /* a cut string: not a record receivers can read */
		/* the version is within the first strings: look without copying everything */
		char head[8];
		size_t hn = al_txt_copy(rr->rdata, rr->rdlength, head, 7, NULL);
		if (!al_text_is_spf(head, hn))
			continue;
		found++;
		if (found == 1) {
			char *buf = al_arena_alloc(arena, n + 1);
			if (buf == NULL)
				return found;
			n = al_txt_copy(rr->rdata, rr->rdlength, buf, n, NULL);
			buf[n] = '\0';
			*text = buf;
			*length = n;
		}
	}
	return found;
}
