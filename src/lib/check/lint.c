/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The lint driver: walks names (zone mode), one domain (check mode) or one
 * record string (record mode), runs the check table, builds findings and hands
 * them out unit by unit in a deterministic order.
 *
 * A unit is one owner name in zone mode and one domain in check mode. Findings
 * are buffered per unit, sorted, then given to the callback. When an
 * asynchronous source answers PENDING, the pass is marked pending and its
 * findings are discarded: the caller runs the unit again once the answers are
 * in the cache (see al_lint_domain_try).
 */
#include <authlint/lint.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "check/lint_internal.h"
#include "check/lint_private.h"
#include "record/txtpres.h"
#include "rules_internal.h"
#include "util/arena.h"
#include "dns/zone_internal.h"
#include "util/hash.h"
#include "util/strbuf.h"

#define MAX_ARGS 16

struct al_finding {
	al_diag diag;
	const al_subject *subject;
	const char *keys[MAX_ARGS];
	const char *values[MAX_ARGS];
	size_t arg_count;
	bool active;
	bool has_location;
};

typedef struct family_state {
	void *state;
	void (*free_fn)(void *);
} family_state;

struct al_lint {
	al_lint_options options;
	al_summary summary;
	al_arena unit_arena;
	al_diag *diags;
	size_t diag_count, diag_capacity;
	const al_answer **answers; /* to release at the end of the unit */
	size_t answer_count, answer_capacity;
	al_map reported; /* "name/type" lookups already reported in this unit */
	struct al_finding finding;
	bool pending;
	bool discard;    /* the unit is being discarded: no findings */
	const al_zone *zone;
	char today[16];
	family_state families[AL_KIND_COUNT_];
	size_t unit_lookups;
	/* record mode, presentation form: where each byte of the pasted record was */
	const al_rr *pasted_rr;
	const unsigned long *pasted_lines, *pasted_columns;
	const char *const *domain_selectors;
	size_t domain_selector_count;
	bool *check_wanted; /* per entry of al_checks[] */
};

/* ---- options and state -------------------------------------------------- */

static bool check_wanted(const al_lint *l, const al_check *c);

al_status al_lint_new(al_lint **out, const al_lint_options *options)
{
	*out = NULL;
	if (options == NULL || options->rules == NULL)
		return AL_EINVAL;
	al_lint *l = calloc(1, sizeof(*l));
	if (l == NULL)
		return AL_ENOMEM;
	l->options = *options;
	if (l->options.dmarc_spec == AL_GENERATION_ANY)
		l->options.dmarc_spec = AL_GENERATION_RFC9989;
	al_arena_init(&l->unit_arena);
	al_map_init(&l->reported, true);
	l->check_wanted = calloc(al_check_count ? al_check_count : 1, sizeof(bool));
	if (l->check_wanted == NULL) {
		free(l);
		return AL_ENOMEM;
	}
	for (size_t i = 0; i < al_check_count; i++)
		l->check_wanted[i] = check_wanted(l, &al_checks[i]);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(l->today, sizeof(l->today), "%Y-%m-%d", &tm);
	*out = l;
	return AL_OK;
}

static void unit_reset(al_lint *l)
{
	for (size_t i = 0; i < l->answer_count; i++)
		al_source_release(l->options.source, l->answers[i]);
	l->answer_count = 0;
	l->diag_count = 0;
	al_map_free(&l->reported);
	al_map_init(&l->reported, true);
	al_arena_clear(&l->unit_arena);
	l->pending = false;
	l->discard = false;
	l->unit_lookups = 0;
}

void al_lint_free(al_lint *lint)
{
	if (lint == NULL)
		return;
	unit_reset(lint);
	for (size_t i = 0; i < AL_KIND_COUNT_; i++)
		if (lint->families[i].free_fn != NULL)
			lint->families[i].free_fn(lint->families[i].state);
	free(lint->diags);
	free(lint->answers);
	free(lint->check_wanted);
	al_map_free(&lint->reported);
	free(lint);
}

const al_lint_options *al_lint_get_options(const al_lint *lint)
{
	return &lint->options;
}

const al_rules *al_lint_rules(const al_lint *lint)
{
	return lint->options.rules;
}

struct al_arena *al_lint_unit_arena(al_lint *lint)
{
	return &lint->unit_arena;
}

void *al_lint_family_state(al_lint *lint, al_kind kind)
{
	return (unsigned)kind < AL_KIND_COUNT_ ? lint->families[kind].state : NULL;
}

void al_lint_set_family_state(al_lint *lint, al_kind kind, void *state, void (*free_fn)(void *))
{
	if ((unsigned)kind >= AL_KIND_COUNT_)
		return;
	if (lint->families[kind].free_fn != NULL && lint->families[kind].state != state)
		lint->families[kind].free_fn(lint->families[kind].state);
	lint->families[kind].state = state;
	lint->families[kind].free_fn = free_fn;
}

const al_summary *al_lint_summary(const al_lint *lint)
{
	return &lint->summary;
}

const char *al_lint_today(const al_lint *lint)
{
	return lint->today;
}

void al_summary_add(al_summary *to, const al_summary *from)
{
	for (int i = 0; i < 4; i++)
		to->by_severity[i] += from->by_severity[i];
	to->waived += from->waived;
	to->names += from->names;
	to->records += from->records;
	to->lookups += from->lookups;
	to->lookups_failed += from->lookups_failed;
	to->not_queried += from->not_queried;
	to->input_error |= from->input_error;
	to->incomplete |= from->incomplete;
}

int al_summary_exit_code(const al_summary *summary, al_severity fail_on)
{
	if (summary->input_error || summary->incomplete)
		return 2;
	if (fail_on == AL_SEVERITY_OFF)
		return 0;
	for (int s = AL_SEVERITY_ERROR; s >= (int)fail_on; s--)
		if (summary->by_severity[s] > 0)
			return 1;
	return 0;
}

