#!/usr/bin/python3
"""Generate DMARC aggregate reports for bench/reports (deterministic for a given seed).

  gen.py big N OUT.xml            one RFC 7489 report of N records (a large receiver's day)
  gen.py dir N OUTDIR             N small reports (1-6 records), .xml.gz 60%, .zip 30%, .xml 10%

Each writes OUT.json beside it (OUTDIR.json for dir): records, messages and dmarc_pass
(messages whose policy_evaluated has dkim or spf pass), the figures a reader must find.
File names follow the receiver!domain!begin!end convention (dmarc-cat reads no other).
Sources come from a fixed pool of 4,096 addresses (documentation ranges and 10/8), so a larger
report has more records, not more distinct senders: peak memory against N then shows whether
a reader streams."""
import gzip, io, json, os, random, sys, zipfile

BEGIN = 1796083200  # 2026-12-01T00:00:00Z
DAY = 86400
DOMAINS = ['example.com', 'example.org', 'shop.example.net']
ORGS = [('google.com', 'noreply-dmarc-support@google.com'), ('Yahoo', 'dmarchelp@yahooinc.com'),
        ('Outlook.com', 'dmarcreport@microsoft.com'), ('Mail.Ru', 'dmarc_support@corp.mail.ru'),
        ('comcast.net', 'dmarc_support@comcast.net'), ('Enterprise Outlook', 'dmarcreport@microsoft.com'),
        ('web.de', 'noreply-dmarc@web.de'), ('fastmail.com', 'noreply-dmarc@fastmail.com')]


def pool(rng):
    ips = []
    for i in range(4096):
        k = rng.random()
        if k < 0.4:
            ips.append(f'10.{i >> 8}.{i & 255}.{rng.randrange(1, 255)}')
        elif k < 0.6:
            ips.append(f'192.0.2.{i & 255}')
        elif k < 0.8:
            ips.append(f'198.51.100.{i & 255}')
        else:
            ips.append(f'2001:db8:{i:x}::{rng.randrange(1, 65535):x}')
    return ips


def record(rng, ips, domain):
    ip = ips[rng.randrange(len(ips))]
    count = rng.choice([1, 1, 1, 2, 3, 5, 8, 20, 150])
    kind = rng.random()
    if kind < 0.6:    # own mail, aligned
        dkim, spf, sd, ss, dr, sr = 'pass', 'pass', domain, domain, 'pass', 'pass'
    elif kind < 0.8:  # a service signing with its own domain
        dkim, spf, sd, ss, dr, sr = 'fail', 'pass', 'sendgrid.net', domain, 'pass', 'pass'
    elif kind < 0.9:  # forwarded
        dkim, spf, sd, ss, dr, sr = 'pass', 'fail', domain, 'lists.example.org', 'pass', 'pass'
    else:             # spoofing
        dkim, spf, sd, ss, dr, sr = 'fail', 'fail', None, 'spoof.example', None, 'fail'
    disp = 'none' if (dkim == 'pass' or spf == 'pass') else rng.choice(['none', 'quarantine', 'reject'])
    x = [f'<record><row><source_ip>{ip}</source_ip><count>{count}</count><policy_evaluated>'
         f'<disposition>{disp}</disposition><dkim>{dkim}</dkim><spf>{spf}</spf></policy_evaluated></row>'
         f'<identifiers><header_from>{domain}</header_from><envelope_from>{ss}</envelope_from></identifiers>'
         '<auth_results>']
    if sd is not None:
        x.append(f'<dkim><domain>{sd}</domain><selector>s{rng.randrange(1, 3)}</selector><result>{dr}</result></dkim>')
    x.append(f'<spf><domain>{ss}</domain><scope>mfrom</scope><result>{sr}</result></spf></auth_results></record>\n')
    return ''.join(x), count, count if (dkim == 'pass' or spf == 'pass') else 0


def report(rng, ips, org, email, domain, rid, day, n, out):
    """Write one report to the file object out (text); returns (records, messages, dmarc_pass)."""
    begin = BEGIN + day * DAY
    out.write('<?xml version="1.0" encoding="UTF-8" ?>\n<feedback>\n<version>1.0</version>\n'
              f'<report_metadata><org_name>{org}</org_name><email>{email}</email>'
              f'<report_id>{rid}</report_id><date_range><begin>{begin}</begin><end>{begin + DAY - 1}</end>'
              '</date_range></report_metadata>\n'
              f'<policy_published><domain>{domain}</domain><adkim>r</adkim><aspf>r</aspf><p>none</p>'
              '<sp>none</sp><pct>100</pct></policy_published>\n')
    messages = passed = 0
    for _ in range(n):
        text, c, p = record(rng, ips, domain)
        out.write(text)
        messages += c
        passed += p
    out.write('</feedback>\n')
    return n, messages, passed


def name(org, domain, day):
    begin = BEGIN + day * DAY
    return f'{org.replace(" ", "_")}!{domain}!{begin}!{begin + DAY - 1}'


def big(n, path):
    rng = random.Random(7489)
    ips = pool(rng)
    with open(path, 'w', buffering=1 << 20) as fh:
        r, m, p = report(rng, ips, 'google.com', 'noreply-dmarc-support@google.com', 'example.com',
                         f'big-{n}', 0, n, fh)
    return {'reports': 1, 'records': r, 'messages': m, 'dmarc_pass': p}


def directory(n, outdir):
    rng = random.Random(9990)
    ips = pool(rng)
    os.makedirs(outdir, exist_ok=True)
    tot = {'reports': 0, 'records': 0, 'messages': 0, 'dmarc_pass': 0}
    for i in range(n):
        org, email = ORGS[i % len(ORGS)]
        domain = DOMAINS[i % len(DOMAINS)]
        day = (i // len(ORGS)) % 30
        buf = io.StringIO()
        r, m, p = report(rng, ips, org, email, domain, f'{i:06d}.{rng.randrange(1 << 30)}', day,
                         rng.randrange(1, 7), buf)
        data = buf.getvalue().encode()
        base = os.path.join(outdir, f'{name(org, domain, day)}!{i:06d}')
        kind = rng.random()
        if kind < 0.6:
            with open(base + '.xml.gz', 'wb') as fh:
                fh.write(gzip.compress(data, mtime=0))
        elif kind < 0.9:
            with zipfile.ZipFile(base + '.zip', 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr(zipfile.ZipInfo(os.path.basename(base) + '.xml', (2026, 12, 1, 0, 0, 0)), data,
                           compress_type=zipfile.ZIP_DEFLATED)
        else:
            with open(base + '.xml', 'wb') as fh:
                fh.write(data)
        tot['reports'] += 1
        tot['records'] += r
        tot['messages'] += m
        tot['dmarc_pass'] += p
    return tot


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ('big', 'dir'):
        sys.exit(__doc__)
    what, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    stats = big(n, out) if what == 'big' else directory(n, out)
    with open(out.rstrip('/') + '.json', 'w') as fh:
        json.dump(stats, fh)
        fh.write('\n')
    print(json.dumps(stats))


if __name__ == '__main__':
    main()
