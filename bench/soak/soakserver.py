#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The misbehaving servers of the soak run (bench/soak/run.sh): one process answers
every question as a resolver would, and how it answers (or fails to) is picked by
the domain the name belongs to: <mode>-<n>.soak.test, and every name under it
(_dmarc., s1._domainkey., the include targets). UDP and TCP, loopback only.

  ok         SPF, DMARC and an Ed25519 DKIM key (s1), NODATA for other types
  slow       as ok, after --delay seconds
  silent     never answers
  tcbroken   UDP: TC set; TCP: the connection is closed without an answer
  malformed  right id, QR set, counts that run past the end
  wrongid    the right answer under another id
  wrongq     the right id, the question and answer of another name
  servfail   SERVFAIL          refused    REFUSED
  big        the SPF record is one TXT of 10,000 strings ("v=spf1", then " mx" 9,998
             times, then " -all"): 50 KB, truncated over UDP, whole over TCP
  cnameloop  the domain and _dmarc. are CNAMEs into a loop (loop-a -> loop-b -> loop-a)
  chain      SPF include chain 50 deep (i1 -> i2 -> ... -> i50)
  fanout     SPF include tree, 10 includes per record, 4 levels: 11,110 names

The answers reuse the wire helpers and the TCP loop of tests/dns/badserver.py. Queries are counted
per mode and written as JSON to --stats when the process is stopped (SIGTERM) or
reaches --limit seconds.
"""
import argparse
import heapq
import json
import os
import select
import signal
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tests', 'dns'))
from badserver import encode_name, parse_query, rr, soa_rr, tcp_client, txt_rdata  # noqa: E402

APEX = 'soak.test'
MODES = ['ok', 'slow', 'silent', 'tcbroken', 'malformed', 'wrongid', 'wrongq', 'servfail', 'refused',
         'big', 'cnameloop', 'chain', 'fanout']
# RFC 8463 appendix A.2's public key
DKIM = 'v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo='
CHAIN = 50
FAN, FAN_DEPTH = 10, 4


def split(name):
    """(mode, domain, prefix) of a name under <mode>-<n>.soak.test, or None."""
    if not name.endswith('.' + APEX):
        return None
    rest = name[:-len(APEX) - 1]
    labels = rest.split('.')
    dom = labels[-1]
    mode = dom.rsplit('-', 1)[0]
    if mode not in MODES:
        return None
    return mode, dom + '.' + APEX, '.'.join(labels[:-1])


def records(mode, domain, prefix):
    """(TXT texts or None, CNAME target or None) for a name; (None, None): no such name."""
    spf_ok = 'v=spf1 ip4:192.0.2.0/24 -all'
    if prefix == '_dmarc':
        if mode == 'cnameloop':
            return None, 'loop-a.' + domain
        return ['v=DMARC1; p=reject; rua=mailto:dmarc@' + domain], None
    if prefix == 's1._domainkey':
        return [DKIM], None
    if prefix == '':
        if mode == 'big':
            return [['v=spf1'] + [' mx'] * 9998 + [' -all']], None
        if mode == 'cnameloop':
            return None, 'loop-a.' + domain
        if mode == 'chain':
            return ['v=spf1 include:i1.%s -all' % domain], None
        if mode == 'fanout':
            return ['v=spf1 %s -all' % ' '.join('include:f%d.%s' % (k, domain) for k in range(FAN))], None
        return [spf_ok], None
    if mode == 'cnameloop' and prefix in ('loop-a', 'loop-b'):
        return None, ('loop-b.' if prefix == 'loop-a' else 'loop-a.') + domain
    if mode == 'chain' and prefix.startswith('i') and prefix[1:].isdigit():
        k = int(prefix[1:])
        if 1 <= k < CHAIN:
            return ['v=spf1 include:i%d.%s -all' % (k + 1, domain)], None
        if k == CHAIN:
            return [spf_ok], None
    if mode == 'fanout' and prefix.startswith('f'):
        path = prefix[1:].split('-')
        if all(p.isdigit() and int(p) < FAN for p in path) and len(path) <= FAN_DEPTH:
            if len(path) == FAN_DEPTH:
                return ['v=spf1 ip4:198.51.100.%d -all' % int(path[-1])], None
            return ['v=spf1 %s ?all' % ' '.join('include:f%s-%d.%s' % (prefix[1:], k, domain)
                                                  for k in range(FAN))], None
    return None, None


def answer(q, name=None, rcode=None):
    qid, flags, qname, qtype, qclass, edns, qwire = q
    name = name if name is not None else qname
    qsec = encode_name(name) + struct.pack('!HH', qtype, qclass)
    ans, auth = [], []
    if rcode is None:
        rcode = 0
        s = split(name)
        texts, target = records(*s) if s else (None, None)
        if target is not None:
            ans.append(rr(name, 5, 300, encode_name(target)))
        elif texts is None:
            rcode = 3
            auth.append(soa_rr(name))
        elif qtype == 16:
            for t in texts:
                if isinstance(t, list):  # one TXT of many strings
                    data = b''.join(bytes([len(c)]) + c.encode() for c in t)
                    ans.append(rr(name, 16, 300, data))
                else:
                    ans.append(rr(name, 16, 300, txt_rdata(t)))
        else:
            auth.append(soa_rr(name))
    out_flags = 0x8000 | 0x0080 | (flags & 0x0100) | rcode  # QR RA, RD copied
    extra = b'\0' + struct.pack('!HHIH', 41, 1232, 0, 0) if edns is not None else b''
    head = struct.pack('!HHHHHH', qid, out_flags, 1, len(ans), len(auth), 1 if extra else 0)
    return head + qsec + b''.join(ans) + b''.join(auth) + extra


def truncated(q):
    qid, flags, qname, qtype, qclass, edns, qwire = q
    return struct.pack('!HHHHHH', qid, 0x8280 | (flags & 0x0100), 1, 0, 0, 0) + qwire


class Soak:
    def __init__(self, delay):
        self.delay = delay
        self.counts = {}
        self.lock = threading.Lock()

    def respond(self, data, transport):
        """[(delay, bytes)], [] for silence, None to close the TCP connection."""
        q = parse_query(data)
        if q is None:
            return []
        name = q[2]
        s = split(name)
        mode = s[0] if s else 'other'
        with self.lock:
            key = mode + '/' + transport
            self.counts[key] = self.counts.get(key, 0) + 1
        if mode == 'silent':
            return []
        if mode == 'tcbroken':
            return None if transport == 'tcp' else [(0, truncated(q))]
        if mode == 'malformed':
            return [(0, struct.pack('!HHHHHH', q[0], 0x8080, 1, 5, 0, 0) + q[6] + b'\xc0')]
        if mode == 'wrongid':
            resp = bytearray(answer(q))
            resp[0] ^= 0x55
            resp[1] ^= 0xaa
            return [(0, bytes(resp))]
        if mode == 'wrongq':
            return [(0, answer(q, name='other.' + name))]
        if mode == 'servfail':
            return [(0, answer(q, rcode=2))]
        if mode == 'refused':
            return [(0, answer(q, rcode=5))]
        resp = answer(q)
        limit = 65535 if transport == 'tcp' else max(512, q[5] or 512)
        if len(resp) > limit:
            resp = truncated(q)
        return [(self.delay if mode == 'slow' else 0, resp)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--addr', required=True)
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--stats', required=True)
    ap.add_argument('--delay', type=float, default=1.0)
    ap.add_argument('--limit', type=float, default=3600)
    a = ap.parse_args()
    if not a.addr.startswith('127.'):
        sys.exit('loopback addresses only')
    soak = Soak(a.delay)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    udp.bind((a.addr, a.port))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((a.addr, a.port))
    tcp.listen(256)
    stop_at = time.monotonic() + a.limit
    later = []
    seq = 0
    udp.setblocking(False)
    while not stopping and time.monotonic() < stop_at:
        wait = 0.2
        if later:
            wait = max(0.0, min(wait, later[0][0] - time.monotonic()))
        try:
            r, _, _ = select.select([udp, tcp], [], [], wait)
        except InterruptedError:
            continue
        if udp in r:
            for _ in range(64):  # drain a burst before looking at the clock again
                try:
                    data, peer = udp.recvfrom(65535)
                except (BlockingIOError, InterruptedError):
                    break
                for delay, resp in soak.respond(data, 'udp') or []:
                    if delay == 0:
                        udp.sendto(resp, peer)
                        continue
                    seq += 1
                    heapq.heappush(later, (time.monotonic() + delay, seq, resp, peer))
        if tcp in r:
            conn, _ = tcp.accept()
            threading.Thread(target=tcp_client, args=(conn, soak, stop_at), daemon=True).start()
        now = time.monotonic()
        while later and later[0][0] <= now:
            _, _, resp, peer = heapq.heappop(later)
            try:
                udp.sendto(resp, peer)
            except OSError:
                pass
    with open(a.stats, 'w') as fh:
        json.dump(soak.counts, fh)


if __name__ == '__main__':
    main()
