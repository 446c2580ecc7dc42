/* C2SP tlog-witness, the bytes of it: the body of an add-checkpoint
 * request, and the witness network's logs/v0 list of the logs a witness
 * witnesses. Both come from strangers (any client may post; a list may be
 * fetched from the network), so both are parsed strictly and bounded. */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "encoding.h"
#include "error.h"

/* The next line of [*p, end) without its LF; false if none ends in LF. */
static bool
next_line(const char **line, size_t *len, const char **p, const char *end)
{
	const char *lf = *p < end ? memchr(*p, '\n', (size_t)(end - *p)) : NULL;

	if (lf == NULL)
		return false;
	*line = *p;
	*len = (size_t)(lf - *p);
	*p = lf + 1;
	return true;
}

static int
request_invalid(const char *why)
{
	return endorse_error_set(ENDORSE_EINVALID, "request", "%s", why);
}

int
endorse_add_checkpoint_parse(endorse_add_checkpoint *req, const char *body, size_t len)
{
	const char *p = body, *end = body + len, *line;
	size_t n;

	memset(req, 0, sizeof(*req));
	if (len > ENDORSE_ADD_CHECKPOINT_MAX)
		return request_invalid("the request is larger than 64 KiB");
	if (memchr(body, '\0', len) != NULL)
		return request_invalid("the request holds a NUL byte");
	if (!next_line(&line, &n, &p, end) || n < 4 || memcmp(line, "old ", 4) != 0 ||
	    !endorse_parse_decimal(&req->old_size, line + 4, n - 4, (uint64_t)INT64_MAX))
		return request_invalid("the request must begin with \"old SIZE\", SIZE a decimal "
			"without leading zeros");
	for (;;) {
		if (!next_line(&line, &n, &p, end))
			return request_invalid("the request has no empty line before its checkpoint");
		if (n == 0)
			break;
		if (req->proof_len == ENDORSE_ADD_CHECKPOINT_MAX_PROOF)
			return request_invalid("the consistency proof has more than 63 hashes");
		if (!endorse_base64_decode_exact(req->proof[req->proof_len], 32, line, n))
			return request_invalid("a consistency proof line is not base64 of 32 bytes");
		req->proof_len++;
	}
	if (p == end)
		return request_invalid("the request has no checkpoint after its empty line");
	req->note = p;
	req->note_len = (size_t)(end - p);
	return 0;
}

/* ---- logs/v0 ---- */

/* A log of the list, as the index by origin holds it. */
typedef const endorse_witnessed_log *log_ref;

struct endorse_log_list {
	endorse_witnessed_log *logs;
	size_t count, cap;
	log_ref *by_origin; /* sorted: found by bsearch */
};

void
endorse_log_list_free(endorse_log_list *list)
{
	if (list == NULL)
		return;
	free(list->logs);
	free(list->by_origin);
	free(list);
}

size_t
endorse_log_list_count(const endorse_log_list *list)
{
	return list->count;
}

const endorse_witnessed_log *
endorse_log_list_at(const endorse_log_list *list, size_t i)
{
	return i < list->count ? &list->logs[i] : NULL;
}

static int
by_origin(const void *a, const void *b)
{
	const log_ref *x = a, *y = b;

	return strcmp((*x)->origin, (*y)->origin);
}

const endorse_witnessed_log *
endorse_log_list_find(const endorse_log_list *list, const char *origin)
{
	endorse_witnessed_log key;
	log_ref k = &key;
	const log_ref *found;

	if (list->count == 0 || strlen(origin) > ENDORSE_NAME_MAX)
		return NULL;
	memcpy(key.origin, origin, strlen(origin) + 1);
	found = bsearch(&k, list->by_origin, list->count, sizeof(log_ref), by_origin);
	return found != NULL ? *found : NULL;
}

static int
list_invalid(size_t line_no, const char *why)
{
	return endorse_error_set(ENDORSE_EINVALID, "logs", "line %zu: %s", line_no, why);
}

/* An origin as a checkpoint's first line may be: 1 to ENDORSE_NAME_MAX
 * printable bytes, no control character (a line of the list holds no LF). */
