/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SPF stage, spf-lookups (RFC 7208 section 4.6.4): the lookup tree: over 10
 * DNS-querying terms (or near it), void lookups, include/redirect targets
 * without a usable record or with +all, loops, mx with over 10 names,
 * targets that depend on the sender.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/family_api.h"
#include "check/spf_family.h"
#include "dns/wire.h"
#include "record/spf_syntax.h"
#include "util/arena.h"
#include "util/strbuf.h"

#define MAX_STACK 80

/* Findings of one rule per record at most; the last one says how many more the tree holds. */
#define MAX_PER_RULE 10

static const al_rule_code tree_rules[] = {AL_RULE_SPF014, AL_RULE_SPF015, AL_RULE_SPF016, AL_RULE_SPF027, AL_RULE_SPF030, AL_RULE_SPF031, AL_RULE_SPF032};
#define TREE_RULES (sizeof(tree_rules) / sizeof(tree_rules[0]))

typedef struct walk {
	const al_check_args *args;
	const al_spf_tree *tree;
	const al_spf_tree_row *stack[MAX_STACK]; /* the term row at each depth */
	size_t total[TREE_RULES];                /* findings the tree holds, per rule */
	size_t given[TREE_RULES];                /* findings raised so far */
	bool counting;                           /* first pass: count only */
} walk;

static size_t rule_index(al_rule_code id)
{
	for (size_t i = 0; i < TREE_RULES; i++)
		if (tree_rules[i] == id)
			return i;
	return 0;
}

/* The term of the record under check that leads to row @p i (itself at depth 0). */
static const al_spf_tree_term *root_term(const walk *w, size_t depth)
{
	(void)depth;
	return w->stack[0] ? w->stack[0]->term : NULL;
}

/* "include:a.example (Service) -> include:b.example" for the rows leading to @p depth. */
static const char *path_text(const walk *w, size_t depth)
{
	al_strbuf sb = AL_STRBUF_INIT;
	for (size_t d = 0; d < depth && d < MAX_STACK; d++) {
		const al_spf_tree_row *r = w->stack[d];
		if (r == NULL || r->term == NULL)
			continue;
		const al_spf_term *t = r->term->term;
		if (sb.length > 0)
			al_strbuf_puts(&sb, " -> ");
		if (d > 0)
			al_strbuf_printf(&sb, "%s: ", r->node->domain ? r->node->domain : "?");
		al_strbuf_append(&sb, r->node->text + t->start, t->length);
		const al_spf_node *c = r->term->child;
		if (c != NULL && c->sender != NULL)
			al_strbuf_printf(&sb, " (%s)", c->sender);
	}
	char *s = al_arena_strndup(al_lint_unit_arena(w->args->lint), al_strbuf_cstr(&sb), sb.length);
	al_strbuf_free(&sb);
	return s;
}

static al_finding *begin_at(walk *w, al_rule_code id, size_t depth)
{
	size_t k = rule_index(id);
	if (w->counting) {
		w->total[k]++;
		return NULL;
	}
	if (w->given[k] >= MAX_PER_RULE)
		return NULL;
	w->given[k]++;
	al_finding *f = al_finding_begin(w->args->lint, id, w->args->subject);
	if (f == NULL)
		return NULL;
	const al_spf_tree_term *rt = root_term(w, depth);
	if (rt != NULL)
		al_finding_span(f, rt->term->start, rt->term->length);
	const char *via = depth > 1 ? path_text(w, depth) : NULL;
	size_t more = w->given[k] == MAX_PER_RULE ? w->total[k] - MAX_PER_RULE : 0;
	if (more > 0)
		al_finding_context(f, "%s%s%s%zu more like it in the lookup tree (authlint spf %s --tree lists them)",
				   via ? "via " : "", via ? via : "", via ? "; " : "", more,
				   w->tree->root->domain ? w->tree->root->domain : "DOMAIN");
	else if (via != NULL)
		al_finding_context(f, "via %s", via);
	return f;
}

