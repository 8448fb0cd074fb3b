#!/usr/bin/env bash
# Fuzzing campaign: the libFuzzer targets of tests/fuzz/ built with clang,
# ASan and UBSan (every UBSan report aborts), run one at a time for a given
# time, then one table: executions, exec/s, coverage and findings per target.
#
#   bench/fuzz/run.sh TARGET SECONDS     # one target (spf, zone, ...)
#   bench/fuzz/run.sh all SECONDS        # every tests/fuzz/fuzz_*.c in turn
#   bench/fuzz/run.sh all 600 spf dkim   # `all` limited to the targets named
#
# Each target keeps a corpus of its own in $WORK/fuzz/corpus/NAME (seeded from
# tests/fuzz/corpus/NAME, which it reads and never writes) across runs; the
# inputs that crash, leak, time out or run out of memory go to
# $WORK/fuzz/findings/NAME/ and are listed under the table. The fuzzer runs at
# nice 19, one process, -jobs=1, with bounded memory (-rss_limit_mb=$RSS_MB,
# -malloc_limit_mb likewise) and a 10 s limit per input (-timeout). Besides
# exec/s (wall), the table gives executions per CPU second, the rate on a core
# of its own: on a machine shared with others the wall rate says little.
#
#   WORK        where the build and corpora go (default: build-bench in the tree)
#   RSS_MB      memory bound per fuzzer (default 2048)
#   RUNS        stop a target after this many executions (-runs), e.g. the
#               issue's goals: RUNS=10000000 for a record target, 1000000 for
#               a whole-run one; SECONDS stays the bound on the time
#   FUZZ_FLAGS  more libFuzzer flags (default: -entropic=0 -reload=0; the
#               entropic scheduler's bookkeeping took 60% of the time of
#               fuzz_zone, whose inputs each reach tens of thousands of
#               features, and with one process there is no other job whose
#               finds are worth rereading the corpus directory for)
#
# Each target has a largest input (-max_len, max_len() below): past it an input
# only repeats what a shorter one does, and costs in proportion to its size.
# The corpus is replayed truncated to it.
#
# The table is also written to $WORK/fuzz/results.md. Needs clang (with
# libclang_rt.fuzzer) and the build dependencies of authlint.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
WORK=${WORK:-$root/build-bench}
RSS_MB=${RSS_MB:-2048}
FUZZ_FLAGS=${FUZZ_FLAGS:--entropic=0 -reload=0}
RUNS=${RUNS:-}

usage() { echo "usage: $0 TARGET|all SECONDS [TARGET...]" >&2; exit 2; }
[ $# -ge 2 ] || usage
what=$1
seconds=$2
shift 2
case "$seconds" in '' | *[!0-9]*) usage ;; esac

# The largest input per target, and why (see doc/benchmarks.md, Fuzzing):
max_len() {
	case $1 in
	# one TXT record: the parsers have no bound below 4 KB that a longer
	# record would reach (an SPF record past 450 bytes, a 4096-bit key in
	# 700 bytes of base64); libFuzzer's own default
	spf | dmarc | dkim | tagvalue) echo 4096 ;;
	# whole zones: the targets bound a zone at 1,000 records, which a zone of
	# 16 KB reaches; every record type, directive and check fits in it
	zone | octodns | dnscontrol | terraform) echo 16384 ;;
	# two zones, old and new
	diff) echo 32768 ;;
	# a DMARC record or a plan template: the planner refuses a record past
	# 2,000 bytes, and the built-in templates are 4 KB each
	plan) echo 8192 ;;
	# a message and its signatures (keys come from the target's zone)
	message | dkim_verify) echo 16384 ;;
	# reports, compressed or not, in messages and mboxes: the target bounds a
	# report at 64 records (about 30 KB of XML before compression) and
	# decompression at a ratio of 50; the 64 KB bound on one text value is
	# the seed corpus's (seed-long-text.xml), which CI replays whole
	report) echo 65536 ;;
	*) echo 16384 ;;
	esac
}

