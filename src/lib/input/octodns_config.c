/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * octoDNS config files (providers, zones) and the directories that hold them:
 * which zone files a YamlProvider keeps, each read once (octodns.c reads them),
 * with the directory walk bounded in entries and files.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dns/zone_internal.h"
#include "input/input_internal.h"
#include "input/octodns_internal.h"
#include "util/grow.h"
#include "util/strbuf.h"
#include "util/yaml.h"

#define MAX_DIR_ENTRIES 512   /* entries of a directory looked at */
#define MAX_ZONE_FILES 1000   /* zone files read from one config directory */

typedef struct seen_list {
	char **paths;   /* realpaths of the zone files read */
	size_t count, capacity;
} seen_list;

static bool seen_add(seen_list *seen, const char *path)
{
	char *real = realpath(path, NULL);
	if (real == NULL)
		return true; /* reading it will say why */
	for (size_t i = 0; i < seen->count; i++) {
		if (strcmp(seen->paths[i], real) == 0) {
			free(real);
			return false;
		}
	}
	if (!AL_GROW_ONE(seen->paths, seen->count, seen->capacity)) {
		free(real);
		return true;
	}
	seen->paths[seen->count++] = real;
	return true;
}

static void seen_free(seen_list *seen)
{
	for (size_t i = 0; i < seen->count; i++)
		free(seen->paths[i]);
	free(seen->paths);
}

static al_status read_zone_file(al_zone *zone, const char *path, const char *zone_name, uint32_t ttl,
				al_error *err)
{
	yaml_document_t doc;
	al_error lerr = {0};
	al_status st = al_yaml_load_file(path, "an octoDNS zone file", &doc, &lerr);
	return al_octodns_read_zone(zone, path, zone_name, ttl, st, &doc, &lerr, err);
}

static void join_path(const char *base, size_t base_length, const char *rel, char *out, size_t size)
{
	while (rel[0] == '.' && rel[1] == '/')
		rel += 2;
	while (base_length > 1 && base[base_length - 1] == '/')
		base_length--;
	if (base_length == 0 || (base_length == 1 && base[0] == '.'))
		snprintf(out, size, "%s", rel[0] != '\0' ? rel : ".");
	else if (strcmp(rel, ".") == 0 || rel[0] == '\0')
		snprintf(out, size, "%.*s", (int)base_length, base);
	else
		snprintf(out, size, "%.*s/%s", (int)base_length, base, rel);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .yaml/.yml files of @p dir, sorted (at most MAX_DIR_ENTRIES); *count of them. */
static char **yaml_files(const char *dir, size_t *count)
{
	*count = 0;
	DIR *d = opendir(dir);
	if (d == NULL)
		return NULL;
	char **list = NULL;
	size_t n = 0, cap = 0, looked = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && looked++ < MAX_DIR_ENTRIES * 4 && n < MAX_DIR_ENTRIES) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || !((l > 5 && strcmp(e->d_name + l - 5, ".yaml") == 0) ||
					     (l > 4 && strcmp(e->d_name + l - 4, ".yml") == 0)))
			continue;
		if (!AL_GROW_ONE(list, n, cap))
			break;
		size_t pl = strlen(dir) + l + 2;
		list[n] = malloc(pl);
		if (list[n] == NULL)
			break;
		join_path(dir, strlen(dir), e->d_name, list[n], pl);
		struct stat st;
		if (stat(list[n], &st) != 0 || !S_ISREG(st.st_mode)) {
			free(list[n]);
			continue;
		}
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(list, n, sizeof(*list), compare_names);
	*count = n;
	return list;
}

static void free_list(char **list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(list[i]);
	free(list);
}

/* The directory of a YamlProvider named @p source in the config's providers, or NULL. */
static const char *yaml_provider_dir(yaml_document_t *doc, yaml_node_t *providers, const char *source,
				     uint32_t *ttl)
{
	yaml_node_t *p = al_yaml_map_get(doc, providers, source);
	const char *cls = al_yaml_scalar(al_yaml_map_get(doc, p, "class"));
	if (cls == NULL || strstr(cls, "YamlProvider") == NULL)
		return NULL;
	unsigned long t;
	if (al_yaml_ulong(al_yaml_map_get(doc, p, "default_ttl"), &t) && t <= 2147483647ul)
		*ttl = (uint32_t)t;
	return al_yaml_scalar(al_yaml_map_get(doc, p, "directory"));
}

/*
 * @p dir (from a config) as a path: absolute; else under @p root (where
 * octoDNS runs), else beside the config, else under the directory above the
 * config's when that is where the directory is (octoDNS's own layout: run from the repository with
 * --config-file=./config/production.yaml and `directory: ./config`, while
 * authlint is given the config directory).
 */
