/* The git implementation of storage.h: a write recorded as exactly one
 * commit on the current branch. The commit is made before any file of the
 * work tree changes and recorded as pending in the git directory; the
 * branch moves after the files (storage.h says why that order is safe). */
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

#include "encoding.h"
#include "error.h"
#include "file.h"
#include "repo.h"
#include "repo_git.h"
#include "storage_git.h"
/* The refusal of a file with uncommitted changes. endorse alone writes
 * log/ and keys/ (keys/policy through endorse policy): a change there is a
 * hand edit to undo, not work to commit. */
static int
dirty_file(const char *rel, const char *path, unsigned int flags)
{
	bool ours = strncmp(rel, "log/", 4) == 0 || strncmp(rel, "keys/", 5) == 0;

	if (ours && (flags & (GIT_STATUS_WT_NEW | GIT_STATUS_INDEX_NEW)) != 0)
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"%s is not in HEAD: endorse writes it itself, so a copy made by hand is in "
			"the way; remove it (git rm --cached --ignore-unmatch %s; rm %s) and run the "
			"command again", path, path, path);
	if (ours)
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"%s was edited by hand (it differs from HEAD); endorse writes it itself, so do "
			"not commit the edit: restore it with: git restore --staged --worktree %s "
			"and run the command again", path, path);
	return endorse_error_set(ENDORSE_EUSAGE, NULL,
		"%s has uncommitted changes; commit or stash them first (or use --no-commit)", path);
}

int
endorse_git_check_clean(const endorse_repo *r, const char *const *rels, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned int flags = 0;
		char *path = endorse_repo_path(r, rels[i]);
		int rc;

		if (path == NULL)
			return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		rc = git_status_file(&flags, r->git, path);
		if (rc == GIT_ENOTFOUND) {
			rc = 0; /* neither in HEAD, the index nor the work tree */
		} else if (rc != 0) {
			rc = endorse_git_fail(ENDORSE_EIO, path);
		} else if (flags != GIT_STATUS_CURRENT && flags != GIT_STATUS_IGNORED) {
			rc = dirty_file(rels[i], path, flags);
		}
		free(path);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The author (and committer) of a commit endorse makes: git's own, from
 * user.name and user.email; hint ends the refusal. */
static int
commit_author(git_signature **sig, const endorse_repo *r, const char *hint)
{
	char what[128];

	*sig = NULL;
	if (git_signature_default(sig, r->git) == 0)
		return 0;
	(void)snprintf(what, sizeof(what), "no author for the commit; set git config user.name "
		"and user.email%s", hint);
	return endorse_git_fail(ENDORSE_EUSAGE, what);
}

int
endorse_git_check_author(const endorse_repo *r)
{
	git_signature *sig = NULL;
	int rc = commit_author(&sig, r, " (or use --no-commit)");

	git_signature_free(sig);
	return rc;
}

static int
head_commit(git_commit **out, const endorse_repo *r)
{
	git_object *obj = NULL;
	int rc = git_revparse_single(&obj, r->git, "HEAD^{commit}");

	*out = NULL;
	if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH)
		return 0;
	if (rc != 0)
		return endorse_git_fail(ENDORSE_EIO, "cannot read HEAD");
	*out = (git_commit *)obj;
	return 0;
}

static int
empty_tree(git_tree **out, git_repository *git)
{
	git_treebuilder *b = NULL;
	git_oid oid;
	int rc = 0;

	if (git_treebuilder_new(&b, git, NULL) != 0 || git_treebuilder_write(&oid, b) != 0 ||
	    git_tree_lookup(out, git, &oid) != 0)
		rc = endorse_git_fail(ENDORSE_EIO, "cannot create an empty tree");
	git_treebuilder_free(b);
	return rc;
}

/* Streams a file into the object database as a blob, unfiltered. */
static int
blob_from_file(git_oid *out, git_repository *git, const char *file)
{
	git_odb *odb = NULL;
	git_odb_stream *stream = NULL;
	char buf[1 << 16];
	FILE *f = fopen(file, "rb");
	long size;
	size_t n;
	int rc = 0;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		if (f != NULL)
			(void)fclose(f);
		return endorse_error_set(ENDORSE_EIO, NULL, "cannot read %s", file);
	}
	if (git_repository_odb(&odb, git) != 0 ||
	    git_odb_open_wstream(&stream, odb, (git_object_size_t)size, GIT_OBJECT_BLOB) != 0) {
		rc = endorse_git_fail(ENDORSE_EIO, "cannot store a blob");
		goto out;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (git_odb_stream_write(stream, buf, n) != 0) {
			rc = endorse_git_fail(ENDORSE_EIO, "cannot store a blob");
			goto out;
		}
	}
	if (ferror(f) || git_odb_stream_finalize_write(out, stream) != 0)
		rc = endorse_git_fail(ENDORSE_EIO, "cannot store a blob");
out:
	git_odb_stream_free(stream);
	git_odb_free(odb);
	(void)fclose(f);  /* read only */
	return rc;
}

