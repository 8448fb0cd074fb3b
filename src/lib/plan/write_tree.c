/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * JSON and YAML: the plan becomes one document tree, written by the JSON
 * writer (util/json.h) or by libyaml's emitter, so both formats carry the
 * same keys. Strings take the display form (util/escape.h) in both.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include <authlint/version.h>

#include "plan/plan_internal.h"
#include "util/escape.h"
#include "util/json.h"

typedef enum node_kind { NODE_MAP, NODE_SEQ, NODE_STRING, NODE_INT, NODE_BOOL, NODE_NULL } node_kind;

typedef struct node {
	node_kind kind;
	const char *key;      /* inside a map */
	const char *text;     /* NODE_STRING */
	size_t length;
	long long number;     /* NODE_INT */
	bool flag;            /* NODE_BOOL */
	struct node *first, *last, *next;
} node;

typedef struct tree {
	al_arena arena;
	bool failed;
} tree;

static node *add(tree *t, node *parent, const char *key, node_kind kind)
{
	node *n = al_arena_calloc(&t->arena, 1, sizeof(*n));
	if (n == NULL) {
		t->failed = true;
		return NULL;
	}
	n->kind = kind;
	n->key = key;
	if (parent != NULL) {
		if (parent->last != NULL)
			parent->last->next = n;
		else
			parent->first = n;
		parent->last = n;
	}
	return n;
}

static node *add_map(tree *t, node *parent, const char *key)
{
	return add(t, parent, key, NODE_MAP);
}

static node *add_seq(tree *t, node *parent, const char *key)
{
	return add(t, parent, key, NODE_SEQ);
}

static void add_string_n(tree *t, node *parent, const char *key, const char *text, size_t length)
{
	node *n = add(t, parent, key, text != NULL ? NODE_STRING : NODE_NULL);
	if (n != NULL) {
		n->text = text;
		n->length = length;
	}
}

static void add_string(tree *t, node *parent, const char *key, const char *text)
{
	add_string_n(t, parent, key, text, text != NULL ? strlen(text) : 0);
}

static void add_int(tree *t, node *parent, const char *key, long long value)
{
	node *n = add(t, parent, key, NODE_INT);
	if (n != NULL)
		n->number = value;
}

static void add_bool(tree *t, node *parent, const char *key, bool value)
{
	node *n = add(t, parent, key, NODE_BOOL);
	if (n != NULL)
		n->flag = value;
}

static void add_date(tree *t, node *parent, const char *key, al_date date)
{
	char buf[11];
	al_date_format(date, buf);
	add_string(t, parent, key, al_arena_strdup(&t->arena, buf));
}

/* ---- the plan as a tree --------------------------------------------------------- */

static void add_finding(tree *t, node *parent, const al_diag *d)
{
	node *f = add_map(t, parent, NULL);
	add_string(t, f, "rule", d->rule->id);
	add_string(t, f, "name", d->rule->name);
	add_string(t, f, "severity", al_severity_name(d->severity));
	add_string(t, f, "kind", al_kind_name(d->kind));
	if (d->generation != AL_GENERATION_ANY)
		add_string(t, f, "generation", al_generation_name(d->generation));
	add_string(t, f, "owner", d->owner);
	add_string(t, f, "message", d->message);
	if (d->location.file != NULL || d->location.server != NULL) {
		node *loc = add_map(t, f, "location");
		if (d->location.file != NULL)
			add_string(t, loc, "file", d->location.file);
		if (d->location.line > 0)
			add_int(t, loc, "line", (long long)d->location.line);
		if (d->location.column > 0)
			add_int(t, loc, "column", (long long)d->location.column);
		if (d->location.server != NULL)
			add_string(t, loc, "server", d->location.server);
	}
	if (d->record != NULL)
		add_string_n(t, f, "record", d->record, d->record_length);
	if (d->fix != NULL)
		add_string(t, f, "fix", d->fix);
	if (d->context != NULL)
		add_string(t, f, "context", d->context);
	add_bool(t, f, "waived", d->waived);
	if (d->waived)
		add_string(t, f, "waiver_reason", d->waiver_reason);
}

static void add_effect(tree *t, node *parent, const char *key, const al_dmarc_effect *e, const char *text,
		       const char *detail, al_generation gen)
{
	node *n = add_map(t, parent, key);
	add_string(t, n, "text", text);
	add_string(t, n, "detail", detail);
	add_bool(t, n, "applies", e->applies);
	add_string(t, n, "requested", al_dmarc_policy_name(e->requested));
	add_string(t, n, "applied", al_dmarc_policy_name(e->applied));
	if (gen == AL_GENERATION_RFC7489) {
		add_int(t, n, "percent", e->percent);
		add_string(t, n, "rest", al_dmarc_policy_name(e->rest));
	} else {
		add_bool(t, n, "testing", e->testing);
	}
}

