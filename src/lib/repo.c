/* The log kept in git: reads commits, trees and blobs from the object
 * database (never the work tree, for verification). With storage_git.c
 * (writing: one commit per write) the only users of libgit2. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <git2.h>
#include <sodium.h>

#include "array.h"
#include "encoding.h"
#include "error.h"
#include "pins.h"
#include "repo.h"
#include "repo_git.h"

int
endorse_git_fail(int code, const char *what)
{
	const git_error *e = git_error_last();

	return endorse_error_set(code, NULL,
		"%s: %s", what, e != NULL && e->message ? e->message : "git error");
}

/* Opens the repository as git would from dir: GIT_DIR names the git
 * directory (no search), GIT_WORK_TREE the work tree; with GIT_DIR but
 * neither GIT_WORK_TREE nor core.worktree, the current directory is the top
 * of the work tree (unless core.bare). libgit2 reads neither by itself. */
static int
open_git(git_repository **out, const char *dir)
{
	const char *git_dir = getenv("GIT_DIR"), *work_tree = getenv("GIT_WORK_TREE");
	git_config *cfg = NULL;
	git_buf configured = GIT_BUF_INIT;
	char cwd[PATH_MAX];
	int rc, bare = 0;

	if (git_dir != NULL && git_dir[0] == '\0')
		git_dir = NULL;
	if (work_tree != NULL && work_tree[0] == '\0')
		work_tree = NULL;
	rc = git_dir != NULL ? git_repository_open_ext(out, git_dir, GIT_REPOSITORY_OPEN_NO_SEARCH |
		GIT_REPOSITORY_OPEN_NO_DOTGIT, NULL) : git_repository_open_ext(out, dir, 0, NULL);
	if (rc == GIT_ENOTFOUND && git_dir != NULL)
		rc = GIT_ERROR; /* not "no repository": a write would make no commit */
	if (rc != 0 || (git_dir == NULL && work_tree == NULL))
		return rc;
	if (work_tree == NULL) {
		/* core.worktree or core.bare: libgit2 applied it */
		bool configured_work_tree = git_repository_config_snapshot(&cfg, *out) == 0 &&
			(git_config_get_string_buf(&configured, cfg, "core.worktree") == 0 ||
			 (git_config_get_bool(&bare, cfg, "core.bare") == 0 && bare));
		if (cfg == NULL || (!configured_work_tree && getcwd(cwd, sizeof(cwd)) == NULL))
			rc = -1;
		else if (!configured_work_tree)
			work_tree = cwd;
		git_error_clear();
	}
	if (rc == 0 && work_tree != NULL && git_repository_set_workdir(*out, work_tree, 0) != 0)
		rc = -1;
	git_buf_dispose(&configured);
	git_config_free(cfg);
	if (rc != 0) {
		git_repository_free(*out);
		*out = NULL;
	}
	return rc;
}

int
endorse_repo_open(endorse_repo **out, const char *dir)
{
	endorse_repo *r = NULL;
	char real_dir[PATH_MAX], real_top[PATH_MAX];
	const char *top;
	int rc;

	*out = NULL;
	git_libgit2_init();
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	rc = open_git(&r->git, dir);
	if (rc == GIT_ENOTFOUND) {
		free(r);
		return endorse_error_set(ENDORSE_ENOTFOUND, NULL,
			"%s is not in a git repository", dir);
	} else if (rc != 0) {
		free(r);
		return endorse_git_fail(ENDORSE_EIO, "cannot open the git repository");
	}
	top = git_repository_workdir(r->git);
	if (top == NULL) {
		r->prefix = strdup("");
	} else if (realpath(dir, real_dir) == NULL || realpath(top, real_top) == NULL) {
		endorse_repo_free(r);
		return endorse_error_set(ENDORSE_EIO, NULL, "cannot resolve %s", dir);
	} else {
		size_t n = strlen(real_top);
		const char *rest = strncmp(real_dir, real_top, n) == 0 ? real_dir + n : NULL;
		if (rest == NULL || (*rest != '\0' && *rest != '/')) {
			endorse_repo_free(r);
			return endorse_error_set(ENDORSE_EIO, NULL,
				"%s is not inside the work tree %s", dir, top);
		}
		while (*rest == '/')
			rest++;
		r->prefix = malloc(strlen(rest) + 2);
		if (r->prefix != NULL)
			(void)snprintf(r->prefix, strlen(rest) + 2, "%s%s", rest, *rest ? "/" : "");
	}
	if (r->prefix == NULL) {
		endorse_repo_free(r);
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	}
	*out = r;
	return 0;
}

