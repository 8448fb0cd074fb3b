/* SPDX-License-Identifier: GPL-3.0-or-later */
/* authlint triage FILE|-: what the receiver recorded about one message
 * (an .eml, pasted headers, or a DSN bounce). Verification is not done yet:
 * every fact is quoted from the message and said to be the receiver's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_AUTHSERV_ID = 2300 };

typedef struct triage_cmd {
	const char *authserv_id;
} triage_cmd;

static const struct option triage_options[] = {
	{"authserv-id", required_argument, NULL, OPT_AUTHSERV_ID},
	{NULL, 0, NULL, 0},
};

static int triage_option(al_cli *cli, void *cmd, int id, const char *arg)
{
	(void)cli;
	triage_cmd *t = cmd;
	if (id == OPT_AUTHSERV_ID) {
		t->authserv_id = arg;
		return 0;
	}
	return AL_EXIT_ERROR;
}

/* The whole file, at most AL_MESSAGE_MAX_INPUT bytes; NULL (error printed) on failure. */
static char *read_file(const char *path, size_t *length)
{
	FILE *fp = al_cli_open_input("triage", path);
	if (fp == NULL)
		return NULL;
	char *buf = al_cli_read_all("triage", fp, path, AL_MESSAGE_MAX_INPUT, length);
	fclose(fp);
	return buf;
}

/* Message text is untrusted: printable ASCII as is, every other byte as \\xNN. */
static void print_escaped(FILE *out, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\')
			fputc(*p, out);
		else
			fprintf(out, "\\x%02x", *p);
	}
}

/* A JSON string of the escaped form: "\\x1b" arrives as the four characters \\x1b. */
static void json_string(FILE *out, const char *text)
{
	if (text == NULL) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '"')
			fputs("\\\"", out);
		else if (*p >= 0x20 && *p < 0x7f && *p != '\\')
			fputc(*p, out);
		else
			fprintf(out, "\\\\x%02x", *p);
	}
	fputc('"', out);
}

static const char *const ar_choice_names[] = {"none", "authserv-id", "topmost", "not-found"};

static void print_json(FILE *out, const char *input, const al_message_facts *f)
{
	fputs("{\"schema\": \"authlint/triage\", \"version\": 1, \"verified\": false, \"input\": ", out);
	json_string(out, input);
	fprintf(out, ",\n \"bounce\": %s, \"dsn\": {\"status\": ", f->is_bounce ? "true" : "false");
	json_string(out, f->dsn_status);
	fputs(", \"action\": ", out);
	json_string(out, f->dsn_action);
	fputs(", \"diagnostic\": ", out);
	json_string(out, f->dsn_diagnostic);
	fprintf(out, "},\n \"headers_found\": %s,\n \"authentication_results\": {\"choice\": \"%s\", \"count\": %zu, "
		     "\"index\": ",
		f->headers_found ? "true" : "false", ar_choice_names[f->ar_choice], f->ar_count);
	if (f->ar != NULL)
		fprintf(out, "%zu", f->ar_index);
	else
		fputs("null", out);
	fputs(", \"authserv_id\": ", out);
	json_string(out, f->ar_authserv_id);
	fputs(", \"value\": ", out);
	json_string(out, f->ar);
	fputs("},\n \"received_spf\": ", out);
	json_string(out, f->received_spf);
	fputs(", \"connecting_ip\": ", out);
	json_string(out, f->connecting_ip);
	fputs(",\n \"from\": ", out);
	json_string(out, f->from);
	fputs(", \"from_domain\": ", out);
	json_string(out, f->from_domain);
	fprintf(out, ", \"from_mailboxes\": %zu, \"from_fields\": %zu,\n \"return_path\": ", f->from_count,
		f->from_headers);
	json_string(out, f->return_path);
	fprintf(out, ", \"dkim_signatures\": %zu, \"arc_sets\": %zu,\n \"list_id\": ", f->dkim_signatures,
		f->arc_seals);
	json_string(out, f->list_id);
	fputs(", \"list_unsubscribe\": ", out);
	json_string(out, f->list_unsubscribe);
	fputs(", \"list_unsubscribe_post\": ", out);
	json_string(out, f->list_unsubscribe_post);
	fputs("}\n", out);
}

static void line(FILE *out, const char *label, const char *value)
{
	fprintf(out, "  %-24s ", label);
	if (value != NULL)
		print_escaped(out, value);
	else
		fputs("(absent)", out);
	fputc('\n', out);
}

