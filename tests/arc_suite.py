#!/usr/bin/env python3
"""The ValiMail ARC validation suite (tests/data/arc-suite) through the binary:
every scenario's message goes through `authlint triage --offline --zone ...
--format json`, with the scenario's key records in one zone file per domain
(with a SOA, so a key that is not there is an NXDOMAIN, not a name outside the
zones), and the reported arc.cv must be the suite's cv, except for the
scenarios listed in DIFFERENT, each with the reason."""
import json
import os
import subprocess
import sys
import tempfile

import yaml

ROOT = os.environ.get('AUTHLINT_SOURCE_ROOT', os.path.join(os.path.dirname(__file__), '..'))
AUTHLINT = os.environ.get('AUTHLINT', os.path.join(ROOT, 'build', 'src', 'cli', 'authlint'))
SUITE = os.path.join(ROOT, 'tests', 'data', 'arc-suite', 'arc-draft-validation-tests.yml')

# scenario -> (what authlint answers, why)
DIFFERENT = {
    'cv_empty': ('error', 'an empty file is not a message: triage says so and exits 2'),
    'cv_no_headers': ('error', 'a body without header fields is not a message: triage says so and exits 2'),
    # RFC 8617 5.2 step 2: the newest ARC-Seal's cv=fail makes the chain
    # validation status "fail"; the suite answers none (a failed chain is
    # *treated* as no chain, 5.2's last paragraph, but its status is fail).
    'cv_fail_i1_as_cv_fail': ('fail', 'RFC 8617 5.2 step 2'),
    'cv_fail_i2_as2_fail': ('fail', 'RFC 8617 5.2 step 2'),
    'cv_fail_i2_as1_fail': ('fail', 'RFC 8617 5.2 step 3.3'),
}


def zone_files(records, tmp):
    """One zone file per registered domain (the last two labels), with a SOA."""
    by_apex = {}
    for name, value in records.items():
        apex = '.'.join(name.rstrip('.').split('.')[-2:])
        by_apex.setdefault(apex, []).append((name.rstrip('.'), value))
    args = []
    for apex, recs in sorted(by_apex.items()):
        lines = ['$ORIGIN %s.' % apex, '$TTL 300',
                 '@ SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300' % (apex, apex), '@ NS ns']
        for name, value in recs:
            chunks = [value[i:i + 200] for i in range(0, len(value), 200)] or ['']
            lines.append('%s. TXT %s' % (name, ' '.join('"%s"' % c.replace('\\', '\\\\').replace('"', '\\"')
                                                          for c in chunks)))
        path = os.path.join(tmp, apex + '.zone')
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        args += ['--zone', path]
    return args


def main():
    with open(SUITE) as f:
        scenarios = list(yaml.safe_load_all(f))
    agree = differ_as_documented = 0
    wrong = []
    with tempfile.TemporaryDirectory() as tmp:
        for sc in scenarios:
            zones = zone_files(sc['txt-records'], tmp)
            for name, t in sc['tests'].items():
                msg = os.path.join(tmp, 'm.eml')
                with open(msg, 'w', newline='') as f:
                    f.write((t['message'] or '').replace('\r\n', '\n').replace('\n', '\r\n'))
                p = subprocess.run([AUTHLINT, 'triage', '--offline', *zones, '--format', 'json', msg],
                                   capture_output=True, text=True, timeout=60)
                if p.returncode == 2 and not p.stdout.strip():
                    got = 'error'
                else:
                    got = json.loads(p.stdout)['arc']['cv']
                expected = (t['cv'] or 'none').lower()
                if name in DIFFERENT:
                    if got == DIFFERENT[name][0]:
                        differ_as_documented += 1
                    else:
                        wrong.append((name, DIFFERENT[name][0], got, p.stderr.strip()[:200]))
                elif got == expected:
                    agree += 1
                else:
                    wrong.append((name, expected, got, p.stderr.strip()[:200]))
    total = agree + differ_as_documented + len(wrong)
    print('ARC suite: %d of %d as the suite expects, %d differ as documented (RFC 8617 over the suite), %d wrong'
          % (agree, total, differ_as_documented, len(wrong)))
    for w in wrong:
        print('  %s: expected %s, got %s %s' % w)
    return 1 if wrong else 0


if __name__ == '__main__':
    sys.exit(main())
