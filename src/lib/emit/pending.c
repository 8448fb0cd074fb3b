/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TEMPORARY: formats not written yet fall back to text. Replaced by json.c, sarif.c, github.c, doc.c. */
#include "emit/emit_internal.h"

const al_emitter_ops al_emit_json_ops = {0};
const al_emitter_ops al_emit_jsonl_ops = {0};
const al_emitter_ops al_emit_sarif_ops = {0};
const al_emitter_ops al_emit_github_ops = {0};

al_status al_rule_explain(const al_rule *rule, bool markdown, al_sink sink)
{
	(void)rule;
	(void)markdown;
	(void)sink;
	return AL_EUNSUPPORTED;
}

al_status al_rules_write_markdown(const al_rules *rules, al_sink sink)
{
	(void)rules;
	(void)sink;
	return AL_EUNSUPPORTED;
}

al_status al_rules_write_list(const al_rules *rules, al_format format, al_sink sink)
{
	(void)rules;
	(void)format;
	(void)sink;
	return AL_EUNSUPPORTED;
}
