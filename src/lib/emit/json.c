/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * json: one document, schema "authlint/findings" version 1 (doc/json-schema.md).
 * jsonl: one finding object per line, then a summary line.
 * Both stream: each finding is written to the sink as it comes.
 */
#include <stdlib.h>
#include <string.h>

#include <authlint/bulk.h>

#include "emit/emit_internal.h"

#define FINDINGS_SCHEMA "authlint/findings"
#define FINDINGS_VERSION 1

static al_status json_init(al_emitter *em)
{
	al_json *j = malloc(sizeof(*j));
	if (j == NULL)
		return AL_ENOMEM;
	al_json_init(j, &em->buf, em->format == AL_FORMAT_JSON);
	em->state = j;
	return AL_OK;
}

static void json_destroy(al_emitter *em)
{
	free(em->state);
	em->state = NULL;
}

static void header(al_emitter *em, al_json *j)
{
	al_json_kv_string(j, "schema", FINDINGS_SCHEMA);
	al_json_kv_int(j, "version", FINDINGS_VERSION);
	al_emit_json_tool(j);
	al_emit_json_inputs(j, &em->options);
}

static void json_begin(al_emitter *em)
{
	al_json *j = em->state;
	al_json_begin_object(j);
	header(em, j);
	al_json_key(j, "findings");
	al_json_begin_array(j);
	al_emit_flush(em);
}

static void json_diag(al_emitter *em, const al_diag *d)
{
	al_json *j = em->state;
	al_json_begin_object(j);
	al_emit_json_finding_memo(j, d, &em->fixes);
	al_json_end_object(j);
	al_emit_flush(em);
}

static void json_end(al_emitter *em, const al_summary *s, int exit_code)
{
	al_json *j = em->state;
	al_json_end_array(j);
	al_json_key(j, "summary");
	al_json_begin_object(j);
	al_emit_json_summary(j, s);
	al_json_end_object(j);
	al_json_kv_int(j, "exit_code", exit_code);
	al_json_end_object(j);
	al_strbuf_putc(&em->buf, '\n');
	al_emit_flush(em);
}

const al_emitter_ops al_emit_json_ops = {
	.init = json_init,
	.begin = json_begin,
	.diag = json_diag,
	.end = json_end,
	.destroy = json_destroy,
};

/* ---- jsonl --------------------------------------------------------------- */

static void jsonl_diag(al_emitter *em, const al_diag *d)
{
	al_emit_jsonl_finding(&em->buf, d, &em->fixes, &em->files);
	al_emit_flush(em);
}

static void inventory_dmarc(al_json *j, const char *key, const al_inventory_dmarc *d)
{
	al_json_key(j, key);
	al_json_begin_object(j);
	al_json_kv_string(j, "found", d->found);
	al_json_kv_string(j, "record", d->record_name);
	al_json_kv_string(j, "policy", d->policy);
	al_json_kv_string(j, "applied", d->applied);
	al_json_key(j, "percent");
	if (d->policy != NULL)
		al_json_uint(j, d->percent);
	else
		al_json_null(j);
	al_json_end_object(j);
}

/* What the domain has, for fleet queries: see al_domain_inventory. */
static void inventory(al_json *j, const al_domain_inventory *inv)
{
	al_json_key(j, "spf");
	al_json_begin_object(j);
	al_json_kv_string(j, "state", inv->spf_state);
	al_json_kv_string(j, "record", inv->spf_record);
	al_json_kv_uint(j, "lookups", inv->spf_lookups);
	al_json_kv_bool(j, "lookups_at_least", inv->spf_lookups_lower_bound);
	al_json_kv_uint(j, "void_lookups", inv->spf_void_lookups);
	al_json_kv_string(j, "result", inv->spf_result);
	al_json_end_object(j);
	al_json_key(j, "dmarc");
	al_json_begin_object(j);
	inventory_dmarc(j, "rfc9989", &inv->dmarc_rfc9989);
	inventory_dmarc(j, "rfc7489", &inv->dmarc_rfc7489);
	al_json_end_object(j);
	al_json_key(j, "dkim");
	al_json_begin_object(j);
	al_json_kv_string(j, "selectors_from", inv->dkim_source);
	al_json_kv_uint(j, "selectors_asked", inv->dkim_selectors_asked);
	if (inv->dkim_source != NULL && strcmp(inv->dkim_source, "discovered") == 0)
		al_json_kv_uint(j, "not_probed", inv->dkim_not_probed);
	al_json_kv_uint(j, "keys", inv->dkim_keys);
	al_json_kv_uint(j, "lookups_failed", inv->dkim_failed);
	al_json_key(j, "usable");
	al_json_begin_array(j);
	for (size_t i = 0; i < inv->dkim_usable_count; i++)
		al_json_string(j, inv->dkim_usable[i]);
	al_json_end_array(j);
	al_json_end_object(j);
}

/* One domain of a bulk check on one line: a consumer reading a stream cut
 * short has every domain it holds complete. */
static void jsonl_result(al_emitter *em, const al_domain_result *r)
{
	al_json *j = em->state;
	al_json_init(j, &em->buf, false);
	al_json_begin_object(j);
	al_json_kv_string(j, "type", "domain");
	al_json_kv_string(j, "domain", r->domain);
	al_json_kv_uint(j, "index", r->index);
	if (r->inventory != NULL)
		inventory(j, r->inventory);
	al_json_key(j, "findings");
	al_json_begin_array(j);
	for (size_t i = 0; i < r->diag_count; i++) {
		const al_diag *d = &r->diags[i];
		if (d->rule == NULL) {
			if (em->status == AL_OK)
				em->status = AL_EINVAL;
			continue;
		}
		al_diag copy;
		if (d->message == NULL) {
			copy = *d;
			copy.message = "";
			d = &copy;
		}
		al_json_begin_object(j);
		al_emit_json_finding_memo(j, d, &em->fixes);
		al_json_end_object(j);
	}
	al_json_end_array(j);
	al_json_key(j, "summary");
	al_json_begin_object(j);
	al_emit_json_summary(j, &r->summary);
	al_json_end_object(j);
	al_json_kv_bool(j, "incomplete", r->incomplete);
	al_json_kv_string(j, "budget", r->budget);
	al_json_kv_uint(j, "questions", r->questions);
	al_json_kv_uint(j, "passes", r->passes);
	al_json_key(j, "elapsed");
	al_json_double(j, r->elapsed);
	al_json_end_object(j);
	al_strbuf_putc(&em->buf, '\n');
	al_emit_flush(em);
}

static void jsonl_end(al_emitter *em, const al_summary *s, int exit_code)
{
	al_json *j = em->state;
	al_json_init(j, &em->buf, false);
	al_json_begin_object(j);
	al_json_kv_string(j, "type", "summary");
	header(em, j);
	al_emit_json_summary(j, s);
	al_json_kv_int(j, "exit_code", exit_code);
	al_json_end_object(j);
	al_strbuf_putc(&em->buf, '\n');
	al_emit_flush(em);
}

const al_emitter_ops al_emit_jsonl_ops = {
	.init = json_init,
	.diag = jsonl_diag,
	.result = jsonl_result,
	.end = jsonl_end,
	.destroy = json_destroy,
};
