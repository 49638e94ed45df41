// SPDX-License-Identifier: GPL-2.0
/*
 * yaml_read.c: Kubernetes YAML and JSON into the model.
 *
 * libyaml composes YAML; jansson parses JSON, and json_doc.c composes its
 * tree into the same yaml_document_t, marks included, so what follows is
 * the same for either.  JSON is YAML's flow style: where jansson declines
 * (see read_json()), libyaml reads it.
 *
 * libyaml's document API composes each document into a node graph in
 * which every node keeps its start mark; an alias becomes a second
 * reference to the anchored node, so composing stays linear in the input.
 * Interpreting the graph expands aliases, though, so before interpreting
 * check_budget() walks the whole graph as if expanded and refuses
 * documents that nest too deep (this also catches alias cycles) or whose
 * aliases add too many nodes (billion laughs).
 *
 * Interpretation is driven by schemas: a table per object type lists the
 * fields the Kubernetes API defines.  walk_obj() type checks every field,
 * reports unknown ones (with a suggestion), and hands the fields we need
 * to a visitor; the others are checked against their own schema, or
 * accepted whole (F_ANY), and dropped.
 *
 * Location rule: an error about a field points at its key; one about a
 * list item or an object points at the item's or object's first character.
 * Paths are relative to the object ("spec.ports[0].port"), also inside a
 * List, as kubectl prints them.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <yaml.h>

#include <linux/ksvc.h>

#include "diag.h"
#include "json_doc.h"
#include "model.h"
#include "model_util.h"
#include "validate.h"
#include "yaml_read.h"

#define PATH_LEN	512
#define SHOW_LEN	160

/*
 * Names against names (fields, keys, list words): millions of them.  A
 * visitor gets the schema's own string and compares it with the same
 * literal, which the compiler stores once, so most hits are settled by
 * the pointers and most misses by the first letters, without a call.
 */
static inline bool streq(const char *a, const char *b)
{
	return a == b || (a[0] == b[0] && !strcmp(a, b));
}

struct rd {
	yaml_document_t *doc;
	const char *file;	/* owned by the model */
	struct diag *d;
	struct model *m;
	enum yaml_unknown unknown;
	bool events;		/* watch events are read (ksvcctl watch) */
	bool nul_free;		/* the document's strings hold no NUL */
	/* in a ServiceList (...), the kind of items that name none */
	const struct kind *item_kind;
	bool unmarked;		/* no text: locations name the object alone */
};

/* ---------------------------------------------------------------------- */
/* Nodes and scalars */

enum skind { S_NULL, S_BOOL, S_INT, S_FLOAT, S_STR };

/* yaml_document_get_node(), without a call into the library per node */
static yaml_node_t *node(const struct rd *r, int idx)
{
	yaml_node_t *n = r->doc->nodes.start + idx - 1;

	return idx > 0 && n < r->doc->nodes.top ? n : NULL;
}

static struct loc nloc(const struct rd *r, const yaml_node_t *n)
{
	if (r->unmarked)
		return (struct loc){ r->file, 0, 0 };
	return (struct loc){ r->file, (int)n->start_mark.line + 1,
			     (int)n->start_mark.column + 1 };
}

static const char *sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool is_plain(const yaml_node_t *n)
{
	return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
	       n->data.scalar.style == YAML_ANY_SCALAR_STYLE;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (streq(s, *list))
			return true;
	return false;
}

/* YAML 1.1 booleans: what kubectl's YAML decoder accepts. */
static const char *const yaml_true[] = {
	"true", "True", "TRUE", "yes", "Yes", "YES", "y", "Y",
	"on", "On", "ON", NULL
};
static const char *const yaml_false[] = {
	"false", "False", "FALSE", "no", "No", "NO", "n", "N",
	"off", "Off", "OFF", NULL
};
static const char *const yaml_null[] = { "", "~", "null", "Null", "NULL", NULL };

/*
 * First letters of yaml_null's and of the booleans' words, tested before
 * the lists: for every scalar read, a switch instead of strchr() calls.
 */
static bool null_start(char c)
{
	return c == '\0' || c == '~' || c == 'n' || c == 'N';
}

static bool bool_start(char c)
{
	switch (c) {
	case 't': case 'T': case 'f': case 'F': case 'y': case 'Y':
	case 'n': case 'N': case 'o': case 'O':
		return true;
	}
	return false;
}

static bool looks_int(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static bool looks_float(const char *s)
{
	char *end;

	/* what strtod() can take whole: digits, signs, '.', inf, nan */
	if (!*s || !strchr("0123456789+-.iInN", *s))
		return false;
	/* an IP address is no float: spare it strtod() */
	if (strchr(s, '.') != strrchr(s, '.'))
		return false;
	errno = 0;
	strtod(s, &end);
	return *end == '\0' && (strchr(s, '.') || strchr(s, 'e') || strchr(s, 'E'));
}

/* How a scalar resolves, as YAML 1.1 plain-scalar rules say. */
static enum skind scalar_kind(const yaml_node_t *n)
{
	const char *s = sval(n);

	if (!is_plain(n))
		return S_STR;
	if (null_start(*s) && in_list(s, yaml_null))
		return S_NULL;
	if (bool_start(*s) && (in_list(s, yaml_true) || in_list(s, yaml_false)))
		return S_BOOL;
	if (looks_int(s))
		return S_INT;
	if (looks_float(s))
		return S_FLOAT;
	return S_STR;
}

/* scalar_kind(n) == S_NULL, without classifying every other scalar */
static bool is_null(const yaml_node_t *n)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE || !is_plain(n))
		return false;
	s = sval(n);
	return null_start(*s) && in_list(s, yaml_null);
}

/* A value as messages show it: numbers bare, strings quoted. */
static const char *show(char *buf, size_t size, const yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE)
		return "object";
	if (n->type == YAML_SEQUENCE_NODE)
		return "list";
	switch (scalar_kind(n)) {
	case S_NULL:
		return "null";
	case S_BOOL:
	case S_INT:
	case S_FLOAT:
		if (strlen(sval(n)) < 40) {
			snprintf(buf, size, "%s", sval(n));
			return buf;
		}
		/* fall through */
	default:
		return diag_quote(buf, size, sval(n));
	}
}

static void err_at(const struct rd *r, const yaml_node_t *n, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));

static void err_at(const struct rd *r, const yaml_node_t *n, const char *fmt, ...)
{
	struct loc l = nloc(r, n);
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		m_oom();
	va_end(ap);
	diag_error(r->d, &l, "%s", msg);
	free(msg);
}

/*
 * A field path ("spec.ports[0].port"), for messages only.  The walk builds
 * a link per level on its stack as it descends, and the text is spelled
 * out only when a message needs it (building every field's text took 7%
 * of reading 10000 services).  A path longer than PATH_LEN is cut, which
 * needs a document nested near the depth limit with long keys.
 */
struct path {
	const struct path *up;	/* NULL: @name is the whole text */
	const char *name;	/* a field, or a map key; NULL: item @idx */
	size_t idx;
	bool key;		/* [name], not .name */
};

#define FIELD(up, n)	((struct path){ (up), (n), 0, false })
#define ITEM(up, i)	((struct path){ (up), NULL, (i), false })
#define KEY(up, k)	((struct path){ (up), (k), 0, true })
#define ROOT(text)	((struct path){ NULL, (text), 0, false })
/* The text of @p, in a buffer that lives to the end of the statement */
#define PS(p)		spell((p), (char[PATH_LEN]){ 0 })

static void put(char *out, size_t *n, const char *s)
{
	size_t l = strnlen(s, PATH_LEN - 1 - *n);

	memcpy(out + *n, s, l);
	*n += l;
	out[*n] = '\0';
}

static size_t spell_at(const struct path *p, char *out)
{
	char num[24], *d = num + sizeof(num) - 1;
	size_t n = p->up ? spell_at(p->up, out) : 0, i = p->idx;

	out[n] = '\0';
	if (!p->up) {
		put(out, &n, p->name);
	} else if (p->name && !p->key) {
		if (n)
			put(out, &n, ".");
		put(out, &n, p->name);
	} else {
		*d = '\0';
		do
			*--d = (char)('0' + i % 10);
		while (i /= 10);
		put(out, &n, "[");
		put(out, &n, p->name ? p->name : d);
		put(out, &n, "]");
	}
	return n;
}

static const char *spell(const struct path *p, char *out)
{
	spell_at(p, out);
	return out;
}

/* "<path>: Invalid value: <v>: expected <what>" at @n. */
static void type_error(const struct rd *r, const yaml_node_t *n,
		       const struct path *path, const char *what)
{
	char b[SHOW_LEN];

	err_at(r, n, "%s: Invalid value: %s: expected %s", PS(path),
	       show(b, sizeof(b), n), what);
}

/* The value of key @key in mapping @n, or NULL. */
static yaml_node_t *map_get(const struct rd *r, const yaml_node_t *n,
			    const char *key, yaml_node_t **keynode)
{
	yaml_node_pair_t *p;

	if (n->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(r, p->key);

		if (k->type == YAML_SCALAR_NODE && streq(sval(k), key)) {
			if (keynode)
				*keynode = k;
			return node(r, p->value);
		}
	}
	return NULL;
}

/* A string scalar's value, refusing embedded NULs (they would cut it). */
static bool scalar_text_ok(const struct rd *r, const yaml_node_t *n,
			   const struct path *path)
{
	if (r->nul_free || strlen(sval(n)) == n->data.scalar.length)
		return true;
	err_at(r, n, "%s: Invalid value: %s: must not contain a NUL character",
	       PS(path), "string");
	return false;
}

/* Integer value of a scalar already checked by check_kind(F_INT). */
static int ival(const yaml_node_t *n)
{
	return (int)strtol(sval(n), NULL, 10);
}

static bool bval(const yaml_node_t *n)
{
	return in_list(sval(n), yaml_true);
}

static char *sdup(const yaml_node_t *n)
{
	return m_xstrdup(sval(n));
}

/* ---------------------------------------------------------------------- */
/* Budget: bound alias expansion and nesting before anything else looks. */

struct budget {
	size_t left;
	bool failed;
};

