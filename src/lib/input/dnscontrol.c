/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DNSControl: the JSON `dnscontrol print-ir` writes, each of its domains with
 * its records (type, name relative to the domain with "@" the apex, target,
 * ttl, mxpreference; TXT as one string in target, or txtstrings in older
 * versions). A record is located as FILE#domains[I].records[J].
 */
#include <stdio.h>
#include <string.h>

#include "dns/zone_internal.h"
#include "input/input_json.h"

#define MAX_DOMAINS 10000
#define DNSCONTROL_DEFAULT_TTL 300 /* DNSControl's default when a record sets none */

static void add_record(al_input *in, json_object *rec, const char *origin, size_t di, size_t ri)
{
	char label[1024];
	snprintf(label, sizeof(label), "%s#domains[%zu].records[%zu]", in->label, di, ri);
	al_location where = {.file = label, .line = 0};
	if (!json_object_is_type(rec, json_type_object)) {
		al_input_problem(in, label, 0, NULL, AL_ZONE_PROBLEM_SYNTAX, "a record is an object");
		return;
	}
	const char *tname = al_input_json_string(rec, "type", NULL);
	uint16_t type = al_input_type(tname);
	if (type == 0 || type == AL_TYPE_SOA || type == 33 || type == 39)
		return; /* pseudo-types (ALIAS, R53_ALIAS, CF_REDIRECT...) and data the checks never read */
	size_t nl = 0;
	const char *name = al_input_json_string(rec, "name", &nl);
	char owner[AL_NAME_MAX], why[128];
	if (name == NULL || !al_input_owner(name, nl, origin, owner, why)) {
		al_input_problem(in, label, 0, NULL, AL_ZONE_PROBLEM_NAME_TOO_LONG, "record name '%s': %s",
				 name ? name : "", name ? why : "missing");
		return;
	}
	unsigned long ttl = DNSCONTROL_DEFAULT_TTL;
	if (!al_input_json_uint(rec, "ttl", &ttl) || ttl == 0 || ttl > 2147483647ul)
		ttl = DNSCONTROL_DEFAULT_TTL;
	size_t tl = 0;
	const char *target = al_input_json_string(rec, "target", &tl);
	if (type == AL_TYPE_TXT || type == AL_TYPE_SPF) {
		json_object *strings = al_input_json_get(rec, "txtstrings", json_type_array);
		size_t n = strings ? json_object_array_length(strings) : 0;
		if (n > 0 && n <= AL_INPUT_MAX_VALUES) {
			/* older DNSControl: the character-strings as given */
			const char *parts[AL_INPUT_MAX_VALUES];
			size_t lengths[AL_INPUT_MAX_VALUES];
			for (size_t i = 0; i < n; i++) {
				json_object *s = json_object_array_get_idx(strings, i);
				parts[i] = json_object_is_type(s, json_type_string) ? json_object_get_string(s) : "";
				lengths[i] = json_object_is_type(s, json_type_string) ? (size_t)json_object_get_string_len(s) : 0;
			}
			if (!al_input_txt_chunks(in, parts, lengths, n))
				al_input_problem(in, label, 0, owner, AL_ZONE_PROBLEM_LIMIT, "a TXT record over 65535 octets");
			else
				al_input_add(in, &where, owner, type, (uint32_t)ttl);
			return;
		}
	}
	if (target == NULL) {
		al_input_problem(in, label, 0, owner, AL_ZONE_PROBLEM_SYNTAX, "a %s record without a target", tname);
		return;
	}
	if (type == AL_TYPE_MX) {
		unsigned long pref = 0;
		json_object *rdata = al_input_json_get(rec, "rdata", json_type_object);
		if (!al_input_json_uint(rec, "mxpreference", &pref) && !al_input_json_uint(rdata, "preference", &pref))
			pref = 0; /* DNSControl leaves out a preference of 0 (omitempty) */
		if (pref > 65535) {
			al_input_problem(in, label, 0, owner, AL_ZONE_PROBLEM_SYNTAX, "an MX preference over 65535");
			return;
		}
		char text[AL_NAME_MAX + 16];
		int n = snprintf(text, sizeof(text), "%lu %.*s", pref, (int)(tl < AL_NAME_MAX ? tl : AL_NAME_MAX), target);
		al_input_add_value(in, &where, owner, type, (uint32_t)ttl, text, (size_t)n, origin);
		return;
	}
	al_input_add_value(in, &where, owner, type, (uint32_t)ttl, target, tl, origin);
}

al_status al_input_read_dnscontrol(al_zone *zone, const char *label, const char *text, size_t length,
				   al_error *err)
{
	al_input in;
	al_input_init(&in, zone, label);
	json_object *root = al_input_json_parse(&in, text, length, "DNSControl's print-ir JSON");
	if (root == NULL) {
		al_input_done(&in);
		return al_error_set(err, AL_ESYNTAX, "%s: not JSON", label);
	}
	json_object *domains = json_object_is_type(root, json_type_array) ? root
									    : al_input_json_get(root, "domains", json_type_array);
	if (domains == NULL) {
		al_input_problem(&in, NULL, 0, NULL, AL_ZONE_PROBLEM_SYNTAX,
				 "no \"domains\" list: not the output of dnscontrol print-ir; nothing was read");
		json_object_put(root);
		al_input_done(&in);
		return AL_OK;
	}
	size_t count = json_object_array_length(domains);
	for (size_t d = 0; d < count && d < MAX_DOMAINS && !zone->limit_hit; d++) {
		json_object *dom = json_object_array_get_idx(domains, d);
		size_t nl = 0;
		const char *name = al_input_json_string(dom, "name", &nl);
		char origin[AL_NAME_MAX], why[128];
		char dlabel[1024];
		snprintf(dlabel, sizeof(dlabel), "%s#domains[%zu]", label, d);
		/* "example.com!internal": a tag for split horizons */
		const char *bang = name ? memchr(name, '!', nl) : NULL;
		if (bang != NULL)
			nl = (size_t)(bang - name);
		if (name == NULL || nl == 0 || name[nl - 1] == '.' ||
		    !al_input_owner(name, nl, ".", origin, why)) {
			al_input_problem(&in, dlabel, 0, NULL, AL_ZONE_PROBLEM_SYNTAX, "a domain without a valid name");
			continue;
		}
		al_zone_add_origin(zone, origin);
		json_object *records = al_input_json_get(dom, "records", json_type_array);
		size_t rn = records ? json_object_array_length(records) : 0;
		for (size_t r = 0; r < rn && !zone->limit_hit; r++)
			add_record(&in, json_object_array_get_idx(records, r), origin, d, r);
	}
	if (count > MAX_DOMAINS)
		al_input_problem(&in, NULL, 0, NULL, AL_ZONE_PROBLEM_LIMIT,
				 "more than %d domains; the rest were not read", MAX_DOMAINS);
	json_object_put(root);
	al_input_done(&in);
	return AL_OK;
}
