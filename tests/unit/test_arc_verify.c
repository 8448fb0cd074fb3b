/* SPDX-License-Identifier: GPL-3.0-or-later */
/* al_arc_validate: chains sealed by tests/dkim_sign.py (tests/data/dkim/generate.py),
 * keys from a zone; broken, structurally wrong and absent chains. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <authlint/dkim_verify.h>
#include <authlint/source.h>

#define T_NOW 1796083200

static char *slurp(const char *name, size_t *len)
{
	const char *root = getenv("AUTHLINT_SOURCE_ROOT");
	char path[4096];
	snprintf(path, sizeof(path), "%s/tests/data/dkim/%s", root ? root : ".", name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

typedef struct env {
	al_zone *zone;
	al_source *keys;
} env;

static int setup(void **state)
{
	env *e = calloc(1, sizeof(*e));
	al_error err = {0};
	assert_int_equal(al_zone_new(&e->zone, NULL), AL_OK);
	size_t n;
	char *z = slurp("keys.zone", &n);
	assert_int_equal(al_zone_load_text(e->zone, "keys.zone", z, n, &err), AL_OK);
	free(z);
	assert_int_equal(al_source_new_zone(&e->keys, e->zone), AL_OK);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	env *e = *state;
	al_source_free(e->keys);
	al_zone_free(e->zone);
	free(e);
	return 0;
}

static al_arc_chain *validate_text(const char *msg, size_t n, al_source *keys)
{
	al_arc_chain *c = NULL;
	al_error err = {0};
	assert_int_equal(al_arc_validate(msg, n, keys, T_NOW, &c, &err), AL_OK);
	assert_non_null(c);
	return c;
}

static al_arc_chain *validate(void **state, const char *name)
{
	size_t n;
	char *msg = slurp(name, &n);
	al_arc_chain *c = validate_text(msg, n, ((env *)*state)->keys);
	free(msg);
	return c;
}

static void two_instances_pass(void **state)
{
	al_arc_chain *c = validate(state, "arc2.eml");
	if (c->cv != AL_ARC_PASS)
		fail_msg("cv=%s: %s", al_arc_cv_name(c->cv), c->reason ? c->reason : "");
	assert_string_equal(al_arc_cv_name(c->cv), "pass");
	assert_int_equal(c->failed_instance, 0);
	assert_null(c->reason);
	assert_int_equal(c->set_count, 2);
	assert_int_equal(c->sets[0].instance, 1);
	assert_string_equal(c->sets[0].seal_domain, "lists.example.org");
	assert_string_equal(c->sets[0].cv, "none");
	assert_string_equal(c->sets[0].authserv_id, "mx.lists.example.org");
	assert_string_equal(c->sets[0].results, "mx.lists.example.org; dkim=pass header.d=example.com; spf=pass");
	assert_int_equal(c->sets[0].seal, AL_DKIM_PASS);
	assert_int_equal(c->sets[0].message_signature, AL_DKIM_PASS);
	assert_string_equal(c->sets[1].seal_domain, "fwd.example");
	assert_string_equal(c->sets[1].seal_selector, "arc");
	assert_string_equal(c->sets[1].cv, "pass");
	assert_string_equal(c->sets[1].authserv_id, "mx.fwd.example");
	assert_int_equal(c->sets[1].seal, AL_DKIM_PASS);
	assert_int_equal(c->sets[1].message_signature, AL_DKIM_PASS);
	al_arc_chain_free(c);
}

static void broken_at_instance_2(void **state)
{
	al_arc_chain *c = validate(state, "arc-broken2.eml");
	assert_int_equal(c->cv, AL_ARC_FAIL);
	assert_int_equal(c->failed_instance, 2);
	assert_non_null(strstr(c->reason, "instance 2"));
	assert_non_null(strstr(c->reason, "ARC-Message-Signature"));
	assert_int_equal(c->sets[1].message_signature, AL_DKIM_FAIL);
	assert_non_null(c->sets[1].reason);
	al_arc_chain_free(c);
}

static void seal_tampered(void **state)
{
	/* the AAR of instance 1 edited: the AMSs still verify, the seals do not */
	size_t n;
	char *msg = slurp("arc2.eml", &n);
	char *p = strstr(msg, "spf=pass");
	assert_non_null(p);
	memcpy(p, "spf=fail", 8);
	al_arc_chain *c = validate_text(msg, n, ((env *)*state)->keys);
	assert_int_equal(c->cv, AL_ARC_FAIL);
	assert_int_equal(c->failed_instance, 2);
	assert_non_null(strstr(c->reason, "ARC-Seal"));
	al_arc_chain_free(c);
	free(msg);
}

