#!/usr/bin/env python3
"""authlint diff --git REV PATH, and the SARIF of authlint diff.

A temporary git repository holds a zone; the work tree changes it. Checked:
the old version is the file at REV (labelled REV:PATH) also from a
subdirectory; a file the revision does not hold is new (every finding added);
a bad revision and a revision that looks like an option are errors (exit 2);
a path full of shell metacharacters is read as a path (git runs without a
shell); SARIF holds only the added findings on touched lines, is valid
against the OASIS schema, and carries the fingerprints `authlint zone`
gives the same findings (a moved record keeps its fingerprint).

usage: test_diff_git.py SCHEMA   (AUTHLINT names the binary)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

OLD = '''$ORIGIN example.com.
$TTL 3600
@       IN SOA ns1 hostmaster 1 7200 900 1209600 300
@       IN NS  ns1
ns1     IN A   192.0.2.53
@       IN MX  10 mail
mail    IN A   192.0.2.25
@       IN TXT "v=spf1 mx -all"
_dmarc  IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"
'''

# the DMARC record moves up (its findings are not new), the SPF record ends in ?all
NEW = '''$ORIGIN example.com.
$TTL 3600
_dmarc  IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"
@       IN SOA ns1 hostmaster 2 7200 900 1209600 300
@       IN NS  ns1
ns1     IN A   192.0.2.53
@       IN MX  10 mail
mail    IN A   192.0.2.25
@       IN TXT "v=spf1 mx ?all"
'''

failures = []


def check(name, ok, detail=''):
    print(('ok   ' if ok else 'FAIL ') + name + ('' if ok else f': {detail}'))
    if not ok:
        failures.append(name)


def run(exe, cwd, *args):
    env = dict(os.environ, NO_COLOR='1', TZ='UTC', LC_ALL='C')
    return subprocess.run([exe, *args], cwd=cwd, capture_output=True, env=env, timeout=120)


def git(cwd, *args):
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM='1', HOME=cwd, GIT_AUTHOR_NAME='t', GIT_AUTHOR_EMAIL='t@example.com',
               GIT_COMMITTER_NAME='t', GIT_COMMITTER_EMAIL='t@example.com')
    subprocess.run(['git', *args], cwd=cwd, check=True, capture_output=True, env=env, timeout=60)


def ids(findings):
    return sorted(f['rule']['id'] for f in findings)


def main():
    exe = os.environ.get('AUTHLINT')
    if not exe:
        print('AUTHLINT is not set (run through meson test)')
        return 2
    if shutil.which('git') is None:
        print('git is not installed (scripts/setup.sh installs it)')
        return 77
    schema_path = sys.argv[1] if len(sys.argv) > 1 else None
    with tempfile.TemporaryDirectory(prefix='authlint-diff-') as repo:
        git(repo, 'init', '-q')
        odd = 'a b;$(touch PWNED)`touch PWNED2`.zone'
        for name in ('zone.db', odd):
            with open(os.path.join(repo, name), 'w') as fh:
                fh.write(OLD)
        git(repo, 'add', '.')
        git(repo, 'commit', '-q', '-m', 'one')
        for name in ('zone.db', odd):
            with open(os.path.join(repo, name), 'w') as fh:
                fh.write(NEW)

        r = run(exe, repo, 'diff', '--offline', '--git', 'HEAD', 'zone.db', '--format', 'json')
        doc = json.loads(r.stdout) if r.stdout else {}
        check('--git: the old version is the file at the revision', r.returncode == 0 and doc.get('old') ==
              'HEAD:zone.db' and doc.get('new') == 'zone.db', r.stderr)
        added = ids(doc.get('added', []))
        check('--git: the finding of ?all is added, the moved record\'s are not',
              added != [] and all(i.startswith('SPF') for i in added) and doc['fixed'] == [] and
              doc['summary']['unchanged'] > 0, f'{added} {doc.get("fixed")}')

        sub = os.path.join(repo, 'sub')
        os.mkdir(sub)
        r2 = run(exe, sub, 'diff', '--offline', '--git', 'HEAD', '../zone.db', '--format', 'json')
        doc2 = json.loads(r2.stdout) if r2.stdout else {}
        check('--git from a subdirectory: the path is taken from the current directory',
              r2.returncode == 0 and ids(doc2.get('added', [])) == added and doc2['summary'] == doc['summary'],
              r2.stderr)

        r = run(exe, repo, 'diff', '--offline', '--git', 'HEAD', odd, '--format', 'json')
        doc3 = json.loads(r.stdout) if r.stdout else {}
        check('a path with shell metacharacters is a path', r.returncode == 0 and
              ids(doc3.get('added', [])) == added and not os.path.exists(os.path.join(repo, 'PWNED')) and
              not os.path.exists(os.path.join(repo, 'PWNED2')), r.stderr)

        with open(os.path.join(repo, 'new.zone'), 'w') as fh:
            fh.write(NEW)
        r = run(exe, repo, 'diff', '--offline', '--git', 'HEAD', 'new.zone', '--format', 'json')
        doc4 = json.loads(r.stdout) if r.stdout else {}
        zone = run(exe, repo, 'zone', '--offline', 'new.zone', '--format', 'json')
        all_new = ids(json.loads(zone.stdout)['findings'])
        check('a file the revision does not hold is new: every finding is added',
              r.returncode == 0 and ids(doc4.get('added', [])) == all_new and doc4['fixed'] == [] and
              doc4['summary']['unchanged'] == 0, f'{ids(doc4.get("added", []))} vs {all_new} {r.stderr}')

        r = run(exe, repo, 'diff', '--offline', '--git', 'no-such-revision', 'zone.db')
        check('a bad revision is an error', r.returncode == 2 and b'not a revision' in r.stderr, r.stderr)
        r = run(exe, repo, 'diff', '--offline', '--git', '--output=x', 'zone.db')
        check('a revision that looks like an option is refused', r.returncode == 2 and
              not os.path.exists(os.path.join(repo, 'x')), r.stderr)

        # SARIF: only the added findings on touched lines, the fingerprints of `authlint zone`
        r = run(exe, repo, 'diff', '--offline', '--git', 'HEAD', 'zone.db', '--format', 'sarif')
        sarif = json.loads(r.stdout) if r.stdout else {}
        res = sarif.get('runs', [{}])[0].get('results', [])
        lines = {x['locations'][0]['physicalLocation']['region']['startLine'] for x in res}
        check('sarif: the added findings, on the touched line only', sorted(x['ruleId'] for x in res) == added and
              lines == {9}, f'{[x["ruleId"] for x in res]} {lines}')
        z = run(exe, repo, 'zone', '--offline', 'zone.db', '--format', 'sarif')
        zone_prints = {x['partialFingerprints']['authlint/v1'] for x in json.loads(z.stdout)['runs'][0]['results']}
        diff_prints = {x['partialFingerprints']['authlint/v1'] for x in res}
        check('sarif: the fingerprints are those of authlint zone', diff_prints and diff_prints <= zone_prints,
              f'{diff_prints} {zone_prints}')
        moved = [x for x in json.loads(z.stdout)['runs'][0]['results'] if x['ruleId'].startswith('DMARC')]
        zo = run(exe, repo, 'diff', '--offline', '--git', 'HEAD', 'zone.db', '--format', 'json')
        old_prints = set()
        with tempfile.TemporaryDirectory(prefix='authlint-diff-old-') as other:
            with open(os.path.join(other, 'zone.db'), 'w') as fh:
                fh.write(OLD)
            zold = run(exe, other, 'zone', '--offline', 'zone.db', '--format', 'sarif')
            old_prints = {x['partialFingerprints']['authlint/v1']
                          for x in json.loads(zold.stdout)['runs'][0]['results'] if x['ruleId'].startswith('DMARC')}
        check('a moved record keeps its fingerprint', moved and
              {x['partialFingerprints']['authlint/v1'] for x in moved} == old_prints and zo.returncode == 0,
              f'{old_prints}')
        if schema_path:
            try:
                import jsonschema
            except ImportError:
                jsonschema = None
            if jsonschema is not None:
                with open(schema_path) as fh:
                    schema = json.load(fh)
                errors = list(jsonschema.Draft4Validator(schema).iter_errors(sarif))
                check('sarif: valid against the SARIF 2.1.0 schema', not errors,
                      '; '.join(e.message for e in errors[:3]))
    print(f'{len(failures)} failed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
