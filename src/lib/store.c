/* Writing the log: one entry at a time, all or nothing. Under the log's
 * lock the lines that the new entry's rules depend on are checked before
 * anything is written; the entry, its pin (or .gitattributes) and in git its
 * commit are then written as one storage transaction (storage.h: what a
 * crash, a kill or a full disk leaves). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "encoding.h"
#include "entry.h"
#include "error.h"
#include "file.h"
#include "state.h"
#include "statement.h"
#include "store.h"
#include "vkey.h"
#include "load.h"
#include "report.h"
#include "storage.h"

/* The statement a write signs: the caller's (borrowed, never changed: the
 * request is const) with what it left out filled in here, in buffers of
 * its own: the signer, the time, and for an endorse or withdraw the full
 * SHA-256 of the version concerned. Never copied: st points into it. */
struct completed {
	endorse_statement st;
	char signer[ENDORSE_VKEY_MAX];
	char time[21];
	char document[65];
};

static void
completed_init(struct completed *c, const endorse_statement *given)
{
	c->st = *given;
	c->signer[0] = c->time[0] = c->document[0] = '\0';
}

/* What the caller reads back of the statement written (endorse.h). */
static void
completed_result(endorse_write_result *res, const endorse_statement *st)
{
	const char *sha = st->type == ENDORSE_DOCUMENT ? st->sha256 : st->document;

	(void)snprintf(res->signer, sizeof(res->signer), "%s", st->signer);
	(void)snprintf(res->time, sizeof(res->time), "%s", st->time);
	(void)snprintf(res->document_sha256, sizeof(res->document_sha256), "%s",
		sha != NULL ? sha : "");
}

static int
sign_entry(endorse_entry *entry, const endorse_state *state, const endorse_append_request *req)
{
	uint8_t *m = NULL;
	size_t len = 0;
	int rc = endorse_signed_message(&m, &len, endorse_state_origin(state), &entry->statement);

	if (rc != 0)
		return rc;
	rc = endorse_secret_key_sign(entry->sig, req->key, m, len);
	if (rc == 0 && req->new_key != NULL) {
		rc = endorse_secret_key_sign(entry->new_sig, req->new_key, m, len);
		entry->has_new_sig = rc == 0;
	}
	free(m);
	return rc;
}

/* The line keys/orgs/ID.vkey must hold after the append; false if the
 * file must not exist (the organization has no current key). */
static bool
pinned_key_text(char out[ENDORSE_VKEY_MAX + 1], const endorse_state *state, const char *org_id)
{
	const endorse_org *org = endorse_state_find_org(state, org_id);

	if (org == NULL || !org->has_key)
		return false;
	endorse_vkey_format_line(out, &org->key);
	return true;
}

/* The clock's time for the statement, in now; when the organisation
 * signing it already claimed that time or a later one (a script's second
 * write within one second), one second after its previous statement, and
 * *later is set: time-order stops replays, and a writer must not trip on it.
 * An explicit time is never changed (the caller asked for it). */
static int
clock_time(char now[21], bool *later, const endorse_state *state, const endorse_append_request *req,
	const endorse_statement *st)
{
	const char *floor;

	endorse_time_now(now);
	if (st->org_id == NULL || strcmp(endorse_secret_key_vkey(req->key)->name, st->org_id) != 0)
		return 0;
	floor = endorse_state_time_floor(state, st->org_id);
	if (strcmp(now, floor) > 0)
		return 0;
	*later = true;
	return endorse_time_next_second(now, floor);
}

/* Completes c's statement (signer, time), signs it with req's keys as the
 * next entry of state, and serialises the line; the line then goes through
 * exactly the checks verify will apply, and its effect is applied to
 * state. */
static int
make_line(char **line, size_t *len, endorse_state *state, const endorse_append_request *req,
	struct completed *c, bool *later)
{
	endorse_statement *st = &c->st;
	endorse_entry entry, parsed;
	endorse_error_saved why;
	char latest[21];
	int rc;