/* The root-level cost breakdown: "include:x (Service) 4, a 1, ..." */
static const char *breakdown(const walk *w)
{
	const al_spf_node *root = w->tree->root;
	al_strbuf sb = AL_STRBUF_INIT;
	for (size_t i = 0; i < root->term_count; i++) {
		const al_spf_tree_term *tt = &root->terms[i];
		if (!tt->evaluated || tt->cost == 0)
			continue;
		size_t cost = tt->cost + (tt->child ? tt->child->cost : 0);
		bool unknown = tt->child != NULL && tt->child->unknown > 0;
		if (sb.length > 0)
			al_strbuf_puts(&sb, ", ");
		al_strbuf_append(&sb, root->text + tt->term->start, tt->term->length);
		if (tt->child != NULL && tt->child->sender != NULL)
			al_strbuf_printf(&sb, " (%s)", tt->child->sender);
		al_strbuf_printf(&sb, " %s%zu", unknown ? ">=" : "", cost);
	}
	char *s = al_arena_strndup(al_lint_unit_arena(w->args->lint), al_strbuf_cstr(&sb), sb.length);
	al_strbuf_free(&sb);
	return s;
}

/* Targets whose cost is not known: the count so far is only a lower bound (SPF036). */
static void not_counted(walk *w, const char *est)
{
	const al_spf_tree *tree = w->tree;
	al_strbuf names = AL_STRBUF_INIT;
	size_t n = 0;
	for (size_t i = 0; i < tree->row_count; i++) {
		const al_spf_tree_row *r = &tree->rows[i];
		const al_spf_node *c = r->term != NULL ? r->term->child : NULL;
		if (c == NULL || c->estimated || (c->status != AL_SPF_NODE_NOT_FOLLOWED && c->status != AL_SPF_NODE_LOOKUP_FAILED &&
				  c->status != AL_SPF_NODE_MACRO && c->status != AL_SPF_NODE_TOO_DEEP))
			continue;
		if (n++ < 6)
			al_strbuf_printf(&names, "%s%s", n > 1 ? ", " : "", c->domain ? c->domain : "?");
	}
	if (n > 6)
		al_strbuf_printf(&names, " and %zu more", n - 6);
	if (n == 0)
		al_strbuf_printf(&names, "%zu target%s", tree->not_followed, tree->not_followed == 1 ? "" : "s");
	al_finding *f = al_finding_begin(w->args->lint, AL_RULE_SPF036, w->args->subject);
	al_finding_arg(f, "count", "%zu%s", tree->lookups, est);
	al_finding_arg(f, "targets", "%s", al_strbuf_cstr(&names));
	al_finding_end(w->args->lint, f);
	al_strbuf_free(&names);
}

/* Every target not looked up is in the provider snapshot: a count to trust as far as the snapshot (SPF039). */
static void estimated(walk *w)
{
	const al_spf_tree *tree = w->tree;
	al_strbuf names = AL_STRBUF_INIT;
	size_t n = 0;
	for (size_t i = 0; i < tree->row_count; i++) {
		const al_spf_tree_row *r = &tree->rows[i];
		if (r->term != NULL || !r->node->estimated)
			continue;
		if (n++ < 6)
			al_strbuf_printf(&names, "%s%s", n > 1 ? ", " : "", r->node->domain ? r->node->domain : "?");
	}
	if (n > 6)
		al_strbuf_printf(&names, " and %zu more", n - 6);
	al_finding *f = al_finding_begin(w->args->lint, AL_RULE_SPF039, w->args->subject);
	al_finding_arg(f, "count", "%zu", tree->lookups);
	al_finding_arg(f, "date", "%s", tree->snapshot_date ? tree->snapshot_date : "?");
	al_finding_arg(f, "targets", "%s", al_strbuf_cstr(&names));
	al_finding_end(w->args->lint, f);
	al_strbuf_free(&names);
}

