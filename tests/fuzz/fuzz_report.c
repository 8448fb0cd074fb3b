/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The DMARC aggregate report reader on arbitrary bytes (XML, gzip, zip, a message, an mbox),
 * with small limits: every callback gets values it can use (strings NUL-terminated, enums in
 * range, the origin named), no report goes past max_records, a record read and not handed over
 * comes with a problem, a report skipped gets no records, no report or record comes after STOP,
 * a problem is reported for every status that is not AL_OK, and a second reading of the same
 * bytes gives the same calls. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/report_reader.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz-input"

typedef struct seen {
	uint64_t hash;      /* of every value the callbacks received, in order */
	size_t reports, records, problems, fatal;
	size_t in_report;   /* records since on_report */
	size_t problems_in_report;
	bool open, skipped, stopped;
	int skip_every;     /* skip every n-th report (0: none) */
	size_t stop_after;  /* STOP at this record (0: never) */
	uint64_t max_records;
} seen;

static void mix(seen *s, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		s->hash = (s->hash ^ b[i]) * 1099511628211ULL;
}

static void str(seen *s, const char *v)
{
	if (v == NULL) {
		mix(s, "\x01", 1);
		return;
	}
	size_t n = strlen(v); /* NUL-terminated, or ASan says so */
	mix(s, v, n + 1);
}

static void num(seen *s, uint64_t v)
{
	mix(s, &v, sizeof(v));
}

static void origin(seen *s, const al_report_origin *o)
{
	if (o->path == NULL || strcmp(o->path, NAME) != 0)
		abort();
	str(s, o->member);
	num(s, o->line);
}

static void result(seen *s, al_report_result r)
{
	if ((int)r < AL_RR_ABSENT || r > AL_RR_UNKNOWN || al_report_result_name(r) == NULL)
		abort();
	if ((r == AL_RR_ABSENT) != (al_report_result_name(r)[0] == '\0'))
		abort();
	num(s, (uint64_t)r);
}

static void meta(seen *s, const al_report_meta *m)
{
	origin(s, &m->origin);
	if ((int)m->format < AL_REPORT_RFC7489 || m->format > AL_REPORT_RFC9990)
		abort();
	num(s, (uint64_t)m->format);
	str(s, m->org_name);
	str(s, m->email);
	str(s, m->extra_contact_info);
	str(s, m->report_id);
	num(s, (uint64_t)m->begin);
	num(s, (uint64_t)m->end);
	str(s, m->generator);
	if (m->error_count > 0 && m->errors == NULL)
		abort();
	for (size_t i = 0; i < m->error_count; i++)
		str(s, m->errors[i]);
	const al_report_policy *p = &m->policy;
	const char *ps[] = {p->domain, p->adkim, p->aspf, p->p, p->sp, p->np, p->fo, p->testing,
			    p->discovery_method};
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++)
		str(s, ps[i]);
	if (p->pct < -1)
		abort();
	num(s, (uint64_t)p->pct);
}

static al_report_action on_report(void *ctx, const al_report_meta *m)
{
	seen *s = ctx;
	if (s->stopped)
		abort(); /* after STOP */
	meta(s, m);
	s->reports++;
	s->in_report = 0;
	s->problems_in_report = 0;
	s->open = true;
	s->skipped = s->skip_every > 0 && s->reports % (size_t)s->skip_every == 0;
	return s->skipped ? AL_REPORT_SKIP : AL_REPORT_CONTINUE;
}