static bool
origin_valid(const char *s, size_t n)
{
	if (n == 0 || n > ENDORSE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* "vkey VKEY": a new log, its origin the key's name until an origin line. */
static int
add_log(endorse_log_list *list, const char *arg, size_t n, size_t line_no)
{
	endorse_witnessed_log *grown, *log;

	if (list->count == ENDORSE_LOG_LIST_MAX)
		return list_invalid(line_no, "more logs than a witness serves (100,000)");
	grown = endorse_array_reserve(list->logs, &list->cap, list->count + 1, sizeof(*grown));
	if (grown == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	list->logs = grown;
	log = &list->logs[list->count];
	memset(log, 0, sizeof(*log));
	if (endorse_vkey_parse(&log->key, arg, n) != 0 || log->key.type != ENDORSE_KEY_ED25519)
		return list_invalid(line_no, "not the vkey of an Ed25519 log key (type 0x01)");
	memcpy(log->origin, log->key.name, sizeof(log->origin));
	list->count++;
	return 0;
}

/* "origin ORIGIN|none", once, right after the log's vkey line. */
static int
set_origin(endorse_log_list *list, const char *arg, size_t n, size_t line_no, bool *seen)
{
	endorse_witnessed_log *log = &list->logs[list->count - 1];

	if (*seen)
		return list_invalid(line_no, "an origin line must follow its log's vkey line, once");
	*seen = true;
	if (n == 4 && memcmp(arg, "none", 4) == 0)
		return 0;
	if (!origin_valid(arg, n))
		return list_invalid(line_no, "an origin must be 1 to 255 printable bytes");
	memcpy(log->origin, arg, n);
	log->origin[n] = '\0';
	return 0;
}

/* One line of the list after its header: keyword, one space, argument. */
static int
list_line(endorse_log_list *list, const char *line, size_t n, size_t line_no, bool *origin_seen)
{
	static const char *const others[] = {"qpd", "bastion", "contact"};
	const char *sp = memchr(line, ' ', n), *arg;
	size_t kw, an;

	if (sp == NULL || sp + 1 == line + n)
		return list_invalid(line_no, "expected \"KEYWORD VALUE\"");
	kw = (size_t)(sp - line);
	arg = sp + 1;
	an = n - kw - 1;
	if (kw == 4 && memcmp(line, "vkey", 4) == 0) {
		*origin_seen = false;
		return add_log(list, arg, an, line_no);
	}
	if (list->count == 0)
		return list_invalid(line_no, "a log begins with its vkey line");
	if (kw == 6 && memcmp(line, "origin", 6) == 0)
		return set_origin(list, arg, an, line_no, origin_seen);
	/* what the witness keeps nothing of: said for the network's humans */
	*origin_seen = true;
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (kw == strlen(others[i]) && memcmp(line, others[i], kw) == 0)
			return 0;
	return list_invalid(line_no, "unknown keyword (logs/v0 has vkey, origin, qpd, bastion, "
		"contact)");
}

/* The index by origin; two logs with one origin would make the witness's
 * choice of key depend on their order. */
static int
index_origins(endorse_log_list *list)
{
	if (list->count == 0)
		return 0;
	if ((list->by_origin = malloc(list->count * sizeof(log_ref))) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < list->count; i++)
		list->by_origin[i] = &list->logs[i];
	qsort(list->by_origin, list->count, sizeof(log_ref), by_origin);
	for (size_t i = 1; i < list->count; i++)
		if (strcmp(list->by_origin[i - 1]->origin, list->by_origin[i]->origin) == 0)
			return endorse_error_set(ENDORSE_EINVALID, "logs",
				"two logs have the origin \"%.64s\"", list->by_origin[i]->origin);
	return 0;
}

int
endorse_log_list_parse(endorse_log_list **out, const char *text, size_t len)
{
	endorse_log_list *list;
	const char *p = text, *end = text + len, *line;
	size_t n, line_no = 0;
	bool header = false, origin_seen = false;
	int rc = 0;

	*out = NULL;
	if ((list = calloc(1, sizeof(*list))) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if (memchr(text, '\0', len) != NULL || (len > 0 && text[len - 1] != '\n'))
		rc = endorse_error_set(ENDORSE_EINVALID, "logs",
			"a logs list is lines of text, each ending with a newline");
	while (rc == 0 && next_line(&line, &n, &p, end)) {
		line_no++;
		if (n == 0 || line[0] == '#')
			continue;
		if (!header) {
			header = n == 7 && memcmp(line, "logs/v0", 7) == 0;
			if (!header)
				rc = list_invalid(line_no, "a logs list begins with \"logs/v0\"");
			continue;
		}
		rc = list_line(list, line, n, line_no, &origin_seen);
	}
	if (rc == 0 && !header)
		rc = endorse_error_set(ENDORSE_EINVALID, "logs", "no \"logs/v0\" header");
	if (rc == 0)
		rc = index_origins(list);
	if (rc != 0) {
		endorse_log_list_free(list);
		return rc;
	}
	*out = list;
	return 0;
}
