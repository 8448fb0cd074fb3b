#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`authlint check` gives the same summary on every run of the same input
against the same server, however its answers interleave.

The domains share SPF includes (nested, with a and mx terms) and DMARC report
destinations, so the checks of many domains in flight reach the same names at
once, some in passes thrown away because answers are still pending. The SPF
lookup trees are cached per event loop: the summary's lookup count once
depended on whether a shared include was first analysed in a pass that was
kept or in one thrown away, and changed by a few from run to run.

Each domain's line is the same too, on every run and with one event loop or
two, but for the fields doc/json-schema.md names as the run's (its passes,
its time). Its lookups and questions once depended on which domain reached a
shared include first and on what was asked ahead for it, and so did where
--max-queries stopped it: with a budget some domains meet, which ones met it
changed from run to run (94, then 71 of 400)."""
import json
import unittest

from dnstest import AuthServer, authlint

DOMAINS = 400
PROVIDERS = 12
RUNS = 5
# how this run got a domain's answers, not the domain (doc/json-schema.md)
RUN_FIELDS = ('passes', 'elapsed')
# between the 15 and the 16 distinct questions the two kinds of domains here ask
BUDGET = '15'


def zone():
    lines = ['$ORIGIN det.test.', '$TTL 3600',
             '@ IN SOA ns.det.test. hostmaster.det.test. 1 3600 600 86400 300',
             '@ IN NS ns', 'ns IN A 127.0.0.1', 'mx IN A 192.0.2.25',
             'reports IN MX 10 mx.det.test.',
             '*._report._dmarc.reports IN TXT "v=DMARC1"']
    for k in range(PROVIDERS):
        # providers include a shared second level, which includes a third
        lines.append('_spf.p%d IN TXT "v=spf1 a mx include:_spf.s%d.det.test ip4:198.51.100.%d ~all"'
                     % (k, k % 4, k))
        lines.append('_spf.p%d IN A 192.0.2.%d' % (k, 100 + k))
        lines.append('_spf.p%d IN MX 10 mx.det.test.' % k)
    for k in range(4):
        lines.append('_spf.s%d IN TXT "v=spf1 include:_spf.t%d.det.test ip4:203.0.113.%d -all"' % (k, k % 2, k))
        lines.append('_spf.t%d IN TXT "v=spf1 ip4:203.0.113.%d a:mx.det.test -all"' % (k, 100 + k))
    for i in range(DOMAINS):
        a, b = i % PROVIDERS, (i * 7 + 3) % PROVIDERS
        if i % 10 == 0:
            spf = 'v=spf1 redirect=_spf.p%d.det.test' % a
        else:
            spf = 'v=spf1 mx include:_spf.p%d.det.test include:_spf.p%d.det.test -all' % (a, b)
        lines.append('d%d IN TXT "%s"' % (i, spf))
        lines.append('d%d IN MX 10 mx.det.test.' % i)
        if i % 5 != 4:  # the others walk up to _dmarc.det.test
            lines.append('_dmarc.d%d IN TXT "v=DMARC1; p=quarantine; rua=mailto:a@reports.det.test"' % i)
    lines.append('_dmarc IN TXT "v=DMARC1; p=none"')
    return '\n'.join(lines) + '\n'


class SummaryDeterminismTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = AuthServer({'det.test': zone()}, limit=280)
        cls.srv.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def run_check(self, *options):
        names = '\n'.join('d%d.det.test' % i for i in range(DOMAINS)) + '\n'
        p = authlint('check', '--resolver', self.srv.endpoint, '--no-discover', '--no-progress',
                     '--format', 'jsonl', '--fail-on', 'never', *options, '--domains-file', '-',
                     stdin=names, timeout=120)
        budget = '--max-queries' in options
        # 2: some domain's result is incomplete (the budget)
        self.assertEqual(p.returncode, 2 if budget else 0, p.stderr)
        lines = [json.loads(l) for l in p.stdout.splitlines()]
        summary = lines[-1]
        self.assertEqual(summary['type'], 'summary')
        domains = [l for l in lines if l['type'] == 'domain']
        self.assertEqual(len(domains), DOMAINS)
        # the summary counts the lookups of the domains' results, nothing else
        self.assertEqual(sum(d['summary']['lookups'] for d in domains), summary['lookups'])
        for d in domains:
            if not budget:
                self.assertFalse(d['incomplete'], d)
        lines_by_domain = {}
        for d in domains:
            for field in RUN_FIELDS:
                del d[field]
            lines_by_domain[d['domain']] = d
        return summary, lines_by_domain

    def assert_same_every_run(self, *options, runs=RUNS):
        first, first_lines = self.run_check(*options)
        self.assertEqual(first['lookups_failed'], 0)
        self.assertGreater(first['lookups'], 4 * DOMAINS)
        for _ in range(runs - 1):
            summary, lines = self.run_check(*options)
            self.assertEqual(summary, first)
            self.assertEqual(sorted(lines), sorted(first_lines))
            for name, line in lines.items():
                self.assertEqual(line, first_lines[name], name)
        return first_lines

    def test_two_event_loops(self):
        self.assert_same_every_run('--threads', '2', '-j', '40')

    def test_one_event_loop(self):
        self.assert_same_every_run('--threads', '1', '-j', '100')

    def test_lines_do_not_depend_on_event_loops(self):
        one = self.assert_same_every_run('--threads', '1', '-j', '100', runs=1)
        two = self.assert_same_every_run('--threads', '2', '-j', '40', runs=1)
        self.assertEqual(sorted(one), sorted(two))
        for name, line in one.items():
            self.assertEqual(line, two[name], name)

    def test_question_budget_met_by_the_same_domains(self):
        lines = self.assert_same_every_run('--threads', '2', '-j', '40', '--max-queries', BUDGET)
        met = [l for l in lines.values() if l['budget'] == 'queries']
        # the budget stops some domains and not others, each at the same question every run
        self.assertTrue(0 < len(met) < DOMAINS, len(met))
        for l in lines.values():
            self.assertLessEqual(l['questions'], int(BUDGET), l)
            self.assertEqual(l['incomplete'], l['budget'] == 'queries', l)
        self.assertEqual(lines, self.assert_same_every_run('--threads', '1', '-j', '100', '--max-queries',
                                                           BUDGET, runs=2))


if __name__ == '__main__':
    unittest.main(verbosity=2)
