#!/usr/bin/env bash
# Benchmark: `authlint reports --offline` against dmarc-cat (Debian package, name resolution off
# with -N) on one generated 100,000-record report and on a directory of 10,000 small reports
# (.xml.gz, .zip, .xml), in the same run; then authlint alone on reports of growing size, to show
# whether memory stays flat as a report grows. Whole process, median of REPS runs, through
# ../shared/bench/bench.py (/usr/bin/time -v); prints the speed ratio and peak RSS.
#
#   bench/reports/run.sh                       # N=100000 FILES=10000 GROW="10000 100000 500000" REPS=3
#   N=10000 FILES=1000 GROW=10000 REPS=1 bench/reports/run.sh
#   DIR_REPS=1 bench/reports/run.sh            # the directory once (dmarc-cat runs 10,000 times)
#   BEFORE=/path/to/old/authlint bench/reports/run.sh   # an older build measured in the same run
#
# The ratio is given in CPU seconds (user + system, the children's included), the measure
# that holds on a shared machine, and in wall seconds; the load average is printed before
# and after. Run it at normal priority (nice slows the wall figures, not the CPU ones).
# (500,000 records is 237 MB: the default per-file limit is 256 MiB.)
#
# dmarc-cat reads one file per run (and only files named receiver!domain!begin!end...), so the
# directory is read by one dmarc-cat process per file, as a user of it would. Both readers'
# message totals are checked against what the generator wrote (gen.py), so a reader that read
# nothing cannot look fast.
# Needs: dmarc-cat, time, python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bench_find_shared
N=${N:-100000}
FILES=${FILES:-10000}
GROW=${GROW:-"10000 100000 500000"}
REPS=${REPS:-3}
DIR_REPS=${DIR_REPS:-$REPS}  # the directory's dmarc-cat run is 10,000 processes: DIR_REPS=1 saves minutes
export BENCH_RESULTS=$WORK/results
mkdir -p "$BENCH_RESULTS"
command -v dmarc-cat >/dev/null || { echo "$0: dmarc-cat is not installed (apt-get install dmarc-cat)" >&2; exit 2; }

bench_build
data=$WORK/reports-data
mkdir -p "$data"
big() { echo "$data/google.com!example.com!1796083200!1796169599!n$1.xml"; }
for n in $N $GROW; do
	[ -f "$(big "$n").json" ] || /usr/bin/python3 "$here/gen.py" big "$n" "$(big "$n")" >/dev/null