static void no_arc_none(void **state)
{
	al_arc_chain *c = validate(state, "rsa-relaxed.eml");
	assert_int_equal(c->cv, AL_ARC_NONE);
	assert_string_equal(al_arc_cv_name(c->cv), "none");
	assert_int_equal(c->set_count, 0);
	al_arc_chain_free(c);
}

static void offline_not_checked(void **state)
{
	(void)state;
	size_t n;
	char *msg = slurp("arc2.eml", &n);
	al_arc_chain *c = validate_text(msg, n, NULL);
	assert_int_equal(c->cv, AL_ARC_NOT_CHECKED);
	assert_non_null(c->reason);
	al_arc_chain_free(c);
	free(msg);
}

/* Structure: a missing set, a duplicate, cv= wrong, i= out of range. */
static void structure_fails(void **state)
{
	size_t n;
	char *msg = slurp("arc2.eml", &n);
	static const struct {
		const char *from, *to;
		unsigned at;
		const char *words;
	} cases[] = {
		{"ARC-Seal: i=1;", "ARC-Seal: i=3;", 1, "no ARC-Seal"},
		{"ARC-Seal: i=1;", "ARC-Seal: i=2;", 2, "two ARC-Seal"},
		{"cv=none", "cv=pass", 1, "cv=none"},
		{"ARC-Authentication-Results: i=1;", "ARC-Authentication-Results: i=0;", 0, "i="},
		{"ARC-Seal: i=2; a=rsa-sha256; t=1796083200; cv=pass", "ARC-Seal: i=2; a=rsa-sha256; t=1796083200; cv=fail",
		 2, "cv=fail"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *copy = strdup(msg);
		char *p = strstr(copy, cases[i].from);
		assert_non_null(p);
		assert_int_equal(strlen(cases[i].from), strlen(cases[i].to));
		memcpy(p, cases[i].to, strlen(cases[i].to));
		al_arc_chain *c = validate_text(copy, n, ((env *)*state)->keys);
		assert_int_equal(c->cv, AL_ARC_FAIL);
		assert_int_equal(c->failed_instance, cases[i].at);
		if (strstr(c->reason, cases[i].words) == NULL)
			fail_msg("case %zu: \"%s\" has no \"%s\"", i, c->reason, cases[i].words);
		al_arc_chain_free(c);
		free(copy);
	}
	free(msg);
}

static void many_seals_bounded(void **state)
{
	/* 10,000 ARC-Seal fields: refused at the first duplicate, without verifying anything */
	size_t len = 10000 * 32 + 64;
	char *m = malloc(len);
	size_t k = 0;
	for (int i = 0; i < 10000; i++)
		k += (size_t)sprintf(m + k, "ARC-Seal: i=%d; b=A\r\n", i % 60 + 1);
	k += (size_t)sprintf(m + k, "\r\nbody\r\n");
	al_arc_chain *c = validate_text(m, k, ((env *)*state)->keys);
	assert_int_equal(c->cv, AL_ARC_FAIL);
	al_arc_chain_free(c);
	free(m);
	al_arc_chain_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_instances_pass),
		cmocka_unit_test(broken_at_instance_2),
		cmocka_unit_test(seal_tampered),
		cmocka_unit_test(no_arc_none),
		cmocka_unit_test(offline_not_checked),
		cmocka_unit_test(structure_fails),
		cmocka_unit_test(many_seals_bounded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
