/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_host() (RFC 7208 sections 4 to 6): record selection, every mechanism,
 * include and redirect, exp=, macro expansion, and the processing limits of
 * section 4.6.4 (10 DNS-querying terms cumulative across include and redirect,
 * 2 void lookups, 10 MX names per mx, 10 PTR names per ptr or %{p}).
 *
 * Every DNS query goes through the lookup function; every lookup, term and
 * result can be recorded in a trace. A lookup that failed, was not made
 * (offline) or is still pending ends in temperror, never in "no record".
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dns/txt.h"
#include "dns/wire.h"
#include "record/spf_syntax.h"
#include "spf/spf_internal.h"
#include "spf/eval_internal.h"
#include "util/grow.h"

/* ---- trace ------------------------------------------------------------------- */

al_spf_event *al_spfe_event(eval *e, al_spf_event_kind kind, const char *domain)
{
	if (!e->trace || e->event_count >= MAX_EVENTS)
		return NULL;
	if (!AL_GROW_ONE(e->events, e->event_count, e->event_capacity))
		return NULL;
	al_spf_event *ev = &e->events[e->event_count++];
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->depth = e->depth > 0 ? e->depth - 1 : 0;
	ev->domain = domain;
	ev->lookups = e->lookups;
	ev->void_lookups = e->voids;
	return ev;
}

const char *al_spfe_fmt(eval *e, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	char *s = al_arena_vprintf(e->arena, f, ap);
	va_end(ap);
	return s ? s : "";
}

/* Decide the result now (permerror, temperror) with a reason; the first reason stays. */
match al_spfe_stop(eval *e, al_spf_result result, const char *reason)
{
	e->abort = result;
	if (e->reason == NULL)
		e->reason = reason;
	al_spf_event *ev = al_spfe_event(e, AL_SPF_EVENT_LIMIT, e->depth ? e->stack[e->depth - 1] : NULL);
	if (ev != NULL) {
		ev->result = result;
		ev->detail = reason;
	}
	return ABORT;
}

/* ---- lookups ------------------------------------------------------------------- */

const char *al_spfe_answer_problem(eval *e, const char *name, uint16_t type, const al_answer *a)
{
	char tb[16];
	const char *t = al_rrtype_name(type, tb);
	if (a->rcode == AL_RCODE_NOT_QUERIED)
		return al_spfe_fmt(e, "%s %s was not queried (%s)", name, t, a->detail ? a->detail : "offline");
	if (a->rcode == AL_RCODE_PENDING)
		return al_spfe_fmt(e, "%s %s has no answer yet", name, t);
	return al_spfe_fmt(e, "%s %s lookup failed: %s%s%s", name, t, al_rcode_name(a->rcode),
		   a->detail ? ": " : "", a->detail ? a->detail : "");
}

/* One query, traced. */
const al_answer *al_spfe_query(eval *e, const char *domain, const char *name, uint16_t type)
{
	const al_answer *a = e->dns.lookup(e->dns.ctx, name, type);
	al_spf_event *ev = al_spfe_event(e, AL_SPF_EVENT_QUERY, domain);
	if (ev != NULL) {
		ev->name = name;
		ev->type = type;
		ev->rcode = a->rcode;
		ev->answers = al_spf_answer_count(a, type);
		ev->detail = al_spf_answer_unusable(a) ? al_spfe_answer_problem(e, name, type, a) : NULL;
	}
	return a;
}

/* Count a void lookup (RFC 7208 section 4.6.4); false when it is one too many. */
bool al_spfe_count_void(eval *e, const char *what)
{
	if (e->explaining)
		return true;
	e->voids++;
	if (e->event_count > 0 && e->trace)
		e->events[e->event_count - 1].is_void = true;
	if (e->voids > AL_SPF_MAX_VOID_LOOKUPS) {
		al_spfe_stop(e, AL_SPF_PERMERROR,
		     al_spfe_fmt(e, "more than %d void lookups (the last: %s)", AL_SPF_MAX_VOID_LOOKUPS, what));
		return false;
	}
	return true;
}

