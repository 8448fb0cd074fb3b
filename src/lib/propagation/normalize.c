/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One server's answer, normalised: the records that answer the question (the
 * RRset of the type asked, after a CNAME chain inside the answer), sorted,
 * names in canonical (lower) case, TTLs kept aside; or NXDOMAIN / NODATA with
 * the negative TTL; or why the answer cannot be used. Record text comes from
 * ldns for every type but TXT, whose character-strings are kept as received.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns/wire.h"
#include "propagation/prop_internal.h"

/* ---- one record ------------------------------------------------------------------ */

static bool is_txt(uint16_t type)
{
	return type == AL_TYPE_TXT || type == AL_TYPE_SPF;
}

/* RDATA of other types in presentation form through ldns, names lower case. */
static bool ldns_rdata_text(al_strbuf *out, const al_rr *rr)
{
	/* a whole RR in wire form: root owner, type, class IN, TTL 0, RDLENGTH, RDATA */
	size_t n = 11 + (size_t)rr->rdlength;
	uint8_t *wire = malloc(n);
	if (wire == NULL)
		return false;
	memset(wire, 0, 11);
	wire[1] = (uint8_t)(rr->type >> 8);
	wire[2] = (uint8_t)rr->type;
	wire[4] = 1;
	wire[9] = (uint8_t)(rr->rdlength >> 8);
	wire[10] = (uint8_t)rr->rdlength;
	if (rr->rdlength > 0)
		memcpy(wire + 11, rr->rdata, rr->rdlength);
	ldns_rr *lr = NULL;
	size_t pos = 0;
	bool ok = ldns_wire2rr(&lr, wire, n, &pos, LDNS_SECTION_ANSWER) == LDNS_STATUS_OK && lr != NULL;
	free(wire);
	if (!ok) {
		ldns_rr_free(lr);
		return false;
	}
	ldns_rr2canonical(lr);
	for (size_t i = 0; i < ldns_rr_rd_count(lr); i++) {
		char *s = ldns_rdf2str(ldns_rr_rdf(lr, i));
		if (s == NULL) {
			ldns_rr_free(lr);
			return false;
		}
		if (i > 0)
			al_strbuf_putc(out, ' ');
		al_strbuf_puts(out, s);
		free(s);
	}
	ldns_rr_free(lr);
	return true;
}

/* RFC 3597 generic form, when ldns cannot read the RDATA. */
static void generic_rdata(al_strbuf *out, const al_rr *rr)
{
	al_strbuf_printf(out, "\\# %u", (unsigned)rr->rdlength);
	if (rr->rdlength > 0)
		al_strbuf_putc(out, ' ');
	for (size_t i = 0; i < rr->rdlength; i++)
		al_strbuf_printf(out, "%02x", rr->rdata[i]);
}

static void txt_strings(al_strbuf *out, const al_rr *rr)
{
	size_t i = 0;
	bool first = true;
	while (i < rr->rdlength) {
		size_t n = rr->rdata[i];
		if (i + 1 + n > rr->rdlength)
			n = rr->rdlength - i - 1; /* a string cut short: show what is there */
		if (!first)
			al_strbuf_putc(out, ' ');
		first = false;
		al_strbuf_putc(out, '"');
		for (size_t k = 0; k < n; k++) {
			char c = (char)rr->rdata[i + 1 + k];
			if (c == '"' || c == '\\')
				al_strbuf_putc(out, '\\');
			al_strbuf_putc(out, c);
		}
		al_strbuf_putc(out, '"');
		i += 1 + n;
	}
	if (first)
		al_strbuf_puts(out, "\"\""); /* no string at all */
}

void al_prop_format_rr(al_strbuf *out, const al_rr *rr, const char *qname)
{
	char tbuf[16];
	if (qname == NULL || !al_name_equal(rr->owner, qname)) {
		al_strbuf_puts(out, rr->owner);
		al_strbuf_putc(out, ' ');
	}
	if (is_txt(rr->type)) {
		if (rr->type != AL_TYPE_TXT)
			al_strbuf_printf(out, "%s ", al_rrtype_name(rr->type, tbuf));
		txt_strings(out, rr);
		return;
	}
	al_strbuf_printf(out, "%s ", al_rrtype_name(rr->type, tbuf));
	size_t before = out->length;
	if (!ldns_rdata_text(out, rr)) {
		if (out->data != NULL)
			out->data[before] = '\0';
		out->length = before;
		generic_rdata(out, rr);
	}
}

