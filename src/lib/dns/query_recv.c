/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The query engine, receiving: UDP datagrams matched to their query (source,
 * id, question), TCP for truncated answers, timeouts and the next try, and
 * delivery of the finished replies from the event loop.
 */
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

/* ---- receiving -------------------------------------------------------------------- */

/* Does the question of the response at @p data repeat ours? -1 malformed, 0 no, 1 yes. */
static int same_question(const query *q, const uint8_t *data, size_t length)
{
	size_t qd = ((size_t)data[4] << 8) | data[5];
	if (qd != 1)
		return qd == 0 ? 0 : -1;
	size_t i = 12;
	/* the question name is uncompressed in practice; a pointer here is not our name */
	while (i < length && data[i] != 0) {
		if (data[i] > 63)
			return (data[i] & 0xc0) == 0xc0 ? 0 : -1;
		i += 1u + data[i];
	}
	if (i >= length)
		return -1;
	i++;
	if (i + 4 > length)
		return -1;
	size_t nl = i - 12;
	if (nl != q->qname_length)
		return 0;
	const uint8_t *ours = q->wire + 12;
	for (size_t k = 0; k < nl; k++) {
		uint8_t a = data[12 + k], b = ours[k];
		if (a >= 'A' && a <= 'Z')
			a = (uint8_t)(a + 32);
		if (b >= 'A' && b <= 'Z')
			b = (uint8_t)(b + 32);
		if (a != b)
			return 0;
	}
	return memcmp(data + i, q->wire + 12 + nl, 4) == 0 ? 1 : 0;
}

static bool from_tried_server(const query *q, const struct sockaddr_storage *from)
{
	for (size_t i = 0; i < q->server_count; i++) {
		if (i < 64 && !(q->tried_mask & ((uint64_t)1 << i)) && i != q->server_index)
			continue;
		if (al_dns_sockaddr_equal(&q->servers[i].addr, from))
			return true;
	}
	return false;
}

/* A response with an id no query has: count it against a query of the same
 * question from the same server, when there are few enough to look. */
static void attribute_wrong_id(al_dns_engine *e, usock *s, const uint8_t *data, size_t length,
			       const struct sockaddr_storage *from)
{
	e->stats.dropped_wrong_id++;
	if (e->in_flight > 64 || length < 12)
		return;
	for (query *q = e->live_head; q != NULL; q = q->next_live)
		if (q->sock == s && from_tried_server(q, from) && same_question(q, data, length) == 1)
			q->wrong_id++;
}

/* A response that passed the checks of id, source and question: use it. */
static void take_response(al_dns_engine *e, query *q, const uint8_t *data, size_t length, bool over_tcp)
{
	char why[160];
	al_dns_packet *pkt = al_dns_packet_parse(e->decoder, data, length, why, sizeof(why));
	if (pkt == NULL) {
		if (why[0] != '\0') {
			q->undecoded++;
			snprintf(q->undecoded_why, sizeof(q->undecoded_why), "%s", why);
		} else {
			q->malformed++;
		}
		e->stats.dropped_malformed++;
		if (over_tcp) /* a TCP stream gives one answer: this try failed */
			al_dnsq_try_next(e, q);
		return;
	}
	unsigned rcode = al_dns_packet_rcode(pkt);
	if (!over_tcp && al_dns_packet_tc(pkt)) {
		al_dns_packet_free(e->decoder, pkt);
		q->truncated_udp = true;
		q->tcp_from_tc = true;
		al_dnsq_heap_remove(e, q);
		q->tries--; /* the TCP exchange continues the same try */
		e->stats.sent--;
		al_dnsq_send_try(e, q);
		return;
	}
	if (q->edns && (rcode == AL_DNS_RCODE_FORMERR || rcode == AL_DNS_RCODE_NOTIMP) && !al_dns_packet_edns(pkt) &&
	    q->tries < q->max_tries) {
		/* an old server that does not know EDNS: ask again without it */
		al_dns_packet_free(e->decoder, pkt);
		al_dnsq_drop_edns(q);
		al_dnsq_heap_remove(e, q);
		al_dnsq_tcp_close(e, q);
		al_dnsq_send_try(e, q);
		return;
	}
	if (q->failover && q->server_count > 1 &&
	    (rcode == AL_DNS_RCODE_SERVFAIL || rcode == AL_DNS_RCODE_REFUSED || rcode == AL_DNS_RCODE_NOTIMP) &&
	    q->tries < q->max_tries) {
		free(q->last_rcode_reply);
		q->last_rcode_reply = al_dnsq_make_reply(e, q, AL_DNS_ANSWERED, pkt, length, NULL);
		if (q->last_rcode_reply != NULL)
			q->last_rcode_reply->tcp = over_tcp;
		al_dns_packet_free(e->decoder, pkt);
		al_dnsq_heap_remove(e, q);
		al_dnsq_try_next(e, q);
		return;
	}
	al_dns_reply *r = al_dnsq_make_reply(e, q, AL_DNS_ANSWERED, pkt, length, NULL);
	al_dns_packet_free(e->decoder, pkt);
	if (r == NULL) {
		snprintf(q->last_error, sizeof(q->last_error), "out of memory");
		r = al_dnsq_make_reply(e, q, AL_DNS_NETWORK, NULL, 0, "out of memory");
	}
	if (r != NULL)
		r->tcp = over_tcp;
	al_dnsq_finish(e, q, r);
}

