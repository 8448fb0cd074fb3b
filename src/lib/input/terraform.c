/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Terraform: the JSON of `terraform show -json PLAN`. The planned values of
 * the root module and its child modules (bounded) hold the DNS record
 * resources, each read as its provider publishes it:
 *
 *   aws_route53_record      name (FQDN, or relative to the zone), records; a
 *                           TXT value's `""` separates character-strings
 *   cloudflare_record,      name (relative, "@", or FQDN), content (v4: value),
 *   cloudflare_dns_record   priority; a TXT content in quotes is read as
 *                           quoted strings, else cut at 255 octets
 *   google_dns_record_set   name (FQDN), rrdatas in zone-file form (unquoted
 *                           words are separate strings, as Cloud DNS reads them)
 *   azurerm_dns_*_record    name (relative, "@"), zone_name, record/records
 *
 * The zone of a record is the zone resource the plan has for it (by id, by
 * the configuration's reference, or the longest zone name that ends the
 * record's name), else --origin, else the record name's registrable domain.
 * A record is located as FILE#ADDRESS (the resource's address).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/orgdomain.h"
#include "dns/zone_internal.h"
#include "input/input_json.h"
#include "util/grow.h"
#include "util/strbuf.h"

#define MAX_MODULE_DEPTH 16
#define MAX_ZONES 4096

typedef struct tf_zone {
	char *address;   /* "aws_route53_zone.main" (module prefix included) */
	char *id;        /* zone_id / id / managed zone name, or NULL */
	char name[AL_NAME_MAX];
} tf_zone;

typedef struct tf {
	al_input in;
	json_object *root;
	tf_zone *zones;
	size_t zone_count, zone_capacity;
	size_t modules;
	bool any_zone_origin;
} tf;

/* ---- zones ------------------------------------------------------------------------------------ */

static void add_zone(tf *t, const char *address, const char *id, const char *name)
{
	if (name == NULL || t->zone_count >= MAX_ZONES)
		return;
	char norm[AL_NAME_MAX], why[128];
	size_t nl = strlen(name);
	if (nl == 0 || !al_input_owner(name, nl, ".", norm, why))
		return;
	if (!AL_GROW_ONE(t->zones, t->zone_count, t->zone_capacity))
		return;
	tf_zone *n = &t->zones[t->zone_count];
	n->address = address ? strdup(address) : NULL;
	n->id = id ? strdup(id) : NULL;
	snprintf(n->name, sizeof(n->name), "%s", norm);
	t->zone_count++;
}

static void note_zone_resource(tf *t, json_object *res)
{
	const char *type = al_input_json_string(res, "type", NULL);
	const char *address = al_input_json_string(res, "address", NULL);
	json_object *v = al_input_json_get(res, "values", json_type_object);
	if (type == NULL || v == NULL)
		return;
	if (strcmp(type, "aws_route53_zone") == 0) {
		add_zone(t, address, al_input_json_string(v, "zone_id", NULL), al_input_json_string(v, "name", NULL));
	} else if (strcmp(type, "cloudflare_zone") == 0) {
		const char *name = al_input_json_string(v, "zone", NULL); /* v4 */
		if (name == NULL)
			name = al_input_json_string(v, "name", NULL); /* v5 */
		const char *id = al_input_json_string(v, "zone_id", NULL);
		add_zone(t, address, id ? id : al_input_json_string(v, "id", NULL), name);
	} else if (strcmp(type, "google_dns_managed_zone") == 0) {
		/* records name their managed zone by its resource name */
		add_zone(t, address, al_input_json_string(v, "name", NULL), al_input_json_string(v, "dns_name", NULL));
	} else if (strcmp(type, "azurerm_dns_zone") == 0) {
		add_zone(t, address, NULL, al_input_json_string(v, "name", NULL));
	}
}

/* Visit the resources of a module and its children (bounded). */
typedef void (*resource_fn)(tf *t, json_object *res);

static void walk_module(tf *t, json_object *module, int depth, resource_fn fn)
{
	if (module == NULL || depth > MAX_MODULE_DEPTH || t->modules++ >= AL_INPUT_MAX_MODULES)
		return;
	json_object *resources = al_input_json_get(module, "resources", json_type_array);
	size_t n = resources ? json_object_array_length(resources) : 0;
	for (size_t i = 0; i < n && !t->in.zone->limit_hit; i++) {
		json_object *res = json_object_array_get_idx(resources, i);
		if (json_object_is_type(res, json_type_object))
			fn(t, res);
	}
	json_object *children = al_input_json_get(module, "child_modules", json_type_array);
	size_t c = children ? json_object_array_length(children) : 0;
	for (size_t i = 0; i < c; i++)
		walk_module(t, json_object_array_get_idx(children, i), depth + 1, fn);
}

static const tf_zone *zone_by_id(const tf *t, const char *id)
{
	for (size_t i = 0; id != NULL && i < t->zone_count; i++)
		if (t->zones[i].id != NULL && strcmp(t->zones[i].id, id) == 0)
			return &t->zones[i];
	return NULL;
}

static const tf_zone *zone_by_address(const tf *t, const char *address, size_t length)
{
	for (size_t i = 0; i < t->zone_count; i++)
		if (t->zones[i].address != NULL && strlen(t->zones[i].address) == length &&
		    strncmp(t->zones[i].address, address, length) == 0)
			return &t->zones[i];
	return NULL;
}

/* The longest known zone that @p name (absolute, normalised) is at or below. */
static const tf_zone *zone_by_suffix(const tf *t, const char *name)
{
	const tf_zone *best = NULL;
	for (size_t i = 0; i < t->zone_count; i++)
		if (al_name_is_subdomain(name, t->zones[i].name) &&
		    (best == NULL || strlen(t->zones[i].name) > strlen(best->name)))
			best = &t->zones[i];
	return best;
}

/* The configuration block of the resource at @p address (module calls followed), or NULL. */
static json_object *config_of(tf *t, const char *address)
{
	json_object *config = al_input_json_get(t->root, "configuration", json_type_object);
	json_object *module = al_input_json_get(config, "root_module", json_type_object);
	const char *rest = address;
	for (int depth = 0; module != NULL && depth <= MAX_MODULE_DEPTH; depth++) {
		if (strncmp(rest, "module.", 7) != 0) {
			json_object *resources = al_input_json_get(module, "resources", json_type_array);
			size_t n = resources ? json_object_array_length(resources) : 0;
			/* the configuration has one block for every instance ([0], ["a"]) */
			size_t rl = strcspn(rest, "[");
			for (size_t i = 0; i < n; i++) {
				json_object *r = json_object_array_get_idx(resources, i);
				const char *a = al_input_json_string(r, "address", NULL);
				if (a != NULL && strlen(a) == rl && strncmp(a, rest, rl) == 0)
					return r;
			}
			return NULL;
		}
		const char *name = rest + 7;
		size_t nl = strcspn(name, ".[");
		char call[256];
		snprintf(call, sizeof(call), "%.*s", (int)(nl < 255 ? nl : 255), name);
		json_object *calls = al_input_json_get(module, "module_calls", json_type_object);
		json_object *mc = al_input_json_get(calls, call, json_type_object);
		module = al_input_json_get(mc, "module", json_type_object);
		rest = name + nl;
		if (*rest == '[')
			rest += strcspn(rest, "]") + (rest[strcspn(rest, "]")] ? 1 : 0);
		if (*rest == '.')
			rest++;
	}
	return NULL;
}

/* The zone the configuration of @p address refers to through @p attribute ("zone_id"). */
static const tf_zone *zone_by_reference(tf *t, const char *address, const char *attribute)
{
	if (address == NULL)
		return NULL; /* a resource without an address has no configuration to look in */
	json_object *expressions = al_input_json_get(config_of(t, address), "expressions", json_type_object);
	json_object *refs = al_input_json_get(al_input_json_get(expressions, attribute, json_type_object),
					      "references", json_type_array);
	size_t n = refs ? json_object_array_length(refs) : 0;
	/* a reference inside a module is relative to it: add the module's prefix */
	const char *last_module = NULL;
	for (const char *p = address; (p = strstr(p, "module.")) != NULL; p += 7)
		if (p == address || p[-1] == '.')
			last_module = p;
	size_t prefix = 0;
	if (last_module != NULL) {
		const char *q = last_module + 7;
		q += strcspn(q, ".");
		prefix = (size_t)(q - address) + 1;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(refs, i);
		const char *ref = json_object_is_type(r, json_type_string) ? json_object_get_string(r) : NULL;
		if (ref == NULL)
			continue;
		char full[1024];
		snprintf(full, sizeof(full), "%.*s%s", (int)prefix, address, ref);
		/* "aws_route53_zone.main.zone_id" -> "aws_route53_zone.main" */
		const char *z = full;
		size_t len = strlen(full);
		for (size_t cut = len; cut > 0; cut--) {
			if (cut < len && full[cut] != '.')
				continue;
			const tf_zone *found = zone_by_address(t, z, cut);
			if (found != NULL)
				return found;
		}
	}
	return NULL;
}

/* The zone of a record: by id, by reference, by name, --origin, or the registrable domain. */
static bool record_zone(tf *t, const char *address, const char *id, const char *id_attribute, const char *name,
			char out[AL_NAME_MAX])
{
	const tf_zone *z = zone_by_id(t, id);
	if (z == NULL)
		z = zone_by_reference(t, address, id_attribute);
	char fqdn[AL_NAME_MAX], why[128];
	bool absolute = name != NULL && name[0] != '\0' && strcmp(name, "@") != 0 && strchr(name, '.') != NULL &&
			al_input_owner(name, strlen(name), ".", fqdn, why);
	if (z == NULL && absolute)
		z = zone_by_suffix(t, fqdn);
	if (z != NULL) {
		snprintf(out, AL_NAME_MAX, "%s", z->name);
		return true;
	}
	if (t->in.zone->options.origin != NULL) {
		snprintf(out, AL_NAME_MAX, "%s", t->in.zone->options.origin);
		return true;
	}
	const char *reg = absolute ? al_psl_registrable(NULL, fqdn) : NULL;
	if (reg != NULL) {
		snprintf(out, AL_NAME_MAX, "%s", reg);
		return true;
	}
	return false;
}

/* The owner: @p name relative to @p zone unless it already ends with it (an FQDN). */
static bool record_owner(const char *name, const char *zone, char out[AL_NAME_MAX], char *why)
{
	size_t nl = name ? strlen(name) : 0;
	if (nl > 0 && name[nl - 1] != '.') {
		char fqdn[AL_NAME_MAX];
		if (al_input_owner(name, nl, ".", fqdn, why) && al_name_is_subdomain(fqdn, zone)) {
			snprintf(out, AL_NAME_MAX, "%s", fqdn);
			return true;
		}
	}
	return al_input_owner(name ? name : "", nl, zone, out, why);
}

/* ---- TXT values --------------------------------------------------------------------------------- */

/*
 * Zone-file text for a TXT value in presentation form (Cloud DNS rrdatas, a
 * quoted Cloudflare content): quoted strings kept as they are, each unquoted
 * word a string of its own, quoted here so that ';' or '(' in it are text.
 */
static void quote_words(const char *v, size_t n, al_strbuf *out)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		if (i >= n)
			break;
		if (out->length > 0)
			al_strbuf_putc(out, ' ');
		if (v[i] == '"') {
			size_t start = i++;
			while (i < n && v[i] != '"') {
				if (v[i] == '\\' && i + 1 < n)
					i++;
				i++;
			}
			if (i < n)
				i++;
			al_strbuf_append(out, v + start, i - start);
			continue;
		}
		al_strbuf_putc(out, '"');
		while (i < n && v[i] != ' ' && v[i] != '\t') {
			if (v[i] == '\\' && i + 1 < n) {
				al_strbuf_append(out, v + i, 2);
				i += 2;
				continue;
			}
			if (v[i] == '"')
				al_strbuf_putc(out, '\\');
			al_strbuf_putc(out, v[i++]);
		}
		al_strbuf_putc(out, '"');
	}
}

