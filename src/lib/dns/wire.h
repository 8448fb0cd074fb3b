/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Names between wire form and authlint's presentation form. */
#ifndef AL_DNS_WIRE_H
#define AL_DNS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/source.h>

/**
 * Read an uncompressed wire name at @p offset of @p data into presentation
 * form (lower case, no trailing dot, \DDD escapes). Sets *consumed to its wire
 * length. False when malformed (runs past the data, compression pointer,
 * label over 63, name over 255).
 */
bool al_wire_name_to_text(const uint8_t *data, size_t length, size_t offset, char out[AL_NAME_MAX],
			  size_t *consumed);
/**
 * Presentation name (escapes allowed, trailing dot optional) to wire form.
 * Returns the wire length (1..255), or 0 when invalid (with a reason).
 */
size_t al_name_to_wire(const char *name, size_t length, uint8_t out[255], const char **why);
/** Append one label's bytes to @p out in presentation form; returns the new length. */
size_t al_label_to_text(const uint8_t *label, size_t length, char *out, size_t pos, size_t max);

#endif
