/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ARC chain validation (RFC 8617 section 5.2): the sets by instance, the
 * cv= of each seal, the most recent ARC-Message-Signature (verified like a
 * DKIM signature, RFC 8617 4.1.2) and every ARC-Seal over the sets up to its
 * own (5.1.1). The older message signatures are verified too, for the report
 * only: a message changed after an intermediary breaks them, not the chain.
 */
#include <stdlib.h>
#include <string.h>

#include <authlint/dkim_verify.h>

#include "message/dkim_internal.h"
#include "record/tagvalue.h"

#define ARC_MAX_INSTANCE 50

const char *al_arc_cv_name(al_arc_cv cv)
{
	switch (cv) {
	case AL_ARC_NONE:
		return "none";
	case AL_ARC_PASS:
		return "pass";
	case AL_ARC_FAIL:
		return "fail";
	case AL_ARC_NOT_CHECKED:
		return "not-checked";
	}
	return "?";
}

typedef struct arc_chain {
	al_arc_chain pub; /* first: al_arc_chain_free casts back */
	al_arena arena;
	al_arc_set *sets;
} arc_chain;

void al_arc_chain_free(al_arc_chain *chain)
{
	if (chain == NULL)
		return;
	arc_chain *c = (arc_chain *)chain;
	al_arena_clear(&c->arena);
	free(c->sets);
	free(c);
}

enum { AAR, AMS, AS, KINDS };
static const char *const kind_names[KINDS] = {"ARC-Authentication-Results", "ARC-Message-Signature", "ARC-Seal"};

static bool wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The instance of an AAR ("i=N;" first) or of a seal/signature (its i= tag); 0 when malformed. */
static unsigned instance_of(const char *v, size_t n, bool aar, al_arena *arena)
{
	const char *iv = NULL;
	size_t il = 0;
	if (aar) {
		size_t p = 0;
		while (p < n && wsp(v[p]))
			p++;
		if (p + 1 >= n || v[p] != 'i')
			return 0;
		p++;
		while (p < n && wsp(v[p]))
			p++;
		if (p >= n || v[p] != '=')
			return 0;
		p++;
		while (p < n && wsp(v[p]))
			p++;
		iv = v + p;
		while (p < n && v[p] >= '0' && v[p] <= '9')
			p++;
		il = (size_t)(v + p - iv);
		while (p < n && wsp(v[p]))
			p++;
		if (p >= n || v[p] != ';')
			return 0;
	} else {
		al_taglist tl;
		if (al_tagvalue_parse(v, n, arena, &tl) != AL_OK)
			return 0;
		const al_tv_tag *t = al_taglist_find(&tl, v, "i", true);
		if (t == NULL || al_taglist_count_named(&tl, v, "i", true) != 1)
			return 0;
		iv = v + t->value_start;
		il = t->value_length;
	}
	if (il == 0 || il > 3)
		return 0;
	unsigned x = 0;
	for (size_t i = 0; i < il; i++) {
		if (iv[i] < '0' || iv[i] > '9')
			return 0;
		x = x * 10 + (unsigned)(iv[i] - '0');
	}
	return x;
}

/* Text of a field value with folding removed and whitespace trimmed. */
static const char *unfolded(const char *v, size_t n, al_arena *arena)
{
	char *o = al_arena_alloc(arena, n + 1);
	if (o == NULL)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '\r' || v[i] == '\n')
			continue;
		o[k++] = v[i];
	}
	while (k > 0 && (o[k - 1] == ' ' || o[k - 1] == '\t'))
		k--;
	size_t s = 0;
	while (s < k && (o[s] == ' ' || o[s] == '\t'))
		s++;
	o[k] = '\0';
	return o + s;
}

static void set_aar(al_arc_set *set, const char *v, size_t n, al_arena *arena)
{
	const char *semi = memchr(v, ';', n);
	if (semi == NULL)
		return;
	const char *rest = unfolded(semi + 1, n - (size_t)(semi + 1 - v), arena);
	set->results = rest;
	if (rest == NULL)
		return;
	/* authserv-id [CFWS authres-version] ";" ... */
	size_t e = 0;
	while (rest[e] && rest[e] != ';' && rest[e] != ' ' && rest[e] != '\t' && rest[e] != '(')
		e++;
	set->authserv_id = al_arena_strndup(arena, rest, e);
}