	*line = NULL;
	memset(&entry, 0, sizeof(entry));
	if (st->signer == NULL) {
		endorse_vkey_format(c->signer, endorse_secret_key_vkey(req->key));
		st->signer = c->signer;
	}
	if (st->time == NULL) {
		if (clock_time(c->time, later, state, req, st) != 0)
			return endorse_error_set(ENDORSE_EINVALID, NULL,
				"refusing to write the entry: no valid time follows %s (rule time-order)",
				endorse_state_time_floor(state, st->org_id));
		st->time = c->time;
	}
	/* A time far ahead would hold back the organization's next statements
	 * (time-order), and verify refuses it. */
	endorse_time_from_now(latest, ENDORSE_WRITE_SKEW);
	if (endorse_time_valid(st->time) && strcmp(st->time, latest) > 0)
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"refusing to write the entry: time %s is more "
			"than %d minutes after this machine's clock (rule future-time)", st->time,
			ENDORSE_WRITE_SKEW / 60);
	entry.statement = *st; /* borrowed: not cleared here */
	entry.seq = endorse_state_size(state);
	memcpy(entry.prev, endorse_state_head(state), 32);
	if ((rc = sign_entry(&entry, state, req)) != 0 ||
	    (rc = endorse_entry_serialize(line, len, &entry)) != 0)
		return rc;
	rc = endorse_entry_parse(&parsed, *line, *len);
	if (rc == 0 && endorse_state_check(state, &parsed, ENDORSE_CHECK_APPLY |
		ENDORSE_CHECK_SIGNATURES, NULL) != 0)
		rc = ENDORSE_EINVALID;
	if (rc != 0) {
		endorse_error_save(&why);
		rc = endorse_error_set(ENDORSE_EINVALID, why.rule,
			"refusing to write the entry: %s (rule %s)", why.message, why.rule);
		free(*line);
		*line = NULL;
	}
	endorse_entry_clear(&parsed);
	return rc;
}

/* org's active endorsement of the document of index doc, or NULL. */
static const endorse_endorsement *
active_of(const endorse_org *org, size_t doc)
{
	for (size_t j = 0; org != NULL && j < org->endorsement_count; j++)
		if (org->endorsements[j].document == doc && org->endorsements[j].active)
			return &org->endorsements[j];
	return NULL;
}

/* The newest version org endorses, or NULL. */
static const endorse_document *
newest_endorsed(const endorse_state *state, const char *org_id)
{
	const endorse_org *org = endorse_state_find_org(state, org_id);

	for (size_t i = endorse_state_document_count(state); org != NULL && i-- > 0;)
		if (active_of(org, i) != NULL)
			return endorse_state_document(state, i);
	return NULL;
}

/* The version an endorse or withdraw concerns, c's document completed
 * with its full SHA-256: the reference given (a prefix, latest, ID or
 * ID@VERSION: endorse_state_resolve_document), or without one, for an
 * endorsement the newest version and for a withdrawal the newest the
 * organization endorses. res says which it was, as ID@VERSION. */
static int
choose_document(struct completed *c, const endorse_state *state, endorse_write_result *res)
{
	endorse_statement *st = &c->st;
	const endorse_document *d;

	if (st->type != ENDORSE_ENDORSE && st->type != ENDORSE_WITHDRAW)
		return 0;
	if (st->document != NULL)
		d = endorse_state_resolve_document(state, st->document);
	else if (st->type == ENDORSE_ENDORSE)
		d = endorse_state_document(state, endorse_state_document_count(state) - 1);
	else if ((d = newest_endorsed(state, st->org_id)) == NULL)
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"%s does not currently endorse any document in this log; nothing to withdraw",
			st->org_id);
	if (d == NULL)
		return endorse_error_wrap(ENDORSE_EUSAGE, "refusing to write");
	(void)snprintf(c->document, sizeof(c->document), "%s", d->sha256);
	st->document = c->document;
	res->document_version = endorse_state_document_version(state, d);
	(void)snprintf(res->document_id, sizeof(res->document_id), "%s", d->id);
	return 0;
}

/* One line saying what an entry does, for the commit that records it. Text
 * from the log is kept on one line and free of control characters. */
