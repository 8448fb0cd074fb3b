/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The lookup tree of a domain, analysed without a client IP: every include
 * and redirect followed, each term with its DNS cost, every void lookup
 * attributed to the term that made it (as an IPv4 client would see it),
 * loops with their path, the cost of each subtree. The tree is analysed in
 * full even past the limits of RFC 7208 section 4.6.4, within bounds of its
 * own (depth, records per tree, rows).
 *
 * Names the lookup function does not answer (offline, outside the zone, a
 * failure, not answered yet) are "not followed": their cost is unknown and is
 * counted as such, never as zero.
 *
 * A run cache keeps the nodes of names reached through include or redirect
 * whose subtree is complete (every lookup answered), free of loops and
 * independent of the domain that led there, so a provider's record is
 * analysed once per run however many domains include it. A tree comes out the
 * same with or without it: a subtree is reused only where its analysis would
 * meet none of the bounds (depth, records, lookups) at this place of this
 * tree, its questions are asked again (answered from the source's cache; one
 * not answered, and the subtree is analysed anew) and counted, and its
 * records join the tree's memo as if analysed here. So a domain's lookups,
 * the questions its source sees and where a budget stops it do not depend on
 * which domain of the run reached the subtree first.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/wire.h"
#include "record/spf_syntax.h"
#include "spf/spf_internal.h"
#include "util/grow.h"

#define MAX_TREE_DEPTH 16
#define MAX_TREE_NODES 512
#define MAX_ROWS 20000
/* DNS questions per tree: a record of thousands of a: terms is analysed in part */
#define MAX_TREE_LOOKUPS 1000

/* A question a node's terms asked (not its own TXT), in the order asked. */
typedef struct tquestion {
	const char *name;
	uint16_t type;
	size_t term; /* index in pub.terms */
	struct tquestion *next; /* while the node is analysed */
} tquestion;

typedef struct tnode {
	al_spf_node pub;
	unsigned height;  /* levels of include and redirect below it */
	uint64_t in_tree; /* cached: the serial of the tree that reused it last (as if in its memo) */
	tquestion *questions; /* cached: an array; else a list */
	tquestion *last_question;
	size_t question_count;
	bool complete;    /* every lookup below was answered */
	bool has_loop;    /* a loop below: the subtree depends on the path */
	bool uses_origin; /* %{o} was expanded below: the subtree depends on the root */
	bool cached;      /* lives in the run cache */
	bool void_answer; /* NO_RECORD from NXDOMAIN or an empty answer: a void lookup */
} tnode;

typedef struct build {
	const al_spf_tree_ctx *ctx;
	al_arena *arena;
	const char *root;
	al_map memo; /* name -> tnode, this build (loop-free nodes) */
	const char *path[MAX_TREE_DEPTH + 2];
	unsigned depth;
	unsigned shared; /* inside an include or redirect target */
	size_t nodes;
	size_t lookups;
	size_t not_followed;
	tnode *asking;      /* the node whose term is being analysed, and the term */
	size_t asking_term;
	uint64_t serial;     /* this tree's, from the run cache's count */
	size_t memo_fresh;  /* named nodes in the memo that the cache does not hold */
	tnode **replayed;   /* cached nodes this tree reused (their in_tree is its serial) */
	size_t replayed_count, replayed_capacity;
} build;

const char *al_spf_node_status_name(al_spf_node_status status)
{
	switch (status) {
	case AL_SPF_NODE_OK:
		return "ok";
	case AL_SPF_NODE_NO_RECORD:
		return "no-record";
	case AL_SPF_NODE_MULTIPLE:
		return "multiple-records";
	case AL_SPF_NODE_LOOKUP_FAILED:
		return "lookup-failed";
	case AL_SPF_NODE_NOT_FOLLOWED:
		return "not-followed";
	case AL_SPF_NODE_LOOP:
		return "loop";
	case AL_SPF_NODE_MACRO:
		return "macro";
	case AL_SPF_NODE_INVALID_NAME:
		return "invalid-name";
	case AL_SPF_NODE_TOO_DEEP:
		return "too-deep";
	}
	return "unknown";
}

void al_spf_cache_init(al_spf_cache *cache)
{
	memset(cache, 0, sizeof(*cache));
	al_arena_init(&cache->arena);
	al_map_init(&cache->map, true);
}

