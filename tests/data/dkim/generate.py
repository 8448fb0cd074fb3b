#!/usr/bin/env python3
"""Write the signed test messages of tests/unit/test_dkim_verify.c and
test_arc_verify.c, and keys.zone serving their keys, with tests/dkim_sign.py
(an independent signer written from the RFCs). Run from this directory:
    python3 generate.py
The outputs are committed; RSA PKCS#1 v1.5 and Ed25519 signatures are
deterministic, so running it again gives the same files."""
import os
import subprocess
import sys


HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..'))
import dkim_sign  # noqa: E402

T = 1796083200  # the signer's default t= (2026-12-01)

MESSAGE = (b'From: Alice <alice@example.com>\n'
           b'To: Bob <bob@example.net>\n'
           b'Subject: Invoice 42\n'
           b'Date: Sat, 5 Dec 2026 10:00:00 +0000\n'
           b'Message-ID: <42@example.com>\n'
           b'\n'
           b'Hello Bob,\n\n  the invoice  is attached.\t \n\nAlice\n\n\n')
FOOTER = b'--\r\nlist@lists.example.org: unsubscribe at https://lists.example.org/\r\n'


def key(name):
    return dkim_sign.load_key(os.path.join(HERE, 'keys', name))


def write(name, data):
    with open(os.path.join(HERE, name), 'wb') as fh:
        fh.write(data)


def small_key():
    path = os.path.join(HERE, 'keys', 'rsa512.pem')
    if not os.path.exists(path):
        # python3-cryptography refuses to make keys under 1024 bits; OpenSSL does
        subprocess.run(['openssl', 'genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:512',
                        '-out', path], check=True)
    return dkim_sign.load_key(path)


def main():
    rsa_k, ed_k, arc1_k, arc2_k, small = (key('rsa2048_0.pem'), key('ed25519_0.pem'), key('rsa2048_1.pem'),
                                          key('rsa2048_2.pem'), small_key())
    s = dkim_sign.sign
    write('rsa-relaxed.eml', s(MESSAGE, rsa_k, 'example.com', 'rsa'))
    write('rsa-simple.eml', s(MESSAGE, rsa_k, 'example.com', 'rsa', canon='simple/simple'))
    write('ed25519.eml', s(MESSAGE, ed_k, 'example.com', 'ed'))
    write('lf.eml', s(MESSAGE, rsa_k, 'example.com', 'rsa').replace(b'\r\n', b'\n'))
    signed = s(MESSAGE, rsa_k, 'example.com', 'rsa', length=len(dkim_sign.canon_body(
        dkim_sign.crlf(MESSAGE).partition(b'\r\n\r\n')[2], 'relaxed')))
    write('length-footer.eml', signed + FOOTER)
    write('footer.eml', s(MESSAGE, rsa_k, 'example.com', 'rsa') + FOOTER)
    write('subject.eml', s(MESSAGE, rsa_k, 'example.com', 'rsa').replace(b'Invoice 42', b'Invoice 43'))
    write('expired.eml', s(MESSAGE, rsa_k, 'example.com', 'rsa', expires=T + 3600))
    write('sha1.eml', s(MESSAGE, rsa_k, 'example.com', 'rsa', algorithm='rsa-sha1'))
    write('small.eml', s(MESSAGE, small, 'example.com', 'small'))
    write('nokey.eml', s(MESSAGE, rsa_k, 'example.com', 'missing'))
    write('revoked.eml', s(MESSAGE, rsa_k, 'example.com', 'revoked'))
    write('servfail.eml', s(MESSAGE, rsa_k, 'servfail.example', 'rsa'))
    bad = s(MESSAGE, rsa_k, 'example.com', 'rsa')
    i = bad.index(b' b=') + 3
    write('bad-base64.eml', bad[:i] + b'!!' + bad[i + 2:])
    # two signatures, the service's then ours; over-signed Subject
    two = s(MESSAGE, ed_k, 'example.com', 'ed', headers=('from', 'subject', 'subject', 'to'))
    write('two.eml', s(two, rsa_k, 'esp.example', 'rsa'))
    # ARC: signed by the author, sealed by a list (i=1) and a forwarder (i=2)
    arc1 = dkim_sign.arc_seal(s(MESSAGE, rsa_k, 'example.com', 'rsa'), arc1_k, 'lists.example.org', 'arc',
                              'mx.lists.example.org', 'dkim=pass header.d=example.com; spf=pass')
    arc2 = dkim_sign.arc_seal(arc1, arc2_k, 'fwd.example', 'arc', 'mx.fwd.example',
                              'dkim=pass header.d=example.com; arc=pass')
    write('arc2.eml', arc2)
    # broken at i=2: the second sealer's AMS does not verify (a signed field changed after it)
    write('arc-broken2.eml', arc2.replace(b'Invoice 42', b'Invoice 43'))
    zone = ['; keys of the signed test messages (generate.py); test keys only',
            '$ORIGIN example.com.', '$TTL 3600',
            '@ SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300']

    def txt(owner, k):
        rec = dkim_sign.public_txt(k)
        parts = [rec[j:j + 200] for j in range(0, len(rec), 200)]
        zone.append('%s TXT ( %s )' % (owner, ' '.join('"%s"' % p for p in parts)))
    txt('rsa._domainkey', rsa_k)
    txt('ed._domainkey', ed_k)
    txt('small._domainkey', small)
    zone.append('revoked._domainkey TXT "v=DKIM1; k=rsa; p="')
    zone += ['$ORIGIN esp.example.', '@ SOA ns.esp.example. h.esp.example. 1 3600 600 86400 300']
    txt('rsa._domainkey', rsa_k)
    zone += ['$ORIGIN lists.example.org.', '@ SOA ns.lists.example.org. h.lists.example.org. 1 3600 600 86400 300']
    txt('arc._domainkey', arc1_k)
    zone += ['$ORIGIN fwd.example.', '@ SOA ns.fwd.example. h.fwd.example. 1 3600 600 86400 300']
    txt('arc._domainkey', arc2_k)
    write('keys.zone', ('\n'.join(zone) + '\n').encode())


if __name__ == '__main__':
    main()