static void
describe(char *out, size_t size, const endorse_statement *st, const endorse_state *state,
	bool reaffirm)
{
	const char *sha = st->type == ENDORSE_DOCUMENT ? st->sha256 : st->document;
	const endorse_document *d = sha != NULL ? endorse_state_find_document(state, sha) : NULL;
	char title[256] = "?", key_id[9] = "";
	endorse_vkey k;

	if (d != NULL)
		(void)snprintf(title, sizeof(title), "%s", d->title);
	for (char *c = title; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	if ((st->new_signer || st->key) &&
	    endorse_vkey_parse(&k, st->new_signer ? st->new_signer : st->key,
		    strlen(st->new_signer ? st->new_signer : st->key)) == 0)
		endorse_vkey_id_hex(key_id, &k);
	switch (st->type) {
	case ENDORSE_DOCUMENT:
		(void)snprintf(out, size, "endorse: register %s (%.8s)", title, st->sha256);
		break;
	case ENDORSE_ENDORSE:
		(void)snprintf(out, size, "endorse: %s %s %s (%.8s)", st->org_id,
			reaffirm ? "re-affirms with its current key" : "endorses", title, st->document);
		break;
	case ENDORSE_WITHDRAW:
		(void)snprintf(out, size, "endorse: %s withdraws its endorsement of %s (%.8s)", st->org_id,
			title, st->document);
		break;
	case ENDORSE_ROTATE:
		(void)snprintf(out, size, "endorse: %s rotates its key to %s", st->org_id, key_id);
		break;
	case ENDORSE_REVOKE:
		(void)snprintf(out, size, "endorse: key %s of %s revoked", key_id, st->org_id);
		break;
	case ENDORSE_CONFIRM:
		(void)snprintf(out, size, "endorse: %s publishes its key %s (%s), confirmed by the log",
			st->org_id, key_id, st->method);
		break;
	}
}

/* A pin that a writer killed between the log and the pin left behind the
 * log (storage.h): set to what the log says, under the log's lock. */
int
endorse_store_finish_pin(const char *dir, const char *org_id)
{
	endorse_verify_options quiet = {0};
	endorse_state *state = NULL;
	char rel[300], text[ENDORSE_VKEY_MAX + 1], *path;
	uint64_t problems = 0;
	int rc = endorse_load_for_append(&state, dir, org_id, &quiet, &problems);

	if (rc == ENDORSE_EINVALID)
		rc = endorse_error_set(rc, NULL,
			"the log's entries for %s break the rules (run endorse verify)",
			org_id);
	if (rc != 0)
		return endorse_error_wrap(rc, "cannot finish the pin of %s, left behind the log by an "
			"interrupted write", org_id);
	(void)snprintf(rel, sizeof(rel), "%s/%s.vkey", ENDORSE_ORGS_DIR, org_id);
	if ((path = endorse_path_join(dir, rel)) == NULL)
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	else if (pinned_key_text(text, state, org_id))
		rc = endorse_file_write_atomic(path, text, strlen(text), 0644, false);
	else
		rc = endorse_file_remove(path);
	free(path);
	endorse_state_free(state);
	return rc;
}

/* ---- .gitattributes: the files git must keep byte for byte ----
 *
 * keys/, log/ and each registered document inside DIR are marked -text in
 * DIR/.gitattributes, so that no checkout converts their line endings
 * (core.autocrlf): endorse reads them as bytes, hashes them and signs them,
 * and every clone must hold the bytes the operator's clone holds. init
 * writes the file (or extends it), document adds what is missing. */

#define ATTRIBUTES_PATH ".gitattributes"
/* The largest document committed with its entry (read into memory). */
#define ENDORSE_DOCUMENT_COMMIT_MAX (64u << 20)
#define ATTRIBUTES_MAX (1 << 20)

static bool
has_line(const char *text, size_t len, const char *line)
{
	size_t n = strlen(line);

	for (size_t at = 0; at + n <= len;) {
		const char *end = memchr(text + at, '\n', len - at);
		size_t l = end != NULL ? (size_t)(end - (text + at)) : len - at;
		if (l == n && memcmp(text + at, line, n) == 0)
			return true;
		at += l + 1;
	}
	return false;
}

/* The document's path inside dir, for an attribute line: NULL when it is
 * outside dir or its name has characters a pattern would read otherwise
 * (only A-Z a-z 0-9 . _ - / are written). */
static char *
document_in_dir(const char *dir, const char *document)
{
	char real_dir[PATH_MAX], real_doc[PATH_MAX];
	size_t n;

	if (document == NULL || realpath(dir, real_dir) == NULL ||
	    realpath(document, real_doc) == NULL)
		return NULL;
	n = strlen(real_dir);
	if (strncmp(real_doc, real_dir, n) != 0 || real_doc[n] != '/')
		return NULL;
	for (const char *p = real_doc + n + 1; *p; p++) {
		if (!(*p == '.' || *p == '_' || *p == '-' || *p == '/' || (*p >= '0' && *p <= '9') ||
			    (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return NULL;
	}
	return strdup(real_doc + n + 1);
}

/* DIR/.gitattributes with the lines this write needs: *text is NULL when
 * none is missing; *old gets the file as it is (NULL when absent). */
static int
attributes_update(char **text, size_t *len, char **old, const char *dir, const char *document)
{
	char *path = endorse_path_join(dir, ATTRIBUTES_PATH), *doc = document_in_dir(dir, document);
	char doc_line[PATH_MAX + 16];
	const char *lines[3] = {"/keys/** -text", "/log/** -text", doc_line};
	size_t old_len = 0, n = 0;
	struct stat st;
	int rc = 0;

	*text = NULL;
	*old = NULL;
	*len = 0;
	(void)snprintf(doc_line, sizeof(doc_line), "/%s -text", doc != NULL ? doc : "");
	if (path == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	endorse_remove_temps_of(path); /* a writer killed while writing it */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL, "%s is not a regular file", path);
		goto out;
	}
	rc = endorse_file_read(old, &old_len, path, ATTRIBUTES_MAX);
	if (rc == ENDORSE_ENOTFOUND)
		rc = 0;
	else if (rc == 0 && memchr(*old, '\0', old_len) != NULL)
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL,
			"%s holds a NUL byte: not a .gitattributes", path);
	if (rc != 0)
		goto out;
	if ((*text = malloc(old_len + sizeof(doc_line) + 64)) == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if (old_len > 0)
		memcpy(*text, *old, old_len);
	n = old_len;
	if (n > 0 && (*text)[n - 1] != '\n')
		(*text)[n++] = '\n';
	for (size_t i = 0; i < (doc != NULL ? 3u : 2u); i++) {
		if (!has_line(*old != NULL ? *old : "", old_len, lines[i]))
			n += (size_t)sprintf(*text + n, "%s\n", lines[i]);
	}
	if (n == old_len || (n == old_len + 1 && *old != NULL)) {
		free(*text); /* nothing missing (a missing final LF is no reason to write) */
		*text = NULL;
	} else {
		*len = n;
	}
out:
	free(doc);
	free(path);
	return rc;
}


/* Loads only what the new entry's rules need, trusted: a million-line log
 * is not verified again at every append (CI verifies every push). */
static int
load_state(endorse_state **state, const endorse_append_request *req, const endorse_verify_options *opt)
{
	const char *org_id = req->statement->org_id;
	uint64_t problems = 0;
	int rc = endorse_load_for_append(state, req->dir, org_id, opt, &problems);

	if (rc == ENDORSE_EINVALID)
		rc = endorse_error_set(rc, NULL,
			"the log's entries for %s and its documents break the rules "
			"(%llu problem%s; run endorse verify); refusing to append to it",
			org_id != NULL ? org_id : "this write", (unsigned long long)problems,
			problems == 1 ? "" : "s");
	return rc;
}

/* What a re-affirmation needs: an active endorsement of the version, made
 * with a key other than the current one, which signs the withdrawal. */
static int
check_reaffirm(const endorse_state *state, const endorse_statement *st)
{
	const endorse_org *org = endorse_state_find_org(state, st->org_id);
	const endorse_document *d = endorse_state_find_document(state, st->document);
	/* d is endorse_state_document(state, i) for its index i (endorse.h) */
	const endorse_endorsement *e = d == NULL ? NULL :
		active_of(org, (size_t)(d - endorse_state_document(state, 0)));

	if (st->type != ENDORSE_ENDORSE)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "only an endorsement is re-affirmed");
	if (e == NULL)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "%s does not endorse document %.12s: "
			"there is nothing to re-affirm; sign it without --reaffirm", st->org_id,
			st->document);
	if (!org->has_key)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "%s has no current key (it was "
			"revoked): sign without --reaffirm; the new key's first endorsement "
			"re-affirms it", st->org_id);
	if (memcmp(e->public_key, org->key.public_key, 32) == 0)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "%s already endorses document %.12s "
			"with its current key: there is nothing to re-affirm", st->org_id,
			st->document);
	return 0;
}

