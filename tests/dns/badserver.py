#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small misbehaving DNS server for failure tests (UDP and TCP, loopback only).

The first label of the question picks the behaviour:

  silent      never answers
  slow        answers correctly after --delay seconds
  tc          UDP: TC set and no records; TCP: the full answer
  tcbroken    UDP: TC set; TCP: closes the connection without answering
  malformed   right id, QR set, then garbage (counts that run past the end)
  wrongid     the right answer under another id
  wrongq      the right id, but the question (and answer) of another name
  spoofed     first an answer with a wrong id, then the real answer
  servfail    SERVFAIL         refused   REFUSED
  noedns      FORMERR without OPT to a query with EDNS; answers without EDNS
  manystrings one TXT of 30,000 one-byte strings (60 KB: truncated over UDP, whole over TCP)
  any other   answered from --records (TXT); NODATA for other types at a known
              name, NXDOMAIN otherwise; SOA in the authority section of both

An answer larger than the requester's UDP size (512, or its EDNS size) is sent
truncated over UDP, as a real server does. Every query received is logged
("udp|tcp NAME TYPE"). The process exits by itself after --limit seconds.
"""
import argparse
import heapq
import json
import os
import select
import socket
import struct
import sys
import threading
import time

MODES = {'silent', 'slow', 'tc', 'tcbroken', 'malformed', 'wrongid', 'wrongq', 'spoofed', 'servfail',
         'refused', 'noedns', 'manystrings'}


def parse_query(data):
    """(id, flags, name, qtype, qclass, edns_size or None) or None."""
    if len(data) < 12:
        return None
    qid, flags, qd, an, ns, ar = struct.unpack('!HHHHHH', data[:12])
    if qd != 1:
        return None
    i, labels = 12, []
    while i < len(data) and data[i] != 0:
        n = data[i]
        if n > 63 or i + 1 + n > len(data):
            return None
        labels.append(data[i + 1:i + 1 + n].decode('latin-1').lower())
        i += 1 + n
    i += 1
    if i + 4 > len(data):
        return None
    qtype, qclass = struct.unpack('!HH', data[i:i + 4])
    qend = i + 4
    edns = None
    if ar >= 1 and qend + 11 <= len(data) and data[qend] == 0 and \
            struct.unpack('!H', data[qend + 1:qend + 3])[0] == 41:
        edns = struct.unpack('!H', data[qend + 3:qend + 5])[0]
    return qid, flags, '.'.join(labels), qtype, qclass, edns, data[12:qend]


def encode_name(name):
    out = b''
    for label in [x for x in name.split('.') if x]:
        b = label.encode('latin-1')
        out += bytes([len(b)]) + b
    return out + b'\0'


def txt_rdata(text):
    b = text.encode('utf-8')
    out = b''
    for k in range(0, max(len(b), 1), 255):
        chunk = b[k:k + 255]
        out += bytes([len(chunk)]) + chunk
    return out


def rr(name, rtype, ttl, rdata):
    return encode_name(name) + struct.pack('!HHIH', rtype, 1, ttl, len(rdata)) + rdata


def soa_rr(name):
    labels = [x for x in name.split('.') if x]
    zone = '.'.join(labels[-2:]) if len(labels) >= 2 else 'test'
    rdata = encode_name('ns.' + zone) + encode_name('hostmaster.' + zone) + \
        struct.pack('!IIIII', 1, 3600, 600, 86400, 300)
    return rr(zone, 6, 300, rdata)


class Handler:
    def __init__(self, records, delay, log_path):
        self.records = {k.lower().rstrip('.'): v for k, v in records.items()}
        self.records['ready.check'] = ['ready']
        self.delay = delay
        self.log = open(log_path, 'a')
        self.lock = threading.Lock()

    def note(self, transport, name, qtype):
        with self.lock:
            self.log.write('%s %s %d\n' % (transport, name or '?', qtype))
            self.log.flush()

    def answer(self, q, rcode=None, name=None):
        """A normal response to q (optionally for another name or with a forced rcode)."""
        qid, flags, qname, qtype, qclass, edns, qwire = q
        name = name if name is not None else qname
        qsec = encode_name(name) + struct.pack('!HH', qtype, qclass)
        answers, auth = [], []
        if rcode is None:
            texts = self.records.get(name)
            if texts is None:
                rcode = 3
                auth.append(soa_rr(name))
            else:
                rcode = 0
                if qtype == 16:
                    answers = [rr(name, 16, 300, txt_rdata(t)) for t in texts]
                else:
                    auth.append(soa_rr(name))
        out_flags = 0x8400 | (flags & 0x0100) | rcode  # QR AA, RD copied
        extra = b''
        if edns is not None:
            extra = b'\0' + struct.pack('!HHIH', 41, 1232, 0, 0)
        head = struct.pack('!HHHHHH', qid, out_flags, 1, len(answers), len(auth), 1 if extra else 0)
        return head + qsec + b''.join(answers) + b''.join(auth) + extra

    def truncated(self, q):
        qid, flags, qname, qtype, qclass, edns, qwire = q
        head = struct.pack('!HHHHHH', qid, 0x8600 | (flags & 0x0100), 1, 0, 0, 0)
        return head + qwire

    def respond(self, data, transport):
        """[(delay, bytes), ...] to send, or [] for silence, or None to close (TCP)."""
        q = parse_query(data)
        if q is None:
            self.note(transport, None, 0)
            return []
        qid, flags, name, qtype, qclass, edns, qwire = q
        self.note(transport, name, qtype)
        mode = name.split('.')[0] if name else ''
        if mode not in MODES:
            resp = self.answer(q)
            limit = 65535 if transport == 'tcp' else max(512, edns or 512)
            if len(resp) > limit:
                resp = self.truncated(q)
            return [(0, resp)]
        if mode == 'silent':
            return []
        if mode == 'slow':
            return [(self.delay, self.answer(q))]
        if mode == 'tc':
            return [(0, self.answer(q) if transport == 'tcp' else self.truncated(q))]
        if mode == 'tcbroken':
            return None if transport == 'tcp' else [(0, self.truncated(q))]
        if mode == 'malformed':
            return [(0, struct.pack('!HHHHHH', qid, 0x8400, 1, 5, 0, 0) + qwire + b'\xc0')]
        if mode == 'wrongid':
            resp = bytearray(self.answer(q))
            resp[0] ^= 0x55
            resp[1] ^= 0xaa
            return [(0, bytes(resp))]
        if mode == 'wrongq':
            return [(0, self.answer(q, name='other.' + name))]
        if mode == 'spoofed':
            resp = bytearray(self.answer(q, name=name))
            resp[0] ^= 0x12
            return [(0, bytes(resp)), (0.05, self.answer(q))]
        if mode == 'servfail':
            return [(0, self.answer(q, rcode=2))]
        if mode == 'refused':
            return [(0, self.answer(q, rcode=5))]
        if mode == 'manystrings':
            if transport == 'udp':
                return [(0, self.truncated(q))]
            qsec = encode_name(name) + struct.pack('!HH', qtype, qclass)
            head = struct.pack('!HHHHHH', qid, 0x8400 | (flags & 0x0100), 1, 1, 0, 0)
            return [(0, head + qsec + rr(name, 16, 300, b'\x01a' * 30000))]
        if mode == 'noedns':
            if edns is not None:
                head = struct.pack('!HHHHHH', qid, 0x8001, 1, 0, 0, 0)
                return [(0, head + qwire)]
            return [(0, self.answer(q))]
        return []


def tcp_client(conn, handler, stop_at):
    conn.settimeout(5)
    try:
        while time.monotonic() < stop_at:
            head = conn.recv(2)
            if len(head) < 2:
                return
            n = struct.unpack('!H', head)[0]
            data = b''
            while len(data) < n:
                chunk = conn.recv(n - len(data))
                if not chunk:
                    return
                data += chunk
            out = handler.respond(data, 'tcp')
            if out is None:
                return
            for delay, resp in out:
                if delay:
                    time.sleep(delay)
                conn.sendall(struct.pack('!H', len(resp)) + resp)
    except OSError:
        return
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--addr', required=True)
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--records', required=True)
    ap.add_argument('--log', required=True)
    ap.add_argument('--delay', type=float, default=1.5)
    ap.add_argument('--limit', type=float, default=120)
    a = ap.parse_args()
    if not (a.addr.startswith('127.') or a.addr == '::1'):
        sys.exit('loopback addresses only')
    with open(a.records) as fh:
        handler = Handler(json.load(fh), a.delay, a.log)
    family = socket.AF_INET6 if ':' in a.addr else socket.AF_INET
    udp = socket.socket(family, socket.SOCK_DGRAM)
    udp.bind((a.addr, a.port))
    tcp = socket.socket(family, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((a.addr, a.port))
    tcp.listen(64)
    stop_at = time.monotonic() + a.limit
    later = []  # (time, seq, bytes, addr)
    seq = 0
    while time.monotonic() < stop_at:
        wait = 0.2
        if later:
            wait = max(0.0, min(wait, later[0][0] - time.monotonic()))
        r, _, _ = select.select([udp, tcp], [], [], wait)
        if udp in r:
            data, peer = udp.recvfrom(65535)
            for delay, resp in handler.respond(data, 'udp') or []:
                seq += 1
                heapq.heappush(later, (time.monotonic() + delay, seq, resp, peer))
        if tcp in r:
            conn, _ = tcp.accept()
            threading.Thread(target=tcp_client, args=(conn, handler, stop_at), daemon=True).start()
        now = time.monotonic()
        while later and later[0][0] <= now:
            _, _, resp, peer = heapq.heappop(later)
            udp.sendto(resp, peer)


if __name__ == '__main__':
    main()
