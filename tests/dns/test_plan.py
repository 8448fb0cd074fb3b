#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`authlint plan DOMAIN` from live DNS, against a server on loopback: the
current record and its TTL as served, gates from the live lint (SPF over the
lookup limit blocks), the DKIM key of a selector, and a resolver that never
answers (no plan, exit 2, never "no record")."""
import json
import unittest

from dnstest import AuthServer, Blackhole, authlint

ED25519 = 'v=DKIM1; k=ed25519; p=BLH0X7wXFJ/KFLr/yf/KHDuE8Exe5Aq1B50Xu0Wq9fA='

ZONE = """$ORIGIN example.test.
$TTL 3600
@       IN SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 300
@       IN NS  ns
ns      IN A   127.0.0.1
@       IN MX  10 mail
mail    IN A   192.0.2.25
@       IN TXT "v=spf1 mx -all"
_dmarc 172800 IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.test"
s1._domainkey IN TXT "%(key)s"
over    IN MX  10 mail
over    IN TXT "v=spf1 include:_a.example.test include:_b.example.test include:_c.example.test " "include:_d.example.test include:_e.example.test include:_f.example.test -all"
_dmarc.over IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.test"
s1._domainkey.over IN TXT "%(key)s"
_a      IN TXT "v=spf1 a:x1.example.test a:x2.example.test -all"
_b      IN TXT "v=spf1 a:x1.example.test -all"
_c      IN TXT "v=spf1 a:x1.example.test -all"
_d      IN TXT "v=spf1 a:x1.example.test -all"
_e      IN TXT "v=spf1 a:x1.example.test -all"
_f      IN TXT "v=spf1 -all"
x1      IN A   192.0.2.1
x2      IN A   192.0.2.2
new     IN MX  10 mail
new     IN TXT "v=spf1 mx -all"
s1._domainkey.new IN TXT "%(key)s"
""" % {'key': ED25519}


class PlanLiveTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = AuthServer({'example.test': ZONE}, limit=200)
        cls.srv.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def plan(self, *args):
        p = authlint('plan', '--resolver', self.srv.endpoint, '--start', '2026-12-01', '--format', 'json',
                     *args)
        try:
            return p, json.loads(p.stdout)
        except ValueError:
            self.fail('no JSON: %r %r' % (p.stdout, p.stderr))

    def test_current_record_and_ttl_from_dns(self):
        p, d = self.plan('example.test', '--selector', 's1')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(d['complete'])
        self.assertEqual(d['current']['record'], 'v=DMARC1; p=none; rua=mailto:dmarc@example.test')
        self.assertEqual(d['current']['ttl'], 172800)
        first = d['steps'][0]
        self.assertEqual(first['id'], 'quarantine-10')
        self.assertEqual(first['status'], 'ready')
        # the record it replaces has a TTL of two days: two days before the step counts
        self.assertEqual(first['dates']['replaces_ttl'], 172800)
        self.assertEqual(first['dates']['wait_days'], 2)
        self.assertEqual(d['steps'][1]['dates']['earliest'], '2026-12-17')
        self.assertEqual(first['ttl'], 3600)
        self.assertEqual(first['effect']['domain']['rfc7489']['text'], 'quarantine 10%, rest none')
        self.assertEqual(first['effect']['domain']['rfc9989']['text'], 'none (t=y lowers quarantine)')
        gates = {g['rule']: g['state'] for g in first['gates'] if g['type'] == 'rule'}
        self.assertEqual(gates['DKIM010'], 'pass')
        self.assertEqual(gates['SPF011'], 'pass')

    def test_spf_over_the_limit_blocks(self):
        p, d = self.plan('over.example.test', '--selector', 's1')
        self.assertEqual(p.returncode, 1, p.stderr)
        first = d['steps'][0]
        self.assertEqual(first['status'], 'blocked')
        failing = {g['rule'] for g in first['gates'] if g['state'] == 'fail'}
        self.assertIn('SPF011', failing)
        self.assertEqual(d['first_blocked'], 1)
        self.assertIn('PLAN001', [f['rule'] for f in d['findings']])

    def test_no_record_starts_with_monitoring(self):
        p, d = self.plan('new.example.test', '--selector', 's1', '--rua', 'mailto:dmarc@example.test')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIsNone(d['current']['record'])
        # the negative answer's TTL: min(SOA TTL 3600, MINIMUM 300)
        self.assertEqual(d['current']['ttl'], 300)
        self.assertEqual(d['steps'][0]['id'], 'monitor')
        self.assertEqual(d['steps'][0]['record'], 'v=DMARC1; p=none; rua=mailto:dmarc@example.test')
        self.assertTrue(d['steps'][0]['rollback']['delete'])

    def test_text_and_calendar(self):
        p = authlint('plan', '--resolver', self.srv.endpoint, '--start', '2026-12-01', 'example.test',
                     '--selector', 's1', '--format', 'ics', env={'SOURCE_DATE_EPOCH': '1796083200'})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith('BEGIN:VCALENDAR'))
        self.assertEqual(p.stdout.count('BEGIN:VEVENT'), 10)


class PlanUnansweredTest(unittest.TestCase):
    def test_resolver_never_answers(self):
        with Blackhole() as hole:
            p = authlint('plan', '--resolver', hole.endpoint, '--timeout', '0.2', '--start', '2026-12-01',
                         'example.test', timeout=60)
        # no plan from a record that could not be read, and never "no record"
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn('_dmarc.example.test TXT was not answered', p.stderr)
        self.assertIn('no plan: the current record could not be read', p.stdout)
        self.assertNotIn('no DMARC record', p.stdout)
        self.assertIn('LOOKUP001', p.stdout)


if __name__ == '__main__':
    unittest.main()
