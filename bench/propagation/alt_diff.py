#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end check of `authlint propagation` on the benchmark data.

Serves DIR/test.zone and DIR/test.alt.zone (written by
/work/shared/bench/gen_zone.py: about 1% of domains changed on the alt side,
its serial one behind) from two Knot instances on loopback addresses of their
own (tests/dns/servers.py: started and stopped by pid), runs
`authlint propagation` over every changed domain and as many unchanged ones,
and compares the TXT names it finds inconsistent with DIR/alt_diff.tsv.

    bench/propagation/alt_diff.py BUILD/src/cli/authlint DIR [--unchanged N]

Prints the counts, the time of the run, and every difference between what
authlint found and what alt_diff.tsv lists; exits 1 when there is one.
MX changes are listed in alt_diff.tsv but are not among the names
propagation asks (SPF, DMARC, DKIM, report authorizations, SOA).
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'tests', 'dns'))

from servers import AuthServer  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('authlint')
    ap.add_argument('dir')
    ap.add_argument('--unchanged', type=int, default=100)
    ap.add_argument('--seed', type=int, default=7)
    a = ap.parse_args()

    listed = {}
    changed = set()
    with open(os.path.join(a.dir, 'alt_diff.tsv')) as fh:
        next(fh)
        for line in fh:
            name, rtype, what = line.rstrip('\n').split('\t')
            name = name.rstrip('.').lower()
            listed[(name, rtype)] = what
            # the domain a name belongs to: the label before .test
            labels = name.split('.')
            changed.add(labels[-2] + '.' + labels[-1])
    with open(os.path.join(a.dir, 'domains.txt')) as fh:
        domains = [l.strip() for l in fh if l.strip()]
    rnd = random.Random(a.seed)
    unchanged = rnd.sample([d for d in domains if d not in changed], a.unchanged)
    asked = sorted(changed) + sorted(unchanged)

    texts = {}
    for f in ('test.zone', 'test.alt.zone', 'rev.zone'):
        with open(os.path.join(a.dir, f)) as fh:
            texts[f] = fh.read()
    with AuthServer({'test': texts['test.zone']}, kind='knot', limit=900) as primary, \
            AuthServer({'test': texts['test.alt.zone']}, kind='knot', limit=900) as alt:
        argv = [a.authlint, 'propagation', '--format', 'json', '--no-discover', '--zone',
                os.path.join(a.dir, 'test.zone'), '--zone', os.path.join(a.dir, 'test.alt.zone'),
                '--server', 'ns1.test=' + primary.endpoint, '--server', 'ns2.test=' + alt.endpoint] + asked
        t0 = time.monotonic()
        p = subprocess.run(argv, capture_output=True, text=True, timeout=900)
        elapsed = time.monotonic() - t0
    if p.returncode not in (0, 1, 2):
        print(p.stderr)
        return 2
    doc = json.loads(p.stdout)
    found = {}
    names = 0
    for d in doc['domains']:
        for n in d['names']:
            names += 1
            if n['rrtype'] == 'SOA':
                continue
            if n['verdict'] != 'consistent' or n['incomplete']:
                found[(n['name'], n['rrtype'])] = n['verdict']
    expected = {k: v for k, v in listed.items() if k[1] == 'TXT'}
    missed = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    serial_behind = sum(1 for d in doc['domains'] for s in d['servers'] if s['serial_state'] == 'behind')
    print('domains asked: %d (%d changed, %d unchanged); names compared: %d; queries: %d; %.2f s (exit %d)'
          % (len(asked), len(changed), len(unchanged), names, doc['queries'], elapsed, p.returncode))
    print('alt_diff.tsv: %d entries, %d TXT, %d MX (MX is not asked)'
          % (len(listed), len(expected), sum(1 for k in listed if k[1] == 'MX')))
    print('inconsistent TXT names found: %d; listed and found: %d; missed: %d; found but not listed: %d'
          % (len(found), len(set(found) & set(expected)), len(missed), len(extra)))
    print('domains whose SOA serial differs (alt one behind): %d of %d' % (serial_behind, len(asked)))
    for k in missed:
        print('missed:', k, expected[k])
    for k in extra:
        print('not listed:', k, found[k])
    return 1 if missed or extra else 0


if __name__ == '__main__':
    sys.exit(main())
