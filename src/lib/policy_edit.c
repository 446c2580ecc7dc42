/* Changes to keys/policy (endorse.h: endorse_policy_add_witness,
 * endorse_policy_set_quorum): the policy's text edited line by line, so
 * that its comments and order stay as the maintainers wrote them, then
 * parsed by policy.c exactly as verify parses it, and written as one
 * storage transaction (storage.h) under the log's lock. Nothing signs a
 * policy: it is not in the log; verify --history checks that every
 * version keeps the log key, and review of the commit does the rest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "policy.h"
#include "policy_edit.h"
#include "storage.h"
#include "store.h"

#define QUORUM_GROUP "endorse-quorum"
#define NAME_MAX_LEN 64

/* A policy's text being edited: its lines, each without its LF. */
struct text {
	char *buf;   /* the old text, split in place */
	char **lines;
	size_t n;
};

static void
text_free(struct text *t)
{
	free(t->buf);
	free(t->lines);
}

static int
text_split(struct text *t, const char *data, size_t len)
{
	size_t count = 0;

	*t = (struct text){0};
	for (size_t i = 0; i < len; i++)
		count += data[i] == '\n';
	if ((t->buf = malloc(len + 1)) == NULL || (t->lines = calloc(count + 1, sizeof(char *))) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	memcpy(t->buf, data, len);
	t->buf[len] = '\0';
	for (char *line = t->buf, *lf; *line != '\0'; line = lf + 1) {
		if ((lf = strchr(line, '\n')) == NULL)
			return endorse_error_set(ENDORSE_EINVALID, NULL,
				"keys/policy does not end with a newline");
		*lf = '\0';
		t->lines[t->n++] = line;
	}
	return 0;
}

/* The line's first field (keyword) and second (name), copied. */
static void
fields(const char *line, char keyword[16], char name[NAME_MAX_LEN + 1])
{
	keyword[0] = name[0] = '\0';
	(void)sscanf(line, " %15s %64s", keyword, name);
}

/* Whether a witness or group of the policy has this name. */
static bool
defined(const struct text *t, const char *name)
{
	char keyword[16], n[NAME_MAX_LEN + 1];

	for (size_t i = 0; i < t->n; i++) {
		fields(t->lines[i], keyword, n);
		if ((strcmp(keyword, "witness") == 0 || strcmp(keyword, "group") == 0) &&
		    strcmp(n, name) == 0)
			return true;
	}
	return false;
}

/* The names of the policy's witnesses and groups, for a message. */
static void
list_names(const struct text *t, char *out, size_t size)
{
	char keyword[16], n[NAME_MAX_LEN + 1];
	size_t at = 0;

	out[0] = '\0';
	for (size_t i = 0; i < t->n && at < size; i++) {
		fields(t->lines[i], keyword, n);
		if (strcmp(keyword, "witness") == 0 || strcmp(keyword, "group") == 0)
			at += (size_t)snprintf(out + at, size - at, "%s%s", at > 0 ? ", " : "", n);
	}
	if (at == 0)
		(void)snprintf(out, size, "none yet (endorse policy add-witness)");
}

/* The text of lines with extra inserted before line at (n: at the end);
 * lines for which skip says so are left out. */
static char *
text_join(const struct text *t, size_t at, const char *extra, bool (*skip)(const char *line))
{
	size_t len = strlen(extra) + 1;
	char *out, *p;

	for (size_t i = 0; i < t->n; i++)
		len += strlen(t->lines[i]) + 1;
	if ((out = p = malloc(len)) == NULL)
		return NULL;
	for (size_t i = 0; i <= t->n; i++) {
		if (i == at)
			p += sprintf(p, "%s", extra);
		if (i < t->n && (skip == NULL || !skip(t->lines[i])))
			p += sprintf(p, "%s\n", t->lines[i]);
	}
	return out;
}

static bool
name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > NAME_MAX_LEN || strcmp(name, "none") == 0)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/* Parses the new text as verify does; it must keep the old log key. */
static int
check_new(const char *text, const endorse_policy *old)
{
	endorse_policy *p = NULL;
	int rc = endorse_policy_parse(&p, text, strlen(text));

	/* the old policy parsed: a new one that does not is the request's fault */
	if (rc == ENDORSE_EINVALID)
		rc = endorse_error_wrap(ENDORSE_EUSAGE, "the new keys/policy would not parse; nothing written");
	else if (rc == 0 && !endorse_vkey_equal(endorse_policy_log_key(p), endorse_policy_log_key(old)))
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL, "the new keys/policy names another log key");
	endorse_policy_free(p);
	return rc;
}