static void print_facts(FILE *out, const char *input, const al_message_facts *f, const char *authserv_id)
{
	fprintf(out, "%s: ", input);
	fprintf(out, "%s\n", f->is_bounce ? "a delivery status notification (RFC 3464)" : "a message");
	fprintf(out, "Not verified: DKIM, SPF and DMARC are not evaluated by this version; "
		     "every line below is quoted from the message.\n");
	if (f->is_bounce) {
		fprintf(out, "Bounce:\n");
		line(out, "Status:", f->dsn_status);
		line(out, "Action:", f->dsn_action);
		line(out, "Diagnostic-Code:", f->dsn_diagnostic);
		if (!f->headers_found) {
			fprintf(out, "  The bounce carries neither the message nor its headers.\n");
			return;
		}
	}
	fprintf(out, "What the receiver recorded:\n");
	switch (f->ar_choice) {
	case AL_AR_NONE:
		fprintf(out, "  no Authentication-Results header\n");
		break;
	case AL_AR_NOT_FOUND:
		fprintf(out, "  no Authentication-Results from ");
		print_escaped(out, authserv_id);
		fprintf(out, " among %zu; none trusted\n", f->ar_count);
		break;
	case AL_AR_AUTHSERV_ID:
	case AL_AR_TOPMOST:
		fprintf(out, "  Authentication-Results %zu of %zu, trusted as %s\n", f->ar_index + 1, f->ar_count,
			f->ar_choice == AL_AR_TOPMOST ? "the topmost (no --authserv-id given)"
						      : "the topmost from the --authserv-id");
		line(out, "authserv-id:", f->ar_authserv_id);
		line(out, "Authentication-Results:", f->ar);
		break;
	}
	line(out, "Received-SPF:", f->received_spf);
	line(out, "connecting IP:", f->connecting_ip);
	fprintf(out, "What the sender wrote:\n");
	line(out, "From:", f->from);
	if (f->from_count > 1 || f->from_headers > 1)
		fprintf(out, "  %zu From mailboxes in %zu From fields: DMARC cannot pick one author domain\n",
			f->from_count, f->from_headers);
	line(out, "From domain:", f->from_domain);
	line(out, "Return-Path:", f->return_path);
	fprintf(out, "  %-24s %zu\n", "DKIM-Signature fields:", f->dkim_signatures);
	fprintf(out, "  %-24s %zu\n", "ARC sets (ARC-Seal):", f->arc_seals);
	line(out, "List-Id:", f->list_id);
	line(out, "List-Unsubscribe:", f->list_unsubscribe);
	line(out, "List-Unsubscribe-Post:", f->list_unsubscribe_post);
}

static int triage_main(al_cli *cli, int argc, char **argv)
{
	triage_cmd cmd = {0};
	int first = 0;
	int rc = al_cli_parse(cli, argc, argv, triage_options, NULL, triage_option, &cmd, &al_cmd_triage,
			      &first);
	if (rc != 0)
		return rc < 0 ? AL_EXIT_OK : rc;
	if (argc - first != 1) {
		al_cli_error("triage: expected one message file (or - for standard input)");
		return AL_EXIT_ERROR;
	}
	if (cli->format_set && cli->format != AL_FORMAT_TEXT && cli->format != AL_FORMAT_JSON) {
		al_cli_error("triage: only --format text and json are available so far");
		return AL_EXIT_ERROR;
	}
	const char *input = argv[first];
	size_t length = 0;
	char *data = strcmp(input, "-") == 0 ? al_cli_read_stdin("triage", &length) : read_file(input, &length);
	if (data == NULL)
		return AL_EXIT_ERROR;
	al_message *msg = NULL;
	al_error err = {0};
	al_status st = al_message_parse(data, length, cmd.authserv_id, &msg, &err);
	free(data);
	if (st != AL_OK) {
		al_cli_error("triage: %s: %s", strcmp(input, "-") == 0 ? "standard input" : input,
			     err.message[0] ? err.message : al_status_message(st));
		return AL_EXIT_ERROR;
	}
	const char *label = strcmp(input, "-") == 0 ? "standard input" : input;
	if (cli->format == AL_FORMAT_JSON)
		print_json(cli->out, label, al_message_get_facts(msg));
	else
		print_facts(cli->out, label, al_message_get_facts(msg), cmd.authserv_id);
	al_message_free(msg);
	/* nothing was verified: the result is incomplete by design of this step */
	return AL_EXIT_OK;
}

const al_cli_command al_cmd_triage = {
	.name = "triage",
	.synopsis = "triage [--authserv-id ID] FILE|-  what the receiver recorded about a message or bounce",
	.usage = "Read one message (.eml, headers pasted on standard input, or a DSN bounce) and\n"
		 "show what the receiver recorded: the trusted Authentication-Results (the topmost\n"
		 "from --authserv-id ID, else the topmost), Received-SPF, the connecting IP, From,\n"
		 "Return-Path, DKIM-Signature and ARC counts, List-Id and List-Unsubscribe, and a\n"
		 "bounce's status. Nothing is verified yet: DKIM, SPF and DMARC are not evaluated.\n--format json writes the same facts (doc/json-schema.md, authlint/triage).\n\n"
		 "  --authserv-id ID   trust the Authentication-Results of this receiver\n",
	.run = triage_main,
};
