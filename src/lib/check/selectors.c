/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DKIM selectors. Which ones to look at for a domain: those given (--selector),
 * every <selector>._domainkey.<domain> owner of a zone file, or in live mode
 * the discovery list, probed in one batch. Which provider a selector's CNAME
 * points to. And the DOMAIN-stage check that probes the discovery list and
 * lints the keys it finds.
 *
 * rules/selectors.yaml:
 *   selectors: [default, dkim, ...]          probed in live mode (with the
 *                                            dkim-selectors of senders.yaml)
 *   providers:
 *     - name: Microsoft 365
 *       cname: ['\.onmicrosoft\.com$']       PCRE2, caseless, on the CNAME target
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/dkim_selectors.h"
#include "check/dmarc_checks.h"
#include "check/orgdomain.h"
#include "check/family_api.h"
#include "rules_internal.h"
#include "spf/spf_internal.h"
#include "util/arena.h"
#include "util/hash.h"
#include "util/strbuf.h"
#include "util/yaml.h"

typedef struct provider {
	const char *name;
	pcre2_code **patterns;
	size_t pattern_count;
} provider;

typedef struct sel_list {
	const char **items;
	size_t count, capacity;
} sel_list;

typedef struct dkim_state {
	al_arena arena;
	const char **list;          /* the discovery list */
	size_t list_count;
	provider *providers;
	size_t provider_count;
	al_senders *senders;
	pcre2_match_data *match;
	const al_zone *indexed;     /* the zone of zone_map */
	al_map zone_map;            /* domain -> sel_list */
	al_map usable;              /* "<owner>/<hash of the RDATA>" -> 1 (no key) 2 (unusable) 3 (usable):
				       the DMARC checks of every domain ask about the same keys */
} dkim_state;

static void state_free(void *p)
{
	dkim_state *s = p;
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->provider_count; i++)
		for (size_t k = 0; k < s->providers[i].pattern_count; k++)
			pcre2_code_free(s->providers[i].patterns[k]);
	size_t index = 0;
	const char *key;
	void *value;
	while (al_map_next(&s->zone_map, &index, &key, &value)) {
		sel_list *l = value;
		free(l->items);
	}
	al_map_free(&s->zone_map);
	al_map_free(&s->usable);
	al_senders_free(s->senders);
	pcre2_match_data_free(s->match);
	al_arena_clear(&s->arena);
	free(s);
}

static bool list_add(dkim_state *s, const char *sel, size_t *cap)
{
	for (size_t i = 0; i < s->list_count; i++)
		if (strcasecmp(s->list[i], sel) == 0)
			return true;
	if (s->list_count == *cap) {
		size_t n = *cap ? *cap * 2 : 32;
		const char **p = al_arena_alloc(&s->arena, n * sizeof(*p));
		if (p == NULL)
			return false;
		if (s->list_count)
			memcpy(p, s->list, s->list_count * sizeof(*p));
		s->list = p;
		*cap = n;
	}
	s->list[s->list_count++] = al_arena_strdup(&s->arena, sel);
	return true;
}

/* Read selectors.yaml. A file that does not parse leaves the lists empty
 * (tests/unit/test_dkim.c proves the built-in one parses). */
