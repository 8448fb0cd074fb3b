/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Building a plan: read the current record, lint the domain, place the domain
 * on the template, add what is left to harden, then lint the domain again with
 * each step's record in place (an overlay for _dmarc.<domain>), so gates and
 * the record's own findings are exactly what authlint would say after the step.
 *
 * Placing the domain on the template compares how much each record enforces on
 * the domain, per generation (al_plan_strength): a step that enforces no more
 * than the record in place on both generations is done; one that enforces
 * more on one and less on the other is adapted (t=y left out, when the record
 * in place already enforces in full on RFC 9989 receivers) or skipped. A plan
 * never lowers enforcement on either generation.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/txt.h"
#include "check/lint_internal.h"
#include "plan/builder.h"
#include "record/dmarc_parse.h"
#include "util/escape.h"
#include "plan/build_internal.h"
#include "util/grow.h"

/* ---- small helpers ---------------------------------------------------------- */

bool al_planb_grow(al_plan_builder *b, void **items, size_t *count, size_t *capacity, size_t size)
{
	void *p = al_arena_grow(b->arena, *items, *count, capacity, size);
	if (p == NULL) {
		b->status = AL_ENOMEM;
		return false;
	}
	*items = p;
	return true;
}

bool al_plan_strvec_push(al_plan_builder *b, al_plan_strvec *v, const char *item)
{
	if (item == NULL) {
		b->status = AL_ENOMEM;
		return false;
	}
	if (!al_planb_grow(b, (void **)&v->items, &v->count, &v->capacity, sizeof(*v->items)))
		return false;
	v->items[v->count++] = item;
	return true;
}

bool al_plan_note(al_plan_builder *b, al_plan_strvec *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = al_arena_vprintf(b->arena, fmt, ap);
	va_end(ap);
	return al_plan_strvec_push(b, v, text);
}

static const char *dup_or_null(al_arena *a, const char *s)
{
	return s != NULL ? al_arena_strdup(a, s) : NULL;
}

static void collect(void *userdata, const al_diag *diag)
{
	al_plan_builder *b = userdata;
	if (b->collect != NULL && al_findings_add(b->collect, diag) != AL_OK)
		b->status = AL_ENOMEM;
}

/* Lint the domain as it is (overlay off, or the record given) or with @p text in place. */
static al_status lint_domain(al_plan_builder *b, al_findings *into)
{
	b->collect = into;
	al_status st = al_lint_domain(b->lint, b->domain);
	b->collect = NULL;
	return st;
}

/* ---- the current record --------------------------------------------------------- */

static const char *joined_text(al_arena *a, const al_rr *rr, size_t *length)
{
	char *text = al_arena_alloc(a, (size_t)rr->rdlength + 1);
	size_t pos = 0;
	if (text == NULL)
		return NULL;
	pos = al_txt_copy(rr->rdata, rr->rdlength, text, rr->rdlength, NULL);
	text[pos] = '\0';
	*length = pos;
	return text;
}

