/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The OpenSPF RFC 7208 suite through check_host(): prints every failure, a
 * warning for an acceptable result that is not the preferred one, and
 * "N passed, N failed". Fails unless every test passes with the preferred
 * result. Argument: the suite file (default: tests/spf/rfc7208-tests.yml under
 * AUTHLINT_SOURCE_ROOT).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/spf_eval.h>

static void report(void *userdata, const al_spf_suite_case *c)
{
	(void)userdata;
	if (!c->passed) {
		printf("FAIL %s (%s, RFC 7208 %s): %s\n", c->id, c->scenario, c->spec ? c->spec : "-",
		       c->why ? c->why : "?");
		if (c->outcome != NULL && c->outcome->reason != NULL)
			printf("     reason: %s\n", c->outcome->reason);
	} else if (!c->preferred) {
		printf("WARN %s: %s preferred to %s\n", c->id, c->expected[0],
		       al_spf_result_name(c->outcome->result));
	}
}

int main(int argc, char **argv)
{
	char path[4096];
	if (argc > 1) {
		snprintf(path, sizeof(path), "%s", argv[1]);
	} else {
		const char *root = getenv("AUTHLINT_SOURCE_ROOT");
		snprintf(path, sizeof(path), "%s/tests/spf/rfc7208-tests.yml", root ? root : ".");
	}
	al_spf_suite_totals totals;
	al_error err = {0};
	if (al_spf_suite_run(path, argc > 2 ? argv[2] : NULL, false, report, NULL, &totals, &err) != AL_OK) {
		fprintf(stderr, "%s\n", err.message);
		return 1;
	}
	printf("%zu passed, %zu failed (%zu not the preferred result)\n", totals.passed, totals.failed,
	       totals.not_preferred);
	return totals.failed == 0 && totals.not_preferred == 0 && totals.passed > 0 ? 0 : 1;
}