static void add_effects(tree *t, node *parent, const al_plan_effect effects[3])
{
	node *n = add_map(t, parent, "effect");
	for (int k = 0; k < 3; k++) {
		const al_plan_effect *e = &effects[k];
		node *target = add_map(t, n, al_plan_target_key((al_dmarc_target)k));
		add_effect(t, target, "rfc7489", &e->rfc7489, e->rfc7489_text, e->rfc7489_detail,
			   AL_GENERATION_RFC7489);
		add_effect(t, target, "rfc9989", &e->rfc9989, e->rfc9989_text, e->rfc9989_detail,
			   AL_GENERATION_RFC9989);
	}
}

static void add_strings(tree *t, node *parent, const char *key, const char *const *items, size_t count)
{
	node *n = add_seq(t, parent, key);
	for (size_t i = 0; i < count; i++)
		add_string(t, n, NULL, items[i]);
}

static void add_gate(tree *t, node *parent, const al_plan_gate *g)
{
	node *n = add_map(t, parent, NULL);
	add_string(t, n, "type", g->state == AL_PLAN_GATE_CONFIRM ? "confirm" : g->rule != NULL ? "rule" : "measured");
	if (g->rule != NULL) {
		add_string(t, n, "rule", g->rule->id);
		add_string(t, n, "name", g->rule->name);
	}
	add_string(t, n, "state", al_plan_gate_state_name(g->state));
	add_string(t, n, "text", g->text);
	if (g->detail != NULL)
		add_string(t, n, "detail", g->detail);
	if (g->state == AL_PLAN_GATE_FIXED)
		add_int(t, n, "fixed_by", (long long)g->fixed_by);
	if (g->finding_count > 0) {
		node *f = add_seq(t, n, "findings");
		for (size_t i = 0; i < g->finding_count; i++)
			add_finding(t, f, g->findings[i]);
	}
}

static void add_step(tree *t, node *parent, const al_plan_step *s)
{
	node *n = add_map(t, parent, NULL);
	add_int(t, n, "number", (long long)s->number);
	add_string(t, n, "id", s->id);
	add_string(t, n, "kind", al_plan_step_kind_name(s->kind));
	add_string(t, n, "title", s->title);
	add_string(t, n, "status", al_plan_step_status_name(s->status));
	add_bool(t, n, "record_changes", s->record_changes);
	add_string(t, n, "record", s->record);
	add_string(t, n, "zone_line", s->zone_line);
	add_int(t, n, "ttl", s->ttl);
	node *dates = add_map(t, n, "dates");
	add_date(t, dates, "earliest", s->earliest);
	add_date(t, dates, "suggested", s->suggested);
	add_int(t, dates, "min_days", s->min_days);
	add_int(t, dates, "suggested_days", s->suggested_days);
	add_int(t, dates, "replaces_ttl", s->replaces_ttl);
	add_bool(t, dates, "replaces_ttl_known", s->replaces_ttl_known);
	add_int(t, dates, "wait_days", s->wait_days);
	add_effects(t, n, s->effect);
	node *gates = add_seq(t, n, "gates");
	for (size_t i = 0; i < s->gate_count; i++)
		add_gate(t, gates, &s->gates[i]);
	node *rb = add_map(t, n, "rollback");
	add_string(t, rb, "record", s->rollback);
	add_string(t, rb, "zone_line", s->rollback_zone_line);
	add_bool(t, rb, "delete", s->record_changes && s->rollback == NULL);
	add_strings(t, n, "notes", s->notes, s->note_count);
	add_strings(t, n, "intended", s->intended, s->intended_count);
	node *rf = add_seq(t, n, "record_findings");
	for (size_t i = 0; i < al_findings_count(s->record_findings); i++)
		add_finding(t, rf, al_findings_at(s->record_findings, i));
	if (s->impact.measured) {
		/* messages a day, rounded */
		node *im = add_map(t, n, "impact");
		add_int(t, im, "rfc7489_quarantined", (long long)(s->impact.rfc7489_quarantined + 0.5));
		add_int(t, im, "rfc7489_rejected", (long long)(s->impact.rfc7489_rejected + 0.5));
		add_int(t, im, "rfc9989_quarantined", (long long)(s->impact.rfc9989_quarantined + 0.5));
		add_int(t, im, "rfc9989_rejected", (long long)(s->impact.rfc9989_rejected + 0.5));
		add_string(t, im, "from", s->impact.from);
	}
}

