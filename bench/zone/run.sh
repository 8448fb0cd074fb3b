#!/usr/bin/env bash
# Benchmark: `authlint zone` on the synthetic zone of ../shared/bench (-n 100000 gives
# 1,036,496 records), against kzonecheck (Knot's zone checker) on the same file,
# and `ldns-read-zone -E SOA` (ldns parsing only). The tools run interleaved
# (authlint, kzonecheck, ..., then again) REPS times in this one run, so that
# the load of a shared machine falls on all of them alike; bench/zone/versus.py
# prints the medians of CPU seconds (user+sys), wall time and peak RSS, and each
# tool's ratio to kzonecheck, with the load average at the start and the end.
# Outputs go to files under $WORK/zone-out (as a user would write them).
#
#   bench/zone/run.sh                 # N=100000, REPS=5
#   N=10000 REPS=3 bench/zone/run.sh
#   JOBS=1 bench/zone/run.sh          # authlint on one thread (default: one per processor)
#
# Needs: knot-dnssecutils (kzonecheck), python3; ldnsutils (ldns-read-zone) if present.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bench_find_shared
N=${N:-100000}
REPS=${REPS:-5}
JOBS=${JOBS:-0}
case "$JOBS" in '' | *[!0-9]*) echo "$0: JOBS is a number" >&2; exit 2 ;; esac
command -v kzonecheck >/dev/null || { echo "$0: kzonecheck is missing (apt-get install knot-dnssecutils)" >&2; exit 2; }

bench_build

bench_data "$N"
zone=$data/test.zone
jobs=()
[ "$JOBS" -gt 0 ] && jobs=(-j "$JOBS")

# every check of every record, offline; text and JSON Lines
tools=(--tool "authlint-text=$authlint zone --offline --format text --fail-on never ${jobs[*]} $zone"
       --tool "authlint-jsonl=$authlint zone --offline --format jsonl --fail-on never ${jobs[*]} $zone"
       --tool "kzonecheck=kzonecheck -o test. $zone")
if command -v ldns-read-zone >/dev/null; then
	tools+=(--tool "ldns-read-zone=ldns-read-zone -E SOA $zone")
fi
echo "zone: $zone ($(stat -c %s "$zone") bytes), authlint: $authlint"
/usr/bin/python3 "$here/versus.py" --reps "$REPS" --ref kzonecheck --out "$WORK/zone-out" "${tools[@]}"
