/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A propagation result as one JSON document (schema "authlint/propagation") or JSON Lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/version.h>

#include "emit/emit_internal.h"
#include "propagation/prop_internal.h"
#include "propagation/write_internal.h"
#include "util/escape.h"
#include "util/json.h"

/* ---- JSON ---------------------------------------------------------------------- */

void al_propw_json_time(al_json *j, const char *key, int64_t t)
{
	al_strbuf sb = AL_STRBUF_INIT;
	al_prop_format_time(&sb, t);
	al_json_kv_string(j, key, al_strbuf_cstr(&sb));
	al_strbuf_free(&sb);
}

static void json_label(al_json *j, const char *key, const al_prop_name *n, int answer)
{
	al_json_key(j, key);
	if (answer >= 0 && (size_t)answer < n->answer_count) {
		char l[2] = {n->answers[answer].label, '\0'};
		al_json_string(j, l);
	} else {
		al_json_null(j);
	}
}

static void json_name(al_json *j, const al_prop_domain *d, const al_prop_name *n)
{
	char tbuf[16];
	al_json_kv_string(j, "name", n->name);
	al_json_kv_string(j, "rrtype", al_rrtype_name(n->type, tbuf));
	al_json_kv_string(j, "purpose", n->purpose);
	al_json_kv_string(j, "zone", n->zone);
	al_json_kv_string(j, "verdict", al_prop_verdict_name(n->verdict));
	al_json_kv_bool(j, "incomplete", n->incomplete);
	al_json_kv_bool(j, "created", n->created);
	json_label(j, "authoritative_answer", n, n->authoritative_answer);
	al_json_key(j, "answers");
	al_json_begin_array(j);
	for (size_t g = 0; g < n->answer_count; g++) {
		const al_prop_answer *a = &n->answers[g];
		al_json_begin_object(j);
		json_label(j, "label", n, (int)g);
		al_json_kv_string(j, "status", al_prop_status_name(a->status));
		al_json_key(j, "records");
		al_json_begin_array(j);
		for (size_t i = 0; i < a->record_count; i++)
			al_json_string(j, a->records[i]);
		al_json_end_array(j);
		al_json_kv_uint(j, "authoritative", a->authoritative);
		al_json_kv_uint(j, "resolvers", a->resolvers);
		al_json_kv_uint(j, "ttl_min", a->ttl_min);
		al_json_kv_uint(j, "ttl_max", a->ttl_max);
		al_json_key(j, "serial");
		if (a->has_serial)
			al_json_uint(j, a->serial);
		else
			al_json_null(j);
		al_json_kv_bool(j, "expected", a->expected);
		al_json_end_object(j);
	}
	al_json_end_array(j);
	al_json_key(j, "replies");
	al_json_begin_array(j);
	for (size_t s = 0; s < n->reply_count; s++) {
		const al_prop_reply *r = &n->replies[s];
		if (!al_propw_row_shown(d, n, s))
			continue;
		al_json_begin_object(j);
		al_json_kv_uint(j, "server", r->server);
		al_json_kv_string(j, "address", d->servers[s].address);
		al_json_kv_string(j, "status", al_prop_status_name(r->status));
		json_label(j, "answer", n, r->answer);
		al_json_key(j, "ttl");
		if (r->ttl_known)
			al_json_uint(j, r->ttl);
		else
			al_json_null(j);
		al_json_kv_string(j, "detail", r->detail);
		al_json_kv_bool(j, "tcp", r->tcp);
		al_json_kv_bool(j, "truncated", r->truncated);
		al_json_end_object(j);
	}
	al_json_end_array(j);
	al_json_key(j, "settle");
	al_json_begin_object(j);
	al_json_kv_bool(j, "settled", n->settled);
	al_json_kv_bool(j, "known", n->settle_known);
	if (n->settle_known) {
		al_propw_json_time(j, "at", n->settle_at);
		al_json_kv_uint(j, "in", n->settle_in);
	} else {
		al_json_key(j, "at");
		al_json_null(j);
		al_json_key(j, "in");
		al_json_null(j);
	}
	al_json_kv_uint(j, "after_update", n->after_update);
	al_json_end_object(j);
	al_json_key(j, "expect");
	if (n->expect_known) {
		al_json_begin_object(j);
		al_json_kv_string(j, "records", n->expect_text);
		json_label(j, "answer", n, n->expect_answer);
		al_json_kv_string(j, "file", n->expect_location.file);
		al_json_kv_uint(j, "line", n->expect_location.line);
		al_json_key(j, "serving");
		al_json_begin_array(j);
		for (size_t s = 0; s < n->reply_count; s++)
			if (n->expect_answer >= 0 && n->replies[s].answer == n->expect_answer &&
			    d->servers[s].role == AL_PROP_AUTHORITATIVE)
				al_json_string(j, d->servers[s].address);
		al_json_end_array(j);
		al_json_key(j, "not_serving");
		al_json_begin_array(j);
		for (size_t s = 0; s < n->reply_count; s++)
			if (n->replies[s].answer >= 0 && n->replies[s].answer != n->expect_answer &&
			    d->servers[s].role == AL_PROP_AUTHORITATIVE)
				al_json_string(j, d->servers[s].address);
		al_json_end_array(j);
		al_json_end_object(j);
	} else {
		al_json_null(j);
	}
}