static void read_current(al_plan_builder *b)
{
	al_plan_current *cur = &b->plan->current;
	cur->owner = b->owner;
	if (b->source == NULL) {
		cur->problem = "no DNS source: give a zone file (--zone), the record (--record) or go online";
		b->current_reason = "no DNS source (offline)";
		return;
	}
	const al_answer *a = NULL;
	al_status st = al_source_lookup(b->source, b->owner, AL_TYPE_TXT, &a);
	if (st != AL_OK || a == NULL) {
		cur->problem = al_arena_printf(b->arena, "the lookup of %s TXT failed: %s", b->owner,
					       al_status_message(st));
		return;
	}
	if (al_rcode_failed(a->rcode) || a->rcode == AL_RCODE_NOT_QUERIED ||
	    a->rcode == AL_RCODE_PENDING) {
		cur->problem = al_arena_printf(b->arena, "%s TXT was not answered: %s (%s, from %s)",
					       b->owner, al_rcode_name(a->rcode),
					       a->detail ? a->detail : "no detail",
					       a->server ? a->server : "no server");
		b->current_failed = a->rcode != AL_RCODE_NOT_QUERIED;
		b->current_reason = al_arena_strdup(b->arena, a->detail ? a->detail : al_rcode_name(a->rcode));
		b->current_server = dup_or_null(b->arena, a->server);
		al_source_release(b->source, a);
		return;
	}
	cur->known = true;
	const al_rr *found = NULL;
	size_t found_length = 0;
	const char *found_text = NULL;
	for (size_t i = 0; i < a->count; i++) {
		size_t length = 0;
		const char *text = joined_text(b->arena, &a->rrs[i], &length);
		if (text == NULL) {
			b->status = AL_ENOMEM;
			break;
		}
		if (!al_text_is_dmarc(text, length))
			continue;
		if (cur->record_count++ == 0) {
			found = &a->rrs[i];
			found_text = text;
			found_length = length;
		}
	}
	if (cur->record_count > 0) {
		cur->ttl = a->ttl;
		cur->ttl_known = true;
	} else if (a->negative_ttl_known) {
		cur->ttl = a->ttl;
		cur->ttl_known = true;
	}
	if (b->options->record != NULL) {
		/* record mode: the TTL is what the caller says, if anything */
		cur->ttl = b->options->record_ttl;
		cur->ttl_known = b->options->record_ttl > 0;
	}
	if (cur->record_count == 1) {
		cur->record = found_text;
		cur->location = found->location;
		cur->location.file = dup_or_null(b->arena, found->location.file);
		cur->location.server = dup_or_null(b->arena, a->server);
		al_dmarc_record *r = NULL;
		if (al_dmarc_parse_arena(found_text, found_length, b->arena, &r) == AL_OK)
			b->current = r;
	}
	al_source_release(b->source, a);
	al_plan_effects_of(b->arena, cur->record, cur->record ? strlen(cur->record) : 0, cur->effect);
	const al_dmarc_record *r = b->current;
	cur->usable = r != NULL && r->is_dmarc && al_dmarc_has_valid_rua(r) &&
		      cur->effect[0].rfc7489.applies && !cur->effect[0].rfc7489.fallback &&
		      cur->effect[0].rfc9989.applies && !cur->effect[0].rfc9989.fallback;
}

/* ---- the policy in place ---------------------------------------------------------- */

/* True when "v=DMARC1; rua=<uris>" has a valid rua. */
static bool rua_valid(al_plan_builder *b, const char *uris)
{
	const char *text = al_arena_printf(b->arena, "v=DMARC1; p=none; rua=%s", uris);
	al_dmarc_record *r = NULL;
	return text != NULL && al_dmarc_parse_arena(text, strlen(text), b->arena, &r) == AL_OK &&
	       al_dmarc_has_valid_rua(r) && r->rua_count > 0;
}

/* The URIs of rua or ruf receivers can use, without the obsolete size suffix. */
static const char *usable_uris(al_plan_builder *b, const al_dmarc_record *r, const al_dmarc_uri *uris,
			       size_t count, const char *tag)
{
	al_strbuf sb = AL_STRBUF_INIT;
	for (size_t i = 0; i < count; i++) {
		const al_dmarc_uri *u = &uris[i];
		const char *start = r->text + u->span.start;
		size_t length = u->has_size ? u->size.start - u->span.start : u->span.length;
		const char *uri = al_arena_strndup(b->arena, start, length);
		if (uri == NULL)
			break;
		if (!u->valid && u->scheme == AL_DMARC_URI_NO_SCHEME && memchr(uri, '@', length) &&
		    !memchr(uri, ':', length)) {
			/* "dmarc@example.com": the scheme was left out */
			const char *fixed = al_arena_printf(b->arena, "mailto:%s", uri);
			if (fixed != NULL && rua_valid(b, fixed)) {
				al_plan_note(b, &b->notes, "%s '%s' had no scheme; the plan writes %s", tag,
					     uri, fixed);
				uri = fixed;
			}
		} else if (!u->valid) {
			al_plan_note(b, &b->notes, "%s '%s' is not a URI receivers can use; the plan leaves it out",
				     tag, uri);
			continue;
		}
		if (u->has_size)
			al_plan_note(b, &b->notes,
				     "the size limit on %s '%s' is obsolete (RFC 9989); the plan leaves it out",
				     tag, uri);
		if (!rua_valid(b, uri))
			continue;
		al_strbuf_printf(&sb, "%s%s", sb.length ? "," : "", uri);
	}
	const char *out = sb.length > 0 && !sb.failed ? al_arena_strdup(b->arena, al_strbuf_cstr(&sb)) : NULL;
	al_strbuf_free(&sb);
	return out;
}

