#!/usr/bin/env bash
# Benchmark: SPF check_host() over every domain of the synthetic zone of ../shared/bench,
# authlint side by side with pyspf (Debian python3-spf) on the same data and the same server,
# plus authlint's offline runs (from the zone file) and the lookup-tree analysis.
#
#   bench/spf/run.sh                   # N=10000, REPS=3
#   N=100000 REPS=1 bench/spf/run.sh
#
# Client 198.18.0.1 matches no mechanism, so every record is walked to the end (the peers'
# worst case). A Knot of our own serves test.zone and rev.zone on $ADDR:5300 (a loopback
# address of this benchmark's own, so it never meets another benchmark's server); it is
# started here and stopped by its pid at the end, also on failure.
#
# Env: DATA_ROOT  generated data (zNk/ folders), else gen_zone.py output under $WORK/data/nN
#      ADDR       loopback address of the server (default 127.0.0.53)
#      WORK       build and results (default build-bench in the tree)
# Needs: knot (knotd), knot-dnsutils (kdig), python3-spf, python3-dnspython, time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
bench_find_shared
N=${N:-10000}
REPS=${REPS:-3}
ADDR=${ADDR:-127.0.0.53}
case "$ADDR" in 127.*) ;; *) echo "run.sh: ADDR must be a loopback address" >&2; exit 2 ;; esac
IP=198.18.0.1
export BENCH_RESULTS=$WORK/results-spf
export BENCH_RUN=$WORK/run-spf
mkdir -p "$BENCH_RESULTS" "$BENCH_RUN"

bench_build
export AUTHLINT_RESOLV_CONF=/dev/null # never the machine's resolvers

bench_data "$N"

# ---- our own server, stopped by its pid --------------------------------------------------
trap bench_knot_stop EXIT
bench_knot_start "$BENCH_RUN/primary" "$ADDR" "$data"

bench() { /usr/bin/python3 "$shared/bench/bench.py" --n "$N" --units "$N" --unit domains --reps "$REPS" "$@"; }

# ---- check_host() over DNS, the same server for both ----------------------------------------
bench --tool authlint --mode spf-live --note "check_host() of every domain, sequential, live source" -- \
	"$authlint" spf --domains-file "$data/domains.txt" --ip "$IP" --resolver "$ADDR:5300" --format jsonl
bench --tool pyspf --mode spf-seq --note "pyspf 2.0.14, sequential" -- \
	/usr/bin/python3 "$shared/bench/peers/pyspf_run.py" "$data/domains.txt" --server "$ADDR" --port 5300 \
	--out "$BENCH_RESULTS/pyspf-n$N.tsv"
bench --tool pyspf --mode spf-p2 --note "pyspf 2.0.14, 2 processes" -- \
	/usr/bin/python3 "$shared/bench/peers/pyspf_run.py" "$data/domains.txt" --server "$ADDR" --port 5300 \
	--workers 2 --pool process

# ---- offline: the zone file is the DNS (load included) ----------------------------------------
bench --tool authlint --mode spf-zone --note "check_host() of every domain, zone file in memory (load included)" -- \
	"$authlint" spf --domains-file "$data/domains.txt" --ip "$IP" --zone "$data/test.zone" \
	--zone "$data/rev.zone" --format jsonl
bench --tool authlint --mode spf-tree-zone --note "lookup tree of every domain, zone file (load included)" -- \
	"$authlint" spf --tree --domains-file "$data/domains.txt" --zone "$data/test.zone" --format jsonl
bench --tool authlint --mode zone-lint --note "authlint zone: every check, SPF trees with the run cache" -- \
	"$authlint" zone --offline "$data/test.zone" --format jsonl --fail-on never

# ---- do the two agree? --------------------------------------------------------------------------
last=$(ls "$BENCH_RESULTS"/logs/authlint.spf-live.n"$N".r*.out | tail -1)
/usr/bin/python3 "$here/compare.py" "$last" "$BENCH_RESULTS/pyspf-n$N.tsv" | tee "$BENCH_RESULTS/agreement-n$N.txt"
