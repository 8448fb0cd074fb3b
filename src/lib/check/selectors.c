/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DKIM selectors. Which ones to look at for a domain: those given (--selector),
 * every <selector>._domainkey.<domain> owner of a zone file, or in live mode
 * those of its services and the common list (al_dkim_probe_domain, probed for
 * dkim_discovery.c). Which provider a
 * selector's CNAME points to.
 *
 * data/selectors.yaml:
 *   common: [selector1, ...]                 probed in live mode after the
 *                                            selectors of the domain's services
 *   pairs: [[selector1, selector2]]          the second probed when the first
 *                                            holds a key
 *   selectors: [default, dkim, ...]          with the dkim-selectors of
 *                                            senders.yaml, the whole discovery list
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
#include "check/selector_list.h"
#include "check/family_api.h"
#include "record/dkim_parse.h"
#include "dns/wire.h"
#include "rules_internal.h"
#include "spf/spf_internal.h"
#include "util/arena.h"
#include "util/hash.h"
#include "util/once.h"
#include "util/yaml.h"
#include "util/grow.h"

typedef struct provider {
	const char *name;
	pcre2_code **patterns;
	size_t pattern_count;
} provider;

typedef struct sel_list {
	const char **items;
	size_t count, capacity;
} sel_list;

/* What the built-in data says, built once per process and shared by every
 * lint (util/once.h): only read after. */
typedef struct dkim_data {
	al_arena arena;
	const char **list;          /* the discovery list */
	size_t list_count;
	const char **common;        /* selectors.yaml's common list, probed for every domain */
	size_t common_count;
	const char *(*pairs)[2];    /* selectors.yaml's pairs: [first, second] */
	size_t pair_count;
	provider *providers;
	size_t provider_count;
	const al_senders *senders;  /* the shared built-in catalog */
} dkim_data;

typedef struct dkim_state {
	al_arena arena;
	const dkim_data *data;
	pcre2_match_data *match;
	const al_zone *indexed;     /* the zone of zone_map */
	al_map zone_map;            /* domain -> sel_list */
	al_map usable;              /* "<owner>/<hash of the RDATA>" -> 1 (no key) 2 (unusable) 3 (usable):
				       the DMARC checks of every domain ask about the same keys */
	al_dkim_keycache *keys;     /* keys decoded, by their p= text */
} dkim_state;

static void state_free(void *p)
{
	dkim_state *s = p;
	if (s == NULL)
		return;
	size_t index = 0;
	const char *key;
	void *value;
	while (al_map_next(&s->zone_map, &index, &key, &value)) {
		sel_list *l = value;
		free(l->items);
	}
	al_map_free(&s->zone_map);
	al_map_free(&s->usable);
	al_dkim_keycache_free(s->keys);
	pcre2_match_data_free(s->match);
	al_arena_clear(&s->arena);
	free(s);
}

/* The providers of selectors.yaml. A file that does not parse leaves the list
 * empty (tests/unit/test_dkim.c proves the built-in one parses). */
