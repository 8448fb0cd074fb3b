/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file triage.h
 * Why did a message fail DMARC? Its headers (message.h) read together with
 * the domain's DNS: SPF checked again for the connecting IP, the DKIM
 * signatures and the ARC chain verified again (dkim_verify.h), the DMARC
 * policy discovered and alignment judged, compared with what the receiver
 * recorded, and one verdict from a documented set (doc/triage.md) with the
 * evidence, the fix and who makes it. Findings (SIG, ARC, TRIAGE rules) go
 * through the lint's callback like every other finding.
 */
#ifndef AUTHLINT_TRIAGE_H
#define AUTHLINT_TRIAGE_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/bounce.h>
#include <authlint/emit.h>
#include <authlint/findings.h>
#include <authlint/lint.h>
#include <authlint/message.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The verdicts (doc/triage.md); each is one TRIAGE rule. */
typedef enum al_triage_verdict {
	AL_TRIAGE_UNDETERMINED = 0, /**< TRIAGE009: not enough was checked to decide */
	AL_TRIAGE_PASS,             /**< TRIAGE001: DMARC passes */
	AL_TRIAGE_SERVICE_NOT_IN_SPF, /**< TRIAGE002 */
	AL_TRIAGE_DKIM_MISSING,     /**< TRIAGE003 */
	AL_TRIAGE_DKIM_NOT_ALIGNED, /**< TRIAGE004 */
	AL_TRIAGE_DNS_CHANGED,      /**< TRIAGE005 */
	AL_TRIAGE_UNAUTHORIZED,     /**< TRIAGE006: spoofing or shadow IT */
	AL_TRIAGE_FORWARDED,        /**< TRIAGE007: forwarding or a mailing list */
} al_triage_verdict;

/** "undetermined", "pass", "service-not-in-spf", "dkim-missing", "dkim-not-aligned",
 *  "dns-changed", "unauthorized-sender", "forwarded". */
AL_EXPORT const char *al_triage_verdict_name(al_triage_verdict verdict);

/** Who makes the fix. */
typedef enum al_triage_who {
	AL_TRIAGE_WHO_UNKNOWN = 0,
	AL_TRIAGE_WHO_NOBODY,          /**< not a configuration problem */
	AL_TRIAGE_WHO_DNS_OWNER,       /**< the domain's DNS owner */
	AL_TRIAGE_WHO_SERVICE_ADMIN,   /**< the sending service's admin */
	AL_TRIAGE_WHO_SECURITY,        /**< whoever owns the domain's security: find the sender */
} al_triage_who;

/** "unknown", "nobody", "dns-owner", "sending-service-admin", "security". */
AL_EXPORT const char *al_triage_who_name(al_triage_who who);

/** One DKIM signature: checked again, and as the receiver recorded it. */
typedef struct al_triage_signature {
	const char *domain, *selector, *algorithm; /**< d=, s=, a= (NULL when absent) */
	const char *result;          /**< checked again: "pass", "fail", "temperror", "permerror",
				          "refused", "not-checked" */
	const char *reason;          /**< why not pass, or NULL */
	bool aligned;                /**< d= aligns with the From domain (relaxed, or strict when asked) */
	const char *receiver_result; /**< the receiver's dkim= result for this d=, or NULL */
} al_triage_signature;

/** One item of the bulk-sender checklist (data/bulk-senders.yaml), for this message. */
typedef struct al_triage_check {
	const char *requirement;     /**< "spf", "dkim", "dmarc", "alignment", "one-click-unsubscribe", ... */
	const char *receivers;       /**< who requires it: "Gmail, Yahoo" */
	bool bulk_only;              /**< required of bulk senders only */
	const char *state;           /**< "met", "not-met", "not-checked" */
	const char *detail;          /**< what was seen, or why it could not be told */
} al_triage_check;

/** What triage found. Strings are owned by the al_triage. */
typedef struct al_triage_result {
	const al_message_facts *facts;
	al_triage_verdict verdict;
	const char *verdict_rule;    /**< "TRIAGE002", ...: its finding carries the sentence and the fix */
	al_triage_who who;
	const char *service;         /**< the sending service named, or NULL */
	const char *service_include; /**< the include that authorizes it, or NULL */
	bool verified;               /**< checks were made again (false: offline, only the receiver's words) */
	/* SPF checked again for the connecting IP */
	const char *spf;             /**< "pass", ..., or "not-checked" */
	const char *spf_domain;      /**< the domain checked: the MAIL FROM domain, else the HELO name */
	const char *spf_detail;      /**< the deciding term, or why it was not checked */
	bool spf_aligned;
	/* DKIM */
	size_t signature_count;
	const al_triage_signature *signatures;
	/* ARC (RFC 8617) */
	const char *arc_cv;          /**< "pass", "fail", "none", "not-checked" */
	unsigned arc_failed_instance;
	const char *arc_reason;
	/* DMARC */
	const char *dmarc;           /**< "pass", "fail", "none" (no policy applies), "not-checked" */
	const char *dmarc_policy;    /**< the policy that applies, in words, or NULL */
	/* what the trusted Authentication-Results says */
	const char *receiver_spf, *receiver_dkim, *receiver_dmarc, *receiver_arc;
	/* where today's results differ from the receiver's */
	const char *const *differences;
	size_t difference_count;
	/* what was not checked, in words */
	const char *const *not_checked;
	size_t not_checked_count;
	/* the bounce's code, by the catalog (data/bounces.yaml) */
	const al_bounce_entry *bounce;   /**< the entry matched, or NULL (borrowed from the catalog) */
	bool bounce_by_text;             /**< matched by its text, not its status alone */
	/* the bulk-sender checklist */
	size_t check_count;
	const al_triage_check *checks;
} al_triage_result;

typedef struct al_triage_options {
	int64_t now;             /**< seconds since the epoch, for DKIM x= (the caller's clock) */
	/** bounce codes and bulk-sender requirements (bounce.h); NULL: a bounce's code is not
	 *  explained and no checklist is made. Borrowed: must outlive the triage. */
	const al_bounce_catalog *catalog;
} al_triage_options;

typedef struct al_triage al_triage;

typedef enum al_triage_format {
	AL_TRIAGE_TEXT = 0,
	AL_TRIAGE_JSON,  /**< one document (doc/json-schema.md, authlint/triage) */
	AL_TRIAGE_HTML,  /**< one self-contained page: no script, no external asset */
} al_triage_format;

/**
 * Triage @p message (parsed by al_message_parse; must outlive the triage)
 * through @p lint: lookups through the lint's source (none when it is
 * offline), findings through its callback. The caller owns *@p out.
 */
AL_EXPORT al_status al_lint_triage(al_lint *lint, const al_message *message, const al_triage_options *options,
				   al_triage **out);
/** The result; valid until al_triage_free. */
AL_EXPORT const al_triage_result *al_triage_get(const al_triage *triage);
/**
 * Write the triage for a helpdesk: the verdict first, then the evidence.
 * @p findings are the findings the lint raised (the verdict's sentence and
 * fix come from them). Formats: text, json (doc/json-schema.md,
 * authlint/triage), html (one page, no external assets).
 */
AL_EXPORT al_status al_triage_write(const al_triage *triage, const al_findings *findings, const char *input,
				    al_triage_format format, al_sink sink);
/** Free a triage; NULL is safe. */
AL_EXPORT void al_triage_free(al_triage *triage);

#ifdef __cplusplus
}
#endif

#endif
