#!/usr/bin/env python3
"""doc/rules.md must be what `authlint rules --markdown` writes.

usage: doc_stale.py DOC/RULES.MD [--update]
The binary comes from $AUTHLINT. It runs in an empty directory, so that no
.authlint.yaml adds organisation policies to the reference. --update rewrites
the file (what `ninja -C build rules-md` does).
"""
import difflib
import os
import subprocess
import sys
import tempfile

HOW = ('doc/rules.md is stale: the rule registry changed. Regenerate it with\n'
       '    build/src/cli/authlint rules --markdown > doc/rules.md\n'
       'or  ninja -C build rules-md\n'
       'and commit it with the rule change.')


def main():
    args = [a for a in sys.argv[1:] if a != '--update']
    update = '--update' in sys.argv[1:]
    doc = args[0]
    exe = os.environ.get('AUTHLINT') or (args[1] if len(args) > 1 else None)
    if not exe:
        print('AUTHLINT is not set (run through meson test)')
        return 2
    with tempfile.TemporaryDirectory(prefix='authlint-doc-') as empty:
        r = subprocess.run([exe, 'rules', '--markdown'], cwd=empty, capture_output=True, timeout=60,
                           env=dict(os.environ, NO_COLOR='1', LC_ALL='C'))
    if r.returncode != 0:
        print('authlint rules --markdown failed:', r.stderr.decode('utf-8', 'replace'))
        return 1
    if update:
        with open(doc, 'wb') as fh:
            fh.write(r.stdout)
        print(f'wrote {doc}')
        return 0
    try:
        with open(doc, 'rb') as fh:
            have = fh.read()
    except OSError as e:
        print(f'cannot read {doc}: {e}\n{HOW}')
        return 1
    if have == r.stdout:
        print('doc/rules.md is up to date')
        return 0
    diff = difflib.unified_diff(have.decode('utf-8', 'replace').splitlines(),
                                r.stdout.decode('utf-8', 'replace').splitlines(),
                                'doc/rules.md (committed)', 'authlint rules --markdown', lineterm='', n=2)
    lines = list(diff)
    print('\n'.join(lines[:60]))
    if len(lines) > 60:
        print(f'... {len(lines) - 60} more lines of difference')
    print(HOW)
    return 1


if __name__ == '__main__':
    sys.exit(main())
