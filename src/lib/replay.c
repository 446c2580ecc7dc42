/* Replaying a log: every line's bytes, JSON, chain, signature and rules, fed
 * either from a file in one streaming pass or from a buffer (a git blob);
 * and the comparison of keys/orgs with the replayed state. Every problem is
 * reported, not only the first; the state keeps only what later lines can
 * refer to, so memory grows with organisations, not with lines. */
#define _GNU_SOURCE /* memmem */
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

/* Lines per batch: the workers prepare one while the replay applies the
 * one before. */
#define BATCH_LINES 2048

/* Whether a statement's time lies beyond latest (this machine's clock plus
 * ENDORSE_STATEMENT_SKEW), reported as future-time (verify only: see
 * apply_concerned). */
static bool
report_future(const endorse_statement *st, const char *latest, uint64_t line_no,
	endorse_reporter *r)
{
	if (strcmp(st->time, latest) <= 0)
		return false;
	endorse_report(r, ENDORSE_LOG_PATH, line_no, "future-time",
		"time %s is more than %d minutes after this machine's clock; a statement "
		"cannot be signed in the future", st->time, ENDORSE_STATEMENT_SKEW / 60);
	return true;
}

/* Applies a prepared line: what depends on the lines before it (seq, prev,
 * the statement's rules in the state) and what was found alone. */
static void
apply_prepared(endorse_state *state, endorse_prepared *p, const char *latest, endorse_reporter *r)
{
	uint64_t n = endorse_state_size(state), line_no = n + 1, before = r->problems;
	endorse_diag diag = {0};

	if (!p->has_lf)
		endorse_report(r, ENDORSE_LOG_PATH, line_no, "final-lf",
			"the last line does not end with a newline");
	if (p->text == NULL) {
		endorse_report(r, ENDORSE_LOG_PATH, line_no, "line-length",
			"line is %zu bytes long; at most %d are allowed", p->len, ENDORSE_MAX_LINE);
	} else if (p->parse_rc != 0) {
		endorse_report(r, ENDORSE_LOG_PATH, line_no, p->diag.rule, "%s", p->diag.message);
	} else {
		if (p->entry.seq != n)
			endorse_report(r, ENDORSE_LOG_PATH, line_no, "seq",
				"seq is %llu; line %llu must have seq %llu",
				(unsigned long long)p->entry.seq, (unsigned long long)line_no,
				(unsigned long long)n);
		if (sodium_memcmp(p->entry.prev, endorse_state_head(state), 32) != 0)
			endorse_report(r, ENDORSE_LOG_PATH, line_no, "prev", "%s",
				n == 0 ? "prev of the first line must be 64 zeros"
				       : "prev is not the SHA-256 of the line before");
		/* a future-dated line's rules would only report what follows from
		 * its time; reported, it is not passed to on_entry either */
		if (!report_future(&p->entry.statement, latest, line_no, r) &&
		    endorse_state_check_prepared(state, &p->entry, &p->sigs, &diag) != 0)
			endorse_report(r, ENDORSE_LOG_PATH, line_no, diag.rule, "%s", diag.message);
		else if (r->problems == before && r->opt != NULL && r->opt->on_entry != NULL)
			r->opt->on_entry(r->opt->ctx, &p->entry, state);
	}
	endorse_entry_clear(&p->entry);
	endorse_state_advance(state, p->hash, p->leaf);
}

/* A line verified before (trusted): only what later lines need. */
static void
apply_trusted(endorse_state *state, const char *text, size_t len, endorse_reporter *r)
{
	uint64_t line_no = endorse_state_size(state) + 1;
	endorse_entry entry;
	endorse_diag diag = {0};

	if (endorse_entry_parse_checked(&entry, text, len, false, &diag) != 0 ||
	    endorse_state_check(state, &entry, true, false, &diag) != 0)
		endorse_report(r, ENDORSE_LOG_PATH, line_no, diag.rule, "%s", diag.message);
	else if (r->opt != NULL && r->opt->on_entry != NULL)
		r->opt->on_entry(r->opt->ctx, &entry, state);
	endorse_entry_clear(&entry);
}

