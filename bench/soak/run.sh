#!/usr/bin/env bash
# Soak: `authlint check` over N generated domains (default 100,000) against a set
# of misbehaving servers on loopback (bench/soak/soakserver.py: silent, slow,
# truncating with TCP refused, malformed, wrong id or question, SERVFAIL,
# REFUSED, a TXT of 10,000 strings, CNAME loops, include chains 50 deep, include
# trees that fan out to 11,110 names). About one domain in eight misbehaves (the
# classes in turn), the rest answer well. Measured: total time and peak memory
# (/usr/bin/time -v), that every domain has a result line, and per class the
# domains with failed lookups (LOOKUP001), with lookups not made (LOOKUP002), and
# incomplete results, from the jsonl.
#
#   bench/soak/run.sh                 # N=100000
#   N=10000 bench/soak/run.sh
#
#   SERVERS   server processes, each on its own 127.77.0.X:5390 (default 2); every
#             one is given to authlint as a resolver
#   JOBS      authlint -j (default 500)   THREADS  authlint --threads (default 1)
#   TIMEOUT   authlint --timeout (default 2)   DELAY  the slow servers' delay (0.5)
#   LIMIT     seconds after which the servers stop by themselves (default 7200)
#   AUTHLINT  the binary to run (default: a release build in $WORK/build)
#
# The servers are stopped by their pids when the script ends (trap), also on
# failure or interruption. Results in $WORK/soak/ (WORK: build-bench in the tree).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
N=${N:-100000}
SERVERS=${SERVERS:-2}
JOBS=${JOBS:-500}
THREADS=${THREADS:-1}
TIMEOUT=${TIMEOUT:-2}
DELAY=${DELAY:-0.5}
LIMIT=${LIMIT:-7200}
out=$WORK/soak
mkdir -p "$out"

if [ -n "${AUTHLINT:-}" ]; then authlint=$AUTHLINT; else bench_build; fi

pids=()
stop_servers() {
	local pid
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	pids=()
}
trap stop_servers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# the domains: one in eight misbehaves, the classes in turn; each with its selector s1
domains=$out/domains-$N.txt
/usr/bin/python3 - "$N" "$domains" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
bad = ['slow', 'silent', 'tcbroken', 'malformed', 'wrongid', 'wrongq', 'servfail', 'refused', 'big',
       'cnameloop', 'chain', 'fanout']
with open(path, 'w') as fh:
    for i in range(n):
        mode = bad[(i // 8) % len(bad)] if i % 8 == 7 else 'ok'
        fh.write('%s-%d.soak.test s1\n' % (mode, i))
PY

resolvers=()
for k in $(seq "$SERVERS"); do
	addr=127.77.0.$k
	/usr/bin/python3 "$here/soakserver.py" --addr "$addr" --port 5390 --stats "$out/server-$k.json" \
		--delay "$DELAY" --limit "$LIMIT" &
	pids+=($!)
	resolvers+=(--resolver "$addr:5390")
	for _ in $(seq 100); do
		kdig @"$addr" -p 5390 TXT ok-0.soak.test +short +timeout=1 +retry=0 2>/dev/null | grep -q spf1 && break
		sleep 0.1
	done
	kdig @"$addr" -p 5390 TXT ok-0.soak.test +short +timeout=1 +retry=0 | grep -q spf1 ||
		{ echo "soak server $addr is not answering" >&2; exit 1; }
	echo "soak server pid ${pids[-1]} on $addr:5390" >&2
done

echo "authlint check: $N domains, -j $JOBS, --threads $THREADS, --timeout $TIMEOUT" >&2
status=0
/usr/bin/time -v -o "$out/time-$N.txt" "$authlint" check --domains-file "$domains" "${resolvers[@]}" \
	--no-discover --no-progress -j "$JOBS" --threads "$THREADS" --timeout "$TIMEOUT" \
	--format jsonl --fail-on never >"$out/check-$N.jsonl" 2>"$out/check-$N.err" || status=$?
stop_servers

/usr/bin/python3 - "$N" "$domains" "$out" "$status" "$SERVERS" <<'PY'
import collections, json, re, sys
n, domains, out, status, servers = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
t = open('%s/time-%d.txt' % (out, n)).read()
wall = re.search(r'Elapsed \(wall clock\) time.*: (\S+)', t).group(1)
parts = [float(x) for x in wall.split(':')]
secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
rss = int(re.search(r'Maximum resident set size \(kbytes\): (\d+)', t).group(1))
cpu = float(re.search(r'User time \(seconds\): (\S+)', t).group(1)) + \
    float(re.search(r'System time \(seconds\): (\S+)', t).group(1))
want = collections.Counter()
for line in open(domains):
    want[line.split()[0].split('-')[0]] += 1
per = collections.defaultdict(collections.Counter)
seen, other, bad_lines, interrupted = set(), collections.Counter(), 0, False
why = collections.defaultdict(collections.Counter)
for line in open('%s/check-%d.jsonl' % (out, n)):
    try:
        d = json.loads(line)
    except ValueError:
        bad_lines += 1
        continue
    if d.get('type') != 'domain':
        other[d.get('type')] += 1
        interrupted |= d.get('type') == 'interrupted'
        continue
    name = d['domain']
    mode = name.split('-')[0]
    c = per[mode]
    if name in seen:
        c['twice'] += 1
    seen.add(name)
    c['lines'] += 1
    rules = [f['rule']['id'] for f in d.get('findings', [])]
    c['lookup001'] += 'LOOKUP001' in rules
    c['lookup002'] += 'LOOKUP002' in rules
    c['incomplete'] += bool(d.get('incomplete'))
    c['budget'] += d.get('budget') is not None
    c['failed_lookups'] += (d.get('summary') or {}).get('lookups_failed', 0)
    c['questions'] += d.get('questions') or 0
    for f in d.get('findings', []):
        if f['rule']['id'] == 'LOOKUP001':
            # the cause, without the names and addresses
            m = re.sub(r'\S*soak\.test\S*|127\.\S+|\d+', '#', f.get('message') or '')
            why[mode][m[:80]] += 1
stats = collections.Counter()
for k in range(1, servers + 1):
    try:
        stats.update(json.load(open('%s/server-%d.json' % (out, k))))
    except (OSError, ValueError):
        pass
print()
print('Soak: %d domains, %.0f s wall, %.0f s CPU, peak RSS %.1f MiB, exit status %d, %d result lines for %d domains%s'
      % (n, secs, cpu, rss / 1024, status, len(seen), n, ', interrupted' if interrupted else ''))
if bad_lines:
    print('lines that are not JSON: %d' % bad_lines)
print()
print('| class | domains | result lines | with LOOKUP001 | failed lookups | with LOOKUP002 | incomplete | budget hit | questions | server queries (udp/tcp) |')
print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|')
for mode in sorted(want, key=lambda m: (m != 'ok', m)):
    c = per[mode]
    q = '%d/%d' % (stats.get(mode + '/udp', 0), stats.get(mode + '/tcp', 0))
    print('| %s | %d | %d | %d | %d | %d | %d | %d | %d | %s |' % (
        mode, want[mode], c['lines'], c['lookup001'], c['failed_lookups'], c['lookup002'],
        c['incomplete'], c['budget'], c['questions'], q))
missing = n - len(seen)
print()
print('domains without a result line: %d' % missing)
print()
print('Why lookups failed (LOOKUP001 messages, names and numbers as #):')
for mode in sorted(why):
    for m, k in why[mode].most_common(3):
        print('  %-10s %6d  %s' % (mode, k, m))
PY
