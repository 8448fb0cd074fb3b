#!/usr/bin/env python3
"""Write the DMARC aggregate report samples of tests/data/reports (run from this directory).

Every file here is written by this script, for the reader's tests and the golden
tests of `authlint reports`; none comes from a real reporter. Addresses are from
the documentation ranges (RFC 5737, RFC 3849)."""
import base64, gzip, io, os, zipfile

RFC7489 = '''<?xml version="1.0" encoding="UTF-8" ?>
<feedback>
  <version>1.0</version>
  <report_metadata>
    <org_name>receiver.example</org_name>
    <email>noreply-dmarc@receiver.example</email>
    <extra_contact_info>https://receiver.example/dmarc</extra_contact_info>
    <report_id>7489-0001</report_id>
    <date_range>
      <begin>1796083200</begin>
      <end>1796169599</end>
    </date_range>
  </report_metadata>
  <policy_published>
    <domain>example.com</domain>
    <adkim>r</adkim>
    <aspf>r</aspf>
    <p>none</p>
    <sp>none</sp>
    <pct>100</pct>
  </policy_published>
  <record>
    <row>
      <source_ip>192.0.2.10</source_ip>
      <count>120</count>
      <policy_evaluated>
        <disposition>none</disposition>
        <dkim>pass</dkim>
        <spf>pass</spf>
      </policy_evaluated>
    </row>
    <identifiers>
      <header_from>example.com</header_from>
    </identifiers>
    <auth_results>
      <dkim>
        <domain>example.com</domain>
        <selector>s1</selector>
        <result>pass</result>
      </dkim>
      <spf>
        <domain>example.com</domain>
        <scope>mfrom</scope>
        <result>pass</result>
      </spf>
    </auth_results>
  </record>
  <record>
    <row>
      <source_ip>198.51.100.7</source_ip>
      <count>30</count>
      <policy_evaluated>
        <disposition>none</disposition>
        <dkim>fail</dkim>
        <spf>fail</spf>
        <reason>
          <type>forwarded</type>
          <comment>list.example</comment>
        </reason>
      </policy_evaluated>
    </row>
    <identifiers>
      <header_from>example.com</header_from>
      <envelope_from>bounces.example.net</envelope_from>
    </identifiers>
    <auth_results>
      <dkim>
        <domain>mail.example.net</domain>
        <selector>k1</selector>
        <result>pass</result>
      </dkim>
      <spf>
        <domain>bounces.example.net</domain>
        <result>pass</result>
      </spf>
    </auth_results>
  </record>
</feedback>
'''

RFC9990 = '''<?xml version="1.0" encoding="UTF-8"?>
<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">
  <version>1.0</version>
  <report_metadata>
    <org_name>Mailbox Provider</org_name>
    <email>dmarc-reports@provider.example</email>
    <report_id>9990-0001</report_id>
    <date_range>
      <begin>1796083200</begin>
      <end>1796169600</end>
    </date_range>
    <generator>ProviderMTA 4.2</generator>
    <error>one record of the period was lost</error>
  </report_metadata>
  <policy_published>
    <domain>example.com</domain>
    <p>quarantine</p>
    <sp>quarantine</sp>
    <np>reject</np>
    <adkim>r</adkim>
    <aspf>r</aspf>
    <testing>y</testing>
    <discovery_method>treewalk</discovery_method>
  </policy_published>
  <extensions>
    <ext:thing xmlns:ext="urn:example:ext">ignored</ext:thing>
  </extensions>
  <record>
    <row>
      <source_ip>2001:db8::25</source_ip>
      <count>42</count>
      <policy_evaluated>
        <disposition>pass</disposition>
        <dkim>pass</dkim>
        <spf>fail</spf>
      </policy_evaluated>
    </row>
    <identifiers>
      <header_from>example.com</header_from>
      <envelope_from>example.com</envelope_from>
    </identifiers>
    <auth_results>
      <dkim>
        <domain>example.com</domain>
        <selector>s2</selector>
        <result>pass</result>
      </dkim>
      <spf>
        <domain>example.com</domain>
        <scope>mfrom</scope>
        <result>softfail</result>
      </spf>
    </auth_results>
  </record>
  <record>
    <row>
      <source_ip>203.0.113.9</source_ip>
      <count>5</count>
      <policy_evaluated>
        <disposition>none</disposition>
        <dkim>fail</dkim>
        <spf>fail</spf>
        <reason>
          <type>policy_test_mode</type>
        </reason>
      </policy_evaluated>
    </row>
    <identifiers>
      <header_from>example.com</header_from>
    </identifiers>
    <auth_results>
      <spf>
        <domain>spoof.example</domain>
        <result>fail</result>
      </spf>
    </auth_results>
  </record>
</feedback>
'''