/* The new tree: base with each change applied. */
static int
updated_tree(git_tree **out, const endorse_repo *r, git_tree *base,
	const struct endorse_git_change *changes, size_t n)
{
	git_tree_update *updates = calloc(n ? n : 1, sizeof(*updates));
	char **paths = calloc(n ? n : 1, sizeof(char *));
	size_t count = 0;
	git_oid oid;
	int rc = 0;

	if (updates == NULL || paths == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		git_tree_entry *existing = NULL;

		if ((paths[i] = endorse_repo_path(r, changes[i].path)) == NULL) {
			rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
			goto out;
		}
		if (changes[i].data == NULL && changes[i].file == NULL) {
			if (git_tree_entry_bypath(&existing, base, paths[i]) != 0)
				continue; /* nothing to remove */
			git_tree_entry_free(existing);
			updates[count].action = GIT_TREE_UPDATE_REMOVE;
		} else {
			if (changes[i].file != NULL
				? (rc = blob_from_file(&updates[count].id, r->git, changes[i].file)) != 0
				: git_blob_create_from_buffer(&updates[count].id, r->git, changes[i].data,
					  changes[i].len) != 0) {
				rc = rc != 0 ? rc : endorse_git_fail(ENDORSE_EIO, "cannot store a blob");
				goto out;
			}
			updates[count].action = GIT_TREE_UPDATE_UPSERT;
			updates[count].filemode = GIT_FILEMODE_BLOB;
		}
		updates[count++].path = paths[i];
	}
	if (git_tree_create_updated(&oid, r->git, base, count, updates) != 0 ||
	    git_tree_lookup(out, r->git, &oid) != 0)
		rc = endorse_git_fail(ENDORSE_EIO, "cannot create the commit's tree");
out:
	for (size_t i = 0; paths != NULL && i < n; i++)
		free(paths[i]);
	free(paths);
	free(updates);
	return rc;
}

/* workdir + prefix + rel, malloc'd: a file of the work tree. */
static char *
work_path(const endorse_repo *r, const char *rel)
{
	const char *top = git_repository_workdir(r->git);
	size_t n = strlen(top) + strlen(r->prefix) + strlen(rel) + 1;
	char *p = malloc(n);

	if (p != NULL)
		(void)snprintf(p, n, "%s%s%s", top, r->prefix, rel);
	return p;
}

/* Stages exactly the changed paths in the index, as the commit holds them
 * (one the write removed leaves the index), so that git status is clean
 * after the commit. The entries are the commit's blobs, not the work tree's
 * files passed through git's filters again: with core.autocrlf and
 * core.safecrlf the filters would refuse the file or make another blob.
 * The stat data is the file's only when its bytes are the blob's, so that
 * git looks again at a file that differs. */
static int
stage(const endorse_repo *r, const endorse_git_pending *p)
{
	git_index *index = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_oid id;
	int rc = 0;

	git_oid_fromraw(&id, p->commit.id);
	if (git_commit_lookup(&commit, r->git, &id) != 0 || git_commit_tree(&tree, commit) != 0) {
		rc = endorse_git_fail(ENDORSE_EIO, "cannot read the commit to stage");
		goto out;
	}
	if (git_repository_index(&index, r->git) != 0) {
		rc = endorse_git_fail(ENDORSE_EIO, "cannot open the index");
		goto out;
	}
	for (size_t i = 0; rc == 0 && i < p->n; i++) {
		char *path = endorse_repo_path(r, p->paths[i]), *file = work_path(r, p->paths[i]);
		git_tree_entry *entry = NULL;
		git_index_entry e;
		git_oid on_disk;
		struct stat st;

		memset(&e, 0, sizeof(e));
		if (path == NULL || file == NULL) {
			rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		} else if (git_tree_entry_bypath(&entry, tree, path) != 0) {
			if (git_index_remove_bypath(index, path) != 0)
				rc = endorse_git_fail(ENDORSE_EIO, path);
		} else {
			e.path = path;
			e.mode = git_tree_entry_filemode(entry);
			git_oid_cpy(&e.id, git_tree_entry_id(entry));
			if (lstat(file, &st) == 0 && S_ISREG(st.st_mode) &&
			    git_odb_hashfile(&on_disk, file, GIT_OBJECT_BLOB) == 0 &&
			    git_oid_equal(&on_disk, &e.id)) {
				e.ctime.seconds = (int32_t)st.st_ctim.tv_sec;
				e.ctime.nanoseconds = (uint32_t)st.st_ctim.tv_nsec;
				e.mtime.seconds = (int32_t)st.st_mtim.tv_sec;
				e.mtime.nanoseconds = (uint32_t)st.st_mtim.tv_nsec;
				e.dev = (uint32_t)st.st_dev;
				e.ino = (uint32_t)st.st_ino;
				e.uid = (uint32_t)st.st_uid;
				e.gid = (uint32_t)st.st_gid;
				e.file_size = (uint32_t)st.st_size;
			}
			if (git_index_add(index, &e) != 0)
				rc = endorse_git_fail(ENDORSE_EIO, path);
		}
		git_tree_entry_free(entry);
		free(path);
		free(file);
	}
	if (rc == 0 && git_index_write(index) != 0)
		rc = endorse_git_fail(ENDORSE_EIO, "cannot write the index");
out:
	git_index_free(index);
	git_tree_free(tree);
	git_commit_free(commit);
	return rc;
}

/* Brings the index and the (clean) work tree from the old HEAD's tree to
 * the new tree, before HEAD moves there. */
static int
checkout_tree(const endorse_repo *r, git_tree *tree, git_commit *old_head)
{
	git_checkout_options opts;
	git_tree *baseline = NULL;
	int rc = 0;

	git_checkout_options_init(&opts, GIT_CHECKOUT_OPTIONS_VERSION);
	opts.checkout_strategy = GIT_CHECKOUT_SAFE;
	opts.disable_filters = 1; /* the files are the blobs' bytes, whatever core.autocrlf says */
	if (old_head != NULL && git_commit_tree(&baseline, old_head) != 0)
		return endorse_git_fail(ENDORSE_EIO, "cannot read HEAD's tree");
	opts.baseline = baseline;
	if (git_checkout_tree(r->git, (const git_object *)tree, &opts) != 0)
		rc = endorse_git_fail(ENDORSE_EIO, "cannot check out the new commit");
	git_tree_free(baseline);
	return rc;
}

