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

#include "diff/diff_internal.h"
#include "dns/txt.h"
#include "emit/emit_internal.h"
#include "util/arena.h"
#include "util/escape.h"
#include "util/grow.h"
#include "util/hash.h"
#include "util/strbuf.h"

/* The most names of one zone whose effects are computed, and the longest TXT read. */
#define MAX_NAMES ((size_t)1 << 20)
#define MAX_TXT ((size_t)65536)

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
	al_diff_dkim *dkim;
	size_t dkim_cap;
	al_strbuf problems; /* al_diff_count_dkim's, one line each */
} diff_impl;

bool al_diff_add_problem(al_diff *diff, const char *line, bool fatal)
{
	diff_impl *d = (diff_impl *)diff;
	al_strbuf_puts(&d->problems, line);
	diff->report_problems++;
	diff->report_fatal += fatal;
	return !d->problems.failed;
}

al_status al_diff_write_problems(const al_diff *diff, al_sink sink)
{
	if (diff == NULL)
		return AL_EINVAL;
	const diff_impl *d = (const diff_impl *)diff;
	if (d->problems.length == 0)
		return AL_OK;
	return sink.write(sink.ctx, al_strbuf_cstr(&d->problems), d->problems.length) == 0 ? AL_OK : AL_EIO;
}

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
	free(d->dkim);
	al_strbuf_free(&d->problems);
	free(d);
}

/* ---- matching ------------------------------------------------------------------ */

/* One finding taking part: its two keys (the fingerprint; rule, owner and the
 * offending bytes) and whether it found its partner. */
typedef struct entry {
	const al_diag *diag;
	char fingerprint[AL_EMIT_FINGERPRINT_SIZE];
	const char *loose;
	size_t index; /* in its list: the output keeps the lists' order */
	bool matched;
} entry;

typedef struct side {
	entry *items;
	size_t count;
} side;

/* rule NUL owner (lower case) NUL the span's bytes (nothing for the whole record),
 * or the message without a record; escaped so that it is one C string */
static const char *loose_key(al_arena *arena, const al_diag *d)
{
	al_strbuf sb;
	al_strbuf_init(&sb);
	al_strbuf_puts(&sb, d->rule->id);
	al_strbuf_putc(&sb, '\n');
	const char *owner = d->owner ? d->owner : d->domain ? d->domain : "";
	for (const char *p = owner; *p; p++)
		al_strbuf_putc(&sb, (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p);
	al_strbuf_putc(&sb, '\n');
	size_t start, length;
	if (al_emit_span(d, &start, &length)) {
		if (length > 0 && length < d->record_length)
			al_escape_display(&sb, d->record + start, length);
	} else if (d->message != NULL) {
		al_escape_display(&sb, d->message, strlen(d->message));
	}
	const char *key = sb.failed ? NULL : al_arena_strdup(arena, al_strbuf_cstr(&sb));
	al_strbuf_free(&sb);
	return key;
}

static al_status side_load(al_arena *arena, const al_findings *list, side *out)
{
	size_t n = al_findings_count(list);
	out->items = calloc(n ? n : 1, sizeof(entry));
	out->count = 0;
	if (out->items == NULL)
		return AL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const al_diag *dg = al_findings_at(list, i);
		if (dg->waived || dg->rule == NULL)
			continue;
		entry *e = &out->items[out->count];
		e->diag = dg;
		e->index = i;
		if (!al_emit_fingerprint(dg, e->fingerprint) || (e->loose = loose_key(arena, dg)) == NULL)
			return AL_ENOMEM;
		out->count++;
	}
	return AL_OK;
}

static const char *entry_key(const entry *e, bool loose)
{
	return loose ? e->loose : e->fingerprint;
}

