/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writing a triage for a helpdesk analyst: the verdict first (its sentence,
 * the fix, who makes it), then the evidence: what the receiver recorded,
 * quoted; what checking again today gave; where the two differ; the bounce;
 * and what was not checked. Every string from the message or the DNS is put
 * in display form (util/escape.h) before it is written.
 */
#include <authlint/dkim_verify.h>
#include <authlint/rule.h>
#include <authlint/triage.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"
#include "util/json.h"
#include "util/strbuf.h"

static const char *who_text(al_triage_who who)
{
	switch (who) {
	case AL_TRIAGE_WHO_NOBODY: return "nobody: not a configuration problem of the domain";
	case AL_TRIAGE_WHO_DNS_OWNER: return "the domain's DNS owner";
	case AL_TRIAGE_WHO_SERVICE_ADMIN: return "the sending service's admin";
	case AL_TRIAGE_WHO_SECURITY: return "whoever is responsible for the domain's mail: find out who sends";
	default: return "not determined";
	}
}

static const al_diag *verdict_diag(const al_triage_result *r, const al_findings *findings)
{
	for (size_t i = 0; findings != NULL && r->verdict_rule != NULL && i < al_findings_count(findings); i++) {
		const al_diag *d = al_findings_at(findings, i);
		if (strcmp(d->rule->id, r->verdict_rule) == 0)
			return d;
	}
	return NULL;
}

static void shown(al_strbuf *b, const char *text)
{
	if (text == NULL)
		al_strbuf_puts(b, "(absent)");
	else
		al_escape_display(b, text, strlen(text));
}

/* A paragraph from the registry (fix, message): line breaks become spaces. */
static void para(al_strbuf *b, const char *text)
{
	al_strbuf one;
	al_strbuf_init(&one);
	for (const char *p = text; p && *p; p++)
		al_strbuf_putc(&one, *p == '\n' ? ' ' : *p);
	const char *t = al_strbuf_cstr(&one);
	size_t n = strlen(t);
	while (n > 0 && t[n - 1] == ' ')
		n--;
	al_escape_display(b, t, n);
	al_strbuf_free(&one);
}

static void field(al_strbuf *b, const char *label, const char *value)
{
	al_strbuf_printf(b, "  %-22s ", label);
	shown(b, value);
	al_strbuf_putc(b, '\n');
}

static const char *ar_choice_text(const al_message_facts *f)
{
	switch (f->ar_choice) {
	case AL_AR_AUTHSERV_ID: return "the topmost from the authserv-id asked for";
	case AL_AR_TOPMOST: return "the topmost (no --authserv-id given)";
	case AL_AR_NOT_FOUND: return "none: no Authentication-Results carries the authserv-id asked for";
	default: return "none: the message has no Authentication-Results";
	}
}

