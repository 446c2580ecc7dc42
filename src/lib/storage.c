/* The storage transaction (storage.h) and its plain-directory side: the
 * temporary files, the commit point, the roll back, and the pins a killed
 * writer left behind. The git side is storage_git.c. */
#define _GNU_SOURCE /* copy_file_range */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "array.h"
#include "encoding.h"
#include "error.h"
#include "file.h"
#include "repo.h"
#include "repo_git.h"
#include "storage.h"
#include "storage_git.h"

struct put {
	char *rel, *path;
	char *data;   /* the new content (NULL: removed, or an append's temp) */
	size_t len;
	char *temp;   /* the new content (or the removal's record) beside path */
	char *backup; /* the old file, hard-linked, once it is about to change */
	bool append, remove, existed, applied;
};

struct endorse_storage {
	char *dir;
	enum endorse_storage_mode mode;
	int lock;
	endorse_repo *repo; /* NULL: a plain directory (or --no-commit) */
	struct put *puts;
	size_t n, cap;
	endorse_git_pending pending;
	bool prepared, moved;
	bool keep_backups; /* not put back: the old files stay for the operator */
	const char *bridge; /* rechain: the message of a bridge commit, or NULL */
};

/* ---- what a killed writer left in keys/orgs ---- */

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

/* The temporary files of keys/orgs, by name (finishing a pin adds and
 * removes files, so the names come first). */
static int
temp_names(char ***names, size_t *n, DIR *d)
{
	struct dirent *e;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	while ((e = readdir(d)) != NULL) {
		char **grown;

		if (!endorse_is_temp_name(e->d_name))
			continue;
		if ((grown = endorse_array_reserve(*names, &cap, *n + 1, sizeof(**names))) == NULL)
			return ENDORSE_ENOMEM;
		*names = grown;
		if (((*names)[*n] = strdup(e->d_name)) == NULL)
			return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		(*n)++;
	}
	return 0;
}

static int
finish_pin_records(const char *dir, int (*finish_pin)(const char *dir, const char *org_id))
{
	char **names = NULL;
	DIR *d = NULL;
	size_t n = 0;
	int fd = -1, rc = endorse_dir_open(&fd, dir, ENDORSE_ORGS_DIR, false, 0);

	if (rc == ENDORSE_ENOTFOUND)
		return 0;
	if (rc != 0)
		return endorse_error_wrap(rc, "refusing to write");
	/* keys/orgs as opened, never a path that a link could redirect */
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return endorse_error_set(ENDORSE_EIO, NULL,
			"%s: %s", ENDORSE_ORGS_DIR, strerror(errno));
	}
	rc = temp_names(&names, &n, d);
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

/* ---- begin and end ---- */

int
endorse_check_dirs(const char *dir)
{
	static const char *const rels[] = {"keys", ENDORSE_ORGS_DIR, "log"};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(rels) / sizeof(rels[0]); i++)
		rc = endorse_dir_check(dir, rels[i]);
	return rc != 0 ? endorse_error_wrap(rc, "refusing to write") : 0;
}

/* The git side of begin: a write that could not be committed is refused
 * while nothing has changed. No repository (or no work tree) means no
 * commit, except for rechain. */
static int
begin_git(endorse_storage *s, const struct endorse_storage_options *opt, char completed[41])
{
	bool rebase = opt->mode == ENDORSE_STORAGE_REBASE;
	int rc = endorse_repo_open(&s->repo, opt->dir);

	if (rc == ENDORSE_ENOTFOUND && !rebase)
		return 0;
	if (rc == 0 && !endorse_repo_has_work_tree(s->repo)) {
		endorse_repo_free(s->repo);
		s->repo = NULL;
		return rebase ? endorse_error_set(ENDORSE_EUSAGE, NULL,
			"rechain needs a git work tree") : 0;
	}
	if (rc == 0 && ((rc = endorse_git_check_author(s->repo)) != 0 ||
			(rc = endorse_git_check_unlocked(s->repo)) != 0))
		return rc;
	if (rc != 0 || rebase)
		return rc != 0 ? rc : endorse_git_check_clean_all(s->repo);
	if ((rc = endorse_git_recover(s->repo, completed)) != 0 ||
	    (rc = endorse_git_check_clean(s->repo, opt->paths, opt->n)) != 0)
		return rc;
	return 0;
}

