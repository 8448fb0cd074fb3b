/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The findings a change adds and fixes (matched by rule, owner and record text,
 * as a multiset: moved lines match), and its effect per name.
 */
#include <authlint/diff.h>
#include <authlint/dmarc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/txt.h"
#include "util/arena.h"
#include "util/escape.h"
#include "util/hash.h"
#include "util/strbuf.h"

/* The most names of one zone whose effects are computed, and the longest TXT read. */
#define MAX_NAMES ((size_t)1 << 20)
#define MAX_TXT ((size_t)65536)

struct al_diff_findings {
	al_arena arena;
	al_diff_finding *items;
	size_t count, cap;
	const char **keys; /* the matching key of each item */
	bool failed;
};

al_status al_diff_findings_new(al_diff_findings **out)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return AL_ENOMEM;
	al_arena_init(&(*out)->arena);
	return AL_OK;
}

void al_diff_findings_free(al_diff_findings *f)
{
	if (f == NULL)
		return;
	al_arena_clear(&f->arena);
	free(f->items);
	free(f->keys);
	free(f);
}

size_t al_diff_findings_count(const al_diff_findings *f)
{
	return f ? f->count : 0;
}

static char *display(al_arena *arena, const char *data, size_t length)
{
	if (data == NULL)
		return "";
	al_strbuf sb;
	al_strbuf_init(&sb);
	al_escape_display(&sb, data, length);
	char *s = al_arena_strdup(arena, al_strbuf_cstr(&sb));
	al_strbuf_free(&sb);
	return s;
}

/* the record with runs of white space made one space, ends trimmed */
static char *normalized(al_arena *arena, const char *text)
{
	size_t n = strlen(text);
	char *out = al_arena_alloc(arena, n + 1);
	if (out == NULL)
		return NULL;
	size_t k = 0;
	bool space = false;
	for (size_t i = 0; i < n; i++) {
		char c = text[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = k > 0;
			continue;
		}
		if (space)
			out[k++] = ' ';
		space = false;
		out[k++] = c;
	}
	out[k] = '\0';
	return out;
}

