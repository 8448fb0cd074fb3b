/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One aggregate report's XML, streamed through libxml2's SAX2 push parser:
 * each <record> is handed out as it ends and forgotten. The bytes come through the
 * guard (reader_guard.c); the parser runs without NOENT, DTDLOAD and HUGE,
 * and with NONET.
 */
#include "report/reader_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>

#include "util/arena.h"
#include "util/strbuf.h"

#define MAX_DEPTH 64            /* element nesting */
#define MAX_TEXT (64u << 10)    /* bytes of one text value */
#define MAX_REASONS 16
#define MAX_AUTH 32             /* dkim or spf results of one record */
#define MAX_ERRORS 32           /* report_metadata/error */

static const char *const DMARC2_NS = "urn:ietf:params:xml:ns:dmarc-2.0";

/* ---- the report ----------------------------------------------------------------------- */

typedef struct state {
	al_rr *r;
	al_report_origin origin;
	xmlParserCtxtPtr ctxt;
	int xml_depth;           /* elements open, the document element is 1 */
	bool aborted;            /* a bound was passed: the parse was stopped */
	al_arena arena;          /* the report's strings */
	al_arena rec_arena;      /* the current record's */
	al_report_meta meta;
	const char *errors[MAX_ERRORS];
	bool in_feedback, reported, skip, done, truncated_text;
	int feedback_depth;
	al_strbuf path;          /* element names below <feedback>, '/'-separated */
	size_t path_ends[MAX_DEPTH + 1];
	int levels;
	al_strbuf text;
	bool in_record, record_bad;
	al_report_record rec;
	al_report_reason reasons[MAX_REASONS];
	al_report_dkim dkim[MAX_AUTH];
	al_report_spf spf[MAX_AUTH];
	uint64_t records;
	char parse_error[512];
	int parse_error_line;
} state;

static void xml_error(void *arg, xmlErrorPtr e)
{
	state *s = arg;
	if (e == NULL || s->parse_error[0] != '\0' || e->level < XML_ERR_ERROR)
		return;
	snprintf(s->parse_error, sizeof(s->parse_error), "%s", e->message != NULL ? e->message : "XML error");
	size_t n = strlen(s->parse_error);
	while (n > 0 && (s->parse_error[n - 1] == '\n' || s->parse_error[n - 1] == ' '))
		s->parse_error[--n] = '\0';
	s->parse_error_line = e->line;
}

/* The line the parser is on: in a SAX callback, the element's own. */
static void set_line(state *s)
{
	int line = s->ctxt != NULL ? xmlSAX2GetLineNumber(s->ctxt) : 0;
	s->origin.line = line > 0 ? (size_t)line : 0;
}

static const char *trimmed(state *s, al_arena *a, bool lower)
{
	const char *t = al_strbuf_cstr(&s->text);
	size_t n = s->text.length;
	while (n > 0 && isspace((unsigned char)*t))
		t++, n--;
	while (n > 0 && isspace((unsigned char)t[n - 1]))
		n--;
	if (n == 0)
		return NULL; /* empty elements are absent */
	char *c = al_arena_strndup(a, t, n);
	if (c != NULL && lower)
		for (char *p = c; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	return c;
}

static al_report_result result_of(const char *v)
{
	static const char *const names[] = {"none", "pass", "fail", "neutral", "softfail",
					    "temperror", "permerror", "policy"};
	if (v == NULL)
		return AL_RR_ABSENT;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v, names[i]) == 0)
			return (al_report_result)(AL_RR_NONE + i);
	/* RFC 7601 spellings some reporters use */
	if (strcmp(v, "hardfail") == 0)
		return AL_RR_FAIL;
	if (strcmp(v, "temperr") == 0)
		return AL_RR_TEMPERROR;
	if (strcmp(v, "permerr") == 0)
		return AL_RR_PERMERROR;
	return AL_RR_UNKNOWN;
}