static al_report_action on_record(void *ctx, const al_report_meta *m, const al_report_record *r)
{
	seen *s = ctx;
	if (s->stopped || !s->open || s->skipped)
		abort();
	meta(s, m);
	s->records++;
	s->in_report++;
	if (s->in_report > s->max_records)
		abort();
	num(s, r->line);
	str(s, r->source_ip);
	str(s, r->source_ip_raw);
	if (r->source_ip != NULL && r->source_ip_raw == NULL)
		abort();
	num(s, r->count);
	if ((int)r->disposition < AL_DISP_ABSENT || r->disposition > AL_DISP_UNKNOWN ||
	    al_report_disposition_name(r->disposition) == NULL)
		abort();
	num(s, (uint64_t)r->disposition);
	result(s, r->dkim);
	result(s, r->spf);
	if ((r->reason_count > 0 && r->reasons == NULL) || (r->dkim_count > 0 && r->dkim_results == NULL) ||
	    (r->spf_count > 0 && r->spf_results == NULL))
		abort();
	for (size_t i = 0; i < r->reason_count; i++) {
		str(s, r->reasons[i].type);
		str(s, r->reasons[i].comment);
	}
	str(s, r->header_from);
	str(s, r->envelope_from);
	str(s, r->envelope_to);
	for (size_t i = 0; i < r->dkim_count; i++) {
		str(s, r->dkim_results[i].domain);
		str(s, r->dkim_results[i].selector);
		result(s, r->dkim_results[i].result);
		str(s, r->dkim_results[i].human_result);
	}
	for (size_t i = 0; i < r->spf_count; i++) {
		str(s, r->spf_results[i].domain);
		str(s, r->spf_results[i].scope);
		result(s, r->spf_results[i].result);
		str(s, r->spf_results[i].human_result);
	}
	if (s->stop_after > 0 && s->records == s->stop_after) {
		s->stopped = true;
		return AL_REPORT_STOP;
	}
	return AL_REPORT_CONTINUE;
}

static void on_report_end(void *ctx, const al_report_meta *m, size_t records)
{
	seen *s = ctx;
	if (!s->open)
		abort();
	meta(s, m);
	/* the records read: those handed over, and those left out with a problem said (a count
	 * that is not a number); a report skipped may be ended with the records it held */
	if (!s->skipped && (records < s->in_report || records > s->in_report + s->problems_in_report))
		abort();
	if (records > s->max_records)
		abort();
	num(s, records);
	s->open = false;
}

static void on_problem(void *ctx, const al_report_problem *p)
{
	seen *s = ctx;
	origin(s, &p->origin);
	if (p->message == NULL || p->message[0] == '\0' || p->status == AL_OK)
		abort();
	str(s, p->message);
	num(s, (uint64_t)p->status);
	num(s, p->fatal);
	s->problems++;
	s->problems_in_report++;
	if (p->fatal)
		s->fatal++;
}

static al_status run(const uint8_t *data, size_t size, seen *s)
{
	/* small bounds, so that bombs and long reports meet them within the input sizes fuzzed */
	al_report_limits limits = {
		.max_file_bytes = 1u << 20,
		.max_expanded_bytes = 4u << 20,
		.max_ratio = 50,
		.max_records = 64,
		.max_depth = 3,
		.max_files = 16,
	};
	/* a last byte 0xf0-0xff picks how the caller answers, so SKIP and STOP are taken too:
	 * 0xf0 skips every second report, 0xf1-0xff stops at record 1-15 */
	unsigned char mode = size > 0 ? data[size - 1] : 0;
	memset(s, 0, sizeof(*s));
	s->hash = 14695981039346656037ULL;
	s->max_records = limits.max_records;
	s->skip_every = mode == 0xf0 ? 2 : 0;
	s->stop_after = mode > 0xf0 ? (size_t)(mode - 0xf0) : 0;
	al_report_callbacks cb = {on_report, on_record, on_report_end, on_problem, s};
	al_status st = al_report_read_memory(NAME, data, size, &limits, &cb);
	if (st != AL_OK && s->problems == 0)
		abort(); /* a failure nobody was told about */
	if (s->fatal > 0 && st == AL_OK)
		abort(); /* an input abandoned and AL_OK returned */
	return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	seen a, b;
	al_status sa = run(data, size, &a);
	al_status sb = run(data, size, &b);
	if (sa != sb || a.hash != b.hash || a.records != b.records || a.problems != b.problems)
		abort();
	return 0;
}
