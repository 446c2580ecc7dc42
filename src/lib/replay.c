/* Replaying a log: every line's bytes, JSON, chain, signature and rules, fed
 * either from a file in one streaming pass or from a buffer (a git blob);
 * and the comparison of keys/orgs with the replayed state. Every problem is
 * reported, not only the first; the state keeps only what later lines can
 * refer to, so memory grows with organisations, not with lines. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"

#define READ_CHUNK (1u << 20)

void
endorse_report(endorse_reporter *r, const char *file, uint64_t line, const char *rule,
	const char *fmt, ...)
{
	char message[1024];
	endorse_problem p = {file, line, rule, message, r->commit, r->author};
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	r->problems++;
	if (r->opt != NULL && r->opt->on_problem != NULL)
		r->opt->on_problem(r->opt->ctx, &p);
}

static void
check_line(endorse_state *state, const char *text, size_t len, bool has_lf, bool trusted,
	endorse_reporter *r)
{
	uint64_t n = endorse_state_size(state), line_no = n + 1, before = r->problems;
	endorse_entry entry;
	endorse_diag diag = {0};

	if (!has_lf)
		endorse_report(r, ENDORSE_LOG_PATH, line_no, "final-lf",
			"the last line does not end with a newline");
	if (text == NULL) {
		endorse_report(r, ENDORSE_LOG_PATH, line_no, "line-length",
			"line is %zu bytes long; at most %d are allowed", len, ENDORSE_MAX_LINE);
		return;
	}
	if (endorse_entry_parse_checked(&entry, text, len, !trusted, &diag) != 0) {
		endorse_report(r, ENDORSE_LOG_PATH, line_no, diag.rule, "%s", diag.message);
		return;
	}
	if (!trusted && entry.seq != n)
		endorse_report(r, ENDORSE_LOG_PATH, line_no, "seq",
			"seq is %llu; line %llu must have seq %llu", (unsigned long long)entry.seq,
			(unsigned long long)line_no, (unsigned long long)n);
	if (!trusted && sodium_memcmp(entry.prev, endorse_state_head(state), 32) != 0)
		endorse_report(r, ENDORSE_LOG_PATH, line_no, "prev", "%s",
			n == 0 ? "prev of the first line must be 64 zeros"
			       : "prev is not the SHA-256 of the line before");
	if (endorse_state_check(state, &entry, true, !trusted, &diag) != 0)
		endorse_report(r, ENDORSE_LOG_PATH, line_no, diag.rule, "%s", diag.message);
	else if (r->problems == before && r->opt != NULL && r->opt->on_entry != NULL)
		r->opt->on_entry(r->opt->ctx, &entry, state);
	endorse_entry_clear(&entry);
}

void
endorse_replay_lines(endorse_state *state, const char *data, size_t len, bool trusted,
	endorse_reporter *r)
{
	endorse_replay_lines_kept(state, data, len, trusted, NULL, NULL, r);
}

void
endorse_replay_lines_kept(endorse_state *state, const char *data, size_t len, bool trusted,
	bool (*keep)(void *ctx, const char *line, size_t len), void *ctx, endorse_reporter *r)
{
	const char *p = data, *end = data + len, *last = NULL;
	uint8_t hash[32], leaf[32];
	size_t last_len = 0;

	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		size_t n = lf != NULL ? (size_t)(lf - p) : (size_t)(end - p);

		if (trusted) {
			/* Verified before: no hashing, only what later lines need. */
			if (keep == NULL || keep(ctx, p, n))
				check_line(state, p, n, lf != NULL, true, r);
			endorse_state_skip(state, 1);
			last = p;
			last_len = n;
		} else {
			crypto_hash_sha256(hash, (const uint8_t *)p, n);
			endorse_merkle_leaf_hash(leaf, (const uint8_t *)p, n);
			check_line(state, p, n, lf != NULL, false, r);
			endorse_state_advance(state, hash, leaf);
		}
		p += n + (lf != NULL);
	}
	if (last != NULL) {
		crypto_hash_sha256(hash, (const uint8_t *)last, last_len);
		endorse_state_set_head(state, hash);
	}
}

/* A bounded line reader over a file descriptor. */
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
	uint8_t leaf[32];   /* its RFC 6962 leaf hash */
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
	crypto_hash_sha256_state h, leaf;
	const uint8_t leaf_prefix = 0x00;
	bool skipping = false;
	int rc;

	memset(out, 0, sizeof(*out));
	for (;;) {
		char *lf = memchr(r->buf + r->start, '\n', r->end - r->start);
		size_t avail = lf ? (size_t)(lf - (r->buf + r->start)) : r->end - r->start;

		if (!skipping && lf == NULL && avail > ENDORSE_MAX_LINE) {
			skipping = true;
			crypto_hash_sha256_init(&h);
			crypto_hash_sha256_init(&leaf);
			crypto_hash_sha256_update(&leaf, &leaf_prefix, 1);
		}
		if (skipping) {
			crypto_hash_sha256_update(&h, (const uint8_t *)r->buf + r->start, avail);
			crypto_hash_sha256_update(&leaf, (const uint8_t *)r->buf + r->start, avail);
			out->len += avail;
			r->start += avail;
			if (lf != NULL || (r->eof && r->start == r->end)) {
				out->has_lf = lf != NULL;
				r->start += lf != NULL;
				crypto_hash_sha256_final(&h, out->hash);
				crypto_hash_sha256_final(&leaf, out->leaf);
				return 1;
			}
		} else if (lf != NULL || (r->eof && avail > 0)) {
			out->text = r->buf + r->start;
			out->len = avail;
			out->has_lf = lf != NULL;
			r->start += avail + (lf != NULL);
			crypto_hash_sha256(out->hash, (const uint8_t *)out->text, out->len);
			endorse_merkle_leaf_hash(out->leaf, (const uint8_t *)out->text, out->len);
			return 1;
		} else if (r->eof) {
			return 0;
		}
		if ((rc = reader_fill(r)) != 0)
			return rc;
	}
}