static al_report_disposition disposition_of(const char *v)
{
	if (v == NULL)
		return AL_DISP_ABSENT;
	if (strcmp(v, "none") == 0)
		return AL_DISP_NONE;
	if (strcmp(v, "quarantine") == 0)
		return AL_DISP_QUARANTINE;
	if (strcmp(v, "reject") == 0)
		return AL_DISP_REJECT;
	if (strcmp(v, "pass") == 0)
		return AL_DISP_PASS;
	return AL_DISP_UNKNOWN;
}

static bool parse_u64(const char *v, uint64_t *out)
{
	if (v == NULL || *v == '\0')
		return false;
	uint64_t n = 0;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9' || n > (UINT64_MAX - 9) / 10)
			return false;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	*out = n;
	return true;
}

static int64_t parse_time(state *s, const char *v, const char *what)
{
	uint64_t n;
	if (v == NULL)
		return -1;
	/* some reporters write "1700000000.0" */
	char buf[32];
	size_t len = strcspn(v, ".");
	if (len < sizeof(buf) && (v[len] == '\0' || strspn(v + len + 1, "0") == strlen(v + len + 1))) {
		memcpy(buf, v, len);
		buf[len] = '\0';
		if (parse_u64(buf, &n) && n < (1ull << 40))
			return (int64_t)n;
	}
	set_line(s);
	al_rr_problem(s->r, &s->origin, AL_ESYNTAX, false, "%s '%.60s' is not a time in seconds: ignored", what, v);
	return -1;
}

static void call_report(state *s)
{
	if (s->reported)
		return;
	s->reported = true;
	s->meta.origin = s->origin;
	s->meta.origin.line = 0;
	if (s->r->cb->on_report != NULL) {
		al_report_action a = s->r->cb->on_report(s->r->cb->ctx, &s->meta);
		if (a == AL_REPORT_SKIP)
			s->skip = true;
		else if (a == AL_REPORT_STOP)
			s->r->stopped = true;
	}
}

static void start_record(state *s)
{
	call_report(s);
	al_arena_clear(&s->rec_arena);
	memset(&s->rec, 0, sizeof(s->rec));
	s->rec.reasons = s->reasons;
	s->rec.dkim_results = s->dkim;
	s->rec.spf_results = s->spf;
	set_line(s);
	s->rec.line = s->origin.line;
	s->in_record = true;
	s->record_bad = false;
}

static void end_record(state *s)
{
	s->in_record = false;
	if (s->skip || s->r->stopped)
		return;
	al_report_origin at = s->origin;
	at.line = s->rec.line;
	if (++s->records > s->r->limits.max_records) {
		if (s->records == s->r->limits.max_records + 1)
			al_rr_problem(s->r, &at, AL_ELIMIT, true,
				      "more than %llu records in one report: the rest were not read",
				      (unsigned long long)s->r->limits.max_records);
		return;
	}
	if (s->record_bad)
		return;
	if (s->rec.source_ip == NULL)
		al_rr_problem(s->r, &at, AL_ESYNTAX, false, "a record without a usable source_ip%s%.60s%s",
			      s->rec.source_ip_raw ? " ('" : "", s->rec.source_ip_raw ? s->rec.source_ip_raw : "",
			      s->rec.source_ip_raw ? "')" : "");
	if (s->r->cb->on_record != NULL &&
	    s->r->cb->on_record(s->r->cb->ctx, &s->meta, &s->rec) == AL_REPORT_STOP)
		s->r->stopped = true;
}

static const char *canonical_ip(al_arena *a, const char *v)
{
	unsigned char bin[16];
	char text[INET6_ADDRSTRLEN];
	if (v == NULL)
		return NULL;
	if (inet_pton(AF_INET, v, bin) == 1)
		return inet_ntop(AF_INET, bin, text, sizeof(text)) ? al_arena_strdup(a, text) : NULL;
	if (inet_pton(AF_INET6, v, bin) == 1) {
		/* IPv4-mapped addresses are the IPv4 address */
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (memcmp(bin, mapped, 12) == 0)
			return inet_ntop(AF_INET, bin + 12, text, sizeof(text)) ? al_arena_strdup(a, text) : NULL;
		return inet_ntop(AF_INET6, bin, text, sizeof(text)) ? al_arena_strdup(a, text) : NULL;
	}
	return NULL;
}