void
endorse_repo_free(endorse_repo *r)
{
	if (r == NULL)
		return;
	git_repository_free(r->git);
	free(r->prefix);
	free(r);
}

bool
endorse_repo_has_work_tree(const endorse_repo *r)
{
	return git_repository_workdir(r->git) != NULL;
}

/* prefix + rel, malloc'd. */
char *
endorse_repo_path(const endorse_repo *r, const char *rel)
{
	size_t n = strlen(r->prefix) + strlen(rel) + 1;
	char *p = malloc(n);

	if (p != NULL)
		(void)snprintf(p, n, "%s%s", r->prefix, rel);
	return p;
}

int
endorse_repo_resolve(const endorse_repo *r, const char *rev, endorse_commit_id *out)
{
	git_object *obj = NULL, *commit = NULL;
	int rc = 0;

	if (git_revparse_single(&obj, r->git, rev) != 0 ||
	    git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) != 0) {
		rc = endorse_git_fail(ENDORSE_ENOTFOUND, rev);
	} else {
		memcpy(out->id, git_object_id(commit)->id, sizeof(out->id));
		git_oid_tostr(out->hex, sizeof(out->hex), git_object_id(commit));
	}
	git_object_free(commit);
	git_object_free(obj);
	return rc;
}

void
endorse_git_id(endorse_commit_id *out, const git_oid *oid)
{
	memcpy(out->id, oid->id, sizeof(out->id));
	git_oid_tostr(out->hex, sizeof(out->hex), oid);
}

int
endorse_git_lookup_commit(git_commit **out, const endorse_repo *r, const endorse_commit_id *id)
{
	git_oid oid;

	git_oid_fromraw(&oid, id->id);
	if (git_commit_lookup(out, r->git, &oid) != 0)
		return endorse_git_fail(ENDORSE_ENOTFOUND, id->hex);
	return 0;
}

int
endorse_repo_first_parents(const endorse_repo *r, const endorse_commit_id *tip,
	endorse_commit_id **out, size_t *count)
{
	git_commit *c = NULL, *parent = NULL;
	endorse_commit_id *ids = NULL;
	size_t n = 0, cap = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if (git_repository_is_shallow(r->git) == 1)
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"this is a shallow clone: its history is cut off, so "
			"it cannot be verified; run git fetch --unshallow (in CI: fetch-depth: 0)");
	if ((rc = endorse_git_lookup_commit(&c, r, tip)) != 0)
		return rc;
	while (c != NULL) {
		endorse_commit_id *grown = endorse_array_reserve(ids, &cap, n + 1, sizeof(*ids));
		if (grown == NULL) {
			rc = ENDORSE_ENOMEM;
			break;
		}
		ids = grown;
		endorse_git_id(&ids[n++], git_commit_id(c));
		parent = NULL;
		if (git_commit_parentcount(c) > 0 && git_commit_parent(&parent, c, 0) != 0) {
			rc = endorse_git_fail(ENDORSE_EIO, "cannot read a parent commit");
			break;
		}
		git_commit_free(c);
		c = parent;
	}
	git_commit_free(c);
	if (rc != 0) {
		free(ids);
		return rc;
	}
	for (size_t i = 0; i < n / 2; i++) {
		endorse_commit_id t = ids[i];
		ids[i] = ids[n - 1 - i];
		ids[n - 1 - i] = t;
	}
	*out = ids;
	*count = n;
	return 0;
}

int
endorse_repo_commit_author(const endorse_repo *r, const endorse_commit_id *id, char **author)
{
	git_commit *c = NULL;
	const git_signature *sig;
	size_t n;
	int rc = endorse_git_lookup_commit(&c, r, id);

	*author = NULL;
	if (rc != 0)
		return rc;
	sig = git_commit_author(c);
	n = strlen(sig->name) + strlen(sig->email) + 4;
	*author = malloc(n);
	if (*author != NULL)
		(void)snprintf(*author, n, "%s <%s>", sig->name, sig->email);
	git_commit_free(c);
	return *author != NULL ? 0 : endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
}

static int
commit_tree(git_tree **out, const endorse_repo *r, const endorse_commit_id *id)
{
	git_commit *c = NULL;
	int rc = endorse_git_lookup_commit(&c, r, id);

	if (rc == 0 && git_commit_tree(out, c) != 0)
		rc = endorse_git_fail(ENDORSE_EIO, "cannot read a commit's tree");
	git_commit_free(c);
	return rc;
}

