#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The same zones kept in BIND, octoDNS, DNSControl (print-ir) and Terraform
(plan JSON) form give the same findings: rule ids and owners (locations differ
with the format). The inputs in tests/golden/zone-formats/ hold every record
family: SPF, DKIM keys, DMARC, MX (a null MX beside another) and DMARC report
authorization (one destination authorises, the other does not). Also: each
finding of a record points into its own input (octoDNS: file and line; JSON:
file#address), the format is recognised, and --input-format forces it.

usage: input_formats.py SOURCE_ROOT (the binary comes from $AUTHLINT)
"""
import json
import os
import subprocess
import sys

EXPECTED = sorted([
    ('DKIM013', 'old._domainkey.example.com'),   # a 1024-bit key
    ('DKIM014', 'cut._domainkey.example.com'),   # a cut key
    ('DMARC003', '_dmarc.shop.example.com'),     # SPF at the DMARC name
    ('DMARC013', '_dmarc.example.com'),          # example.net does not authorise the reports
    ('DMARC026', '_dmarc.example.com'),
    ('DMARC028', '_dmarc.example.com'),
    ('DMARC045', 'example.net'),
    ('DNS008', 'shop.example.com'),              # null MX beside another MX
    ('SPF005', 'example.net'),
    ('SPF017', 'shop.example.com'),              # +all
    ('SPF018', 'example.com'),                   # ?all
])

INPUTS = [
    ('bind', ['bind/example.com.zone', 'bind/example.net.zone'], 'bind/example.com.zone'),
    ('octodns', ['octodns'], 'octodns/example.com.yaml'),
    ('dnscontrol', ['dnscontrol/ir.json'], 'dnscontrol/ir.json#domains[0].records['),
    ('terraform', ['terraform/plan.json'], 'terraform/plan.json#aws_route53_record.'),
]


def findings(exe, cwd, args):
    r = subprocess.run([exe, 'zone', '--offline', '--format', 'jsonl'] + args, cwd=cwd,
                       capture_output=True, text=True, timeout=60, env=dict(os.environ, NO_COLOR='1'))
    out = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    return r.returncode, [o for o in out if o.get('type') == 'finding'], r.stderr


def main():
    exe = os.environ['AUTHLINT']
    case = os.path.join(sys.argv[1], 'tests/golden/zone-formats')
    problems = []
    for name, args, where in INPUTS:
        for forced in (False, True):
            extra = ['--input-format', name] if forced else []
            label = name + (' (--input-format)' if forced else '')
            code, found, err = findings(exe, case, extra + args)
            got = sorted((f['rule']['id'], f['owner']) for f in found)
            if code != 1:
                problems.append('%s: exit %d, not 1 (errors found): %s' % (label, code, err.strip()))
            if got != EXPECTED:
                problems.append('%s: findings differ from the BIND zone\n  missing %s\n  extra   %s' % (
                    label, sorted(set(EXPECTED) - set(got)), sorted(set(got) - set(EXPECTED))))
            # the findings of example.com's records point into its input (file:line or file#address)
            for f in found:
                loc = f['location']['file']
                if f['owner'] == 'old._domainkey.example.com' and (loc is None or not loc.startswith(where)):
                    problems.append('%s: the DKIM finding is located at %r, not in %s' % (label, loc, where))
                if name in ('bind', 'octodns') and loc is not None and not f['location']['line']:
                    problems.append('%s: finding %s at %s has no line' % (label, f['rule']['id'], loc))
    # a format forced on an input of another is read as that format: a clear error, not findings
    code, found, err = findings(exe, case, ['--input-format', 'terraform', 'dnscontrol/ir.json'])
    zone = [f for f in found if f['rule']['id'].startswith('ZONE')]
    if code == 0 or not zone or any(f['rule']['id'] in ('SPF017', 'DKIM013') for f in found):
        problems.append('dnscontrol IR read as terraform: exit %d, findings %s' % (
            code, sorted(f['rule']['id'] for f in found)))
    for p in problems:
        print('FAIL', p)
    print('%d formats checked, %d problems' % (len(INPUTS), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