/* One change: under the lock, the policy is read, edit makes the new text
 * and the commit message, and the text is checked and written. */
typedef int (*edit_fn)(char **out, char *message, size_t size, const struct text *t,
	const endorse_policy *old, const void *arg);

static int
change(endorse_policy_change *c, edit_fn edit, const void *arg)
{
	const char *paths[1] = {ENDORSE_POLICY_PATH};
	struct endorse_storage_options so = {c->dir, ENDORSE_STORAGE_WRITE, c->commit, paths, 1,
		endorse_store_finish_pin};
	enum endorse_storage_undo undo;
	endorse_storage *s = NULL;
	endorse_policy *old = NULL;
	struct text t = {0};
	char *data = NULL, *text = NULL, message[512];
	size_t len = 0;
	int rc;

	c->commit_hex[0] = c->completed_hex[0] = '\0';
	if ((rc = endorse_storage_begin(&s, &so, c->completed_hex)) != 0 ||
	    (rc = endorse_storage_read(&data, &len, s, NULL, ENDORSE_POLICY_PATH, ENDORSE_POLICY_MAX)) != 0 ||
	    (rc = endorse_policy_parse(&old, data, len)) != 0 || (rc = text_split(&t, data, len)) != 0 ||
	    (rc = edit(&text, message, sizeof(message), &t, old, arg)) != 0 ||
	    (rc = check_new(text, old)) != 0 ||
	    (rc = endorse_storage_put(s, ENDORSE_POLICY_PATH, text, strlen(text))) != 0)
		goto out;
	rc = endorse_storage_commit(s, message, NULL, &undo, c->commit_hex);
	if (rc != 0 && undo != ENDORSE_STORAGE_KEPT)
		rc = endorse_error_wrap(rc, undo == ENDORSE_STORAGE_UNDONE ? "nothing was written" :
			"and keys/policy could not be put back: compare it with git or a copy");
out:
	if (rc != 0 && old == NULL && data != NULL && rc == ENDORSE_EINVALID)
		rc = endorse_error_wrap(rc, "keys/policy does not parse as it is");
	text_free(&t);
	free(text);
	free(data);
	endorse_policy_free(old);
	endorse_storage_end(s);
	return rc;
}

struct witness_arg {
	const char *name, *url;
	endorse_vkey key;
};

static int
add_witness_edit(char **out, char *message, size_t size, const struct text *t,
	const endorse_policy *old, const void *arg)
{
	const struct witness_arg *w = arg;
	char vkey[ENDORSE_VKEY_MAX], id[9], line[ENDORSE_VKEY_MAX + 2048], keyword[16],
		name[NAME_MAX_LEN + 1];
	size_t at = t->n;

	if (defined(t, w->name))
		return endorse_error_set(ENDORSE_EEXISTS, NULL,
			"keys/policy already has a witness or group named '%s'", w->name);
	for (size_t i = 0; i < endorse_policy_witness_count(old); i++)
		if (endorse_vkey_equal(endorse_policy_witness_key(old, i), &w->key))
			return endorse_error_set(ENDORSE_EEXISTS, NULL,
				"keys/policy already lists this key, as witness '%s'",
				endorse_policy_witness_name(old, i));
	/* after the last witness line, or before the first group or quorum */
	for (size_t i = t->n; i-- > 0 && at == t->n;) {
		fields(t->lines[i], keyword, name);
		if (strcmp(keyword, "witness") == 0 || strcmp(keyword, "log") == 0)
			at = i + 1;
	}
	endorse_vkey_format(vkey, &w->key);
	endorse_vkey_id_hex(id, &w->key);
	(void)snprintf(line, sizeof(line), "witness %s %s%s%s\n", w->name, vkey, w->url ? " " : "",
		w->url ? w->url : "");
	(void)snprintf(message, size, "endorse: policy: add witness %s (%s, key %s)", w->name,
		w->key.name, id);
	if ((*out = text_join(t, at, line, NULL)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	return 0;
}

int
endorse_policy_add_witness(endorse_policy_change *c, const char *name, const char *vkey,
	const char *url)
{
	struct witness_arg w = {.name = name, .url = url};

	if (!name_valid(name))
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "a witness name is 1 to %d of A-Z a-z "
			"0-9 . _ - (not \"none\"), e.g. the witness's domain", NAME_MAX_LEN);
	if (endorse_vkey_parse(&w.key, vkey, strlen(vkey)) != 0)
		return endorse_error_wrap(ENDORSE_EUSAGE, "not a vkey");
	if (w.key.type != ENDORSE_KEY_COSIGNATURE)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "%s is not a witness key (type 0x04, "
			"made by 'endorse keygen --witness'): a witness cosigns with its own key",
			w.key.name);
	if (url != NULL && !endorse_policy_url_valid(url))
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"a witness URL is https://HOST/... (or http:// for a witness behind no TLS), "
			"printable ASCII without spaces, '?' or '#', at most %d bytes",
			ENDORSE_POLICY_URL_MAX);
	return change(c, add_witness_edit, &w);
}

