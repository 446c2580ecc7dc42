/* Log lines <-> entries. The only user of jansson.
 *
 * A line is accepted only if it is byte for byte the canonical (RFC 8785)
 * serialisation of its value. With the value restrictions of SPEC.md §3
 * (objects, strings without control characters, integers 0..2^53-1, ASCII
 * keys), jansson's compact, key-sorted output is exactly that serialisation,
 * so canonicality is checked by re-serialising and comparing bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "encoding.h"
#include "error.h"
#include "json.h"

#define MAX_SAFE_INTEGER 9007199254740991LL

static int
check_bytes(const char *line, size_t len)
{
	if (len > ENDORSE_MAX_LINE)
		return endorse_error_set(ENDORSE_EINVALID, "line-length",
			"line is %zu bytes long; at most %d are allowed", len, ENDORSE_MAX_LINE);
	if (len == 0)
		return endorse_error_set(ENDORSE_EINVALID, "empty-line", "empty line");
	if (len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
		return endorse_error_set(ENDORSE_EINVALID, "bom",
			"line starts with a byte order mark");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c == '\0')
			return endorse_error_set(ENDORSE_EINVALID, "nul",
				"NUL byte at column %zu", i + 1);
		if (c == '\r')
			return endorse_error_set(ENDORSE_EINVALID, "cr",
				"carriage return at column %zu", i + 1);
		if (c < 0x20 || c == 0x7f)
			return endorse_error_set(ENDORSE_EINVALID, "control-char",
				"control character 0x%02x at column %zu", c, i + 1);
	}
	if (!endorse_utf8_valid((const uint8_t *)line, len))
		return endorse_error_set(ENDORSE_EINVALID, "utf8", "line is not valid UTF-8");
	return 0;
}

static json_t *
load(const char *text, size_t len, size_t flags)
{
	json_error_t err;
	json_t *v = json_loadb(text, len, flags, &err);

	if (v == NULL) {
		const char *rule = "json";
		if (strstr(err.text, "duplicate object key") != NULL)
			rule = "duplicate-member";
		else if (strstr(err.text, "too big") != NULL)
			rule = "integer";
		endorse_error_set(ENDORSE_EINVALID, rule,
			"not valid JSON at column %d: %s", err.column, err.text);
	}
	return v;
}

int
endorse_json_check_syntax(const char *text, size_t len)
{
	json_t *v;

	/* jansson's lexer drops a raw NUL that follows a number; a raw NUL is
	 * never valid JSON, so refuse it first. */
	if (memchr(text, '\0', len) != NULL)
		return endorse_error_set(ENDORSE_EINVALID, "json", "raw NUL byte");
	v = load(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL);

	if (v == NULL)
		return ENDORSE_EINVALID;
	json_decref(v);
	return 0;
}

static bool
has_control_char(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

/* Only objects, strings without control characters and safe non-negative
 * integers occur in a log line. */
static int
check_values(json_t *v)
{
	const char *key;
	json_t *member;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		json_object_foreach(v, key, member) {
			if (has_control_char(key, strlen(key)))
				return endorse_error_set(ENDORSE_EINVALID, "control-char",
					"a member name contains a control character");
			if (check_values(member) != 0)
				return ENDORSE_EINVALID;
		}
		return 0;
	case JSON_STRING:
		if (has_control_char(json_string_value(v), json_string_length(v)))
			return endorse_error_set(ENDORSE_EINVALID, "control-char",
				"a string contains a control character");
		return 0;
	case JSON_INTEGER:
		if (json_integer_value(v) < 0 || json_integer_value(v) > MAX_SAFE_INTEGER)
			return endorse_error_set(ENDORSE_EINVALID, "integer",
				"integer %lld is outside 0..2^53-1", (long long)json_integer_value(v));
		return 0;
	case JSON_REAL:
		return endorse_error_set(ENDORSE_EINVALID, "float",
			"floating-point numbers are not allowed");
	case JSON_ARRAY:
		return endorse_error_set(ENDORSE_EINVALID, "value-type", "arrays are not allowed");
	case JSON_TRUE:
	case JSON_FALSE:
		return endorse_error_set(ENDORSE_EINVALID, "value-type",
			"booleans are not allowed");
	case JSON_NULL:
		return endorse_error_set(ENDORSE_EINVALID, "value-type", "null is not allowed");
	}
	return endorse_error_set(ENDORSE_EINVALID, "value-type", "unknown JSON value");
}

