/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * octoDNS: zone files (example.com.yaml: record names relative to the zone,
 * '' the apex, one record or a list of them per name, `value` or `values`)
 * through the project's bounded YAML reader, and config files (providers,
 * zones) that say where a YamlProvider keeps them. TXT and SPF values are
 * what octoDNS sends to a provider: a ';' is written escaped ("\;"), quotes
 * around the value and '" "' joins are dropped, and the value is cut into
 * quoted 255-octet chunks, then read as zone-file text.
 */
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dns/zone_internal.h"
#include "input/input_internal.h"
#include "util/strbuf.h"
#include "util/yaml.h"

#define MAX_DIR_ENTRIES 512   /* entries of a directory looked at */
#define MAX_ZONE_FILES 1000   /* zone files read from one config directory */

typedef struct octo {
	al_input in;
	const char *origin;   /* the zone */
	uint32_t default_ttl;
} octo;

/* The line of a YAML error message "label:LINE: ..." (0 when absent). */
static unsigned long error_line(const char *label, const char *message)
{
	size_t ll = strlen(label);
	if (strncmp(message, label, ll) != 0 || message[ll] != ':')
		return 0;
	return strtoul(message + ll + 1, NULL, 10);
}

/* The reason of a YAML error message, without "label:LINE: ". */
static const char *error_reason(const char *label, const char *message)
{
	size_t ll = strlen(label);
	if (strncmp(message, label, ll) != 0 || message[ll] != ':')
		return message;
	const char *p = strchr(message + ll + 1, ':');
	return p != NULL && p[1] == ' ' ? p + 2 : message;
}

/* The zone a file is named for: "example.com.yaml" -> "example.com"; false when not a name. */
static bool zone_of_file(const char *path, char out[AL_NAME_MAX])
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".yaml") == 0)
		n -= 5;
	else if (n > 4 && strcmp(base + n - 4, ".yml") == 0)
		n -= 4;
	else
		return false;
	if (n == 0 || memchr(base, '.', n) == NULL || n >= AL_NAME_MAX)
		return false;
	char why[128];
	return al_input_owner(base, n, ".", out, why);
}

/* ---- values ------------------------------------------------------------------------------------ */

/*
 * A TXT/SPF value as octoDNS sends it: quotes around it dropped and '" "'
 * joins removed (_ChunkedValue.process), then '"' escaped and the text cut
 * into 255-character chunks, each quoted (chunked_value). Control bytes are
 * written as \DDD so that the chunk stays one quoted string.
 */
static void octodns_txt_text(const char *v, size_t n, al_strbuf *out)
{
	al_strbuf joined = AL_STRBUF_INIT;
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	for (size_t i = 0; i < n; i++) {
		if (i + 3 <= n && memcmp(v + i, "\" \"", 3) == 0) {
			i += 2;
			continue;
		}
		if (v[i] == '"')
			al_strbuf_putc(&joined, '\\');
		al_strbuf_putc(&joined, v[i]);
	}
	const char *t = al_strbuf_cstr(&joined);
	size_t tl = joined.length;
	for (size_t at = 0; at < tl || at == 0; at += 255) {
		size_t part = tl - at > 255 ? 255 : tl - at;
		if (at > 0)
			al_strbuf_putc(out, ' ');
		al_strbuf_putc(out, '"');
		for (size_t i = at; i < at + part; i++) {
			unsigned char c = (unsigned char)t[i];
			if (c < ' ' || c == 0x7f)
				al_strbuf_printf(out, "\\%03u", c);
			else
				al_strbuf_putc(out, (char)c);
		}
		al_strbuf_putc(out, '"');
		if (tl == 0)
			break;
	}
	al_strbuf_free(&joined);
}

/* octoDNS refuses a ';' after a word character that is not escaped (r'\w;'). */
static bool unescaped_semicolon(const char *v)
{
	for (size_t i = 1; v[0] != '\0' && v[i] != '\0'; i++)
		if (v[i] == ';' && (isalnum((unsigned char)v[i - 1]) || v[i - 1] == '_'))
			return true;
	return false;
}

