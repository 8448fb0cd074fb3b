/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reply decoding for the query engine (dns/reply.c): the one place that
 * knows ldns. Internal.
 */
#ifndef AL_DNS_REPLY_H
#define AL_DNS_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/query.h"

/* Scratch state reused across replies (one per engine). */
typedef struct al_dns_decoder al_dns_decoder;
/* NULL when out of memory. */
al_dns_decoder *al_dns_decoder_new(void);
void al_dns_decoder_free(al_dns_decoder *d);

/*
 * A parsed DNS message. NULL when @p data is not a well-formed message, or
 * when it would cost more than AL_DNS_MAX_DECODE bytes to decode: then @p why
 * (at least 160 bytes; may be NULL) says so, and is "" otherwise.
 */
typedef struct al_dns_packet al_dns_packet;
al_dns_packet *al_dns_packet_parse(const uint8_t *data, size_t length, char *why, size_t why_size);

/*
 * ldns gives every character-string of a TXT record a copy of the whole RDATA
 * (measured: 10,000 strings in 50 KB took 400 MB): a message whose TXT
 * records would need more than this is not decoded.
 */
#define AL_DNS_MAX_DECODE (32u << 20)
void al_dns_packet_free(al_dns_packet *pkt);
/* RCODE with the EDNS extended bits. */
unsigned al_dns_packet_rcode(const al_dns_packet *pkt);
bool al_dns_packet_tc(const al_dns_packet *pkt);
bool al_dns_packet_edns(const al_dns_packet *pkt);

/*
 * One allocation holding the reply, @p server, @p qname, @p detail (may be
 * NULL) and, when @p pkt is not NULL, its header bits and three sections
 * (OPT left out). The caller fills the query's own fields. Free with
 * al_dns_reply_free. NULL when out of memory.
 */
al_dns_reply *al_dns_reply_build(al_dns_decoder *d, const al_dns_packet *pkt, const char *server,
				 const char *qname, const char *detail);

#endif