#define IS(p) (strcmp(path, p) == 0)

static void element_start(state *s, const char *path)
{
	if (IS("record"))
		start_record(s);
	else if (!s->in_record)
		return;
	else if (IS("record/row/policy_evaluated/reason")) {
		if (s->rec.reason_count < MAX_REASONS)
			memset(&s->reasons[s->rec.reason_count++], 0, sizeof(s->reasons[0]));
	} else if (IS("record/auth_results/dkim")) {
		if (s->rec.dkim_count < MAX_AUTH)
			memset(&s->dkim[s->rec.dkim_count++], 0, sizeof(s->dkim[0]));
	} else if (IS("record/auth_results/spf")) {
		if (s->rec.spf_count < MAX_AUTH)
			memset(&s->spf[s->rec.spf_count++], 0, sizeof(s->spf[0]));
	} else if (strncmp(path, "record/identities", 17) == 0) {
		s->meta.format = AL_REPORT_DRAFT; /* the pre-RFC name of identifiers */
	}
}

static void set_once(const char **field, const char *value)
{
	if (*field == NULL)
		*field = value;
}

static void element_end(state *s, const char *path)
{
	al_arena *ra = &s->rec_arena, *ma = &s->arena;
	al_report_policy *pol = &s->meta.policy;
	if (strncmp(path, "report_metadata/", 16) == 0) {
		const char *k = path + 16;
		if (strcmp(k, "org_name") == 0)
			set_once(&s->meta.org_name, trimmed(s, ma, false));
		else if (strcmp(k, "email") == 0)
			set_once(&s->meta.email, trimmed(s, ma, false));
		else if (strcmp(k, "extra_contact_info") == 0)
			set_once(&s->meta.extra_contact_info, trimmed(s, ma, false));
		else if (strcmp(k, "report_id") == 0)
			set_once(&s->meta.report_id, trimmed(s, ma, false));
		else if (strcmp(k, "generator") == 0)
			set_once(&s->meta.generator, trimmed(s, ma, false));
		else if (strcmp(k, "date_range/begin") == 0)
			s->meta.begin = parse_time(s, trimmed(s, ma, false), "date_range/begin");
		else if (strcmp(k, "date_range/end") == 0)
			s->meta.end = parse_time(s, trimmed(s, ma, false), "date_range/end");
		else if (strcmp(k, "error") == 0 && s->meta.error_count < MAX_ERRORS) {
			const char *e = trimmed(s, ma, false);
			if (e != NULL)
				s->errors[s->meta.error_count++] = e;
		}
		return;
	}
	if (strncmp(path, "policy_published/", 17) == 0) {
		const char *k = path + 17;
		if (strcmp(k, "domain") == 0)
			set_once(&pol->domain, trimmed(s, ma, true));
		else if (strcmp(k, "adkim") == 0)
			set_once(&pol->adkim, trimmed(s, ma, true));
		else if (strcmp(k, "aspf") == 0)
			set_once(&pol->aspf, trimmed(s, ma, true));
		else if (strcmp(k, "p") == 0)
			set_once(&pol->p, trimmed(s, ma, true));
		else if (strcmp(k, "sp") == 0)
			set_once(&pol->sp, trimmed(s, ma, true));
		else if (strcmp(k, "np") == 0)
			set_once(&pol->np, trimmed(s, ma, true));
		else if (strcmp(k, "fo") == 0)
			set_once(&pol->fo, trimmed(s, ma, true));
		else if (strcmp(k, "testing") == 0)
			set_once(&pol->testing, trimmed(s, ma, true));
		else if (strcmp(k, "discovery_method") == 0)
			set_once(&pol->discovery_method, trimmed(s, ma, true));
		else if (strcmp(k, "pct") == 0) {
			uint64_t n;
			const char *v = trimmed(s, ma, false);
			if (v != NULL && parse_u64(v, &n) && n <= 100)
				pol->pct = (int)n;
		}
		return;
	}
	if (!s->in_record)
		return;
	if (IS("record")) {
		end_record(s);
		return;
	}
	al_report_record *rec = &s->rec;
	/* the hot path: dispatch on the part below record/ first */
	const char *k = NULL;
	if (strncmp(path, "record/row/", 11) == 0) {
		k = path + 11;
		if (strcmp(k, "source_ip") == 0) {
			set_once(&rec->source_ip_raw, trimmed(s, ra, false));
			if (rec->source_ip == NULL)
				rec->source_ip = canonical_ip(ra, rec->source_ip_raw);
		} else if (strcmp(k, "count") == 0) {
			const char *v = trimmed(s, ra, false);
			uint64_t n;
			if (v != NULL && parse_u64(v, &n)) {
				rec->count = n;
			} else {
				set_line(s);
				al_rr_problem(s->r, &s->origin, AL_ESYNTAX, false,
					      "count '%.40s' is not a number: the record is not counted", v ? v : "");
				s->record_bad = true;
			}
		} else if (strncmp(k, "policy_evaluated/", 17) == 0) {
			k += 17;
			if (strcmp(k, "disposition") == 0)
				rec->disposition = disposition_of(trimmed(s, ra, true));
			else if (strcmp(k, "dkim") == 0)
				rec->dkim = result_of(trimmed(s, ra, true));
			else if (strcmp(k, "spf") == 0)
				rec->spf = result_of(trimmed(s, ra, true));
			else if (strcmp(k, "reason/type") == 0 && rec->reason_count > 0)
				set_once(&s->reasons[rec->reason_count - 1].type, trimmed(s, ra, true));
			else if (strcmp(k, "reason/comment") == 0 && rec->reason_count > 0)
				set_once(&s->reasons[rec->reason_count - 1].comment, trimmed(s, ra, false));
		}
	} else if (strncmp(path, "record/identifiers/", 19) == 0 || strncmp(path, "record/identities/", 18) == 0) {
		k = strchr(path + 7, '/') + 1;
		if (strcmp(k, "header_from") == 0)
			set_once(&rec->header_from, trimmed(s, ra, true));
		else if (strcmp(k, "envelope_from") == 0)
			set_once(&rec->envelope_from, trimmed(s, ra, true));
		else if (strcmp(k, "envelope_to") == 0)
			set_once(&rec->envelope_to, trimmed(s, ra, true));
	} else if (strncmp(path, "record/auth_results/dkim/", 25) == 0 && rec->dkim_count > 0) {
		al_report_dkim *d = &s->dkim[rec->dkim_count - 1];
		k = path + 25;
		if (strcmp(k, "domain") == 0)
			set_once(&d->domain, trimmed(s, ra, true));
		else if (strcmp(k, "selector") == 0)
			set_once(&d->selector, trimmed(s, ra, false));
		else if (strcmp(k, "result") == 0)
			d->result = result_of(trimmed(s, ra, true));
		else if (strcmp(k, "human_result") == 0)
			set_once(&d->human_result, trimmed(s, ra, false));
	} else if (strncmp(path, "record/auth_results/spf/", 24) == 0 && rec->spf_count > 0) {
		al_report_spf *d = &s->spf[rec->spf_count - 1];
		k = path + 24;
		if (strcmp(k, "domain") == 0)
			set_once(&d->domain, trimmed(s, ra, true));
		else if (strcmp(k, "scope") == 0)
			set_once(&d->scope, trimmed(s, ra, true));
		else if (strcmp(k, "result") == 0)
			d->result = result_of(trimmed(s, ra, true));
		else if (strcmp(k, "human_result") == 0)
			set_once(&d->human_result, trimmed(s, ra, false));
	}
}

