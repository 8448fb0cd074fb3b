#!/usr/bin/env bash
# Benchmark: CPU time to verify the DKIM signatures (and the ARC chain) of a
# 100 KB message and of an mbox of N signed messages (half rsa-sha256 2048,
# half ed25519-sha256), keys from tests/data/dkim/keys.zone; against dkimpy
# (Debian python3-dkim) on the same mbox when it is installed.
#
#   bench/triage/run.sh          # N=10000
#   N=1000 bench/triage/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
N=${N:-10000}
bench_build
mkdir -p "$WORK/triage"
if [ ! -f "$WORK/triage/mbox.$N" ]; then
	python3 "$here/gen.py" "$WORK/triage" "$N"
	mv "$WORK/triage/mbox" "$WORK/triage/mbox.$N"
fi
cc -O2 -I"$root/include" -I"$WORK/build/include" "$here/verify.c" -o "$WORK/triage-verify" \
	"$WORK/build/src/lib/libauthlint.so" -Wl,-rpath,"$WORK/build/src/lib"
zone=$root/tests/data/dkim/keys.zone
now=1796083200
echo "100 KB message (2 signatures):"
"$WORK/triage-verify" "$zone" "$WORK/triage/big.eml" "$now"
echo "mbox of $N messages:"
ours=$(/usr/bin/time -f '%U %S' "$WORK/triage-verify" "$zone" "$WORK/triage/mbox.$N" "$now" 2>&1 \
	>"$WORK/triage/ours.out" | tail -1)
cat "$WORK/triage/ours.out"
echo "authlint CPU (user sys): $ours"
if python3 -c 'import dkim' 2>/dev/null; then
	theirs=$(/usr/bin/time -f '%U %S' python3 - "$zone" "$WORK/triage/mbox.$N" 2>&1 >/dev/null <<'PY' | tail -1
import mailbox, re, sys, dkim
txt = {}
for line in open(sys.argv[1]):
    m = re.match(r'(\S+)\._domainkey TXT \(?\s*(.*?)\s*\)?$', line.strip())
    if m:
        txt[m.group(1)] = ''.join(re.findall(r'"([^"]*)"', m.group(2))).encode()
ok = 0
for msg in mailbox.mbox(sys.argv[2]):
    raw = msg.as_bytes()
    ok += dkim.verify(raw, dnsfunc=lambda name, timeout=5: txt.get(name.decode().split('.')[0]))
print(ok)
PY
)
	echo "dkimpy CPU (user sys): $theirs"
	awk -v a="$ours" -v b="$theirs" 'BEGIN { split(a, x, " "); split(b, y, " ");
		printf "dkimpy / authlint CPU ratio: %.1f\n", (y[1] + y[2]) / (x[1] + x[2]) }'
else
	echo "dkimpy (python3-dkim) not installed: no comparison"
fi
