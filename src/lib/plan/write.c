/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writing a plan: format names, state names, and the dispatch to one writer per format. */
#include <string.h>

#include "plan/plan_internal.h"

static const char *const format_names[] = {"text", "json", "yaml", "markdown", "ics"};

al_status al_plan_format_parse(const char *text, al_plan_format *out)
{
	if (text == NULL)
		return AL_EINVAL;
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (strcmp(text, format_names[i]) == 0) {
			*out = (al_plan_format)i;
			return AL_OK;
		}
	}
	if (strcmp(text, "md") == 0) {
		*out = AL_PLAN_FORMAT_MARKDOWN;
		return AL_OK;
	}
	return AL_EINVAL;
}

const char *al_plan_format_name(al_plan_format format)
{
	return (unsigned)format < sizeof(format_names) / sizeof(format_names[0]) ? format_names[format] : "?";
}

const char *al_plan_gate_state_name(al_plan_gate_state state)
{
	switch (state) {
	case AL_PLAN_GATE_PASS:
		return "pass";
	case AL_PLAN_GATE_FAIL:
		return "fail";
	case AL_PLAN_GATE_FIXED:
		return "fixed";
	case AL_PLAN_GATE_UNKNOWN:
		return "unknown";
	case AL_PLAN_GATE_CONFIRM:
		return "confirm";
	}
	return "?";
}

const char *al_plan_step_kind_name(al_plan_step_kind kind)
{
	switch (kind) {
	case AL_PLAN_STEP_RAMP:
		return "ramp";
	case AL_PLAN_STEP_REPORTING:
		return "reporting";
	case AL_PLAN_STEP_SUBDOMAIN:
		return "subdomain";
	case AL_PLAN_STEP_TESTING:
		return "testing";
	case AL_PLAN_STEP_DKIM:
		return "dkim";
	}
	return "?";
}

const char *al_plan_step_status_name(al_plan_step_status status)
{
	switch (status) {
	case AL_PLAN_STEP_READY:
		return "ready";
	case AL_PLAN_STEP_BLOCKED:
		return "blocked";
	case AL_PLAN_STEP_UNVERIFIED:
		return "unverified";
	}
	return "?";
}

void al_plan_impact_numbers(al_strbuf *out, const al_plan_impact *im, const char *const text[5])
{
	const double n[4] = {im->rfc7489_quarantined, im->rfc7489_rejected, im->rfc9989_quarantined,
			     im->rfc9989_rejected};
	for (size_t i = 0; i < 4; i++) {
		al_strbuf_puts(out, text[i]);
		al_strbuf_per_day(out, n[i]);
	}
	al_strbuf_puts(out, text[4]);
}

al_status al_plan_write(const al_plan *plan, al_plan_format format,
			const al_plan_write_options *options, al_sink sink)
{
	if (plan == NULL || sink.write == NULL)
		return AL_EINVAL;
	al_plan_write_options defaults = {0};
	if (options == NULL)
		options = &defaults;
	al_strbuf out = AL_STRBUF_INIT;
	al_status st;
	switch (format) {
	case AL_PLAN_FORMAT_TEXT:
		st = al_plan_write_text(plan, options, &out);
		break;
	case AL_PLAN_FORMAT_JSON:
	case AL_PLAN_FORMAT_YAML:
		st = al_plan_write_tree(plan, format, options, &out, sink);
		break;
	case AL_PLAN_FORMAT_MARKDOWN:
		st = al_plan_write_markdown(plan, options, &out);
		break;
	case AL_PLAN_FORMAT_ICS:
		st = al_plan_write_ics(plan, options, &out);
		break;
	default:
		st = AL_EINVAL;
		break;
	}
	if (st == AL_OK && out.failed)
		st = AL_ENOMEM;
	if (st == AL_OK && out.length > 0 && sink.write(sink.ctx, out.data, out.length) != 0)
		st = AL_EIO;
	al_strbuf_free(&out);
	return st;
}