/* A re-affirmation (req->reaffirm): the organisation's endorsement of the
 * version, made with a key since rotated away or revoked (check_reaffirm),
 * is ended by a withdrawal signed by the current key, written just before
 * the new endorsement (c) in the same write; the endorsement then claims
 * one second after the withdrawal (time-order). *line is NULL without
 * req->reaffirm. */
static int
reaffirm_line(char **line, size_t *len, endorse_state *state, const endorse_append_request *req,
	struct completed *c, bool *later)
{
	const endorse_statement w = {.type = ENDORSE_WITHDRAW, .org_id = c->st.org_id,
		.document = c->st.document, .time = c->st.time};
	endorse_append_request wreq = *req;
	struct completed withdraw;
	uint8_t hash[32], leaf[32];
	int rc;

	*line = NULL;
	if (!req->reaffirm)
		return 0;
	if ((rc = check_reaffirm(state, &c->st)) != 0)
		return rc;
	completed_init(&withdraw, &w);
	wreq.statement = &w;
	wreq.new_key = NULL;
	if ((rc = make_line(line, len, state, &wreq, &withdraw, later)) != 0 ||
	    (rc = endorse_time_next_second(c->time, withdraw.st.time)) != 0)
		return rc;
	c->st.time = c->time;
	crypto_hash_sha256(hash, (const uint8_t *)*line, *len);
	endorse_merkle_leaf_hash(leaf, (const uint8_t *)*line, *len);
	endorse_state_advance(state, hash, leaf); /* the endorsement follows it */
	return 0;
}

