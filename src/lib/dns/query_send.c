/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Sending a query's tries (dns/query.c holds the engine): UDP batches per
 * socket, TCP for truncated answers, the wait between tries from each
 * server's measured round trip.
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

/* ---- sending ------------------------------------------------------------------------ */


static bool tcp_start(al_dns_engine *e, query *q)
{
	al_dnsq_tcp_close(e, q);
	const al_dns_server *srv = &q->servers[q->server_index];
	int fd = socket(srv->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(q->last_error, sizeof(q->last_error), "cannot open a TCP socket: %s", strerror(errno));
		return false;
	}
	int rc = connect(fd, (const struct sockaddr *)&srv->addr, srv->addr_length);
	if (rc != 0 && errno != EINPROGRESS) {
		snprintf(q->last_error, sizeof(q->last_error), "TCP to %s: %s", srv->text, strerror(errno));
		close(fd);
		return false;
	}
	q->tcp_fd = fd;
	q->tcp_item.kind = 1;
	q->tcp_item.ptr = q;
	struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.ptr = &q->tcp_item};
	if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		close(fd);
		q->tcp_fd = -1;
		return false;
	}
	q->state = Q_TCP;
	e->stats.tcp++;
	return true;
}

static server_rtt *rtt_for(al_dns_engine *e, const struct sockaddr_storage *addr, bool add)
{
	for (size_t i = 0; i < e->rtt_count; i++)
		if (al_dns_sockaddr_equal(&e->rtts[i].addr, addr))
			return &e->rtts[i];
	if (!add || e->rtt_count == MAX_RTT_SERVERS)
		return NULL;
	server_rtt *r = &e->rtts[e->rtt_count++];
	memset(r, 0, sizeof(*r));
	r->addr = *addr;
	return r;
}

void al_dnsq_rtt_sample(al_dns_engine *e, const struct sockaddr_storage *addr, double rtt)
{
	server_rtt *r = rtt_for(e, addr, true);
	if (r == NULL)
		return;
	if (r->srtt == 0) {
		r->srtt = rtt;
		r->rttvar = rtt / 2;
	} else {
		double d = r->srtt - rtt;
		r->rttvar = 0.75 * r->rttvar + 0.25 * (d < 0 ? -d : d);
		r->srtt = 0.875 * r->srtt + 0.125 * rtt;
	}
}

/*
 * How long this datagram waits before the next is sent. A query waits in all
 * tries x timeout, as asked; within that, a datagram that is overdue for the
 * server's round-trip time is sent again (backing off), since on a busy
 * server a lost datagram is far more likely than a slow answer. The last try
 * waits for whatever is left, and an answer to any earlier datagram counts.
 */
static double try_wait(al_dns_engine *e, query *q, double now)
{
	const server_rtt *r = rtt_for(e, &q->servers[q->server_index].addr, false);
	double rto = r != NULL && r->srtt > 0 ? r->srtt + 4 * r->rttvar : INITIAL_RTO;
	if (rto < MIN_RTO)
		rto = MIN_RTO;
	for (unsigned k = 1; k < q->tries && rto < q->timeout; k++)
		rto *= 2;
	if (rto > q->timeout)
		rto = q->timeout;
	return rto > q->final_deadline - now && q->final_deadline > now ? q->final_deadline - now : rto;
}


/*
 * Send the datagrams queued on a socket with as few system calls as can be.
 * A datagram the kernel will not take for lack of room is lost like any
 * other (the retransmission timer covers it); one it refuses (no route, ...)
 * fails that try of its query, with the reason.
 */