static void carry_tags(al_plan_builder *b, const al_dmarc_record *r)
{
	al_plan_policy *s = &b->state;
	if (r->p >= AL_DMARC_POLICY_NONE)
		s->p = r->p;
	else
		al_plan_note(b, &b->notes, "the record's p is %s: receivers act as if it said p=none",
			     r->p == AL_DMARC_POLICY_UNSET ? "missing" : "not valid");
	if (r->pct_valid && r->pct < 100 && s->p != AL_DMARC_POLICY_NONE)
		s->pct = (int)r->pct;
	s->t = r->t == AL_DMARC_FLAG_Y && s->p != AL_DMARC_POLICY_NONE;
	if (r->sp >= AL_DMARC_POLICY_NONE)
		s->sp = r->sp;
	if (r->np >= AL_DMARC_POLICY_NONE)
		s->np = r->np;
	if (r->sp == AL_DMARC_POLICY_INVALID || r->np == AL_DMARC_POLICY_INVALID)
		al_plan_note(b, &b->notes, "an sp or np that is not a policy is left out");
	if (r->adkim == AL_DMARC_ALIGN_RELAXED || r->adkim == AL_DMARC_ALIGN_STRICT)
		s->adkim = r->adkim == AL_DMARC_ALIGN_STRICT ? "s" : "r";
	if (r->aspf == AL_DMARC_ALIGN_RELAXED || r->aspf == AL_DMARC_ALIGN_STRICT)
		s->aspf = r->aspf == AL_DMARC_ALIGN_STRICT ? "s" : "r";
	if (r->psd == AL_DMARC_FLAG_N || r->psd == AL_DMARC_FLAG_U)
		s->psd = r->psd == AL_DMARC_FLAG_N ? "n" : "u";
	else if (r->psd == AL_DMARC_FLAG_Y)
		al_plan_note(b, &b->notes,
			     "psd=y belongs on a public suffix operator's record; the plan leaves it out");
	s->rua = usable_uris(b, r, r->rua, r->rua_count, "rua");
	s->ruf = usable_uris(b, r, r->ruf, r->ruf_count, "ruf");
	if (r->fo != 0 && s->ruf != NULL) {
		/* RFC 9989: 0 and 1 exclude each other; 1 asks for more */
		char fo[16] = "";
		static const struct {
			unsigned bit;
			const char *name;
		} bits[] = {{AL_DMARC_FO_0, "0"}, {AL_DMARC_FO_1, "1"}, {AL_DMARC_FO_D, "d"}, {AL_DMARC_FO_S, "s"}};
		for (size_t i = 0; i < 4; i++) {
			if (!(r->fo & bits[i].bit) || (bits[i].bit == AL_DMARC_FO_0 && (r->fo & AL_DMARC_FO_1)))
				continue;
			snprintf(fo + strlen(fo), sizeof(fo) - strlen(fo), "%s%s", fo[0] ? ":" : "", bits[i].name);
		}
		s->fo = al_arena_strdup(b->arena, fo);
	} else if (r->fo != 0) {
		al_plan_note(b, &b->notes, "fo is left out: it has no effect without ruf");
	}
	if (r->tag[AL_DMARC_TAG_RF] != NULL || r->tag[AL_DMARC_TAG_RI] != NULL)
		al_plan_note(b, &b->notes, "rf and ri are left out: RFC 9989 removed them");
	for (size_t i = 0; i < r->tag_count; i++) {
		if (r->tags[i].id != AL_DMARC_TAG_UNKNOWN)
			continue;
		const char *name = al_arena_strndup(b->arena, r->text + r->tags[i].name.start,
						    r->tags[i].name.length);
		al_plan_note(b, &b->notes, "the unknown tag '%s' is left out", name ? name : "?");
	}
}

static void init_state(al_plan_builder *b)
{
	al_plan_policy *s = &b->state;
	memset(s, 0, sizeof(*s));
	s->p = AL_DMARC_POLICY_NONE;
	s->pct = -1;
	if (b->current != NULL && b->current->is_dmarc)
		carry_tags(b, b->current);
	if (s->rua == NULL && b->options->rua != NULL) {
		s->rua = al_arena_strdup(b->arena, b->options->rua);
	} else if (s->rua == NULL) {
		s->rua = al_arena_printf(b->arena, "mailto:dmarc-reports@%s", b->domain);
		b->plan->rua_suggested = true;
		al_plan_note(b, &b->notes,
			     "the domain asks for no aggregate reports; the plan uses %s: create that "
			     "mailbox or give the address to use (--rua)",
			     s->rua);
	}
	b->plan->rua = s->rua;
	b->state_published = b->plan->current.usable;
}

/* ---- the whole plan ------------------------------------------------------------------ */

