/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reply decoding: a DNS message off the wire, parsed with ldns, copied into
 * one al_dns_reply allocation (owner names as text, RDATA as wire). The only
 * user of ldns in the query engine.
 */
#include "dns/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns/wire.h"

const char *al_dns_outcome_name(al_dns_outcome outcome)
{
	switch (outcome) {
	case AL_DNS_ANSWERED:
		return "answered";
	case AL_DNS_TIMEOUT:
		return "timeout";
	case AL_DNS_NETWORK:
		return "network error";
	case AL_DNS_MALFORMED:
		return "malformed";
	case AL_DNS_MISMATCH:
		return "mismatch";
	case AL_DNS_TRUNCATED:
		return "truncated";
	}
	return "?";
}

const char *al_dns_rcode_text(unsigned rcode, char buf[16])
{
	static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					    "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
					    "NXRRSET", "NOTAUTH", "NOTZONE"};
	if (rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	if (rcode == 16)
		return "BADVERS";
	snprintf(buf, 16, "RCODE%u", rcode);
	return buf;
}

void al_dns_reply_free(al_dns_reply *reply)
{
	free(reply);
}

struct al_dns_decoder {
	ldns_buffer *rdbuf; /* scratch for one record's RDATA */
};

al_dns_decoder *al_dns_decoder_new(void)
{
	al_dns_decoder *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->rdbuf = ldns_buffer_new(1024);
	if (d->rdbuf == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

void al_dns_decoder_free(al_dns_decoder *d)
{
	if (d == NULL)
		return;
	ldns_buffer_free(d->rdbuf);
	free(d);
}

/* A name at *pos (labels or a compression pointer) stepped over; false past the end. */
static bool skip_name(const uint8_t *data, size_t length, size_t *pos)
{
	while (*pos < length) {
		uint8_t n = data[*pos];
		if ((n & 0xc0) == 0xc0) {
			*pos += 2;
			return *pos <= length;
		}
		if (n & 0xc0)
			return false;
		*pos += 1u + n;
		if (n == 0)
			return *pos <= length;
	}
	return false;
}

/*
 * What ldns would allocate for the TXT (and SPF) records of a message: every
 * character-string costs a copy of its record's RDATA. A message that does
 * not walk is left to ldns to refuse. True when within AL_DNS_MAX_DECODE.
 */
static bool decode_cost_ok(const uint8_t *data, size_t length, char *why, size_t why_size)
{
	if (length < 12)
		return true;
	size_t qd = ((size_t)data[4] << 8) | data[5];
	size_t rrs = (((size_t)data[6] << 8) | data[7]) + (((size_t)data[8] << 8) | data[9]) +
		     (((size_t)data[10] << 8) | data[11]);
	size_t pos = 12;
	for (size_t i = 0; i < qd; i++) {
		if (!skip_name(data, length, &pos) || pos + 4 > length)
			return true;
		pos += 4;
	}
	size_t cost = 0;
	for (size_t i = 0; i < rrs; i++) {
		if (!skip_name(data, length, &pos) || pos + 10 > length)
			return true;
		unsigned type = ((unsigned)data[pos] << 8) | data[pos + 1];
		size_t rdlength = ((size_t)data[pos + 8] << 8) | data[pos + 9];
		pos += 10;
		if (pos + rdlength > length)
			return true;
		if (type == LDNS_RR_TYPE_TXT || type == LDNS_RR_TYPE_SPF) {
			size_t strings = 0;
			for (size_t k = 0; k < rdlength; k += 1u + data[pos + k])
				strings++;
			cost += strings * rdlength;
			if (cost > AL_DNS_MAX_DECODE) {
				if (why != NULL)
					snprintf(why, why_size,
						 "a TXT record of %zu strings in %zu bytes, more than authlint "
						 "decodes (%u MiB of decoding per message)",
						 strings, rdlength, AL_DNS_MAX_DECODE >> 20);
				return false;
			}
		}
		pos += rdlength;
	}
	return true;
}

al_dns_packet *al_dns_packet_parse(const uint8_t *data, size_t length, char *why, size_t why_size)
{
	if (why != NULL && why_size > 0)
		why[0] = '\0';
	if (!decode_cost_ok(data, length, why, why_size))
		return NULL;
	ldns_pkt *pkt = NULL;
	if (ldns_wire2pkt(&pkt, data, length) != LDNS_STATUS_OK || pkt == NULL)
		return NULL;
	return (al_dns_packet *)pkt;
}

void al_dns_packet_free(al_dns_packet *pkt)
{
	ldns_pkt_free((ldns_pkt *)pkt);
}

unsigned al_dns_packet_rcode(const al_dns_packet *p)
{
	const ldns_pkt *pkt = (const ldns_pkt *)p;
	return (unsigned)ldns_pkt_get_rcode(pkt) | ((unsigned)ldns_pkt_edns_extended_rcode(pkt) << 4);
}

bool al_dns_packet_tc(const al_dns_packet *p)
{
	return ldns_pkt_tc((const ldns_pkt *)p);
}

bool al_dns_packet_edns(const al_dns_packet *p)
{
	return ldns_pkt_edns((const ldns_pkt *)p);
}

typedef struct sizer {
	size_t rrs, bytes;
} sizer;

static size_t rr_owner_text(const ldns_rr *rr, char out[AL_NAME_MAX])
{
	const ldns_rdf *o = ldns_rr_owner(rr);
	if (o == NULL || !al_wire_name_to_text(ldns_rdf_data(o), ldns_rdf_size(o), 0, out, NULL)) {
		strcpy(out, "?");
		return 1;
	}
	return strlen(out);
}

static bool rr_rdata(al_dns_decoder *e, const ldns_rr *rr)
{
	ldns_buffer_clear(e->rdbuf);
	if (ldns_rr_rdata2buffer_wire(e->rdbuf, rr) != LDNS_STATUS_OK)
		return false;
	ldns_buffer_flip(e->rdbuf);
	return ldns_buffer_limit(e->rdbuf) <= 65535;
}

static void measure_list(al_dns_decoder *e, const ldns_rr_list *list, sizer *z)
{
	char owner[AL_NAME_MAX];
	for (size_t i = 0; list != NULL && i < ldns_rr_list_rr_count(list); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(list, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_OPT)
			continue;
		z->rrs++;
		z->bytes += rr_owner_text(rr, owner) + 1;
		if (rr_rdata(e, rr))
			z->bytes += ldns_buffer_limit(e->rdbuf);
	}
}

typedef struct filler {
	al_rr *rr;
	char *bytes;
	const char *server;
} filler;

static size_t fill_list(al_dns_decoder *e, const ldns_rr_list *list, filler *f)
{
	char owner[AL_NAME_MAX];
	size_t n = 0;
	for (size_t i = 0; list != NULL && i < ldns_rr_list_rr_count(list); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(list, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_OPT)
			continue;
		al_rr *out = f->rr++;
		memset(out, 0, sizeof(*out));
		size_t ol = rr_owner_text(rr, owner);
		memcpy(f->bytes, owner, ol + 1);
		out->owner = f->bytes;
		f->bytes += ol + 1;
		out->type = ldns_rr_get_type(rr);
		out->ttl = ldns_rr_ttl(rr);
		out->location.server = f->server;
		if (rr_rdata(e, rr)) {
			size_t rl = ldns_buffer_limit(e->rdbuf);
			memcpy(f->bytes, ldns_buffer_begin(e->rdbuf), rl);
			out->rdata = (const uint8_t *)f->bytes;
			out->rdlength = (uint16_t)rl;
			f->bytes += rl;
		}
		n++;
	}
	return n;
}

al_dns_reply *al_dns_reply_build(al_dns_decoder *e, const al_dns_packet *packet, const char *server,
				 const char *qname, const char *detail)
{
	const ldns_pkt *pkt = (const ldns_pkt *)packet;
	sizer z = {0, 0};
	if (pkt != NULL) {
		measure_list(e, ldns_pkt_answer(pkt), &z);
		measure_list(e, ldns_pkt_authority(pkt), &z);
		measure_list(e, ldns_pkt_additional(pkt), &z);
	}
	size_t sl = strlen(server) + 1, nl = strlen(qname) + 1, dl = detail ? strlen(detail) + 1 : 0;
	size_t size = sizeof(al_dns_reply) + z.rrs * sizeof(al_rr) + z.bytes + sl + nl + dl;
	al_dns_reply *r = calloc(1, size);
	if (r == NULL)
		return NULL;
	al_rr *rrs = (al_rr *)(r + 1);
	char *bytes = (char *)(rrs + z.rrs);
	memcpy(bytes, server, sl);
	r->server = bytes;
	bytes += sl;
	memcpy(bytes, qname, nl);
	r->qname = bytes;
	bytes += nl;
	if (detail != NULL) {
		memcpy(bytes, detail, dl);
		r->detail = bytes;
		bytes += dl;
	}
	if (pkt != NULL) {
		r->rcode = al_dns_packet_rcode(packet);
		r->aa = ldns_pkt_aa(pkt);
		r->tc = ldns_pkt_tc(pkt);
		r->rd = ldns_pkt_rd(pkt);
		r->ra = ldns_pkt_ra(pkt);
		r->ad = ldns_pkt_ad(pkt);
		r->cd = ldns_pkt_cd(pkt);
		r->edns = ldns_pkt_edns(pkt);
		filler f = {rrs, bytes, r->server};
		r->answer = f.rr;
		r->answer_count = fill_list(e, ldns_pkt_answer(pkt), &f);
		r->authority = f.rr;
		r->authority_count = fill_list(e, ldns_pkt_authority(pkt), &f);
		r->additional = f.rr;
		r->additional_count = fill_list(e, ldns_pkt_additional(pkt), &f);
	}
	return r;
}