/* ---- findings ------------------------------------------------------------ */

bool al_lint_rule_enabled(const al_lint *lint, const char *rule_id)
{
	const al_rule *rule = al_rules_find(lint->options.rules, rule_id);
	if (rule == NULL)
		return false;
	return al_config_severity(lint->options.config, rule) != AL_SEVERITY_OFF;
}

al_finding *al_finding_begin(al_lint *lint, const char *rule_id, const al_subject *subject)
{
	if (lint->discard || lint->finding.active)
		return NULL;
	const al_rule *rule = al_rules_find(lint->options.rules, rule_id);
	if (rule == NULL)
		return NULL;
	al_severity severity = al_config_severity(lint->options.config, rule);
	if (severity == AL_SEVERITY_OFF)
		return NULL;
	al_finding *f = &lint->finding;
	memset(f, 0, sizeof(*f));
	f->active = true;
	f->subject = subject;
	f->diag.rule = rule;
	f->diag.severity = severity;
	f->diag.kind = rule->family;
	f->diag.generation = rule->generation;
	if (subject != NULL) {
		f->diag.kind = subject->kind != AL_KIND_NONE ? subject->kind : rule->family;
		f->diag.owner = subject->owner;
		f->diag.domain = subject->domain;
		f->diag.rrtype = subject->rrtype;
		f->diag.location = subject->location;
		f->diag.record = subject->text;
		f->diag.record_length = subject->length;
	}
	return f;
}

void al_finding_span(al_finding *f, size_t start, size_t length)
{
	if (f == NULL)
		return;
	size_t max = f->diag.record_length;
	if (start > max)
		start = max;
	if (length > max - start)
		length = max - start;
	f->diag.span_start = start;
	f->diag.span_length = length;
}

void al_finding_arg(al_finding *f, const char *key, const char *fmt, ...)
{
	if (f == NULL || f->arg_count >= MAX_ARGS)
		return;
	al_lint *lint = (al_lint *)((char *)f - offsetof(al_lint, finding));
	va_list ap;
	va_start(ap, fmt);
	char *v = al_arena_vprintf(&lint->unit_arena, fmt, ap);
	va_end(ap);
	if (v == NULL)
		return;
	/* a later value for the same key replaces the earlier one */
	for (size_t i = 0; i < f->arg_count; i++) {
		if (strcmp(f->keys[i], key) == 0) {
			f->values[i] = v;
			return;
		}
	}
	f->keys[f->arg_count] = key;
	f->values[f->arg_count] = v;
	f->arg_count++;
}

static al_lint *lint_of(al_finding *f)
{
	return (al_lint *)((char *)f - offsetof(al_lint, finding));
}

void al_finding_fix(al_finding *f, const char *fmt, ...)
{
	if (f == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	f->diag.fix = al_arena_vprintf(&lint_of(f)->unit_arena, fmt, ap);
	va_end(ap);
}

void al_finding_context(al_finding *f, const char *fmt, ...)
{
	if (f == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	f->diag.context = al_arena_vprintf(&lint_of(f)->unit_arena, fmt, ap);
	va_end(ap);
}

void al_finding_generation(al_finding *f, al_generation generation)
{
	if (f != NULL)
		f->diag.generation = generation;
}

void al_finding_owner(al_finding *f, const char *owner)
{
	if (f != NULL)
		f->diag.owner = owner;
}

void al_finding_location(al_finding *f, const al_location *location)
{
	if (f != NULL && location != NULL) {
		f->diag.location = *location;
		f->has_location = true;
	}
}

static const char *lookup_arg(const al_finding *f, const char *key, size_t keylen)
{
	for (size_t i = 0; i < f->arg_count; i++)
		if (strlen(f->keys[i]) == keylen && strncmp(f->keys[i], key, keylen) == 0)
			return f->values[i];
	const al_diag *d = &f->diag;
	if (keylen == 5 && strncmp(key, "owner", 5) == 0)
		return d->owner;
	if (keylen == 6 && strncmp(key, "domain", 6) == 0)
		return d->domain;
	if (keylen == 8 && strncmp(key, "selector", 8) == 0 && f->subject != NULL)
		return f->subject->selector;
	if (keylen == 4 && strncmp(key, "term", 4) == 0 && d->record != NULL && d->span_length > 0)
		return NULL; /* handled by the caller: needs the span bytes */
	return NULL;
}

static const char *render(al_lint *lint, const al_finding *f)
{
	al_strbuf sb = AL_STRBUF_INIT;
	const char *t = f->diag.rule->message;
	for (const char *p = t; *p; p++) {
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			al_strbuf_putc(&sb, *p);
			p++;
			continue;
		}
		if (*p != '{') {
			al_strbuf_putc(&sb, *p);
			continue;
		}
		const char *end = strchr(p, '}');
		if (end == NULL) {
			al_strbuf_puts(&sb, p);
			break;
		}
		const char *key = p + 1;
		size_t keylen = (size_t)(end - key);
		const char *v = lookup_arg(f, key, keylen);
		if (v == NULL && keylen == 4 && strncmp(key, "term", 4) == 0 && f->diag.record != NULL) {
			size_t n = f->diag.span_length ? f->diag.span_length : f->diag.record_length;
			al_strbuf_append(&sb, f->diag.record + f->diag.span_start, n);
		} else if (v != NULL) {
			al_strbuf_puts(&sb, v);
		} else {
			/* left visible so a test can catch a missing argument */
			al_strbuf_append(&sb, p, keylen + 2);
		}
		p = end;
	}
	char *s = al_arena_strndup(&lint->unit_arena, al_strbuf_cstr(&sb), sb.length);
	al_strbuf_free(&sb);
	return s;
}

/* "; authlint: ignore SPF003,SPF010 reason text" in the record's comment. */
static bool inline_waiver(al_lint *lint, const char *comment, const char *rule_id, const char **reason)
{
	if (comment == NULL)
		return false;
	const char *p = strstr(comment, "authlint:");
	if (p == NULL)
		return false;
	p += 9;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "ignore", 6) != 0 || (p[6] != ' ' && p[6] != '\t'))
		return false;
	p += 6;
	while (*p == ' ' || *p == '\t')
		p++;
	const char *ids = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	size_t idlen = strlen(rule_id);
	bool match = false;
	for (const char *q = ids; q < p;) {
		const char *comma = memchr(q, ',', (size_t)(p - q));
		const char *e = comma ? comma : p;
		if ((size_t)(e - q) == idlen && strncasecmp(q, rule_id, idlen) == 0)
			match = true;
		if ((size_t)(e - q) == 1 && *q == '*')
			match = true;
		q = e + 1;
	}
	if (!match)
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	*reason = n ? al_arena_strndup(&lint->unit_arena, p, n) : "(no reason given)";
	return true;
}

