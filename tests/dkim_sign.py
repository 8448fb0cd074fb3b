#!/usr/bin/env python3
"""Sign test messages with DKIM (RFC 6376, RFC 8463) and seal them with ARC
(RFC 8617), written from the RFCs independently of authlint's verifier, so the
tests check one implementation against another. Python's `cryptography`
(Debian: python3-cryptography) does the RSA and Ed25519 arithmetic.

As a module: sign(message, key, domain, selector, ...) and arc_seal(...).
As a program: dkim_sign.py KEY.pem DOMAIN SELECTOR [options] < message > signed
"""
import argparse
import base64
import hashlib
import re
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

CRLF = b'\r\n'


def crlf(message):
    """LF line ends become CRLF (what goes over SMTP)."""
    return re.sub(rb'(?<!\r)\n', CRLF, message)


def split(message):
    """Header fields (each with its continuation lines, CRLF included) and the body."""
    head, sep, body = message.partition(b'\r\n\r\n')
    if not sep:
        head, body = message, b''
    fields = []
    for line in (head + CRLF).split(CRLF)[:-1]:
        if line[:1] in (b' ', b'\t') and fields:
            fields[-1] += line + CRLF
        else:
            fields.append(line + CRLF)
    return fields, body


def canon_body(body, method, length=None):
    if method == 'simple':
        while body.endswith(CRLF + CRLF):
            body = body[:-2]
        if not body.endswith(CRLF):
            body = body + CRLF if body else CRLF
    else:
        lines = body.split(CRLF)
        if lines and lines[-1] == b'':
            lines = lines[:-1]
        lines = [re.sub(rb'[ \t]+', b' ', ln).rstrip(b' \t') for ln in lines]
        while lines and lines[-1] == b'':
            lines.pop()
        body = CRLF.join(lines) + CRLF if lines else b''
    return body if length is None else body[:length]


def canon_header(field, method):
    if method == 'simple':
        return field
    name, _, value = field.partition(b':')
    value = re.sub(rb'\r\n', b'', value)
    value = re.sub(rb'[ \t]+', b' ', value).strip(b' \t')
    return name.strip(b' \t').lower() + b':' + value + CRLF


def select(fields, names):
    """The fields named in h=, each instance taken from the bottom up (RFC 6376 5.4.2)."""
    used = set()
    out = []
    for name in names:
        for i in range(len(fields) - 1, -1, -1):
            if i in used:
                continue
            if fields[i].split(b':', 1)[0].strip().lower() == name.lower().encode():
                used.add(i)
                out.append(fields[i])
                break
    return out


def load_key(path):
    with open(path, 'rb') as fh:
        return serialization.load_pem_private_key(fh.read(), password=None)


def public_txt(key):
    """The p= of the key record (RFC 6376 3.6.1; RFC 8463 4 for Ed25519: the bare 32 octets)."""
    pub = key.public_key()
    if isinstance(key, ed25519.Ed25519PrivateKey):
        raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return 'v=DKIM1; k=ed25519; p=' + base64.b64encode(raw).decode()
    der = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return 'v=DKIM1; k=rsa; p=' + base64.b64encode(der).decode()


def raw_sign(key, algorithm, data):
    if algorithm == 'ed25519-sha256':
        return key.sign(hashlib.sha256(data).digest())
    digest = hashes.SHA1() if algorithm == 'rsa-sha1' else hashes.SHA256()
    return key.sign(data, padding.PKCS1v15(), digest)


def fold(value):
    """Fold a b= value at 72 columns so lines stay short (folding is canonicalized away)."""
    return b'\r\n\t'.join(value[i:i + 72] for i in range(0, len(value), 72))