static int
check_canonical(json_t *v, const char *line, size_t len)
{
	char *canon = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	size_t n, i = 0;
	int rc = 0;

	if (canon == NULL)
		return endorse_error_set(ENDORSE_EINVALID, "canonical",
			"cannot serialise the line");
	n = strlen(canon);
	if (n != len || memcmp(canon, line, len) != 0) {
		while (i < n && i < len && canon[i] == line[i])
			i++;
		rc = endorse_error_set(ENDORSE_EINVALID, "canonical",
			"not in canonical form (RFC 8785): first difference at column %zu; "
			"members must be sorted, without spaces, with only required escapes", i + 1);
	}
	free(canon);
	return rc;
}

/* Checks that obj has exactly the named members, each of the given type. */
struct member_spec {
	const char *name;
	json_type type;
	bool optional;
};

static int
check_members(json_t *obj, const char *where, const struct member_spec *spec)
{
	const char *key;
	json_t *member;

	for (const struct member_spec *m = spec; m->name != NULL; m++) {
		json_t *v = json_object_get(obj, m->name);
		if (v == NULL && !m->optional)
			return endorse_error_set(ENDORSE_EINVALID, "member",
				"%s has no member \"%s\"", where, m->name);
		if (v != NULL && json_typeof(v) != m->type)
			return endorse_error_set(ENDORSE_EINVALID, "member",
				"%s member \"%s\" must be %s", where,
				m->name, m->type == JSON_OBJECT ? "an object"
				: m->type == JSON_INTEGER ? "an integer" : "a string");
	}
	json_object_foreach(obj, key, member) {
		const struct member_spec *m = spec;
		while (m->name != NULL && strcmp(m->name, key) != 0)
			m++;
		if (m->name == NULL)
			return endorse_error_set(ENDORSE_EINVALID, "member",
				"%s has unknown member \"%.64s\"", where,
				key);
	}
	return 0;
}

static char *
dup_member(json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);

	return v == NULL ? NULL : strdup(json_string_value(v));
}

static const struct member_spec entry_members[] = {
	{"new_sig", JSON_STRING, true},
	{"prev", JSON_STRING, false},
	{"seq", JSON_INTEGER, false},
	{"sig", JSON_STRING, false},
	{"statement", JSON_OBJECT, false},
	{NULL, JSON_NULL, false},
};

static const struct member_spec document_members[] = {
	{"type", JSON_STRING, false}, {"signer", JSON_STRING, false}, {"time", JSON_STRING, false},
	{"id", JSON_STRING, false}, {"title", JSON_STRING, false}, {"url", JSON_STRING, false},
	{"sha256", JSON_STRING, false}, {NULL, JSON_NULL, false},
};
static const struct member_spec endorse_members[] = {
	{"type", JSON_STRING, false}, {"signer", JSON_STRING, false}, {"time", JSON_STRING, false},
	{"document", JSON_STRING, false}, {"org", JSON_OBJECT, false}, {NULL, JSON_NULL, false},
};
static const struct member_spec org_members[] = {
	{"id", JSON_STRING, false}, {"name", JSON_STRING, false}, {"url", JSON_STRING, false},
	{NULL, JSON_NULL, false},
};
static const struct member_spec withdraw_members[] = {
	{"type", JSON_STRING, false}, {"signer", JSON_STRING, false}, {"time", JSON_STRING, false},
	{"document", JSON_STRING, false}, {"org", JSON_STRING, false}, {NULL, JSON_NULL, false},
};
static const struct member_spec rotate_members[] = {
	{"type", JSON_STRING, false}, {"signer", JSON_STRING, false}, {"time", JSON_STRING, false},
	{"org", JSON_STRING, false}, {"new_signer", JSON_STRING, false}, {NULL, JSON_NULL, false},
};
static const struct member_spec revoke_members[] = {
	{"type", JSON_STRING, false}, {"signer", JSON_STRING, false}, {"time", JSON_STRING, false},
	{"org", JSON_STRING, false}, {"key", JSON_STRING, false}, {"reason", JSON_STRING, false},
	{NULL, JSON_NULL, false},
};

