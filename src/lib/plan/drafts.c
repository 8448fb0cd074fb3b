/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rollout plan's drafts: each step's record from the template, and the hardening steps (sp, np, adkim/aspf, DKIM) that come after enforcement. */
#include "plan/build_internal.h"

/* ---- drafts ------------------------------------------------------------------------ */

void al_planb_strengths(al_plan_builder *b, const al_plan_policy *policy, al_dmarc_target target,
			unsigned *rfc7489, unsigned *rfc9989)
{
	const al_plan_strengths *hit = NULL;
	for (size_t i = 0; i < b->strength_count && hit == NULL; i++)
		if (al_plan_policy_equal(&b->strengths[i].policy, policy))
			hit = &b->strengths[i];
	if (hit == NULL) {
		al_plan_strengths *m = &b->strengths[b->strength_next];
		b->strength_next = (b->strength_next + 1) % AL_PLAN_STRENGTH_MEMOS;
		if (b->strength_count < AL_PLAN_STRENGTH_MEMOS)
			b->strength_count++;
		/* the policy's strings live in the plan's arena or the template: as long as the builder */
		m->policy = *policy;
		al_plan_policy_strengths_all(policy, m->rfc7489, m->rfc9989);
		hit = m;
	}
	*rfc7489 = hit->rfc7489[target];
	*rfc9989 = hit->rfc9989[target];
}

static al_plan_draft *add_draft(al_plan_builder *b, al_plan_step_kind kind, const char *id,
				const char *title, const al_plan_policy *policy,
				const al_plan_template_step *source)
{
	if (!al_planb_grow(b, (void **)&b->drafts, &b->draft_count, &b->draft_capacity, sizeof(*b->drafts)))
		return NULL;
	al_plan_draft *d = &b->drafts[b->draft_count++];
	memset(d, 0, sizeof(*d));
	al_findings_init(&d->lint, b->arena);
	al_findings_init(&d->record_findings, b->arena);
	d->kind = kind;
	/* ids are unique within a plan: a hardening id a template also uses gets a suffix */
	const char *unique = id;
	for (unsigned n = 2; n < 100; n++) {
		bool clash = false;
		for (size_t i = 0; i + 1 < b->draft_count && !clash; i++)
			clash = strcmp(b->drafts[i].id, unique) == 0;
		if (!clash)
			break;
		unique = al_arena_printf(b->arena, "%s-%u", id, n);
	}
	d->id = unique;
	d->title = title;
	d->policy = *policy;
	d->record_changes = kind != AL_PLAN_STEP_DKIM;
	d->source = source;
	if (kind != AL_PLAN_STEP_DKIM) {
		b->state = *policy;
		b->state_published = true;
	}
	return d;
}

static bool same_record(al_plan_builder *b, const al_plan_policy *x, const al_plan_policy *y)
{
	if (al_plan_policy_equal(x, y))
		return true; /* the same tags: the same text */
	const char *a = al_plan_policy_text(b->arena, x), *c = al_plan_policy_text(b->arena, y);
	return a != NULL && c != NULL && strcmp(a, c) == 0;
}

static void apply_sub(al_plan_tag_action action, al_dmarc_policy value, al_dmarc_policy *tag)
{
	if (action == AL_PLAN_TAG_REMOVE)
		*tag = AL_DMARC_POLICY_UNSET;
	else if (action == AL_PLAN_TAG_SET)
		*tag = value;
}

