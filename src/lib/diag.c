/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <authlint/diag.h>

#include <string.h>
#include <strings.h>

const char *al_severity_name(al_severity severity)
{
	switch (severity) {
	case AL_SEVERITY_NOTE:
		return "note";
	case AL_SEVERITY_WARNING:
		return "warning";
	case AL_SEVERITY_ERROR:
		return "error";
	case AL_SEVERITY_OFF:
	default:
		return "off";
	}
}

al_status al_severity_parse(const char *text, al_severity *out)
{
	static const struct {
		const char *name;
		al_severity severity;
	} names[] = {
		{"error", AL_SEVERITY_ERROR},   {"warning", AL_SEVERITY_WARNING},
		{"note", AL_SEVERITY_NOTE},     {"info", AL_SEVERITY_NOTE},
		{"off", AL_SEVERITY_OFF},       {"none", AL_SEVERITY_OFF},
		{"disabled", AL_SEVERITY_OFF},  {"never", AL_SEVERITY_OFF},
	};
	if (text == NULL)
		return AL_EINVAL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(text, names[i].name) == 0) {
			*out = names[i].severity;
			return AL_OK;
		}
	}
	return AL_EINVAL;
}

static const char *const kind_names[AL_KIND_COUNT_] = {
	[AL_KIND_NONE] = "none",
	[AL_KIND_SPF] = "spf",
	[AL_KIND_DMARC] = "dmarc",
	[AL_KIND_DKIM] = "dkim",
	[AL_KIND_DNS] = "dns",
	[AL_KIND_ZONE] = "zone",
	[AL_KIND_LOOKUP] = "lookup",
	[AL_KIND_PROPAGATION] = "propagation",
	[AL_KIND_PLAN] = "plan",
	[AL_KIND_POLICY] = "policy",
	[AL_KIND_ALIGN] = "align",
	[AL_KIND_SIG] = "sig",
	[AL_KIND_ARC] = "arc",
	[AL_KIND_TRIAGE] = "triage",
	[AL_KIND_REPORT] = "report",
};

const char *al_kind_name(al_kind kind)
{
	if ((unsigned)kind >= AL_KIND_COUNT_)
		return "none";
	return kind_names[kind];
}

al_status al_kind_parse(const char *text, al_kind *out)
{
	if (text == NULL)
		return AL_EINVAL;
	for (unsigned k = 1; k < AL_KIND_COUNT_; k++) {
		if (strcasecmp(text, kind_names[k]) == 0) {
			*out = (al_kind)k;
			return AL_OK;
		}
	}
	return AL_EINVAL;
}

const char *al_generation_name(al_generation generation)
{
	switch (generation) {
	case AL_GENERATION_RFC7489:
		return "rfc7489";
	case AL_GENERATION_RFC9989:
		return "rfc9989";
	case AL_GENERATION_ANY:
	default:
		return NULL;
	}
}