static void handle_datagram(al_dns_engine *e, usock *s, const uint8_t *data, size_t length, bool cut,
			    const struct sockaddr_storage *from)
{
	e->stats.received++;
	if (length < 12) {
		e->stats.dropped_malformed++;
		return;
	}
	uint16_t id = (uint16_t)((data[0] << 8) | data[1]);
	query *q = al_dnsq_id_find(s, id);
	if (q == NULL || q->state != Q_UDP) {
		attribute_wrong_id(e, s, data, length, from);
		return;
	}
	if (!from_tried_server(q, from)) {
		e->stats.dropped_wrong_source++;
		return;
	}
	/* QR must be set, OPCODE QUERY */
	if (!(data[2] & 0x80) || ((data[2] >> 3) & 0x0f) != 0 || cut) {
		q->malformed++;
		e->stats.dropped_malformed++;
		return;
	}
	int same = same_question(q, data, length);
	unsigned rcode = data[3] & 0x0f;
	if (same == 0 && ((data[4] << 8) | data[5]) == 0 && rcode != AL_DNS_RCODE_NOERROR &&
	    rcode != AL_DNS_RCODE_NXDOMAIN)
		same = 1; /* an error response without the question (FORMERR from some servers) */
	if (same < 0) {
		q->malformed++;
		e->stats.dropped_malformed++;
		return;
	}
	if (same == 0) {
		q->wrong_question++;
		e->stats.dropped_wrong_question++;
		return;
	}
	if (q->tries == 1) /* Karn: only unambiguous samples */
		al_dnsq_rtt_sample(e, from, al_clock_now() - q->sent_at);
	al_dnsq_set_fresh(e, q, false);
	take_response(e, q, data, length, false);
}

static void drain_udp(al_dns_engine *e, usock *s)
{
	for (int round = 0; round < 64; round++) {
		for (int i = 0; i < RECV_BATCH; i++) {
			e->iovs[i].iov_base = e->rbufs[i];
			e->iovs[i].iov_len = RECV_BUFFER;
			memset(&e->msgs[i].msg_hdr, 0, sizeof(e->msgs[i].msg_hdr));
			e->msgs[i].msg_hdr.msg_iov = &e->iovs[i];
			e->msgs[i].msg_hdr.msg_iovlen = 1;
			e->msgs[i].msg_hdr.msg_name = &e->froms[i];
			e->msgs[i].msg_hdr.msg_namelen = sizeof(e->froms[i]);
		}
		int n = recvmmsg(s->fd, e->msgs, RECV_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++) {
			bool cut = (e->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
			handle_datagram(e, s, e->rbufs[i], e->msgs[i].msg_len, cut, &e->froms[i]);
		}
		if (n < RECV_BATCH)
			return;
	}
}

static void tcp_failed(al_dns_engine *e, query *q, const char *what, int error)
{
	snprintf(q->last_error, sizeof(q->last_error), "TCP to %s: %s", q->servers[q->server_index].text,
		 error ? strerror(error) : what);
	al_dnsq_heap_remove(e, q);
	al_dnsq_try_next(e, q);
}

/* Read towards @p want bytes in the TCP buffer: 1 some came, 0 none for now, -1 the try failed. */
static int tcp_read(al_dns_engine *e, query *q, size_t want, const char *closed)
{
	ssize_t n = recv(q->tcp_fd, q->tcp_buf + q->tcp_have, want - q->tcp_have, 0);
	if (n == 0) {
		tcp_failed(e, q, closed, 0);
		return -1;
	}
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		tcp_failed(e, q, "receive failed", errno);
		return -1;
	}
	q->tcp_have += (size_t)n;
	return 1;
}

