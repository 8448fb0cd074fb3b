#!/usr/bin/env python3
"""Every rule in rules/ is raised somewhere (or is declarative, or names the
test that covers it). C code raises rules through the constants AL_RULE_<ID>
that scripts/rule_codes.py generates from rules/, so the compiler refuses an
id that does not exist; an id written as a string in C (a look-up by id) must
exist too. A code never changes meaning: ids are only added."""
import os
import re
import sys

root = sys.argv[1]
ID = re.compile(r'"((?:SPF|DMARC|DKIM|DNS|ZONE|LOOKUP|PROP|PLAN|ALIGN)\d{3})"|\bAL_RULE_([A-Z]+\d{3})\b')
raised = {}
for dirpath, _dirs, files in os.walk(os.path.join(root, 'src')):
    for f in files:
        if not f.endswith('.c'):
            continue
        path = os.path.join(dirpath, f)
        with open(path, encoding='utf-8') as fh:
            for lineno, line in enumerate(fh, 1):
                for m in ID.finditer(line):
                    raised.setdefault(m.group(1) or m.group(2), f'{os.path.relpath(path, root)}:{lineno}')

defined = {}
for dirpath, _dirs, files in os.walk(os.path.join(root, 'rules')):
    for f in files:
        m = re.fullmatch(r'([A-Z]+\d{3})\.yaml', f)
        if m:
            with open(os.path.join(dirpath, f), encoding='utf-8') as fh:
                text = fh.read()
            defined[m.group(1)] = text

errors = 0
for rid, where in sorted(raised.items()):
    if rid not in defined:
        print(f'{where}: raises {rid}, which has no rules/*/{rid}.yaml')
        errors += 1
for rid, text in sorted(defined.items()):
    declarative = re.search(r'^check:\s*$', text, re.M) is not None
    if rid not in raised and not declarative:
        print(f'rules: {rid} is defined but no C code raises it')
        errors += 1
print(f'{len(raised)} ids raised, {len(defined)} rules defined, {errors} problems')
sys.exit(1 if errors else 0)