done
dir=$data/dir$FILES
[ -f "$dir.json" ] || { rm -rf "$dir"; /usr/bin/python3 "$here/gen.py" dir "$FILES" "$dir" >/dev/null; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
bench() { /usr/bin/python3 "$shared/bench/bench.py" --reps "$REPS" --timeout 1800 "$@"; }
bench --tool authlint --mode reports-big --n "$N" --units "$N" --unit records --note "one report, --offline, json" -- \
	"$authlint" reports --offline --format json "$(big "$N")"
bench --tool dmarc-cat --mode reports-big --n "$N" --units "$N" --unit records --note "one report, -N" -- \
	dmarc-cat -N "$(big "$N")"
bench_dir() { /usr/bin/python3 "$shared/bench/bench.py" --reps "$DIR_REPS" --timeout 3600 "$@"; }
bench_dir --tool authlint --mode reports-dir --n "$FILES" --units "$FILES" --unit reports --note "directory, --offline, json" -- \
	"$authlint" reports --offline --format json "$dir"
bench_dir --tool dmarc-cat --mode reports-dir --n "$FILES" --units "$FILES" --unit reports --note "one process per file, -N" \
	--shell -- "for f in '$dir'/*; do dmarc-cat -N \"\$f\" || exit 1; done"
if [ -n "${BEFORE:-}" ]; then
	bench --tool authlint-before --mode reports-big --n "$N" --units "$N" --unit records --note "one report, --offline, json" -- \
		"$BEFORE" reports --offline --format json "$(big "$N")"
	bench_dir --tool authlint-before --mode reports-dir --n "$FILES" --units "$FILES" --unit reports --note "directory, --offline, json" -- \
		"$BEFORE" reports --offline --format json "$dir"
fi
for n in $GROW; do
	bench --tool authlint --mode reports-grow --n "$n" --units "$n" --unit records --note "one report, --offline, json" -- \
		"$authlint" reports --offline --format json "$(big "$n")"
done

# the figures: messages found against the generator's, the ratio, peak RSS
/usr/bin/python3 - "$BENCH_RESULTS" "$N" "$FILES" "$(big "$N").json" "$dir.json" "$GROW" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import collections, glob, json, os, re, sys
res, n, files, big_stats, dir_stats, grow = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
print(f"load average (1, 5, 15 min): {sys.argv[7]} before, {sys.argv[8]} after; {os.cpu_count()} processors")
rows = [json.loads(l) for l in open(os.path.join(res, 'results.jsonl')) if l.strip()]
last = collections.OrderedDict()
for r in rows:
    k = (r['tool'], r['mode'], r['n'])
    if r.get('rep') == 1 or k not in last:
        last[k] = []
    last[k].append(r)
def med(tool, mode, n):
    rs = sorted(last[(tool, mode, n)], key=lambda r: r['wall_s'])
    return rs[len(rs) // 2]
def cpu(r):
    return r['user_s'] + r['sys_s']
def med_cpu(tool, mode, n):
    cs = sorted(cpu(r) for r in last[(tool, mode, n)])
    return cs[len(cs) // 2]
def authlint_messages(r):
    out = os.path.join(res, 'logs', f"{r['tool']}.{r['mode']}.n{r['n']}.r{r['rep']}.out")
    doc = json.load(open(out))
    return sum(d['messages'] for d in doc['domains'])
def dmarccat_messages(r, k):
    # one table per report: "IP  Count  From ..." rows; sum the counts
    out = os.path.join(res, 'logs', f"{r['tool']}.{r['mode']}.n{r['n']}.r{r['rep']}.out")
    total = 0
    for line in open(out, errors='replace'):
        m = re.match(r'^(\S+)\s+(\d+)\s+\S', line)
        if m and (':' in m.group(1) or m.group(1).count('.') == 3):
            total += int(m.group(2))
    return total
bad = False
for mode, units, stats in (('reports-big', n, big_stats), ('reports-dir', files, dir_stats)):
    want = json.load(open(stats))['messages']
    a, d = med('authlint', mode, units), med('dmarc-cat', mode, units)
    am, dm = authlint_messages(a), dmarccat_messages(d, units)
    ok = am == want
    bad |= not ok or a['rc'] != 0
    ac, dc = med_cpu('authlint', mode, units), med_cpu('dmarc-cat', mode, units)
    print(f"{mode}: authlint {ac:.2f} CPU s ({a['wall_s']:.2f} s wall), {a['maxrss_kb'] / 1024:.0f} MiB peak "
          f"(rc {a['rc']}, {am:,} messages{'' if ok else ' MISMATCH'}); dmarc-cat {dc:.2f} CPU s "
          f"({d['wall_s']:.2f} s wall), {d['maxrss_kb'] / 1024:.0f} MiB peak (rc {d['rc']}, {dm:,} messages); "
          f"expected {want:,} messages; authlint is {dc / max(ac, 0.001):.1f}x faster in CPU time "
          f"({d['wall_s'] / a['wall_s']:.1f}x in wall time), " +
          (f"{d['maxrss_kb'] / max(a['maxrss_kb'], 1):.1f}x less memory" if d['maxrss_kb'] >= a['maxrss_kb']
           else f"{a['maxrss_kb'] / max(d['maxrss_kb'], 1):.1f}x the memory (of one dmarc-cat process)"))
for mode, units in (('reports-big', n), ('reports-dir', files)):
    if ('authlint-before', mode, units) in last:
        b, a = med('authlint-before', mode, units), med('authlint', mode, units)
        bc, ac, dc = med_cpu('authlint-before', mode, units), med_cpu('authlint', mode, units), med_cpu('dmarc-cat', mode, units)
        print(f"{mode}: the build given as BEFORE {bc:.2f} CPU s ({b['wall_s']:.2f} s wall), "
              f"{b['maxrss_kb'] / 1024:.0f} MiB peak, {dc / max(bc, 0.001):.1f}x dmarc-cat's speed in CPU time; "
              f"this tree {ac:.2f} CPU s, {dc / max(ac, 0.001):.1f}x")
print('authlint peak RSS as the report grows:')
for g in grow.split():
    r = med('authlint', 'reports-grow', int(g))
    print(f"  {int(g):>9,} records: {med_cpu('authlint', 'reports-grow', int(g)):.2f} CPU s "
          f"({r['wall_s']:.2f} s wall), {r['maxrss_kb'] / 1024:.0f} MiB (rc {r['rc']})")
sys.exit(1 if bad else 0)
PY