static bool push_diag(al_lint *l, const al_diag *d)
{
	if (l->diag_count == l->diag_capacity) {
		size_t cap = l->diag_capacity ? l->diag_capacity * 2 : 32;
		al_diag *p = realloc(l->diags, cap * sizeof(*p));
		if (p == NULL)
			return false;
		l->diags = p;
		l->diag_capacity = cap;
	}
	l->diags[l->diag_count++] = *d;
	return true;
}

void al_finding_end(al_lint *lint, al_finding *f)
{
	if (f == NULL)
		return;
	f->active = false;
	al_diag *d = &f->diag;
	const al_subject *s = f->subject;
	/* where exactly: the column of the offending term in the file */
	if (!f->has_location && s != NULL) {
		if (s->zone != NULL && s->rr != NULL) {
			unsigned long line, column;
			if (al_zone_locate(s->zone, s->rr, d->span_start, &line, &column)) {
				d->location.line = line;
				d->location.column = column;
			}
		} else if (s->source_columns != NULL && s->length > 0) {
			size_t at = d->span_start < s->length ? d->span_start : s->length - 1;
			d->location.line = s->source_lines[at];
			d->location.column = s->source_columns[at];
		} else if (s->rr == NULL && d->location.file != NULL) {
			/* a record given as a string: one line, columns are offsets */
			d->location.line = 1;
			d->location.column = d->span_start + 1;
		}
	}
	d->message = render(lint, f);
	if (d->fix == NULL)
		d->fix = d->rule->fix;
	/* waivers: the configuration's, then the zone file's inline comment */
	const al_waiver *w = al_config_find_waiver(lint->options.config, d->rule->id,
						   d->owner ? d->owner : "", lint->today);
	if (w != NULL) {
		d->waived = true;
		d->waiver_reason = w->reason;
		d->waiver_source = w->file ? al_arena_printf(&lint->unit_arena, "%s:%lu", w->file, w->line)
					   : NULL;
	} else if (s != NULL && s->rr != NULL) {
		const char *reason = NULL;
		if (inline_waiver(lint, s->rr->comment, d->rule->id, &reason)) {
			d->waived = true;
			d->waiver_inline = true;
			d->waiver_reason = reason;
			d->waiver_source = s->rr->location.file
				? al_arena_printf(&lint->unit_arena, "%s:%lu", s->rr->location.file,
						  s->rr->location.line)
				: NULL;
		}
	}
	push_diag(lint, d);
}

/* ---- lookups ------------------------------------------------------------- */

static const al_answer offline_answer = {
	.rcode = AL_RCODE_NOT_QUERIED,
	.server = "none",
	.detail = "no DNS source: offline",
};

bool al_lint_has_source(const al_lint *lint)
{
	return lint->options.source != NULL;
}

bool al_lint_pending(const al_lint *lint)
{
	return lint->pending;
}

static void report_lookup(al_lint *l, const char *name, uint16_t type, const al_answer *a)
{
	char key[AL_NAME_MAX + 16];
	char tbuf[16];
	snprintf(key, sizeof(key), "%s/%u", name, (unsigned)type);
	if (al_map_get(&l->reported, key) != NULL)
		return;
	char *k = al_arena_strdup(&l->unit_arena, key);
	if (k == NULL || !al_map_put(&l->reported, k, k))
		return;
	const char *rule = a->rcode == AL_RCODE_NOT_QUERIED ? "LOOKUP002" : "LOOKUP001";
	al_finding *f = al_finding_begin(l, rule, NULL);
	if (f == NULL)
		return;
	al_finding_owner(f, al_arena_strdup(&l->unit_arena, name));
	al_location loc = {0};
	/* a lookup not made was answered by nobody */
	loc.server = a->rcode == AL_RCODE_NOT_QUERIED ? NULL : a->server;
	al_finding_location(f, &loc);
	al_finding_arg(f, "name", "%s", name);
	al_finding_arg(f, "type", "%s", al_rrtype_name(type, tbuf));
	al_finding_arg(f, "rcode", "%s", al_rcode_name(a->rcode));
	al_finding_arg(f, "reason", "%s", a->detail ? a->detail : al_rcode_name(a->rcode));
	al_finding_arg(f, "server", "%s", a->server ? a->server : "-");
	al_finding_end(l, f);
}

