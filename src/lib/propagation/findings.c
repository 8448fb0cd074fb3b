/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The PROP findings of a round, raised through the lint driver's finding
 * path (severities, waivers and message templates from the registry and the
 * configuration), so that every output, SARIF included, carries them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/lint_internal.h"
#include "findings_internal.h"
#include "check/lint_private.h"
#include "propagation/prop_internal.h"

/* ---- text pieces ------------------------------------------------------------------ */

static void answer_text(al_strbuf *sb, const al_prop_answer *a)
{
	if (a->status == AL_PROP_NXDOMAIN) {
		al_strbuf_puts(sb, "NXDOMAIN");
		return;
	}
	if (a->status == AL_PROP_NODATA) {
		al_strbuf_puts(sb, "NODATA (no record of the type)");
		return;
	}
	for (size_t i = 0; i < a->record_count; i++) {
		if (i > 0)
			al_strbuf_puts(sb, ", ");
		if (i == 3 && a->record_count > 4) {
			al_strbuf_printf(sb, "and %zu more", a->record_count - 3);
			break;
		}
		al_strbuf_puts(sb, a->records[i]);
	}
}

static void server_label(al_strbuf *sb, const al_prop_server *s)
{
	if (s->role == AL_PROP_RESOLVER)
		al_strbuf_printf(sb, "resolver %s", s->address);
	else
		al_strbuf_printf(sb, "%s (%s)", s->name, s->address);
}

/* The servers giving answer @p answer (or, when @p answer is -2, every server of
 * @p role not in group @p except). */
static void server_list(al_strbuf *sb, const al_prop_domain *d, const al_prop_name *n, int answer,
			int role, size_t *count)
{
	size_t k = 0;
	for (size_t s = 0; s < n->reply_count; s++) {
		if (n->replies[s].answer != answer)
			continue;
		if (role >= 0 && (int)d->servers[s].role != role)
			continue;
		if (k > 0)
			al_strbuf_puts(sb, ", ");
		if (k == 6) {
			al_strbuf_puts(sb, "...");
			k++;
			break;
		}
		server_label(sb, &d->servers[s]);
		k++;
	}
	if (count != NULL)
		*count = k;
}

static char *take(al_arena *a, al_strbuf *sb)
{
	char *s = al_arena_strndup(a, al_strbuf_cstr(sb), sb->length);
	al_strbuf_reset(sb);
	return s;
}

/* ---- one name ----------------------------------------------------------------------- */

static const char *first_server_of(const al_prop_domain *d, const al_prop_name *n, int answer, int role)
{
	for (size_t s = 0; s < n->reply_count; s++)
		if (n->replies[s].answer == answer && (role < 0 || (int)d->servers[s].role == role))
			return d->servers[s].address;
	return NULL;
}