static void provider_path(const char *root, const char *config, const char *dir, char *out, size_t size)
{
	struct stat st;
	if (dir[0] == '/') {
		snprintf(out, size, "%s", dir);
		return;
	}
	join_path(root, strlen(root), dir, out, size);
	if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
		return;
	const char *slash = strrchr(config, '/');
	size_t config_dir = slash != NULL ? (size_t)(slash - config) : 0;
	join_path(config, config_dir, dir, out, size);
	if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
		return;
	/* the directory above: the config directory's name taken off ("a/config" -> "a", "config" -> ".") */
	const char *up = config_dir > 0 ? memrchr(config, '/', config_dir) : NULL;
	const char *last = up != NULL ? up + 1 : config;
	size_t last_length = config_dir - (size_t)(last - config);
	char above[PATH_MAX];
	if (config_dir == 0 || (last_length == 1 && last[0] == '.') ||
	    (last_length == 2 && last[0] == '.' && last[1] == '.')) {
		/* "./production.yaml": the directory above is known only by its real path */
		char here[PATH_MAX], real[PATH_MAX];
		snprintf(here, sizeof(here), "%.*s", config_dir > 0 ? (int)config_dir : 1, config_dir > 0 ? config : ".");
		char *top = realpath(here, real) != NULL ? strrchr(real, '/') : NULL;
		if (top == NULL || top == real)
			return;
		join_path(real, (size_t)(top - real), dir, above, sizeof(above));
		if (stat(above, &st) == 0 && S_ISDIR(st.st_mode))
			snprintf(out, size, "%s", above);
		return;
	}
	join_path(config, up != NULL ? (size_t)(up - config) : 0, dir, above, sizeof(above));
	if (up == config)
		snprintf(above, sizeof(above), "/%s", dir[0] == '.' && dir[1] == '/' ? dir + 2 : dir);
	if (stat(above, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(out, size, "%s", above);
}

/* Is this document an octoDNS config (providers and zones)? */
static bool is_config(yaml_document_t *doc)
{
	yaml_node_t *root = al_yaml_root(doc);
	return al_yaml_is_map(root) && al_yaml_is_map(al_yaml_map_get(doc, root, "providers")) &&
	       al_yaml_map_get(doc, root, "zones") != NULL;
}

/* Read the zones a config names from its YamlProvider sources; *read counts the zone files. */
static void read_config(al_zone *zone, const char *root_dir, const char *config, yaml_document_t *doc,
			seen_list *seen, size_t *read)
{
	al_input in;
	al_input_init(&in, zone, config);
	yaml_node_t *root = al_yaml_root(doc);
	yaml_node_t *providers = al_yaml_map_get(doc, root, "providers");
	yaml_node_t *zones = al_yaml_map_get(doc, root, "zones");
	if (!al_yaml_is_map(zones)) {
		al_input_problem(&in, NULL, al_yaml_line(zones), NULL, AL_ZONE_PROBLEM_SYNTAX,
				 "zones is a mapping of zone names to their sources");
		return;
	}
	for (size_t i = 0; i < al_yaml_map_count(zones) && *read < MAX_ZONE_FILES; i++) {
		yaml_node_t *key, *value;
		if (!al_yaml_map_at(doc, zones, i, &key, &value))
			continue;
		const char *zname = al_yaml_scalar(key);
		yaml_node_t *sources = al_yaml_map_get(doc, value, "sources");
		if (zname == NULL || !al_yaml_is_seq(sources))
			continue;
		bool dynamic = zname[0] == '*';
		char origin[AL_NAME_MAX], why[128];
		if (!dynamic && !al_input_owner(zname, strlen(zname), ".", origin, why)) {
			al_input_problem(&in, NULL, al_yaml_line(key), NULL, AL_ZONE_PROBLEM_SYNTAX, "zone '%s': %s",
					 zname, why);
			continue;
		}
		bool found = false, any_yaml = false;
		for (size_t s = 0; s < al_yaml_seq_count(sources) && s < 16; s++) {
			const char *src = al_yaml_scalar(al_yaml_seq_at(doc, sources, s));
			uint32_t ttl = 0;
			const char *dir = src ? yaml_provider_dir(doc, providers, src, &ttl) : NULL;
			if (dir == NULL)
				continue;
			any_yaml = true;
			char path[PATH_MAX];
			provider_path(root_dir, config, dir, path, sizeof(path));
			if (dynamic) {
				size_t n = 0;
				char **files = yaml_files(path, &n);
				for (size_t f = 0; f < n && *read < MAX_ZONE_FILES; f++) {
					char zn[AL_NAME_MAX];
					if (!al_octodns_zone_of_file(files[f], zn) || !seen_add(seen, files[f]))
						continue;
					al_error e = {0};
					read_zone_file(zone, files[f], zn, ttl, &e);
					(*read)++;
					found = true;
				}
				free_list(files, n);
				continue;
			}
			/* octoDNS names the file for the zone with its trailing dot: example.com.yaml */
			char file[PATH_MAX + AL_NAME_MAX + 8];
			const char *exts[] = {"yaml", "yml"};
			for (size_t x = 0; x < 2 && !found; x++) {
				snprintf(file, sizeof(file), "%s/%s.%s", path, origin, exts[x]);
				struct stat st;
				if (stat(file, &st) != 0 || !S_ISREG(st.st_mode))
					continue;
				found = true;
				if (seen_add(seen, file)) {
					al_error e = {0};
					read_zone_file(zone, file, origin, ttl, &e);
					(*read)++;
				}
			}
		}
		if (any_yaml && !found && !dynamic)
			al_input_problem(&in, NULL, al_yaml_line(key), origin, AL_ZONE_PROBLEM_UNREADABLE,
					 "zone %s: no %s.yaml in the directory of its YamlProvider source", origin,
					 origin);
	}
	al_input_done(&in);
}

al_status al_input_read_octodns_file(al_zone *zone, const char *path, al_error *err)
{
	yaml_document_t doc;
	al_error lerr = {0};
	al_status st = al_yaml_load_file(path, "an octoDNS file", &doc, &lerr);
	if (st == AL_OK && is_config(&doc)) {
		/* a config file: octoDNS runs from where it is named, taken as the config's directory */
		char dir[PATH_MAX];
		const char *slash = strrchr(path, '/');
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
		seen_list seen = {0};
		size_t read = 0;
		read_config(zone, dir, path, &doc, &seen, &read);
		seen_free(&seen);
		yaml_document_delete(&doc);
		return AL_OK;
	}
	char buf[AL_NAME_MAX];
	return al_octodns_read_zone(zone, path, al_octodns_zone_name_for(zone, path, buf), 0, st, &doc, &lerr, err);
}

/* Config files in @p dir and its subdirectories (one level): read the zones they name. */
static size_t read_configs_in(al_zone *zone, const char *root, const char *dir, seen_list *seen, size_t *read,
			      int depth)
{
	size_t configs = 0;
	size_t n = 0;
	char **files = yaml_files(dir, &n);
	for (size_t i = 0; i < n; i++) {
		yaml_document_t doc;
		al_error lerr = {0};
		if (al_yaml_load_file(files[i], "an octoDNS file", &doc, &lerr) != AL_OK)
			continue;
		if (is_config(&doc)) {
			configs++;
			read_config(zone, root, files[i], &doc, seen, read);
		}
		yaml_document_delete(&doc);
	}
	free_list(files, n);
	if (depth > 0)
		return configs;
	DIR *d = opendir(dir);
	if (d == NULL)
		return configs;
	char **subs = NULL;
	size_t sn = 0, subs_cap = 0, looked = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && looked++ < MAX_DIR_ENTRIES * 4 && sn < 64) {
		if (e->d_name[0] == '.')
			continue;
		char path[PATH_MAX];
		join_path(dir, strlen(dir), e->d_name, path, sizeof(path));
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		if (!AL_GROW_ONE(subs, sn, subs_cap))
			break;
		subs[sn] = strdup(path);
		if (subs[sn] != NULL)
			sn++;
	}
	closedir(d);
	if (sn > 1)
		qsort(subs, sn, sizeof(*subs), compare_names);
	for (size_t i = 0; i < sn; i++)
		configs += read_configs_in(zone, root, subs[i], seen, read, depth + 1);
	free_list(subs, sn);
	return configs;
}

al_status al_input_read_octodns_dir(al_zone *zone, const char *path, al_error *err)
{
	seen_list seen = {0};
	size_t read = 0;
	size_t configs = read_configs_in(zone, path, path, &seen, &read, 0);
	if (configs == 0) {
		/* no config: the directory holds the zone files themselves */
		size_t n = 0;
		char **files = yaml_files(path, &n);
		for (size_t i = 0; i < n && read < MAX_ZONE_FILES; i++) {
			char zn[AL_NAME_MAX];
			if (!al_octodns_zone_of_file(files[i], zn) || !seen_add(&seen, files[i]))
				continue;
			al_error e = {0};
			read_zone_file(zone, files[i], zn, 0, &e);
			read++;
		}
		free_list(files, n);
	}
	seen_free(&seen);
	if (read == 0) {
		al_zone_add_unread(zone, path, AL_ZONE_PROBLEM_UNREADABLE,
				   configs > 0 ? "its octoDNS config names no zone file that could be found"
					       : "is a directory, with no octoDNS config or zone file (example.com.yaml) in it");
		return al_error_set(err, AL_EIO, "%s: no octoDNS zone file found", path);
	}
	return AL_OK;
}