static al_status setup_source(al_plan_builder *b)
{
	const al_plan_options *o = b->options;
	al_status st = al_plan_overlay_new(&b->overlay_source, &b->overlay, b->owner);
	if (st != AL_OK)
		return st;
	if ((st = al_source_new_layered(&b->source, b->overlay_source, o->source)) != AL_OK)
		return st;
	if (o->record != NULL)
		return al_plan_overlay_set(b->overlay, o->record, o->record_length, o->record_ttl,
					   "<argument>");
	if (o->source == NULL) {
		/* nothing answers: the current record cannot be read */
		al_source_free(b->source);
		b->source = NULL;
	}
	return AL_OK;
}

static al_status setup_lint(al_plan_builder *b)
{
	const al_plan_options *o = b->options;
	al_lint_options lo = {0};
	lo.rules = o->rules;
	lo.config = o->config;
	lo.source = b->source;
	lo.offline = o->offline;
	lo.dmarc_spec = o->dmarc_spec;
	lo.selectors = o->selectors;
	lo.selector_count = o->selector_count;
	lo.on_diag = collect;
	lo.userdata = b;
	lo.psl = o->psl;
	lo.today = b->today; /* the steps and the plan's own findings judge waivers on the start date */
	return al_lint_new(&b->lint, &lo);
}

/* Lint the domain with each step's record in place. */
static al_status lint_steps(al_plan_builder *b)
{
	const al_findings *previous = &b->now;
	for (size_t i = 0; i < b->draft_count && b->status == AL_OK; i++) {
		al_plan_draft *d = &b->drafts[i];
		d->text = al_plan_policy_text(b->arena, &d->policy);
		if (d->text == NULL)
			return AL_ENOMEM;
		if (!d->record_changes) {
			d->lint = *previous;
		} else {
			al_status st = al_plan_overlay_set(b->overlay, d->text, strlen(d->text),
							   b->publish_ttl, "<plan>");
			if (st == AL_OK)
				st = lint_domain(b, &d->lint);
			if (st != AL_OK)
				return st;
		}
		previous = &d->lint;
		for (size_t k = 0; k < d->lint.count; k++) {
			const al_diag *f = &d->lint.items[k];
			if (f->owner != NULL && al_name_equal(f->owner, b->owner) &&
			    al_findings_add(&d->record_findings, f) != AL_OK)
				return AL_ENOMEM;
		}
	}
	/* back to the domain as it is */
	if (b->options->record != NULL)
		return al_plan_overlay_set(b->overlay, b->options->record, b->options->record_length,
					   b->options->record_ttl, "<argument>");
	al_plan_overlay_disable(b->overlay);
	return AL_OK;
}

static uint32_t publish_ttl(const al_plan_builder *b)
{
	if (b->options->ttl > 0)
		return b->options->ttl;
	const al_plan_current *c = &b->plan->current;
	if (c->record != NULL && c->ttl_known && c->ttl > 0 && c->ttl < 3600)
		return c->ttl;
	return 3600;
}

static al_status check_options(const al_plan_options *o, const char *domain, al_error *err)
{
	if (o == NULL || o->rules == NULL || o->plan_template == NULL || domain == NULL)
		return al_error_set(err, AL_EINVAL, "a plan needs a registry, a template and a domain");
	char probe[16];
	if (o->start.year == 0)
		return al_error_set(err, AL_EINVAL, "a plan needs a start date");
	al_date_format(o->start, probe);
	al_date check;
	if (al_date_parse(probe, &check) != AL_OK)
		return al_error_set(err, AL_EINVAL, "the start date %s is not a date", probe);
	if (o->record != NULL && o->record_length > 60000)
		return al_error_set(err, AL_ELIMIT, "the record is longer than 60000 bytes");
	if (o->rua != NULL) {
		al_arena a;
		al_arena_init(&a);
		const char *text = al_arena_printf(&a, "v=DMARC1; p=none; rua=%s", o->rua);
		al_dmarc_record *r = NULL;
		bool ok = text != NULL && strpbrk(o->rua, "; \t") == NULL &&
			  al_dmarc_parse_arena(text, strlen(text), &a, &r) == AL_OK && r->rua_count > 0 &&
			  r->problem_count == 0;
		/* receivers must support mailto: (RFC 9989 4.7); other schemes they may ignore */
		for (size_t i = 0; ok && i < r->rua_count; i++)
			ok = r->rua[i].valid && r->rua[i].scheme == AL_DMARC_URI_MAILTO && !r->rua[i].has_size;
		al_arena_clear(&a);
		if (!ok) {
			char *shown = al_escape_display_dup(o->rua);
			al_error_set(err, AL_EINVAL,
				     "'%s' is not a report URI receivers can use (mailto:address@domain)",
				     shown ? shown : "?");
			free(shown);
			return AL_EINVAL;
		}
	}
	return AL_OK;
}

