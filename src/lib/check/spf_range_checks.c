/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SPF stage, spf-ranges: the ip4 and ip6 terms of one record.
 *
 *  - a range no mail from the Internet comes from: private (RFC 1918, RFC
 *    4193), shared (RFC 6598), loopback, link-local, "this network",
 *    multicast, reserved, benchmarking (RFC 2544), and the documentation
 *    ranges (RFC 5737, RFC 3849) on a domain that is not itself a
 *    documentation name (RFC 2606, RFC 6761) (SPF037);
 *  - a range inside another range of the same record, or given twice (SPF038).
 *
 * The special-purpose ranges are those of the IANA registries (RFC 6890).
 */
#include <stdint.h>
#include <string.h>

#include "check/spf_family.h"
#include "util/arena.h"

typedef struct special {
	uint8_t address[16];
	int prefix;
	const char *what;
} special;

static const special v4[] = {
	{{0, 0, 0, 0}, 8, "the \"this network\" range (RFC 1122), never a source address"},
	{{10, 0, 0, 0}, 8, "a private range (RFC 1918)"},
	{{100, 64, 0, 0}, 10, "the shared address space of carrier-grade NAT (RFC 6598)"},
	{{127, 0, 0, 0}, 8, "the loopback range (RFC 1122)"},
	{{169, 254, 0, 0}, 16, "the link-local range (RFC 3927)"},
	{{172, 16, 0, 0}, 12, "a private range (RFC 1918)"},
	{{192, 0, 2, 0}, 24, "a documentation range (RFC 5737)"},
	{{192, 168, 0, 0}, 16, "a private range (RFC 1918)"},
	{{198, 18, 0, 0}, 15, "the benchmarking range (RFC 2544)"},
	{{198, 51, 100, 0}, 24, "a documentation range (RFC 5737)"},
	{{203, 0, 113, 0}, 24, "a documentation range (RFC 5737)"},
	{{224, 0, 0, 0}, 4, "the multicast range (RFC 5771)"},
	{{240, 0, 0, 0}, 4, "the reserved range 240.0.0.0/4 (RFC 1112)"},
};

static const special v6[] = {
	{{0}, 128, "the unspecified address (RFC 4291)"},
	{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, "the loopback address (RFC 4291)"},
	{{0x20, 0x01, 0x0d, 0xb8}, 32, "the documentation range (RFC 3849)"},
	{{0xfc}, 7, "the unique local (private) range (RFC 4193)"},
	{{0xfe, 0x80}, 10, "the link-local range (RFC 4291)"},
	{{0xff}, 8, "the multicast range (RFC 4291)"},
};

/* Do the first @p bits of @p a and @p b agree? */
static bool same_prefix(const uint8_t *a, const uint8_t *b, int bits)
{
	int full = bits / 8, rest = bits % 8;
	if (memcmp(a, b, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (b[full] & mask);
}

static bool is_ip(const al_spf_term *t)
{
	return (t->type == AL_SPF_TERM_IP4 || t->type == AL_SPF_TERM_IP6) && t->error < 0;
}

static int prefix_of(const al_spf_term *t)
{
	if (t->type == AL_SPF_TERM_IP4)
		return t->cidr4 < 0 ? 32 : t->cidr4;
	return t->cidr6 < 0 ? 128 : t->cidr6;
}

/* RFC 2606 and RFC 6761 names, whose records are examples, not mail setups. */
static bool documentation_domain(const char *domain)
{
	static const char *const names[] = {"example.com", "example.net", "example.org", "example", "test",
					    "invalid", "localhost"};
	if (domain == NULL)
		return true; /* a record given alone: nothing says where it goes */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (al_name_is_subdomain(domain, names[i]))
			return true;
	return false;
}

/* The special-purpose range that holds all of @p t, or NULL. */
static const special *special_range(const al_spf_term *t, bool documentation_too)
{
	bool four = t->type == AL_SPF_TERM_IP4;
	const special *list = four ? v4 : v6;
	size_t n = four ? sizeof(v4) / sizeof(v4[0]) : sizeof(v6) / sizeof(v6[0]);
	int prefix = prefix_of(t);
	for (size_t i = 0; i < n; i++) {
		if (prefix < list[i].prefix || !same_prefix(t->address, list[i].address, list[i].prefix))
			continue;
		if (!documentation_too && strstr(list[i].what, "documentation") != NULL)
			return NULL;
		return &list[i];
	}
	return NULL;
}

void al_check_spf_ranges(const al_check_args *args)
{
	const al_spf_record *rec = args->parsed;
	if (rec == NULL || !rec->version_ok || rec->error_count > 0)
		return;
	al_lint *lint = args->lint;
	const char *domain = args->subject->domain ? args->subject->domain : args->subject->owner;
	bool documentation_too = !documentation_domain(domain);
	for (size_t i = 0; i < rec->term_count; i++) {
		const al_spf_term *t = &rec->terms[i];
		if (!is_ip(t))
			continue;
		/* only what the record authorises: "-ip4:10.0.0.0/8" excludes, harmlessly */
		const special *sp = t->qualifier == '-' || t->qualifier == '~' ? NULL : special_range(t, documentation_too);
		if (sp != NULL) {
			al_finding *f = al_finding_begin(lint, AL_RULE_SPF037, args->subject);
			al_finding_span(f, t->start, t->length);
			al_finding_arg(f, "term", "%.*s", (int)t->length, rec->text + t->start);
			al_finding_arg(f, "what", "%s", sp->what);
			al_finding_end(lint, f);
		}
		/* inside an earlier range with the same result (or the same range twice) */
		int prefix = prefix_of(t);
		for (size_t k = 0; k < rec->term_count; k++) {
			const al_spf_term *o = &rec->terms[k];
			if (k == i || !is_ip(o) || o->type != t->type || o->qualifier != t->qualifier)
				continue;
			int op = prefix_of(o);
			bool same = op == prefix && same_prefix(t->address, o->address, prefix);
			/* equal ranges: the later one is the extra; a wider range covers this one */
			if ((same && k > i) || op > prefix || !same_prefix(t->address, o->address, op))
				continue;
			al_finding *f = al_finding_begin(lint, AL_RULE_SPF038, args->subject);
			al_finding_span(f, t->start, t->length);
			al_finding_arg(f, "term", "%.*s", (int)t->length, rec->text + t->start);
			al_finding_arg(f, "how", "%s", same ? "the same as" : "inside");
			al_finding_arg(f, "other", "%.*s", (int)o->length, rec->text + o->start);
			al_finding_end(lint, f);
			break;
		}
	}
}