int
endorse_storage_check_commit(const char *dir)
{
	endorse_repo *repo = NULL;
	int rc = endorse_repo_open(&repo, dir);

	if (rc == 0 && endorse_repo_has_work_tree(repo))
		rc = endorse_git_check_author(repo);
	endorse_repo_free(repo);
	return rc == ENDORSE_ENOTFOUND ? 0 : rc;
}

int
endorse_storage_begin(endorse_storage **out, const struct endorse_storage_options *opt,
	char completed[41])
{
	endorse_storage *s = calloc(1, sizeof(*s));
	int rc = 0;

	*out = NULL;
	completed[0] = '\0';
	if (s == NULL || (s->dir = strdup(opt->dir)) == NULL) {
		free(s);
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	}
	s->mode = opt->mode;
	s->lock = -1;
	if (opt->mode != ENDORSE_STORAGE_CREATE && (rc = endorse_lock_log(&s->lock, opt->dir)) != 0)
		goto out;
	if ((rc = endorse_check_dirs(opt->dir)) != 0)
		goto out;
	if (opt->mode != ENDORSE_STORAGE_REBASE && (rc = finish_pin_records(opt->dir, opt->finish_pin)) != 0)
		goto out;
	if (opt->commit || opt->mode == ENDORSE_STORAGE_REBASE)
		rc = begin_git(s, opt, completed);
out:
	if (rc != 0) {
		endorse_storage_end(s);
		return rc;
	}
	*out = s;
	return 0;
}

void
endorse_storage_end(endorse_storage *s)
{
	if (s == NULL)
		return;
	if (s->prepared && !s->moved)
		endorse_git_forget(s->repo); /* the files are as they were */
	for (size_t i = 0; i < s->n; i++) {
		struct put *p = &s->puts[i];

		if (p->temp != NULL)
			(void)unlink(p->temp); /* gone already when it became the file */
		if (p->backup != NULL && !s->keep_backups)
			(void)unlink(p->backup);
		free(p->rel);
		free(p->path);
		free(p->data);
		free(p->temp);
		free(p->backup);
	}
	free(s->puts);
	endorse_repo_free(s->repo);
	endorse_unlock_log(s->lock);
	free(s->dir);
	free(s);
}

const endorse_repo *
endorse_storage_repo(const endorse_storage *s)
{
	return s->repo;
}

int
endorse_storage_check_clean(const endorse_storage *s, const char *rel)
{
	return s->repo != NULL ? endorse_git_check_clean(s->repo, &rel, 1) : 0;
}

int
endorse_storage_read(char **data, size_t *len, const endorse_storage *s,
	const endorse_commit_id *at, const char *rel, size_t max)
{
	endorse_blob blob;
	char *path;
	int rc;

	*data = NULL;
	*len = 0;
	if (at == NULL) {
		if ((path = endorse_path_join(s->dir, rel)) == NULL)
			return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		rc = endorse_file_read(data, len, path, max);
		free(path);
		return rc;
	}
	if (s->repo == NULL)
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"no git repository to read %s from", rel);
	if ((rc = endorse_repo_read(s->repo, at, rel, &blob)) != 0)
		return rc;
	if (blob.kind != ENDORSE_BLOB_FILE)
		rc = ENDORSE_ENOTFOUND;
	else if ((*data = malloc(blob.len + 1)) == NULL)
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	else {
		memcpy(*data, blob.data, blob.len);
		(*data)[blob.len] = '\0';
		*len = blob.len;
	}
	endorse_blob_clear(&blob);
	return rc;
}

/* ---- put: the new contents beside their files ---- */

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