static node *plan_tree(tree *t, const al_plan *plan, const al_plan_write_options *o)
{
	node *root = add_map(t, NULL, NULL);
	add_string(t, root, "tool", "authlint");
	add_string(t, root, "version", o->tool_version != NULL ? o->tool_version : al_version());
	add_string(t, root, "domain", plan->domain);
	node *tm = add_map(t, root, "template");
	add_string(t, tm, "name", plan->template_name);
	add_string(t, tm, "summary", plan->template_summary);
	add_string(t, tm, "source", plan->template_source);
	add_date(t, root, "start", plan->start);
	const al_plan_current *c = &plan->current;
	node *cur = add_map(t, root, "current");
	add_string(t, cur, "owner", c->owner);
	add_bool(t, cur, "known", c->known);
	if (c->problem != NULL)
		add_string(t, cur, "problem", c->problem);
	add_int(t, cur, "record_count", (long long)c->record_count);
	add_string(t, cur, "record", c->record);
	if (c->ttl_known)
		add_int(t, cur, "ttl", c->ttl);
	else
		add_string(t, cur, "ttl", NULL);
	add_bool(t, cur, "usable", c->usable);
	if (c->known)
		add_effects(t, cur, c->effect);
	add_string(t, root, "rua", plan->rua);
	add_bool(t, root, "rua_suggested", plan->rua_suggested);
	add_bool(t, root, "nothing_to_do", plan->nothing_to_do);
	add_bool(t, root, "complete", plan->complete);
	if (plan->first_blocked > 0)
		add_int(t, root, "first_blocked", (long long)plan->first_blocked);
	else
		add_string(t, root, "first_blocked", NULL);
	add_strings(t, root, "notes", plan->notes, plan->note_count);
	const al_plan_evidence *ev = &plan->evidence;
	if (ev->present) {
		node *e = add_map(t, root, "evidence");
		add_int(t, e, "reports", (long long)ev->reports);
		add_int(t, e, "days", (long long)ev->days);
		add_int(t, e, "period_days", (long long)(ev->period_days + 0.5));
		add_int(t, e, "messages", (long long)ev->messages);
		add_int(t, e, "aligned", (long long)ev->aligned);
		add_int(t, e, "failing_domain", (long long)ev->failing_domain);
		add_int(t, e, "failing_subdomains", (long long)ev->failing_subdomains);
		add_int(t, e, "failing_nonexistent", (long long)ev->failing_nonexistent);
		add_int(t, e, "failing_unknown", (long long)ev->failing_unknown);
		add_int(t, e, "services_failing", (long long)ev->services_failing);
		add_int(t, e, "unattributed", (long long)ev->unattributed);
		add_string(t, e, "from", ev->from);
	}
	node *steps = add_seq(t, root, "steps");
	for (size_t i = 0; i < plan->step_count; i++)
		add_step(t, steps, &plan->steps[i]);
	node *findings = add_seq(t, root, "findings");
	for (size_t i = 0; i < al_findings_count(plan->findings); i++)
		add_finding(t, findings, al_findings_at(plan->findings, i));
	node *sum = add_map(t, root, "summary");
	add_int(t, sum, "errors", (long long)al_findings_summary(plan->findings)->by_severity[AL_SEVERITY_ERROR]);
	add_int(t, sum, "warnings", (long long)al_findings_summary(plan->findings)->by_severity[AL_SEVERITY_WARNING]);
	add_int(t, sum, "notes", (long long)al_findings_summary(plan->findings)->by_severity[AL_SEVERITY_NOTE]);
	add_int(t, sum, "waived", (long long)al_findings_summary(plan->findings)->waived);
	add_int(t, sum, "steps", (long long)plan->step_count);
	return root;
}

/* ---- writing out ------------------------------------------------------------------ */

/*
 * What the JSON and YAML writers share: the output, handed to the sink in
 * pieces of about FLUSH_AT bytes (a plan whose findings each carry a long
 * record runs to megabytes, and one buffer grown to hold it all was most of
 * the cost of writing it), and the escaped form of long strings written more
 * than once. The findings of a gate point to the domain's own findings, so
 * one record of up to 60000 bytes is written again for every gate and step
 * that lists them: it is escaped twice, and copied after that.
 */
#define FLUSH_AT ((size_t)64 * 1024)
#define MEMO_MIN 64 /* shorter strings are escaped each time */
#define MEMO_SLOTS 64

/* A long string seen lately: its escaped form is kept from the second time on. */
typedef struct memo {
	const char *text; /* the node's string: the same pointer and length, the same bytes */
	size_t length;
	bool seen;
	const char *shown; /* its escaped form, in the tree's arena (from the second time) */
	size_t shown_length;
} memo;

