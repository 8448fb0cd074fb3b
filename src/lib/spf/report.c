/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writing a check_host() outcome with its trace, a lookup tree, and a suite
 * test result, as text or JSON. Every text from DNS or a file goes through the
 * display escaping: control bytes and bytes that are not UTF-8 never reach the
 * output as they are.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <authlint/spf_eval.h>

#include "util/escape.h"
#include "util/json.h"
#include "util/palette.h"
#include "util/strbuf.h"

static al_status flush(al_strbuf *sb, al_sink sink)
{
	al_status st = AL_OK;
	if (sb->failed)
		st = AL_ENOMEM;
	else if (sb->length > 0 && sink.write(sink.ctx, sb->data, sb->length) != 0)
		st = AL_EIO;
	al_strbuf_reset(sb);
	return st;
}

static void put(al_strbuf *sb, const char *text)
{
	if (text != NULL)
		al_escape_display(sb, text, strlen(text));
}

static void put_n(al_strbuf *sb, const char *text, size_t n)
{
	if (text != NULL)
		al_escape_display(sb, text, n);
}

static void indent(al_strbuf *sb, unsigned depth)
{
	for (unsigned i = 0; i < depth && i < 40; i++)
		al_strbuf_puts(sb, "  ");
}

static const char *paint(bool color, al_spf_result r)
{
	if (!color)
		return "";
	switch (r) {
	case AL_SPF_PASS:
		return AL_SGR_GOOD;
	case AL_SPF_FAIL:
	case AL_SPF_PERMERROR:
		return AL_SGR_BAD;
	case AL_SPF_SOFTFAIL:
	case AL_SPF_TEMPERROR:
		return AL_SGR_UNSURE;
	default:
		return AL_SGR_BOLD;
	}
}

/* ---- check_host() ---------------------------------------------------------------- */

static void text_event(al_strbuf *sb, const al_spf_event *ev, bool color)
{
	char tb[16];
	indent(sb, ev->depth + 1);
	switch (ev->kind) {
	case AL_SPF_EVENT_CHECK:
		al_strbuf_puts(sb, "check_host ");
		put(sb, ev->domain);
		if (ev->detail != NULL && ev->depth > 0) {
			al_strbuf_puts(sb, " (");
			put(sb, ev->detail);
			al_strbuf_putc(sb, ')');
		}
		break;
	case AL_SPF_EVENT_QUERY:
		al_strbuf_puts(sb, "query ");
		put(sb, ev->name);
		al_strbuf_printf(sb, " %s: %s", al_rrtype_name(ev->type, tb), al_rcode_name(ev->rcode));
		if (ev->rcode == AL_RCODE_NOERROR)
			al_strbuf_printf(sb, ", %zu record%s", ev->answers, ev->answers == 1 ? "" : "s");
		if (ev->is_void)
			al_strbuf_printf(sb, " (void lookup %zu of %d)", ev->void_lookups + 1, AL_SPF_MAX_VOID_LOOKUPS);
		if (ev->detail != NULL && ev->rcode != AL_RCODE_NOERROR && ev->rcode != AL_RCODE_NXDOMAIN) {
			al_strbuf_puts(sb, " - ");
			put(sb, ev->detail);
		}
		break;
	case AL_SPF_EVENT_RECORD:
		al_strbuf_puts(sb, "record \"");
		put(sb, ev->detail);
		al_strbuf_putc(sb, '"');
		break;
	case AL_SPF_EVENT_TERM:
		put(sb, ev->term);
		if (ev->result != AL_SPF_NONE)
			al_strbuf_printf(sb, ": %s%s%s", paint(color, ev->result), al_spf_result_name(ev->result),
					 color ? AL_SGR_RESET : "");
		else if (ev->matched)
			al_strbuf_puts(sb, color ? ": " AL_SGR_BOLD "match" AL_SGR_RESET : ": match");
		else
			al_strbuf_puts(sb, ev->term && strncasecmp(ev->term, "redirect=", 9) == 0 ? ": follow"
											       : ": no match");
		al_strbuf_printf(sb, "  [lookups %zu/%d, void %zu/%d]", ev->lookups, AL_SPF_MAX_LOOKUPS,
				 ev->void_lookups, AL_SPF_MAX_VOID_LOOKUPS);
		break;
	case AL_SPF_EVENT_LIMIT:
		al_strbuf_printf(sb, "%s: ", al_spf_result_name(ev->result));
		put(sb, ev->detail);
		break;
	case AL_SPF_EVENT_RESULT:
		al_strbuf_puts(sb, "=> ");
		put(sb, ev->domain);
		al_strbuf_printf(sb, ": %s%s%s", paint(color, ev->result), al_spf_result_name(ev->result),
				 color ? AL_SGR_RESET : "");
		break;
	case AL_SPF_EVENT_NOTE:
		put(sb, ev->detail);
		break;
	}
	al_strbuf_putc(sb, '\n');
}

