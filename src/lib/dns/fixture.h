/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The fixture backend: answers from the `zonedata:` of an OpenSPF test-suite
 * YAML document, the way the suite's reference driver (pyspf's testspf.py)
 * does:
 *  - SPF entries are also served as TXT, unless the name has a TXT entry;
 *    "TXT: NONE" adds no record and stops that copy;
 *  - a bare TIMEOUT entry times out every type not answered before it;
 *    "TYPE: TIMEOUT" times out that type;
 *  - names not in the data are NXDOMAIN, except names under "error." which
 *    time out; names in the data without the type asked are NODATA;
 *  - a CNAME entry is returned for other types, and the front end follows it.
 */
#ifndef AL_DNS_FIXTURE_H
#define AL_DNS_FIXTURE_H

#include <authlint/source.h>

#include "util/yaml.h"

/**
 * A source from a `zonedata` mapping (name -> list of entries). @p label names
 * the file in errors, which give its line. The source copies what it needs.
 */
al_status al_fixture_source_from_node(yaml_document_t *doc, yaml_node_t *zonedata, const char *label,
				      al_source **out, al_error *err);

/**
 * Call @p fn with each document of a YAML file (@p text NULL: the file @p path
 * is read) or of @p text (labelled @p path), in order, until it returns
 * something other than AL_OK or sets *stop. *count (may be NULL) is the
 * number of documents read.
 */
typedef al_status (*al_fixture_document_fn)(void *userdata, yaml_document_t *doc, yaml_node_t *root,
					    bool *stop, al_error *err);
al_status al_fixture_foreach_document(const char *path, const char *text, size_t length,
				      al_fixture_document_fn fn, void *userdata, size_t *count, al_error *err);

/**
 * A source from a suite file (or its @p text, as above): the zonedata of the
 * document whose description is @p scenario, or of every document when
 * @p scenario is NULL (the first definition of a name wins). A document may
 * also be a bare zonedata mapping.
 */
al_status al_fixture_source_open(const char *path, const char *text, size_t length, const char *scenario,
				 al_source **out, al_error *err);

#endif
