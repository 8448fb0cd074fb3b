# SPDX-License-Identifier: GPL-3.0-or-later
"""A caching resolver for propagation tests: Unbound, in the foreground, on a
loopback address and port of its own, sending every query for the zones it is
given to loopback authoritative servers (stub zones) and refusing every other
name, so that nothing leaves loopback. Started and stopped by pid like the
servers of servers.py (a watchdog stops it at the latest after `limit`).

    with CachingResolver({'example.test': [auth.endpoint]}) as res:
        run(['authlint', 'propagation', '--resolver', res.endpoint, ...])
"""
import os
import tempfile

from servers import _Server, find_program


def have_unbound():
    return find_program('unbound') is not None


class CachingResolver(_Server):
    """Unbound with stub zones: {'example.test': ['127.53.1.2:40000', ...]}."""

    def __init__(self, stubs, limit=120.0, addr=None, port=None):
        super().__init__(limit, addr, port)
        if not have_unbound():
            raise RuntimeError('unbound is not installed (scripts/setup.sh installs it)')
        self.stubs = dict(stubs)

    def start(self):
        self.dir = tempfile.mkdtemp(prefix='authlint-unbound-')
        hints = os.path.join(self.dir, 'root.hints')
        with open(hints, 'w') as fh:
            # priming, should it ever happen, goes to a loopback address where nothing listens
            fh.write('. 3600000 IN NS root.invalid.\nroot.invalid. 3600000 IN A 127.0.0.254\n')
        lines = ['server:',
                 '  interface: %s@%d' % (self.addr, self.port), '  port: %d' % self.port,
                 '  do-ip4: yes', '  do-ip6: no', '  do-udp: yes', '  do-tcp: yes',
                 '  username: ""', '  chroot: ""', '  directory: "%s"' % self.dir,
                 '  pidfile: "%s/unbound.pid"' % self.dir, '  use-syslog: no', '  logfile: ""',
                 '  verbosity: 1', '  num-threads: 1', '  so-reuseport: no',
                 '  outgoing-interface: 127.0.0.1', '  do-not-query-localhost: no',
                 '  module-config: "iterator"', '  root-hints: "%s"' % hints,
                 '  access-control: 127.0.0.0/8 allow', '  qname-minimisation: no',
                 '  harden-referral-path: no', '  target-fetch-policy: "0 0 0 0 0"',
                 '  prefetch: no', '  serve-expired: no', '  cache-min-ttl: 0',
                 '  local-zone: "." refuse',
                 # answered without recursion, for the readiness poll
                 '  local-zone: "ready.check." static',
                 '  local-data: "ready.check. 60 IN TXT ready"']
        for zone in sorted(self.stubs):
            lines.append('  local-zone: "%s." transparent' % zone.rstrip('.'))
        for zone, addrs in sorted(self.stubs.items()):
            lines += ['stub-zone:', '  name: "%s."' % zone.rstrip('.')]
            for a in addrs:
                host, port = a.rsplit(':', 1)
                lines.append('  stub-addr: %s@%s' % (host.strip('[]'), port))
        lines += ['remote-control:', '  control-enable: no']
        conf = os.path.join(self.dir, 'unbound.conf')
        with open(conf, 'w') as fh:
            fh.write('\n'.join(lines) + '\n')
        self._spawn([find_program('unbound'), '-d', '-c', conf], 'ready.check', 16)
