/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the writers of reports.h: the sender inventory and dates. */
#ifndef AL_REPORT_WRITE_INTERNAL_H
#define AL_REPORT_WRITE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report/reports_internal.h"
#include "util/strbuf.h"

/* The category of a source in the sender inventory, its name, and what to do (NULL: nothing). */
int al_rpt_category(const rpt_source *s);
const char *al_rpt_category_name(int category);
const char *al_rpt_fix(const rpt_source *s, int category, char *buf, size_t size);
/* "2026-12-01" for a Unix time, "-" when negative. */
void al_rpt_date(int64_t t, char out[11]);
/* A writer's buffer, flushed to the sink in pieces; the first failure is kept. */
typedef struct rpt_out {
	al_strbuf b;
	al_sink sink;
	al_status status;
	bool color;
} rpt_out;
void al_rpt_flush(rpt_out *o);
/* The machine formats (write_json.c); @p findings may be NULL. */
void al_rpt_write_json(const al_reports *r, const al_findings *findings, rpt_out *o);
void al_rpt_write_jsonl(const al_reports *r, const al_findings *findings, rpt_out *o);
void al_rpt_write_csv(const al_reports *r, rpt_out *o);
/* The single-file HTML page (write_html.c). */
al_status al_rpt_write_html(const al_reports *r, const al_findings *findings, al_sink sink);

#endif
