// SPDX-License-Identifier: GPL-2.0
/*
 * jsonfacts — check, on the installed library, the API behaviour ksvcctl
 * would depend on: member order, duplicate keys, big integers and reals,
 * error positions, concatenated values, embedded NUL. Built twice, like
 * jsonlib.c: -DUSE_JANSSON or -DUSE_JSONC (see bench/jsonlib.sh).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *order_doc =
	"{\"zeta\":1,\"alpha\":2,\"mike\":3,\"bravo\":4,\"yankee\":5,\"charlie\":6,"
	"\"xray\":7,\"delta\":8,\"whiskey\":9,\"echo\":10,\"victor\":11,\"foxtrot\":12,"
	"\"uniform\":13,\"golf\":14,\"tango\":15,\"hotel\":16,\"sierra\":17,\"india\":18}";
static const char *dup_doc = "{\"a\":1,\"b\":2,\"a\":3}";
static const char *nums[] = {
	"9223372036854775807", "9223372036854775808", "-9223372036854775808",
	"-9223372036854775809", "18446744073709551615", "18446744073709551616",
	"1.0", "1e3", "1E3", "-0", "1.5e400",
};
/* a truncated document and a bad token, over several lines */
static const char *trunc_doc = "{\n  \"kind\": \"Service\",\n  \"spec\": {\"ports\": [80, 81";
static const char *bad_doc = "{\n  \"kind\": \"Service\",\n  \"spec\": {\"type\": Cluster}\n}";
/* not JSON (RFC 8259): does the parser say so? */
static const char *lenient[] = {
	"{'a':1}", "[1,]", "{\"a\":1,}", "/*c*/{}", "[NaN]", "[Infinity]", "[01]", "[tRUe]",
};
#define NLENIENT (sizeof(lenient) / sizeof(*lenient))
static const char *multi_doc = "{\"a\":1} {\"b\":2}\n[3]\n\"s\" 42 ";
static const char nul_doc[] = "{\"s\":\"a\\u0000b\",\"k\\u0000x\":1}";

#ifdef USE_JANSSON
#include <jansson.h>

static const char nul_val[] = "{\"s\":\"a\\u0000b\"}";	/* NUL in a value only */

static const char *tname(json_t *v)
{
	static const char *n[] = { "object", "array", "string", "integer", "real",
				   "true", "false", "null" };
	return n[json_typeof(v)];
}

