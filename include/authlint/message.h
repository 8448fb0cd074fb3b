/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file message.h
 * What a receiver recorded about one message: the headers of an .eml, of
 * headers pasted with or without a body, or of the message a DSN bounce
 * (RFC 3464) carries, parsed with GMime. Nothing here is verified: the facts
 * are the receiver's words (Authentication-Results, Received-SPF) and the
 * sender's (From, Return-Path), quoted as they were unfolded.
 */
#ifndef AUTHLINT_MESSAGE_H
#define AUTHLINT_MESSAGE_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>

#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Largest input al_message_parse accepts (bytes). */
#define AL_MESSAGE_MAX_INPUT (64u << 20)
/** Largest header block (bytes up to the first empty line) and most header fields read. */
#define AL_MESSAGE_MAX_HEADER (8u << 20)
#define AL_MESSAGE_MAX_FIELDS 50000u

/** Why the trusted Authentication-Results header was chosen. */
typedef enum al_ar_choice {
	AL_AR_NONE = 0,       /**< the message has no Authentication-Results */
	AL_AR_AUTHSERV_ID,    /**< topmost whose authserv-id is the one asked for */
	AL_AR_TOPMOST,        /**< no authserv-id given: the topmost */
	AL_AR_NOT_FOUND,      /**< an authserv-id was given and no header carries it */
} al_ar_choice;

/** One property of a result (RFC 8601 2.3: ptype.property=value): smtp.mailfrom, header.d, ... */
typedef struct al_ar_property {
	const char *ptype;    /**< "smtp", "header", "body", "policy" (lower case) */
	const char *property; /**< "mailfrom", "d", "i", "s", "from", ... (lower case) */
	const char *value;
} al_ar_property;

/** One method's result in an Authentication-Results field. */
typedef struct al_ar_result {
	const char *method;   /**< "spf", "dkim", "dmarc", "arc", ... (lower case) */
	const char *result;   /**< "pass", "fail", "softfail", "none", ... (lower case) */
	const char *reason;   /**< the reason= value, or NULL */
	const al_ar_property *properties;
	size_t property_count;
} al_ar_result;

/** An Authentication-Results value read by RFC 8601's grammar. */
typedef struct al_authres {
	const char *authserv_id;   /**< NULL when the value does not start with one */
	const al_ar_result *results;
	size_t result_count;
	bool no_result;            /**< "; none": the receiver checked nothing */
	bool truncated;            /**< more results than are kept (64) */
	const char *error;         /**< why the rest of the value was not read, or NULL */
} al_authres;

/** A Received-SPF value (RFC 7208 9.1). */
typedef struct al_received_spf {
	const char *result;        /**< "pass", "fail", ... (lower case), or NULL */
	const char *client_ip, *envelope_from, *helo; /**< key=value pairs, or NULL */
} al_received_spf;

/** The first result of @p method in @p ar at or after @p from (its index in *@p index), or NULL. */
AL_EXPORT const al_ar_result *al_authres_find(const al_authres *ar, const char *method, size_t from,
					      size_t *index);
/** The value of ptype.property in @p r (case-insensitive), or NULL. */
AL_EXPORT const char *al_authres_property(const al_ar_result *r, const char *ptype, const char *property);

/** The facts; strings are unfolded header values (NULL when absent), owned by the message. */
typedef struct al_message_facts {
	bool is_bounce;               /**< input was a multipart/report DSN */
	const char *dsn_status;       /**< first recipient's Status: (e.g. "5.7.26") */
	const char *dsn_diagnostic;   /**< first recipient's Diagnostic-Code: */
	const char *dsn_action;       /**< first recipient's Action: */
	bool headers_found;           /**< a bounce carried the original headers */
	size_t from_count;            /**< mailboxes in From (RFC 5322 allows several) */
	const char *from;             /**< the first From mailbox address */
	const char *from_domain;      /**< its domain (after the last '@') */
	size_t from_headers;          /**< From header fields (more than one is invalid) */
	const char *return_path;
	const char *received_spf;     /**< topmost Received-SPF */
	const char *connecting_ip;    /**< [address] in the topmost Received "from" clause */
	const char *received;         /**< the topmost Received */
	size_t ar_count;              /**< Authentication-Results headers */
	const char *ar;               /**< the trusted one (see ar_choice) */
	size_t ar_index;              /**< its position among them, 0 = topmost */
	al_ar_choice ar_choice;
	const char *ar_authserv_id;   /**< its authserv-id */
	size_t dkim_signatures;       /**< DKIM-Signature headers */
	size_t arc_seals;             /**< ARC-Seal headers */
	size_t arc_fields;            /**< ARC-Seal, ARC-Message-Signature and ARC-Authentication-Results headers */
	const char *list_id;
	const char *list_unsubscribe;
	const char *list_unsubscribe_post;
	al_authres ar_parsed;         /**< the trusted Authentication-Results, parsed (zeroed when none) */
	al_received_spf received_spf_parsed; /**< the topmost Received-SPF, parsed */
	const char *helo;             /**< the name after "from" in the topmost Received */
	const char *mail_from;        /**< the Return-Path address without <>, "" for the null sender */
	const char *mail_from_domain; /**< its domain, or NULL */
	const char *subject, *date, *message_id;
	const char *dsn_reporting_mta;/**< Reporting-MTA: of a DSN */
	const char *dsn_remote_mta;   /**< the first recipient's Remote-MTA: */
	bool bounce_not_dsn;          /**< a bounce in plain text (no delivery-status part); status and
				           diagnostic were found in its text */
	/** The message to verify signatures on: the input, or the original inside a bounce,
	 *  as bytes (NULL when the bounce carries none). Owned by the message. */
	const char *raw;
	size_t raw_length;
	bool raw_headers_only;        /**< only the original's headers are there: body hashes cannot match */
} al_message_facts;

typedef struct al_message al_message;

/**
 * Parse @p data (an RFC 5322 message, headers alone, or a DSN) and gather
 * the facts. @p authserv_id (may be NULL) names the receiver whose
 * Authentication-Results is trusted. AL_ESYNTAX when no header is found,
 * AL_ELIMIT past AL_MESSAGE_MAX_INPUT, or a header block past
 * AL_MESSAGE_MAX_HEADER bytes or AL_MESSAGE_MAX_FIELDS fields.
 */
AL_EXPORT al_status al_message_parse(const char *data, size_t length, const char *authserv_id,
				     al_message **out, al_error *err);
/** The most messages al_message_split reports from one mbox. */
#define AL_MESSAGE_MAX_MBOX 100000

/** Called with each message of an mbox: its bytes (after the "From " line); nonzero stops. */
typedef int (*al_message_fn)(void *userdata, size_t index, const char *data, size_t length);

/**
 * Call @p fn with each message of @p data: the messages of an mbox (the
 * input starts with a "From " line; split by GMime's mbox parser), or the
 * whole input as one message. Returns the number of messages given to @p fn;
 * *@p more is set when the mbox holds more than AL_MESSAGE_MAX_MBOX.
 */
AL_EXPORT size_t al_message_split(const char *data, size_t length, al_message_fn fn, void *userdata, bool *more);
/** True when @p data is an mbox (starts with "From "). */
AL_EXPORT bool al_message_is_mbox(const char *data, size_t length);

/** The facts of a parsed message; valid until al_message_free. */
AL_EXPORT const al_message_facts *al_message_get_facts(const al_message *msg);
AL_EXPORT void al_message_free(al_message *msg);

#ifdef __cplusplus
}
#endif

#endif
