/* Writing the log: one entry at a time, under a lock, all or nothing.
 *
 * An append never modifies the log in place: it writes a complete new copy
 * beside it and renames it over the old one, so that a crash, a kill or a
 * full disk leaves either the old log or the new one, never a partial line.
 * The lock (flock on the log/ directory) serialises writers; under it the
 * log's lines that the new entry's rules depend on are checked before
 * anything is written. A writer killed between the log and a second file
 * (a pin, or in git the commit) is finished by the next writer. */
#define _GNU_SOURCE /* copy_file_range */
#include <errno.h>
#include <dirent.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"

static int
copy_file(int to, int from)
{
	char buf[1 << 16];

	for (;;) {
		ssize_t n = copy_file_range(from, NULL, to, NULL, 1 << 30, 0);
		if (n > 0)
			continue;
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
			return -1;
		break;
	}
	for (;;) {
		ssize_t n = read(from, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (endorse_write_all(to, buf, (size_t)n) != 0)
			return -1;
	}
}

/* Writes log + line + LF to a temporary file beside the log; returns its path. */
static int
write_new_log(char **tmp_out, const char *log_path, const char *line, size_t len)
{
	char *tmp = endorse_temp_path(log_path);
	int from = -1, to = -1, rc = 0;

	*tmp_out = NULL;
	if (tmp == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	from = open(log_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	to = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (from < 0 || to < 0 || copy_file(to, from) != 0 || endorse_write_all(to, line, len) != 0 ||
	    endorse_write_all(to, "\n", 1) != 0 || fsync(to) != 0) {
		rc = endorse_fail(ENDORSE_EIO, "cannot write the new log %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(to) != 0) {
		to = -1;
		rc = endorse_fail(ENDORSE_EIO, "cannot write the new log %s: %s", tmp, strerror(errno));
		goto out;
	}
	to = -1;
	*tmp_out = tmp;
	tmp = NULL;
out:
	if (from >= 0)
		close(from);
	if (to >= 0)
		close(to);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	return rc;
}

static int
sign_entry(endorse_entry *entry, const endorse_state *state, const endorse_append_request *req)
{
	uint8_t *m = NULL;
	size_t len = 0;
	int rc = endorse_signed_message(&m, &len, endorse_state_origin(state), &entry->statement);

	if (rc != 0)
		return rc;
	endorse_secret_key_sign(entry->sig, req->key, m, len);
	if (req->new_key != NULL) {
		endorse_secret_key_sign(entry->new_sig, req->new_key, m, len);
		entry->has_new_sig = true;
	}
	free(m);
	return 0;
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

/* Completes the statement (signer, time), signs it as the next entry of
 * state, and serialises the line; the line then goes through exactly the
 * checks verify will apply, and its effect is applied to state. */
static int
make_line(char **line, size_t *len, endorse_state *state, const endorse_append_request *req)
{
	endorse_statement *st = req->statement;
	endorse_entry entry, parsed;
	endorse_diag diag = {0};
	char signer[ENDORSE_VKEY_MAX], now[21], latest[21];
	int rc;

	*line = NULL;
	memset(&entry, 0, sizeof(entry));
	endorse_vkey_format(signer, endorse_secret_key_vkey(req->key));
	if (st->signer == NULL && (st->signer = strdup(signer)) == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	if (st->time == NULL) {
		endorse_time_now(now);
		if ((st->time = strdup(now)) == NULL)
			return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	}
	/* A time far ahead would hold back the organization's next statements
	 * (time-order), and verify refuses it. */
	endorse_time_from_now(latest, ENDORSE_WRITE_SKEW);
	if (endorse_time_valid(st->time) && strcmp(st->time, latest) > 0)
		return endorse_fail(ENDORSE_EINVALID, "refusing to write the entry: time %s is more "
			"than %d minutes after this machine's clock (rule future-time)", st->time,
			ENDORSE_WRITE_SKEW / 60);
	entry.statement = *st; /* borrowed: not cleared here */
	entry.seq = endorse_state_size(state);
	memcpy(entry.prev, endorse_state_head(state), 32);
	if ((rc = sign_entry(&entry, state, req)) != 0 ||
	    (rc = endorse_entry_serialize(line, len, &entry)) != 0)
		return rc;
	if (endorse_entry_parse(&parsed, *line, *len, &diag) != 0 ||
	    endorse_state_check(state, &parsed, true, true, &diag) != 0) {
		rc = endorse_fail(ENDORSE_EINVALID, "refusing to write the entry: %s (rule %s)",
			diag.message, diag.rule);
		free(*line);
		*line = NULL;
	}
	endorse_entry_clear(&parsed);
	return rc;
}

/* Without an explicit document, an endorsement is for the newest version
 * and a withdrawal ends the newest endorsement the organization holds. */
static int
choose_document(endorse_statement *st, const endorse_state *state)
{
	size_t n = endorse_state_document_count(state);
	const endorse_org *org;

	if (st->document != NULL || (st->type != ENDORSE_ENDORSE && st->type != ENDORSE_WITHDRAW))
		return 0;
	if (st->type == ENDORSE_ENDORSE) {
		st->document = strdup(endorse_state_document(state, n - 1)->sha256);
		return st->document ? 0 : endorse_fail(ENDORSE_ENOMEM, "out of memory");
	}
	org = endorse_state_find_org(state, st->org_id);
	for (size_t i = n; org != NULL && i-- > 0;) {
		for (size_t j = 0; j < org->endorsement_count; j++) {
			if (org->endorsements[j].document == i && org->endorsements[j].active) {
				st->document = strdup(endorse_state_document(state, i)->sha256);
				return st->document ? 0 : endorse_fail(ENDORSE_ENOMEM, "out of memory");
			}
		}
	}
	return endorse_fail(ENDORSE_EINVALID,
		"%s does not currently endorse any document in this log; nothing to withdraw",
		st->org_id);
}

/* One line saying what an entry does, for the commit that records it. Text
 * from the log is kept on one line and free of control characters. */
static void
describe(char *out, size_t size, const endorse_statement *st, const endorse_state *state)
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
		(void)snprintf(out, size, "endorse: %s endorses %s (%.8s)", st->org_id, title, st->document);
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

/* A write that changes a pin first writes the new pin beside it
 * (keys/orgs/ID.vkey.tmp-XXXXXXXXXXXX; the id and LF when the pin goes away),
 * then replaces the log, then the pin. A writer killed between the log and
 * the pin leaves the pin behind the log, and that file. The next writer,
 * under the log's lock, sets the pin of each organization so named to what
 * the log says, and removes the file. An id too long to name the file in
 * 255 bytes (endorse_temp_path) is read from the file: the vkey's name, or
 * the id. */
static int
finish_pin(const char *dir, const char *org_id)
{
	endorse_verify_options quiet = {0};
	endorse_state *state = NULL;
	char rel[300], text[ENDORSE_VKEY_MAX + 1], *path;
	uint64_t problems = 0;
	int rc = endorse_load_for_append(&state, dir, org_id, &quiet, &problems);

	if (rc == ENDORSE_EINVALID)
		rc = endorse_fail(rc, "the log's entries for %s break the rules (run endorse verify)",
			org_id);
	if (rc != 0)
		return endorse_fail_wrap(rc, "cannot finish the pin of %s, left behind the log by an "
			"interrupted write", org_id);
	(void)snprintf(rel, sizeof(rel), "%s/%s.vkey", ENDORSE_ORGS_DIR, org_id);
	if ((path = endorse_path_join(dir, rel)) == NULL)
		rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
	else if (pinned_key_text(text, state, org_id))
		rc = endorse_file_write_atomic(path, text, strlen(text), 0644, false);
	else
		rc = endorse_file_remove(path);
	free(path);
	endorse_state_free(state);
	return rc;
}

/* The organisation a pin file's record names: its new pin ("VKEY\n" of an
 * Ed25519 key named ID) or "ID\n" when the pin goes away. */
static bool
record_org(char org[ENDORSE_NAME_MAX + 1], const char *text, size_t len)
{
	endorse_vkey key;

	if (text[len - 1] != '\n' || len - 1 > ENDORSE_VKEY_MAX)
		return false;
	if (endorse_vkey_parse(&key, text, len - 1) == 0) {
		if (key.type != ENDORSE_KEY_ED25519 || strlen(key.name) > ENDORSE_NAME_MAX)
			return false;
		memcpy(org, key.name, strlen(key.name) + 1);
		return true;
	}
	if (len - 1 > ENDORSE_NAME_MAX)
		return false;
	memcpy(org, text, len - 1);
	org[len - 1] = '\0';
	return true;
}

bool
endorse_pin_temp_org(char org[ENDORSE_NAME_MAX + 1], const char *name, const char *text,
	size_t len)
{
	size_t name_len = strlen(name), prefix = name_len - 17;
	char base[ENDORSE_NAME_MAX + 8], hex[33];
	uint8_t digest[32];

	if (!endorse_is_temp_name(name) || memchr(text, '\0', len) != NULL)
		return false;
	if (len == 0) { /* earlier versions: named after its organisation */
		if (prefix < 5 || prefix - 5 > ENDORSE_NAME_MAX ||
		    memcmp(name + prefix - 5, ".vkey", 5) != 0)
			return false;
		memcpy(org, name, prefix - 5);
		org[prefix - 5] = '\0';
	} else if (!record_org(org, text, len)) {
		return false;
	}
	if (!endorse_name_is_org_id(org))
		return false;
	(void)snprintf(base, sizeof(base), "%s.vkey", org);
	if (prefix == strlen(base))
		return memcmp(name, base, prefix) == 0;
	crypto_hash_sha256(digest, (const uint8_t *)base, strlen(base));
	endorse_hex_encode(hex, digest, 16);
	return prefix == 32 && memcmp(name, hex, 32) == 0;
}

static int
finish_pins(const char *dir)
{
	char **names = NULL;
	DIR *d = NULL;
	struct dirent *e;
	size_t n = 0, cap = 0;
	int fd = -1, rc = endorse_dir_open(&fd, dir, ENDORSE_ORGS_DIR, false, 0);

	if (rc == ENDORSE_ENOTFOUND)
		return 0;
	if (rc != 0)
		return endorse_fail_wrap(rc, "refusing to write");
	/* keys/orgs as opened, never a path that a link could redirect */
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return endorse_fail(ENDORSE_EIO, "%s: %s", ENDORSE_ORGS_DIR, strerror(errno));
	}
	/* the names first: finishing a pin adds and removes files */
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (!endorse_is_temp_name(e->d_name))
			continue;
		if (n == cap) {
			char **grown = realloc(names, (cap = cap ? 2 * cap : 8) * sizeof(*names));
			if (grown == NULL) {
				rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
				break;
			}
			names = grown;
		}
		if ((names[n] = strdup(e->d_name)) == NULL)
			rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
		else
			n++;
	}
	for (size_t i = 0; i < n; i++) {
		char org[ENDORSE_NAME_MAX + 1], *text = NULL;
		size_t len = 0;

		if (rc == 0 && endorse_file_read_at(&text, &len, dirfd(d), names[i], names[i],
			ENDORSE_VKEY_MAX + 1) == 0 && endorse_pin_temp_org(org, names[i], text, len))
			rc = finish_pin(dir, org);
		if (rc == 0)
			(void)unlinkat(dirfd(d), names[i], 0);
		free(text);
		free(names[i]);
	}
	(void)closedir(d);
	free(names);
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
		rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
		goto out;
	}
	endorse_remove_temps_of(path); /* a writer killed while writing it */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		rc = endorse_fail(ENDORSE_EUSAGE, "%s is not a regular file", path);
		goto out;
	}
	rc = endorse_file_read(old, &old_len, path, ATTRIBUTES_MAX);
	if (rc == ENDORSE_ENOTFOUND)
		rc = 0;
	else if (rc == 0 && memchr(*old, '\0', old_len) != NULL)
		rc = endorse_fail(ENDORSE_EUSAGE, "%s holds a NUL byte: not a .gitattributes", path);
	if (rc != 0)
		goto out;
	if ((*text = malloc(old_len + sizeof(doc_line) + 64)) == NULL) {
		rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
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

/* Opens the git side of a write before anything is written, so that a write
 * that could not be committed is refused while nothing has changed. No
 * repository (or no work tree) means no commit. */
int
endorse_store_open_repo(endorse_repo **out, const char *dir, bool commit, const char *const *paths,
	size_t n, char completed[41])
{
	int rc;

	*out = NULL;
	completed[0] = '\0';
	if ((rc = endorse_check_dirs(dir)) != 0 || (rc = finish_pins(dir)) != 0 || !commit)
		return rc;
	rc = endorse_repo_open(out, dir);
	if (rc == ENDORSE_ENOTFOUND)
		return 0;
	if (rc == 0 && !endorse_repo_has_work_tree(*out)) {
		endorse_repo_free(*out);
		*out = NULL;
		return 0;
	}
	if (rc == 0 && ((rc = endorse_repo_check_author(*out)) != 0 ||
			(rc = endorse_repo_check_unlocked(*out)) != 0 ||
			(rc = endorse_repo_recover(*out, completed)) != 0 ||
			(rc = endorse_repo_check_clean(*out, paths, n)) != 0)) {
		endorse_repo_free(*out);
		*out = NULL;
	}
	return rc;
}

/* Puts back the old log (from its hard-linked backup) and the old pin;
 * false if either could not be put back. */
static bool
roll_back(const char *log_path, const char *backup, const char *vkey_path, const char *old_vkey)
{
	bool ok = backup == NULL || rename(backup, log_path) == 0;

	if (vkey_path != NULL) {
		if (old_vkey != NULL)
			ok = endorse_file_write_atomic(vkey_path, old_vkey, strlen(old_vkey), 0644,
				false) == 0 && ok;
		else
			ok = (unlink(vkey_path) == 0 || errno == ENOENT) && ok;
	}
	return endorse_fsync_dir(log_path) == 0 && ok;
}

int
endorse_append_statement(const endorse_append_request *req, const endorse_verify_options *opt,
	endorse_write_result *res)
{
	endorse_state *state = NULL;
	endorse_statement *st = req->statement;
	endorse_repo *repo = NULL;
	endorse_pending pending;
	char *line = NULL, *log_path = NULL, *tmp = NULL, *backup = NULL, *vkey_path = NULL;
	char *pin_tmp = NULL, *attr = NULL;
	char *old_vkey = NULL, vkey_rel[300], vkey_text[ENDORSE_VKEY_MAX + 1] = "", message[512];
	const char *paths[2] = {ENDORSE_LOG_PATH, vkey_rel}, *attr_rel = ATTRIBUTES_PATH;
	const char *second = vkey_text; /* the second file's new text: the pin or .gitattributes */
	struct endorse_change changes[2];
	size_t len = 0, old_len = 0, n = st->org_id != NULL ? 2 : 1, second_len = 0;
	uint64_t problems = 0, seq = 0;
	int lock = -1, rc;
	bool pin = false, prepared = false, moved = false;

	*res = (endorse_write_result){0};
	vkey_rel[0] = '\0';
	if (st->org_id != NULL)
		(void)snprintf(vkey_rel, sizeof(vkey_rel), "%s/%s.vkey", ENDORSE_ORGS_DIR, st->org_id);
	if ((rc = endorse_lock_log(&lock, req->dir)) != 0 ||
	    (rc = endorse_store_open_repo(&repo, req->dir, req->commit, paths, n,
		     res->completed_hex)) != 0)
		goto out;
	/* Only what the new entry's rules need, trusted: a million-line log is
	 * not verified again at every append (CI verifies every push). */
	rc = endorse_load_for_append(&state, req->dir, st->org_id, opt, &problems);
	if (rc == ENDORSE_EINVALID) {
		rc = endorse_fail(rc, "the log's entries for %s and its documents break the rules "
			"(%llu problem%s; run endorse verify); refusing to append to it",
			st->org_id != NULL ? st->org_id : "this write", (unsigned long long)problems,
			problems == 1 ? "" : "s");
		goto out;
	}
	seq = state != NULL ? endorse_state_size(state) : 0;
	if (rc != 0 || (rc = choose_document(st, state)) != 0 ||
	    (rc = make_line(&line, &len, state, req)) != 0)
		goto out;
	if (st->org_id != NULL) {
		int orgs = -1;
		vkey_path = endorse_path_join(req->dir, vkey_rel);
		rc = vkey_path == NULL ? endorse_fail(ENDORSE_ENOMEM, "out of memory")
			: endorse_dir_open(&orgs, req->dir, ENDORSE_ORGS_DIR, true, 0755);
		if (orgs >= 0)
			close(orgs);
		if (rc != 0)
			goto out;
		pin = pinned_key_text(vkey_text, state, st->org_id);
		second_len = strlen(vkey_text);
		if (endorse_file_read(&old_vkey, &old_len, vkey_path, ENDORSE_VKEY_MAX + 1) != 0)
			old_vkey = NULL; /* absent (the log verified, so nothing else) */
	} else if (st->type == ENDORSE_DOCUMENT) {
		/* the second file is .gitattributes, when a line is missing */
		if ((rc = attributes_update(&attr, &second_len, &old_vkey, req->dir,
			     req->document_file)) != 0 ||
		    (attr != NULL && repo != NULL && (rc = endorse_repo_check_clean(repo, &attr_rel,
			1)) != 0))
			goto out;
		if (attr != NULL) {
			(void)snprintf(vkey_rel, sizeof(vkey_rel), "%s", ATTRIBUTES_PATH);
			if ((vkey_path = endorse_path_join(req->dir, ATTRIBUTES_PATH)) == NULL) {
				rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
				goto out;
			}
			second = attr;
			pin = true;
			n = 2;
		}
	}
	if ((log_path = endorse_path_join(req->dir, ENDORSE_LOG_PATH)) == NULL ||
	    (backup = endorse_temp_path(log_path)) == NULL) {
		rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
		goto out;
	}
	if (vkey_path != NULL && !pin)
		(void)snprintf(vkey_text, sizeof(vkey_text), "%s\n", st->org_id); /* the record only */
	if ((rc = write_new_log(&tmp, log_path, line, len)) != 0 ||
	    (vkey_path != NULL && (rc = endorse_file_write_temp(&pin_tmp, vkey_path, second,
		pin ? second_len : strlen(vkey_text), 0644)) != 0))
		goto out;
	describe(message, sizeof(message), st, state);
	changes[0] = (struct endorse_change){ENDORSE_LOG_PATH, NULL, 0, tmp};
	changes[1] = (struct endorse_change){vkey_rel, pin ? second : NULL, second_len, NULL};
	/* The commit is made before any file changes, so that a commit that
	 * cannot be made leaves everything as it was. */
	if (repo != NULL && (rc = endorse_repo_prepare(repo, changes, n, message, &pending)) != 0)
		goto out;
	prepared = repo != NULL;
	if (link(log_path, backup) != 0) {
		rc = endorse_fail(ENDORSE_EIO, "cannot keep a backup of %s: %s", log_path, strerror(errno));
		free(backup);
		backup = NULL;
		goto out;
	}
	if (rename(tmp, log_path) != 0) {
		rc = endorse_fail(ENDORSE_EIO, "cannot replace %s: %s", log_path, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	if ((rc = endorse_fsync_dir(log_path)) == 0 && vkey_path != NULL) {
		if (!pin)
			rc = endorse_file_remove(vkey_path);
		else if (rename(pin_tmp, vkey_path) != 0)
			rc = endorse_fail(ENDORSE_EIO, "cannot replace %s: %s", vkey_path, strerror(errno));
		else
			rc = endorse_fsync_dir(vkey_path);
	}
	if (rc == 0 && repo != NULL)
		rc = endorse_repo_publish(repo, &pending, &moved);
	if (rc != 0 && !moved) {
		if (roll_back(log_path, backup, vkey_path, old_vkey))
			rc = endorse_fail_wrap(rc, "nothing was written");
		else if (backup != NULL && access(backup, F_OK) == 0)
			rc = endorse_fail_wrap(rc, "and the old files could not be put back: the old "
				"log is kept as %s; move it back to %s (and restore keys/orgs/ from git "
				"or a copy) before the next write", backup, log_path);
		else
			rc = endorse_fail_wrap(rc, "and the old files could not all be put back: "
				"compare keys/orgs/ with git or a copy before the next write");
		free(backup);
		backup = NULL;
		goto out;
	}
	if (moved)
		(void)snprintf(res->commit_hex, sizeof(res->commit_hex), "%s", pending.commit.hex);
	res->seq = seq;
out:
	if (prepared && !moved)
		endorse_repo_abandon(repo); /* the files are as they were */
	if (tmp != NULL)
		unlink(tmp);
	if (pin_tmp != NULL)
		unlink(pin_tmp); /* gone already when it became the pin */
	if (backup != NULL)
		unlink(backup);
	free(tmp);
	free(pin_tmp);
	free(attr);
	free(backup);
	free(line);
	free(log_path);
	free(vkey_path);
	free(old_vkey);
	endorse_state_free(state);
	endorse_repo_free(repo);
	endorse_unlock_log(lock);
	return rc;
}

int
endorse_check_dirs(const char *dir)
{
	static const char *const rels[] = {"keys", ENDORSE_ORGS_DIR, "log"};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(rels) / sizeof(rels[0]); i++)
		rc = endorse_dir_check(dir, rels[i]);
	return rc != 0 ? endorse_fail_wrap(rc, "refusing to write") : 0;
}

static int
make_dir(const char *dir, const char *rel)
{
	int fd = -1, rc = endorse_dir_open(&fd, dir, rel, true, 0755);

	if (fd >= 0)
		close(fd);
	return rc;
}

int
endorse_log_create(const endorse_append_request *req, endorse_write_result *res)
{
	endorse_state *state = NULL;
	endorse_repo *repo = NULL;
	const endorse_secret_key *log_key = req->key;
	const char *paths[2] = {ENDORSE_LOG_PATH, ENDORSE_POLICY_PATH}, *attr_rel = ATTRIBUTES_PATH;
	struct endorse_change changes[3];
	char *policy = NULL, *policy_path = NULL, *log_path = NULL, *line = NULL;
	char message[640], title[256], *attr = NULL, *old_attr = NULL, *attr_path = NULL;
	endorse_pending pending;
	size_t len = 0, attr_len = 0, n = 2;
	int rc = 0;
	bool prepared = false, moved = false;

	*res = (endorse_write_result){0};
	if (endorse_secret_key_vkey(log_key)->type != ENDORSE_KEY_ED25519)
		return endorse_fail(ENDORSE_EUSAGE, "a log key must be an Ed25519 key, not a witness key");
	if (!(policy_path = endorse_path_join(req->dir, ENDORSE_POLICY_PATH)) ||
	    !(log_path = endorse_path_join(req->dir, ENDORSE_LOG_PATH)) ||
	    !(state = endorse_state_new()) ||
	    !(attr_path = endorse_path_join(req->dir, ATTRIBUTES_PATH))) {
		rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = endorse_check_dirs(req->dir)) != 0)
		goto out;
	if (access(policy_path, F_OK) == 0 || access(log_path, F_OK) == 0) {
		rc = endorse_fail(ENDORSE_EEXISTS, "%s already holds a log (keys/policy or %s exists)",
			req->dir, ENDORSE_LOG_PATH);
		goto out;
	}
	if ((rc = endorse_store_open_repo(&repo, req->dir, req->commit, paths, 2,
		     res->completed_hex)) != 0)
		goto out;
	if ((rc = attributes_update(&attr, &attr_len, &old_attr, req->dir, req->document_file)) != 0 ||
	    (attr != NULL && repo != NULL && (rc = endorse_repo_check_clean(repo, &attr_rel, 1)) != 0))
		goto out;
	endorse_state_set_policy(state, endorse_secret_key_vkey(log_key));
	if ((rc = make_line(&line, &len, state, req)) != 0 ||
	    (rc = endorse_policy_format_new(&policy, endorse_secret_key_vkey(log_key))) != 0 ||
	    (rc = make_dir(req->dir, "keys")) != 0 || (rc = make_dir(req->dir, "log")) != 0)
		goto out;
	line[len] = '\n'; /* json_dumps' NUL becomes the line's LF */
	describe(title, sizeof(title), req->statement, state);
	(void)snprintf(message, sizeof(message), "endorse: create the log %s and %s",
		endorse_secret_key_vkey(log_key)->name, title + strlen("endorse: "));
	/* in the order written: the log is the write's commit point */
	changes[0] = (struct endorse_change){ENDORSE_LOG_PATH, line, len + 1, NULL};
	changes[1] = (struct endorse_change){ENDORSE_POLICY_PATH, policy, strlen(policy), NULL};
	if (attr != NULL)
		changes[n++] = (struct endorse_change){ATTRIBUTES_PATH, attr, attr_len, NULL};
	if (repo != NULL && (rc = endorse_repo_prepare(repo, changes, n, message, &pending)) != 0)
		goto out;
	prepared = repo != NULL;
	if ((rc = endorse_file_write_atomic(log_path, line, len + 1, 0644, true)) != 0)
		goto out;
	if ((rc = endorse_file_write_atomic(policy_path, policy, strlen(policy), 0644, true)) != 0) {
		unlink(log_path);
		goto out;
	}
	if (attr != NULL &&
	    (rc = endorse_file_write_atomic(attr_path, attr, attr_len, 0644, false)) != 0) {
		unlink(log_path);
		unlink(policy_path);
		goto out;
	}
	if (repo != NULL && (rc = endorse_repo_publish(repo, &pending, &moved)) != 0 && !moved) {
		bool undone = unlink(log_path) == 0 && unlink(policy_path) == 0 &&
			(attr == NULL || (old_attr != NULL ? endorse_file_write_atomic(attr_path,
				old_attr, strlen(old_attr), 0644, false) : endorse_file_remove(attr_path)) == 0);

		rc = endorse_fail_wrap(rc, undone ? "nothing was written" : "and the files could not "
			"all be put back: remove keys/policy and log/, and compare .gitattributes with "
			"git, before trying again");
	} else if (moved) {
		(void)snprintf(res->commit_hex, sizeof(res->commit_hex), "%s", pending.commit.hex);
	}
out:
	if (prepared && !moved)
		endorse_repo_abandon(repo);
	endorse_state_free(state);
	endorse_repo_free(repo);
	free(policy);
	free(policy_path);
	free(log_path);
	free(line);
	free(attr);
	free(old_attr);
	free(attr_path);
	return rc;
}

int
endorse_store_replace_file(const endorse_repo *repo, const char *dir, const char *rel,
	const char *data, size_t len, const char *message, char commit_hex[41])
{
	char *path = endorse_path_join(dir, rel), *old = NULL;
	struct endorse_change change = {rel, data, len, NULL};
	endorse_pending pending;
	size_t old_len = 0;
	bool prepared = false, moved = false;
	int rc;

	commit_hex[0] = '\0';
	if (path == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	rc = endorse_file_read(&old, &old_len, path, ENDORSE_NOTE_MAX);
	if (rc != 0 && rc != ENDORSE_ENOTFOUND)
		goto out;
	/* As for appends: the commit first, so that one that cannot be made
	 * leaves the file as it was. */
	if (repo != NULL && (rc = endorse_repo_prepare(repo, &change, 1, message, &pending)) != 0)
		goto out;
	prepared = repo != NULL;
	if ((rc = endorse_file_write_atomic(path, data, len, 0644, false)) != 0)
		goto out;
	if (repo != NULL && (rc = endorse_repo_publish(repo, &pending, &moved)) != 0 && !moved) {
		if (old != NULL)
			endorse_file_write_atomic(path, old, old_len, 0644, false);
		else
			unlink(path);
		rc = endorse_fail_wrap(rc, "nothing was written");
		goto out;
	}
	if (moved)
		(void)snprintf(commit_hex, 41, "%s", pending.commit.hex);
out:
	if (prepared && !moved)
		endorse_repo_abandon(repo);
	free(old);
	free(path);
	return rc;
}
