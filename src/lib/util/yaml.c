/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "util/yaml.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"

al_status al_yaml_stream_open_buffer(al_yaml_stream *stream, const char *label, const char *data,
				     size_t length, al_error *err)
{
	memset(stream, 0, sizeof(*stream));
	stream->label = label;
	if (length > AL_YAML_MAX_INPUT)
		return al_error_set(err, AL_ELIMIT, "%s: larger than %u bytes", label,
				    AL_YAML_MAX_INPUT);
	stream->buffer = malloc(length + 1);
	if (stream->buffer == NULL)
		return al_error_set(err, AL_ENOMEM, "%s: out of memory", label);
	if (length > 0)
		memcpy(stream->buffer, data, length);
	stream->buffer[length] = '\0';
	stream->length = length;
	if (!yaml_parser_initialize(&stream->parser)) {
		free(stream->buffer);
		stream->buffer = NULL;
		return al_error_set(err, AL_ENOMEM, "%s: cannot initialise the YAML parser", label);
	}
	yaml_parser_set_input_string(&stream->parser, (const unsigned char *)stream->buffer, length);
	return AL_OK;
}

al_status al_yaml_stream_open_file(al_yaml_stream *stream, const char *path, const char *what,
				   al_error *err)
{
	char *data = NULL;
	size_t length = 0;
	al_status st = al_file_read_all(path, what, AL_YAML_MAX_INPUT, &data, &length, err);
	if (st != AL_OK) {
		memset(stream, 0, sizeof(*stream));
		return st;
	}
	st = al_yaml_stream_open_buffer(stream, path, data, length, err);
	free(data);
	return st;
}

al_status al_yaml_stream_next(al_yaml_stream *stream, yaml_document_t *doc, bool *got, al_error *err)
{
	*got = false;
	if (stream->done || stream->buffer == NULL)
		return AL_OK;
	if (!yaml_parser_load(&stream->parser, doc)) {
		stream->done = true;
		const char *problem = stream->parser.problem ? stream->parser.problem : "syntax error";
		unsigned long line = (unsigned long)stream->parser.problem_mark.line + 1;
		if (stream->parser.context != NULL)
			return al_error_set(err, AL_ESYNTAX, "%s:%lu: %s %s", stream->label, line,
					    problem, stream->parser.context);
		return al_error_set(err, AL_ESYNTAX, "%s:%lu: %s", stream->label, line, problem);
	}
	if (yaml_document_get_root_node(doc) == NULL) {
		yaml_document_delete(doc);
		stream->done = true;
		return AL_OK;
	}
	*got = true;
	return AL_OK;
}

void al_yaml_stream_close(al_yaml_stream *stream)
{
	if (stream->buffer != NULL) {
		yaml_parser_delete(&stream->parser);
		free(stream->buffer);
	}
	memset(stream, 0, sizeof(*stream));
}

static al_status load_single(al_yaml_stream *stream, yaml_document_t *doc, al_error *err)
{
	bool got = false;
	al_status st = al_yaml_stream_next(stream, doc, &got, err);
	if (st == AL_OK && !got) {
		/* an empty input: an empty document */
		if (!yaml_document_initialize(doc, NULL, NULL, NULL, 1, 1))
			st = al_error_set(err, AL_ENOMEM, "%s: out of memory", stream->label);
	} else if (st == AL_OK) {
		yaml_document_t extra;
		bool more = false;
		al_error ignore;
		if (al_yaml_stream_next(stream, &extra, &more, &ignore) == AL_OK && more) {
			unsigned long line = al_yaml_line(yaml_document_get_root_node(&extra));
			yaml_document_delete(&extra);
			yaml_document_delete(doc);
			st = al_error_set(err, AL_ESYNTAX, "%s:%lu: only one YAML document is expected",
					  stream->label, line);
		}
	}
	return st;
}

al_status al_yaml_load_file(const char *path, const char *what, yaml_document_t *doc, al_error *err)
{
	al_yaml_stream stream;
	al_status st = al_yaml_stream_open_file(&stream, path, what, err);
	if (st != AL_OK)
		return st;
	st = load_single(&stream, doc, err);
	al_yaml_stream_close(&stream);
	return st;
}

al_status al_yaml_load_buffer(const char *label, const char *data, size_t length,
			      yaml_document_t *doc, al_error *err)
{
	al_yaml_stream stream;
	al_status st = al_yaml_stream_open_buffer(&stream, label, data, length, err);
	if (st != AL_OK)
		return st;
	st = load_single(&stream, doc, err);
	al_yaml_stream_close(&stream);
	return st;
}

yaml_node_t *al_yaml_root(yaml_document_t *doc)
{
	return yaml_document_get_root_node(doc);
}

bool al_yaml_is_map(const yaml_node_t *node)
{
	return node != NULL && node->type == YAML_MAPPING_NODE;
}

bool al_yaml_is_seq(const yaml_node_t *node)
{
	return node != NULL && node->type == YAML_SEQUENCE_NODE;
}

bool al_yaml_is_scalar(const yaml_node_t *node)
{
	return node != NULL && node->type == YAML_SCALAR_NODE;
}

const char *al_yaml_scalar(const yaml_node_t *node)
{
	if (!al_yaml_is_scalar(node))
		return NULL;
	return (const char *)node->data.scalar.value;
}

bool al_yaml_is_null(const yaml_node_t *node)
{
	if (!al_yaml_is_scalar(node) || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *v = al_yaml_scalar(node);
	return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	       strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

yaml_node_t *al_yaml_map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (!al_yaml_is_map(map))
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = al_yaml_scalar(yaml_document_get_node(doc, p->key));
		if (k != NULL && strcmp(k, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

size_t al_yaml_seq_count(const yaml_node_t *seq)
{
	if (!al_yaml_is_seq(seq))
		return 0;
	return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

yaml_node_t *al_yaml_seq_at(yaml_document_t *doc, const yaml_node_t *seq, size_t i)
{
	if (i >= al_yaml_seq_count(seq))
		return NULL;
	return yaml_document_get_node(doc, seq->data.sequence.items.start[i]);
}

size_t al_yaml_map_count(const yaml_node_t *map)
{
	if (!al_yaml_is_map(map))
		return 0;
	return (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
}

bool al_yaml_map_at(yaml_document_t *doc, const yaml_node_t *map, size_t i, yaml_node_t **key,
		    yaml_node_t **value)
{
	if (i >= al_yaml_map_count(map))
		return false;
	yaml_node_pair_t *p = map->data.mapping.pairs.start + i;
	*key = yaml_document_get_node(doc, p->key);
	*value = yaml_document_get_node(doc, p->value);
	return true;
}

bool al_yaml_bool(const yaml_node_t *node, bool *out)
{
	const char *v = al_yaml_scalar(node);
	if (v == NULL)
		return false;
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(v, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcmp(v, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

bool al_yaml_ulong(const yaml_node_t *node, unsigned long *out)
{
	const char *v = al_yaml_scalar(node);
	if (v == NULL || v[0] < '0' || v[0] > '9')
		return false;
	errno = 0;
	char *end = NULL;
	unsigned long n = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = n;
	return true;
}
