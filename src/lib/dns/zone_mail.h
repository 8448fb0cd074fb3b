/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the zone store alone tells about a name's mail records (zone mode's
 * choice of mail domains, without four lookups for every address-only name). */
#ifndef AL_DNS_ZONE_MAIL_H
#define AL_DNS_ZONE_MAIL_H

#include <stdbool.h>

#include <authlint/source.h>

/**
 * True when the store alone shows that @p name (presentation form) has no
 * record that would make it a mail domain, exactly as the zone would answer
 * the lookups for it: @p name is held (with records, or as an empty
 * non-terminal), lies inside the zone and not below a delegation, and has no
 * TXT, MX or CNAME record (its TXT and MX lookups are NODATA); and nothing is
 * held at _dmarc.@p name, _domainkey.@p name or *.@p name (their TXT lookups
 * are NXDOMAIN, no wildcard answering them). False when any of this does not
 * hold or cannot be told (the lookups must then be made).
 */
bool al_zone_mail_records_absent(const al_zone *zone, const char *name);

#endif
