/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_host(): the mechanisms (RFC 7208 section 5), their lookups and limits, and exp= (section 6.2). */
#include "spf/eval_internal.h"

/* ---- terms ----------------------------------------------------------------------------------- */


/* The target of a term: its domain-spec expanded, or the current domain. NULL with
 * *invalid when the expansion is not a valid name (treated as a void lookup). */
const char *al_spfe_term_target(eval *e, const char *domain, const al_spf_record *rec,
			       const al_spf_term *t, bool *invalid, const char **why)
{
	al_spf_macro_env env = al_spfe_environment(e, domain);
	const char *text = t->has_value ? rec->text + t->value_start : NULL;
	return al_spf_target(e->arena, &env, text, t->value_length, why, invalid);
}

static match invalid_target(eval *e, const char *domain, const char *term, const char *why)
{
	al_spf_event *ev = al_spfe_event(e, AL_SPF_EVENT_NOTE, domain);
	if (ev != NULL)
		ev->detail = al_spfe_fmt(e, "%s: the target is not a valid domain name (%s): no match, a void lookup",
				 term, why);
	return al_spfe_count_void(e, term) ? NO_MATCH : ABORT;
}

/* The target of a lookup term; NULL when the term is decided already (*m says how:
 * NO_MATCH for a name that is not valid, a void lookup; ABORT for an error). */
static const char *lookup_target(eval *e, const char *domain, const al_spf_record *rec, const al_spf_term *t,
				 const char *term, match *m)
{
	bool invalid;
	const char *why;
	const char *name = al_spfe_term_target(e, domain, rec, t, &invalid, &why);
	if (e->abort != AL_SPF_NONE) {
		*m = ABORT;
		return NULL;
	}
	if (name == NULL)
		*m = invalid ? invalid_target(e, domain, term, why)
			     : al_spfe_stop(e, AL_SPF_PERMERROR, al_spfe_fmt(e, "%s: %s", term, why));
	return name;
}

match al_spfe_eval_a(eval *e, const char *domain, const al_spf_record *rec, const al_spf_term *t,
		    const char *term)
{
	match m = NO_MATCH;
	const char *name = lookup_target(e, domain, rec, t, term, &m);
	if (name == NULL)
		return m;
	const al_answer *a = al_spfe_query(e, domain, name, al_spfe_address_type(e));
	if (al_spf_answer_unusable(a))
		return al_spfe_stop(e, AL_SPF_TEMPERROR, al_spfe_answer_problem(e, name, al_spfe_address_type(e), a));
	if (al_spf_answer_count(a, al_spfe_address_type(e)) == 0)
		return al_spfe_count_void(e, name) ? NO_MATCH : ABORT;
	for (size_t i = 0; i < a->count; i++)
		if (al_spfe_rr_matches(e, &a->rrs[i], t->cidr4, t->cidr6))
			return MATCH;
	return NO_MATCH;
}

typedef struct mx_name {
	unsigned preference;
	const char *name;
} mx_name;

static int cmp_mx(const void *pa, const void *pb)
{
	const mx_name *a = pa, *b = pb;
	return a->preference < b->preference ? -1 : a->preference > b->preference ? 1 : 0;
}