/* Count a DNS-querying term; false when it is the eleventh. */
static bool count_lookup(eval *e, const char *term)
{
	e->lookups++;
	if (e->lookups > AL_SPF_MAX_LOOKUPS) {
		al_spfe_stop(e, AL_SPF_PERMERROR,
		     al_spfe_fmt(e, "more than %d DNS-querying terms (include, a, mx, ptr, exists, redirect): "
			    "the %zuth is %s", AL_SPF_MAX_LOOKUPS, e->lookups, term));
		return false;
	}
	return true;
}

/* ---- addresses --------------------------------------------------------------------- */

bool al_spfe_prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned bytes = bits / 8, rest = bits % 8;
	if (memcmp(a, b, bytes) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[bytes] & mask) == (b[bytes] & mask);
}

/* Does an A/AAAA RR hold an address within cidr of the client? */
bool al_spfe_rr_matches(const eval *e, const al_rr *rr, int cidr4, int cidr6)
{
	if (e->family == 4 && rr->type == AL_TYPE_A && rr->rdlength == 4)
		return al_spfe_prefix_match(rr->rdata, e->ip, (unsigned)(cidr4 < 0 ? 32 : cidr4));
	if (e->family == 6 && rr->type == AL_TYPE_AAAA && rr->rdlength == 16)
		return al_spfe_prefix_match(rr->rdata, e->ip, (unsigned)(cidr6 < 0 ? 128 : cidr6));
	return false;
}

uint16_t al_spfe_address_type(const eval *e)
{
	return e->family == 4 ? AL_TYPE_A : AL_TYPE_AAAA;
}

/* ---- %{p} and ptr (RFC 7208 section 5.5) ------------------------------------------------ */

static const char *reverse_name(eval *e)
{
	char buf[128];
	size_t pos = 0;
	if (e->family == 4) {
		snprintf(buf, sizeof(buf), "%u.%u.%u.%u.in-addr.arpa", e->ip[3], e->ip[2], e->ip[1], e->ip[0]);
	} else {
		static const char hex[] = "0123456789abcdef";
		for (int i = 15; i >= 0; i--) {
			buf[pos++] = hex[e->ip[i] & 0xf];
			buf[pos++] = '.';
			buf[pos++] = hex[e->ip[i] >> 4];
			buf[pos++] = '.';
		}
		memcpy(buf + pos, "ip6.arpa", 9);
	}
	return al_arena_strdup(e->arena, buf);
}

/* The validated names of the client: PTR names (at most 10) whose addresses include it.
 * Returns false when a limit ended check_host(). */
bool al_spfe_validated_names(eval *e, const char *domain)
{
	if (e->ptr_done)
		return true;
	e->ptr_done = true;
	const char *rev = reverse_name(e);
	const al_answer *a = al_spfe_query(e, domain, rev, AL_TYPE_PTR);
	if (al_spf_answer_unusable(a))
		return true; /* a DNS error: the mechanism does not match, %{p} is "unknown" */
	size_t n = al_spf_answer_count(a, AL_TYPE_PTR);
	if (n == 0)
		return al_spfe_count_void(e, rev);
	e->ptr_names = al_arena_calloc(e->arena, n < AL_SPF_MAX_NAMES ? n : AL_SPF_MAX_NAMES,
				       sizeof(*e->ptr_names));
	size_t tried = 0;
	for (size_t i = 0; i < a->count && tried < AL_SPF_MAX_NAMES && e->ptr_names != NULL; i++) {
		const al_rr *rr = &a->rrs[i];
		if (rr->type != AL_TYPE_PTR)
			continue;
		tried++;
		char name[AL_NAME_MAX];
		if (!al_wire_name_to_text(rr->rdata, rr->rdlength, 0, name, NULL))
			continue;
		const char *nm = al_arena_strdup(e->arena, name);
		const al_answer *addr = al_spfe_query(e, domain, nm, al_spfe_address_type(e));
		if (al_spf_answer_unusable(addr))
			continue; /* skipped, the search goes on */
		if (al_spf_answer_count(addr, al_spfe_address_type(e)) == 0) {
			if (!al_spfe_count_void(e, nm))
				return false;
			continue;
		}
		for (size_t k = 0; k < addr->count; k++) {
			if (al_spfe_rr_matches(e, &addr->rrs[k], -1, -1)) {
				e->ptr_names[e->ptr_count++] = nm;
				break;
			}
		}
	}
	return true;
}