static void feedback_start(state *s, const xmlChar *ns)
{
	s->in_feedback = true;
	s->feedback_depth = s->xml_depth;
	s->meta.format = ns != NULL && strcmp((const char *)ns, DMARC2_NS) == 0 ? AL_REPORT_RFC9990 : AL_REPORT_RFC7489;
	al_strbuf_reset(&s->path);
	s->levels = 0;
}

static void feedback_end(state *s)
{
	call_report(s);
	if (!s->skip && !s->r->stopped && s->r->cb->on_report_end != NULL)
		s->r->cb->on_report_end(s->r->cb->ctx, &s->meta, s->records > s->r->limits.max_records
									? (size_t)s->r->limits.max_records
									: (size_t)s->records);
	s->in_feedback = false;
	s->done = true;
}

/* An element opens below <feedback>: its path grows by a segment. */
static bool push(state *s, const char *name)
{
	if (s->levels >= MAX_DEPTH) {
		set_line(s);
		al_rr_problem(s->r, &s->origin, AL_ELIMIT, true, "elements nested more than %d deep: not read",
			      MAX_DEPTH);
		return false;
	}
	s->path_ends[s->levels++] = s->path.length;
	if (s->path.length > 0)
		al_strbuf_putc(&s->path, '/');
	al_strbuf_puts(&s->path, name);
	al_strbuf_reset(&s->text);
	element_start(s, al_strbuf_cstr(&s->path));
	return true;
}

