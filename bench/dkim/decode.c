/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DKIM key decoding speed: parse N key records (al_dkim_parse, which decodes
 * the key with OpenSSL) built from the benchmark keys of ../shared/bench/keys,
 * and for comparison decode the same SubjectPublicKeyInfo keys with
 * d2i_PUBKEY. Prints one line per method: keys, seconds, microseconds per key.
 *
 *   decode N KEYFILE...      (KEYFILE: DER public keys, *.pub.der)
 */
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <authlint/dkim.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: decode N KEYFILE...\n");
		return 2;
	}
	long n = strtol(argv[1], NULL, 10);
	int kc = argc - 2;
	char **records = calloc((size_t)kc, sizeof(*records));
	unsigned char **der = calloc((size_t)kc, sizeof(*der));
	size_t *der_len = calloc((size_t)kc, sizeof(*der_len));
	for (int i = 0; i < kc; i++) {
		FILE *f = fopen(argv[i + 2], "rb");
		if (f == NULL) {
			perror(argv[i + 2]);
			return 2;
		}
		der[i] = malloc(8192);
		der_len[i] = fread(der[i], 1, 8192, f);
		fclose(f);
		records[i] = malloc(12000);
		bool ed = der_len[i] == 44; /* Ed25519 SPKI: publish the bare 32 octets */
		int off = snprintf(records[i], 12000, "v=DKIM1; k=%s; p=", ed ? "ed25519" : "rsa");
		EVP_EncodeBlock((unsigned char *)records[i] + off, ed ? der[i] + 12 : der[i], ed ? 32 : (int)der_len[i]);
	}
	double t0 = now();
	long usable = 0;
	for (long i = 0; i < n; i++) {
		const char *r = records[i % kc];
		al_dkim_record *rec = NULL;
		if (al_dkim_parse(r, strlen(r), &rec) != AL_OK)
			return 1;
		usable += al_dkim_key_usable(rec);
		al_dkim_record_free(rec);
	}
	double t1 = now();
	printf("al_dkim_parse  %ld records  %.3f s  %.2f us/record  (%ld usable)\n", n, t1 - t0,
	       (t1 - t0) * 1e6 / (double)n, usable);
	t0 = now();
	long ok = 0;
	for (long i = 0; i < n; i++) {
		const unsigned char *p = der[i % kc];
		EVP_PKEY *k = d2i_PUBKEY(NULL, &p, (long)der_len[i % kc]);
		ok += k != NULL;
		EVP_PKEY_free(k);
	}
	t1 = now();
	printf("d2i_PUBKEY     %ld keys     %.3f s  %.2f us/key     (%ld decoded)\n", n, t1 - t0,
	       (t1 - t0) * 1e6 / (double)n, ok);
	return 0;
}
