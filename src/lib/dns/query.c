/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The query engine: one epoll loop, a few shared UDP sockets per address
 * family, a query id table per socket, a deadline heap, TCP connections for
 * truncated answers. Responses are decoded (dns/reply.c) after the cheap checks
 * (source, id, header, question) have passed.
 *
 * A query keeps its socket and id over all its tries, so a late answer to an
 * earlier try is still taken, from any server the query was sent to.
 */
#include "dns/query.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "dns/query_internal.h"
#include "dns/reply.h"
#include "dns/wire.h"
#include "util/clock.h"
#include "util/grow.h"

/* ---- small things --------------------------------------------------------- */

/* ---- the heap of deadlines --------------------------------------------------- */

static void heap_swap(al_dns_engine *e, size_t a, size_t b)
{
	query *t = e->heap[a];
	e->heap[a] = e->heap[b];
	e->heap[b] = t;
	e->heap[a]->heap_index = a;
	e->heap[b]->heap_index = b;
}

static void heap_up(al_dns_engine *e, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (e->heap[p]->deadline <= e->heap[i]->deadline)
			break;
		heap_swap(e, p, i);
		i = p;
	}
}

static void heap_down(al_dns_engine *e, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < e->heap_count && e->heap[l]->deadline < e->heap[m]->deadline)
			m = l;
		if (r < e->heap_count && e->heap[r]->deadline < e->heap[m]->deadline)
			m = r;
		if (m == i)
			break;
		heap_swap(e, i, m);
		i = m;
	}
}

static bool heap_push(al_dns_engine *e, query *q)
{
	if (!AL_GROW_ONE(e->heap, e->heap_count, e->heap_capacity))
		return false;
	q->heap_index = e->heap_count;
	e->heap[e->heap_count++] = q;
	heap_up(e, q->heap_index);
	return true;
}

void al_dnsq_heap_remove(al_dns_engine *e, query *q)
{
	size_t i = q->heap_index;
	if (i == SIZE_MAX || i >= e->heap_count)
		return;
	q->heap_index = SIZE_MAX;
	e->heap_count--;
	if (i == e->heap_count)
		return;
	e->heap[i] = e->heap[e->heap_count];
	e->heap[i]->heap_index = i;
	heap_down(e, i);
	heap_up(e, i);
}

void al_dnsq_set_deadline(al_dns_engine *e, query *q, double deadline)
{
	al_dnsq_heap_remove(e, q);
	q->deadline = deadline;
	heap_push(e, q);
}

/* ---- engine ------------------------------------------------------------------ */

al_status al_dns_engine_new(al_dns_engine **out, const al_dns_engine_options *options)
{
	*out = NULL;
	al_dns_engine *e = calloc(1, sizeof(*e));
	if (e == NULL)
		return AL_ENOMEM;
	if (options != NULL)
		e->options = *options;
	if (!(e->options.timeout > 0))
		e->options.timeout = 2.0;
	if (e->options.tries == 0)
		e->options.tries = 3;
	if (e->options.max_in_flight == 0)
		e->options.max_in_flight = 200;
	if (e->options.udp_size == 0)
		e->options.udp_size = 1232;
	if (e->options.udp_size < 512)
		e->options.udp_size = 512;
	if (e->options.sockets == 0)
		e->options.sockets = 4;
	if (e->options.sockets > 16)
		e->options.sockets = 16;
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	e->decoder = al_dns_decoder_new();
	e->rbufs = malloc((size_t)RECV_BATCH * RECV_BUFFER);
	if (e->epfd < 0 || e->decoder == NULL || e->rbufs == NULL) {
		if (e->epfd >= 0)
			close(e->epfd);
		bool no_epoll = e->epfd < 0;
		al_dns_decoder_free(e->decoder);
		free(e->rbufs);
		free(e);
		return no_epoll ? AL_ENETWORK : AL_ENOMEM;
	}
	for (int f = 0; f < FAM_COUNT; f++)
		for (size_t i = 0; i < 16; i++)
			e->socks[f][i].fd = -1;
	*out = e;
	return AL_OK;
}

void al_dnsq_query_free(query *q)
{
	if (q == NULL)
		return;
	if (q->tcp_fd >= 0)
		close(q->tcp_fd);
	free(q->tcp_buf);
	free(q->last_rcode_reply);
	free(q->reply);
	free(q);
}