/* Points the current branch (or a detached HEAD) at oid, if it still points
 * where it pointed when the commit was made (or nowhere, on a new branch). */
static int
move_head(const endorse_repo *r, const git_oid *oid, const git_oid *expected, const char *message)
{
	git_reference *head = NULL, *moved = NULL;
	int rc = 0;

	if (git_reference_lookup(&head, r->git, "HEAD") != 0)
		return endorse_git_fail(ENDORSE_EIO, "cannot read HEAD");
	if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC) {
		const char *branch = git_reference_symbolic_target(head);
		rc = expected != NULL
			? git_reference_create_matching(&moved, r->git, branch, oid, 1, expected, message)
			: git_reference_create(&moved, r->git, branch, oid, 0, message);
	} else {
		rc = git_reference_set_target(&moved, head, oid, message);
	}
	if (rc != 0)
		rc = endorse_git_fail(ENDORSE_EIO, "cannot move the branch to the new commit");
	git_reference_free(moved);
	git_reference_free(head);
	return rc;
}

/* ---- commit.gpgsign: the commit signed as git signs it ----
 *
 * git signs the commit's text with gpg.format openpgp (gpg --status-fd=2
 * -bsau KEY, the signature on standard output, SIG_CREATED on the status)
 * or ssh (ssh-keygen -Y sign -n git -f KEY FILE, the signature in
 * FILE.sig) and puts it in the gpgsig header. endorse runs the same
 * programs the same way; what it cannot do as git does (x509, no
 * user.signingkey for ssh) is refused before anything is written. */

extern char **environ;

struct signer {
	const char *work_dir;
	char dir[PATH_MAX - 32]; /* a private temporary directory in the git directory */
	char *format, *program, *key;
};

static char *
config_string(git_config *cfg, const char *name)
{
	git_buf b = GIT_BUF_INIT;
	char *s = NULL;

	if (git_config_get_string_buf(&b, cfg, name) == 0)
		s = strdup(b.ptr);
	git_buf_dispose(&b);
	git_error_clear();
	return s;
}

/* The temporary file name in the signer's directory, in out. */
static const char *
signer_file(char out[PATH_MAX], const struct signer *s, const char *name)
{
	(void)snprintf(out, PATH_MAX, "%s/%s", s->dir, name);
	return out;
}

/* Runs argv (searched in PATH) with its standard streams from and to the
 * signer's files in, out and err; 0 when it exits 0. */
static int
run_signer(const struct signer *s, char *const argv[], const char *in, const char *out)
{
	posix_spawn_file_actions_t fa;
	char in_path[PATH_MAX], out_path[PATH_MAX], err_path[PATH_MAX], line[256] = "";
	FILE *err;
	pid_t pid;
	int status = 0, rc;

	posix_spawn_file_actions_init(&fa);
	rc = posix_spawn_file_actions_addopen(&fa, 0, in ? signer_file(in_path, s, in) : "/dev/null",
		O_RDONLY, 0);
	if (rc == 0)
		rc = posix_spawn_file_actions_addopen(&fa, 1, signer_file(out_path, s, out),
			O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (rc == 0)
		rc = posix_spawn_file_actions_addopen(&fa, 2, signer_file(err_path, s, "err"),
			O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (rc == 0)
		rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"commit.gpgsign: cannot run %s: %s", argv[0],
			strerror(rc));
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return endorse_error_set(ENDORSE_EIO, NULL,
				"commit.gpgsign: %s: %s", argv[0], strerror(errno));
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	/* its first message that is not a gpg status line says why */
	if ((err = fopen(err_path, "r")) != NULL) {
		while (fgets(line, sizeof(line), err) != NULL &&
		       (strncmp(line, "[GNUPG:] ", 9) == 0 || line[0] == '\n'))
			line[0] = '\0';
		(void)fclose(err); /* read only */
	}
	line[strcspn(line, "\r\n")] = '\0';
	return endorse_error_set(ENDORSE_EUSAGE, NULL,
		"commit.gpgsign: %s could not sign the commit (exit %d)%s%s",
		argv[0], WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
		line[0] ? ": " : "", line);
}

/* Reads the signer's file name whole (at most 64 KiB), without its final
 * line ends, into *out. */
static int
read_signer_file(char **out, const struct signer *s, const char *name)
{
	char path[PATH_MAX];
	size_t len = 0;
	int rc = endorse_file_read(out, &len, signer_file(path, s, name), 1 << 16);

	if (rc != 0) /* a signing program's output, never the log's: trouble */
		return rc == ENDORSE_EINVALID ? ENDORSE_EIO : rc;
	while (len > 0 && ((*out)[len - 1] == '\n' || (*out)[len - 1] == '\r'))
		(*out)[--len] = '\0';
	return 0;
}

static int
write_signer_file(const struct signer *s, const char *name, const char *data, size_t len)
{
	char path[PATH_MAX];

	return endorse_file_write_atomic(signer_file(path, s, name), data, len, 0600, true);
}

static int
sign_openpgp(const struct signer *s, const git_buf *content, const char *committer,
	char **signature)
{
	const char *key = s->key != NULL ? s->key : committer;
	char *status = NULL;
	char *argv[] = {s->program, "--status-fd=2", "-bsau", (char *)key, NULL};
	int rc;

	if ((rc = write_signer_file(s, "commit", content->ptr, content->size)) != 0 ||
	    (rc = run_signer(s, argv, "commit", "signature")) != 0 ||
	    (rc = read_signer_file(&status, s, "err")) != 0 ||
	    (rc = read_signer_file(signature, s, "signature")) != 0)
		goto out;
	if ((strncmp(status, "[GNUPG:] SIG_CREATED ", 21) != 0 &&
		strstr(status, "\n[GNUPG:] SIG_CREATED ") == NULL) || (*signature)[0] == '\0')
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL,
			"commit.gpgsign: %s made no signature", s->program);
out:
	free(status);
	return rc;
}