const al_answer *al_lint_lookup(al_lint *lint, const char *name, uint16_t type)
{
	const al_answer *a = NULL;
	lint->summary.lookups++;
	lint->unit_lookups++;
	if (lint->options.source == NULL) {
		a = &offline_answer;
	} else {
		al_status st = al_source_lookup(lint->options.source, name, type, &a);
		if (st != AL_OK || a == NULL) {
			static const al_answer invalid = {
				.rcode = AL_RCODE_ERROR,
				.server = "none",
				.detail = "the name is not a valid domain name",
			};
			static const al_answer nomem = {
				.rcode = AL_RCODE_ERROR,
				.server = "none",
				.detail = "out of memory",
			};
			a = st == AL_EINVAL ? &invalid : &nomem;
		} else if (lint->answer_count == lint->answer_capacity) {
			size_t cap = lint->answer_capacity ? lint->answer_capacity * 2 : 32;
			const al_answer **p = realloc(lint->answers, cap * sizeof(*p));
			if (p == NULL) {
				al_source_release(lint->options.source, a);
				return &offline_answer;
			}
			lint->answers = p;
			lint->answer_capacity = cap;
			lint->answers[lint->answer_count++] = a;
		} else {
			lint->answers[lint->answer_count++] = a;
		}
	}
	if (a->rcode == AL_RCODE_PENDING) {
		/* the pass will be thrown away: build no more findings in it */
		lint->pending = true;
		lint->discard = true;
		return a;
	}
	if (a->rcode == AL_RCODE_NOT_QUERIED) {
		lint->summary.not_queried++;
		report_lookup(lint, name, type, a);
	} else if (al_rcode_failed(a->rcode)) {
		lint->summary.lookups_failed++;
		lint->summary.incomplete = true;
		report_lookup(lint, name, type, a);
	}
	return a;
}

/* ---- units ---------------------------------------------------------------- */

static int cmp_str0(const char *a, const char *b)
{
	if (a == b)
		return 0;
	if (a == NULL)
		return -1;
	if (b == NULL)
		return 1;
	return strcmp(a, b);
}

static int cmp_diag(const void *pa, const void *pb)
{
	const al_diag *a = pa, *b = pb;
	int c;
	if ((c = cmp_str0(a->location.file, b->location.file)) != 0)
		return c;
	if (a->location.line != b->location.line)
		return a->location.line < b->location.line ? -1 : 1;
	if (a->location.column != b->location.column)
		return a->location.column < b->location.column ? -1 : 1;
	if ((c = cmp_str0(a->owner, b->owner)) != 0)
		return c;
	if ((c = strcmp(a->rule->id, b->rule->id)) != 0)
		return c;
	if (a->span_start != b->span_start)
		return a->span_start < b->span_start ? -1 : 1;
	return cmp_str0(a->message, b->message);
}

/* Sort and hand out the unit's findings (unless the pass is pending), then reset. */
static void unit_flush(al_lint *l)
{
	if (!l->pending) {
		/* drop exact duplicates: the same rule, place and message raised twice */
		if (l->diag_count > 1)
			qsort(l->diags, l->diag_count, sizeof(*l->diags), cmp_diag);
		for (size_t i = 0; i < l->diag_count; i++) {
			const al_diag *d = &l->diags[i];
			if (i > 0 && cmp_diag(d, &l->diags[i - 1]) == 0)
				continue;
			if (d->waived)
				l->summary.waived++;
			else
				l->summary.by_severity[d->severity]++;
			if (l->options.on_diag != NULL)
				l->options.on_diag(l->options.userdata, d);
		}
		if (l->options.on_unit_end != NULL)
			l->options.on_unit_end(l->options.userdata);
	}
	unit_reset(l);
}

void al_lint_unit_end(al_lint *lint)
{
	unit_flush(lint);
}

/* ---- subjects ------------------------------------------------------------ */

bool al_subject_from_rr(al_lint *lint, al_subject *s, const al_rr *rr, al_kind kind)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->owner = rr->owner;
	s->rrtype = rr->type;
	s->rr = rr;
	s->location = rr->location;
	s->zone = lint->zone;
	if (rr == lint->pasted_rr) {
		s->source_lines = lint->pasted_lines;
		s->source_columns = lint->pasted_columns;
	}
	/* join the character-strings */
	size_t count = 0, total = 0;
	for (size_t i = 0; i < rr->rdlength;) {
		size_t n = rr->rdata[i];
		if (i + 1 + n > rr->rdlength)
			break;
		count++;
		total += n;
		i += 1 + n;
	}
	char *text = al_arena_alloc(&lint->unit_arena, total + 1);
	size_t *ends = al_arena_alloc(&lint->unit_arena, (count ? count : 1) * sizeof(size_t));
	if (text == NULL || ends == NULL)
		return false;
	size_t pos = 0, k = 0;
	for (size_t i = 0; i < rr->rdlength && k < count;) {
		size_t n = rr->rdata[i];
		memcpy(text + pos, rr->rdata + i + 1, n);
		pos += n;
		ends[k++] = pos;
		i += 1 + n;
	}
	text[pos] = '\0';
	s->text = text;
	s->length = pos;
	s->string_ends = ends;
	s->string_count = count;
	return true;
}

/* Role of a name: DMARC when its first label is _dmarc, DKIM when a later
 * label is _domainkey, NONE for an external report authorization
 * (<domain>._report._dmarc.<destination>, RFC 7489 7.1), else SPF. Fills
 * domain (for an authorization: the destination) and selector. */
static al_kind name_role(al_lint *l, const char *name, const char **domain, const char **selector)
{
	*selector = NULL;
	*domain = name;
	const char *auth = strcasestr(name, "._report._dmarc.");
	if (auth != NULL || strncasecmp(name, "_report._dmarc.", 15) == 0) {
		*domain = auth != NULL ? auth + 16 : name + 15;
		return AL_KIND_NONE;
	}
	if (strncasecmp(name, "_dmarc.", 7) == 0) {
		*domain = name + 7;
		return AL_KIND_DMARC;
	}
	const char *p = name;
	while ((p = strstr(p, "._domainkey")) != NULL) {
		if ((p[11] == '.' || p[11] == '\0') && p > name) {
			*selector = al_arena_strndup(&l->unit_arena, name, (size_t)(p - name));
			*domain = p[11] == '.' ? p + 12 : ".";
			return AL_KIND_DKIM;
		}
		p++;
	}
	return AL_KIND_SPF;
}