static void write_text(al_strbuf *b, const al_triage_result *r, const al_findings *findings, const char *input)
{
	const al_message_facts *f = r->facts;
	shown(b, input);
	al_strbuf_printf(b, ": %s\n", f->is_bounce ? "a bounce" : "a message");
	const al_diag *v = verdict_diag(r, findings);
	al_strbuf_printf(b, "\nVerdict: %s", al_triage_verdict_name(r->verdict));
	if (v != NULL)
		al_strbuf_printf(b, " [%s, %s]\n  ", v->rule->id, al_severity_name(v->severity));
	else
		al_strbuf_puts(b, "\n  ");
	shown(b, v ? v->message : "(the verdict's rule is turned off in the configuration)");
	al_strbuf_putc(b, '\n');
	if (v != NULL && v->fix != NULL) {
		al_strbuf_puts(b, "  Fix: ");
		para(b, v->fix);
		al_strbuf_putc(b, '\n');
	}
	al_strbuf_printf(b, "  Who: %s\n", who_text(r->who));
	if (!r->verified)
		al_strbuf_puts(b, "  Nothing was checked again (no DNS source): only the receiver's results are known.\n");

	if (f->is_bounce) {
		al_strbuf_puts(b, "\nThe bounce:\n");
		field(b, "Status:", f->dsn_status);
		field(b, "Diagnostic:", f->dsn_diagnostic);
		if (f->dsn_reporting_mta)
			field(b, "Reporting-MTA:", f->dsn_reporting_mta);
		if (f->dsn_remote_mta)
			field(b, "Remote-MTA:", f->dsn_remote_mta);
		if (r->bounce != NULL) {
			const al_bounce_entry *e = r->bounce;
			al_strbuf_printf(b, "  %-22s ", "Cause:");
			para(b, e->cause);
			al_strbuf_printf(b, "\n  %-22s %s %s, by %s (%s, read %s)\n", "Known as:",
					 e->receiver && e->receiver->name ? e->receiver->name : "", e->status,
					 r->bounce_by_text ? "its text" : "its status alone", e->source, e->retrieved);
		} else {
			al_strbuf_printf(b, "  %-22s not in the catalog of published bounce codes\n", "Cause:");
		}
		if (!f->headers_found)
			al_strbuf_puts(b, "  The bounce carries neither the message nor its headers.\n");
	}

	al_strbuf_puts(b, "\nWhat the receiver recorded:\n");
	al_strbuf_printf(b, "  Authentication-Results: %s", ar_choice_text(f));
	if (f->ar != NULL)
		al_strbuf_printf(b, ", %zu of %zu", f->ar_index + 1, f->ar_count);
	al_strbuf_putc(b, '\n');
	if (f->ar != NULL) {
		al_strbuf_puts(b, "    ");
		shown(b, f->ar);
		al_strbuf_putc(b, '\n');
		if (f->ar_parsed.error != NULL)
			al_strbuf_printf(b, "    (read up to an error: %s)\n", f->ar_parsed.error);
	}
	al_strbuf_puts(b, "  results:");
	al_strbuf_puts(b, " spf=");
	shown(b, r->receiver_spf ? r->receiver_spf : "-");
	al_strbuf_puts(b, " dkim=");
	shown(b, r->receiver_dkim ? r->receiver_dkim : "-");
	al_strbuf_puts(b, " dmarc=");
	shown(b, r->receiver_dmarc ? r->receiver_dmarc : "-");
	al_strbuf_puts(b, " arc=");
	shown(b, r->receiver_arc ? r->receiver_arc : "-");
	al_strbuf_putc(b, '\n');
	if (f->received_spf)
		field(b, "Received-SPF:", f->received_spf);

	al_strbuf_puts(b, "\nThe message:\n");
	field(b, "From:", f->from);
	if (f->from_count > 1 || f->from_headers > 1)
		al_strbuf_printf(b, "  %zu From mailboxes in %zu From fields: DMARC cannot pick one author domain\n",
				 f->from_count, f->from_headers);
	field(b, "Return-Path:", f->mail_from);
	field(b, "connecting IP:", f->connecting_ip);
	field(b, "HELO:", f->helo);
	if (f->subject)
		field(b, "Subject:", f->subject);
	if (f->list_id)
		field(b, "List-Id:", f->list_id);
	if (f->list_unsubscribe)
		field(b, "List-Unsubscribe:", f->list_unsubscribe);
	if (f->list_unsubscribe_post)
		field(b, "List-Unsubscribe-Post:", f->list_unsubscribe_post);

	al_strbuf_puts(b, "\nChecked again today:\n");
	al_strbuf_printf(b, "  SPF    %s", r->spf);
	if (r->spf_domain) {
		al_strbuf_puts(b, " for ");
		shown(b, r->spf_domain);
	}
	if (strcmp(r->spf, "not-checked") != 0)
		al_strbuf_printf(b, ", %s", r->spf_aligned ? "aligned with From" : "not aligned with From");
	if (r->spf_detail) {
		al_strbuf_puts(b, ": ");
		shown(b, r->spf_detail);
	}
	al_strbuf_putc(b, '\n');
	if (r->service) {
		al_strbuf_puts(b, "         sending service: ");
		shown(b, r->service);
		if (r->service_include) {
			al_strbuf_puts(b, " (include:");
			shown(b, r->service_include);
			al_strbuf_putc(b, ')');
		}
		al_strbuf_putc(b, '\n');
	}
	if (r->signature_count == 0)
		al_strbuf_printf(b, "  DKIM   %s\n", f->dkim_signatures ? "signatures not verified" : "no signature");
	for (size_t i = 0; i < r->signature_count; i++) {
		const al_triage_signature *s = &r->signatures[i];
		al_strbuf_printf(b, "  DKIM   %s d=", s->result);
		shown(b, s->domain);
		al_strbuf_puts(b, " s=");
		shown(b, s->selector);
		al_strbuf_printf(b, " %s", s->aligned ? "(aligned)" : "(not aligned)");
		if (s->reason) {
			al_strbuf_puts(b, ": ");
			shown(b, s->reason);
		}
		if (s->receiver_result)
			al_strbuf_printf(b, "; the receiver: %s", s->receiver_result);
		al_strbuf_putc(b, '\n');
	}
	al_strbuf_printf(b, "  ARC    cv=%s", r->arc_cv);
	if (r->arc_failed_instance)
		al_strbuf_printf(b, " at instance %u", r->arc_failed_instance);
	if (r->arc_reason) {
		al_strbuf_puts(b, ": ");
		shown(b, r->arc_reason);
	}
	al_strbuf_putc(b, '\n');
	al_strbuf_printf(b, "  DMARC  %s", r->dmarc);
	if (r->dmarc_policy) {
		al_strbuf_puts(b, "; ");
		shown(b, r->dmarc_policy);
	}
	al_strbuf_putc(b, '\n');
	if (r->check_count) {
		al_strbuf_puts(b, "\nBulk-sender requirements (Gmail, Yahoo, Outlook.com):\n");
		for (size_t i = 0; i < r->check_count; i++) {
			const al_triage_check *c = &r->checks[i];
			al_strbuf_printf(b, "  %-11s %-22s ", c->state, c->requirement);
			shown(b, c->detail);
			al_strbuf_puts(b, " (");
			shown(b, c->receivers);
			al_strbuf_puts(b, c->bulk_only ? ", bulk senders)\n" : ")\n");
		}
	}
	if (r->difference_count) {
		al_strbuf_puts(b, "\nDifferent from what the receiver recorded (a recent DNS change, or another connecting IP):\n");
		for (size_t i = 0; i < r->difference_count; i++) {
			al_strbuf_puts(b, "  - ");
			shown(b, r->differences[i]);
			al_strbuf_putc(b, '\n');
		}
		if (f->from_domain != NULL) {
			al_strbuf_puts(b, "  Did every server get the change? authlint propagation ");
			shown(b, f->from_domain);
			al_strbuf_putc(b, '\n');
		}
	}
	if (r->not_checked_count) {
		al_strbuf_puts(b, "\nNot checked:\n");
		for (size_t i = 0; i < r->not_checked_count; i++) {
			al_strbuf_puts(b, "  - ");
			shown(b, r->not_checked[i]);
			al_strbuf_putc(b, '\n');
		}
	}
	size_t n = findings ? al_findings_count(findings) : 0;
	if (n > 0) {
		al_strbuf_puts(b, "\nFindings:\n");
		for (size_t i = 0; i < n; i++) {
			const al_diag *d = al_findings_at(findings, i);
			al_strbuf_printf(b, "  %-9s %-7s ", d->rule->id, al_severity_name(d->severity));
			shown(b, d->message);
			al_strbuf_putc(b, '\n');
		}
	}
}