static bool budget_walk(const struct rd *r, yaml_node_t *n, int depth,
			struct budget *b)
{
	if (depth > YAML_MAX_DEPTH) {
		err_at(r, n, "document nests deeper than %d levels (alias cycle?); refusing it",
		       YAML_MAX_DEPTH);
		return false;
	}
	if (b->left-- == 0) {
		err_at(r, n, "aliases expand this document by more than %d nodes (alias bomb?); refusing it",
		       YAML_MAX_ALIAS);
		return false;
	}
	if (n->type == YAML_SEQUENCE_NODE) {
		yaml_node_item_t *it;

		for (it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++)
			if (!budget_walk(r, node(r, *it), depth + 1, b))
				return false;
	} else if (n->type == YAML_MAPPING_NODE) {
		yaml_node_pair_t *p;

		for (p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++)
			if (!budget_walk(r, node(r, p->key), depth + 1, b) ||
			    !budget_walk(r, node(r, p->value), depth + 1, b))
				return false;
	}
	return true;
}

/*
 * Without aliases a walk visits each node once, so the budget is the
 * document's own node count plus what aliases may add: a big plain
 * document (a List of a thousand Pods) passes, a small bomb does not.
 */
static bool check_budget(const struct rd *r, yaml_node_t *root)
{
	struct budget b;

	b.left = (size_t)(r->doc->nodes.top - r->doc->nodes.start) + YAML_MAX_ALIAS;
	return budget_walk(r, root, 0, &b);
}

/* ---------------------------------------------------------------------- */
/* Schemas */

enum fkind {
	F_ANY,		/* anything, not looked at */
	F_STR,		/* any scalar */
	F_INT,
	F_BOOL,
	F_INTSTR,	/* int or string: any scalar */
	F_OBJ,		/* mapping; sub = its schema, NULL = anything */
	F_LIST,		/* sequence; sub = schema of its (mapping) items */
	F_STRMAP,	/* mapping of string to string */
	F_STRLIST,	/* sequence of strings */
};

struct schema;

struct field {
	const char *name;
	enum fkind kind;
	const struct schema *sub;
};

struct schema {
	bool open;		/* unknown fields are accepted silently */
	const struct field *fields;	/* ends with a NULL name */
};

/*
 * A visitor gets every known, non-null, well-typed field of an object;
 * it returns true if it used the value, false to have walk_obj() check
 * the value against the field's schema and drop it.
 */
typedef bool visit_fn(struct rd *r, void *obj, const char *name,
		      yaml_node_t *key, yaml_node_t *val, const struct path *path);

static const struct field *find_field(const struct schema *s, const char *name)
{
	const struct field *f;

	for (f = s->fields; f->name; f++)
		if (streq(f->name, name))
			return f;
	return NULL;
}

/* Case-insensitive Levenshtein distance, for suggestions. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t *row, best;

	if (la > 64 || lb > 64)
		return (size_t)-1;
	row = m_xcalloc(lb + 1, sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) !=
				      tolower((unsigned char)b[j - 1]);
			size_t v = diag + cost;

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

static bool prefix_ci(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t n = la < lb ? la : lb;

	return n >= 3 && !strncasecmp(a, b, n);
}

/*
 * The known name closest to @name: within 2 edits (1 for very short
 * names), else one that is a prefix of the other ("port"/"ports"), else
 * NULL.
 */
static const char *suggest(const char *name, const char *const *cands, size_t n)
{
	size_t best = (size_t)-1, max = strlen(name) <= 3 ? 1 : 2;
	const char *pick = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t dist = edit_distance(name, cands[i]);

		if (dist <= max && dist < best) {
			best = dist;
			pick = cands[i];
		}
	}
	for (size_t i = 0; !pick && i < n; i++)
		if (prefix_ci(name, cands[i]))
			pick = cands[i];
	return pick;
}

static void unknown_field(const struct rd *r, const yaml_node_t *key,
			  const struct path *path, const struct schema *s)
{
	const char *cands[64], *pick;
	char spath[PATH_LEN + 32];
	struct path fpath = FIELD(path, sval(key));
	struct loc l = nloc(r, key);
	size_t n = 0;

	if (r->unknown == YAML_UNKNOWN_IGNORE)
		return;
	for (const struct field *f = s->fields; f->name && n < 64; f++)
		cands[n++] = f->name;
	pick = suggest(sval(key), cands, n);
	spath[0] = '\0';
	if (pick) {
		struct path sug = FIELD(path, pick);

		snprintf(spath, sizeof(spath), " (did you mean \"%s\"?)",
			 PS(&sug));
	}
	/* --validate=warn: said, and the object is still read */
	diag_msg(r->d, r->unknown == YAML_UNKNOWN_WARN ? DIAG_WARNING : DIAG_ERROR,
		 &l, "unknown field \"%s\"%s", PS(&fpath), spath);
}

/* Was the key of pair @p already used earlier in mapping @n? */
static yaml_node_t *earlier_key(const struct rd *r, const yaml_node_t *n,
				const yaml_node_pair_t *p)
{
	const char *name = sval(node(r, p->key));

	for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
		yaml_node_t *k = node(r, q->key);

		if (k->type == YAML_SCALAR_NODE && streq(sval(k), name))
			return k;
	}
	return NULL;
}

/* Keys must be strings and unique; @map_key: path[key], not path.key */
static bool key_ok(const struct rd *r, const yaml_node_t *map,
		   const yaml_node_pair_t *p, const struct path *path, bool map_key)
{
	yaml_node_t *k = node(r, p->key), *first;

	if (k->type != YAML_SCALAR_NODE) {
		struct path key = ROOT("key");

		type_error(r, k, PS(path)[0] ? path : &key, "a string key");
		return false;
	}
	if (!scalar_text_ok(r, k, path))
		return false;
	first = earlier_key(r, map, p);
	if (first) {
		struct path fpath = map_key ? KEY(path, sval(k)) :
					      FIELD(path, sval(k));

		err_at(r, k, "%s: Duplicate value: field already set at line %d",
		       PS(&fpath), (int)first->start_mark.line + 1);
		return false;
	}
	return true;
}

/* Is @v of kind @k?  Reports "expected ..." if not. */
static bool check_kind(const struct rd *r, const yaml_node_t *v, enum fkind k,
		       const struct path *path)
{
	switch (k) {
	case F_ANY:
		return true;
	case F_STR:
	case F_INTSTR:
		if (v->type != YAML_SCALAR_NODE) {
			type_error(r, v, path, "string");
			return false;
		}
		return scalar_text_ok(r, v, path);
	case F_INT:
		if (v->type != YAML_SCALAR_NODE || scalar_kind(v) != S_INT) {
			type_error(r, v, path, "integer");
			return false;
		}
		errno = 0;
		long x = strtol(sval(v), NULL, 10);

		if (errno || x > INT_MAX || x < INT_MIN) {
			type_error(r, v, path, "32-bit integer");
			return false;
		}
		return true;
	case F_BOOL:
		if (v->type != YAML_SCALAR_NODE || scalar_kind(v) != S_BOOL) {
			type_error(r, v, path, "boolean");
			return false;
		}
		return true;
	case F_OBJ:
	case F_STRMAP:
		if (v->type != YAML_MAPPING_NODE) {
			type_error(r, v, path, "object");
			return false;
		}
		return true;
	case F_LIST:
	case F_STRLIST:
		if (v->type != YAML_SEQUENCE_NODE) {
			type_error(r, v, path, "list");
			return false;
		}
		return true;
	}
	return false;
}

static void walk_obj(struct rd *r, yaml_node_t *n, const struct path *path,
		     const struct schema *s, visit_fn *fn, void *obj);

/* Check a field nobody reads: it must still be well formed. */
static void check_sub(struct rd *r, const struct field *f, yaml_node_t *v,
		      const struct path *path)
{
	size_t i = 0;

	if (f->kind == F_OBJ && f->sub) {
		walk_obj(r, v, path, f->sub, NULL, NULL);
	} else if (f->kind == F_LIST || f->kind == F_STRLIST) {
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++, i++) {
			yaml_node_t *item = node(r, *it);
			struct path ipath = ITEM(path, i);

			if (f->kind == F_STRLIST)
				check_kind(r, item, F_STR, &ipath);
			else if (f->sub)
				walk_obj(r, item, &ipath, f->sub, NULL, NULL);
		}
	} else if (f->kind == F_STRMAP) {
		for (yaml_node_pair_t *p = v->data.mapping.pairs.start;
		     p < v->data.mapping.pairs.top; p++) {
			yaml_node_t *val = node(r, p->value);
			struct path kpath;

			if (!key_ok(r, v, p, path, true))
				continue;
			kpath = KEY(path, sval(node(r, p->key)));
			if (!is_null(val))
				check_kind(r, val, F_STR, &kpath);
		}
	}
}

static void walk_obj(struct rd *r, yaml_node_t *n, const struct path *path,
		     const struct schema *s, visit_fn *fn, void *obj)
{
	if (n->type != YAML_MAPPING_NODE) {
		struct path doc = ROOT("document");

		check_kind(r, n, F_OBJ, PS(path)[0] ? path : &doc);
		return;
	}
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top && !diag_full(r->d); p++) {
		yaml_node_t *k = node(r, p->key), *v = node(r, p->value);
		const struct field *f;
		struct path fpath;

		if (!key_ok(r, n, p, path, false))
			continue;
		f = find_field(s, sval(k));
		if (!f) {
			if (!s->open)
				unknown_field(r, k, path, s);
			continue;
		}
		/* Kubernetes treats "field: null" as an absent field. */
		if (is_null(v))
			continue;
		fpath = FIELD(path, f->name);
		if (!check_kind(r, v, f->kind, &fpath))
			continue;
		if (fn && fn(r, obj, f->name, k, v, &fpath))
			continue;
		check_sub(r, f, v, &fpath);
	}
}

/* Call @fn on each item of sequence @v (already checked to be one). */
typedef void item_fn(struct rd *r, void *obj, yaml_node_t *item,
		     const struct path *path, size_t i);

