/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The DKIM selector discovery list (selector_list.h): data/selectors.yaml's
 * selectors, then the senders' usual ones.
 */
#include <string.h>
#include <strings.h>

#include "check/selector_list.h"
#include "rules_internal.h"
#include "util/yaml.h"

typedef struct building {
	al_arena *arena;
	const char **items;
	size_t count;
} building;

static void add(building *b, const char *selector)
{
	if (selector == NULL || *selector == '\0' || b->count >= AL_DKIM_MAX_PROBE)
		return;
	for (size_t i = 0; i < b->count; i++)
		if (strcasecmp(b->items[i], selector) == 0)
			return;
	const char *copy = al_arena_strdup(b->arena, selector);
	if (copy != NULL)
		b->items[b->count++] = copy;
}

size_t al_selector_list_load(const al_senders *senders, al_arena *arena,
			     const char ***out)
{
	*out = NULL;
	building b = {arena, al_arena_calloc(arena, AL_DKIM_MAX_PROBE, sizeof(const char *)), 0};
	if (b.items == NULL)
		return 0;

	size_t length = 0;
	const char *label = NULL;
	const char *text = al_data_file("selectors.yaml", &length, &label);
	yaml_document_t doc;
	al_error err;
	if (text != NULL && al_yaml_load_buffer(label ? label : "selectors.yaml", text, length, &doc, &err) == AL_OK) {
		yaml_node_t *sels = al_yaml_map_get(&doc, al_yaml_root(&doc), "selectors");
		for (size_t i = 0; i < al_yaml_seq_count(sels); i++)
			add(&b, al_yaml_scalar(al_yaml_seq_at(&doc, sels, i)));
		yaml_document_delete(&doc);
	}

	if (senders == NULL && al_senders_builtin(&senders, &err) != AL_OK)
		senders = NULL;
	for (size_t i = 0; i < al_senders_count(senders); i++) {
		const al_sender *snd = al_senders_at(senders, i);
		for (size_t k = 0; k < snd->selector_count; k++)
			add(&b, snd->selectors[k]);
	}

	*out = b.count ? b.items : NULL;
	return b.count;
}