static void json_findings(al_json *j, const al_findings *findings)
{
	al_json_key(j, "findings");
	al_json_begin_array(j);
	for (size_t i = 0; findings != NULL && i < al_findings_count(findings); i++) {
		const al_diag *d = al_findings_at(findings, i);
		al_json_begin_object(j);
		al_json_kv_string(j, "rule", d->rule->id);
		al_json_kv_string(j, "name", d->rule->name);
		al_json_kv_string(j, "severity", al_severity_name(d->severity));
		al_json_key(j, "owner");
		al_json_string_or_null(j, d->owner);
		al_json_kv_string(j, "message", d->message);
		al_json_key(j, "fix");
		al_json_string_or_null(j, d->fix);
		al_json_end_object(j);
	}
	al_json_end_array(j);
}

static void kv(al_json *j, const char *key, const char *value)
{
	al_json_key(j, key);
	al_json_string_or_null(j, value);
}

static void write_json(al_strbuf *b, const al_triage_result *r, const al_findings *findings, const char *input)
{
	const al_message_facts *f = r->facts;
	al_json j;
	al_json_init(&j, b, true);
	al_json_begin_object(&j);
	al_json_kv_string(&j, "schema", "authlint/triage");
	al_json_kv_int(&j, "version", 2);
	kv(&j, "input", input);
	al_json_key(&j, "verdict");
	al_json_begin_object(&j);
	al_json_kv_string(&j, "name", al_triage_verdict_name(r->verdict));
	kv(&j, "rule", r->verdict_rule);
	const al_diag *v = verdict_diag(r, findings);
	kv(&j, "message", v ? v->message : NULL);
	kv(&j, "fix", v ? v->fix : NULL);
	al_json_kv_string(&j, "who", al_triage_who_name(r->who));
	kv(&j, "service", r->service);
	kv(&j, "include", r->service_include);
	al_json_end_object(&j);
	al_json_kv_bool(&j, "verified", r->verified);
	al_json_key(&j, "receiver");
	al_json_begin_object(&j);
	static const char *const choices[] = {"none", "authserv-id", "topmost", "not-found"};
	al_json_kv_string(&j, "choice", choices[f->ar_choice]);
	kv(&j, "authserv_id", f->ar_authserv_id);
	kv(&j, "authentication_results", f->ar);
	kv(&j, "spf", r->receiver_spf);
	kv(&j, "dkim", r->receiver_dkim);
	kv(&j, "dmarc", r->receiver_dmarc);
	kv(&j, "arc", r->receiver_arc);
	kv(&j, "received_spf", f->received_spf);
	al_json_end_object(&j);
	al_json_key(&j, "message");
	al_json_begin_object(&j);
	al_json_kv_bool(&j, "bounce", f->is_bounce);
	kv(&j, "from", f->from);
	kv(&j, "from_domain", f->from_domain);
	al_json_kv_uint(&j, "from_mailboxes", f->from_count);
	kv(&j, "mail_from", f->mail_from);
	kv(&j, "connecting_ip", f->connecting_ip);
	kv(&j, "helo", f->helo);
	kv(&j, "subject", f->subject);
	kv(&j, "list_id", f->list_id);
	kv(&j, "list_unsubscribe", f->list_unsubscribe);
	kv(&j, "list_unsubscribe_post", f->list_unsubscribe_post);
	al_json_kv_uint(&j, "dkim_signatures", f->dkim_signatures);
	al_json_kv_uint(&j, "arc_sets", f->arc_seals);
	al_json_end_object(&j);
	if (f->is_bounce) {
		al_json_key(&j, "bounce");
		al_json_begin_object(&j);
		kv(&j, "status", f->dsn_status);
		kv(&j, "diagnostic", f->dsn_diagnostic);
		kv(&j, "action", f->dsn_action);
		kv(&j, "reporting_mta", f->dsn_reporting_mta);
		al_json_kv_bool(&j, "dsn", !f->bounce_not_dsn);
		al_json_kv_bool(&j, "headers_found", f->headers_found);
		al_json_key(&j, "known");
		if (r->bounce != NULL) {
			const al_bounce_entry *e = r->bounce;
			al_json_begin_object(&j);
			al_json_kv_string(&j, "id", e->id);
			kv(&j, "receiver", e->receiver ? e->receiver->name : NULL);
			al_json_kv_string(&j, "status", e->status);
			al_json_kv_string(&j, "matched_by", r->bounce_by_text ? "text" : "status");
			al_json_kv_string(&j, "verdict", e->verdict);
			al_json_kv_string(&j, "cause", e->cause);
			al_json_kv_string(&j, "fix", e->fix);
			al_json_kv_string(&j, "who", e->who);
			al_json_kv_string(&j, "source", e->source);
			al_json_kv_string(&j, "retrieved", e->retrieved);
			al_json_end_object(&j);
		} else {
			al_json_null(&j);
		}
		al_json_end_object(&j);
	}
	al_json_key(&j, "spf");
	al_json_begin_object(&j);
	al_json_kv_string(&j, "result", r->spf);
	kv(&j, "domain", r->spf_domain);
	kv(&j, "detail", r->spf_detail);
	al_json_kv_bool(&j, "aligned", r->spf_aligned);
	al_json_end_object(&j);
	al_json_key(&j, "dkim");
	al_json_begin_array(&j);
	for (size_t i = 0; i < r->signature_count; i++) {
		const al_triage_signature *s = &r->signatures[i];
		al_json_begin_object(&j);
		kv(&j, "d", s->domain);
		kv(&j, "s", s->selector);
		kv(&j, "a", s->algorithm);
		al_json_kv_string(&j, "result", s->result);
		kv(&j, "reason", s->reason);
		al_json_kv_bool(&j, "aligned", s->aligned);
		kv(&j, "receiver_result", s->receiver_result);
		al_json_end_object(&j);
	}
	al_json_end_array(&j);
	al_json_key(&j, "arc");
	al_json_begin_object(&j);
	al_json_kv_string(&j, "cv", r->arc_cv);
	if (r->arc_failed_instance)
		al_json_kv_uint(&j, "failed_instance", r->arc_failed_instance);
	kv(&j, "reason", r->arc_reason);
	al_json_end_object(&j);
	al_json_key(&j, "dmarc");
	al_json_begin_object(&j);
	al_json_kv_string(&j, "result", r->dmarc);
	kv(&j, "policy", r->dmarc_policy);
	al_json_end_object(&j);
	al_json_key(&j, "checklist");
	al_json_begin_array(&j);
	for (size_t i = 0; i < r->check_count; i++) {
		const al_triage_check *c = &r->checks[i];
		al_json_begin_object(&j);
		al_json_kv_string(&j, "requirement", c->requirement);
		al_json_kv_string(&j, "state", c->state);
		kv(&j, "detail", c->detail);
		kv(&j, "required_by", c->receivers);
		al_json_kv_bool(&j, "bulk_only", c->bulk_only);
		al_json_end_object(&j);
	}
	al_json_end_array(&j);
	al_json_key(&j, "differences");
	al_json_begin_array(&j);
	for (size_t i = 0; i < r->difference_count; i++)
		al_json_string(&j, r->differences[i]);
	al_json_end_array(&j);
	al_json_key(&j, "not_checked");
	al_json_begin_array(&j);
	for (size_t i = 0; i < r->not_checked_count; i++)
		al_json_string(&j, r->not_checked[i]);
	al_json_end_array(&j);
	json_findings(&j, findings);
	al_json_end_object(&j);
	al_strbuf_putc(b, '\n');
}

