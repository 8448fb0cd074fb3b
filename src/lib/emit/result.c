/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One domain's result of a bulk check. */
#include <authlint/emit.h>
#include <authlint/live.h>

void al_emitter_result(al_emitter *em, const al_domain_result *r)
{
	if (em == NULL || r == NULL)
		return;
	for (size_t i = 0; i < r->diag_count; i++)
		al_emitter_diag(em, &r->diags[i]);
}