static void load_yaml(dkim_state *s, const al_rules *rules, size_t *cap)
{
	size_t length = 0;
	const char *label = NULL;
	const char *text = al_rules_data(rules, "selectors.yaml", &length, &label);
	if (text == NULL)
		return;
	yaml_document_t doc;
	al_error err;
	if (al_yaml_load_buffer(label ? label : "selectors.yaml", text, length, &doc, &err) != AL_OK)
		return;
	yaml_node_t *root = al_yaml_root(&doc);
	yaml_node_t *sels = al_yaml_map_get(&doc, root, "selectors");
	for (size_t i = 0; i < al_yaml_seq_count(sels); i++) {
		const char *v = al_yaml_scalar(al_yaml_seq_at(&doc, sels, i));
		if (v != NULL && s->list_count < AL_DKIM_MAX_PROBE)
			list_add(s, v, cap);
	}
	yaml_node_t *provs = al_yaml_map_get(&doc, root, "providers");
	size_t n = al_yaml_seq_count(provs);
	s->providers = n ? al_arena_calloc(&s->arena, n, sizeof(*s->providers)) : NULL;
	for (size_t i = 0; s->providers != NULL && i < n; i++) {
		yaml_node_t *item = al_yaml_seq_at(&doc, provs, i);
		const char *name = al_yaml_scalar(al_yaml_map_get(&doc, item, "name"));
		yaml_node_t *pats = al_yaml_map_get(&doc, item, "cname");
		size_t pn = al_yaml_seq_count(pats);
		if (name == NULL || pn == 0)
			continue;
		provider *p = &s->providers[s->provider_count];
		p->name = al_arena_strdup(&s->arena, name);
		p->patterns = al_arena_calloc(&s->arena, pn, sizeof(*p->patterns));
		if (p->name == NULL || p->patterns == NULL)
			break;
		for (size_t k = 0; k < pn; k++) {
			const char *pat = al_yaml_scalar(al_yaml_seq_at(&doc, pats, k));
			int ec;
			PCRE2_SIZE off;
			pcre2_code *code = pat ? pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS,
								&ec, &off, NULL)
					       : NULL;
			if (code != NULL)
				p->patterns[p->pattern_count++] = code;
		}
		s->provider_count++;
	}
	yaml_document_delete(&doc);
}

static dkim_state *state(al_lint *lint)
{
	dkim_state *s = al_lint_family_state(lint, AL_KIND_DKIM);
	if (s != NULL)
		return s;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	al_arena_init(&s->arena);
	al_map_init(&s->zone_map, true);
	al_map_init(&s->usable, false);
	s->match = pcre2_match_data_create(4, NULL);
	size_t cap = 0;
	const al_rules *rules = al_lint_rules(lint);
	load_yaml(s, rules, &cap);
	al_error err;
	if (al_senders_load(rules, &s->senders, &err) != AL_OK)
		s->senders = NULL;
	for (size_t i = 0; i < al_senders_count(s->senders); i++) {
		const al_sender *snd = al_senders_at(s->senders, i);
		for (size_t k = 0; k < snd->selector_count && s->list_count < AL_DKIM_MAX_PROBE; k++)
			list_add(s, snd->selectors[k], &cap);
	}
	al_lint_set_family_state(lint, AL_KIND_DKIM, s, state_free);
	return s;
}

const char *al_dkim_provider_of(al_lint *lint, const char *target)
{
	dkim_state *s = state(lint);
	if (s == NULL || target == NULL || s->match == NULL)
		return NULL;
	for (size_t i = 0; i < s->provider_count; i++)
		for (size_t k = 0; k < s->providers[i].pattern_count; k++)
			if (pcre2_match(s->providers[i].patterns[k], (PCRE2_SPTR)target, strlen(target), 0, 0,
					s->match, NULL) >= 0)
				return s->providers[i].name;
	return NULL;
}

const char *al_dkim_selector_services(al_lint *lint, const char *selector)
{
	dkim_state *s = state(lint);
	if (s == NULL)
		return NULL;
	al_strbuf sb = AL_STRBUF_INIT;
	for (size_t i = 0; i < al_senders_count(s->senders); i++) {
		const al_sender *snd = al_senders_at(s->senders, i);
		for (size_t k = 0; k < snd->selector_count; k++)
			if (strcasecmp(snd->selectors[k], selector) == 0)
				al_strbuf_printf(&sb, "%s%s", sb.length ? ", " : "", snd->name);
	}
	const char *out = sb.length ? al_arena_strdup(al_lint_unit_arena(lint), al_strbuf_cstr(&sb)) : NULL;
	al_strbuf_free(&sb);
	return out;
}

size_t al_dkim_discovery_list(al_lint *lint, const char *const **out)
{
	dkim_state *s = state(lint);
	*out = s ? s->list : NULL;
	return s ? s->list_count : 0;
}

/* ---- selectors of a zone ------------------------------------------------------------ */

