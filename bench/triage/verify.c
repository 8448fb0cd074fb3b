/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench/triage: CPU time of al_dkim_verify + al_arc_validate over one message
 * or every message of an mbox, keys from a zone file. Prints messages,
 * signatures by verdict, and CPU seconds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <authlint/dkim_verify.h>
#include <authlint/source.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	if (b == NULL || fread(b, 1, (size_t)n, f) != (size_t)n)
		exit(2);
	fclose(f);
	b[n] = '\0';
	*len = (size_t)n;
	return b;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s ZONE MESSAGE|MBOX NOW\n", argv[0]);
		return 2;
	}
	al_zone *zone = NULL;
	al_source *keys = NULL;
	if (al_zone_new(&zone, NULL) != AL_OK || al_zone_load_file(zone, argv[1], NULL) != AL_OK ||
	    al_source_new_zone(&keys, zone) != AL_OK)
		return 2;
	size_t len;
	char *text = slurp(argv[2], &len);
	long long now = atoll(argv[3]);
	size_t verdicts[6] = {0}, messages = 0;
	clock_t t0 = clock();
	/* an mbox: messages begin at "From " at the start of a line */
	size_t pos = 0;
	bool mbox = strncmp(text, "From ", 5) == 0;
	while (pos < len) {
		size_t start = pos, end = len;
		if (mbox) {
			const char *nl = memchr(text + pos, '\n', len - pos);
			start = nl ? (size_t)(nl - text) + 1 : len;
			const char *next = start < len ? strstr(text + start, "\nFrom ") : NULL;
			end = next ? (size_t)(next - text) + 1 : len;
		}
		al_dkim_verification *v = NULL;
		if (al_dkim_verify(text + start, end - start, keys, now, &v, NULL) == AL_OK) {
			for (size_t i = 0; i < al_dkim_verification_count(v); i++)
				verdicts[al_dkim_verification_at(v, i)->verdict]++;
			al_dkim_verification_free(v);
		}
		al_arc_chain *c = NULL;
		if (al_arc_validate(text + start, end - start, keys, now, &c, NULL) == AL_OK)
			al_arc_chain_free(c);
		messages++;
		pos = end;
	}
	double cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
	printf("%zu messages, signatures:", messages);
	for (int i = 0; i < 6; i++)
		if (verdicts[i])
			printf(" %s %zu", al_dkim_verdict_name((al_dkim_verdict)i), verdicts[i]);
	printf(", %.3f s CPU\n", cpu);
	al_source_free(keys);
	al_zone_free(zone);
	free(text);
	return 0;
}