static const char *ptr_macro(void *ctx, const char *domain)
{
	eval *e = ctx;
	if (!al_spfe_validated_names(e, domain) || e->ptr_count == 0)
		return "unknown";
	/* the domain itself, else a subdomain of it, else any validated name */
	for (size_t i = 0; i < e->ptr_count; i++)
		if (domain != NULL && al_name_equal(e->ptr_names[i], domain))
			return e->ptr_names[i];
	for (size_t i = 0; i < e->ptr_count; i++)
		if (domain != NULL && al_name_is_subdomain(e->ptr_names[i], domain))
			return e->ptr_names[i];
	return e->ptr_names[0];
}

/* ---- macros ------------------------------------------------------------------------------ */

al_spf_macro_env al_spfe_environment(eval *e, const char *domain)
{
	al_spf_macro_env env = {
		.sender = e->sender,
		.local = e->local,
		.sender_domain = e->sender_domain,
		.domain = domain,
		.ip_dotted = e->ip_dotted,
		.ip_text = e->ip_text,
		.ip_version = e->family == 4 ? "in-addr" : "ip6",
		.helo = e->helo,
		.receiver = e->receiver,
		.timestamp = e->timestamp,
		.ptr_name = ptr_macro,
		.ptr_ctx = e,
	};
	return env;
}

/* ---- check_host() ---------------------------------------------------------------------------------- */

static al_spf_result qualifier_result(char q)
{
	switch (q) {
	case '-':
		return AL_SPF_FAIL;
	case '~':
		return AL_SPF_SOFTFAIL;
	case '?':
		return AL_SPF_NEUTRAL;
	default:
		return AL_SPF_PASS;
	}
}

/* RFC 7208 section 4.3: a malformed or single-label domain gives "none". */
static const char *domain_problem(const char *domain)
{
	size_t n = strlen(domain);
	if (n > 0 && domain[n - 1] == '.')
		n--;
	if (n == 0)
		return "an empty domain";
	if (n > 253)
		return "a domain longer than 253 characters";
	bool dot = false;
	size_t label = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || domain[i] == '.') {
			if (label == 0)
				return "a domain with an empty label";
			if (label > 63)
				return "a domain with a label longer than 63 octets";
			if (i < n)
				dot = true;
			label = 0;
		} else {
			label++;
		}
	}
	if (!dot)
		return "not a multi-label domain name";
	return NULL;
}

static al_spf_result finish(eval *e, const char *domain, al_spf_result r)
{
	al_spf_event *ev = al_spfe_event(e, AL_SPF_EVENT_RESULT, domain);
	if (ev != NULL)
		ev->result = r;
	e->depth--;
	return r;
}

