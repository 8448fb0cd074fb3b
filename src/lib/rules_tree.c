/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Loading the rule registry from its tree: the files built into the library
 * (embedded.h) or a directory given with --rules-dir, walked in a fixed order,
 * each file <family>/<ID>.yaml read by rules_load.c.
 */
#include <authlint/rule.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "embedded.h"
#include "rules_registry.h"
#include "util/file.h"

static al_status add_file(al_rules *rules, const char *relpath, const char *label, const char *data,
			  size_t length, al_error *err)
{
	const char *slash = strchr(relpath, '/');
	if (slash == NULL)
		return al_error_set(err, AL_ERULES,
				    "%s: not a rule: rules live in <family>/<ID>.yaml (the data files "
				    "senders.yaml, selectors.yaml and provider-spf.yaml are built in)",
				    label);
	al_kind family;
	if (!al_rules_family_from_dir(relpath, (size_t)(slash - relpath), &family))
		return al_error_set(err, AL_ERULES, "%s: '%.*s' is not a rule family directory", label,
				    (int)(slash - relpath), relpath);
	const char *base = slash + 1;
	if (strchr(base, '/') != NULL)
		return al_error_set(err, AL_ERULES, "%s: rule files live one level deep", label);
	yaml_document_t doc;
	al_status st = al_yaml_load_buffer(label, data, length, &doc, err);
	if (st != AL_OK)
		return st == AL_ESYNTAX ? (err ? (err->status = AL_ERULES) : AL_ERULES) : st;
	yaml_node_t *root = al_yaml_root(&doc);
	if (root == NULL) {
		yaml_document_delete(&doc);
		return al_error_set(err, AL_ERULES, "%s:1: empty rule file", label);
	}
	st = al_rules_add_yaml(rules, &doc, root, label, family, false, err);
	if (st == AL_OK) {
		/* the file is named for the id */
		const al_rule *last = &rules->entries[rules->count - 1]->rule;
		size_t idlen = strlen(last->id);
		if (strncmp(base, last->id, idlen) != 0 || strcmp(base + idlen, ".yaml") != 0)
			st = al_error_set(err, AL_ERULES, "%s:%lu: rule %s must live in %s.yaml", label,
					  last->source_line, last->id, last->id);
	}
	yaml_document_delete(&doc);
	return st;
}

al_status al_rules_load_builtin(al_rules **out, al_error *err)
{
	*out = NULL;
	al_rules *rules = al_rules_alloc();
	if (rules == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	for (size_t i = 0; i < al_embedded_rules_count; i++) {
		const al_embedded_file *f = &al_embedded_rules[i];
		char *label = al_arena_printf(&rules->arena, "rules/%s", f->path);
		al_status st = add_file(rules, f->path, label, f->data, f->size, err);
		if (st != AL_OK) {
			al_rules_free(rules);
			return st;
		}
	}
	al_rules_sort(rules);
	*out = rules;
	return AL_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect "*.yaml" paths under dir (one level of subdirectories), sorted. */
static al_status list_tree(const char *dir, char ***paths, size_t *count, al_error *err)
{
	size_t cap = 0;
	*paths = NULL;
	*count = 0;
	DIR *d = opendir(dir);
	if (d == NULL)
		return al_error_set(err, AL_ENOENT, "%s: cannot open rules directory", dir);
	struct dirent *de;
	al_status st = AL_OK;
	while (st == AL_OK && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		size_t plen = strlen(dir) + strlen(de->d_name) + 2;
		char *path = malloc(plen);
		if (path == NULL) {
			st = al_error_set(err, AL_ENOMEM, "out of memory");
			break;
		}
		snprintf(path, plen, "%s/%s", dir, de->d_name);
		struct stat sb;
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			DIR *sd = opendir(path);
			struct dirent *se;
			while (sd != NULL && (se = readdir(sd)) != NULL) {
				size_t n = strlen(se->d_name);
				if (se->d_name[0] == '.' || n < 6 || strcmp(se->d_name + n - 5, ".yaml") != 0)
					continue;
				char *rel = malloc(strlen(de->d_name) + n + 2);
				if (rel == NULL) {
					st = al_error_set(err, AL_ENOMEM, "out of memory");
					break;
				}
				sprintf(rel, "%s/%s", de->d_name, se->d_name);
				if (!al_rules_push((void **)paths, count, &cap, sizeof(char *), &rel)) {
					free(rel);
					st = al_error_set(err, AL_ENOMEM, "out of memory");
					break;
				}
			}
			if (sd != NULL)
				closedir(sd);
		} else {
			size_t n = strlen(de->d_name);
			if (n > 5 && strcmp(de->d_name + n - 5, ".yaml") == 0) {
				char *rel = strdup(de->d_name);
				if (rel == NULL || !al_rules_push((void **)paths, count, &cap, sizeof(char *), &rel)) {
					free(rel);
					st = al_error_set(err, AL_ENOMEM, "out of memory");
				}
			}
		}
		free(path);
	}
	closedir(d);
	if (*count > 1)
		qsort(*paths, *count, sizeof(char *), cmp_str);
	return st;
}

al_status al_rules_load_dir(al_rules **out, const char *dir, al_error *err)
{
	*out = NULL;
	char **paths = NULL;
	size_t count = 0;
	al_status st = list_tree(dir, &paths, &count, err);
	al_rules *rules = st == AL_OK ? al_rules_alloc() : NULL;
	if (st == AL_OK && rules == NULL)
		st = al_error_set(err, AL_ENOMEM, "out of memory");
	for (size_t i = 0; st == AL_OK && i < count; i++) {
		char *label = al_arena_printf(&rules->arena, "%s/%s", dir, paths[i]);
		char *data = NULL;
		size_t length = 0;
		st = al_file_read_all(label, "a rule file", 1u << 20, &data, &length, err);
		if (st == AL_OK) {
			char *kept = al_arena_memdup(&rules->arena, data, length + 1);
			free(data);
			st = kept ? add_file(rules, paths[i], label, kept, length, err)
				  : al_error_set(err, AL_ENOMEM, "out of memory");
		}
	}
	for (size_t i = 0; i < count; i++)
		free(paths[i]);
	free(paths);
	if (st == AL_OK && rules->count == 0)
		st = al_error_set(err, AL_ERULES, "%s: no rules found (expected <family>/<ID>.yaml)", dir);
	if (st != AL_OK) {
		al_rules_free(rules);
		return st;
	}
	al_rules_sort(rules);
	*out = rules;
	return AL_OK;
}

