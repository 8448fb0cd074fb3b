#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Refresh the provider snapshot (data/provider-spf.yaml) from live DNS.

For every literal include target of the senders catalog (data/senders.yaml,
patterns such as '^_spf\\.google\\.com$') and every target already in the
snapshot, ask authlint for the target's lookup tree through the resolver
given, and write what include:<target> costs (its lookups plus the include
itself) and its void lookups, dated today, with the resolver as the source.
authlint does the counting (RFC 7208 section 4.6.4), so the snapshot and the
lint agree on what a lookup is.

A target whose tree is not complete (a lookup failed, a macro, no record) is
not given a figure: it keeps the entry it had, if any, and is named on
standard error; the exit status is then 1.

usage: refresh-provider-spf.py --resolver IP[:PORT] [--authlint PATH]
           [--senders FILE] [--snapshot FILE] [--out FILE] [--date YYYY-MM-DD]
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys

import yaml  # python3-yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# a pattern that names one domain: ^label\.label...$ with nothing else
LITERAL = re.compile(r'^\^((?:[A-Za-z0-9_-]+\\\.)+[A-Za-z0-9-]+)\$$')


def literal_targets(senders_path):
    """Include targets that senders.yaml names literally, in file order."""
    with open(senders_path, encoding='utf-8') as fh:
        doc = yaml.safe_load(fh) or {}
    out = []
    for sender in doc.get('senders') or []:
        for pat in sender.get('spf') or []:
            lit = LITERAL.match(str(pat))
            if lit:
                name = lit.group(1).replace('\\.', '.').lower()
                if name not in out:
                    out.append(name)
    return out


def snapshot_entries(path):
    """({include: entry}, [include, ...]) of an existing snapshot file."""
    if not os.path.exists(path):
        return {}, []
    with open(path, encoding='utf-8') as fh:
        doc = yaml.safe_load(fh) or {}
    entries, order = {}, []
    for e in doc.get('providers') or []:
        name = str(e.get('include', '')).lower()
        if name and name not in entries:
            entries[name] = {k: str(v) for k, v in e.items()}
            order.append(name)
    return entries, order


def measure(authlint, resolver, name, timeout):
    """(lookups of include:name, void lookups) or (None, reason)."""
    p = subprocess.run([authlint, 'spf', '--tree', '--format', 'json', '--resolver', resolver,
                        '--timeout', str(timeout), '--provider-snapshot', 'none', name],
                       capture_output=True, text=True, timeout=max(60, timeout * 40))
    try:
        tree = json.loads(p.stdout)
    except ValueError:
        return None, (p.stderr.strip() or 'no answer from authlint')
    if tree.get('status') != 'ok':
        return None, 'its record: %s' % tree.get('status')
    if not tree.get('lookups_complete'):
        return None, '%d target(s) below it could not be followed' % tree.get('not_followed', 0)
    return (tree['lookups'] + 1, tree['void_lookups']), None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--resolver', required=True, help='IP[:PORT] of the resolver to ask')
    ap.add_argument('--authlint', default=os.path.join(ROOT, 'build', 'src', 'cli', 'authlint'))
    ap.add_argument('--senders', default=os.path.join(ROOT, 'data', 'senders.yaml'))
    ap.add_argument('--snapshot', default=os.path.join(ROOT, 'data', 'provider-spf.yaml'))
    ap.add_argument('--out', help='where to write (default: --snapshot)')
    ap.add_argument('--date', default=datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d'))
    ap.add_argument('--timeout', type=float, default=2.0)
    args = ap.parse_args()
    if not re.match(r'^\d{4}-\d{2}-\d{2}$', args.date):
        ap.error('--date must be YYYY-MM-DD')

    old, order = snapshot_entries(args.snapshot)
    names = list(order)
    for n in literal_targets(args.senders):
        if n not in names:
            names.append(n)
    if len(names) > 1024:
        ap.error('more than 1024 targets')

    lines = ['# The provider snapshot: what the SPF include targets of sending services cost,',
             '# for the lookup tree to use when it cannot look a target up. Written by',
             '# scripts/refresh-provider-spf.py from live DNS (see data/provider-spf.yaml for the',
             '# fields); a target it could not measure keeps its earlier entry.',
             'snapshot: %s' % args.date, 'providers:']
    failed = 0
    for name in names:
        got, why = measure(args.authlint, args.resolver, name, args.timeout)
        if got is not None:
            lookups, voids = got
            source = 'DNS through %s, scripts/refresh-provider-spf.py' % args.resolver
            entry = {'include': name, 'lookups': str(lookups), 'void-lookups': str(voids),
                     'source': source, 'seen': args.date}
        else:
            failed += 1
            print('%s: not refreshed: %s' % (name, why), file=sys.stderr)
            entry = old.get(name)
            if entry is None:
                continue
        lines.append('  - include: %s' % entry['include'])
        lines.append('    lookups: %s' % entry['lookups'])
        lines.append('    void-lookups: %s' % entry.get('void-lookups', '0'))
        lines.append('    source: "%s"' % entry['source'].replace('"', "'"))
        lines.append('    seen: %s' % entry['seen'])
    if lines[-1] == 'providers:':
        lines[-1] = 'providers: []'
    with open(args.out or args.snapshot, 'w', encoding='utf-8') as fh:
        fh.write('\n'.join(lines) + '\n')
    print('%d of %d targets refreshed' % (len(names) - failed, len(names)), file=sys.stderr)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
