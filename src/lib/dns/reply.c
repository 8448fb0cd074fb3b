/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reply decoding: a DNS message off the wire, copied into one al_dns_reply
 * allocation (owner names as text, RDATA as wire, names in it uncompressed).
 *
 * Two decoders give the same result. The quick one walks the message in
 * place, with no allocation but the reply: it takes the messages made only of
 * the record types the checks ask for (A, AAAA, TXT, SPF, MX, CNAME, NS, PTR,
 * SOA, one OPT in the additional section), each exactly as long as its
 * type says, names decompressed as ldns_wire2dname does. Any other message
 * goes to ldns (ldns_wire2pkt, a dozen allocations a record), which decides
 * as before what is malformed and what a record of another type holds.
 * tests/unit/test_live.c compares the two on mutated messages. The only user
 * of ldns in the query engine.
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

/* A record as the quick decoder found it: where its parts are. */
typedef struct quick_rr {
	uint16_t type;
	uint32_t ttl;
	size_t owner;       /* offset of its text in the decoder's names */
	size_t owner_length;
	size_t rdata;       /* offset in the message, or in the decoder's rdata when copied */
	size_t rdlength;
	bool copied;        /* RDATA with names, decompressed into the decoder's rdata */
} quick_rr;

/* A parsed message: ldns's, or the quick decoder's (fields below). */
struct al_dns_packet {
	ldns_pkt *ldns;
	unsigned rcode;
	bool aa, tc, rd, ra, ad, cd, edns;
	size_t counts[3];   /* answer, authority, additional (OPT left out) */
	const uint8_t *data;
};

