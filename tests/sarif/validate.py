#!/usr/bin/env python3
"""Validate authlint's SARIF output against the official SARIF 2.1.0 schema.

usage: validate.py SCHEMA SAMPLES-EXE
  SCHEMA       tests/sarif/sarif-schema-2.1.0.json (OASIS, draft-04)
  SAMPLES-EXE  the sarif-samples program (tests/sarif/samples.c)
The authlint binary comes from $AUTHLINT.

Each run is checked against the schema (jsonschema's Draft4Validator) and for
what the schema cannot say: ruleIndex and artifact indexes point at the right
entries, URIs are percent-encoded URI references, relative URIs carry a
uriBaseId, no string holds a control character or a bidi override, suppressions
say where the waiver lives.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema

URI_RE = re.compile(r'^(file://)?([A-Za-z0-9\-._~/]|%[0-9A-F]{2})+$')
BAD_CHARS = re.compile('[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]')


class Failures:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, problems):
        if problems:
            self.failed += 1
            print(f'FAIL {name}')
            for p in problems[:20]:
                print(f'  {p}')
        else:
            self.passed += 1
            print(f'ok   {name}')


def walk_strings(node, path='$'):
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from walk_strings(k, path + '.<key>')
            yield from walk_strings(v, f'{path}.{k}')
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk_strings(v, f'{path}[{i}]')


def semantic_problems(doc):
    problems = []
    if doc.get('version') != '2.1.0':
        problems.append('version is not 2.1.0')
    for path, s in walk_strings(doc):
        # line breaks are allowed in rule descriptions, help and fixes, nowhere else
        if '\n' in s and not re.search(r'((Description|help)\.(text|markdown)|\.fix)$', path):
            problems.append(f'{path}: a line break')
        if BAD_CHARS.search(s):
            problems.append(f'{path}: a control or bidi character: {s!r}')
        if any(0xd800 <= ord(c) <= 0xdfff for c in s):
            problems.append(f'{path}: a lone surrogate')
    for run in doc.get('runs', []):
        rules = run['tool']['driver'].get('rules', [])
        ids = [r['id'] for r in rules]
        if len(set(ids)) != len(ids):
            problems.append('rule ids are not unique')
        for r in rules:
            if r.get('defaultConfiguration', {}).get('level') not in ('error', 'warning', 'note'):
                problems.append(f'rule {r["id"]}: no default level')
            if not r.get('help', {}).get('text') or not r.get('help', {}).get('markdown'):
                problems.append(f'rule {r["id"]}: no help')
        artifacts = run.get('artifacts', [])
        for a in artifacts:
            loc = a['location']
            if not URI_RE.match(loc['uri']):
                problems.append(f'artifact URI {loc["uri"]!r} is not percent-encoded')
            if not loc['uri'].startswith('file://') and loc.get('uriBaseId') is None:
                problems.append(f'relative artifact URI {loc["uri"]!r} without uriBaseId')
        for i, res in enumerate(run.get('results', [])):
            where = f'result {i} ({res.get("ruleId")})'
            idx = res.get('ruleIndex')
            if idx is not None and (idx >= len(rules) or rules[idx]['id'] != res['ruleId']):
                problems.append(f'{where}: ruleIndex {idx} does not point at {res["ruleId"]}')
            if res.get('level') not in ('error', 'warning', 'note'):
                problems.append(f'{where}: level {res.get("level")}')
            if not res.get('partialFingerprints', {}).get('authlint/v1'):
                problems.append(f'{where}: no fingerprint')
            for loc in res.get('locations', []):
                phys = loc.get('physicalLocation')
                if phys:
                    al = phys['artifactLocation']
                    ai = al.get('index')
                    if ai is None or ai >= len(artifacts) or artifacts[ai]['location']['uri'] != al['uri']:
                        problems.append(f'{where}: artifact index {ai} does not match {al["uri"]}')
                    region = phys.get('region', {})
                    if 'endColumn' in region and region['endColumn'] <= region.get('startColumn', 0):
                        problems.append(f'{where}: endColumn before startColumn')
                if not loc.get('logicalLocations') and not phys:
                    problems.append(f'{where}: an empty location')
            for sup in res.get('suppressions', []):
                if sup.get('kind') not in ('inSource', 'external') or 'justification' not in sup:
                    problems.append(f'{where}: suppression {sup}')
    return problems


def validate(validator, name, text, failures, extra=None):
    problems = []
    try:
        doc = json.loads(text)
    except ValueError as e:
        failures.check(name, [f'not JSON: {e}'])
        return None
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
        problems.append(f'schema: {"/".join(str(p) for p in err.path)}: {err.message}')
    problems += semantic_problems(doc)
    if extra is not None and not problems:
        problems += extra(doc)
    failures.check(name, problems)
    return doc


def results(doc):
    return doc['runs'][0].get('results', [])


def expect_samples(name):
    """Checks of what each synthetic run must show."""
    def clean(doc):
        return [] if results(doc) == [] and doc['runs'][0]['invocations'][0]['exitCode'] == 0 else ['not clean']

    def zone(doc):
        p = []
        r = results(doc)
        if [x['ruleId'] for x in r] != ['SPF001', 'DNS002', 'ZONE001']:
            p.append('wrong results')
        loc = r[0]['locations'][0]['physicalLocation']
        if loc['artifactLocation']['uri'] != 'zones/example.com.zone' or loc['region'] != {
                'startLine': 4, 'startColumn': 20, 'endColumn': 24}:
            p.append(f'wrong location {loc}')
        if 'logicalLocations' in r[2]['locations'][0]:
            p.append('ZONE001 has no owner to name')
        if len(doc['runs'][0]['artifacts']) != 2:
            p.append('two files, two artifacts')
        if doc['runs'][0]['invocations'][0]['executionSuccessful']:
            p.append('input error: execution not successful')
        return p

    def waived(doc):
        kinds = [x['suppressions'][0]['kind'] for x in results(doc)]
        return [] if kinds == ['inSource', 'external'] else [f'suppression kinds {kinds}']

    def live(doc):
        p = []
        for x in results(doc):
            loc = x['locations'][0]
            if 'physicalLocation' in loc or loc['logicalLocations'][0]['name'] != 'example.com':
                p.append(f'live location {loc}')
        if doc['runs'][0].get('artifacts'):
            p.append('no artifacts without files')
        return p

    def hostile(doc):
        r = results(doc)
        uri = r[0]['locations'][0]['physicalLocation']['artifactLocation']['uri']
        p = [] if uri == 'zones/odd%20name%2C%23%25%3F%1B%FF.zone' else [f'uri {uri}']
        if 'physicalLocation' in r[1]['locations'][0]:
            p.append('<argument> is not a file')
        if '\\x1b' not in r[0]['message']['text']:
            p.append('the escape is not shown escaped')
        return p

    def based(doc):
        r = results(doc)
        uris = [x['locations'][0]['physicalLocation']['artifactLocation']['uri'] for x in r]
        p = [] if uris == ['zones/a.zone', 'file:///elsewhere/b.zone'] else [f'uris {uris}']
        if doc['runs'][0]['originalUriBaseIds']['%SRCROOT%']['uri'] != 'file:///srv/dns/':
            p.append('originalUriBaseIds')
        return p

    return {'clean.sarif': clean, 'zone.sarif': zone, 'waived.sarif': waived, 'live.sarif': live,
            'hostile.sarif': hostile, 'based.sarif': based}.get(name)


CONFIG = """\
policies:
  - id: ORG-RUA
    severity: error
    summary: Aggregate reports go to our report service
    message: "{owner}: rua {value} is not at reports.example.com"
    check: {record: dmarc, tag: rua, pattern: '^mailto:[^@]+@reports\\.example\\.com$'}