/* The withdrawal of a re-affirmation and the endorsement, as the lines
 * appended: "W\nE" (the storage adds the last line feed). */
static int
join_lines(char **line, size_t *len, char *withdraw, size_t withdraw_len)
{
	char *both;

	if (withdraw == NULL)
		return 0;
	if ((both = malloc(withdraw_len + 1 + *len + 1)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	memcpy(both, withdraw, withdraw_len);
	both[withdraw_len] = '\n';
	memcpy(both + withdraw_len + 1, *line, *len);
	both[withdraw_len + 1 + *len] = '\0';
	free(*line);
	*line = both;
	*len += withdraw_len + 1;
	return 0;
}

/* A document's id names the document for good: an id that no document of
 * the log has yet (a typo in a title) is refused unless the caller asked
 * for a new document. res->document_version gets the version registered. */
static int
check_document_id(const endorse_statement *st, const endorse_state *state, bool new_document,
	endorse_write_result *res)
{
	size_t n = endorse_state_document_count(state), versions = 0, size = 1, at = 0;
	char *ids;
	int rc;

	if (st->type != ENDORSE_DOCUMENT)
		return 0;
	for (size_t i = 0; i < n; i++) {
		versions += strcmp(endorse_state_document(state, i)->id, st->id) == 0;
		size += strlen(endorse_state_document(state, i)->id) + 2;
	}
	res->document_version = versions + 1;
	if (versions > 0 || n == 0 || new_document)
		return 0;
	if ((ids = malloc(size)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	ids[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *id = endorse_state_document(state, i)->id;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(endorse_state_document(state, j)->id, id) == 0;
		if (!seen)
			at += (size_t)snprintf(ids + at, size - at, "%s%s", at > 0 ? ", " : "", id);
	}
	rc = endorse_error_rule("new-document", endorse_error_set(ENDORSE_EEXISTS, NULL,
		"no document of this log has the id '%s' (derived from --title, or given with "
		"--id), and an id is forever: the log's documents are %s. To register a new "
		"version of one of them, use its title or --id; to start a new document '%s', "
		"give --new-document", st->id, ids, st->id));
	free(ids);
	return rc;
}

/* The registered file, when it lies inside the git work tree and differs
 * from HEAD: staged with the entry, in the same commit (its bytes as read
 * here, which must be those hashed). An ignored file, one already
 * committed as it is, or one outside dir is left alone. */
static int
put_document_file(endorse_storage *s, const endorse_append_request *req, const char *rel,
	endorse_write_result *res)
{
	uint8_t digest[32];
	char hex[65], *data = NULL, *path = NULL;
	size_t len = 0;
	int rc;

	if (rel == NULL || endorse_storage_repo(s) == NULL || !req->commit ||
	    endorse_storage_check_clean(s, rel) == 0)
		return 0;
	if ((path = endorse_path_join(req->dir, rel)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	rc = endorse_file_read(&data, &len, path, ENDORSE_DOCUMENT_COMMIT_MAX);
	if (rc == 0) {
		crypto_hash_sha256(digest, (const uint8_t *)data, len);
		endorse_hex_encode(hex, digest, 32);
		if (strcmp(hex, req->statement->sha256) != 0)
			rc = endorse_error_set(ENDORSE_EUSAGE, NULL, "%s changed while it was being "
				"registered (its sha256 is now %s); run the command again", path, hex);
		else if ((rc = endorse_storage_put(s, rel, data, len)) == 0)
			res->document_committed = true;
	} else {
		rc = endorse_error_wrap(rc, "cannot commit the document with its entry (commit "
			"it yourself first, or use --no-commit)");
	}
	free(data);
	free(path);
	return rc;
}

/* The second file of an append: the organisation's pin (its record, "ID\n",
 * when the pin goes away), or for a document .gitattributes when a line is
 * missing, and then the document's file (put_document_file). */
static int
put_second(endorse_storage *s, const endorse_append_request *req, const endorse_state *state,
	endorse_write_result *res)
{
	const endorse_statement *st = req->statement;
	char rel[300], text[ENDORSE_VKEY_MAX + 1], *attr = NULL, *old = NULL, *doc = NULL;
	size_t len = 0;
	int orgs = -1, rc;

	if (st->org_id != NULL) {
		(void)snprintf(rel, sizeof(rel), "%s/%s.vkey", ENDORSE_ORGS_DIR, st->org_id);
		rc = endorse_dir_open(&orgs, req->dir, ENDORSE_ORGS_DIR, true, 0755);
		if (orgs >= 0)
			close(orgs);
		if (rc != 0)
			return rc;
		if (pinned_key_text(text, state, st->org_id))
			return endorse_storage_put(s, rel, text, strlen(text));
		(void)snprintf(text, sizeof(text), "%s\n", st->org_id);
		return endorse_storage_remove(s, rel, text, strlen(text));
	}
	if (st->type != ENDORSE_DOCUMENT)
		return 0;
	if ((rc = attributes_update(&attr, &len, &old, req->dir, req->document_file)) == 0 &&
	    attr != NULL && (rc = endorse_storage_check_clean(s, ATTRIBUTES_PATH)) == 0)
		rc = endorse_storage_put(s, ATTRIBUTES_PATH, attr, len);
	free(attr);
	free(old);
	if (rc == 0 && (doc = document_in_dir(req->dir, req->document_file)) != NULL)
		rc = put_document_file(s, req, doc, res);
	free(doc);
	return rc;
}

/* Commits an append; on an error, says what became of the files. */
static int
commit_append(endorse_storage *s, const endorse_append_request *req, const char *message,
	endorse_write_result *res)
{
	enum endorse_storage_undo undo;
	char *log_path = NULL;
	int rc = endorse_storage_commit(s, message, NULL, &undo, res->commit_hex);

	if (rc == 0 || undo == ENDORSE_STORAGE_KEPT)
		return rc;
	if (undo == ENDORSE_STORAGE_UNDONE)
		return endorse_error_wrap(rc, "nothing was written");
	if (endorse_storage_backup(s) != NULL &&
	    (log_path = endorse_path_join(req->dir, ENDORSE_LOG_PATH)) != NULL)
		rc = endorse_error_wrap(rc, "and the old files could not be put back: the old "
			"log is kept as %s; move it back to %s (and restore keys/orgs/ from git "
			"or a copy) before the next write", endorse_storage_backup(s), log_path);
	else
		rc = endorse_error_wrap(rc, "and the old files could not all be put back: "
			"compare keys/orgs/ with git or a copy before the next write");
	free(log_path);
	return rc;
}

static int
append(const endorse_append_request *req, bool new_document, const endorse_verify_options *opt,
	endorse_write_result *res)
{
	const endorse_statement *st = req->statement;
	struct completed c;
	endorse_state *state = NULL;
	endorse_storage *s = NULL;
	char *line = NULL, *withdraw = NULL, vkey_rel[300], message[512];
	const char *paths[2] = {ENDORSE_LOG_PATH, vkey_rel};
	struct endorse_storage_options so = {req->dir, ENDORSE_STORAGE_WRITE, req->commit, paths,
		st->org_id != NULL ? 2 : 1, endorse_store_finish_pin};
	size_t len = 0, withdraw_len = 0;
	uint64_t seq = 0;
	bool later = false;
	int rc;

	*res = (endorse_write_result){0};
	completed_init(&c, st);
	vkey_rel[0] = '\0';
	if (st->org_id != NULL)
		(void)snprintf(vkey_rel, sizeof(vkey_rel), "%s/%s.vkey", ENDORSE_ORGS_DIR, st->org_id);
	if ((rc = endorse_storage_begin(&s, &so, res->completed_hex)) != 0 ||
	    (rc = load_state(&state, req, opt)) != 0)
		goto out;
	seq = endorse_state_size(state);
	if ((rc = choose_document(&c, state, res)) != 0 ||
	    (rc = check_document_id(st, state, new_document, res)) != 0 ||
	    (rc = reaffirm_line(&withdraw, &withdraw_len, state, req, &c,
		    &res->time_after_previous)) != 0 ||
	    (rc = make_line(&line, &len, state, req, &c,
		    withdraw != NULL ? &later : &res->time_after_previous)) != 0 ||
	    (rc = join_lines(&line, &len, withdraw, withdraw_len)) != 0 ||
	    (rc = endorse_storage_append(s, ENDORSE_LOG_PATH, line, len)) != 0 ||
	    (rc = put_second(s, req, state, res)) != 0)
		goto out;
	describe(message, sizeof(message), &c.st, state, withdraw != NULL);
	if ((rc = commit_append(s, req, message, res)) == 0) {
		res->seq = seq + (withdraw != NULL);
		completed_result(res, &c.st);
	}
out:
	free(withdraw);
	free(line);
	endorse_state_free(state);
	endorse_storage_end(s);
	return rc;
}

int
endorse_append_precheck(const endorse_append_request *req, const endorse_verify_options *opt)
{
	endorse_reporter r = {opt, 0, NULL, NULL};
	endorse_state *state = NULL;
	endorse_policy *policy = NULL;
	int rc = endorse_load_state(&state, &policy, req->dir, ENDORSE_STATE_RULES_ONLY, &r);

	endorse_state_free(state);
	endorse_policy_free(policy);
	if (rc == ENDORSE_EINVALID || (rc == 0 && r.problems > 0))
		return endorse_error_set(ENDORSE_EINVALID, NULL, "keys/policy breaks the rules; "
			"refusing to write");
	if (rc != 0 || (rc = endorse_statement_check_fields(req->statement)) != 0 ||
	    (req->commit && (rc = endorse_storage_check_commit(req->dir)) != 0))
		return rc;
	/* A document reference is resolved again under the lock ("latest" may
	 * move meanwhile); here, only whether the log has such a version. */
	if (req->statement->document != NULL && req->statement->type != ENDORSE_DOCUMENT) {
		if ((rc = load_state(&state, req, opt)) == 0 &&
		    endorse_state_resolve_document(state, req->statement->document) == NULL)
			rc = endorse_error_wrap(ENDORSE_EUSAGE, "refusing to write");
		endorse_state_free(state);
	}
	return rc;
}

int
endorse_append_statement(const endorse_append_request *req, const endorse_verify_options *opt,
	endorse_write_result *res)
{
	return append(req, false, opt, res);
}

int
endorse_append_document(const endorse_append_request *req, bool new_document,
	const endorse_verify_options *opt, endorse_write_result *res)
{
	if (req->statement->type != ENDORSE_DOCUMENT)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "not a document statement");
	return append(req, new_document, opt, res);
}

static int
make_dir(const char *dir, const char *rel)
{
	int fd = -1, rc = endorse_dir_open(&fd, dir, rel, true, 0755);

	if (fd >= 0)
		close(fd);
	return rc;
}

/* Refuses a directory that holds a log already. */
static int
check_new(const char *dir)
{
	char *policy = endorse_path_join(dir, ENDORSE_POLICY_PATH);
	char *log = endorse_path_join(dir, ENDORSE_LOG_PATH);
	int rc = endorse_check_dirs(dir);

	if (policy == NULL || log == NULL)
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	else if (rc == 0 && (access(policy, F_OK) == 0 || access(log, F_OK) == 0))
		rc = endorse_error_set(ENDORSE_EEXISTS, NULL,
			"%s already holds a log (keys/policy or %s exists)",
			dir, ENDORSE_LOG_PATH);
	free(policy);
	free(log);
	return rc;
}

/* Stages init's further file (its CI workflow) in directories made as
 * needed; a file already there is refused, not replaced: it may be the
 * repository's own. */
static int
put_init_file(endorse_storage *s, const endorse_append_request *req)
{
	char *path = endorse_path_join(req->dir, req->init_file);
	const char *slash = strrchr(req->init_file, '/');
	struct stat st;
	int rc = 0;

	if (path == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if (req->init_file[0] == '/' || strstr(req->init_file, "..") != NULL)
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL, "%s: not a path inside the log's "
			"directory", req->init_file);
	else if (lstat(path, &st) == 0)
		rc = endorse_error_set(ENDORSE_EEXISTS, NULL,
			"%s exists: a new log never replaces it", req->init_file);
	free(path);
	if (rc == 0 && slash != NULL) {
		char parent[256];

		if ((size_t)(slash - req->init_file) >= sizeof(parent))
			return endorse_error_set(ENDORSE_EUSAGE, NULL, "%s: path too long",
				req->init_file);
		memcpy(parent, req->init_file, (size_t)(slash - req->init_file));
		parent[slash - req->init_file] = '\0';
		rc = make_dir(req->dir, parent);
	}
	if (rc == 0)
		rc = endorse_storage_put(s, req->init_file, req->init_file_text,
			strlen(req->init_file_text));
	return rc;
}

/* Stages init's files, in the order written: keys/policy first, the commit
 * point, so that a kill after it leaves a directory every command finds as
 * a log (it looks for keys/policy), whose next write finishes the rest
 * from git (storage.h, step 4); c is the statement written. The document's file is committed with them,
 * as document does (put_document_file). */
static int
put_created(endorse_storage *s, const endorse_append_request *req, endorse_state *state,
	struct completed *c, char *message, size_t size, endorse_write_result *res)
{
	const endorse_vkey *log_key = endorse_secret_key_vkey(req->key);
	char *policy = NULL, *line = NULL, *attr = NULL, *old_attr = NULL, *doc = NULL;
	char title[256];
	size_t len = 0, attr_len = 0;
	bool later = false; /* a new log holds no organisation */
	int rc;

	if ((rc = attributes_update(&attr, &attr_len, &old_attr, req->dir, req->document_file)) != 0 ||
	    (attr != NULL && (rc = endorse_storage_check_clean(s, ATTRIBUTES_PATH)) != 0))
		goto out;
	endorse_state_set_policy(state, log_key);
	if ((rc = make_line(&line, &len, state, req, c, &later)) != 0 ||
	    (rc = endorse_policy_format_new(&policy, log_key)) != 0 ||
	    (rc = make_dir(req->dir, "keys")) != 0 || (rc = make_dir(req->dir, "log")) != 0)
		goto out;
	line[len] = '\n'; /* json_dumps' NUL becomes the line's LF */
	describe(title, sizeof(title), &c->st, state, false);
	(void)snprintf(message, size, "endorse: create the log %s and %s", log_key->name,
		title + strlen("endorse: "));
	if ((rc = endorse_storage_put(s, ENDORSE_POLICY_PATH, policy, strlen(policy))) == 0 &&
	    (rc = endorse_storage_put(s, ENDORSE_LOG_PATH, line, len + 1)) == 0 &&
	    attr != NULL)
		rc = endorse_storage_put(s, ATTRIBUTES_PATH, attr, attr_len);
	if (rc == 0 && (doc = document_in_dir(req->dir, req->document_file)) != NULL)
		rc = put_document_file(s, req, doc, res);
	if (rc == 0 && req->init_file != NULL)
		rc = put_init_file(s, req);
out:
	free(doc);
	free(policy);
	free(line);
	free(attr);
	free(old_attr);
	return rc;
}

int
endorse_log_create(const endorse_append_request *req, endorse_write_result *res)
{
	const char *paths[3] = {ENDORSE_LOG_PATH, ENDORSE_POLICY_PATH, req->init_file};
	struct endorse_storage_options so = {req->dir, ENDORSE_STORAGE_CREATE, req->commit, paths,
		req->init_file != NULL ? 3 : 2, endorse_store_finish_pin};
	enum endorse_storage_undo undo;
	endorse_state *state = NULL;
	endorse_storage *s = NULL;
	struct completed c;
	char message[640];
	int rc;

	*res = (endorse_write_result){0};
	completed_init(&c, req->statement);
	if (endorse_secret_key_vkey(req->key)->type != ENDORSE_KEY_ED25519)
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"a log key must be an Ed25519 key, not a witness key");
	if ((state = endorse_state_new(0)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if ((rc = check_new(req->dir)) != 0 ||
	    (rc = endorse_storage_begin(&s, &so, res->completed_hex)) != 0 ||
	    (rc = put_created(s, req, state, &c, message, sizeof(message), res)) != 0)
		goto out;
	rc = endorse_storage_commit(s, message, NULL, &undo, res->commit_hex);
	if (rc == 0)
		completed_result(res, &c.st);
	if (rc != 0 && undo != ENDORSE_STORAGE_KEPT)
		rc = endorse_error_wrap(rc, undo == ENDORSE_STORAGE_UNDONE ? "nothing was written"
			: "and the files could not all be put back: remove keys/policy and log/, and "
			"compare .gitattributes with git, before trying again");
out:
	endorse_state_free(state);
	endorse_storage_end(s);
	return rc;
}
