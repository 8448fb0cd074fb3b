/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "emit/emit_internal.h"

static const char *const format_names[AL_FORMAT_COUNT_] = {"text", "json", "jsonl", "sarif", "github"};

al_status al_format_parse(const char *text, al_format *out)
{
	if (text == NULL)
		return AL_EINVAL;
	for (int i = 0; i < AL_FORMAT_COUNT_; i++) {
		if (strcmp(text, format_names[i]) == 0) {
			*out = (al_format)i;
			return AL_OK;
		}
	}
	return AL_EINVAL;
}

const char *al_format_name(al_format format)
{
	return (unsigned)format < AL_FORMAT_COUNT_ ? format_names[format] : "text";
}

static int stdio_write(void *ctx, const void *data, size_t length)
{
	if (length == 0)
		return 0;
	return fwrite(data, 1, length, (FILE *)ctx) == length ? 0 : -1;
}

al_sink al_sink_stdio(FILE *stream)
{
	al_sink s = {stdio_write, stream};
	return s;
}

static const al_emitter_ops *ops_for(al_format format)
{
	switch (format) {
	case AL_FORMAT_TEXT:
		return &al_emit_text_ops;
	case AL_FORMAT_JSON:
		return &al_emit_json_ops;
	case AL_FORMAT_JSONL:
		return &al_emit_jsonl_ops;
	case AL_FORMAT_SARIF:
		return &al_emit_sarif_ops;
	case AL_FORMAT_GITHUB:
		return &al_emit_github_ops;
	default:
		return NULL;
	}
}

al_status al_emitter_new(al_emitter **out, al_format format, al_sink sink, const al_emit_options *options)
{
	*out = NULL;
	const al_emitter_ops *ops = ops_for(format);
	if (ops == NULL || options == NULL || options->rules == NULL || sink.write == NULL)
		return AL_EINVAL;
	if (ops->diag == NULL)
		return AL_EUNSUPPORTED;
	al_emitter *em = calloc(1, sizeof(*em));
	if (em == NULL)
		return AL_ENOMEM;
	em->format = format;
	em->sink = sink;
	em->options = *options;
	em->ops = ops;
	al_strbuf_init(&em->buf);
	if (ops->init != NULL) {
		al_status st = ops->init(em);
		if (st != AL_OK) {
			if (ops->destroy != NULL)
				ops->destroy(em);
			al_strbuf_free(&em->buf);
			free(em);
			return st;
		}
	}
	*out = em;
	return AL_OK;
}

void al_emit_flush(al_emitter *em)
{
	if (em->buf.failed)
		em->status = AL_ENOMEM;
	else if (em->buf.length > 0 && em->status == AL_OK &&
		 em->sink.write(em->sink.ctx, em->buf.data, em->buf.length) != 0)
		em->status = AL_EIO;
	al_strbuf_reset(&em->buf);
}

void al_emit_puts(al_emitter *em, const char *text)
{
	al_strbuf_puts(&em->buf, text);
	al_emit_flush(em);
}

void al_emitter_begin(al_emitter *em)
{
	if (em == NULL || em->begun)
		return;
	em->begun = true;
	if (em->ops->begin != NULL)
		em->ops->begin(em);
}

void al_emitter_diag(al_emitter *em, const al_diag *diag)
{
	if (em == NULL || diag == NULL)
		return;
	if (diag->rule == NULL || em->ended) {
		/* a caller bug: say so through the status rather than write a
		 * finding without a rule or after the document was closed */
		if (em->status == AL_OK)
			em->status = AL_EINVAL;
		return;
	}
	al_diag copy;
	if (diag->message == NULL) {
		copy = *diag;
		copy.message = "";
		diag = &copy;
	}
	al_emitter_begin(em);
	em->ops->diag(em, diag);
	em->count++;
}

void al_emitter_diag_fn(void *emitter, const al_diag *diag)
{
	al_emitter_diag(emitter, diag);
}

void al_emitter_end(al_emitter *em, const al_summary *summary, int exit_code)
{
	static const al_summary none;
	if (em == NULL || em->ended)
		return;
	al_emitter_begin(em);
	em->ended = true;
	if (em->ops->end != NULL)
		em->ops->end(em, summary ? summary : &none, exit_code);
}

al_status al_emitter_status(const al_emitter *em)
{
	return em ? em->status : AL_EINVAL;
}

void al_emitter_free(al_emitter *em)
{
	if (em == NULL)
		return;
	if (em->ops->destroy != NULL)
		em->ops->destroy(em);
	al_strbuf_free(&em->buf);
	al_emit_memo_free(&em->fixes);
	al_emit_memo_free(&em->files);
	free(em);
}
