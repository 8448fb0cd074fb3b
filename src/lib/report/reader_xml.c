/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One aggregate report's XML, streamed through libxml2's SAX2 parser, which
 * pulls the bytes through the guard's read callback (reader_guard.c): each
 * <record> is handed out as it ends and forgotten. The parser runs without
 * NOENT, DTDLOAD and HUGE, and with NONET. What the values mean is values.c's.
 */
#include "report/reader_internal.h"

#include <ctype.h>
#include <stdint.h>
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
	al_rr_guard *guard;      /* the parser's input */
	int xml_depth;           /* elements open, the document element is 1 */
	bool aborted;            /* a bound was passed: the parse was stopped */
	al_arena arena;          /* the report's strings */
	al_arena rec_arena;      /* the current record's, when its room is full */
	char rec_room[4096];     /* the current record's values */
	size_t rec_used;
	bool rec_arena_used;
	struct {
		const xmlChar *name; /* interned by the parser: one pointer per name */
		unsigned char parent, node;
	} names[256];            /* the nodes of names seen, by parent */
	al_report_meta meta;
	const char *errors[MAX_ERRORS];
	bool in_feedback, reported, skip, done, truncated_text;
	int feedback_depth;
	unsigned char nodes[MAX_DEPTH];  /* the node of each element open below <feedback> */
	int levels;
	al_strbuf text;          /* the text of the element open, when it is a value read */
	size_t text_skipped;     /* the length of the text of one that is not */
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
	/* the report stops at a fatal error, and only the first error is said: the parser
	 * is given no more input. libxml2 would go on raising an error for every stray '<'
	 * of the rest, each formatted and copied, and handing over text nothing keeps; the
	 * rest is read by the guard after the parse (al_rr_guard_drain), for what it says
	 * of the bytes and the container. */
	if (e != NULL && e->level == XML_ERR_FATAL && s->guard != NULL)
		al_rr_guard_hold(s->guard);
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

static bool blank(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r'); /* isspace in the C locale */
}

/* The element's text without the blanks around it, copied (lower-cased with @p lower)
 * into the report's arena (@p a), or the record's room; NULL when empty. */
