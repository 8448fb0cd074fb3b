#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""DKIM selector discovery through live DNS (`authlint check` without
--selector) against a Knot (or NSD) on loopback: the selectors of the services
named by a domain's SPF tree and MX hosts come first and find keys the common
list would not, selector2 follows a key at selector1, NXDOMAIN stops the
probing (RFC 8020), and the output says what was not probed."""
import json
import unittest

from dnstest import AuthServer, authlint

ED = '0yDJj99IxK7y6kVQZHb5c3/Nnwda68QvjxIEO+CuPiE='
KEY = '"v=DKIM1; k=ed25519; p=%s"' % ED

ZONE = """$ORIGIN test.
$TTL 300
@       IN SOA ns.test. hostmaster.test. 1 3600 600 86400 300
@       IN NS  ns
ns      IN A   127.0.0.1
; SendGrid named by the SPF include: its smtpapi selector (on no common list)
svc     IN TXT "v=spf1 include:sendgrid.net -all"
smtpapi._domainkey.svc IN TXT {key}
custom._domainkey.svc  IN TXT {key}
; Zoho named by the MX hosts: its zmail selector
mxsvc   IN MX  10 mx.zoho.com.
mxsvc   IN TXT "v=spf1 -all"
zmail._domainkey.mxsvc IN TXT {key}
; the common list only; selector2 follows the key at selector1
plain   IN TXT "v=spf1 -all"
selector1._domainkey.plain IN TXT {key}
selector2._domainkey.plain IN TXT {key}
; _domainkey exists (a key of the domain's own name) but no listed selector has a key
own     IN TXT "v=spf1 -all"
mine._domainkey.own IN TXT {key}
; no _domainkey at all
nokeys  IN TXT "v=spf1 -all"
""".format(key=KEY)

SENDGRID = """$ORIGIN sendgrid.net.
$TTL 300
@       IN SOA ns.test. hostmaster.test. 1 3600 600 86400 300
@       IN NS  ns.test.
@       IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
"""

ZOHO = """$ORIGIN zoho.com.
$TTL 300
@       IN SOA ns.test. hostmaster.test. 1 3600 600 86400 300
@       IN NS  ns.test.
mx      IN A   192.0.2.10
"""


class DiscoveryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = AuthServer({'test': ZONE, 'sendgrid.net': SENDGRID, 'zoho.com': ZOHO}, limit=200)
        cls.srv.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def check(self, domain, *args):
        p = authlint('check', domain, '--resolver', self.srv.endpoint, '--format', 'jsonl',
                     '--fail-on', 'never', *args)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        lines = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
        dom = [l for l in lines if l.get('type') == 'domain']
        self.assertEqual(len(dom), 1, p.stdout)
        return dom[0]

    def finding(self, dom, rule):
        got = [f for f in dom['findings'] if f['rule']['id'] == rule]
        self.assertEqual(len(got), 1, [f['rule']['id'] for f in dom['findings']])
        return got[0]['message']

    def ids(self, dom):
        return {f['rule']['id'] for f in dom['findings']}

    def test_spf_service_first(self):
        dom = self.check('svc.test')
        msg = self.finding(dom, 'DKIM032')
        # SendGrid's selectors first, because its include is in the SPF tree, then the common list
        self.assertIn('probed (s1, s2, smtpapi (Twilio SendGrid, in the SPF tree); common: selector1,', msg)
        self.assertIn('keys found at smtpapi (usual for Twilio SendGrid)', msg)
        # a selector of the domain's own is not found, and the finding says such were not probed
        self.assertNotIn('custom', msg)
        self.assertIn('and any selector of the domain\'s own were not probed', msg)
        self.assertEqual(dom['dkim']['selectors_from'], 'discovered')
        self.assertEqual(dom['dkim']['selectors_asked'], 9)  # 3 of SendGrid + 6 more common ones
        self.assertEqual(dom['dkim']['keys'], 1)
        self.assertGreater(dom['dkim']['not_probed'], 0)
        # --no-discover: no probing at all, and the inventory says none were looked at
        nd = self.check('svc.test', '--no-discover')
        self.assertEqual(nd['dkim']['selectors_from'], 'none')
        self.assertNotIn('DKIM032', self.ids(nd))
        self.assertNotIn('not_probed', nd['dkim'])
        # each selector probed is one question more than without discovery
        self.assertEqual(dom['questions'] - nd['questions'], 9)

    def test_mx_service(self):
        dom = self.check('mxsvc.test')
        msg = self.finding(dom, 'DKIM032')
        self.assertIn('probed (zmail, zoho (Zoho Mail, the MX hosts); common: selector1,', msg)
        self.assertIn('keys found at zmail (usual for Zoho Mail)', msg)

    def test_common_and_pair(self):
        dom = self.check('plain.test')
        msg = self.finding(dom, 'DKIM032')
        self.assertIn('9 selectors probed (common: selector1, google, k1, s1, s2, default, dkim, mail; '
                      'selector2 (paired with selector1, which holds a key))', msg)
        self.assertEqual(sorted(dom['dkim']['usable']), ['selector1', 'selector2'])

    def test_not_found_is_not_no_key(self):
        dom = self.check('own.test')
        msg = self.finding(dom, 'DKIM033')
        self.assertIn('no key at any of the 8 selectors probed', msg)
        self.assertIn('were not probed, so a key may still be published', msg)
        self.assertEqual(dom['dkim']['keys'], 0)
        self.assertGreater(dom['dkim']['not_probed'], 0)
        # the text output says the same
        p = authlint('check', 'own.test', '--resolver', self.srv.endpoint, '--fail-on', 'never')
        self.assertIn('were not probed', p.stdout)
        # given the selector, the key is found and checked
        g = self.check('own.test', '--selector', 'mine')
        self.assertEqual(g['dkim']['selectors_from'], 'given')
        self.assertEqual(g['dkim']['keys'], 1)

    def test_early_stop(self):
        # _domainkey.nokeys.test does not exist: nothing below it is asked
        dom = self.check('nokeys.test')
        msg = self.finding(dom, 'DKIM033')
        self.assertIn('_domainkey.nokeys.test does not exist (NXDOMAIN)', msg)
        self.assertEqual(dom['dkim']['selectors_asked'], 0)
        nd = self.check('nokeys.test', '--no-discover')
        self.assertEqual(dom['questions'], nd['questions'])
        # the domain itself does not exist: neither is anything below it
        dom = self.check('gone.test')
        msg = self.finding(dom, 'DKIM033')
        self.assertIn('gone.test does not exist (NXDOMAIN), so no selector below it does', msg)
        self.assertNotIn('_domainkey.gone.test does not exist', msg)
        nd = self.check('gone.test', '--no-discover')
        self.assertEqual(dom['questions'], nd['questions'])


if __name__ == '__main__':
    unittest.main(verbosity=2)
