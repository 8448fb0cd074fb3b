/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "util/yaml.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "util/grow.h"

/* Read from @p data, which stays valid until the stream is closed; @p owned
 * (the same bytes, or NULL) is freed then. */
static al_status open_input(al_yaml_stream *stream, const char *label, const char *data, size_t length,
			    char *owned, al_error *err)
{
	memset(stream, 0, sizeof(*stream));
	stream->label = label;
	char limit[32];
	if (length > AL_YAML_MAX_INPUT) {
		free(owned);
		return al_error_set(err, AL_ELIMIT, "%s: larger than %s, the limit for a YAML document", label,
				    al_size_text(AL_YAML_MAX_INPUT, limit));
	}
	if (!yaml_parser_initialize(&stream->parser)) {
		free(owned);
		return al_error_set(err, AL_ENOMEM, "%s: cannot initialise the YAML parser", label);
	}
	stream->open = true;
	stream->buffer = owned;
	stream->length = length;
	yaml_parser_set_input_string(&stream->parser, (const unsigned char *)(data ? data : ""), length);
	return AL_OK;
}

al_status al_yaml_stream_open_buffer(al_yaml_stream *stream, const char *label, const char *data,
				     size_t length, al_error *err)
{
	if (length > AL_YAML_MAX_INPUT)
		return open_input(stream, label, NULL, length, NULL, err);
	char *copy = malloc(length + 1);
	if (copy == NULL) {
		memset(stream, 0, sizeof(*stream));
		return al_error_set(err, AL_ENOMEM, "%s: out of memory", label);
	}
	if (length > 0)
		memcpy(copy, data, length);
	copy[length] = '\0';
	return open_input(stream, label, copy, length, copy, err);
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
	return open_input(stream, path, data, length, data, err);
}

/* ---- building a document from events, with bounds ---------------------------------------
 *
 * libyaml's yaml_parser_load builds the whole tree before anyone can look at
 * it, with no bound on nesting: 200 KB of "[[[[" took 24 s (the scanner keeps
 * a simple key per flow level and walks them all at every token) and 12 MB of
 * small items 560 MB. Here the tree is built from the parser's events, and
 * the document is refused at the first event past a bound: nesting deeper
 * than AL_YAML_MAX_DEPTH, more than AL_YAML_MAX_NODES nodes and aliases. An
 * alias to a collection still open (a cycle) is refused too.
 */

typedef struct anchor {
	char *name;
	int node;
	bool open; /* a collection not closed yet: an alias to it would be a cycle */
} anchor;

typedef struct frame {
	int node;
	int key; /* a mapping's key waiting for its value; 0 for none */
} frame;

typedef struct builder {
	al_yaml_stream *stream;
	yaml_document_t *doc;
	frame stack[AL_YAML_MAX_DEPTH];
	unsigned depth;
	anchor *anchors;
	size_t anchor_count, anchor_capacity;
	size_t items; /* nodes and aliases */
	al_error *err;
} builder;

static al_status build_fail(builder *b, const yaml_mark_t *mark, const char *what)
{
	return al_error_set(b->err, AL_ESYNTAX, "%s:%lu: %s", b->stream->label, (unsigned long)mark->line + 1,
			    what);
}

static al_status parser_fail(al_yaml_stream *stream, al_error *err)
{
	const char *problem = stream->parser.problem ? stream->parser.problem : "syntax error";
	unsigned long line = (unsigned long)stream->parser.problem_mark.line + 1;
	if (stream->parser.error == YAML_MEMORY_ERROR)
		return al_error_set(err, AL_ENOMEM, "%s: out of memory", stream->label);
	if (stream->parser.context != NULL)
		return al_error_set(err, AL_ESYNTAX, "%s:%lu: %s %s", stream->label, line, problem,
				    stream->parser.context);
	return al_error_set(err, AL_ESYNTAX, "%s:%lu: %s", stream->label, line, problem);
}

static yaml_char_t *node_tag(yaml_char_t *tag)
{
	/* the non-specific tags get the default one, as yaml_parser_load does */
	return tag == NULL || strcmp((const char *)tag, "!") == 0 ? NULL : tag;
}

static al_status add_anchor(builder *b, yaml_char_t *name, int node, bool open)
{
	if (name == NULL)
		return AL_OK;
	if (!AL_GROW_ONE(b->anchors, b->anchor_count, b->anchor_capacity))
		return al_error_set(b->err, AL_ENOMEM, "%s: out of memory", b->stream->label);
	char *copy = strdup((const char *)name);
	if (copy == NULL)
		return al_error_set(b->err, AL_ENOMEM, "%s: out of memory", b->stream->label);
	b->anchors[b->anchor_count++] = (anchor){copy, node, open};
	return AL_OK;
}

/* Put node @p id under the open collection, or make it the root. */
static al_status attach(builder *b, int id, const yaml_mark_t *mark)
{
	if (++b->items > AL_YAML_MAX_NODES)
		return build_fail(b, mark, "more than " AL_YAML_STR(AL_YAML_MAX_NODES) " nodes in one document");
	if (b->depth == 0)
		return AL_OK; /* the root: the first node added */
	frame *f = &b->stack[b->depth - 1];
	yaml_node_t *parent = yaml_document_get_node(b->doc, f->node);
	int ok;
	if (parent->type == YAML_SEQUENCE_NODE) {
		ok = yaml_document_append_sequence_item(b->doc, f->node, id);
	} else if (f->key == 0) {
		f->key = id;
		ok = 1;
	} else {
		ok = yaml_document_append_mapping_pair(b->doc, f->node, f->key, id);
		f->key = 0;
	}
	return ok ? AL_OK : al_error_set(b->err, AL_ENOMEM, "%s: out of memory", b->stream->label);
}