static void text_outcome(al_strbuf *sb, const al_spf_outcome *o, bool color)
{
	al_strbuf_puts(sb, "check_host(");
	put(sb, o->ip);
	al_strbuf_puts(sb, ", ");
	put(sb, o->domain ? o->domain : "-");
	al_strbuf_puts(sb, ", ");
	put(sb, o->sender ? o->sender : "-");
	al_strbuf_puts(sb, ")\n");
	for (size_t i = 0; i < o->event_count; i++)
		text_event(sb, &o->events[i], color);
	al_strbuf_printf(sb, "result: %s%s%s", paint(color, o->result), al_spf_result_name(o->result),
			 color ? AL_SGR_RESET : "");
	if (o->mechanism != NULL) {
		al_strbuf_puts(sb, " (");
		put(sb, o->mechanism);
		al_strbuf_puts(sb, " in ");
		put(sb, o->decided_by);
		al_strbuf_putc(sb, ')');
	}
	al_strbuf_putc(sb, '\n');
	if (o->reason != NULL) {
		al_strbuf_puts(sb, "reason: ");
		put(sb, o->reason);
		al_strbuf_putc(sb, '\n');
	}
	if (o->explanation != NULL) {
		al_strbuf_puts(sb, "explanation: ");
		put(sb, o->explanation);
		al_strbuf_putc(sb, '\n');
	}
	al_strbuf_printf(sb, "lookups: %zu of %d DNS-querying terms, %zu of %d void lookups\n", o->lookups,
			 AL_SPF_MAX_LOOKUPS, o->void_lookups, AL_SPF_MAX_VOID_LOOKUPS);
}

static const char *event_kind(al_spf_event_kind k)
{
	switch (k) {
	case AL_SPF_EVENT_CHECK:
		return "check";
	case AL_SPF_EVENT_QUERY:
		return "query";
	case AL_SPF_EVENT_RECORD:
		return "record";
	case AL_SPF_EVENT_TERM:
		return "term";
	case AL_SPF_EVENT_LIMIT:
		return "limit";
	case AL_SPF_EVENT_RESULT:
		return "result";
	case AL_SPF_EVENT_NOTE:
		return "note";
	}
	return "note";
}