bool al_text_is_spf(const char *text, size_t length)
{
	return length >= 6 && strncasecmp(text, "v=spf1", 6) == 0 && (length == 6 || text[6] == ' ');
}

bool al_text_is_dmarc(const char *text, size_t length)
{
	if (length < 8 || strncasecmp(text, "v=DMARC1", 8) != 0)
		return false;
	if (length == 8)
		return true;
	char c = text[8];
	return c == ';' || c == ' ' || c == '\t';
}

/* ---- stages ----------------------------------------------------------------- */

/* A check runs unless every rule that names it is disabled: decided once per
 * lint, not per record. */
static bool check_wanted(const al_lint *l, const al_check *c)
{
	const al_rules *rules = l->options.rules;
	bool named = false;
	for (size_t i = 0; i < al_rules_count(rules); i++) {
		const al_rule *r = al_rules_at(rules, i);
		if (r->check == NULL || strcmp(r->check, c->name) != 0)
			continue;
		named = true;
		if (al_config_severity(l->options.config, r) != AL_SEVERITY_OFF)
			return true;
	}
	return !named;
}

static void run_stage(al_lint *l, al_check_stage stage, al_check_args *args)
{
	for (size_t i = 0; i < al_check_count; i++) {
		const al_check *c = &al_checks[i];
		if (c->stage != stage || c->fn == NULL || !l->check_wanted[i])
			continue;
		c->fn(args);
	}
}

static void run_record(al_lint *l, al_name_info *info, const al_subject *subject)
{
	al_check_stage stage;
	switch (subject->kind) {
	case AL_KIND_SPF:
		stage = AL_STAGE_SPF;
		break;
	case AL_KIND_DMARC:
		stage = AL_STAGE_DMARC;
		break;
	case AL_KIND_DKIM:
		stage = AL_STAGE_DKIM;
		break;
	default:
		return;
	}
	l->summary.records++;
	/* no check of the stage runs (every rule of the family is off): no parse either */
	bool any = false;
	for (size_t i = 0; i < al_check_count && !any; i++)
		any = al_checks[i].stage == stage && al_checks[i].fn != NULL && l->check_wanted[i];
	if (!any)
		return;
	const al_family_ops *fam = al_family_find(subject->kind);
	void *parsed = (fam != NULL && fam->parse != NULL) ? fam->parse(l, subject) : NULL;
	al_check_args args = {.lint = l, .zone = l->zone, .name = info, .subject = subject,
			      .parsed = parsed};
	run_stage(l, stage, &args);
	if (fam != NULL && fam->free != NULL && parsed != NULL)
		fam->free(parsed);
}

/* Everything at one owner name: its RRsets, the NAME checks, then each record. */
static void lint_name(al_lint *l, const char *name, bool ask_spf_type, bool ask_cname)
{
	al_name_info info;
	memset(&info, 0, sizeof(info));
	info.name = al_arena_strdup(&l->unit_arena, name);
	info.role = name_role(l, info.name, &info.domain, &info.selector);
	l->summary.names++;
	info.txt = al_lint_lookup(l, info.name, AL_TYPE_TXT);
	if (ask_spf_type)
		info.spf = al_lint_lookup(l, info.name, AL_TYPE_SPF);
	if (ask_cname)
		info.cname = al_lint_lookup(l, info.name, AL_TYPE_CNAME);

	al_subject *subjects = NULL;
	size_t n = info.txt->count;
	if (n > 0)
		subjects = al_arena_calloc(&l->unit_arena, n, sizeof(*subjects));
	for (size_t i = 0; subjects != NULL && i < n; i++) {
		const al_rr *rr = &info.txt->rrs[i];
		al_subject *s = &subjects[i];
		if (!al_subject_from_rr(l, s, rr, AL_KIND_NONE))
			continue;
		s->owner = info.txt->name ? info.txt->name : info.name;
		s->domain = info.domain;
		s->selector = info.selector;
		if (info.role == AL_KIND_DMARC && al_text_is_dmarc(s->text, s->length))
			s->kind = AL_KIND_DMARC;
		else if (info.role == AL_KIND_DKIM)
			s->kind = AL_KIND_DKIM;
		else if (info.role == AL_KIND_SPF && al_text_is_spf(s->text, s->length))
			s->kind = AL_KIND_SPF;
		if (s->kind == info.role)
			info.record_count++;
	}
	al_check_args args = {.lint = l, .zone = l->zone, .name = &info};
	run_stage(l, AL_STAGE_NAME, &args);
	for (size_t i = 0; subjects != NULL && i < n; i++)
		if (subjects[i].kind != AL_KIND_NONE)
			run_record(l, &info, &subjects[i]);
}

/* ---- zone mode -------------------------------------------------------------- */

typedef struct zone_walk {
	al_lint *lint;
	al_status status;
} zone_walk;

static bool want_bit(uint64_t types, unsigned type)
{
	return type < 63 ? (types >> type) & 1 : (types >> 63) & 1;
}

static bool zone_name(void *userdata, const char *name, uint64_t types)
{
	zone_walk *w = userdata;
	al_lint *l = w->lint;
	const char *domain, *selector;
	al_kind role = name_role(l, name, &domain, &selector);
	bool has_txt = want_bit(types, AL_TYPE_TXT);
	bool has_spf = want_bit(types, AL_TYPE_SPF);
	bool has_cname = want_bit(types, AL_TYPE_CNAME);
	if (has_txt || has_spf || (has_cname && role != AL_KIND_SPF)) {
		lint_name(l, name, has_spf, has_cname);
		if (role == AL_KIND_SPF) {
			al_check_args args = {.lint = l, .zone = l->zone, .domain = name};
			run_stage(l, AL_STAGE_DOMAIN, &args);
		}
	}
	unit_flush(l);
	return true;
}