static void add_value(octo *o, yaml_document_t *doc, const char *owner, uint16_t type, uint32_t ttl,
		      yaml_node_t *value)
{
	al_input *in = &o->in;
	unsigned long line = al_yaml_line(value);
	al_location where = {.file = in->label, .line = line};
	char tbuf[16], why[128];
	const char *tname = al_rrtype_name(type, tbuf);
	if (type == AL_TYPE_MX) {
		if (!al_yaml_is_map(value)) {
			al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX,
					 "an MX value is a mapping with exchange and preference");
			return;
		}
		yaml_node_t *ex = al_yaml_map_get(doc, value, "exchange");
		if (ex == NULL)
			ex = al_yaml_map_get(doc, value, "value");
		yaml_node_t *pref = al_yaml_map_get(doc, value, "preference");
		if (pref == NULL)
			pref = al_yaml_map_get(doc, value, "priority");
		const char *exs = al_yaml_scalar(ex);
		unsigned long p;
		if (exs == NULL || !al_yaml_ulong(pref, &p) || p > 65535) {
			al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX,
					 "an MX value needs an exchange and a preference from 0 to 65535");
			return;
		}
		size_t el = strlen(exs);
		if (el == 0 || exs[el - 1] != '.') {
			al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX,
					 "MX exchange '%s' has no trailing dot (octoDNS refuses it)", exs);
			return;
		}
		char text[AL_NAME_MAX + 16];
		int n = snprintf(text, sizeof(text), "%lu %s", p, exs);
		if (n < 0 || (size_t)n >= sizeof(text) || !al_input_rdata(in, type, text, (size_t)n, ".", why)) {
			al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX, "MX value: %s", why);
			return;
		}
		al_input_add(in, &where, owner, type, ttl);
		return;
	}
	const char *v = al_yaml_scalar(value);
	if (v == NULL) {
		al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX, "a %s value is a single string",
				 tname);
		return;
	}
	if (type == AL_TYPE_TXT || type == AL_TYPE_SPF) {
		if (unescaped_semicolon(v)) {
			al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX,
					 "a %s value with an unescaped ';' (octoDNS refuses it: write \\;)", tname);
			return;
		}
		al_strbuf text = AL_STRBUF_INIT;
		octodns_txt_text(v, strlen(v), &text);
		bool ok = !text.failed && al_input_rdata(in, type, al_strbuf_cstr(&text), text.length, ".", why);
		if (text.failed)
			snprintf(why, sizeof(why), "out of memory");
		al_strbuf_free(&text);
		if (!ok) {
			al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX, "%s value: %s", tname, why);
			return;
		}
		al_input_add(in, &where, owner, type, ttl);
		return;
	}
	size_t vl = strlen(v);
	if ((type == AL_TYPE_CNAME || type == AL_TYPE_NS || type == AL_TYPE_PTR) && (vl == 0 || v[vl - 1] != '.')) {
		al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX,
				 "%s value '%s' has no trailing dot (octoDNS refuses it)", tname, v);
		return;
	}
	if (!al_input_rdata(in, type, v, vl, ".", why)) {
		al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX, "%s value: %s", tname, why);
		return;
	}
	al_input_add(in, &where, owner, type, ttl);
}

