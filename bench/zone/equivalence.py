#!/usr/bin/env python3
"""Compare the SPF and DMARC findings of `zone` and `check` per domain.

usage: equivalence.py DOMAINS ZONE.jsonl CHECK.jsonl

A finding belongs to domain D when its owner is D or _dmarc.D. Rules that say
something only one mode can see are left out: LOOKUP* (what the zone file
does not hold), DMARC042 (check spells out an inherited policy).
"""
import collections
import json
import sys

SKIP = {'DMARC042'}


def findings(path, domains):
    out = collections.defaultdict(collections.Counter)
    with open(path) as fh:
        for line in fh:
            obj = json.loads(line)
            found = obj.get('findings', []) if obj.get('type') == 'domain' else [obj]
            for f in found:
                if f.get('type', 'finding') != 'finding' or 'rule' not in f:
                    continue
                rid = f['rule']['id']
                if not rid.startswith(('SPF', 'DMARC')) or rid in SKIP:
                    continue
                owner = (f.get('owner') or '').rstrip('.').lower()
                dom = owner[len('_dmarc.'):] if owner.startswith('_dmarc.') else owner
                if dom in domains:
                    out[dom][rid] += 1
    return out


def main():
    with open(sys.argv[1]) as fh:
        domains = {l.strip().rstrip('.').lower() for l in fh if l.strip() and not l.startswith('#')}
    zone = findings(sys.argv[2], domains)
    check = findings(sys.argv[3], domains)
    empty = collections.Counter()
    differ = sorted(d for d in domains if set(zone.get(d, empty)) != set(check.get(d, empty)))
    counts = sorted(d for d in domains if d not in differ and zone.get(d, empty) != check.get(d, empty))
    rules = collections.Counter()
    for d in differ:
        z, c = zone.get(d, collections.Counter()), check.get(d, collections.Counter())
        for r in set(z) | set(c):
            if z[r] != c[r]:
                rules[r] += 1
    print('%d of %d domains differ in the SPF and DMARC rules they raise' % (len(differ), len(domains)))
    if counts:
        # the same rules, raised a different number of times (two records at one
        # name each with the same finding were once collapsed into one in check mode)
        print('%d more raise the same rules a different number of times, e.g. %s: zone %s, check %s' %
              (len(counts), counts[0], dict(zone[counts[0]]), dict(check[counts[0]])))
    for r, n in rules.most_common():
        print('  %-9s %d domains' % (r, n))
    for d in differ[:5]:
        print('  e.g. %s: zone %s, check %s' % (d, dict(zone.get(d, {})), dict(check.get(d, {}))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
