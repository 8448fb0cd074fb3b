#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`authlint check` interrupted by SIGTERM or SIGINT: it stops before the end,
every line written is whole, jsonl ends with an "interrupted" line that counts
the domains done, the exit status is 128 + the signal (143, 130).

The server (badserver.py, "slow" names) answers each domain's SPF question
after a delay, so the run would take far longer than the test waits."""
import json
import os
import signal
import subprocess
import unittest

from dnstest import BadServer, ServedList, bounded

DOMAINS = ['slow.d%d.test' % i for i in range(120)]


class InterruptTest(ServedList):
    PREFIX = 'authlint-interrupt-'
    CHECK_ARGS = ['-j', '4']

    @classmethod
    def domain_lines(cls):
        return DOMAINS

    @classmethod
    def make_server(cls):
        return BadServer(records={d: ['v=spf1 -all'] for d in DOMAINS}, delay=0.4, limit=200)

    def interrupt(self, sig, *args):
        """Start check, wait for its first stdout line, send @sig; (rc, stdout lines, stderr)."""
        argv = self.argv(*args)
        env = dict(os.environ, NO_COLOR='1', LC_ALL='C')
        errpath = os.path.join(self.tmp.name, 'stderr')
        with open(errpath, 'wb') as errfh:
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errfh, env=env)
        with proc.stdout, bounded(proc, 60):
            first = proc.stdout.readline()
            self.assertTrue(first.endswith(b'\n'), 'no line before the signal')
            self.assertIsNone(proc.poll(), 'the run ended before the signal')
            proc.send_signal(sig)
            rest = proc.stdout.read()  # the same buffered reader as the first line
            proc.wait(timeout=60)
        with open(errpath, 'rb') as fh:
            err = fh.read()
        out = first + rest
        # every line written is whole
        self.assertTrue(out.endswith(b'\n'), out[-200:])
        return proc.returncode, out.decode().splitlines(), err.decode()

    def check_jsonl(self, sig, name, threads):
        rc, lines, err = self.interrupt(sig, '--format', 'jsonl', '--threads', threads)
        self.assertEqual(rc, 128 + sig, err)
        records = []
        for line in lines:  # each line is JSON
            try:
                records.append(json.loads(line))
            except ValueError:
                self.fail('not JSON: %r' % line[:300])
        last = records[-1]
        self.assertEqual(last['type'], 'interrupted', lines[-1])
        self.assertEqual(last['signal'], name)
        domains = [r for r in records if r['type'] == 'domain']
        self.assertEqual(last['domains_done'], len(domains))
        self.assertEqual(last['domains_total'], len(DOMAINS))
        # it stopped: the run was far from its end
        self.assertGreaterEqual(len(domains), 1)
        self.assertLess(len(domains), len(DOMAINS))
        self.assertEqual(len({r['domain'] for r in domains}), len(domains))
        for r in domains:
            self.assertIn(r['domain'], DOMAINS)
            self.assertEqual(r['spf']['record'], 'v=spf1 -all')  # a whole result
        # the summary of what was done comes before, with the exit status
        summary = [r for r in records if r['type'] == 'summary']
        self.assertEqual(len(summary), 1)
        self.assertEqual(summary[0]['exit_code'], 128 + sig)
        self.assertIn('interrupted by %s' % name, err)

    def test_sigterm_jsonl(self):
        self.check_jsonl(signal.SIGTERM, 'SIGTERM', '1')

    def test_sigterm_jsonl_threads(self):
        self.check_jsonl(signal.SIGTERM, 'SIGTERM', '2')

    def test_sigint_text(self):
        rc, lines, err = self.interrupt(signal.SIGINT, '--threads', '1')
        self.assertEqual(rc, 130, err)
        self.assertIn('interrupted by SIGINT', err)
        self.assertRegex(err, r'interrupted by SIGINT: \d+ of %d domains done' % len(DOMAINS))
        self.assertTrue(lines)


if __name__ == '__main__':
    unittest.main(verbosity=2)