static const char *trimmed(state *s, al_arena *a, bool lower)
{
	const char *t = al_strbuf_cstr(&s->text);
	size_t n = s->text.length;
	while (n > 0 && blank((unsigned char)*t))
		t++, n--;
	while (n > 0 && blank((unsigned char)t[n - 1]))
		n--;
	if (n == 0)
		return NULL; /* empty elements are absent */
	char *c;
	if (a == &s->rec_arena && n < sizeof(s->rec_room) - s->rec_used) {
		/* a record's values fit its room: no allocation per record */
		c = s->rec_room + s->rec_used;
		memcpy(c, t, n);
		c[n] = '\0';
		s->rec_used += n + 1;
	} else {
		c = al_arena_strndup(a, t, n);
		s->rec_arena_used |= a == &s->rec_arena;
	}
	if (c != NULL && lower)
		for (char *p = c; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p + ('a' - 'A'));
	return c;
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
		if (al_rr_parse_u64(buf, &n) && n < (1ull << 40))
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
	if (s->rec_arena_used)
		al_arena_clear(&s->rec_arena);
	s->rec_arena_used = false;
	s->rec_used = 0;
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

/* ---- where an element is -------------------------------------------------------------- */

/* Each element below <feedback> is a node of the schema (or N_OTHER: anything
 * this reader does not read, and everything below it). An element's node comes
 * from its parent's and its name through the tables below, so the hot path
 * compares a name with a parent's few children, never a whole path. */
enum node {
	N_OTHER, N_FEEDBACK,
	N_META, N_META_ORG, N_META_EMAIL, N_META_EXTRA, N_META_ID, N_META_GENERATOR, N_META_RANGE,
	N_META_BEGIN, N_META_END, N_META_ERROR,
	N_POL, N_POL_DOMAIN, N_POL_ADKIM, N_POL_ASPF, N_POL_P, N_POL_SP, N_POL_NP, N_POL_FO, N_POL_TESTING,
	N_POL_DISCOVERY, N_POL_PCT,
	N_REC, N_ROW, N_ROW_IP, N_ROW_COUNT, N_PE, N_PE_DISPOSITION, N_PE_DKIM, N_PE_SPF, N_PE_REASON,
	N_REASON_TYPE, N_REASON_COMMENT,
	N_IDS, N_IDS_DRAFT, N_ID_HEADER_FROM, N_ID_ENVELOPE_FROM, N_ID_ENVELOPE_TO,
	N_AUTH, N_DKIM, N_DKIM_DOMAIN, N_DKIM_SELECTOR, N_DKIM_RESULT, N_DKIM_HUMAN,
	N_SPF, N_SPF_DOMAIN, N_SPF_SCOPE, N_SPF_RESULT, N_SPF_HUMAN,
	N_COUNT
};

typedef struct edge {
	const char *name;
	unsigned char length, node;
} edge;

#define E(name, node) {name, sizeof(name) - 1, node}
static const edge FEEDBACK_E[] = {E("record", N_REC), E("report_metadata", N_META), E("policy_published", N_POL)};
static const edge META_E[] = {E("org_name", N_META_ORG), E("email", N_META_EMAIL),
			      E("extra_contact_info", N_META_EXTRA), E("report_id", N_META_ID),
			      E("generator", N_META_GENERATOR), E("date_range", N_META_RANGE),
			      E("error", N_META_ERROR)};
static const edge RANGE_E[] = {E("begin", N_META_BEGIN), E("end", N_META_END)};
static const edge POL_E[] = {E("domain", N_POL_DOMAIN), E("adkim", N_POL_ADKIM), E("aspf", N_POL_ASPF),
			     E("p", N_POL_P), E("sp", N_POL_SP), E("np", N_POL_NP), E("fo", N_POL_FO),
			     E("testing", N_POL_TESTING), E("discovery_method", N_POL_DISCOVERY), E("pct", N_POL_PCT)};
static const edge REC_E[] = {E("row", N_ROW), E("identifiers", N_IDS), E("auth_results", N_AUTH),
			     E("identities", N_IDS_DRAFT)};
static const edge ROW_E[] = {E("source_ip", N_ROW_IP), E("count", N_ROW_COUNT), E("policy_evaluated", N_PE)};
static const edge PE_E[] = {E("disposition", N_PE_DISPOSITION), E("dkim", N_PE_DKIM), E("spf", N_PE_SPF),
			    E("reason", N_PE_REASON)};
static const edge REASON_E[] = {E("type", N_REASON_TYPE), E("comment", N_REASON_COMMENT)};
static const edge IDS_E[] = {E("header_from", N_ID_HEADER_FROM), E("envelope_from", N_ID_ENVELOPE_FROM),
			     E("envelope_to", N_ID_ENVELOPE_TO)};
static const edge AUTH_E[] = {E("dkim", N_DKIM), E("spf", N_SPF)};
static const edge DKIM_E[] = {E("domain", N_DKIM_DOMAIN), E("selector", N_DKIM_SELECTOR),
			      E("result", N_DKIM_RESULT), E("human_result", N_DKIM_HUMAN)};
static const edge SPF_E[] = {E("domain", N_SPF_DOMAIN), E("scope", N_SPF_SCOPE), E("result", N_SPF_RESULT),
			     E("human_result", N_SPF_HUMAN)};
#undef E

#define EDGES(a) {a, sizeof(a) / sizeof(a[0])}
static const struct {
	const edge *edges;
	size_t count;
} CHILDREN[N_COUNT] = {
	[N_FEEDBACK] = EDGES(FEEDBACK_E), [N_META] = EDGES(META_E),   [N_META_RANGE] = EDGES(RANGE_E),
	[N_POL] = EDGES(POL_E),           [N_REC] = EDGES(REC_E),     [N_ROW] = EDGES(ROW_E),
	[N_PE] = EDGES(PE_E),             [N_PE_REASON] = EDGES(REASON_E), [N_IDS] = EDGES(IDS_E),
	[N_IDS_DRAFT] = EDGES(IDS_E),     [N_AUTH] = EDGES(AUTH_E),   [N_DKIM] = EDGES(DKIM_E),
	[N_SPF] = EDGES(SPF_E),
};
#undef EDGES

static unsigned char child_of(unsigned char parent, const char *name)
{
	const edge *e = CHILDREN[parent].edges;
	size_t n = CHILDREN[parent].count;
	if (n == 0)
		return N_OTHER;
	size_t len = strlen(name);
	for (size_t i = 0; i < n; i++)
		if (e[i].length == len && memcmp(e[i].name, name, len) == 0)
			return e[i].node;
	return N_OTHER;
}

/* The nodes whose text is a value read (the others' text is only measured). */
static bool reads_text(unsigned char node)
{
	switch (node) {
	case N_OTHER: case N_FEEDBACK: case N_META: case N_META_RANGE: case N_POL: case N_REC: case N_ROW:
	case N_PE: case N_PE_REASON: case N_IDS: case N_IDS_DRAFT: case N_AUTH: case N_DKIM: case N_SPF:
		return false;
	default:
		return true;
	}
}

static void element_start(state *s, unsigned char node)
{
	switch (node) {
	case N_REC:
		start_record(s);
		break;
	case N_PE_REASON:
		if (s->rec.reason_count < MAX_REASONS)
			memset(&s->reasons[s->rec.reason_count++], 0, sizeof(s->reasons[0]));
		break;
	case N_DKIM:
		if (s->rec.dkim_count < MAX_AUTH)
			memset(&s->dkim[s->rec.dkim_count++], 0, sizeof(s->dkim[0]));
		break;
	case N_SPF:
		if (s->rec.spf_count < MAX_AUTH)
			memset(&s->spf[s->rec.spf_count++], 0, sizeof(s->spf[0]));
		break;
	case N_IDS_DRAFT:
		s->meta.format = AL_REPORT_DRAFT; /* the pre-RFC name of identifiers */
		break;
	default:
		break;
	}
}

static void set_once(const char **field, const char *value)
{
	if (*field == NULL)
		*field = value;
}

static void element_end(state *s, unsigned char node)
{
	al_arena *ra = &s->rec_arena, *ma = &s->arena;
	al_report_policy *pol = &s->meta.policy;
	al_report_record *rec = &s->rec;
	al_report_dkim *dkim = rec->dkim_count > 0 ? &s->dkim[rec->dkim_count - 1] : NULL;
	al_report_spf *spf = rec->spf_count > 0 ? &s->spf[rec->spf_count - 1] : NULL;
	al_report_reason *reason = rec->reason_count > 0 ? &s->reasons[rec->reason_count - 1] : NULL;
	switch (node) {
	/* report_metadata */
	case N_META_ORG: set_once(&s->meta.org_name, trimmed(s, ma, false)); break;
	case N_META_EMAIL: set_once(&s->meta.email, trimmed(s, ma, false)); break;
	case N_META_EXTRA: set_once(&s->meta.extra_contact_info, trimmed(s, ma, false)); break;
	case N_META_ID: set_once(&s->meta.report_id, trimmed(s, ma, false)); break;
	case N_META_GENERATOR: set_once(&s->meta.generator, trimmed(s, ma, false)); break;
	case N_META_BEGIN: s->meta.begin = parse_time(s, trimmed(s, ma, false), "date_range/begin"); break;
	case N_META_END: s->meta.end = parse_time(s, trimmed(s, ma, false), "date_range/end"); break;
	case N_META_ERROR:
		if (s->meta.error_count < MAX_ERRORS) {
			const char *e = trimmed(s, ma, false);
			if (e != NULL)
				s->errors[s->meta.error_count++] = e;
		}
		break;
	/* policy_published */
	case N_POL_DOMAIN: set_once(&pol->domain, trimmed(s, ma, true)); break;
	case N_POL_ADKIM: set_once(&pol->adkim, trimmed(s, ma, true)); break;
	case N_POL_ASPF: set_once(&pol->aspf, trimmed(s, ma, true)); break;
	case N_POL_P: set_once(&pol->p, trimmed(s, ma, true)); break;
	case N_POL_SP: set_once(&pol->sp, trimmed(s, ma, true)); break;
	case N_POL_NP: set_once(&pol->np, trimmed(s, ma, true)); break;
	case N_POL_FO: set_once(&pol->fo, trimmed(s, ma, true)); break;
	case N_POL_TESTING: set_once(&pol->testing, trimmed(s, ma, true)); break;
	case N_POL_DISCOVERY: set_once(&pol->discovery_method, trimmed(s, ma, true)); break;
	case N_POL_PCT: {
		uint64_t n;
		const char *v = trimmed(s, ma, false);
		if (v != NULL && al_rr_parse_u64(v, &n) && n <= 100)
			pol->pct = (int)n;
		break;
	}
	/* the record */
	case N_REC:
		end_record(s);
		break;
	case N_ROW_IP:
		set_once(&rec->source_ip_raw, trimmed(s, ra, false));
		if (rec->source_ip == NULL)
			rec->source_ip = al_rr_canonical_ip(ra, rec->source_ip_raw);
		break;
	case N_ROW_COUNT: {
		const char *v = trimmed(s, ra, false);
		uint64_t n;
		if (v != NULL && al_rr_parse_u64(v, &n)) {
			rec->count = n;
		} else {
			set_line(s);
			al_rr_problem(s->r, &s->origin, AL_ESYNTAX, false,
				      "count '%.40s' is not a number: the record is not counted", v ? v : "");
			s->record_bad = true;
		}
		break;
	}
	case N_PE_DISPOSITION: rec->disposition = al_rr_disposition_of(trimmed(s, ra, true)); break;
	case N_PE_DKIM: rec->dkim = al_rr_result_of(trimmed(s, ra, true)); break;
	case N_PE_SPF: rec->spf = al_rr_result_of(trimmed(s, ra, true)); break;
	case N_REASON_TYPE:
		if (reason != NULL)
			set_once(&reason->type, trimmed(s, ra, true));
		break;
	case N_REASON_COMMENT:
		if (reason != NULL)
			set_once(&reason->comment, trimmed(s, ra, false));
		break;
	case N_ID_HEADER_FROM: set_once(&rec->header_from, trimmed(s, ra, true)); break;
	case N_ID_ENVELOPE_FROM: set_once(&rec->envelope_from, trimmed(s, ra, true)); break;
	case N_ID_ENVELOPE_TO: set_once(&rec->envelope_to, trimmed(s, ra, true)); break;
	case N_DKIM_DOMAIN:
		if (dkim != NULL)
			set_once(&dkim->domain, trimmed(s, ra, true));
		break;
	case N_DKIM_SELECTOR:
		if (dkim != NULL)
			set_once(&dkim->selector, trimmed(s, ra, false));
		break;
	case N_DKIM_RESULT:
		if (dkim != NULL)
			dkim->result = al_rr_result_of(trimmed(s, ra, true));
		break;
	case N_DKIM_HUMAN:
		if (dkim != NULL)
			set_once(&dkim->human_result, trimmed(s, ra, false));
		break;
	case N_SPF_DOMAIN:
		if (spf != NULL)
			set_once(&spf->domain, trimmed(s, ra, true));
		break;
	case N_SPF_SCOPE:
		if (spf != NULL)
			set_once(&spf->scope, trimmed(s, ra, true));
		break;
	case N_SPF_RESULT:
		if (spf != NULL)
			spf->result = al_rr_result_of(trimmed(s, ra, true));
		break;
	case N_SPF_HUMAN:
		if (spf != NULL)
			set_once(&spf->human_result, trimmed(s, ra, false));
		break;
	default:
		break;
	}
}

static void feedback_start(state *s, const xmlChar *ns)
{
	s->in_feedback = true;
	s->feedback_depth = s->xml_depth;
	s->meta.format = ns != NULL && strcmp((const char *)ns, DMARC2_NS) == 0 ? AL_REPORT_RFC9990 : AL_REPORT_RFC7489;
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

/* An element opens below <feedback>: one level more. */
static bool push(state *s, const char *name)
{
	if (s->levels >= MAX_DEPTH) {
		set_line(s);
		al_rr_problem(s->r, &s->origin, AL_ELIMIT, true, "elements nested more than %d deep: not read",
			      MAX_DEPTH);
		return false;
	}
	unsigned char parent = s->levels > 0 ? s->nodes[s->levels - 1] : N_FEEDBACK;
	/* the parser hands out one pointer per distinct name: a name seen under this
	 * parent before has its node in the cache */
	size_t slot = (((uintptr_t)name >> 3) ^ (uintptr_t)parent * 0x9E5u) & 255;
	unsigned char node;
	if (s->names[slot].name == (const xmlChar *)name && s->names[slot].parent == parent) {
		node = s->names[slot].node;
	} else {
		node = child_of(parent, name);
		/* only names the parser's dictionary holds (they stay, one per name) are kept */
		if (s->ctxt == NULL || s->ctxt->dict == NULL || xmlDictOwns(s->ctxt->dict, (const xmlChar *)name) != 1)
			goto uncached;
		s->names[slot].name = (const xmlChar *)name;
		s->names[slot].parent = parent;
		s->names[slot].node = node;
	}
uncached:
	s->nodes[s->levels++] = node;
	al_strbuf_reset(&s->text);
	s->text_skipped = 0;
	element_start(s, node);
	return true;
}

static void pop(state *s)
{
	if (s->levels == 0)
		return;
	element_end(s, s->nodes[--s->levels]);
	al_strbuf_reset(&s->text);
	s->text_skipped = 0;
}

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
	bool keep = reads_text(s->nodes[s->levels - 1]);
	size_t have = keep ? s->text.length : s->text_skipped;
	if (have + n > MAX_TEXT) {
		if (!s->truncated_text) {
			set_line(s);
			al_rr_problem(s->r, &s->origin, AL_ELIMIT, false, "a value longer than %u bytes was cut there",
				      MAX_TEXT);
		}
		s->truncated_text = true;
		n = have < MAX_TEXT ? MAX_TEXT - have : 0;
	}
	if (keep)
		al_strbuf_append(&s->text, (const char *)v, n);
	else
		s->text_skipped += n;
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
	s->guard = g;
	al_arena_init(&s->arena);
	al_arena_init(&s->rec_arena);
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
	/* pulled: the parser asks the guard for bytes (libxml2's pull parser does less
	 * work per element than its push parser) */
	s->ctxt = xmlCreateIOParserCtxt(&sax, s, al_rr_guard_read, NULL, g, XML_CHAR_ENCODING_NONE);
	if (s->ctxt == NULL) {
		al_rr_problem(r, origin, AL_ENOMEM, true, "cannot start the XML parser");
		goto out;
	}
	xmlCtxtUseOptions(s->ctxt, XML_PARSE_NONET | XML_PARSE_NOWARNING);
	int rc = xmlParseDocument(s->ctxt);
	/* a stream that failed under the parser ended the XML there: the parser's error then
	 * is only that the input stopped, and is not said; one that fails in the rest comes
	 * after the parser's own error, which is */
	bool failed_in_parse = al_rr_guard_failed(g);
	if (!s->aborted && !r->stopped)
		al_rr_guard_drain(g);
	if (rc != 0 && !s->aborted && !r->stopped && s->parse_error[0] == '\0')
		snprintf(s->parse_error, sizeof(s->parse_error), "the XML does not parse (error %d)", s->ctxt->errNo);
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
	if (!ok || r->stopped || failed_in_parse)
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
	/* libxml2 keeps a copy of the last error in a global of the thread (its strings
	 * allocated): nothing here reads it, and left there it holds memory past the
	 * report, one error's strings in place of another's (a fuzz target sees more
	 * allocations than frees in the run, and runs the input again for a leak) */
	xmlResetLastError();
	al_strbuf_free(&s->text);
	al_arena_clear(&s->arena);
	al_arena_clear(&s->rec_arena);
	free(s);
	al_rr_guard_free(g);
}