/* One record (a mapping with type and value(s)) at @p owner. */
static void add_record(octo *o, yaml_document_t *doc, const char *owner, yaml_node_t *rec)
{
	al_input *in = &o->in;
	unsigned long line = al_yaml_line(rec);
	if (!al_yaml_is_map(rec)) {
		al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX,
				 "a record is a mapping with type and value or values");
		return;
	}
	const char *tname = al_yaml_scalar(al_yaml_map_get(doc, rec, "type"));
	if (tname == NULL) {
		al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX, "a record without a type");
		return;
	}
	uint16_t type = al_input_type(tname);
	if (type == 0)
		return; /* a type octoDNS has and the checks never read (ALIAS, URLFWD, ...) */
	uint32_t ttl = o->default_ttl;
	yaml_node_t *tn = al_yaml_map_get(doc, rec, "ttl");
	unsigned long t;
	if (tn != NULL) {
		if (!al_yaml_ulong(tn, &t) || t > 2147483647ul)
			al_input_problem(in, NULL, al_yaml_line(tn), owner, AL_ZONE_PROBLEM_SYNTAX,
					 "ttl is a number of seconds");
		else
			ttl = (uint32_t)t;
	}
	if (!al_zone_keep_rdata(type)) {
		/* the name has this type: a CAA, a DS... (their data is not read) */
		al_location where = {.file = in->label, .line = line};
		in->rdlength = 0;
		al_input_add(in, &where, owner, type, ttl);
		return;
	}
	if (type == 33 || type == AL_TYPE_SOA || type == 39)
		return; /* SRV, SOA, DNAME: nothing the checks read */
	yaml_node_t *values = al_yaml_map_get(doc, rec, "values");
	yaml_node_t *value = al_yaml_map_get(doc, rec, "value");
	if (values != NULL && al_yaml_is_seq(values)) {
		size_t n = al_yaml_seq_count(values);
		if (n > AL_INPUT_MAX_VALUES) {
			al_input_problem(in, NULL, al_yaml_line(values), owner, AL_ZONE_PROBLEM_LIMIT,
					 "more than %u values; the rest were not read", AL_INPUT_MAX_VALUES);
			n = AL_INPUT_MAX_VALUES;
		}
		for (size_t i = 0; i < n; i++)
			add_value(o, doc, owner, type, ttl, al_yaml_seq_at(doc, values, i));
	} else if (values != NULL) {
		add_value(o, doc, owner, type, ttl, values);
	} else if (value != NULL) {
		add_value(o, doc, owner, type, ttl, value);
	} else {
		al_input_problem(in, NULL, line, owner, AL_ZONE_PROBLEM_SYNTAX, "a %s record without value or values",
				 tname);
	}
}

/* A zone file's document: names to records. */
static void read_zone_doc(octo *o, yaml_document_t *doc)
{
	al_input *in = &o->in;
	yaml_node_t *root = al_yaml_root(doc);
	if (root == NULL || al_yaml_is_null(root))
		return;
	if (!al_yaml_is_map(root)) {
		al_input_problem(in, NULL, al_yaml_line(root), NULL, AL_ZONE_PROBLEM_SYNTAX,
				 "an octoDNS zone file is a mapping of names to records");
		return;
	}
	for (size_t i = 0; i < al_yaml_map_count(root); i++) {
		yaml_node_t *key, *value;
		if (!al_yaml_map_at(doc, root, i, &key, &value))
			continue;
		const char *name = al_yaml_scalar(key);
		char owner[AL_NAME_MAX], why[128];
		if (name == NULL) {
			al_input_problem(in, NULL, al_yaml_line(key), NULL, AL_ZONE_PROBLEM_SYNTAX,
					 "a record name is a string");
			continue;
		}
		if (!al_input_owner(name, strlen(name), o->origin, owner, why)) {
			al_input_problem(in, NULL, al_yaml_line(key), NULL, AL_ZONE_PROBLEM_NAME_TOO_LONG,
					 "record name '%s': %s", name, why);
			continue;
		}
		if (al_yaml_is_seq(value)) {
			size_t n = al_yaml_seq_count(value);
			if (n > AL_INPUT_MAX_VALUES)
				n = AL_INPUT_MAX_VALUES;
			for (size_t k = 0; k < n; k++)
				add_record(o, doc, owner, al_yaml_seq_at(doc, value, k));
		} else {
			add_record(o, doc, owner, value);
		}
		if (in->zone->limit_hit)
			return;
	}
}

