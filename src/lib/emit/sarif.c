/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sarif: SARIF 2.1.0 (OASIS), one run. The driver lists every rule of the
 * registry (policies from the configuration included) with its help; results
 * are streamed as they come; the artifacts the results point at, the
 * invocation (exit code) and the run's summary follow the results.
 *
 * Locations: a finding in a zone file has a physical location (the file as a
 * URI relative to options.base_dir when given, percent-encoded; the line, the
 * column and, when the term is known, the column after it); every finding
 * has a logical location, the owner name. Columns count the bytes of the
 * line, which are code points on the ASCII lines zone files hold; the end
 * column assumes the term is written in the file without escapes.
 *
 * partialFingerprints["authlint/v1"]: SHA-256 over the rule id, the owner
 * (lower case), the record text and the span, so a finding keeps its
 * fingerprint when lines move.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/version.h>

#include "emit/emit_internal.h"
#include "util/escape.h"
#include "util/grow.h"
#include "util/hash.h"

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define SRCROOT "%SRCROOT%"

#ifndef AL_HOMEPAGE
#define AL_HOMEPAGE ""
#endif

typedef struct rule_slot {
	const al_rule *rule;
	size_t index;
} rule_slot;

typedef struct sarif {
	al_json json;
	rule_slot *rules; /* sorted by pointer */
	size_t rule_count;
	struct artifact {
		char *uri;
		bool relative;
	} *artifacts; /* in order of first use */
	size_t artifact_count, artifact_capacity;
	al_map artifact_index; /* uri -> index + 1 */
	char *base;            /* options.base_dir without trailing slashes, or NULL */
} sarif;

static int cmp_slot(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const rule_slot *)a)->rule, y = (uintptr_t)((const rule_slot *)b)->rule;
	return x < y ? -1 : x > y;
}

static al_status sarif_init(al_emitter *em)
{
	sarif *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return AL_ENOMEM;
	em->state = s;
	al_json_init(&s->json, &em->buf, true);
	al_map_init(&s->artifact_index, false);
	size_t n = al_rules_count(em->options.rules);
	s->rules = calloc(n ? n : 1, sizeof(*s->rules));
	if (s->rules == NULL)
		return AL_ENOMEM;
	for (size_t i = 0; i < n; i++)
		s->rules[i] = (rule_slot){al_rules_at(em->options.rules, i), i};
	s->rule_count = n;
	qsort(s->rules, n, sizeof(*s->rules), cmp_slot);
	const char *base = em->options.base_dir;
	if (base != NULL && base[0] != '\0') {
		size_t len = strlen(base);
		while (len > 1 && base[len - 1] == '/')
			len--;
		s->base = strndup(base, len);
		if (s->base == NULL)
			return AL_ENOMEM;
	}
	return AL_OK;
}

static void sarif_destroy(al_emitter *em)
{
	sarif *s = em->state;
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->artifact_count; i++)
		free(s->artifacts[i].uri);
	free(s->artifacts);
	al_map_free(&s->artifact_index);
	free(s->rules);
	free(s->base);
	free(s);
	em->state = NULL;
}

static long rule_index(const sarif *s, const al_rule *rule)
{
	rule_slot key = {rule, 0};
	const rule_slot *hit = bsearch(&key, s->rules, s->rule_count, sizeof(key), cmp_slot);
	return hit ? (long)hit->index : -1;
}

static const char *level(al_severity sev)
{
	switch (sev) {
	case AL_SEVERITY_ERROR:
		return "error";
	case AL_SEVERITY_WARNING:
		return "warning";
	case AL_SEVERITY_NOTE:
		return "note";
	default:
		return "none";
	}
}

/* RFC 3986: keep unreserved characters and '/', percent-encode the rest. */
static void percent_encode(al_strbuf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '.' || c == '_' || c == '~' || c == '/') {
			al_strbuf_putc(out, (char)c);
		} else {
			al_strbuf_putc(out, '%');
			al_strbuf_putc(out, hex[c >> 4]);
			al_strbuf_putc(out, hex[c & 15]);
		}
	}
}

/* The URI of a file: relative to the base directory (or as given when
 * relative), else an absolute file: URI. */