int
endorse_replay_file(endorse_state *state, const char *dir, endorse_reporter *rep)
{
	struct line_reader r = {.fd = -1};
	char *path = endorse_path_join(dir, ENDORSE_LOG_PATH);
	struct stat st;
	struct line ln;
	int rc = 0;

	if (path == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	r.fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC); /* a FIFO must not block */
	if (r.fd < 0) {
		if (errno == ELOOP) {
			endorse_report(rep, ENDORSE_LOG_PATH, 0, "file",
				"the log is a symbolic link; it must be a regular file");
			rc = ENDORSE_EINVALID;
		} else {
			rc = endorse_fail(errno == ENOENT ? ENDORSE_ENOTFOUND : ENDORSE_EIO,
				"%s: %s", path, strerror(errno));
		}
		goto out;
	}
	if (fstat(r.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		endorse_report(rep, ENDORSE_LOG_PATH, 0, "file", "the log must be a regular file");
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
		check_line(state, ln.text, ln.len, ln.has_lf, false, rep);
		endorse_state_advance(state, ln.hash, ln.leaf);
	}
	if (rc == 0 && endorse_state_size(state) == 0)
		endorse_report(rep, ENDORSE_LOG_PATH, 0, "first-entry",
			"the log is empty; its first line must register a document");
out:
	if (r.fd >= 0)
		close(r.fd);
	free(r.buf);
	free(path);
	return rc < 0 ? rc : 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct endorse_pinned *)a)->name, ((const struct endorse_pinned *)b)->name);
}

void
endorse_orgs_compare(const endorse_state *state, struct endorse_pinned *files, size_t n,
	endorse_reporter *r)
{
	char name[300], file[320], want[ENDORSE_VKEY_MAX + 1];

	if (n > 0)
		qsort(files, n, sizeof(*files), by_name);
	for (size_t i = 0; i < endorse_state_org_count(state); i++) {
		const endorse_org *org = endorse_state_org(state, i);
		struct endorse_pinned key = {name, NULL, 0, false, {0}}, *f;

		if (!org->has_key)
			continue;
		(void)snprintf(name, sizeof(name), "%s.vkey", org->id);
		(void)snprintf(file, sizeof(file), "%s/%s", ENDORSE_ORGS_DIR, name);
		endorse_vkey_format(want, &org->key);
		f = n > 0 ? bsearch(&key, files, n, sizeof(*files), by_name) : NULL;
		if (f == NULL)
			endorse_report(r, file, 0, "keys-orgs", "missing: it must pin the organization's "
				"current key, one line: %s", want);
		else if (!f->regular)
			endorse_report(r, file, 0, "keys-orgs", "must be a regular file holding one line: %s",
				want);
		else if (f->len != strlen(want) + 1 || memcmp(f->text, want, f->len - 1) != 0 ||
			 f->text[f->len - 1] != '\n')
			endorse_report(r, file, 0, "keys-orgs", "does not pin the organization's current key; "
				"it must hold one line: %s", want);
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(files[i].name);
		const endorse_org *org;

		(void)snprintf(file, sizeof(file), "%s/%.260s", ENDORSE_ORGS_DIR, files[i].name);
		if (len <= 5 || len - 5 >= sizeof(name) || strcmp(files[i].name + len - 5, ".vkey") != 0) {
			endorse_report(r, file, 0, "keys-orgs",
				"unexpected file: keys/orgs holds only <organization id>.vkey files");
			continue;
		}
		memcpy(name, files[i].name, len - 5);
		name[len - 5] = '\0';
		org = endorse_state_find_org(state, name);
		if (org == NULL || !org->has_key)
			endorse_report(r, file, 0, "keys-orgs", "%s", org == NULL
				? "no organization of this id in the log"
				: "the organization has no current key (it was revoked): remove the file");
	}
}

void
endorse_pinned_free(struct endorse_pinned *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(files[i].name);
		free(files[i].text);
	}
	free(files);
}

int
endorse_pinned_add(struct endorse_pinned **files, size_t *n, const char *name, const char *text,
	size_t len, bool regular)
{
	struct endorse_pinned *grown = realloc(*files, (*n + 1) * sizeof(**files)), *f;

	if (grown == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	*files = grown;
	f = &grown[*n];
	f->name = strdup(name);
	f->text = malloc(len + 1);
	f->len = len;
	f->regular = regular;
	if (f->name == NULL || f->text == NULL) {
		free(f->name);
		free(f->text);
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	}
	if (len > 0)
		memcpy(f->text, text, len);
	f->text[len] = '\0';
	memset(f->id, 0, sizeof(f->id));
	(*n)++;
	return 0;
}

int
endorse_policy_check(endorse_policy **out, const char *text, size_t len, endorse_reporter *r)
{
	endorse_diag diag = {0};
	uint64_t line = 0;
	int rc = endorse_policy_parse_diag(out, text, len, &line, &diag);

	if (rc == ENDORSE_EINVALID)
		endorse_report(r, ENDORSE_POLICY_PATH, line, diag.rule, "%s", diag.message);
	return rc;
}