all_targets=$(cd "$root/tests/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
if [ "$what" = all ]; then
	targets=${*:-$all_targets}
else
	targets=$what
fi
for t in $targets; do
	[ -f "$root/tests/fuzz/fuzz_$t.c" ] || { echo "$0: no target tests/fuzz/fuzz_$t.c" >&2; exit 2; }
done

command -v clang >/dev/null || { echo "$0: clang is needed for libFuzzer" >&2; exit 2; }
build=$WORK/fuzz/build
if [ ! -f "$build/build.ninja" ]; then
	# the library too gets the coverage instrumentation (fuzzer-no-link), or
	# the fuzzer would see only the target's own lines
	CC=clang meson setup "$build" "$root" --buildtype=debugoptimized -Dfuzz=true -Dtests=true \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args="-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" >/dev/null
fi
ninja -C "$build" $(for t in $targets; do echo "tests/fuzz/fuzz_$t"; done) >/dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:quarantine_size_mb=64:malloc_context_size=10}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

results=$WORK/fuzz/results.md
rows=()
notes=()
for t in $targets; do
	corpus=$WORK/fuzz/corpus/$t
	findings=$WORK/fuzz/findings/$t
	run=$WORK/fuzz/run/$t
	mkdir -p "$corpus" "$findings"
	rm -rf "$run"
	mkdir -p "$run"
	before=$(ls "$findings" | wc -l)
	echo "fuzz_$t: ${seconds}s ..." >&2
	start=$(date +%s)
	# -jobs=1 runs the fuzzer in a child whose output goes to fuzz-0.log in $run
	(cd "$run" && /usr/bin/time -f '%U %S' -o "$run/cpu" nice -n 19 "$build/tests/fuzz/fuzz_$t" -jobs=1 -workers=1 \
		-max_total_time="$seconds" -rss_limit_mb="$RSS_MB" -malloc_limit_mb="$RSS_MB" \
		-timeout=10 -print_final_stats=1 -artifact_prefix="$findings/" -max_len="$(max_len "$t")" \
		${RUNS:+-runs="$RUNS"} $FUZZ_FLAGS \
		"$corpus" "$root/tests/fuzz/corpus/$t" >"$run/driver.log" 2>&1) || true
	elapsed=$(( $(date +%s) - start ))
	log=$run/fuzz-0.log
	[ -f "$log" ] || log=$run/driver.log
	# executions: the final stats, else the last status line (a run that crashed)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	[ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
	execs=${execs:-0}
	status=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1)
	cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$status")
	ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$status")
	corp=$(sed -nE 's/.* corp: ([0-9]+\/[0-9A-Za-z]+).*/\1/p' <<<"$status")
	rss=$(sed -nE 's/.* rss: ([0-9]+Mb).*/\1/p' <<<"$status")
	after=$(ls "$findings" | wc -l)
	new=$((after - before))
	rate=$(( elapsed > 0 ? execs / elapsed : 0 ))
	# CPU seconds (the fuzzer and its job, user and system): the rate on an idle core.
	# The line of figures only: time(1) puts "Command exited with non-zero status"
	# before it when the fuzzer stopped on a finding or a signal (that line read
	# as 0 made "0371", which the shell took for octal)
	cpu=$(awk 'NF == 2 && $1 ~ /^[0-9.]+$/ { c = $1 + $2 } END { printf "%d", c }' "$run/cpu" 2>/dev/null || echo 0)
	cpu_rate=$(( cpu > 0 ? execs / cpu : 0 ))
	rows+=("| $t | $(max_len "$t") | $elapsed | $cpu | $execs | $rate | $cpu_rate | ${cov:-?} | ${ft:-?} | ${corp:-?} | ${rss:-?} | $new |")
	if [ "$new" -gt 0 ]; then
		for f in $(ls -t "$findings" | head -n "$new"); do notes+=("$t: $findings/$f"); done
		notes+=("$t: log $log")
	fi
done

{
	echo "Fuzzing: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), nice 19, ASan+UBSan, flags: -jobs=1 ${RUNS:+-runs=$RUNS }$FUZZ_FLAGS"
	echo
	echo "| target | max_len | seconds | CPU s | executions | exec/s | exec/CPU s | cov | features | corpus | rss | findings |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|"
	printf '%s\n' "${rows[@]}"
	if [ ${#notes[@]} -gt 0 ]; then
		echo
		echo "Findings:"
		printf '  %s\n' "${notes[@]}"
	fi
} | tee "$results"