# what reporters really send: junk before <feedback> (an unclosed xs:schema),
# upper case, empty elements, spaces, a byte that is not UTF-8, an IPv4-mapped address
QUIRKS = ('''<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
<feedback xmlns="http://dmarc.org/dmarc-xml/0.1">
  <report_metadata>
    <org_name>Caf\xe9 Mail</org_name>
    <email></email>
    <report_id>  quirks-1  </report_id>
    <date_range><begin> 1796083200 </begin><end>1796169599</end></date_range>
  </report_metadata>
  <policy_published>
    <domain>Example.COM</domain>
    <p>NONE</p>
    <sp/>
    <pct>100</pct>
  </policy_published>
  <record>
    <row>
      <source_ip> ::ffff:192.0.2.10 </source_ip>
      <count>7</count>
      <policy_evaluated>
        <disposition>None</disposition>
        <dkim>PASS</dkim>
        <spf>Fail</spf>
      </policy_evaluated>
    </row>
    <identifiers><header_from>example.com</header_from></identifiers>
    <auth_results>
      <dkim><domain>example.com</domain><selector>s1</selector><result>PASS</result><human_result></human_result></dkim>
      <spf><domain>example.com</domain><result>SoftFail</result></spf>
    </auth_results>
  </record>
</feedback>
''').encode('latin-1')

# a report over three days (spread over the days in proportion), and a record
# whose address is not one
SPAN = '''<?xml version="1.0" encoding="UTF-8"?>
<feedback>
  <report_metadata>
    <org_name>slow.example</org_name>
    <report_id>span-1</report_id>
    <date_range><begin>1796083200</begin><end>1796342400</end></date_range>
  </report_metadata>
  <policy_published><domain>example.com</domain><p>none</p></policy_published>
  <record>
    <row><source_ip>192.0.2.10</source_ip><count>300</count>
      <policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row>
    <identifiers><header_from>example.com</header_from></identifiers>
    <auth_results><dkim><domain>example.com</domain><selector>s1</selector><result>pass</result></dkim>
      <spf><domain>example.com</domain><result>pass</result></spf></auth_results>
  </record>
  <record>
    <row><source_ip>not-an-address</source_ip><count>1</count>
      <policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>
    <identifiers><header_from>example.com</header_from></identifiers>
    <auth_results><spf><domain>example.com</domain><result>fail</result></spf></auth_results>
  </record>
</feedback>
'''

XXE = '''<?xml version="1.0"?>
<!DOCTYPE feedback [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<feedback><report_metadata><org_name>&xxe;</org_name><report_id>x</report_id></report_metadata>
<policy_published><domain>example.com</domain><p>none</p></policy_published></feedback>
'''

LAUGHS = '''<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<feedback><report_metadata><org_name>&lol9;</org_name><report_id>l</report_id></report_metadata></feedback>
'''

BROKEN = '''<?xml version="1.0"?>
<feedback>
  <report_metadata><org_name>broken.example</org_name><report_id>b-1</report_id>
    <date_range><begin>1796083200</begin><end>1796169599</end></date_range></report_metadata>
  <policy_published><domain>example.com</domain><p>none</p></policy_published>
  <record>
    <row><source_ip>192.0.2.77</source_ip><count>3</count>
      <policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>
    <identifiers><header_from>example.com</header_from></identifiers>
  </record>
  <record>
    <row><source_ip>192.0.2.78</source_ip><count>4</count>
  </recor>
</feedback>
'''


def gz(data, mtime=0):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode='wb', mtime=mtime, filename='') as fh:
        fh.write(data)
    return buf.getvalue()