int main(void)
{
	json_error_t e;
	json_t *v;
	const char *k;
	json_t *c;

	printf("jansson %s\n", JANSSON_VERSION);

	v = json_loads(order_doc, 0, &e);
	printf("order:");
	json_object_foreach(v, k, c)
		printf(" %s", k);
	printf("\n");
	json_decref(v);

	v = json_loads(dup_doc, 0, &e);
	printf("duplicates, default: a=%lld (%zu members)\n",
	       json_integer_value(json_object_get(v, "a")), json_object_size(v));
	json_decref(v);
	v = json_loads(dup_doc, JSON_REJECT_DUPLICATES, &e);
	printf("duplicates, JSON_REJECT_DUPLICATES: %s; error: \"%s\" line %d col %d pos %d\n",
	       v ? "accepted" : "rejected", e.text, e.line, e.column, e.position);

	for (size_t i = 0; i < sizeof(nums) / sizeof(*nums); i++) {
		char doc[64];
		snprintf(doc, sizeof(doc), "[%s]", nums[i]);
		v = json_loads(doc, 0, &e);
		if (!v) {
			printf("number %s: error \"%s\"\n", nums[i], e.text);
			continue;
		}
		c = json_array_get(v, 0);
		if (json_is_integer(c))
			printf("number %s: %s %" JSON_INTEGER_FORMAT "\n", nums[i], tname(c),
			       json_integer_value(c));
		else
			printf("number %s: %s %.17g\n", nums[i], tname(c), json_number_value(c));
		json_decref(v);
	}

	v = json_loads(trunc_doc, 0, &e);
	printf("truncated: \"%s\" source=%s line %d col %d pos %d\n", e.text, e.source,
	       e.line, e.column, e.position);
	v = json_loads(bad_doc, 0, &e);
	printf("bad token: \"%s\" source=%s line %d col %d pos %d\n", e.text, e.source,
	       e.line, e.column, e.position);
	printf("  json_error_code: %d (json_error_invalid_syntax=%d)\n",
	       (int)json_error_code(&e), (int)json_error_invalid_syntax);

	size_t off = 0, len = strlen(multi_doc);
	printf("concatenated %s (JSON_DISABLE_EOF_CHECK|JSON_DECODE_ANY):\n", "{\"a\":1} {\"b\":2}\\n[3]\\n\"s\" 42 ");
	while (off < len) {
		v = json_loadb(multi_doc + off, len - off,
			       JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &e);
		if (!v) {
			printf("  at %zu: error \"%s\"\n", off, e.text);
			break;
		}
		char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		printf("  at %zu: %s, error.position %d -> next at %zu\n", off, s, e.position,
		       off + e.position);
		free(s);
		off += e.position;
		json_decref(v);
	}
	v = json_loadb(multi_doc, len, JSON_DISABLE_EOF_CHECK, &e);
	json_decref(v);
	v = json_loadb(multi_doc, len, 0, &e);
	printf("  without the flag: %s \"%s\"\n", v ? "ok" : "error", v ? "" : e.text);

	printf("not JSON:");
	for (size_t i = 0; i < NLENIENT; i++) {
		v = json_loads(lenient[i], 0, &e);
		printf(" %s %s;", lenient[i], v ? "ACCEPTED" : "rejected");
		json_decref(v);
	}
	printf("\n");

	v = json_loadb(nul_doc, sizeof(nul_doc) - 1, 0, &e);
	printf("NUL default: %s \"%s\"\n", v ? "accepted" : "rejected", v ? "" : e.text);
	v = json_loadb(nul_doc, sizeof(nul_doc) - 1, JSON_ALLOW_NUL, &e);
	if (v) {
		c = json_object_get(v, "s");
		printf("NUL JSON_ALLOW_NUL: value strlen %zu json_string_length %zu;",
		       strlen(json_string_value(c)), json_string_length(c));
		size_t kl;
		json_object_keylen_foreach(v, k, kl, c)
			printf(" key strlen %zu keylen %zu;", strlen(k), kl);
		printf(" json_object_getn(\"k\\0x\",3) %s\n",
		       json_object_getn(v, "k\0x", 3) ? "found" : "missing");
		json_decref(v);
	} else {
		printf("NUL JSON_ALLOW_NUL, NUL in a key: rejected \"%s\"\n", e.text);
	}
	v = json_loadb(nul_val, sizeof(nul_val) - 1, JSON_ALLOW_NUL, &e);
	c = json_object_get(v, "s");
	printf("NUL JSON_ALLOW_NUL, NUL in a value only: %s; value strlen %zu "
	       "json_string_length %zu\n", v ? "accepted" : e.text,
	       v ? strlen(json_string_value(c)) : 0, v ? json_string_length(c) : 0);
	json_decref(v);
	return 0;
}

#elif defined(USE_JSONC)
#include <json-c/json.h>

static void show_err(const char *what, const char *doc, int with_nul)
{
	struct json_tokener *tok = json_tokener_new();
	int len = strlen(doc) + (with_nul ? 1 : 0);
	struct json_object *v = json_tokener_parse_ex(tok, doc, len);
	enum json_tokener_error e = json_tokener_get_error(tok);
	printf("%s%s: %s err=%d \"%s\" parse_end %zu\n", what,
	       with_nul ? " (len incl. NUL)" : "", v ? "object" : "NULL", e,
	       json_tokener_error_desc(e), json_tokener_get_parse_end(tok));
	json_object_put(v);
	json_tokener_free(tok);
}