typedef struct writer {
	tree *t;
	al_strbuf *out;
	al_sink sink;
	al_status status; /* AL_EIO once the sink failed */
	memo memos[MEMO_SLOTS];
} writer;

/* After a string was escaped to @p shown: keep that the second time it is met. */
static void memo_keep(writer *w, memo *m, const char *shown, size_t shown_length)
{
	if (m == NULL)
		return;
	if (m->seen) {
		/* NULL when out of memory: escaped again next time */
		m->shown = al_arena_memdup(&w->t->arena, shown, shown_length);
		m->shown_length = shown_length;
	}
	m->seen = true;
}

static void flush(writer *w, size_t at_least)
{
	if (w->out->length < at_least || w->out->failed)
		return;
	/* after a failed write the rest is dropped: AL_EIO says the output is not whole */
	if (w->status == AL_OK && w->out->length > 0 &&
	    w->sink.write(w->sink.ctx, w->out->data, w->out->length) != 0)
		w->status = AL_EIO;
	al_strbuf_reset(w->out);
}

/* The slot of a long string (NULL: a short one). A string met for the first
 * time takes the slot over, and is escaped as usual. */
static memo *memo_slot(writer *w, const char *text, size_t length)
{
	if (length < MEMO_MIN)
		return NULL;
	uint64_t h = ((uint64_t)(uintptr_t)text ^ length) * 0x9e3779b97f4a7c15ULL;
	memo *m = &w->memos[(h >> 32) % MEMO_SLOTS];
	if (m->text != text || m->length != length) {
		m->text = text;
		m->length = length;
		m->shown = NULL;
		m->shown_length = 0;
		m->seen = false;
	}
	return m;
}

/* ---- JSON ------------------------------------------------------------------------- */

static void json_string(writer *w, al_json *j, const char *text, size_t length)
{
	memo *m = memo_slot(w, text, length);
	al_json_begin_raw(j);
	al_strbuf_putc(w->out, '"');
	if (m != NULL && m->shown != NULL) {
		al_strbuf_append(w->out, m->shown, m->shown_length);
	} else {
		size_t start = w->out->length;
		al_escape_json(w->out, text, length);
		if (!w->out->failed)
			memo_keep(w, m, w->out->data + start, w->out->length - start);
	}
	al_strbuf_putc(w->out, '"');
}

static void write_json(writer *w, al_json *j, const node *n)
{
	/* the keys are this file's own member names (and al_plan_target_key's):
	 * printable ASCII that needs no escaping */
	if (n->key != NULL)
		al_json_key_literal(j, n->key, strlen(n->key));
	switch (n->kind) {
	case NODE_MAP:
		al_json_begin_object(j);
		for (const node *c = n->first; c != NULL; c = c->next) {
			write_json(w, j, c);
			flush(w, FLUSH_AT);
		}
		al_json_end_object(j);
		break;
	case NODE_SEQ:
		al_json_begin_array(j);
		for (const node *c = n->first; c != NULL; c = c->next) {
			write_json(w, j, c);
			flush(w, FLUSH_AT);
		}
		al_json_end_array(j);
		break;
	case NODE_STRING:
		json_string(w, j, n->text, n->length);
		break;
	case NODE_INT:
		al_json_int(j, n->number);
		break;
	case NODE_BOOL:
		al_json_bool(j, n->flag);
		break;
	case NODE_NULL:
		al_json_null(j);
		break;
	}
}

/* ---- YAML --------------------------------------------------------------------------- */

static int yaml_out(void *data, unsigned char *buffer, size_t size)
{
	writer *w = data;
	al_strbuf_append(w->out, buffer, size);
	flush(w, FLUSH_AT);
	return 1;
}

/* Would a plain scalar read back as something other than this string (YAML 1.1 resolvers)? */
static bool needs_quotes(const char *s, size_t n)
{
	static const char *const words[] = {"~",     "null", "Null", "NULL", "true", "True", "TRUE",
					    "false", "False", "FALSE", "yes", "Yes", "YES", "no",
					    "No",    "NO",	"on",	"On",	"ON",	"off",	"Off",
					    "OFF",   "y",	"Y",	"n",	"N",	NULL};
	if (n == 0)
		return true;
	if (strchr("0123456789+-.", s[0]) != NULL)
		return true;
	for (const char *const *w = words; *w != NULL; w++)
		if (strlen(*w) == n && memcmp(*w, s, n) == 0)
			return true;
	return false;
}