static void each_item(struct rd *r, yaml_node_t *v, const struct path *path,
		      item_fn *fn, void *obj)
{
	size_t i = 0;

	for (yaml_node_item_t *it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top && !diag_full(r->d); it++, i++) {
		struct path ipath = ITEM(path, i);

		fn(r, obj, node(r, *it), &ipath, i);
	}
}

/* Items of sequence @v: what an array read from it will hold, at most. */
static size_t n_items(const yaml_node_t *v)
{
	return v->data.sequence.items.top - v->data.sequence.items.start;
}

/* Read a string map (labels, selector) into a label array. */
static void read_strmap(struct rd *r, yaml_node_t *v, const struct path *path,
			struct m_label **out, size_t *n)
{
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start;
	     p < v->data.mapping.pairs.top; p++) {
		yaml_node_t *val = node(r, p->value);
		struct path kpath;
		struct m_label *l;

		if (!key_ok(r, v, p, path, true))
			continue;
		kpath = KEY(path, sval(node(r, p->key)));
		if (!is_null(val) && !check_kind(r, val, F_STR, &kpath))
			continue;
		l = m_vpush((void **)out, n, sizeof(**out));
		l->key = sdup(node(r, p->key));
		l->val = m_xstrdup(is_null(val) ? "" : sval(val));
	}
}

/* Parse an IP address scalar; report it if it is not one. */
static bool read_ip(struct rd *r, yaml_node_t *v, const struct path *path,
		    int family, struct m_addr *a)
{
	char b[SHOW_LEN];

	if (v->type != YAML_SCALAR_NODE) {
		type_error(r, v, path, "string");
		return false;
	}
	if (parse_ip(sval(v), a) < 0 || (family && a->family != family)) {
		err_at(r, v, "%s: Invalid value: %s: must be a valid %s address, (e.g. %s)",
		       PS(path), show(b, sizeof(b), v),
		       family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "IP",
		       family == AF_INET ? "10.9.8.7" : family == AF_INET6 ?
		       "2001:db8::ffff" : "10.9.8.7 or 2001:db8::ffff");
		return false;
	}
	return true;
}

/*
 * A field that changes what kube-proxy does and that ksvc does not do
 * yet: read (and type checked) but never silently.
 */
static void not_honoured(struct rd *r, yaml_node_t *key,
			 const struct path *path, const char *what)
{
	struct loc l = nloc(r, key);

	diag_warn(r->d, &l, "%s: not supported by ksvc yet, ignored: %s",
		  PS(path), what);
}

/* Report "<path>: Unsupported value: <v>: supported values: ..." */
static void unsupported(struct rd *r, yaml_node_t *at, const struct path *path,
			yaml_node_t *v, const char *supported)
{
	char b[SHOW_LEN];

	err_at(r, at, "%s: Unsupported value: %s: supported values: %s",
	       PS(path), show(b, sizeof(b), v), supported);
}

static int read_proto(struct rd *r, yaml_node_t *key, yaml_node_t *v,
		      const struct path *path)
{
	int proto = parse_proto(sval(v));

	if (proto < 0)
		unsupported(r, key, path, v, "\"SCTP\", \"TCP\", \"UDP\"");
	return proto < 0 ? IPPROTO_TCP : proto;
}

/* ---------------------------------------------------------------------- */
/* metadata */

static const struct field meta_fields[] = {
	{ "annotations", F_STRMAP, NULL },
	{ "clusterName", F_STR, NULL },
	{ "creationTimestamp", F_ANY, NULL },
	{ "deletionGracePeriodSeconds", F_INT, NULL },
	{ "deletionTimestamp", F_ANY, NULL },
	{ "finalizers", F_STRLIST, NULL },
	{ "generateName", F_STR, NULL },
	{ "generation", F_INT, NULL },
	{ "labels", F_STRMAP, NULL },
	{ "managedFields", F_ANY, NULL },
	{ "name", F_STR, NULL },
	{ "namespace", F_STR, NULL },
	{ "ownerReferences", F_ANY, NULL },
	{ "resourceVersion", F_STR, NULL },
	{ "selfLink", F_STR, NULL },
	{ "uid", F_STR, NULL },
	{ }
};
static const struct schema meta_schema = { false, meta_fields };

struct meta {
	char *name, *ns;
	struct loc name_loc, ns_loc;
	struct m_label *labels;
	size_t n_labels;
	yaml_node_t *annotations;	/* the mapping, already checked */
	bool deleting;			/* deletionTimestamp is set */
};

static bool visit_meta(struct rd *r, void *obj, const char *name,
		       yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	struct meta *md = obj;

	if (streq(name, "name")) {
		md->name = sdup(v);
		md->name_loc = nloc(r, key);
	} else if (streq(name, "namespace")) {
		md->ns = sdup(v);
		md->ns_loc = nloc(r, key);
	} else if (streq(name, "labels")) {
		read_strmap(r, v, path, &md->labels, &md->n_labels);
	} else if (streq(name, "annotations")) {
		md->annotations = v;
		return false;	/* check them all; callers pick theirs */
	} else if (streq(name, "deletionTimestamp")) {
		md->deleting = true;
		return false;
	} else {
		return false;
	}
	return true;
}

static void meta_free(struct meta *md)
{
	free(md->name);
	free(md->ns);
	m_labels_free(md->labels, md->n_labels);
}

static const char *label_get(const struct m_label *l, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (streq(l[i].key, key))
			return l[i].val;
	return NULL;
}

/* Move name and namespace out of @md, defaulting the namespace. */
static void meta_take(struct meta *md, char **name, char **ns)
{
	*name = md->name;
	*ns = md->ns ? md->ns : m_xstrdup("default");
	md->name = md->ns = NULL;
}

/* ---------------------------------------------------------------------- */
/* kind: Service */

static const struct field svc_port_fields[] = {
	{ "appProtocol", F_STR, NULL },
	{ "name", F_STR, NULL },
	{ "nodePort", F_INT, NULL },
	{ "port", F_INT, NULL },
	{ "protocol", F_STR, NULL },
	{ "targetPort", F_INTSTR, NULL },
	{ }
};
static const struct schema svc_port_schema = { false, svc_port_fields };

static const struct field client_ip_fields[] = {
	{ "timeoutSeconds", F_INT, NULL },
	{ }
};
static const struct schema client_ip_schema = { false, client_ip_fields };

static const struct field affinity_cfg_fields[] = {
	{ "clientIP", F_OBJ, &client_ip_schema },
	{ }
};
static const struct schema affinity_cfg_schema = { false, affinity_cfg_fields };

static const struct field svc_spec_fields[] = {
	{ "allocateLoadBalancerNodePorts", F_BOOL, NULL },
	{ "clusterIP", F_STR, NULL },
	{ "clusterIPs", F_STRLIST, NULL },
	{ "externalIPs", F_STRLIST, NULL },
	{ "externalName", F_STR, NULL },
	{ "externalTrafficPolicy", F_STR, NULL },
	{ "healthCheckNodePort", F_INT, NULL },
	{ "internalTrafficPolicy", F_STR, NULL },
	{ "ipFamilies", F_STRLIST, NULL },
	{ "ipFamilyPolicy", F_STR, NULL },
	{ "loadBalancerClass", F_STR, NULL },
	{ "loadBalancerIP", F_STR, NULL },
	{ "loadBalancerSourceRanges", F_STRLIST, NULL },
	{ "ports", F_LIST, &svc_port_schema },
	{ "publishNotReadyAddresses", F_BOOL, NULL },
	{ "selector", F_STRMAP, NULL },
	{ "sessionAffinity", F_STR, NULL },
	{ "sessionAffinityConfig", F_OBJ, &affinity_cfg_schema },
	{ "trafficDistribution", F_STR, NULL },
	{ "type", F_STR, NULL },
	{ }
};
static const struct schema svc_spec_schema = { false, svc_spec_fields };

static const struct field port_status_fields[] = {
	{ "error", F_STR, NULL },
	{ "port", F_INT, NULL },
	{ "protocol", F_STR, NULL },
	{ }
};
static const struct schema port_status_schema = { false, port_status_fields };

static const struct field ingress_fields[] = {
	{ "hostname", F_STR, NULL },
	{ "ip", F_STR, NULL },
	{ "ipMode", F_STR, NULL },
	{ "ports", F_LIST, &port_status_schema },
	{ }
};
static const struct schema ingress_schema = { false, ingress_fields };

static const struct field lb_status_fields[] = {
	{ "ingress", F_LIST, &ingress_schema },
	{ }
};
static const struct schema lb_status_schema = { false, lb_status_fields };

static const struct field svc_status_fields[] = {
	{ "conditions", F_ANY, NULL },
	{ "loadBalancer", F_OBJ, &lb_status_schema },
	{ }
};
static const struct schema svc_status_schema = { false, svc_status_fields };

static const struct field svc_fields[] = {
	{ "apiVersion", F_STR, NULL },
	{ "kind", F_STR, NULL },
	{ "metadata", F_OBJ, &meta_schema },
	{ "spec", F_OBJ, &svc_spec_schema },
	{ "status", F_OBJ, &svc_status_schema },
	{ }
};
static const struct schema svc_schema = { false, svc_fields };

struct svc_rd {
	struct m_service s;
	struct meta md;
	yaml_node_t *cip, *cip_key;	/* spec.clusterIP */
	yaml_node_t *cips, *cips_key;	/* spec.clusterIPs */
};

static void read_svc_port(struct rd *r, void *obj, yaml_node_t *item,
			  const struct path *path, size_t i);

static bool visit_svc_port(struct rd *r, void *obj, const char *name,
			   yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	struct m_port *p = obj;

	if (streq(name, "name")) {
		free(p->name);
		p->name = sdup(v);
		p->name_loc = nloc(r, key);
	} else if (streq(name, "protocol")) {
		p->proto = read_proto(r, key, v, path);
	} else if (streq(name, "port")) {
		p->port = ival(v);
		p->port_loc = nloc(r, key);
	} else if (streq(name, "nodePort")) {
		p->node_port = ival(v);
		p->node_port_loc = nloc(r, key);
	} else if (streq(name, "targetPort")) {
		/* int-or-string: only a plain integer is a number */
		if (scalar_kind(v) == S_INT)
			p->target_port = ival(v);
		else if (sval(v)[0])
			p->target_port_name = sdup(v);
		p->target_port_loc = nloc(r, key);
	} else {
		return false;
	}
	return true;
}