static void json_outcome(al_json *j, const al_spf_outcome *o)
{
	char tb[16];
	al_json_begin_object(j);
	al_json_kv_string(j, "domain", o->domain);
	al_json_kv_string(j, "ip", o->ip);
	al_json_kv_string(j, "sender", o->sender);
	al_json_kv_string(j, "result", al_spf_result_name(o->result));
	al_json_key(j, "mechanism");
	al_json_string_or_null(j, o->mechanism);
	al_json_key(j, "decided_by");
	al_json_string_or_null(j, o->decided_by);
	al_json_key(j, "explanation");
	al_json_string_or_null(j, o->explanation);
	al_json_key(j, "reason");
	al_json_string_or_null(j, o->reason);
	al_json_kv_uint(j, "lookups", o->lookups);
	al_json_kv_uint(j, "void_lookups", o->void_lookups);
	al_json_kv_uint(j, "lookup_limit", AL_SPF_MAX_LOOKUPS);
	al_json_kv_uint(j, "void_lookup_limit", AL_SPF_MAX_VOID_LOOKUPS);
	al_json_key(j, "trace");
	al_json_begin_array(j);
	for (size_t i = 0; i < o->event_count; i++) {
		const al_spf_event *ev = &o->events[i];
		al_json_begin_object(j);
		al_json_kv_string(j, "event", event_kind(ev->kind));
		al_json_kv_uint(j, "depth", ev->depth);
		al_json_kv_string(j, "domain", ev->domain);
		switch (ev->kind) {
		case AL_SPF_EVENT_QUERY:
			al_json_kv_string(j, "name", ev->name);
			al_json_kv_string(j, "type", al_rrtype_name(ev->type, tb));
			al_json_kv_string(j, "rcode", al_rcode_name(ev->rcode));
			al_json_kv_uint(j, "answers", ev->answers);
			al_json_kv_bool(j, "void", ev->is_void);
			break;
		case AL_SPF_EVENT_TERM:
			al_json_kv_string(j, "term", ev->term);
			al_json_kv_bool(j, "matched", ev->matched);
			if (ev->result != AL_SPF_NONE)
				al_json_kv_string(j, "result", al_spf_result_name(ev->result));
			break;
		case AL_SPF_EVENT_RESULT:
		case AL_SPF_EVENT_LIMIT:
			al_json_kv_string(j, "result", al_spf_result_name(ev->result));
			break;
		default:
			break;
		}
		al_json_kv_uint(j, "lookups", ev->lookups);
		al_json_kv_uint(j, "void_lookups", ev->void_lookups);
		if (ev->detail != NULL)
			al_json_kv_string(j, "detail", ev->detail);
		al_json_end_object(j);
	}
	al_json_end_array(j);
	al_json_end_object(j);
}

al_status al_spf_outcome_write(const al_spf_outcome *o, al_format format, bool color, al_sink sink)
{
	al_strbuf sb = AL_STRBUF_INIT;
	if (format == AL_FORMAT_JSON || format == AL_FORMAT_JSONL) {
		al_json j;
		al_json_init(&j, &sb, format == AL_FORMAT_JSON);
		json_outcome(&j, o);
		al_strbuf_putc(&sb, '\n');
	} else if (format == AL_FORMAT_TEXT) {
		text_outcome(&sb, o, color);
	} else {
		al_strbuf_free(&sb);
		return AL_EUNSUPPORTED;
	}
	al_status st = flush(&sb, sink);
	al_strbuf_free(&sb);
	return st;
}

al_status al_spf_outcome_write_brief(const al_spf_outcome *o, al_format format, al_sink sink)
{
	al_strbuf sb = AL_STRBUF_INIT;
	if (format == AL_FORMAT_JSON || format == AL_FORMAT_JSONL) {
		al_json j;
		al_json_init(&j, &sb, false);
		al_json_begin_object(&j);
		al_json_kv_string(&j, "domain", o->domain);
		al_json_kv_string(&j, "result", al_spf_result_name(o->result));
		al_json_key(&j, "mechanism");
		al_json_string_or_null(&j, o->mechanism);
		al_json_key(&j, "decided_by");
		al_json_string_or_null(&j, o->decided_by);
		al_json_kv_uint(&j, "lookups", o->lookups);
		al_json_kv_uint(&j, "void_lookups", o->void_lookups);
		al_json_key(&j, "reason");
		al_json_string_or_null(&j, o->reason);
		al_json_end_object(&j);
	} else {
		put(&sb, o->domain ? o->domain : "-");
		al_strbuf_printf(&sb, ": %s", al_spf_result_name(o->result));
		if (o->mechanism != NULL) {
			al_strbuf_puts(&sb, " (");
			put(&sb, o->mechanism);
			al_strbuf_putc(&sb, ')');
		}
		al_strbuf_printf(&sb, ", %zu lookup%s, %zu void", o->lookups, o->lookups == 1 ? "" : "s",
				 o->void_lookups);
		if (o->reason != NULL && o->result != AL_SPF_NEUTRAL) {
			al_strbuf_puts(&sb, " - ");
			put(&sb, o->reason);
		}
	}
	al_strbuf_putc(&sb, '\n');
	al_status st = flush(&sb, sink);
	al_strbuf_free(&sb);
	return st;
}

/* ---- the lookup tree ------------------------------------------------------------------- */

