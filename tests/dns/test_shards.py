#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`authlint check` past one machine: shards run as separate processes
(--shard-count with --shard-index, as GNU parallel passes {%}, or with
JOB_COMPLETION_INDEX, as a Kubernetes Indexed Job sets it) merge into the
whole run, every domain exactly once with the same findings; a run stopped by
SIGTERM and continued with --resume onto the same file gives the same as a
run never stopped."""
import json
import os
import signal
import subprocess
import time
import unittest

from dnstest import AuthServer, BadServer, ServedList, bounded

N = 60


def zone():
    lines = ['$ORIGIN example.test.', '$TTL 3600',
             '@ IN SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 300',
             '@ IN NS ns', 'ns IN A 127.0.0.1',
             '_spf IN TXT "v=spf1 ip4:192.0.2.0/24 ~all"']
    for i in range(N):
        d = 'd%d' % i
        if i % 3 == 0:
            lines.append('%s IN TXT "v=spf1 include:_spf.example.test -all"' % d)
        elif i % 3 == 1:
            lines.append('%s IN TXT "v=spf1 ip4:192.0.2.%d ~all"' % (d, i))
        else:
            lines.append('%s IN TXT "v=spf1 a mx include:missing.example.test ?all"' % d)
            lines.append('%s IN A 192.0.2.%d' % (d, i))
        if i % 7 == 0:
            lines.append('%s IN TXT "v=spf1 -all"' % d)  # two records
        if i % 2 == 0:
            lines.append('_dmarc.%s IN TXT "v=DMARC1; p=%s; rua=mailto:agg@example.test"'
                         % (d, 'none' if i % 4 else 'reject'))
        if i % 5 == 0:
            lines.append('s1._domainkey.%s IN TXT "v=DKIM1; k=rsa; p=MIIB"' % d)
    return '\n'.join(lines) + '\n'


def domain_lines(text):
    """{domain: result} of a jsonl output; fails on a domain written twice."""
    out = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        if r['type'] != 'domain':
            continue
        if r['domain'] in out:
            raise AssertionError('%s written twice' % r['domain'])
        out[r['domain']] = r
    return out


def comparable(r):
    """What must be the same whichever process checked the domain: its findings,
    counts and inventory (not its position in the list, its timing or passes).
    The summary's count of lookup calls is left out: it varies by one from run
    to run of the same list (a cache effect), sharded or not."""
    summary = dict(r['summary'])
    summary.pop('lookups', None)
    return {
        'findings': sorted(json.dumps(f, sort_keys=True) for f in r['findings']),
        'summary': summary, 'incomplete': r['incomplete'], 'budget': r['budget'],
        'spf': r['spf'], 'dmarc': r['dmarc'], 'dkim': r['dkim'],
    }


class ShardTest(ServedList):
    maxDiff = None
    PREFIX = 'authlint-shards-'
    CHECK_ARGS = ['--format', 'jsonl']

    @classmethod
    def domain_lines(cls):
        return ['d%d.example.test%s' % (i, ' s1' if i % 5 == 0 else '') for i in range(N)] + \
            ['nx.example.test']

    @classmethod
    def make_server(cls):
        return AuthServer({'example.test': zone()}, limit=250)

    def env(self, **extra):
        e = dict(os.environ, NO_COLOR='1', LC_ALL='C')
        e.pop('JOB_COMPLETION_INDEX', None)
        e.update(extra)
        return e

    def whole(self):
        p = subprocess.run(self.argv(), capture_output=True, text=True, timeout=120, env=self.env())
        # 2: names outside the zone are refused by the server, failed lookups
        self.assertIn(p.returncode, (0, 1, 2), p.stderr)
        self.assertEqual(json.loads(p.stdout.splitlines()[-1])['type'], 'summary')
        return domain_lines(p.stdout)

    def test_three_shards_merge_into_the_whole_run(self):
        whole = self.whole()
        self.assertEqual(len(whole), N + 1)
        # three processes at once: two given their index as GNU parallel's {%}
        # (1-based), one by the environment of a Kubernetes Indexed Job (0-based)
        runs = [
            (self.argv('--shard-count', '3', '--shard-index', '1'), self.env()),
            (self.argv('--shard-count', '3', '--shard-index', '2'), self.env()),
            (self.argv('--shard-count', '3'), self.env(JOB_COMPLETION_INDEX='2')),
        ]
        procs = [subprocess.Popen(a, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e)
                 for a, e in runs]
        outs = []
        for p in procs:
            out, err = p.communicate(timeout=120)
            self.assertIn(p.returncode, (0, 1, 2), err)
            self.assertEqual(json.loads(out.splitlines()[-1])['type'], 'summary')
            outs.append(domain_lines(out))
        merged = {}
        for k, shard in enumerate(outs):
            self.assertGreater(len(shard), 0, 'shard %d is empty' % (k + 1))
            for d, r in shard.items():
                self.assertNotIn(d, merged, '%s in two shards' % d)
                merged[d] = r
        self.assertEqual(sorted(merged), sorted(whole))  # every domain exactly once
        for d in whole:
            self.assertEqual(comparable(merged[d]), comparable(whole[d]), d)
        # the findings are not all alike: the comparison means something
        self.assertGreater(len({json.dumps(comparable(r), sort_keys=True) for r in whole.values()}), 5)
        # --shard 3/3 is the shard JOB_COMPLETION_INDEX=2 picked
        p = subprocess.run(self.argv('--shard', '3/3'), capture_output=True, text=True, timeout=120,
                           env=self.env())
        self.assertEqual(sorted(domain_lines(p.stdout)), sorted(outs[2]))

    def test_shard_index_errors(self):
        p = subprocess.run(self.argv('--shard-count', '3'), capture_output=True, text=True, timeout=60,
                           env=self.env())
        self.assertEqual(p.returncode, 2)
        self.assertIn('JOB_COMPLETION_INDEX', p.stderr)
        self.assertIn('--shard-index', p.stderr)
        self.assertEqual(p.stdout, '')
        for env, extra in [({'JOB_COMPLETION_INDEX': '3'}, []), ({'JOB_COMPLETION_INDEX': 'x'}, []),
                           ({}, ['--shard-index', '0']), ({}, ['--shard-index', '4'])]:
            p = subprocess.run(self.argv('--shard-count', '3', *extra), capture_output=True, text=True,
                               timeout=60, env=self.env(**env))
            self.assertEqual(p.returncode, 2, (env, extra))
            self.assertEqual(p.stdout, '')
        # a file that is not a jsonl output is refused with its name and line
        p = subprocess.run(self.argv('--resume', self.list), capture_output=True, text=True, timeout=60,
                           env=self.env())
        self.assertEqual(p.returncode, 2)
        self.assertIn(self.list + ':1:', p.stderr)

    def test_resume_warns_when_the_output_does_not_append(self):
        path = os.path.join(self.tmp.name, 'noappend.jsonl')
        with open(path, 'w') as fh:
            fh.write('{"type":"domain","domain":"d1.example.test"}\n')
        with open(path, 'r+') as out:  # the file itself, written from its start
            p = subprocess.run(self.argv('--resume', path), stdout=out, stderr=subprocess.PIPE, text=True,
                               timeout=120, env=self.env())
        self.assertIn(p.returncode, (0, 1, 2), p.stderr)
        self.assertIn("without appending ('>', not '>>')", p.stderr)
        self.assertIn('1 domain done there, %d left' % N, p.stderr)


SLOW = ['slow.r%d.test' % i for i in range(40)]


class ResumeTest(ServedList):
    """Against a server that answers each domain's SPF question late, so that
    SIGTERM comes while most domains are still to do."""
    PREFIX = 'authlint-resume-'
    CHECK_ARGS = ['--format', 'jsonl', '-j', '4', '--threads', '1']

    @classmethod
    def domain_lines(cls):
        return SLOW

    @classmethod
    def make_server(cls):
        records = {}
        for i, d in enumerate(SLOW):
            records[d] = ['v=spf1 ip4:192.0.2.%d %s' % (i, '-all' if i % 2 else '~all')]
            if i % 3 == 0:
                records['_dmarc.' + d] = ['v=DMARC1; p=none']
        return BadServer(records=records, delay=0.3, limit=250)

    def run_into(self, path, *extra, stop_after_first=False):
        """Run check with its stdout appended to @path; with stop_after_first,
        SIGTERM once a line is there. (exit status, stderr)"""
        env = dict(os.environ, NO_COLOR='1', LC_ALL='C')
        errpath = path + '.stderr'
        with open(path, 'ab') as out, open(errpath, 'wb') as err:
            proc = subprocess.Popen(self.argv(*extra), stdout=out, stderr=err, env=env)
        with bounded(proc, 100):
            if stop_after_first:
                start = os.path.getsize(path)
                while os.path.getsize(path) == start and proc.poll() is None:
                    time.sleep(0.02)
                self.assertIsNone(proc.poll(), 'the run ended before the signal')
                proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=100)
        with open(errpath) as fh:
            return proc.returncode, fh.read()

    def reference(self):
        path = os.path.join(self.tmp.name, 'reference.jsonl')
        if os.path.exists(path):
            os.unlink(path)
        rc, err = self.run_into(path)
        self.assertIn(rc, (0, 1), err)
        with open(path) as fh:
            ref = domain_lines(fh.read())
        self.assertEqual(sorted(ref), sorted(SLOW))
        return ref

    def test_interrupt_then_resume(self):
        ref = self.reference()
        path = os.path.join(self.tmp.name, 'run.jsonl')
        rc, err = self.run_into(path, stop_after_first=True)
        self.assertEqual(rc, 143, err)
        with open(path) as fh:
            lines = fh.read().splitlines()
        last = json.loads(lines[-1])
        self.assertEqual(last['type'], 'interrupted')
        done = last['domains_done']
        self.assertEqual(done, len(domain_lines('\n'.join(lines))))
        self.assertTrue(0 < done < len(SLOW), done)

        # continue onto the same file
        rc, err = self.run_into(path, '--resume', path)
        self.assertIn(rc, (0, 1), err)
        self.assertIn('%d domain%s done there, %d left' % (done, '' if done == 1 else 's', len(SLOW) - done), err)
        with open(path) as fh:
            text = fh.read()
        merged = domain_lines(text)  # each domain once
        self.assertEqual(sorted(merged), sorted(SLOW))
        for d in SLOW:
            self.assertEqual(comparable(merged[d]), comparable(ref[d]), d)

        # resumed again: nothing left to do
        rc, err = self.run_into(path, '--resume', path)
        self.assertEqual(rc, 0, err)
        self.assertIn('%d domains done there, 0 left' % len(SLOW), err)
        with open(path) as fh:
            self.assertEqual(domain_lines(fh.read()), merged)

    def test_resume_after_a_line_cut_short(self):
        """A run killed in the middle of a line (SIGKILL, a full disk): the piece is
        passed over, and output appended to the same file starts on a line of its own."""
        ref = self.reference()
        path = os.path.join(self.tmp.name, 'cut.jsonl')
        with open(os.path.join(self.tmp.name, 'reference.jsonl')) as fh:
            whole = [l for l in fh.read().splitlines() if json.loads(l)['type'] == 'domain']
        kept = whole[:5]
        cut = whole[5][:len(whole[5]) // 2]  # half a line, no line break
        with open(path, 'w') as fh:
            fh.write('\n'.join(kept) + '\n' + cut)
        rc, err = self.run_into(path, '--resume', path)
        self.assertIn(rc, (0, 1), err)
        self.assertIn('5 domains done there, %d left' % (len(SLOW) - 5), err)
        with open(path) as fh:
            text = fh.read()
        lines = text.splitlines()
        self.assertEqual(lines[5], cut)  # the piece stayed alone on its line
        merged = domain_lines('\n'.join(lines[:5] + lines[6:]))
        self.assertEqual(sorted(merged), sorted(SLOW))
        for d in SLOW:
            self.assertEqual(comparable(merged[d]), comparable(ref[d]), d)
        # read again: the piece is a bad line (named), nothing is left
        rc, err = self.run_into(path, '--resume', path)
        self.assertEqual(rc, 0, err)
        self.assertIn('%s:6: 1 line is not one whole JSON object' % path, err)
        self.assertIn('0 left', err)


if __name__ == '__main__':
    unittest.main(verbosity=2)
