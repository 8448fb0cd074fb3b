#!/usr/bin/env bash
# Benchmark: `authlint check` over the synthetic domains of ../shared/bench, served by a
# local Knot on 127.0.0.1:5300, side by side in the same run with mailauth (npm, SPF and
# DMARC) and pyspf (SPF), and the server's own sustained rate under dnsperf.
#
#   bench/check/run.sh                       # N="10000 100000", REPS=3
#   N=10000 REPS=1 bench/check/run.sh
#
# Prints, for each N, the share of Knot's dnsperf rate authlint reaches with SPF and
# DMARC (rate.sh: dnsperf and authlint interleaved rep by rep, with the load average).
#
# Env: DATA_ROOT   generated data (zNk/ folders), else gen_zone.py output under $WORK/data/nN
#      PEERS       0: run authlint only (default 1: also mailauth and pyspf)
#      MAILAUTH_NODE_MODULES  node_modules holding mailauth (default $WORK/node_modules;
#                  installed there with npm when missing and npm is available)
#      JOBS        authlint -j (default 200)
#      PYSPF_MAX   largest N pyspf runs on (default 10000: it takes minutes per 100,000)
# Needs: knot, knot-dnsutils (kdig), dnsperf, python3-spf, python3-dnspython, nodejs/npm, time.
# Everything talks to 127.0.0.1 only; the server is stopped by its pid at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
bench_find_shared
Ns=${N:-"10000 100000"}
REPS=${REPS:-3}
JOBS=${JOBS:-200}
PYSPF_MAX=${PYSPF_MAX:-10000}
export BENCH_RESULTS=$WORK/results
export BENCH_RUN=$WORK/run
mkdir -p "$BENCH_RESULTS" "$BENCH_RUN"

bench_build

nm=${MAILAUTH_NODE_MODULES:-$WORK/node_modules}
if [ ! -d "$nm/mailauth" ] && command -v npm >/dev/null; then
	(cd "$WORK" && npm install --no-audit --no-fund mailauth@4.13.3 >/dev/null 2>&1) || true
fi

stop_server() { "$shared/bench/servers.sh" stop >/dev/null 2>&1 || true; }
trap stop_server EXIT

for n in $Ns; do
	bench_data "$n"
	# every domain, with the DKIM selectors the generator published for it
	all=$WORK/domains-n$n.txt
	/usr/bin/python3 - "$data" "$all" <<'PY'
import collections, sys
data, out = sys.argv[1], sys.argv[2]
sel = collections.defaultdict(list)
for line in open(data + '/dkim_selectors.tsv'):
    parts = line.split()
    if len(parts) >= 2:
        sel[parts[0]].append(parts[1])
with open(out, 'w') as fh:
    for d in open(data + '/domains.txt'):
        d = d.strip()
        if d:
            fh.write(' '.join([d] + sel.get(d, [])) + '\n')
PY
	stop_server
	BENCH_DATA=$data SERVER=knot "$shared/bench/servers.sh" start1 "$n"

	# the server's sustained rate, in the same run (dnsperf, as qps_run.py's knot-w1)
	for k in 1 2; do
		timeout 60 dnsperf -s 127.0.0.1 -p 5300 -d "$data/queries.txt" -l 10 -n 20 -T 1 -c 8 -q 200 -t 2 \
			> "$WORK/dnsperf-n$n.r$k.out" 2>&1 || true
		/usr/bin/python3 - "$WORK/dnsperf-n$n.r$k.out" "$n" "$k" "$BENCH_RESULTS/results.jsonl" <<'PY'
import json, re, sys, time
out, n, k, res = open(sys.argv[1]).read(), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
g = lambda p: (re.search(p, out) or [None, None])[1]
row = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S"), "tool": "dnsperf", "mode": "knot-w1", "n": n, "rep": k,
       "qps": float(g(r"Queries per second:\s+([\d.]+)") or 0),
       "lost_pct": float(g(r"Queries lost:\s+\d+ \(([\d.]+)%\)") or 0),
       "avg_latency_ms": 1000 * float(g(r"Average Latency \(s\):\s+([\d.]+)") or 0)}
open(res, "a").write(json.dumps(row) + "\n")
print(f"  dnsperf rep {k}: {row['qps']:.0f} qps, lost {row['lost_pct']}%")
PY
	done

	bench() { /usr/bin/python3 "$shared/bench/bench.py" --n "$n" --units "$n" --unit domains --reps "$REPS" "$@"; }
	bench --tool authlint --mode "check-spf-dmarc-dkim" --note "all checks, SPF+DMARC+DKIM: the selectors the data names, discovery (the services' and 8 common selectors) for the 5% without, -j $JOBS" -- \
		"$authlint" check -v --no-progress --resolver 127.0.0.1:5300 -j "$JOBS" --format jsonl --fail-on never \
		--domains-file "$all"
	bench --tool authlint --mode "check-spf-dmarc-dkim-known" --note "all checks, SPF+DMARC+DKIM at the selectors the data names (--no-discover), -j $JOBS" -- \
		"$authlint" check -v --no-discover --no-progress --resolver 127.0.0.1:5300 -j "$JOBS" --format jsonl \
		--fail-on never --domains-file "$all"
	bench --tool authlint --mode "check-spf-dmarc" --note "all checks, SPF+DMARC (--no-discover, no selector), -j $JOBS" -- \
		"$authlint" check -v --no-discover --no-progress --resolver 127.0.0.1:5300 -j "$JOBS" --format jsonl \
		--fail-on never --domains-file "$data/domains.txt"
	if [ "${PEERS:-1}" = 0 ]; then
		: # PEERS=0: authlint only
	elif [ -d "$nm/mailauth" ]; then
		MAILAUTH_NODE_MODULES=$nm bench --tool mailauth --mode "spf-dmarc-c32" --note "mailauth 4.13.3, 32 in flight" -- \
			node "$shared/bench/peers/mailauth_run.js" "$data/domains.txt" --conc 32
	else
		echo "mailauth not installed (npm install mailauth@4.13.3, MAILAUTH_NODE_MODULES=...): skipped" >&2
	fi
	if [ "${PEERS:-1}" != 0 ] && [ "$n" -le "$PYSPF_MAX" ] && /usr/bin/python3 -c 'import spf' 2>/dev/null; then
		bench --tool pyspf --mode "spf-p2" --note "pyspf, 2 processes" -- \
			/usr/bin/python3 "$shared/bench/peers/pyspf_run.py" "$data/domains.txt" --workers 2 --pool process
	fi
	# the share of Knot's rate: dnsperf and authlint interleaved rep by rep on this server
	echo "== n=$n: authlint check --no-discover against Knot's dnsperf rate (bench/check/rate.sh)"
	KEEP_SERVER=1 ADDR=127.0.0.1 N=$n REPS=$REPS JOBS=$JOBS "$here/rate.sh" | tail -n "$((REPS + 4))"
	stop_server
done
/usr/bin/python3 "$shared/bench/report.py" >/dev/null
/usr/bin/python3 "$here/figures.py" "$BENCH_RESULTS"