void al_dns_engine_free(al_dns_engine *e)
{
	if (e == NULL)
		return;
	for (query *q = e->live_head, *n; q != NULL; q = n) {
		n = q->next_live;
		al_dnsq_query_free(q);
	}
	for (query *q = e->queue_head, *n; q != NULL; q = n) {
		n = q->next;
		al_dnsq_query_free(q);
	}
	for (query *q = e->done_head, *n; q != NULL; q = n) {
		n = q->next;
		al_dnsq_query_free(q);
	}
	for (int f = 0; f < FAM_COUNT; f++) {
		for (size_t i = 0; i < 16; i++) {
			if (e->socks[f][i].fd >= 0)
				close(e->socks[f][i].fd);
			free(e->socks[f][i].ids);
			free(e->socks[f][i].out);
		}
	}
	close(e->epfd);
	al_dns_decoder_free(e->decoder);
	free(e->rbufs);
	free(e->heap);
	free(e);
}

size_t al_dns_engine_pending(const al_dns_engine *e)
{
	return e->pending;
}

const al_dns_engine_stats *al_dns_engine_get_stats(const al_dns_engine *e)
{
	return &e->stats;
}

static usock *get_socket(al_dns_engine *e, int family)
{
	int f = family == AF_INET ? FAM_V4 : FAM_V6;
	size_t i = e->next_sock++ % e->options.sockets;
	usock *s = &e->socks[f][i];
	if (s->fd >= 0)
		return s;
	if (s->ids == NULL) {
		s->ids = calloc(ID_TABLE_MIN, sizeof(*s->ids));
		if (s->ids == NULL)
			return NULL;
		s->id_capacity = ID_TABLE_MIN;
	}
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	int size = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	s->fd = fd;
	s->family = family;
	s->item.kind = 0;
	s->item.ptr = s;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &s->item};
	if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		close(fd);
		s->fd = -1;
		return NULL;
	}
	return s;
}

static uint16_t random_id(al_dns_engine *e)
{
	if (e->idpool_left == 0) {
		arc4random_buf(e->idpool, sizeof(e->idpool));
		e->idpool_left = sizeof(e->idpool) / sizeof(e->idpool[0]);
	}
	return e->idpool[--e->idpool_left];
}

/* ---- the id tables ------------------------------------------------------------ */

/* The ids are random: their low bits spread as well as any hash would. */
static size_t id_home(const usock *s, uint16_t id)
{
	return id & (s->id_capacity - 1);
}

query *al_dnsq_id_find(const usock *s, uint16_t id)
{
	if (s->ids == NULL)
		return NULL;
	size_t mask = s->id_capacity - 1;
	for (size_t i = id_home(s, id), n = 0; n < s->id_capacity; i = (i + 1) & mask, n++) {
		if (s->ids[i].q == NULL)
			return NULL;
		if (s->ids[i].id == id)
			return s->ids[i].q;
	}
	return NULL;
}

static void id_place(usock *s, uint16_t id, query *q)
{
	size_t mask = s->id_capacity - 1;
	size_t i = id_home(s, id);
	while (s->ids[i].q != NULL)
		i = (i + 1) & mask;
	s->ids[i].q = q;
	s->ids[i].id = id;
}

/* Room for one more id (the table at most half full); false when out of memory. */
static bool id_reserve(usock *s)
{
	if ((s->in_use + 1) * 2 <= s->id_capacity)
		return true;
	size_t capacity = s->id_capacity * 2;
	id_slot *old = s->ids;
	size_t old_capacity = s->id_capacity;
	id_slot *slots = calloc(capacity, sizeof(*slots));
	if (slots == NULL)
		return false;
	s->ids = slots;
	s->id_capacity = capacity;
	for (size_t i = 0; i < old_capacity; i++)
		if (old[i].q != NULL)
			id_place(s, old[i].id, old[i].q);
	free(old);
	return true;
}

/* Take @p id out of the table; the entries after it move back so that probes still find them. */
static void id_remove(usock *s, uint16_t id)
{
	size_t mask = s->id_capacity - 1;
	size_t i = id_home(s, id);
	for (size_t n = 0; s->ids[i].q != NULL && s->ids[i].id != id; i = (i + 1) & mask)
		if (++n >= s->id_capacity)
			return;
	if (s->ids[i].q == NULL)
		return;
	for (size_t j = (i + 1) & mask; s->ids[j].q != NULL; j = (j + 1) & mask) {
		size_t k = id_home(s, s->ids[j].id);
		/* the entry at j may move to i when its home is not in (i, j] (cyclically) */
		bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
		if (!stays) {
			s->ids[i] = s->ids[j];
			i = j;
		}
	}
	s->ids[i].q = NULL;
	s->in_use--;
}

/* Take a socket and an id for the query (kept for all its UDP tries). */
bool al_dnsq_bind_id(al_dns_engine *e, query *q, int family)
{
	if (q->sock != NULL && q->sock->family == family)
		return true;
	if (q->sock != NULL) {
		id_remove(q->sock, q->id);
		q->sock = NULL;
	}
	usock *s = get_socket(e, family);
	if (s == NULL)
		return false;
	if (s->in_use >= ID_SPACE / 2 || !id_reserve(s))
		return false;
	uint16_t id;
	do
		id = random_id(e);
	while (al_dnsq_id_find(s, id) != NULL);
	id_place(s, id, q);
	s->in_use++;
	q->sock = s;
	q->id = id;
	q->wire[0] = (uint8_t)(id >> 8);
	q->wire[1] = (uint8_t)id;
	return true;
}

