/* Replaying a log: its lines, fed to the line checker (line.h) either from
 * the log file in one streaming pass or from a buffer (a git blob); a full
 * replay has worker threads prepare each batch of lines (prepare.c) while
 * the one before is checked. Every problem is reported, not only the
 * first; the state keeps only what later lines can refer to, so memory
 * grows with organisations, not with lines. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "array.h"
#include "error.h"
#include "line.h"
#include "replay.h"
#include "file.h"
#include "prepare.h"
#include "report.h"
#include "state.h"

#define READ_CHUNK (1u << 20)

/* Lines per batch: the workers prepare one while the replay applies the
 * one before. */
#define BATCH_LINES 2048

/* ---- batches of lines, from a buffer or a file ---- */

struct batch {
	char *buf;                /* a file's bytes of the lines; unused for a buffer */
	endorse_prepared *lines;  /* grown up to BATCH_LINES: a small log stays small */
	size_t cap;
	size_t count;
};

/* Only while the batch is not the workers'. NULL: out of memory. */
static endorse_prepared *
add_line(struct batch *b, const char *text, size_t len, bool has_lf)
{
	endorse_prepared *p, *grown = endorse_array_reserve(b->lines, &b->cap, b->count + 1,
		sizeof(*grown));

	if (grown == NULL)
		return NULL;
	b->lines = grown;
	p = &b->lines[b->count++];
	memset(p, 0, sizeof(*p));
	p->text = text;
	p->len = len;
	p->has_lf = has_lf;
	return p;
}

static void
report_final_lf(endorse_reporter *r, uint64_t line_no)
{
	endorse_report(r, ENDORSE_LOG_PATH, line_no, "final-lf",
		"the last line does not end with a newline");
}

/* Fills the next batch (none left: count 0) or fails. */
typedef int (*fill_fn)(void *source, struct batch *b);

/* Applies every line that fill gives, in order, while the workers prepare
 * the batch after it. */
static int
replay_batches(endorse_state *state, fill_fn fill, void *source, endorse_reporter *r)
{
	struct batch b[2] = {{0}};
	endorse_workers *w = NULL;
	endorse_checker checker;
	int rc, cur = 0;

	endorse_checker_init(&checker, state, ENDORSE_CHECK_ALL | ENDORSE_LINE_PREPARED, NULL, r);
	if ((rc = endorse_workers_new(&w, r->opt != NULL ? r->opt->jobs : 0,
		     endorse_state_origin(state))) != 0 ||
	    (rc = fill(source, &b[0])) != 0)
		goto out;
	endorse_workers_start(w, b[0].lines, b[0].count);
	while (b[cur].count > 0) {
		struct batch *now = &b[cur], *next = &b[1 - cur];

		rc = fill(source, next);  /* reads while the workers prepare */
		endorse_workers_wait(w);
		if (rc == 0)
			endorse_workers_start(w, next->lines, next->count);
		for (size_t i = 0; i < now->count; i++) {
			if (!now->lines[i].has_lf)
				report_final_lf(r, endorse_state_size(state) + 1);
			endorse_line_check(&checker, &now->lines[i]);
		}
		now->count = 0;
		if (rc != 0)
			goto out;
		cur = 1 - cur;
	}
out:
	if (w != NULL)
		endorse_workers_wait(w);
	endorse_workers_free(w);
	for (int i = 0; i < 2; i++) {
		for (size_t j = 0; b[i].lines != NULL && j < b[i].count; j++)
			endorse_entry_clear(&b[i].lines[j].entry);
		free(b[i].lines);
		free(b[i].buf);
	}
	return rc;
}

struct buffer_source {
	const char *p, *end;
};

static int
buffer_fill(void *source, struct batch *b)
{
	struct buffer_source *s = source;

	b->count = 0;
	while (s->p < s->end && b->count < BATCH_LINES) {
		const char *lf = memchr(s->p, '\n', (size_t)(s->end - s->p));
		size_t n = lf != NULL ? (size_t)(lf - s->p) : (size_t)(s->end - s->p);

		/* a blob is held whole: a long line is refused by the parser */
		if (add_line(b, s->p, n, lf != NULL) == NULL)
			return ENDORSE_ENOMEM;
		s->p += n + (lf != NULL);
	}
	return 0;
}

void
endorse_replay_lines(endorse_state *state, const char *data, size_t len, endorse_reporter *r)
{
	struct buffer_source source = {data, data + len};

	if (replay_batches(state, buffer_fill, &source, r) != 0)
		endorse_report(r, ENDORSE_LOG_PATH, 0, "resources", "could not check the log: %s",
			endorse_error_last());
}