/*
 * Zone mode on several threads. The names are cut into chunks of consecutive
 * names; each worker thread lints the chunks it claims with a lint of its own
 * (its own unit arena and family caches; rules, configuration and the zone
 * store are only read) and keeps the findings of each chunk. The calling
 * thread hands them out chunk by chunk in name order, so the output is the
 * same as on one thread. At most WINDOW chunks are ahead of the output, which
 * bounds the memory held by findings not yet written.
 */
#define CHUNK_NAMES 256
#define WINDOW 64

typedef struct chunk {
	size_t index;        /* which chunk the slot holds */
	bool done;
	al_arena arena;      /* the findings' strings */
	al_diag *diags;
	size_t count, capacity;
	size_t *unit_ends;   /* diag counts at each unit's end, for on_unit_end */
	size_t unit_count, unit_capacity;
} chunk;

typedef struct zone_job {
	al_lint *main;
	al_zone *zone;
	size_t name_count, chunk_count;
	size_t next_emit;
	unsigned threads;
	chunk slots[WINDOW];
	pthread_mutex_t lock;
	pthread_cond_t cond;
	al_summary summary;  /* the workers' totals, added at their end */
} zone_job;

typedef struct worker {
	zone_job *job;
	al_lint *lint;
	chunk *current;
	size_t first_chunk;
	pthread_t thread;
	bool started;
} worker;

static char *copy0(al_arena *a, const char *s)
{
	return s ? al_arena_strdup(a, s) : NULL;
}

static void chunk_collect(void *userdata, const al_diag *d)
{
	worker *w = userdata;
	chunk *c = w->current;
	if (c->count == c->capacity) {
		size_t cap = c->capacity ? c->capacity * 2 : 64;
		al_diag *p = realloc(c->diags, cap * sizeof(*p));
		if (p == NULL)
			return;
		c->diags = p;
		c->capacity = cap;
	}
	al_diag *k = &c->diags[c->count++];
	*k = *d;
	al_arena *a = &c->arena;
	k->owner = copy0(a, d->owner);
	k->domain = copy0(a, d->domain);
	k->location.file = copy0(a, d->location.file);
	k->location.server = copy0(a, d->location.server);
	k->record = d->record ? al_arena_memdup(a, d->record, d->record_length + 1) : NULL;
	k->message = copy0(a, d->message);
	k->fix = copy0(a, d->fix);
	k->context = copy0(a, d->context);
	k->waiver_reason = copy0(a, d->waiver_reason);
	k->waiver_source = copy0(a, d->waiver_source);
}

static void chunk_unit_end(void *userdata)
{
	worker *w = userdata;
	chunk *c = w->current;
	if (c->unit_count == c->unit_capacity) {
		size_t cap = c->unit_capacity ? c->unit_capacity * 2 : 64;
		size_t *p = realloc(c->unit_ends, cap * sizeof(*p));
		if (p == NULL)
			return;
		c->unit_ends = p;
		c->unit_capacity = cap;
	}
	c->unit_ends[c->unit_count++] = c->count;
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	zone_job *job = w->job;
	char name[AL_NAME_MAX];
	zone_walk walk = {w->lint, AL_OK};
	/* chunks are dealt round-robin, not claimed: each worker sees the same
	 * names in the same order on every run, so what its caches save (and the
	 * lookup counts of the summary) is the same from run to run */
	for (size_t index = w->first_chunk; index < job->chunk_count; index += job->threads) {
		pthread_mutex_lock(&job->lock);
		while (index >= job->next_emit + WINDOW)
			pthread_cond_wait(&job->cond, &job->lock);
		/* the slot was emptied by the output before it could be taken */
		chunk *c = &job->slots[index % WINDOW];
		c->index = index;
		pthread_mutex_unlock(&job->lock);
		w->current = c;
		size_t first = index * CHUNK_NAMES;
		size_t last = first + CHUNK_NAMES < job->name_count ? first + CHUNK_NAMES : job->name_count;
		for (size_t i = first; i < last; i++) {
			uint64_t types;
			if (al_zone_name_at(job->zone, i, name, &types))
				zone_name(&walk, name, types);
		}
		pthread_mutex_lock(&job->lock);
		c->done = true;
		pthread_cond_broadcast(&job->cond);
		pthread_mutex_unlock(&job->lock);
	}
	pthread_mutex_lock(&job->lock);
	al_summary_add(&job->summary, al_lint_summary(w->lint));
	pthread_mutex_unlock(&job->lock);
	return NULL;
}

static void emit_chunk(al_lint *main, chunk *c)
{
	size_t unit = 0;
	for (size_t i = 0; i <= c->count; i++) {
		while (unit < c->unit_count && c->unit_ends[unit] == i) {
			if (main->options.on_unit_end != NULL)
				main->options.on_unit_end(main->options.userdata);
			unit++;
		}
		if (i < c->count && main->options.on_diag != NULL)
			main->options.on_diag(main->options.userdata, &c->diags[i]);
	}
	c->count = 0;
	c->unit_count = 0;
	al_arena_clear(&c->arena);
}