/* Keep sp / np as they are when a change would lower what subdomains get. */
static void guard_subdomains(al_plan_builder *b, al_plan_policy *next, al_plan_strvec *notes)
{
	static const struct {
		al_dmarc_target target;
		const char *tag;
	} targets[] = {{AL_DMARC_TARGET_SUBDOMAIN, "sp"}, {AL_DMARC_TARGET_NONEXISTENT, "np"}};
	for (size_t i = 0; i < 2; i++) {
		unsigned n7, n9, s7, s9;
		al_planb_strengths(b, next, targets[i].target, &n7, &n9);
		al_planb_strengths(b, &b->state, targets[i].target, &s7, &s9);
		if (n7 >= s7 && n9 >= s9)
			continue;
		al_dmarc_policy *tag = i == 0 ? &next->sp : &next->np;
		al_dmarc_policy keep = i == 0 ? b->state.sp : b->state.np;
		if (*tag == keep)
			continue;
		*tag = keep;
		if (notes != NULL)
			al_plan_note(b, notes, "%s is kept as it is: the template's value would lower what %s get",
				     targets[i].tag, al_plan_target_label(targets[i].target));
	}
}

typedef struct pending_sub {
	al_plan_tag_action sp_action, np_action;
	al_dmarc_policy sp, np;
	const char *from;
} pending_sub;

/* "sp=quarantine, np=reject": the subdomain tags that differ between two policies. */
static const char *sub_changes(al_plan_builder *b, const al_plan_policy *from, const al_plan_policy *to,
			       const char **id)
{
	al_strbuf sb = AL_STRBUF_INIT;
	*id = "subdomain-policy";
	int changed = 0;
	const struct {
		const char *tag;
		al_dmarc_policy a, b;
	} tags[] = {{"sp", from->sp, to->sp}, {"np", from->np, to->np}};
	for (size_t i = 0; i < 2; i++) {
		if (tags[i].a == tags[i].b)
			continue;
		const char *value = tags[i].b == AL_DMARC_POLICY_UNSET ? "inherit" : al_dmarc_policy_name(tags[i].b);
		al_strbuf_printf(&sb, "%s%s=%s", changed++ ? ", " : "", tags[i].tag, value);
		if (changed == 1)
			*id = al_arena_printf(b->arena, "%s-%s", tags[i].tag, value);
	}
	if (changed > 1)
		*id = "subdomain-policy";
	const char *text = sb.failed ? NULL : al_arena_strdup(b->arena, al_strbuf_cstr(&sb));
	al_strbuf_free(&sb);
	return text;
}

static void flush_pending(al_plan_builder *b, pending_sub *p)
{
	if (p->sp_action == AL_PLAN_TAG_KEEP && p->np_action == AL_PLAN_TAG_KEEP)
		return;
	al_plan_policy next = b->state;
	apply_sub(p->sp_action, p->sp, &next.sp);
	apply_sub(p->np_action, p->np, &next.np);
	guard_subdomains(b, &next, NULL);
	const char *from = p->from;
	memset(p, 0, sizeof(*p));
	if (same_record(b, &next, &b->state))
		return;
	const al_plan_template_step *h = al_plan_template_hardening(b->options->plan_template);
	const char *id = NULL;
	const char *changes = sub_changes(b, &b->state, &next, &id);
	al_plan_draft *d = add_draft(b, AL_PLAN_STEP_SUBDOMAIN, id,
				     al_arena_printf(b->arena, "Subdomain policy: %s", changes ? changes : "?"),
				     &next, h);
	if (d != NULL)
		al_plan_note(b, &d->notes,
			     "the template sets this at step '%s', which the domain is past already; "
			     "the policy for the domain itself stays as it is",
			     from);
}

