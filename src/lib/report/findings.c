/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the reports show, as findings of the REPORT family raised through a
 * lint (its registry, configuration and waivers; its callback gets them):
 * files that could not be read (REPORT001), legitimate services whose mail
 * does not align (REPORT002), sources nobody authorized (REPORT003), and,
 * against the DMARC record published now (looked up through the lint: a
 * lookup not made is LOOKUP002 and nothing is compared), reporters that saw
 * another policy (REPORT004), test mode reported without t=y (REPORT005), t=y
 * not honoured (REPORT006); and tree walk and PSL discovery seeing different
 * policies (REPORT007).
 */
#include "report/reports_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <authlint/dmarc.h>

#include "check/lint_internal.h"
#include "check/lint_private.h"
#include "record/dmarc_parse.h"
#include "spf/spf_internal.h"
#include "util/strbuf.h"

#define MAX_UNAUTHORIZED 20 /* REPORT003 findings per domain; the rest are counted in the last */
#define MAX_GROUPS 8        /* distinct policies seen, per domain */
#define MAX_NAMES 4         /* reporters named in one finding */

/* The finding keeps the subject until al_finding_end: @p s lives in the caller. */
static al_finding *begin(al_lint *lint, al_rule_code code, const char *domain, al_subject *s)
{
	memset(s, 0, sizeof(*s));
	s->owner = domain;
	s->domain = domain;
	return al_finding_begin(lint, code, s);
}

static const char *messages_text(char *buf, size_t size, uint64_t n)
{
	/* 4100 -> "4,100" */
	al_strbuf sb = AL_STRBUF_INIT;
	al_strbuf_thousands(&sb, n);
	snprintf(buf, size, "%s", al_strbuf_cstr(&sb));
	al_strbuf_free(&sb);
	return buf;
}

/* ---- files that could not be read --------------------------------------------------- */

static void unreadable(al_lint *lint, const al_reports *r)
{
	for (size_t i = 0; i < r->problem_count; i++) {
		const al_reports_problem *p = &r->problems[i];
		if (!p->fatal)
			continue;
		al_subject subject;

		al_finding *f = begin(lint, AL_RULE_REPORT001, NULL, &subject);
		if (f == NULL)
			return;
		al_location loc = {0};
		loc.file = p->path;
		loc.line = (unsigned long)p->line;
		al_finding_location(f, &loc);
		if (p->member != NULL)
			al_finding_arg(f, "what", "its entry %s", p->member);
		else
			al_finding_arg(f, "what", "%s", "the file");
		al_finding_arg(f, "problem", "%s", p->message ? p->message : "cannot be read");
		al_finding_end(lint, f);
	}
	al_lint_unit_end(lint);
}

/* ---- sources ------------------------------------------------------------------------ */

/* "signed d=mcsv.net, return path bounces.mcsv.net" */
static void how_text(al_strbuf *b, const rpt_source *s)
{
	if (s->signers.count == 0) {
		al_strbuf_puts(b, "not DKIM-signed");
	} else {
		al_strbuf_puts(b, "signed ");
		for (size_t i = 0; i < s->signers.count && i < 3; i++) {
			const char *key = s->signers.items[i].key;
			const char *space = strchr(key, ' ');
			size_t dl = space ? (size_t)(space - key) : strlen(key);
			al_strbuf_printf(b, "%sd=%.*s", i ? ", " : "", (int)dl, key);
		}
		if (s->signers.count > 3 || s->signers.others > 0)
			al_strbuf_puts(b, " and others");
	}
	if (s->envelope_from.count > 0)
		al_strbuf_printf(b, ", return path %s", s->envelope_from.items[0].key);
}