static al_status lint_zone_threads(al_lint *lint, al_zone *zone, unsigned threads)
{
	zone_job *job = calloc(1, sizeof(*job));
	worker *workers = calloc(threads, sizeof(*workers));
	if (job == NULL || workers == NULL) {
		free(job);
		free(workers);
		return AL_ENOMEM;
	}
	job->main = lint;
	job->zone = zone;
	job->name_count = al_zone_name_count(zone);
	job->chunk_count = (job->name_count + CHUNK_NAMES - 1) / CHUNK_NAMES;
	pthread_mutex_init(&job->lock, NULL);
	pthread_cond_init(&job->cond, NULL);
	for (size_t i = 0; i < WINDOW; i++)
		al_arena_init(&job->slots[i].arena);
	/* the workers' lints are made here, before any thread reads the registry */
	al_status st = AL_OK;
	(void)al_rules_at(lint->options.rules, 0); /* sorts the registry once, here */
	unsigned started = 0;
	for (unsigned t = 0; t < threads && st == AL_OK; t++) {
		al_lint_options o = lint->options;
		o.on_diag = chunk_collect;
		o.on_unit_end = chunk_unit_end;
		o.userdata = &workers[t];
		o.threads = 1;
		workers[t].job = job;
		st = al_lint_new(&workers[t].lint, &o);
		if (st == AL_OK)
			workers[t].lint->zone = zone;
	}
	job->threads = threads;
	for (unsigned t = 0; t < threads && st == AL_OK; t++) {
		workers[t].first_chunk = t;
		if (pthread_create(&workers[t].thread, NULL, worker_main, &workers[t]) != 0) {
			st = AL_ENOMEM;
			break;
		}
		workers[t].started = true;
		started++;
	}
	/* every worker's share must be taken: if one could not start, stop the
	 * others (they wait for the output) and lint on this thread instead */
	bool fallback = st != AL_OK;
	if (fallback) {
		pthread_mutex_lock(&job->lock);
		job->chunk_count = 0;
		job->next_emit = SIZE_MAX / 2;
		pthread_cond_broadcast(&job->cond);
		pthread_mutex_unlock(&job->lock);
	}
	/* hand out the chunks in order as they are done */
	for (size_t e = 0; e < job->chunk_count && started > 0; e++) {
		chunk *c = &job->slots[e % WINDOW];
		pthread_mutex_lock(&job->lock);
		while (!(c->done && c->index == e))
			pthread_cond_wait(&job->cond, &job->lock);
		pthread_mutex_unlock(&job->lock);
		emit_chunk(lint, c);
		pthread_mutex_lock(&job->lock);
		c->done = false;
		job->next_emit = e + 1;
		pthread_cond_broadcast(&job->cond);
		pthread_mutex_unlock(&job->lock);
	}
	for (unsigned t = 0; t < threads; t++)
		if (workers[t].started)
			pthread_join(workers[t].thread, NULL);
	if (!fallback)
		al_summary_add(&lint->summary, &job->summary);
	for (unsigned t = 0; t < threads; t++)
		al_lint_free(workers[t].lint);
	for (size_t i = 0; i < WINDOW; i++) {
		al_arena_clear(&job->slots[i].arena);
		free(job->slots[i].diags);
		free(job->slots[i].unit_ends);
	}
	pthread_cond_destroy(&job->cond);
	pthread_mutex_destroy(&job->lock);
	free(workers);
	free(job);
	if (fallback) {
		/* no thread could start: lint on this one */
		zone_walk w = {lint, AL_OK};
		al_zone_foreach_name(zone, zone_name, &w);
		return w.status;
	}
	return AL_OK;
}

al_status al_lint_zone(al_lint *lint, al_zone *zone)
{
	if (lint == NULL || zone == NULL)
		return AL_EINVAL;
	lint->zone = zone;
	al_check_args args = {.lint = lint, .zone = zone};
	run_stage(lint, AL_STAGE_ZONE, &args);
	unit_flush(lint);
	al_status st = AL_OK;
	unsigned threads = lint->options.threads;
	if (threads > 64)
		threads = 64;
	if (threads > 1 && al_zone_name_count(zone) >= 4 * CHUNK_NAMES) {
		st = lint_zone_threads(lint, zone, threads);
	} else {
		zone_walk w = {lint, AL_OK};
		al_zone_foreach_name(zone, zone_name, &w);
		st = w.status;
	}
	lint->zone = NULL;
	return st;
}

void al_lint_mark_input_error(al_lint *lint)
{
	lint->summary.input_error = true;
}

/* ---- check mode ---------------------------------------------------------- */

al_status al_lint_domain_try(al_lint *lint, const char *domain, bool *pending)
{
	char norm[AL_NAME_MAX];
	al_error err;
	*pending = false;
	if (al_name_normalize(domain, strlen(domain), norm, &err) != AL_OK)
		return AL_EINVAL;
	/* counts of a pass that ends pending must not stay in the summary */
	al_summary saved = lint->summary;
	lint_name(lint, norm, false, false);
	char name[AL_NAME_MAX + 16];
	snprintf(name, sizeof(name), "_dmarc.%s", norm);
	lint_name(lint, name, false, false);
	const char *const *selectors = NULL;
	size_t selector_count = al_lint_selectors(lint, &selectors);
	for (size_t i = 0; i < selector_count; i++) {
		snprintf(name, sizeof(name), "%s._domainkey.%s", selectors[i], norm);
		lint_name(lint, name, false, false);
	}
	al_check_args args = {.lint = lint, .domain = al_arena_strdup(&lint->unit_arena, norm)};
	run_stage(lint, AL_STAGE_DOMAIN, &args);
	*pending = lint->pending;
	if (*pending)
		lint->summary = saved;
	unit_flush(lint);
	return AL_OK;
}

size_t al_lint_selectors(al_lint *lint, const char *const **out)
{
	size_t no = lint->options.selector_count, nd = lint->domain_selector_count;
	*out = lint->options.selectors;
	if (nd == 0)
		return no;
	if (no == 0) {
		*out = lint->domain_selectors;
		return nd;
	}
	const char **all = al_arena_alloc(&lint->unit_arena, (no + nd) * sizeof(*all));
	if (all == NULL)
		return no;
	size_t n = 0;
	for (size_t i = 0; i < no; i++)
		all[n++] = lint->options.selectors[i];
	for (size_t i = 0; i < nd; i++) {
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = strcasecmp(all[k], lint->domain_selectors[i]) == 0;
		if (!seen)
			all[n++] = lint->domain_selectors[i];
	}
	*out = all;
	return n;
}

