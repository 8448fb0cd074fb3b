/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The finding builder: a finding of a rule about a subject, its message
 * rendered from the rule's template, configuration waivers and the inline
 * waivers of zone-file comments.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdarg.h>

#include "check/lint_context.h"
#include "dns/zone_internal.h"
#include "rules_internal.h"
#include "util/arena.h"
#include "util/strbuf.h"
#include "util/grow.h"

/* ---- findings ------------------------------------------------------------ */

const al_rule *al_lint_rule(const al_lint *lint, al_rule_code code)
{
	return (unsigned)code < AL_RULE_COUNT_ ? lint->by_code[code] : NULL;
}

bool al_rule_is(const al_rule *rule, al_rule_code code)
{
	return rule != NULL && (unsigned)code < AL_RULE_COUNT_ && code != AL_RULE_NONE_ &&
	       strcmp(rule->id, al_rule_code_ids[code]) == 0;
}

bool al_lint_rule_on(const al_lint *lint, const al_rule *rule)
{
	return rule != NULL && al_config_severity(lint->options.config, rule) != AL_SEVERITY_OFF;
}

bool al_lint_rule_enabled(const al_lint *lint, al_rule_code code)
{
	return al_lint_rule_on(lint, al_lint_rule(lint, code));
}

al_finding *al_finding_begin(al_lint *lint, al_rule_code code, const al_subject *subject)
{
	return al_finding_begin_rule(lint, al_lint_rule(lint, code), subject);
}

al_finding *al_finding_begin_rule(al_lint *lint, const al_rule *rule, const al_subject *subject)
{
	if (lint->discard || lint->finding.active || rule == NULL)
		return NULL;
	al_severity severity = al_config_severity_for(lint->options.config, rule, lint->options.dmarc_spec);
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

/* The message, from the rule's template, into @p out as far as @p room
 * goes; returns its whole length. */
static size_t render_into(const al_finding *f, char *out, size_t room)
{
	size_t n = 0;
#define PUT(data, length)                                             \
	do {                                                          \
		size_t len_ = (length);                               \
		if (len_ <= room && n <= room - len_)                 \
			memcpy(out + n, (data), len_);                \
		n += len_;                                            \
	} while (0)
	const char *t = f->diag.rule->message;
	for (const char *p = t; *p;) {
		size_t plain = strcspn(p, "{}");
		PUT(p, plain);
		p += plain;
		if (*p == '\0')
			break;
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			PUT(p, 1);
			p += 2;
			continue;
		}
		if (*p == '}') {
			PUT(p, 1);
			p++;
			continue;
		}
		const char *end = strchr(p, '}');
		if (end == NULL) {
			PUT(p, strlen(p));
			break;
		}
		const char *key = p + 1;
		size_t keylen = (size_t)(end - key);
		const char *v = lookup_arg(f, key, keylen);
		if (v == NULL && keylen == 4 && strncmp(key, "term", 4) == 0 && f->diag.record != NULL) {
			size_t len = f->diag.span_length ? f->diag.span_length : f->diag.record_length;
			PUT(f->diag.record + f->diag.span_start, len);
		} else if (v != NULL) {
			PUT(v, strlen(v));
		} else {
			/* left visible so a test can catch a missing argument */
			PUT(p, keylen + 2);
		}
		p = end + 1;
	}
#undef PUT
	return n;
}

static const char *render(al_lint *lint, const al_finding *f)
{
	/* most messages fit here; a longer one is made again at its length */
	char local[512];
	size_t n = render_into(f, local, sizeof(local));
	if (n <= sizeof(local))
		return al_arena_strndup(&lint->unit_arena, local, n);
	char *s = al_arena_alloc(&lint->unit_arena, n + 1);
	if (s == NULL)
		return NULL;
	render_into(f, s, n);
	s[n] = '\0';
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
	if (!AL_GROW_ONE(l->diags, l->diag_count, l->diag_capacity))
		return false;
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
	} else if ((w = al_config_find_expired_waiver(lint->options.config, d->rule->id, d->owner ? d->owner : "",
						      lint->today)) != NULL) {
		/* back after its waiver ran out: say so, or it looks like a new finding */
		const char *at = w->file ? al_arena_printf(&lint->unit_arena, " (%s:%lu)", w->file, w->line) : "";
		const char *note = al_arena_printf(&lint->unit_arena, "the waiver%s expired on %s: %s", at,
						   w->expires, w->reason);
		d->context = d->context != NULL ? al_arena_printf(&lint->unit_arena, "%s; %s", d->context, note)
						: note;
	}
	if (!d->waived && s != NULL && s->rr != NULL) {
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