static void text_row(al_strbuf *sb, const al_spf_tree_row *r, bool color)
{
	const al_spf_node *n = r->node;
	indent(sb, 2 * r->depth); /* a record at 4 per level, its terms 2 further */
	if (r->term == NULL) {
		if (color)
			al_strbuf_puts(sb, AL_SGR_BOLD);
		put(sb, n->domain ? n->domain : "(target)");
		if (color)
			al_strbuf_puts(sb, AL_SGR_RESET);
		if (n->sender != NULL) {
			al_strbuf_puts(sb, " [");
			put(sb, n->sender);
			al_strbuf_putc(sb, ']');
		}
		if (n->status == AL_SPF_NODE_OK) {
			al_strbuf_puts(sb, "  \"");
			put_n(sb, n->text, n->length);
			al_strbuf_putc(sb, '"');
			al_strbuf_printf(sb, "  (subtree: %s%zu lookup%s", n->unknown ? ">=" : "", n->cost,
					 n->cost == 1 ? "" : "s");
			if (n->void_lookups > 0)
				al_strbuf_printf(sb, ", %zu void", n->void_lookups);
			al_strbuf_putc(sb, ')');
		} else {
			al_strbuf_printf(sb, "  %s", al_spf_node_status_name(n->status));
		}
		if (n->detail != NULL) {
			al_strbuf_puts(sb, ": ");
			put(sb, n->detail);
		}
		al_strbuf_putc(sb, '\n');
		return;
	}
	const al_spf_tree_term *tt = r->term;
	al_strbuf_puts(sb, "  ");
	put_n(sb, n->text + tt->term->start, tt->term->length);
	if (tt->cost > 0)
		al_strbuf_printf(sb, "  +%u -> %zu%s", tt->cost, r->running_total,
				 r->over_limit ? (color ? " " AL_SGR_BAD "(over 10)" AL_SGR_RESET : " (over 10)") : "");
	if (tt->void_lookups > 0)
		al_strbuf_printf(sb, "  void +%zu -> %zu%s", tt->void_lookups, r->running_voids,
				 r->voids_over_limit ? " (over 2)" : "");
	if (tt->names > 0)
		al_strbuf_printf(sb, "  [%zu MX name%s, not counted toward 10]", tt->names, tt->names == 1 ? "" : "s");
	if (tt->depends_on_client)
		al_strbuf_puts(sb, "  [depends on the client]");
	if (tt->detail != NULL) {
		al_strbuf_puts(sb, "  - ");
		put(sb, tt->detail);
	}
	al_strbuf_putc(sb, '\n');
}

static void json_row(al_json *j, const al_spf_tree_row *r)
{
	const al_spf_node *n = r->node;
	al_json_begin_object(j);
	al_json_kv_uint(j, "depth", r->depth);
	if (r->term == NULL) {
		al_json_kv_string(j, "row", "record");
		al_json_key(j, "domain");
		al_json_string_or_null(j, n->domain);
		al_json_kv_string(j, "status", al_spf_node_status_name(n->status));
		if (n->detail != NULL)
			al_json_kv_string(j, "detail", n->detail);
		if (n->text != NULL) {
			al_json_key(j, "record");
			al_json_string_n(j, n->text, n->length);
		}
		if (n->sender != NULL)
			al_json_kv_string(j, "sender", n->sender);
		al_json_kv_uint(j, "subtree_lookups", n->cost);
		al_json_kv_bool(j, "subtree_complete", n->unknown == 0);
		al_json_kv_uint(j, "subtree_void_lookups", n->void_lookups);
		al_json_kv_bool(j, "permerror", n->permerror);
		if (n->cycle_length > 0) {
			al_json_key(j, "cycle");
			al_json_begin_array(j);
			for (size_t i = 0; i < n->cycle_length; i++)
				al_json_string(j, n->cycle[i]);
			al_json_end_array(j);
		}
		if (r->via != NULL)
			al_json_kv_string(j, "via", al_spf_term_type_name(r->via->term->type));
	} else {
		const al_spf_tree_term *tt = r->term;
		al_json_kv_string(j, "row", "term");
		al_json_key(j, "term");
		al_json_string_n(j, n->text + tt->term->start, tt->term->length);
		al_json_kv_string(j, "type", al_spf_term_type_name(tt->term->type));
		al_json_kv_bool(j, "evaluated", tt->evaluated);
		al_json_kv_uint(j, "cost", tt->cost);
		al_json_kv_uint(j, "running_total", r->running_total);
		al_json_kv_uint(j, "void_lookups", tt->void_lookups);
		al_json_kv_uint(j, "running_void_lookups", r->running_voids);
		if (tt->names > 0)
			al_json_kv_uint(j, "mx_names", tt->names);
		al_json_kv_bool(j, "depends_on_client", tt->depends_on_client);
		if (tt->target != NULL)
			al_json_kv_string(j, "target", tt->target);
		if (tt->detail != NULL)
			al_json_kv_string(j, "detail", tt->detail);
	}
	al_json_end_object(j);
}