static void limit_findings(walk *w)
{
	const al_spf_tree *tree = w->tree;
	al_lint *lint = w->args->lint;
	bool unknown = tree->not_followed > 0;
	/* targets not looked up whose cost the provider snapshot gives */
	const char *est = tree->estimated == 0 ? ""
			  : al_arena_printf(al_lint_unit_arena(lint), " (with the provider snapshot of %s for %zu target%s)",
					    tree->snapshot_date ? tree->snapshot_date : "?", tree->estimated,
					    tree->estimated == 1 ? "" : "s");
	if (tree->lookups > AL_SPF_MAX_LOOKUPS) {
		/* the term of the record under check where the count passes 10 */
		size_t at = tree->row_count;
		for (size_t i = 0; i < tree->row_count; i++)
			if (tree->rows[i].over_limit) {
				at = i;
				break;
			}
		const al_spf_tree_row *crossing = NULL;
		for (size_t i = 0; i <= at && i < tree->row_count; i++)
			if (tree->rows[i].depth == 0 && tree->rows[i].term != NULL)
				crossing = &tree->rows[i];
		al_finding *f = al_finding_begin(lint, AL_RULE_SPF011, w->args->subject);
		if (crossing != NULL)
			al_finding_span(f, crossing->term->term->start, crossing->term->term->length);
		al_finding_arg(f, "count", "%s%zu%s", unknown ? "at least " : "", tree->lookups, est);
		al_finding_context(f, "%s", breakdown(w));
		al_finding_end(lint, f);
	} else if (tree->lookups >= 8) {
		al_finding *f = al_finding_begin(lint, AL_RULE_SPF012, w->args->subject);
		al_finding_arg(f, "count", "%s%zu%s", unknown ? "at least " : "", tree->lookups, est);
		al_finding_context(f, "%s", breakdown(w));
		al_finding_end(lint, f);
	}
	else if (unknown)
		not_counted(w, est);
	else if (tree->estimated > 0)
		estimated(w);
	if (tree->void_lookups > AL_SPF_MAX_VOID_LOOKUPS) {
		const al_spf_tree_row *crossing = NULL;
		for (size_t i = 0; i < tree->row_count; i++) {
			if (tree->rows[i].depth == 0 && tree->rows[i].term != NULL)
				crossing = &tree->rows[i];
			if (tree->rows[i].voids_over_limit)
				break;
		}
		al_finding *f = al_finding_begin(lint, AL_RULE_SPF013, w->args->subject);
		if (crossing != NULL)
			al_finding_span(f, crossing->term->term->start, crossing->term->term->length);
		al_finding_arg(f, "count", "%zu", tree->void_lookups);
		al_finding_end(lint, f);
	}
}

static void node_findings(walk *w, const al_spf_tree_row *row)
{
	const al_spf_node *n = row->node;
	const al_spf_tree_term *via = row->via;
	size_t depth = row->depth;
	if (via == NULL)
		return;
	bool redirect = via->term->type == AL_SPF_TERM_REDIRECT;
	const char *why = NULL;
	switch (n->status) {
	case AL_SPF_NODE_NO_RECORD:
		why = n->detail && strcmp(n->detail, "NXDOMAIN") == 0 ? "does not exist (NXDOMAIN)"
								     : "has no \"v=spf1\" TXT record";
		break;
	case AL_SPF_NODE_MULTIPLE:
		why = al_arena_printf(al_lint_unit_arena(w->args->lint), "has %s", n->detail);
		break;
	case AL_SPF_NODE_INVALID_NAME:
		why = n->detail ? n->detail : "is not a valid domain name";
		break;
	case AL_SPF_NODE_OK:
		if (n->record != NULL && n->record->error_count > 0)
			why = al_arena_printf(al_lint_unit_arena(w->args->lint),
					      "has a record with a syntax error (%s)", n->record->errors[0].message);
		break;
	case AL_SPF_NODE_LOOP: {
		al_finding *f = begin_at(w, AL_RULE_SPF016, depth);
		al_finding_arg(f, "kind", "%s", redirect ? "redirect" : "include");
		al_finding_arg(f, "cycle", "%s", n->detail ? n->detail : n->domain);
		al_finding_end(w->args->lint, f);
		return;
	}
	case AL_SPF_NODE_MACRO: {
		al_finding *f = begin_at(w, AL_RULE_SPF030, depth);
		al_finding_arg(f, "kind", "%s", redirect ? "redirect" : "include");
		al_finding_end(w->args->lint, f);
		return;
	}
	default:
		break;
	}
	if (why != NULL) {
		al_finding *f = begin_at(w, redirect ? AL_RULE_SPF015 : AL_RULE_SPF014, depth);
		al_finding_arg(f, "target", "%s", n->domain ? n->domain : "?");
		al_finding_arg(f, "why", "%s", why);
		al_finding_end(w->args->lint, f);
	}
	if (n->status == AL_SPF_NODE_OK && n->permissive_all) {
		al_finding *f = begin_at(w, AL_RULE_SPF027, depth);
		al_finding_arg(f, "kind", "%s", redirect ? "redirect" : "include");
		al_finding_arg(f, "target", "%s%s%s%s", n->domain, n->sender ? " (" : "", n->sender ? n->sender : "",
			       n->sender ? ")" : "");
		al_finding_end(w->args->lint, f);
	}
}