struct quorum_arg {
	const char *const *expr;
	size_t n;
};

/* The quorum line, and the group an earlier set-quorum made, go away. */
static bool
is_quorum_line(const char *line)
{
	char keyword[16], name[NAME_MAX_LEN + 1];

	fields(line, keyword, name);
	return strcmp(keyword, "quorum") == 0 ||
		(strcmp(keyword, "group") == 0 && strcmp(name, QUORUM_GROUP) == 0);
}

/* "K NAME..." as the group line; an error when a name is unknown. */
static int
quorum_group(char *line, size_t size, const struct text *t, const struct quorum_arg *q)
{
	char names[1024];
	size_t at = (size_t)snprintf(line, size, "group %s %s", QUORUM_GROUP, q->expr[0]);

	for (size_t i = 1; i < q->n; i++) {
		if (!defined(t, q->expr[i]) || strcmp(q->expr[i], QUORUM_GROUP) == 0) {
			list_names(t, names, sizeof(names));
			return endorse_error_set(ENDORSE_EUSAGE, NULL, "'%s' is not a witness or group "
				"of keys/policy (it has: %s)", q->expr[i], names);
		}
		for (size_t j = 1; j < i; j++)
			if (strcmp(q->expr[i], q->expr[j]) == 0)
				return endorse_error_set(ENDORSE_EUSAGE, NULL, "'%s' is named twice",
					q->expr[i]);
		if (at + strlen(q->expr[i]) + 2 >= size)
			return endorse_error_set(ENDORSE_EUSAGE, NULL, "too many members for one line");
		at += (size_t)snprintf(line + at, size - at, " %s", q->expr[i]);
	}
	(void)snprintf(line + at, size - at, "\nquorum %s\n", QUORUM_GROUP);
	return 0;
}

static int
set_quorum_edit(char **out, char *message, size_t size, const struct text *t,
	const endorse_policy *old, const void *arg)
{
	const struct quorum_arg *q = arg;
	char line[8192], names[1024];
	size_t at = 0;
	int rc;

	(void)old;
	if (q->n == 1 && strcmp(q->expr[0], "none") != 0 &&
	    (!defined(t, q->expr[0]) || strcmp(q->expr[0], QUORUM_GROUP) == 0)) {
		list_names(t, names, sizeof(names));
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "'%s' is not a witness or group of "
			"keys/policy (it has: %s)", q->expr[0], names);
	}
	if (q->n == 1)
		(void)snprintf(line, sizeof(line), "quorum %s\n", q->expr[0]);
	else if ((rc = quorum_group(line, sizeof(line), t, q)) != 0)
		return rc;
	for (size_t i = 0; i < q->n && at < size; i++)
		at += (size_t)snprintf(message + at, size - at, "%s%s",
			i == 0 ? "endorse: policy: quorum " : " ", q->expr[i]);
	if ((*out = text_join(t, t->n, line, is_quorum_line)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	return 0;
}

int
endorse_policy_set_quorum(endorse_policy_change *c, const char *const *expr, size_t n)
{
	struct quorum_arg q = {expr, n};

	if (n == 0)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "set-quorum needs none, a name, or K "
			"NAME... (K a number, any or all)");
	return change(c, set_quorum_edit, &q);
}
