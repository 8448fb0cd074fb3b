#!/usr/bin/env python3
"""bench/triage data: a 100 KB message and an mbox of N messages, signed with
tests/dkim_sign.py and the test keys of tests/data/dkim/keys (served by
tests/data/dkim/keys.zone). gen.py OUTDIR N"""
import os
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
sys.path.insert(0, os.path.join(root, 'tests'))
import dkim_sign  # noqa: E402

out, n = sys.argv[1], int(sys.argv[2])
keys = os.path.join(root, 'tests', 'data', 'dkim', 'keys')
rsa = dkim_sign.load_key(os.path.join(keys, 'rsa2048_0.pem'))
ed = dkim_sign.load_key(os.path.join(keys, 'ed25519_0.pem'))
head = b'From: Alice <alice@example.com>\nTo: bob@example.net\nSubject: %s\nDate: Sat, 5 Dec 2026 10:00:00 +0000\nMessage-ID: <%d@example.com>\n\n'
line = b'The quick brown fox jumps over the lazy dog, again and again.  \n'
big = head % (b'big', 0) + line * (100 * 1024 // len(line))
with open(os.path.join(out, 'big.eml'), 'wb') as fh:
    fh.write(dkim_sign.sign(dkim_sign.sign(big, ed, 'example.com', 'ed'), rsa, 'example.com', 'rsa'))
with open(os.path.join(out, 'mbox'), 'wb') as fh:
    for i in range(n):
        m = head % (b'message %d' % i, i) + line * 20
        key, sel = (ed, 'ed') if i % 2 else (rsa, 'rsa')
        fh.write(b'From alice@example.com Sat Dec  5 10:00:00 2026\n')
        fh.write(dkim_sign.sign(m, key, 'example.com', sel).replace(b'\r\n', b'\n'))
        fh.write(b'\n')
