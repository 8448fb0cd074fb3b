#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The examples keep up with the CLI: examples/k8s-indexed-job.yaml is
an Indexed Job whose completions equal the --shard-count of its command, and
every option it and examples/parallel.sh give to `authlint check` exists;
examples/octodns, dnscontrol and terraform (example.com kept in each form) run
as their README says and give the same findings, each in its own files.

usage: examples.py SOURCE_ROOT (the binary comes from $AUTHLINT)
"""
import json
import os
import re
import subprocess
import sys

import yaml


def options_of(command_text):
    """The --options given to `authlint check` in a shell text."""
    found = []
    for m in re.finditer(r'authlint check((?:\\\n|[^\n])*)', command_text):
        found += re.findall(r'(?<![\w-])(--[a-z][a-z-]*)', m.group(1))
    return found


def main():
    root = sys.argv[1]
    exe = os.environ['AUTHLINT']
    help_text = subprocess.run([exe, 'check', '--help'], capture_output=True, text=True, timeout=30).stdout
    known = set(re.findall(r'(?<![\w-])(--[a-z][a-z-]*)', help_text))
    problems = []

    with open(os.path.join(root, 'examples/k8s-indexed-job.yaml')) as fh:
        job = yaml.safe_load(fh)
    spec = job['spec']
    if job.get('kind') != 'Job' or spec.get('completionMode') != 'Indexed':
        problems.append('k8s-indexed-job.yaml: not an Indexed Job')
    containers = spec['template']['spec']['containers']
    # command: ["/bin/sh", "-c"], args: the script
    script = '\n'.join('\n'.join(c.get('args', [])) for c in containers)
    m = re.search(r'--shard-count (\d+)', script)
    if not m or int(m.group(1)) != spec.get('completions'):
        problems.append('k8s-indexed-job.yaml: --shard-count is not the number of completions')
    if '--shard-index' in script:
        problems.append('k8s-indexed-job.yaml: the index comes from JOB_COMPLETION_INDEX, not --shard-index')
    if spec['template']['spec'].get('restartPolicy') not in ('Never', 'OnFailure'):
        problems.append('k8s-indexed-job.yaml: a Job needs restartPolicy Never or OnFailure')
    r = subprocess.run(['sh', '-n'], input=script, capture_output=True, text=True)
    if r.returncode != 0:
        problems.append('k8s-indexed-job.yaml: the script is not valid sh: ' + r.stderr)

    # action.yml (a composite action) runs scripts/package.sh and `authlint zone` with options
    # the zone command has; the example workflow uses it and uploads the SARIF it writes
    zone_help = subprocess.run([exe, 'zone', '--help'], capture_output=True, text=True, timeout=30).stdout
    zone_known = set(re.findall(r'(?<![\w-])(--[a-z][a-z-]*)', zone_help)) | known
    with open(os.path.join(root, 'action.yml')) as fh:
        action = yaml.safe_load(fh)
    if action.get('runs', {}).get('using') != 'composite':
        problems.append('action.yml: not a composite action')
    steps = '\n'.join(st.get('run', '') for st in action['runs']['steps'])
    if 'scripts/package.sh' not in steps or not os.access(os.path.join(root, 'scripts/package.sh'), os.X_OK):
        problems.append('action.yml: does not install through scripts/package.sh (executable)')
    for line in steps.splitlines():
        if line.strip().startswith('authlint '):
            for opt in re.findall(r'(?<![\w-])(--[a-z][a-z-]*)', line):
                if opt not in zone_known:
                    problems.append('action.yml: authlint zone has no option ' + opt)
    for name in ('paths', 'format', 'fail-on', 'sarif'):
        if name not in action.get('inputs', {}):
            problems.append('action.yml: no input ' + name)
    with open(os.path.join(root, 'examples/ci/authlint.yml')) as fh:
        wf = yaml.safe_load(fh)
    wsteps = wf['jobs']['lint']['steps']
    uses = [st for st in wsteps if st.get('uses', '').split('@')[0].endswith('/authlint')]
    if not uses or uses[0].get('with', {}).get('sarif') not in [st.get('with', {}).get('sarif_file') for st in wsteps]:
        problems.append('examples/ci/authlint.yml: does not use the action and upload the SARIF it writes')

    with open(os.path.join(root, 'examples/parallel.sh')) as fh:
        par = fh.read()
    if '--shard-index {%}' not in par:
        problems.append('parallel.sh: does not pass the slot with --shard-index {%}')
    r = subprocess.run(['sh', '-n', os.path.join(root, 'examples/parallel.sh')], capture_output=True, text=True)
    if r.returncode != 0:
        problems.append('parallel.sh is not valid sh: ' + r.stderr)

    for name, text in [('k8s-indexed-job.yaml', script), ('parallel.sh', par)]:
        opts = options_of(text)
        if '--shard-count' not in opts or '--resume' not in opts:
            problems.append('%s: no authlint check --shard-count ... --resume' % name)
        for opt in opts:
            if opt not in known:
                problems.append('%s: authlint check has no %s' % (name, opt))
    problems += zone_inputs(root, exe)
    for p in problems:
        print('FAIL', p)
    print('%d passed, %d failed' % (0 if problems else 1, len(problems)))
    return 1 if problems else 0


# examples/octodns, dnscontrol and terraform: example.com kept in each form, run as their
# README says; each gives the same findings, located in its own files
ZONE_EXAMPLES = [
    ('octodns', 'examples/octodns/config', 'examples/octodns/config/example.com.yaml'),
    ('dnscontrol', 'examples/dnscontrol/ir.json', 'examples/dnscontrol/ir.json#domains[0].records['),
    ('terraform', 'examples/terraform/plan.json', 'examples/terraform/plan.json#aws_route53_record.'),
]
ZONE_FINDINGS = sorted([
    ('DKIM013', 'google._domainkey.example.com'),  # a 1024-bit key
    ('DMARC026', '_dmarc.example.com'),
    ('DMARC028', '_dmarc.example.com'),
    ('LOOKUP002', '_spf.google.com'),              # offline
    ('SPF017', 'shop.example.com'),                # +all
    ('SPF039', 'example.com'),
])


def zone_inputs(root, exe):
    problems = []
    for name, path, where in ZONE_EXAMPLES:
        with open(os.path.join(root, 'examples', name, 'README.md')) as fh:
            if 'authlint zone ' + path not in fh.read():
                problems.append('examples/%s/README.md: does not give the command authlint zone %s' % (name, path))
        r = subprocess.run([exe, 'zone', '--offline', '--format', 'jsonl', path], cwd=root,
                           capture_output=True, text=True, timeout=60)
        found = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
        found = [f for f in found if f.get('type') == 'finding']
        got = sorted((f['rule']['id'], f['owner']) for f in found)
        if r.returncode != 1 or got != ZONE_FINDINGS:
            problems.append('%s: exit %d, findings %s, not %s %s' % (path, r.returncode, got, ZONE_FINDINGS,
                                                                     r.stderr.strip()))
        for f in found:
            loc = f['location']['file']
            if f['owner'] != '_spf.google.com' and (loc is None or not loc.startswith(where)):
                problems.append('%s: %s located at %r, not in %s' % (path, f['rule']['id'], loc, where))
            if name == 'octodns' and loc is not None and not f['location']['line']:
                problems.append('%s: %s has no line' % (path, f['rule']['id']))
    return problems


if __name__ == '__main__':
    sys.exit(main())
