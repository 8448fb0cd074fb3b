#!/usr/bin/env python3
"""Write the triage test data: the zones (with the DKIM keys of
tests/data/dkim/keys) and one message per verdict, signed and sealed by
tests/dkim_sign.py. Deterministic (RSA PKCS#1 v1.5 and Ed25519 signatures do
not depend on randomness, t= is fixed), so running it again changes nothing.

usage: make.py [OUTDIR]   (default: this directory)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..', '..')
sys.path.insert(0, os.path.join(ROOT, 'tests'))
import dkim_sign  # noqa: E402

KEYS = os.path.join(ROOT, 'tests', 'data', 'dkim', 'keys')
T = 1796083200  # 2026-12-01, the tests' SOURCE_DATE_EPOCH


def key(name):
    return dkim_sign.load_key(os.path.join(KEYS, name + '.pem'))


def txt(record):
    """A TXT RDATA in zone-file syntax: strings of at most 255 octets."""
    return ' '.join('"%s"' % record[i:i + 250] for i in range(0, len(record), 250))


def soa(origin, ns_addr):
    return ('$ORIGIN %s.\n$TTL 3600\n@ SOA ns1 hostmaster 2026120501 7200 3600 1209600 3600\n'
            '@ NS ns1\nns1 A %s\n' % (origin, ns_addr))


def message(ip, mail_from, ar, subject='Invoice 42', extra='', body='Your invoice is attached.\n',
            from_addr='alice@example.com', msgid='m'):
    return ('Return-Path: <%s>\n'
            'Received: from out.sender.test (out.sender.test [%s])\n'
            '\tby mx.receiver.example (Postfix) with ESMTPS id 4ABC;\n'
            '\tSat, 5 Dec 2026 06:00:00 +0000\n'
            'Authentication-Results: mx.receiver.example;\n\t%s\n'
            'From: Alice <%s>\n'
            'To: bob@receiver.example\n'
            'Subject: %s\n'
            'Date: Sat, 5 Dec 2026 05:59:58 +0000\n'
            'Message-ID: <%s@example.com>\n'
            '%s\n%s' % (mail_from, ip, ar, from_addr, subject, msgid, extra, body)).encode()


def received_top(signed, ip, ar):
    """What the receiver adds above a signed message: its Received and Authentication-Results."""
    return ('Return-Path: <bounce@example.com>\n'
            'Received: from out.sender.test (out.sender.test [%s])\n'
            '\tby mx.receiver.example (Postfix) with ESMTPS id 4ABC;\n'
            '\tSat, 5 Dec 2026 06:00:00 +0000\n'
            'Authentication-Results: mx.receiver.example;\n\t%s\n' % (ip, ar)).encode().replace(b'\n', b'\r\n') + signed


def bare(subject='Invoice 42', body='Your invoice is attached.\n', extra=''):
    """A message as the sender's service submits it (no trace fields yet)."""
    return ('From: Alice <alice@example.com>\n'
            'To: bob@receiver.example\n'
            'Subject: %s\n'
            'Date: Sat, 5 Dec 2026 05:59:58 +0000\n'
            'Message-ID: <signed@example.com>\n'
            '%s\n%s' % (subject, extra, body)).encode()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    rsa = key('rsa2048_0')
    rsa_esp = key('rsa2048_1')
    rsa1024 = key('rsa1024_0')
    ed = key('ed25519_0')
    files = {}
    files['example.com.zone'] = (
        '; The sender\'s domain of the triage tests: its own servers are 192.0.2.0/28.\n' +
        soa('example.com', '192.0.2.53') +
        '@ MX 10 mx1\nmx1 A 192.0.2.25\n'
        '@ TXT "v=spf1 ip4:192.0.2.0/28 -all"\n'
        '_dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"\n'
        's1._domainkey TXT %s\n' % txt(dkim_sign.public_txt(rsa)) +
        'ed._domainkey TXT %s\n' % txt(dkim_sign.public_txt(ed)) +
        'old._domainkey TXT %s\n' % txt(dkim_sign.public_txt(rsa1024)) +
        'gone._domainkey TXT "v=DKIM1; p="\n')
    files['esp.example.zone'] = (
        '; A sending service that signs with its own domain and sends with its own bounce domain.\n' +
        soa('esp.example', '203.0.113.53') +
        '@ TXT "v=spf1 ip4:203.0.113.0/28 -all"\n'
        's1._domainkey TXT %s\n' % txt(dkim_sign.public_txt(rsa_esp)))
    files['list.example.zone'] = (
        '; A mailing list that adds a footer and seals ARC.\n' +
        soa('list.example', '203.0.113.153') +
        '@ TXT "v=spf1 ip4:203.0.113.128/28 -all"\n'
        'arc._domainkey TXT %s\n' % txt(dkim_sign.public_txt(rsa_esp)))

    def signed(msg, **kw):
        return dkim_sign.sign(msg, kw.pop('k', rsa), kw.pop('d', 'example.com'), kw.pop('s', 's1'), timestamp=T,
                              **kw)

    recv_pass = 'spf=pass smtp.mailfrom=esp.example; dkim=pass header.d=example.com header.s=s1; dmarc=pass header.from=example.com'
    # pass by DKIM (sent through a service, signed with the domain's key)
    files['dkim-pass.eml'] = received_top(signed(bare()), '203.0.113.5', recv_pass).replace(
        b'<bounce@example.com>', b'<bounce@esp.example>', 1)
    # pass by Ed25519
    files['ed25519.eml'] = received_top(signed(bare(), k=ed, s='ed'), '203.0.113.5',
                                        recv_pass.replace('header.s=s1', 'header.s=ed')).replace(
        b'<bounce@example.com>', b'<bounce@esp.example>', 1)
    # signed by the service's own domain: valid, not aligned
    files['dkim-not-aligned.eml'] = received_top(
        signed(bare(), k=rsa_esp, d='esp.example'), '203.0.113.5',
        'spf=pass smtp.mailfrom=esp.example; dkim=pass header.d=esp.example; dmarc=fail header.from=example.com').replace(
        b'<bounce@example.com>', b'<bounce@esp.example>', 1)
    # the receiver recorded a failing signature that verifies today: the key was published since
    files['dns-changed-dkim.eml'] = received_top(
        signed(bare()), '203.0.113.5',
        'spf=pass smtp.mailfrom=esp.example; dkim=fail (no key) header.d=example.com; dmarc=fail header.from=example.com').replace(
        b'<bounce@example.com>', b'<bounce@esp.example>', 1)
    # a mailing list added a footer and a subject tag after signing, and sealed ARC
    original = signed(bare())
    relayed = original.replace(b'Subject: Invoice 42', b'Subject: [team] Invoice 42').replace(
        b'Your invoice is attached.\r\n', b'Your invoice is attached.\r\n-- \r\nteam mailing list\r\n')
    relayed = relayed.replace(b'Message-ID: <signed@example.com>\r\n',
                              b'Message-ID: <signed@example.com>\r\nList-Id: Team <team.list.example>\r\n')
    sealed = dkim_sign.arc_seal(relayed, rsa_esp, 'list.example', 'arc', 'list.example',
                                'spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com; dmarc=pass', timestamp=T)
    files['forwarded.eml'] = received_top(
        sealed, '203.0.113.130',
        'spf=fail smtp.mailfrom=example.com; dkim=fail (body hash did not verify) header.d=example.com; '
        'arc=pass; dmarc=fail header.from=example.com')
    # an ARC chain whose seal no longer verifies (the AAR was changed after sealing)
    files['arc-broken.eml'] = files['forwarded.eml'].replace(b'i=1; list.example; spf=pass', b'i=1; list.example; spf=none')
    # rsa-sha1, refused by RFC 8301; SPF passes aligned, so DMARC passes anyway
    files['sig-sha1.eml'] = received_top(signed(bare(), algorithm='rsa-sha1'), '192.0.2.5',
                                         'spf=pass smtp.mailfrom=example.com; dkim=fail header.d=example.com; dmarc=pass')
    # a 1024-bit key is allowed; an expired signature is not
    files['sig-expired.eml'] = received_top(dkim_sign.sign(bare(), rsa1024, 'example.com', 'old', timestamp=T - 172800,
                                                           expires=T - 86400), '192.0.2.5',
                                            'spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com; dmarc=pass')
    # the key was revoked (p= empty)
    files['sig-nokey.eml'] = received_top(signed(bare(), s='gone'), '192.0.2.200',
                                          'spf=fail smtp.mailfrom=example.com; dkim=pass header.d=example.com; dmarc=pass')
    # l= with text appended after signing
    files['sig-length.eml'] = received_top(
        signed(bare(), length=len(b'Your invoice is attached.\r\n')).replace(
            b'Your invoice is attached.\r\n', b'Your invoice is attached.\r\nClick here to claim your prize.\r\n'),
        '192.0.2.5', 'spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com; dmarc=pass')
    # a signature whose b= is not base64
    sig = signed(bare())
    files['sig-malformed.eml'] = received_top(sig.replace(b'; b=', b'; b=!!not*base64!!', 1), '192.0.2.200',
                                              'spf=fail smtp.mailfrom=example.com; dkim=permerror; dmarc=fail')
    # the Subject was changed after signing (the body is intact)
    files['sig-broken.eml'] = received_top(
        signed(bare()).replace(b'Subject: Invoice 42', b'Subject: Invoice 43'), '192.0.2.200',
        'spf=fail smtp.mailfrom=example.com; dkim=fail header.d=example.com; dmarc=fail')
    # signed with a selector whose key lookup the tests' silent server never answers
    files['sig-timeout.eml'] = received_top(signed(bare(), s='silent'), '192.0.2.200',
                                            'spf=fail smtp.mailfrom=example.com; dkim=pass header.d=example.com; dmarc=pass')
    for name, data in sorted(files.items()):
        path = os.path.join(out, name)
        mode = 'w' if isinstance(data, str) else 'wb'
        with open(path, mode) as fh:
            fh.write(data)


if __name__ == '__main__':
    main()