typedef struct index_walk {
	dkim_state *s;
} index_walk;

static bool index_name(void *userdata, const char *name, uint64_t types)
{
	(void)types;
	dkim_state *s = ((index_walk *)userdata)->s;
	const char *p = strstr(name, "._domainkey.");
	if (p == NULL || p == name)
		return true;
	const char *domain = p + 12;
	sel_list *l = al_map_get(&s->zone_map, domain);
	if (l == NULL) {
		l = al_arena_calloc(&s->arena, 1, sizeof(*l));
		char *key = al_arena_strdup(&s->arena, domain);
		if (l == NULL || key == NULL || !al_map_put(&s->zone_map, key, l))
			return false;
	}
	if (l->count == l->capacity) {
		size_t n = l->capacity ? l->capacity * 2 : 4;
		const char **items = realloc(l->items, n * sizeof(*items));
		if (items == NULL)
			return false;
		l->items = items;
		l->capacity = n;
	}
	l->items[l->count++] = al_arena_strndup(&s->arena, name, (size_t)(p - name));
	return true;
}

size_t al_dkim_zone_selectors(al_lint *lint, const al_zone *zone, const char *domain, const char *const **out)
{
	*out = NULL;
	dkim_state *s = state(lint);
	if (s == NULL || zone == NULL)
		return 0;
	if (s->indexed != zone) {
		/* a new zone: forget the old index */
		size_t index = 0;
		const char *key;
		void *value;
		while (al_map_next(&s->zone_map, &index, &key, &value))
			free(((sel_list *)value)->items);
		al_map_free(&s->zone_map);
		al_map_init(&s->zone_map, true);
		index_walk w = {s};
		al_zone_foreach_name(zone, index_name, &w);
		s->indexed = zone;
	}
	sel_list *l = al_map_get(&s->zone_map, domain);
	if (l == NULL)
		return 0;
	*out = l->items;
	return l->count;
}

/* ---- summaries for other families (family_api.h) ------------------------------------ */

static bool domainkey_exists(al_lint *lint, const char *domain, bool *none);

static bool answer_keys_parse(al_lint *lint, const al_answer *a, bool *usable);

static bool answer_keys(al_lint *lint, const al_answer *a, bool *usable)
{
	dkim_state *s = state(lint);
	if (s == NULL || a->rcode != AL_RCODE_NOERROR || a->name == NULL)
		return answer_keys_parse(lint, a, usable);
	uint64_t h = 0;
	for (size_t i = 0; i < a->count; i++)
		h = h * 31 + al_hash_bytes(a->rrs[i].rdata, a->rrs[i].rdlength) + a->rrs[i].type;
	char key[AL_NAME_MAX + 24];
	snprintf(key, sizeof(key), "%s/%016llx", a->name, (unsigned long long)h);
	uintptr_t known = (uintptr_t)al_map_get(&s->usable, key);
	if (known != 0) {
		*usable = known == 3;
		return known != 1;
	}
	bool any = answer_keys_parse(lint, a, usable);
	char *k = al_arena_strdup(&s->arena, key);
	if (k != NULL)
		al_map_put(&s->usable, k, (void *)(uintptr_t)(!any ? 1 : *usable ? 3 : 2));
	return any;
}

static bool answer_keys_parse(al_lint *lint, const al_answer *a, bool *usable)
{
	bool any = false;
	*usable = false;
	for (size_t i = 0; a->rcode == AL_RCODE_NOERROR && i < a->count; i++) {
		if (a->rrs[i].type != AL_TYPE_TXT)
			continue;
		al_subject sub;
		if (!al_subject_from_rr(lint, &sub, &a->rrs[i], AL_KIND_DKIM))
			continue;
		any = true;
		al_dkim_record *r = al_dkim_family_parse(lint, &sub);
		if (r != NULL && al_dkim_key_usable(r))
			*usable = true;
	}
	return any;
}