static void json_domain(al_json *j, const al_prop_domain *d, bool with_names)
{
	al_json_kv_string(j, "domain", d->domain);
	al_json_kv_string(j, "zone", d->zone);
	al_json_kv_string(j, "verdict", al_prop_verdict_name(d->verdict));
	al_json_kv_bool(j, "incomplete", d->incomplete);
	al_json_key(j, "newest_serial");
	if (d->serial_known)
		al_json_uint(j, d->newest_serial);
	else
		al_json_null(j);
	al_json_kv_bool(j, "serials_unordered", d->serials_unordered);
	al_json_key(j, "settle");
	al_json_begin_object(j);
	al_json_kv_bool(j, "known", d->settle_known);
	if (d->settle_known) {
		al_propw_json_time(j, "at", d->settle_at);
		al_json_kv_uint(j, "in", d->settle_in);
	}
	al_json_end_object(j);
	al_json_key(j, "problems");
	al_json_begin_array(j);
	for (size_t i = 0; i < d->problem_count; i++)
		al_json_string(j, d->problems[i]);
	al_json_end_array(j);
	al_json_key(j, "notes");
	al_json_begin_array(j);
	for (size_t i = 0; i < d->note_count; i++)
		al_json_string(j, d->notes[i]);
	al_json_end_array(j);
	al_json_key(j, "servers");
	al_json_begin_array(j);
	for (size_t s = 0; s < d->server_count; s++) {
		const al_prop_server *sv = &d->servers[s];
		al_json_begin_object(j);
		al_json_kv_string(j, "name", sv->name);
		al_json_kv_string(j, "address", sv->address);
		al_json_kv_string(j, "role", sv->role == AL_PROP_AUTHORITATIVE ? "authoritative" : "resolver");
		al_json_kv_string(j, "zone", sv->zone);
		al_json_kv_bool(j, "manual", sv->manual);
		al_json_kv_bool(j, "skipped", sv->skipped);
		al_json_kv_string(j, "skip_reason", sv->skip_reason);
		al_json_kv_bool(j, "lame", sv->lame);
		al_json_kv_bool(j, "failed", sv->failed);
		al_json_kv_string(j, "problem", sv->problem);
		static const char *const states[] = {NULL, "newest", "behind", "unordered"};
		al_json_key(j, "serial");
		if (sv->serial_state != AL_PROP_SERIAL_NONE)
			al_json_uint(j, sv->serial);
		else
			al_json_null(j);
		al_json_kv_string(j, "serial_state", states[sv->serial_state]);
		al_json_kv_uint(j, "behind_by", sv->behind_by);
		al_json_end_object(j);
	}
	al_json_end_array(j);
	if (!with_names)
		return;
	al_json_key(j, "names");
	al_json_begin_array(j);
	for (size_t k = 0; k < d->name_count; k++) {
		al_json_begin_object(j);
		json_name(j, d, &d->names[k]);
		al_json_end_object(j);
	}
	al_json_end_array(j);
}

