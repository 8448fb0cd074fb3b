#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`authlint triage` end to end against real DNS: a Knot (or NSD) on loopback
serves the zones of tests/data/triage (the DKIM keys of the signed test
messages among them, and a stand-in for a catalogued service's SPF), one
message per verdict; and a silent server, so that lookups that time out give a
clear result, never a pass."""
import json
import os
import unittest

from dnstest import AuthServer, BadServer, authlint

ROOT = os.environ.get('AUTHLINT_SOURCE_ROOT', os.path.join(os.path.dirname(__file__), '..', '..'))
DATA = os.path.join(ROOT, 'tests', 'data', 'triage')


def zone_text(path):
    with open(path) as fh:
        return fh.read()


def triage(endpoint, name, *extra):
    p = authlint('triage', '--resolver', endpoint, '--format', 'json', *extra, os.path.join(DATA, name))
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        raise AssertionError('not JSON: %r %r' % (p.stdout[:400], p.stderr[:400]))
    return p, doc


def rules(doc):
    return sorted(f['rule'] for f in doc['findings'])


class TriageLive(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        zones = {name: zone_text(os.path.join(DATA, name + '.zone'))
                 for name in ('example.com', 'esp.example', 'list.example', 'sender.example')}
        zones['sendgrid.net'] = zone_text(os.path.join(ROOT, 'tests', 'data', 'reports', 'zones', 'sendgrid.net.zone'))
        # the parents the RFC 9989 tree walk asks (_dmarc.com, _dmarc.example): empty, so NXDOMAIN
        for tld in ('com', 'example', 'net'):
            zones[tld] = '$ORIGIN %s.\n$TTL 300\n@ SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n' % (
                tld, tld, tld)
        cls.srv = AuthServer(zones, limit=240)
        cls.srv.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def verdict(self, name, expected, code=None):
        p, doc = triage(self.srv.endpoint, name)
        self.assertEqual(doc['verdict']['name'], expected, json.dumps(doc, indent=1)[:3000])
        self.assertTrue(doc['verified'])
        if code is not None:
            self.assertEqual(p.returncode, code, p.stderr)
        return doc

    def test_pass_by_dkim_rsa_and_ed25519(self):
        for name in ('dkim-pass.eml', 'ed25519.eml'):
            doc = self.verdict(name, 'pass', 0)
            sig = doc['dkim'][0]
            self.assertEqual((sig['result'], sig['aligned'], sig['d']), ('pass', True, 'example.com'), name)
            self.assertIn('SIG001', rules(doc))
            self.assertEqual(doc['dmarc']['result'], 'pass')
        self.assertEqual(doc['dkim'][0]['a'], 'ed25519-sha256')

    def test_service_not_in_spf(self):
        doc = self.verdict('service.eml', 'service-not-in-spf', 1)
        self.assertEqual(doc['verdict']['service'], 'Twilio SendGrid')
        self.assertEqual(doc['verdict']['include'], 'sendgrid.net')
        self.assertIn('include:sendgrid.net', doc['verdict']['fix'])
        self.assertEqual(doc['verdict']['who'], 'dns-owner')

    def test_dkim_missing_and_not_aligned(self):
        doc = self.verdict('dkim-missing.eml', 'dkim-missing', 1)
        self.assertEqual(doc['spf']['result'], 'pass')
        self.assertFalse(doc['spf']['aligned'])
        doc = self.verdict('dkim-not-aligned.eml', 'dkim-not-aligned', 1)
        self.assertEqual(doc['dkim'][0]['d'], 'esp.example')
        self.assertEqual(doc['verdict']['who'], 'sending-service-admin')

    def test_dns_changed(self):
        doc = self.verdict('dns-changed.eml', 'dns-changed')
        self.assertTrue(any('SPF' in d for d in doc['differences']), doc['differences'])
        doc = self.verdict('dns-changed-dkim.eml', 'dns-changed')
        self.assertTrue(any('DKIM' in d for d in doc['differences']), doc['differences'])

    def test_unauthorized(self):
        doc = self.verdict('unauthorized.eml', 'unauthorized-sender', 1)
        self.assertIsNone(doc['verdict']['service'])

    def test_forwarded_through_a_list_with_arc(self):
        doc = self.verdict('forwarded.eml', 'forwarded')
        self.assertEqual(doc['arc']['cv'], 'pass')
        self.assertEqual(doc['dkim'][0]['result'], 'fail')
        self.assertIn('SIG002', rules(doc))  # the body hash: a footer was added
        self.assertIn('ARC001', rules(doc))
        doc = self.verdict('arc-broken.eml', 'forwarded')
        self.assertEqual(doc['arc']['cv'], 'fail')
        self.assertEqual(doc['arc']['failed_instance'], 1)
        self.assertIn('ARC002', rules(doc))

    def test_signature_problems(self):
        cases = {'sig-sha1.eml': ('refused', 'SIG005'), 'sig-expired.eml': ('fail', 'SIG006'),
                 'sig-nokey.eml': ('permerror', 'SIG004'), 'sig-broken.eml': ('fail', 'SIG003'),
                 'sig-malformed.eml': ('permerror', 'SIG008')}
        for name, (result, rule) in cases.items():
            p, doc = triage(self.srv.endpoint, name)
            self.assertEqual(doc['dkim'][0]['result'], result, (name, doc['dkim']))
            self.assertIn(rule, rules(doc), name)
            self.assertNotIn('SIG001', rules(doc), name)
        p, doc = triage(self.srv.endpoint, 'sig-length.eml')
        self.assertEqual(doc['dkim'][0]['result'], 'pass')
        self.assertIn('SIG009', rules(doc))

    def test_every_bounce_code_is_explained(self):
        messages = os.path.join(ROOT, 'tests', 'data', 'messages')
        names = sorted(n for n in os.listdir(messages) if n.startswith('bounce-') and n.endswith('.eml'))
        self.assertGreater(len(names), 20)
        for name in names:
            p = authlint('triage', '--resolver', self.srv.endpoint, '--format', 'json', os.path.join(messages, name))
            doc = json.loads(p.stdout)
            known = doc['bounce']['known']
            self.assertIsNotNone(known, name)
            # bounce-gmail-5.7.26-dmarc.eml is the entry gmail-5.7.26-dmarc
            self.assertEqual(known['id'], name[len('bounce-'):-len('.eml')], name)
            self.assertIn('TRIAGE008', rules(doc), name)
            self.assertTrue(doc['verified'])
            self.assertNotEqual(doc['spf']['result'], 'not-checked', name)

    def test_key_lookup_that_times_out_is_never_a_pass(self):
        # the server answers the domain's SPF and DMARC, and never the key (its first label is "silent")
        records = {'example.com': ['v=spf1 ip4:192.0.2.0/28 -all'],
                   '_dmarc.example.com': ['v=DMARC1; p=reject']}
        with BadServer(records=records, limit=120) as bad:
            p, doc = triage(bad.endpoint, 'sig-timeout.eml', '--timeout', '1')
        self.assertEqual(doc['dkim'][0]['result'], 'temperror', doc['dkim'])
        self.assertIn('SIG007', rules(doc))
        self.assertNotEqual(doc['verdict']['name'], 'pass')
        self.assertEqual(doc['spf']['result'], 'fail')


if __name__ == '__main__':
    unittest.main()