al_status al_dkim_summarize(al_lint *lint, const al_zone *zone, const char *domain,
			    const char *const *selectors, size_t count, al_dkim_summary *out)
{
	memset(out, 0, sizeof(*out));
	const al_lint_options *o = al_lint_get_options(lint);
	const char *const *given = NULL;
	size_t given_count = al_lint_selectors(lint, &given);
	if (selectors == NULL || count == 0) {
		if (given_count > 0) {
			selectors = given;
			count = given_count;
			out->source = AL_DKIM_SELECTORS_GIVEN;
		} else if (zone != NULL) {
			count = al_dkim_zone_selectors(lint, zone, domain, &selectors);
			out->source = AL_DKIM_SELECTORS_ZONE;
		} else if (!o->offline && !o->no_selector_discovery && al_lint_has_source(lint)) {
			out->source = AL_DKIM_SELECTORS_DISCOVERED;
			bool none = false;
			if (!domainkey_exists(lint, domain, &none)) {
				out->failed++;
				return AL_OK;
			}
			if (none)
				return AL_OK; /* proven: no selector at all */
			count = al_dkim_discovery_list(lint, &selectors);
		} else {
			out->source = AL_DKIM_SELECTORS_NONE;
			return AL_OK;
		}
	} else {
		out->source = AL_DKIM_SELECTORS_GIVEN;
	}
	al_arena *arena = al_lint_unit_arena(lint);
	const char **usable = count ? al_arena_calloc(arena, count, sizeof(*usable)) : NULL;
	for (size_t i = 0; i < count && i < AL_DKIM_MAX_PROBE; i++) {
		char *name = al_arena_printf(arena, "%s._domainkey.%s", selectors[i], domain);
		if (name == NULL)
			return AL_ENOMEM;
		out->selectors++;
		const al_answer *a = al_lint_lookup(lint, name, AL_TYPE_TXT);
		if (a->rcode != AL_RCODE_NOERROR && a->rcode != AL_RCODE_NXDOMAIN) {
			out->failed++;
			continue;
		}
		bool ok = false;
		if (answer_keys(lint, a, &ok)) {
			out->keys++;
			if (ok && usable != NULL)
				usable[out->usable++] = selectors[i];
		}
	}
	out->usable_selectors = usable;
	return AL_OK;
}

/* ---- probing the discovery list (DOMAIN stage, live mode) ------------------------------ */

/*
 * Does _domainkey.<domain> exist? False when the lookup is pending or failed
 * (the caller stops); *none is set for NXDOMAIN, which by RFC 8020 proves that
 * no <selector>._domainkey.<domain> exists either, saving the probes.
 */
static bool domainkey_exists(al_lint *lint, const char *domain, bool *none)
{
	*none = false;
	const char *name = al_arena_printf(al_lint_unit_arena(lint), "_domainkey.%s", domain);
	if (name == NULL)
		return false;
	const al_answer *a = al_lint_lookup(lint, name, AL_TYPE_TXT);
	if (a->rcode == AL_RCODE_NXDOMAIN) {
		*none = true;
		return true;
	}
	return a->rcode == AL_RCODE_NOERROR;
}

static void lint_found_key(const al_check_args *parent, const char *name, const char *selector,
			   const al_answer *a)
{
	al_lint *lint = parent->lint;
	size_t txt = 0, index = 0;
	for (size_t i = 0; i < a->count; i++)
		txt += a->rrs[i].type == AL_TYPE_TXT;
	for (size_t i = 0; i < a->count; i++) {
		if (a->rrs[i].type != AL_TYPE_TXT)
			continue;
		al_subject sub;
		if (!al_subject_from_rr(lint, &sub, &a->rrs[i], AL_KIND_DKIM))
			continue;
		sub.owner = a->name ? a->name : name;
		sub.domain = parent->domain;
		sub.selector = selector;
		index++;
		if (txt > 1) {
			/* as at a selector given by name (select.c) */
			al_finding *f = al_finding_begin(lint, "DKIM001", &sub);
			al_finding_arg(f, "count", "%zu", txt);
			al_finding_arg(f, "index", "%zu", index);
			al_finding_end(lint, f);
		}
		al_check_args args = {.lint = lint, .subject = &sub, .parsed = al_dkim_family_parse(lint, &sub)};
		al_check_dkim_syntax(&args);
		al_check_dkim_key(&args);
		al_check_declarative(&args);
	}
	if (a->cname_count > 0 && a->cnames != NULL &&
	    !al_same_organization(a->cnames[a->cname_count - 1], parent->domain)) {
		const char *target = a->cnames[a->cname_count - 1];
		const char *prov = al_dkim_provider_of(lint, target);
		al_finding *f = al_finding_begin(lint, "DKIM031", NULL);
		al_finding_owner(f, name);
		al_finding_arg(f, "selector", "%s", selector);
		al_finding_arg(f, "target", "%s", target);
		al_finding_arg(f, "provider", "%s", prov ? prov : "a provider authlint does not know");
		al_finding_arg(f, "status", "the key there is checked below");
		al_finding_end(lint, f);
	}
}