/* A TXT value in presentation form through the scanner; a problem when it does not read. */
static void add_presentation_txt(tf *t, const al_location *where, const char *owner, uint16_t type,
				 uint32_t ttl, const char *v, size_t n)
{
	al_strbuf text = AL_STRBUF_INIT;
	quote_words(v, n, &text);
	char why[128];
	if (text.failed)
		snprintf(why, sizeof(why), "out of memory");
	if (!text.failed && al_input_rdata(&t->in, type, al_strbuf_cstr(&text), text.length, ".", why))
		al_input_add(&t->in, where, owner, type, ttl);
	else
		al_input_problem(&t->in, where->file, 0, owner, AL_ZONE_PROBLEM_SYNTAX, "TXT value '%.*s': %s",
				 (int)(n > 200 ? 200 : n), v, why);
	al_strbuf_free(&text);
}

/* Route 53: `""` inside a value separates character-strings; each must fit in 255 octets. */
static void add_route53_txt(tf *t, const al_location *where, const char *owner, uint16_t type, uint32_t ttl,
			    const char *v, size_t n)
{
	const char *parts[AL_INPUT_MAX_VALUES];
	size_t lengths[AL_INPUT_MAX_VALUES], count = 0;
	size_t start = 0;
	for (size_t i = 0; i + 1 < n && count + 1 < AL_INPUT_MAX_VALUES; i++) {
		if (v[i] == '"' && v[i + 1] == '"') {
			parts[count] = v + start;
			lengths[count++] = i - start;
			start = i + 2;
			i++;
		}
	}
	parts[count] = v + start;
	lengths[count++] = n - start;
	for (size_t i = 0; i < count; i++) {
		if (lengths[i] > 255) {
			al_input_problem(&t->in, where->file, 0, owner, AL_ZONE_PROBLEM_STRING_TOO_LONG,
					 "a TXT string of %zu octets: Route 53 refuses strings over 255 (split it "
					 "with \\\"\\\")",
					 lengths[i]);
			break;
		}
	}
	if (!al_input_txt_chunks(&t->in, parts, lengths, count)) {
		al_input_problem(&t->in, where->file, 0, owner, AL_ZONE_PROBLEM_LIMIT, "a TXT record over 65535 octets");
		return;
	}
	al_input_add(&t->in, where, owner, type, ttl);
}

