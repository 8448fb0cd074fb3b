/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Subjects (a record under check: its strings joined) and the roles of owner
 * names.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/lint_context.h"
#include "dns/txt.h"
#include "util/arena.h"

/* ---- subjects ------------------------------------------------------------ */

bool al_subject_from_rr(al_lint *lint, al_subject *s, const al_rr *rr, al_kind kind)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->owner = rr->owner;
	s->rrtype = rr->type;
	s->rr = rr;
	s->location = rr->location;
	s->zone = lint->zone;
	if (rr == lint->pasted_rr) {
		s->source_lines = lint->pasted_lines;
		s->source_columns = lint->pasted_columns;
	}
	/* join the character-strings (the whole ones: a cut string ends the text) */
	size_t count = 0, total = 0;
	al_txt_measure(rr->rdata, rr->rdlength, &count, &total, NULL);
	char *text = al_arena_alloc(&lint->unit_arena, total + 1);
	size_t *ends = al_arena_alloc(&lint->unit_arena, (count ? count : 1) * sizeof(size_t));
	if (text == NULL || ends == NULL)
		return false;
	size_t pos = al_txt_copy(rr->rdata, rr->rdlength, text, total, ends);
	text[pos] = '\0';
	s->text = text;
	s->length = pos;
	s->string_ends = ends;
	s->string_count = count;
	return true;
}

/* Role of a name: DMARC when its first label is _dmarc, DKIM when a later
 * label is _domainkey, NONE for an external report authorization
 * (<domain>._report._dmarc.<destination>, RFC 7489 7.1), else SPF. Fills
 * domain (for an authorization: the destination) and selector. */
al_kind al_lint_name_role(al_lint *l, const char *name, const char **domain, const char **selector)
{
	*selector = NULL;
	*domain = name;
	/* strcasestr(name, "._report._dmarc."), looked for at each dot only (every
	 * name of a zone comes here; the general search is slow on short names) */
	const char *auth = NULL;
	for (const char *dot = strchr(name, '.'); dot != NULL; dot = strchr(dot + 1, '.')) {
		if (dot[1] == '_' && strncasecmp(dot, "._report._dmarc.", 16) == 0) {
			auth = dot;
			break;
		}
	}
	if (auth != NULL || strncasecmp(name, "_report._dmarc.", 15) == 0) {
		*domain = auth != NULL ? auth + 16 : name + 15;
		return AL_KIND_NONE;
	}
	if (strncasecmp(name, "_dmarc.", 7) == 0) {
		*domain = name + 7;
		return AL_KIND_DMARC;
	}
	size_t selector_length;
	const char *after;
	if (al_dkim_name_split(name, &selector_length, &after)) {
		*selector = al_arena_strndup(&l->unit_arena, name, selector_length);
		*domain = *after != '\0' ? after : ".";
		return AL_KIND_DKIM;
	}
	return AL_KIND_SPF;
}