static const struct member_spec confirm_members[] = {
	{"type", JSON_STRING, false}, {"signer", JSON_STRING, false}, {"time", JSON_STRING, false},
	{"org", JSON_STRING, false}, {"key", JSON_STRING, false}, {"method", JSON_STRING, false},
	{NULL, JSON_NULL, false},
};

static const struct {
	const char *name;
	endorse_statement_type type;
	const struct member_spec *members;
} statement_types[] = {
	{"document", ENDORSE_DOCUMENT, document_members},
	{"endorse", ENDORSE_ENDORSE, endorse_members},
	{"withdraw", ENDORSE_WITHDRAW, withdraw_members},
	{"rotate", ENDORSE_ROTATE, rotate_members},
	{"revoke", ENDORSE_REVOKE, revoke_members},
	{"confirm", ENDORSE_CONFIRM, confirm_members},
};

const char *
endorse_statement_type_name(endorse_statement_type type)
{
	for (size_t i = 0; i < sizeof(statement_types) / sizeof(statement_types[0]); i++)
		if (statement_types[i].type == type)
			return statement_types[i].name;
	return "unknown";
}

static int
parse_statement(endorse_entry *entry, json_t *obj)
{
	endorse_statement *st = &entry->statement;
	json_t *type = json_object_get(obj, "type"), *org;
	size_t i, n = sizeof(statement_types) / sizeof(statement_types[0]);

	if (type == NULL || !json_is_string(type))
		return endorse_error_set(ENDORSE_EINVALID, "member",
			"statement has no string member \"type\"");
	for (i = 0; i < n; i++)
		if (strcmp(statement_types[i].name, json_string_value(type)) == 0)
			break;
	if (i == n)
		return endorse_error_set(ENDORSE_EINVALID, "statement-type",
			"unknown statement type \"%.64s\"",
			json_string_value(type));
	if (check_members(obj, "statement", statement_types[i].members) != 0)
		return ENDORSE_EINVALID;
	st->type = statement_types[i].type;
	st->signer = dup_member(obj, "signer");
	st->time = dup_member(obj, "time");
	st->id = dup_member(obj, "id");
	st->title = dup_member(obj, "title");
	st->url = dup_member(obj, "url");
	st->sha256 = dup_member(obj, "sha256");
	st->document = dup_member(obj, "document");
	st->new_signer = dup_member(obj, "new_signer");
	st->key = dup_member(obj, "key");
	st->reason = dup_member(obj, "reason");
	st->method = dup_member(obj, "method");
	org = json_object_get(obj, "org");
	if (json_is_object(org)) {
		if (check_members(org, "statement.org", org_members) != 0)
			return ENDORSE_EINVALID;
		st->org_id = dup_member(org, "id");
		st->org_name = dup_member(org, "name");
		st->org_url = dup_member(org, "url");
	} else if (json_is_string(org)) {
		st->org_id = strdup(json_string_value(org));
	}
	return 0;
}