void al_planb_place_on_template(al_plan_builder *b)
{
	const al_plan_template *t = b->options->plan_template;
	size_t count = al_plan_template_step_count(t);
	unsigned s7, s9;
	al_planb_strengths(b, &b->state, AL_DMARC_TARGET_DOMAIN, &s7, &s9);
	bool forced = false;
	if (!b->state_published && s7 == 0 && s9 == 0) {
		/* no usable record and nothing enforced: the first step publishes one */
		forced = true;
	} else if (!b->state_published) {
		/* enforcing, but without reports (or not applied alike): add them first */
		al_plan_policy next = b->state;
		al_plan_draft *d = add_draft(b, AL_PLAN_STEP_REPORTING, "reporting",
					     "Aggregate reports for the policy in place", &next,
					     al_plan_template_step_at(t, 0));
		if (d != NULL)
			al_plan_note(b, &d->notes,
				     "the policy stays as it is; reports show which sources fail before "
				     "enforcement goes further");
	}
	pending_sub pending = {0};
	for (size_t i = 0; i < count && b->status == AL_OK; i++) {
		const al_plan_template_step *ts = al_plan_template_step_at(t, i);
		al_plan_policy next = b->state;
		next.p = ts->policy;
		next.pct = ts->pct;
		next.t = ts->testing;
		apply_sub(ts->sp_action, ts->sp, &next.sp);
		apply_sub(ts->np_action, ts->np, &next.np);
		unsigned n7, n9;
		al_planb_strengths(b, &next, AL_DMARC_TARGET_DOMAIN, &n7, &n9);
		const char *adapted = NULL;
		if (forced) {
			forced = false;
		} else if (n7 <= s7 && n9 <= s9) {
			/* done already; what it sets for subdomains is caught up on later */
			if (ts->sp_action != AL_PLAN_TAG_KEEP) {
				pending.sp_action = ts->sp_action;
				pending.sp = ts->sp;
				pending.from = ts->id;
			}
			if (ts->np_action != AL_PLAN_TAG_KEEP) {
				pending.np_action = ts->np_action;
				pending.np = ts->np;
				pending.from = ts->id;
			}
			continue;
		} else if (n7 < s7 || n9 < s9) {
			/* more on one generation, less on the other */
			if (n9 < s9 && next.t) {
				next.t = false;
				al_planb_strengths(b, &next, AL_DMARC_TARGET_DOMAIN, &n7, &n9);
				adapted = "t=y is left out: RFC 9989 receivers already get the full policy "
					  "from the record in place, and t=y would lower it";
			}
			if (n7 < s7 || n9 < s9) {
				al_plan_note(b, &b->notes,
					     "step '%s' of the template is left out: it would enforce less "
					     "than the record in place on RFC %s receivers",
					     ts->id, n7 < s7 ? "7489" : "9989");
				continue;
			}
		}
		if (pending.sp_action != AL_PLAN_TAG_KEEP || pending.np_action != AL_PLAN_TAG_KEEP) {
			flush_pending(b, &pending);
			/* the step builds on the subdomain policy just staged */
			next.sp = b->state.sp;
			next.np = b->state.np;
			apply_sub(ts->sp_action, ts->sp, &next.sp);
			apply_sub(ts->np_action, ts->np, &next.np);
		}
		al_plan_strvec notes = {0};
		guard_subdomains(b, &next, &notes);
		if (b->state_published && same_record(b, &next, &b->state))
			continue;
		al_plan_draft *d = add_draft(b, AL_PLAN_STEP_RAMP, ts->id, ts->title, &next, ts);
		if (d == NULL)
			return;
		d->notes = notes;
		if (adapted != NULL) {
			d->adapted = true;
			al_plan_note(b, &d->notes, "%s", adapted);
		}
		s7 = n7;
		s9 = n9;
	}
	flush_pending(b, &pending);
}

/* ---- hardening ---------------------------------------------------------------------- */

/* Rules about weak DKIM keys whose findings call for a new key (those in the registry). */
static const al_rule_code weak_key_rules[] = {AL_RULE_DKIM012, AL_RULE_DKIM013};

