#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""scripts/refresh-provider-spf.py against a Knot (or NSD) on loopback: it
measures each literal include target of a senders catalog through authlint,
keeps the old entry of a target it cannot measure, and the file it writes is
a snapshot authlint reads."""
import os
import subprocess
import sys
import tempfile
import unittest

import yaml

from dnstest import AUTHLINT, AuthServer, authlint

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, 'scripts', 'refresh-provider-spf.py')

ZONE = """$ORIGIN provider.test.
$TTL 300
@       IN SOA ns hostmaster 1 3600 600 86400 300
@       IN NS  ns
ns      IN A   127.0.0.1
_spf    IN TXT "v=spf1 include:a.provider.test include:b.provider.test ~all"
a       IN TXT "v=spf1 ip4:192.0.2.0/25 -all"
b       IN TXT "v=spf1 ip4:192.0.2.128/25 -all"
flat    IN TXT "v=spf1 ip4:198.51.100.0/24 -all"
voidy   IN TXT "v=spf1 a:nx1.provider.test ip4:203.0.113.0/24 -all"
macro   IN TXT "v=spf1 include:%{i}.x.provider.test -all"
"""

SENDERS = r"""senders:
  - id: one
    name: One
    spf: ['^_spf\.provider\.test$', '^u[0-9]+\.provider\.test$']
  - id: two
    name: Two
    spf: ['^flat\.provider\.test$', '^voidy\.provider\.test$', '^macro\.provider\.test$']
"""

OLD = """snapshot: 2025-01-01
providers:
  - {include: macro.provider.test, lookups: 7, source: an older run, seen: 2025-01-01}
  - {include: flat.provider.test, lookups: 9, source: an older run, seen: 2025-01-01}
"""


class RefreshTest(unittest.TestCase):
    def test_refresh_from_dns(self):
        with AuthServer({'provider.test': ZONE}, limit=120) as srv, tempfile.TemporaryDirectory() as d:
            senders = os.path.join(d, 'senders.yaml')
            old = os.path.join(d, 'old.yaml')
            new = os.path.join(d, 'new.yaml')
            with open(senders, 'w') as fh:
                fh.write(SENDERS)
            with open(old, 'w') as fh:
                fh.write(OLD)
            p = subprocess.run([sys.executable, SCRIPT, '--authlint', AUTHLINT, '--resolver', srv.endpoint,
                                '--senders', senders, '--snapshot', old, '--out', new, '--date', '2026-12-01',
                                '--timeout', '1'], capture_output=True, text=True, timeout=120,
                               env=dict(os.environ, AUTHLINT_RESOLV_CONF='/dev/null'))
            # the macro target cannot be measured: named, old entry kept, exit 1
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn('macro.provider.test: not refreshed', p.stderr)
            with open(new) as fh:
                doc = yaml.safe_load(fh)
            self.assertEqual(str(doc['snapshot']), '2026-12-01')
            got = {e['include']: e for e in doc['providers']}
            self.assertEqual(set(got), {'macro.provider.test', 'flat.provider.test', '_spf.provider.test',
                                        'voidy.provider.test'})
            self.assertEqual(got['_spf.provider.test']['lookups'], 3)   # the include and a, b
            self.assertEqual(got['flat.provider.test']['lookups'], 1)   # measured again, not the old 9
            self.assertEqual((got['voidy.provider.test']['lookups'], got['voidy.provider.test']['void-lookups']),
                             (2, 1))
            self.assertEqual(got['macro.provider.test']['lookups'], 7)  # kept
            self.assertIn(srv.endpoint, got['flat.provider.test']['source'])
            # authlint reads what it wrote, offline
            q = authlint('record', 'spf', 'v=spf1 include:_spf.provider.test include:flat.provider.test -all',
                         '--domain', 'example.com', '--offline', '--provider-snapshot', new, '--format', 'jsonl')
            ids = [l for l in q.stdout.splitlines() if '"SPF039"' in l]
            self.assertEqual(len(ids), 1, q.stdout + q.stderr)
            self.assertIn('needs 4 of the 10', ids[0])


if __name__ == '__main__':
    unittest.main(verbosity=2)