/* ---- record resources ------------------------------------------------------------------------------ */

static uint32_t ttl_of(json_object *v, const char *key, uint32_t fallback)
{
	unsigned long ttl;
	if (!al_input_json_uint(v, key, &ttl) || ttl == 0 || ttl > 2147483647ul)
		return fallback;
	return ttl == 1 ? 300 : (uint32_t)ttl; /* Cloudflare's 1 is "automatic": 300 s */
}

/* A value of a non-TXT record (names absolute, as these providers take them). */
static void add_plain(tf *t, const al_location *where, const char *owner, uint16_t type, uint32_t ttl,
		      const char *v, size_t n)
{
	al_input_add_value(&t->in, where, owner, type, ttl, v, n, ".");
}

typedef void (*txt_adder)(tf *t, const al_location *where, const char *owner, uint16_t type, uint32_t ttl,
			  const char *v, size_t n);

/* A record set whose values are an array of strings (aws_route53_record's
 * records, google_dns_record_set's rrdatas), in the zone @p zone_key names:
 * TXT and SPF values through @p add_txt (each provider quotes them its way). */
static void record_set(tf *t, json_object *res, const al_location *where, json_object *v, const char *zone_key,
		       const char *no_zone, json_object *values, uint16_t type, txt_adder add_txt)
{
	const char *name = al_input_json_string(v, "name", NULL);
	char zone[AL_NAME_MAX], owner[AL_NAME_MAX], why[128];
	if (!record_zone(t, al_input_json_string(res, "address", NULL), al_input_json_string(v, zone_key, NULL),
			 zone_key, name, zone)) {
		al_input_problem(&t->in, where->file, 0, NULL, AL_ZONE_PROBLEM_NO_ORIGIN, "%s", no_zone);
		return;
	}
	al_zone_add_origin(t->in.zone, zone);
	if (!record_owner(name, zone, owner, why)) {
		al_input_problem(&t->in, where->file, 0, NULL, AL_ZONE_PROBLEM_NAME_TOO_LONG, "name '%s': %s",
				 name ? name : "", why);
		return;
	}
	uint32_t ttl = ttl_of(v, "ttl", 300);
	size_t n = json_object_array_length(values);
	for (size_t i = 0; i < n && i < AL_INPUT_MAX_VALUES; i++) {
		json_object *r = json_object_array_get_idx(values, i);
		if (!json_object_is_type(r, json_type_string))
			continue;
		const char *s = json_object_get_string(r);
		size_t sl = (size_t)json_object_get_string_len(r);
		if (type == AL_TYPE_TXT || type == AL_TYPE_SPF)
			add_txt(t, where, owner, type, ttl, s, sl);
		else
			add_plain(t, where, owner, type, ttl, s, sl);
	}
}

