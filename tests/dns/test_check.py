#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`authlint check` end to end against servers on loopback: findings, failure
semantics (a failed lookup is LOOKUP001 and exit 2, never a missing record),
budgets, domain lists, shards, resolver configuration."""
import json
import os
import re
import tempfile
import unittest

from dnstest import AuthServer, BadServer, authlint

ZONE = """$ORIGIN example.test.
$TTL 3600
@       IN SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 300
@       IN NS  ns
ns      IN A   127.0.0.1
@       IN TXT "v=spf1 include:_spf.example.test -all"
_spf    IN TXT "v=spf1 ip4:192.0.2.0/24 ~all"
_dmarc  IN TXT "v=DMARC1; p=none"
two     IN TXT "v=spf1 -all"
two     IN TXT "v=spf1 ~all"
s1._domainkey.two IN TXT "v=DKIM1; k=rsa; p=MIIB"
s1._domainkey.two IN TXT "v=DKIM1; k=rsa; p=MIIC"
plain   IN TXT "v=spf1 -all"
alias   IN CNAME two
chain   IN TXT "v=spf1 include:c1.example.test -all"
c1      IN TXT "v=spf1 include:c2.example.test ~all"
c2      IN TXT "v=spf1 include:c3.example.test redirect=c4.example.test"
c3      IN TXT "v=spf1 ip4:192.0.2.1 -all"
c4      IN TXT "v=spf1 ip4:192.0.2.2 -all"
macro   IN TXT "v=spf1 include:%{d}.c1.example.test -all"
"""

# two.example.test without --selector: its two SPF records, and the two broken
# keys at s1 that DKIM selector discovery finds (data/selectors.yaml probes s1);
# each key is no key, and each record keeps its own finding (DKIM014 twice, as
# zone mode says on the two lines)
TWO_FINDINGS = ['DKIM001', 'DKIM001', 'DKIM014', 'DKIM014', 'SPF001', 'SPF001']

# "owner @server:" for a record a server answered with
LINE = re.compile(r'^(\S+) @(\S+): (error|warning|note): (.*) \[([A-Z]+[0-9]+)\]$')
# also "owner:" for findings no server answered for (a lookup not made, a domain-level rule)
ANY_LINE = re.compile(r'^(\S+)(?: @(\S+))?: (error|warning|note): (.*) \[([A-Z]+[0-9]+)\]$')


def findings(stdout, any_owner_line=False):
    """[(owner, rule, message)] of text output: the findings on answered records, or all."""
    out = []
    for line in stdout.splitlines():
        m = (ANY_LINE if any_owner_line else LINE).match(line)
        if m:
            out.append((m.group(1), m.group(5), m.group(4)))
    return out


class CheckAuthoritativeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = AuthServer({'example.test': ZONE}, limit=200)
        cls.srv.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def check(self, *args, **kw):
        return authlint('check', '--resolver', self.srv.endpoint, *args, **kw)

    def test_findings_of_a_domain(self):
        p = self.check('two.example.test', '-s', 's1')
        self.assertEqual(p.returncode, 1, p.stderr)
        got = sorted((o, r) for o, r, _ in findings(p.stdout))
        self.assertEqual(got, [('s1._domainkey.two.example.test', 'DKIM001'),
                               ('s1._domainkey.two.example.test', 'DKIM001'),
                               ('s1._domainkey.two.example.test', 'DKIM014'),  # p=MIIB is no key
                               ('s1._domainkey.two.example.test', 'DKIM014'),  # nor is p=MIIC
                               ('two.example.test', 'SPF001'), ('two.example.test', 'SPF001')])
        self.assertIn('checked 1 domain', p.stderr)

    def test_include_tree_in_one_pass(self):
        # the domain's first questions (TXT, MX, _dmarc, _domainkey) are asked before its
        # first pass, and the includes as soon as the record naming them is in (prefetch),
        # as is the DMARC tree walk's next name: the domain is linted once, with all in
        import json
        p = self.check('chain.example.test', '--format', 'jsonl')
        dom = [json.loads(l) for l in p.stdout.splitlines() if '"type":"domain"' in l][0]
        self.assertEqual(dom['passes'], 1, dom)
        # the inventory: 3 includes and a redirect cost 4; c1's ~all does not match, chain's -all answers
        self.assertEqual((dom['spf']['state'], dom['spf']['lookups'], dom['spf']['result']),
                         ('record', 4, 'fail'), dom)
        self.assertEqual((dom['dmarc']['rfc9989']['found'], dom['dmarc']['rfc9989']['record'],
                          dom['dmarc']['rfc9989']['policy']), ('tree-walk', '_dmarc.example.test', 'none'))
        self.assertFalse(dom['incomplete'])
        self.assertGreaterEqual(dom['questions'], 6)  # chain, _dmarc, c1..c4

    def test_prefetch_leaves_macros_to_the_checks(self):
        import json
        p = self.check('macro.example.test', '--format', 'jsonl')
        dom = [json.loads(l) for l in p.stdout.splitlines() if '"type":"domain"' in l][0]
        self.assertFalse(dom['incomplete'], dom)

    def test_clean_domain(self):
        p = self.check('plain.example.test')
        self.assertEqual(findings(p.stdout), [])

    def test_cname_is_followed(self):
        p = self.check('alias.example.test')
        self.assertEqual(p.returncode, 1)
        self.assertEqual({r for _, r, _ in findings(p.stdout)}, {'SPF001'})

    def test_domains_file_comments_blanks_duplicates_and_stdin(self):
        text = '# a comment\n\nplain.example.test\nTWO.example.test.   # trailing comment\n' \
               'two.example.test\n  \nplain.example.test\n'
        p = self.check('--domains-file', '-', stdin=text)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn('checked 2 domains', p.stderr)
        # two.example.test's broken keys at s1 are found by selector discovery
        self.assertEqual(sorted(r for _, r, _ in findings(p.stdout)), TWO_FINDINGS)

    def test_bad_line_is_reported_and_the_rest_checked(self):
        with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as fh:
            fh.write('two.example.test\nbad..name\nplain.example.test\n')
            path = fh.name
        try:
            p = self.check('--domains-file', path)
        finally:
            os.unlink(path)
        self.assertEqual(p.returncode, 2)
        self.assertIn('%s:2:' % path, p.stderr)
        self.assertIn('checked 2 domains', p.stderr)
        self.assertEqual(len(findings(p.stdout)), len(TWO_FINDINGS))

    def test_no_discover_probes_no_selector(self):
        p = self.check('--no-discover', '-v', 'two.example.test')
        self.assertEqual(sorted(r for _, r, _ in findings(p.stdout)), ['SPF001', 'SPF001'])
        # TXT of the domain, _dmarc and the DMARC tree above it: no _domainkey probe
        q = int(re.search(r'; (\d+) queries', p.stderr).group(1))
        self.assertLess(q, 8, p.stderr)

    def test_selectors_after_the_domain(self):
        p = self.check('--domains-file', '-', stdin='two.example.test s1\n')
        self.assertIn('DKIM001', {r for _, r, _ in findings(p.stdout)})

    def test_shards_split_the_list(self):
        names = ['n%d.example.test' % i for i in range(40)]
        seen = []
        for k in (1, 2, 3):
            p = self.check('--shard', '%d/3' % k, '--domains-file', '-', stdin='\n'.join(names) + '\n')
            self.assertEqual(p.returncode, 0, p.stderr)
            n = int(re.search(r'checked (\d+) domain', p.stderr).group(1))
            seen.append(n)
        self.assertEqual(sum(seen), 40)
        self.assertTrue(all(n < 40 for n in seen))

    def test_bad_shard(self):
        p = self.check('--shard', '4/3', 'plain.example.test')
        self.assertEqual(p.returncode, 2)
        self.assertIn('--shard', p.stderr)

    def test_no_resolver_is_an_error(self):
        # the tests' resolv.conf (AUTHLINT_RESOLV_CONF) is empty: nothing to ask
        p = authlint('check', 'plain.example.test', env={'AUTHLINT_RESOLV_CONF': '/dev/null'})
        self.assertEqual(p.returncode, 2)
        self.assertIn('no nameserver', p.stderr)

    def test_resolver_from_the_config_file(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, 'cfg.yaml'), 'w') as fh:
                fh.write('resolvers:\n  - "%s"\n' % self.srv.endpoint)
            p = authlint('check', '--config', os.path.join(d, 'cfg.yaml'), 'two.example.test')
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertEqual([r for _, r, _ in findings(p.stdout)], TWO_FINDINGS)

    def test_bad_resolver_address(self):
        p = authlint('check', '--resolver', 'not-an-ip', 'plain.example.test')
        self.assertEqual(p.returncode, 2)
        self.assertIn('not-an-ip', p.stderr)

    def test_query_budget_bounds_the_wire(self):
        # an SPF tree of 10 includes per record, 3 levels (1,110 names): the domain's result
        # holds --max-queries questions, and at most twice that go to the server for it (the
        # passes thrown away, whose questions past the budget the final pass may not keep,
        # and the questions asked ahead included)
        records = {'fan.test': ['v=spf1 %s -all' % ' '.join('include:f%d.fan.test' % k for k in range(10))]}
        for a in range(10):
            records['f%d.fan.test' % a] = ['v=spf1 %s ?all' % ' '.join(
                'include:f%d-%d.fan.test' % (a, k) for k in range(10))]
            for b in range(10):
                records['f%d-%d.fan.test' % (a, b)] = ['v=spf1 %s ?all' % ' '.join(
                    'include:f%d-%d-%d.fan.test' % (a, b, k) for k in range(10))]
        with BadServer(records, limit=120) as bad:
            p = authlint('check', '--resolver', bad.endpoint, '--max-queries', '40', '--no-discover',
                         '--format', 'jsonl', 'fan.test', timeout=60)
            self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
            # distinct questions: a retransmission (a slow run, under ASan) asks nothing new
            asked = {(q[1], q[2]) for q in bad.queries() if q[1].endswith('fan.test')}
        self.assertGreater(len(asked), 40)
        self.assertLessEqual(len(asked), 80, sorted(asked))
        line = json.loads(p.stdout.splitlines()[0])
        self.assertEqual(line['budget'], 'queries')
        self.assertEqual(line['questions'], 40)

    def test_query_budget_is_stated(self):
        p = self.check('--max-queries', '1', 'example.test')
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        got = findings(p.stdout, any_owner_line=True)
        self.assertTrue(any(r == 'LOOKUP002' and 'budget' in m for _, r, m in got), got)


class CheckFailureTest(unittest.TestCase):
    """A misbehaving resolver: every failure is LOOKUP001 and exit 2."""

    @classmethod
    def setUpClass(cls):
        records = {'ok.test': ['v=spf1 -all'], '_dmarc.ok.test': ['v=DMARC1; p=reject'],
                   'dead-include.test': ['v=spf1 include:silent.provider.test -all'],
                   'sf-include.test': ['v=spf1 include:servfail.provider.test -all']}
        cls.bad = BadServer(records, delay=0.8, limit=200)
        cls.bad.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.bad.__exit__(None, None, None)

    def check(self, *args, **kw):
        return authlint('check', '--resolver', self.bad.endpoint, '--timeout', '0.3', *args, **kw)

    def assert_only_lookup_failures(self, got, name):
        # the failure is reported; nothing about the SPF record the failed lookup would have
        # returned (missing, void, ...) may be concluded from it
        rules = {r for o, r, _ in got if o == name}
        self.assertIn('LOOKUP001', rules)
        self.assertEqual({r for r in rules if r.startswith(('SPF', 'DNS'))}, set(), got)

    def test_servfail_is_a_failed_lookup_not_a_missing_record(self):
        p = self.check('servfail.test')
        self.assertEqual(p.returncode, 2)
        got = findings(p.stdout)
        self.assert_only_lookup_failures(got, 'servfail.test')
        self.assertTrue(any('SERVFAIL' in m for _, _, m in got))

    def test_timeout_is_a_failed_lookup(self):
        p = self.check('silent.test')
        self.assertEqual(p.returncode, 2)
        self.assert_only_lookup_failures(findings(p.stdout), 'silent.test')

    def test_dead_include(self):
        p = self.check('dead-include.test')
        # the include is followed, and its timeout is a failed lookup, not "no record"
        self.assertTrue(any(n == 'silent.provider.test' for _, n, _ in self.bad.queries()))
        self.assertEqual(p.returncode, 2)
        got = findings(p.stdout)
        self.assertIn('silent.provider.test', ' '.join(m for _, _, m in got))

    def test_wrong_id_and_question_are_failures(self):
        for name in ('wrongid.test', 'wrongq.test', 'malformed.test', 'tcbroken.test'):
            p = self.check(name)
            self.assertEqual(p.returncode, 2, name)
            self.assert_only_lookup_failures(findings(p.stdout), name)

    def test_truncated_then_tcp_is_an_answer(self):
        p = self.check('tc.test')
        self.assertNotIn('LOOKUP001', p.stdout)

    def test_slow_answer_within_the_timeout(self):
        p = authlint('check', '--resolver', self.bad.endpoint, '--timeout', '2', 'slow.ok.test')
        self.assertNotIn('LOOKUP001', p.stdout)

    def test_time_budget_is_stated(self):
        p = authlint('check', '--resolver', self.bad.endpoint, '--timeout', '5', '--max-time', '0.3',
                     'slow.test')
        self.assertEqual(p.returncode, 2)
        got = findings(p.stdout, any_owner_line=True)
        self.assertTrue(any(r == 'LOOKUP002' and 'time budget' in m for _, r, m in got), got)

    def test_many_domains_none_lost_no_hang(self):
        names = []
        for i in range(120):
            mode = ['ok', 'silent', 'servfail', 'slow', 'nx'][i % 5]
            names.append('%s.d%d.test' % (mode, i))
        # 3 tries of 0.6 s leave the slow answers (0.8 s) a margin also when two
        # event loops and the server share the machine's cores
        p = authlint('check', '--resolver', self.bad.endpoint, '--timeout', '0.6', '-j', '50',
                     '--threads', '2', '--domains-file', '-', stdin='\n'.join(names) + '\n', timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn('checked 120 domains', p.stderr)
        got = findings(p.stdout)
        failed = {o for o, r, _ in got if r == 'LOOKUP001'}
        for n in names:
            if n.startswith(('silent', 'servfail')):
                self.assertIn(n, failed)
            else:
                self.assertNotIn(n, failed)



class CheckStreamTest(unittest.TestCase):
    """--format jsonl: one complete line per domain, written as soon as it is done."""

    @classmethod
    def setUpClass(cls):
        cls.bad = BadServer({'ok.test': ['v=spf1 -all']}, limit=200)
        cls.bad.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.bad.__exit__(None, None, None)

    def test_one_line_per_domain_none_lost(self):
        import json
        names = ['%s.s%d.test' % (['ok', 'silent', 'servfail', 'nx'][i % 4], i) for i in range(60)]
        names.append('ok.test')
        p = authlint('check', '--resolver', self.bad.endpoint, '--timeout', '0.3', '--format', 'jsonl',
                     '-j', '16', '--domains-file', '-', stdin='\n'.join(names) + '\nok.test\n', timeout=60)
        self.assertEqual(p.returncode, 2)
        lines = [json.loads(l) for l in p.stdout.splitlines()]
        domains = [l for l in lines if l['type'] == 'domain']
        self.assertEqual(sorted(d['domain'] for d in domains), sorted(names))
        self.assertEqual(lines[-1]['type'], 'summary')
        for d in domains:
            failed = d['domain'].startswith(('silent', 'servfail'))
            self.assertEqual(d['incomplete'], failed, d)
            rules = {f['rule']['id'] if isinstance(f['rule'], dict) else f['rule'] for f in d['findings']}
            kinds = {f['kind'] for f in d['findings']}
            if failed:
                # the failure is reported; no SPF conclusion is drawn from the failed lookup
                self.assertIn('LOOKUP001', rules, d)
                self.assertNotIn('spf', kinds, d)
                # the inventory says so too: not "no SPF record"
                self.assertEqual(d['spf']['state'], 'unknown', d)
                self.assertEqual(d['spf']['result'], 'unknown', d)
            else:
                self.assertNotIn('LOOKUP001', rules)
                if d['domain'].startswith('nx'):
                    self.assertEqual(d['spf']['state'], 'none', d)
                    self.assertEqual(d['dmarc']['rfc7489']['found'], 'none', d)

    def test_results_stream_before_the_run_ends(self):
        import json
        import subprocess
        from dnstest import AUTHLINT
        names = 'ok.a.test\nok.b.test\nsilent.c.test\n'
        proc = subprocess.Popen([AUTHLINT, 'check', '--resolver', self.bad.endpoint, '--timeout', '3',
                                 '--format', 'jsonl', '--domains-file', '-'], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            proc.stdin.write(names)
            proc.stdin.close()
            first = json.loads(proc.stdout.readline())
            second = json.loads(proc.stdout.readline())
            # silent.c.test waits 3 tries of 3 s: the two answered domains came out before
            self.assertIsNone(proc.poll())
            self.assertEqual({first['domain'], second['domain']}, {'ok.a.test', 'ok.b.test'})
            proc.terminate()
            rest = proc.stdout.read()
            for line in rest.splitlines():
                json.loads(line)  # whatever was written is whole lines
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)
            proc.stdout.close()


if __name__ == '__main__':
    unittest.main(verbosity=2)