static void set_marks(builder *b, int id, const yaml_event_t *ev)
{
	yaml_node_t *n = yaml_document_get_node(b->doc, id);
	n->start_mark = ev->start_mark;
	n->end_mark = ev->end_mark;
}

/* One event of a document's content; *end is set at the document's end. */
static al_status build_event(builder *b, yaml_event_t *ev, bool *end)
{
	int id;
	switch (ev->type) {
	case YAML_DOCUMENT_END_EVENT:
		*end = true;
		return AL_OK;
	case YAML_ALIAS_EVENT: {
		const char *name = (const char *)ev->data.alias.anchor;
		for (size_t i = b->anchor_count; i-- > 0;) {
			if (strcmp(b->anchors[i].name, name) != 0)
				continue;
			if (b->anchors[i].open)
				return build_fail(b, &ev->start_mark, "an alias to a node that contains it");
			return attach(b, b->anchors[i].node, &ev->start_mark);
		}
		return build_fail(b, &ev->start_mark, "found undefined alias");
	}
	case YAML_SCALAR_EVENT:
		id = yaml_document_add_scalar(b->doc, node_tag(ev->data.scalar.tag), ev->data.scalar.value,
					      (int)ev->data.scalar.length, ev->data.scalar.style);
		if (id == 0)
			return al_error_set(b->err, AL_ENOMEM, "%s: out of memory", b->stream->label);
		set_marks(b, id, ev);
		if (add_anchor(b, ev->data.scalar.anchor, id, false) != AL_OK)
			return b->err->status;
		return attach(b, id, &ev->start_mark);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		if (b->depth == AL_YAML_MAX_DEPTH)
			return build_fail(b, &ev->start_mark,
					  "nested deeper than " AL_YAML_STR(AL_YAML_MAX_DEPTH) " levels");
		bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
		id = seq ? yaml_document_add_sequence(b->doc, node_tag(ev->data.sequence_start.tag),
						      ev->data.sequence_start.style)
			 : yaml_document_add_mapping(b->doc, node_tag(ev->data.mapping_start.tag),
						     ev->data.mapping_start.style);
		if (id == 0)
			return al_error_set(b->err, AL_ENOMEM, "%s: out of memory", b->stream->label);
		set_marks(b, id, ev);
		yaml_char_t *name = seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
		al_status st = add_anchor(b, name, id, true);
		if (st == AL_OK)
			st = attach(b, id, &ev->start_mark);
		if (st != AL_OK)
			return st;
		b->stack[b->depth++] = (frame){id, 0};
		return AL_OK;
	}
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: {
		if (b->depth == 0)
			return build_fail(b, &ev->start_mark, "unbalanced collection");
		int node = b->stack[--b->depth].node;
		yaml_document_get_node(b->doc, node)->end_mark = ev->end_mark;
		for (size_t i = b->anchor_count; i-- > 0;)
			if (b->anchors[i].node == node)
				b->anchors[i].open = false;
		return AL_OK;
	}
	default:
		return build_fail(b, &ev->start_mark, "unexpected event");
	}
}

al_status al_yaml_stream_next(al_yaml_stream *stream, yaml_document_t *doc, bool *got, al_error *err)
{
	*got = false;
	if (stream->done || !stream->open)
		return AL_OK;
	yaml_event_t ev;
	/* up to the start of the next document, or the end of the stream */
	for (;;) {
		if (!yaml_parser_parse(&stream->parser, &ev)) {
			stream->done = true;
			return parser_fail(stream, err);
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT)
			break;
		yaml_event_type_t type = ev.type;
		yaml_event_delete(&ev);
		if (type == YAML_STREAM_END_EVENT) {
			stream->done = true;
			return AL_OK;
		}
	}
	int ok = yaml_document_initialize(doc, ev.data.document_start.version_directive,
					  ev.data.document_start.tag_directives.start,
					  ev.data.document_start.tag_directives.end,
					  ev.data.document_start.implicit, 1);
	yaml_mark_t start = ev.start_mark;
	yaml_event_delete(&ev);
	if (!ok) {
		stream->done = true;
		return al_error_set(err, AL_ENOMEM, "%s: out of memory", stream->label);
	}
	doc->start_mark = start;
	builder b = {.stream = stream, .doc = doc, .err = err};
	al_status st = AL_OK;
	for (bool end = false; st == AL_OK && !end;) {
		if (!yaml_parser_parse(&stream->parser, &ev)) {
			st = parser_fail(stream, err);
			break;
		}
		st = build_event(&b, &ev, &end);
		if (end)
			doc->end_mark = ev.end_mark;
		yaml_event_delete(&ev);
	}
	for (size_t i = 0; i < b.anchor_count; i++)
		free(b.anchors[i].name);
	free(b.anchors);
	if (st != AL_OK) {
		stream->done = true;
		yaml_document_delete(doc);
		return st;
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
	if (stream->open)
		yaml_parser_delete(&stream->parser);
	free(stream->buffer);
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
	/* the caller's bytes outlive the stream: no copy */
	al_status st = open_input(&stream, label, data, length, NULL, err);
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
