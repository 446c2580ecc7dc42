/* endorse witness request: the client of C2SP tlog-witness. The log's
 * checkpoint goes to each policy witness that has a URL; what comes back
 * is a stranger's answer until its cosignature verifies with the key
 * keys/policy gives THAT witness. The cosignatures that do are added to
 * log/checkpoint in one write, under the log's lock, which is never held
 * while waiting for the network. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "checkpoint_log.h"
#include "checkpoint_write.h"
#include "encoding.h"
#include "error.h"
#include "https.h"
#include "policy.h"

#define EM_DASH_SPACE "\xe2\x80\x94 "
/* The most bytes of a witness's answer: a few signature lines, or a size. */
#define ANSWER_MAX 65536
/* The most decimal digits of a size (2^64 - 1 has 20). */

/* What is sent to a witness, and what its answer must verify with. */
struct ask {
	const char *url;            /* the witness's submission prefix */
	const endorse_vkey *key;    /* its key in keys/policy */
	const char *note;           /* log/checkpoint, as it is */
	size_t note_len;
	const endorse_note *parsed; /* its parse: the text the witness signs */
	const endorse_checkpoint *cp;
	const uint8_t (*leaves)[32]; /* the log's leaf hashes (consistency proofs) */
	uint64_t leaf_count;
	long timeout_ms;
	const char *cacert;
	uint64_t now;
};

void
endorse_witness_outcome_clear(endorse_witness_outcome *out)
{
	for (size_t i = 0; i < out->count; i++) {
		free(out->answers[i].name);
		free(out->answers[i].message);
		free(out->answers[i].line);
	}
	free(out->answers);
	out->answers = NULL;
	out->count = 0;
}

/* The witness failed: message says how, in words. */
__attribute__((format(printf, 2, 3))) static void
fail(endorse_witness_answer *w, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	w->status = ENDORSE_WITNESS_FAILED;
	free(w->message);
	w->message = strdup(text); /* NULL when out of memory: the status still says it */
}

/* prefix + "/add-checkpoint", without doubling a '/' the prefix ends with. */
static char *
add_checkpoint_url(const char *prefix)
{
	size_t n = strlen(prefix), size;
	char *url;

	if (n > 0 && prefix[n - 1] == '/')
		n--;
	size = n + sizeof("/add-checkpoint");
	if ((url = malloc(size)) != NULL)
		(void)snprintf(url, size, "%.*s/add-checkpoint", (int)n, prefix);
	return url;
}

/* The add-checkpoint body: "old N", the consistency proof from N to the
 * checkpoint's size (one base64 hash a line), a blank line, the note. */