/* ---- HTML ---------------------------------------------------------------------------- */

static void h(al_strbuf *b, const char *text)
{
	al_escape_html(b, text ? text : "(absent)");
}

static void row(al_strbuf *b, const char *label, const char *value)
{
	al_strbuf_printf(b, "<tr><th>%s</th><td>", label);
	h(b, value);
	al_strbuf_puts(b, "</td></tr>\n");
}

static const char *result_class(const char *result)
{
	if (result == NULL)
		return "unknown";
	if (strcmp(result, "pass") == 0)
		return "pass";
	if (strcmp(result, "not-checked") == 0 || strcmp(result, "none") == 0)
		return "unknown";
	return "fail";
}

static void write_html(al_strbuf *b, const al_triage_result *r, const al_findings *findings, const char *input)
{
	const al_message_facts *f = r->facts;
	const al_diag *v = verdict_diag(r, findings);
	al_strbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
			  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
			  "<title>authlint triage: ");
	h(b, input);
	al_strbuf_puts(b, "</title>\n<style>\n"
			  "body{font-family:system-ui,sans-serif;margin:2em;max-width:60em;color:#222}\n"
			  "table{border-collapse:collapse;margin:.5em 0}th,td{text-align:left;padding:.2em .8em;border-bottom:1px solid #ddd;vertical-align:top}\n"
			  ".verdict{padding:1em;border-radius:6px;border:2px solid #888}\n"
			  ".v-pass{border-color:#2a7;background:#effaf3}.v-error{border-color:#c33;background:#fdf0f0}.v-warning,.v-note{border-color:#c90;background:#fff8e8}\n"
			  ".pass{color:#186}.fail{color:#b22}.unknown{color:#666}\n"
			  "code{word-break:break-all}\n"
			  "</style></head><body>\n<h1>Why did this message fail?</h1>\n<p>");
	h(b, input);
	al_strbuf_printf(b, ": %s</p>\n", f->is_bounce ? "a bounce" : "a message");
	al_strbuf_printf(b, "<section class=\"verdict v-%s\" id=\"verdict\" data-verdict=\"%s\">\n<h2>",
			 r->verdict == AL_TRIAGE_PASS ? "pass" : v ? al_severity_name(v->severity) : "note",
			 al_triage_verdict_name(r->verdict));
	h(b, al_triage_verdict_name(r->verdict));
	if (v != NULL)
		al_strbuf_printf(b, " <small>%s</small>", v->rule->id);
	al_strbuf_puts(b, "</h2>\n<p id=\"verdict-message\">");
	h(b, v ? v->message : "(the verdict's rule is turned off in the configuration)");
	al_strbuf_puts(b, "</p>\n");
	if (v != NULL && v->fix != NULL) {
		al_strbuf_puts(b, "<p><strong>Fix:</strong> ");
		h(b, v->fix);
		al_strbuf_puts(b, "</p>\n");
	}
	al_strbuf_printf(b, "<p><strong>Who:</strong> %s</p>\n", who_text(r->who));
	if (!r->verified)
		al_strbuf_puts(b, "<p>Nothing was checked again (no DNS source): only the receiver's results are known.</p>\n");
	al_strbuf_puts(b, "</section>\n");
	if (f->is_bounce) {
		al_strbuf_puts(b, "<h2>The bounce</h2>\n<table>\n");
		row(b, "Status", f->dsn_status);
		row(b, "Diagnostic", f->dsn_diagnostic);
		row(b, "Cause", r->bounce ? r->bounce->cause : "not in the catalog of published bounce codes");
		if (r->bounce) {
			al_strbuf_puts(b, "<tr><th>Source</th><td>");
			h(b, r->bounce->source);
			al_strbuf_puts(b, " (read ");
			h(b, r->bounce->retrieved);
			al_strbuf_puts(b, ")</td></tr>\n");
		}
		al_strbuf_puts(b, "</table>\n");
	}
	al_strbuf_puts(b, "<h2>Checked again today, and what the receiver recorded</h2>\n<table id=\"results\">\n"
			  "<tr><th>Method</th><th>Today</th><th>The receiver</th><th>Detail</th></tr>\n");
	al_strbuf_printf(b, "<tr><th>SPF</th><td class=\"%s\">%s</td><td>", result_class(r->spf), r->spf);
	h(b, r->receiver_spf ? r->receiver_spf : "-");
	al_strbuf_puts(b, "</td><td>");
	if (r->spf_domain)
		h(b, r->spf_domain);
	if (r->spf_detail) {
		al_strbuf_puts(b, ": ");
		h(b, r->spf_detail);
	}
	al_strbuf_puts(b, "</td></tr>\n");
	for (size_t i = 0; i < r->signature_count; i++) {
		const al_triage_signature *s = &r->signatures[i];
		al_strbuf_printf(b, "<tr><th>DKIM</th><td class=\"%s\">%s</td><td>", result_class(s->result), s->result);
		h(b, s->receiver_result ? s->receiver_result : "-");
		al_strbuf_puts(b, "</td><td>d=");
		h(b, s->domain);
		al_strbuf_puts(b, " s=");
		h(b, s->selector);
		al_strbuf_printf(b, " (%s)", s->aligned ? "aligned" : "not aligned");
		if (s->reason) {
			al_strbuf_puts(b, ": ");
			h(b, s->reason);
		}
		al_strbuf_puts(b, "</td></tr>\n");
	}
	al_strbuf_printf(b, "<tr><th>ARC</th><td class=\"%s\">%s</td><td>", result_class(r->arc_cv), r->arc_cv);
	h(b, r->receiver_arc ? r->receiver_arc : "-");
	al_strbuf_puts(b, "</td><td>");
	if (r->arc_reason)
		h(b, r->arc_reason);
	al_strbuf_puts(b, "</td></tr>\n");
	al_strbuf_printf(b, "<tr><th>DMARC</th><td class=\"%s\">%s</td><td>", result_class(r->dmarc), r->dmarc);
	h(b, r->receiver_dmarc ? r->receiver_dmarc : "-");
	al_strbuf_puts(b, "</td><td>");
	if (r->dmarc_policy)
		h(b, r->dmarc_policy);
	al_strbuf_puts(b, "</td></tr>\n</table>\n");
	if (r->check_count) {
		al_strbuf_puts(b, "<h2>Bulk-sender requirements</h2>\n<table id=\"checklist\">\n");
		for (size_t i = 0; i < r->check_count; i++) {
			const al_triage_check *c = &r->checks[i];
			al_strbuf_printf(b, "<tr class=\"%s\"><th>%s</th><td>%s</td><td>", c->state, c->requirement, c->state);
			h(b, c->detail);
			al_strbuf_puts(b, "</td><td>");
			h(b, c->receivers);
			al_strbuf_puts(b, "</td></tr>\n");
		}
		al_strbuf_puts(b, "</table>\n");
	}
	if (r->difference_count || r->not_checked_count) {
		al_strbuf_puts(b, "<h2>Differences and what was not checked</h2>\n<ul>\n");
		for (size_t i = 0; i < r->difference_count; i++) {
			al_strbuf_puts(b, "<li>");
			h(b, r->differences[i]);
			al_strbuf_puts(b, "</li>\n");
		}
		for (size_t i = 0; i < r->not_checked_count; i++) {
			al_strbuf_puts(b, "<li>Not checked: ");
			h(b, r->not_checked[i]);
			al_strbuf_puts(b, "</li>\n");
		}
		al_strbuf_puts(b, "</ul>\n");
	}
	al_strbuf_puts(b, "<h2>The message</h2>\n<table>\n");
	row(b, "From", f->from);
	row(b, "Return-Path", f->mail_from);
	row(b, "Connecting IP", f->connecting_ip);
	row(b, "Subject", f->subject);
	row(b, "Authentication-Results", f->ar);
	if (f->list_id)
		row(b, "List-Id", f->list_id);
	al_strbuf_puts(b, "</table>\n");
	size_t n = findings ? al_findings_count(findings) : 0;
	al_strbuf_puts(b, "<h2>Findings</h2>\n<table id=\"findings\">\n");
	for (size_t i = 0; i < n; i++) {
		const al_diag *d = al_findings_at(findings, i);
		al_strbuf_printf(b, "<tr><td>%s</td><td>%s</td><td>", d->rule->id, al_severity_name(d->severity));
		h(b, d->message);
		al_strbuf_puts(b, "</td></tr>\n");
	}
	al_strbuf_puts(b, "</table>\n</body></html>\n");
}

al_status al_triage_write(const al_triage *triage, const al_findings *findings, const char *input,
			  al_triage_format format, al_sink sink)
{
	const al_triage_result *r = al_triage_get(triage);
	if (r == NULL)
		return AL_EINVAL;
	al_strbuf b;
	al_strbuf_init(&b);
	if (format == AL_TRIAGE_JSON)
		write_json(&b, r, findings, input);
	else if (format == AL_TRIAGE_HTML)
		write_html(&b, r, findings, input);
	else
		write_text(&b, r, findings, input);
	size_t length = 0;
	char *text = al_strbuf_detach(&b, &length);
	al_status st = text == NULL ? AL_ENOMEM : sink.write(sink.ctx, text, length) == 0 ? AL_OK : AL_EIO;
	free(text);
	return st;
}
