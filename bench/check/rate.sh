#!/usr/bin/env bash
# Benchmark: the query rate of `authlint check --no-discover` (SPF + DMARC) against the
# rate Knot with one UDP worker sustains under dnsperf, on the same server in the same
# run, interleaved: each rep runs dnsperf, then authlint (this tree), then the reference
# build (BEFORE, when set), so a change of load on a shared machine hits all alike.
# Prints each rep (with the load average), then medians: queries/s, the share of Knot's
# rate, wall seconds, CPU seconds (user + sys) per 10,000 domains, peak RSS.
#
#   bench/check/rate.sh                      # N=10000, REPS=5
#   N=100000 REPS=3 BEFORE=6353972 bench/check/rate.sh
#
# Env: ADDR     loopback address of the Knot it starts (default 127.0.15.4; port 5300)
#      KEEP_SERVER=1  use the Knot already serving $ADDR:5300 (run.sh's), start none
#      BEFORE   a commit to build from `git archive` and measure beside this tree
#      JOBS     authlint -j (default 200)      THREADS  authlint --threads (default: its own)
#      DNSPERF_SECONDS  length of each dnsperf run (default 5)
#      OUT      where the per-rep rows go (default $WORK/rate-n$N.jsonl)
# Needs: knot, knot-dnsutils (kdig), dnsperf, /usr/bin/time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bench_find_shared
N=${N:-10000}
REPS=${REPS:-5}
JOBS=${JOBS:-200}
ADDR=${ADDR:-127.0.15.4}
DNSPERF_SECONDS=${DNSPERF_SECONDS:-5}
command -v dnsperf >/dev/null || { echo "$0: dnsperf is not installed" >&2; exit 2; }

bench_build
bins=("after=$authlint")
if [ -n "${BEFORE:-}" ]; then
	bench_build_commit "$BEFORE"
	bins=("before=$before" "${bins[@]}")
fi

bench_data "$N"
if [ "${KEEP_SERVER:-0}" != 1 ]; then
	trap bench_knot_stop EXIT
	bench_knot_start "$WORK/knot-rate" "$ADDR" "$data"
fi
threads=()
[ -n "${THREADS:-}" ] && threads=(--threads "$THREADS")

out=${OUT:-$WORK/rate-n$N.jsonl}
tmp=$WORK/rate-tmp
mkdir -p "$tmp"
: > "$out"
for k in $(seq "$REPS"); do
	load=$(cut -d' ' -f1 /proc/loadavg)
	timeout $((DNSPERF_SECONDS + 30)) dnsperf -s "$ADDR" -p 5300 -d "$data/queries.txt" -l "$DNSPERF_SECONDS" \
		-n 20 -T 1 -c 8 -q 200 -t 2 > "$tmp/dnsperf.out" 2>&1 || true
	knot=$(sed -n 's/.*Queries per second:[[:space:]]*\([0-9.]*\).*/\1/p' "$tmp/dnsperf.out")
	for b in "${bins[@]}"; do
		name=${b%%=*}
		bin=${b#*=}
		/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$bin" check -v --no-discover --no-progress \
			--resolver "$ADDR:5300" -j "$JOBS" "${threads[@]}" --format jsonl --fail-on never \
			--domains-file "$data/domains.txt" > "$tmp/out.jsonl" 2> "$tmp/err" || true
		read -r wall user sys rss < "$tmp/time"
		queries=$(sed -n 's/.*; \([0-9]*\) queries.*/\1/p' "$tmp/err" | head -1)
		lookups=$(tail -1 "$tmp/out.jsonl" | sed -n 's/.*"lookups":\([0-9]*\).*/\1/p')
		echo "{\"rep\": $k, \"build\": \"$name\", \"n\": $N, \"load\": $load, \"knot_qps\": ${knot:-0}," \
			"\"wall\": $wall, \"cpu\": $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }'), \"rss_kb\": $rss," \
			"\"queries\": ${queries:-0}, \"lookups\": ${lookups:-0}}" >> "$out"
	done
done

/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
builds = []
for r in rows:
    if r['build'] not in builds:
        builds.append(r['build'])
print('| rep | load | Knot q/s | build | wall s | queries/s | share of Knot | CPU s per 10k domains | RSS MiB | lookups |')
print('|---|---|---|---|---|---|---|---|---|---|')
for r in rows:
    qps = r['queries'] / r['wall'] if r['wall'] else 0
    share = 100 * qps / r['knot_qps'] if r['knot_qps'] else 0
    print('| %d | %.1f | %.0f | %s | %.2f | %.0f | %.0f%% | %.2f | %.0f | %d |' % (
        r['rep'], r['load'], r['knot_qps'], r['build'], r['wall'], qps, share,
        r['cpu'] * 10000 / r['n'], r['rss_kb'] / 1024, r['lookups']))
print()
for b in builds:
    rs = [r for r in rows if r['build'] == b]
    med = lambda f: statistics.median(f(r) for r in rs)
    qps = med(lambda r: r['queries'] / r['wall'])
    share = med(lambda r: 100 * r['queries'] / r['wall'] / r['knot_qps'] if r['knot_qps'] else 0)
    print('%s: n=%d, %d reps: median %.0f queries/s = %.0f%% of Knot (%.0f q/s under dnsperf), '
          'wall %.2f s, CPU %.2f s per 10k domains, peak RSS %.0f MiB, load %.1f-%.1f, lookups %s' % (
              b, rs[0]['n'], len(rs), qps, share, med(lambda r: r['knot_qps']), med(lambda r: r['wall']),
              med(lambda r: r['cpu'] * 10000 / r['n']), max(r['rss_kb'] for r in rs) / 1024,
              min(r['load'] for r in rs), max(r['load'] for r in rs),
              ','.join(sorted({str(r['lookups']) for r in rs}))))
PY
