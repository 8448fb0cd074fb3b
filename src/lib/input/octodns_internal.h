/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The octoDNS reader's two halves: zone files (octodns.c) and config files (octodns_config.c). */
#ifndef AL_INPUT_OCTODNS_INTERNAL_H
#define AL_INPUT_OCTODNS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "dns/zone_internal.h"
#include "util/yaml.h"

/* The zone an octoDNS zone file is named for ("example.com.yaml" -> example.com). */
bool al_octodns_zone_of_file(const char *path, char out[AL_NAME_MAX]);
/* The zone of an input named @p label: its file name, else the store's --origin (NULL: neither). */
const char *al_octodns_zone_name_for(al_zone *zone, const char *label, char buf[AL_NAME_MAX]);
/*
 * Read a zone document already loaded (@p loaded AL_OK; @p doc is deleted) or
 * record why it could not be (@p lerr), for @p zone_name (NULL: a problem is
 * recorded, nothing read), with @p default_ttl (0: octoDNS's default).
 */
al_status al_octodns_read_zone(al_zone *zone, const char *label, const char *zone_name, uint32_t default_ttl,
			       al_status loaded, yaml_document_t *doc, const al_error *lerr, al_error *err);

#endif
