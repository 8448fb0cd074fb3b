#!/usr/bin/env bash
# The whole test suite: a warning-free build (gcc, -Werror) with every test,
# the same tests under AddressSanitizer and UndefinedBehaviorSanitizer, and a
# clang build that must also be warning-free.
set -euo pipefail
cd "$(dirname "$0")/.."

setup() { # setup DIR [meson options...]
	local dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
}

echo "== gcc, -Werror"
setup build-test -Dwerror=true -Dbuildtype=debugoptimized
meson test -C build-test --print-errorlogs

echo "== gcc, ASan + UBSan"
setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
# ASan and UBSan slow every test down (the golden cases run the binary ~300 times): thrice the time
meson test -C build-asan --print-errorlogs --timeout-multiplier 3

echo "== clang, -Werror (build only)"
CC=clang setup build-clang -Dwerror=true
ninja -C build-clang

echo "== all passed"
