#!/usr/bin/env python3
"""Loading an HTML page authlint wrote in a real browser (headless Chromium)
and reading back the DOM it built: for the tests of every --format html."""
import os
import shutil
import signal
import subprocess
import tempfile
import unittest
from html.parser import HTMLParser

CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')


class Page(HTMLParser):
    """The rendered DOM as Chromium dumped it: elements with their classes, text by id."""

    def __init__(self):
        super().__init__()
        self.elements = []   # (tag, attrs dict)
        self.stack = []
        self.text_by_id = {}
        self.row_text = []   # text of each tr.source
        self.title = ''
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag not in ('meta', 'br', 'img', 'rect', 'input', 'link'):
            self.stack.append((tag, a, []))
        self._in_title = tag == 'title' and not any(t == 'svg' for t, _, _ in self.stack[:-1])

    def handle_endtag(self, tag):
        while self.stack:
            t, a, text = self.stack.pop()
            joined = ''.join(text)
            if self.stack:
                self.stack[-1][2].append(joined + (' ' if t in ('td', 'th') else ''))
            if 'id' in a:
                self.text_by_id[a['id']] = joined
            if t == 'tr' and 'source' in a.get('class', '').split():
                self.row_text.append((a.get('class', ''), joined))
            if t == tag:
                break
        if tag == 'title':
            self._in_title = False

    def handle_data(self, data):
        if self._in_title and not self.title:
            self.title = data
        if self.stack:
            self.stack[-1][2].append(data)


def render(html_path):
    """The DOM after Chromium loaded the page (bounded in time; the browser's group is stopped)."""
    with tempfile.TemporaryDirectory() as profile:
        argv = [CHROMIUM, '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
                '--disable-extensions', '--user-data-dir=' + profile, '--dump-dom', 'file://' + html_path]
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=90)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    page = Page()
    page.feed(out)
    return page, out


class BrowserTest(unittest.TestCase):
    """A test that needs Chromium, with a temporary directory for its pages."""

    def setUp(self):
        if CHROMIUM is None:
            self.fail('Chromium is not installed (scripts/setup.sh installs the Debian package)')
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