static void load_providers(dkim_data *s)
{
	size_t length = 0;
	const char *label = NULL;
	const char *text = al_data_file("selectors.yaml", &length, &label);
	if (text == NULL)
		return;
	yaml_document_t doc;
	al_error err;
	if (al_yaml_load_buffer(label ? label : "selectors.yaml", text, length, &doc, &err) != AL_OK)
		return;
	yaml_node_t *root = al_yaml_root(&doc);
	yaml_node_t *common = al_yaml_map_get(&doc, root, "common");
	size_t cn = al_yaml_seq_count(common);
	s->common = cn ? al_arena_calloc(&s->arena, cn, sizeof(*s->common)) : NULL;
	for (size_t i = 0; s->common != NULL && i < cn && s->common_count < AL_DKIM_MAX_PROBE; i++) {
		const char *v = al_yaml_scalar(al_yaml_seq_at(&doc, common, i));
		if (v != NULL && *v != '\0')
			s->common[s->common_count++] = al_arena_strdup(&s->arena, v);
	}
	yaml_node_t *pairs = al_yaml_map_get(&doc, root, "pairs");
	size_t pc = al_yaml_seq_count(pairs);
	s->pairs = pc ? al_arena_calloc(&s->arena, pc, sizeof(*s->pairs)) : NULL;
	for (size_t i = 0; s->pairs != NULL && i < pc; i++) {
		yaml_node_t *pair = al_yaml_seq_at(&doc, pairs, i);
		const char *a = al_yaml_scalar(al_yaml_seq_at(&doc, pair, 0));
		const char *b = al_yaml_scalar(al_yaml_seq_at(&doc, pair, 1));
		if (al_yaml_seq_count(pair) != 2 || a == NULL || b == NULL)
			continue;
		s->pairs[s->pair_count][0] = al_arena_strdup(&s->arena, a);
		s->pairs[s->pair_count][1] = al_arena_strdup(&s->arena, b);
		if (s->pairs[s->pair_count][0] != NULL && s->pairs[s->pair_count][1] != NULL)
			s->pair_count++;
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

static al_status build_data(void **out, al_error *err)
{
	dkim_data *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	al_arena_init(&d->arena);
	load_providers(d);
	al_error ignored;
	if (al_senders_builtin(&d->senders, &ignored) != AL_OK)
		d->senders = NULL;
	d->list_count = al_selector_list_load(d->senders, &d->arena, &d->list);
	*out = d;
	return AL_OK;
}

static dkim_state *state(al_lint *lint)
{
	dkim_state *s = al_lint_family_state(lint, AL_KIND_DKIM);
	if (s != NULL)
		return s;
	static al_once once = AL_ONCE_INIT;
	const void *data = NULL;
	if (al_once_get(&once, build_data, &data, NULL) != AL_OK)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->data = data;
	al_arena_init(&s->arena);
	al_map_init(&s->zone_map, true);
	al_map_init(&s->usable, false);
	s->match = pcre2_match_data_create(4, NULL);
	al_lint_set_family_state(lint, AL_KIND_DKIM, s, state_free);
	return s;
}

al_dkim_keycache *al_dkim_lint_keycache(al_lint *lint)
{
	dkim_state *s = state(lint);
	if (s == NULL)
		return NULL;
	if (s->keys == NULL)
		s->keys = al_dkim_keycache_new(); /* NULL: keys are decoded each time */
	return s->keys;
}

const char *al_dkim_provider_of(al_lint *lint, const char *target)
{
	dkim_state *s = state(lint);
	if (s == NULL || target == NULL || s->match == NULL)
		return NULL;
	const dkim_data *d = s->data;
	for (size_t i = 0; i < d->provider_count; i++)
		for (size_t k = 0; k < d->providers[i].pattern_count; k++)
			if (pcre2_match(d->providers[i].patterns[k], (PCRE2_SPTR)target, strlen(target), 0, 0,
					s->match, NULL) >= 0)
				return d->providers[i].name;
	return NULL;
}

const char *al_dkim_selector_services(al_lint *lint, const char *selector)
{
	dkim_state *s = state(lint);
	if (s == NULL)
		return NULL;
	al_strbuf sb = AL_STRBUF_INIT;
	for (size_t i = 0; i < al_senders_count(s->data->senders); i++) {
		const al_sender *snd = al_senders_at(s->data->senders, i);
		for (size_t k = 0; k < snd->selector_count; k++)
			if (strcasecmp(snd->selectors[k], selector) == 0)
				al_strbuf_printf(&sb, "%s%s", sb.length ? ", " : "", snd->name);
	}
	const char *out = sb.length ? al_arena_strdup(al_lint_unit_arena(lint), al_strbuf_cstr(&sb)) : NULL;
	al_strbuf_free(&sb);
	return out;
}

/* ---- the selectors probed for one domain ------------------------------------------- */

typedef struct probing {
	al_lint *lint;
	const char *domain;
	al_dkim_probes *out;
} probing;

static bool probed(const al_dkim_probes *p, const char *selector)
{
	for (size_t i = 0; i < p->count; i++)
		if (strcasecmp(p->items[i].selector, selector) == 0)
			return true;
	return false;
}

/* Add a selector (once, at most AL_DKIM_MAX_PROBE) and ask for its key. */
static void probe_add(probing *pr, const char *selector, al_dkim_probe_why why, const char *service)
{
	al_dkim_probes *p = pr->out;
	if (selector == NULL || *selector == '\0' || probed(p, selector))
		return;
	if (p->count >= AL_DKIM_MAX_PROBE) {
		p->truncated = true;
		return;
	}
	const char *name = al_arena_concat(al_lint_unit_arena(pr->lint), selector, "._domainkey.", pr->domain);
	if (name == NULL)
		return;
	al_dkim_probe *it = &p->items[p->count++];
	it->selector = selector;
	it->why = why;
	it->service = service;
	it->name = name;
	it->answer = al_lint_lookup(pr->lint, name, AL_TYPE_TXT);
}

static void probe_service(probing *pr, const al_sender *snd, al_dkim_probe_why why)
{
	for (size_t k = 0; snd != NULL && k < snd->selector_count; k++)
		probe_add(pr, snd->selectors[k], why, snd->name);
}

bool al_dkim_probe_has_key(const al_dkim_probe *p)
{
	return p->answer != NULL && p->answer->rcode == AL_RCODE_NOERROR && p->answer->count > 0;
}

al_status al_dkim_probe_domain(al_lint *lint, const char *domain, al_dkim_probes *out)
{
	memset(out, 0, sizeof(*out));
	dkim_state *s = state(lint);
	if (s == NULL)
		return AL_ENOMEM;
	out->items = al_arena_calloc(al_lint_unit_arena(lint), AL_DKIM_MAX_PROBE, sizeof(*out->items));
	if (out->items == NULL)
		return AL_ENOMEM;
	const al_senders *senders = s->data->senders;
	probing pr = {lint, domain, out};
	/* 1. the services its SPF tree includes (the SPF checks built the tree already) */
	al_spf_summary spf;
	if (al_spf_summarize(lint, domain, &spf) == AL_OK)
		for (size_t i = 0; i < spf.include_count; i++)
			probe_service(&pr, al_senders_match_include(senders, spf.includes[i]), AL_DKIM_PROBE_SPF);
	/* 2. the services its MX hosts name (asked by the mail-domain checks anyway) */
	const al_answer *mx = al_lint_lookup(lint, domain, AL_TYPE_MX);
	for (size_t i = 0; mx->rcode == AL_RCODE_NOERROR && i < mx->count; i++) {
		char host[AL_NAME_MAX];
		if (mx->rrs[i].type == AL_TYPE_MX && mx->rrs[i].rdlength > 3 &&
		    al_wire_name_to_text(mx->rrs[i].rdata, mx->rrs[i].rdlength, 2, host, NULL))
			probe_service(&pr, al_senders_match_mx(senders, host), AL_DKIM_PROBE_MX);
	}
	/* 3. the common list */
	for (size_t i = 0; i < s->data->common_count; i++)
		probe_add(&pr, s->data->common[i], AL_DKIM_PROBE_COMMON, NULL);
	if (al_lint_pending(lint)) {
		out->pending = true;
		return AL_OK;
	}
	/* 4. the second of a pair whose first holds a key */
	for (size_t i = 0; i < s->data->pair_count; i++) {
		for (size_t k = 0; k < out->count; k++)
			if (strcasecmp(out->items[k].selector, s->data->pairs[i][0]) == 0 &&
			    al_dkim_probe_has_key(&out->items[k])) {
				probe_add(&pr, s->data->pairs[i][1], AL_DKIM_PROBE_PAIR, out->items[k].selector);
				break;
			}
	}
	if (al_lint_pending(lint)) {
		out->pending = true;
		return AL_OK;
	}
	for (size_t i = 0; i < s->data->list_count; i++)
		out->not_probed += !probed(out, s->data->list[i]);
	return AL_OK;
}

/* ---- selectors of a zone ------------------------------------------------------------ */

typedef struct index_walk {
	dkim_state *s;
} index_walk;

static bool index_name(void *userdata, const char *name, uint64_t types)
{
	(void)types;
	dkim_state *s = ((index_walk *)userdata)->s;
	size_t selector_length;
	const char *domain;
	if (!al_dkim_name_split(name, &selector_length, &domain) || *domain == '\0')
		return true;
	sel_list *l = al_map_get(&s->zone_map, domain);
	if (l == NULL) {
		l = al_arena_calloc(&s->arena, 1, sizeof(*l));
		char *key = al_arena_strdup(&s->arena, domain);
		if (l == NULL || key == NULL || !al_map_put(&s->zone_map, key, l))
			return false;
	}
	if (!AL_GROW_ONE(l->items, l->count, l->capacity))
		return false;
	l->items[l->count++] = al_arena_strndup(&s->arena, name, selector_length);
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

al_map *al_dkim_key_memo(al_lint *lint, al_arena **arena)
{
	dkim_state *s = state(lint);
	if (s == NULL)
		return NULL;
	*arena = &s->arena;
	return &s->usable;
}