static int
sign_ssh(const struct signer *s, const git_buf *content, char **signature)
{
	char key_path[PATH_MAX], commit_path[PATH_MAX];
	const char *key = s->key, *home = getenv("HOME");
	bool literal = strncmp(key, "key::", 5) == 0 || strncmp(key, "ssh-", 4) == 0;
	char *argv[] = {s->program, "-Y", "sign", "-n", "git", "-f", key_path, NULL, NULL, NULL};
	int rc;

	if (literal) {
		/* a public key: the agent holds its secret (-U) */
		key += strncmp(key, "key::", 5) == 0 ? 5 : 0;
		if ((rc = write_signer_file(s, "key.pub", key, strlen(key))) != 0)
			return rc;
		(void)signer_file(key_path, s, "key.pub");
		argv[7] = "-U";
	} else if (strncmp(key, "~/", 2) == 0 && home != NULL) {
		(void)snprintf(key_path, sizeof(key_path), "%s/%s", home, key + 2);
	} else {
		(void)snprintf(key_path, sizeof(key_path), "%s%s", key[0] == '/' || s->work_dir == NULL ? "" : s->work_dir, key);
	}
	argv[literal ? 8 : 7] = (char *)signer_file(commit_path, s, "commit");
	if ((rc = write_signer_file(s, "commit", content->ptr, content->size)) != 0 ||
	    (rc = run_signer(s, argv, NULL, "out")) != 0 ||
	    (rc = read_signer_file(signature, s, "commit.sig")) != 0)
		return rc == ENDORSE_ENOTFOUND ? endorse_error_set(ENDORSE_EUSAGE, NULL,
			"commit.gpgsign: %s made "
			"no signature", s->program) : rc;
	return 0;
}

/* Whether the commit is to be signed (commit.gpgsign) and how; a signing
 * git would refuse, or one endorse cannot do as git does, is refused. */
static int
signer_open(struct signer *s, const endorse_repo *r, bool *sign)
{
	git_config *cfg = NULL;
	char name[64];
	int on = 0, rc = 0, n;

	memset(s, 0, sizeof(*s));
	*sign = false;
	if (git_repository_config_snapshot(&cfg, r->git) != 0)
		return endorse_git_fail(ENDORSE_EIO, "cannot read the git configuration");
	if (git_config_get_bool(&on, cfg, "commit.gpgsign") != 0 || !on) {
		git_error_clear();
		goto out;
	}
	*sign = true;
	s->work_dir = git_repository_workdir(r->git);
	s->format = config_string(cfg, "gpg.format");
	s->key = config_string(cfg, "user.signingkey");
	if (s->format == NULL)
		s->format = strdup("openpgp");
	if (s->format == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if (strcmp(s->format, "openpgp") != 0 && strcmp(s->format, "ssh") != 0) {
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL,
			"commit.gpgsign is set with gpg.format %s, which "
			"endorse does not sign with (only openpgp and ssh): write with --no-commit and "
			"commit with git", s->format);
		goto out;
	}
	if (strcmp(s->format, "ssh") == 0 && (s->key == NULL || s->key[0] == '\0')) {
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL,
			"commit.gpgsign is set with gpg.format ssh but "
			"user.signingkey is not (endorse does not run gpg.ssh.defaultKeyCommand): set "
			"user.signingkey, or write with --no-commit and commit with git");
		goto out;
	}
	(void)snprintf(name, sizeof(name), "gpg.%s.program", s->format);
	s->program = config_string(cfg, name);
	if (s->program == NULL && strcmp(s->format, "openpgp") == 0)
		s->program = config_string(cfg, "gpg.program");
	if (s->program == NULL)
		s->program = strdup(strcmp(s->format, "ssh") == 0 ? "ssh-keygen" : "gpg");
	n = snprintf(s->dir, sizeof(s->dir), "%sendorse-sign-XXXXXX", git_repository_path(r->git));
	if (s->program == NULL)
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	else if (n < 0 || (size_t)n >= sizeof(s->dir))
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL,
			"the git directory's path is too long");
	else if (mkdtemp(s->dir) == NULL)
		rc = endorse_error_set(ENDORSE_EIO, NULL, "%s: %s", s->dir, strerror(errno));
out:
	if (rc != 0)
		s->dir[0] = '\0';
	git_config_free(cfg);
	return rc;
}

static void
signer_close(struct signer *s)
{
	static const char *const names[] = {"commit", "commit.sig", "signature", "err", "out",
		"key.pub"};
	char path[PATH_MAX];

	for (size_t i = 0; s->dir[0] != '\0' && i < sizeof(names) / sizeof(names[0]); i++)
		(void)unlink(signer_file(path, s, names[i]));
	if (s->dir[0] != '\0')
		(void)rmdir(s->dir);
	free(s->format);
	free(s->program);
	free(s->key);
	memset(s, 0, sizeof(*s));
}