static int read_entry(const endorse_repo *r, const endorse_commit_id *id, const char *rel,
	endorse_blob *out, bool content);

int
endorse_repo_read(const endorse_repo *r, const endorse_commit_id *id, const char *rel,
	endorse_blob *out)
{
	return read_entry(r, id, rel, out, true);
}

int
endorse_repo_peek(const endorse_repo *r, const endorse_commit_id *id, const char *rel,
	endorse_blob *out)
{
	return read_entry(r, id, rel, out, false);
}

static int
read_entry(const endorse_repo *r, const endorse_commit_id *id, const char *rel,
	endorse_blob *out, bool content)
{
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	char *path = endorse_repo_path(r, rel);
	int rc;

	memset(out, 0, sizeof(*out));
	if (path == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if ((rc = commit_tree(&tree, r, id)) != 0)
		goto out;
	if (git_tree_entry_bypath(&entry, tree, path) != 0) {
		out->kind = ENDORSE_BLOB_ABSENT;
		goto out;
	}
	memcpy(out->id, git_tree_entry_id(entry)->id, sizeof(out->id));
	if (git_tree_entry_filemode(entry) != GIT_FILEMODE_BLOB &&
	    git_tree_entry_filemode(entry) != GIT_FILEMODE_BLOB_EXECUTABLE) {
		out->kind = git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK ? ENDORSE_BLOB_LINK
			: ENDORSE_BLOB_OTHER;
		goto out;
	}
	out->executable = git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB_EXECUTABLE;
	if (!content) {
		out->kind = ENDORSE_BLOB_FILE;
		goto out;
	}
	if (git_blob_lookup(&blob, r->git, git_tree_entry_id(entry)) != 0) {
		rc = endorse_git_fail(ENDORSE_EIO, path);
		goto out;
	}
	out->len = (size_t)git_blob_rawsize(blob);
	out->data = git_blob_rawcontent(blob);
	out->object = blob;
	blob = NULL;
	out->kind = ENDORSE_BLOB_FILE;
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	free(path);
	return rc;
}

void
endorse_blob_clear(endorse_blob *b)
{
	git_blob_free(b->object);
	memset(b, 0, sizeof(*b));
}

bool
endorse_repo_blob_is(const endorse_repo *r, const uint8_t id[20], const char *data, size_t len)
{
	git_oid want, got;

	(void)r;
	git_oid_fromraw(&want, id);
	return git_odb_hash(&got, data, len, GIT_OBJECT_BLOB) == 0 && git_oid_equal(&got, &want);
}

bool
endorse_repo_blob_size(const endorse_repo *r, const endorse_commit_id *id, const char *rel,
	size_t *size, uint8_t blob_id[20])
{
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_odb *odb = NULL;
	git_object_t type;
	size_t n = 0;
	char *path = endorse_repo_path(r, rel);
	bool ok = false;

	if (path != NULL && commit_tree(&tree, r, id) == 0 &&
	    git_tree_entry_bypath(&entry, tree, path) == 0 &&
	    (git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB ||
	     git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB_EXECUTABLE) &&
	    git_repository_odb(&odb, r->git) == 0 &&
	    git_odb_read_header(&n, &type, odb, git_tree_entry_id(entry)) == 0) {
		*size = n;
		memcpy(blob_id, git_tree_entry_id(entry)->id, 20);
		ok = true;
	}
	git_odb_free(odb);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	free(path);
	return ok;
}

int
endorse_repo_read_orgs(const endorse_repo *r, const endorse_commit_id *id,
	struct endorse_pins *out)
{
	git_tree *tree = NULL, *orgs = NULL;
	git_tree_entry *entry = NULL;
	char *path = endorse_repo_path(r, ENDORSE_ORGS_DIR);
	int rc;

	*out = (struct endorse_pins){0};
	if (path == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if ((rc = commit_tree(&tree, r, id)) != 0 || git_tree_entry_bypath(&entry, tree, path) != 0)
		goto out;
	if (git_tree_entry_type(entry) != GIT_OBJECT_TREE) {
		rc = endorse_pins_add(out, "", "", 0, false);
		goto out;
	}
	if (git_tree_lookup(&orgs, r->git, git_tree_entry_id(entry)) != 0) {
		rc = endorse_git_fail(ENDORSE_EIO, path);
		goto out;
	}
	for (size_t i = 0; rc == 0 && i < git_tree_entrycount(orgs); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(orgs, i);
		git_blob *blob = NULL;
		/* an executable pin is read as one (its mode is a problem of its
		 * own: endorse_repo_each_executable) */
		bool regular = git_tree_entry_filemode(e) == GIT_FILEMODE_BLOB ||
			git_tree_entry_filemode(e) == GIT_FILEMODE_BLOB_EXECUTABLE;

		if (regular && git_blob_lookup(&blob, r->git, git_tree_entry_id(e)) != 0) {
			rc = endorse_git_fail(ENDORSE_EIO, git_tree_entry_name(e));
			break;
		}
		regular = regular && git_blob_rawsize(blob) <= ENDORSE_VKEY_MAX + 1;
		rc = endorse_pins_add(out, git_tree_entry_name(e),
			regular ? git_blob_rawcontent(blob) : "", regular ? (size_t)git_blob_rawsize(blob) : 0,
			regular);
		if (rc == 0)
			memcpy(out->files[out->count - 1].id, git_tree_entry_id(e)->id, 20);
		git_blob_free(blob);
	}
out:
	git_tree_free(orgs);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	free(path);
	return rc;
}

int
endorse_repo_each_executable(const endorse_repo *r, const endorse_commit_id *id,
	void (*fn)(void *ctx, const char *rel), void *ctx)
{
	git_tree *tree = NULL, *orgs = NULL;
	git_tree_entry *entry = NULL;
	char *log = endorse_repo_path(r, ENDORSE_LOG_PATH), *dir = endorse_repo_path(r, ENDORSE_ORGS_DIR);
	char rel[320];
	int rc;

	if (log == NULL || dir == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((rc = commit_tree(&tree, r, id)) != 0)
		goto out;
	if (git_tree_entry_bypath(&entry, tree, log) == 0 &&
	    git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB_EXECUTABLE)
		fn(ctx, ENDORSE_LOG_PATH);
	git_tree_entry_free(entry);
	entry = NULL;
	if (git_tree_entry_bypath(&entry, tree, dir) != 0 ||
	    git_tree_entry_type(entry) != GIT_OBJECT_TREE)
		goto out;
	if (git_tree_lookup(&orgs, r->git, git_tree_entry_id(entry)) != 0) {
		rc = endorse_git_fail(ENDORSE_EIO, dir);
		goto out;
	}
	for (size_t i = 0; i < git_tree_entrycount(orgs); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(orgs, i);

		if (git_tree_entry_filemode(e) != GIT_FILEMODE_BLOB_EXECUTABLE)
			continue;
		(void)snprintf(rel, sizeof(rel), "%s/%.260s", ENDORSE_ORGS_DIR, git_tree_entry_name(e));
		fn(ctx, rel);
	}
out:
	git_tree_free(orgs);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	free(log);
	free(dir);
	return rc;
}

int
endorse_repo_parents(const endorse_repo *r, const endorse_commit_id *id,
	endorse_commit_id **out, size_t *count)
{
	git_commit *c = NULL;
	size_t n;
	int rc = endorse_git_lookup_commit(&c, r, id);

	*out = NULL;
	*count = 0;
	if (rc != 0)
		return rc;
	n = git_commit_parentcount(c);
	if (n > 0 && (*out = calloc(n, sizeof(**out))) == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const git_oid *oid = git_commit_parent_id(c, (unsigned int)i);

		if (oid == NULL) {
			rc = endorse_git_fail(ENDORSE_EIO, "cannot read a parent commit");
			free(*out);
			*out = NULL;
			goto out;
		}
		endorse_git_id(&(*out)[i], oid);
	}
	*count = n;
out:
	git_commit_free(c);
	return rc;
}

int
endorse_repo_merge_base(const endorse_repo *r, const endorse_commit_id *a,
	const endorse_commit_id *b, endorse_commit_id *out)
{
	git_oid x, y, base;

	git_oid_fromraw(&x, a->id);
	git_oid_fromraw(&y, b->id);
	if (git_merge_base(&base, r->git, &x, &y) != 0)
		return endorse_git_fail(ENDORSE_ENOTFOUND, "no common ancestor");
	endorse_git_id(out, &base);
	return 0;
}

int
endorse_repo_only_log_changed(const endorse_repo *r, const endorse_commit_id *from,
	const endorse_commit_id *to, char **offender)
{
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	char *log = endorse_repo_path(r, ENDORSE_LOG_PATH), *orgs = endorse_repo_path(r, ENDORSE_ORGS_DIR "/");
	int rc;

	*offender = NULL;
	if (log == NULL || orgs == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((rc = commit_tree(&a, r, from)) != 0 || (rc = commit_tree(&b, r, to)) != 0)
		goto out;
	if (git_diff_tree_to_tree(&diff, r->git, a, b, NULL) != 0) {
		rc = endorse_git_fail(ENDORSE_EIO, "cannot compare trees");
		goto out;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->new_file.path ? d->new_file.path : d->old_file.path;
		if (strcmp(path, log) != 0 && strncmp(path, orgs, strlen(orgs)) != 0) {
			*offender = strdup(path);
			break;
		}
	}
out:
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	free(log);
	free(orgs);
	return rc;
}

/* ---- a registered document and the bytes other clones get ---- */

static void
sha256_hex(char out[65], const void *data, size_t len)
{
	uint8_t h[32];

	crypto_hash_sha256(h, data, len);
	endorse_hex_encode(out, h, sizeof(h));
}

/* An untracked file: whether what git add would store (the filters
 * applied) differs from its bytes raw. */
static int
added_differs(bool *differs, char other_sha256[65], git_repository *git, const char *rel,
	const char *file, const char *shown, const git_oid *raw)
{
	git_filter_list *filters = NULL;
	git_buf filtered = GIT_BUF_INIT;
	git_oid want;
	int rc = 0;

	if (git_filter_list_load(&filters, git, NULL, rel, GIT_FILTER_TO_ODB,
		    GIT_FILTER_DEFAULT) != 0 ||
	    (filters != NULL && git_filter_list_apply_to_file(&filtered, filters, git, file) != 0)) {
		rc = endorse_git_fail(ENDORSE_EIO, shown);
	} else if (filters != NULL && (git_odb_hash(&want, filtered.ptr, filtered.size,
			   GIT_OBJECT_BLOB) != 0 || !git_oid_equal(&want, raw))) {
		*differs = true;
		sha256_hex(other_sha256, filtered.ptr, filtered.size);
	}
	git_buf_dispose(&filtered);
	git_filter_list_free(filters);
	return rc;
}

int
endorse_repo_document_differs(const char *file, bool *differs, char other_sha256[65],
	const char **where)
{
	git_repository *git = NULL;
	git_object *head = NULL;
	git_tree_entry *entry = NULL;
	git_index *index = NULL;
	git_blob *blob = NULL;
	const git_index_entry *staged;
	char real_file[PATH_MAX], real_top[PATH_MAX], *dir = NULL, *slash;
	const char *rel;
	git_oid raw, want;
	size_t n;
	int rc = 0;

	*differs = false;
	other_sha256[0] = '\0';
	*where = "";
	git_libgit2_init();
	if (realpath(file, real_file) == NULL || (dir = strdup(real_file)) == NULL)
		goto out; /* the caller has read it: nothing git could say */
	if ((slash = strrchr(dir, '/')) != NULL)
		slash[slash == dir ? 1 : 0] = '\0';
	if (open_git(&git, dir) != 0 || git_repository_workdir(git) == NULL ||
	    realpath(git_repository_workdir(git), real_top) == NULL) {
		git_error_clear();
		goto out; /* in no work tree */
	}
	n = strlen(real_top);
	if (strncmp(real_file, real_top, n) != 0 || real_file[n] != '/')
		goto out;
	rel = real_file + n + 1;
	if (git_odb_hashfile(&raw, real_file, GIT_OBJECT_BLOB) != 0) {
		rc = endorse_git_fail(ENDORSE_EIO, file);
		goto out;
	}
	if (git_revparse_single(&head, git, "HEAD^{tree}") == 0 &&
	    git_tree_entry_bypath(&entry, (git_tree *)head, rel) == 0 &&
	    git_tree_entry_type(entry) == GIT_OBJECT_BLOB) {
		*where = "its blob in HEAD";
		git_oid_cpy(&want, git_tree_entry_id(entry));
	} else if (git_repository_index(&index, git) == 0 &&
		   (staged = git_index_get_bypath(index, rel, 0)) != NULL) {
		*where = "its blob in the index";
		git_oid_cpy(&want, &staged->id);
	} else {
		*where = "the blob git add would make";
		rc = added_differs(differs, other_sha256, git, rel, real_file, file, &raw);
		goto out;
	}
	git_error_clear();
	if (git_oid_equal(&want, &raw))
		goto out;
	*differs = true;
	if (git_blob_lookup(&blob, git, &want) != 0) {
		rc = endorse_git_fail(ENDORSE_EIO, file);
		goto out;
	}
	sha256_hex(other_sha256, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
out:
	git_blob_free(blob);
	git_index_free(index);
	git_tree_entry_free(entry);
	git_object_free(head);
	git_repository_free(git);
	free(dir);
	return rc;
}
