/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What one query came back with (al_dns_reply), and the decoding of DNS
 * messages into it for the query engine (dns/reply.c): the one place that
 * knows ldns. Internal.
 */
#ifndef AL_DNS_REPLY_H
#define AL_DNS_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/source.h>

/** How a query ended. */
typedef enum al_dns_outcome {
	AL_DNS_ANSWERED = 0, /**< a valid response: see rcode and sections */
	AL_DNS_TIMEOUT,      /**< no response at all in every try */
	AL_DNS_NETWORK,      /**< the query could not be sent (unreachable, refused TCP, ...) */
	AL_DNS_MALFORMED,    /**< responses came with the right id but could not be parsed */
	AL_DNS_MISMATCH,     /**< responses came, but with another id or for another question */
	AL_DNS_TRUNCATED,    /**< truncated over UDP, and the answer could not be had over TCP */
} al_dns_outcome;

/** "answered", "timeout", "network error", "malformed", "mismatch", "truncated". */
const char *al_dns_outcome_name(al_dns_outcome outcome);

/* DNS RCODEs (RFC 1035, 6895) as numbers */
enum {
	AL_DNS_RCODE_NOERROR = 0,
	AL_DNS_RCODE_FORMERR = 1,
	AL_DNS_RCODE_SERVFAIL = 2,
	AL_DNS_RCODE_NXDOMAIN = 3,
	AL_DNS_RCODE_NOTIMP = 4,
	AL_DNS_RCODE_REFUSED = 5,
};

/** "NOERROR", "SERVFAIL", ..., or "RCODE<n>" written into @p buf. */
const char *al_dns_rcode_text(unsigned rcode, char buf[16]);

/** What one query came back with. */
typedef struct al_dns_reply {
	al_dns_outcome outcome;
	const char *qname;          /**< the question, presentation form */
	uint16_t qtype;
	unsigned rcode;             /**< with EDNS extended bits; valid when ANSWERED */
	bool aa, tc, rd, ra, ad, cd;/**< header flags of the response used */
	bool edns;                  /**< the response carried an OPT record */
	bool tcp;                   /**< the answer came over TCP */
	bool truncated_udp;         /**< a UDP response had TC set (the answer is then TCP's) */
	size_t answer_count;
	const al_rr *answer;        /**< answer section, in order; owners normalised */
	size_t authority_count;
	const al_rr *authority;     /**< authority section (SOA for negative answers) */
	size_t additional_count;
	const al_rr *additional;    /**< additional section without the OPT record */
	const char *server;         /**< the server that answered, or the last one asked */
	unsigned server_index;      /**< its index in the request's list */
	unsigned tries;             /**< datagrams and connections sent */
	double elapsed;             /**< seconds from the first send to the end */
	size_t message_size;        /**< octets of the response used */
	unsigned wrong_id;          /**< responses from the server with an id of no query */
	unsigned wrong_question;    /**< responses with the right id for another question */
	unsigned malformed;         /**< responses with the right id that did not parse */
	const char *detail;         /**< why it failed, readable; NULL when ANSWERED */
} al_dns_reply;

void al_dns_reply_free(al_dns_reply *reply);

/* Scratch state reused across replies (one per engine). */
typedef struct al_dns_decoder al_dns_decoder;
/* NULL when out of memory. */
al_dns_decoder *al_dns_decoder_new(void);
void al_dns_decoder_free(al_dns_decoder *d);

/*
 * A parsed DNS message, held by @p d until al_dns_packet_free (one at a time
 * per decoder; it may point into @p data, which must stay until then). NULL
 * when @p data is not a well-formed message, or when it would cost more than
 * AL_DNS_MAX_DECODE bytes to decode: then @p why (at least 160 bytes; may be
 * NULL) says so, and is "" otherwise.
 */
typedef struct al_dns_packet al_dns_packet;
al_dns_packet *al_dns_packet_parse(al_dns_decoder *d, const uint8_t *data, size_t length, char *why,
				   size_t why_size);

/*
 * ldns gives every character-string of a TXT record a copy of the whole RDATA
 * (measured: 10,000 strings in 50 KB took 400 MB): a message whose TXT
 * records would need more than this is not decoded.
 */
#define AL_DNS_MAX_DECODE (32u << 20)
void al_dns_packet_free(al_dns_decoder *d, al_dns_packet *pkt);
/* For tests: every message to ldns (true), or the quick decoder first (false, the default). */
void al_dns_decoder_ldns_only(al_dns_decoder *d, bool ldns_only);
/* Whether the quick decoder took the message (false: ldns did). For tests. */
bool al_dns_packet_quick(const al_dns_packet *pkt);
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