def sign(message, key, domain, selector, headers=('from', 'to', 'subject', 'date', 'message-id'),
         canon='relaxed/relaxed', algorithm=None, length=None, timestamp=1796083200, expires=None,
         identity=None, field_name='DKIM-Signature', extra_tags=''):
    """The message with a DKIM-Signature prepended."""
    message = crlf(message)
    if algorithm is None:
        algorithm = 'ed25519-sha256' if isinstance(key, ed25519.Ed25519PrivateKey) else 'rsa-sha256'
    hcanon, _, bcanon = canon.partition('/')
    bcanon = bcanon or 'simple'
    fields, body = split(message)
    cbody = canon_body(body, bcanon, length)
    hashfn = hashlib.sha1 if algorithm == 'rsa-sha1' else hashlib.sha256
    bh = base64.b64encode(hashfn(cbody).digest()).decode()
    tags = 'v=1; a=%s; c=%s; d=%s; s=%s; t=%d;' % (algorithm, canon, domain, selector, timestamp)
    if expires is not None:
        tags += ' x=%d;' % expires
    if identity is not None:
        tags += ' i=%s;' % identity
    if length is not None:
        tags += ' l=%d;' % length
    tags += extra_tags
    tags += ' h=%s; bh=%s; b=' % (':'.join(headers), bh)
    sig_field = ('%s: %s' % (field_name, tags)).encode() + CRLF
    data = b''.join(canon_header(f, hcanon) for f in select(fields, headers))
    data += canon_header(sig_field, hcanon)[:-2]
    b = base64.b64encode(raw_sign(key, algorithm, data))
    return sig_field[:-2] + fold(b) + CRLF + message


def arc_seal(message, key, domain, selector, authserv_id, results, cv=None, timestamp=1796083200,
             headers=('from', 'to', 'subject', 'date', 'message-id', 'dkim-signature')):
    """The message with one more ARC set (RFC 8617 5.1): AAR, AMS, then AS over every set."""
    message = crlf(message)
    fields, body = split(message)
    instance = 1 + sum(1 for f in fields if f.lower().startswith(b'arc-seal:'))
    if cv is None:
        cv = 'none' if instance == 1 else 'pass'
    aar = ('ARC-Authentication-Results: i=%d; %s; %s' % (instance, authserv_id, results)).encode() + CRLF
    # the AMS: a DKIM signature (no v=) with i=, over the header fields and the body
    bh = base64.b64encode(hashlib.sha256(canon_body(body, 'relaxed')).digest()).decode()
    tags = 'i=%d; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=%s; t=%d; h=%s; bh=%s; b=' % (
        instance, domain, selector, timestamp, ':'.join(headers), bh)
    ams = ('ARC-Message-Signature: %s' % tags).encode() + CRLF
    with_aar = [aar] + fields
    data = b''.join(canon_header(f, 'relaxed') for f in select(with_aar, headers))
    data += canon_header(ams, 'relaxed')[:-2]
    ams = ams[:-2] + fold(base64.b64encode(raw_sign(key, 'rsa-sha256', data))) + CRLF
    # the seal: every set, instance 1 first, AAR, AMS, AS each (this AS without its b=)
    seal = ('ARC-Seal: i=%d; a=rsa-sha256; t=%d; cv=%s; d=%s; s=%s; b=' % (
        instance, timestamp, cv, domain, selector)).encode() + CRLF
    sets = {}
    for f in [aar, ams] + fields:
        name = f.split(b':', 1)[0].strip().lower()
        if name in (b'arc-authentication-results', b'arc-message-signature', b'arc-seal'):
            m = re.search(rb'i\s*=\s*(\d+)', f.split(b':', 1)[1])
            if m:
                sets.setdefault(int(m.group(1)), {})[name] = f
    data = b''
    for i in sorted(sets):
        s = sets[i]
        for name in (b'arc-authentication-results', b'arc-message-signature', b'arc-seal'):
            if name in s:
                data += canon_header(s[name], 'relaxed')
    data += canon_header(seal, 'relaxed')[:-2]
    seal = seal[:-2] + fold(base64.b64encode(raw_sign(key, 'rsa-sha256', data))) + CRLF
    return seal + ams + aar + message


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('key')
    ap.add_argument('domain')
    ap.add_argument('selector')
    ap.add_argument('--canon', default='relaxed/relaxed')
    ap.add_argument('--algorithm')
    ap.add_argument('--length', type=int)
    ap.add_argument('--expires', type=int)
    ap.add_argument('--public', action='store_true', help='print the key record instead')
    a = ap.parse_args()
    key = load_key(a.key)
    if a.public:
        print(public_txt(key))
        return
    out = sign(sys.stdin.buffer.read(), key, a.domain, a.selector, canon=a.canon, algorithm=a.algorithm,
               length=a.length, expires=a.expires)
    sys.stdout.buffer.write(out)


if __name__ == '__main__':
    main()