/* A line that a writer replays: checked as verify would, signatures too,
 * but for prev (the line before it was not hashed) and future-time: a line
 * dated ahead of the clock, which verify refuses, must not stop the log key
 * from revoking the key that signed it, nor the organisation from signing
 * with a new key after that (state.c: a revoked key's times do not count).
 * Another organization's line is passed over, whatever its text mentions. */
static void
apply_concerned(endorse_state *state, const char *text, size_t len, const char *org_id,
	endorse_reporter *r)
{
	uint64_t n = endorse_state_size(state), line_no = n + 1;
	endorse_entry entry;
	endorse_diag diag = {0};
	int rc = endorse_line_select(&entry, text, len, org_id, true, &diag);

	if (rc < 0)
		endorse_report(r, ENDORSE_LOG_PATH, line_no, diag.rule, "%s", diag.message);
	if (rc <= 0)
		return;
	if (entry.seq != n)
		endorse_report(r, ENDORSE_LOG_PATH, line_no, "seq", "seq is %llu; line %llu must have "
			"seq %llu", (unsigned long long)entry.seq, (unsigned long long)line_no,
			(unsigned long long)n);
	if (endorse_state_check(state, &entry, true, true, &diag) != 0)
		endorse_report(r, ENDORSE_LOG_PATH, line_no, diag.rule, "%s", diag.message);
	endorse_entry_clear(&entry);
}

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
	endorse_prepared *p;

	if (b->count == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16;
		endorse_prepared *grown = realloc(b->lines, cap * sizeof(*grown));

		if (grown == NULL) {
			(void)endorse_fail(ENDORSE_ENOMEM, "out of memory");
			return NULL;
		}
		b->lines = grown;
		b->cap = cap;
	}
	p = &b->lines[b->count++];
	memset(p, 0, sizeof(*p));
	p->text = text;
	p->len = len;
	p->has_lf = has_lf;
	return p;
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
	char latest[21];
	int rc, cur = 0;

	endorse_time_from_now(latest, ENDORSE_STATEMENT_SKEW);
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
		for (size_t i = 0; i < now->count; i++)
			apply_prepared(state, &now->lines[i], latest, r);
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
	struct buffer_source source = {data, data + len};
	uint8_t hash[32];
	size_t last_len = 0;

	if (!trusted) {
		if (replay_batches(state, buffer_fill, &source, r) != 0)
			endorse_report(r, ENDORSE_LOG_PATH, 0, "resources",
				"could not check the log: %s", endorse_error_last());
		return;
	}
	/* Verified before: no hashing, only what later lines need. */
	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		size_t n = lf != NULL ? (size_t)(lf - p) : (size_t)(end - p);

		if (keep == NULL || keep(ctx, p, n))
			apply_trusted(state, p, n, r);
		endorse_state_skip(state, 1);
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
		return endorse_fail(ENDORSE_EIO, "%s: read failed: %s", ENDORSE_LOG_PATH, strerror(errno));
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
	size_t len = 0, got;
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
	size_t start = 0, end = f->carry_len, got;
	int rc;

	b->count = 0;
	if (f->eof && end == 0)
		return 0;  /* the end: no buffer needed */
	if (b->buf == NULL && (b->buf = malloc(FILE_BUF)) == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
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
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	f.fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC); /* a FIFO must not block */
	if (f.fd < 0) {
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

bool
endorse_line_concerns(const char *line, size_t len, const char *const *org_ids, size_t n)
{
	if (memmem(line, len, "\"type\":\"document\"", 17) != NULL)
		return true;
	for (size_t i = 0; i < n; i++)
		if (memmem(line, len, org_ids[i], strlen(org_ids[i])) != NULL)
			return true;
	return false;
}

void
endorse_entry_org_names(const endorse_entry *e, const char *names[3])
{
	names[0] = e->statement.org_id;
	names[1] = e->signer.name;
	names[2] = e->other.name[0] != '\0' ? e->other.name : NULL;
}

bool
endorse_entry_concerns(const endorse_entry *e, const char *org_id)
{
	const char *names[3];

	if (e->statement.type == ENDORSE_DOCUMENT)
		return true;
	endorse_entry_org_names(e, names);
	for (size_t i = 0; org_id != NULL && i < 3; i++)
		if (names[i] != NULL && strcmp(names[i], org_id) == 0)
			return true;
	return false;
}

int
endorse_line_select(endorse_entry *e, const char *line, size_t len, const char *org_id,
	bool full, endorse_diag *diag)
{
	memset(e, 0, sizeof(*e));
	/* only a shortcut: a line that concerns org_id holds its id, or
	 * registers a document; the choice is made on the parsed members */
	if (!endorse_line_concerns(line, len, &org_id, org_id != NULL))
		return 0;
	if (endorse_entry_parse_checked(e, line, len, full, diag) != 0)
		return ENDORSE_EINVALID;
	if (endorse_entry_concerns(e, org_id))
		return 1;
	endorse_entry_clear(e);
	return 0;
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
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	f.fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (f.fd < 0) {
		rc = endorse_fail(errno == ENOENT ? ENDORSE_ENOTFOUND : ENDORSE_EIO, "%s: %s", path,
			errno == ELOOP ? "a symbolic link; the log must be a regular file"
				       : strerror(errno));
		free(path);
		return rc;
	}
	if (fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = endorse_fail(ENDORSE_EINVALID, "%s: the log must be a regular file", path);
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

struct for_append {
	endorse_state *state;
	const char *org_id;
	endorse_reporter *r;
};

static int
replay_line_for(void *ctx, const endorse_prepared *p, bool batch_end)
{
	struct for_append *a = ctx;
	uint8_t head[32];

	if (p->text == NULL)
		endorse_report(a->r, ENDORSE_LOG_PATH, endorse_state_size(a->state) + 1,
			"line-length", "line is %zu bytes long; at most %d are allowed", p->len,
			ENDORSE_MAX_LINE);
	else
		apply_concerned(a->state, p->text, p->len, a->org_id, a->r);
	endorse_state_skip(a->state, 1);
	if (batch_end) {
		/* the last line of the log is the last of a batch: its hash is the head */
		if (p->text != NULL)
			crypto_hash_sha256(head, (const uint8_t *)p->text, p->len);
		else
			memcpy(head, p->hash, 32);
		endorse_state_set_head(a->state, head);
	}
	if (!p->has_lf)
		endorse_report(a->r, ENDORSE_LOG_PATH, endorse_state_size(a->state), "final-lf",
			"the last line does not end with a newline");
	return 0;
}

int
endorse_replay_file_for(endorse_state *state, const char *dir, const char *org_id,
	endorse_reporter *rep)
{
	struct for_append a = {state, org_id, rep};
	int rc = endorse_log_each_line(dir, replay_line_for, &a);

	if (rc == 0 && endorse_state_size(state) == 0)
		endorse_report(rep, ENDORSE_LOG_PATH, 0, "first-entry",
			"the log is empty; its first line must register a document");
	return rc;
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

/* The number of the policy's "log" line (1-based; 0 if none). */
static uint64_t
log_line(const char *text, size_t len)
{
	uint64_t n = 1;

	for (size_t i = 0; i < len; n++) {
		if (len - i >= 4 && memcmp(text + i, "log ", 4) == 0)
			return n;
		const char *lf = memchr(text + i, '\n', len - i);
		if (lf == NULL)
			break;
		i = (size_t)(lf - text) + 1;
	}
	return 0;
}

int
endorse_policy_check(endorse_policy **out, const char *text, size_t len, endorse_reporter *r)
{
	endorse_diag diag = {0};
	uint64_t line = 0;
	int rc = endorse_policy_parse_diag(out, text, len, &line, &diag);
	const endorse_vkey *want = r->opt != NULL ? r->opt->log_key : NULL;

	if (rc == ENDORSE_EINVALID) {
		endorse_report(r, ENDORSE_POLICY_PATH, line, diag.rule, "%s", diag.message);
	} else if (rc == 0 && want != NULL && !endorse_vkey_equal(endorse_policy_log_key(*out), want)) {
		char got[ENDORSE_VKEY_MAX], pinned[ENDORSE_VKEY_MAX];
		endorse_vkey_format(got, endorse_policy_log_key(*out));
		endorse_vkey_format(pinned, want);
		/* Reported, not fatal: the rest is checked as usual, so that every
		 * problem is named; the log still fails. */
		endorse_report(r, ENDORSE_POLICY_PATH, log_line(text, len), "log-key",
			"the log key is %s, not the one given (%s): this is another log, or a copy "
			"made with another key", got, pinned);
	}
	return rc;
}