void al_prop_canonical_rr(al_strbuf *out, const al_rr *rr)
{
	al_strbuf_printf(out, "%s %u ", rr->owner, (unsigned)rr->type);
	if (is_txt(rr->type)) {
		for (size_t i = 0; i < rr->rdlength; i++)
			al_strbuf_printf(out, "%02x", rr->rdata[i]);
		return;
	}
	size_t before = out->length;
	if (!ldns_rdata_text(out, rr)) {
		if (out->data != NULL)
			out->data[before] = '\0';
		out->length = before;
		generic_rdata(out, rr);
	}
}

/* The two names, then five 32-bit numbers. */
static bool soa_numbers(const al_rr *rr, uint32_t numbers[5])
{
	if (rr->type != AL_TYPE_SOA || rr->rdata == NULL)
		return false;
	char name[AL_NAME_MAX];
	size_t used = 0, pos = 0;
	for (int k = 0; k < 2; k++) {
		if (!al_wire_name_to_text(rr->rdata, rr->rdlength, pos, name, &used))
			return false;
		pos += used;
	}
	if (pos + 20 > rr->rdlength)
		return false;
	for (int k = 0; k < 5; k++) {
		const uint8_t *p = rr->rdata + pos + 4 * (size_t)k;
		numbers[k] = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
	}
	return true;
}

bool al_prop_soa_serial(const al_rr *rr, uint32_t *serial)
{
	uint32_t n[5];
	if (!soa_numbers(rr, n))
		return false;
	*serial = n[0];
	return true;
}

bool al_prop_soa_negative_ttl(const al_rr *rr, uint32_t *ttl)
{
	uint32_t n[5];
	if (!soa_numbers(rr, n))
		return false;
	*ttl = rr->ttl < n[4] ? rr->ttl : n[4];
	return true;
}

/* ---- one answer --------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The records answering (qname, qtype) among @p rrs: the RRset of qtype at
 * the name reached by following CNAMEs from qname (at most AL_PROP_MAX_CHAIN).
 * Marks them in @p take; returns how many.
 */
static size_t select_records(const char *qname, uint16_t qtype, const al_rr *rrs, size_t count, bool *take)
{
	const char *at = qname;
	size_t taken = 0;
	for (int step = 0; step <= AL_PROP_MAX_CHAIN; step++) {
		bool found = false;
		for (size_t i = 0; i < count; i++) {
			if (rrs[i].type == qtype && al_name_equal(rrs[i].owner, at)) {
				if (!take[i])
					taken++;
				take[i] = true;
				found = true;
			}
		}
		if (found || qtype == AL_TYPE_CNAME)
			return taken;
		const al_rr *cname = NULL;
		for (size_t i = 0; i < count && cname == NULL; i++)
			if (rrs[i].type == AL_TYPE_CNAME && al_name_equal(rrs[i].owner, at) && !take[i])
				cname = &rrs[i];
		if (cname == NULL)
			return taken;
		take[cname - rrs] = true;
		taken++;
		char *next = NULL;
		char buf[AL_NAME_MAX];
		if (!al_wire_name_to_text(cname->rdata, cname->rdlength, 0, buf, NULL))
			return taken;
		/* `at` must stay valid: point into the record list's own owners when possible */
		for (size_t i = 0; i < count && next == NULL; i++)
			if (al_name_equal(rrs[i].owner, buf))
				next = (char *)rrs[i].owner;
		if (next == NULL)
			return taken; /* the target's records are not in the answer */
		at = next;
	}
	return taken;
}