void al_lint_set_domain_selectors(al_lint *lint, const char *const *selectors, size_t count)
{
	lint->domain_selectors = selectors;
	lint->domain_selector_count = selectors != NULL ? count : 0;
}

al_status al_lint_domain(al_lint *lint, const char *domain)
{
	bool pending = false;
	al_status st = al_lint_domain_try(lint, domain, &pending);
	if (st == AL_OK && pending)
		return AL_EUNSUPPORTED; /* an asynchronous source needs the engine's loop */
	return st;
}

/* ---- record mode --------------------------------------------------------- */

al_status al_lint_record(al_lint *lint, al_kind kind, const char *text, size_t length,
			 const char *domain, const char *label)
{
	return al_lint_record_ex(lint, kind, text, length, domain, label, NULL);
}

al_status al_lint_record_ex(al_lint *lint, al_kind kind, const char *text, size_t length,
			    const char *domain, const char *label, al_error *err_out)
{
	if (kind != AL_KIND_SPF && kind != AL_KIND_DMARC && kind != AL_KIND_DKIM)
		return AL_EINVAL;
	char norm[AL_NAME_MAX];
	al_error err;
	const char *dom = NULL;
	if (domain != NULL) {
		if (al_name_normalize(domain, strlen(domain), norm, &err) != AL_OK)
			return AL_EINVAL;
		dom = norm;
	}
	al_name_info info;
	memset(&info, 0, sizeof(info));
	al_subject s;
	memset(&s, 0, sizeof(s));
	/* a record pasted as in a zone file: "v=spf1 mx " "-all" */
	al_txt_presentation pres;
	bool presentation = al_txt_is_presentation(text, length);
	al_rr *rr = NULL;
	if (presentation) {
		al_status st = al_txt_parse_presentation(text, length, &lint->unit_arena, &pres, err_out);
		if (st != AL_OK) {
			unit_reset(lint);
			return st;
		}
		rr = al_arena_calloc(&lint->unit_arena, 1, sizeof(*rr));
		if (rr == NULL)
			return AL_ENOMEM;
		rr->type = AL_TYPE_TXT;
		rr->ttl = 0;
		rr->rdata = pres.rdata;
		rr->rdlength = (uint16_t)pres.rdlength;
		rr->location.file = label ? label : "<argument>";
		rr->location.line = 1;
		lint->pasted_rr = rr;
		lint->pasted_lines = pres.lines;
		lint->pasted_columns = pres.columns;
		if (!al_subject_from_rr(lint, &s, rr, kind))
			return AL_ENOMEM;
	} else {
		s.kind = kind;
		s.rrtype = AL_TYPE_TXT;
		s.text = al_arena_strndup(&lint->unit_arena, text, length);
		s.length = length;
		size_t *ends = al_arena_alloc(&lint->unit_arena, sizeof(size_t));
		if (s.text == NULL || ends == NULL)
			return AL_ENOMEM;
		ends[0] = length;
		s.string_ends = ends;
		s.string_count = 1;
	}
	s.location.file = label ? label : "<argument>";
	s.location.line = 1;
	s.location.column = 1;
	const char *owner = dom;
	if (dom != NULL && kind == AL_KIND_DMARC) {
		const char *sel;
		if (name_role(lint, dom, &s.domain, &sel) != AL_KIND_DMARC) {
			owner = al_arena_printf(&lint->unit_arena, "_dmarc.%s", dom);
			s.domain = al_arena_strdup(&lint->unit_arena, dom);
		} else {
			owner = al_arena_strdup(&lint->unit_arena, dom);
			s.domain = owner + 7;
		}
	} else if (dom != NULL && kind == AL_KIND_DKIM) {
		owner = al_arena_strdup(&lint->unit_arena, dom);
		if (name_role(lint, owner, &s.domain, &s.selector) != AL_KIND_DKIM)
			s.domain = owner;
	} else if (dom != NULL) {
		owner = al_arena_strdup(&lint->unit_arena, dom);
		s.domain = owner;
	}
	s.owner = owner;
	info.name = owner;
	info.role = kind;
	info.domain = s.domain;
	info.selector = s.selector;
	info.record_count = 1;
	if (presentation) {
		/* the string checks of a zone record apply to what was pasted */
		if (pres.longest > 255) {
			al_finding *f = al_finding_begin(lint, "DNS001", NULL);
			al_finding_owner(f, owner);
			al_location loc = {.file = s.location.file, .line = pres.longest_line,
					   .column = pres.longest_column};
			al_finding_location(f, &loc);
			al_finding_arg(f, "problem", "a quoted string of %zu octets; DNS character-strings hold at most 255",
				       pres.longest);
			al_finding_end(lint, f);
		}
		al_answer *answer = al_arena_calloc(&lint->unit_arena, 1, sizeof(*answer));
		if (answer == NULL)
			return AL_ENOMEM;
		rr->owner = owner ? owner : "";
		answer->rcode = AL_RCODE_NOERROR;
		answer->qname = answer->name = rr->owner;
		answer->qtype = AL_TYPE_TXT;
		answer->count = 1;
		answer->rrs = rr;
		answer->server = "argument";
		info.txt = answer;
		if (owner != NULL) {
			al_check_args args = {.lint = lint, .name = &info};
			run_stage(lint, AL_STAGE_NAME, &args);
		}
	}
	run_record(lint, &info, &s);
	unit_flush(lint);
	lint->pasted_rr = NULL;
	return AL_OK;
}