void al_spf_cache_clear(al_spf_cache *cache)
{
	al_map_free(&cache->map);
	al_arena_clear(&cache->arena);
	free(cache->added);
	memset(cache, 0, sizeof(*cache));
}

void al_spf_cache_end_pass(al_spf_cache *cache, bool keep)
{
	/* the nodes taken out stay in the cache arena until the run ends (nothing kept points to them) */
	for (size_t i = 0; !keep && i < cache->added_count; i++)
		al_map_remove(&cache->map, cache->added[i]);
	cache->added_count = 0;
}

static const char *bprintf(al_arena *arena, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *bprintf(al_arena *arena, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	char *s = al_arena_vprintf(arena, f, ap);
	va_end(ap);
	return s ? s : "";
}

static tnode *new_node(build *b, const char *domain, al_spf_node_status status, const char *detail)
{
	tnode *n = al_arena_calloc(b->arena, 1, sizeof(*n));
	if (n == NULL)
		return NULL;
	n->pub.domain = domain;
	n->pub.status = status;
	n->pub.detail = detail;
	n->complete = true;
	/* name the service of include and redirect targets (not the domain under check) */
	if (domain != NULL && b->ctx->senders != NULL && b->depth > 0) {
		const al_sender *s = al_senders_match_include(b->ctx->senders, domain);
		n->pub.sender = s ? s->name : NULL;
	}
	return n;
}

/* A target that is not followed: its cost is unknown. */
static tnode *unknown_node(build *b, const char *domain, al_spf_node_status status, const char *detail)
{
	tnode *n = new_node(b, domain, status, detail);
	if (n != NULL) {
		n->pub.unknown = 1;
		n->complete = status == AL_SPF_NODE_MACRO; /* a macro target is unknown whatever the run */
		b->not_followed++;
	}
	return n;
}

static const char *answer_detail(build *b, const al_answer *a, uint16_t type)
{
	char tb[16];
	const char *t = al_rrtype_name(type, tb);
	if (a->rcode == AL_RCODE_NOT_QUERIED)
		return bprintf(b->arena, "%s not queried (%s)", t, a->detail ? a->detail : "offline");
	if (a->rcode == AL_RCODE_PENDING)
		return bprintf(b->arena, "%s not answered yet", t);
	return bprintf(b->arena, "%s lookup failed: %s%s%s", t, al_rcode_name(a->rcode), a->detail ? ": " : "",
		       a->detail ? a->detail : "");
}

static const al_answer bound_answer = {
	.rcode = AL_RCODE_NOT_QUERIED,
	.server = "none",
	.detail = "the analysis bound of 1000 lookups per tree was reached",
};

/* One question, within the tree's budget. */
static const al_answer *tree_ask(build *b, const char *name, uint16_t type)
{
	if (b->lookups >= MAX_TREE_LOOKUPS)
		return &bound_answer;
	b->lookups++;
	if (b->shared > 0 && b->ctx->dns.lookup_shared != NULL)
		return b->ctx->dns.lookup_shared(b->ctx->dns.ctx, name, type);
	return b->ctx->dns.lookup(b->ctx->dns.ctx, name, type);
}

/* One question of a term, kept with the node for a reuse of the run cache. */
static const al_answer *tree_lookup(build *b, const char *name, uint16_t type)
{
	tnode *n = b->asking;
	/* only nodes below the root go to the cache; the names live in the arena */
	if (n != NULL && b->shared > 0 && b->ctx->cache != NULL) {
		tquestion *q = al_arena_alloc(b->arena, sizeof(*q));
		if (q != NULL) {
			q->name = name;
			q->type = type;
			q->term = b->asking_term;
			q->next = NULL;
		}
		if (q == NULL) {
			n->complete = false; /* not kept in the cache: its questions are not all known */
		} else {
			if (n->last_question != NULL)
				n->last_question->next = q;
			else
				n->questions = q;
			n->last_question = q;
			n->question_count++;
		}
	}
	return tree_ask(b, name, type);
}

/* ---- terms ------------------------------------------------------------------------ */

static al_spf_macro_env tree_env(const build *b, const char *domain)
{
	al_spf_macro_env env;
	memset(&env, 0, sizeof(env));
	env.domain = domain;
	env.sender_domain = b->root;
	return env;
}

/* The term's target when it can be known without a client: NULL otherwise. */
static const char *tree_target(build *b, tnode *n, const al_spf_record *rec, const al_spf_term *t,
			       al_spf_tree_term *tt, bool *invalid)
{
	al_spf_macro_env env = tree_env(b, n->pub.domain);
	const char *why = NULL;
	const char *text = t->has_value ? rec->text + t->value_start : NULL;
	if (text != NULL && t->has_macro) {
		/* does it name the sender's domain? then it depends on the root */
		size_t pos = 0;
		al_spf_macro m;
		while (al_spf_macro_next(text, t->value_length, &pos, false, &m) != AL_SPF_MACRO_END)
			if (m.token == AL_SPF_MACRO_EXPAND && m.letter == 'o')
				n->uses_origin = true;
	}
	const char *name = al_spf_target(b->arena, &env, text, t->value_length, &why, invalid);
	if (name == NULL) {
		if (!*invalid)
			tt->depends_on_client = true;
		tt->detail = bprintf(b->arena, *invalid ? "the target is not a valid name (%s)" : "the target %s",
				     why ? why : "cannot be expanded");
	}
	tt->target = name;
	return name;
}

/* One address lookup (the IPv4 view): counts a void lookup on the term. Returns false when unusable. */
static bool address_lookup(build *b, tnode *n, al_spf_tree_term *tt, const char *name, const char **detail)
{
	const al_answer *a = tree_lookup(b, name, AL_TYPE_A);
	if (al_spf_answer_unusable(a)) {
		n->complete = false;
		*detail = answer_detail(b, a, AL_TYPE_A);
		return false;
	}
	size_t count = al_spf_answer_count(a, AL_TYPE_A);
	if (count == 0) {
		tt->void_lookups++;
		*detail = a->rcode == AL_RCODE_NXDOMAIN ? "NXDOMAIN" : "no A record";
	} else {
		*detail = bprintf(b->arena, "%zu A record%s", count, count == 1 ? "" : "s");
	}
	return true;
}

static void term_a(build *b, tnode *n, const al_spf_record *rec, const al_spf_term *t, al_spf_tree_term *tt)
{
	bool invalid;
	const char *name = tree_target(b, n, rec, t, tt, &invalid);
	if (invalid) {
		tt->void_lookups++; /* an invalid name is no match and a void lookup */
		return;
	}
	if (name == NULL || b->ctx->dns.lookup == NULL)
		return;
	address_lookup(b, n, tt, name, &tt->detail);
}

static void term_mx(build *b, tnode *n, const al_spf_record *rec, const al_spf_term *t, al_spf_tree_term *tt)
{
	bool invalid;
	const char *name = tree_target(b, n, rec, t, tt, &invalid);
	if (invalid) {
		tt->void_lookups++;
		return;
	}
	if (name == NULL || b->ctx->dns.lookup == NULL)
		return;
	const al_answer *a = tree_lookup(b, name, AL_TYPE_MX);
	if (al_spf_answer_unusable(a)) {
		n->complete = false;
		tt->detail = answer_detail(b, a, AL_TYPE_MX);
		return;
	}
	size_t count = al_spf_answer_count(a, AL_TYPE_MX);
	if (count == 0) {
		tt->void_lookups++;
		tt->detail = a->rcode == AL_RCODE_NXDOMAIN ? "NXDOMAIN" : "no MX record";
		return;
	}
	tt->names = count;
	if (count > AL_SPF_MAX_NAMES) {
		n->pub.permerror = true;
		tt->detail = bprintf(b->arena, "%zu MX names: more than %d is a permerror", count, AL_SPF_MAX_NAMES);
		return;
	}
	al_strbuf sb = AL_STRBUF_INIT; /* what went wrong with the MX names, if anything */
	size_t done = 0;
	for (size_t i = 0; i < a->count && done < AL_SPF_MAX_NAMES; i++) {
		const al_rr *rr = &a->rrs[i];
		char host[AL_NAME_MAX];
		if (rr->type != AL_TYPE_MX || rr->rdlength < 3 ||
		    !al_wire_name_to_text(rr->rdata, rr->rdlength, 2, host, NULL))
			continue;
		done++;
		if (strcmp(host, ".") == 0) {
			al_strbuf_printf(&sb, "%sa null MX", sb.length ? "; " : "");
			continue;
		}
		const char *hn = al_arena_strdup(b->arena, host);
		const char *d = NULL;
		size_t before = tt->void_lookups;
		if (!address_lookup(b, n, tt, hn, &d) || tt->void_lookups > before)
			al_strbuf_printf(&sb, "%s%s: %s", sb.length ? "; " : "", hn, d);
	}
	if (sb.length > 0)
		tt->detail = al_arena_strndup(b->arena, al_strbuf_cstr(&sb), sb.length);
	al_strbuf_free(&sb);
}

static tnode *analyse_name(build *b, const char *name, bool root);

static void term_follow(build *b, tnode *n, const al_spf_record *rec, const al_spf_term *t, al_spf_tree_term *tt)
{
	bool invalid;
	const char *name = tree_target(b, n, rec, t, tt, &invalid);
	tnode *child;
	if (invalid) {
		child = new_node(b, NULL, AL_SPF_NODE_INVALID_NAME, tt->detail);
	} else if (name == NULL) {
		child = unknown_node(b, NULL, AL_SPF_NODE_MACRO,
				     bprintf(b->arena, "%.*s: the target depends on the connection (macros)",
					     (int)t->length, rec->text + t->start));
	} else {
		b->shared++;
		child = analyse_name(b, name, false);
		b->shared--;
		/* a target that does not exist, or has no TXT record at all, is a void
		 * lookup (RFC 7208 section 4.6.4), as pyspf and mailauth count it */
		if (child != NULL && child->void_answer)
			tt->void_lookups++;
	}
	tt->child = child ? &child->pub : NULL;
}

/* ---- records ------------------------------------------------------------------------ */

static bool child_breaks(const al_spf_node *c)
{
	return c->permerror || c->status == AL_SPF_NODE_NO_RECORD || c->status == AL_SPF_NODE_MULTIPLE ||
	       c->status == AL_SPF_NODE_INVALID_NAME || c->status == AL_SPF_NODE_LOOP;
}

static void analyse_terms(build *b, tnode *n, const al_spf_record *rec)
{
	size_t count = rec->term_count;
	al_spf_tree_term *terms = al_arena_calloc(b->arena, count ? count : 1, sizeof(*terms));
	if (terms == NULL)
		return;
	/* evaluation order: as written, the redirect last */
	size_t k = 0;
	for (size_t i = 0; i < count; i++)
		if ((int)i != rec->redirect)
			terms[k++].term = &rec->terms[i];
	if (rec->redirect >= 0)
		terms[k++].term = &rec->terms[rec->redirect];
	n->pub.terms = terms;
	n->pub.term_count = k;
	bool after_all = false;
	/* RFC 7208 section 4.6: a syntax error anywhere makes check_host() return
	 * permerror before it evaluates any term, so none is looked up or counted */
	bool broken = rec->error_count > 0;
	for (size_t i = 0; i < k; i++) {
		al_spf_tree_term *tt = &terms[i];
		const al_spf_term *t = tt->term;
		if (t->error >= 0) {
			tt->detail = rec->errors[t->error].message;
			continue;
		}
		if (broken) {
			tt->detail = "not evaluated: a syntax error in the record makes check_host() a permerror first";
			continue;
		}
		if (t->type == AL_SPF_TERM_REDIRECT) {
			tt->evaluated = rec->all < 0;
			if (!tt->evaluated)
				tt->detail = "ignored: the record has an \"all\" mechanism";
		} else {
			tt->evaluated = !after_all && al_spf_term_is_mechanism(t->type);
			if (after_all && al_spf_term_is_mechanism(t->type))
				tt->detail = "never evaluated: it comes after \"all\"";
		}
		if (t->type == AL_SPF_TERM_ALL) {
			if (!after_all && (t->qualifier == '+'))
				n->pub.permissive_all = true;
			after_all = true;
		}
		if (!tt->evaluated)
			continue;
		tt->cost = al_spf_term_queries_dns(t->type) ? 1 : 0;
		b->asking = n;
		b->asking_term = i;
		switch (t->type) {
		case AL_SPF_TERM_A:
			term_a(b, n, rec, t, tt);
			break;
		case AL_SPF_TERM_MX:
			term_mx(b, n, rec, t, tt);
			break;
		case AL_SPF_TERM_EXISTS:
			term_a(b, n, rec, t, tt); /* exists asks for A records, like a */
			break;
		case AL_SPF_TERM_PTR:
			tt->depends_on_client = true;
			tt->detail = "its lookups depend on the client's PTR names";
			break;
		case AL_SPF_TERM_INCLUDE:
		case AL_SPF_TERM_REDIRECT:
			term_follow(b, n, rec, t, tt);
			break;
		default:
			break;
		}
		b->asking = NULL;
	}
}

static void aggregate(tnode *n)
{
	al_spf_node *p = &n->pub;
	const al_spf_record *rec = p->record;
	if (rec != NULL && rec->error_count > 0)
		p->permerror = true;
	for (size_t i = 0; i < p->term_count; i++) {
		const al_spf_tree_term *tt = &p->terms[i];
		p->cost += tt->cost;
		p->void_lookups += tt->void_lookups;
		if (tt->names > p->max_names)
			p->max_names = tt->names;
		if (!tt->evaluated || tt->child == NULL)
			continue;
		const tnode *c = (const tnode *)tt->child;
		if (c->height + 1 > n->height)
			n->height = c->height + 1;
		p->cost += c->pub.cost;
		p->void_lookups += c->pub.void_lookups;
		p->unknown += c->pub.unknown;
		if (c->pub.max_names > p->max_names)
			p->max_names = c->pub.max_names;
		if (child_breaks(&c->pub))
			p->permerror = true;
		if (!c->complete)
			n->complete = false;
		if (c->has_loop)
			n->has_loop = true;
		if (c->uses_origin)
			n->uses_origin = true;
	}
}

static tnode *analyse_record(build *b, const char *domain, const char *text, size_t length,
			     const al_spf_record *parsed)
{
	tnode *n = new_node(b, domain, AL_SPF_NODE_OK, NULL);
	if (n == NULL)
		return NULL;
	al_spf_record *rec = (al_spf_record *)parsed;
	if (rec == NULL && al_spf_parse_arena(b->arena, text, length, &rec) != AL_OK)
		return NULL;
	n->pub.text = text;
	n->pub.length = length;
	n->pub.record = rec;
	if (rec->error_count > 0)
		n->pub.detail = bprintf(b->arena, "syntax error: %s", rec->errors[0].message);
	bool pushed = domain != NULL && b->depth < MAX_TREE_DEPTH + 1;
	if (pushed)
		b->path[b->depth++] = domain;
	analyse_terms(b, n, rec);
	if (pushed)
		b->depth--;
	aggregate(n);
	return n;
}

/* ---- the run cache ------------------------------------------------------------------------ */

static tnode *promote(build *b, const tnode *n);

static bool copy_str(al_arena *a, const char **s)
{
	if (*s == NULL)
		return true;
	*s = al_arena_strdup(a, *s);
	return *s != NULL;
}

/* Deep copy of a complete, loop-free subtree into the cache arena. */
static tnode *promote(build *b, const tnode *n)
{
	if (n->cached)
		return (tnode *)n;
	al_arena *a = &b->ctx->cache->arena;
	tnode *c = al_arena_memdup(a, n, sizeof(*n));
	if (c == NULL)
		return NULL;
	c->cached = true;
	al_spf_node *p = &c->pub;
	if (!copy_str(a, &p->domain) || !copy_str(a, &p->detail) || !copy_str(a, &p->sender))
		return NULL;
	if (n->question_count > 0) {
		tquestion *qs = al_arena_calloc(a, n->question_count, sizeof(*qs));
		if (qs == NULL)
			return NULL;
		size_t k = 0;
		for (const tquestion *q = n->questions; q != NULL && k < n->question_count; q = q->next, k++) {
			qs[k] = *q;
			qs[k].next = NULL;
			if (!copy_str(a, &qs[k].name))
				return NULL;
		}
		c->questions = qs;
		c->question_count = k;
	}
	c->last_question = NULL;
	if (n->pub.text != NULL) {
		char *text = al_arena_memdup(a, n->pub.text, n->pub.length + 1);
		al_spf_record *rec = NULL;
		if (text == NULL || al_spf_parse_arena(a, text, n->pub.length, &rec) != AL_OK)
			return NULL;
		p->text = text;
		p->record = rec;
	}
	if (n->pub.term_count > 0) {
		al_spf_tree_term *terms = al_arena_memdup(a, n->pub.terms, n->pub.term_count * sizeof(*terms));
		if (terms == NULL)
			return NULL;
		for (size_t i = 0; i < n->pub.term_count; i++) {
			al_spf_tree_term *tt = &terms[i];
			tt->term = &p->record->terms[tt->term - n->pub.record->terms];
			if (!copy_str(a, &tt->target) || !copy_str(a, &tt->detail))
				return NULL;
			if (tt->child != NULL) {
				tnode *cc = promote(b, (const tnode *)tt->child);
				if (cc == NULL)
					return NULL;
				tt->child = &cc->pub;
			}
		}
		p->terms = terms;
	}
	return c;
}

/* ---- reusing the run cache ------------------------------------------------------------------------ */

/* Ask a question of a reused subtree again: true when it is answered (as it
 * was when the subtree was analysed), within the tree's bound of lookups. */
static bool reask(build *b, const char *name, uint16_t type)
{
	if (b->lookups >= MAX_TREE_LOOKUPS)
		return false;
	b->lookups++;
	const al_spf_dns *d = &b->ctx->dns;
	if (d->fixed)
		return true;
	al_spf_lookup_fn fn = d->probe ? d->probe : d->lookup_shared ? d->lookup_shared : d->lookup;
	const al_answer *a = fn(d->ctx, name, type);
	return a != NULL && !al_spf_answer_unusable(a);
}

/* What analysing the cached node @p n here would do: each record not yet in
 * this tree counted and taken as if into its memo (in_tree), its TXT and its
 * terms' questions asked again, in the order of an analysis. False where that
 * analysis would come out otherwise (a bound met, a record of the tree
 * analysed otherwise, an answer that is not in). */
static bool reuse_node(build *b, tnode *n)
{
	if (n->in_tree == b->serial)
		return true; /* reached before in this tree: a memo hit */
	if (b->memo_fresh > 0) {
		/* the memo holds records the cache does not (cut by a bound here, or
		 * not answered): one of them may be this name */
		tnode *m = al_map_get(&b->memo, n->pub.domain);
		if (m != NULL)
			return m == n;
	}
	if (b->nodes >= MAX_TREE_NODES)
		return false;
	b->nodes++;
	if (!AL_GROW_ONE(b->replayed, b->replayed_count, b->replayed_capacity))
		return false;
	b->replayed[b->replayed_count++] = n;
	n->in_tree = b->serial;
	if (!reask(b, n->pub.domain, AL_TYPE_TXT))
		return false;
	size_t q = 0;
	for (size_t i = 0; i < n->pub.term_count; i++) {
		for (; q < n->question_count && n->questions[q].term == i; q++)
			if (!reask(b, n->questions[q].name, n->questions[q].type))
				return false;
		const al_spf_tree_term *tt = &n->pub.terms[i];
		if (!tt->evaluated || tt->child == NULL)
			continue;
		tnode *c = (tnode *)tt->child;
		if (c->pub.domain == NULL) {
			if (c->pub.unknown > 0)
				b->not_followed++; /* a target with macros, not followed */
			continue;
		}
		if (!reuse_node(b, c))
			return false;
	}
	return q == n->question_count;
}

static bool reuse(build *b, tnode *known)
{
	if (known->in_tree == b->serial)
		return true; /* reused before in this tree: a memo hit */
	/* the deepest record below it must be within the depth bound here too */
	if (b->depth + known->height > MAX_TREE_DEPTH)
		return false;
	size_t nodes = b->nodes, lookups = b->lookups, not_followed = b->not_followed;
	size_t replayed = b->replayed_count;
	if (reuse_node(b, known)) {
		if (b->ctx->dns.count != NULL)
			b->ctx->dns.count(b->ctx->dns.ctx, b->lookups - lookups);
		return true;
	}
	/* analysed anew: as if never reused */
	for (size_t i = replayed; i < b->replayed_count; i++)
		b->replayed[i]->in_tree = 0;
	b->replayed_count = replayed;
	b->nodes = nodes;
	b->lookups = lookups;
	b->not_followed = not_followed;
	return false;
}

/* ---- names ------------------------------------------------------------------------------------ */

static tnode *analyse_name(build *b, const char *name, bool root)
{
	/* a loop: the name is already on the path */
	for (unsigned i = 0; i < b->depth; i++) {
		if (strcmp(b->path[i], name) != 0)
			continue;
		tnode *n = new_node(b, name, AL_SPF_NODE_LOOP, NULL);
		if (n == NULL)
			return NULL;
		size_t len = b->depth - i + 1;
		const char **cycle = al_arena_calloc(b->arena, len, sizeof(*cycle));
		if (cycle != NULL) {
			al_strbuf sb = AL_STRBUF_INIT;
			for (unsigned k = i; k < b->depth; k++) {
				cycle[k - i] = b->path[k];
				al_strbuf_printf(&sb, "%s -> ", b->path[k]);
			}
			cycle[len - 1] = name;
			al_strbuf_puts(&sb, name);
			n->pub.cycle = cycle;
			n->pub.cycle_length = len;
			n->pub.detail = al_arena_strndup(b->arena, al_strbuf_cstr(&sb), sb.length);
			al_strbuf_free(&sb);
		}
		n->pub.permerror = true;
		n->has_loop = true;
		return n;
	}
	if (b->depth > MAX_TREE_DEPTH)
		return unknown_node(b, name, AL_SPF_NODE_TOO_DEEP,
				    bprintf(b->arena, "nested deeper than %d: not analysed", MAX_TREE_DEPTH));
	tnode *known = al_map_get(&b->memo, name);
	if (known != NULL)
		return known;
	if (!root && b->ctx->cache != NULL) {
		known = al_map_get(&b->ctx->cache->map, name);
		if (known != NULL && reuse(b, known)) {
			b->ctx->cache->hits++;
			return known;
		}
		b->ctx->cache->misses++;
	}
	if (b->nodes >= MAX_TREE_NODES)
		return unknown_node(b, name, AL_SPF_NODE_TOO_DEEP,
				    bprintf(b->arena, "more than %d records in the tree: not analysed",
					    MAX_TREE_NODES));
	b->nodes++;
	if (b->ctx->dns.lookup == NULL)
		return unknown_node(b, name, AL_SPF_NODE_NOT_FOLLOWED, "not looked up: no DNS source");
	const al_answer *a = tree_ask(b, name, AL_TYPE_TXT); /* the node's own question, not a term's */
	tnode *n;
	const al_spf_snapshot_entry *known_cost =
		a->rcode == AL_RCODE_NOT_QUERIED && !root ? al_spf_snapshot_find(b->ctx->snapshot, name) : NULL;
	if (known_cost != NULL) {
		/* not looked up, but the provider snapshot knows what it costs */
		n = new_node(b, name, AL_SPF_NODE_NOT_FOLLOWED,
			     bprintf(b->arena, "%s; the provider snapshot of %s gives include:%s %zu lookup%s "
				     "(seen %s)", answer_detail(b, a, AL_TYPE_TXT),
				     al_spf_snapshot_date(b->ctx->snapshot), name, known_cost->lookups,
				     known_cost->lookups == 1 ? "" : "s", known_cost->seen));
		if (n != NULL) {
			n->pub.cost = known_cost->lookups - 1; /* the include term counts itself */
			n->pub.void_lookups = known_cost->void_lookups;
			n->pub.estimated = true;
			n->complete = false;
		}
	} else if (a->rcode == AL_RCODE_NOT_QUERIED || a->rcode == AL_RCODE_PENDING) {
		n = unknown_node(b, name, AL_SPF_NODE_NOT_FOLLOWED, answer_detail(b, a, AL_TYPE_TXT));
	} else if (al_spf_answer_unusable(a)) {
		n = unknown_node(b, name, AL_SPF_NODE_LOOKUP_FAILED, answer_detail(b, a, AL_TYPE_TXT));
	} else {
		const char *text;
		size_t length;
		size_t found = al_spf_select_records(b->arena, a, &text, &length);
		if (found == 0) {
			n = new_node(b, name, AL_SPF_NODE_NO_RECORD,
				     a->rcode == AL_RCODE_NXDOMAIN ? "NXDOMAIN" : "no \"v=spf1\" TXT record");
			if (n != NULL)
				n->void_answer = al_answer_is_void(a);
		}
		else if (found > 1)
			n = new_node(b, name, AL_SPF_NODE_MULTIPLE,
				     bprintf(b->arena, "%zu \"v=spf1\" records (permerror)", found));
		else
			n = analyse_record(b, name, text, length, NULL);
		if (n != NULL && found > 1)
			n->pub.permerror = true;
	}
	if (n == NULL)
		return NULL;
	if (!n->has_loop) {
		/* a name the cache holds keeps its node (others reused point to it) */
		if (!root && n->complete && !n->uses_origin && b->ctx->cache != NULL && known == NULL) {
			al_spf_cache *cache = b->ctx->cache;
			tnode *c = promote(b, n);
			/* a name the pass cannot take back is not cached */
			if (c != NULL && AL_GROW_ONE(cache->added, cache->added_count, cache->added_capacity) &&
			    al_map_put(&cache->map, c->pub.domain, c)) {
				cache->added[cache->added_count++] = c->pub.domain;
				n = c;
			}
		}
		if (al_map_put(&b->memo, n->pub.domain, n) && !n->cached && !root)
			b->memo_fresh++;
	}
	return n;
}

/* ---- rows ----------------------------------------------------------------------------------------- */

typedef struct flat {
	al_spf_tree_row *rows;
	size_t count, capacity;
	size_t running, voids;
	bool truncated;
} flat;

static void push_row(flat *f, unsigned depth, const al_spf_node *node, const al_spf_tree_term *term,
		     const al_spf_tree_term *via)
{
	if (f->count >= MAX_ROWS) {
		f->truncated = true;
		return;
	}
	if (!AL_GROW_ONE(f->rows, f->count, f->capacity)) {
		f->truncated = true;
		return;
	}
	al_spf_tree_row *r = &f->rows[f->count++];
	r->depth = depth;
	r->node = node;
	r->term = term;
	r->via = via;
	r->running_total = f->running;
	r->running_voids = f->voids;
	r->over_limit = f->running > AL_SPF_MAX_LOOKUPS;
	r->voids_over_limit = f->voids > AL_SPF_MAX_VOID_LOOKUPS;
}

static void flatten(flat *f, const al_spf_node *node, unsigned depth, const al_spf_tree_term *via)
{
	if (node->estimated) {
		/* no terms to walk: the provider snapshot's figures count here */
		f->running += node->cost;
		f->voids += node->void_lookups;
	}
	push_row(f, depth, node, NULL, via);
	for (size_t i = 0; i < node->term_count && !f->truncated; i++) {
		const al_spf_tree_term *tt = &node->terms[i];
		f->running += tt->cost;
		f->voids += tt->void_lookups;
		push_row(f, depth, node, tt, NULL);
		if (tt->evaluated && tt->child != NULL && depth < 64)
			flatten(f, tt->child, depth + 1, tt);
	}
}

al_status al_spf_tree_analyse(const al_spf_tree_ctx *ctx, const char *domain, const char *text,
			      size_t length, const al_spf_record *parsed, al_spf_tree *out)
{
	memset(out, 0, sizeof(*out));
	build b;
	memset(&b, 0, sizeof(b));
	b.ctx = ctx;
	b.arena = ctx->arena;
	b.root = domain;
	b.serial = ctx->cache != NULL ? ++ctx->cache->trees : 0;
	al_map_init(&b.memo, true);
	tnode *root;
	if (text != NULL) {
		b.nodes = 1;
		root = analyse_record(&b, domain, text, length, parsed);
	} else {
		root = analyse_name(&b, domain, true);
	}
	al_map_free(&b.memo);
	/* the nodes it reused are no longer in a tree being built */
	for (size_t i = 0; i < b.replayed_count; i++)
		b.replayed[i]->in_tree = 0;
	free(b.replayed);
	if (root == NULL)
		return AL_ENOMEM;
	out->root = &root->pub;
	out->lookups = root->pub.cost;
	out->void_lookups = root->pub.void_lookups;
	out->not_followed = root->pub.unknown;
	flat f = {0};
	flatten(&f, &root->pub, 0, NULL);
	if (f.count > 0) {
		al_spf_tree_row *rows = al_arena_memdup(ctx->arena, f.rows, f.count * sizeof(*rows));
		out->rows = rows;
		out->row_count = rows ? f.count : 0;
	}
	out->rows_truncated = f.truncated;
	free(f.rows);
	for (size_t i = 0; i < out->row_count; i++)
		if (out->rows[i].term == NULL && out->rows[i].node->estimated)
			out->estimated++;
	if (out->estimated > 0)
		out->snapshot_date = al_spf_snapshot_date(ctx->snapshot);
	return AL_OK;
}

