#!/usr/bin/env python3
"""Golden CLI tests.

Each directory under tests/golden/ is a case:
  args            the command line after `authlint`, shell-quoted (required)
  stdin           fed to standard input (optional)
  expected.out    exact standard output (optional)
  expected.exit   the exit status (required)
  expected.rules  rule ids of the findings, one per line, in output order: the
                  case is run again with --format jsonl and the ids compared
  expected.err    a substring that standard error must contain (optional)
Files the case needs (zones, configs) live in the directory; the command runs
there, with NO_COLOR=1 and TZ=UTC. The one measured value in the output, the
"elapsed" seconds of a bulk-check domain line, is written as 0 before comparing.

usage: run.py DIR [CASE...] [--update]
  --update rewrites expected.out, expected.exit and expected.rules from a run.
"""
import difflib
import json
import os
import re
import shlex
import subprocess
import sys


def run(exe, case, args, extra=()):
    stdin = None
    p = os.path.join(case, 'stdin')
    if os.path.exists(p):
        with open(p, 'rb') as fh:
            stdin = fh.read()
    env = dict(os.environ, NO_COLOR='1', TZ='UTC', LC_ALL='C')
    r = subprocess.run([exe] + args + list(extra), cwd=case, input=stdin,
                       capture_output=True, env=env, timeout=120)
    r.stdout = ELAPSED.sub(rb'"elapsed":0', r.stdout)
    return r


# seconds a domain of `authlint check` took: the only value that differs run to run
ELAPSED = re.compile(rb'"elapsed":[0-9.eE+-]+')


def rule_ids(stdout):
    ids = []
    for line in stdout.decode('utf-8', 'replace').splitlines():
        line = line.strip()
        if not line:
            continue
        obj = json.loads(line)
        # authlint check writes one line per domain with its findings
        found = obj.get('findings', []) if obj.get('type') == 'domain' else [obj]
        for f in found:
            if f.get('type', 'finding') == 'finding' and 'rule' in f:
                rule = f['rule']
                ids.append(rule['id'] if isinstance(rule, dict) else rule)
    return ids


def main():
    argv = sys.argv[1:]
    update = '--update' in argv
    argv = [a for a in argv if a != '--update']
    top = argv[0]
    only = set(argv[1:])
    exe = os.environ.get('AUTHLINT')
    exe = os.path.abspath(exe) if exe else exe
    if not exe:
        print('AUTHLINT is not set (run through meson test)')
        return 2
    cases = sorted(d for d in os.listdir(top) if os.path.isdir(os.path.join(top, d)))
    failed = 0
    for name in cases:
        if only and name not in only:
            continue
        case = os.path.join(top, name)
        with open(os.path.join(case, 'args')) as fh:
            args = shlex.split(fh.read())
        r = run(exe, case, args)
        problems = []
        out_path = os.path.join(case, 'expected.out')
        exit_path = os.path.join(case, 'expected.exit')
        rules_path = os.path.join(case, 'expected.rules')
        err_path = os.path.join(case, 'expected.err')
        if update:
            if os.path.exists(out_path) or not os.path.exists(rules_path):
                with open(out_path, 'wb') as fh:
                    fh.write(r.stdout)
            with open(exit_path, 'w') as fh:
                fh.write(f'{r.returncode}\n')
        if os.path.exists(out_path):
            with open(out_path, 'rb') as fh:
                want = fh.read()
            if want != r.stdout:
                diff = difflib.unified_diff(want.decode('utf-8', 'replace').splitlines(),
                                            r.stdout.decode('utf-8', 'replace').splitlines(),
                                            'expected.out', 'got', lineterm='', n=2)
                problems.append('stdout differs:\n' + '\n'.join(list(diff)[:80]))
        with open(exit_path) as fh:
            want_exit = int(fh.read().strip())
        if want_exit != r.returncode:
            problems.append(f'exit status {r.returncode}, expected {want_exit}; stderr: '
                            + r.stderr.decode('utf-8', 'replace'))
        if os.path.exists(err_path):
            with open(err_path) as fh:
                needle = fh.read().strip()
            if needle not in r.stderr.decode('utf-8', 'replace'):
                problems.append(f'stderr lacks {needle!r}: ' + r.stderr.decode('utf-8', 'replace'))
        if os.path.exists(rules_path) or update:
            rj = run(exe, case, args, ['--format', 'jsonl'])
            if update and not os.path.exists(rules_path) and rj.returncode != r.returncode:
                # a command without JSON Lines findings (plan, spf): no rule list to keep
                print(f'ok   {name} (updated)')
                continue
            try:
                got = rule_ids(rj.stdout)
            except (ValueError, KeyError) as e:
                got = None
                problems.append(f'--format jsonl did not give JSON lines: {e}')
            if update and got is not None:
                with open(rules_path, 'w') as fh:
                    fh.write(''.join(i + '\n' for i in got))
            elif got is not None:
                with open(rules_path) as fh:
                    want_ids = [l.strip() for l in fh if l.strip()]
                if want_ids != got:
                    problems.append(f'rule ids {got}, expected {want_ids}')
            if rj.returncode != r.returncode:
                problems.append(f'jsonl exit {rj.returncode} differs from text exit {r.returncode}')
        if problems:
            failed += 1
            print(f'FAIL {name}')
            for p in problems:
                print('  ' + p.replace('\n', '\n  '))
        else:
            print(f'ok   {name}')
    print(f'{len(cases) if not only else len(only)} cases, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