static void aws_record(tf *t, json_object *res, const al_location *where, json_object *v)
{
	uint16_t type = al_input_type(al_input_json_string(v, "type", NULL));
	json_object *records = al_input_json_get(v, "records", json_type_array);
	if (type == 0 || records == NULL)
		return; /* an alias, or records not known before apply */
	record_set(t, res, where, v, "zone_id",
		   "the zone of this record is not in the plan and its name is not a domain name: "
		   "give --origin; it was not read",
		   records, type, add_route53_txt);
}

static void cloudflare_record(tf *t, json_object *res, const al_location *where, json_object *v)
{
	const char *name = al_input_json_string(v, "name", NULL);
	uint16_t type = al_input_type(al_input_json_string(v, "type", NULL));
	size_t cl = 0;
	const char *content = al_input_json_string(v, "content", &cl);
	if (content == NULL)
		content = al_input_json_string(v, "value", &cl); /* provider v4 */
	if (type == 0 || content == NULL)
		return;
	char zone[AL_NAME_MAX], owner[AL_NAME_MAX], why[128];
	if (!record_zone(t, al_input_json_string(res, "address", NULL), al_input_json_string(v, "zone_id", NULL),
			 "zone_id", name, zone)) {
		al_input_problem(&t->in, where->file, 0, NULL, AL_ZONE_PROBLEM_NO_ORIGIN,
				 "the zone of this record is not in the plan and its name is relative: give --origin; "
				 "it was not read");
		return;
	}
	al_zone_add_origin(t->in.zone, zone);
	if (!record_owner(name, zone, owner, why)) {
		al_input_problem(&t->in, where->file, 0, NULL, AL_ZONE_PROBLEM_NAME_TOO_LONG, "name '%s': %s",
				 name ? name : "", why);
		return;
	}
	uint32_t ttl = ttl_of(v, "ttl", 300);
	if (type == AL_TYPE_TXT || type == AL_TYPE_SPF) {
		if (cl >= 2 && content[0] == '"' && content[cl - 1] == '"')
			add_presentation_txt(t, where, owner, type, ttl, content, cl);
		else
			al_input_add_value(&t->in, where, owner, type, ttl, content, cl, ".");
		return;
	}
	if (type == AL_TYPE_MX) {
		unsigned long pref = 0;
		if (!al_input_json_uint(v, "priority", &pref) || pref > 65535) {
			al_input_problem(&t->in, where->file, 0, owner, AL_ZONE_PROBLEM_SYNTAX,
					 "an MX record needs a priority from 0 to 65535");
			return;
		}
		char text[AL_NAME_MAX + 16];
		int n = snprintf(text, sizeof(text), "%lu %.*s", pref, (int)(cl < AL_NAME_MAX ? cl : AL_NAME_MAX), content);
		add_plain(t, where, owner, type, ttl, text, (size_t)n);
		return;
	}
	add_plain(t, where, owner, type, ttl, content, cl);
}

