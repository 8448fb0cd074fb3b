#!/usr/bin/env python3
"""Compare authlint's check_host() results with pyspf's on the same domains.

  compare.py AUTHLINT.jsonl PYSPF.tsv

AUTHLINT.jsonl: `authlint spf --domains-file ... --format jsonl` (one object per domain).
PYSPF.tsv: pyspf_run.py --out (domain, result, lookups, void lookups, explanation).
Prints how many results agree, the disagreements by pair with examples, and how the
lookup counts compare where the results agree.
"""
import collections
import json
import sys


def main():
    ours = {}
    with open(sys.argv[1]) as fh:
        for line in fh:
            line = line.strip()
            if line.startswith('{'):
                o = json.loads(line)
                ours[o['domain']] = o
    theirs = {}
    with open(sys.argv[2]) as fh:
        for line in fh:
            parts = line.rstrip('\n').split('\t')
            if len(parts) >= 4:
                theirs[parts[0].rstrip('.').lower()] = parts
    common = sorted(set(ours) & set(theirs))
    same = 0
    pairs = collections.Counter()
    examples = collections.defaultdict(list)
    lookups_same = lookups_diff = 0
    lookup_examples = []
    for d in common:
        a, b = ours[d], theirs[d]
        if a['result'] == b[1]:
            same += 1
            if int(b[2]) == a['lookups']:
                lookups_same += 1
            else:
                lookups_diff += 1
                if len(lookup_examples) < 5:
                    lookup_examples.append(f"{d}: authlint {a['lookups']}, pyspf {b[2]}")
        else:
            pairs[(a['result'], b[1])] += 1
            if len(examples[(a['result'], b[1])]) < 3:
                examples[(a['result'], b[1])].append(
                    f"{d}: authlint: {a.get('reason') or a.get('mechanism')}; pyspf: {b[4] if len(b) > 4 else ''}")
    print(f"{len(common)} domains in both; results agree on {same} ({100.0 * same / max(1, len(common)):.2f}%)")
    print(f"where they agree, lookup counts agree on {lookups_same}, differ on {lookups_diff}")
    for e in lookup_examples:
        print(f"  {e}")
    for (x, y), n in pairs.most_common():
        print(f"authlint {x} / pyspf {y}: {n}")
        for e in examples[(x, y)]:
            print(f"  {e}")
    only = len(set(ours) ^ set(theirs))
    if only:
        print(f"{only} domains in one output only")


if __name__ == '__main__':
    main()
