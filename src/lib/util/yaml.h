/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libyaml document helpers: load a file or buffer into a document tree and
 * read it with line numbers for error messages. Only the library includes
 * <yaml.h>; public headers never do.
 */
#ifndef AL_UTIL_YAML_H
#define AL_UTIL_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <yaml.h>

#include <authlint/status.h>

/** Largest YAML input we read (rule files, configs, templates, test suites). */
#define AL_YAML_MAX_INPUT (16u * 1024 * 1024)
/** Deepest nesting of collections in a document (the formats we read need 6). */
#define AL_YAML_MAX_DEPTH 64
/** Most nodes and aliases in one document (about 100 bytes each). */
#define AL_YAML_MAX_NODES 100000
#define AL_YAML_STR_(x) #x
#define AL_YAML_STR(x) AL_YAML_STR_(x)

/** A stream of YAML documents from one file or buffer. */
typedef struct al_yaml_stream {
	yaml_parser_t parser;
	char *buffer;        /* owned input, or NULL */
	size_t length;
	bool open;           /* the parser is initialised */
	const char *label;   /* file name for messages */
	bool done;
} al_yaml_stream;

/** Open @p path (read whole, bounded by AL_YAML_MAX_INPUT); @p what names the
 * kind of file in the limit's message ("a configuration file"). */
al_status al_yaml_stream_open_file(al_yaml_stream *stream, const char *path, const char *what,
				   al_error *err);
/** Read from memory (copied). */
al_status al_yaml_stream_open_buffer(al_yaml_stream *stream, const char *label, const char *data,
				     size_t length, al_error *err);
/**
 * Next document into @p doc (caller calls yaml_document_delete). Returns AL_OK
 * with *got = false at the end of the stream; AL_ESYNTAX with file:line in
 * @p err on a syntax error, nesting deeper than AL_YAML_MAX_DEPTH or more
 * than AL_YAML_MAX_NODES nodes (refused at the first event past the bound).
 */
al_status al_yaml_stream_next(al_yaml_stream *stream, yaml_document_t *doc, bool *got, al_error *err);
void al_yaml_stream_close(al_yaml_stream *stream);

/** Load the single document of a file. An empty file gives an empty document. */
al_status al_yaml_load_file(const char *path, const char *what, yaml_document_t *doc, al_error *err);
al_status al_yaml_load_buffer(const char *label, const char *data, size_t length,
			      yaml_document_t *doc, al_error *err);

/** 1-based line of a node. */
static inline unsigned long al_yaml_line(const yaml_node_t *node)
{
	return node != NULL ? (unsigned long)node->start_mark.line + 1 : 0;
}

/** The root node, or NULL for an empty document. */
yaml_node_t *al_yaml_root(yaml_document_t *doc);
/** Value for @p key in a mapping, or NULL. */
yaml_node_t *al_yaml_map_get(yaml_document_t *doc, yaml_node_t *map, const char *key);
/** Scalar text (NUL-terminated), or NULL when @p node is not a scalar. */
const char *al_yaml_scalar(const yaml_node_t *node);
/** True for a plain (unquoted) scalar equal to one of ~, null, Null, NULL or empty. */
bool al_yaml_is_null(const yaml_node_t *node);
/** Node type tests that accept NULL. */
bool al_yaml_is_map(const yaml_node_t *node);
bool al_yaml_is_seq(const yaml_node_t *node);
bool al_yaml_is_scalar(const yaml_node_t *node);
/** Number of items of a sequence (0 otherwise) and item @p i. */
size_t al_yaml_seq_count(const yaml_node_t *seq);
yaml_node_t *al_yaml_seq_at(yaml_document_t *doc, const yaml_node_t *seq, size_t i);
/** Number of pairs of a mapping (0 otherwise) and pair @p i. */
size_t al_yaml_map_count(const yaml_node_t *map);
bool al_yaml_map_at(yaml_document_t *doc, const yaml_node_t *map, size_t i, yaml_node_t **key,
		    yaml_node_t **value);
/** Parse a scalar as a boolean (true/false/yes/no/on/off). */
bool al_yaml_bool(const yaml_node_t *node, bool *out);
/** Parse a scalar as a non-negative integer. */
bool al_yaml_ulong(const yaml_node_t *node, unsigned long *out);

#endif
