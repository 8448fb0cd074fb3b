#!/usr/bin/env python3
"""Write the seeds of tests/fuzz/corpus/report that are not copies of tests/data/reports.

Run from the top of the tree: python3 tests/fuzz/make_report_corpus.py
The copies (rfc7489.xml, rfc9990.xml, quirks.xml, ..., reports.mbox, the Maildir messages) are
taken from tests/data/reports as they are; this adds the shapes fuzz_report.c should start from
that the data files do not have: bombs sized to the target's small limits (4 MiB expanded, ratio
50, 64 records, depth 3, 16 files), nesting, odd encodings, and a last byte 0xf0-0xff that makes
the target answer SKIP or STOP. Deterministic: gzip and zip times are fixed."""
import base64, gzip, io, os, shutil, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', 'data', 'reports')
OUT = os.path.join(HERE, 'corpus', 'report')


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode='wb', mtime=0, filename='') as fh:
        fh.write(data)
    return buf.getvalue()


def zipped(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2026, 12, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def record(i, ip='192.0.2.1'):
    return (f'<record><row><source_ip>{ip}</source_ip><count>{i + 1}</count>'
            '<policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf>'
            '</policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers>'
            '<auth_results><dkim><domain>example.com</domain><selector>s1</selector><result>pass</result>'
            '</dkim><spf><domain>example.net</domain><result>fail</result></spf></auth_results></record>\n')


def report(records, rid='seed-1', ns=''):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<feedback{ns}>\n<report_metadata><org_name>seed.example'
            f'</org_name><email>r@seed.example</email><report_id>{rid}</report_id><date_range><begin>1796083200'
            '</begin><end>1796169599</end></date_range></report_metadata>\n<policy_published><domain>example.com'
            '</domain><adkim>r</adkim><aspf>r</aspf><p>none</p><pct>100</pct></policy_published>\n'
            + ''.join(record(i) for i in range(records)) + '</feedback>\n')


