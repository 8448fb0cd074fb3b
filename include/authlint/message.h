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

/** Why the trusted Authentication-Results header was chosen. */
typedef enum al_ar_choice {
	AL_AR_NONE = 0,       /**< the message has no Authentication-Results */
	AL_AR_AUTHSERV_ID,    /**< topmost whose authserv-id is the one asked for */
	AL_AR_TOPMOST,        /**< no authserv-id given: the topmost */
	AL_AR_NOT_FOUND,      /**< an authserv-id was given and no header carries it */
} al_ar_choice;

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
	const char *list_id;
	const char *list_unsubscribe;
	const char *list_unsubscribe_post;
} al_message_facts;

typedef struct al_message al_message;

/**
 * Parse @p data (an RFC 5322 message, headers alone, or a DSN) and gather
 * the facts. @p authserv_id (may be NULL) names the receiver whose
 * Authentication-Results is trusted. AL_ESYNTAX when no header is found,
 * AL_ELIMIT past AL_MESSAGE_MAX_INPUT.
 */
AL_EXPORT al_status al_message_parse(const char *data, size_t length, const char *authserv_id,
				     al_message **out, al_error *err);
/** The facts of a parsed message; valid until al_message_free. */
AL_EXPORT const al_message_facts *al_message_get_facts(const al_message *msg);
AL_EXPORT void al_message_free(al_message *msg);

#ifdef __cplusplus
}
#endif

#endif
