/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file config.h
 * `.authlint.yaml`: severity overrides, waivers, resolvers, defaults and
 * organisation policy rules written as data.
 */
#ifndef AUTHLINT_CONFIG_H
#define AUTHLINT_CONFIG_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>

#include <authlint/diag.h>
#include <authlint/rule.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The file name looked for in the current directory. */
#define AL_CONFIG_FILENAME ".authlint.yaml"

typedef struct al_config al_config;

/** A waiver: findings of @c rule at names matching @c name are suppressed. */
typedef struct al_waiver {
	const char *rule;     /**< rule id, or "*" for every rule */
	const char *name;     /**< owner name, or "*.example.com" for names below it */
	const char *reason;   /**< required */
	const char *expires;  /**< "YYYY-MM-DD" or NULL; an expired waiver no longer applies */
	const char *file;
	unsigned long line;
} al_waiver;

/**
 * Load @p path. Policy rules it declares are added to @p rules (their ids must
 * not clash with the registry's). Every error names the file and line and
 * returns AL_ECONFIG.
 */
AL_EXPORT al_status al_config_load(al_config **out, const char *path, al_rules *rules, al_error *err);
/** The same from memory (standard input, read by the caller); @p label names it in errors. */
AL_EXPORT al_status al_config_load_buffer(al_config **out, const char *label, const char *data, size_t length,
					  al_rules *rules, al_error *err);
/** An empty configuration (defaults everywhere). */
AL_EXPORT al_status al_config_new_empty(al_config **out);
AL_EXPORT void al_config_free(al_config *config);

/** The file it was read from, or NULL. */
AL_EXPORT const char *al_config_path(const al_config *config);
/** Effective severity of @p rule (an override, or the rule's default); OFF when disabled. */
AL_EXPORT al_severity al_config_severity(const al_config *config, const al_rule *rule);
/**
 * Effective severity of @p rule when DMARC records are read as @p reading
 * receivers: an override, else al_rule_severity(); OFF when disabled. A rule
 * is turned off for every reading or for none.
 */
AL_EXPORT al_severity al_config_severity_for(const al_config *config, const al_rule *rule,
					     al_generation reading);
/**
 * The waiver for @p rule_id at @p owner that applies on @p today ("YYYY-MM-DD",
 * NULL: never expired), or NULL.
 */
AL_EXPORT const al_waiver *al_config_find_waiver(const al_config *config, const char *rule_id,
				       const char *owner, const char *today);
/**
 * A waiver for @p rule_id at @p owner that expired before @p today, or NULL:
 * the finding it covered is back, and says why.
 */
AL_EXPORT const al_waiver *al_config_find_expired_waiver(const al_config *config, const char *rule_id,
					       const char *owner, const char *today);
AL_EXPORT size_t al_config_waiver_count(const al_config *config);
AL_EXPORT const al_waiver *al_config_waiver_at(const al_config *config, size_t index);

/** Resolvers ("192.0.2.53", "[2001:db8::53]:5353"). */
AL_EXPORT size_t al_config_resolver_count(const al_config *config);
AL_EXPORT const char *al_config_resolver_at(const al_config *config, size_t index);

/** Defaults a command line may override; NULL / OFF+false when not set. */
AL_EXPORT const char *al_config_fail_on(const al_config *config);
AL_EXPORT const char *al_config_dmarc_spec(const al_config *config);
AL_EXPORT const char *al_config_format(const al_config *config);
/** defaults: authserv-id: the receiver whose Authentication-Results triage trusts, or NULL. */
AL_EXPORT const char *al_config_authserv_id(const al_config *config);
AL_EXPORT size_t al_config_selector_count(const al_config *config);
AL_EXPORT const char *al_config_selector_at(const al_config *config, size_t index);

#ifdef __cplusplus
}
#endif
#endif