static void name_findings(al_lint *lint, al_arena *arena, const al_prop_domain *d, const al_prop_name *n)
{
	char tb[16];
	const char *tbuf = al_rrtype_name(n->type, tb);
	al_strbuf sb = AL_STRBUF_INIT;
	bool is_soa = n->type == AL_TYPE_SOA;

	if (n->verdict == AL_PROP_INCONSISTENT) {
		/* SOA answers that differ only by serial are PROP005's */
		bool serial_only = is_soa;
		for (size_t g = 0; is_soa && g < n->answer_count; g++)
			for (size_t h = g + 1; h < n->answer_count; h++)
				if (n->answers[g].has_serial && n->answers[h].has_serial &&
				    n->answers[g].serial == n->answers[h].serial)
					serial_only = false;
		if (!serial_only) {
			al_finding *f = al_finding_begin(lint, AL_RULE_PROP004, NULL);
			if (f != NULL) {
				al_finding_owner(f, n->name);
				for (size_t g = 0; g < n->answer_count; g++) {
					const al_prop_answer *a = &n->answers[g];
					if (a->authoritative == 0)
						continue;
					if (sb.length > 0)
						al_strbuf_puts(&sb, "; ");
					al_strbuf_printf(&sb, "%c from ", a->label);
					server_list(&sb, d, n, (int)g, AL_PROP_AUTHORITATIVE, NULL);
					al_strbuf_puts(&sb, ": ");
					answer_text(&sb, a);
				}
				al_finding_context(f, "%s", al_strbuf_cstr(&sb));
				al_strbuf_reset(&sb);
				size_t groups = 0;
				for (size_t g = 0; g < n->answer_count; g++)
					groups += n->answers[g].authoritative > 0;
				al_finding_arg(f, "name", "%s", n->name);
				al_finding_arg(f, "type", "%s", tbuf);
				al_finding_arg(f, "count", "%zu", groups);
				al_finding_arg(f, "zone", "%s", n->zone ? n->zone : d->domain);
				al_location loc = {0};
				loc.server = n->answer_count > 1 ? first_server_of(d, n, 1, AL_PROP_AUTHORITATIVE) : NULL;
				al_finding_location(f, &loc);
				al_finding_end(lint, f);
			}
		}
		/* the same serial, different data: the zone was edited without a new serial */
		for (size_t a = 0; a < n->reply_count && !is_soa; a++) {
			const al_prop_server *sa = &d->servers[a];
			if (sa->role != AL_PROP_AUTHORITATIVE || n->replies[a].answer < 0 ||
			    sa->serial_state == AL_PROP_SERIAL_NONE)
				continue;
			for (size_t b = a + 1; b < n->reply_count; b++) {
				const al_prop_server *sbv = &d->servers[b];
				if (sbv->role != AL_PROP_AUTHORITATIVE || n->replies[b].answer < 0 ||
				    sbv->serial_state == AL_PROP_SERIAL_NONE || sbv->serial != sa->serial ||
				    n->replies[b].answer == n->replies[a].answer)
					continue;
				al_finding *f = al_finding_begin(lint, AL_RULE_PROP006, NULL);
				if (f != NULL) {
					al_finding_owner(f, n->name);
					al_finding_arg(f, "name", "%s", n->name);
					al_finding_arg(f, "type", "%s", tbuf);
					al_finding_arg(f, "serial", "%u", (unsigned)sa->serial);
					al_finding_arg(f, "zone", "%s", n->zone ? n->zone : d->domain);
					server_label(&sb, sa);
					al_finding_arg(f, "server", "%s", al_strbuf_cstr(&sb));
					al_strbuf_reset(&sb);
					server_label(&sb, sbv);
					al_finding_arg(f, "other", "%s", al_strbuf_cstr(&sb));
					al_strbuf_reset(&sb);
					al_location loc = {0};
					loc.server = sbv->address;
					al_finding_location(f, &loc);
					al_finding_end(lint, f);
				}
				b = n->reply_count; /* one finding per server is enough */
			}
		}
	}

	if (n->verdict == AL_PROP_PROPAGATING) {
		int auth = n->authoritative_answer;
		for (size_t g = 0; g < n->answer_count; g++) {
			const al_prop_answer *a = &n->answers[g];
			if ((int)g == auth || a->resolvers == 0)
				continue;
			bool negative = a->status != AL_PROP_ANSWER;
			al_rule_code rule = negative && auth >= 0 && n->answers[auth].status == AL_PROP_ANSWER
						   ? AL_RULE_PROP002
						   : AL_RULE_PROP001;
			al_finding *f = al_finding_begin(lint, rule, NULL);
			if (f == NULL)
				continue;
			al_finding_owner(f, n->name);
			size_t count = 0;
			server_list(&sb, d, n, (int)g, AL_PROP_RESOLVER, &count);
			al_finding_arg(f, "resolvers", "%s", al_strbuf_cstr(&sb));
			al_strbuf_reset(&sb);
			answer_text(&sb, a);
			al_finding_arg(f, "old", "%s", al_strbuf_cstr(&sb));
			al_strbuf_reset(&sb);
			if (auth >= 0)
				answer_text(&sb, &n->answers[auth]);
			al_finding_arg(f, "new", "%s", al_strbuf_cstr(&sb));
			al_strbuf_reset(&sb);
			al_prop_format_duration(&sb, a->ttl_max > 0 ? a->ttl_max : n->settle_in);
			al_finding_arg(f, "ttl", "%s", al_strbuf_cstr(&sb));
			al_strbuf_reset(&sb);
			al_prop_format_time(&sb, n->settle_at);
			al_finding_arg(f, "settle", "%s", al_strbuf_cstr(&sb));
			al_strbuf_reset(&sb);
			al_finding_arg(f, "name", "%s", n->name);
			al_finding_arg(f, "type", "%s", tbuf);
			al_location loc = {0};
			loc.server = first_server_of(d, n, (int)g, AL_PROP_RESOLVER);
			al_finding_location(f, &loc);
			al_finding_end(lint, f);
		}
	}

	/* truncated over UDP */
	for (size_t s = 0; s < n->reply_count; s++) {
		const al_prop_reply *r = &n->replies[s];
		if (!r->truncated)
			continue;
		al_finding *f = al_finding_begin(lint, AL_RULE_PROP003, NULL);
		if (f == NULL)
			break;
		al_finding_owner(f, n->name);
		al_finding_arg(f, "name", "%s", n->name);
		al_finding_arg(f, "type", "%s", tbuf);
		server_label(&sb, &d->servers[s]);
		al_finding_arg(f, "server", "%s", al_strbuf_cstr(&sb));
		al_strbuf_reset(&sb);
		al_finding_arg(f, "how", "%s",
			       r->status == AL_PROP_FAILED ? "and the answer could not be had over TCP"
							   : "so the answer needed TCP");
		al_location loc = {0};
		loc.server = d->servers[s].address;
		al_finding_location(f, &loc);
		al_finding_end(lint, f);
	}

	/* --expect: which authoritative servers do not serve the new version yet */
	if (n->expect_known) {
		size_t behind = 0, total = 0;
		for (size_t s = 0; s < n->reply_count; s++) {
			if (d->servers[s].role != AL_PROP_AUTHORITATIVE || n->replies[s].answer < 0)
				continue;
			total++;
			if (n->replies[s].answer != n->expect_answer)
				behind++;
		}
		if (behind > 0) {
			al_finding *f = al_finding_begin(lint, AL_RULE_PROP009, NULL);
			if (f != NULL) {
				al_finding_owner(f, n->name);
				size_t k = 0;
				for (size_t s = 0; s < n->reply_count; s++) {
					if (d->servers[s].role != AL_PROP_AUTHORITATIVE || n->replies[s].answer < 0 ||
					    n->replies[s].answer == n->expect_answer)
						continue;
					if (k++ > 0)
						al_strbuf_puts(&sb, ", ");
					server_label(&sb, &d->servers[s]);
				}
				al_finding_arg(f, "servers", "%s", al_strbuf_cstr(&sb));
				al_strbuf_reset(&sb);
				al_finding_arg(f, "behind", "%zu", behind);
				al_finding_arg(f, "total", "%zu", total);
				al_finding_arg(f, "name", "%s", n->name);
				al_finding_arg(f, "type", "%s", tbuf);
				al_finding_arg(f, "expected", "%s", n->expect_text ? n->expect_text : "");
				al_location loc = n->expect_location;
				if (loc.file != NULL && loc.file[0] == '\0')
					loc.file = NULL;
				al_finding_location(f, &loc);
				al_finding_end(lint, f);
			}
		}
	}
	al_strbuf_free(&sb);
	(void)arena;
}