al_status al_spf_tree_write(const al_spf_tree *t, al_format format, bool color, al_sink sink)
{
	al_strbuf sb = AL_STRBUF_INIT;
	al_status st = AL_OK;
	if (format == AL_FORMAT_JSON || format == AL_FORMAT_JSONL) {
		al_json j;
		al_json_init(&j, &sb, format == AL_FORMAT_JSON);
		al_json_begin_object(&j);
		al_json_key(&j, "domain");
		al_json_string_or_null(&j, t->root->domain);
		al_json_kv_string(&j, "status", al_spf_node_status_name(t->root->status));
		al_json_kv_uint(&j, "lookups", t->lookups);
		al_json_kv_bool(&j, "lookups_complete", t->not_followed == 0 && t->estimated == 0);
		al_json_kv_uint(&j, "estimated", t->estimated);
		al_json_kv_string(&j, "provider_snapshot", t->estimated > 0 ? t->snapshot_date : NULL);
		al_json_kv_uint(&j, "lookup_limit", AL_SPF_MAX_LOOKUPS);
		al_json_kv_uint(&j, "void_lookups", t->void_lookups);
		al_json_kv_uint(&j, "void_lookup_limit", AL_SPF_MAX_VOID_LOOKUPS);
		al_json_kv_uint(&j, "not_followed", t->not_followed);
		al_json_kv_bool(&j, "rows_truncated", t->rows_truncated);
		al_json_key(&j, "rows");
		al_json_begin_array(&j);
		for (size_t i = 0; i < t->row_count; i++)
			json_row(&j, &t->rows[i]);
		al_json_end_array(&j);
		al_json_end_object(&j);
		al_strbuf_putc(&sb, '\n');
		st = flush(&sb, sink);
	} else if (format == AL_FORMAT_TEXT) {
		for (size_t i = 0; i < t->row_count && st == AL_OK; i++) {
			text_row(&sb, &t->rows[i], color);
			if (sb.length > 65536)
				st = flush(&sb, sink);
		}
		if (t->rows_truncated)
			al_strbuf_puts(&sb, "... (the tree is larger than the rows shown)\n");
		al_strbuf_printf(&sb, "total: %s%zu of %d DNS-querying terms", t->not_followed ? "at least " : "",
				 t->lookups, AL_SPF_MAX_LOOKUPS);
		if (t->lookups > AL_SPF_MAX_LOOKUPS)
			al_strbuf_puts(&sb, " (over the limit: permerror)");
		al_strbuf_printf(&sb, "; %zu of %d void lookups", t->void_lookups, AL_SPF_MAX_VOID_LOOKUPS);
		if (t->void_lookups > AL_SPF_MAX_VOID_LOOKUPS)
			al_strbuf_puts(&sb, " (over the limit: permerror)");
		if (t->not_followed > 0)
			al_strbuf_printf(&sb, "; %zu target%s not followed (cost unknown)", t->not_followed,
					 t->not_followed == 1 ? "" : "s");
		if (t->estimated > 0)
			al_strbuf_printf(&sb, "; %zu target%s not looked up, counted with the provider snapshot of %s",
					 t->estimated, t->estimated == 1 ? "" : "s",
					 t->snapshot_date ? t->snapshot_date : "?");
		al_strbuf_putc(&sb, '\n');
		if (st == AL_OK)
			st = flush(&sb, sink);
	} else {
		st = AL_EUNSUPPORTED;
	}
	al_strbuf_free(&sb);
	return st;
}

