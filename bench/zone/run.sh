#!/usr/bin/env bash
# Benchmark: `authlint zone` on the synthetic zone of ../shared/bench (-n 100000 gives
# about 1,040,000 records), side by side with kzonecheck (Knot's zone checker) and
# `ldns-read-zone -E SOA` (ldns parsing only) on the same file. Whole process,
# median of REPS runs, peak RSS, through ../shared/bench/bench.py; the table is
# written by ../shared/bench/report.py to $WORK/results/REPORT.md.
#
#   bench/zone/run.sh                 # N=100000, REPS=5
#   N=10000 REPS=3 bench/zone/run.sh
#
# Needs: knot-dnssecutils (kzonecheck), ldnsutils (ldns-read-zone), python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
bench_find_shared
N=${N:-100000}
REPS=${REPS:-5}
export BENCH_RESULTS=$WORK/results
mkdir -p "$BENCH_RESULTS"

bench_build

bench_data "$N"
zone=$data/test.zone
records=$(/usr/bin/python3 -c "import json; print(json.load(open('$data/stats.json'))['records'])")

bench() { /usr/bin/python3 "$shared/bench/bench.py" --n "$records" --units "$records" --unit records \
	--reps "$REPS" "$@"; }

# authlint: every check of every record, offline, JSON Lines output to a file
bench --tool authlint --mode "zone-offline-jsonl" --note "all checks, --offline" -- \
	"$authlint" zone --offline --format jsonl --fail-on never "$zone"
bench --tool authlint --mode "zone-offline-text" --note "all checks, --offline, text" -- \
	"$authlint" zone --offline --format text --fail-on never "$zone"
if command -v kzonecheck >/dev/null; then
	bench --tool kzonecheck --mode "check" --note "Knot semantic checks" -- kzonecheck -o test. "$zone"
fi
if command -v ldns-read-zone >/dev/null; then
	bench --tool ldns-read-zone --mode "parse" --note "ldns parse only" -- ldns-read-zone -E SOA "$zone"
fi
/usr/bin/python3 "$shared/bench/report.py" | sed -n '/Whole-process/,/Peak RSS/p'