int
endorse_entry_decode(endorse_entry *out, const char *line, size_t len, bool full)
{
	json_t *root = NULL, *v;
	int rc = ENDORSE_EINVALID;
	const char *s;

	memset(out, 0, sizeof(*out));
	if (check_bytes(line, len) != 0)
		return ENDORSE_EINVALID;
	root = load(line, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL);
	if (root == NULL)
		return ENDORSE_EINVALID;
	if (!json_is_object(root)) {
		endorse_error_set(ENDORSE_EINVALID, "json", "line is not a JSON object");
		goto out;
	}
	if (check_values(root) != 0 || (full && check_canonical(root, line, len) != 0) ||
	    check_members(root, "entry", entry_members) != 0)
		goto out;
	out->seq = (uint64_t)json_integer_value(json_object_get(root, "seq"));
	s = json_string_value(json_object_get(root, "prev"));
	if (!endorse_hex_decode_exact(out->prev, 32, s, strlen(s))) {
		endorse_error_set(ENDORSE_EINVALID, "prev", "prev is not 64 lowercase hex digits");
		goto out;
	}
	s = json_string_value(json_object_get(root, "sig"));
	if (!endorse_base64_decode_exact(out->sig, 64, s, strlen(s))) {
		endorse_error_set(ENDORSE_EINVALID, "base64",
			"sig is not canonical base64 of 64 bytes");
		goto out;
	}
	v = json_object_get(root, "new_sig");
	if (v != NULL) {
		s = json_string_value(v);
		if (!endorse_base64_decode_exact(out->new_sig, 64, s, strlen(s))) {
			endorse_error_set(ENDORSE_EINVALID, "base64",
				"new_sig is not canonical base64 of 64 bytes");
			goto out;
		}
		out->has_new_sig = true;
	}
	if (parse_statement(out, json_object_get(root, "statement")) != 0)
		goto out;
	rc = 0;
out:
	json_decref(root);
	return rc;
}

static int
set_string(json_t *obj, const char *name, const char *value)
{
	if (value == NULL)
		return 0;
	return json_object_set_new(obj, name, json_string(value));
}

static json_t *
statement_to_json(const endorse_statement *st)
{
	json_t *obj = json_object(), *org = NULL;
	int rc = 0;

	if (obj == NULL)
		return NULL;
	rc |= set_string(obj, "type", endorse_statement_type_name(st->type));
	rc |= set_string(obj, "signer", st->signer);
	rc |= set_string(obj, "time", st->time);
	rc |= set_string(obj, "id", st->id);
	rc |= set_string(obj, "title", st->title);
	rc |= set_string(obj, "url", st->url);
	rc |= set_string(obj, "sha256", st->sha256);
	rc |= set_string(obj, "document", st->document);
	rc |= set_string(obj, "new_signer", st->new_signer);
	rc |= set_string(obj, "key", st->key);
	rc |= set_string(obj, "reason", st->reason);
	rc |= set_string(obj, "method", st->method);
	if (st->type == ENDORSE_ENDORSE) {
		org = json_object();
		rc |= org == NULL;
		rc |= set_string(org, "id", st->org_id);
		rc |= set_string(org, "name", st->org_name);
		rc |= set_string(org, "url", st->org_url);
		rc |= json_object_set_new(obj, "org", org);
	} else {
		rc |= set_string(obj, "org", st->org_id);
	}
	if (rc != 0) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static int
dump(char **out, size_t *len, json_t *v)
{
	*out = v == NULL ? NULL : json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(v);
	if (*out == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "cannot serialise JSON");
	*len = strlen(*out);
	return 0;
}

int
endorse_statement_serialize(char **out, size_t *len, const endorse_statement *st)
{
	return dump(out, len, statement_to_json(st));
}

int
endorse_entry_serialize(char **out, size_t *len, const endorse_entry *entry)
{
	json_t *obj = json_object(), *st = statement_to_json(&entry->statement);
	char prev[65], sig[100];
	int rc = 0;

	if (obj == NULL || st == NULL) {
		json_decref(obj);
		json_decref(st);
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	}
	endorse_hex_encode(prev, entry->prev, 32);
	rc |= json_object_set_new(obj, "prev", json_string(prev));
	rc |= json_object_set_new(obj, "seq", json_integer((json_int_t)entry->seq));
	endorse_base64_encode(sig, sizeof(sig), entry->sig, 64);
	rc |= json_object_set_new(obj, "sig", json_string(sig));
	if (entry->has_new_sig) {
		endorse_base64_encode(sig, sizeof(sig), entry->new_sig, 64);
		rc |= json_object_set_new(obj, "new_sig", json_string(sig));
	}
	rc |= json_object_set_new(obj, "statement", st);
	if (rc != 0) {
		json_decref(obj);
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	}
	return dump(out, len, obj);
}