void al_dnsq_unbind_id(query *q)
{
	if (q->sock != NULL) {
		id_remove(q->sock, q->id);
		q->sock = NULL;
	}
}

/* The query in wire form: header, question, and an OPT record unless no_edns. */
static void build_wire(al_dns_engine *e, query *q, const uint8_t *qname, size_t qlen)
{
	uint8_t *w = q->wire;
	memset(w, 0, 12);
	w[2] = q->rd ? 0x01 : 0x00; /* QR=0 OPCODE=0 AA=0 TC=0 RD */
	w[5] = 1;                   /* QDCOUNT */
	memcpy(w + 12, qname, qlen);
	size_t p = 12 + qlen;
	w[p++] = (uint8_t)(q->type >> 8);
	w[p++] = (uint8_t)q->type;
	w[p++] = (uint8_t)(q->qclass >> 8);
	w[p++] = (uint8_t)q->qclass;
	q->qname_length = qlen;
	if (q->edns) {
		w[11] = 1; /* ARCOUNT */
		w[p++] = 0;                             /* root owner */
		w[p++] = 0;
		w[p++] = 41;                            /* OPT */
		w[p++] = (uint8_t)(e->options.udp_size >> 8);
		w[p++] = (uint8_t)e->options.udp_size;
		w[p++] = 0; w[p++] = 0; w[p++] = 0; w[p++] = 0; /* ext rcode, version, flags */
		w[p++] = 0; w[p++] = 0;                 /* RDLENGTH */
	}
	q->wire_length = p;
}

void al_dnsq_drop_edns(query *q)
{
	q->edns = false;
	q->wire[11] = 0;
	q->wire_length = 12 + q->qname_length + 4;
}

void al_dnsq_live_add(al_dns_engine *e, query *q)
{
	q->prev_live = NULL;
	q->next_live = e->live_head;
	if (e->live_head != NULL)
		e->live_head->prev_live = q;
	e->live_head = q;
	e->in_flight++;
	if (e->in_flight > e->stats.max_in_flight)
		e->stats.max_in_flight = e->in_flight;
}

static void live_remove(al_dns_engine *e, query *q)
{
	if (q->prev_live != NULL)
		q->prev_live->next_live = q->next_live;
	else if (e->live_head == q)
		e->live_head = q->next_live;
	if (q->next_live != NULL)
		q->next_live->prev_live = q->prev_live;
	q->prev_live = q->next_live = NULL;
	e->in_flight--;
}

/* ---- replies ---------------------------------------------------------------- */

/* A reply without sections (failures), or with the sections of @p pkt. */
al_dns_reply *al_dnsq_make_reply(al_dns_engine *e, query *q, al_dns_outcome outcome, const al_dns_packet *pkt,
				size_t message_size, const char *detail)
{
	al_dns_reply *r = al_dns_reply_build(e->decoder, pkt, q->servers[q->server_index].text, q->name, detail);
	if (r == NULL)
		return NULL;
	r->outcome = outcome;
	r->qtype = q->type;
	r->server_index = q->server_index;
	r->tries = q->tries;
	r->elapsed = al_clock_now() - q->started;
	r->wrong_id = q->wrong_id;
	r->wrong_question = q->wrong_question;
	r->malformed = q->malformed;
	r->truncated_udp = q->truncated_udp;
	r->message_size = message_size;
	return r;
}

void al_dnsq_set_fresh(al_dns_engine *e, query *q, bool fresh)
{
	if (q->fresh == fresh)
		return;
	q->fresh = fresh;
	if (fresh)
		e->fresh++;
	else
		e->fresh--;
}

/* ---- finishing ----------------------------------------------------------------- */

void al_dnsq_tcp_close(al_dns_engine *e, query *q)
{
	if (q->tcp_fd >= 0) {
		epoll_ctl(e->epfd, EPOLL_CTL_DEL, q->tcp_fd, NULL);
		close(q->tcp_fd);
		q->tcp_fd = -1;
	}
	free(q->tcp_buf);
	q->tcp_buf = NULL;
	q->tcp_have = q->tcp_need = q->tcp_sent = 0;
	q->tcp_connected = false;
}