al_status al_spf_tree_write_brief(const al_spf_tree *t, al_format format, al_sink sink)
{
	al_strbuf sb = AL_STRBUF_INIT;
	const al_spf_node *root = t->root;
	if (format == AL_FORMAT_JSON || format == AL_FORMAT_JSONL) {
		al_json j;
		al_json_init(&j, &sb, false);
		al_json_begin_object(&j);
		al_json_key(&j, "domain");
		al_json_string_or_null(&j, root->domain);
		al_json_kv_string(&j, "status", al_spf_node_status_name(root->status));
		al_json_kv_uint(&j, "lookups", t->lookups);
		al_json_kv_bool(&j, "lookups_complete", t->not_followed == 0);
		al_json_kv_uint(&j, "void_lookups", t->void_lookups);
		al_json_kv_uint(&j, "not_followed", t->not_followed);
		al_json_kv_bool(&j, "permerror", root->permerror || t->lookups > AL_SPF_MAX_LOOKUPS ||
						     t->void_lookups > AL_SPF_MAX_VOID_LOOKUPS);
		al_json_end_object(&j);
	} else {
		put(&sb, root->domain ? root->domain : "-");
		if (root->status != AL_SPF_NODE_OK) {
			al_strbuf_printf(&sb, ": %s", al_spf_node_status_name(root->status));
		} else {
			al_strbuf_printf(&sb, ": %s%zu lookup%s, %zu void", t->not_followed ? ">=" : "", t->lookups,
					 t->lookups == 1 ? "" : "s", t->void_lookups);
			if (t->not_followed > 0)
				al_strbuf_printf(&sb, ", %zu not followed", t->not_followed);
			if (root->permerror || t->lookups > AL_SPF_MAX_LOOKUPS || t->void_lookups > AL_SPF_MAX_VOID_LOOKUPS)
				al_strbuf_puts(&sb, " (permerror)");
		}
	}
	al_strbuf_putc(&sb, '\n');
	al_status st = flush(&sb, sink);
	al_strbuf_free(&sb);
	return st;
}

/* ---- suites ----------------------------------------------------------------------------- */

al_status al_spf_suite_case_write(const al_spf_suite_case *c, al_format format, al_sink sink)
{
	al_strbuf sb = AL_STRBUF_INIT;
	const char *got = c->outcome ? al_spf_result_name(c->outcome->result) : "-";
	if (format == AL_FORMAT_JSON || format == AL_FORMAT_JSONL) {
		al_json j;
		al_json_init(&j, &sb, false);
		al_json_begin_object(&j);
		al_json_kv_string(&j, "scenario", c->scenario);
		al_json_kv_string(&j, "test", c->id);
		al_json_key(&j, "spec");
		al_json_string_or_null(&j, c->spec);
		al_json_kv_string(&j, "result", got);
		al_json_key(&j, "expected");
		al_json_begin_array(&j);
		for (size_t i = 0; i < c->expected_count; i++)
			al_json_string(&j, c->expected[i]);
		al_json_end_array(&j);
		al_json_kv_bool(&j, "passed", c->passed);
		al_json_kv_bool(&j, "preferred", c->preferred);
		if (c->why != NULL)
			al_json_kv_string(&j, "why", c->why);
		al_json_end_object(&j);
		al_strbuf_putc(&sb, '\n');
	} else {
		al_strbuf_puts(&sb, c->passed ? (c->preferred ? "pass " : "PASS*") : "FAIL ");
		al_strbuf_putc(&sb, ' ');
		put(&sb, c->id);
		al_strbuf_puts(&sb, " (");
		put(&sb, c->scenario);
		al_strbuf_printf(&sb, "): %s", got);
		if (!c->passed && c->why != NULL) {
			al_strbuf_puts(&sb, " - ");
			put(&sb, c->why);
		} else if (!c->preferred) {
			al_strbuf_puts(&sb, " - accepted, but ");
			put(&sb, c->expected[0]);
			al_strbuf_puts(&sb, " is preferred");
		}
		al_strbuf_putc(&sb, '\n');
	}
	al_status st = flush(&sb, sink);
	al_strbuf_free(&sb);
	return st;
}
