/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Domain names: normalisation, limits, comparison, wire form. */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

#include "dns/wire.h"

static al_status norm(const char *in, char out[AL_NAME_MAX])
{
	al_error err;
	return al_name_normalize(in, strlen(in), out, &err);
}

static void test_normalize(void **state)
{
	(void)state;
	char out[AL_NAME_MAX];
	assert_int_equal(norm("Example.COM.", out), AL_OK);
	assert_string_equal(out, "example.com");
	assert_int_equal(norm("_dmarc.example.com", out), AL_OK);
	assert_string_equal(out, "_dmarc.example.com");
	assert_int_equal(norm(".", out), AL_OK);
	assert_string_equal(out, ".");
	assert_int_equal(norm("a\\.b.example", out), AL_OK);
	assert_string_equal(out, "a\\046b.example");
	assert_int_equal(norm("sp\\032ace.example", out), AL_OK);
	assert_string_equal(out, "sp\\032ace.example");
	assert_int_equal(norm("a..b", out), AL_EINVAL);
	assert_int_equal(norm("", out), AL_OK);
	/* 63 octets is the longest label */
	char label[80];
	memset(label, 'a', 63);
	strcpy(label + 63, ".example");
	assert_int_equal(norm(label, out), AL_OK);
	memset(label, 'a', 64);
	strcpy(label + 64, ".example");
	assert_int_equal(norm(label, out), AL_EINVAL);
	/* 255 octets in wire form is the longest name */
	char name[400] = "";
	for (int i = 0; i < 4; i++)
		strcat(name, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.");
	name[strlen(name) - 1] = '\0'; /* 4 x 63 + 3 dots = 255 chars, wire 257 */
	assert_int_equal(norm(name, out), AL_EINVAL);
	name[strlen(name) - 2] = '\0'; /* wire 255 */
	assert_int_equal(norm(name, out), AL_OK);
}

static void test_compare(void **state)
{
	(void)state;
	assert_true(al_name_equal("Example.com", "example.COM."));
	assert_false(al_name_equal("example.com", "example.org"));
	assert_true(al_name_is_subdomain("a.b.example.com", "example.com"));
	assert_true(al_name_is_subdomain("example.com", "example.com"));
	assert_false(al_name_is_subdomain("badexample.com", "example.com"));
	assert_true(al_name_is_subdomain("example.com", "."));
	assert_int_equal(al_name_label_count("a.b.example.com"), 4);
	assert_int_equal(al_name_label_count("."), 0);
}

static void test_wire(void **state)
{
	(void)state;
	uint8_t wire[255];
	const char *why;
	size_t n = al_name_to_wire("mail.Example.com.", 17, wire, &why);
	assert_int_equal(n, 18);
	char back[AL_NAME_MAX];
	size_t consumed = 0;
	assert_true(al_wire_name_to_text(wire, n, 0, back, &consumed));
	assert_string_equal(back, "mail.example.com");
	assert_int_equal(consumed, n);
	/* malformed: a label running past the data, a compression pointer */
	const uint8_t bad1[] = {5, 'a', 'b'};
	assert_false(al_wire_name_to_text(bad1, sizeof(bad1), 0, back, NULL));
	const uint8_t bad2[] = {0xc0, 0x0c};
	assert_false(al_wire_name_to_text(bad2, sizeof(bad2), 0, back, NULL));
	const uint8_t bin[] = {3, 'a', 0, 0x1b, 0};
	assert_true(al_wire_name_to_text(bin, sizeof(bin), 0, back, NULL));
	assert_string_equal(back, "a\\000\\027");
	/* every byte value in a label: upper case lowered; space and below, DEL and
	 * above, and . \ " ( ) ; @ $ as \DDD; the rest as it is */
	for (unsigned b = 0; b < 256; b++) {
		const uint8_t one[] = {2, (uint8_t)b, 'x', 0};
		char want[16];
		if (b >= 'A' && b <= 'Z')
			snprintf(want, sizeof(want), "%cx", (char)(b + 32));
		else if (b > 0x20 && b < 0x7f && strchr(".\\\"();@$", (int)b) == NULL)
			snprintf(want, sizeof(want), "%cx", (char)b);
		else
			snprintf(want, sizeof(want), "\\%03ux", b);
		assert_true(al_wire_name_to_text(one, sizeof(one), 0, back, NULL));
		assert_string_equal(back, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_wire),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