/* Check the ARC-Seal of instance @p i over the sets 1..i. */
static al_dkim_verdict check_seal(al_dkimv_msg *m, size_t (*idx)[KINDS], unsigned i, al_source *keys,
				  al_dkimv_keycache *cache, al_arena *arena, al_arc_set *set, const char **why)
{
	const char *v;
	size_t n;
	al_dkimv_field_value(m, idx[i][AS], &v, &n);
	al_taglist tl;
	if (al_tagvalue_parse(v, n, arena, &tl) != AL_OK) {
		*why = "out of memory";
		return AL_DKIM_TEMPERROR;
	}
	if (tl.problem_count > 0) {
		*why = "its tag list is malformed";
		return AL_DKIM_PERMERROR;
	}
	static const char *const required[] = {"a", "b", "cv", "d", "s"};
	for (size_t k = 0; k < sizeof(required) / sizeof(required[0]); k++)
		if (al_taglist_count_named(&tl, v, required[k], true) != 1) {
			*why = al_arena_printf(arena, "its %s= is missing or repeated", required[k]);
			return AL_DKIM_PERMERROR;
		}
	if (al_taglist_find(&tl, v, "h", true) != NULL) {
		*why = "it has an h= tag, which an ARC-Seal must not have (RFC 8617 4.1.3)";
		return AL_DKIM_PERMERROR;
	}
	const al_tv_tag *a = al_taglist_find(&tl, v, "a", true);
	bool ed25519;
	if (a->value_length == 10 && memcmp(v + a->value_start, "rsa-sha256", 10) == 0)
		ed25519 = false;
	else if (a->value_length == 14 && memcmp(v + a->value_start, "ed25519-sha256", 14) == 0)
		ed25519 = true;
	else if (a->value_length == 8 && memcmp(v + a->value_start, "rsa-sha1", 8) == 0) {
		*why = "a=rsa-sha1: SHA-1 signatures are refused (RFC 8301 3.1)";
		return AL_DKIM_REFUSED;
	} else {
		*why = al_arena_printf(arena, "a=%.*s is not a known algorithm", (int)a->value_length,
				       v + a->value_start);
		return AL_DKIM_PERMERROR;
	}
	const al_tv_tag *b = al_taglist_find(&tl, v, "b", true);
	unsigned char *sig = NULL;
	size_t sig_len = 0;
	const char *b64why = NULL;
	if (!al_dkimv_base64(v + b->value_start, b->value_length, arena, &sig, &sig_len, &b64why) || sig_len == 0) {
		*why = al_arena_printf(arena, "b= is not base64: %s", b64why ? b64why : "it is empty");
		return AL_DKIM_PERMERROR;
	}
	const al_dkimv_key *key = al_dkimv_key_get(cache, keys, set->seal_domain, set->seal_selector, arena);
	if (key->verdict != AL_DKIM_PASS) {
		*why = al_arena_printf(arena, "its key: %s", key->reason);
		return key->verdict;
	}
	if ((strcmp(key->type, "ed25519") == 0) != ed25519) {
		*why = "the key's type differs from a=";
		return AL_DKIM_PERMERROR;
	}
	if (!ed25519 && key->bits < 1024) {
		*why = al_arena_printf(arena, "the RSA key has %u bits: under 1024 bits keys are refused (RFC 8301)",
				       key->bits);
		return AL_DKIM_REFUSED;
	}
	/* RFC 8617 5.1.1: AAR, AMS, AS of each set, 1 first, relaxed; this AS without b= and CRLF */
	al_strbuf data = AL_STRBUF_INIT;
	for (unsigned j = 1; j <= i; j++)
		for (int k = 0; k < KINDS; k++) {
			const al_dkimv_field *f = &m->fields[idx[j][k]];
			size_t fe = f->end;
			if (fe >= f->start + 2 && m->text[fe - 1] == '\n' && m->text[fe - 2] == '\r')
				fe -= 2;
			if (j < i || k != AS) {
				al_dkimv_canon_header(&data, m->text + f->start, fe - f->start, true);
				al_strbuf_append(&data, "\r\n", 2);
				continue;
			}
			size_t base = (size_t)(v - m->text);
			size_t eq = b->name_start + b->name_length;
			while (eq < n && v[eq] != '=')
				eq++;
			size_t bend = eq + 1;
			while (bend < n && v[bend] != ';')
				bend++;
			al_strbuf raw = AL_STRBUF_INIT;
			al_strbuf_append(&raw, m->text + f->start, base + eq + 1 - f->start);
			al_strbuf_append(&raw, m->text + base + bend, fe - (base + bend));
			if (!raw.failed)
				al_dkimv_canon_header(&data, raw.data, raw.length, true);
			else
				data.failed = true;
			al_strbuf_free(&raw);
		}
	if (data.failed) {
		al_strbuf_free(&data);
		*why = "out of memory";
		return AL_DKIM_TEMPERROR;
	}
	bool ok = al_dkimv_check(key->pkey, ed25519, sig, sig_len, data.data, data.length);
	al_strbuf_free(&data);
	if (!ok) {
		*why = "the seal's signature does not verify over the ARC sets";
		return AL_DKIM_FAIL;
	}
	return AL_DKIM_PASS;
}