static void free_builder(al_plan_builder *b)
{
	al_lint_free(b->lint);
	al_source_free(b->source);
	al_source_free(b->overlay_source);
}

al_status al_plan_build(const al_plan_options *options, const char *domain, al_plan **out, al_error *err)
{
	*out = NULL;
	if (err != NULL)
		err->status = AL_OK;
	al_status st = check_options(options, domain, err);
	if (st != AL_OK)
		return st;
	plan_private *pp = calloc(1, sizeof(*pp));
	if (pp == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	al_arena_init(&pp->arena);
	al_plan_builder b;
	memset(&b, 0, sizeof(b));
	b.options = options;
	b.plan = &pp->plan;
	b.arena = &pp->arena;
	al_findings_init(&b.now, b.arena);
	al_findings_init(&b.plan_findings, b.arena);
	al_findings_init(&pp->findings, b.arena);
	b.all = &pp->findings;
	pp->plan.findings = b.all;
	al_error nerr;
	if (al_name_normalize(domain, strlen(domain), b.domain, &nerr) != AL_OK ||
	    al_name_label_count(b.domain) == 0) {
		char *shown = al_escape_display_dup(domain);
		al_error_set(err, AL_EINVAL, "'%s' is not a domain name: %s", shown ? shown : "?",
			     nerr.message);
		free(shown);
		al_plan_free(&pp->plan);
		return AL_EINVAL;
	}
	b.owner = al_arena_printf(b.arena, "_dmarc.%s", b.domain);
	al_date_format(options->start, b.today);
	al_plan *plan = &pp->plan;
	plan->domain = b.owner != NULL ? b.owner + 7 : NULL;
	plan->template_name = al_plan_template_name(options->plan_template);
	plan->template_summary = al_plan_template_summary(options->plan_template);
	plan->template_source = al_plan_template_source(options->plan_template);
	plan->start = options->start;

	if (b.owner == NULL || (st = setup_source(&b)) != AL_OK || (st = setup_lint(&b)) != AL_OK) {
		if (st == AL_OK)
			st = AL_ENOMEM;
		goto fail;
	}
	read_current(&b);
	/* without the current record there is no plan: the lookup says why (no need to lint the rest) */
	if (plan->current.known && (st = lint_domain(&b, &b.now)) != AL_OK) {
		if (st == AL_EUNSUPPORTED)
			al_error_set(err, st, "the DNS source answers asynchronously; plan needs one that waits");
		goto fail;
	}
	plan->complete = plan->current.known && !al_lint_summary(b.lint)->incomplete;
	al_plan_gather_evidence(&b);
	if (plan->current.known)
		al_plan_report_findings(&b);
	if (plan->current.known) {
		b.publish_ttl = publish_ttl(&b);
		init_state(&b);
		al_planb_place_on_template(&b);
		al_planb_harden(&b);
		if ((st = lint_steps(&b)) != AL_OK)
			goto fail;
		al_plan_evaluate_gates(&b);
		al_plan_finish_steps(&b);
		al_plan_measure_impacts(&b);
		plan->nothing_to_do = plan->step_count == 0 && plan->current.usable;
		if (b.publish_ttl < plan->current.ttl && plan->current.record != NULL && options->ttl == 0)
			al_plan_note(&b, &b.notes,
				     "the plan publishes its records with TTL %lu instead of %lu, so a "
				     "rollback reaches every cache within %lu seconds",
				     (unsigned long)b.publish_ttl, (unsigned long)plan->current.ttl,
				     (unsigned long)b.publish_ttl);
	}
	al_plan_raise_findings(&b);
	plan->notes = b.notes.items;
	plan->note_count = b.notes.count;
	if (b.status != AL_OK) {
		st = b.status;
		goto fail;
	}
	free_builder(&b);
	*out = plan;
	return AL_OK;
fail:
	free_builder(&b);
	al_plan_free(&pp->plan);
	if (err != NULL && err->status == AL_OK)
		al_error_set(err, st, "%s: cannot build the plan: %s", domain, al_status_message(st));
	return st;
}

void al_plan_free(al_plan *plan)
{
	if (plan == NULL)
		return;
	plan_private *pp = (plan_private *)plan;
	al_arena_clear(&pp->arena);
	free(pp);
}