/* ---- one domain --------------------------------------------------------------------- */

/*
 * The rule of each thing that could not be done (problems) or was left out
 * (notes), and the template keys its name and detail fill.
 */
static const struct {
	al_prop_issue_kind kind;
	al_rule_code rule;
	const char *name_key, *detail_key;
} issue_rules[] = {
	{AL_PROP_ISSUE_ZONE_NOT_FOUND, AL_RULE_PROP013, "name", "reason"},
	{AL_PROP_ISSUE_NS_UNREADABLE, AL_RULE_PROP014, "zone", "reason"},
	{AL_PROP_ISSUE_NO_NS, AL_RULE_PROP015, "zone", NULL},
	{AL_PROP_ISSUE_ADDRESS_UNREADABLE, AL_RULE_PROP016, "server", "reason"},
	{AL_PROP_ISSUE_NO_ADDRESS, AL_RULE_PROP017, "server", NULL},
	{AL_PROP_ISSUE_TOO_MANY_ADDRESSES, AL_RULE_PROP018, "zone", NULL},
	{AL_PROP_ISSUE_NO_AUTHORITY, AL_RULE_PROP019, "name", NULL},
	{AL_PROP_ISSUE_TOO_MANY_NAMES, AL_RULE_PROP020, "name", NULL},
	{AL_PROP_ISSUE_BAD_SELECTOR, AL_RULE_PROP021, "name", "given"},
	{AL_PROP_ISSUE_OUTSIDE_SERVERS, AL_RULE_PROP012, "name", "zone"},
};

