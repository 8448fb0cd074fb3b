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

# A release build of commit $1 from its tree (git archive) in $WORK/before-<short id>, built
# once and kept; sets $before to its authlint and $ref to the short id.
bench_build_commit() {
	ref=$(git -C "$bench_root" rev-parse --short "$1")
	local src=$WORK/before-$ref
	if [ ! -x "$src/build/src/cli/authlint" ]; then
		rm -rf "$src"
		mkdir -p "$src"
		git -C "$bench_root" archive "$ref" | tar -x -C "$src"
		meson setup "$src/build" "$src" --buildtype=release -Dtests=false >/dev/null
		ninja -C "$src/build" >/dev/null
	fi
	before=$src/build/src/cli/authlint
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

# Knot serving the synthetic zones of $3 on $2:5300 (a loopback address), its
# files under $1; bench_knot_stop stops it by its pid (trap it on EXIT).
bench_knot_start() {
	knot_dir=$1
	local addr=$2 zones=$3
	case "$addr" in 127.*) ;; *) echo "bench_knot_start: $addr is not a loopback address" >&2; exit 2 ;; esac
	bench_knot_stop
	rm -rf "$knot_dir"
	mkdir -p "$knot_dir/db"
	cat > "$knot_dir/knot.conf" <<EOF
server:
    rundir: "$knot_dir"
    user: root:root
    pidfile: "$knot_dir/pid"
    listen: $addr@5300
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
control:
    listen: "$knot_dir/knot.sock"
database:
    storage: "$knot_dir/db"
log:
  - target: "$knot_dir/log"
    any: warning
template:
  - id: default
    storage: "$zones"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
zone:
  - domain: test.
    file: test.zone
  - domain: 18.198.in-addr.arpa.
    file: rev.zone
EOF
	knotd -c "$knot_dir/knot.conf" -d
	for _ in $(seq 600); do
		kdig @"$addr" -p 5300 SOA test. +short +timeout=1 +retry=0 2>/dev/null | grep -q . && break
		sleep 0.1
	done
	kdig @"$addr" -p 5300 SOA test. +short +timeout=1 +retry=0 | grep -q . ||
		{ echo "knotd is not answering" >&2; exit 1; }
	echo "knotd pid $(cat "$knot_dir/pid") serving $zones on $addr:5300"
}

bench_knot_stop() {
	[ -n "${knot_dir:-}" ] && [ -f "$knot_dir/pid" ] || return 0
	local pid
	pid=$(cat "$knot_dir/pid")
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	fi
	rm -f "$knot_dir/pid"
}