static int
create_commit(git_oid *oid, const endorse_repo *r, const git_signature *sig, const char *message,
	git_tree *tree, size_t nparents, const git_commit **parents)
{
	struct signer s;
	git_buf content = GIT_BUF_INIT;
	char *signature = NULL, committer[512];
	bool sign = false;
	int rc = signer_open(&s, r, &sign);

	if (rc == 0 && !sign) {
		if (git_commit_create(oid, r->git, NULL, sig, sig, NULL, message, tree, nparents,
			    parents) != 0)
			rc = endorse_git_fail(ENDORSE_EIO, "cannot create the commit");
		goto out;
	}
	if (rc != 0)
		goto out;
	(void)snprintf(committer, sizeof(committer), "%s <%s>", sig->name, sig->email);
	if (git_commit_create_buffer(&content, r->git, sig, sig, NULL, message, tree, nparents,
		    parents) != 0) {
		rc = endorse_git_fail(ENDORSE_EIO, "cannot create the commit");
		goto out;
	}
	rc = strcmp(s.format, "ssh") == 0 ? sign_ssh(&s, &content, &signature)
		: sign_openpgp(&s, &content, committer, &signature);
	if (rc == 0 && git_commit_create_with_signature(oid, r->git, content.ptr, signature,
		NULL) != 0)
		rc = endorse_git_fail(ENDORSE_EIO, "cannot create the signed commit");
out:
	if (rc != 0) /* the commit is made before anything is written */
		rc = endorse_error_wrap(rc, "nothing was written");
	git_buf_dispose(&content);
	free(signature);
	signer_close(&s);
	return rc;
}

/* Creates the commit object (and its tree and blobs), moving nothing. */
static int
make_commit(const endorse_repo *r, const struct endorse_git_change *changes, size_t n,
	git_commit *head, git_commit *other, const char *message, git_oid *oid, git_tree **tree)
{
	git_tree *base = NULL;
	git_signature *sig = NULL;
	const git_commit *parents[2];
	size_t nparents = 0;
	int rc = 0;

	/* With another first parent (rechain), the new commit continues that
	 * commit's history first, so that its first-parent history stays
	 * append-only. */
	if (other != NULL)
		parents[nparents++] = other;
	if (head != NULL)
		parents[nparents++] = head;
	if (nparents > 0 ? git_commit_tree(&base, parents[0]) != 0 : empty_tree(&base, r->git) != 0) {
		rc = endorse_git_fail(ENDORSE_EIO, "cannot read the base tree");
		goto out;
	}
	if ((rc = updated_tree(tree, r, base, changes, n)) != 0)
		goto out;
	if ((rc = commit_author(&sig, r, "")) != 0)
		goto out;
	rc = create_commit(oid, r, sig, message, *tree, nparents, parents);
out:
	git_signature_free(sig);
	git_tree_free(base);
	return rc;
}

/* ---- a write interrupted between its files and its branch ----
 *
 * A write makes its commit first, then replaces the work tree's files, then
 * moves the branch: a commit that cannot be made changes nothing, but a
 * writer killed between the files and the branch leaves the work tree ahead
 * of the branch, which every later write would refuse as uncommitted
 * changes. So the commit is recorded as pending in the git directory before
 * any file changes, and the record is removed once the branch has moved and
 * the index holds the files. A record found by the next writer, under the
 * log's lock, is a writer's that died. */

#define PENDING_RECORD_MAX 4096
static const char pending_magic[] = "endorse pending write\n";

/* <git dir>/endorse-pending, one per log directory of the repository. */
static char *
pending_record_path(const endorse_repo *r)
{
	const char *dir = git_repository_path(r->git);
	char tag[18] = "";
	size_t n;
	char *path;

	if (r->prefix[0] != '\0') {
		uint8_t h[32];
		crypto_hash_sha256(h, (const uint8_t *)r->prefix, strlen(r->prefix));
		tag[0] = '-';
		endorse_hex_encode(tag + 1, h, 8);
	}
	n = strlen(dir) + strlen("endorse-pending") + strlen(tag) + 1;
	if ((path = malloc(n)) != NULL)
		(void)snprintf(path, n, "%sendorse-pending%s", dir, tag);
	return path;
}

/* The reference a commit moves: the current branch, or HEAD when detached. */
static int
head_ref_name(char *out, size_t size, const endorse_repo *r)
{
	git_reference *head = NULL;
	int n;

	if (git_reference_lookup(&head, r->git, "HEAD") != 0)
		return endorse_git_fail(ENDORSE_EIO, "cannot read HEAD");
	n = snprintf(out, size, "%s", git_reference_type(head) == GIT_REFERENCE_SYMBOLIC
		? git_reference_symbolic_target(head) : "HEAD");
	git_reference_free(head);
	if (n < 0 || (size_t)n >= size)
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"the current branch's name is too long");
	return 0;
}

/* A path the record may name: relative, plain characters, no "." or ".."
 * component (the record is read back as untrusted). */
static bool
plain_path(const char *p, size_t len)
{
	if (len == 0 || len >= ENDORSE_PENDING_PATH_MAX || p[0] == '/' || p[len - 1] == '/')
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		bool starts = i == 0 || p[i - 1] == '/';
		if (!(c == '.' || c == '-' || c == '_' || c == '/' || (c >= '0' && c <= '9') ||
			    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) ||
		    (c == '/' && starts) || (c == '.' && starts && (i + 1 == len || p[i + 1] == '/' ||
			(p[i + 1] == '.' && (i + 2 == len || p[i + 2] == '/')))))
			return false;
	}
	return true;
}

