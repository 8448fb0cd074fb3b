/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The inventory of one domain in check mode: what its SPF record costs and
 * gives a stranger, the DMARC policy in force under each receiver generation
 * and where it was found, the DKIM selectors with a usable key. Collected
 * from the same summaries the checks use (the answers are in the unit's
 * cache), after the DOMAIN stage; raises no findings.
 */
#include <string.h>

#include <authlint/bulk.h>
#include <authlint/dmarc_discovery.h>

#include "check/family_api.h"
#include "check/lint_context.h"
#include "check/lint_private.h"
#include "check/spf_family.h"
#include "util/arena.h"

/* Nesting bound of the walk below; the tree itself is bounded too. */
#define MAX_DEPTH 24

static const char *qualifier_result(char q)
{
	switch (q) {
	case '-':
		return "fail";
	case '~':
		return "softfail";
	case '?':
		return "neutral";
	default:
		return "pass";
	}
}

/*
 * What check_host() gives, at @p node, a host that no ip4, ip6, a, mx, ptr or
 * exists term lists: the first include whose record passes everyone, the
 * "all" term, the redirect's result, else neutral (RFC 7208 4.7). An include
 * target without a record is a permerror (5.2); a target not followed leaves
 * the result unknown.
 */
static const char *default_result(const al_spf_node *node, bool top, unsigned depth)
{
	if (node == NULL || depth > MAX_DEPTH)
		return "unknown";
	switch (node->status) {
	case AL_SPF_NODE_OK:
		break;
	case AL_SPF_NODE_NO_RECORD:
		return top ? "none" : "permerror";
	case AL_SPF_NODE_MULTIPLE:
	case AL_SPF_NODE_LOOP:
	case AL_SPF_NODE_INVALID_NAME:
		return "permerror";
	default:
		return "unknown";
	}
	if (node->permerror)
		return "permerror";
	for (size_t i = 0; i < node->term_count; i++) {
		const al_spf_tree_term *t = &node->terms[i];
		if (!t->evaluated || t->term == NULL)
			continue;
		switch (t->term->type) {
		case AL_SPF_TERM_ALL:
			return qualifier_result(t->term->qualifier);
		case AL_SPF_TERM_INCLUDE: {
			const char *r = default_result(t->child, false, depth + 1);
			if (strcmp(r, "pass") == 0)
				return qualifier_result(t->term->qualifier);
			if (strcmp(r, "permerror") == 0 || strcmp(r, "unknown") == 0)
				return r;
			break; /* fail, softfail, neutral: no match, go on */
		}
		case AL_SPF_TERM_REDIRECT:
			return default_result(t->child, false, depth + 1);
		default:
			break;
		}
	}
	return "neutral";
}

static void collect_spf(al_lint *lint, const char *domain, al_domain_inventory *inv)
{
	inv->spf_state = "unknown";
	inv->spf_result = "unknown";
	al_spf_tree tree;
	if (al_spf_lint_tree(lint, domain, NULL, NULL, &tree) != AL_OK || tree.root == NULL)
		return;
	const al_spf_node *root = tree.root;
	switch (root->status) {
	case AL_SPF_NODE_OK:
		inv->spf_state = "record";
		break;
	case AL_SPF_NODE_NO_RECORD:
		inv->spf_state = "none";
		break;
	case AL_SPF_NODE_MULTIPLE:
		inv->spf_state = "several";
		break;
	default:
		return;
	}
	if (root->text != NULL)
		inv->spf_record = al_arena_strndup(al_lint_unit_arena(lint), root->text, root->length);
	inv->spf_lookups = tree.lookups;
	inv->spf_lookups_lower_bound = tree.not_followed > 0;
	inv->spf_void_lookups = tree.void_lookups;
	if (root->status == AL_SPF_NODE_OK &&
	    (tree.lookups > AL_SPF_MAX_LOOKUPS || tree.void_lookups > AL_SPF_MAX_VOID_LOOKUPS))
		inv->spf_result = "permerror"; /* the limits are hit whoever connects */
	else
		inv->spf_result = default_result(root, true, 0);
}

static void collect_dmarc(al_lint *lint, const al_dmarc_outcome *o, bool rfc9989, al_inventory_dmarc *out)
{
	switch (o->found) {
	case AL_DMARC_FOUND_DOMAIN:
		out->found = "name";
		break;
	case AL_DMARC_FOUND_ORGANIZATIONAL:
		out->found = rfc9989 ? "tree-walk" : "psl";
		break;
	case AL_DMARC_FOUND_PSD:
		out->found = "psd";
		break;
	case AL_DMARC_FOUND_NONE:
		out->found = "none";
		break;
	default:
		out->found = "unknown";
		break;
	}
	if (o->record == NULL || o->policy_domain == NULL)
		return;
	out->record_name = al_arena_concat(al_lint_unit_arena(lint), "_dmarc.", o->policy_domain, NULL);
	if (!o->effect.applies)
		return;
	out->policy = al_dmarc_policy_name(o->effect.requested);
	out->applied = al_dmarc_policy_name(o->effect.applied);
	out->percent = o->effect.percent;
}

static void collect_dkim(al_lint *lint, const char *domain, al_domain_inventory *inv)
{
	inv->dkim_source = "none";
	al_dkim_summary s;
	if (al_dkim_summarize(lint, NULL, domain, NULL, 0, &s) != AL_OK)
		return;
	switch (s.source) {
	case AL_DKIM_SELECTORS_GIVEN:
		inv->dkim_source = "given";
		break;
	case AL_DKIM_SELECTORS_ZONE:
		inv->dkim_source = "zone";
		break;
	case AL_DKIM_SELECTORS_DISCOVERED:
		inv->dkim_source = "discovered";
		break;
	default:
		return;
	}
	inv->dkim_selectors_asked = s.selectors;
	inv->dkim_not_probed = s.not_probed;
	inv->dkim_keys = s.keys;
	inv->dkim_failed = s.failed;
	inv->dkim_usable = s.usable_selectors;
	inv->dkim_usable_count = s.usable_selectors != NULL ? s.usable : 0;
}

void al_lint_collect_inventory(al_lint *lint, const char *domain)
{
	al_domain_inventory *inv = &lint->inventory;
	memset(inv, 0, sizeof(*inv));
	/* the checks asked all this already: the counts stay theirs */
	size_t lookups = lint->summary.lookups, unit_lookups = lint->unit_lookups;
	collect_spf(lint, domain, inv);
	inv->dmarc_rfc9989.found = inv->dmarc_rfc7489.found = "unknown";
	al_dmarc_discovery *d = NULL;
	if (al_dmarc_discover(lint, domain, &d) == AL_OK && d != NULL) {
		collect_dmarc(lint, &d->rfc9989, true, &inv->dmarc_rfc9989);
		collect_dmarc(lint, &d->rfc7489, false, &inv->dmarc_rfc7489);
	}
	collect_dkim(lint, domain, inv);
	lint->summary.lookups = lookups;
	lint->unit_lookups = unit_lookups;
	lint->inventory_ready = true;
}

void al_lint_want_inventory(al_lint *lint, bool want)
{
	lint->want_inventory = want;
}

const al_domain_inventory *al_lint_inventory(const al_lint *lint)
{
	return lint->inventory_ready ? &lint->inventory : NULL;
}
