#!/usr/bin/env bash
# Benchmark: `authlint plan`. A plan lints its domain once as it is and once per
# step with that step's record in place, and writes one of five formats; this
# measures it on the sample domain of examples/plan/ (every template, every
# format) and on domains of the synthetic zone of ../shared/bench, where
# reading the zone file is part of the cost (plan --zone reads it whole).
# Whole process, median of REPS runs, through ../shared/bench/bench.py.
#
#   bench/plan/run.sh                 # N=10000, REPS=5
#   N=100000 REPS=3 bench/plan/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
bench_find_shared
N=${N:-10000}
REPS=${REPS:-5}
export BENCH_RESULTS=$WORK/results
export SOURCE_DATE_EPOCH=1796083200
mkdir -p "$BENCH_RESULTS"

bench_build
bench_data "$N"
records=$(/usr/bin/python3 -c "import json; print(json.load(open('$data/stats.json'))['records'])")

bench() { /usr/bin/python3 "$shared/bench/bench.py" --reps "$REPS" "$@"; }
sample=$root/examples/plan/example.com.zone
common=(plan --zone "$sample" --selector s1 --offline --start 2026-12-01 --fail-on never)
for t in default cautious fast rfc9989; do
	bench --tool authlint --mode "plan-sample-$t" --n 1 --units 1 --unit plans --note "examples/plan, text" -- \
		"$authlint" "${common[@]}" --template "$t"
done
for f in json yaml markdown ics; do
	bench --tool authlint --mode "plan-sample-$f" --n 1 --units 1 --unit plans --note "examples/plan, default" -- \
		"$authlint" "${common[@]}" --format "$f"
done
# the synthetic zone: the first domain, whose plan reads the whole file
first=$(head -1 "$data/domains.txt")
bench --tool authlint --mode "plan-zone-n$N" --n "$records" --units 1 --unit plans \
	--note "one domain of the $records-record zone, offline" -- \
	"$authlint" plan --zone "$data/test.zone" --offline --start 2026-12-01 --fail-on never "$first"
/usr/bin/python3 "$shared/bench/report.py" | sed -n '/Whole-process/,/Peak RSS/p'