static const al_sender *sender_named(const char *name)
{
	const al_senders *senders = NULL;
	al_error err;
	if (name == NULL || al_senders_builtin(&senders, &err) != AL_OK)
		return NULL;
	for (size_t i = 0; i < al_senders_count(senders); i++) {
		const al_sender *s = al_senders_at(senders, i);
		if (s->name != NULL && strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

static void service_failing(al_lint *lint, const rpt_domain *d, const rpt_source *s, uint64_t failing)
{
	al_subject subject;

	al_finding *f = begin(lint, AL_RULE_REPORT002, d->name, &subject);
	if (f == NULL)
		return;
	char a[32], b[32];
	if (s->service != NULL)
		al_finding_arg(f, "service", "%s", s->service);
	else
		al_finding_arg(f, "service", "The sender authorized by %s", s->spf_term ? s->spf_term : "SPF");
	al_finding_arg(f, "failing", "%s", messages_text(a, sizeof(a), failing));
	al_finding_arg(f, "messages", "%s", messages_text(b, sizeof(b), s->messages));
	al_finding_arg(f, "domain", "%s", d->name);
	al_finding_arg(f, "ip", "%s", s->ip);
	al_strbuf how = AL_STRBUF_INIT;
	how_text(&how, s);
	al_finding_arg(f, "how", "%s", how.data ? how.data : "");
	al_strbuf_free(&how);
	const al_sender *svc = sender_named(s->service);
	if (svc != NULL)
		al_finding_fix(f,
			       "Set up %s's custom DKIM domain so that it signs as %s (d=%s), or a custom return path "
			       "under %s; then check that its mail passes in the next reports.%s%s",
			       svc->name, d->name, d->name, d->name, svc->url ? " How: " : "", svc->url ? svc->url : "");
	al_finding_context(f, "SPF of %s: %s via %s", d->name, s->spf_result, s->spf_term ? s->spf_term : "-");
	al_finding_end(lint, f);
}

static void unauthorized_failing(al_lint *lint, const rpt_domain *d, const rpt_source *s, uint64_t failing,
				 size_t more, uint64_t more_messages)
{
	al_subject subject;

	al_finding *f = begin(lint, AL_RULE_REPORT003, d->name, &subject);
	if (f == NULL)
		return;
	char a[32];
	al_finding_arg(f, "ip", "%s", s->ip);
	al_finding_arg(f, "failing", "%s", messages_text(a, sizeof(a), failing));
	al_finding_arg(f, "domain", "%s", d->name);
	al_finding_arg(f, "spf", "%s", s->spf_result);
	al_finding_arg(f, "term", "%s", s->spf_term ? s->spf_term : "no term (the default result)");
	if (s->signers.count > 0) {
		al_strbuf how = AL_STRBUF_INIT;
		how_text(&how, s);
		al_finding_arg(f, "signers", " (%s)", how.data ? how.data : "");
		al_strbuf_free(&how);
	} else {
		al_finding_arg(f, "signers", "%s", "");
	}
	if (more > 0)
		al_finding_context(f, "%zu more unauthorized sources with %llu failing messages are not listed", more,
				   (unsigned long long)more_messages);
	al_finding_end(lint, f);
}

static void sources(al_lint *lint, const al_reports *r, const rpt_domain *d)
{
	size_t unauthorized = 0;
	for (size_t i = 0; i < r->source_count; i++) {
		const rpt_source *s = r->source_list[i];
		if (s->domain == d && s->spf_result != NULL && strcmp(s->spf_result, "pass") != 0 &&
		    s->messages > s->dmarc_pass)
			unauthorized++;
	}
	size_t listed = 0;
	for (size_t i = 0; i < r->source_count; i++) {
		const rpt_source *s = r->source_list[i];
		if (s->domain != d || s->spf_result == NULL || s->messages <= s->dmarc_pass)
			continue;
		uint64_t failing = s->messages - s->dmarc_pass;
		if (strcmp(s->spf_result, "pass") == 0) {
			service_failing(lint, d, s, failing);
			continue;
		}
		if (listed >= MAX_UNAUTHORIZED)
			continue;
		listed++;
		size_t more = 0;
		uint64_t more_messages = 0;
		if (listed == MAX_UNAUTHORIZED && unauthorized > MAX_UNAUTHORIZED) {
			/* the last one listed counts the rest (sources come by volume, most first) */
			for (size_t k = i + 1; k < r->source_count; k++) {
				const rpt_source *t = r->source_list[k];
				if (t->domain == d && t->spf_result != NULL && strcmp(t->spf_result, "pass") != 0 &&
				    t->messages > t->dmarc_pass) {
					more++;
					more_messages += t->messages - t->dmarc_pass;
				}
			}
		}
		unauthorized_failing(lint, d, s, failing, more, more_messages);
	}
}

/* ---- the published record ----------------------------------------------------------- */

typedef struct published {
	bool known;                  /* the lookup was answered */
	const al_dmarc_record *record; /* the one usable record, or NULL (none, several, discarded) */
	const char *none_why;        /* when record is NULL */
} published;

static published lookup_published(al_lint *lint, const char *domain)
{
	published pub = {false, NULL, NULL};
	al_arena *arena = al_lint_unit_arena(lint);
	char *name = al_arena_printf(arena, "_dmarc.%s", domain);
	if (name == NULL)
		return pub;
	const al_answer *a = al_lint_lookup(lint, name, AL_TYPE_TXT);
	if (a->rcode != AL_RCODE_NOERROR && a->rcode != AL_RCODE_NXDOMAIN)
		return pub; /* LOOKUP001 or LOOKUP002 says why; nothing is compared */
	pub.known = true;
	size_t found = 0;
	for (size_t i = 0; a->rcode == AL_RCODE_NOERROR && i < a->count; i++) {
		if (a->rrs[i].type != AL_TYPE_TXT)
			continue;
		al_subject s;
		if (!al_subject_from_rr(lint, &s, &a->rrs[i], AL_KIND_NONE))
			continue;
		al_dmarc_record *rec = NULL;
		if (al_text_is_dmarc(s.text, s.length) && al_dmarc_parse_arena(s.text, s.length, arena, &rec) == AL_OK &&
		    rec->is_dmarc) {
			found++;
			pub.record = found == 1 ? rec : NULL;
		}
	}
	if (found == 0)
		pub.none_why = "no DMARC record";
	else if (found > 1)
		pub.none_why = "several DMARC records (receivers use none)";
	else if (al_dmarc_record_discarded(pub.record)) {
		pub.record = NULL;
		pub.none_why = "a DMARC record receivers discard";
	}
	return pub;
}

/* The published policy as reports name it: the tag's word, "(absent)" for no tag. */
static const char *policy_word(al_dmarc_policy p)
{
	return p == AL_DMARC_POLICY_UNSET ? "(absent)" : al_dmarc_policy_name(p);
}

/*
 * What a report saw that the published record does not say: the tags the
 * report gives (p, sp, np, pct, t), each compared with the value receivers
 * take from the record (sp from p, np from sp, pct 100, t n when absent).
 * Appends the differing tags to @p seen and the record's to @p now; false
 * when the report saw the published policy.
 */
static bool differs(const rpt_report *rep, const published *pub, al_strbuf *seen, al_strbuf *now)
{
	const al_dmarc_record *rec = pub->record;
	bool any = false;
	if (rec == NULL) {
		al_strbuf_printf(seen, "p=%s", rep->p ? rep->p : "(absent)");
		if (rep->sp)
			al_strbuf_printf(seen, " sp=%s", rep->sp);
		if (rep->pct >= 0)
			al_strbuf_printf(seen, " pct=%d", rep->pct);
		if (rep->testing)
			al_strbuf_printf(seen, " t=%s", rep->testing);
		al_strbuf_puts(now, pub->none_why);
		return rep->p != NULL || rep->sp != NULL;
	}
	al_dmarc_policy sp = rec->sp != AL_DMARC_POLICY_UNSET ? rec->sp : rec->p;
	al_dmarc_policy np = rec->np != AL_DMARC_POLICY_UNSET ? rec->np : sp;
	struct {
		const char *tag, *reported, *published;
		bool inherited;
	} tags[] = {
		{"p", rep->p, policy_word(rec->p), false},
		{"sp", rep->sp, policy_word(sp), rec->sp == AL_DMARC_POLICY_UNSET},
		{"np", rep->np, policy_word(np), rec->np == AL_DMARC_POLICY_UNSET},
	};
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		if (tags[i].reported == NULL || strcasecmp(tags[i].reported, tags[i].published) == 0)
			continue;
		al_strbuf_printf(seen, "%s%s=%s", any ? " " : "", tags[i].tag, tags[i].reported);
		al_strbuf_printf(now, "%s%s=%s%s", any ? ", " : "", tags[i].tag, tags[i].published,
				 tags[i].inherited ? " (inherited)" : "");
		any = true;
	}
	unsigned pct = rec->pct_valid ? rec->pct : 100;
	if (rep->pct >= 0 && (unsigned)rep->pct != pct) {
		al_strbuf_printf(seen, "%spct=%d", any ? " " : "", rep->pct);
		al_strbuf_printf(now, "%spct=%u%s", any ? ", " : "", pct, rec->pct_valid ? "" : " (absent: 100)");
		any = true;
	}
	if (rep->testing != NULL) {
		bool t_seen = strcasecmp(rep->testing, "y") == 0;
		bool t_now = rec->t == AL_DMARC_FLAG_Y;
		if (t_seen != t_now) {
			al_strbuf_printf(seen, "%st=%s", any ? " " : "", rep->testing);
			al_strbuf_printf(now, "%s%s", any ? ", " : "", t_now ? "t=y" : rec->t == AL_DMARC_FLAG_UNSET ? "no t=" : "t=n");
			any = true;
		}
	}
	return any;
}

typedef struct group {
	char *seen, *now;
	const char *reporters[MAX_NAMES];
	size_t reporter_count, more_reporters;
	uint64_t messages;
} group;

static void add_reporter(group *g, const char *org)
{
	for (size_t i = 0; i < g->reporter_count; i++)
		if (strcmp(g->reporters[i], org) == 0)
			return;
	if (g->reporter_count < MAX_NAMES)
		g->reporters[g->reporter_count++] = org;
	else
		g->more_reporters++;
}

static void reporters_arg(al_finding *f, const char *const *names, size_t count, size_t more)
{
	al_strbuf b = AL_STRBUF_INIT;
	for (size_t i = 0; i < count; i++)
		al_strbuf_printf(&b, "%s%s", i == 0 ? "" : i + 1 == count && more == 0 ? " and " : ", ", names[i]);
	if (more > 0)
		al_strbuf_printf(&b, " and %zu more", more);
	al_finding_arg(f, "reporters", "%s", b.data ? b.data : "");
	al_strbuf_free(&b);
}

static void policy_differs(al_lint *lint, const al_reports *r, const rpt_domain *d, const published *pub)
{
	al_arena *arena = al_lint_unit_arena(lint);
	group groups[MAX_GROUPS];
	size_t count = 0;
	for (size_t i = 0; i < r->report_count; i++) {
		const rpt_report *rep = &r->reports[i];
		if (rep->domain == NULL || strcasecmp(rep->domain, d->name) != 0)
			continue;
		al_strbuf seen = AL_STRBUF_INIT, now = AL_STRBUF_INIT;
		if (differs(rep, pub, &seen, &now) && seen.data != NULL && now.data != NULL) {
			size_t k = 0;
			while (k < count && strcmp(groups[k].seen, seen.data) != 0)
				k++;
			if (k == count && count < MAX_GROUPS) {
				memset(&groups[k], 0, sizeof(groups[k]));
				groups[k].seen = al_arena_strdup(arena, seen.data);
				groups[k].now = al_arena_strdup(arena, now.data);
				if (groups[k].seen != NULL && groups[k].now != NULL)
					count++;
			}
			if (k < count) {
				groups[k].messages += rep->messages;
				add_reporter(&groups[k], rep->org_name ? rep->org_name : "(no org_name)");
			}
		}
		al_strbuf_free(&seen);
		al_strbuf_free(&now);
	}
	for (size_t k = 0; k < count; k++) {
		al_subject subject;

		al_finding *f = begin(lint, AL_RULE_REPORT004, d->name, &subject);
		if (f == NULL)
			return;
		char a[32];
		reporters_arg(f, groups[k].reporters, groups[k].reporter_count, groups[k].more_reporters);
		al_finding_arg(f, "seen", "%s", groups[k].seen);
		al_finding_arg(f, "domain", "%s", d->name);
		al_finding_arg(f, "messages", "%s", messages_text(a, sizeof(a), groups[k].messages));
		al_finding_arg(f, "published", "%s", groups[k].now);
		al_finding_end(lint, f);
	}
}

static void test_mode(al_lint *lint, const rpt_domain *d, const published *pub)
{
	bool t_now = pub->record != NULL && pub->record->t == AL_DMARC_FLAG_Y;
	char a[32];
	if (d->test_mode > 0 && !t_now) {
		al_subject subject;

		al_finding *f = begin(lint, AL_RULE_REPORT005, d->name, &subject);
		if (f != NULL) {
			const char *names[AL_RPT_MAX_SMALL];
			size_t n = 0;
			for (size_t i = 0; i < d->test_reporters.count && n < MAX_NAMES; i++)
				names[n++] = d->test_reporters.items[i].key;
			size_t more = d->test_reporters.count - n + (d->test_reporters.others > 0 ? 1 : 0);
			reporters_arg(f, names, n, more);
			al_finding_arg(f, "messages", "%s", messages_text(a, sizeof(a), d->test_mode));
			al_finding_arg(f, "domain", "%s", d->name);
			al_finding_arg(f, "published", "%s",
				       pub->record == NULL ? pub->none_why
				       : pub->record->t == AL_DMARC_FLAG_UNSET ? "no t= (t=n)"
									: "t=n");
			al_finding_end(lint, f);
		}
	}
	if (!t_now)
		return;
	/* t=y: failing mail given the full policy without the reason comes from receivers that ignore t= */
	const char *full = policy_word(pub->record->p);
	for (size_t i = 0; i < d->enforced.count; i++) {
		const char *key = d->enforced.items[i].key;
		const char *tab = strchr(key, '\t');
		if (tab == NULL || strcmp(tab + 1, full) != 0)
			continue;
		al_subject subject;

		al_finding *f = begin(lint, AL_RULE_REPORT006, d->name, &subject);
		if (f == NULL)
			return;
		char *org = al_arena_strndup(al_lint_unit_arena(lint), key, (size_t)(tab - key));
		const char *names[1] = {org != NULL ? org : "(reporter)"};
		reporters_arg(f, names, 1, 0);
		al_finding_arg(f, "disposition", "%s", tab + 1);
		al_finding_arg(f, "messages", "%s", messages_text(a, sizeof(a), d->enforced.items[i].messages));
		al_finding_arg(f, "domain", "%s", d->name);
		al_finding_end(lint, f);
	}
}

/* ---- tree walk and PSL -------------------------------------------------------------- */

typedef struct seen_policy {
	char text[160];
	uint64_t messages;
} seen_policy;

/* The policy reporters of @p method saw most (by messages). */
static bool most_seen(const al_reports *r, const rpt_domain *d, const char *method, char out[160])
{
	seen_policy list[MAX_GROUPS];
	size_t count = 0;
	for (size_t i = 0; i < r->report_count; i++) {
		const rpt_report *rep = &r->reports[i];
		if (rep->domain == NULL || strcasecmp(rep->domain, d->name) != 0 || rep->discovery_method == NULL ||
		    strcasecmp(rep->discovery_method, method) != 0)
			continue;
		char text[160];
		snprintf(text, sizeof(text), "p=%s%s%s%s%s", rep->p ? rep->p : "(absent)", rep->sp ? " sp=" : "",
			 rep->sp ? rep->sp : "", rep->np ? " np=" : "", rep->np ? rep->np : "");
		size_t k = 0;
		while (k < count && strcmp(list[k].text, text) != 0)
			k++;
		if (k == count) {
			if (count == MAX_GROUPS)
				continue;
			snprintf(list[k].text, sizeof(list[k].text), "%s", text);
			list[k].messages = 0;
			count++;
		}
		list[k].messages += rep->messages;
	}
	if (count == 0)
		return false;
	size_t best = 0;
	for (size_t k = 1; k < count; k++)
		if (list[k].messages > list[best].messages)
			best = k;
	memcpy(out, list[best].text, 160);
	return true;
}

static void discovery(al_lint *lint, const al_reports *r, const rpt_domain *d)
{
	char walk[160], psl[160];
	if (!most_seen(r, d, "treewalk", walk) || !most_seen(r, d, "psl", psl) || strcasecmp(walk, psl) == 0)
		return;
	al_subject subject;

	al_finding *f = begin(lint, AL_RULE_REPORT007, d->name, &subject);
	if (f == NULL)
		return;
	al_finding_arg(f, "domain", "%s", d->name);
	al_finding_arg(f, "one", "%s", "the tree walk");
	al_finding_arg(f, "one_policy", "%s", walk);
	al_finding_arg(f, "other", "%s", "the PSL");
	al_finding_arg(f, "other_policy", "%s", psl);
	al_finding_end(lint, f);
}

void al_rpt_lint_domain(al_lint *lint, const al_reports *r, const rpt_domain *d)
{
	if (strchr(d->name, '(') == NULL) {
		sources(lint, r, d);
		published pub = lookup_published(lint, d->name);
		if (pub.known) {
			policy_differs(lint, r, d, &pub);
			test_mode(lint, d, &pub);
		}
		discovery(lint, r, d);
	}
	al_lint_unit_end(lint);
}

const rpt_domain *al_rpt_find_domain(const al_reports *r, const char *name)
{
	for (size_t k = 0; r != NULL && name != NULL && k < r->domain_count; k++)
		if (strcasecmp(r->domain_list[k]->name, name) == 0)
			return r->domain_list[k];
	return NULL;
}

al_status al_lint_reports(al_lint *lint, al_reports *r)
{
	if (lint == NULL || r == NULL)
		return AL_EINVAL;
	al_rpt_sort(r);
	unreadable(lint, r);
	for (size_t k = 0; k < r->domain_count; k++)
		al_rpt_lint_domain(lint, r, r->domain_list[k]);
	return AL_OK;
}