static void read_svc_port(struct rd *r, void *obj, yaml_node_t *item,
			  const struct path *path, size_t i)
{
	struct m_service *s = obj;
	struct m_port *p = m_vpush((void **)&s->ports, &s->n_ports,
				   sizeof(*p));

	(void)i;
	p->name = m_xstrdup("");
	p->proto = IPPROTO_TCP;
	p->loc = nloc(r, item);
	walk_obj(r, item, path, &svc_port_schema, visit_svc_port, p);
}

static bool visit_affinity_cfg(struct rd *r, void *obj, const char *name,
			       yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	struct m_service *s = obj;

	if (streq(name, "clientIP")) {
		walk_obj(r, v, path, &client_ip_schema, visit_affinity_cfg, s);
	} else if (streq(name, "timeoutSeconds")) {
		/* validate.c reads it back as int32_t to show negatives */
		s->affinity_timeout = (uint32_t)ival(v);
		s->timeout_loc = nloc(r, key);
	} else {
		return false;
	}
	return true;
}

static void read_external_ip(struct rd *r, void *obj, yaml_node_t *item,
			     const struct path *path, size_t i)
{
	struct m_service *s = obj;
	struct m_addr a;

	(void)i;
	if (read_ip(r, item, path, 0, &a))
		*(struct m_addr *)m_vpush((void **)&s->external_ips,
					  &s->n_external_ips, sizeof(a)) = a;
}

/* spec.ipFamilies: at most two, of different families. */
static void read_ip_family(struct rd *r, void *obj, yaml_node_t *item,
			   const struct path *path, size_t i)
{
	struct m_service *s = obj;
	char b[SHOW_LEN];
	int fam;

	if (!check_kind(r, item, F_STR, path))
		return;
	if (!strcmp(sval(item), "IPv4")) {
		fam = AF_INET;
	} else if (!strcmp(sval(item), "IPv6")) {
		fam = AF_INET6;
	} else {
		unsupported(r, item, path, item, "\"IPv4\", \"IPv6\"");
		return;
	}
	if (i >= 2 || (i == 1 && s->ip_families[0] == fam)) {
		err_at(r, item, "%s: %s: %s", PS(path),
		       i >= 2 ? "Too many: may only hold up to 2 values" :
		       "Duplicate value", show(b, sizeof(b), item));
		return;
	}
	s->ip_families[s->n_ip_families++] = fam;
}

/* Match a string field against its allowed values; -1 if none. */
static int pick(struct rd *r, yaml_node_t *key, yaml_node_t *v, const struct path *path,
		const char *const *vals, const char *supported)
{
	for (int i = 0; vals[i]; i++)
		if (streq(sval(v), vals[i]))
			return i;
	unsupported(r, key, path, v, supported);
	return -1;
}

static bool visit_svc_spec(struct rd *r, void *obj, const char *name,
			   yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	static const char *const types[] = {
		"ClusterIP", "NodePort", "LoadBalancer", "ExternalName", NULL
	};
	static const char *const affinities[] = { "None", "ClientIP", NULL };
	static const char *const policies[] = { "Cluster", "Local", NULL };
	static const char *const family_policies[] = {
		"SingleStack", "PreferDualStack", "RequireDualStack", NULL
	};
	struct svc_rd *sr = obj;
	struct m_service *s = &sr->s;
	int i;

	if (streq(name, "type")) {
		i = pick(r, key, v, path, types, "\"ClusterIP\", \"ExternalName\", "
			 "\"LoadBalancer\", \"NodePort\"");
		if (i >= 0)
			s->type = M_CLUSTER_IP + i;
		s->type_loc = nloc(r, key);
	} else if (streq(name, "clusterIP")) {
		sr->cip = v;
		sr->cip_key = key;
	} else if (streq(name, "clusterIPs")) {
		sr->cips = v;
		sr->cips_key = key;
		return false;	/* item types checked by check_sub */
	} else if (streq(name, "ipFamilies")) {
		each_item(r, v, path, read_ip_family, s);
	} else if (streq(name, "ipFamilyPolicy")) {
		s->dual_stack = pick(r, key, v, path, family_policies,
				     "\"PreferDualStack\", \"RequireDualStack\", \"SingleStack\"") > 0;
	} else if (streq(name, "externalIPs")) {
		each_item(r, v, path, read_external_ip, s);
	} else if (streq(name, "externalName")) {
		s->external_name = sdup(v);
	} else if (streq(name, "ports")) {
		s->ports_loc = nloc(r, key);
		m_vreserve((void **)&s->ports, s->n_ports + n_items(v),
			   sizeof(*s->ports));
		each_item(r, v, path, read_svc_port, s);
	} else if (streq(name, "selector")) {
		read_strmap(r, v, path, &s->selector, &s->n_selector);
	} else if (streq(name, "sessionAffinity")) {
		s->affinity_client_ip = pick(r, key, v, path, affinities,
					     "\"ClientIP\", \"None\"") == 1;
	} else if (streq(name, "sessionAffinityConfig")) {
		s->affinity_cfg_loc = nloc(r, key);
		walk_obj(r, v, path, &affinity_cfg_schema, visit_affinity_cfg, s);
	} else if (streq(name, "externalTrafficPolicy")) {
		s->etp_local = pick(r, key, v, path, policies,
				    "\"Cluster\", \"Local\"") == 1;
		s->etp_loc = nloc(r, key);
	} else if (streq(name, "internalTrafficPolicy")) {
		s->itp_local = pick(r, key, v, path, policies,
				    "\"Cluster\", \"Local\"") == 1;
	} else if (streq(name, "healthCheckNodePort")) {
		s->health_check_node_port = ival(v);
	} else if (streq(name, "loadBalancerSourceRanges")) {
		if (n_items(v))
			not_honoured(r, key, path, "every source reaches the service");
		return false;
	} else if (streq(name, "trafficDistribution")) {
		not_honoured(r, key, path, "endpoints are chosen from every zone");
		return false;
	} else if (streq(name, "allocateLoadBalancerNodePorts")) {
		if (!bval(v))
			not_honoured(r, key, path, "node ports are opened anyway");
		return false;
	} else {
		return false;
	}
	return true;
}

static void read_ingress(struct rd *r, void *obj, yaml_node_t *item,
			 const struct path *path, size_t i)
{
	struct m_service *s = obj;
	struct path ipath = FIELD(path, "ip");
	yaml_node_t *ip, *key;
	struct m_addr a;

	(void)i;
	walk_obj(r, item, path, &ingress_schema, NULL, NULL);
	ip = map_get(r, item, "ip", &key);
	if (!ip || is_null(ip) || ip->type != YAML_SCALAR_NODE)
		return;
	if (read_ip(r, ip, &ipath, 0, &a))
		*(struct m_addr *)m_vpush((void **)&s->lb_ingress,
					  &s->n_lb_ingress, sizeof(a)) = a;
}

static bool visit_svc_status(struct rd *r, void *obj, const char *name,
			     yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	(void)key;
	if (streq(name, "loadBalancer")) {
		walk_obj(r, v, path, &lb_status_schema, visit_svc_status, obj);
	} else if (streq(name, "ingress")) {
		each_item(r, v, path, read_ingress, obj);
	} else {
		return false;
	}
	return true;
}

static bool visit_svc(struct rd *r, void *obj, const char *name,
		      yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	struct svc_rd *sr = obj;

	(void)key;
	if (streq(name, "metadata"))
		walk_obj(r, v, path, &meta_schema, visit_meta, &sr->md);
	else if (streq(name, "spec"))
		walk_obj(r, v, path, &svc_spec_schema, visit_svc_spec, sr);
	else if (streq(name, "status"))
		walk_obj(r, v, path, &svc_status_schema, visit_svc_status, &sr->s);
	else
		return false;
	return true;
}

/* One cluster IP (or "None"); false if it was reported bad. */
static bool add_cluster_ip(struct rd *r, struct m_service *s, yaml_node_t *v,
			   const struct path *path, size_t idx)
{
	char b[SHOW_LEN];
	struct m_addr a;

	if (!strcmp(sval(v), "None")) {
		if (idx == 0) {
			s->headless = true;
			return true;
		}
		err_at(r, v, "%s: Invalid value: \"None\": may only be the first clusterIP",
		       PS(path));
		return false;
	}
	if (!read_ip(r, v, path, 0, &a))
		return false;
	if (idx >= 2 || s->headless) {
		err_at(r, v, "%s: Invalid value: %s: may only hold up to 2 values, one per IP family",
		       PS(path), show(b, sizeof(b), v));
		return false;
	}
	if (idx == 1 && s->cluster_ips[0].family == a.family) {
		err_at(r, v, "%s: Invalid value: %s: must be of a different IP family than clusterIPs[0]",
		       PS(path), show(b, sizeof(b), v));
		return false;
	}
	s->cluster_ips[s->n_cluster_ips++] = a;
	return true;
}

/*
 * spec.clusterIP and spec.clusterIPs say the same thing twice (kubectl
 * prints both); they must agree.  "" means "allocate", like absent.
 */
static void svc_cluster_ips(struct rd *r, struct svc_rd *sr)
{
	struct m_service *s = &sr->s;
	struct path cips = ROOT("spec.clusterIPs");
	yaml_node_t *first = NULL;
	char b[SHOW_LEN];
	size_t i = 0;

	if (sr->cip && sval(sr->cip)[0]) {
		s->cluster_ip_loc = nloc(r, sr->cip_key);
		if (!add_cluster_ip(r, s, sr->cip, &ROOT("spec.clusterIP"), 0))
			return;
	}
	if (!sr->cips)
		return;
	if (!s->cluster_ip_loc.line)
		s->cluster_ip_loc = nloc(r, sr->cips_key);
	for (yaml_node_item_t *it = sr->cips->data.sequence.items.start;
	     it < sr->cips->data.sequence.items.top; it++, i++) {
		yaml_node_t *v = node(r, *it);
		struct path path = ITEM(&cips, i);

		if (v->type != YAML_SCALAR_NODE)
			return;		/* reported by check_sub */
		if (i == 0)
			first = v;
		if (i == 0 && sr->cip && sval(sr->cip)[0]) {
			if (strcmp(sval(v), sval(sr->cip)))
				err_at(r, v, "%s: Invalid value: %s: must match spec.clusterIP",
				       PS(&path), show(b, sizeof(b), v));
			continue;
		}
		if (!add_cluster_ip(r, s, v, &path, i))
			return;
	}
	(void)first;
}