static void handle_tcp(al_dns_engine *e, query *q, uint32_t events)
{
	if (q->state != Q_TCP || q->tcp_fd < 0)
		return; /* finished earlier in the same batch of events */
	if (!q->tcp_connected && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
		int err = 0;
		socklen_t len = sizeof(err);
		getsockopt(q->tcp_fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err != 0) {
			tcp_failed(e, q, "connection failed", err);
			return;
		}
		q->tcp_connected = true;
	}
	if (q->tcp_connected && q->tcp_sent < q->wire_length + 2) {
		uint8_t buf[QUERY_WIRE_MAX + 2];
		buf[0] = (uint8_t)(q->wire_length >> 8);
		buf[1] = (uint8_t)q->wire_length;
		memcpy(buf + 2, q->wire, q->wire_length);
		ssize_t n = send(q->tcp_fd, buf + q->tcp_sent, q->wire_length + 2 - q->tcp_sent, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			tcp_failed(e, q, "send failed", errno);
			return;
		}
		if (n > 0)
			q->tcp_sent += (size_t)n;
		if (q->tcp_sent == q->wire_length + 2) {
			struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &q->tcp_item};
			epoll_ctl(e->epfd, EPOLL_CTL_MOD, q->tcp_fd, &ev);
		}
	}
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)) || !q->tcp_connected)
		return;
	for (int round = 0; round < 64; round++) {
		if (q->tcp_need == 0) {
			/* the two length octets first */
			if (q->tcp_buf == NULL) {
				q->tcp_buf = malloc(2);
				if (q->tcp_buf == NULL) {
					tcp_failed(e, q, "out of memory", 0);
					return;
				}
			}
			if (tcp_read(e, q, 2, "connection closed before an answer") <= 0)
				return;
			if (q->tcp_have < 2)
				continue;
			size_t need = ((size_t)q->tcp_buf[0] << 8) | q->tcp_buf[1];
			if (need < 12) {
				q->malformed++;
				e->stats.dropped_malformed++;
				tcp_failed(e, q, "a message shorter than a DNS header", 0);
				return;
			}
			uint8_t *b = realloc(q->tcp_buf, need);
			if (b == NULL) {
				tcp_failed(e, q, "out of memory", 0);
				return;
			}
			q->tcp_buf = b;
			q->tcp_need = need;
			q->tcp_have = 0;
		}
		if (tcp_read(e, q, q->tcp_need, "connection closed in the middle of an answer") <= 0)
			return;
		if (q->tcp_have < q->tcp_need)
			continue;
		/* a whole message */
		e->stats.received++;
		const uint8_t *data = q->tcp_buf;
		size_t length = q->tcp_need;
		uint16_t id = (uint16_t)((data[0] << 8) | data[1]);
		int same = same_question(q, data, length);
		if (id != ((q->wire[0] << 8) | q->wire[1]) || !(data[2] & 0x80) || same <= 0) {
			if (id != ((q->wire[0] << 8) | q->wire[1])) {
				q->wrong_id++;
				e->stats.dropped_wrong_id++;
			} else if (same == 0) {
				q->wrong_question++;
				e->stats.dropped_wrong_question++;
			} else {
				q->malformed++;
				e->stats.dropped_malformed++;
			}
			/* read the next message on the stream, if any */
			q->tcp_need = 0;
			q->tcp_have = 0;
			continue;
		}
		al_dnsq_heap_remove(e, q);
		uint8_t *keep = q->tcp_buf;
		q->tcp_buf = NULL;
		take_response(e, q, keep, length, true);
		free(keep);
		return;
	}
}

static void handle_timeouts(al_dns_engine *e)
{
	double now = al_clock_now();
	for (size_t guard = 0; e->heap_count > 0 && guard < 1000000; guard++) {
		query *q = e->heap[0];
		if (q->deadline > now)
			break;
		al_dnsq_heap_remove(e, q);
		e->stats.timeouts++;
		al_dnsq_set_fresh(e, q, false);
		if (q->state == Q_UDP && q->tries >= q->max_tries && q->final_deadline > now + 0.001) {
			/* the last datagram is overdue: keep listening, out of the window */
			al_dnsq_set_deadline(e, q, q->final_deadline);
			continue;
		}
		if (q->state == Q_TCP && q->last_error[0] == '\0')
			snprintf(q->last_error, sizeof(q->last_error), "TCP to %s timed out",
				 q->servers[q->server_index].text);
		al_dnsq_try_next(e, q);
	}
}

static size_t deliver(al_dns_engine *e)
{
	size_t n = 0;
	while (e->done_head != NULL) {
		query *q = e->done_head;
		e->done_head = q->next;
		if (e->done_head == NULL)
			e->done_tail = NULL;
		al_dns_reply *r = q->reply;
		q->reply = NULL;
		e->pending--;
		al_dns_callback cb = q->callback;
		void *ud = q->userdata;
		al_dnsq_query_free(q);
		cb(ud, r); /* NULL only when out of memory */
		n++;
	}
	return n;
}

size_t al_dns_engine_poll(al_dns_engine *e, int timeout_ms)
{
	if (e == NULL)
		return 0;
	al_dnsq_dispatch(e);
	size_t done = deliver(e);
	al_dnsq_flush_all(e);
	if (done > 0)
		timeout_ms = 0;
	if (e->heap_count > 0) {
		double wait = (e->heap[0]->deadline - al_clock_now()) * 1000.0;
		int w = wait <= 0 ? 0 : (int)wait + 1;
		if (timeout_ms < 0 || w < timeout_ms)
			timeout_ms = w;
	} else if (e->in_flight == 0) {
		return done;
	}
	struct epoll_event events[64];
	int n = epoll_wait(e->epfd, events, 64, timeout_ms);
	for (int i = 0; i < n; i++) {
		poll_item *it = events[i].data.ptr;
		if (it->kind == 0)
			drain_udp(e, it->ptr);
		else
			handle_tcp(e, it->ptr, events[i].events);
	}
	handle_timeouts(e);
	al_dnsq_dispatch(e);
	done += deliver(e);
	al_dnsq_flush_all(e);
	return done;
}

void al_dns_engine_run(al_dns_engine *e)
{
	while (e != NULL && e->pending > 0)
		al_dns_engine_poll(e, -1);
}
