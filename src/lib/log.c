/* Replaying a log repository: reads log/endorsements.jsonl in one streaming
 * pass, checks every line (bytes, JSON, chain, signature, rules), and checks
 * keys/orgs against the result. Every problem is reported, not only the
 * first; the state keeps only what later lines can refer to. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"

#define READ_CHUNK (1u << 20)

void
endorse_report(const endorse_verify_options *opt, uint64_t *problems, const char *file,
	uint64_t line, const char *rule, const char *message)
{
	endorse_problem p = {file, line, rule, message};

	(*problems)++;
	if (opt != NULL && opt->on_problem != NULL)
		opt->on_problem(opt->ctx, &p);
}

struct line_reader {
	int fd;
	char *buf;
	size_t cap, start, end;
	bool eof;
};

struct line {
	const char *text;   /* NULL when the line was too long to keep */
	size_t len;         /* length without LF, also when too long */
	bool has_lf;
	uint8_t hash[32];   /* SHA-256 of the line without LF */
};

static int
reader_fill(struct line_reader *r)
{
	ssize_t n;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	do {
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return endorse_fail(ENDORSE_EIO, "%s: read failed: %s", ENDORSE_LOG_PATH, strerror(errno));
	if (n == 0)
		r->eof = true;
	r->end += (size_t)n;
	return 0;
}

/* Returns 1 with a line, 0 at the end of the file, or an error. A line
 * longer than ENDORSE_MAX_LINE is hashed while it is skipped. */
static int
reader_next(struct line_reader *r, struct line *out)
{
	crypto_hash_sha256_state h;
	bool skipping = false;
	int rc;

	memset(out, 0, sizeof(*out));
	for (;;) {
		char *lf = memchr(r->buf + r->start, '\n', r->end - r->start);
		size_t avail = lf ? (size_t)(lf - (r->buf + r->start)) : r->end - r->start;

		if (!skipping && lf == NULL && avail > ENDORSE_MAX_LINE) {
			skipping = true;
			crypto_hash_sha256_init(&h);
		}
		if (skipping) {
			crypto_hash_sha256_update(&h, (const uint8_t *)r->buf + r->start, avail);
			out->len += avail;
			r->start += avail;
			if (lf != NULL || (r->eof && r->start == r->end)) {
				out->has_lf = lf != NULL;
				r->start += lf != NULL;
				crypto_hash_sha256_final(&h, out->hash);
				return 1;
			}
		} else if (lf != NULL || (r->eof && avail > 0)) {
			out->text = r->buf + r->start;
			out->len = avail;
			out->has_lf = lf != NULL;
			r->start += avail + (lf != NULL);
			crypto_hash_sha256(out->hash, (const uint8_t *)out->text, out->len);
			return 1;
		} else if (r->eof) {
			return 0;
		}
		if ((rc = reader_fill(r)) != 0)
			return rc;
	}
}

static void
report_diag(const endorse_verify_options *opt, uint64_t *problems, uint64_t line,
	const endorse_diag *diag)
{
	endorse_report(opt, problems, ENDORSE_LOG_PATH, line, diag->rule, diag->message);
}

static void
check_line(endorse_state *state, const struct line *ln, const uint8_t prev[32],
	const endorse_verify_options *opt, uint64_t *problems)
{
	uint64_t n = endorse_state_size(state), line_no = n + 1;
	endorse_entry entry;
	endorse_diag diag = {0};
	uint64_t before = *problems;
	char msg[160];

	if (!ln->has_lf)
		endorse_report(opt, problems, ENDORSE_LOG_PATH, line_no, "final-lf",
			"the last line does not end with a newline");
	if (ln->text == NULL) {
		snprintf(msg, sizeof(msg), "line is %zu bytes long; at most %d are allowed", ln->len,
			ENDORSE_MAX_LINE);
		endorse_report(opt, problems, ENDORSE_LOG_PATH, line_no, "line-length", msg);
		return;
	}
	if (endorse_entry_parse(&entry, ln->text, ln->len, &diag) != 0) {
		report_diag(opt, problems, line_no, &diag);
		return;
	}
	if (entry.seq != n) {
		snprintf(msg, sizeof(msg), "seq is %llu; line %llu must have seq %llu",
			(unsigned long long)entry.seq, (unsigned long long)line_no, (unsigned long long)n);
		endorse_report(opt, problems, ENDORSE_LOG_PATH, line_no, "seq", msg);
	}
	if (sodium_memcmp(entry.prev, prev, 32) != 0)
		endorse_report(opt, problems, ENDORSE_LOG_PATH, line_no, "prev",
			n == 0 ? "prev of the first line must be 64 zeros"
			       : "prev is not the SHA-256 of the line before");
	if (endorse_state_check(state, &entry, true, &diag) != 0)
		report_diag(opt, problems, line_no, &diag);
	else if (*problems == before && opt != NULL && opt->on_entry != NULL)
		opt->on_entry(opt->ctx, &entry, state);
	endorse_entry_clear(&entry);
}

int
endorse_log_replay(endorse_state *state, const char *dir, const endorse_verify_options *opt,
	uint64_t *problems)
{
	struct line_reader r = {.fd = -1};
	char *path = endorse_path_join(dir, ENDORSE_LOG_PATH);
	uint8_t prev[32] = {0};
	struct stat st;
	struct line ln;
	int rc = 0;

	if (path == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	r.fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC); /* a FIFO must not block */
	if (r.fd < 0) {
		if (errno == ELOOP) {
			endorse_report(opt, problems, ENDORSE_LOG_PATH, 0, "file",
				"the log is a symbolic link; it must be a regular file");
			rc = ENDORSE_EINVALID;
		} else {
			rc = endorse_fail(errno == ENOENT ? ENDORSE_ENOTFOUND : ENDORSE_EIO,
				"%s: %s", path, strerror(errno));
		}
		goto out;
	}
	if (fstat(r.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		endorse_report(opt, problems, ENDORSE_LOG_PATH, 0, "file",
			"the log must be a regular file");
		rc = ENDORSE_EINVALID;
		goto out;
	}
	r.cap = READ_CHUNK + ENDORSE_MAX_LINE + 1;
	r.buf = malloc(r.cap);
	if (r.buf == NULL) {
		rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
		goto out;
	}
	while ((rc = reader_next(&r, &ln)) == 1) {
		check_line(state, &ln, prev, opt, problems);
		memcpy(prev, ln.hash, 32);
		endorse_state_advance(state, ln.hash);
	}
	if (rc < 0)
		goto out;
	rc = 0;
	if (endorse_state_size(state) == 0)
		endorse_report(opt, problems, ENDORSE_LOG_PATH, 0, "first-entry",
			"the log is empty; its first line must register a document");
out:
	if (r.fd >= 0)
		close(r.fd);
	free(r.buf);
	free(path);
	return rc;
}

/* Reports a problem with keys/orgs/<name>. */
static void
report_orgs(const endorse_verify_options *opt, uint64_t *problems, const char *name,
	const char *message)
{
	char file[300];

	snprintf(file, sizeof(file), "%s/%.260s", ENDORSE_ORGS_DIR, name);
	endorse_report(opt, problems, file, 0, "keys-orgs", message);
}

static void
check_pinned_key(const endorse_org *org, const char *dir, const endorse_verify_options *opt,
	uint64_t *problems)
{
	char name[300], rel[320], want[ENDORSE_VKEY_MAX + 1], msg[ENDORSE_VKEY_MAX + 128];
	char *path, *text = NULL;
	size_t len = 0;
	int rc;

	snprintf(name, sizeof(name), "%s.vkey", org->id);
	snprintf(rel, sizeof(rel), "%s/%s", ENDORSE_ORGS_DIR, name);
	path = endorse_path_join(dir, rel);
	if (path == NULL)
		return;
	rc = endorse_file_read(&text, &len, path, ENDORSE_VKEY_MAX + 1);
	endorse_vkey_format(want, &org->key);
	strcat(want, "\n");
	if (rc == ENDORSE_ENOTFOUND) {
		snprintf(msg, sizeof(msg), "missing: it must pin the organization's current key, "
			"one line: %.*s", (int)strlen(want) - 1, want);
		report_orgs(opt, problems, name, msg);
	} else if (rc != 0) {
		report_orgs(opt, problems, name, endorse_error_last());
	} else if (len != strlen(want) || memcmp(text, want, len) != 0) {
		snprintf(msg, sizeof(msg), "does not pin the organization's current key; "
			"it must hold one line: %.*s", (int)strlen(want) - 1, want);
		report_orgs(opt, problems, name, msg);
	}
	free(text);
	free(path);
}

int
endorse_orgs_check(const endorse_state *state, const char *dir, const endorse_verify_options *opt,
	uint64_t *problems)
{
	char *path = endorse_path_join(dir, ENDORSE_ORGS_DIR);
	DIR *d = NULL;
	struct dirent *de;
	struct stat st;

	if (path == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	for (size_t i = 0; i < endorse_state_org_count(state); i++) {
		const endorse_org *org = endorse_state_org(state, i);
		if (org->has_key)
			check_pinned_key(org, dir, opt, problems);
	}
	if (lstat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
		endorse_report(opt, problems, ENDORSE_ORGS_DIR, 0, "keys-orgs",
			"must be a directory (not a symbolic link or a file)");
		free(path);
		return 0;
	}
	d = opendir(path);
	while (d != NULL && (de = readdir(d)) != NULL) {
		char id[256];
		size_t n = strlen(de->d_name);
		const endorse_org *org;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n <= 5 || n - 5 >= sizeof(id) || strcmp(de->d_name + n - 5, ".vkey") != 0) {
			report_orgs(opt, problems, de->d_name,
				"unexpected file: keys/orgs holds only <organization id>.vkey files");
			continue;
		}
		memcpy(id, de->d_name, n - 5);
		id[n - 5] = '\0';
		org = endorse_state_find_org(state, id);
		if (org == NULL || !org->has_key)
			report_orgs(opt, problems, de->d_name, org == NULL
				? "no organization of this id in the log"
				: "the organization has no current key (it was revoked): remove the file");
	}
	if (d != NULL)
		closedir(d);
	free(path);
	return 0;
}

int
endorse_verify(endorse_state **out, const char *dir, const endorse_verify_options *opt,
	uint64_t *problem_count)
{
	endorse_state *state = NULL;
	endorse_policy *policy = NULL;
	endorse_diag diag = {0};
	char *path = endorse_path_join(dir, ENDORSE_POLICY_PATH), *text = NULL;
	uint64_t problems = 0, line = 0;
	size_t len = 0;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (path == NULL || (state = endorse_state_new()) == NULL) {
		rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
		goto out;
	}
	rc = endorse_file_read(&text, &len, path, 1u << 20);
	if (rc == ENDORSE_ENOTFOUND) {
		rc = endorse_fail(rc, "%s: no keys/policy; is %s a log repository?", path, dir);
		goto out;
	} else if (rc != 0) {
		endorse_report(opt, &problems, ENDORSE_POLICY_PATH, 0, "policy", endorse_error_last());
		rc = ENDORSE_EINVALID;
		goto out;
	}
	rc = endorse_policy_parse_diag(&policy, text, len, &line, &diag);
	if (rc == ENDORSE_EINVALID) {
		endorse_report(opt, &problems, ENDORSE_POLICY_PATH, line, diag.rule, diag.message);
		goto out;
	} else if (rc != 0) {
		goto out;
	}
	endorse_state_set_policy(state, endorse_policy_log_key(policy));
	rc = endorse_log_replay(state, dir, opt, &problems);
	if (rc == 0)
		rc = endorse_orgs_check(state, dir, opt, &problems);
	if (rc == 0 && problems > 0)
		rc = ENDORSE_EINVALID;
out:
	if (problem_count != NULL)
		*problem_count = problems;
	if (out != NULL && (rc == 0 || rc == ENDORSE_EINVALID))
		*out = state;
	else
		endorse_state_free(state);
	endorse_policy_free(policy);
	free(text);
	free(path);
	return rc;
}
