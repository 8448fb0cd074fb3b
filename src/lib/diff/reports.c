/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How much mail the DKIM keys a change removes still sign, from DMARC
 * aggregate reports: the messages of every record whose auth_results name
 * the key's domain (d=) and selector (s=).
 */
#include <authlint/diff.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diff/diff_internal.h"
#include "util/arena.h"
#include "util/escape.h"
#include "util/strbuf.h"
#include "util/hash.h"

typedef struct counting {
	al_diff *diff;
	al_diff_dkim *keys; /* diff->dkim, writable */
	bool *seen_in_report; /* per key: counted in the current report */
	al_map reports;     /* reporter NUL report id: reports already counted */
	al_arena arena;
	bool failed;
} counting;

static al_report_action on_report(void *ctx, const al_report_meta *meta)
{
	counting *c = ctx;
	for (size_t i = 0; i < c->diff->dkim_count; i++)
		c->seen_in_report[i] = false;
	/* a report received twice (the same reporter and id) is counted once */
	if (meta->report_id != NULL) {
		char *key = al_arena_printf(&c->arena, "%s\n%s", meta->org_name ? meta->org_name : "",
					    meta->report_id);
		if (key == NULL) {
			c->failed = true;
			return AL_REPORT_STOP;
		}
		if (al_map_get(&c->reports, key) != NULL)
			return AL_REPORT_SKIP;
		if (!al_map_put(&c->reports, key, key)) {
			c->failed = true;
			return AL_REPORT_STOP;
		}
	}
	c->diff->report_count++;
	if (meta->begin >= 0 && (c->diff->period_begin < 0 || meta->begin < c->diff->period_begin))
		c->diff->period_begin = meta->begin;
	if (meta->end >= 0 && (c->diff->period_end < 0 || meta->end > c->diff->period_end))
		c->diff->period_end = meta->end;
	return AL_REPORT_CONTINUE;
}

/* a name as reported, without a final dot */
static bool same_name(const char *reported, const char *name)
{
	size_t n = strlen(reported);
	if (n > 0 && reported[n - 1] == '.')
		n--;
	return strlen(name) == n && strncasecmp(reported, name, n) == 0;
}

static al_report_action on_record(void *ctx, const al_report_meta *meta, const al_report_record *record)
{
	(void)meta;
	counting *c = ctx;
	for (size_t i = 0; i < c->diff->dkim_count; i++) {
		al_diff_dkim *k = &c->keys[i];
		bool signed_with = false;
		for (size_t j = 0; j < record->dkim_count && !signed_with; j++) {
			const al_report_dkim *r = &record->dkim_results[j];
			signed_with = r->domain != NULL && r->selector != NULL && same_name(r->domain, k->domain) &&
				      strcasecmp(r->selector, k->selector) == 0;
		}
		if (!signed_with)
			continue;
		k->messages = k->messages + record->count < k->messages ? UINT64_MAX : k->messages + record->count;
		if (!c->seen_in_report[i]) {
			c->seen_in_report[i] = true;
			k->reports++;
		}
	}
	return AL_REPORT_CONTINUE;
}

/* "authlint: error: FILE [ENTRY]:LINE: message", escaped, kept for al_diff_write_problems */
static void on_problem(void *ctx, const al_report_problem *p)
{
	counting *c = ctx;
	al_strbuf sb;
	al_strbuf_init(&sb);
	al_strbuf_printf(&sb, "authlint: %s: ", p->fatal ? "error" : "warning");
	const char *path = p->origin.path ? p->origin.path : "?";
	al_escape_display(&sb, path, strlen(path));
	if (p->origin.member != NULL) {
		al_strbuf_puts(&sb, " [");
		al_escape_display(&sb, p->origin.member, strlen(p->origin.member));
		al_strbuf_puts(&sb, "]");
	}
	if (p->origin.line > 0)
		al_strbuf_printf(&sb, ":%zu", p->origin.line);
	al_strbuf_puts(&sb, ": ");
	const char *message = p->message ? p->message : "?";
	al_escape_display(&sb, message, strlen(message));
	al_strbuf_puts(&sb, "\n");
	if (!al_diff_add_problem(c->diff, al_strbuf_cstr(&sb), p->fatal) || sb.failed)
		c->failed = true;
	al_strbuf_free(&sb);
}

al_status al_diff_count_dkim(al_diff *diff, const char *path, const al_report_limits *limits)
{
	if (diff == NULL || path == NULL)
		return AL_EINVAL;
	counting c = {.diff = diff, .keys = (al_diff_dkim *)diff->dkim};
	c.seen_in_report = calloc(diff->dkim_count ? diff->dkim_count : 1, sizeof(bool));
	if (c.seen_in_report == NULL)
		return AL_ENOMEM;
	al_map_init(&c.reports, false);
	al_arena_init(&c.arena);
	al_report_callbacks cb = {.on_report = on_report, .on_record = on_record, .on_problem = on_problem, .ctx = &c};
	al_status st = al_report_read_path(path, limits, &cb);
	if (c.failed && st == AL_OK)
		st = AL_ENOMEM;
	diff->dkim_counted = true;
	al_map_free(&c.reports);
	al_arena_clear(&c.arena);
	free(c.seen_in_report);
	return st;
}