static void json_run(al_json *j, const al_prop_result *r, int exit_code)
{
	al_json_kv_uint(j, "round", r->round);
	al_propw_json_time(j, "time", r->time);
	al_json_key(j, "elapsed");
	al_json_double(j, r->elapsed);
	al_json_kv_uint(j, "queries", r->queries);
	al_json_kv_uint(j, "failed", r->failed);
	al_json_kv_string(j, "verdict", al_prop_verdict_name(r->verdict));
	al_json_kv_bool(j, "incomplete", r->incomplete);
	al_json_kv_int(j, "exit_code", exit_code);
}

void al_propw_write_json(writer *w, const al_prop_result *r, int exit_code)
{
	al_json j;
	al_json_init(&j, &w->buf, true);
	al_json_begin_object(&j);
	al_json_kv_string(&j, "schema", PROP_SCHEMA);
	al_json_kv_int(&j, "version", PROP_SCHEMA_VERSION);
	al_emit_json_tool(&j);
	json_run(&j, r, exit_code);
	al_json_key(&j, "domains");
	al_json_begin_array(&j);
	for (size_t i = 0; i < r->domain_count; i++) {
		al_json_begin_object(&j);
		json_domain(&j, &r->domains[i], true);
		al_json_end_object(&j);
		al_propw_flush(w);
	}
	al_json_end_array(&j);
	al_json_key(&j, "findings");
	al_json_begin_array(&j);
	for (size_t i = 0; i < al_findings_count(r->findings); i++) {
		al_json_begin_object(&j);
		al_emit_json_finding(&j, al_findings_at(r->findings, i));
		al_json_end_object(&j);
	}
	al_json_end_array(&j);
	al_json_key(&j, "summary");
	al_json_begin_object(&j);
	al_emit_json_summary(&j, al_findings_summary(r->findings));
	al_json_end_object(&j);
	al_json_end_object(&j);
	al_strbuf_putc(&w->buf, '\n');
	al_propw_flush(w);
}

void al_propw_write_jsonl(writer *w, const al_prop_result *r, int exit_code)
{
	al_json j;
	for (size_t i = 0; i < r->domain_count; i++) {
		const al_prop_domain *d = &r->domains[i];
		al_json_init(&j, &w->buf, false);
		al_json_begin_object(&j);
		al_json_kv_string(&j, "type", "domain");
		json_domain(&j, d, false);
		al_json_end_object(&j);
		al_strbuf_putc(&w->buf, '\n');
		al_propw_flush(w);
		for (size_t k = 0; k < d->name_count; k++) {
			al_json_init(&j, &w->buf, false);
			al_json_begin_object(&j);
			al_json_kv_string(&j, "type", "name");
			al_json_kv_string(&j, "domain", d->domain);
			json_name(&j, d, &d->names[k]);
			al_json_end_object(&j);
			al_strbuf_putc(&w->buf, '\n');
			al_propw_flush(w);
		}
	}
	for (size_t i = 0; i < al_findings_count(r->findings); i++) {
		al_json_init(&j, &w->buf, false);
		al_json_begin_object(&j);
		al_json_kv_string(&j, "type", "finding");
		al_emit_json_finding(&j, al_findings_at(r->findings, i));
		al_json_end_object(&j);
		al_strbuf_putc(&w->buf, '\n');
		al_propw_flush(w);
	}
	al_json_init(&j, &w->buf, false);
	al_json_begin_object(&j);
	al_json_kv_string(&j, "type", "summary");
	al_json_kv_string(&j, "schema", PROP_SCHEMA);
	al_json_kv_int(&j, "version", PROP_SCHEMA_VERSION);
	al_emit_json_tool(&j);
	json_run(&j, r, exit_code);
	al_emit_json_summary(&j, al_findings_summary(r->findings));
	al_json_end_object(&j);
	al_strbuf_putc(&w->buf, '\n');
	al_propw_flush(w);
}