static void google_record(tf *t, json_object *res, const al_location *where, json_object *v)
{
	uint16_t type = al_input_type(al_input_json_string(v, "type", NULL));
	json_object *rrdatas = al_input_json_get(v, "rrdatas", json_type_array);
	if (type == 0 || rrdatas == NULL)
		return;
	record_set(t, res, where, v, "managed_zone",
		   "the zone of this record is not in the plan: give --origin; it was not read", rrdatas, type,
		   add_presentation_txt);
}

static void azure_record(tf *t, const char *rtype, const al_location *where, json_object *v)
{
	uint16_t type = strcmp(rtype, "azurerm_dns_txt_record") == 0     ? AL_TYPE_TXT
			: strcmp(rtype, "azurerm_dns_mx_record") == 0    ? AL_TYPE_MX
			: strcmp(rtype, "azurerm_dns_cname_record") == 0 ? AL_TYPE_CNAME
			: strcmp(rtype, "azurerm_dns_a_record") == 0     ? AL_TYPE_A
			: strcmp(rtype, "azurerm_dns_aaaa_record") == 0  ? AL_TYPE_AAAA
			: strcmp(rtype, "azurerm_dns_ns_record") == 0    ? AL_TYPE_NS
									 : 0;
	if (type == 0)
		return;
	const char *name = al_input_json_string(v, "name", NULL);
	const char *zone_name = al_input_json_string(v, "zone_name", NULL);
	char zone[AL_NAME_MAX], owner[AL_NAME_MAX], why[128];
	if (zone_name == NULL || !al_input_owner(zone_name, strlen(zone_name), ".", zone, why)) {
		al_input_problem(&t->in, where->file, 0, NULL, AL_ZONE_PROBLEM_NO_ORIGIN,
				 "no zone_name known before apply; it was not read");
		return;
	}
	al_zone_add_origin(t->in.zone, zone);
	/* Azure record names are relative to the zone ("@" the apex) */
	if (!al_input_owner(name ? name : "@", name ? strlen(name) : 1, zone, owner, why)) {
		al_input_problem(&t->in, where->file, 0, NULL, AL_ZONE_PROBLEM_NAME_TOO_LONG, "name '%s': %s",
				 name ? name : "", why);
		return;
	}
	uint32_t ttl = ttl_of(v, "ttl", 3600);
	if (type == AL_TYPE_CNAME) {
		size_t l = 0;
		const char *target = al_input_json_string(v, "record", &l);
		if (target != NULL)
			add_plain(t, where, owner, type, ttl, target, l);
		return;
	}
	json_object *list = al_input_json_get(v, type == AL_TYPE_TXT || type == AL_TYPE_MX ? "record" : "records",
					      json_type_array);
	size_t n = list ? json_object_array_length(list) : 0;
	for (size_t i = 0; i < n && i < AL_INPUT_MAX_VALUES; i++) {
		json_object *r = json_object_array_get_idx(list, i);
		if (type == AL_TYPE_TXT) {
			size_t l = 0;
			const char *s = al_input_json_string(r, "value", &l);
			if (s != NULL)
				al_input_add_value(&t->in, where, owner, type, ttl, s, l, ".");
		} else if (type == AL_TYPE_MX) {
			unsigned long pref;
			size_t l = 0;
			const char *ex = al_input_json_string(r, "exchange", &l);
			if (ex == NULL || !al_input_json_uint(r, "preference", &pref) || pref > 65535) {
				al_input_problem(&t->in, where->file, 0, owner, AL_ZONE_PROBLEM_SYNTAX,
						 "an MX record needs an exchange and a preference from 0 to 65535");
				continue;
			}
			char text[AL_NAME_MAX + 16];
			int tl = snprintf(text, sizeof(text), "%lu %.*s", pref, (int)(l < AL_NAME_MAX ? l : AL_NAME_MAX), ex);
			add_plain(t, where, owner, type, ttl, text, (size_t)tl);
		} else if (json_object_is_type(r, json_type_string)) {
			add_plain(t, where, owner, type, ttl, json_object_get_string(r),
				  (size_t)json_object_get_string_len(r));
		}
	}
}

