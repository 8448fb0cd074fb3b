// example.com as DNSControl keeps it. ir.json beside this file is what
//   dnscontrol print-ir --pretty > ir.json
// writes for it; authlint reads that JSON (not the JavaScript):
//   authlint zone examples/dnscontrol/ir.json
var REG_NONE = NewRegistrar("none");
var DSP_ROUTE53 = NewDnsProvider("route53");

D("example.com", REG_NONE, DnsProvider(DSP_ROUTE53),
    DefaultTTL(3600),
    MX("@", 10, "mail.example.com."),
    TXT("@", "v=spf1 mx include:_spf.google.com ~all"),
    TXT("@", "google-site-verification=rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ"),
    TXT("_dmarc", "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com"),
    TXT("google._domainkey", "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCjXbJnktSiuVwNugKJQro0XiOlE5TnFGL1Uwi+g2OqlOdLDIcFLXhvppIFEYYBaNCKB5+hbZblB5rRUfqKiFUCPvePC0EKBB1PE2lGZmzjMVGRSIhTQsF7OKVN4ojKyM275O55KoIR8rjnLsDJfMPY+2SRvn1/i7HcDveTmHMA4QIDAQAB"),
    A("mail", "192.0.2.25"),
    TXT("mail", "v=spf1 a -all"),
    TXT("shop", "v=spf1 +all")
);
