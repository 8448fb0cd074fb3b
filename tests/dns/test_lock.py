#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`authlint lock`, `--lock FILE` and `lock --check` against a Knot (or NSD)
on loopback whose answers change between two runs: the lock pins every
outside answer (negative ones too), `zone --lock` answers from it with the
server stopped and finds what the live run found, a name the lock does not
hold is not queried (LOOKUP002), and after the provider's record grows,
`lock --check` says what the change does.

The salesforce.com and provider.test zones served here are stand-ins written
for the test, on loopback only; they say nothing of the real records."""
import json
import os
import tempfile
import unittest

from dnstest import AuthServer, authlint

SALESFORCE_V1 = """$ORIGIN salesforce.com.
$TTL 300
@      IN SOA ns hostmaster 1 3600 600 86400 300
@      IN NS  ns
ns     IN A   127.0.0.1
_spf   IN TXT "v=spf1 include:s1.salesforce.com include:s2.salesforce.com -all"
s1     IN TXT "v=spf1 ip4:198.51.100.0/25 -all"
s2     IN TXT "v=spf1 ip4:198.51.100.128/25 -all"
"""

# the include grows from 3 lookups (itself, s1, s2) to 5 (s3, s4 more)
SALESFORCE_V2 = SALESFORCE_V1.replace(
    '"v=spf1 include:s1.salesforce.com include:s2.salesforce.com -all"',
    '"v=spf1 include:s1.salesforce.com include:s2.salesforce.com include:s3.salesforce.com '
    'include:s4.salesforce.com -all"').replace('1 3600 600', '2 3600 600') + \
    's3     IN TXT "v=spf1 ip4:203.0.113.0/25 -all"\ns4     IN TXT "v=spf1 ip4:203.0.113.128/25 -all"\n'

PROVIDER = """$ORIGIN provider.test.
$TTL 300
@       IN SOA ns hostmaster 1 3600 600 86400 300
@       IN NS  ns
ns      IN A   127.0.0.1
_spf    IN TXT "v=spf1 include:a.provider.test include:b.provider.test mx:mail.provider.test ~all"
a       IN TXT "v=spf1 ip4:192.0.2.0/25 -all"
b       IN TXT "v=spf1 ip4:192.0.2.128/25 -all"
mail    IN MX  10 mx1.provider.test.
mx1     IN A   192.0.2.7
reports IN MX  10 mx1.provider.test.
sel._domainkey IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
"""

# 9 lookups with the first salesforce.com: salesforce 3, provider 4 (itself, a, b,
# mx), a, mx. The report address is not authorized (no _report._dmarc record:
# an NXDOMAIN the lock must keep); the DKIM key is a CNAME to the provider.
ZONE = """$ORIGIN example.test.
$TTL 300
@       IN SOA ns hostmaster 1 3600 600 86400 300
@       IN NS  ns
ns      IN A   192.0.2.53
@       IN A   192.0.2.10
@       IN MX  10 mx
mx      IN A   192.0.2.11
@       IN TXT "v=spf1 include:_spf.salesforce.com include:_spf.provider.test a mx -all"
_dmarc  IN TXT "v=DMARC1; p=reject; rua=mailto:d@reports.provider.test"
s1._domainkey IN CNAME sel._domainkey.provider.test.
"""


def jsonl_findings(stdout):
    out = []
    for line in stdout.splitlines():
        d = json.loads(line)
        if d.get('type') == 'finding':
            out.append((d['rule']['id'], d['owner'], d['message']))
    return sorted(out)


class LockTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.zone = self.path('example.zone')
        with open(self.zone, 'w') as fh:
            fh.write(ZONE)
        self.lock = self.path('example.lock')

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def run_in_dir(self, *args):
        return authlint(*args, env={'PWD': self.dir})

    def test_lock_then_offline_then_drift(self):
        srv = AuthServer({'salesforce.com': SALESFORCE_V1, 'provider.test': PROVIDER}, limit=200)
        srv.__enter__()
        try:
            endpoint, addr, port = srv.endpoint, srv.addr, srv.port
            p = authlint('lock', '--resolver', endpoint, self.zone, '-o', self.lock)
            self.assertEqual(p.returncode, 0, p.stderr)
            live = authlint('zone', '--resolver', endpoint, self.zone, '--format', 'jsonl')
            live_tree = authlint('spf', '--tree', 'example.test', '--zone', self.zone, '--resolver', endpoint,
                                 '--format', 'json')
        finally:
            srv.__exit__(None, None, None)

        with open(self.lock) as fh:
            text = fh.read()
        # the header, records with absolute owners, negative answers
        self.assertIn('; authlint-lock resolver %s\n' % endpoint, text)
        self.assertIn('; authlint-lock zone %s\n' % self.zone, text)
        self.assertRegex(text, r'; authlint-lock generated \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n')
        self.assertIn('$ORIGIN .\n', text)
        self.assertIn('_spf.salesforce.com. 300 IN TXT "v=spf1 include:s1.salesforce.com '
                      'include:s2.salesforce.com -all"\n', text)
        self.assertIn('mail.provider.test. 300 IN MX 10 mx1.provider.test.\n', text)
        self.assertIn('sel._domainkey.provider.test. 300 IN TXT', text)
        self.assertIn('; authlint-lock nxdomain example.test._report._dmarc.reports.provider.test. TXT\n', text)
        # nothing inside the zone is pinned
        self.assertNotIn('\nexample.test.', text)

        # offline from the lock, the server gone: what the live run found, twice the same
        one = authlint('zone', self.zone, '--lock', self.lock, '--format', 'jsonl')
        two = authlint('zone', self.zone, '--lock', self.lock, '--format', 'jsonl')
        self.assertEqual(one.stdout, two.stdout)
        self.assertEqual(one.returncode, live.returncode, one.stderr)
        strip = lambda fs: [(r, o) for r, o, _ in fs]  # noqa: E731 (locations name the lock, not the server)
        self.assertEqual(strip(jsonl_findings(one.stdout)), strip(jsonl_findings(live.stdout)))
        self.assertNotIn('LOOKUP', one.stdout)
        # the report address is not authorized: found from the pinned NXDOMAIN
        self.assertTrue(any(o == '_dmarc.example.test' and r.startswith('DMARC')
                            for r, o, _ in jsonl_findings(one.stdout)), one.stdout)
        # the same lookup count as live, exactly (9: no estimate, nothing unknown)
        locked_tree = authlint('spf', '--tree', 'example.test', '--zone', self.zone, '--lock', self.lock,
                               '--format', 'json')
        a, b = json.loads(live_tree.stdout), json.loads(locked_tree.stdout)
        self.assertEqual(a['lookups'], 9, live_tree.stdout)
        self.assertEqual((b['lookups'], b['not_followed']), (9, 0), locked_tree.stdout)

        # a name the lock does not hold is not queried, never clean
        partial = self.path('partial.lock')
        with open(partial, 'w') as fh:
            fh.write(text.replace('; authlint-lock nxdomain example.test._report._dmarc.reports.provider.test. '
                                  'TXT\n', ''))
        q = authlint('zone', self.zone, '--lock', partial, '--format', 'jsonl')
        lookups = [(r, o) for r, o, _ in jsonl_findings(q.stdout) if r.startswith('LOOKUP')]
        self.assertEqual(lookups, [('LOOKUP002', 'example.test._report._dmarc.reports.provider.test')], q.stdout)
        self.assertIn('is not in the lock file', q.stdout)

        # no change: no drift
        srv = AuthServer({'salesforce.com': SALESFORCE_V1, 'provider.test': PROVIDER}, limit=200,
                         addr=addr, port=port)
        srv.__enter__()
        try:
            c = authlint('lock', '--check', self.lock, '--resolver', srv.endpoint)
        finally:
            srv.__exit__(None, None, None)
        self.assertEqual(c.returncode, 0, c.stdout + c.stderr)
        self.assertIn('no drift', c.stdout)

        # the provider's record grows: the server restarted with the new zone
        srv = AuthServer({'salesforce.com': SALESFORCE_V2, 'provider.test': PROVIDER}, limit=200,
                         addr=addr, port=port)
        srv.__enter__()
        try:
            c = authlint('lock', '--check', self.lock, '--resolver', srv.endpoint)
            j = authlint('lock', '--check', self.lock, '--resolver', srv.endpoint, '--format', 'json')
        finally:
            srv.__exit__(None, None, None)
        self.assertEqual(c.returncode, 1, c.stdout + c.stderr)
        self.assertIn("Salesforce's include now costs 5 lookups instead of 3: example.test needs 11, permerror",
                      c.stdout)
        self.assertIn('changed answer: _spf.salesforce.com TXT', c.stdout)
        self.assertIn('new question (not in the lock): s3.salesforce.com TXT', c.stdout)
        self.assertRegex(c.stdout, r'finding new: SPF\d+ example.test: ')
        self.assertIn('finding gone: SPF012 example.test: example.test needs 9 of the 10', c.stdout)
        # the same as one JSON document
        doc = json.loads(j.stdout)
        self.assertEqual(j.returncode, 1, j.stderr)
        self.assertTrue(doc['drift'] and doc['changes_findings'])
        self.assertEqual([(x['name'], x['target'], x['service'], x['cost_locked'], x['cost_now'], x['lookups_locked'],
                           x['lookups_now'], x['permerror']) for x in doc['spf']],
                         [('example.test', '_spf.salesforce.com', 'Salesforce', 3, 5, 9, 11, True)])
        self.assertIn({'name': 's4.salesforce.com', 'type': 'TXT', 'rcode': 'NOERROR', 'detail': None},
                      doc['new_questions'])
        # the lock itself is left as it was
        with open(self.lock) as fh:
            self.assertEqual(fh.read(), text)

    def test_failed_lookup_is_not_pinned(self):
        # provider.test is served, salesforce.com is not: the server refuses it
        srv = AuthServer({'provider.test': PROVIDER}, limit=120)
        srv.__enter__()
        try:
            p = authlint('lock', '--resolver', srv.endpoint, self.zone, '-o', self.lock)
        finally:
            srv.__exit__(None, None, None)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn('_spf.salesforce.com TXT: REFUSED', p.stderr)
        self.assertIn('no lock written', p.stderr)
        self.assertFalse(os.path.exists(self.lock))

    def test_check_with_failed_lookups(self):
        # a lock made when both were served; now salesforce.com is refused: exit 2, named
        srv = AuthServer({'salesforce.com': SALESFORCE_V1, 'provider.test': PROVIDER}, limit=120)
        srv.__enter__()
        try:
            p = authlint('lock', '--resolver', srv.endpoint, self.zone, '-o', self.lock)
        finally:
            srv.__exit__(None, None, None)
        self.assertEqual(p.returncode, 0, p.stderr)
        srv = AuthServer({'provider.test': PROVIDER}, limit=120)
        srv.__enter__()
        try:
            c = authlint('lock', '--check', self.lock, self.zone, '--resolver', srv.endpoint)
        finally:
            srv.__exit__(None, None, None)
        self.assertEqual(c.returncode, 2, c.stdout + c.stderr)
        self.assertIn('_spf.salesforce.com TXT: REFUSED', c.stderr)

    def test_bad_lock_file(self):
        with open(self.lock, 'w') as fh:
            fh.write('$ORIGIN .\n; authlint-lock nxdomain\n')
        p = authlint('zone', self.zone, '--lock', self.lock)
        self.assertEqual(p.returncode, 2)
        self.assertIn('%s:2:' % self.lock, p.stderr)


if __name__ == '__main__':
    unittest.main(verbosity=2)