static void svc_sched(struct rd *r, struct svc_rd *sr)
{
	yaml_node_t *key, *v;

	if (!sr->md.annotations)
		return;
	v = map_get(r, sr->md.annotations, "ksvc.io/scheduler", &key);
	if (!v || v->type != YAML_SCALAR_NODE)
		return;
	if (!strcmp(sval(v), "maglev"))
		sr->s.sched = KSVC_SCHED_MAGLEV;
	else if (!strcmp(sval(v), "random") || is_null(v))
		sr->s.sched = KSVC_SCHED_RANDOM;
	else
		unsupported(r, key, &ROOT("metadata.annotations[ksvc.io/scheduler]"), v,
			    "\"maglev\", \"random\"");
}

static void read_service(struct rd *r, yaml_node_t *root)
{
	struct svc_rd sr = { 0 };
	int e0 = r->d->errors;

	sr.s.type = M_CLUSTER_IP;
	sr.s.affinity_timeout = 10800;
	sr.s.sched = KSVC_SCHED_RANDOM;
	sr.s.loc = nloc(r, root);
	walk_obj(r, root, &ROOT(""), &svc_schema, visit_svc, &sr);
	svc_cluster_ips(r, &sr);
	svc_sched(r, &sr);
	sr.s.name_loc = sr.md.name_loc;
	sr.s.ns_loc = sr.md.ns_loc;
	meta_take(&sr.md, &sr.s.name, &sr.s.ns);
	meta_free(&sr.md);
	if (r->d->errors != e0) {
		m_service_free(&sr.s);
		return;
	}
	*(struct m_service *)m_vpush((void **)&r->m->svcs, &r->m->n_svcs,
				     sizeof(sr.s)) = sr.s;
}

/* ---------------------------------------------------------------------- */
/* kind: EndpointSlice and kind: Endpoints */

static const struct field conditions_fields[] = {
	{ "ready", F_BOOL, NULL },
	{ "serving", F_BOOL, NULL },
	{ "terminating", F_BOOL, NULL },
	{ }
};
static const struct schema conditions_schema = { false, conditions_fields };

static const struct field endpoint_fields[] = {
	{ "addresses", F_STRLIST, NULL },
	{ "conditions", F_OBJ, &conditions_schema },
	{ "deprecatedTopology", F_STRMAP, NULL },
	{ "hints", F_ANY, NULL },
	{ "hostname", F_STR, NULL },
	{ "nodeName", F_STR, NULL },
	{ "targetRef", F_ANY, NULL },
	{ "zone", F_STR, NULL },
	{ }
};
static const struct schema endpoint_schema = { false, endpoint_fields };

static const struct field ep_port_fields[] = {
	{ "appProtocol", F_STR, NULL },
	{ "name", F_STR, NULL },
	{ "port", F_INT, NULL },
	{ "protocol", F_STR, NULL },
	{ }
};
static const struct schema ep_port_schema = { false, ep_port_fields };

static const struct field eps_fields[] = {
	{ "addressType", F_STR, NULL },
	{ "apiVersion", F_STR, NULL },
	{ "endpoints", F_LIST, &endpoint_schema },
	{ "kind", F_STR, NULL },
	{ "metadata", F_OBJ, &meta_schema },
	{ "ports", F_LIST, &ep_port_schema },
	{ }
};
static const struct schema eps_schema = { false, eps_fields };

struct ep_rd {
	struct m_endpoint *ep;
	int family;
};

static void read_ep_addr(struct rd *r, void *obj, yaml_node_t *item,
			 const struct path *path, size_t i)
{
	struct ep_rd *er = obj;
	struct m_endpoint *ep = er->ep;
	struct m_addr a;

	(void)i;
	if (read_ip(r, item, path, er->family, &a))
		*(struct m_addr *)m_vpush((void **)&ep->addrs, &ep->n_addrs,
					  sizeof(a)) = a;
}

static bool visit_endpoint(struct rd *r, void *obj, const char *name,
			   yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	struct ep_rd *er = obj;
	struct m_endpoint *ep = er->ep;

	(void)key;
	if (streq(name, "addresses")) {
		m_vreserve((void **)&ep->addrs, ep->n_addrs + n_items(v),
			   sizeof(*ep->addrs));
		each_item(r, v, path, read_ep_addr, er);
	}
	else if (streq(name, "conditions"))
		walk_obj(r, v, path, &conditions_schema, visit_endpoint, er);
	else if (streq(name, "ready"))
		ep->ready = bval(v);
	else if (streq(name, "serving"))
		ep->serving = bval(v);
	else if (streq(name, "terminating"))
		ep->terminating = bval(v);
	else if (streq(name, "nodeName"))
		ep->node_name = sdup(v);
	else
		return false;
	return true;
}

static void read_endpoint(struct rd *r, void *obj, yaml_node_t *item,
			  const struct path *path, size_t i)
{
	struct m_slice *sl = obj;
	struct ep_rd er;

	(void)i;
	er.ep = m_vpush((void **)&sl->eps, &sl->n_eps, sizeof(*er.ep));
	er.ep->ready = er.ep->serving = er.ep->terminating = -1;
	er.ep->loc = nloc(r, item);
	er.family = sl->family > 0 ? sl->family : 0;
	walk_obj(r, item, path, &endpoint_schema, visit_endpoint, &er);
	if (item->type == YAML_MAPPING_NODE && er.ep->n_addrs == 0 &&
	    !map_get(r, item, "addresses", NULL))
		err_at(r, item, "%s.addresses: Required value: must contain at least 1 address",
		       PS(path));
}

static bool visit_ep_port(struct rd *r, void *obj, const char *name,
			  yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	struct m_ep_port *p = obj;

	if (streq(name, "name")) {
		free(p->name);
		p->name = sdup(v);
	} else if (streq(name, "port")) {
		p->port = ival(v);
	} else if (streq(name, "protocol")) {
		p->proto = read_proto(r, key, v, path);
	} else {
		return false;
	}
	return true;
}

static void read_ep_port(struct rd *r, void *obj, yaml_node_t *item,
			 const struct path *path, size_t i)
{
	struct m_slice *sl = obj;
	struct m_ep_port *p = m_vpush((void **)&sl->ports, &sl->n_ports,
				      sizeof(*p));

	(void)i;
	p->name = m_xstrdup("");
	p->proto = IPPROTO_TCP;
	p->loc = nloc(r, item);
	walk_obj(r, item, path, &ep_port_schema, visit_ep_port, p);
}

struct slice_rd {
	struct m_slice sl;
	struct meta md;
};

static bool visit_eps(struct rd *r, void *obj, const char *name,
		      yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	struct slice_rd *sr = obj;
	struct m_slice *sl = &sr->sl;

	(void)key;
	if (streq(name, "metadata")) {
		walk_obj(r, v, path, &meta_schema, visit_meta, &sr->md);
	} else if (streq(name, "endpoints")) {
		m_vreserve((void **)&sl->eps, sl->n_eps + n_items(v),
			   sizeof(*sl->eps));
		each_item(r, v, path, read_endpoint, sl);
	} else if (streq(name, "ports")) {
		m_vreserve((void **)&sl->ports, sl->n_ports + n_items(v),
			   sizeof(*sl->ports));
		each_item(r, v, path, read_ep_port, sl);
	} else {
		return false;
	}
	return true;
}

static void push_slice(struct rd *r, struct m_slice *sl)
{
	*(struct m_slice *)m_vpush((void **)&r->m->slices, &r->m->n_slices,
				   sizeof(*sl)) = *sl;
}

/*
 * addressType decides how addresses parse, and JSON may put it after
 * endpoints, so it is looked up first.  Returns the family, 0 for FQDN,
 * -1 if it is missing or bad (reported).
 */
static int slice_family(struct rd *r, yaml_node_t *root)
{
	static const char *const types[] = { "IPv4", "IPv6", "FQDN", NULL };
	yaml_node_t *key, *v = map_get(r, root, "addressType", &key);
	int i;

	if (!v || is_null(v)) {
		err_at(r, root, "addressType: Required value");
		return -1;
	}
	if (v->type != YAML_SCALAR_NODE)
		return -1;	/* walk_obj reports it */
	i = pick(r, key, v, &ROOT("addressType"), types,
		 "\"FQDN\", \"IPv4\", \"IPv6\"");
	return i == 0 ? AF_INET : i == 1 ? AF_INET6 : i == 2 ? 0 : -1;
}

static void read_slice(struct rd *r, yaml_node_t *root)
{
	struct slice_rd sr = { 0 };
	int e0 = r->d->errors;
	const char *svc;

	sr.sl.loc = nloc(r, root);
	sr.sl.family = slice_family(r, root);
	if (sr.sl.family == 0) {
		struct loc l = sr.sl.loc;

		diag_warn(r->d, &l, "skipping EndpointSlice with addressType FQDN: ksvcctl only uses IP endpoints");
		return;
	}
	walk_obj(r, root, &ROOT(""), &eps_schema, visit_eps, &sr);
	svc = label_get(sr.md.labels, sr.md.n_labels, "kubernetes.io/service-name");
	if (!svc || !svc[0])
		diag_error(r->d, &sr.sl.loc,
			   "metadata.labels[kubernetes.io/service-name]: Required value: names the Service this EndpointSlice belongs to");
	else
		sr.sl.service = m_xstrdup(svc);
	sr.sl.name_loc = sr.md.name_loc;
	sr.sl.ns_loc = sr.md.ns_loc;
	meta_take(&sr.md, &sr.sl.name, &sr.sl.ns);
	meta_free(&sr.md);
	if (r->d->errors != e0 || sr.sl.family < 0) {
		m_slice_free(&sr.sl);
		return;
	}
	push_slice(r, &sr.sl);
}