void al_diff_findings_add(void *userdata, const al_diag *d)
{
	al_diff_findings *f = userdata;
	if (f == NULL || d == NULL || d->waived || d->rule == NULL || f->failed)
		return;
	if (f->count == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 64;
		al_diff_finding *items = realloc(f->items, ncap * sizeof(*items));
		if (items == NULL) {
			f->failed = true;
			return;
		}
		f->items = items;
		const char **keys = realloc(f->keys, ncap * sizeof(*keys));
		if (keys == NULL) {
			f->failed = true;
			return;
		}
		f->keys = keys;
		f->cap = ncap;
	}
	al_arena *a = &f->arena;
	al_diff_finding *x = &f->items[f->count];
	memset(x, 0, sizeof(*x));
	x->rule_id = al_arena_strdup(a, d->rule->id);
	x->severity = d->severity;
	const char *owner = d->owner ? d->owner : d->domain ? d->domain : "";
	x->owner = display(a, owner, strlen(owner));
	x->record = d->record ? display(a, d->record, d->record_length) : "";
	x->message = d->message ? display(a, d->message, strlen(d->message)) : "";
	x->file = d->location.file ? al_arena_strdup(a, d->location.file) : NULL;
	x->line = d->location.line;
	x->column = d->location.column;
	char *norm = x->record ? normalized(a, x->record) : NULL;
	char *key = al_arena_printf(a, "%s%c%s%c%s", x->rule_id ? x->rule_id : "", 1, x->owner ? x->owner : "", 1,
				    norm ? norm : "");
	if (x->rule_id == NULL || x->owner == NULL || x->record == NULL || x->message == NULL || norm == NULL ||
	    key == NULL) {
		f->failed = true;
		return;
	}
	/* the owner is compared without case, as DNS names are */
	for (char *p = key + strlen(x->rule_id) + 1; *p != 1; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	x->fingerprint = al_arena_printf(a, "%016llx", (unsigned long long)al_hash_bytes(key, strlen(key)));
	if (x->fingerprint == NULL) {
		f->failed = true;
		return;
	}
	f->keys[f->count] = key;
	f->count++;
}

/* ---- the result ---------------------------------------------------------------- */

typedef struct diff_impl {
	al_diff pub;
	al_arena arena;
	al_diff_finding *added, *fixed;
	al_diff_spf *spf;
	size_t spf_cap;
	al_diff_dmarc *dmarc;
	size_t dmarc_cap;
	al_diff_service *services;
	size_t service_cap;
	size_t dkim_cap;
} diff_impl;

void al_diff_free(al_diff *diff)
{
	if (diff == NULL)
		return;
	diff_impl *d = (diff_impl *)diff;
	al_arena_clear(&d->arena);
	free(d->added);
	free(d->fixed);
	free(d->spf);
	free(d->dmarc);
	free(d->services);
	free(d->pub.dkim);
	free(d);
}

static bool grow(void **items, size_t *cap, size_t count, size_t size)
{
	if (count < *cap)
		return true;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *n = realloc(*items, ncap * size);
	if (n == NULL)
		return false;
	*items = n;
	*cap = ncap;
	return true;
}

typedef struct keyed {
	const char *key;
	size_t index;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static keyed *sorted_keys(const al_diff_findings *f)
{
	keyed *k = malloc((f->count ? f->count : 1) * sizeof(*k));
	if (k == NULL)
		return NULL;
	for (size_t i = 0; i < f->count; i++)
		k[i] = (keyed){f->keys[i], i};
	qsort(k, f->count, sizeof(*k), keyed_cmp);
	return k;
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* findings of @p a with no partner in @p b, in a's order */
static al_status match(diff_impl *d, const al_diff_findings *a, const al_diff_findings *b)
{
	keyed *ka = sorted_keys(a), *kb = sorted_keys(b);
	size_t *unmatched_a = malloc((a->count ? a->count : 1) * sizeof(size_t));
	size_t *unmatched_b = malloc((b->count ? b->count : 1) * sizeof(size_t));
	al_status st = AL_OK;
	if (ka == NULL || kb == NULL || unmatched_a == NULL || unmatched_b == NULL) {
		st = AL_ENOMEM;
		goto done;
	}
	size_t i = 0, j = 0, na = 0, nb = 0;
	while (i < a->count || j < b->count) {
		int c = i >= a->count ? 1 : j >= b->count ? -1 : strcmp(ka[i].key, kb[j].key);
		if (c == 0) {
			d->pub.unchanged++;
			i++;
			j++;
		} else if (c < 0) {
			unmatched_a[na++] = ka[i++].index;
		} else {
			unmatched_b[nb++] = kb[j++].index;
		}
	}
	qsort(unmatched_a, na, sizeof(size_t), size_cmp);
	qsort(unmatched_b, nb, sizeof(size_t), size_cmp);
	d->fixed = malloc((na ? na : 1) * sizeof(al_diff_finding));
	d->added = malloc((nb ? nb : 1) * sizeof(al_diff_finding));
	if (d->fixed == NULL || d->added == NULL) {
		st = AL_ENOMEM;
		goto done;
	}
	for (size_t k = 0; k < na; k++)
		d->fixed[k] = a->items[unmatched_a[k]];
	for (size_t k = 0; k < nb; k++) {
		d->added[k] = b->items[unmatched_b[k]];
		if (d->added[k].severity <= AL_SEVERITY_ERROR)
			d->pub.added_summary.by_severity[d->added[k].severity]++;
	}
	d->pub.fixed = d->fixed;
	d->pub.fixed_count = na;
	d->pub.added = d->added;
	d->pub.added_count = nb;
done:
	free(ka);
	free(kb);
	free(unmatched_a);
	free(unmatched_b);
	return st;
}

/* ---- effects ------------------------------------------------------------------ */

typedef struct names {
	al_map seen;
	const char **list;
	size_t count, cap;
	al_arena *arena;
	bool failed;
} names;

static bool collect_name(void *userdata, const char *name, uint64_t types)
{
	(void)types;
	names *n = userdata;
	if (n->count >= MAX_NAMES)
		return false;
	if (al_map_get(&n->seen, name) != NULL)
		return true;
	char *copy = al_arena_strdup(n->arena, name);
	if (copy == NULL || !grow((void **)&n->list, &n->cap, n->count, sizeof(*n->list)) ||
	    !al_map_put(&n->seen, copy, copy)) {
		n->failed = true;
		return false;
	}
	n->list[n->count++] = copy;
	return true;
}

/* The TXT records at @p name starting with @p prefix (case-insensitive, then a
 * space or the end), joined, escaped; NULL when none (or the lookup gave none). */
static const char *txt_record(al_arena *arena, al_source *src, const char *name, const char *prefix, bool *not_asked)
{
	if (src == NULL)
		return NULL;
	const al_answer *ans = NULL;
	if (al_source_lookup(src, name, 16, &ans) != AL_OK || ans == NULL)
		return NULL;
	const char *found = NULL;
	if (ans->rcode == AL_RCODE_NOT_QUERIED && not_asked)
		*not_asked = true;
	size_t plen = strlen(prefix);
	char *buf = malloc(MAX_TXT + 1);
	for (size_t i = 0; buf != NULL && i < ans->count && found == NULL; i++) {
		const al_rr *rr = &ans->rrs[i];
		if (rr->type != 16)
			continue;
		size_t n = al_txt_copy(rr->rdata, rr->rdlength, buf, MAX_TXT, NULL);
		buf[n] = '\0';
		if (n >= plen && strncasecmp(buf, prefix, plen) == 0 && (n == plen || buf[plen] == ' ' || buf[plen] == ';'))
			found = display(arena, buf, n);
	}
	free(buf);
	al_source_release(src, ans);
	return found;
}

static bool has_key(al_source *src, const char *name)
{
	if (src == NULL)
		return false;
	bool found = false;
	static const uint16_t types[] = {16, 5};
	for (size_t t = 0; t < 2 && !found; t++) {
		const al_answer *ans = NULL;
		if (al_source_lookup(src, name, types[t], &ans) != AL_OK || ans == NULL)
			continue;
		found = ans->rcode == AL_RCODE_NOERROR && (ans->count > 0 || ans->cname_count > 0);
		al_source_release(src, ans);
	}
	return found;
}

static void spf_effect(diff_impl *d, const al_diff_options *o, const char *name, al_status *st)
{
	const char *before = txt_record(&d->arena, o->old_source, name, "v=spf1", NULL);
	const char *after = txt_record(&d->arena, o->new_source, name, "v=spf1", NULL);
	if (before == NULL && after == NULL)
		return;
	al_spf_tree_options to = {.rules = o->rules, .snapshot = o->snapshot, .no_snapshot = o->no_snapshot};
	al_spf_tree *tb = NULL, *ta = NULL;
	if (before != NULL)
		(void)al_spf_tree_build(o->old_source, name, &to, &tb, NULL);
	if (after != NULL)
		(void)al_spf_tree_build(o->new_source, name, &to, &ta, NULL);
	al_diff_spf row = {.name = name, .before_present = tb != NULL, .after_present = ta != NULL};
	if (tb) {
		row.before = tb->lookups;
		row.before_unknown = tb->not_followed;
		row.before_permerror = tb->root && tb->root->permerror;
	}
	if (ta) {
		row.after = ta->lookups;
		row.after_unknown = ta->not_followed;
		row.after_permerror = ta->root && ta->root->permerror;
	}
	if (row.before_unknown || row.after_unknown)
		d->pub.not_checked = true;
	bool changed = before == NULL || after == NULL || strcmp(before, after) != 0 || row.before != row.after ||
		       row.before_unknown != row.after_unknown || row.before_permerror != row.after_permerror;
	if (changed) {
		if (!grow((void **)&d->spf, &d->spf_cap, d->pub.spf_count, sizeof(*d->spf))) {
			*st = AL_ENOMEM;
		} else {
			d->spf[d->pub.spf_count++] = row;
			d->pub.spf = d->spf;
		}
	}
	/* services: include and redirect targets directly under the record */
	for (int side = 0; side < 2 && *st == AL_OK; side++) {
		al_spf_tree *t = side ? ta : tb, *other = side ? tb : ta;
		if (t == NULL)
			continue;
		for (size_t r = 0; r < t->row_count; r++) {
			const al_spf_tree_row *tr = &t->rows[r];
			if (tr->term != NULL || tr->depth != 1 || tr->node == NULL || tr->node->sender == NULL)
				continue;
			bool in_other = false;
			for (size_t q = 0; other != NULL && q < other->row_count && !in_other; q++) {
				const al_spf_tree_row *orow = &other->rows[q];
				in_other = orow->term == NULL && orow->depth == 1 && orow->node != NULL &&
					   orow->node->sender != NULL && strcmp(orow->node->sender, tr->node->sender) == 0;
			}
			bool dup = false;
			for (size_t q = 0; q < d->pub.service_count && !dup; q++)
				dup = strcmp(d->services[q].name, name) == 0 &&
				      strcmp(d->services[q].service, tr->node->sender) == 0;
			if (in_other || dup)
				continue;
			if (!grow((void **)&d->services, &d->service_cap, d->pub.service_count, sizeof(*d->services))) {
				*st = AL_ENOMEM;
				break;
			}
			al_diff_service *s = &d->services[d->pub.service_count++];
			s->name = name;
			s->service = al_arena_strdup(&d->arena, tr->node->sender);
			s->include = tr->node->domain ? al_arena_strdup(&d->arena, tr->node->domain) : "";
			s->added = side == 1;
			d->pub.services = d->services;
			if (s->service == NULL || s->include == NULL)
				*st = AL_ENOMEM;
		}
	}
	al_spf_tree_free(tb);
	al_spf_tree_free(ta);
}

static const char *policy_or(al_dmarc_policy p, const char *unset)
{
	return p == AL_DMARC_POLICY_UNSET ? unset : al_dmarc_policy_name(p);
}

static const char *dmarc_tags(al_arena *arena, const al_dmarc_record *r)
{
	if (r == NULL)
		return "none";
	if (!r->is_dmarc || al_dmarc_record_discarded(r))
		return "ignored by receivers (not a valid DMARC1 record)";
	return al_arena_printf(arena, "p=%s sp=%s np=%s pct=%s t=%s", policy_or(r->p, "(missing)"),
			       policy_or(r->sp, "(p)"), policy_or(r->np, "(sp)"),
			       r->pct_valid ? al_arena_printf(arena, "%u", r->pct) : "(100)",
			       r->t == AL_DMARC_FLAG_Y ? "y" : r->t == AL_DMARC_FLAG_N ? "n" : "(n)");
}

static unsigned strength(const al_dmarc_effect *e)
{
	if (!e->applies)
		return 0;
	return (unsigned)e->applied;
}

static void dmarc_effect(diff_impl *d, const al_diff_options *o, const char *name, al_status *st)
{
	if (strncasecmp(name, "_dmarc.", 7) != 0)
		return;
	const char *before = txt_record(&d->arena, o->old_source, name, "v=DMARC1", NULL);
	const char *after = txt_record(&d->arena, o->new_source, name, "v=DMARC1", NULL);
	if ((before == NULL && after == NULL) || (before && after && strcmp(before, after) == 0))
		return;
	if (!grow((void **)&d->dmarc, &d->dmarc_cap, d->pub.dmarc_count, sizeof(*d->dmarc))) {
		*st = AL_ENOMEM;
		return;
	}
	al_diff_dmarc *row = &d->dmarc[d->pub.dmarc_count++];
	d->pub.dmarc = d->dmarc;
	memset(row, 0, sizeof(*row));
	row->name = name;
	row->before = before;
	row->after = after;
	al_dmarc_record *rb = NULL, *ra = NULL;
	if (before && al_dmarc_parse(before, strlen(before), &rb) != AL_OK)
		rb = NULL;
	if (after && al_dmarc_parse(after, strlen(after), &ra) != AL_OK)
		ra = NULL;
	row->before_tags = dmarc_tags(&d->arena, rb);
	row->after_tags = dmarc_tags(&d->arena, ra);
	static const al_generation gens[2] = {AL_GENERATION_RFC7489, AL_GENERATION_RFC9989};
	for (int g = 0; g < 2; g++) {
		char buf[512];
		for (int side = 0; side < 2; side++) {
			al_dmarc_record *r = side ? ra : rb;
			al_dmarc_effect e;
			al_dmarc_effect_of(r, gens[g], AL_DMARC_TARGET_DOMAIN, &e);
			al_dmarc_effect_describe(r, gens[g], AL_DMARC_TARGET_DOMAIN, &e, buf, sizeof(buf));
			const char *text = al_arena_strdup(&d->arena, buf);
			if (text == NULL)
				*st = AL_ENOMEM;
			if (side) {
				row->after_effect[g] = text ? text : "";
				row->after_applied[g] = (int)strength(&e);
			} else {
				row->before_effect[g] = text ? text : "";
				row->before_applied[g] = (int)strength(&e);
			}
		}
		if (row->after_applied[g] < row->before_applied[g])
			row->weaker = true;
	}
	al_dmarc_record_free(rb);
	al_dmarc_record_free(ra);
}

static void dkim_effect(diff_impl *d, const al_diff_options *o, const char *name, al_status *st)
{
	const char *mark = NULL;
	for (const char *p = name; (p = strchr(p, '.')) != NULL; p++)
		if (strncasecmp(p, "._domainkey.", 12) == 0) {
			mark = p;
			break;
		}
	if (mark == NULL || mark == name)
		return;
	if (!has_key(o->old_source, name) || has_key(o->new_source, name))
		return;
	if (!grow((void **)&d->pub.dkim, &d->dkim_cap, d->pub.dkim_count, sizeof(*d->pub.dkim))) {
		*st = AL_ENOMEM;
		return;
	}
	al_diff_dkim *k = &d->pub.dkim[d->pub.dkim_count++];
	memset(k, 0, sizeof(*k));
	k->name = name;
	k->selector = al_arena_strndup(&d->arena, name, (size_t)(mark - name));
	k->domain = mark + 12;
	if (k->selector == NULL)
		*st = AL_ENOMEM;
}

al_status al_diff_compute(const al_diff_options *o, const al_diff_findings *old_findings,
			  const al_diff_findings *new_findings, al_diff **out, al_error *err)
{
	*out = NULL;
	if (o == NULL || old_findings == NULL || new_findings == NULL)
		return al_error_set(err, AL_EINVAL, "diff: missing input");
	if (old_findings->failed || new_findings->failed)
		return al_error_set(err, AL_ENOMEM, "diff: findings could not be kept (out of memory)");
	diff_impl *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	al_arena_init(&d->arena);
	al_status st = match(d, old_findings, new_findings);
	names n = {.arena = &d->arena};
	al_map_init(&n.seen, true);
	if (st == AL_OK) {
		if (o->new_zone)
			al_zone_foreach_name(o->new_zone, collect_name, &n);
		if (o->old_zone)
			al_zone_foreach_name(o->old_zone, collect_name, &n);
		if (n.failed)
			st = AL_ENOMEM;
	}
	for (size_t i = 0; i < n.count && st == AL_OK; i++) {
		spf_effect(d, o, n.list[i], &st);
		if (st == AL_OK)
			dmarc_effect(d, o, n.list[i], &st);
		if (st == AL_OK)
			dkim_effect(d, o, n.list[i], &st);
	}
	al_map_free(&n.seen);
	free(n.list);
	if (st != AL_OK) {
		al_diff_free(&d->pub);
		return al_error_set(err, st, "diff: %s", al_status_message(st));
	}
	*out = &d->pub;
	return AL_OK;
}
