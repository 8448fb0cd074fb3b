/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reports that arrive as mail: a message (.eml) or an mbox, parsed with
 * GMime. Every leaf part that may hold a report (XML, gzip, zip: by content
 * type, file name or, for application/octet-stream, content) is decoded
 * (base64, quoted-printable) and read as its own file would be.
 */
#include "report/reader_internal.h"

#include <gmime/gmime.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_PARTS 1000      /* leaf parts looked at in one message */
#define MAX_MESSAGES 1000000 /* messages read from one mbox */

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
	g_mime_init();
}

typedef struct walk {
	al_rr *r;
	const al_report_origin *origin;
	const char *message_label; /* "message 3" in an mbox, else NULL */
	unsigned depth;
	size_t parts, reports;
} walk;

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static bool may_hold_report(GMimeContentType *ct, const char *filename)
{
	const char *type = ct != NULL ? g_mime_content_type_get_media_type(ct) : NULL;
	const char *sub = ct != NULL ? g_mime_content_type_get_media_subtype(ct) : NULL;
	if (filename != NULL && (ends_with(filename, ".xml") || ends_with(filename, ".gz") ||
				 ends_with(filename, ".zip") || ends_with(filename, ".gzip")))
		return true;
	if (type == NULL || sub == NULL)
		return false;
	if (strcasecmp(sub, "xml") == 0 || strcasecmp(sub, "gzip") == 0 || strcasecmp(sub, "x-gzip") == 0 ||
	    strcasecmp(sub, "zip") == 0 || strcasecmp(sub, "x-zip-compressed") == 0 ||
	    strcasecmp(sub, "x-zip") == 0)
		return true;
	return strcasecmp(type, "application") == 0 && strcasecmp(sub, "octet-stream") == 0;
}

static void read_message(walk *w, GMimeMessage *msg);

static void visit(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	(void)parent;
	walk *w = data;
	if (w->r->stopped)
		return;
	/* a report forwarded as an attached message: its own parts, one level deeper */
	if (GMIME_IS_MESSAGE_PART(part)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
		if (inner != NULL && w->depth < w->r->limits.max_depth) {
			size_t parts = w->parts, reports = w->reports;
			w->depth++;
			read_message(w, inner);
			w->depth--;
			w->parts += parts;
			w->reports += reports;
		}
		return;
	}
	if (!GMIME_IS_PART(part))
		return;
	if (++w->parts > MAX_PARTS) {
		if (w->parts == MAX_PARTS + 1)
			al_rr_problem(w->r, w->origin, AL_ELIMIT, false,
				      "more than %d parts in one message: the rest were not looked at", MAX_PARTS);
		return;
	}
	const char *filename = g_mime_part_get_filename(GMIME_PART(part));
	if (!may_hold_report(g_mime_object_get_content_type(part), filename))
		return;
	GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(part));
	if (content == NULL)
		return;
	GMimeStream *out = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(content, out);
	GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
	char member[512];
	snprintf(member, sizeof(member), "%s%s%s", w->message_label ? w->message_label : "",
		 w->message_label ? ": " : "", filename != NULL ? filename : "(attachment without a name)");
	al_report_origin at = {w->origin->path, member, 0};
	if (bytes != NULL && bytes->len > 0) {
		/* an octet-stream part that is no report (a PDF, say) is not one of ours */
		bool octet = filename == NULL || !(ends_with(filename, ".xml") || ends_with(filename, ".gz") ||
						   ends_with(filename, ".zip") || ends_with(filename, ".gzip"));
		const unsigned char *d = bytes->data;
		bool magic = (bytes->len >= 2 && d[0] == 0x1f && d[1] == 0x8b) ||
			     (bytes->len >= 4 && memcmp(d, "PK\x03\x04", 4) == 0) || d[0] == '<' ||
			     (bytes->len >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0);
		GMimeContentType *ct = g_mime_object_get_content_type(part);
		const char *sub = ct != NULL ? g_mime_content_type_get_media_subtype(ct) : NULL;
		if (magic || !(octet && sub != NULL && strcasecmp(sub, "octet-stream") == 0)) {
			w->reports++;
			al_rr_read_entry(w->r, &at, bytes->data, bytes->len, w->depth);
		}
	}
	g_object_unref(out);
}

static void read_message(walk *w, GMimeMessage *msg)
{
	w->parts = 0;
	w->reports = 0;
	g_mime_message_foreach(msg, visit, w);
}

void al_rr_read_mime(al_rr *r, const al_report_origin *origin, const void *data, size_t length, bool mbox,
		     unsigned depth)
{
	pthread_once(&gmime_once, gmime_start);
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, length);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, mbox ? GMIME_FORMAT_MBOX : GMIME_FORMAT_MESSAGE);
	walk w = {r, origin, NULL, depth, 0, 0};
	size_t messages = 0, with_reports = 0;
	char label[64];
	while (!r->stopped && messages < MAX_MESSAGES) {
		GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
		if (msg == NULL)
			break;
		messages++;
		if (mbox) {
			snprintf(label, sizeof(label), "message %zu", messages);
			w.message_label = label;
		}
		read_message(&w, msg);
		g_object_unref(msg);
		if (w.reports > 0)
			with_reports++;
		else if (mbox) {
			al_report_origin at = {origin->path, label, 0};
			al_rr_problem(r, &at, AL_ENOENT, false, "no report attached: skipped");
		}
		if (!mbox || g_mime_parser_eos(parser))
			break;
	}
	if (messages == 0)
		al_rr_problem(r, origin, AL_ESYNTAX, true, mbox ? "no message found in the mbox" : "not a message");
	else if (!mbox && with_reports == 0)
		al_rr_problem(r, origin, AL_ENOENT, !r->in_directory,
			      r->in_directory ? "skipped: a message without a report attached"
					      : "a message without a report attached (XML, gzip or zip)");
	g_object_unref(parser);
	g_object_unref(stream);
}
