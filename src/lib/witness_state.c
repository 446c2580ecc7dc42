/* A witness's memory (witness_state.h): the last checkpoint it cosigned for
 * each origin, in a directory of its own, one writer at a time. That memory
 * is what turns one witness into a defence against a split view, so it is
 * written and fsynced before the witness shows its cosignature, and a file
 * in it that is not what it should be stops the witness rather than being
 * overwritten. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <unistd.h>

#include <sodium.h>

#include "encoding.h"
#include "error.h"
#include "file.h"
#include "witness_state.h"

/* The witness's memory: state_dir/<SHA-256 of the origin, hex>.<witness
 * key ID>, the checkpoint note it last cosigned for that origin exactly as
 * it published it (the operator's signature and its own cosignature; the
 * origin is the note's first line). A hash, so that every origin SPEC.md
 * allows fits in a file name and origins differing in case do not meet on
 * a file system that ignores case. */
void
endorse_witness_state_name(char name[80], const char *origin, const endorse_vkey *witness)
{
	uint8_t digest[32];
	char hex[65], id[9];

	crypto_hash_sha256(digest, (const uint8_t *)origin, strlen(origin));
	endorse_hex_encode(hex, digest, sizeof(digest));
	endorse_vkey_id_hex(id, witness);
	(void)snprintf(name, 80, "%s.%s", hex, id);
}

/* Before: state_dir/<origin, percent-encoded>.<witness key ID>, holding the
 * checkpoint's text only. Read when there is no state under the new name,
 * and removed once the new one is written. false if the name cannot be
 * (it is too long: no such file was ever written). */
static bool
old_state_file_name(char name[256], const char *origin, const endorse_vkey *witness)
{
	char id[9];
	size_t n = 0;

	for (const char *c = origin; *c; c++) {
		bool plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			(*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_';

		if (n + (plain ? 1 : 3) > 255 - 9) /* NAME_MAX, less ".<key ID>" */
			return false;
		if (plain)
			name[n++] = *c;
		else
			n += (size_t)snprintf(name + n, 4, "%%%02X", (unsigned char)*c);
	}
	endorse_vkey_id_hex(id, witness);
	(void)snprintf(name + n, 256 - n, ".%s", id);
	return true;
}

int
endorse_witness_state_open(endorse_witness_state *ws, const char *state_dir)
{
	int rc = endorse_dir_open_path(&ws->dir, state_dir, true, 0700);

	ws->lock = -1;
	ws->path = state_dir;
	if (rc != 0) {
		ws->dir = -1;
		return endorse_error_wrap(rc, "cannot open the witness state directory %s", state_dir);
	}
	ws->lock = openat(ws->dir, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (ws->lock < 0 || flock(ws->lock, LOCK_EX) != 0)
		return endorse_error_set(ENDORSE_EIO, NULL,
			"cannot lock the witness state directory %s: %s",
			state_dir, strerror(errno));
	return 0;
}

void
endorse_witness_state_close(endorse_witness_state *ws)
{
	if (ws->lock >= 0)
		close(ws->lock);
	if (ws->dir >= 0)
		close(ws->dir);
	ws->lock = ws->dir = -1;
}

/* The state under the new name: a note of the origin's checkpoint that
 * carries this witness's own valid cosignature. */
static bool
state_note_valid(endorse_checkpoint *prev, const char *text, size_t len, const char *origin,
	const endorse_vkey *witness)
{
	endorse_note *note = NULL;
	bool mine = false, ok;

	ok = memchr(text, '\0', len) == NULL && endorse_note_parse(&note, text, len) == 0 &&
		endorse_checkpoint_parse(prev, note->text, note->text_len) == 0 &&
		strcmp(prev->origin, origin) == 0 &&
		endorse_note_verify(note, witness, 1, &mine, NULL) == 0 && mine;
	endorse_note_free(note);
	return ok;
}

/* Reads the witness's memory for the origin; *text is NULL if none. *signed_note
 * tells whether it is the signed note (else the text of a state of the old
 * form); *old whether it was found under the old name. */
static int
read_state(char **text, bool *signed_note, bool *old, endorse_checkpoint *prev, int dir,
	const char *state_dir, const char *origin, const endorse_vkey *witness)
{
	char name[256], shown[4096];
	size_t len = 0;
	int rc;

	*text = NULL;
	*signed_note = true;
	*old = false;
	memset(prev, 0, sizeof(*prev));
	endorse_witness_state_name(name, origin, witness);
	(void)snprintf(shown, sizeof(shown), "%s/%s", state_dir, name);
	/* the witness's own state, not input to judge: a file that cannot be
	 * read as one (a link, too large) is trouble, exit 2, not invalid */
	if ((rc = endorse_file_read_at(text, &len, dir, name, shown, ENDORSE_NOTE_MAX)) ==
	    ENDORSE_EINVALID)
		rc = ENDORSE_EIO;
	if (rc == 0 && !state_note_valid(prev, *text, len, origin, witness))
		goto damaged;
	if (rc != ENDORSE_ENOTFOUND || !old_state_file_name(name, origin, witness))
		return rc == ENDORSE_ENOTFOUND ? 0 : rc;
	(void)snprintf(shown, sizeof(shown), "%s/%s", state_dir, name);
	if ((rc = endorse_file_read_at(text, &len, dir, name, shown, ENDORSE_NOTE_MAX)) ==
	    ENDORSE_EINVALID)
		rc = ENDORSE_EIO;
	if (rc == ENDORSE_ENOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	*signed_note = false;
	*old = true;
	if (memchr(*text, '\0', len) != NULL || endorse_checkpoint_parse(prev, *text, len) != 0)
		goto damaged;
	if (strcmp(prev->origin, origin) != 0) {
		free(*text);
		*text = NULL;
		/* the old name of an origin differing only in case, on a file
		 * system that ignores case: that origin's memory, not this one's */
		if (strcasecmp(prev->origin, origin) == 0) {
			*old = false;
			return 0;
		}
		goto damaged;
	}
	return 0;
damaged:
	free(*text);
	*text = NULL;
	return endorse_error_set(ENDORSE_EIO, NULL,
		"%s: not a checkpoint of %s cosigned by %s; the witness "
		"state is damaged, refusing to cosign (restore it from a backup)", shown, origin,
		witness->name);
}

int
endorse_witness_state_read(endorse_witness_memory *m, const endorse_witness_state *ws,
	const char *origin, const endorse_vkey *witness)
{
	*m = (endorse_witness_memory){0};
	return read_state(&m->text, &m->signed_note, &m->old, &m->prev, ws->dir, ws->path, origin,
		witness);
}

void
endorse_witness_memory_clear(endorse_witness_memory *m)
{
	free(m->text);
	m->text = NULL;
}

int
endorse_witness_state_write(const endorse_witness_state *ws, const endorse_witness_memory *m,
	const char *origin, const endorse_vkey *witness, const char *note, size_t len)
{
	char name[256], *path;
	int rc;

	endorse_witness_state_name(name, origin, witness);
	if ((path = endorse_path_join(ws->path, name)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	endorse_remove_temps_of(path); /* a writer killed before its rename left them */
	rc = endorse_file_write_atomic(path, note, len, 0600, false);
	free(path);
	if (rc == 0 && m->old && old_state_file_name(name, origin, witness))
		(void)unlinkat(ws->dir, name, 0); /* migrated */
	return rc;
}
