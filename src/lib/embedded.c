/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "embedded.h"

#include <string.h>

const al_embedded_file *al_embedded_find(const al_embedded_file *files, size_t count, const char *path)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(files[i].path, path) == 0)
			return &files[i];
	return NULL;
}
