/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file input.h
 * Zone data kept in other formats than BIND files: octoDNS YAML, DNSControl's
 * `dnscontrol print-ir` JSON and Terraform plan JSON (`terraform show -json`),
 * read into the same zone store (source.h) as a BIND file, so that every
 * check sees the same records whatever format they were kept in.
 *
 * Every record keeps a location: file and line where the format has lines
 * (YAML), else "file#address" with the resource or record address
 * ("plan.json#aws_route53_record.spf", "ir.json#domains[0].records[3]").
 * Problems (a value that does not parse, a resource without a zone) are
 * recorded in the store like a BIND file's (ZONE findings) and the rest is
 * read. Sizes, counts and nesting are bounded.
 */
#ifndef AUTHLINT_INPUT_H
#define AUTHLINT_INPUT_H

#include <authlint/export.h>

#include <stddef.h>

#include <authlint/source.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum al_input_format {
	AL_INPUT_AUTO = 0,    /**< recognise it (al_input_format_detect) */
	AL_INPUT_BIND,        /**< a BIND zone file (RFC 1035 master file) */
	AL_INPUT_OCTODNS,     /**< an octoDNS config directory, config file or zone YAML file */
	AL_INPUT_DNSCONTROL,  /**< the JSON of `dnscontrol print-ir` */
	AL_INPUT_TERRAFORM,   /**< the JSON of `terraform show -json PLAN` */
} al_input_format;

/** "auto", "bind", "octodns", "dnscontrol", "terraform". */
AL_EXPORT const char *al_input_format_name(al_input_format format);
/** Parse one of the names above (case-insensitive); AL_EINVAL for another. */
AL_EXPORT al_status al_input_format_parse(const char *name, al_input_format *out);

/**
 * Recognise the format of @p path: a directory is an octoDNS config
 * directory; else the first 64 KiB decide: JSON with "planned_values" or
 * "terraform_version" is a Terraform plan, other JSON DNSControl's IR; YAML
 * (a "---" line, or a first line "name:") is octoDNS; anything else BIND.
 * A file that cannot be read is BIND (loading it reports why).
 */
AL_EXPORT al_input_format al_input_format_detect(const char *path);
/** The same from content (standard input, a file at a git revision); never AL_INPUT_AUTO. */
AL_EXPORT al_input_format al_input_format_detect_text(const char *text, size_t length);

/**
 * Read @p path in @p format (AL_INPUT_AUTO: recognised) into @p zone. Like
 * al_zone_load_file: problems are recorded in the store and reading goes on;
 * AL_EIO (or AL_ELIMIT) when the input itself cannot be read (recorded too).
 * "-" is a file of that name; standard input is the caller's to read
 * (al_zone_load_input_text).
 */
AL_EXPORT al_status al_zone_load_input(al_zone *zone, const char *path, al_input_format format, al_error *err);
/**
 * The same from memory: @p label names it in locations; an octoDNS zone
 * file's zone is taken from a label "NAME.yaml" (else the store's origin).
 * A directory cannot be given this way.
 */
AL_EXPORT al_status al_zone_load_input_text(al_zone *zone, const char *label, const char *text, size_t length,
					    al_input_format format, al_error *err);

#ifdef __cplusplus
}
#endif
#endif