static void term_findings(walk *w, const al_spf_tree_row *row)
{
	const al_spf_tree_term *tt = row->term;
	const al_spf_node *n = row->node;
	al_lint *lint = w->args->lint;
	if (!tt->evaluated)
		return;
	/* the term's text, made only for a finding raised (not on the counting pass) */
#define TERM_TEXT() al_arena_strndup(al_lint_unit_arena(lint), n->text + tt->term->start, tt->term->length)
	/* an include or redirect to a name without a record: SPF014/SPF015 say it */
	bool target_missing = tt->child != NULL && tt->child->status == AL_SPF_NODE_NO_RECORD;
	if (tt->void_lookups > 0 && !target_missing) {
		al_finding *f = begin_at(w, AL_RULE_SPF032, row->depth + 1);
		if (f != NULL)
			al_finding_arg(f, "what", "%s%s%s", TERM_TEXT(), row->depth > 0 ? " in the record of " : "",
				       row->depth > 0 ? n->domain : "");
		al_finding_arg(f, "detail", "%s", tt->detail ? tt->detail : "a void lookup");
		al_finding_end(lint, f);
	}
	if (tt->names > AL_SPF_MAX_NAMES) {
		al_finding *f = begin_at(w, AL_RULE_SPF031, row->depth + 1);
		if (f != NULL)
			al_finding_arg(f, "what", "%s%s%s", TERM_TEXT(), row->depth > 0 ? " in the record of " : "",
				       row->depth > 0 ? n->domain : "");
		al_finding_arg(f, "names", "%zu", tt->names);
		al_finding_end(lint, f);
	}
#undef TERM_TEXT
}

void al_check_spf_lookups(const al_check_args *args)
{
	const al_spf_record *rec = args->parsed;
	if (rec == NULL || !rec->version_ok)
		return;
	al_spf_tree tree;
	const char *domain = args->subject->domain ? args->subject->domain : args->subject->owner;
	if (al_spf_lint_tree(args->lint, domain, args->subject, rec, &tree) != AL_OK)
		return;
	walk w;
	memset(&w, 0, sizeof(w));
	w.args = args;
	w.tree = &tree;
	/* twice over the rows: count, then raise (at most MAX_PER_RULE of a rule) */
	for (int pass = 0; pass < 2; pass++) {
		w.counting = pass == 0;
		memset(w.stack, 0, sizeof(w.stack));
		for (size_t i = 0; i < tree.row_count; i++) {
			const al_spf_tree_row *r = &tree.rows[i];
			if (r->depth >= MAX_STACK)
				continue;
			if (r->term == NULL) {
				node_findings(&w, r);
			} else {
				w.stack[r->depth] = r;
				term_findings(&w, r);
			}
		}
	}
	limit_findings(&w);
}