match al_spfe_eval_mx(eval *e, const char *domain, const al_spf_record *rec, const al_spf_term *t,
		     const char *term)
{
	match m = NO_MATCH;
	const char *name = lookup_target(e, domain, rec, t, term, &m);
	if (name == NULL)
		return m;
	const al_answer *a = al_spfe_query(e, domain, name, AL_TYPE_MX);
	if (al_spf_answer_unusable(a))
		return al_spfe_stop(e, AL_SPF_TEMPERROR, al_spfe_answer_problem(e, name, AL_TYPE_MX, a));
	size_t n = al_spf_answer_count(a, AL_TYPE_MX);
	if (n == 0)
		return al_spfe_count_void(e, name) ? NO_MATCH : ABORT;
	if (n > AL_SPF_MAX_NAMES)
		return al_spfe_stop(e, AL_SPF_PERMERROR,
			    al_spfe_fmt(e, "%s: %s has %zu MX records, more than %d", term, name, n, AL_SPF_MAX_NAMES));
	mx_name names[AL_SPF_MAX_NAMES];
	size_t count = 0;
	for (size_t i = 0; i < a->count; i++) {
		const al_rr *rr = &a->rrs[i];
		if (rr->type != AL_TYPE_MX || rr->rdlength < 3)
			continue;
		char host[AL_NAME_MAX];
		if (!al_wire_name_to_text(rr->rdata, rr->rdlength, 2, host, NULL))
			continue;
		names[count].preference = (unsigned)(rr->rdata[0] << 8 | rr->rdata[1]);
		names[count].name = al_arena_strdup(e->arena, host);
		count++;
	}
	qsort(names, count, sizeof(names[0]), cmp_mx);
	for (size_t i = 0; i < count; i++) {
		if (strcmp(names[i].name, ".") == 0)
			continue; /* a null MX (RFC 7505) has no address */
		const al_answer *addr = al_spfe_query(e, domain, names[i].name, al_spfe_address_type(e));
		if (al_spf_answer_unusable(addr))
			return al_spfe_stop(e, AL_SPF_TEMPERROR,
				    al_spfe_answer_problem(e, names[i].name, al_spfe_address_type(e), addr));
		if (al_spf_answer_count(addr, al_spfe_address_type(e)) == 0) {
			if (!al_spfe_count_void(e, names[i].name))
				return ABORT;
			continue;
		}
		for (size_t k = 0; k < addr->count; k++)
			if (al_spfe_rr_matches(e, &addr->rrs[k], t->cidr4, t->cidr6))
				return MATCH;
	}
	return NO_MATCH;
}

match al_spfe_eval_ptr(eval *e, const char *domain, const al_spf_record *rec, const al_spf_term *t,
		      const char *term)
{
	match m = NO_MATCH;
	const char *target = lookup_target(e, domain, rec, t, term, &m);
	if (target == NULL)
		return m;
	if (!al_spfe_validated_names(e, domain))
		return ABORT;
	for (size_t i = 0; i < e->ptr_count; i++)
		if (al_name_is_subdomain(e->ptr_names[i], target))
			return MATCH;
	return NO_MATCH;
}

match al_spfe_eval_exists(eval *e, const char *domain, const al_spf_record *rec, const al_spf_term *t,
			 const char *term)
{
	match m = NO_MATCH;
	const char *name = lookup_target(e, domain, rec, t, term, &m);
	if (name == NULL)
		return m;
	/* always an A query, whatever the client's address family (RFC 7208 section 5.7) */
	const al_answer *a = al_spfe_query(e, domain, name, AL_TYPE_A);
	if (al_spf_answer_unusable(a))
		return al_spfe_stop(e, AL_SPF_TEMPERROR, al_spfe_answer_problem(e, name, AL_TYPE_A, a));
	if (al_spf_answer_count(a, AL_TYPE_A) == 0)
		return al_spfe_count_void(e, name) ? NO_MATCH : ABORT;
	return MATCH;
}

match al_spfe_eval_ip(eval *e, const al_spf_term *t)
{
	if (t->type == AL_SPF_TERM_IP4)
		return e->family == 4 && al_spfe_prefix_match(t->address, e->ip, (unsigned)(t->cidr4 < 0 ? 32 : t->cidr4))
			       ? MATCH
			       : NO_MATCH;
	return e->family == 6 && al_spfe_prefix_match(t->address, e->ip, (unsigned)(t->cidr6 < 0 ? 128 : t->cidr6))
		       ? MATCH
		       : NO_MATCH;
}

