/* A tlog-witness server's decisions (C2SP tlog-witness): whether to
 * cosign a checkpoint a client posts, and what to answer. The HTTP itself
 * is the caller's (src/cli/witness_http.c); the memory is the same as
 * endorse cosign's (witness_state.c), so one witness key has one memory
 * however it is asked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "error.h"
#include "file.h"
#include "witness_state.h"

#define SIZE_TYPE "text/x.tlog.size"
#define TEXT_TYPE "text/plain; charset=utf-8"
/* What the checks below return when they have set the answer (a refusal):
 * nothing more to do. < 0 is local trouble, 0 to go on. */
#define ANSWERED 1

void
endorse_witness_reply_clear(endorse_witness_reply *a)
{
	free(a->body);
	a->body = NULL;
	a->len = 0;
}

/* A refusal: status, and why for the server's log and as a line of text
 * for the client to show. ANSWERED. */
static int
refuse(endorse_witness_reply *a, unsigned status, const char *why)
{
	(void)snprintf(a->why, sizeof(a->why), "%s", why);
	a->status = status;
	a->content_type = TEXT_TYPE;
	free(a->body);
	a->len = strlen(a->why) + 1;
	if ((a->body = malloc(a->len + 1)) == NULL) {
		(void)endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		return ENDORSE_ENOMEM;
	}
	(void)snprintf(a->body, a->len + 1, "%s\n", a->why);
	return ANSWERED;
}

/* 409: the size of the last checkpoint cosigned, as text/x.tlog.size.
 * ANSWERED. */
static int
conflict(endorse_witness_reply *a, uint64_t size, const char *why)
{
	char text[24];

	(void)snprintf(a->why, sizeof(a->why), "%s (the witness holds %llu)", why,
		(unsigned long long)size);
	a->status = 409;
	a->content_type = SIZE_TYPE;
	a->len = (size_t)snprintf(text, sizeof(text), "%llu\n", (unsigned long long)size);
	if ((a->body = strdup(text)) == NULL) {
		(void)endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		return ENDORSE_ENOMEM;
	}
	return ANSWERED;
}

/* Keeps only the log key's signatures: the memory and the monitors' copy
 * hold the checkpoint as the log signed it and as this witness cosigned
 * it, not what else a client sent along. */
static void
keep_log_signatures(endorse_note *note, const endorse_vkey *log_key)
{
	size_t kept = 0;

	for (size_t i = 0; i < note->sig_count; i++) {
		endorse_note_signature *s = &note->sigs[i];

		if (endorse_note_signed_by(s, log_key)) {
			note->sigs[kept++] = *s;
			continue;
		}
		free(s->name);
		free(s->sig);
		free(s->line);
	}
	note->sig_count = kept;
}

/* The checks that need no memory: a request, a note, a checkpoint of a
 * log this witness witnesses, signed by its key. *log is that log.
 * ANSWERED when refused. */
static int
check_request(endorse_witness_reply *a, endorse_add_checkpoint *req, endorse_note **note,
	endorse_checkpoint *cp, const endorse_witnessed_log **log, const endorse_witness_service *w,
	const char *body, size_t len)
{
	bool verified = false;
	char why[96];

	if (endorse_add_checkpoint_parse(req, body, len) != 0 ||
	    endorse_note_parse(note, req->note, req->note_len) != 0 ||
	    endorse_checkpoint_parse(cp, (*note)->text, (*note)->text_len) != 0)
		return refuse(a, 400, endorse_error_get()->message);
	(void)snprintf(a->origin, sizeof(a->origin), "%s", cp->origin);
	a->size = cp->size;
	if ((*log = endorse_log_list_find(w->logs, cp->origin)) == NULL)
		return refuse(a, 404, "this witness does not witness the log of this origin");
	if (endorse_note_verify(*note, &(*log)->key, 1, &verified, NULL) != 0)
		return refuse(a, 403, endorse_error_get()->message);
	if (!verified)
		return refuse(a, 403, "the checkpoint is not signed by the log's key");
	if (req->old_size > cp->size) {
		(void)snprintf(why, sizeof(why), "old size %llu is larger than the checkpoint's size",
			(unsigned long long)req->old_size);
		return refuse(a, 400, why);
	}
	if (req->old_size == 0 && req->proof_len != 0)
		return refuse(a, 400, "a consistency proof from size 0 must be empty");
	if (req->old_size == cp->size && req->proof_len != 0)
		return refuse(a, 400, "a consistency proof between equal sizes must be empty");
	return 0;
}

/* Whether the checkpoint extends the one the witness holds (the old size
 * already matched): 409 for another root of the same size, 422 for a
 * proof that does not lead from it (ANSWERED). */
