# example.com in Route 53. plan.json beside this file is what
#   terraform plan -out=tfplan && terraform show -json tfplan > plan.json
# writes for it; authlint reads that JSON:
#   authlint zone examples/terraform/plan.json
resource "aws_route53_zone" "main" {
  name = "example.com"
}

resource "aws_route53_record" "mx" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "example.com"
  type    = "MX"
  ttl     = 3600
  records = ["10 mail.example.com"]
}

resource "aws_route53_record" "spf" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "example.com"
  type    = "TXT"
  ttl     = 3600
  records = ["v=spf1 mx include:_spf.google.com ~all", "google-site-verification=rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ"]
}

resource "aws_route53_record" "dmarc" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "_dmarc.example.com"
  type    = "TXT"
  ttl     = 3600
  records = ["v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com"]
}

resource "aws_route53_record" "dkim_google" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "google._domainkey.example.com"
  type    = "TXT"
  ttl     = 3600
  records = ["v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCjXbJnktSiuVwNugKJQro0XiOlE5TnFGL1Uwi+g2OqlOdLDIcFLXhvppIFEYYBaNCKB5+hbZblB5rRUfqKiFUCPvePC0EKBB1PE2lGZmzjMVGRSIhTQsF7OKVN4ojKyM275O55KoIR8rjnLsDJfMPY+2SRvn1/i7HcDveTmHMA4QIDAQAB"]
}

resource "aws_route53_record" "mail" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "mail.example.com"
  type    = "A"
  ttl     = 3600
  records = ["192.0.2.25"]
}

resource "aws_route53_record" "mail_spf" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "mail.example.com"
  type    = "TXT"
  ttl     = 3600
  records = ["v=spf1 a -all"]
}

resource "aws_route53_record" "shop_spf" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "shop.example.com"
  type    = "TXT"
  ttl     = 3600
  records = ["v=spf1 +all"]
}