static void issue_finding(al_lint *lint, const al_prop_domain *d, const al_prop_issue *is)
{
	size_t k = 0;
	while (k < sizeof(issue_rules) / sizeof(issue_rules[0]) && issue_rules[k].kind != is->kind)
		k++;
	if (k == sizeof(issue_rules) / sizeof(issue_rules[0]))
		return;
	al_finding *f = al_finding_begin(lint, issue_rules[k].rule, NULL);
	if (f == NULL)
		return;
	al_finding_owner(f, d->domain);
	al_finding_arg(f, "domain", "%s", d->domain);
	al_finding_arg(f, issue_rules[k].name_key, "%s", is->name ? is->name : "");
	if (issue_rules[k].detail_key != NULL)
		al_finding_arg(f, issue_rules[k].detail_key, "%s", is->detail ? is->detail : "");
	al_finding_arg(f, "count", "%zu", is->count);
	al_finding_arg(f, "limit", "%zu", is->limit);
	al_finding_end(lint, f);
}

static void domain_findings(al_lint *lint, al_arena *arena, const al_prop_domain *d)
{
	al_strbuf sb = AL_STRBUF_INIT;
	for (size_t i = 0; d->problem_items != NULL && i < d->problem_count; i++)
		issue_finding(lint, d, &d->problem_items[i]);
	for (size_t i = 0; d->note_items != NULL && i < d->note_count; i++)
		issue_finding(lint, d, &d->note_items[i]);
	for (size_t s = 0; s < d->server_count; s++) {
		const al_prop_server *sv = &d->servers[s];
		size_t asked = 0, bad = 0;
		for (size_t k = 0; k < d->name_count; k++) {
			const al_prop_reply *r = &d->names[k].replies[s];
			if (r->status == AL_PROP_NOT_ASKED)
				continue;
			asked++;
			if (r->status == AL_PROP_LAME || r->status == AL_PROP_FAILED)
				bad++;
		}
		server_label(&sb, sv);
		char *label = take(arena, &sb);
		if (sv->lame) {
			al_finding *f = al_finding_begin(lint, AL_RULE_PROP007, NULL);
			if (f != NULL) {
				al_finding_owner(f, sv->zone ? sv->zone : d->domain);
				al_finding_arg(f, "server", "%s", label ? label : sv->address);
				al_finding_arg(f, "zone", "%s", sv->zone ? sv->zone : d->domain);
				al_finding_arg(f, "reason", "%s", sv->problem ? sv->problem : "not authoritative");
				al_location loc = {0};
				loc.server = sv->address;
				al_finding_location(f, &loc);
				al_finding_end(lint, f);
			}
		} else if (sv->failed) {
			al_finding *f = al_finding_begin(lint, AL_RULE_PROP008, NULL);
			if (f != NULL) {
				al_finding_owner(f, sv->zone ? sv->zone : d->domain);
				al_finding_arg(f, "server", "%s", label ? label : sv->address);
				al_finding_arg(f, "count", "%zu", bad);
				al_finding_arg(f, "total", "%zu", asked);
				al_finding_arg(f, "reason", "%s", sv->problem ? sv->problem : "no answer");
				al_location loc = {0};
				loc.server = sv->address;
				al_finding_location(f, &loc);
				al_finding_end(lint, f);
			}
		}
		if (sv->serial_state == AL_PROP_SERIAL_BEHIND && sv->role == AL_PROP_AUTHORITATIVE) {
			al_finding *f = al_finding_begin(lint, AL_RULE_PROP005, NULL);
			if (f != NULL) {
				al_finding_owner(f, d->zone ? d->zone : d->domain);
				al_finding_arg(f, "server", "%s", label ? label : sv->address);
				al_finding_arg(f, "zone", "%s", d->zone ? d->zone : d->domain);
				al_finding_arg(f, "serial", "%u", (unsigned)sv->serial);
				al_finding_arg(f, "newest", "%u", (unsigned)d->newest_serial);
				al_finding_arg(f, "behind", "%u", (unsigned)sv->behind_by);
				al_location loc = {0};
				loc.server = sv->address;
				al_finding_location(f, &loc);
				al_finding_end(lint, f);
			}
		}
	}
	if (d->serials_unordered) {
		al_finding *f = al_finding_begin(lint, AL_RULE_PROP010, NULL);
		if (f != NULL) {
			al_finding_owner(f, d->zone ? d->zone : d->domain);
			al_finding_arg(f, "zone", "%s", d->zone ? d->zone : d->domain);
			size_t k = 0;
			for (size_t s = 0; s < d->server_count; s++) {
				const al_prop_server *sv = &d->servers[s];
				if (sv->role != AL_PROP_AUTHORITATIVE || sv->serial_state == AL_PROP_SERIAL_NONE)
					continue;
				if (k++ > 0)
					al_strbuf_puts(&sb, ", ");
				al_strbuf_printf(&sb, "%u from %s", (unsigned)sv->serial, sv->address);
			}
			al_finding_arg(f, "serials", "%s", al_strbuf_cstr(&sb));
			al_strbuf_reset(&sb);
			al_finding_end(lint, f);
		}
	}
	for (size_t k = 0; k < d->name_count; k++)
		name_findings(lint, arena, d, &d->names[k]);
	al_strbuf_free(&sb);
}

al_status al_prop_findings(al_prop_result *result, al_findings *into, const al_rules *rules,
			   const al_config *config)
{
	al_lint_options lo = {0};
	lo.rules = rules;
	lo.config = config;
	lo.on_diag = al_findings_collect;
	lo.userdata = into;
	al_lint *lint = NULL;
	al_status st = al_lint_new(&lint, &lo);
	if (st != AL_OK)
		return st;
	size_t raised = 0;
	for (size_t i = 0; i < result->domain_count; i++) {
		domain_findings(lint, into->arena, &result->domains[i]);
		al_lint_unit_end(lint);
	}
	const al_summary *ls = al_lint_summary(lint);
	for (int s = 0; s < 4; s++)
		raised += ls->by_severity[s];
	raised += ls->waived;
	al_lint_free(lint);
	/* a finding that could not be copied must not pass for a clean round */
	if (into->count != raised)
		return AL_ENOMEM;
	into->summary.names = 0;
	for (size_t i = 0; i < result->domain_count; i++)
		into->summary.names += result->domains[i].name_count;
	into->summary.lookups_failed = result->failed;
	into->summary.incomplete = result->incomplete;
	result->findings = into;
	return AL_OK;
}