struct al_dns_decoder {
	ldns_buffer *rdbuf; /* scratch for one record's RDATA (ldns) */
	al_dns_packet packet;
	bool packet_in_use;
	bool ldns_only;     /* tests: leave every message to ldns */
	quick_rr *rrs;
	size_t rr_capacity;
	char *names;        /* owner names, each with its NUL */
	size_t names_length, names_capacity;
	uint8_t *rdata;     /* decompressed RDATA */
	size_t rdata_length, rdata_capacity;
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
	if (d->packet.ldns != NULL)
		ldns_pkt_free(d->packet.ldns);
	free(d->rrs);
	free(d->names);
	free(d->rdata);
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

/* ---- the quick decoder ---------------------------------------------------------- */

/*
 * The name at *pos, uncompressed into @p out, *pos past it: ldns_wire2dname's
 * walk (pointers anywhere in the message but to offset 0, at most
 * LDNS_MAX_POINTERS of them, labels of at most 63 octets, names of at most
 * 255), false where it fails.
 */
static bool quick_name(const uint8_t *wire, size_t max, size_t *pos, uint8_t out[LDNS_MAX_DOMAINLEN],
		       size_t *out_length)
{
	size_t p = *pos, length = 0, resume = 0;
	unsigned pointers = 0;
	if (p >= max)
		return false;
	uint8_t label = wire[p];
	while (label > 0) {
		while (label >= 192) {
			if (resume == 0)
				resume = p + 2;
			pointers++;
			if (p + 2 > max)
				return false;
			size_t target = ((size_t)(wire[p] & 63) << 8) | wire[p + 1];
			if (target == 0 || target >= max || pointers > LDNS_MAX_POINTERS)
				return false;
			p = target;
			label = wire[p];
		}
		if (label == 0)
			break;
		if (label > LDNS_MAX_LABELLEN || p + 1 + label > max || length + 1 + label > LDNS_MAX_DOMAINLEN)
			return false;
		out[length++] = label;
		memcpy(out + length, wire + p + 1, label);
		length += label;
		p += 1u + label;
		if (p >= max)
			return false; /* ldns then finds the label past the end */
		label = wire[p];
	}
	*pos = resume > 0 ? resume : p + 1;
	if (length >= LDNS_MAX_DOMAINLEN)
		return false;
	out[length++] = 0;
	*out_length = length;
	return true;
}

static bool grow_bytes(void *buffer, size_t *capacity, size_t need)
{
	if (need <= *capacity)
		return true;
	size_t c = *capacity ? *capacity : 1024;
	while (c < need)
		c *= 2;
	void *b = realloc(*(void **)buffer, c);
	if (b == NULL)
		return false;
	*(void **)buffer = b;
	*capacity = c;
	return true;
}

/* Decompressed RDATA: @p prefix octets as they are, then a name, ending at @p end; false otherwise. */
static bool quick_copy_names(al_dns_decoder *d, const uint8_t *wire, size_t max, size_t pos, size_t end,
			     size_t prefix, int names, size_t suffix, quick_rr *rr)
{
	if (pos + prefix > end || !grow_bytes(&d->rdata, &d->rdata_capacity,
					      d->rdata_length + prefix + (size_t)names * LDNS_MAX_DOMAINLEN + suffix))
		return false;
	size_t start = d->rdata_length;
	memcpy(d->rdata + d->rdata_length, wire + pos, prefix);
	d->rdata_length += prefix;
	pos += prefix;
	for (int i = 0; i < names; i++) {
		size_t n;
		if (pos >= end || !quick_name(wire, max, &pos, d->rdata + d->rdata_length, &n) || pos > end)
			return false;
		d->rdata_length += n;
	}
	if (pos + suffix != end)
		return false;
	memcpy(d->rdata + d->rdata_length, wire + pos, suffix);
	d->rdata_length += suffix;
	rr->copied = true;
	rr->rdata = start;
	rr->rdlength = d->rdata_length - start;
	return true;
}

/*
 * The message walked in place; false when it holds anything the quick
 * decoder leaves to ldns (it has then decided nothing).
 */
static bool quick_parse(al_dns_decoder *d, const uint8_t *wire, size_t max)
{
	al_dns_packet *k = &d->packet;
	if (max < 12)
		return false;
	size_t counts[4];
	for (int i = 0; i < 4; i++)
		counts[i] = ((size_t)wire[4 + 2 * i] << 8) | wire[5 + 2 * i];
	size_t total = counts[1] + counts[2] + counts[3];
	if (total > d->rr_capacity) {
		quick_rr *rrs = realloc(d->rrs, total * sizeof(*rrs));
		if (rrs == NULL)
			return false;
		d->rrs = rrs;
		d->rr_capacity = total;
	}
	d->names_length = d->rdata_length = 0;
	memset(k, 0, sizeof(*k));
	size_t pos = 12;
	uint8_t name[LDNS_MAX_DOMAINLEN];
	size_t name_length;
	for (size_t i = 0; i < counts[0]; i++) {
		if (!quick_name(wire, max, &pos, name, &name_length) || pos + 4 > max)
			return false;
		pos += 4;
	}
	size_t n = 0;
	bool opt = false;
	unsigned extended = 0;
	for (int section = 1; section < 4; section++) {
		for (size_t i = 0; i < counts[section]; i++) {
			if (!quick_name(wire, max, &pos, name, &name_length) || pos + 10 > max)
				return false;
			uint16_t type = (uint16_t)((wire[pos] << 8) | wire[pos + 1]);
			uint32_t ttl = ((uint32_t)wire[pos + 4] << 24) | ((uint32_t)wire[pos + 5] << 16) |
				       ((uint32_t)wire[pos + 6] << 8) | wire[pos + 7];
			size_t rdlength = ((size_t)wire[pos + 8] << 8) | wire[pos + 9];
			pos += 10;
			size_t end = pos + rdlength;
			if (end > max)
				return false;
			if (type == LDNS_RR_TYPE_OPT) {
				/* ldns takes it out of the additional section: the EDNS fields */
				if (section != 3 || opt)
					return false;
				opt = true;
				extended = ttl >> 24;
				pos = end;
				continue;
			}
			quick_rr *rr = &d->rrs[n];
			memset(rr, 0, sizeof(*rr));
			rr->type = type;
			rr->ttl = ttl;
			rr->rdata = pos;
			rr->rdlength = rdlength;
			bool ok;
			switch (type) {
			case LDNS_RR_TYPE_A:
				ok = rdlength == 4;
				break;
			case LDNS_RR_TYPE_AAAA:
				ok = rdlength == 16;
				break;
			case LDNS_RR_TYPE_TXT:
			case LDNS_RR_TYPE_SPF: {
				size_t at = pos;
				while (at < end)
					at += 1u + wire[at];
				ok = at == end;
				break;
			}
			case LDNS_RR_TYPE_CNAME:
			case LDNS_RR_TYPE_NS:
			case LDNS_RR_TYPE_PTR:
				ok = quick_copy_names(d, wire, max, pos, end, 0, 1, 0, rr);
				break;
			case LDNS_RR_TYPE_MX:
				ok = rdlength > 2 && quick_copy_names(d, wire, max, pos, end, 2, 1, 0, rr);
				break;
			case LDNS_RR_TYPE_SOA:
				ok = quick_copy_names(d, wire, max, pos, end, 0, 2, 20, rr);
				break;
			default:
				ok = false;
			}
			if (!ok)
				return false;
			/* the owner as text, as the ldns path makes it */
			if (!grow_bytes(&d->names, &d->names_capacity, d->names_length + AL_NAME_MAX))
				return false;
			char *text = d->names + d->names_length;
			if (!al_wire_name_to_text(name, name_length, 0, text, NULL))
				strcpy(text, "?");
			rr->owner = d->names_length;
			rr->owner_length = strlen(text);
			d->names_length += rr->owner_length + 1;
			pos = end;
			n++;
			k->counts[section - 1]++;
		}
	}
	k->data = wire;
	k->rcode = (wire[3] & 0x0fu) | (extended << 4);
	k->aa = (wire[2] & 0x04) != 0;
	k->tc = (wire[2] & 0x02) != 0;
	k->rd = (wire[2] & 0x01) != 0;
	k->ra = (wire[3] & 0x80) != 0;
	k->ad = (wire[3] & 0x20) != 0;
	k->cd = (wire[3] & 0x10) != 0;
	k->edns = opt;
	return true;
}

al_dns_packet *al_dns_packet_parse(al_dns_decoder *d, const uint8_t *data, size_t length, char *why,
				   size_t why_size)
{
	if (why != NULL && why_size > 0)
		why[0] = '\0';
	if (d->packet_in_use || !decode_cost_ok(data, length, why, why_size))
		return NULL;
	if (d->ldns_only || !quick_parse(d, data, length)) {
		memset(&d->packet, 0, sizeof(d->packet));
		ldns_pkt *pkt = NULL;
		if (ldns_wire2pkt(&pkt, data, length) != LDNS_STATUS_OK || pkt == NULL)
			return NULL;
		d->packet.ldns = pkt;
		d->packet.rcode = (unsigned)ldns_pkt_get_rcode(pkt) | ((unsigned)ldns_pkt_edns_extended_rcode(pkt) << 4);
		d->packet.aa = ldns_pkt_aa(pkt);
		d->packet.tc = ldns_pkt_tc(pkt);
		d->packet.rd = ldns_pkt_rd(pkt);
		d->packet.ra = ldns_pkt_ra(pkt);
		d->packet.ad = ldns_pkt_ad(pkt);
		d->packet.cd = ldns_pkt_cd(pkt);
		d->packet.edns = ldns_pkt_edns(pkt);
	}
	d->packet_in_use = true;
	return &d->packet;
}

void al_dns_decoder_ldns_only(al_dns_decoder *d, bool ldns_only)
{
	d->ldns_only = ldns_only;
}

bool al_dns_packet_quick(const al_dns_packet *pkt)
{
	return pkt->ldns == NULL;
}

void al_dns_packet_free(al_dns_decoder *d, al_dns_packet *pkt)
{
	if (pkt == NULL)
		return;
	if (pkt->ldns != NULL)
		ldns_pkt_free(pkt->ldns);
	pkt->ldns = NULL;
	d->packet_in_use = false;
}

unsigned al_dns_packet_rcode(const al_dns_packet *p)
{
	return p->rcode;
}

bool al_dns_packet_tc(const al_dns_packet *p)
{
	return p->tc;
}

bool al_dns_packet_edns(const al_dns_packet *p)
{
	return p->edns;
}

/* ---- ldns's packets ------------------------------------------------------------------ */

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

/* The quick decoder's records of one section into the reply. */
static size_t fill_quick(const al_dns_decoder *d, size_t first, size_t count, filler *f)
{
	for (size_t i = first; i < first + count; i++) {
		const quick_rr *q = &d->rrs[i];
		al_rr *out = f->rr++;
		memset(out, 0, sizeof(*out));
		memcpy(f->bytes, d->names + q->owner, q->owner_length + 1);
		out->owner = f->bytes;
		f->bytes += q->owner_length + 1;
		out->type = q->type;
		out->ttl = q->ttl;
		out->location.server = f->server;
		memcpy(f->bytes, (q->copied ? d->rdata : d->packet.data) + q->rdata, q->rdlength);
		out->rdata = (const uint8_t *)f->bytes;
		out->rdlength = (uint16_t)q->rdlength;
		f->bytes += q->rdlength;
	}
	return count;
}

al_dns_reply *al_dns_reply_build(al_dns_decoder *e, const al_dns_packet *packet, const char *server,
				 const char *qname, const char *detail)
{
	const ldns_pkt *pkt = packet != NULL ? packet->ldns : NULL;
	sizer z = {0, 0};
	if (pkt != NULL) {
		measure_list(e, ldns_pkt_answer(pkt), &z);
		measure_list(e, ldns_pkt_authority(pkt), &z);
		measure_list(e, ldns_pkt_additional(pkt), &z);
	} else if (packet != NULL) {
		z.rrs = packet->counts[0] + packet->counts[1] + packet->counts[2];
		for (size_t i = 0; i < z.rrs; i++)
			z.bytes += e->rrs[i].owner_length + 1 + e->rrs[i].rdlength;
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
	if (packet != NULL) {
		r->rcode = packet->rcode;
		r->aa = packet->aa;
		r->tc = packet->tc;
		r->rd = packet->rd;
		r->ra = packet->ra;
		r->ad = packet->ad;
		r->cd = packet->cd;
		r->edns = packet->edns;
		filler f = {rrs, bytes, r->server};
		if (pkt != NULL) {
			r->answer = f.rr;
			r->answer_count = fill_list(e, ldns_pkt_answer(pkt), &f);
			r->authority = f.rr;
			r->authority_count = fill_list(e, ldns_pkt_authority(pkt), &f);
			r->additional = f.rr;
			r->additional_count = fill_list(e, ldns_pkt_additional(pkt), &f);
		} else {
			const size_t *c = packet->counts;
			r->answer = f.rr;
			r->answer_count = fill_quick(e, 0, c[0], &f);
			r->authority = f.rr;
			r->authority_count = fill_quick(e, c[0], c[1], &f);
			r->additional = f.rr;
			r->additional_count = fill_quick(e, c[0] + c[1], c[2], &f);
		}
	}
	return r;
}
