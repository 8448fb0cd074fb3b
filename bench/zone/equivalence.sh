#!/usr/bin/env bash
# The live bar: `authlint zone` on the synthetic zone file and `authlint check`
# on the same domains served by Knot on loopback must give the same SPF and
# DMARC findings for every domain. Prints how many domains differ and which
# rules, with examples. Not a timing: a correctness figure on realistic data.
#
#   bench/zone/equivalence.sh          # N=2000
#   N=10000 bench/zone/equivalence.sh
#
# Needs: knot (knotd), knot-dnsutils (kdig), python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bench_find_shared
N=${N:-2000}
ADDR=${ADDR:-127.0.0.54}
export BENCH_RUN=$WORK/run-equivalence
mkdir -p "$BENCH_RUN"
bench_build
authlint=${AUTHLINT:-$authlint} # another build to compare, e.g. an older one
export AUTHLINT_RESOLV_CONF=/dev/null # never the machine's resolvers
bench_data "$N"

trap bench_knot_stop EXIT
bench_knot_start "$BENCH_RUN/primary" "$ADDR" "$data"

"$authlint" zone --offline --format jsonl "$data/test.zone" > "$BENCH_RUN/zone.jsonl" || true
# each domain with the selectors the zone publishes for it, as zone mode sees them
/usr/bin/python3 - "$data" > "$BENCH_RUN/domains.txt" <<'PY'
import collections, sys
sels = collections.defaultdict(list)
with open(sys.argv[1] + '/dkim_selectors.tsv') as fh:
    for line in fh:
        parts = line.split()
        if len(parts) == 2:
            sels[parts[0].rstrip('.')].append(parts[1])
with open(sys.argv[1] + '/domains.txt') as fh:
    for line in fh:
        d = line.strip().rstrip('.')
        if d:
            print(' '.join([d] + sels.get(d, [])))
PY
"$authlint" check --resolver "$ADDR:5300" --format jsonl --no-progress \
	--domains-file "$BENCH_RUN/domains.txt" > "$BENCH_RUN/check.jsonl" 2>/dev/null || true
/usr/bin/python3 "$here/equivalence.py" "$data/domains.txt" "$BENCH_RUN/zone.jsonl" "$BENCH_RUN/check.jsonl"
