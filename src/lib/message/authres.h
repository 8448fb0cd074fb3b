/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading the values of Authentication-Results (RFC 8601) and Received-SPF
 * (RFC 7208 9.1). The types are public (message.h). */
#ifndef AL_MESSAGE_AUTHRES_H
#define AL_MESSAGE_AUTHRES_H

#include <authlint/message.h>

#include "util/arena.h"

/**
 * Parse the (unfolded) value of an Authentication-Results field. What parsed
 * before an error is kept; out->error says why the rest was not read. Strings
 * and arrays live in @p arena.
 */
void al_authres_parse(al_arena *arena, const char *text, al_authres *out);
/** Parse the value of a Received-SPF field: its result and client-ip, envelope-from, helo. */
void al_received_spf_parse(al_arena *arena, const char *text, al_received_spf *out);

#endif
