# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers shared by the tests/dns tests: paths, running dnsq and authlint, a
bounded blackhole socket. Servers come from servers.py."""
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from servers import AuthServer, BadServer, free_endpoint, have  # noqa: E402,F401

AUTHLINT = os.environ.get('AUTHLINT', 'authlint')
DNSQ = os.environ.get('DNSQ', 'dnsq')


def dnsq(servers, questions, *options, timeout=60):
    """Run dnsq; returns (replies in question order, stats)."""
    argv = [DNSQ] + list(options)
    for s in servers:
        argv += ['--server', s]
    for name, qtype in questions:
        argv += [name, str(qtype)]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise AssertionError('dnsq failed (%d): %s' % (p.returncode, p.stderr))
    lines = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    return [l for l in lines if 'stats' not in l], lines[-1]['stats']


def authlint(*args, stdin=None, timeout=120, env=None):
    e = dict(os.environ, NO_COLOR='1', TZ='UTC', LC_ALL='C')
    if env:
        e.update(env)
    return subprocess.run([AUTHLINT] + list(args), capture_output=True, text=True, input=stdin,
                          timeout=timeout, env=e)


def txt_strings(rdata_hex):
    b = bytes.fromhex(rdata_hex)
    out, i = [], 0
    while i < len(b):
        n = b[i]
        out.append(b[i + 1:i + 1 + n].decode('utf-8', 'replace'))
        i += 1 + n
    return out


class Blackhole:
    """A UDP (and TCP) endpoint on loopback that takes queries and never answers."""

    def __enter__(self):
        self.addr, self.port = free_endpoint()
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((self.addr, self.port))
        return self

    @property
    def endpoint(self):
        return '%s:%d' % (self.addr, self.port)

    def count(self):
        self.udp.setblocking(False)
        n = 0
        try:
            while True:
                self.udp.recv(65535)
                n += 1
        except BlockingIOError:
            return n

    def __exit__(self, *exc):
        self.udp.close()
        return False


@contextlib.contextmanager
def bounded(proc, limit):
    """The block's child process @proc is killed after @limit seconds if it
    still runs (the test then fails on its status), and when the block ends."""
    watchdog = threading.Timer(limit, proc.kill)
    watchdog.start()
    try:
        yield proc
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


class ServedList(unittest.TestCase):
    """A domain list in a temporary directory and a server for it, for the
    class's tests: a subclass sets PREFIX and defines domain_lines() (the
    list's lines) and make_server() (an AuthServer or BadServer not started);
    CHECK_ARGS are given to every `authlint check` of argv()."""
    PREFIX = 'authlint-list-'
    CHECK_ARGS = []

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix=cls.PREFIX)
        cls.list = os.path.join(cls.tmp.name, 'domains.txt')
        with open(cls.list, 'w') as fh:
            fh.write('\n'.join(cls.domain_lines()) + '\n')
        cls.srv = cls.make_server()
        try:
            cls.srv.__enter__()
        except BaseException:
            cls.tmp.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        cls.tmp.cleanup()

    def argv(self, *extra):
        return [AUTHLINT, 'check', '--resolver', self.srv.endpoint, '--no-discover'] + \
            list(self.CHECK_ARGS) + ['--domains-file', self.list] + list(extra)
