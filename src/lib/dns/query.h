/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Asynchronous DNS queries to given servers: many questions in flight on one
 * event loop (epoll, no threads), UDP with EDNS0, TCP when an answer comes back
 * truncated, timeouts and retries with failover across a list of servers.
 *
 * Every response is validated before it is used: it must come from the
 * address and port the query went to, carry the query's id, be a response
 * (QR) to a standard query, and repeat the question (name, type, class).
 * Anything else is dropped and counted, and the query keeps waiting for the
 * real answer until its timeout. A reply then says precisely what happened:
 * an answer (with its rcode, flags and sections), or a timeout, a network
 * error, only malformed responses, only responses to another question or
 * with another id, or a truncated answer that could not be had over TCP.
 *
 * Used by the live source (src/lib/dns/live.c) and by propagation, which
 * asks each authoritative server directly with recursion off.
 *
 * Ownership: al_dns_query copies the request; the reply handed to the
 * callback belongs to the callback, which frees it with al_dns_reply_free.
 * Callbacks run inside al_dns_engine_poll and may start new queries.
 */
#ifndef AL_DNS_QUERY_H
#define AL_DNS_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <authlint/source.h>
#include <authlint/status.h>

#include "dns/reply.h"

/** A server address: IPv4 or IPv6 with a port. */
typedef struct al_dns_server {
	struct sockaddr_storage addr;
	socklen_t addr_length;
	char text[64]; /**< "192.0.2.53:53", "[2001:db8::53]:53" */
} al_dns_server;

/**
 * Parse "IP", "IP:PORT", "[IPv6]", "[IPv6]:PORT" or a bare IPv6 address
 * (no port). @p default_port applies when none is given (53 for DNS).
 * Names are not resolved: an address is required.
 */
al_status al_dns_server_parse(const char *text, uint16_t default_port, al_dns_server *out,
			      al_error *err);
/** True when both are the same address and port. */
bool al_dns_server_equal(const al_dns_server *a, const al_dns_server *b);
/* Address and port equality of two socket addresses (IPv4 or IPv6). */
bool al_dns_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* Fill s->text ("1.2.3.4:53", "[::1]:53") from s->addr. */
void al_dns_server_set_text(al_dns_server *s);
/**
 * Read the nameserver lines of a resolv.conf file (at most @p max). Returns
 * AL_EIO when the file cannot be read; *count may be 0 when it names none.
 */
al_status al_dns_read_resolv_conf(const char *path, al_dns_server *out, size_t max, size_t *count,
				  al_error *err);

/** One question. The strings and the server list are copied. */
typedef struct al_dns_request {
	const char *name;               /**< presentation form; "." for the root */
	uint16_t type;
	uint16_t qclass;                /**< 0: IN */
	const al_dns_server *servers;   /**< tried in turn (failover), wrapping */
	size_t server_count;
	unsigned first_server;          /**< index to start at (spreads load over resolvers) */
	bool recursion_desired;         /**< RD bit */
	bool no_edns;                   /**< leave out the OPT record */
	bool tcp_only;                  /**< ask over TCP from the start */
	bool failover_on_rcode;         /**< SERVFAIL, REFUSED, NOTIMP: try the next server too */
	unsigned tries;                 /**< sends in all, over all servers; 0: the engine's */
	double timeout;                 /**< seconds per try; 0: the engine's */
} al_dns_request;

/** Receives the reply (to free), or NULL when memory ran out building it. */
typedef void (*al_dns_callback)(void *userdata, al_dns_reply *reply);

typedef struct al_dns_engine al_dns_engine;

typedef struct al_dns_engine_options {
	double timeout;         /**< seconds per try (0: 2) */
	unsigned tries;         /**< sends per query (0: 3) */
	size_t max_in_flight;   /**< datagrams on the wire and not overdue; more wait in a queue (0: 200) */
	uint16_t udp_size;      /**< EDNS0 buffer size advertised (0: 1232) */
	size_t sockets;         /**< UDP sockets per address family (0: 4) */
} al_dns_engine_options;

typedef struct al_dns_engine_stats {
	size_t queries;          /**< queries started */
	size_t sent;             /**< datagrams sent and TCP connections made */
	size_t received;         /**< datagrams and TCP messages received */
	size_t retries;          /**< sends after the first of a query */
	size_t timeouts;         /**< tries that timed out */
	size_t tcp;              /**< TCP exchanges (fallback or tcp_only) */
	size_t dropped_wrong_source; /**< from an address or port no query went to */
	size_t dropped_wrong_id;     /**< with an id of no query in flight */
	size_t dropped_wrong_question;
	size_t dropped_malformed;
	size_t max_in_flight;    /**< largest number on the wire at once */
} al_dns_engine_stats;

al_status al_dns_engine_new(al_dns_engine **out, const al_dns_engine_options *options);
/** Free the engine; queries still in flight are dropped without a callback. NULL is safe. */
void al_dns_engine_free(al_dns_engine *engine);

/**
 * Start a query. The callback runs once, from al_dns_engine_poll, with the
 * reply. Fails only for an invalid request (bad name, no server: AL_EINVAL)
 * or AL_ENOMEM; then the callback never runs.
 */
al_status al_dns_query(al_dns_engine *engine, const al_dns_request *request, al_dns_callback callback,
		       void *userdata);
/**
 * Send what is queued, wait up to @p timeout_ms (-1: until the next deadline
 * or event) for responses, handle them and the timeouts, and run callbacks.
 * Returns the number of queries finished.
 */
size_t al_dns_engine_poll(al_dns_engine *engine, int timeout_ms);
/** Run until no query is left. */
void al_dns_engine_run(al_dns_engine *engine);
/** Queries started and not finished. */
size_t al_dns_engine_pending(const al_dns_engine *engine);
const al_dns_engine_stats *al_dns_engine_get_stats(const al_dns_engine *engine);

#endif
