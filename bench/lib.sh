# shellcheck shell=bash
# Shared by the benchmark scripts (sourced): where the shared material is, a
# release build of authlint, and the synthetic data of ../shared/bench.
#
#   SHARED    the shared material (default: ../shared beside the clone)
#   WORK      build, data and results (default: build-bench in the tree)
#   DATA_ROOT data generated before (zNk/ folders of gen_zone.py output), if any

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${WORK:-$bench_root/build-bench}

# Sets $shared to the folder holding bench/gen_zone.py.
bench_find_shared() {
	shared=${SHARED:-}
	if [ -z "$shared" ]; then
		local d
		for d in "$bench_root/../shared" "$bench_root/../../shared"; do
			if [ -d "$d/bench" ]; then shared=$(cd "$d" && pwd); break; fi
		done
	fi
	[ -n "$shared" ] || { echo "$0: set SHARED to the shared material (with bench/)" >&2; exit 2; }
}

# A release build in $WORK/build; sets $authlint.
bench_build() {
	if [ ! -x "$WORK/build/src/cli/authlint" ]; then
		meson setup "$WORK/build" "$bench_root" --buildtype=release -Dtests=false >/dev/null
	fi
	ninja -C "$WORK/build" >/dev/null
	authlint=$WORK/build/src/cli/authlint
}

# The synthetic data for N domains: $DATA_ROOT/z<N/1000>k when it is there,
# else generated once into $WORK/data/n<N>; sets $data.
bench_data() {
	local n=$1
	data=
	if [ -n "${DATA_ROOT:-}" ] && [ -f "$DATA_ROOT/z$((n / 1000))k/test.zone" ]; then
		data=$DATA_ROOT/z$((n / 1000))k
		return
	fi
	data=$WORK/data/n$n
	if [ ! -f "$data/test.zone" ]; then
		/usr/bin/python3 "$shared/bench/gen_zone.py" -n "$n" --out "$data" >/dev/null
	fi
}
