#!/usr/bin/env python3
"""authlint reports --format html, loaded in a real browser (headless Chromium):
the page shows the totals, one row per source in its inventory class, the trend
by day, and strings from reports as text (a <script> in a report is not run or
parsed as markup)."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import BrowserTest, render  # noqa: E402

ROOT = os.environ.get('AUTHLINT_SOURCE_ROOT', os.path.join(os.path.dirname(__file__), '..'))
AUTHLINT = os.environ.get('AUTHLINT', os.path.join(ROOT, 'build', 'src', 'cli', 'authlint'))
DATA = os.path.join(ROOT, 'tests', 'data', 'reports')

HOSTILE = '''<?xml version="1.0"?>
<feedback><report_metadata><org_name>&lt;script&gt;document.title='owned'&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</org_name>
<report_id>h-1</report_id><date_range><begin>1796083200</begin><end>1796169599</end></date_range></report_metadata>
<policy_published><domain>example.com</domain><p>none</p></policy_published>
<record><row><source_ip>192.0.2.99</source_ip><count>2</count><policy_evaluated><disposition>none</disposition>
<dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers>
<auth_results><dkim><domain>evil.example</domain><selector>&quot;&gt;&lt;b&gt;x</selector><result>fail</result></dkim></auth_results></record>
</feedback>
'''


class HtmlReport(BrowserTest):
    def write_page(self, *inputs):
        path = os.path.join(self.tmp, 'report.html')
        zones = ['--zone', os.path.join(DATA, 'zones', 'example.com.zone'),
                 '--zone', os.path.join(DATA, 'zones', 'sendgrid.net.zone')]
        with open(path, 'w') as fh:
            p = subprocess.run([AUTHLINT, 'reports', '--format', 'html'] + zones + list(inputs),
                               stdout=fh, stderr=subprocess.PIPE, text=True, timeout=60)
        return p, path

    def test_what_the_page_shows(self):
        p, path = self.write_page(os.path.join(DATA, 'rfc7489.xml'), os.path.join(DATA, 'rfc9990.xml'),
                                  os.path.join(DATA, 'span.xml'))
        self.assertEqual(p.returncode, 0, p.stderr)
        page, dom = render(path)
        self.assertEqual(page.title, 'DMARC aggregate reports')
        self.assertEqual(page.text_by_id.get('reports'), '3')
        self.assertEqual(page.text_by_id.get('messages'), '498')
        self.assertEqual(page.text_by_id.get('dmarc-pass'), '462')
        # one row per source, in its inventory class
        rows = {text.split()[0]: (cls, text) for cls, text in page.row_text}
        self.assertEqual(len(rows), 5, page.row_text)
        self.assertIn('authorized-failing', rows['198.51.100.7'][0])
        self.assertIn('Twilio SendGrid', rows['198.51.100.7'][1])
        self.assertIn('include:sendgrid.net', rows['198.51.100.7'][1])
        self.assertIn('unauthorized-failing', rows['203.0.113.9'][0])
        self.assertIn('passing', rows['192.0.2.10'][0].split())
        # the trend: one bar group a day, the three-day report spread
        days = [a for t, a in page.elements if t == 'g' and 'day' in a.get('class', '').split()]
        self.assertEqual([d['data-date'] for d in days], ['2026-12-01', '2026-12-02', '2026-12-03'])
        self.assertEqual([d['data-messages'] for d in days], ['297', '100', '100'])
        # self-contained: nothing to fetch, nothing to run
        for tag, a in page.elements:
            self.assertNotIn(tag, ('script', 'link', 'iframe', 'img'))
            self.assertFalse(str(a.get('src', '')).startswith('http'))

    def test_strings_from_reports_are_text(self):
        hostile = os.path.join(self.tmp, 'hostile.xml')
        with open(hostile, 'w') as fh:
            fh.write(HOSTILE)
        p, path = self.write_page(hostile)
        self.assertEqual(p.returncode, 0, p.stderr)
        page, dom = render(path)
        self.assertEqual(page.title, 'DMARC aggregate reports')  # the script did not run
        self.assertFalse(any(t in ('script', 'img', 'b') for t, _ in page.elements))
        self.assertIn("<script>document.title='owned'</script>", ''.join(t for _, t in page.row_text) +
                      dom.replace('&lt;', '<').replace('&gt;', '>').replace('&#39;', "'"))
        rows = [text for _, text in page.row_text]
        self.assertTrue(any('"><b>x' in r for r in rows), rows)


if __name__ == '__main__':
    unittest.main()