static void record_resource(tf *t, json_object *res)
{
	const char *mode = al_input_json_string(res, "mode", NULL);
	const char *type = al_input_json_string(res, "type", NULL);
	const char *address = al_input_json_string(res, "address", NULL);
	json_object *v = al_input_json_get(res, "values", json_type_object);
	if (type == NULL || (mode != NULL && strcmp(mode, "managed") != 0))
		return;
	bool aws = strcmp(type, "aws_route53_record") == 0;
	bool cf = strcmp(type, "cloudflare_record") == 0 || strcmp(type, "cloudflare_dns_record") == 0;
	bool google = strcmp(type, "google_dns_record_set") == 0;
	bool azure = strncmp(type, "azurerm_dns_", 12) == 0;
	if (!aws && !cf && !google && !azure)
		return;
	char label[1200];
	snprintf(label, sizeof(label), "%s#%s", t->in.label, address ? address : type);
	al_location where = {.file = label, .line = 0};
	if (v == NULL) {
		al_input_problem(&t->in, label, 0, NULL, AL_ZONE_PROBLEM_UNREADABLE,
				 "the plan holds no values for this resource; it was not read");
		return;
	}
	if (aws)
		aws_record(t, res, &where, v);
	else if (cf)
		cloudflare_record(t, res, &where, v);
	else if (google)
		google_record(t, res, &where, v);
	else
		azure_record(t, type, &where, v);
}