static const struct field ep_addr_fields[] = {
	{ "hostname", F_STR, NULL },
	{ "ip", F_STR, NULL },
	{ "nodeName", F_STR, NULL },
	{ "targetRef", F_ANY, NULL },
	{ }
};
static const struct schema ep_addr_schema = { false, ep_addr_fields };

static const struct field subset_fields[] = {
	{ "addresses", F_LIST, &ep_addr_schema },
	{ "notReadyAddresses", F_LIST, &ep_addr_schema },
	{ "ports", F_LIST, &ep_port_schema },
	{ }
};
static const struct schema subset_schema = { false, subset_fields };

static const struct field endpoints_fields[] = {
	{ "apiVersion", F_STR, NULL },
	{ "kind", F_STR, NULL },
	{ "metadata", F_OBJ, &meta_schema },
	{ "subsets", F_LIST, &subset_schema },
	{ }
};
static const struct schema endpoints_schema = { false, endpoints_fields };

struct endpoints_rd {
	struct meta md;
	struct m_slice *subsets;	/* one slice per subset */
	size_t n_subsets;
	struct loc loc;
	int ready;			/* for the address list being read */
};

static bool visit_ep_addr(struct rd *r, void *obj, const char *name,
			  yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	struct m_endpoint *ep = obj;

	(void)key;
	if (streq(name, "ip")) {
		ep->addrs = m_xcalloc(1, sizeof(*ep->addrs));
		if (read_ip(r, v, path, 0, ep->addrs))
			ep->n_addrs = 1;
	} else if (streq(name, "nodeName")) {
		ep->node_name = sdup(v);
	} else {
		return false;
	}
	return true;
}

static void read_ep_address(struct rd *r, void *obj, yaml_node_t *item,
			    const struct path *path, size_t i)
{
	struct endpoints_rd *er = obj;
	struct m_slice *sl = &er->subsets[er->n_subsets - 1];
	struct m_endpoint *ep = m_vpush((void **)&sl->eps, &sl->n_eps,
					sizeof(*ep));

	(void)i;
	ep->ready = er->ready;
	ep->serving = ep->terminating = -1;
	ep->loc = nloc(r, item);
	walk_obj(r, item, path, &ep_addr_schema, visit_ep_addr, ep);
	if (item->type == YAML_MAPPING_NODE && !map_get(r, item, "ip", NULL))
		err_at(r, item, "%s.ip: Required value", PS(path));
}

static bool visit_subset(struct rd *r, void *obj, const char *name,
			 yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	struct endpoints_rd *er = obj;

	(void)key;
	if (streq(name, "addresses") || streq(name, "notReadyAddresses")) {
		er->ready = streq(name, "addresses");
		each_item(r, v, path, read_ep_address, er);
	} else if (streq(name, "ports")) {
		each_item(r, v, path, read_ep_port,
			  &er->subsets[er->n_subsets - 1]);
	} else {
		return false;
	}
	return true;
}

static void read_subset(struct rd *r, void *obj, yaml_node_t *item,
			const struct path *path, size_t i)
{
	struct endpoints_rd *er = obj;
	struct m_slice *sl = m_vpush((void **)&er->subsets, &er->n_subsets,
				     sizeof(*sl));

	(void)i;
	sl->loc = er->loc;
	walk_obj(r, item, path, &subset_schema, visit_subset, er);
}

static bool visit_endpoints(struct rd *r, void *obj, const char *name,
			    yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	struct endpoints_rd *er = obj;

	(void)key;
	if (streq(name, "metadata"))
		walk_obj(r, v, path, &meta_schema, visit_meta, &er->md);
	else if (streq(name, "subsets"))
		each_item(r, v, path, read_subset, er);
	else
		return false;
	return true;
}

static void read_endpoints(struct rd *r, yaml_node_t *root)
{
	struct endpoints_rd er = { 0 };
	int e0 = r->d->errors;

	er.loc = nloc(r, root);
	walk_obj(r, root, &ROOT(""), &endpoints_schema, visit_endpoints, &er);
	/* No subsets still says "this Service has no endpoints". */
	if (er.n_subsets == 0) {
		struct m_slice *sl = m_vpush((void **)&er.subsets, &er.n_subsets,
					     sizeof(*sl));
		sl->loc = er.loc;
	}
	if (!er.md.ns)
		er.md.ns = m_xstrdup("default");
	for (size_t i = 0; i < er.n_subsets; i++) {
		struct m_slice *sl = &er.subsets[i];

		sl->name = m_xstrdup(er.md.name);
		sl->ns = m_xstrdup(er.md.ns);
		sl->service = m_xstrdup(er.md.name);
		sl->name_loc = er.md.name_loc;
		sl->ns_loc = er.md.ns_loc;
		if (r->d->errors == e0 && er.md.name)
			push_slice(r, sl);
		else
			m_slice_free(sl);
	}
	if (r->d->errors == e0 && !er.md.name)
		diag_error(r->d, &er.loc, "metadata.name: Required value: name or generateName is required");
	free(er.subsets);
	meta_free(&er.md);
}

/* ---------------------------------------------------------------------- */
/* kind: Pod -- read what we need, accept the rest of spec and status */

static const struct field cport_fields[] = {
	{ "containerPort", F_INT, NULL },
	{ "hostIP", F_STR, NULL },
	{ "hostPort", F_INT, NULL },
	{ "name", F_STR, NULL },
	{ "protocol", F_STR, NULL },
	{ }
};
static const struct schema cport_schema = { true, cport_fields };

static const struct field container_fields[] = {
	{ "ports", F_LIST, &cport_schema },
	{ }
};
static const struct schema container_schema = { true, container_fields };

static const struct field pod_spec_fields[] = {
	{ "containers", F_LIST, &container_schema },
	{ "nodeName", F_STR, NULL },
	{ }
};
static const struct schema pod_spec_schema = { true, pod_spec_fields };

static const struct field pod_ip_fields[] = {
	{ "ip", F_STR, NULL },
	{ }
};
static const struct schema pod_ip_schema = { true, pod_ip_fields };

static const struct field pod_cond_fields[] = {
	{ "status", F_STR, NULL },
	{ "type", F_STR, NULL },
	{ }
};
static const struct schema pod_cond_schema = { true, pod_cond_fields };

static const struct field pod_status_fields[] = {
	{ "conditions", F_LIST, &pod_cond_schema },
	{ "phase", F_STR, NULL },
	{ "podIP", F_STR, NULL },
	{ "podIPs", F_LIST, &pod_ip_schema },
	{ }
};
static const struct schema pod_status_schema = { true, pod_status_fields };

static const struct field pod_fields[] = {
	{ "apiVersion", F_STR, NULL },
	{ "kind", F_STR, NULL },
	{ "metadata", F_OBJ, &meta_schema },
	{ "spec", F_OBJ, &pod_spec_schema },
	{ "status", F_OBJ, &pod_status_schema },
	{ }
};
static const struct schema pod_schema = { false, pod_fields };

struct pod_rd {
	struct m_pod p;
	struct meta md;
};

static void pod_add_ip(struct rd *r, struct m_pod *p, yaml_node_t *v,
		       const struct path *path)
{
	struct m_addr a;

	if (!read_ip(r, v, path, 0, &a))
		return;
	for (size_t i = 0; i < p->n_ips; i++)
		if (!memcmp(&p->ips[i], &a, sizeof(a)))
			return;
	*(struct m_addr *)m_vpush((void **)&p->ips, &p->n_ips, sizeof(a)) = a;
}

static bool visit_cport(struct rd *r, void *obj, const char *name,
			yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	struct m_pod_port *pp = obj;

	if (streq(name, "name")) {
		free(pp->name);
		pp->name = sdup(v);
	} else if (streq(name, "containerPort")) {
		pp->port = ival(v);
	} else if (streq(name, "protocol")) {
		pp->proto = read_proto(r, key, v, path);
	} else {
		return false;
	}
	return true;
}

static void read_cport(struct rd *r, void *obj, yaml_node_t *item,
		       const struct path *path, size_t i)
{
	struct m_pod *p = obj;
	struct m_pod_port *pp = m_vpush((void **)&p->ports, &p->n_ports,
					sizeof(*pp));

	(void)i;
	pp->proto = IPPROTO_TCP;
	walk_obj(r, item, path, &cport_schema, visit_cport, pp);
}

static bool visit_container(struct rd *r, void *obj, const char *name,
			    yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	(void)key;
	if (strcmp(name, "ports"))
		return false;
	each_item(r, v, path, read_cport, obj);
	return true;
}

static void read_container(struct rd *r, void *obj, yaml_node_t *item,
			   const struct path *path, size_t i)
{
	(void)i;
	walk_obj(r, item, path, &container_schema, visit_container, obj);
}

static void read_pod_ip(struct rd *r, void *obj, yaml_node_t *item,
			const struct path *path, size_t i)
{
	struct path ipath = FIELD(path, "ip");
	yaml_node_t *ip;

	(void)i;
	walk_obj(r, item, path, &pod_ip_schema, NULL, NULL);
	ip = map_get(r, item, "ip", NULL);
	if (ip && ip->type == YAML_SCALAR_NODE && !is_null(ip))
		pod_add_ip(r, obj, ip, &ipath);
}

static void read_pod_cond(struct rd *r, void *obj, yaml_node_t *item,
			  const struct path *path, size_t i)
{
	struct m_pod *p = obj;
	yaml_node_t *type, *status;

	(void)i;
	walk_obj(r, item, path, &pod_cond_schema, NULL, NULL);
	type = map_get(r, item, "type", NULL);
	status = map_get(r, item, "status", NULL);
	if (type && status && type->type == YAML_SCALAR_NODE &&
	    status->type == YAML_SCALAR_NODE && !strcmp(sval(type), "Ready"))
		p->ready = !strcmp(sval(status), "True");
}