al_spf_result al_spfe_check_host(eval *e, const char *raw_domain, bool in_include)
{
	if (e->depth >= MAX_DEPTH) {
		al_spfe_stop(e, AL_SPF_PERMERROR, al_spfe_fmt(e, "include/redirect nesting deeper than %d", MAX_DEPTH));
		return AL_SPF_PERMERROR;
	}
	const char *why = domain_problem(raw_domain);
	const char *domain = NULL;
	if (why == NULL)
		domain = al_spf_name(e->arena, raw_domain, strlen(raw_domain), &why);
	e->stack[e->depth++] = domain ? domain : raw_domain;
	al_spf_event *ev = al_spfe_event(e, AL_SPF_EVENT_CHECK, domain ? domain : raw_domain);
	if (ev != NULL)
		ev->detail = e->depth == 1 ? "check_host()" : in_include ? "include" : "redirect";
	if (domain == NULL) {
		if (e->reason == NULL)
			e->reason = al_spfe_fmt(e, "%s is %s", raw_domain, why);
		return finish(e, raw_domain, AL_SPF_NONE);
	}
	for (unsigned i = 0; i + 1 < e->depth; i++) {
		if (strcmp(e->stack[i], domain) == 0) {
			al_spfe_stop(e, AL_SPF_PERMERROR, al_spfe_fmt(e, "%s is included or redirected to again: a loop", domain));
			return finish(e, domain, AL_SPF_PERMERROR);
		}
	}
	const al_answer *a = al_spfe_query(e, domain, domain, AL_TYPE_TXT);
	if (al_spf_answer_unusable(a)) {
		al_spfe_stop(e, AL_SPF_TEMPERROR, al_spfe_answer_problem(e, domain, AL_TYPE_TXT, a));
		return finish(e, domain, AL_SPF_TEMPERROR);
	}
	const char *text;
	size_t length;
	size_t found = al_spf_select_records(e->arena, a, &text, &length);
	if (found == 0) {
		if (e->depth == 1)
			e->reason = al_spfe_fmt(e, "%s has no SPF record%s", domain,
					a->rcode == AL_RCODE_NXDOMAIN ? " (NXDOMAIN)" : "");
		return finish(e, domain, AL_SPF_NONE);
	}
	if (found > 1) {
		al_spfe_stop(e, AL_SPF_PERMERROR, al_spfe_fmt(e, "%s has %zu SPF records", domain, found));
		return finish(e, domain, AL_SPF_PERMERROR);
	}
	al_spf_record *rec = NULL;
	if (text == NULL || al_spf_parse_arena(e->arena, text, length, &rec) != AL_OK) {
		al_spfe_stop(e, AL_SPF_TEMPERROR, "out of memory");
		return finish(e, domain, AL_SPF_TEMPERROR);
	}
	if ((ev = al_spfe_event(e, AL_SPF_EVENT_RECORD, domain)) != NULL)
		ev->detail = text;
	if (rec->error_count > 0) {
		const al_spf_error *err = &rec->errors[0];
		al_spfe_stop(e, AL_SPF_PERMERROR,
		     al_spfe_fmt(e, "syntax error in the record of %s: %s: \"%.*s\"", domain, err->message,
			 (int)(err->length > 200 ? 200 : err->length), text + err->start));
		return finish(e, domain, AL_SPF_PERMERROR);
	}
	/* mechanisms, left to right */
	for (size_t i = 0; i < rec->term_count; i++) {
		const al_spf_term *t = &rec->terms[i];
		if (!al_spf_term_is_mechanism(t->type))
			continue;
		const char *term = al_spf_term_text(e->arena, rec, t);
		match m = NO_MATCH;
		if (al_spf_term_queries_dns(t->type) && !count_lookup(e, term))
			return finish(e, domain, AL_SPF_PERMERROR);
		switch (t->type) {
		case AL_SPF_TERM_ALL:
			m = MATCH;
			break;
		case AL_SPF_TERM_INCLUDE:
			m = al_spfe_eval_include(e, domain, rec, t, term);
			break;
		case AL_SPF_TERM_A:
			m = al_spfe_eval_a(e, domain, rec, t, term);
			break;
		case AL_SPF_TERM_MX:
			m = al_spfe_eval_mx(e, domain, rec, t, term);
			break;
		case AL_SPF_TERM_PTR:
			m = al_spfe_eval_ptr(e, domain, rec, t, term);
			break;
		case AL_SPF_TERM_IP4:
		case AL_SPF_TERM_IP6:
			m = al_spfe_eval_ip(e, t);
			break;
		case AL_SPF_TERM_EXISTS:
			m = al_spfe_eval_exists(e, domain, rec, t, term);
			break;
		default:
			break;
		}
		if ((ev = al_spfe_event(e, AL_SPF_EVENT_TERM, domain)) != NULL) {
			ev->term = term;
			ev->matched = m == MATCH;
			ev->result = m == ABORT ? e->abort : AL_SPF_NONE; /* set when the term ended check_host() */
		}
		if (m == ABORT)
			return finish(e, domain, e->abort);
		if (m == MATCH) {
			al_spf_result r = qualifier_result(t->qualifier);
			e->mechanism = term;
			e->decided_by = domain;
			if (r == AL_SPF_FAIL && !in_include && rec->exp >= 0) {
				e->explaining = true;
				al_spfe_explain(e, domain, rec);
				e->explaining = false;
			}
			return finish(e, domain, r);
		}
	}
	/* no mechanism matched */
	if (rec->redirect >= 0 && rec->all < 0) {
		const al_spf_term *t = &rec->terms[rec->redirect];
		const char *term = al_spf_term_text(e->arena, rec, t);
		if (!count_lookup(e, term))
			return finish(e, domain, AL_SPF_PERMERROR);
		bool invalid;
		const char *target = al_spfe_term_target(e, domain, rec, t, &invalid, &why);
		if (e->abort != AL_SPF_NONE)
			return finish(e, domain, e->abort);
		if (target == NULL) {
			al_spfe_stop(e, AL_SPF_PERMERROR,
			     al_spfe_fmt(e, "%s: the target %s (%s)", term,
				 invalid ? "is not a valid domain name" : "cannot be expanded", why));
			return finish(e, domain, AL_SPF_PERMERROR);
		}
		if ((ev = al_spfe_event(e, AL_SPF_EVENT_TERM, domain)) != NULL)
			ev->term = term;
		/* the redirect target's result is the result; its exp= applies, ours does not */
		al_spf_result r = al_spfe_check_host(e, target, in_include);
		if (r == AL_SPF_NONE) {
			al_spfe_stop(e, AL_SPF_PERMERROR, al_spfe_fmt(e, "%s: %s has no SPF record", term, target));
			r = AL_SPF_PERMERROR;
		}
		return finish(e, domain, r);
	}
	e->mechanism = NULL;
	e->decided_by = domain;
	if (!in_include && e->reason == NULL)
		e->reason = "no mechanism matched: the default result is neutral";
	return finish(e, domain, AL_SPF_NEUTRAL);
}