waivers:
  - rule: ORG-RUA
    name: _dmarc.legacy.example
    reason: the legacy domain keeps its old report address until June
"""


def run_cli(exe, cwd, args):
    env = dict(os.environ, NO_COLOR='1', LC_ALL='C')
    return subprocess.run([exe] + args, cwd=cwd, capture_output=True, env=env, timeout=60)


def main():
    schema_path, samples = sys.argv[1], sys.argv[2]
    exe = os.environ.get('AUTHLINT')
    if not exe:
        print('AUTHLINT is not set (run through meson test)')
        return 2
    with open(schema_path) as fh:
        schema = json.load(fh)
    jsonschema.Draft4Validator.check_schema(schema)
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    failures = Failures()
    with tempfile.TemporaryDirectory(prefix='authlint-sarif-') as tmp:
        out = os.path.join(tmp, 'samples')
        os.mkdir(out)
        r = subprocess.run([samples, out], capture_output=True, timeout=60)
        if r.returncode != 0:
            print('sarif-samples failed:', r.stderr.decode('utf-8', 'replace'))
            return 1
        names = sorted(os.listdir(out))
        if len(names) != 6:
            print(f'expected 6 samples, got {names}')
            return 1
        for name in names:
            with open(os.path.join(out, name), encoding='utf-8') as fh:
                validate(validator, name, fh.read(), failures, expect_samples(name))

        # the binary: record mode with an organisation policy and a waiver, on
        # the fixed registry of the golden tests (new rules do not change it)
        small = os.path.join(os.environ.get('AUTHLINT_SOURCE_ROOT', '.'), 'tests/data/rules-small')
        with open(os.path.join(tmp, '.authlint.yaml'), 'w') as fh:
            fh.write(CONFIG)
        cases = [
            ('record-clean', ['record', 'dmarc', 'v=DMARC1; p=reject; rua=mailto:d@reports.example.com',
                              '--domain', 'example.com'], 0, []),
            ('record-findings', ['record', 'dmarc', 'v=DMARC1; p=none; rua=mailto:a@x.example,mailto:b@y.example',
                                 '--domain', 'example.com'], 1, ['DMARC901', 'ORG-RUA', 'ORG-RUA']),
            ('record-waived', ['record', 'dmarc', 'v=DMARC1; p=reject; rua=mailto:a@x.example',
                               '--domain', 'legacy.example'], 0, ['ORG-RUA']),
        ]
        for name, args, want_exit, want_ids in cases:
            r = run_cli(exe, tmp, args + ['--rules-dir', small, '--format', 'sarif'])
            doc = validate(validator, name, r.stdout.decode('utf-8', 'replace'), failures)
            problems = []
            if r.returncode != want_exit:
                problems.append(f'exit {r.returncode}, expected {want_exit}: {r.stderr!r}')
            if doc is not None:
                ids = [x['ruleId'] for x in results(doc)]
                if ids != want_ids:
                    problems.append(f'results {ids}, expected {want_ids}')
                rules = [x['id'] for x in doc['runs'][0]['tool']['driver']['rules']]
                if rules != ['DMARC901', 'DMARC902', 'DNS901', 'ORG-RUA', 'SPF901']:
                    problems.append(f'rules {rules}: the registry and the policy')
                if doc['runs'][0]['invocations'][0]['exitCode'] != want_exit:
                    problems.append('invocation exit code')
                if name == 'record-waived' and results(doc)[0]['suppressions'][0]['kind'] != 'external':
                    problems.append('a configuration waiver is external')
            failures.check(name + ' (exit, results)', problems)

        # the built-in registry: every rule's help and properties are valid SARIF
        r = run_cli(exe, tmp, ['record', 'spf', 'v=spf1 +all', '--format', 'sarif'])
        doc = validate(validator, 'record-builtin', r.stdout.decode('utf-8', 'replace'), failures)
        if doc is not None:
            listed = {x['id'] for x in doc['runs'][0]['tool']['driver']['rules']}
            rl = run_cli(exe, tmp, ['rules', '--format', 'jsonl'])
            registry = {json.loads(line)['id'] for line in rl.stdout.decode().splitlines() if line}
            failures.check('record-builtin (every rule listed)',
                           [] if registry and registry == listed else [f'{registry ^ listed}'])

        # zone files, when this build reads them
        zone = os.path.join(tmp, 'example.com.zone')
        with open(zone, 'w') as fh:
            fh.write('$ORIGIN example.com.\n$TTL 3600\n'
                     '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n'
                     '@ IN NS ns1\n'
                     '@ IN TXT "v=spf1 mx -all"\n'
                     '@ IN TXT "v=spf1 include:_spf.example.net -all"\n'
                     'www IN TXT "v=spf1 a -all"\n'
                     'www IN TXT "v=spf1 mx -all" ; authlint: ignore SPF001 two records on purpose\n')
        r = run_cli(exe, tmp, ['zone', '--offline', 'example.com.zone', '--format', 'sarif'])
        if r.returncode == 2 and b'not supported' in r.stderr:
            print('skip zone cases: this build does not read zone files yet')
        else:
            doc = validate(validator, 'zone-file', r.stdout.decode('utf-8', 'replace'), failures)
            problems = []
            if doc is not None:
                res = results(doc)
                phys = [x for x in res if 'physicalLocation' in x['locations'][0]]
                if not phys:
                    problems.append('no result with a physical location')
                for x in phys:
                    if x['locations'][0]['physicalLocation']['artifactLocation']['uri'] != 'example.com.zone':
                        problems.append('artifact URI')
                kinds = [s['kind'] for x in res for s in x.get('suppressions', [])]
                if 'inSource' not in kinds:
                    problems.append(f'the inline waiver is not inSource: {kinds}')
            failures.check('zone-file (locations, waivers)', problems)
    print(f'{failures.passed} passed, {failures.failed} failed')
    return 1 if failures.failed else 0


if __name__ == '__main__':
    sys.exit(main())