static int
write_pending_record(const endorse_repo *r, const endorse_git_pending *p)
{
	char text[PENDING_RECORD_MAX], old[GIT_OID_HEXSZ + 1] = "none";
	char *path = pending_record_path(r);
	size_t len;
	int rc;

	if (path == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if (p->has_head) {
		git_oid head;
		git_oid_fromraw(&head, p->head);
		git_oid_tostr(old, sizeof(old), &head);
	}
	len = (size_t)snprintf(text, sizeof(text), "%sref %s\nold %s\nnew %s\n", pending_magic, p->ref,
		old, p->commit.hex);
	for (size_t i = 0; i < p->n && len < sizeof(text); i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "path %s\n", p->paths[i]);
	rc = len < sizeof(text) ? endorse_file_write_atomic(path, text, len, 0644, false)
		: endorse_error_set(ENDORSE_EUSAGE, NULL,
			"the record of the pending commit is too long");
	free(path);
	return rc;
}

/* Takes "KEY VALUE\n" from *text into value (NUL-terminated in place). */
static bool
take_field(char **text, const char *key, char **value)
{
	size_t k = strlen(key);
	char *end;

	if (strncmp(*text, key, k) != 0 || (*text)[k] != ' ' || (end = strchr(*text, '\n')) == NULL)
		return false;
	*end = '\0';
	*value = *text + k + 1;
	*text = end + 1;
	return true;
}

static bool
take_oid(const char *hex, uint8_t out[20])
{
	git_oid oid;

	if (strlen(hex) != GIT_OID_HEXSZ || !endorse_is_lower_hex(hex, GIT_OID_HEXSZ) ||
	    git_oid_fromstr(&oid, hex) != 0)
		return false;
	memcpy(out, oid.id, 20);
	return true;
}

/* Reads the record back; ENDORSE_ENOTFOUND when there is none. */
static int
read_pending_record(endorse_git_pending *p, const char *path)
{
	char *text = NULL, *at, *ref, *old, *new, *rel;
	size_t len = 0;
	bool ok;
	int rc = endorse_file_read(&text, &len, path, PENDING_RECORD_MAX);

	memset(p, 0, sizeof(*p));
	if (rc != 0)
		return rc;
	at = text + strlen(pending_magic);
	ok = strlen(text) == len && len > 0 && text[len - 1] == '\n' &&
		strncmp(text, pending_magic, strlen(pending_magic)) == 0 &&
		take_field(&at, "ref", &ref) && take_field(&at, "old", &old) &&
		take_field(&at, "new", &new) && strlen(ref) < sizeof(p->ref) &&
		(strcmp(ref, "HEAD") == 0 ||
		 (strncmp(ref, "refs/heads/", 11) == 0 && plain_path(ref, strlen(ref)))) &&
		(strcmp(old, "none") == 0 || take_oid(old, p->head)) && take_oid(new, p->commit.id);
	while (ok && *at != '\0') {
		ok = p->n < ENDORSE_PENDING_PATHS && take_field(&at, "path", &rel) &&
			plain_path(rel, strlen(rel));
		if (ok)
			(void)snprintf(p->paths[p->n++], sizeof(p->paths[0]), "%s", rel);
	}
	if (ok && p->n > 0) {
		(void)snprintf(p->ref, sizeof(p->ref), "%s", ref);
		p->has_head = strcmp(old, "none") != 0;
		(void)snprintf(p->commit.hex, sizeof(p->commit.hex), "%s", new);
	} else {
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL,
			"%s is not a record of a pending endorse write; "
			"remove it", path);
	}
	free(text);
	return rc;
}

void
endorse_git_forget(const endorse_repo *r)
{
	char *path = pending_record_path(r);

	if (path != NULL)
		(void)unlink(path);
	free(path);
}

int
endorse_git_prepare(const endorse_repo *r, const struct endorse_git_change *changes, size_t n,
	const char *message, endorse_git_pending *out)
{
	git_commit *head = NULL;
	git_tree *tree = NULL;
	git_oid oid;
	int rc;

	memset(out, 0, sizeof(*out));
	if (n == 0 || n > ENDORSE_PENDING_PATHS)
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"a write changes 1 to %d files", ENDORSE_PENDING_PATHS);
	for (size_t i = 0; i < n; i++) {
		if (!plain_path(changes[i].path, strlen(changes[i].path)))
			return endorse_error_set(ENDORSE_EUSAGE, NULL,
				"%s: not a path a write may change",
				changes[i].path);
		(void)snprintf(out->paths[i], sizeof(out->paths[i]), "%s", changes[i].path);
	}
	out->n = n;
	if ((rc = head_ref_name(out->ref, sizeof(out->ref), r)) != 0 ||
	    (rc = head_commit(&head, r)) != 0)
		return rc;
	rc = make_commit(r, changes, n, head, NULL, message, &oid, &tree);
	if (rc == 0) {
		endorse_git_id(&out->commit, &oid);
		out->has_head = head != NULL;
		if (head != NULL)
			memcpy(out->head, git_commit_id(head)->id, 20);
		rc = write_pending_record(r, out);
	}
	git_tree_free(tree);
	git_commit_free(head);
	return rc;
}

int
endorse_git_publish(const endorse_repo *r, const endorse_git_pending *p, bool *moved)
{
	git_oid oid, head;
	int rc;

	*moved = false;
	git_oid_fromraw(&oid, p->commit.id);
	git_oid_fromraw(&head, p->head);
	if ((rc = move_head(r, &oid, p->has_head ? &head : NULL, p->commit.hex)) != 0)
		return rc;
	*moved = true;
	if (endorse_repo_has_work_tree(r) && (rc = stage(r, p)) != 0)
		return endorse_error_wrap(rc, "committed %.12s, but the index could not be updated "
			"(the next endorse write updates it, or run git reset)", p->commit.hex);
	return 0;
}