static char *tag_copy(const char *v, size_t n, const char *name, al_arena *arena)
{
	al_taglist tl;
	if (al_tagvalue_parse(v, n, arena, &tl) != AL_OK)
		return NULL;
	const al_tv_tag *t = al_taglist_find(&tl, v, name, true);
	return t ? al_arena_strndup(arena, v + t->value_start, t->value_length) : NULL;
}

static void chain_result(arc_chain *c, al_arc_cv cv, unsigned instance, const char *reason)
{
	c->pub.cv = cv;
	c->pub.failed_instance = instance;
	c->pub.reason = reason;
}

al_status al_arc_validate(const char *message, size_t length, al_source *keys, int64_t now, al_arc_chain **out,
			  al_error *err)
{
	*out = NULL;
	if (message == NULL && length > 0)
		return al_error_set(err, AL_EINVAL, "no message");
	al_dkimv_msg m;
	al_status st = al_dkimv_msg_init(&m, message ? message : "", length, err);
	if (st != AL_OK)
		return st;
	arc_chain *c = calloc(1, sizeof(*c));
	al_dkimv_keycache *cache = al_dkimv_keycache_new();
	size_t (*idx)[KINDS] = calloc(ARC_MAX_INSTANCE + 1, sizeof(*idx));
	if (c == NULL || cache == NULL || idx == NULL)
		goto nomem;
	al_arena_init(&c->arena);
	al_arena *arena = &c->arena;
	for (unsigned i = 0; i <= ARC_MAX_INSTANCE; i++)
		for (int k = 0; k < KINDS; k++)
			idx[i][k] = SIZE_MAX;
	unsigned top = 0;
	bool any = false;
	const char *broken = NULL;
	unsigned broken_at = 0;
	for (size_t f = 0; f < m.count && broken == NULL; f++) {
		int kind = -1;
		for (int k = 0; k < KINDS; k++)
			if (al_dkimv_field_is(&m, f, kind_names[k]))
				kind = k;
		if (kind < 0)
			continue;
		any = true;
		const char *v;
		size_t n;
		al_dkimv_field_value(&m, f, &v, &n);
		unsigned i = instance_of(v, n, kind == AAR, arena);
		if (i == 0 || i > ARC_MAX_INSTANCE) {
			broken = al_arena_printf(arena, "an %s has %s", kind_names[kind],
						 i == 0 ? "no valid i= (1 to 50)" : "an i= over 50");
			broken_at = i > ARC_MAX_INSTANCE ? i : 0;
			break;
		}
		if (idx[i][kind] != SIZE_MAX) {
			broken = al_arena_printf(arena, "instance %u has two %s fields", i, kind_names[kind]);
			broken_at = i;
			break;
		}
		idx[i][kind] = f;
		if (i > top)
			top = i;
	}
	if (!any) {
		chain_result(c, AL_ARC_NONE, 0, NULL);
		goto done;
	}
	for (unsigned i = 1; i <= top && broken == NULL; i++)
		for (int k = 0; k < KINDS; k++)
			if (idx[i][k] == SIZE_MAX) {
				broken = al_arena_printf(arena, "instance %u has no %s (the sets must run 1 to %u)", i,
							 kind_names[k], top);
				broken_at = i;
				break;
			}
	if (broken != NULL) {
		chain_result(c, AL_ARC_FAIL, broken_at, broken);
		goto done;
	}
	c->sets = calloc(top, sizeof(*c->sets));
	if (c->sets == NULL)
		goto nomem;
	c->pub.sets = c->sets;
	c->pub.set_count = top;
	for (unsigned i = 1; i <= top; i++) {
		al_arc_set *s = &c->sets[i - 1];
		const char *v;
		size_t n;
		s->instance = i;
		s->seal = s->message_signature = AL_DKIM_NOT_CHECKED;
		al_dkimv_field_value(&m, idx[i][AAR], &v, &n);
		set_aar(s, v, n, arena);
		al_dkimv_field_value(&m, idx[i][AS], &v, &n);
		s->seal_domain = tag_copy(v, n, "d", arena);
		s->seal_selector = tag_copy(v, n, "s", arena);
		s->cv = tag_copy(v, n, "cv", arena);
	}
	/* cv= (RFC 8617 5.2 steps 2-3): the newest fail ends it; i=1 none, the others pass */
	for (unsigned i = top; i >= 1 && broken == NULL; i--) {
		const char *cv = c->sets[i - 1].cv;
		if (cv == NULL)
			broken = "its ARC-Seal has no cv=";
		else if (i == top && strcmp(cv, "fail") == 0)
			broken = "its sealer recorded cv=fail: the chain was already broken when it arrived";
		else if (i == 1 && strcmp(cv, "none") != 0)
			broken = al_arena_printf(arena, "instance 1 must have cv=none, not cv=%s", cv);
		else if (i > 1 && strcmp(cv, "pass") != 0)
			broken = al_arena_printf(arena, "instance %u must have cv=pass, not cv=%s", i, cv);
		if (broken != NULL)
			broken_at = i;
	}
	if (broken != NULL) {
		c->sets[broken_at - 1].reason = broken;
		chain_result(c, AL_ARC_FAIL, broken_at, al_arena_printf(arena, "instance %u: %s", broken_at, broken));
		goto done;
	}
	/* every AMS, newest first; only the newest decides (5.2 step 5) */
	bool unknown = false;
	const char *unknown_why = NULL;
	unsigned unknown_at = 0;
	for (unsigned i = top; i >= 1; i--) {
		al_dkim_signature sig;
		if (al_dkimv_verify_field(&m, idx[i][AMS], true, keys, now, cache, arena, &sig) != AL_OK)
			goto nomem;
		al_arc_set *s = &c->sets[i - 1];
		s->message_signature = sig.verdict;
		if (i != top || sig.verdict == AL_DKIM_PASS)
			continue;
		const char *why = al_arena_printf(arena, "its ARC-Message-Signature: %s", sig.reason);
		if (sig.verdict == AL_DKIM_NOT_CHECKED || sig.verdict == AL_DKIM_TEMPERROR) {
			unknown = true;
			unknown_why = why;
			unknown_at = i;
		} else if (broken == NULL) {
			broken = why;
			broken_at = i;
		}
	}
	/* every seal, newest first (5.2 step 6) */
	for (unsigned i = top; i >= 1 && broken == NULL; i--) {
		al_arc_set *s = &c->sets[i - 1];
		const char *why = NULL;
		s->seal = check_seal(&m, idx, i, keys, cache, arena, s, &why);
		if (s->seal == AL_DKIM_PASS)
			continue;
		why = al_arena_printf(arena, "its ARC-Seal: %s", why);
		if (s->seal == AL_DKIM_NOT_CHECKED || s->seal == AL_DKIM_TEMPERROR) {
			if (!unknown) {
				unknown = true;
				unknown_why = why;
				unknown_at = i;
			}
		} else {
			broken = why;
			broken_at = i;
		}
	}
	if (broken != NULL) {
		c->sets[broken_at - 1].reason = broken;
		chain_result(c, AL_ARC_FAIL, broken_at, al_arena_printf(arena, "instance %u: %s", broken_at, broken));
	} else if (unknown) {
		c->sets[unknown_at - 1].reason = unknown_why;
		chain_result(c, AL_ARC_NOT_CHECKED, 0,
			     al_arena_printf(arena, "instance %u: %s", unknown_at, unknown_why));
	} else {
		chain_result(c, AL_ARC_PASS, 0, NULL);
	}
done:
	free(idx);
	al_dkimv_keycache_free(cache);
	al_dkimv_msg_free(&m);
	*out = &c->pub;
	return AL_OK;
nomem:
	free(idx);
	al_dkimv_keycache_free(cache);
	al_dkimv_msg_free(&m);
	if (c != NULL)
		al_arc_chain_free(&c->pub);
	return al_error_set(err, AL_ENOMEM, "out of memory");
}
