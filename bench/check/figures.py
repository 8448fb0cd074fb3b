#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The figures of bench/check/run.sh: for the last batch of each (tool, mode, n),
the median run's domains/s, queries/s (authlint: the queries it reports on stderr
with -v), peak RSS and CPU, beside the server's dnsperf rate of the same run."""
import collections
import json
import os
import re
import statistics
import sys

res = sys.argv[1] if len(sys.argv) > 1 else 'results'
rows = [json.loads(l) for l in open(os.path.join(res, 'results.jsonl')) if l.strip()]
groups = collections.OrderedDict()
for r in rows:
    k = (r['tool'], r['mode'], r['n'])
    if r.get('rep') == 1 or k not in groups:
        groups[k] = []
    groups[k].append(r)
server = {n: statistics.median(x['qps'] for x in rs) for (t, m, n), rs in groups.items() if t == 'dnsperf'}
print('| tool | mode | domains | wall s | domains/s | queries/s | of server rate | peak RSS MiB | CPU % | rc |')
print('|---|---|---|---|---|---|---|---|---|---|')
for (tool, mode, n), rs in groups.items():
    if tool == 'dnsperf':
        continue
    m = sorted(rs, key=lambda x: x['wall_s'])[len(rs) // 2]
    qps = ''
    share = ''
    if tool == 'authlint':
        err = os.path.join(res, 'logs', '%s.%s.n%d.r%d.err' % (tool, mode, n, m['rep']))
        try:
            q = re.search(r'; (\d+) queries', open(err).read())
            if q:
                v = int(q.group(1)) / m['wall_s']
                qps = '%.0f' % v
                if server.get(n):
                    share = '%.0f%%' % (100 * v / server[n])
        except OSError:
            pass
    print('| %s | %s | %d | %.2f | %.0f | %s | %s | %.0f | %s | %s |' % (
        tool, mode, n, m['wall_s'], n / m['wall_s'], qps, share, m['maxrss_kb'] / 1024, m['cpu_pct'], m['rc']))
for n, q in server.items():
    print('\nserver (Knot, 1 UDP worker) under dnsperf, n=%d: %.0f queries/s' % (n, q))
