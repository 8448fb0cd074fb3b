/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writes SARIF runs of synthetic findings into DIR for validate.py:
 * clean.sarif, zone.sarif (findings in zone files), waived.sarif (inline and
 * configuration waivers), live.sarif (no file: the server answered),
 * hostile.sarif (control bytes, invalid UTF-8, bidi overrides, odd file
 * names), based.sarif (URIs relative to a base directory).
 *
 * usage: sarif-samples DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/authlint.h>

static const al_rules *rules;

static const al_rule *rule(const char *id)
{
	const al_rule *r = al_rules_find(rules, id);
	if (r == NULL) {
		fprintf(stderr, "sarif-samples: no rule %s in the registry\n", id);
		exit(1);
	}
	return r;
}

static al_diag finding(const char *id, al_severity sev, const char *file, unsigned long line,
		       unsigned long column, const char *record, size_t start, size_t length)
{
	al_diag d = {0};
	d.rule = rule(id);
	d.severity = sev;
	d.kind = d.rule->family;
	d.owner = "example.com";
	d.domain = "example.com";
	d.rrtype = 16;
	d.location.file = file;
	d.location.line = line;
	d.location.column = column;
	d.record = record;
	d.record_length = record ? strlen(record) : 0;
	d.span_start = start;
	d.span_length = length;
	d.message = "a finding";
	d.fix = d.rule->fix;
	return d;
}

static int write_run(const char *dir, const char *name, const al_diag *diags, size_t n, const char *base,
		     const al_summary *summary, int exit_code)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		return 1;
	}
	static const char *const inputs[] = {"zones/example.com.zone"};
	al_emit_options o = {0};
	o.rules = rules;
	o.command = "zone";
	o.inputs = inputs;
	o.input_count = 1;
	o.base_dir = base;
	al_emitter *em = NULL;
	if (al_emitter_new(&em, AL_FORMAT_SARIF, al_sink_stdio(f), &o) != AL_OK) {
		fclose(f);
		return 1;
	}
	al_emitter_begin(em);
	for (size_t i = 0; i < n; i++)
		al_emitter_diag(em, &diags[i]);
	al_emitter_end(em, summary, exit_code);
	int rc = al_emitter_status(em) == AL_OK ? 0 : 1;
	al_emitter_free(em);
	if (fclose(f) != 0)
		rc = 1;
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: sarif-samples DIR\n");
		return 2;
	}
	const char *dir = argv[1];
	al_rules *loaded = NULL;
	al_error err = {0};
	if (al_rules_load_builtin(&loaded, &err) != AL_OK) {
		fprintf(stderr, "sarif-samples: %s\n", err.message);
		return 1;
	}
	rules = loaded;
	int rc = 0;
	al_summary none = {0};
	rc |= write_run(dir, "clean.sarif", NULL, 0, NULL, &none, 0);

	static const char spf[] = "v=spf1 mx -all include:_spf.example.net";
	al_diag zone[3] = {
		finding("SPF001", AL_SEVERITY_ERROR, "zones/example.com.zone", 4, 20, spf, 10, 4),
		finding("DNS002", AL_SEVERITY_WARNING, "zones/inc/mail.zone", 2, 1, spf, 0, 0),
		finding("ZONE001", AL_SEVERITY_ERROR, "zones/example.com.zone", 9, 0, NULL, 0, 0),
	};
	zone[2].owner = NULL;
	zone[2].domain = NULL;
	zone[2].rrtype = 0;
	al_summary zs = {.by_severity = {0, 0, 1, 2}, .records = 2, .input_error = true};
	rc |= write_run(dir, "zone.sarif", zone, 3, NULL, &zs, 2);

	al_diag waived[2] = {
		finding("SPF001", AL_SEVERITY_ERROR, "zones/example.com.zone", 4, 20, spf, 10, 4),
		finding("DMARC002", AL_SEVERITY_NOTE, "zones/example.com.zone", 7, 25, "hello", 0, 5),
	};
	waived[0].waived = true;
	waived[0].waiver_reason = "merging the records in ticket 42";
	waived[0].waiver_source = "zones/example.com.zone:4";
	waived[0].waiver_inline = true;
	waived[1].waived = true;
	waived[1].waiver_reason = "verification token, kept on purpose";
	waived[1].waiver_source = ".authlint.yaml:12";
	al_summary ws = {.waived = 2, .records = 2};
	rc |= write_run(dir, "waived.sarif", waived, 2, NULL, &ws, 0);

	al_diag live[2] = {
		finding("LOOKUP001", AL_SEVERITY_ERROR, NULL, 0, 0, NULL, 0, 0),
		finding("SPF001", AL_SEVERITY_ERROR, NULL, 0, 0, spf, 10, 4),
	};
	live[0].location.server = "192.0.2.53";
	live[0].context = "timeout after 2 s";
	live[1].location.server = "[2001:db8::53]:5353";
	al_summary ls = {.by_severity = {0, 0, 0, 2}, .lookups = 3, .lookups_failed = 1, .incomplete = true};
	rc |= write_run(dir, "live.sarif", live, 2, NULL, &ls, 2);

	static const char nasty[] = "v=spf1 \033[2J \xff\xfe \xe2\x80\xae \"q\" \\ -all";
	al_diag hostile[2] = {
		finding("SPF003", AL_SEVERITY_ERROR, "zones/odd name,#%?\033\xff.zone", 1, 1, nasty, 7, 4),
		finding("SPF003", AL_SEVERITY_ERROR, "<argument>", 1, 8, nasty, 7, 4),
	};
	hostile[0].owner = "ev\033il.\xe2\x80\xae" "example.com";
	hostile[0].message = "bad \033[31m\r\n \xff \xe2\x80\xae \"x\" \\";
	hostile[0].waived = true;
	hostile[0].waiver_reason = "why \033 \xff";
	hostile[0].waiver_source = "conf\033.yaml:1";
	al_summary hs = {.by_severity = {0, 0, 0, 1}, .waived = 1, .records = 2};
	rc |= write_run(dir, "hostile.sarif", hostile, 2, NULL, &hs, 1);

	al_diag based[2] = {
		finding("SPF001", AL_SEVERITY_ERROR, "/srv/dns/zones/a.zone", 4, 20, spf, 10, 4),
		finding("SPF001", AL_SEVERITY_ERROR, "/elsewhere/b.zone", 4, 20, spf, 10, 4),
	};
	al_summary bs = {.by_severity = {0, 0, 0, 2}, .records = 2};
	rc |= write_run(dir, "based.sarif", based, 2, "/srv/dns", &bs, 1);

	al_rules_free(loaded);
	return rc;
}