match al_spfe_eval_include(eval *e, const char *domain, const al_spf_record *rec, const al_spf_term *t,
			  const char *term)
{
	bool invalid;
	const char *why;
	const char *name = al_spfe_term_target(e, domain, rec, t, &invalid, &why);
	if (e->abort != AL_SPF_NONE)
		return ABORT;
	if (name == NULL)
		return al_spfe_stop(e, AL_SPF_PERMERROR,
			    al_spfe_fmt(e, "%s: the target %s (%s)", term,
				invalid ? "is not a valid domain name" : "cannot be expanded", why));
	al_spf_result r = al_spfe_check_host(e, name, true);
	switch (r) {
	case AL_SPF_PASS:
		return MATCH;
	case AL_SPF_FAIL:
	case AL_SPF_SOFTFAIL:
	case AL_SPF_NEUTRAL:
		return NO_MATCH;
	case AL_SPF_TEMPERROR:
		return al_spfe_stop(e, AL_SPF_TEMPERROR, al_spfe_fmt(e, "%s: temperror in %s", term, name));
	case AL_SPF_NONE:
		return al_spfe_stop(e, AL_SPF_PERMERROR, al_spfe_fmt(e, "%s: %s has no SPF record", term, name));
	case AL_SPF_PERMERROR:
	default:
		return al_spfe_stop(e, AL_SPF_PERMERROR, al_spfe_fmt(e, "%s: permerror in %s", term, name));
	}
}

/* ---- exp= (RFC 7208 section 6.2) --------------------------------------------------------------- */

void al_spfe_explain(eval *e, const char *domain, const al_spf_record *rec)
{
	const al_spf_term *t = &rec->terms[rec->exp];
	bool invalid;
	const char *why;
	const char *name = al_spfe_term_target(e, domain, rec, t, &invalid, &why);
	al_spf_event *ev;
	if (name == NULL) {
		if ((ev = al_spfe_event(e, AL_SPF_EVENT_NOTE, domain)) != NULL)
			ev->detail = al_spfe_fmt(e, "exp=: the target cannot be used (%s): no explanation", why);
		return;
	}
	/* the explanation's lookup counts toward no limit */
	const al_answer *a = al_spfe_query(e, domain, name, AL_TYPE_TXT);
	size_t n = al_spf_answer_count(a, AL_TYPE_TXT);
	const char *problem = NULL;
	if (al_spf_answer_unusable(a))
		problem = "the lookup failed";
	else if (n == 0)
		problem = "no TXT record";
	else if (n > 1)
		problem = "more than one TXT record";
	char *text = NULL;
	size_t len = 0;
	if (problem == NULL) {
		const al_rr *rr = NULL;
		for (size_t i = 0; i < a->count; i++)
			if (a->rrs[i].type == AL_TYPE_TXT)
				rr = &a->rrs[i];
		text = al_arena_alloc(e->arena, rr->rdlength + 1u);
		if (text != NULL)
			len = al_txt_copy(rr->rdata, rr->rdlength, text, rr->rdlength, NULL);
		for (size_t i = 0; text != NULL && i < len; i++)
			if ((unsigned char)text[i] >= 0x80)
				problem = "the text is not ASCII";
	}
	al_strbuf sb = AL_STRBUF_INIT;
	if (problem == NULL && text != NULL) {
		al_spf_macro_env env = al_spfe_environment(e, domain);
		if (!al_spf_expand(&env, text, len, true, &sb, &why))
			problem = al_spfe_fmt(e, "the text does not expand (%s)", why);
	}
	if (problem != NULL || text == NULL) {
		if ((ev = al_spfe_event(e, AL_SPF_EVENT_NOTE, domain)) != NULL)
			ev->detail = al_spfe_fmt(e, "exp=%s: %s: no explanation", name, problem ? problem : "no text");
	} else {
		e->explanation = al_arena_strndup(e->arena, al_strbuf_cstr(&sb), sb.length);
		if ((ev = al_spfe_event(e, AL_SPF_EVENT_NOTE, domain)) != NULL)
			ev->detail = al_spfe_fmt(e, "explanation from %s", name);
	}
	al_strbuf_free(&sb);
}

