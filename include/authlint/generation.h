/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file generation.h
 * The two generations of DMARC receivers: RFC 7489 and RFC 9989. The DMARC
 * parser and the findings both speak of them, so they live here, below both.
 */
#ifndef AUTHLINT_GENERATION_H
#define AUTHLINT_GENERATION_H

#include <authlint/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Which DMARC receiver generation something concerns. */
typedef enum al_generation {
	AL_GENERATION_ANY = 0,
	AL_GENERATION_RFC7489,
	AL_GENERATION_RFC9989,
} al_generation;

/** NULL for ANY, "rfc7489", "rfc9989". */
AL_EXPORT const char *al_generation_name(al_generation generation);

#ifdef __cplusplus
}
#endif

#endif