static bool file_uri(const sarif *s, const char *path, al_strbuf *out)
{
	if (s->base != NULL && path[0] == '/') {
		size_t bl = strlen(s->base);
		if (strcmp(s->base, "/") == 0)
			bl = 0;
		if (strncmp(path, s->base, bl) == 0 && path[bl] == '/' && path[bl + 1] != '\0')
			path += bl + 1;
	}
	if (path[0] == '/') {
		al_strbuf_puts(out, "file://");
		percent_encode(out, path, strlen(path));
		return false;
	}
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	percent_encode(out, path, strlen(path));
	return true;
}

/* Index of the artifact for @p file, adding it on first use; -1 on failure. */
static long artifact(sarif *s, const char *file, bool *relative)
{
	al_strbuf uri = AL_STRBUF_INIT;
	bool rel = file_uri(s, file, &uri);
	*relative = rel;
	if (uri.failed) {
		al_strbuf_free(&uri);
		return -1;
	}
	void *hit = al_map_get(&s->artifact_index, al_strbuf_cstr(&uri));
	if (hit != NULL) {
		al_strbuf_free(&uri);
		return (long)((uintptr_t)hit - 1);
	}
	if (!AL_GROW_ONE(s->artifacts, s->artifact_count, s->artifact_capacity)) {
		al_strbuf_free(&uri);
		return -1;
	}
	char *owned = al_strbuf_detach(&uri, NULL);
	if (owned == NULL)
		return -1;
	size_t index = s->artifact_count;
	if (!al_map_put(&s->artifact_index, owned, (void *)(uintptr_t)(index + 1))) {
		free(owned);
		return -1;
	}
	s->artifacts[index] = (struct artifact){owned, rel};
	s->artifact_count++;
	return (long)index;
}

static void uri_members(al_json *j, const char *uri, bool relative)
{
	/* the URI is ASCII after percent-encoding */
	al_json_kv_string(j, "uri", uri);
	if (relative)
		al_json_kv_string(j, "uriBaseId", SRCROOT);
}

/* ---- rules ----------------------------------------------------------------- */

static void message_string(al_json *j, const char *key, const char *text)
{
	al_json_key(j, key);
	al_json_begin_object(j);
	al_json_key(j, "text");
	al_emit_json_lines(j, text ? text : "", true);
	al_json_end_object(j);
}

static void write_rule(al_emitter *em, const al_rule *r)
{
	al_json *j = &((sarif *)em->state)->json;
	al_json_begin_object(j);
	al_json_kv_string(j, "id", r->id);
	al_json_kv_string(j, "name", r->name);
	message_string(j, "shortDescription", r->summary);
	message_string(j, "fullDescription", r->rationale ? r->rationale : r->summary);
	al_strbuf help = AL_STRBUF_INIT;
	al_json_key(j, "help");
	al_json_begin_object(j);
	al_emit_rule_help(&help, r, false);
	if (help.failed)
		em->buf.failed = true;
	al_json_key(j, "text");
	al_json_string_verbatim(j, al_strbuf_cstr(&help), help.length);
	al_strbuf_reset(&help);
	al_emit_rule_help(&help, r, true);
	if (help.failed)
		em->buf.failed = true;
	al_json_key(j, "markdown");
	al_json_string_verbatim(j, al_strbuf_cstr(&help), help.length);
	al_json_end_object(j);
	al_strbuf_free(&help);
	al_json_key(j, "defaultConfiguration");
	al_json_begin_object(j);
	al_json_kv_string(j, "level", level(r->severity));
	al_json_end_object(j);
	al_json_key(j, "properties");
	al_json_begin_object(j);
	al_json_key(j, "tags");
	al_json_begin_array(j);
	al_json_string(j, al_kind_name(r->family));
	if (r->generation != AL_GENERATION_ANY)
		al_json_string(j, al_generation_name(r->generation));
	al_json_end_array(j);
	al_json_kv_string(j, "family", al_kind_name(r->family));
	al_json_kv_string(j, "generation", al_generation_name(r->generation));
	al_json_key(j, "references");
	al_json_begin_array(j);
	for (size_t i = 0; i < r->reference_count; i++)
		al_emit_json_lines(j, r->references[i], true);
	al_json_end_array(j);
	al_json_end_object(j);
	al_json_end_object(j);
}