static bool emit(yaml_emitter_t *e, yaml_event_t *ev)
{
	return yaml_emitter_emit(e, ev) != 0;
}

static bool emit_scalar(yaml_emitter_t *e, const char *text, size_t length, bool string)
{
	yaml_event_t ev;
	bool plain = !string || !needs_quotes(text, length);
	/* no tag: with quoted_implicit set the emitter never writes one (nor looks at it), and
	 * libyaml would copy it for every scalar */
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text,
					  (int)length, plain, 1,
					  plain ? YAML_ANY_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE))
		return false;
	return emit(e, &ev);
}

/* The display form of a string (in @p scratch, or a memo's). */
static void yaml_shown(writer *w, al_strbuf *scratch, const char *text, size_t length, const char **shown,
		       size_t *shown_length)
{
	memo *m = memo_slot(w, text, length);
	if (m != NULL && m->shown != NULL) {
		*shown = m->shown;
		*shown_length = m->shown_length;
		return;
	}
	al_strbuf_reset(scratch);
	al_escape_display(scratch, text, length);
	*shown = al_strbuf_cstr(scratch);
	*shown_length = scratch->length;
	if (!scratch->failed)
		memo_keep(w, m, *shown, *shown_length);
}

static bool write_yaml(writer *w, al_strbuf *scratch, yaml_emitter_t *e, const node *n)
{
	yaml_event_t ev;
	if (n->key != NULL && !emit_scalar(e, n->key, strlen(n->key), true))
		return false;
	switch (n->kind) {
	case NODE_MAP:
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) ||
		    !emit(e, &ev))
			return false;
		for (const node *c = n->first; c != NULL; c = c->next)
			if (!write_yaml(w, scratch, e, c))
				return false;
		return yaml_mapping_end_event_initialize(&ev) && emit(e, &ev);
	case NODE_SEQ:
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
							  n->first != NULL ? YAML_BLOCK_SEQUENCE_STYLE
									   : YAML_FLOW_SEQUENCE_STYLE) ||
		    !emit(e, &ev))
			return false;
		for (const node *c = n->first; c != NULL; c = c->next)
			if (!write_yaml(w, scratch, e, c))
				return false;
		return yaml_sequence_end_event_initialize(&ev) && emit(e, &ev);
	case NODE_STRING: {
		const char *shown;
		size_t shown_length;
		yaml_shown(w, scratch, n->text, n->length, &shown, &shown_length);
		return !scratch->failed && emit_scalar(e, shown, shown_length, true);
	}
	case NODE_INT: {
		char buf[32];
		int k = snprintf(buf, sizeof(buf), "%lld", n->number);
		return emit_scalar(e, buf, (size_t)k, false);
	}
	case NODE_BOOL:
		return emit_scalar(e, n->flag ? "true" : "false", n->flag ? 4 : 5, false);
	case NODE_NULL:
		return emit_scalar(e, "null", 4, false);
	}
	return false;
}

static al_status yaml_document(writer *w, const node *root)
{
	yaml_emitter_t e;
	yaml_event_t ev;
	if (!yaml_emitter_initialize(&e))
		return AL_ENOMEM;
	al_strbuf scratch = AL_STRBUF_INIT; /* each string's display form */
	yaml_emitter_set_output(&e, yaml_out, w);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, -1);
	yaml_emitter_set_indent(&e, 2);
	bool ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) && emit(&e, &ev) &&
		  yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0) && emit(&e, &ev) &&
		  write_yaml(w, &scratch, &e, root) && yaml_document_end_event_initialize(&ev, 1) && emit(&e, &ev) &&
		  yaml_stream_end_event_initialize(&ev) && emit(&e, &ev) && yaml_emitter_flush(&e);
	yaml_emitter_delete(&e);
	al_strbuf_free(&scratch);
	return ok ? AL_OK : AL_ENOMEM;
}

al_status al_plan_write_tree(const al_plan *plan, al_plan_format format,
			     const al_plan_write_options *options, al_strbuf *out, al_sink sink)
{
	tree t;
	al_arena_init(&t.arena);
	t.failed = false;
	node *root = plan_tree(&t, plan, options);
	writer w = {.t = &t, .out = out, .sink = sink, .status = AL_OK};
	al_status st = AL_OK;
	if (t.failed || root == NULL) {
		st = AL_ENOMEM;
	} else if (format == AL_PLAN_FORMAT_JSON) {
		al_json j;
		al_json_init(&j, out, true);
		write_json(&w, &j, root);
		al_strbuf_putc(out, '\n');
	} else {
		st = yaml_document(&w, root);
	}
	al_arena_clear(&t.arena);
	return w.status != AL_OK ? w.status : st;
}