static void flush_socket(al_dns_engine *e, usock *sk)
{
	size_t count = sk->out_count;
	if (count == 0)
		return;
	for (size_t i = 0; i < count; i++) {
		e->out_iovs[i].iov_base = sk->out[i].wire;
		e->out_iovs[i].iov_len = sk->out[i].length;
		memset(&e->out_msgs[i].msg_hdr, 0, sizeof(e->out_msgs[i].msg_hdr));
		e->out_msgs[i].msg_hdr.msg_iov = &e->out_iovs[i];
		e->out_msgs[i].msg_hdr.msg_iovlen = 1;
		e->out_msgs[i].msg_hdr.msg_name = &sk->out[i].addr;
		e->out_msgs[i].msg_hdr.msg_namelen = sk->out[i].addr_length;
	}
	uint16_t failed_ids[SEND_BATCH];
	int failed_errno[SEND_BATCH];
	size_t failed = 0;
	size_t off = 0;
	for (size_t guard = 0; off < count && guard < 4 * SEND_BATCH; guard++) {
		int n = sendmmsg(sk->fd, e->out_msgs + off, (unsigned)(count - off), 0);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) {
			failed_ids[failed] = (uint16_t)((sk->out[off].wire[0] << 8) | sk->out[off].wire[1]);
			failed_errno[failed++] = errno;
			off++;
			continue;
		}
		break; /* no room: the rest is lost, the timers resend */
	}
	sk->out_count = 0;
	for (size_t i = 0; i < failed; i++) {
		query *q = al_dnsq_id_find(sk, failed_ids[i]);
		if (q == NULL || q->state != Q_UDP)
			continue;
		snprintf(q->last_error, sizeof(q->last_error), "sending to %s: %s",
			 q->servers[q->server_index].text, strerror(failed_errno[i]));
		al_dnsq_heap_remove(e, q);
		al_dnsq_set_fresh(e, q, false);
		al_dnsq_try_next(e, q);
	}
}

void al_dnsq_flush_all(al_dns_engine *e)
{
	for (int f = 0; f < FAM_COUNT; f++)
		for (size_t i = 0; i < e->options.sockets; i++)
			if (e->socks[f][i].out_count > 0)
				flush_socket(e, &e->socks[f][i]);
}

/* One try: a datagram (or a TCP exchange) to the current server, with a deadline. */
void al_dnsq_send_try(al_dns_engine *e, query *q)
{
	const al_dns_server *srv = &q->servers[q->server_index];
	q->tries++;
	e->stats.sent++;
	if (q->tries > 1)
		e->stats.retries++;
	if (q->server_index < 64)
		q->tried_mask |= (uint64_t)1 << q->server_index;
	if (q->tcp_only || q->tcp_from_tc) {
		if (!tcp_start(e, q)) {
			al_dnsq_try_next(e, q);
			return;
		}
		al_dnsq_set_deadline(e, q, al_clock_now() + q->timeout);
		return;
	}
	if (!al_dnsq_bind_id(e, q, srv->addr.ss_family)) {
		snprintf(q->last_error, sizeof(q->last_error), "no UDP socket for %s", srv->text);
		al_dnsq_try_next(e, q);
		return;
	}
	q->state = Q_UDP;
	double now = al_clock_now();
	q->sent_at = now;
	al_dnsq_set_fresh(e, q, true);
	al_dnsq_set_deadline(e, q, now + try_wait(e, q, now));
	usock *sk = q->sock;
	if (sk->out == NULL && (sk->out = malloc(SEND_BATCH * sizeof(*sk->out))) == NULL) {
		/* no batch to be had: send it now */
		ssize_t n;
		do
			n = sendto(sk->fd, q->wire, q->wire_length, 0, (const struct sockaddr *)&srv->addr,
				   srv->addr_length);
		while (n < 0 && errno == EINTR);
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) {
			snprintf(q->last_error, sizeof(q->last_error), "sending to %s: %s", srv->text,
				 strerror(errno));
			al_dnsq_heap_remove(e, q);
			al_dnsq_try_next(e, q);
		}
		return;
	}
	if (sk->out_count == SEND_BATCH)
		flush_socket(e, sk);
	out_dgram *d = &sk->out[sk->out_count++];
	memcpy(d->wire, q->wire, q->wire_length);
	d->length = q->wire_length;
	memcpy(&d->addr, &srv->addr, srv->addr_length);
	d->addr_length = srv->addr_length;
}

/* The current try failed or timed out: the next server, or the end. */
void al_dnsq_try_next(al_dns_engine *e, query *q)
{
	al_dnsq_tcp_close(e, q);
	if (q->tries >= q->max_tries) {
		al_dnsq_finish_failed(e, q);
		return;
	}
	q->server_index = (unsigned)((q->server_index + 1) % q->server_count);
	al_dnsq_send_try(e, q);
}

void al_dnsq_dispatch(al_dns_engine *e)
{
	while (e->queue_head != NULL && e->fresh < e->options.max_in_flight) {
		query *q = e->queue_head;
		e->queue_head = q->next;
		if (e->queue_head == NULL)
			e->queue_tail = NULL;
		q->next = NULL;
		q->started = al_clock_now();
		q->final_deadline = q->started + q->timeout * q->max_tries;
		al_dnsq_live_add(e, q);
		al_dnsq_send_try(e, q);
	}
}