/* Writes the file at path + line + LF to a temporary file beside it. */
static int
write_appended(char **tmp_out, const char *path, const char *line, size_t len)
{
	char *tmp = endorse_temp_path(path);
	int from = -1, to = -1, rc = 0;

	*tmp_out = NULL;
	if (tmp == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	from = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	to = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (from < 0 || to < 0 || copy_file(to, from) != 0 || endorse_write_all(to, line, len) != 0 ||
	    endorse_write_all(to, "\n", 1) != 0 || fsync(to) != 0)
		rc = endorse_error_set(ENDORSE_EIO, NULL,
			"cannot write the new log %s: %s", tmp, strerror(errno));
	if (to >= 0 && close(to) != 0 && rc == 0)
		rc = endorse_error_set(ENDORSE_EIO, NULL,
			"cannot write the new log %s: %s", tmp, strerror(errno));
	if (from >= 0)
		close(from);
	if (rc != 0) {
		unlink(tmp);
		free(tmp);
		return rc;
	}
	*tmp_out = tmp;
	return 0;
}

static struct put *
add_put(endorse_storage *s, const char *rel)
{
	struct put *grown = endorse_array_reserve(s->puts, &s->cap, s->n + 1, sizeof(*s->puts));
	struct put *p;

	if (grown == NULL)
		return NULL;
	s->puts = grown;
	p = memset(&s->puts[s->n], 0, sizeof(*p));
	if ((p->rel = strdup(rel)) == NULL || (p->path = endorse_path_join(s->dir, rel)) == NULL) {
		free(p->rel);
		(void)endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		return NULL;
	}
	s->n++;
	return p;
}

int
endorse_storage_put(endorse_storage *s, const char *rel, const char *data, size_t len)
{
	struct put *p = add_put(s, rel);

	if (p == NULL)
		return ENDORSE_ENOMEM;
	if ((p->data = malloc(len + 1)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	memcpy(p->data, data, len);
	p->len = len;
	if (s->mode == ENDORSE_STORAGE_REBASE)
		return 0; /* git checks the commit out */
	/* init has no log to lock yet: a temporary file of its target can only
	 * be that of an init killed before its commit point (init refuses
	 * where the log is), removed as the lock's holder removes a killed
	 * writer's. (Two inits racing in one directory: one finds the other's
	 * log, or fails and leaves nothing.) */
	if (s->mode == ENDORSE_STORAGE_CREATE)
		endorse_remove_temps_of(p->path);
	return endorse_file_write_temp(&p->temp, p->path, data, len, 0644);
}

int
endorse_storage_append(endorse_storage *s, const char *rel, const char *line, size_t len)
{
	struct put *p = add_put(s, rel);

	if (p == NULL)
		return ENDORSE_ENOMEM;
	p->append = true;
	return write_appended(&p->temp, p->path, line, len);
}

int
endorse_storage_remove(endorse_storage *s, const char *rel, const char *record, size_t len)
{
	struct put *p = add_put(s, rel);

	if (p == NULL)
		return ENDORSE_ENOMEM;
	p->remove = true;
	if (s->mode == ENDORSE_STORAGE_REBASE)
		return 0;
	return endorse_file_write_temp(&p->temp, p->path, record, len, 0644);
}

/* ---- commit: the commit point, publication, roll back ---- */

/* Replaces one file by its new content, keeping the old one linked. */
static int
apply(struct put *p)
{
	p->existed = access(p->path, F_OK) == 0;
	if (p->existed && ((p->backup = endorse_temp_path(p->path)) == NULL ||
			   link(p->path, p->backup) != 0)) {
		int rc = p->backup == NULL ? endorse_error_set(ENDORSE_ENOMEM, NULL,
			"out of memory")
			: endorse_error_set(ENDORSE_EIO, NULL,
				"cannot keep a backup of %s: %s", p->path,
				strerror(errno));
		free(p->backup);
		p->backup = NULL;
		return rc;
	}
	if (p->remove) {
		p->applied = true;
		return endorse_file_remove(p->path);
	}
	if (!p->existed && link(p->temp, p->path) != 0)
		/* link() never replaces a file made meanwhile, unlike rename() */
		return errno == EEXIST ? endorse_error_set(ENDORSE_EEXISTS, NULL,
			"%s: already exists", p->path)
			: endorse_error_set(ENDORSE_EIO, NULL,
				"%s: cannot create: %s", p->path, strerror(errno));
	if (!p->existed)
		(void)unlink(p->temp); /* now the file's second name: nothing undo needs */
	if (p->existed && rename(p->temp, p->path) != 0)
		return endorse_error_set(ENDORSE_EIO, NULL,
			"cannot replace %s: %s", p->path, strerror(errno));
	p->applied = true;
	free(p->temp);
	p->temp = NULL;
	return endorse_fsync_dir(p->path);
}

/* Removes the old files' links of a write done. */
static void
remove_backups(endorse_storage *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct put *p = &s->puts[i];

		if (p->backup != NULL)
			(void)unlink(p->backup);
		free(p->backup);
		p->backup = NULL;
	}
}

/* Puts back every file as it was; false if one could not be. */
static bool
undo(endorse_storage *s)
{
	bool ok = true;

	for (size_t i = s->n; i-- > 0;) {
		struct put *p = &s->puts[i];

		if (p->backup != NULL && p->applied) {
			if (rename(p->backup, p->path) == 0) {
				free(p->backup);
				p->backup = NULL;
			} else {
				ok = false;
			}
		} else if (p->applied) {
			ok = (unlink(p->path) == 0 || errno == ENOENT) && ok;
		}
		if (p->applied)
			ok = endorse_fsync_dir(p->path) == 0 && ok;
	}
	return ok;
}

static void
git_changes(struct endorse_git_change *out, const endorse_storage *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct put *p = &s->puts[i];

		out[i] = (struct endorse_git_change){p->rel, p->data, p->len,
			p->append ? p->temp : NULL};
	}
}

static int
commit_onto(endorse_storage *s, const char *message, const endorse_commit_id *onto,
	char commit_hex[41])
{
	struct endorse_git_change *changes = calloc(s->n + 1, sizeof(*changes));
	endorse_commit_id made;
	int rc;

	if (changes == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	git_changes(changes, s);
	rc = endorse_git_commit_onto(s->repo, changes, s->n, onto, message, s->bridge, &made);
	if (rc == 0)
		(void)snprintf(commit_hex, 41, "%s", made.hex);
	free(changes);
	return rc;
}

void
endorse_storage_set_bridge(endorse_storage *s, const char *message)
{
	s->bridge = message;
}

int
endorse_storage_commit(endorse_storage *s, const char *message, const endorse_commit_id *onto,
	enum endorse_storage_undo *undone, char commit_hex[41])
{
	struct endorse_git_change changes[ENDORSE_PENDING_PATHS];
	bool changed = false;
	int rc = 0;

	*undone = ENDORSE_STORAGE_KEPT;
	commit_hex[0] = '\0';
	if (s->mode == ENDORSE_STORAGE_REBASE)
		return commit_onto(s, message, onto, commit_hex);
	if (s->repo != NULL) {
		if (s->n > ENDORSE_PENDING_PATHS)
			return endorse_error_set(ENDORSE_EUSAGE, NULL,
				"a write changes 1 to %d files",
				ENDORSE_PENDING_PATHS);
		git_changes(changes, s);
		if ((rc = endorse_git_prepare(s->repo, changes, s->n, message, &s->pending)) != 0)
			return rc;
		s->prepared = true;
	}
	for (size_t i = 0; rc == 0 && i < s->n; i++) {
		rc = apply(&s->puts[i]);
		changed = changed || s->puts[i].applied;
	}
	if (rc == 0 && s->repo != NULL && (rc = endorse_git_publish(s->repo, &s->pending,
		&s->moved)) == 0) {
		remove_backups(s); /* before the record: see endorse_git_publish */
		endorse_git_forget(s->repo);
	}
	if (s->moved)
		(void)snprintf(commit_hex, 41, "%s", s->pending.commit.hex);
	if (rc != 0 && !s->moved && changed) {
		s->keep_backups = !undo(s);
		*undone = s->keep_backups ? ENDORSE_STORAGE_NOT_UNDONE : ENDORSE_STORAGE_UNDONE;
	}
	return rc;
}

const char *
endorse_storage_backup(const endorse_storage *s)
{
	const struct put *p = s->n > 0 ? &s->puts[0] : NULL;

	return p != NULL && p->backup != NULL && access(p->backup, F_OK) == 0 ? p->backup : NULL;
}