int main(void)
{
	struct json_object *v, *c;
	struct json_tokener *tok;

	printf("json-c %s\n", json_c_version());

	v = json_tokener_parse(order_doc);
	printf("order:");
	json_object_object_foreach(v, k, x) {
		(void)x;
		printf(" %s", k);
	}
	printf("\n");
	json_object_put(v);

	v = json_tokener_parse(dup_doc);
	json_object_object_get_ex(v, "a", &c);
	printf("duplicates, default: a=%lld (%d members)\n", (long long)json_object_get_int64(c),
	       json_object_object_length(v));
	json_object_put(v);
	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	v = json_tokener_parse_ex(tok, dup_doc, strlen(dup_doc));
	json_object_object_get_ex(v, "a", &c);
	printf("duplicates, JSON_TOKENER_STRICT: %s a=%lld\n", v ? "accepted" : "rejected",
	       (long long)json_object_get_int64(c));
	json_object_put(v);
	json_tokener_free(tok);

	for (size_t i = 0; i < sizeof(nums) / sizeof(*nums); i++) {
		char doc[64];
		snprintf(doc, sizeof(doc), "[%s]", nums[i]);
		tok = json_tokener_new();
		v = json_tokener_parse_ex(tok, doc, strlen(doc));
		if (!v) {
			printf("number %s: error \"%s\"\n", nums[i],
			       json_tokener_error_desc(json_tokener_get_error(tok)));
			json_tokener_free(tok);
			continue;
		}
		c = json_object_array_get_idx(v, 0);
		errno = 0;
		printf("number %s: %s get_int64 %lld get_uint64 %llu get_double %.17g "
		       "to_json_string %s\n", nums[i],
		       json_type_to_name(json_object_get_type(c)),
		       (long long)json_object_get_int64(c),
		       (unsigned long long)json_object_get_uint64(c),
		       json_object_get_double(c), json_object_to_json_string(c));
		json_object_put(v);
		json_tokener_free(tok);
	}

	show_err("truncated", trunc_doc, 0);
	show_err("truncated", trunc_doc, 1);
	v = json_tokener_parse(trunc_doc);
	printf("truncated via json_tokener_parse(): %s\n", v ? "object" : "NULL");
	show_err("bad token", bad_doc, 0);
	printf("  (no line/column API; json_tokener_get_parse_end is the byte offset)\n");

	size_t off = 0, len = strlen(multi_doc);
	printf("concatenated {\"a\":1} {\"b\":2}\\n[3]\\n\"s\" 42 :\n");
	tok = json_tokener_new();
	while (off < len) {
		v = json_tokener_parse_ex(tok, multi_doc + off, len - off);
		enum json_tokener_error e = json_tokener_get_error(tok);
		if (!v && e != json_tokener_success) {
			printf("  at %zu: %s \"%s\" (parse_end %zu)\n", off,
			       e == json_tokener_continue ? "continue" : "error",
			       json_tokener_error_desc(e), json_tokener_get_parse_end(tok));
			break;
		}
		printf("  at %zu: %s, parse_end %zu -> next at %zu\n", off,
		       json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
		       json_tokener_get_parse_end(tok), off + json_tokener_get_parse_end(tok));
		off += json_tokener_get_parse_end(tok);
		json_object_put(v);
	}
	json_tokener_free(tok);
	v = json_tokener_parse(multi_doc);
	printf("  json_tokener_parse() of it: %s (trailing data ignored)\n",
	       v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN) : "NULL");
	json_object_put(v);
	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	v = json_tokener_parse_ex(tok, multi_doc, len);
	printf("  STRICT: %s \"%s\" parse_end %zu\n", v ? "object" : "NULL",
	       json_tokener_error_desc(json_tokener_get_error(tok)), json_tokener_get_parse_end(tok));
	json_object_put(v);
	json_tokener_free(tok);

	for (int strict = 0; strict < 2; strict++) {
		printf("not JSON%s:", strict ? " (JSON_TOKENER_STRICT)" : "");
		for (size_t i = 0; i < NLENIENT; i++) {
			tok = json_tokener_new();
			if (strict)
				json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
			v = json_tokener_parse_ex(tok, lenient[i], strlen(lenient[i]) + 1);
			printf(" %s %s;", lenient[i], v ? "ACCEPTED" : "rejected");
			json_object_put(v);
			json_tokener_free(tok);
		}
		printf("\n");
	}

	tok = json_tokener_new();
	v = json_tokener_parse_ex(tok, nul_doc, sizeof(nul_doc) - 1);
	if (v) {
		json_object_object_get_ex(v, "s", &c);
		printf("NUL: accepted; value strlen %zu json_object_get_string_len %d;",
		       strlen(json_object_get_string(c)), json_object_get_string_len(c));
		json_object_object_foreach(v, k, x) {
			(void)x;
			printf(" key strlen %zu;", strlen(k));
		}
		printf("\n");
	} else {
		printf("NUL: rejected \"%s\"\n",
		       json_tokener_error_desc(json_tokener_get_error(tok)));
	}
	json_object_put(v);
	json_tokener_free(tok);
	return 0;
}
#else
#error "build with -DUSE_JANSSON or -DUSE_JSONC"
#endif
