#!/usr/bin/env python3
"""libauthlint exports exactly what the public headers declare.

usage: symbols.py LIBAUTHLINT.so INCLUDE_DIR [GENERATED_INCLUDE_DIR...]

Every dynamic symbol the shared library defines must be a function declared
in include/authlint (an internal symbol that leaks becomes ABI by accident),
and every function declared there must be exported (a declaration the
library does not export fails to link in a program that uses it). In the
manner of libxkbcommon's symbols-leak test.
"""
import glob
import os
import re
import subprocess
import sys

lib, *include_dirs = sys.argv[1:]
out = subprocess.run(['nm', '-D', '--defined-only', lib], check=True, capture_output=True, text=True).stdout
exported = set()
for line in out.splitlines():
    parts = line.split()
    if len(parts) == 3 and not parts[2].startswith('_'):
        exported.add(parts[2])

DECL = re.compile(r'^AL_EXPORT\b[^;{]*?\b(al_[a-z0-9_]+)\s*\(', re.M)
declared = {}
for d in include_dirs:
    for path in sorted(glob.glob(os.path.join(d, '*.h'))):
        with open(path, encoding='utf-8') as fh:
            text = fh.read()
        for m in DECL.finditer(text):
            declared[m.group(1)] = os.path.basename(path)
        # a declaration of a function without AL_EXPORT is a mistake too
        for m in re.finditer(r'^(?!AL_EXPORT|typedef|static|#|extern|\s)[A-Za-z][^;{(]*?\b(al_[a-z0-9_]+)\s*\(', text, re.M):
            print(f'{path}: {m.group(1)} is declared without AL_EXPORT')
            declared.setdefault('!missing-export', path)

problems = 0
for name in sorted(exported - set(declared)):
    print(f'{lib}: exports {name}, which no public header declares (an internal symbol leaks)')
    problems += 1
for name in sorted(set(declared) - exported):
    if name == '!missing-export':
        problems += 1
        continue
    print(f'{declared[name]}: declares {name}, which the library does not export')
    problems += 1
print(f'{len(exported)} symbols exported, {len(declared)} declared in the public headers')
print(f'symbols: {len(exported & set(declared))} passed, {problems} failed')
sys.exit(1 if problems else 0)