static void sarif_begin(al_emitter *em)
{
	sarif *s = em->state;
	al_json *j = &s->json;
	al_json_begin_object(j);
	al_json_kv_string(j, "$schema", SARIF_SCHEMA);
	al_json_kv_string(j, "version", "2.1.0");
	al_json_key(j, "runs");
	al_json_begin_array(j);
	al_json_begin_object(j);
	al_json_key(j, "tool");
	al_json_begin_object(j);
	al_json_key(j, "driver");
	al_json_begin_object(j);
	al_json_kv_string(j, "name", "authlint");
	const char *version = em->options.tool_version ? em->options.tool_version : al_version();
	al_json_kv_string(j, "version", version);
	al_json_kv_string(j, "semanticVersion", version);
	if (AL_HOMEPAGE[0] != '\0')
		al_json_kv_string(j, "informationUri", AL_HOMEPAGE);
	al_json_key(j, "rules");
	al_json_begin_array(j);
	al_emit_flush(em);
	for (size_t i = 0; i < al_rules_count(em->options.rules); i++) {
		write_rule(em, al_rules_at(em->options.rules, i));
		al_emit_flush(em);
	}
	al_json_end_array(j);
	al_json_end_object(j); /* driver */
	al_json_end_object(j); /* tool */
	al_json_kv_string(j, "columnKind", "unicodeCodePoints");
	if (s->base != NULL && s->base[0] == '/') {
		al_json_key(j, "originalUriBaseIds");
		al_json_begin_object(j);
		al_json_key(j, SRCROOT);
		al_json_begin_object(j);
		al_strbuf uri = AL_STRBUF_INIT;
		al_strbuf_puts(&uri, "file://");
		percent_encode(&uri, s->base, strlen(s->base));
		if (strcmp(s->base, "/") != 0)
			al_strbuf_putc(&uri, '/');
		al_json_kv_string(j, "uri", al_strbuf_cstr(&uri));
		al_strbuf_free(&uri);
		al_json_end_object(j);
		al_json_end_object(j);
	}
	al_json_key(j, "results");
	al_json_begin_array(j);
	al_emit_flush(em);
}

/* ---- results --------------------------------------------------------------- */

static void fingerprint(al_json *j, const al_diag *d)
{
	char hex[AL_EMIT_FINGERPRINT_SIZE];
	if (!al_emit_fingerprint(d, hex))
		return; /* no fingerprint rather than a wrong one */
	al_json_key(j, "partialFingerprints");
	al_json_begin_object(j);
	al_json_kv_string(j, "authlint/v1", hex);
	al_json_end_object(j);
}

static void location(al_emitter *em, sarif *s, const al_diag *d)
{
	al_json *j = &s->json;
	const al_location *l = &d->location;
	bool physical = l->file != NULL && !al_emit_is_pseudo_file(l->file);
	const char *logical = d->owner ? d->owner : d->domain;
	long index = -1;
	bool relative = false;
	if (physical) {
		index = artifact(s, l->file, &relative);
		if (index < 0) {
			em->buf.failed = true;
			physical = false;
		}
	}
	if (!physical && logical == NULL)
		return;
	al_json_key(j, "locations");
	al_json_begin_array(j);
	al_json_begin_object(j);
	if (physical) {
		al_json_key(j, "physicalLocation");
		al_json_begin_object(j);
		al_json_key(j, "artifactLocation");
		al_json_begin_object(j);
		uri_members(j, s->artifacts[index].uri, relative);
		al_json_kv_int(j, "index", index);
		al_json_end_object(j);
		if (l->line > 0) {
			al_json_key(j, "region");
			al_json_begin_object(j);
			al_json_kv_uint(j, "startLine", l->line);
			if (l->column > 0) {
				al_json_kv_uint(j, "startColumn", l->column);
				size_t start, length;
				if (al_emit_span(d, &start, &length) && length > 0)
					al_json_kv_uint(j, "endColumn", l->column + length);
			}
			al_json_end_object(j);
		}
		al_json_end_object(j);
	}
	if (logical != NULL) {
		al_json_key(j, "logicalLocations");
		al_json_begin_array(j);
		al_json_begin_object(j);
		al_json_kv_string(j, "name", logical);
		al_strbuf fq = AL_STRBUF_INIT;
		al_strbuf_puts(&fq, logical);
		al_strbuf_putc(&fq, '.');
		al_json_kv_string(j, "fullyQualifiedName", al_strbuf_cstr(&fq));
		al_strbuf_free(&fq);
		al_json_kv_string(j, "kind", "resource");
		al_json_end_object(j);
		al_json_end_array(j);
	}
	al_json_end_object(j);
	al_json_end_array(j);
}