/* Read a zone document already loaded (or the reason it could not be) for @p zone_name. */
static al_status read_zone(al_zone *zone, const char *label, const char *zone_name, uint32_t default_ttl,
			   al_status loaded, yaml_document_t *doc, const al_error *lerr, al_error *err)
{
	octo o = {0};
	al_input_init(&o.in, zone, label);
	o.default_ttl = default_ttl ? default_ttl : AL_INPUT_DEFAULT_TTL;
	if (loaded != AL_OK) {
		al_zone_problem_kind kind = loaded == AL_ESYNTAX ? AL_ZONE_PROBLEM_SYNTAX
					    : loaded == AL_ELIMIT ? AL_ZONE_PROBLEM_LIMIT
								  : AL_ZONE_PROBLEM_UNREADABLE;
		const char *reason = lerr->message[0] ? error_reason(label, lerr->message) : al_status_message(loaded);
		if (kind == AL_ZONE_PROBLEM_SYNTAX)
			al_input_problem(&o.in, NULL, error_line(label, lerr->message), NULL, kind,
					 "%s; nothing in the file was read", reason);
		else
			al_zone_add_unread(zone, label, kind, reason);
		al_input_done(&o.in);
		return al_error_set(err, loaded == AL_ESYNTAX ? AL_ESYNTAX : AL_EIO, "%s", lerr->message);
	}
	if (zone_name == NULL) {
		al_input_problem(&o.in, NULL, 0, NULL, AL_ZONE_PROBLEM_NO_ORIGIN,
				 "the file is not named for its zone (example.com.yaml) and no --origin was given; "
				 "it was not read");
		yaml_document_delete(doc);
		al_input_done(&o.in);
		return AL_OK;
	}
	o.origin = zone_name;
	al_zone_add_origin(zone, zone_name);
	read_zone_doc(&o, doc);
	yaml_document_delete(doc);
	al_input_done(&o.in);
	return AL_OK;
}

/* The zone of an input named @p label: its file name, else the store's --origin. */
static const char *zone_name_for(al_zone *zone, const char *label, char buf[AL_NAME_MAX])
{
	if (zone_of_file(label, buf))
		return buf;
	return zone->options.origin;
}

al_status al_input_read_octodns_text(al_zone *zone, const char *label, const char *text, size_t length,
				     al_error *err)
{
	yaml_document_t doc;
	al_error lerr = {0};
	al_status st = al_yaml_load_buffer(label, text, length, &doc, &lerr);
	char buf[AL_NAME_MAX];
	return read_zone(zone, label, zone_name_for(zone, label, buf), 0, st, &doc, &lerr, err);
}

/* ---- config files and directories ---------------------------------------------------------------- */

typedef struct seen_list {
	char **paths;   /* realpaths of the zone files read */
	size_t count;
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
	char **p = realloc(seen->paths, (seen->count + 1) * sizeof(*p));
	if (p == NULL) {
		free(real);
		return true;
	}
	seen->paths = p;
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
	return read_zone(zone, path, zone_name, ttl, st, &doc, &lerr, err);
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
	size_t n = 0, looked = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && looked++ < MAX_DIR_ENTRIES * 4 && n < MAX_DIR_ENTRIES) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || !((l > 5 && strcmp(e->d_name + l - 5, ".yaml") == 0) ||
					     (l > 4 && strcmp(e->d_name + l - 4, ".yml") == 0)))
			continue;
		char **p = realloc(list, (n + 1) * sizeof(*p));
		if (p == NULL)
			break;
		list = p;
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
					if (!zone_of_file(files[f], zn) || !seen_add(seen, files[f]))
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
	return read_zone(zone, path, zone_name_for(zone, path, buf), 0, st, &doc, &lerr, err);
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
	size_t sn = 0, looked = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && looked++ < MAX_DIR_ENTRIES * 4 && sn < 64) {
		if (e->d_name[0] == '.')
			continue;
		char path[PATH_MAX];
		join_path(dir, strlen(dir), e->d_name, path, sizeof(path));
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		char **p = realloc(subs, (sn + 1) * sizeof(*p));
		if (p == NULL)
			break;
		subs = p;
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
			if (!zone_of_file(files[i], zn) || !seen_add(&seen, files[i]))
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