def message(parts, boundary='b1'):
    out = ('From: noreply-dmarc@receiver.example\nTo: dmarc@example.com\nSubject: Report\n'
           'MIME-Version: 1.0\n' f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n')
    for ctype, name, payload in parts:
        out += f'--{boundary}\nContent-Type: {ctype}; name="{name}"\n'
        if isinstance(payload, bytes):
            out += ('Content-Disposition: attachment; filename="' + name + '"\n'
                    'Content-Transfer-Encoding: base64\n\n' + base64.encodebytes(payload).decode())
        else:
            out += '\n' + payload
        out += '\n'
    return out + f'--{boundary}--\n'


def nested(depth, payload):
    """A message holding a message holding ... the report, depth levels down."""
    body = message([('application/gzip', 'r.xml.gz', payload)], boundary='b0')
    for k in range(1, depth + 1):
        body = message([('message/rfc822', f'm{k}.eml', body)], boundary=f'b{k}')
    return body


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)

    def write(name, data):
        with open(os.path.join(OUT, name), 'wb') as fh:
            fh.write(data.encode() if isinstance(data, str) else data)

    for name in sorted(os.listdir(DATA)):
        src = os.path.join(DATA, name)
        if os.path.isfile(src) and not name.endswith('.py'):
            shutil.copyfile(src, os.path.join(OUT, name))
    for sub in ('cur', 'new'):
        d = os.path.join(DATA, 'Maildir', sub)
        for k, name in enumerate(sorted(os.listdir(d)) if os.path.isdir(d) else []):
            shutil.copyfile(os.path.join(d, name), os.path.join(OUT, f'maildir-{sub}-{k}.eml'))

    small = report(3)
    write('seed-draft.xml', small.replace('identifiers>', 'identities>'))
    write('seed-rfc9990-ns.xml', report(2, ns=' xmlns="urn:ietf:params:xml:ns:dmarc-2.0"'))
    write('seed-0.1-ns.xml', report(2, ns=' xmlns="http://dmarc.org/dmarc-xml/0.1"'))
    write('seed-over-records.xml', report(70))                      # 64 is the target's bound
    write('seed-over-records.xml.gz', gz(report(70).encode()))
    write('seed-stop-2.xml', small.encode() + b'\xf2')               # STOP at record 2
    write('seed-skip.zip', zipped([(f'r{i}.xml', report(2, rid=f'z{i}')) for i in range(3)]) + b'\xf0')
    write('seed-many-entries.zip', zipped([(f'r{i}.xml', report(1, rid=f'm{i}')) for i in range(20)]))
    write('seed-entries-mixed.zip', zipped([('a.xml.gz', gz(small.encode())), ('readme.txt', 'hello\n'),
                                            ('b.xml', small), ('dir/', '')]))
    write('seed-zip-in-zip.zip', zipped([('inner.zip', zipped([('r.xml', small)]))]))
    write('seed-gzip-bomb.xml.gz', gz(small.encode()[:200] + b' ' * (6 << 20)))
    write('seed-zip-bomb.zip', zipped([('bomb.xml', small[:200] + ' ' * (6 << 20))]))
    write('seed-gzip-truncated.xml.gz', gz(small.encode())[:-30])
    write('seed-gzip-concat.xml.gz', gz(small.encode()[:100]) + gz(small.encode()[100:]) + b'\0\0junk')
    write('seed-gzip-in-gzip.gz', gz(gz(small.encode())))
    write('seed-depth.xml', '<feedback>' + '<a>' * 5000 + '</a>' * 5000 + '</feedback>')
    write('seed-long-text.xml', small.replace('seed.example', 'x' * 200000, 1))
    write('seed-utf16.xml', '\ufeff'.encode('utf-16-le') + small.replace('UTF-8', 'UTF-16').encode('utf-16-le'))
    write('seed-latin1-decl-utf8.xml', small.replace('UTF-8', 'ISO-8859-1').replace('seed.example', 'séed.example'))
    write('seed-bad-utf8.xml', small.encode().replace(b'seed.example', b'se\xff\xfeed.example'))
    write('seed-schema-junk.xml', small.replace('<feedback>', '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
                                                 '<xs:element name="feedback"/>\n<feedback>'))
    write('seed-two-feedbacks.xml', small + small.split('\n', 1)[1])
    write('seed-entity.xml', small.replace('<feedback>', '<!DOCTYPE feedback [<!ENTITY e "x">]>\n<feedback>')
          .replace('seed.example', '&e;&#65;&amp;'))
    write('seed-ipv6.xml', report(0).replace('</feedback>', record(0, '2001:DB8:0:0::1') + record(1, '::ffff:192.0.2.9')
                                             + record(2, '192.0.2.300') + '</feedback>'))
    write('seed-enums.xml', small.replace('<disposition>none', '<disposition>QUARANTINE', 1)
          .replace('<disposition>none', '<disposition>Pass', 1).replace('<result>pass', '<result>TEMPERROR', 1)
          .replace('<result>fail', '<result>policy', 1).replace('<dkim>pass', '<dkim> bogus ', 1))
    write('seed-nested.eml', nested(2, gz(small.encode())))
    write('seed-nested-deep.eml', nested(6, gz(small.encode())))
    write('seed-qp.eml', message([('text/xml', 'r.xml', small.replace('<', '=3C', 40))]).replace(
        'Content-Type: text/xml', 'Content-Transfer-Encoding: quoted-printable\nContent-Type: text/xml'))
    write('seed-octet.eml', message([('application/octet-stream', 'r.xml.gz', gz(small.encode())),
                                     ('application/octet-stream', 'r.zip', zipped([('r.xml', small)]))]))
    mbox = ''.join(f'From MAILER-DAEMON Tue Dec  1 00:00:0{i} 2026\n'
                   + message([('application/gzip', f'r{i}.xml.gz', gz(report(1, rid=f'mb{i}').encode()))]) + '\n'
                   for i in range(3))
    write('seed-mbox-skip.mbox', mbox.encode() + b'\xf0')
    write('seed-empty', b'')
    write('seed-one-byte', b'<')
    write('seed-gzip-magic', b'\x1f\x8b')
    write('seed-zip-magic', b'PK\x03\x04')


if __name__ == '__main__':
    main()
