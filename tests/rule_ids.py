#!/usr/bin/env python3
"""The rule ids of the C code and of rules/ agree.

usage: rule_ids.py SOURCE_ROOT [BUILD/src/lib/rule_codes.h]

C code raises rules through the constants AL_RULE_<ID> that
scripts/rule_codes.py generates from rules/, so the compiler refuses an id
that does not exist. This checks the rest:
- every rule in rules/ is raised somewhere in src/ through its constant (or is
  declarative), and every constant used in src/ has a rules/*/<ID>.yaml;
- no id is written as a string in src/: ids as strings come only from users
  (configuration, --rules-dir, explain), never from the code that raises;
- the generated header (when given) has exactly one constant per rule file;
- rules/RETIRED lists ids that are never reused: none has a rule file, a
  constant or a use in src/.
"""
import os
import re
import sys

root = sys.argv[1]
header = sys.argv[2] if len(sys.argv) > 2 else None
PREFIX = r'(?:SPF|DMARC|DKIM|DNS|ZONE|LOOKUP|PROP|PLAN|ALIGN|SIG|ARC|TRIAGE|REPORT)'
CONST = re.compile(r'\bAL_RULE_([A-Z]+\d{3})\b')
STRING = re.compile(r'"(%s\d{3})"' % PREFIX)
errors = 0


def problem(text):
    global errors
    print(text)
    errors += 1


retired = {}
retired_path = os.path.join(root, 'rules', 'RETIRED')
if os.path.exists(retired_path):
    with open(retired_path, encoding='utf-8') as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith('#'):
                rid, _, why = line.partition(' ')
                retired[rid] = why.strip()

raised = {}
for dirpath, _dirs, files in os.walk(os.path.join(root, 'src')):
    for f in sorted(files):
        if not f.endswith(('.c', '.h')):
            continue
        path = os.path.join(dirpath, f)
        rel = os.path.relpath(path, root)
        with open(path, encoding='utf-8') as fh:
            for lineno, line in enumerate(fh, 1):
                for m in CONST.finditer(line):
                    raised.setdefault(m.group(1), f'{rel}:{lineno}')
                for m in STRING.finditer(line):
                    problem(f'{rel}:{lineno}: rule id "{m.group(1)}" written as a string: '
                            f'raise and look up rules through AL_RULE_{m.group(1)}')

defined = {}
for dirpath, _dirs, files in os.walk(os.path.join(root, 'rules')):
    for f in files:
        m = re.fullmatch(r'([A-Z]+\d{3})\.yaml', f)
        if m:
            with open(os.path.join(dirpath, f), encoding='utf-8') as fh:
                defined[m.group(1)] = fh.read()

for rid, where in sorted(raised.items()):
    if rid in retired:
        problem(f'{where}: raises {rid}, which was retired ({retired[rid]})')
    elif rid not in defined:
        problem(f'{where}: raises {rid}, which has no rules/*/{rid}.yaml')
for rid, text in sorted(defined.items()):
    if rid in retired:
        problem(f'rules: {rid} was retired ({retired[rid]}); ids are never reused')
    declarative = re.search(r'^check:\s*$', text, re.M) is not None
    if rid not in raised and not declarative:
        problem(f'rules: {rid} is defined but no C code raises it (AL_RULE_{rid})')

constants = set()
if header is not None:
    with open(header, encoding='utf-8') as fh:
        constants = set(re.findall(r'^\tAL_RULE_([A-Z]+\d{3}),$', fh.read(), re.M))
    for rid in sorted(constants - set(defined)):
        problem(f'{header}: AL_RULE_{rid} has no rules/*/{rid}.yaml (rebuild?)')
    for rid in sorted(set(defined) - constants):
        problem(f'{header}: rules/*/{rid}.yaml has no constant AL_RULE_{rid} (rebuild?)')

print(f'{len(raised)} ids raised, {len(defined)} rules defined, {len(constants)} constants, '
      f'{len(retired)} retired, {errors} problems')
sys.exit(1 if errors else 0)