/* Whether the work tree's file rel is the one tree holds at rel (or both
 * are absent); a file other than a regular one matches nothing. */
static int
work_file_is(bool *same, const endorse_repo *r, git_tree *tree, const char *rel)
{
	git_tree_entry *entry = NULL;
	char *path = endorse_repo_path(r, rel), *file = work_path(r, rel);
	struct stat st;
	git_oid oid;
	bool in_tree, on_disk;
	int rc = 0;

	*same = false;
	if (path == NULL || file == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	in_tree = tree != NULL && git_tree_entry_bypath(&entry, tree, path) == 0;
	on_disk = lstat(file, &st) == 0;
	if (!on_disk && errno != ENOENT) {
		rc = endorse_error_set(ENDORSE_EIO, NULL, "%s: %s", file, strerror(errno));
		goto out;
	}
	if (!in_tree || !on_disk) {
		*same = !in_tree && !on_disk;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || git_tree_entry_filemode(entry) != GIT_FILEMODE_BLOB)
		goto out;
	if (git_odb_hashfile(&oid, file, GIT_OBJECT_BLOB) != 0) {
		rc = endorse_git_fail(ENDORSE_EIO, file);
		goto out;
	}
	*same = git_oid_equal(&oid, git_tree_entry_id(entry));
out:
	git_tree_entry_free(entry);
	free(path);
	free(file);
	return rc;
}

/* Makes the work tree's file rel what tree holds there (removes it if the
 * tree has none). */
static int
put_work_file(const endorse_repo *r, git_tree *tree, const char *rel)
{
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	char *path = endorse_repo_path(r, rel), *file = work_path(r, rel);
	int rc;

	if (path == NULL || file == NULL)
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	else if (git_tree_entry_bypath(&entry, tree, path) != 0)
		rc = endorse_file_remove(file);
	else if (git_blob_lookup(&blob, r->git, git_tree_entry_id(entry)) != 0)
		rc = endorse_git_fail(ENDORSE_EIO, path);
	else
		rc = endorse_file_write_atomic(file, git_blob_rawcontent(blob),
			(size_t)git_blob_rawsize(blob), 0644, false);
	git_blob_free(blob);
	git_tree_entry_free(entry);
	free(path);
	free(file);
	return rc;
}

/* Removes the temporary files the killed writer of p left beside its
 * paths (its replacements not yet renamed, new files' links not yet
 * undone): under the log's lock, no writer uses them. */
static void
remove_temps(const endorse_repo *r, const endorse_git_pending *p)
{
	for (size_t i = 0; i < p->n; i++) {
		char *file = work_path(r, p->paths[i]);

		if (file != NULL)
			endorse_remove_temps_of(file);
		free(file);
	}
}

/* The branch has not moved since the record: the write's first file decides
 * whether it happened (its replacement is the write's commit point, as in a
 * plain directory). Replaced: the rest of the files, the branch and the
 * index are brought to the commit. As it was: nothing happened. */
static int
resume(const endorse_repo *r, const endorse_git_pending *p, const char *record, bool *completed)
{
	git_commit *commit = NULL, *parent = NULL;
	git_tree *tree = NULL, *old_tree = NULL;
	git_oid new_id, old_id;
	bool is_new = false, is_old = false;
	int rc;

	*completed = false;
	git_oid_fromraw(&new_id, p->commit.id);
	git_oid_fromraw(&old_id, p->head);
	if (git_commit_lookup(&commit, r->git, &new_id) != 0 || git_commit_tree(&tree, commit) != 0) {
		rc = endorse_git_fail(ENDORSE_EIO, "cannot read the pending commit");
		goto out;
	}
	if (p->has_head && (git_commit_lookup(&parent, r->git, &old_id) != 0 ||
			       git_commit_tree(&old_tree, parent) != 0)) {
		rc = endorse_git_fail(ENDORSE_EIO, "cannot read the branch's commit");
		goto out;
	}
	if ((rc = work_file_is(&is_new, r, tree, p->paths[0])) != 0 ||
	    (!is_new && (rc = work_file_is(&is_old, r, old_tree, p->paths[0])) != 0))
		goto out;
	if (!is_new && !is_old) {
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL,
			"an endorse write was interrupted (%s records it) and "
			"%s%s is now neither what the branch holds nor what the write was writing; put "
			"it back (git checkout HEAD -- %s%s) and remove %s", record, r->prefix,
			p->paths[0], r->prefix, p->paths[0], record);
		goto out;
	}
	if (is_old)
		goto out;
	for (size_t i = 1; rc == 0 && i < p->n; i++)
		rc = put_work_file(r, tree, p->paths[i]);
	if (rc == 0 && (rc = move_head(r, &new_id, p->has_head ? &old_id : NULL, p->commit.hex)) == 0)
		rc = stage(r, p);
	*completed = rc == 0;
out:
	git_tree_free(old_tree);
	git_tree_free(tree);
	git_commit_free(parent);
	git_commit_free(commit);
	return rc;
}

