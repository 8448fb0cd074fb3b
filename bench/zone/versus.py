#!/usr/bin/python3
"""Run several tools on the same zone interleaved (A B C, A B C, ...) and print
each one's medians and its ratio to the reference tool, all from this one run.

  versus.py --reps 5 --ref kzonecheck --out DIR \
      --tool NAME=CMD ARGS... [--tool NAME=CMD ARGS...]

Each --tool takes one shell-quoted command line (shlex); its stdout goes to
DIR/NAME.out (a file, as a user would write it), stderr to DIR/NAME.err.
Wall time from a monotonic clock; CPU seconds (user + sys) and peak RSS from
wait4's rusage of the process. The load average (1 minute) is printed at the
start and the end: on a shared machine compare CPU seconds first.
"""
import argparse
import os
import shlex
import statistics
import sys
import time


def run_once(argv, out_path, err_path):
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            try:
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                os.execvp(argv[0], argv)
            finally:
                os._exit(127)
        _, status, ru = os.wait4(pid, 0)
        wall = time.monotonic() - start
    rc = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "user": ru.ru_utime, "sys": ru.ru_stime,
            "rss_mb": ru.ru_maxrss / 1024.0, "rc": rc}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--ref", required=True, help="the tool the ratios are against")
    ap.add_argument("--out", required=True, help="directory for the tools' output")
    ap.add_argument("--tool", action="append", required=True, metavar="NAME=COMMAND")
    a = ap.parse_args()
    if not 1 <= a.reps <= 50:
        sys.exit("versus.py: --reps is 1 to 50")
    tools = []
    for t in a.tool:
        name, _, cmd = t.partition("=")
        if not name or not cmd:
            sys.exit(f"versus.py: --tool {t!r} is not NAME=COMMAND")
        tools.append((name, shlex.split(cmd)))
    if a.ref not in [n for n, _ in tools]:
        sys.exit(f"versus.py: --ref {a.ref} is not one of the tools")
    os.makedirs(a.out, exist_ok=True)
    load_start = os.getloadavg()[0]
    runs = {n: [] for n, _ in tools}
    for rep in range(a.reps):
        for name, argv in tools:
            r = run_once(argv, os.path.join(a.out, name + ".out"), os.path.join(a.out, name + ".err"))
            if r["rc"] != 0:
                sys.exit(f"versus.py: {name} exited {r['rc']} (see {a.out}/{name}.err)")
            runs[name].append(r)
    load_end = os.getloadavg()[0]

    def med(name, key):
        return statistics.median(r[key] for r in runs[name])

    print(f"{a.reps} interleaved runs each; load average (1 min) {load_start:.2f} at the start, "
          f"{load_end:.2f} at the end, on {os.cpu_count()} processors")
    print()
    print("| tool | CPU s (user+sys) | wall s (min..max) | peak RSS MB | CPU vs %s | wall vs %s | RSS vs %s |"
          % (a.ref, a.ref, a.ref))
    print("|---|---|---|---|---|---|---|")
    ref_cpu, ref_wall, ref_rss = med(a.ref, "cpu"), med(a.ref, "wall"), med(a.ref, "rss_mb")
    for name, _ in tools:
        walls = [r["wall"] for r in runs[name]]
        print(f"| {name} | {med(name, 'cpu'):.2f} | {med(name, 'wall'):.2f} ({min(walls):.2f}..{max(walls):.2f}) "
              f"| {med(name, 'rss_mb'):.0f} | {med(name, 'cpu') / ref_cpu:.2f}x | {med(name, 'wall') / ref_wall:.2f}x "
              f"| {med(name, 'rss_mb') / ref_rss:.2f}x |")


if __name__ == "__main__":
    main()
