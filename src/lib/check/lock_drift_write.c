/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writing the drift of a lock (lock --check) as text or JSON. Names, services,
 * server descriptions and finding messages go through the display escaping.
 */
#include <stdio.h>
#include <string.h>

#include <authlint/lock.h>

#include "util/escape.h"
#include "util/json.h"
#include "util/strbuf.h"

static void put(al_strbuf *sb, const char *text)
{
	if (text != NULL)
		al_escape_display(sb, text, strlen(text));
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

static void spf_text(al_strbuf *sb, const al_lock_drift_spf *s)
{
	if (s->target == NULL) {
		put(sb, s->name);
		al_strbuf_printf(sb, " needs %zu lookup%s (%zu void) instead of %zu (%zu void)%s\n", s->needs_now,
				 plural(s->needs_now), s->voids_now, s->needs_locked, s->voids_locked,
				 s->needs_now > 10 ? ", permerror" : "");
		return;
	}
	put(sb, s->service != NULL ? s->service : s->target);
	al_strbuf_printf(sb, "'s %s ", s->redirect ? "redirect" : "include");
	if (s->held) {
		al_strbuf_printf(sb, "now costs %zu lookup%s instead of %zu: ", s->cost_now, plural(s->cost_now),
				 s->cost_locked);
	} else {
		al_strbuf_puts(sb, "(");
		put(sb, s->target);
		al_strbuf_printf(sb, ") is not in the lock; it costs %zu lookup%s now: ", s->cost_now,
				 plural(s->cost_now));
	}
	put(sb, s->name);
	al_strbuf_printf(sb, " needs %zu%s", s->needs_now, s->needs_now > 10 ? ", permerror" : "");
	if (s->needs_now != s->needs_locked)
		al_strbuf_printf(sb, " (%zu with the lock)", s->needs_locked);
	al_strbuf_putc(sb, '\n');
}

static void questions_text(al_strbuf *sb, const char *prefix, const al_lock_question *q, size_t n, bool rcode)
{
	char tbuf[16];
	for (size_t i = 0; i < n; i++) {
		al_strbuf_puts(sb, prefix);
		put(sb, q[i].name);
		al_strbuf_printf(sb, " %s", al_rrtype_name(q[i].type, tbuf));
		if (rcode)
			al_strbuf_printf(sb, ": %s", al_rcode_name(q[i].rcode));
		if (rcode && q[i].detail != NULL) {
			al_strbuf_puts(sb, " (");
			put(sb, q[i].detail);
			al_strbuf_puts(sb, ")");
		}
		al_strbuf_putc(sb, '\n');
	}
}

static void write_text(al_strbuf *sb, const al_lock_drift *d, const al_lock *lock, const char *label,
		       const char *asked)
{
	const char *made = al_lock_header(lock, "generated");
	const char *from = al_lock_header(lock, "resolver");
	al_strbuf_puts(sb, "lock ");
	put(sb, label);
	al_strbuf_puts(sb, ": made ");
	put(sb, made ? made : "(no date)");
	al_strbuf_puts(sb, " from ");
	put(sb, from ? from : "(no resolver)");
	al_strbuf_puts(sb, "; asked again through ");
	put(sb, asked ? asked : "-");
	al_strbuf_putc(sb, '\n');
	for (size_t i = 0; i < d->spf_count; i++)
		spf_text(sb, &d->spf[i]);
	questions_text(sb, "changed answer: ", d->changed, d->changed_count, false);
	questions_text(sb, "new question (not in the lock): ", d->added, d->added_count, false);
	questions_text(sb, "lookup failed: ", d->failed, d->failed_count, true);
	for (size_t i = 0; i < d->findings_gone_count; i++) {
		al_strbuf_puts(sb, "finding gone: ");
		put(sb, d->findings_gone[i]);
		al_strbuf_putc(sb, '\n');
	}
	for (size_t i = 0; i < d->findings_new_count; i++) {
		al_strbuf_puts(sb, "finding new: ");
		put(sb, d->findings_new[i]);
		al_strbuf_putc(sb, '\n');
	}
	size_t findings = d->findings_new_count + d->findings_gone_count;
	if (d->changed_count + d->added_count + d->spf_count + findings == 0) {
		al_strbuf_printf(sb, "no drift: every answer is the one pinned%s\n",
				 d->failed_count ? " (but some lookups failed)" : "");
		return;
	}
	al_strbuf_printf(sb, "drift: %zu answer%s changed, %zu new question%s, %zu SPF name%s with other lookup "
			 "counts, %zu finding%s new, %zu gone%s\n", d->changed_count, plural(d->changed_count),
			 d->added_count, plural(d->added_count), d->spf_names_changed, plural(d->spf_names_changed),
			 d->findings_new_count, plural(d->findings_new_count), d->findings_gone_count,
			 d->spf_count + findings == 0 ? " (lookup counts and findings unchanged)" : "");
}

static void questions_json(al_json *j, const char *key, const al_lock_question *q, size_t n)
{
	char tbuf[16];
	al_json_key(j, key);
	al_json_begin_array(j);
	for (size_t i = 0; i < n; i++) {
		al_json_begin_object(j);
		al_json_kv_string(j, "name", q[i].name);
		al_json_kv_string(j, "type", al_rrtype_name(q[i].type, tbuf));
		al_json_kv_string(j, "rcode", al_rcode_name(q[i].rcode));
		al_json_key(j, "detail");
		al_json_string_or_null(j, q[i].detail);
		al_json_end_object(j);
	}
	al_json_end_array(j);
}

static void strings_json(al_json *j, const char *key, const char *const *items, size_t n)
{
	al_json_key(j, key);
	al_json_begin_array(j);
	for (size_t i = 0; i < n; i++)
		al_json_string(j, items[i]);
	al_json_end_array(j);
}

static void write_json(al_strbuf *sb, const al_lock_drift *d, const al_lock *lock, const char *label,
		       const char *asked, bool pretty)
{
	al_json j;
	al_json_init(&j, sb, pretty);
	al_json_begin_object(&j);
	al_json_kv_string(&j, "lock", label);
	al_json_key(&j, "generated");
	al_json_string_or_null(&j, al_lock_header(lock, "generated"));
	al_json_key(&j, "resolver");
	al_json_string_or_null(&j, al_lock_header(lock, "resolver"));
	al_json_key(&j, "asked");
	al_json_string_or_null(&j, asked);
	al_json_kv_bool(&j, "drift", d->changed_count + d->added_count + d->spf_count + d->findings_new_count +
					     d->findings_gone_count > 0);
	al_json_kv_bool(&j, "changes_findings", al_lock_drift_changes_findings(d));
	al_json_key(&j, "spf");
	al_json_begin_array(&j);
	for (size_t i = 0; i < d->spf_count; i++) {
		const al_lock_drift_spf *s = &d->spf[i];
		al_json_begin_object(&j);
		al_json_kv_string(&j, "name", s->name);
		al_json_key(&j, "target");
		al_json_string_or_null(&j, s->target);
		al_json_key(&j, "service");
		al_json_string_or_null(&j, s->service);
		al_json_kv_string(&j, "via", s->target == NULL ? "none" : s->redirect ? "redirect" : "include");
		al_json_kv_bool(&j, "in_lock", s->held);
		if (s->target != NULL) {
			al_json_key(&j, "cost_locked");
			if (s->held)
				al_json_uint(&j, s->cost_locked);
			else
				al_json_null(&j);
			al_json_kv_uint(&j, "cost_now", s->cost_now);
		}
		al_json_kv_uint(&j, "lookups_locked", s->needs_locked);
		al_json_kv_uint(&j, "lookups_now", s->needs_now);
		al_json_kv_uint(&j, "void_lookups_locked", s->voids_locked);
		al_json_kv_uint(&j, "void_lookups_now", s->voids_now);
		al_json_kv_bool(&j, "permerror", s->needs_now > 10);
		al_json_end_object(&j);
	}
	al_json_end_array(&j);
	questions_json(&j, "changed_answers", d->changed, d->changed_count);
	questions_json(&j, "new_questions", d->added, d->added_count);
	questions_json(&j, "failed_lookups", d->failed, d->failed_count);
	strings_json(&j, "findings_new", d->findings_new, d->findings_new_count);
	strings_json(&j, "findings_gone", d->findings_gone, d->findings_gone_count);
	al_json_end_object(&j);
	al_strbuf_putc(sb, '\n');
}

al_status al_lock_drift_write(const al_lock_drift *d, const al_lock *lock, const char *label, const char *asked,
			      al_format format, al_sink sink)
{
	if (d == NULL || lock == NULL || label == NULL)
		return AL_EINVAL;
	al_strbuf sb;
	al_strbuf_init(&sb);
	if (format == AL_FORMAT_JSON || format == AL_FORMAT_JSONL)
		write_json(&sb, d, lock, label, asked, format == AL_FORMAT_JSON);
	else
		write_text(&sb, d, lock, label, asked);
	al_status st = AL_OK;
	if (sb.failed)
		st = AL_ENOMEM;
	else if (sb.length > 0 && sink.write(sink.ctx, sb.data, sb.length) != 0)
		st = AL_EIO;
	al_strbuf_free(&sb);
	return st;
}