static void pop(state *s)
{
	if (s->levels == 0)
		return;
	element_end(s, al_strbuf_cstr(&s->path));
	s->path.length = s->path_ends[--s->levels];
	if (s->path.data != NULL)
		s->path.data[s->path.length] = '\0';
	al_strbuf_reset(&s->text);
}

#define CHUNK_IN 65536

static void stop(state *s)
{
	s->aborted = true;
	xmlStopParser(s->ctxt);
}

static void sax_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
		      int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
		      const xmlChar **attributes)
{
	(void)prefix, (void)nb_namespaces, (void)namespaces, (void)nb_attributes, (void)nb_defaulted,
		(void)attributes;
	state *s = ctx;
	if (s->aborted || s->r->stopped) {
		xmlStopParser(s->ctxt);
		return;
	}
	s->xml_depth++;
	if (!s->in_feedback) {
		if (!s->done && strcmp((const char *)localname, "feedback") == 0)
			feedback_start(s, uri);
		return;
	}
	if (!push(s, (const char *)localname))
		stop(s);
}

static void sax_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
	(void)localname, (void)prefix, (void)uri;
	state *s = ctx;
	if (s->aborted)
		return;
	if (s->in_feedback) {
		if (s->xml_depth == s->feedback_depth)
			feedback_end(s);
		else
			pop(s);
	}
	s->xml_depth--;
	if (s->r->stopped)
		xmlStopParser(s->ctxt);
}