/* Was the waiver a comment in the zone file (rather than the configuration)? */
static bool waiver_in_source(const al_diag *d)
{
	return d->waiver_inline;
}

static void sarif_diag(al_emitter *em, const al_diag *d)
{
	sarif *s = em->state;
	al_json *j = &s->json;
	al_json_begin_object(j);
	al_json_kv_string(j, "ruleId", d->rule->id);
	long index = rule_index(s, d->rule);
	if (index >= 0)
		al_json_kv_int(j, "ruleIndex", index);
	al_json_kv_string(j, "level", level(d->severity));
	al_json_key(j, "message");
	al_json_begin_object(j);
	al_json_kv_string(j, "text", d->message);
	al_json_end_object(j);
	location(em, s, d);
	fingerprint(j, d);
	if (d->waived) {
		al_json_key(j, "suppressions");
		al_json_begin_array(j);
		al_json_begin_object(j);
		al_json_kv_string(j, "kind", waiver_in_source(d) ? "inSource" : "external");
		al_json_kv_string(j, "status", "accepted");
		al_json_kv_string(j, "justification", d->waiver_reason ? d->waiver_reason : "");
		if (d->waiver_source != NULL) {
			al_json_key(j, "properties");
			al_json_begin_object(j);
			al_json_kv_string(j, "source", d->waiver_source);
			al_json_end_object(j);
		}
		al_json_end_object(j);
		al_json_end_array(j);
	}
	al_json_key(j, "properties");
	al_json_begin_object(j);
	al_emit_json_finding(j, d);
	al_json_end_object(j);
	al_json_end_object(j);
	al_emit_flush(em);
}

/* A toolExecutionNotification of level error saying @p text. */
static void notification(al_json *j, const char *text)
{
	al_json_begin_object(j);
	al_json_kv_string(j, "level", "error");
	al_json_key(j, "message");
	al_json_begin_object(j);
	al_json_kv_string(j, "text", text);
	al_json_end_object(j);
	al_json_end_object(j);
}

static void sarif_end(al_emitter *em, const al_summary *sum, int exit_code)
{
	sarif *s = em->state;
	al_json *j = &s->json;
	al_json_end_array(j); /* results */
	al_json_key(j, "artifacts");
	al_json_begin_array(j);
	for (size_t i = 0; i < s->artifact_count; i++) {
		al_json_begin_object(j);
		al_json_key(j, "location");
		al_json_begin_object(j);
		uri_members(j, s->artifacts[i].uri, s->artifacts[i].relative);
		al_json_end_object(j);
		al_json_end_object(j);
	}
	al_json_end_array(j);
	al_json_key(j, "invocations");
	al_json_begin_array(j);
	al_json_begin_object(j);
	al_json_kv_bool(j, "executionSuccessful", exit_code != 2);
	al_json_kv_int(j, "exitCode", exit_code);
	if (sum->input_error || sum->incomplete) {
		al_json_key(j, "toolExecutionNotifications");
		al_json_begin_array(j);
		if (sum->input_error)
			notification(j, "some input could not be read; its findings are in the results");
		if (sum->incomplete)
			notification(j, "a DNS lookup failed, so the result is incomplete");
		al_json_end_array(j);
	}
	al_json_end_object(j);
	al_json_end_array(j);
	al_json_key(j, "properties");
	al_json_begin_object(j);
	al_emit_json_inputs(j, &em->options);
	al_json_key(j, "summary");
	al_json_begin_object(j);
	al_emit_json_summary(j, sum);
	al_json_end_object(j);
	al_json_end_object(j);
	al_json_end_object(j); /* run */
	al_json_end_array(j);  /* runs */
	al_json_end_object(j);
	al_strbuf_putc(&em->buf, '\n');
	al_emit_flush(em);
}

const al_emitter_ops al_emit_sarif_ops = {
	.init = sarif_init,
	.begin = sarif_begin,
	.diag = sarif_diag,
	.end = sarif_end,
	.destroy = sarif_destroy,
};
