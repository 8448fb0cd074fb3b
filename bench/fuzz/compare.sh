#!/usr/bin/env bash
# Executions per CPU second of fuzz targets built twice (before and after a
# change), measured one after the other so that each pair shares the load:
#
#   bench/fuzz/compare.sh BEFORE_DIR AFTER_DIR TARGET...
#
# BEFORE_DIR and AFTER_DIR hold fuzz_TARGET binaries of bench/fuzz/run.sh's
# build (clang, ASan+UBSan, libFuzzer); copy them aside after building each
# side. Three workloads per target, each run REPEAT times per side (default 2):
#
#   short   3,000 inputs of at most 32 bytes from an empty corpus (-seed=1):
#           the fixed cost of an input
#   seeds   2,000 inputs from the seed corpus (-seed=1, -max_len as run.sh)
#   replay  the seeds of tests/fuzz/corpus/TARGET, each run REPLAY times
#           (default 30), no mutation
#
# CPU seconds are user+system of the process (from /usr/bin/time), which
# includes page faults; the rate is executions / CPU s. Runs at nice 19.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
REPEAT=${REPEAT:-2}
REPLAY=${REPLAY:-30}
[ $# -ge 3 ] || { echo "usage: $0 BEFORE_DIR AFTER_DIR TARGET..." >&2; exit 2; }
before=$1 after=$2
shift 2
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:quarantine_size_mb=64:malloc_context_size=10}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

max_len() {
	case $1 in
	spf | dmarc | dkim | tagvalue) echo 4096 ;;
	diff) echo 32768 ;;
	plan) echo 8192 ;;
	report) echo 65536 ;;
	*) echo 16384 ;;
	esac
}

# CPU seconds from time(1)'s file: the line of figures (a line "Command exited
# with non-zero status" may come before it)
cpu_s() {
	awk 'NF == 2 && $1 ~ /^[0-9.]+$/ { c = $1 + $2 } END { print c + 0 }' "$tmp/cpu"
}

# cpu BIN WORKLOAD TARGET: prints "executions cpu_seconds"
cpu() {
	local bin=$1 work=$2 t=$3 seeds=$root/tests/fuzz/corpus/$3
	rm -rf "$tmp/corpus" "$tmp/log"
	mkdir -p "$tmp/corpus"
	case $work in
	short)
		nice -n 19 /usr/bin/time -f '%U %S' -o "$tmp/cpu" "$bin" -seed=1 -runs=3000 -max_len=32 \
			-entropic=0 -reload=0 -timeout=10 "$tmp/corpus" >"$tmp/log" 2>&1 || true
		echo "3000 $(cpu_s)" ;;
	seeds)
		nice -n 19 /usr/bin/time -f '%U %S' -o "$tmp/cpu" "$bin" -seed=1 -runs=2000 \
			-max_len="$(max_len "$t")" -entropic=0 -reload=0 -timeout=10 \
			"$tmp/corpus" "$seeds" >"$tmp/log" 2>&1 || true
		echo "2000 $(cpu_s)" ;;
	replay)
		local files=() n=0
		for _ in $(seq "$REPLAY"); do
			for f in "$seeds"/*; do files+=("$f"); n=$((n + 1)); done
		done
		nice -n 19 /usr/bin/time -f '%U %S' -o "$tmp/cpu" "$bin" "${files[@]}" >"$tmp/log" 2>&1 || true
		echo "$n $(cpu_s)" ;;
	esac
	if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error' "$tmp/log"; then
		echo "$0: $bin $work: a finding, see below" >&2
		cat "$tmp/log" >&2
		exit 1
	fi
}

echo "load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%H:%M UTC')"
echo "| target | workload | before exec/CPU s | after exec/CPU s |"
echo "|---|---|---:|---:|"
for t in "$@"; do
	for work in short seeds replay; do
		b=() a=()
		for _ in $(seq "$REPEAT"); do
			cpu "$before/fuzz_$t" "$work" "$t" >"$tmp/res"
			b+=("$(awk '{ printf "%d", ($2 > 0 ? $1 / $2 : 0) }' "$tmp/res")")
			cpu "$after/fuzz_$t" "$work" "$t" >"$tmp/res"
			a+=("$(awk '{ printf "%d", ($2 > 0 ? $1 / $2 : 0) }' "$tmp/res")")
		done
		echo "| $t | $work | $(IFS=,; echo "${b[*]}" | sed 's/,/, /g') | $(IFS=,; echo "${a[*]}" | sed 's/,/, /g') |"
	done
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%H:%M UTC')"