static void sax_text(void *ctx, const xmlChar *v, int len)
{
	state *s = ctx;
	if (!s->in_feedback || s->levels == 0 || len <= 0 || s->aborted)
		return;
	size_t n = (size_t)len;
	if (s->text.length + n > MAX_TEXT) {
		if (!s->truncated_text) {
			set_line(s);
			al_rr_problem(s->r, &s->origin, AL_ELIMIT, false, "a value longer than %u bytes was cut there",
				      MAX_TEXT);
		}
		s->truncated_text = true;
		n = s->text.length < MAX_TEXT ? MAX_TEXT - s->text.length : 0;
	}
	al_strbuf_append(&s->text, (const char *)v, n);
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_start(void)
{
	xmlInitParser();
}

void al_rr_read_xml(al_rr *r, const al_report_origin *origin, al_rr_stream *in)
{
	pthread_once(&xml_once, xml_start);
	al_rr_guard *g = al_rr_guard_new(r, origin, in);
	state *s = calloc(1, sizeof(*s));
	if (g == NULL || s == NULL) {
		al_rr_guard_free(g);
		free(s);
		al_rr_problem(r, origin, AL_ENOMEM, true, "out of memory");
		return;
	}
	s->r = r;
	s->origin = *origin;
	al_arena_init(&s->arena);
	al_arena_init(&s->rec_arena);
	al_strbuf_init(&s->path);
	al_strbuf_init(&s->text);
	s->meta.begin = s->meta.end = -1;
	s->meta.policy.pct = -1;
	s->meta.errors = s->errors;
	/* no NOENT, DTDLOAD, DTDATTR or HUGE: entities stay unexpanded, nothing is loaded */
	xmlSAXHandler sax;
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = sax_start;
	sax.endElementNs = sax_end;
	sax.characters = sax_text;
	sax.cdataBlock = sax_text;
	sax.serror = xml_error;
	/* no entity or DTD handler: nothing is declared (the guard refuses declarations),
	 * nothing is loaded; NONET, and neither NOENT, DTDLOAD nor HUGE */
	s->ctxt = xmlCreatePushParserCtxt(&sax, s, NULL, 0, origin->path);
	if (s->ctxt == NULL) {
		al_rr_problem(r, origin, AL_ENOMEM, true, "cannot start the XML parser");
		goto out;
	}
	xmlCtxtUseOptions(s->ctxt, XML_PARSE_NONET | XML_PARSE_NOWARNING);
	char *buf = malloc(CHUNK_IN);
	bool ended = false;
	int rc = 0;
	for (unsigned turns = 0; buf != NULL && !ended && !s->aborted && !r->stopped && turns < 100000000; turns++) {
		int n = al_rr_guard_read(g, buf, CHUNK_IN);
		if (n < 0)
			break;
		ended = n == 0;
		rc = xmlParseChunk(s->ctxt, buf, n, ended);
		if (rc != 0 && s->parse_error[0] == '\0')
			snprintf(s->parse_error, sizeof(s->parse_error), "the XML does not parse (error %d)", rc);
		if (s->parse_error[0] != '\0')
			break;
	}
	free(buf);
	bool ok = !s->aborted;
	if (al_rr_guard_replaced(g) > 0) {
		al_report_origin at = *origin;
		al_rr_problem(r, &at, AL_ESYNTAX, false,
			      al_rr_guard_replaced(g) == 1 ? "%zu byte that is not UTF-8 (or a control character XML forbids) "
						 "was read as U+FFFD"
					       : "%zu bytes that are not UTF-8 (or control characters XML forbids) "
						 "were read as U+FFFD",
			      al_rr_guard_replaced(g));
	}
	if (al_rr_guard_after(g) > 0)
		al_rr_problem(r, origin, AL_ESYNTAX, false, "%zu bytes after </feedback> were ignored", al_rr_guard_after(g));
	if (!ok || r->stopped || al_rr_guard_failed(g))
		goto out;
	if (s->parse_error[0] != '\0') {
		al_report_origin at = *origin;
		at.line = s->parse_error_line > 0 ? (size_t)s->parse_error_line : 0;
		const char *msg = s->parse_error[0] ? s->parse_error : "the XML does not parse";
		if (s->done)
			/* after the report: junk a reporter added (an unclosed <xs:schema>, say) */
			al_rr_problem(r, &at, AL_ESYNTAX, false, "after the report: %s", msg);
		else if (s->in_feedback)
			al_rr_problem(r, &at, AL_ESYNTAX, true,
				      "%s: the report stops there (%llu record%s before it)", msg,
				      (unsigned long long)s->records, s->records == 1 ? " was read" : "s were read");
		else
			al_rr_problem(r, &at, AL_ESYNTAX, true, "%s", msg);
	} else if (!s->done) {
		al_rr_problem(r, origin, AL_ESYNTAX, true, "no <feedback> element: not a DMARC aggregate report");
	}
out:
	if (s->ctxt != NULL) {
		if (s->ctxt->myDoc != NULL)
			xmlFreeDoc(s->ctxt->myDoc);
		xmlFreeParserCtxt(s->ctxt);
	}
	al_strbuf_free(&s->path);
	al_strbuf_free(&s->text);
	al_arena_clear(&s->arena);
	al_arena_clear(&s->rec_arena);
	free(s);
	al_rr_guard_free(g);
}
