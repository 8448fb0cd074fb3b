/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The record a step publishes and what it does: record text from a policy,
 * its effect on each receiver generation (through al_dmarc_effect_of, the
 * parser's own reading), and the zone-file line.
 */
#include <stdio.h>
#include <string.h>

#include "plan/plan_internal.h"
#include "record/dmarc_parse.h"

const char *al_plan_policy_text(al_arena *arena, const al_plan_policy *p)
{
	al_strbuf sb = AL_STRBUF_INIT;
	al_strbuf_printf(&sb, "v=DMARC1; p=%s", al_dmarc_policy_name(p->p));
	if (p->pct >= 0 && p->pct < 100 && p->p != AL_DMARC_POLICY_NONE)
		al_strbuf_printf(&sb, "; pct=%d", p->pct);
	if (p->t && p->p != AL_DMARC_POLICY_NONE)
		al_strbuf_puts(&sb, "; t=y");
	/* sp and np only where they differ from what they would inherit */
	if (p->sp >= AL_DMARC_POLICY_NONE && p->sp != p->p)
		al_strbuf_printf(&sb, "; sp=%s", al_dmarc_policy_name(p->sp));
	al_dmarc_policy inherited = p->sp >= AL_DMARC_POLICY_NONE ? p->sp : p->p;
	if (p->np >= AL_DMARC_POLICY_NONE && p->np != inherited)
		al_strbuf_printf(&sb, "; np=%s", al_dmarc_policy_name(p->np));
	const struct {
		const char *name, *value;
	} carried[] = {{"adkim", p->adkim}, {"aspf", p->aspf}, {"psd", p->psd},
		       {"rua", p->rua},     {"ruf", p->ruf},   {"fo", p->fo}};
	for (size_t i = 0; i < sizeof(carried) / sizeof(carried[0]); i++)
		if (carried[i].value != NULL)
			al_strbuf_printf(&sb, "; %s=%s", carried[i].name, carried[i].value);
	const char *text = sb.failed ? NULL : al_arena_strndup(arena, al_strbuf_cstr(&sb), sb.length);
	al_strbuf_free(&sb);
	return text;
}

/* Share of failing mail that gets at least @p level. */
static unsigned share_at_least(const al_dmarc_effect *e, al_dmarc_policy level)
{
	unsigned share = 0;
	if (e->applied >= level)
		share += e->percent;
	if (e->percent < 100 && e->rest >= level)
		share += 100 - e->percent;
	return share;
}

unsigned al_plan_strength(const al_dmarc_effect *e)
{
	if (!e->applies)
		return 0;
	return share_at_least(e, AL_DMARC_POLICY_QUARANTINE) + share_at_least(e, AL_DMARC_POLICY_REJECT);
}

void al_plan_policy_strengths_all(const al_plan_policy *policy, unsigned rfc7489[3], unsigned rfc9989[3])
{
	al_arena arena;
	al_arena_init(&arena);
	memset(rfc7489, 0, 3 * sizeof(*rfc7489));
	memset(rfc9989, 0, 3 * sizeof(*rfc9989));
	const char *text = al_plan_policy_text(&arena, policy);
	al_dmarc_record *r = NULL;
	if (text != NULL && al_dmarc_parse_arena(text, strlen(text), &arena, &r) == AL_OK) {
		for (int t = 0; t < 3; t++) {
			al_dmarc_effect e;
			al_dmarc_effect_of(r, AL_GENERATION_RFC7489, (al_dmarc_target)t, &e);
			rfc7489[t] = al_plan_strength(&e);
			al_dmarc_effect_of(r, AL_GENERATION_RFC9989, (al_dmarc_target)t, &e);
			rfc9989[t] = al_plan_strength(&e);
		}
	}
	al_arena_clear(&arena);
}

void al_plan_policy_strengths(const al_plan_policy *policy, al_dmarc_target target, unsigned *rfc7489,
			      unsigned *rfc9989)
{
	unsigned s7[3], s9[3];
	al_plan_policy_strengths_all(policy, s7, s9);
	*rfc7489 = s7[target];
	*rfc9989 = s9[target];
}

static bool same_value(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

bool al_plan_policy_equal(const al_plan_policy *a, const al_plan_policy *b)
{
	return a->p == b->p && a->pct == b->pct && a->t == b->t && a->sp == b->sp && a->np == b->np &&
	       same_value(a->adkim, b->adkim) && same_value(a->aspf, b->aspf) && same_value(a->psd, b->psd) &&
	       same_value(a->rua, b->rua) && same_value(a->ruf, b->ruf) && same_value(a->fo, b->fo);
}

const char *al_plan_effect_text(al_arena *arena, const al_dmarc_effect *e, al_generation gen)
{
	if (!e->applies)
		return "no DMARC policy";
	const char *applied = al_dmarc_policy_name(e->applied);
	if (e->fallback)
		return "none (the policy is not valid)";
	if (gen == AL_GENERATION_RFC7489 && e->percent < 100)
		return al_arena_printf(arena, "%s %u%%, rest %s", applied, e->percent,
				       al_dmarc_policy_name(e->rest));
	if (e->testing)
		return al_arena_printf(arena, "%s (t=y lowers %s)", applied,
				       al_dmarc_policy_name(e->requested));
	return applied;
}

void al_plan_effects_of(al_arena *arena, const char *text, size_t length, al_plan_effect out[3])
{
	memset(out, 0, 3 * sizeof(*out));
	al_dmarc_record *r = NULL;
	if (text != NULL && al_dmarc_parse_arena(text, length, arena, &r) != AL_OK)
		r = NULL;
	for (int t = 0; t < 3; t++) {
		al_plan_effect *pe = &out[t];
		char buf[512];
		al_dmarc_effect_of(r, AL_GENERATION_RFC7489, (al_dmarc_target)t, &pe->rfc7489);
		al_dmarc_effect_of(r, AL_GENERATION_RFC9989, (al_dmarc_target)t, &pe->rfc9989);
		pe->rfc7489_text = al_plan_effect_text(arena, &pe->rfc7489, AL_GENERATION_RFC7489);
		pe->rfc9989_text = al_plan_effect_text(arena, &pe->rfc9989, AL_GENERATION_RFC9989);
		al_dmarc_effect_describe(r, AL_GENERATION_RFC7489, (al_dmarc_target)t, &pe->rfc7489, buf,
					 sizeof(buf));
		pe->rfc7489_detail = al_arena_strdup(arena, buf);
		al_dmarc_effect_describe(r, AL_GENERATION_RFC9989, (al_dmarc_target)t, &pe->rfc9989, buf,
					 sizeof(buf));
		pe->rfc9989_detail = al_arena_strdup(arena, buf);
	}
}

const char *al_plan_zone_line(al_arena *arena, const char *owner, uint32_t ttl, const char *text,
			      size_t length)
{
	al_strbuf sb = AL_STRBUF_INIT;
	al_strbuf_printf(&sb, "%s. %lu IN TXT", owner, (unsigned long)ttl);
	/* RFC 1035 3.3: character-strings of at most 255 octets; receivers join them */
	size_t i = 0;
	do {
		size_t n = length - i > 255 ? 255 : length - i;
		al_strbuf_puts(&sb, " \"");
		for (size_t k = i; k < i + n; k++) {
			unsigned char c = (unsigned char)text[k];
			if (c == '"' || c == '\\')
				al_strbuf_printf(&sb, "\\%c", c);
			else if (c < 0x20 || c >= 0x7f)
				al_strbuf_printf(&sb, "\\%03u", c);
			else
				al_strbuf_putc(&sb, (char)c);
		}
		al_strbuf_putc(&sb, '"');
		i += n;
	} while (i < length);
	const char *line = sb.failed ? NULL : al_arena_strndup(arena, al_strbuf_cstr(&sb), sb.length);
	al_strbuf_free(&sb);
	return line;
}

const char *al_plan_target_label(al_dmarc_target target)
{
	switch (target) {
	case AL_DMARC_TARGET_DOMAIN:
		return "domain";
	case AL_DMARC_TARGET_SUBDOMAIN:
		return "subdomains";
	case AL_DMARC_TARGET_NONEXISTENT:
		return "non-existent subdomains";
	}
	return "?";
}

const char *al_plan_target_key(al_dmarc_target target)
{
	switch (target) {
	case AL_DMARC_TARGET_DOMAIN:
		return "domain";
	case AL_DMARC_TARGET_SUBDOMAIN:
		return "subdomain";
	case AL_DMARC_TARGET_NONEXISTENT:
		return "nonexistent";
	}
	return "?";
}
