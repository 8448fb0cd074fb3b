/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What changed between two rounds of a propagation watch, as text or JSON Lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/version.h>

#include "emit/emit_internal.h"
#include "propagation/prop_internal.h"
#include "propagation/write_internal.h"
#include "util/escape.h"
#include "util/json.h"

/* ---- changes between rounds ---------------------------------------------------------- */

static const al_prop_domain *find_domain(const al_prop_result *r, const char *domain)
{
	for (size_t i = 0; i < r->domain_count; i++)
		if (strcmp(r->domains[i].domain, domain) == 0)
			return &r->domains[i];
	return NULL;
}

static const al_prop_name *find_name(const al_prop_domain *d, const al_prop_name *n)
{
	for (size_t k = 0; d != NULL && k < d->name_count; k++)
		if (d->names[k].type == n->type && strcmp(d->names[k].name, n->name) == 0)
			return &d->names[k];
	return NULL;
}

/* What a server answers, as one short text. */
static void reply_text(al_strbuf *out, const al_prop_name *n, size_t s)
{
	if (s >= n->reply_count) {
		al_strbuf_puts(out, "(not asked)");
		return;
	}
	const al_prop_reply *r = &n->replies[s];
	if (r->answer < 0) {
		al_strbuf_puts(out, al_prop_status_name(r->status));
		return;
	}
	const al_prop_answer *a = &n->answers[r->answer];
	if (a->status != AL_PROP_ANSWER) {
		al_strbuf_puts(out, a->status == AL_PROP_NXDOMAIN ? "NXDOMAIN" : "NODATA");
		return;
	}
	for (size_t i = 0; i < a->record_count; i++) {
		if (i > 0)
			al_strbuf_puts(out, " | ");
		al_strbuf_puts(out, a->records[i]);
	}
}

static size_t server_in(const al_prop_domain *d, const al_prop_server *s)
{
	for (size_t i = 0; i < d->server_count; i++)
		if (strcmp(d->servers[i].address, s->address) == 0 && d->servers[i].role == s->role)
			return i;
	return SIZE_MAX;
}

static void change(writer *w, al_format format, const al_prop_result *after, const char *domain,
		   const char *name, const char *type, const char *server, const char *what, const char *from,
		   const char *to)
{
	if (format == AL_FORMAT_JSONL) {
		al_json j;
		al_json_init(&j, &w->buf, false);
		al_json_begin_object(&j);
		al_json_kv_string(&j, "type", "change");
		al_json_kv_uint(&j, "round", after->round);
		al_propw_json_time(&j, "time", after->time);
		al_json_kv_string(&j, "domain", domain);
		al_json_kv_string(&j, "name", name);
		al_json_kv_string(&j, "rrtype", type);
		al_json_kv_string(&j, "server", server);
		al_json_kv_string(&j, "what", what);
		al_json_kv_string(&j, "from", from);
		al_json_kv_string(&j, "to", to);
		al_json_end_object(&j);
		al_strbuf_putc(&w->buf, '\n');
	} else {
		al_strbuf *b = &w->buf;
		al_strbuf_printf(b, "round %u ", after->round);
		al_prop_format_time(b, after->time);
		al_strbuf_puts(b, ": ");
		al_propw_escaped(b, name ? name : domain);
		if (type != NULL)
			al_strbuf_printf(b, " %s", type);
		if (server != NULL) {
			al_strbuf_puts(b, " @");
			al_propw_escaped(b, server);
		}
		al_strbuf_printf(b, " %s: ", what);
		al_propw_escaped(b, from);
		al_strbuf_puts(b, " -> ");
		al_propw_escaped(b, to);
		al_strbuf_putc(b, '\n');
	}
	al_propw_flush(w);
}

al_status al_prop_write_changes(const al_prop_result *before, const al_prop_result *after, al_format format,
				al_sink sink, const al_prop_write_options *o)
{
	if (after == NULL || sink.write == NULL)
		return AL_EINVAL;
	if (before == NULL || (format != AL_FORMAT_TEXT && format != AL_FORMAT_JSONL))
		return AL_OK;
	writer w = {0};
	w.sink = sink;
	w.options = o;
	al_strbuf_init(&w.buf);
	al_strbuf from = AL_STRBUF_INIT, to = AL_STRBUF_INIT;
	size_t changes = 0;
	for (size_t i = 0; i < after->domain_count; i++) {
		const al_prop_domain *d = &after->domains[i];
		const al_prop_domain *pd = find_domain(before, d->domain);
		if (pd == NULL)
			continue;
		for (size_t k = 0; k < d->name_count; k++) {
			const al_prop_name *n = &d->names[k];
			const al_prop_name *pn = find_name(pd, n);
			char tbuf[16];
			const char *type = al_rrtype_name(n->type, tbuf);
			if (pn == NULL) {
				change(&w, format, after, d->domain, n->name, type, NULL, "asked", "-",
				       al_prop_verdict_name(n->verdict));
				changes++;
				continue;
			}
			for (size_t s = 0; s < d->server_count; s++) {
				if (!al_propw_row_shown(d, n, s))
					continue;
				size_t ps = server_in(pd, &d->servers[s]);
				al_strbuf_reset(&from);
				al_strbuf_reset(&to);
				if (ps == SIZE_MAX)
					al_strbuf_puts(&from, "(not asked)");
				else
					reply_text(&from, pn, ps);
				reply_text(&to, n, s);
				if (strcmp(al_strbuf_cstr(&from), al_strbuf_cstr(&to)) != 0) {
					change(&w, format, after, d->domain, n->name, type, d->servers[s].address,
					       "answer", al_strbuf_cstr(&from), al_strbuf_cstr(&to));
					changes++;
				}
			}
			if (pn->verdict != n->verdict) {
				change(&w, format, after, d->domain, n->name, type, NULL, "verdict",
				       al_prop_verdict_name(pn->verdict), al_prop_verdict_name(n->verdict));
				changes++;
			}
		}
		for (size_t s = 0; s < d->server_count; s++) {
			const al_prop_server *sv = &d->servers[s];
			size_t ps = server_in(pd, sv);
			if (ps == SIZE_MAX || sv->serial_state == AL_PROP_SERIAL_NONE)
				continue;
			const al_prop_server *old = &pd->servers[ps];
			if (old->serial_state != AL_PROP_SERIAL_NONE && old->serial != sv->serial) {
				char a[16], b2[16];
				snprintf(a, sizeof(a), "%u", (unsigned)old->serial);
				snprintf(b2, sizeof(b2), "%u", (unsigned)sv->serial);
				change(&w, format, after, d->domain, d->zone, "SOA", sv->address, "serial", a, b2);
				changes++;
			}
		}
	}
	if (changes == 0 && format == AL_FORMAT_TEXT) {
		al_strbuf_printf(&w.buf, "round %u ", after->round);
		al_prop_format_time(&w.buf, after->time);
		al_strbuf_printf(&w.buf, ": no change (%s)\n", al_prop_verdict_name(after->verdict));
		al_propw_flush(&w);
	}
	al_strbuf_free(&from);
	al_strbuf_free(&to);
	al_strbuf_free(&w.buf);
	return w.status;
}
