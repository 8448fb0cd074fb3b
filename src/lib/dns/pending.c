/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TEMPORARY: the zone and fixture backends replace this file. */
#include <stdlib.h>

#include <authlint/source.h>

al_status al_zone_new(al_zone **out, const al_zone_options *options)
{
	(void)options;
	*out = NULL;
	return AL_EUNSUPPORTED;
}
al_status al_zone_load_file(al_zone *zone, const char *path, al_error *err)
{
	(void)zone;
	return al_error_set(err, AL_EUNSUPPORTED, "%s: zone files are not supported yet", path);
}
al_status al_zone_load_text(al_zone *zone, const char *label, const char *text, size_t length, al_error *err)
{
	(void)zone;
	(void)text;
	(void)length;
	return al_error_set(err, AL_EUNSUPPORTED, "%s: zone files are not supported yet", label);
}
size_t al_zone_problem_count(const al_zone *zone) { (void)zone; return 0; }
const al_zone_problem *al_zone_problem_at(const al_zone *zone, size_t index) { (void)zone; (void)index; return NULL; }
size_t al_zone_record_count(const al_zone *zone) { (void)zone; return 0; }
size_t al_zone_origin_count(const al_zone *zone) { (void)zone; return 0; }
const char *al_zone_origin_at(const al_zone *zone, size_t index) { (void)zone; (void)index; return NULL; }
void al_zone_foreach_name(const al_zone *zone, al_zone_name_fn fn, void *userdata) { (void)zone; (void)fn; (void)userdata; }
bool al_zone_locate(const al_zone *zone, const al_rr *rr, size_t offset, unsigned long *line, unsigned long *column)
{
	(void)zone; (void)rr; (void)offset; (void)line; (void)column;
	return false;
}
void al_zone_free(al_zone *zone) { (void)zone; }
al_status al_source_new_zone(al_source **out, al_zone *zone) { (void)zone; *out = NULL; return AL_EUNSUPPORTED; }