void
endorse_replay_trusted(endorse_state *state, const char *data, size_t len,
	bool (*keep)(void *ctx, const char *line, size_t len), void *ctx, endorse_reporter *r)
{
	const char *p = data, *end = data + len, *last = NULL;
	endorse_checker checker;
	uint8_t hash[32];
	size_t last_len = 0;

	/* verified before: no hashing, only what later lines need */
	endorse_checker_init(&checker, state, 0, NULL, r);
	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		size_t n = lf != NULL ? (size_t)(lf - p) : (size_t)(end - p);

		if (keep == NULL || keep(ctx, p, n)) {
			endorse_prepared line = {.text = p, .len = n, .has_lf = lf != NULL};
			endorse_line_check(&checker, &line);
		} else {
			endorse_state_skip(state, 1);
		}
		last = p;
		last_len = n;
		p += n + (lf != NULL);
	}
	if (last != NULL) {
		crypto_hash_sha256(hash, (const uint8_t *)last, last_len);
		endorse_state_set_head(state, hash);
	}
}

/* ---- the log file, read in one pass ---- */

#define FILE_BUF ((size_t)READ_CHUNK + ENDORSE_MAX_LINE + 1)

struct file_source {
	int fd;
	bool eof;
	const char *carry;  /* the start of a line that the last batch did not hold */
	size_t carry_len;
};