static bool visit_pod_part(struct rd *r, void *obj, const char *name,
			   yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	struct m_pod *p = obj;

	(void)key;
	if (streq(name, "nodeName"))
		p->node_name = sdup(v);
	else if (streq(name, "containers"))
		each_item(r, v, path, read_container, p);
	else if (streq(name, "phase"))
		p->terminal = !strcmp(sval(v), "Succeeded") ||
			      !strcmp(sval(v), "Failed");
	else if (streq(name, "podIP"))
		pod_add_ip(r, p, v, path);
	else if (streq(name, "podIPs"))
		each_item(r, v, path, read_pod_ip, p);
	else if (streq(name, "conditions"))
		each_item(r, v, path, read_pod_cond, p);
	else
		return false;
	return true;
}

static bool visit_pod(struct rd *r, void *obj, const char *name,
		      yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	struct pod_rd *pr = obj;

	(void)key;
	if (streq(name, "metadata"))
		walk_obj(r, v, path, &meta_schema, visit_meta, &pr->md);
	else if (streq(name, "spec"))
		walk_obj(r, v, path, &pod_spec_schema, visit_pod_part, &pr->p);
	else if (streq(name, "status"))
		walk_obj(r, v, path, &pod_status_schema, visit_pod_part, &pr->p);
	else
		return false;
	return true;
}

static void read_pod(struct rd *r, yaml_node_t *root)
{
	struct pod_rd pr = { 0 };
	int e0 = r->d->errors;

	pr.p.loc = nloc(r, root);
	walk_obj(r, root, &ROOT(""), &pod_schema, visit_pod, &pr);
	pr.p.name_loc = pr.md.name_loc;
	pr.p.ns_loc = pr.md.ns_loc;
	pr.p.terminating = pr.md.deleting;
	meta_take(&pr.md, &pr.p.name, &pr.p.ns);
	pr.p.labels = pr.md.labels;
	pr.p.n_labels = pr.md.n_labels;
	pr.md.labels = NULL;
	pr.md.n_labels = 0;
	meta_free(&pr.md);
	if (r->d->errors != e0) {
		m_pod_free(&pr.p);
		return;
	}
	*(struct m_pod *)m_vpush((void **)&r->m->pods, &r->m->n_pods,
				 sizeof(pr.p)) = pr.p;
}

/* ---------------------------------------------------------------------- */
/* Documents, kinds and List */

static void read_object(struct rd *r, yaml_node_t *root);

static const struct field list_fields[] = {
	{ "apiVersion", F_STR, NULL },
	{ "items", F_LIST, NULL },
	{ "kind", F_STR, NULL },
	{ "metadata", F_ANY, NULL },
	{ }
};
static const struct schema list_schema = { false, list_fields };

static void read_item(struct rd *r, void *obj, yaml_node_t *item,
		      const struct path *path, size_t i)
{
	(void)obj;
	(void)path;
	(void)i;
	read_object(r, item);
}

static bool visit_list(struct rd *r, void *obj, const char *name,
		       yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	(void)key;
	if (strcmp(name, "items"))
		return false;
	each_item(r, v, path, read_item, obj);
	return true;
}

struct kind {
	const char *kind;
	const char *api_version;
	void (*read)(struct rd *r, yaml_node_t *root);
};

static const struct kind *find_kind(const char *k);

/*
 * The API server's ServiceList (EndpointSliceList, ...) leaves kind and
 * apiVersion out of its items: they are the list's, less "List".
 */
static void read_list(struct rd *r, yaml_node_t *root)
{
	const struct kind *saved = r->item_kind;
	yaml_node_t *kind = map_get(r, root, "kind", NULL);
	char k[64];

	r->item_kind = NULL;
	if (kind && kind->type == YAML_SCALAR_NODE &&
	    kind->data.scalar.length > 4 && kind->data.scalar.length < sizeof(k) &&
	    strcmp(sval(kind), "List")) {
		memcpy(k, sval(kind), kind->data.scalar.length - 4);
		k[kind->data.scalar.length - 4] = 0;
		r->item_kind = find_kind(k);
	}
	walk_obj(r, root, &ROOT(""), &list_schema, visit_list, NULL);
	r->item_kind = saved;
}

static const struct kind kinds[] = {
	{ "Service", "v1", read_service },
	{ "EndpointSlice", "discovery.k8s.io/v1", read_slice },
	{ "Endpoints", "v1", read_endpoints },
	{ "Pod", "v1", read_pod },
	{ "List", "v1", read_list },
	/* what "kubectl get --raw" and client libraries print */
	{ "ServiceList", "v1", read_list },
	{ "EndpointSliceList", "discovery.k8s.io/v1", read_list },
	{ "EndpointsList", "v1", read_list },
	{ "PodList", "v1", read_list },
	{ }
};

/*
 * Kinds close to ours by spelling that are real and simply not ours;
 * "Node" is one edit away from "Pod".  Any other kind within two edits
 * of ours is taken for a typo.
 */
static const char *const other_kinds[] = { "Node", "Nodes", "Role", NULL };

static const struct kind *find_kind(const char *k)
{
	for (const struct kind *t = kinds; t->kind; t++)
		if (streq(t->kind, k))
			return t;
	return NULL;
}

static bool kind_typo(const char *k)
{
	if (in_list(k, other_kinds))
		return false;
	for (const struct kind *t = kinds; t->kind; t++)
		if (edit_distance(k, t->kind) <= 2 || !strcasecmp(k, t->kind))
			return true;
	return false;
}

static void skip_object(struct rd *r, yaml_node_t *root, const char *kind)
{
	yaml_node_t *md = map_get(r, root, "metadata", NULL);
	yaml_node_t *name = md ? map_get(r, md, "name", NULL) : NULL;
	struct loc l = nloc(r, root);
	char b[SHOW_LEN], k[SHOW_LEN];

	diag_quote(k, sizeof(k), kind);
	k[strlen(k) - 1] = '\0';	/* unquote, keep the escaping */
	diag_notice(r->d, &l, "skipping %s %s: ksvcctl only reads Service, EndpointSlice, Endpoints and Pod",
		    k + 1, name && name->type == YAML_SCALAR_NODE ?
		    diag_quote(b, sizeof(b), sval(name)) : "(unnamed)");
}

/* kind and apiVersion: present, strings; NULL (reported) if not. */
static yaml_node_t *get_type_field(struct rd *r, yaml_node_t *root,
				   const char *name, yaml_node_t **key)
{
	yaml_node_t *v = map_get(r, root, name, key);

	if (!v || is_null(v)) {
		err_at(r, root, "%s: Required value", name);
		return NULL;
	}
	if (!check_kind(r, v, F_STR, &ROOT(name)))
		return NULL;
	return v;
}

/* ---------------------------------------------------------------------- */
/* Watch events: "kubectl get --watch --output-watch-events" */

static const struct field event_fields[] = {
	{ "object", F_OBJ, NULL },
	{ "type", F_STR, NULL },
	{ }
};
static const struct schema event_schema = { false, event_fields };

struct event_rd {
	yaml_node_t *type, *tkey, *obj;
};

static bool visit_event(struct rd *r, void *obj, const char *name,
			yaml_node_t *key, yaml_node_t *v, const struct path *path)
{
	struct event_rd *er = obj;

	(void)r;
	(void)path;
	if (streq(name, "type")) {
		er->type = v;
		er->tkey = key;
	} else {
		er->obj = v;
	}
	return true;
}

/* A mapping with type and object and no kind: a metav1.WatchEvent. */
static bool is_event(const struct rd *r, const yaml_node_t *root)
{
	return root->type == YAML_MAPPING_NODE &&
	       !map_get(r, root, "kind", NULL) &&
	       map_get(r, root, "type", NULL) && map_get(r, root, "object", NULL);
}

/* The objects read since the counts @c were taken came from a DELETED. */
static void mark_deleted(struct model *m, const size_t c[3])
{
	for (size_t i = c[0]; i < m->n_svcs; i++)
		m->svcs[i].deleted = true;
	for (size_t i = c[1]; i < m->n_slices; i++)
		m->slices[i].deleted = true;
	for (size_t i = c[2]; i < m->n_pods; i++)
		m->pods[i].deleted = true;
}

/* ERROR carries a metav1.Status: say what it says, read nothing. */
static void event_status(struct rd *r, yaml_node_t *root, yaml_node_t *obj)
{
	yaml_node_t *msg = obj ? map_get(r, obj, "message", NULL) : NULL;
	struct loc l = nloc(r, obj ? obj : root);
	char b[SHOW_LEN];

	diag_warn(r->d, &l, "watch error: %s", msg && msg->type == YAML_SCALAR_NODE ?
		  diag_quote(b, sizeof(b), sval(msg)) : "(no message)");
}

static void read_event(struct rd *r, yaml_node_t *root)
{
	struct event_rd er = { 0 };
	size_t c[3] = { r->m->n_svcs, r->m->n_slices, r->m->n_pods };
	const char *t;
	char b[SHOW_LEN];
	int e0 = r->d->errors;

	walk_obj(r, root, &ROOT(""), &event_schema, visit_event, &er);
	if (r->d->errors != e0 || !er.type)
		return;
	t = sval(er.type);
	if (!strcmp(t, "BOOKMARK"))
		return;
	if (!strcmp(t, "ERROR")) {
		event_status(r, root, er.obj);
	} else if (!strcmp(t, "ADDED") || !strcmp(t, "MODIFIED") ||
		   !strcmp(t, "DELETED")) {
		if (!er.obj)
			err_at(r, root, "object: Required value");
		else
			read_object(r, er.obj);
		if (!strcmp(t, "DELETED"))
			mark_deleted(r->m, c);
	} else {
		err_at(r, er.tkey, "type: Unsupported value: %s: supported values: \"ADDED\", \"MODIFIED\", \"DELETED\", \"BOOKMARK\", \"ERROR\"",
		       show(b, sizeof(b), er.type));
	}
}