int
endorse_git_recover(const endorse_repo *r, char completed[41])
{
	endorse_git_pending p;
	char *record = pending_record_path(r), ref[sizeof(p.ref)];
	git_oid now, new_id, old_id;
	bool has_now, done = false;
	int rc;

	completed[0] = '\0';
	if (record == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	endorse_remove_temps_of(record); /* a writer killed while writing the record */
	if ((rc = read_pending_record(&p, record)) != 0) {
		if (rc == ENDORSE_ENOTFOUND)
			rc = 0; /* no write was interrupted */
		goto out;
	}
	if ((rc = head_ref_name(ref, sizeof(ref), r)) != 0)
		goto out;
	if (strcmp(ref, p.ref) != 0) {
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL,
			"an endorse write on %s was interrupted (%s records "
			"it); switch back to %s to let the next write finish it, or remove %s", p.ref,
			record, p.ref, record);
		goto out;
	}
	remove_temps(r, &p);
	has_now = git_reference_name_to_id(&now, r->git, p.ref) == 0;
	git_oid_fromraw(&new_id, p.commit.id);
	git_oid_fromraw(&old_id, p.head);
	if (has_now && git_oid_equal(&now, &new_id)) {
		/* the branch moved: only the index was left behind */
		rc = stage(r, &p);
		done = rc == 0;
	} else if (has_now == p.has_head && (!has_now || git_oid_equal(&now, &old_id))) {
		rc = resume(r, &p, record, &done);
	}
	/* else the branch moved on by other hands: the record is stale */
	if (rc == 0) {
		if (done)
			(void)snprintf(completed, 41, "%s", p.commit.hex);
		if (unlink(record) != 0 && errno != ENOENT)
			rc = endorse_error_set(ENDORSE_EIO, NULL,
				"%s: cannot remove: %s", record, strerror(errno));
	}
out:
	free(record);
	return rc;
}

/* rechain's bridge: a commit on HEAD (head) whose tree is first_parent's
 * with the changes, to stand as the rechain commit's second parent. */
static int
make_bridge(git_commit **out, const endorse_repo *r, const struct endorse_git_change *changes,
	size_t n, git_commit *head, git_commit *first_parent, const char *message)
{
	git_tree *base = NULL, *tree = NULL;
	git_signature *sig = NULL;
	const git_commit *parents[1] = {head};
	git_oid oid;
	int rc = 0;

	if (head == NULL || git_commit_tree(&base, first_parent) != 0)
		return endorse_git_fail(ENDORSE_EIO, "cannot read the base tree");
	if ((rc = updated_tree(&tree, r, base, changes, n)) != 0)
		goto out;
	if ((rc = commit_author(&sig, r, "")) != 0)
		goto out;
	if ((rc = create_commit(&oid, r, sig, message, tree, 1, parents)) == 0 &&
	    git_commit_lookup(out, r->git, &oid) != 0)
		rc = endorse_git_fail(ENDORSE_EIO, "cannot read the bridge commit");
out:
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(base);
	return rc;
}

int
endorse_git_commit_onto(const endorse_repo *r, const struct endorse_git_change *changes, size_t n,
	const endorse_commit_id *first_parent, const char *message, const char *bridge,
	endorse_commit_id *out)
{
	git_commit *head = NULL, *other = NULL, *second = NULL;
	git_tree *tree = NULL;
	git_oid oid;
	int rc;

	if ((rc = head_commit(&head, r)) != 0 || (rc = endorse_git_lookup_commit(&other, r, first_parent)) != 0 ||
	    (bridge != NULL && (rc = make_bridge(&second, r, changes, n, head, other, bridge)) != 0) ||
	    (rc = make_commit(r, changes, n, second != NULL ? second : head, other, message, &oid,
		    &tree)) != 0)
		goto out;
	if (endorse_repo_has_work_tree(r) && (rc = checkout_tree(r, tree, head)) != 0)
		goto out;
	rc = move_head(r, &oid, head != NULL ? git_commit_id(head) : NULL, message);
	if (rc == 0 && out != NULL)
		endorse_git_id(out, &oid);
out:
	git_tree_free(tree);
	git_commit_free(second);
	git_commit_free(other);
	git_commit_free(head);
	return rc;
}

static bool
exists(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *path = malloc(n);
	bool found;

	if (path == NULL)
		return false;
	(void)snprintf(path, n, "%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] != '/' ? "/" : "", name);
	found = access(path, F_OK) == 0;
	free(path);
	return found;
}

int
endorse_git_check_unlocked(const endorse_repo *r)
{
	git_reference *head = NULL;
	char lock[512] = "";
	int rc = 0;

	if (exists(git_repository_path(r->git), "index.lock"))
		(void)snprintf(lock, sizeof(lock), "%sindex.lock", git_repository_path(r->git));
	else if (git_reference_lookup(&head, r->git, "HEAD") == 0 &&
		 git_reference_type(head) == GIT_REFERENCE_SYMBOLIC) {
		char name[400];
		(void)snprintf(name, sizeof(name), "%s.lock", git_reference_symbolic_target(head));
		if (exists(git_repository_commondir(r->git), name))
			(void)snprintf(lock, sizeof(lock), "%s%s", git_repository_commondir(r->git), name);
	}
	git_reference_free(head);
	if (lock[0] != '\0')
		rc = endorse_error_set(ENDORSE_EIO, NULL,
			"another git process holds %s; nothing was written: "
			"wait for it to finish (or remove the lock if no git process is running)", lock);
	return rc;
}

int
endorse_git_check_clean_all(const endorse_repo *r)
{
	git_status_list *list = NULL;
	git_status_options opts;
	int rc = 0;

	git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
	opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&list, r->git, &opts) != 0)
		return endorse_git_fail(ENDORSE_EIO, "cannot read the status of the work tree");
	if (git_status_list_entrycount(list) > 0)
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL,
			"the work tree has uncommitted changes; commit or "
			"stash them first");
	git_status_list_free(list);
	return rc;
}

