#!/usr/bin/env bash
# Benchmark: DKIM key decoding, which runs once per key record (the 1,040,000-record
# zone of ../shared/bench holds about 100,000). Parses N key records built from the
# benchmark keys (RSA 1024/2048, Ed25519) with al_dkim_parse, and decodes the same
# keys with OpenSSL's d2i_PUBKEY for comparison.
#
#   bench/dkim/run.sh            # N=100000
#   N=1000000 bench/dkim/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${N:-100000}
WORK=${WORK:-$root/build-bench}
keys=${KEYS:-}
if [ -z "$keys" ]; then
	for d in "$root/../shared/bench/keys" "$root/../../shared/bench/keys" /work/shared/bench/keys; do
		if [ -d "$d" ]; then keys=$d; break; fi
	done
fi
[ -n "$keys" ] || { echo "run.sh: set KEYS to the directory of *.pub.der keys" >&2; exit 2; }
if [ ! -x "$WORK/build/src/cli/authlint" ]; then
	meson setup "$WORK/build" "$root" --buildtype=release -Dtests=false >/dev/null
fi
ninja -C "$WORK/build" >/dev/null
cc -O2 -I"$root/include" -I"$WORK/build/include" "$here/decode.c" -o "$WORK/dkim-decode" \
	"$WORK/build/src/lib/libauthlint.so" -Wl,-rpath,"$WORK/build/src/lib" -lcrypto
"$WORK/dkim-decode" "$N" "$keys"/*.pub.der