static int
read_more(struct file_source *f, char *to, size_t room, size_t *got)
{
	ssize_t n;

	do {
		n = read(f->fd, to, room);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return endorse_error_set(ENDORSE_EIO, NULL, "%s: read failed: %s", ENDORSE_LOG_PATH,
			strerror(errno));
	f->eof = n == 0;
	*got = (size_t)n;
	return 0;
}

/* A line longer than ENDORSE_MAX_LINE, at the start of b->buf: hashed while
 * it is read past, and added without its text. What follows it is moved to
 * the start of the buffer. */
static int
skip_long_line(struct file_source *f, struct batch *b, size_t *end)
{
	crypto_hash_sha256_state h, leaf;
	const uint8_t leaf_prefix = 0x00;
	endorse_prepared *p;
	size_t len = 0, got = 0;
	bool has_lf = false;
	int rc;

	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_init(&leaf);
	crypto_hash_sha256_update(&leaf, &leaf_prefix, 1);
	for (;;) {
		char *lf = memchr(b->buf, '\n', *end);
		size_t n = lf != NULL ? (size_t)(lf - b->buf) : *end;

		crypto_hash_sha256_update(&h, (const uint8_t *)b->buf, n);
		crypto_hash_sha256_update(&leaf, (const uint8_t *)b->buf, n);
		len += n;
		if (lf != NULL) {
			memmove(b->buf, lf + 1, *end - n - 1);
			*end -= n + 1;
			has_lf = true;
			break;
		}
		*end = 0;
		if (f->eof)
			break;
		if ((rc = read_more(f, b->buf, FILE_BUF, &got)) != 0)
			return rc;
		*end = got;
	}
	if ((p = add_line(b, NULL, len, has_lf)) == NULL)
		return ENDORSE_ENOMEM;
	crypto_hash_sha256_final(&h, p->hash);
	crypto_hash_sha256_final(&leaf, p->leaf);
	p->hashed = true;
	return 0;
}

static int
file_fill(void *source, struct batch *b)
{
	struct file_source *f = source;
	size_t start = 0, end = f->carry_len, got = 0;
	int rc;

	b->count = 0;
	if (f->eof && end == 0)
		return 0;  /* the end: no buffer needed */
	if (b->buf == NULL && (b->buf = malloc(FILE_BUF)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if (end > 0)
		memcpy(b->buf, f->carry, end);
	for (;;) {
		char *lf = memchr(b->buf + start, '\n', end - start);
		size_t avail = end - start;

		if (lf != NULL) {
			if (add_line(b, b->buf + start, (size_t)(lf - (b->buf + start)), true) == NULL)
				return ENDORSE_ENOMEM;
			start = (size_t)(lf - b->buf) + 1;
			if (b->count == BATCH_LINES)
				break;
		} else if (avail > ENDORSE_MAX_LINE) {
			if (b->count > 0)
				break;  /* it starts the next batch */
			if ((rc = skip_long_line(f, b, &end)) != 0)
				return rc;
		} else if (f->eof) {
			if (avail > 0 && add_line(b, b->buf + start, avail, false) == NULL)
				return ENDORSE_ENOMEM;
			start = end;
			break;
		} else if (end == FILE_BUF) {
			break;  /* the partial line starts the next batch */
		} else {
			if ((rc = read_more(f, b->buf + end, FILE_BUF - end, &got)) != 0)
				return rc;
			end += got;
		}
	}
	f->carry = b->buf + start;
	f->carry_len = end - start;
	return 0;
}

int
endorse_replay_file(endorse_state *state, const char *dir, endorse_reporter *rep)
{
	struct file_source f = {.fd = -1};
	char *path = endorse_path_join(dir, ENDORSE_LOG_PATH);
	struct stat st;
	int rc = 0;

	if (path == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	f.fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC); /* a FIFO must not block */
	if (f.fd < 0) {
		if (errno == ELOOP) {
			endorse_report(rep, ENDORSE_LOG_PATH, 0, "file",
				"the log is a symbolic link; it must be a regular file");
			rc = ENDORSE_EINVALID;
		} else {
			int code = errno == ENOENT ? ENDORSE_ENOTFOUND : ENDORSE_EIO;
			rc = endorse_error_set(code, NULL, "%s: %s", path, strerror(errno));
		}
		goto out;
	}
	if (fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		endorse_report(rep, ENDORSE_LOG_PATH, 0, "file", "the log must be a regular file");
		rc = ENDORSE_EINVALID;
		goto out;
	}
	rc = replay_batches(state, file_fill, &f, rep);
	if (rc == 0 && endorse_state_size(state) == 0)
		endorse_report(rep, ENDORSE_LOG_PATH, 0, "first-entry",
			"the log is empty; its first line must register a document");
out:
	if (f.fd >= 0)
		close(f.fd);
	free(path);
	return rc;
}

int
endorse_log_each_line(const char *dir, endorse_line_fn fn, void *ctx)
{
	struct file_source f = {.fd = -1};
	struct batch b = {0};
	char *path = endorse_path_join(dir, ENDORSE_LOG_PATH);
	struct stat st;
	int rc = 0;

	if (path == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	f.fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (f.fd < 0) {
		int code = errno == ENOENT ? ENDORSE_ENOTFOUND : ENDORSE_EIO;
		rc = endorse_error_set(code, NULL, "%s: %s", path, errno == ELOOP ? "a symbolic link; the log must be a regular file"
				       : strerror(errno));
		free(path);
		return rc;
	}
	if (fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = endorse_error_set(ENDORSE_EINVALID, NULL, "%s: the log must be a regular file", path);
		goto out;
	}
	while (rc == 0 && (rc = file_fill(&f, &b)) == 0 && b.count > 0)
		for (size_t i = 0; rc == 0 && i < b.count; i++)
			rc = fn(ctx, &b.lines[i], i + 1 == b.count);
	if (rc > 0)
		rc = 0;  /* stopped early */
out:
	close(f.fd);
	free(b.lines);
	free(b.buf);
	free(path);
	return rc;
}

/* A writer's replay: the lines of one organisation and the documents. */
static int
check_writer_line(void *ctx, endorse_prepared *p, bool batch_end)
{
	const endorse_checker *checker = ctx;
	uint8_t head[32];

	endorse_line_check(checker, p);
	if (batch_end) {
		/* the last line of the log is the last of a batch: its hash is the head */
		if (p->text != NULL)
			crypto_hash_sha256(head, (const uint8_t *)p->text, p->len);
		else
			memcpy(head, p->hash, 32);
		endorse_state_set_head(checker->state, head);
	}
	if (!p->has_lf)
		report_final_lf(checker->r, endorse_state_size(checker->state));
	return 0;
}

/* Checked as verify would, signatures too, but for prev (the line before
 * was not hashed) and future-time (line.c says why). */
int
endorse_replay_file_for(endorse_state *state, const char *dir, const char *org_id,
	endorse_reporter *rep)
{
	endorse_checker checker;
	int rc;

	endorse_checker_init(&checker, state, ENDORSE_CHECK_SEQ | ENDORSE_CHECK_CANONICAL |
		ENDORSE_CHECK_SIGNATURES | ENDORSE_CHECK_CONCERNED, org_id, rep);
	rc = endorse_log_each_line(dir, check_writer_line, &checker);
	if (rc == 0 && endorse_state_size(state) == 0)
		endorse_report(rep, ENDORSE_LOG_PATH, 0, "first-entry",
			"the log is empty; its first line must register a document");
	return rc;
}
