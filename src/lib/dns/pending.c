/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TEMPORARY: the fixture backend (src/lib/dns/fixture.c, with the SPF work) replaces this file. */
#include <authlint/source.h>

al_status al_source_new_fixture_file(al_source **out, const char *path, al_error *err)
{
	*out = NULL;
	return al_error_set(err, AL_EUNSUPPORTED, "%s: fixtures are not supported yet", path);
}