static int
check_consistent(endorse_witness_reply *a, const endorse_add_checkpoint *req,
	const endorse_witness_memory *m, const endorse_checkpoint *cp)
{
	if (m->text == NULL)
		return 0;
	if (req->old_size == cp->size) {
		if (memcmp(m->prev.root, cp->root, 32) != 0)
			return conflict(a, m->prev.size, "another root for the size this witness holds");
		return 0;
	}
	if (req->old_size == 0) /* every tree extends the empty one */
		return 0;
	char why[96];

	if (!endorse_merkle_check_consistency(req->old_size, cp->size, m->prev.root, cp->root,
		    (const uint8_t(*)[32])req->proof, req->proof_len)) {
		(void)snprintf(why, sizeof(why), "the consistency proof from size %llu does not verify",
			(unsigned long long)req->old_size);
		return refuse(a, 422, why);
	}
	return 0;
}

/* Cosigns, remembers (fsynced), then answers with the cosignature line. */
static int
cosign_and_record(endorse_witness_reply *a, const endorse_witness_service *w,
	const endorse_witness_state *ws, const endorse_witness_memory *m, endorse_note *note,
	const endorse_witnessed_log *log, uint64_t now)
{
	const endorse_vkey *key = endorse_secret_key_vkey(w->key);
	const char *line = NULL;
	char *data = NULL;
	size_t data_len = 0;
	int rc;

	keep_log_signatures(note, &log->key);
	if ((rc = endorse_note_sign(note, w->key, now)) != 0 ||
	    (rc = endorse_note_format(&data, &data_len, note)) != 0 ||
	    (rc = endorse_witness_state_write(ws, m, log->origin, key, data, data_len)) != 0) {
		free(data);
		return rc;
	}
	free(data);
	for (size_t i = 0; i < note->sig_count; i++)
		if (endorse_note_signed_by(&note->sigs[i], key))
			line = note->sigs[i].line;
	if (line == NULL)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "the cosignature was not added");
	a->len = strlen(line) + 1;
	if ((a->body = malloc(a->len + 1)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	(void)snprintf(a->body, a->len + 1, "%s\n", line);
	a->status = 200;
	a->content_type = TEXT_TYPE;
	return 0;
}

int
endorse_witness_add_checkpoint(endorse_witness_reply *a, const endorse_witness_service *w,
	const char *body, size_t len, uint64_t now)
{
	endorse_witness_state ws = {-1, -1, NULL};
	endorse_witness_memory memory = {0};
	const endorse_witnessed_log *log = NULL;
	endorse_add_checkpoint req;
	endorse_checkpoint cp;
	endorse_note *note = NULL;
	uint64_t held;
	int rc;

	*a = (endorse_witness_reply){0};
	if ((rc = check_request(a, &req, &note, &cp, &log, w, body, len)) != 0)
		goto out;
	/* From here to the answer, one request at a time: the size checked is
	 * the size replaced (else two requests could roll the memory back). */
	if ((rc = endorse_witness_state_open(&ws, w->state_dir)) != 0 ||
	    (rc = endorse_witness_state_read(&memory, &ws, log->origin,
		     endorse_secret_key_vkey(w->key))) != 0)
		goto out;
	held = memory.text != NULL ? memory.prev.size : 0;
	if (req.old_size != held)
		rc = conflict(a, held, "the old size is not the size this witness holds");
	else if ((rc = check_consistent(a, &req, &memory, &cp)) == 0)
		rc = cosign_and_record(a, w, &ws, &memory, note, log, now);
out:
	if (rc == ANSWERED)
		rc = 0;
	endorse_witness_state_close(&ws);
	endorse_witness_memory_clear(&memory);
	endorse_note_free(note);
	if (rc != 0)
		endorse_witness_reply_clear(a);
	return rc;
}

int
endorse_witness_get_checkpoint(endorse_witness_reply *a, const endorse_witness_service *w,
	const char *origin_hex)
{
	char name[80], id[9], *path;
	size_t n = strlen(origin_hex);
	int rc;

	*a = (endorse_witness_reply){0};
	if (n != 64 || strspn(origin_hex, "0123456789abcdef") != 64)
		return refuse(a, 404, "not the SHA-256 of an origin in lowercase hex") == ANSWERED ?
			0 : ENDORSE_ENOMEM;
	endorse_vkey_id_hex(id, endorse_secret_key_vkey(w->key));
	(void)snprintf(name, sizeof(name), "%s.%s", origin_hex, id);
	if ((path = endorse_path_join(w->state_dir, name)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	rc = endorse_file_read(&a->body, &a->len, path, ENDORSE_NOTE_MAX);
	free(path);
	if (rc == ENDORSE_ENOTFOUND)
		return refuse(a, 404, "this witness has cosigned no checkpoint of that origin") ==
			ANSWERED ? 0 : ENDORSE_ENOMEM;
	if (rc != 0)
		return rc;
	a->status = 200;
	a->content_type = TEXT_TYPE;
	return 0;
}

int
endorse_witness_service_check(const endorse_witness_service *w)
{
	endorse_witness_state ws = {-1, -1, NULL};
	const endorse_vkey *key = endorse_secret_key_vkey(w->key);
	int rc;

	if (key->type != ENDORSE_KEY_COSIGNATURE)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "%s is not a witness key (make one "
			"with 'endorse keygen --witness NAME')", key->name);
	rc = endorse_witness_state_open(&ws, w->state_dir);
	endorse_witness_state_close(&ws);
	return rc;
}
