#!/usr/bin/env python3
"""doc/authlint.1 renders without warnings and keeps up with the CLI: every
option the commands' --help shows, and every command it documents, is in it.

usage: man_page.py doc/authlint.1
The binary comes from $AUTHLINT. groff (groff-base) renders the page when it
is installed; the content checks run either way.
"""
import os
import re
import shutil
import subprocess
import sys

# every command of the CLI
DOCUMENTED = ['zone', 'record', 'check', 'spf', 'propagation', 'plan', 'align', 'rules', 'explain', 'triage', 'lock', 'diff']


def main():
    page_path = sys.argv[1]
    exe = os.environ.get('AUTHLINT')
    if not exe:
        print('AUTHLINT is not set (run through meson test)')
        return 2
    with open(page_path, encoding='utf-8') as fh:
        page = fh.read()
    # roff writes a dash in an option as \-
    text = page.replace('\\-', '-')
    problems = []
    if shutil.which('groff'):
        r = subprocess.run(['groff', '-man', '-ww', '-z', page_path], capture_output=True,
                           env=dict(os.environ, LC_ALL='C.UTF-8'))
        if r.returncode != 0 or r.stderr:
            problems.append('groff: ' + r.stderr.decode('utf-8', 'replace'))
    else:
        print('groff is not installed: the page is not rendered')
    for cmd in DOCUMENTED:
        if not re.search(r'^\.SS "authlint ' + cmd + r'\b', page, re.M):
            problems.append(f'no section for authlint {cmd}')
        r = subprocess.run([exe, cmd, '--help'], capture_output=True, timeout=30)
        for opt in sorted(set(re.findall(r'(?<![\w-])(--[a-z][a-z-]*)', r.stdout.decode()))):
            if opt not in text:
                problems.append(f'authlint {cmd} --help shows {opt}, the man page does not')
    for fmt in ['text', 'json', 'jsonl', 'sarif', 'github']:
        if not re.search(r'^\.B ' + fmt + '$', page, re.M):
            problems.append(f'output format {fmt} is not described')
    for key in ['rules', 'waivers', 'resolvers', 'selectors', 'defaults', 'policies']:
        if not re.search(r'^\.B ' + key + '$', page, re.M):
            problems.append(f'configuration key {key} is not described')
    for p in problems:
        print('FAIL', p)
    print(f'{0 if problems else 1} passed, {1 if problems else 0} failed')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