al_status al_input_read_terraform(al_zone *zone, const char *label, const char *text, size_t length,
				  al_error *err)
{
	tf t = {0};
	al_input_init(&t.in, zone, label);
	t.root = al_input_json_parse(&t.in, text, length, "a Terraform plan in JSON");
	if (t.root == NULL) {
		al_input_done(&t.in);
		return al_error_set(err, AL_ESYNTAX, "%s: not JSON", label);
	}
	json_object *planned = al_input_json_get(t.root, "planned_values", json_type_object);
	json_object *root_module = al_input_json_get(planned, "root_module", json_type_object);
	if (root_module == NULL) {
		/* `terraform show -json` of a state has values.root_module */
		json_object *values = al_input_json_get(t.root, "values", json_type_object);
		root_module = al_input_json_get(values, "root_module", json_type_object);
	}
	if (root_module == NULL) {
		al_input_problem(&t.in, NULL, 0, NULL, AL_ZONE_PROBLEM_SYNTAX,
				 "no planned_values.root_module: not the output of terraform show -json; nothing was read");
	} else {
		/* the zones first (those planned, and those the plan read: data sources in prior_state) */
		walk_module(&t, root_module, 0, note_zone_resource);
		json_object *prior = al_input_json_get(al_input_json_get(t.root, "prior_state", json_type_object),
						       "values", json_type_object);
		t.modules = 0;
		walk_module(&t, al_input_json_get(prior, "root_module", json_type_object), 0, note_zone_resource);
		t.modules = 0;
		walk_module(&t, root_module, 0, record_resource);
		if (t.modules > AL_INPUT_MAX_MODULES)
			al_input_problem(&t.in, NULL, 0, NULL, AL_ZONE_PROBLEM_LIMIT,
					 "more than %d modules; the rest were not read", AL_INPUT_MAX_MODULES);
	}
	for (size_t i = 0; i < t.zone_count; i++) {
		free(t.zones[i].address);
		free(t.zones[i].id);
	}
	free(t.zones);
	json_object_put(t.root);
	al_input_done(&t.in);
	return AL_OK;
}
