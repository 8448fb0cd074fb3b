/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One domain's result of a bulk check: jsonl writes it as one line, the
 * other formats write its findings one by one. */
#include <authlint/emit.h>
#include <authlint/bulk.h>

#include "emit/emit_internal.h"

void al_emitter_result(al_emitter *em, const al_domain_result *r)
{
	if (em == NULL || r == NULL)
		return;
	if (em->ops->result == NULL) {
		for (size_t i = 0; i < r->diag_count; i++)
			al_emitter_diag(em, &r->diags[i]);
		return;
	}
	if (em->ended) {
		if (em->status == AL_OK)
			em->status = AL_EINVAL;
		return;
	}
	al_emitter_begin(em);
	em->ops->result(em, r);
	em->count += r->diag_count;
}
