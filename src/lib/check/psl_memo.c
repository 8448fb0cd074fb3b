/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Public Suffix List through the lint: each name's answer is kept in a
 * small direct-mapped table, as every domain's policy discovery, alignment
 * and report authorization ask about the same names (the same parents) again.
 * The answers are the list's alone (nothing of the zone or the DNS), so the
 * table lives as long as the lint. It starts with a few slots, so that a lint
 * of one record does not pay for (and fault in) the 200 KB of the full table;
 * once the small table has taken more names than twice its slots, the full
 * one replaces it (its answers are dropped: they are only a memo).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/dmarc_discovery.h>
#include <authlint/source.h>

#include "check/lint_context.h"
#include "dns/orgdomain.h"
#include "util/hash.h"

static psl_memo_slot *psl_slot(al_lint *lint, const char *domain)
{
	size_t length = domain != NULL ? strlen(domain) : 0;
	if (domain == NULL || length >= AL_LOOKUP_MEMO_NAME)
		return NULL;
	if (lint->psl_memo == NULL || (lint->psl_memo_slots < AL_PSL_MEMO_SLOTS &&
					 lint->psl_memo_misses > 2 * lint->psl_memo_slots)) {
		size_t n = lint->psl_memo == NULL ? AL_PSL_MEMO_FIRST_SLOTS : AL_PSL_MEMO_SLOTS;
		psl_memo_slot *table = calloc(n, sizeof(*table));
		if (table == NULL)
			return NULL;
		free(lint->psl_memo);
		lint->psl_memo = table;
		lint->psl_memo_slots = n;
		lint->psl_memo_misses = 0;
	}
	uint64_t h = al_hash_bytes(domain, length);
	psl_memo_slot *s = &lint->psl_memo[h & (lint->psl_memo_slots - 1)];
	if (s->hash != h || (s->org == 0 && s->suffix == 0 && s->as_is == 0) || strcmp(s->name, domain) != 0) {
		lint->psl_memo_misses++;
		memset(s, 0, offsetof(psl_memo_slot, name));
		s->hash = h;
		memcpy(s->name, domain, length + 1);
	}
	return s;
}

/* al_psl_suffix_as_is (libpsl's psl_is_public_suffix) through the memo: a
 * domain's parents (the "test" of every "dN.test") are asked again and again.
 * The caller has seen that there is a list. */
static bool suffix_as_is(al_lint *lint, const char *name)
{
	psl_memo_slot *s = psl_slot(lint, name);
	if (s != NULL && s->as_is != 0)
		return s->as_is > 0;
	bool yes = al_psl_suffix_as_is(lint->options.psl, name) > 0;
	if (s != NULL)
		s->as_is = yes ? 1 : -1;
	return yes;
}

/*
 * libpsl's psl_registrable_domain for a normalized name, with each name's
 * answer from the memo: libpsl asks is_public_suffix of the name, then of
 * each parent in turn, and answers the last name before the first public
 * suffix (NULL when the name is one). psl_is_public_suffix asks the same
 * is_public_suffix (its rule types, "any" there and 0 here, are tested only
 * against ICANN and PRIVATE alone, so both take every rule). From 0.21.2 on,
 * libpsl first cuts a name of more than nine labels to its last nine: such a
 * name, and one starting with a dot, is given to libpsl as it is.
 */
static const char *registrable(al_lint *lint, const char *norm)
{
	size_t dots = 0;
	for (const char *p = norm; *p != '\0'; p++)
		dots += *p == '.';
	if (norm[0] == '.' || dots >= 9)
		return al_psl_registrable(lint->options.psl, norm);
	const char *regdom = NULL, *d = norm;
	while (!suffix_as_is(lint, d)) {
		const char *p = strchr(d, '.');
		if (p == NULL)
			break;
		regdom = d;
		d = p + 1;
	}
	return regdom;
}

al_status al_lint_org_domain(al_lint *lint, const char *domain, char out[AL_NAME_MAX])
{
	psl_memo_slot *s = psl_slot(lint, domain);
	if (s != NULL && s->org != 0) {
		if (s->org < 0)
			return AL_EINVAL;
		memcpy(out, s->out, strlen(s->out) + 1);
		return AL_OK;
	}
	/* al_dmarc_psl_organizational_domain, the suffixes asked through the memo */
	al_status st = AL_OK;
	al_error err;
	char norm[AL_NAME_MAX];
	if (domain == NULL || al_name_normalize(domain, strlen(domain), norm, &err) != AL_OK ||
	    strcmp(norm, ".") == 0) {
		st = AL_EINVAL;
	} else {
		/* no list: no registrable domain, the name is its own */
		const char *reg = !al_psl_has_list(lint->options.psl) ? NULL : registrable(lint, norm);
		const char *org = reg != NULL ? reg : norm;
		memcpy(out, org, strlen(org) + 1);
	}
	/* the slot again: the suffixes' answers may have taken it (or a new table) */
	s = psl_slot(lint, domain);
	if (s != NULL) {
		size_t n = st == AL_OK ? strlen(out) : 0;
		if (st != AL_OK) {
			s->org = -1;
		} else if (n < AL_LOOKUP_MEMO_NAME) {
			memcpy(s->out, out, n + 1);
			s->org = 1;
		}
	}
	return st;
}

bool al_lint_public_suffix(al_lint *lint, const char *domain)
{
	psl_memo_slot *s = psl_slot(lint, domain);
	if (s != NULL && s->suffix != 0)
		return s->suffix > 0;
	/* al_dmarc_psl_is_public_suffix, the normalized name asked through the memo */
	al_error err;
	char norm[AL_NAME_MAX];
	bool yes = domain != NULL && al_psl_has_list(lint->options.psl) &&
		   al_name_normalize(domain, strlen(domain), norm, &err) == AL_OK && suffix_as_is(lint, norm);
	s = psl_slot(lint, domain); /* again: the normalized name's answer may have taken it */
	if (s != NULL)
		s->suffix = yes ? 1 : -1;
	return yes;
}

bool al_lint_same_organization(al_lint *lint, const char *a, const char *b)
{
	/* al_same_organization, with the organizational domains from the memo */
	char oa[AL_NAME_MAX], ob[AL_NAME_MAX];
	if (al_lint_org_domain(lint, a, oa) != AL_OK || al_lint_org_domain(lint, b, ob) != AL_OK)
		return al_name_equal(a, b);
	return al_name_equal(oa, ob);
}