void al_dnsq_finish(al_dns_engine *e, query *q, al_dns_reply *r)
{
	al_dnsq_set_fresh(e, q, false);
	al_dnsq_heap_remove(e, q);
	al_dnsq_tcp_close(e, q);
	al_dnsq_unbind_id(q);
	if (q->state != Q_QUEUED)
		live_remove(e, q);
	q->state = Q_DONE;
	q->reply = r;
	q->next = NULL;
	if (e->done_tail != NULL)
		e->done_tail->next = q;
	else
		e->done_head = q;
	e->done_tail = q;
}

/* The query ran out of tries: say why, as precisely as what was seen allows. */
void al_dnsq_finish_failed(al_dns_engine *e, query *q)
{
	if (q->last_rcode_reply != NULL) {
		al_dns_reply *r = q->last_rcode_reply;
		q->last_rcode_reply = NULL;
		r->tries = q->tries;
		r->elapsed = al_clock_now() - q->started;
		al_dnsq_finish(e, q, r);
		return;
	}
	char detail[512];
	al_dns_outcome outcome;
	const char *server = q->servers[q->server_index].text;
	const char *where = q->server_count > 1 ? "the servers" : server;
	if (q->undecoded > 0) {
		outcome = AL_DNS_MALFORMED;
		snprintf(detail, sizeof(detail), "answer from %s not decoded: %s", server, q->undecoded_why);
	} else if (q->malformed > 0) {
		outcome = AL_DNS_MALFORMED;
		snprintf(detail, sizeof(detail), "malformed response from %s (%u dropped)", server, q->malformed);
	} else if (q->wrong_question > 0 || q->wrong_id > 0) {
		outcome = AL_DNS_MISMATCH;
		snprintf(detail, sizeof(detail),
			 "responses from %s did not match the query (%u with a wrong id, %u for another "
			 "question), no valid answer after %u tries",
			 server, q->wrong_id, q->wrong_question, q->tries);
	} else if (q->tcp_from_tc) {
		outcome = AL_DNS_TRUNCATED;
		snprintf(detail, sizeof(detail), "answer truncated over UDP and not had over TCP from %s: %s",
			 server, q->last_error[0] ? q->last_error : "timed out");
	} else if (q->last_error[0] != '\0') {
		outcome = AL_DNS_NETWORK;
		snprintf(detail, sizeof(detail), "%s", q->last_error);
	} else {
		outcome = AL_DNS_TIMEOUT;
		snprintf(detail, sizeof(detail), "no answer from %s after %u tries of %gs", where, q->tries,
			 q->timeout);
	}
	al_dns_reply *r = al_dnsq_make_reply(e, q, outcome, NULL, 0, detail);
	al_dnsq_finish(e, q, r);
}

al_status al_dns_query(al_dns_engine *e, const al_dns_request *req, al_dns_callback cb, void *userdata)
{
	if (e == NULL || req == NULL || req->name == NULL || req->server_count == 0 || req->servers == NULL ||
	    cb == NULL)
		return AL_EINVAL;
	uint8_t qname[255];
	size_t qlen = al_name_to_wire(req->name, strlen(req->name), qname, NULL);
	if (qlen == 0 || strlen(req->name) >= AL_NAME_MAX)
		return AL_EINVAL;
	size_t server_count = req->server_count < MAX_SERVERS ? req->server_count : MAX_SERVERS;
	size_t name_length = strlen(req->name) + 1;
	query *q = calloc(1, sizeof(*q) + server_count * sizeof(al_dns_server) + name_length);
	if (q == NULL)
		return AL_ENOMEM;
	q->engine = e;
	q->servers = (al_dns_server *)(q + 1);
	q->name = (char *)(q->servers + server_count);
	memcpy(q->name, req->name, name_length);
	q->type = req->type;
	q->qclass = req->qclass ? req->qclass : 1;
	q->server_count = server_count;
	memcpy(q->servers, req->servers, q->server_count * sizeof(*q->servers));
	for (size_t i = 0; i < q->server_count; i++)
		if (q->servers[i].text[0] == '\0')
			al_dns_server_set_text(&q->servers[i]);
	q->server_index = (unsigned)(req->first_server % q->server_count);
	q->rd = req->recursion_desired;
	q->edns = !req->no_edns;
	q->tcp_only = req->tcp_only;
	q->failover = req->failover_on_rcode;
	q->max_tries = req->tries ? req->tries : e->options.tries;
	q->timeout = req->timeout > 0 ? req->timeout : e->options.timeout;
	q->tcp_fd = -1;
	q->heap_index = SIZE_MAX;
	q->callback = cb;
	q->userdata = userdata;
	build_wire(e, q, qname, qlen);
	e->stats.queries++;
	e->pending++;
	if (e->queue_tail != NULL)
		e->queue_tail->next = q;
	else
		e->queue_head = q;
	e->queue_tail = q;
	al_dnsq_dispatch(e);
	return AL_OK;
}

