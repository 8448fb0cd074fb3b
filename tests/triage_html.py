#!/usr/bin/env python3
"""authlint triage --format html, loaded in a real browser (headless Chromium):
the page leads with the verdict, shows each method checked again beside what
the receiver recorded, and shows strings from the message as text (markup in a
header is neither run nor parsed)."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import BrowserTest, render  # noqa: E402

ROOT = os.environ.get('AUTHLINT_SOURCE_ROOT', os.path.join(os.path.dirname(__file__), '..'))
AUTHLINT = os.environ.get('AUTHLINT', os.path.join(ROOT, 'build', 'src', 'cli', 'authlint'))
DATA = os.path.join(ROOT, 'tests', 'data')
ZONES = ['--zone', os.path.join(DATA, 'triage', 'example.com.zone'),
         '--zone', os.path.join(DATA, 'reports', 'zones', 'sendgrid.net.zone')]

HOSTILE = (b"Return-Path: <bounce@example.com>\r\n"
           b"Received: from x (x [203.0.113.99]) by mx.receiver.example; Sat, 5 Dec 2026 06:00:00 +0000\r\n"
           b"Authentication-Results: mx.receiver.example; spf=fail smtp.mailfrom=example.com;\r\n"
           b" dmarc=fail header.from=example.com\r\n"
           b"From: <alice@example.com>\r\n"
           b"Subject: <script>document.title='owned'</script><img src=x onerror=alert(1)>\x1b[31m\r\n"
           b"\r\nbody\r\n")


class HtmlTriage(BrowserTest):
    def page(self, message):
        path = os.path.join(self.tmp, 'triage.html')
        with open(path, 'w') as fh:
            p = subprocess.run([AUTHLINT, 'triage', '--format', 'html'] + ZONES + [message],
                               stdout=fh, stderr=subprocess.PIPE, text=True, timeout=60)
        return p, path

    def test_verdict_first_then_evidence(self):
        p, path = self.page(os.path.join(DATA, 'triage', 'service.eml'))
        self.assertEqual(p.returncode, 1, p.stderr)  # an error-level verdict
        page, dom = render(path)
        self.assertTrue(page.title.startswith('authlint triage'), page.title)
        verdict = [a for t, a in page.elements if a.get('id') == 'verdict']
        self.assertEqual(verdict[0].get('data-verdict'), 'service-not-in-spf')
        self.assertIn('Twilio SendGrid', page.text_by_id['verdict-message'])
        self.assertIn('198.51.100.7', page.text_by_id['verdict-message'])
        results = page.text_by_id['results']
        self.assertIn('SPF fail fail', results)      # today, then the receiver
        self.assertIn('DMARC fail fail', results)
        # the verdict comes before the evidence in the document
        self.assertLess(dom.index('id="verdict"'), dom.index('id="results"'))
        # no asset outside the page
        for tag, attrs in page.elements:
            for key in ('src', 'href'):
                self.assertNotIn(key, attrs, (tag, attrs))

    def test_header_markup_is_text(self):
        msg = os.path.join(self.tmp, 'hostile.eml')
        with open(msg, 'wb') as fh:
            fh.write(HOSTILE)
        p, path = self.page(msg)
        self.assertIn(p.returncode, (0, 1), p.stderr)
        page, dom = render(path)
        self.assertTrue(page.title.startswith('authlint triage'), page.title)
        self.assertNotIn('owned', page.title)
        self.assertFalse([t for t, a in page.elements if t in ('script', 'img')], 'markup from a header was parsed')
        self.assertIn("<script>document.title='owned'</script>", dom.replace('&lt;', '<').replace('&gt;', '>'))
        self.assertNotIn('\x1b', dom)


if __name__ == '__main__':
    unittest.main()