void al_check_dkim_discovery(const al_check_args *args)
{
	al_lint *lint = args->lint;
	const al_lint_options *o = al_lint_get_options(lint);
	const char *const *given = NULL;
	if (args->zone != NULL || args->domain == NULL || o->offline || o->no_selector_discovery ||
	    !al_lint_has_source(lint) || al_lint_selectors(lint, &given) > 0)
		return;
	const char *const *list = NULL;
	size_t n = al_dkim_discovery_list(lint, &list);
	if (n == 0)
		return;
	al_arena *arena = al_lint_unit_arena(lint);
	/* RFC 8020: when _domainkey.<domain> does not exist, no selector below it does */
	bool none;
	if (!domainkey_exists(lint, args->domain, &none))
		return; /* pending or failed: the pass runs again, or the failure is reported */
	if (none) {
		al_finding *f = al_finding_begin(lint, "DKIM033", NULL);
		al_finding_owner(f, args->domain);
		al_finding_arg(f, "domain", "%s", args->domain);
		al_finding_arg(f, "count", "%s", "0");
		al_finding_arg(f, "why", "_domainkey.%s does not exist (NXDOMAIN), so no selector below it does",
			       args->domain);
		al_finding_end(lint, f);
		return;
	}
	const al_answer *answers[AL_DKIM_MAX_PROBE];
	const char *names[AL_DKIM_MAX_PROBE];
	/* one batch: every lookup before looking at any answer */
	for (size_t i = 0; i < n && i < AL_DKIM_MAX_PROBE; i++) {
		names[i] = al_arena_printf(arena, "%s._domainkey.%s", list[i], args->domain);
		answers[i] = names[i] ? al_lint_lookup(lint, names[i], AL_TYPE_TXT) : NULL;
	}
	if (al_lint_pending(lint))
		return;
	al_strbuf found = AL_STRBUF_INIT;
	size_t count = 0;
	for (size_t i = 0; i < n && i < AL_DKIM_MAX_PROBE; i++) {
		const al_answer *a = answers[i];
		if (a == NULL || a->rcode != AL_RCODE_NOERROR || a->count == 0)
			continue;
		count++;
		const char *svc = al_dkim_selector_services(lint, list[i]);
		al_strbuf_printf(&found, "%s%s%s%s%s", found.length ? ", " : "", list[i], svc ? " (usual for " : "",
				 svc ? svc : "", svc ? ")" : "");
		lint_found_key(args, names[i], list[i], a);
	}
	al_finding *f = al_finding_begin(lint, count ? "DKIM032" : "DKIM033", NULL);
	al_finding_owner(f, args->domain);
	al_finding_arg(f, "domain", "%s", args->domain);
	al_finding_arg(f, "count", "%zu", n < AL_DKIM_MAX_PROBE ? n : (size_t)AL_DKIM_MAX_PROBE);
	al_finding_arg(f, "found", "%s", al_strbuf_cstr(&found));
	al_finding_arg(f, "why", "no key at any of the %zu usual selectors probed",
		       n < AL_DKIM_MAX_PROBE ? n : (size_t)AL_DKIM_MAX_PROBE);
	al_finding_end(lint, f);
	al_strbuf_free(&found);
}