/* Fill key, records and TTL from the records taken. */
static al_status describe_records(al_arena *arena, const char *qname, const char *zone, const al_rr *rrs,
				  size_t count, const bool *take, size_t taken, al_prop_norm *out)
{
	const char **canon = al_arena_calloc(arena, taken ? taken : 1, sizeof(*canon));
	const char **shown = al_arena_calloc(arena, taken ? taken : 1, sizeof(*shown));
	if (canon == NULL || shown == NULL)
		return AL_ENOMEM;
	size_t nc = 0, ns = 0;
	al_strbuf sb = AL_STRBUF_INIT;
	out->ttl_known = false;
	for (size_t i = 0; i < count; i++) {
		if (!take[i])
			continue;
		const al_rr *rr = &rrs[i];
		if (!out->ttl_known || rr->ttl < out->ttl)
			out->ttl = rr->ttl;
		out->ttl_known = true;
		al_strbuf_reset(&sb);
		al_prop_format_rr(&sb, rr, qname);
		shown[ns++] = al_arena_strndup(arena, al_strbuf_cstr(&sb), sb.length);
		/* records outside the zone compared are not served by its servers */
		if (zone == NULL || al_name_is_subdomain(rr->owner, zone)) {
			al_strbuf_reset(&sb);
			al_prop_canonical_rr(&sb, rr);
			canon[nc++] = al_arena_strndup(arena, al_strbuf_cstr(&sb), sb.length);
		}
	}
	bool failed = sb.failed;
	al_strbuf_free(&sb);
	if (failed)
		return AL_ENOMEM;
	for (size_t i = 0; i < ns; i++)
		if (shown[i] == NULL)
			return AL_ENOMEM;
	for (size_t i = 0; i < nc; i++)
		if (canon[i] == NULL)
			return AL_ENOMEM;
	qsort(shown, ns, sizeof(*shown), cmp_str);
	qsort(canon, nc, sizeof(*canon), cmp_str);
	/* an RRset holds no duplicates: the same record twice is one */
	size_t k = 0;
	for (size_t i = 0; i < nc; i++)
		if (k == 0 || strcmp(canon[k - 1], canon[i]) != 0)
			canon[k++] = canon[i];
	nc = k;
	k = 0;
	for (size_t i = 0; i < ns; i++)
		if (k == 0 || strcmp(shown[k - 1], shown[i]) != 0)
			shown[k++] = shown[i];
	ns = k;
	al_strbuf key = AL_STRBUF_INIT;
	al_strbuf_puts(&key, "answer");
	for (size_t i = 0; i < nc; i++) {
		al_strbuf_putc(&key, '\n');
		al_strbuf_puts(&key, canon[i]);
	}
	out->key = key.failed ? NULL : al_arena_strndup(arena, al_strbuf_cstr(&key), key.length);
	al_strbuf_free(&key);
	if (out->key == NULL)
		return AL_ENOMEM;
	out->records = shown;
	out->record_count = ns;
	return AL_OK;
}

/* NXDOMAIN or NODATA: the negative TTL from the SOA in the authority section. */
static void negative(const al_rr *authority, size_t count, al_prop_norm *out)
{
	for (size_t i = 0; i < count; i++) {
		if (authority[i].type != AL_TYPE_SOA)
			continue;
		uint32_t ttl;
		if (al_prop_soa_negative_ttl(&authority[i], &ttl)) {
			out->ttl = ttl;
			out->ttl_known = true;
			if (out->soa_owner == NULL)
				out->soa_owner = authority[i].owner;
			return;
		}
	}
}

static const char *rcode_detail(al_arena *arena, unsigned rcode, const char *what)
{
	char buf[16];
	return al_arena_printf(arena, "%s%s", al_dns_rcode_text(rcode, buf), what ? what : "");
}

static bool has_ns(const al_rr *rrs, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (rrs[i].type == AL_TYPE_NS)
			return true;
	return false;
}

al_status al_prop_normalize_reply(al_arena *arena, al_prop_role role, const char *qname, uint16_t qtype,
				  const char *zone, const al_dns_reply *reply, al_prop_norm *out)
{
	memset(out, 0, sizeof(*out));
	if (reply == NULL) {
		out->status = AL_PROP_FAILED;
		out->detail = "out of memory";
		return AL_OK;
	}
	if (reply->outcome != AL_DNS_ANSWERED) {
		out->status = AL_PROP_FAILED;
		out->detail = al_arena_printf(arena, "%s: %s", al_dns_outcome_name(reply->outcome),
					      reply->detail ? reply->detail : "no answer");
		return out->detail ? AL_OK : AL_ENOMEM;
	}
	/* the SOA's owner says which zone answered, whatever the rcode */
	for (size_t i = 0; i < reply->answer_count && out->soa_owner == NULL; i++)
		if (reply->answer[i].type == AL_TYPE_SOA)
			out->soa_owner = reply->answer[i].owner;
	unsigned rc = reply->rcode;
	bool auth = role == AL_PROP_AUTHORITATIVE;
	if (rc != AL_DNS_RCODE_NOERROR && rc != AL_DNS_RCODE_NXDOMAIN) {
		out->status = auth ? AL_PROP_LAME : AL_PROP_FAILED;
		out->detail = rcode_detail(arena, rc, auth && rc == AL_DNS_RCODE_REFUSED
						      ? " (the server does not serve the zone)"
						      : NULL);
		return out->detail ? AL_OK : AL_ENOMEM;
	}
	if (auth && !reply->aa) {
		out->status = AL_PROP_LAME;
		if (reply->answer_count == 0 && has_ns(reply->authority, reply->authority_count))
			out->detail = "a referral: the server does not serve the zone of the name (AA clear)";
		else
			out->detail = "not authoritative: the answer has AA clear";
		return AL_OK;
	}
	if (rc == AL_DNS_RCODE_NXDOMAIN) {
		/* a CNAME chain ending in a name that does not exist is still NXDOMAIN */
		out->status = AL_PROP_NXDOMAIN;
		out->key = "nxdomain";
		negative(reply->authority, reply->authority_count, out);
		return AL_OK;
	}
	size_t n = reply->answer_count;
	if (n > AL_PROP_MAX_RECORDS) {
		out->status = AL_PROP_FAILED;
		out->detail = al_arena_printf(arena, "an answer of %zu records (more than %d are not compared)",
					      n, AL_PROP_MAX_RECORDS);
		return out->detail ? AL_OK : AL_ENOMEM;
	}
	bool take[AL_PROP_MAX_RECORDS];
	memset(take, 0, sizeof(take));
	size_t taken = select_records(qname, qtype, reply->answer, n, take);
	if (taken == 0) {
		out->status = AL_PROP_NODATA;
		out->key = "nodata";
		negative(reply->authority, reply->authority_count, out);
		return AL_OK;
	}
	out->status = AL_PROP_ANSWER;
	if (qtype == AL_TYPE_SOA) {
		for (size_t i = 0; i < n && !out->has_serial; i++)
			if (take[i] && reply->answer[i].type == AL_TYPE_SOA)
				out->has_serial = al_prop_soa_serial(&reply->answer[i], &out->serial);
	}
	return describe_records(arena, qname, zone, reply->answer, n, take, taken, out);
}

