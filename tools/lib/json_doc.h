/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One JSON value, parsed by jansson, as the yaml_document_t that the
 * reader's schema walker reads (yaml_read.c).
 */
#ifndef KSVC_LIB_JSON_DOC_H
#define KSVC_LIB_JSON_DOC_H

#include <stddef.h>
#include <jansson.h>
#include <yaml.h>

/*
 * The document's nodes point into jansson's tree (strings) and into
 * chunks of our own (lists of pairs and items, integers as text); no
 * node has a tag.  Each node's start mark is where libyaml would put it.
 */
struct json_doc {
	yaml_document_t doc;
	json_t *root;
	struct json_chunk *chunks;
	yaml_mark_t end;	/* where the value ends (JSON_DOC_OK) */
};

enum json_doc_result {
	JSON_DOC_OK,
	JSON_DOC_SYNTAX,	/* not one JSON value (jansson's error) */
	JSON_DOC_OTHER,		/* JSON, but not for the fast path: see .c */
};

/*
 * Parse the JSON value at the start of @buf (@len bytes; whitespace may
 * lead) and compose it, marked at line @line, column @col (0-based).
 * *@used: the bytes it took (with JSON_DOC_OK and JSON_DOC_OTHER).
 * Free with json_doc_free(), whatever the result.
 */
enum json_doc_result json_doc_load(struct json_doc *j, const char *buf,
				   size_t len, size_t *used, int line, int col);
/*
 * Compose @v (a reference is taken), with no text: every mark is 0:0.  For
 * objects from the API server, whose messages name the object instead.
 * Nesting past the walker's limit leaves the document empty.
 */
void json_doc_from(struct json_doc *j, json_t *v);
void json_doc_free(struct json_doc *j);

#endif
