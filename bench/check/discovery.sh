#!/usr/bin/env bash
# Benchmark: what DKIM selector discovery costs and finds. In one run, over the
# synthetic domains of ../shared/bench served by a local Knot (one UDP worker):
#   - `authlint check` by default (discovery) and with --no-discover, for this
#     tree and for a reference build (BEFORE, by default main before discovery
#     was ordered by the domain's services), REPS runs each, medians;
#   - the ratio default / --no-discover of each (aim: at most 3x);
#   - the DKIM keys found (the sum of dkim.keys over the domain lines) before
#     and after (aim: no fewer), and the queries each run made.
#
#   bench/check/discovery.sh                 # N=10000, REPS=3
#   N=100000 REPS=1 bench/check/discovery.sh
#
# Env: BEFORE  the reference commit (default 8e37eee, main on 2026-12-05 before the change)
#      ADDR    loopback address Knot listens on (default 127.0.15.3; port 5300)
#      JOBS    authlint -j (default 200)
# Needs: knot, knot-dnsutils (kdig), git, meson, ninja, /usr/bin/time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bench_find_shared
N=${N:-10000}
REPS=${REPS:-3}
JOBS=${JOBS:-200}
BEFORE=${BEFORE:-8e37eee}
ADDR=${ADDR:-127.0.15.3}

bench_build
after=$authlint
# the reference build, from the commit's tree in a folder of its own
bench_build_commit "$BEFORE"

bench_data "$N"
trap bench_knot_stop EXIT
bench_knot_start "$WORK/knot-discovery" "$ADDR" "$data"

out=$WORK/discovery-n$N
mkdir -p "$out"
run() { # run NAME BINARY ARGS...: REPS runs; prints "median_wall queries keys domains_with_keys"
	local name=$1 bin=$2
	shift 2
	local k
	for k in $(seq "$REPS"); do
		/usr/bin/time -f '%e %M' -o "$out/$name.r$k.time" "$bin" check -v --no-progress \
			--resolver "$ADDR:5300" -j "$JOBS" --format jsonl --fail-on never "$@" \
			--domains-file "$data/domains.txt" > "$out/$name.r$k.jsonl" 2> "$out/$name.r$k.err" || true
	done
	/usr/bin/python3 - "$out" "$name" "$REPS" <<'PY'
import json, re, statistics, sys
out, name, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
walls = []
for k in range(1, reps + 1):
    walls.append(float(open(f"{out}/{name}.r{k}.time").read().split()[0]))
k = sorted(range(reps), key=lambda i: walls[i])[reps // 2] + 1
err = open(f"{out}/{name}.r{k}.err").read()
q = re.search(r"; (\d+) queries", err)
keys = domains = lines = 0
for line in open(f"{out}/{name}.r{k}.jsonl"):
    o = json.loads(line)
    if o.get("type") != "domain":
        continue
    lines += 1
    n = o.get("dkim", {}).get("keys", 0)
    keys += n
    domains += n > 0
print(statistics.median(walls), q.group(1) if q else "?", keys, domains, lines)
PY
}

read -r b_def b_def_q b_keys b_dom b_lines <<<"$(run before-default "$before")"
read -r b_nod b_nod_q _ _ _ <<<"$(run before-no-discover "$before" --no-discover)"
read -r a_def a_def_q a_keys a_dom a_lines <<<"$(run after-default "$after")"
read -r a_nod a_nod_q _ _ _ <<<"$(run after-no-discover "$after" --no-discover)"

/usr/bin/python3 - "$N" "$REPS" "$ref" "$b_def" "$b_def_q" "$b_nod" "$b_nod_q" "$b_keys" "$b_dom" "$b_lines" \
	"$a_def" "$a_def_q" "$a_nod" "$a_nod_q" "$a_keys" "$a_dom" "$a_lines" <<'PY'
import sys
a = sys.argv[1:]
n, reps, ref = int(a[0]), int(a[1]), a[2]
bd, bdq, bn, bnq, bk, bkd, bl = float(a[3]), a[4], float(a[5]), a[6], int(a[7]), int(a[8]), int(a[9])
ad, adq, an, anq, ak, akd, al = float(a[10]), a[11], float(a[12]), a[13], int(a[14]), int(a[15]), int(a[16])
print(f"DKIM selector discovery, {n} domains, medians of {reps} (wall seconds; queries of that run)")
print("| build | default s | queries | --no-discover s | queries | ratio | keys found | domains with a key | domain lines |")
print("|---|---|---|---|---|---|---|---|---|")
print(f"| before ({ref}) | {bd:.2f} | {bdq} | {bn:.2f} | {bnq} | {bd / bn:.2f}x | {bk} | {bkd} | {bl} |")
print(f"| after | {ad:.2f} | {adq} | {an:.2f} | {anq} | {ad / an:.2f}x | {ak} | {akd} | {al} |")
print(f"ratio default/--no-discover after: {ad / an:.2f}x (aim: at most 3x); keys found after/before: {ak}/{bk}"
      f" ({'no fewer' if ak >= bk else 'FEWER'})")
PY