al_status al_prop_normalize_answer(al_arena *arena, const char *qname, uint16_t qtype, const char *zone,
				   const al_answer *answer, al_prop_norm *out)
{
	memset(out, 0, sizeof(*out));
	if (answer->rcode == AL_RCODE_NXDOMAIN) {
		out->status = AL_PROP_NXDOMAIN;
		out->key = "nxdomain";
		return AL_OK;
	}
	if (answer->rcode != AL_RCODE_NOERROR) {
		out->status = AL_PROP_FAILED;
		out->detail = al_rcode_name(answer->rcode);
		return AL_OK;
	}
	size_t chain = answer->cname_count < AL_PROP_MAX_CHAIN ? answer->cname_count : AL_PROP_MAX_CHAIN;
	size_t n = chain + answer->count;
	if (answer->count == 0 && chain == 0) {
		out->status = AL_PROP_NODATA;
		out->key = "nodata";
		return AL_OK;
	}
	if (n > AL_PROP_MAX_RECORDS) {
		out->status = AL_PROP_FAILED;
		out->detail = "too many records to compare";
		return AL_OK;
	}
	/* the CNAMEs followed become records, as a server sends them */
	al_rr *rrs = al_arena_calloc(arena, n, sizeof(*rrs));
	if (rrs == NULL)
		return AL_ENOMEM;
	const char *owner = qname;
	for (size_t i = 0; i < chain; i++) {
		uint8_t *wire = al_arena_alloc(arena, 255);
		if (wire == NULL)
			return AL_ENOMEM;
		size_t wl = al_name_to_wire(answer->cnames[i], strlen(answer->cnames[i]), wire, NULL);
		rrs[i].owner = owner;
		rrs[i].type = AL_TYPE_CNAME;
		rrs[i].ttl = answer->ttl;
		rrs[i].rdata = wire;
		rrs[i].rdlength = (uint16_t)wl;
		owner = answer->cnames[i];
	}
	for (size_t i = 0; i < answer->count; i++) {
		rrs[chain + i] = answer->rrs[i];
		rrs[chain + i].owner = owner; /* a wildcard's records are served at the name asked */
	}
	if (answer->count == 0) {
		/* a chain that ends without records of the type: a server answers the chain */
		bool take[AL_PROP_MAX_RECORDS];
		memset(take, 0, sizeof(take));
		for (size_t i = 0; i < chain; i++)
			take[i] = true;
		out->status = AL_PROP_ANSWER;
		return describe_records(arena, qname, zone, rrs, n, take, chain, out);
	}
	bool take[AL_PROP_MAX_RECORDS];
	memset(take, 0, sizeof(take));
	for (size_t i = 0; i < n; i++)
		take[i] = true;
	out->status = AL_PROP_ANSWER;
	if (qtype == AL_TYPE_SOA)
		for (size_t i = chain; i < n && !out->has_serial; i++)
			out->has_serial = al_prop_soa_serial(&rrs[i], &out->serial);
	return describe_records(arena, qname, zone, rrs, n, take, n, out);
}