static int
request_body(char **out, size_t *len, const struct ask *a, uint64_t old)
{
	uint8_t proof[ENDORSE_MERKLE_MAX_PROOF][32];
	size_t n = 0, size, at;
	char *body;
	int rc;

	if (old > 0 && old < a->cp->size && (a->leaves == NULL || a->leaf_count < a->cp->size))
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"the log's leaf hashes are not at hand to prove consistency");
	if ((rc = endorse_merkle_prove_consistency(proof, &n, a->leaves, old, a->cp->size)) != 0)
		return rc;
	size = 32 + n * 46 + 1 + a->note_len + 1;
	if ((body = malloc(size)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	at = (size_t)snprintf(body, size, "old %llu\n", (unsigned long long)old);
	for (size_t i = 0; i < n; i++) {
		endorse_base64_encode(body + at, size - at, proof[i], 32);
		at += strlen(body + at);
		body[at++] = '\n';
	}
	body[at++] = '\n';
	memcpy(body + at, a->note, a->note_len);
	*out = body;
	*len = at + a->note_len;
	return 0;
}

/* A text/x.tlog.size body: a tree size as checkpoints write it (a decimal
 * without leading zeros, at most 2^63-1), then LF. */
static bool
parse_size(uint64_t *out, const char *body, size_t len)
{
	return len >= 2 && body[len - 1] == '\n' &&
		endorse_parse_decimal(out, body, len - 1, (uint64_t)INT64_MAX);
}

/* Whether a Content-Type is text/x.tlog.size (parameters aside). */
static bool
is_size_type(const char *type)
{
	static const char want[] = "text/x.tlog.size";
	size_t n = sizeof(want) - 1;

	if (type == NULL || strncasecmp(type, want, n) != 0)
		return false;
	type += n;
	while (*type == ' ' || *type == '\t')
		type++;
	return *type == '\0' || *type == ';';
}

/* An answer of 200: signature lines only ("— NAME BASE64", each ending in
 * LF), a bounded number, of which the one by this witness's key must
 * verify over the checkpoint's text. Lines of other keys are counted. */
static int
read_cosignature(endorse_witness_answer *w, const struct ask *a, const char *body, size_t len)
{
	endorse_note *reply = NULL;
	const endorse_note_signature *mine = NULL;
	size_t lines = 0, size = a->parsed->text_len + 1 + len;
	uint64_t time = 0;
	bool ok = false;
	char *msg;
	int rc = 0;

	for (size_t i = 0; i < len; i++)
		lines += body[i] == '\n';
	if (len == 0 || body[len - 1] != '\n' || lines > ENDORSE_NOTE_MAX_SIGNATURES ||
	    memchr(body, '\0', len) != NULL) {
		fail(w, "its answer is not signature lines each ending in a newline (at most %d)",
			ENDORSE_NOTE_MAX_SIGNATURES);
		return 0;
	}
	for (const char *p = body; p < body + len; p = strchr(p, '\n') + 1)
		if (strncmp(p, EM_DASH_SPACE, strlen(EM_DASH_SPACE)) != 0) {
			fail(w, "its answer holds a line that is not a note signature line "
				"(one starting with an em dash and a space)");
			return 0;
		}
	if ((msg = malloc(size)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	memcpy(msg, a->parsed->text, a->parsed->text_len);
	msg[a->parsed->text_len] = '\n';
	memcpy(msg + a->parsed->text_len + 1, body, len);
	if (endorse_note_parse(&reply, msg, size) != 0) {
		fail(w, "its answer is not well-formed signature lines: %s", endorse_error_last());
		goto out;
	}
	for (size_t i = 0; i < reply->sig_count; i++)
		if (endorse_note_signed_by(&reply->sigs[i], a->key))
			mine = &reply->sigs[i];
	w->ignored = reply->sig_count - (mine != NULL);
	if (mine == NULL)
		fail(w, "its answer holds no cosignature by its key in keys/policy (%s)", a->key->name);
	else if (endorse_note_verify(reply, a->key, 1, &ok, &time) != 0)
		fail(w, "its cosignature does not verify with its key in keys/policy: %s",
			endorse_error_last());
	else if (time > a->now + ENDORSE_COSIGNATURE_SKEW)
		fail(w, "its cosignature is dated %llu, more than %d seconds after this clock",
			(unsigned long long)time, ENDORSE_COSIGNATURE_SKEW);
	else if ((w->line = strdup(mine->line)) == NULL)
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	else
		w->status = ENDORSE_WITNESS_COSIGNED;
out:
	endorse_note_free(reply);
	free(msg);
	return rc;
}

/* What a final answer other than 200 means, in words (C2SP tlog-witness). */
static void
judge_status(endorse_witness_answer *w, const struct ask *a, long status)
{
	if (status >= 300 && status < 400)
		fail(w, "it answered with a redirect (status %ld), which is not followed: "
			"correct its URL in keys/policy", status);
	else if (status == 400)
		fail(w, "it refused the request as malformed (400 Bad Request)");
	else if (status == 403)
		fail(w, "it knows this log but no log signature on the checkpoint verifies with the "
			"log key it has (403 Forbidden): it was given another key for %s", a->cp->origin);
	else if (status == 404)
		fail(w, "it does not witness this log (404 Not Found): ask its operator to add the "
			"origin %s with the log's vkey", a->cp->origin);
	else if (status == 409 && w->witness_size == a->cp->size)
		fail(w, "it answered 409 Conflict again from its own size, %llu: it cosigned another "
			"root for a tree of that size (a fork: a split view)",
			(unsigned long long)a->cp->size);
	else if (status == 409)
		fail(w, "it answered 409 Conflict again: it cosigned another checkpoint meanwhile; "
			"run the request again");
	else if (status == 413)
		fail(w, "it refused the request as too large (413 Content Too Large)");
	else if (status == 422)
		fail(w, "it says the consistency proof does not verify (422 Unprocessable Content): "
			"the log's history is not the one whose checkpoint it cosigned before (a split "
			"view, or a rewritten log)");
	else
		fail(w, "it answered with status %ld, which C2SP tlog-witness gives no meaning", status);
}

/* One POST of the checkpoint from size old; false when the witness
 * failed (said in w) and *rc when the trouble is local. */
static bool
exchange(endorse_http_response *res, int *rc, endorse_witness_answer *w, const struct ask *a,
	uint64_t old)
{
	char *body = NULL, *url = add_checkpoint_url(a->url);
	size_t len = 0;

	*rc = url == NULL ? endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory")
			  : request_body(&body, &len, a, old);
	if (*rc == ENDORSE_EUSAGE) {
		fail(w, "cannot prove consistency from its size %llu: %s", (unsigned long long)old,
			endorse_error_last());
		*rc = 0;
	} else if (*rc == 0) {
		*rc = endorse_http_post(res, url, "text/plain; charset=utf-8", body, len, ANSWER_MAX,
			a->timeout_ms, a->cacert);
		if (*rc == 0 && res->reason != NULL)
			fail(w, "no answer from %s: %s", url, res->reason);
	}
	free(body);
	free(url);
	return *rc == 0 && w->status != ENDORSE_WITNESS_FAILED;
}

/* Asks from size 0 first; a 409 naming the witness's size (text/x.tlog.size)
 * is answered once more with the consistency proof from that size. */
static int
ask_witness(endorse_witness_answer *w, const struct ask *a)
{
	endorse_http_response res = {0};
	uint64_t old = 0;
	int rc = 0;

	for (int attempt = 0; attempt < 2; attempt++) {
		endorse_http_response_clear(&res);
		if (!exchange(&res, &rc, w, a, old))
			break;
		w->http_status = res.status;
		if (res.status == 200) {
			rc = read_cosignature(w, a, res.body, res.len);
			break;
		}
		if (res.status != 409 || attempt == 1) {
			judge_status(w, a, res.status);
			break;
		}
		if (!is_size_type(res.content_type)) {
			fail(w, "it answered 409 Conflict without its size (no text/x.tlog.size body)");
			break;
		}
		if (!parse_size(&old, res.body, res.len)) {
			fail(w, "it answered 409 Conflict with a malformed size (text/x.tlog.size is a "
				"decimal without leading zeros, then a newline)");
			break;
		}
		w->witness_size = old;
		if (old > a->cp->size || old == 0) {
			fail(w, old == 0 ? "it answered 409 Conflict naming size 0, the size asked from" :
				"it has cosigned a larger tree of this log (%llu entries) than "
				"log/checkpoint's (%llu): sign a checkpoint of the whole log; if the log "
				"has fewer entries than the witness saw, it saw another history (a split "
				"view)", (unsigned long long)old, (unsigned long long)a->cp->size);
			break;
		}
	}
	endorse_http_response_clear(&res);
	return rc;
}

/* Asks every policy witness with a URL and no valid cosignature yet. */
static int
ask_all(endorse_witness_outcome *out, const endorse_policy *policy,
	const endorse_checkpoint_result *res, struct ask *a)
{
	size_t n = endorse_policy_witness_count(policy);
	int rc = 0;

	if (n > 0 && (out->answers = calloc(n, sizeof(*out->answers))) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	out->count = n;
	for (size_t i = 0; i < n && rc == 0; i++) {
		endorse_witness_answer *w = &out->answers[i];

		if ((w->name = strdup(endorse_policy_witness_name(policy, i))) == NULL)
			return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		a->url = endorse_policy_witness_url(policy, i);
		a->key = endorse_policy_witness_key(policy, i);
		if (res->cosigned[i])
			w->status = ENDORSE_WITNESS_ALREADY;
		else if (a->url == NULL)
			w->status = ENDORSE_WITNESS_NO_URL;
		else if ((rc = ask_witness(w, a)) == 0 && w->status == ENDORSE_WITNESS_COSIGNED)
			out->added++;
	}
	return rc;
}

/* Adds one verified signature line to note. */
static int
add_line(endorse_note *note, const char *line)
{
	endorse_note *one = NULL;
	size_t size = note->text_len + 1 + strlen(line) + 2; /* LF, NUL */
	char *msg = malloc(size);
	int rc;

	if (msg == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	(void)snprintf(msg, size, "%.*s\n%s\n", (int)note->text_len, note->text, line);
	if ((rc = endorse_note_parse(&one, msg, size - 1)) == 0)
		rc = endorse_note_add_signature(note, &one->sigs[0]);
	endorse_note_free(one);
	free(msg);
	return rc;
}

/* Under the log's lock: log/checkpoint must still be the checkpoint sent
 * (other cosignatures may have come meanwhile); the verified lines are
 * added (each replacing an older signature of its key), the result checked
 * against the policy as verify would, and written as one commit. */
static int
merge(endorse_witness_outcome *out, const endorse_witness_request *req,
	const endorse_policy *policy, const endorse_note *sent)
{
	endorse_checkpoint_result now = {0}, after = {0};
	endorse_storage *s = NULL;
	char *note = NULL, *data = NULL, message[200];
	size_t len = 0, data_len = 0;
	int rc;

	if ((rc = endorse_checkpoint_write_begin(&s, req->dir, req->commit,
		     out->completed_hex)) != 0 ||
	    (rc = endorse_checkpoint_read_checked(&now, &note, &len, NULL, req->dir)) != 0)
		goto out;
	if (now.note->text_len != sent->text_len ||
	    memcmp(now.note->text, sent->text, sent->text_len) != 0) {
		rc = endorse_error_set(ENDORSE_EIO, NULL, "%s changed while the witnesses were asked "
			"(it is now a checkpoint of %llu entries); nothing was written: ask again",
			ENDORSE_CHECKPOINT_PATH, (unsigned long long)now.checkpoint.size);
		goto out;
	}
	for (size_t i = 0; i < out->count && rc == 0; i++)
		if (out->answers[i].status == ENDORSE_WITNESS_COSIGNED)
			rc = add_line(now.note, out->answers[i].line);
	if (rc != 0 || (rc = endorse_note_format(&data, &data_len, now.note)) != 0 ||
	    (rc = endorse_checkpoint_check(&after, policy, data, data_len,
		     (uint64_t)time(NULL))) != 0)
		goto out;
	out->quorum = after.quorum;
	(void)snprintf(message, sizeof(message), "endorse: %zu witness%s cosign%s the checkpoint "
		"of %llu entries", out->added, out->added == 1 ? "" : "es", out->added == 1 ? "s" : "",
		(unsigned long long)now.checkpoint.size);
	rc = endorse_checkpoint_write_put(s, data, data_len, message, out->commit_hex);
out:
	endorse_checkpoint_result_clear(&now);
	endorse_checkpoint_result_clear(&after);
	free(note);
	free(data);
	endorse_storage_end(s);
	return rc;
}

int
endorse_witness_request_all(const endorse_witness_request *req,
	const endorse_verify_options *opt, endorse_witness_outcome *out)
{
	endorse_checkpoint_result res = {0};
	endorse_policy *policy = NULL;
	endorse_state *state = NULL;
	char *note = NULL;
	size_t len = 0;
	struct ask a = {0};
	int rc;

	*out = (endorse_witness_outcome){0};
	/* verified without the lock: the lock is taken only to write, once the
	 * witnesses have answered */
	if ((rc = endorse_checkpoint_write_verify(&state, req->dir, opt)) != 0 ||
	    (rc = endorse_checkpoint_read_checked(&res, &note, &len, &policy, req->dir)) != 0)
		goto out;
	out->checkpoint = res.checkpoint;
	out->quorum = res.quorum;
	a = (struct ask){.note = note, .note_len = len, .parsed = res.note, .cp = &res.checkpoint,
		.timeout_ms = req->timeout_ms, .cacert = req->cacert, .now = (uint64_t)time(NULL)};
	a.leaves = endorse_state_leaves(state, &a.leaf_count);
	if ((rc = ask_all(out, policy, &res, &a)) != 0 || out->added == 0)
		goto out;
	rc = merge(out, req, policy, res.note);
out:
	endorse_checkpoint_result_clear(&res);
	endorse_policy_free(policy);
	endorse_state_free(state);
	free(note);
	return rc;
}