static int cmp_strict(const void *a, const void *b)
{
	const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
	int c = strcmp(x->fingerprint, y->fingerprint);
	return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

static int cmp_loose(const void *a, const void *b)
{
	const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
	int c = strcmp(x->loose, y->loose);
	return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* Pair the unmatched entries of @p a and @p b with equal keys, in list order
 * within a key (a multiset: two equal findings before, one after: one fixed). */
static al_status pair(side *a, side *b, bool loose, size_t *pairs)
{
	entry **pa = malloc((a->count ? a->count : 1) * sizeof(*pa));
	entry **pb = malloc((b->count ? b->count : 1) * sizeof(*pb));
	if (pa == NULL || pb == NULL) {
		free(pa);
		free(pb);
		return AL_ENOMEM;
	}
	size_t na = 0, nb = 0;
	for (size_t i = 0; i < a->count; i++)
		if (!a->items[i].matched)
			pa[na++] = &a->items[i];
	for (size_t i = 0; i < b->count; i++)
		if (!b->items[i].matched)
			pb[nb++] = &b->items[i];
	qsort(pa, na, sizeof(*pa), loose ? cmp_loose : cmp_strict);
	qsort(pb, nb, sizeof(*pb), loose ? cmp_loose : cmp_strict);
	size_t i = 0, j = 0;
	while (i < na && j < nb) {
		int c = strcmp(entry_key(pa[i], loose), entry_key(pb[j], loose));
		if (c == 0) {
			pa[i++]->matched = true;
			pb[j++]->matched = true;
			(*pairs)++;
		} else if (c < 0) {
			i++;
		} else {
			j++;
		}
	}
	free(pa);
	free(pb);
	return AL_OK;
}

/* the unmatched entries of @p s, in list order */
static al_status left_over(const side *s, al_diff_finding **out, size_t *count)
{
	*out = malloc((s->count ? s->count : 1) * sizeof(**out));
	*count = 0;
	if (*out == NULL)
		return AL_ENOMEM;
	for (size_t i = 0; i < s->count; i++) {
		if (s->items[i].matched)
			continue;
		al_diff_finding *f = &(*out)[(*count)++];
		f->diag = s->items[i].diag;
		memcpy(f->fingerprint, s->items[i].fingerprint, sizeof(f->fingerprint));
	}
	return AL_OK;
}

static al_status match(diff_impl *d, const al_findings *old_list, const al_findings *new_list)
{
	side a = {0}, b = {0};
	al_status st = side_load(&d->arena, old_list, &a);
	if (st == AL_OK)
		st = side_load(&d->arena, new_list, &b);
	if (st == AL_OK)
		st = pair(&a, &b, false, &d->pub.unchanged);
	if (st == AL_OK)
		st = pair(&a, &b, true, &d->pub.unchanged);
	if (st == AL_OK)
		st = left_over(&a, &d->fixed, &d->pub.fixed_count);
	if (st == AL_OK)
		st = left_over(&b, &d->added, &d->pub.added_count);
	if (st == AL_OK) {
		d->pub.fixed = d->fixed;
		d->pub.added = d->added;
		for (size_t k = 0; k < d->pub.added_count; k++) {
			al_severity sev = d->added[k].diag->severity;
			if ((unsigned)sev <= AL_SEVERITY_ERROR)
				d->pub.added_summary.by_severity[sev]++;
		}
	}
	free(a.items);
	free(b.items);
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
	if (copy == NULL || !al_grow((void **)&n->list, &n->cap, n->count + 1, sizeof(*n->list)) ||
	    !al_map_put(&n->seen, copy, copy)) {
		n->failed = true;
		return false;
	}
	n->list[n->count++] = copy;
	return true;
}

/* The first TXT record at @p name starting with @p prefix (case-insensitive,
 * then a space, a ';' or the end), raw, copied into the arena; NULL when none
 * (or the lookup gave none). */
static const char *txt_record(al_arena *arena, al_source *src, const char *name, const char *prefix,
			      size_t *length)
{
	*length = 0;
	if (src == NULL)
		return NULL;
	const al_answer *ans = NULL;
	if (al_source_lookup(src, name, 16, &ans) != AL_OK || ans == NULL)
		return NULL;
	const char *found = NULL;
	size_t plen = strlen(prefix);
	char *buf = ans->rcode == AL_RCODE_NOERROR ? malloc(MAX_TXT + 1) : NULL;
	for (size_t i = 0; buf != NULL && i < ans->count && found == NULL; i++) {
		const al_rr *rr = &ans->rrs[i];
		if (rr->type != 16)
			continue;
		size_t n = al_txt_copy(rr->rdata, rr->rdlength, buf, MAX_TXT, NULL);
		if (n >= plen && strncasecmp(buf, prefix, plen) == 0 &&
		    (n == plen || buf[plen] == ' ' || buf[plen] == ';')) {
			char *copy = al_arena_alloc(arena, n + 1);
			if (copy != NULL) {
				memcpy(copy, buf, n);
				copy[n] = '\0';
				*length = n;
			}
			found = copy;
		}
	}
	free(buf);
	al_source_release(src, ans);
	return found;
}

/* A key at @p name: a TXT record or a CNAME (a key delegated to a provider). */
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

static bool same_text(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static void spf_effect(diff_impl *d, const al_diff_options *o, const char *name, al_status *st)
{
	size_t blen, alen;
	const char *before = txt_record(&d->arena, o->old_source, name, "v=spf1", &blen);
	const char *after = txt_record(&d->arena, o->new_source, name, "v=spf1", &alen);
	if (before == NULL && after == NULL)
		return;
	al_spf_tree_options to = {.rules = o->rules, .snapshot = o->snapshot, .no_snapshot = o->no_snapshot};
	al_spf_tree *tb = NULL, *ta = NULL;
	if (before != NULL && al_spf_tree_build(o->old_source, name, &to, &tb, NULL) != AL_OK)
		tb = NULL;
	if (after != NULL && al_spf_tree_build(o->new_source, name, &to, &ta, NULL) != AL_OK)
		ta = NULL;
	al_diff_spf row = {.name = name, .before_present = tb != NULL, .after_present = ta != NULL};
	if (tb) {
		row.before = tb->lookups;
		row.before_unknown = tb->not_followed;
		row.before_voids = tb->void_lookups;
		row.before_permerror = (tb->root && tb->root->permerror) || tb->lookups > 10 || tb->void_lookups > 2;
	}
	if (ta) {
		row.after = ta->lookups;
		row.after_unknown = ta->not_followed;
		row.after_voids = ta->void_lookups;
		row.after_permerror = (ta->root && ta->root->permerror) || ta->lookups > 10 || ta->void_lookups > 2;
	}
	bool changed = before == NULL || after == NULL || !same_text(before, blen, after, alen) ||
		       row.before != row.after || row.before_unknown != row.after_unknown ||
		       row.before_voids != row.after_voids ||
		       row.before_permerror != row.after_permerror;
	if (changed) {
		if (row.before_unknown || row.after_unknown)
			d->pub.not_checked = true;
		if (!al_grow((void **)&d->spf, &d->spf_cap, d->pub.spf_count + 1, sizeof(*d->spf))) {
			*st = AL_ENOMEM;
		} else {
			d->spf[d->pub.spf_count++] = row;
			d->pub.spf = d->spf;
		}
	}
	/* services: the records reached directly from the name's record (not
	 * known for a record that does not parse: its includes are not compared) */
	bool comparable = (tb == NULL || (tb->root && tb->root->record)) && (ta == NULL || (ta->root && ta->root->record));
	for (int side_index = 0; side_index < 2 && *st == AL_OK && comparable; side_index++) {
		al_spf_tree *t = side_index ? ta : tb, *other = side_index ? tb : ta;
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
			if (!al_grow((void **)&d->services, &d->service_cap, d->pub.service_count + 1,
				     sizeof(*d->services))) {
				*st = AL_ENOMEM;
				break;
			}
			al_diff_service *sv = &d->services[d->pub.service_count++];
			sv->name = name;
			sv->service = al_arena_strdup(&d->arena, tr->node->sender);
			sv->include = tr->node->domain ? al_arena_strdup(&d->arena, tr->node->domain) : "";
			sv->added = side_index == 1;
			d->pub.services = d->services;
			if (sv->service == NULL || sv->include == NULL)
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
		return "ignored by receivers (not a usable DMARC1 record)";
	return al_arena_printf(arena, "p=%s sp=%s np=%s pct=%s t=%s", policy_or(r->p, "(missing)"),
			       policy_or(r->sp, "(p)"), policy_or(r->np, "(sp)"),
			       r->pct_valid ? al_arena_printf(arena, "%u", r->pct) : "(100)",
			       r->t == AL_DMARC_FLAG_Y ? "y" : r->t == AL_DMARC_FLAG_N ? "n" : "(n)");
}

/* How hard failing mail is treated: the policy applied, then the share of
 * failing mail it reaches (RFC 7489 pct), then what the rest gets. */
static long severity_of(const al_dmarc_effect *e)
{
	if (!e->applies || e->applied <= AL_DMARC_POLICY_NONE)
		return 0;
	return (long)e->applied * 1000000 + (long)e->percent * 1000 + (long)e->rest;
}

static void dmarc_effect(diff_impl *d, const al_diff_options *o, const char *name, al_status *st)
{
	if (strncasecmp(name, "_dmarc.", 7) != 0)
		return;
	size_t blen, alen;
	const char *before = txt_record(&d->arena, o->old_source, name, "v=DMARC1", &blen);
	const char *after = txt_record(&d->arena, o->new_source, name, "v=DMARC1", &alen);
	if ((before == NULL && after == NULL) || (before && after && same_text(before, blen, after, alen)))
		return;
	if (!al_grow((void **)&d->dmarc, &d->dmarc_cap, d->pub.dmarc_count + 1, sizeof(*d->dmarc))) {
		*st = AL_ENOMEM;
		return;
	}
	al_diff_dmarc *row = &d->dmarc[d->pub.dmarc_count++];
	d->pub.dmarc = d->dmarc;
	memset(row, 0, sizeof(*row));
	row->name = name;
	row->before = before;
	row->before_length = blen;
	row->after = after;
	row->after_length = alen;
	al_dmarc_record *rb = NULL, *ra = NULL;
	if (before && al_dmarc_parse(before, blen, &rb) != AL_OK)
		rb = NULL;
	if (after && al_dmarc_parse(after, alen, &ra) != AL_OK)
		ra = NULL;
	row->before_tags = dmarc_tags(&d->arena, rb);
	row->after_tags = dmarc_tags(&d->arena, ra);
	static const al_generation gens[2] = {AL_GENERATION_RFC7489, AL_GENERATION_RFC9989};
	static const al_dmarc_target targets[3] = {AL_DMARC_TARGET_DOMAIN, AL_DMARC_TARGET_SUBDOMAIN,
						   AL_DMARC_TARGET_NONEXISTENT};
	for (int g = 0; g < 2; g++) {
		char buf[512];
		for (int side_index = 0; side_index < 2; side_index++) {
			al_dmarc_record *r = side_index ? ra : rb;
			al_dmarc_effect e;
			al_dmarc_effect_of(r, gens[g], AL_DMARC_TARGET_DOMAIN, &e);
			al_dmarc_effect_describe(r, gens[g], AL_DMARC_TARGET_DOMAIN, &e, buf, sizeof(buf));
			/* no record here: receivers look further (the organizational
			 * domain's record), which this comparison does not follow */
			const char *text = r == NULL && (side_index ? after == NULL : before == NULL)
						   ? "no record at this name: receivers use the organizational domain's record, if there is one"
						   : al_arena_strdup(&d->arena, buf);
			if (text == NULL)
				*st = AL_ENOMEM;
			int applied = e.applies ? (int)e.applied : 0;
			unsigned percent = e.applies ? e.percent : 0;
			if (side_index) {
				row->after_effect[g] = text ? text : "";
				row->after_applied[g] = applied;
				row->after_percent[g] = percent;
			} else {
				row->before_effect[g] = text ? text : "";
				row->before_applied[g] = applied;
				row->before_percent[g] = percent;
			}
		}
		/* weaker or stronger: the domain's mail, its subdomains', nonexistent names'
		 * (not known when a record comes or goes: the fallback is not followed) */
		for (int t = 0; t < 3 && before != NULL && after != NULL; t++) {
			al_dmarc_effect eb, ea;
			al_dmarc_effect_of(rb, gens[g], targets[t], &eb);
			al_dmarc_effect_of(ra, gens[g], targets[t], &ea);
			long b = severity_of(&eb), a = severity_of(&ea);
			row->weaker |= a < b;
			row->stronger |= a > b;
		}
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
	if (mark == NULL || mark == name || mark[12] == '\0')
		return;
	if (!has_key(o->old_source, name) || has_key(o->new_source, name))
		return;
	if (!al_grow((void **)&d->dkim, &d->dkim_cap, d->pub.dkim_count + 1, sizeof(*d->dkim))) {
		*st = AL_ENOMEM;
		return;
	}
	al_diff_dkim *k = &d->dkim[d->pub.dkim_count++];
	d->pub.dkim = d->dkim;
	memset(k, 0, sizeof(*k));
	k->name = name;
	k->selector = al_arena_strndup(&d->arena, name, (size_t)(mark - name));
	k->domain = mark + 12;
	if (k->selector == NULL)
		*st = AL_ENOMEM;
}

al_status al_diff_compute(const al_diff_options *o, const al_findings *old_findings,
			  const al_findings *new_findings, al_diff **out, al_error *err)
{
	*out = NULL;
	if (o == NULL || old_findings == NULL || new_findings == NULL)
		return al_error_set(err, AL_EINVAL, "diff: missing input");
	diff_impl *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	al_arena_init(&d->arena);
	al_strbuf_init(&d->problems);
	d->pub.period_begin = d->pub.period_end = -1;
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
		else if (n.count >= MAX_NAMES)
			st = AL_ELIMIT;
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