static void harden_dkim(al_plan_builder *b, const al_plan_template_step *h)
{
	for (size_t i = 0; i < b->now.count; i++) {
		const al_diag *d = &b->now.items[i];
		bool weak = false;
		for (size_t n = 0; n < sizeof(weak_key_rules) / sizeof(weak_key_rules[0]) && !weak; n++)
			weak = al_rule_is(d->rule, weak_key_rules[n]);
		if (!weak || d->waived || d->owner == NULL)
			continue;
		size_t selector_length;
		const char *dkim_domain;
		const char *selector = al_dkim_name_split(d->owner, &selector_length, &dkim_domain)
					       ? al_arena_strndup(b->arena, d->owner, selector_length)
					       : d->owner;
		const char *id = al_arena_printf(b->arena, "dkim-key-%s", selector);
		bool seen = false;
		for (size_t k = 0; k < b->draft_count && !seen; k++)
			seen = id != NULL && strcmp(b->drafts[k].id, id) == 0;
		if (seen || id == NULL)
			continue;
		al_plan_policy same = b->state;
		al_plan_draft *dr = add_draft(b, AL_PLAN_STEP_DKIM, id,
					      al_arena_printf(b->arena, "A stronger DKIM key for selector %s",
							      selector),
					      &same, h);
		if (dr == NULL)
			return;
		al_plan_note(b, &dr->notes, "%s", d->message);
		al_plan_note(b, &dr->notes,
			     "publish a 2048-bit RSA key (or ed25519 next to it) under a new selector, "
			     "switch the signer to it, then retire %s; the DMARC record stays as it is",
			     selector);
	}
}

void al_planb_harden(al_plan_builder *b)
{
	const al_plan_template_step *h = al_plan_template_hardening(b->options->plan_template);
	if (b->state.p < AL_DMARC_POLICY_QUARANTINE) {
		harden_dkim(b, h);
		return;
	}
	al_plan_policy next;
	/* non-existent subdomains send no mail: np=reject costs nothing */
	unsigned n7, n9;
	next = b->state;
	next.np = AL_DMARC_POLICY_REJECT;
	al_planb_strengths(b, &b->state, AL_DMARC_TARGET_NONEXISTENT, &n7, &n9);
	if (n9 < 200 && !same_record(b, &next, &b->state)) {
		al_plan_draft *d = add_draft(b, AL_PLAN_STEP_SUBDOMAIN, "np-reject",
					     "Reject mail from non-existent subdomains (np=reject)", &next, h);
		if (d != NULL)
			al_plan_note(b, &d->notes,
				     "np is read by RFC 9989 receivers only; RFC 7489 receivers keep "
				     "applying %s to non-existent subdomains",
				     b->state.sp != AL_DMARC_POLICY_UNSET ? "sp" : "p");
	}
	/* t=y or a partial pct left in place means not enforcing in full */
	if (b->state.t || b->state.pct >= 0) {
		next = b->state;
		next.t = false;
		next.pct = -1;
		add_draft(b, AL_PLAN_STEP_TESTING, "enforce-in-full",
			  al_arena_printf(b->arena, "Enforce p=%s in full (no t=y, no pct)",
					  al_dmarc_policy_name(b->state.p)),
			  &next, h);
	}
	/* existing subdomains: one level at a time up to p */
	for (int guard = 0; guard < 3 && b->state.sp != AL_DMARC_POLICY_UNSET &&
			    b->state.sp < b->state.p && b->status == AL_OK;
	     guard++) {
		next = b->state;
		al_dmarc_policy up = (al_dmarc_policy)(b->state.sp + 1);
		next.sp = up >= b->state.p ? AL_DMARC_POLICY_UNSET : up;
		const char *id = next.sp == AL_DMARC_POLICY_UNSET ? "sp-inherit" : "sp-quarantine";
		const char *title = next.sp == AL_DMARC_POLICY_UNSET
			? al_arena_printf(b->arena, "Existing subdomains follow p=%s (sp removed)",
					  al_dmarc_policy_name(b->state.p))
			: "Quarantine mail from existing subdomains (sp=quarantine)";
		al_plan_draft *d = add_draft(b, AL_PLAN_STEP_SUBDOMAIN, id, title, &next, h);
		if (d != NULL)
			al_plan_note(b, &d->notes,
				     "subdomains that send mail of their own can publish their own "
				     "_dmarc record before this step");
	}
	harden_dkim(b, h);
}

