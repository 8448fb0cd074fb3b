/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which family a TXT record or an owner name belongs to: the one place that
 * says what starts an SPF or a DMARC record and how a DKIM key's owner name
 * splits into selector and domain. Depends on nothing.
 */
#ifndef AL_RECORD_DETECT_H
#define AL_RECORD_DETECT_H

#include <stdbool.h>
#include <stddef.h>

/** Does @p text start an SPF record: "v=spf1" (any case) then a space or the end (RFC 7208 4.5)? */
bool al_text_is_spf(const char *text, size_t length);
/** Does @p text start like a DMARC record: "v=DMARC1" (any case) then ';', a space, a tab or the end? */
bool al_text_is_dmarc(const char *text, size_t length);
/**
 * Does @p name have the form <selector>._domainkey[.<domain>] (the first
 * "._domainkey" label after at least one label)? Then *selector_length is the
 * length of the selector at the start of @p name and *domain points into
 * @p name after "._domainkey." ("" when nothing follows). Case-sensitive, as
 * names are compared in their normal (lower-case) form.
 */
bool al_dkim_name_split(const char *name, size_t *selector_length, const char **domain);

#endif