const char *al_spf_term_text(al_arena *arena, const al_spf_record *rec, const al_spf_term *t)
{
	const char *s = al_arena_strndup(arena, rec->text + t->start, t->length);
	return s ? s : "";
}

/* ---- the request --------------------------------------------------------------------------------------- */

static bool set_ip(eval *e, const char *text, al_error *err)
{
	char buf[64];
	size_t n = strlen(text);
	if (n == 0 || n >= sizeof(buf))
		return al_error_set(err, AL_EINVAL, "'%s' is not an IP address", text), false;
	memcpy(buf, text, n + 1);
	uint8_t v6[16];
	if (inet_pton(AF_INET, buf, e->ip) == 1) {
		e->family = 4;
	} else if (inet_pton(AF_INET6, buf, v6) == 1) {
		static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (memcmp(v6, mapped, 12) == 0) {
			/* an IPv4-mapped address is an IPv4 client (RFC 7208 section 5) */
			e->family = 4;
			memcpy(e->ip, v6 + 12, 4);
		} else {
			e->family = 6;
			memcpy(e->ip, v6, 16);
		}
	} else {
		al_error_set(err, AL_EINVAL, "'%s' is not an IPv4 or IPv6 address", text);
		return false;
	}
	if (e->family == 4) {
		snprintf(e->ip_text, sizeof(e->ip_text), "%u.%u.%u.%u", e->ip[0], e->ip[1], e->ip[2], e->ip[3]);
		memcpy(e->ip_dotted, e->ip_text, strlen(e->ip_text) + 1);
	} else {
		inet_ntop(AF_INET6, e->ip, e->ip_text, sizeof(e->ip_text));
		/* 32 nibbles, dot-separated; upper case as the reference implementation writes them */
		static const char hex[] = "0123456789ABCDEF";
		size_t pos = 0;
		for (int i = 0; i < 16; i++) {
			e->ip_dotted[pos++] = hex[e->ip[i] >> 4];
			e->ip_dotted[pos++] = '.';
			e->ip_dotted[pos++] = hex[e->ip[i] & 0xf];
			e->ip_dotted[pos++] = i == 15 ? '\0' : '.';
		}
	}
	return true;
}

struct al_spf_outcome_impl {
	al_spf_outcome pub;
	al_arena arena;
};