def zipped(name, data):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo(name, date_time=(2026, 12, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
    return buf.getvalue()


def message(attachment_name, content_type, payload, subject, msgid):
    b64 = base64.encodebytes(payload).decode()
    return (f'From: noreply-dmarc@receiver.example\nTo: dmarc@example.com\n'
            f'Subject: {subject}\nMessage-ID: <{msgid}@receiver.example>\n'
            'Date: Tue, 01 Dec 2026 00:00:00 +0000\nMIME-Version: 1.0\n'
            'Content-Type: multipart/mixed; boundary="b1"\n\n'
            '--b1\nContent-Type: text/plain; charset=utf-8\n\nThis is a DMARC aggregate report.\n\n'
            f'--b1\nContent-Type: {content_type}; name="{attachment_name}"\n'
            f'Content-Disposition: attachment; filename="{attachment_name}"\n'
            'Content-Transfer-Encoding: base64\n\n' + b64 + '\n--b1--\n')


def write(name, data):
    if isinstance(data, str):
        data = data.encode()
    with open(name, 'wb') as fh:
        fh.write(data)


def main():
    write('rfc7489.xml', RFC7489)
    write('rfc9990.xml', RFC9990)
    write('quirks.xml', QUIRKS)
    write('span.xml', SPAN)
    write('hostile-xxe.xml', XXE)
    write('hostile-laughs.xml', LAUGHS)
    write('broken.xml', BROKEN)
    write('rfc7489.xml.gz', gz(RFC7489.encode()))
    # two members, then junk a mail gateway appended
    write('trailing.xml.gz', gz(RFC9990.encode()[:200]) + gz(RFC9990.encode()[200:]) + b'\r\n--junk--\r\n')
    write('rfc7489.zip', zipped('receiver.example!example.com!1796083200!1796169599.xml', RFC7489))
    write('report-gzip.eml', message('provider.example!example.com!1796083200!1796169600.xml.gz',
                                     'application/gzip', gz(RFC9990.encode()), 'Report domain: example.com', 'a1'))
    write('report-zip.eml', message('receiver.example!example.com.zip', 'application/zip',
                                    zipped('r.xml', RFC7489), 'Report domain: example.com', 'a2'))
    mbox = ('From MAILER-DAEMON Tue Dec  1 00:00:00 2026\n' +
            message('span.xml', 'text/xml', SPAN.encode(), 'Report 1', 'm1') +
            '\nFrom MAILER-DAEMON Tue Dec  1 00:00:01 2026\n' +
            'From: someone@example.org\nSubject: not a report\n\nHello.\n' +
            '\nFrom MAILER-DAEMON Tue Dec  1 00:00:02 2026\n' +
            message('q.xml.gz', 'application/octet-stream', gz(QUIRKS), 'Report 2', 'm2'))
    write('reports.mbox', mbox)
    for sub in ('cur', 'new', 'tmp'):
        os.makedirs(os.path.join('Maildir', sub), exist_ok=True)
    write('Maildir/cur/1796083200.M1P1.host:2,S', message('r.zip', 'application/zip', zipped('r.xml', RFC7489),
                                                           'Report', 'md1'))
    write('Maildir/new/1796083201.M2P2.host', message('r.xml.gz', 'application/gzip', gz(RFC9990.encode()),
                                                       'Report', 'md2'))
    write('Maildir/tmp/.keep', b'')
    # what else a real Maildir holds: the server's index, and mail that is no report
    write('Maildir/dovecot-uidlist', '3 V1796083200 N3\n')
    write('Maildir/cur/1796083202.M3P3.host:2,S', 'From: someone@example.org\nSubject: hello\n\nNot a report.\n')
    # a report forwarded by a person, as an attached message
    inner = message('fwd.xml.gz', 'application/gzip', gz(SPAN.encode()), 'Report', 'f1')
    write('forwarded.eml', 'From: admin@example.com\nTo: analyst@example.com\nSubject: Fwd: Report\n'
                           'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="outer"\n\n'
                           '--outer\nContent-Type: text/plain\n\nSee attached.\n\n--outer\n'
                           'Content-Type: message/rfc822\n\n' + inner + '\n--outer--\n')


if __name__ == '__main__':
    main()
