/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Files embedded at build time (rules/, plans/ and data/), by scripts/embed.py. */
#ifndef AL_EMBEDDED_H
#define AL_EMBEDDED_H

#include <stddef.h>

typedef struct al_embedded_file {
	const char *path; /* relative to the embedded directory: "spf/SPF001.yaml" */
	const char *data; /* NUL-terminated */
	size_t size;
	const char *label; /* the path as messages name it: "data/senders.yaml" */
} al_embedded_file;

extern const al_embedded_file al_embedded_rules[];
extern const size_t al_embedded_rules_count;
extern const al_embedded_file al_embedded_data[];
extern const size_t al_embedded_data_count;
extern const al_embedded_file al_embedded_plans[];
extern const size_t al_embedded_plans_count;

/** The embedded file at @p path, or NULL. */
const al_embedded_file *al_embedded_find(const al_embedded_file *files, size_t count,
					 const char *path);

#endif
