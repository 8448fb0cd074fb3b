/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The query engine's state, shared by query.c (engine, sending) and
 * query_recv.c (receiving, TCP, timeouts, delivery). Private to dns/. */
#ifndef AL_DNS_QUERY_INTERNAL_H
#define AL_DNS_QUERY_INTERNAL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "dns/query.h"
#include "dns/reply.h"

#define ID_SPACE 65536
#define RECV_BATCH 32
#define RECV_BUFFER 4096
#define TCP_MAX 65535
#define MAX_SERVERS 64
#define QUERY_WIRE_MAX (12 + 255 + 4 + 11)

enum { FAM_V4 = 0, FAM_V6 = 1, FAM_COUNT = 2 };

typedef enum qstate {
	Q_QUEUED = 0, /* waiting for room on the wire */
	Q_UDP,        /* datagram sent, waiting */
	Q_TCP,        /* TCP exchange in progress */
	Q_DONE,
} qstate;

/* What epoll hands back: a UDP socket or a query's TCP connection. */
typedef struct poll_item {
	int kind; /* 0 UDP socket, 1 TCP */
	void *ptr;
} poll_item;

/* A datagram waiting to go out with the others of its socket (one sendmmsg). */
typedef struct out_dgram {
	uint8_t wire[QUERY_WIRE_MAX];
	size_t length;
	struct sockaddr_storage addr;
	socklen_t addr_length;
} out_dgram;

#define SEND_BATCH 64

/* A query's id on its socket: a slot of the socket's id table. */
typedef struct id_slot {
	struct query *q; /* NULL: free */
	uint16_t id;
} id_slot;

#define ID_TABLE_MIN 256

typedef struct usock {
	poll_item item;
	int fd;
	int family;
	/* the ids in use, open addressing (linear probing, backward-shift
	 * removal), at most half full: a few KiB where an array of every id
	 * took 512 KiB per socket, touched at random, a page fault a page */
	id_slot *ids;
	size_t id_capacity; /* a power of two, ID_TABLE_MIN or more */
	size_t in_use;
	out_dgram *out;     /* SEND_BATCH entries, allocated on first use */
	size_t out_count;
} usock;

typedef struct query {
	al_dns_engine *engine;
	char *name;               /* in the allocation, after the struct */
	uint16_t type, qclass;
	al_dns_server *servers;   /* likewise */
	size_t server_count;
	unsigned server_index;
	uint64_t tried_mask;  /* servers a datagram went to (first 64) */
	bool rd, edns, tcp_only, failover;
	unsigned max_tries, tries;
	double timeout;
	uint8_t wire[QUERY_WIRE_MAX];
	size_t wire_length;
	size_t qname_length;  /* wire length of the name at offset 12 */
	uint16_t id;
	usock *sock;          /* while registered in a socket's id table */
	qstate state;
	double started, deadline;
	double sent_at;       /* the last datagram */
	double final_deadline;/* when the last try gives up: started + tries x timeout */
	bool fresh;           /* counted in the window: its last datagram is not overdue */
	size_t heap_index;    /* SIZE_MAX when not in the heap */
	/* TCP */
	poll_item tcp_item;
	int tcp_fd;
	bool tcp_connected, tcp_from_tc;
	uint8_t *tcp_buf;
	size_t tcp_have, tcp_need, tcp_sent;
	/* what was seen */
	unsigned wrong_id, wrong_question, malformed;
	unsigned undecoded;  /* answers too costly to decode, undecoded_why says why */
	bool truncated_udp;
	al_dns_reply *last_rcode_reply; /* kept when failing over on SERVFAIL etc. */
	char last_error[160];
	char undecoded_why[160];
	al_dns_callback callback;
	void *userdata;
	al_dns_reply *reply;  /* when done, to deliver */
	struct query *next;   /* queue or done list */
	struct query *prev_live, *next_live; /* in-flight list */
} query;

/* Round-trip times per server (RFC 6298 estimator), for early retransmission. */
typedef struct server_rtt {
	struct sockaddr_storage addr;
	double srtt, rttvar;
} server_rtt;

#define MAX_RTT_SERVERS 256
#define INITIAL_RTO 0.4
#define MIN_RTO 0.1

struct al_dns_engine {
	al_dns_engine_options options;
	server_rtt rtts[MAX_RTT_SERVERS];
	size_t rtt_count;
	size_t fresh;     /* datagrams sent and not yet overdue: the window */
	int epfd;
	usock socks[FAM_COUNT][16];
	size_t sock_count;
	size_t next_sock;
	query **heap;
	size_t heap_count, heap_capacity;
	query *queue_head, *queue_tail;
	query *done_head, *done_tail;
	query *live_head;
	size_t in_flight, pending;
	al_dns_engine_stats stats;
	al_dns_decoder *decoder;
	uint16_t idpool[256];
	size_t idpool_left;
	uint8_t (*rbufs)[RECV_BUFFER];
	struct mmsghdr out_msgs[SEND_BATCH];
	struct iovec out_iovs[SEND_BATCH];
	struct mmsghdr msgs[RECV_BATCH];
	struct iovec iovs[RECV_BATCH];
	struct sockaddr_storage froms[RECV_BATCH];
};


void al_dnsq_dispatch(al_dns_engine *e);
void al_dnsq_drop_edns(query *q);
void al_dnsq_finish(al_dns_engine *e, query *q, al_dns_reply *r);
/* A query that ran out of tries: finished as failed (timeout, or the last error). */
void al_dnsq_finish_failed(al_dns_engine *e, query *q);
/* Give the query an id on a shared socket of @p family; false when none is free. */
bool al_dnsq_bind_id(al_dns_engine *e, query *q, int family);
/* Give the id back to its socket. */
void al_dnsq_unbind_id(query *q);
/* The query holding @p id on socket @p s, or NULL. */
query *al_dnsq_id_find(const usock *s, uint16_t id);
/* The query is in flight (counted, on the live list). */
void al_dnsq_live_add(al_dns_engine *e, query *q);
void al_dnsq_flush_all(al_dns_engine *e);
void al_dnsq_heap_remove(al_dns_engine *e, query *q);
al_dns_reply *al_dnsq_make_reply(al_dns_engine *e, query *q, al_dns_outcome outcome, const al_dns_packet *pkt,
				size_t message_size, const char *detail);
void al_dnsq_query_free(query *q);
void al_dnsq_rtt_sample(al_dns_engine *e, const struct sockaddr_storage *addr, double rtt);
void al_dnsq_send_try(al_dns_engine *e, query *q);
void al_dnsq_set_deadline(al_dns_engine *e, query *q, double deadline);
void al_dnsq_set_fresh(al_dns_engine *e, query *q, bool fresh);
void al_dnsq_tcp_close(al_dns_engine *e, query *q);
void al_dnsq_try_next(al_dns_engine *e, query *q);

#endif