al_status al_spf_check_host_dns(al_spf_dns dns, al_arena *arena, const al_spf_request *req,
				al_spf_outcome *out, al_spf_event **events, al_error *err)
{
	memset(out, 0, sizeof(*out));
	*events = NULL;
	if (req == NULL || req->ip == NULL)
		return al_error_set(err, AL_EINVAL, "no client IP address");
	eval *e = calloc(1, sizeof(*e));
	if (e == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	e->dns = dns;
	e->arena = arena;
	e->trace = req->trace;
	e->abort = AL_SPF_NONE;
	if (!set_ip(e, req->ip, err)) {
		free(e);
		return AL_EINVAL;
	}
	/* the identity (RFC 7208 section 4.3): the null sender is postmaster@helo */
	e->helo = req->helo && req->helo[0] ? al_arena_strdup(arena, req->helo) : NULL;
	const char *sender = req->sender && req->sender[0] ? al_arena_strdup(arena, req->sender) : NULL;
	if (sender == NULL && e->helo != NULL)
		sender = al_spfe_fmt(e, "postmaster@%s", e->helo);
	if (sender != NULL) {
		const char *at = strrchr(sender, '@');
		if (at == NULL) {
			e->local = "postmaster";
			e->sender_domain = sender;
		} else {
			e->local = at == sender ? "postmaster" : al_arena_strndup(arena, sender, (size_t)(at - sender));
			e->sender_domain = at + 1;
		}
		e->sender = al_spfe_fmt(e, "%s@%s", e->local, e->sender_domain);
	}
	if (e->helo == NULL)
		e->helo = "unknown";
	e->receiver = req->receiver && req->receiver[0] ? al_arena_strdup(arena, req->receiver) : "unknown";
	snprintf(e->timestamp, sizeof(e->timestamp), "%lld",
		 req->timestamp ? req->timestamp : (long long)time(NULL));
	const char *domain = req->domain && req->domain[0] ? al_arena_strdup(arena, req->domain)
							   : e->sender_domain;
	out->ip = al_arena_strdup(arena, e->ip_text);
	out->sender = e->sender;
	if (domain == NULL) {
		out->result = AL_SPF_NONE;
		out->reason = "no domain to check: neither a sender nor a HELO name";
	} else {
		out->domain = domain;
		out->result = al_spfe_check_host(e, domain, false);
		out->reason = e->reason;
		out->mechanism = e->mechanism;
		out->decided_by = e->decided_by;
		out->explanation = out->result == AL_SPF_FAIL ? e->explanation : NULL;
		if (out->result == AL_SPF_PERMERROR || out->result == AL_SPF_TEMPERROR) {
			out->mechanism = NULL;
			out->explanation = NULL;
		}
	}
	if (out->result != AL_SPF_NEUTRAL && out->result != AL_SPF_NONE && out->result != AL_SPF_PERMERROR &&
	    out->result != AL_SPF_TEMPERROR)
		out->reason = NULL;
	out->lookups = e->lookups;
	out->void_lookups = e->voids;
	*events = e->events;
	out->events = e->events;
	out->event_count = e->event_count;
	free(e);
	return AL_OK;
}

al_status al_spf_check_host(al_source *source, const al_spf_request *request, al_spf_outcome **out,
			    al_error *err)
{
	*out = NULL;
	struct al_spf_outcome_impl *impl = calloc(1, sizeof(*impl));
	if (impl == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	al_arena_init(&impl->arena);
	al_spf_source_dns sd;
	al_spf_dns dns = al_spf_source_dns_open(&sd, source);
	al_spf_event *events = NULL;
	al_status st = al_spf_check_host_dns(dns, &impl->arena, request, &impl->pub, &events, err);
	/* every text of the outcome lives in its arena: the answers go back to the source */
	al_spf_source_dns_close(&sd);
	if (st != AL_OK) {
		free(events);
		al_arena_clear(&impl->arena);
		free(impl);
		return st;
	}
	*out = &impl->pub;
	return AL_OK;
}

const char *al_spf_outcome_unasked(const al_spf_outcome *outcome)
{
	for (size_t i = 0; i < outcome->event_count; i++) {
		const al_spf_event *e = &outcome->events[i];
		if (e->kind == AL_SPF_EVENT_QUERY && (e->rcode == AL_RCODE_NOT_QUERIED || e->rcode == AL_RCODE_PENDING))
			return e->name;
	}
	return NULL;
}

void al_spf_outcome_free(al_spf_outcome *outcome)
{
	if (outcome == NULL)
		return;
	struct al_spf_outcome_impl *impl = (struct al_spf_outcome_impl *)outcome;
	free((void *)outcome->events);
	al_arena_clear(&impl->arena);
	free(impl);
}
