#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Real DNS servers on loopback for tests: Knot or NSD, and the misbehaving
server of badserver.py.

Every server is a child process started in the foreground, so its pid is ours;
it listens on a loopback address and a port of its own, is polled until it
answers, and is stopped by that pid when the `with` block ends, also when the
test fails, and at the latest after a hard time limit (a watchdog kills it).

    from servers import AuthServer, BadServer, free_endpoint

    with AuthServer({'example.com': ZONE_TEXT}, kind='knot') as srv:
        run(['authlint', 'check', '--resolver', srv.endpoint, 'example.com'])

    with BadServer(records={...}) as bad:        # see badserver.py for the modes
        ...
        bad.queries()                             # what it received, for bounds

Several servers can run at once (different zone versions for propagation
tests): each gets its own address 127.53.X.Y unless one is given.
Nothing here sends traffic off loopback.
"""
import atexit
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_started = []  # every process started, for the atexit sweep


def _sweep():
    for proc in list(_started):
        _stop_process(proc)


atexit.register(_sweep)


def _stop_process(proc, grace=3.0):
    if proc.poll() is None:
        try:
            os.kill(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            try:
                os.kill(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=grace)
    if proc in _started:
        _started.remove(proc)


def find_program(name):
    for d in (os.environ.get('PATH', '').split(os.pathsep) + ['/usr/sbin', '/usr/bin', '/sbin']):
        p = os.path.join(d, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def have(kind):
    """True when the server `kind` ('knot' or 'nsd') is installed."""
    return find_program('knotd' if kind == 'knot' else 'nsd') is not None


_next_host = [random.randint(1, 200)]


def free_endpoint(addr=None, family=socket.AF_INET):
    """A loopback address (127.53.x.y unless given) and a port free for UDP and TCP on it."""
    if addr is None:
        if family == socket.AF_INET6:
            addr = '::1'
        else:
            _next_host[0] = _next_host[0] % 250 + 1
            addr = '127.53.%d.%d' % (os.getpid() % 250 + 1, _next_host[0])
    for _ in range(50):
        u = socket.socket(family, socket.SOCK_DGRAM)
        t = socket.socket(family, socket.SOCK_STREAM)
        try:
            u.bind((addr, 0))
            port = u.getsockname()[1]
            t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            t.bind((addr, port))
            return addr, port
        except OSError:
            continue
        finally:
            u.close()
            t.close()
    raise RuntimeError('no free port on %s' % addr)


def endpoint_text(addr, port):
    return '[%s]:%d' % (addr, port) if ':' in addr else '%s:%d' % (addr, port)


# ---- a minimal DNS client, for readiness and small checks -----------------------

def encode_name(name):
    out = b''
    name = name.rstrip('.')
    if name:
        for label in name.split('.'):
            b = label.encode('ascii')
            out += bytes([len(b)]) + b
    return out + b'\0'


def query(addr, port, name, qtype=6, timeout=0.5, rd=False):
    """One UDP query; returns (rcode, ancount, data) or None on timeout."""
    family = socket.AF_INET6 if ':' in addr else socket.AF_INET
    qid = random.randint(0, 65535)
    msg = struct.pack('!HHHHHH', qid, 0x0100 if rd else 0, 1, 0, 0, 0) + encode_name(name) + \
        struct.pack('!HH', qtype, 1)
    s = socket.socket(family, socket.SOCK_DGRAM)
    try:
        s.settimeout(timeout)
        s.sendto(msg, (addr, port))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                data, _ = s.recvfrom(65535)
            except socket.timeout:
                return None
            if len(data) >= 12 and struct.unpack('!H', data[:2])[0] == qid:
                flags = struct.unpack('!H', data[2:4])[0]
                return flags & 0xf, struct.unpack('!H', data[6:8])[0], data
        return None
    finally:
        s.close()


# ---- servers ------------------------------------------------------------------------

class _Server:
    """Common part: a child process, a readiness poll, a watchdog, stop by pid."""

    def __init__(self, limit=120.0, addr=None, port=None, family=socket.AF_INET):
        self.limit = limit
        if port is None:
            self.addr, self.port = free_endpoint(addr, family)
        else:
            self.addr, self.port = addr, port
        self.proc = None
        self.dir = None
        self._timer = None
        self.log_path = None

    @property
    def endpoint(self):
        """"127.53.1.2:40000" or "[::1]:40000": what --resolver takes."""
        return endpoint_text(self.addr, self.port)

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def _spawn(self, argv, ready_name, ready_type=6, ready_timeout=20.0):
        self.log_path = os.path.join(self.dir, 'server.log')
        log = open(self.log_path, 'ab')
        try:
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=self.dir)
        finally:
            log.close()
        _started.append(self.proc)
        # the watchdog: a server never outlives its limit, whatever the test does
        self._timer = threading.Timer(self.limit, _stop_process, args=(self.proc,))
        self._timer.daemon = True
        self._timer.start()
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError('%s exited with %s:\n%s' % (argv[0], self.proc.returncode, self.log()))
            r = query(self.addr, self.port, ready_name, ready_type, timeout=0.2)
            if r is not None and r[0] == 0:
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError('%s did not answer on %s within %gs:\n%s' %
                           (argv[0], self.endpoint, ready_timeout, self.log()))

    def log(self):
        try:
            with open(self.log_path, 'r', errors='replace') as fh:
                return fh.read()[-4000:]
        except OSError:
            return ''

    def stop(self):
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.proc is not None:
            _stop_process(self.proc)
        if self.dir is not None and not os.environ.get('AUTHLINT_KEEP_SERVER_DIRS'):
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


def _origin_of(zone_name):
    return zone_name.rstrip('.') + '.'


class AuthServer(_Server):
    """An authoritative server (Knot or NSD) serving zones given as text.

    zones: {'example.com': 'zone text with $ORIGIN or absolute names', ...};
    kind: 'knot', 'nsd' or None (the first installed, Knot first).
    """

    def __init__(self, zones, kind=None, limit=120.0, addr=None, port=None, family=socket.AF_INET):
        super().__init__(limit, addr, port, family)
        if kind is None:
            kind = 'knot' if have('knot') else 'nsd'
        if not have(kind):
            raise RuntimeError('%s is not installed (scripts/setup.sh installs it)' % kind)
        self.kind = kind
        self.zones = dict(zones)

    def start(self):
        self.dir = tempfile.mkdtemp(prefix='authlint-%s-' % self.kind)
        files = {}
        for i, (name, text) in enumerate(sorted(self.zones.items())):
            path = os.path.join(self.dir, 'z%d.zone' % i)
            with open(path, 'w') as fh:
                fh.write(text)
            files[name] = path
        first = sorted(self.zones)[0]
        if self.kind == 'knot':
            argv = self._knot(files)
        else:
            argv = self._nsd(files)
        self._spawn(argv, first)

    def _knot(self, files):
        conf = os.path.join(self.dir, 'knot.conf')
        os.makedirs(os.path.join(self.dir, 'db'), exist_ok=True)
        lines = ['server:', '    rundir: "%s"' % self.dir, '    listen: %s@%d' % (self.addr, self.port),
                 '    udp-workers: 1', '    tcp-workers: 1', '    background-workers: 1',
                 'database:', '    storage: "%s"' % os.path.join(self.dir, 'db'),
                 'log:', '  - target: stdout', '    any: warning',
                 'template:', '  - id: default', '    storage: "%s"' % self.dir,
                 '    zonefile-sync: -1', '    zonefile-load: whole', '    journal-content: none',
                 '    semantic-checks: off', 'zone:']
        for name, path in sorted(files.items()):
            lines += ['  - domain: %s' % _origin_of(name), '    file: "%s"' % path]
        with open(conf, 'w') as fh:
            fh.write('\n'.join(lines) + '\n')
        return [find_program('knotd'), '-c', conf]

    def _nsd(self, files):
        conf = os.path.join(self.dir, 'nsd.conf')
        lines = ['server:', '  ip-address: %s@%d' % (self.addr, self.port), '  port: %d' % self.port,
                 '  do-ip6: %s' % ('yes' if ':' in self.addr else 'no'),
                 '  do-ip4: %s' % ('no' if ':' in self.addr else 'yes'),
                 '  server-count: 1', '  username: ""', '  chroot: ""', '  zonesdir: "%s"' % self.dir,
                 '  database: ""', '  zonelistfile: "%s/zone.list"' % self.dir,
                 '  xfrdfile: "%s/xfrd.state"' % self.dir, '  xfrdir: "%s"' % self.dir,
                 '  pidfile: "%s/nsd.pid"' % self.dir, '  verbosity: 0', '  zonefiles-write: 0',
                 '  rrl-ratelimit: 0', '  rrl-whitelist-ratelimit: 0',
                 'remote-control:', '  control-enable: no']
        for name, path in sorted(files.items()):
            lines += ['zone:', '  name: "%s"' % _origin_of(name), '  zonefile: "%s"' % path]
        with open(conf, 'w') as fh:
            fh.write('\n'.join(lines) + '\n')
        return [find_program('nsd'), '-d', '-c', conf]


class BadServer(_Server):
    """The misbehaving server of badserver.py in a child process.

    records: {'name': ['TXT text', ...]} answered normally (TXT; other types NODATA);
    the first label of a question picks a misbehaviour (see badserver.py).
    """

    def __init__(self, records=None, limit=120.0, addr=None, port=None, delay=1.5,
                 family=socket.AF_INET):
        super().__init__(limit, addr, port, family)
        self.records = records or {}
        self.delay = delay

    def start(self):
        import json
        self.dir = tempfile.mkdtemp(prefix='authlint-bad-')
        cfg = os.path.join(self.dir, 'records.json')
        with open(cfg, 'w') as fh:
            json.dump(self.records, fh)
        self.qlog = os.path.join(self.dir, 'queries.log')
        argv = [sys.executable, os.path.join(HERE, 'badserver.py'), '--addr', self.addr, '--port',
                str(self.port), '--records', cfg, '--log', self.qlog, '--delay', str(self.delay),
                '--limit', str(self.limit)]
        self._spawn(argv, 'ready.check', 16)

    def queries(self):
        """[(transport, name, type), ...] received so far (readiness polls left out)."""
        out = []
        try:
            with open(self.qlog) as fh:
                for line in fh:
                    t, name, qtype = line.split()
                    if name != 'ready.check':
                        out.append((t, name, int(qtype)))
        except OSError:
            pass
        return out


if __name__ == '__main__':
    # a manual check: serve a zone file for a few seconds
    if len(sys.argv) < 3:
        print('usage: servers.py ORIGIN ZONEFILE [SECONDS] [knot|nsd]')
        sys.exit(2)
    with open(sys.argv[2]) as fh:
        text = fh.read()
    secs = float(sys.argv[3]) if len(sys.argv) > 3 else 10
    kind = sys.argv[4] if len(sys.argv) > 4 else None
    with AuthServer({sys.argv[1]: text}, kind=kind, limit=secs + 30) as srv:
        print(srv.kind, srv.endpoint, 'pid', srv.pid, flush=True)
        time.sleep(secs)
