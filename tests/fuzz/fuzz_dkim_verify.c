/* SPDX-License-Identifier: GPL-3.0-or-later */
/* DKIM verification and ARC validation of arbitrary messages, keys from a fixed
 * in-memory zone (an Ed25519 key of tests/data/dkim and RFC 8463's two keys):
 * results stay within their enums, strings are NUL-terminated, nothing passes
 * without a key. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/dkim_verify.h>
#include <authlint/source.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char zone_text[] =
	"$ORIGIN example.com.\n"
	"@ SOA ns.example.com. h.example.com. 1 3600 600 86400 300\n"
	"ed._domainkey TXT ( \"v=DKIM1; k=ed25519; p=bGuGUrhWdYlpCDo8ZCMC1SPF0TJKI5Yr325w4q3sWeE=\" )\n"
	"revoked._domainkey TXT \"v=DKIM1; p=\"\n"
	"$ORIGIN football.example.com.\n"
	"$TTL 3600\n"
	"@ SOA ns.football.example.com. hostmaster.football.example.com. 1 3600 600 86400 300\n"
	"brisbane._domainkey TXT \"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"\n"
	"test._domainkey TXT ( \"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR\"\n"
	" \"iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC\"\n"
	" \"DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3\"\n"
	" \"Ip3G+2kryOTIKT+l/K4w3QIDAQAB\" )\n";

static al_source *keys;

static void setup(void)
{
	al_zone *zone = NULL;
	if (al_zone_new(&zone, NULL) != AL_OK ||
	    al_zone_load_text(zone, "<fuzz>", zone_text, sizeof(zone_text) - 1, NULL) != AL_OK ||
	    al_zone_problem_count(zone) != 0 || al_source_new_zone(&keys, zone) != AL_OK)
		abort();
	/* the zone lives as long as the process */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (keys == NULL)
		setup();
	al_dkim_verification *v = NULL;
	if (al_dkim_verify((const char *)data, size, keys, 1796083200, &v, NULL) == AL_OK) {
		size_t n = al_dkim_verification_count(v);
		for (size_t i = 0; i < n; i++) {
			const al_dkim_signature *s = al_dkim_verification_at(v, i);
			if (s->verdict > AL_DKIM_REFUSED || s->failure > AL_DKIM_FAILURE_LIMIT)
				abort();
			if (s->verdict == AL_DKIM_PASS && (s->key_type == NULL || !s->body_hash_ok || s->reason != NULL))
				abort();
			if (s->verdict != AL_DKIM_PASS && (s->reason == NULL || strlen(s->reason) == 0))
				abort();
			if (i >= AL_DKIM_MAX_SIGNATURES && s->failure != AL_DKIM_FAILURE_LIMIT)
				abort();
		}
		if (al_dkim_verification_at(v, n) != NULL)
			abort();
		al_dkim_verification_free(v);
	}
	al_arc_chain *c = NULL;
	if (al_arc_validate((const char *)data, size, keys, 1796083200, &c, NULL) == AL_OK) {
		if (c->cv > AL_ARC_NOT_CHECKED || c->set_count > 50)
			abort();
		if (c->cv == AL_ARC_FAIL && c->reason == NULL)
			abort();
		for (size_t i = 0; i < c->set_count; i++)
			if (c->sets[i].instance != i + 1)
				abort();
		al_arc_chain_free(c);
	}
	return 0;
}
