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
. "$here/../lib.sh"
N=${N:-100000}
keys=${KEYS:-}
if [ -z "$keys" ]; then
	bench_find_shared
	keys=$shared/bench/keys
fi
bench_build
cc -O2 -I"$root/include" -I"$WORK/build/include" "$here/decode.c" -o "$WORK/dkim-decode" \
	"$WORK/build/src/lib/libauthlint.so" -Wl,-rpath,"$WORK/build/src/lib" -lcrypto
"$WORK/dkim-decode" "$N" "$keys"/*.pub.der
