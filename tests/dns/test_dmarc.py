#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""DMARC and DKIM through live DNS: `authlint check` and `authlint align`
against a Knot (or NSD) on loopback serving the zone `test.`: policy
discovery and inheritance, report authorization, DKIM selector discovery,
alignment with the tree walk."""
import json
import unittest

from dnstest import AuthServer, authlint

ED25519 = '0yDJj99IxK7y6kVQZHb5c3/Nnwda68QvjxIEO+CuPiE='

ZONE = """$ORIGIN test.
$TTL 300
@       IN SOA ns.test. hostmaster.test. 1 3600 600 86400 300
@       IN NS  ns
ns      IN A   127.0.0.1
example IN MX  10 mail.example
mail.example IN A 192.0.2.1
example IN TXT "v=spf1 mx -all"
_dmarc.example IN TXT "v=DMARC1; p=reject; np=reject; rua=mailto:d@example.test,mailto:r@vendor.test"
google._domainkey.example IN TXT "v=DKIM1; k=ed25519; p=%s"
sub.example IN A 192.0.2.2
vendor  IN MX  10 mx.vendor
mx.vendor IN A 192.0.2.3
example.test._report._dmarc.vendor IN TXT "v=DMARC1"
noauth  IN TXT "v=spf1 -all"
_dmarc.noauth IN TXT "v=DMARC1; p=reject; rua=mailto:x@other.test"
other   IN MX  10 mx.vendor
_dmarc.dept.corp IN TXT "v=DMARC1; p=none; psd=n; rua=mailto:d@example.test"
_dmarc.corp IN TXT "v=DMARC1; p=reject; rua=mailto:d@example.test"
host.dept.corp IN TXT "v=spf1 -all"
""" % ED25519


def run(srv, *args):
    p = authlint(*args, '--resolver', srv.endpoint, '--format', 'jsonl')
    findings = []
    for line in p.stdout.splitlines():
        obj = json.loads(line)
        if obj.get('type') == 'domain':
            findings += obj.get('findings', [])
        elif obj.get('type') == 'finding':
            findings.append(obj)
    return p, findings


def ids(findings):
    return sorted(f['rule']['id'] for f in findings)


def find(findings, rule):
    return [f for f in findings if f['rule']['id'] == rule]


class DmarcLiveTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = AuthServer({'test': ZONE}, limit=200)
        cls.srv.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def test_healthy_domain(self):
        p, f = run(self.srv, 'check', 'example.test')
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        got = ids(f)
        # the authorized external destination and the domain's own are fine
        self.assertNotIn('DMARC013', got)
        self.assertNotIn('DMARC038', got)
        self.assertNotIn('LOOKUP001', got)
        # selector discovery found the Google Workspace key, so enforcing is backed by DKIM
        found = find(f, 'DKIM032')
        self.assertEqual(len(found), 1, got)
        self.assertIn('google (usual for Google Workspace)', found[0]['message'])
        self.assertNotIn('DMARC045', got)

    def test_unauthorized_destination(self):
        p, f = run(self.srv, 'check', 'noauth.test')
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        bad = find(f, 'DMARC013')
        self.assertEqual(len(bad), 1, ids(f))
        self.assertIn('noauth.test._report._dmarc.other.test', bad[0]['message'])

    def test_inherited_policy(self):
        p, f = run(self.srv, 'check', 'sub.example.test')
        inh = find(f, 'DMARC042')
        self.assertEqual(len(inh), 1, ids(f))
        self.assertIn('sp is not set, so p=reject applies to an existing subdomain', inh[0]['message'])
        self.assertNotIn('DMARC010', ids(f))
        # a name that does not exist gets np
        p, f = run(self.srv, 'check', 'nowhere.example.test')
        inh = find(f, 'DMARC042')
        self.assertEqual(len(inh), 1, ids(f))
        self.assertIn('np=reject applies to a non-existent subdomain', inh[0]['message'])

    def test_generations_disagree(self):
        p, f = run(self.srv, 'check', 'host.dept.corp.test')
        d = find(f, 'DMARC041')
        self.assertEqual(len(d), 1, ids(f))
        self.assertIn('_dmarc.corp.test', d[0]['message'])
        self.assertIn('_dmarc.dept.corp.test', d[0]['message'])

    def test_align(self):
        p, f = run(self.srv, 'align', '--from', 'user@example.test', '--mail-from', 'sub.example.test',
                   '--dkim-d', 'vendor.test')
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(ids(f), ['ALIGN001', 'ALIGN002', 'ALIGN003'])
        self.assertIn('sub.example.test', find(f, 'ALIGN002')[0]['message'])
        self.assertIn('vendor.test', find(f, 'ALIGN003')[0]['message'])
        # psd=n below corp.test: the generations disagree about b.corp.test and dept.corp.test
        p, f = run(self.srv, 'align', '--from', 'dept.corp.test', '--dkim-d', 'other.corp.test')
        self.assertIn('ALIGN004', ids(f))


if __name__ == '__main__':
    unittest.main(verbosity=2)