static void read_object(struct rd *r, yaml_node_t *root)
{
	yaml_node_t *kind, *api, *kkey, *akey;
	const struct kind *t;
	char b[SHOW_LEN];

	if (!check_kind(r, root, F_OBJ, &ROOT("document")))
		return;
	if (is_event(r, root)) {
		if (r->events)
			read_event(r, root);
		else
			err_at(r, root, "kind: Required value: this is a watch event (type and object, as \"kubectl get --watch --output-watch-events\" prints it): \"ksvcctl watch\" reads those");
		return;
	}
	if (r->item_kind && !map_get(r, root, "kind", NULL) &&
	    !map_get(r, root, "apiVersion", NULL)) {
		r->item_kind->read(r, root);
		return;
	}
	kind = get_type_field(r, root, "kind", &kkey);
	if (!kind)
		return;
	t = find_kind(sval(kind));
	if (!t) {
		if (kind_typo(sval(kind)))
			err_at(r, kkey, "kind: Unsupported value: %s (supported: Service, EndpointSlice, Endpoints, Pod, List)",
			       show(b, sizeof(b), kind));
		else
			skip_object(r, root, sval(kind));
		return;
	}
	api = get_type_field(r, root, "apiVersion", &akey);
	if (!api)
		return;
	if (strcmp(sval(api), t->api_version)) {
		err_at(r, akey, "apiVersion: Unsupported value: %s: supported values: \"%s\" (for kind %s)",
		       show(b, sizeof(b), api), t->api_version, t->kind);
		return;
	}
	t->read(r, root);
}

/* 0-based byte offset -> 1-based line and column (for reader errors). */
static struct loc offset_loc(const char *file, const char *buf, size_t len,
			     size_t off)
{
	struct loc l = { file, 1, 1 };

	for (size_t i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			l.line++;
			l.col = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			l.col++;
		}
	}
	return l;
}

/* @off, @line0: where libyaml started reading (buf + off is line line0). */
static void parse_error(struct diag *d, const yaml_parser_t *p,
			const char *file, const char *buf, size_t len,
			size_t off, int line0)
{
	const char *problem = p->problem ? p->problem : "cannot parse";
	struct loc l = { file, line0 + (int)p->problem_mark.line + 1,
			 (int)p->problem_mark.column + 1 };

	if (p->error == YAML_MEMORY_ERROR)
		m_oom();
	if (p->error == YAML_READER_ERROR) {
		l = offset_loc(file, buf + off, len - off, p->problem_offset);
		l.line += line0;
		if (p->problem_value != -1)
			diag_error(d, &l, "%s: #%X", problem, p->problem_value);
		else
			diag_error(d, &l, "%s", problem);
		return;
	}
	if (p->context)
		diag_error(d, &l, "%s: %s", p->context, problem);
	else
		diag_error(d, &l, "%s", problem);
}

int yaml_read_buf(const char *name, const char *buf, size_t len,
		  struct model *m, struct diag *d)
{
	return yaml_read_buf_mode(name, buf, len, m, d, YAML_UNKNOWN_STRICT);
}

/*
 * libyaml's scanner does work proportional to the flow depth for every
 * token, so a file of a million '[' takes hours.  Find such nesting before
 * libyaml sees it, lexically: quotes and comments are skipped; a '[' inside
 * a plain scalar may be miscounted, harmless below the limit.
 */
static bool too_deep(const char *buf, size_t len, struct loc *at)
{
	int depth = 0, line = 1, col = 0;
	char quote = 0;

	for (size_t i = 0; i < len; i++, col++) {
		char c = buf[i];

		if (c == '\n') {
			line++;
			col = -1;
		} else if (quote) {
			if (c == quote && !(quote == '"' && i && buf[i - 1] == '\\'))
				quote = 0;
		} else if ((c == '"' || c == '\'') &&
			   (!i || strchr(" \t\n[{,:-", buf[i - 1]))) {
			quote = c;	/* a quoted scalar starts only there */
		} else if (c == '#' && (!i || buf[i - 1] == ' ' || buf[i - 1] == '\n')) {
			while (i + 1 < len && buf[i + 1] != '\n')
				i++;
		} else if (c == '[' || c == '{') {
			if (++depth > YAML_MAX_DEPTH) {
				at->line = line;
				at->col = col + 1;
				return true;
			}
		} else if ((c == ']' || c == '}') && depth) {
			depth--;
		}
	}
	return false;
}

/*
 * @tree: a document composed from JSON (json_doc.c), which has no aliases
 * and nests less than YAML_MAX_DEPTH, so check_budget() would pass it;
 * jansson refuses NULs in strings.
 */
static void read_doc(struct rd *r, yaml_document_t *doc, yaml_node_t *root,
		     bool tree)
{
	r->doc = doc;
	r->nul_free = tree;
	if (!is_null(root) && (tree || check_budget(r, root)))
		read_object(r, root);
	r->doc = NULL;		/* @doc is the caller's, and goes */
}

/* Marks are from where libyaml started: line @line0, column @col0. */
static void shift_marks(yaml_document_t *doc, int line0, int col0)
{
	for (yaml_node_t *n = doc->nodes.start; n < doc->nodes.top; n++) {
		if (!n->start_mark.line)
			n->start_mark.column += col0;
		n->start_mark.line += line0;
		n->end_mark.line += line0;
	}
}

/*
 * The documents of @buf from @off (line @line0, column @col0) to @len, by
 * libyaml.
 */
static void read_libyaml(struct rd *r, const char *buf, size_t len,
			 size_t off, int line0, int col0)
{
	yaml_document_t doc;
	yaml_parser_t p;
	struct loc at = { r->file, 0, 0 };

	if (too_deep(buf + off, len - off, &at)) {
		at.line += line0;
		diag_error(r->d, &at, "nests deeper than %d levels", YAML_MAX_DEPTH);
		return;
	}
	if (!yaml_parser_initialize(&p))
		m_oom();
	yaml_parser_set_input_string(&p, (const unsigned char *)buf + off,
				     len - off);
	while (!diag_full(r->d)) {
		yaml_node_t *root;

		if (!yaml_parser_load(&p, &doc)) {
			/* libyaml cannot resume after an error */
			parse_error(r->d, &p, r->file, buf, len, off, line0);
			break;
		}
		root = yaml_document_get_root_node(&doc);
		if (!root) {		/* end of the stream */
			yaml_document_delete(&doc);
			break;
		}
		shift_marks(&doc, line0, col0);
		read_doc(r, &doc, root, false);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&p);
}

/* Where reading a stream of JSON values is: a byte, its line and column. */
struct jpos {
	size_t off;
	int line, col;
};

/* Move @p to @to, counting lines and (UTF-8) columns on the way. */
static void advance(struct jpos *p, const char *buf, size_t to)
{
	for (; p->off < to; p->off++) {
		if (buf[p->off] == '\n') {
			p->line++;
			p->col = 0;
		} else if (((unsigned char)buf[p->off] & 0xc0) != 0x80) {
			p->col++;
		}
	}
}

static size_t skip_space(const char *buf, size_t len, size_t off)
{
	while (off < len && strchr(" \t\r\n", buf[off]) && buf[off])
		off++;
	return off;
}

/*
 * A stream of JSON values (kubectl get -o json prints one; a watch, or
 * cat of several files, more), one after another, each read by jansson.
 * Where jansson declines (not JSON, or JSON only libyaml can read the
 * way YAML input is read: see json_doc.c), libyaml reads on: one value
 * that jansson could delimit, or the rest of the stream.
 */
static void read_json(struct rd *r, const char *buf, size_t len, int line0)
{
	struct jpos p = { 0, line0, 0 };

	while (!diag_full(r->d)) {
		struct json_doc j;
		size_t used = 0;
		enum json_doc_result k;

		advance(&p, buf, skip_space(buf, len, p.off));
		if (p.off == len)
			return;
		k = json_doc_load(&j, buf + p.off, len - p.off, &used, p.line,
				  p.col);
		if (k == JSON_DOC_OK) {
			read_doc(r, &j.doc, j.doc.nodes.start, true);
			p = (struct jpos){ p.off + used, (int)j.end.line,
					   (int)j.end.column };
		} else if (k == JSON_DOC_OTHER) {
			read_libyaml(r, buf, p.off + used, p.off, p.line, p.col);
			advance(&p, buf, p.off + used);
		}
		json_doc_free(&j);
		if (k == JSON_DOC_SYNTAX) {
			read_libyaml(r, buf, len, p.off, p.line, p.col);
			return;
		}
	}
}

/* JSON starts with '{' or '['; anything else is YAML's to read. */
static bool is_json(const char *buf, size_t len)
{
	size_t off = skip_space(buf, len, 0);

	return off < len && (buf[off] == '{' || buf[off] == '[');
}

static void read_any(struct rd *r, const char *buf, size_t len, int line0)
{
	if (diag_full(r->d))
		return;
	if (is_json(buf, len))
		read_json(r, buf, len, line0);
	else
		read_libyaml(r, buf, len, 0, line0, 0);
}

int yaml_read_buf_mode(const char *name, const char *buf, size_t len,
		       struct model *m, struct diag *d, enum yaml_unknown u)
{
	struct rd r = { .d = d, .m = m, .unknown = u };
	int e0 = d->errors;

	r.file = m_keep_file(m, name);
	read_any(&r, buf, len, 0);
	return d->errors > e0 ? -1 : 0;
}

int yaml_read_doc(const char *name, const char *buf, size_t len, int line0,
		  struct model *m, struct diag *d, enum yaml_unknown u)
{
	struct rd r = { .file = name, .d = d, .m = m, .unknown = u,
			.events = true };
	int e0 = d->errors;

	read_any(&r, buf, len, line0);
	return d->errors > e0 ? -1 : 0;
}

int yaml_read_json(const char *name, struct json_t *v, struct model *m,
		   struct diag *d, enum yaml_unknown u)
{
	struct rd r = { .file = name, .d = d, .m = m, .unknown = u,
			.unmarked = true };
	struct loc at = { name, 0, 0 };
	int e0 = d->errors;
	struct json_doc j;

	json_doc_from(&j, v);
	if (j.doc.nodes.start)
		read_doc(&r, &j.doc, j.doc.nodes.start, true);
	else
		diag_error(d, &at, "nests deeper than %d levels", YAML_MAX_DEPTH);
	json_doc_free(&j);
	return d->errors > e0 ? -1 : 0;
}
