/* witness_state.c: the library-internal declarations of its module. */
#ifndef ENDORSE_WITNESS_STATE_H
#define ENDORSE_WITNESS_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "endorse.h"

/* A witness's memory: for each origin, the last checkpoint it cosigned.
 * endorse cosign and endorse witness serve keep it alike, so that one
 * witness key has one memory however it is asked. */
typedef struct endorse_witness_state {
	int lock;          /* flock'd state_dir/.lock: one writer at a time */
	int dir;           /* state_dir, opened without following a link */
	const char *path;  /* state_dir as given, for messages */
} endorse_witness_state;

/* What the memory holds for one origin. */
typedef struct endorse_witness_memory {
	char *text;               /* NULL: nothing cosigned for the origin yet */
	bool signed_note;         /* text is the cosigned note (else the old
	                             form: the checkpoint's text, unsigned) */
	bool old;                 /* found under the old file name */
	endorse_checkpoint prev;  /* the checkpoint it holds */
} endorse_witness_memory;

/* Opens (making it, 0700, if needed) and locks the state directory,
 * waiting for another writer. */
int endorse_witness_state_open(endorse_witness_state *ws, const char *state_dir);
void endorse_witness_state_close(endorse_witness_state *ws);

/* <SHA-256 of the origin, hex>.<witness key ID, hex>: the memory's file. */
void endorse_witness_state_name(char name[80], const char *origin, const endorse_vkey *witness);

/* Reads the memory for origin (m->text NULL if none). A file there that is
 * not a checkpoint of origin cosigned by witness is ENDORSE_EIO: the
 * witness's own state is damaged, not input to judge. */
int endorse_witness_state_read(endorse_witness_memory *m, const endorse_witness_state *ws,
	const char *origin, const endorse_vkey *witness);
void endorse_witness_memory_clear(endorse_witness_memory *m);

/* Records note (the checkpoint as cosigned) as the memory for origin,
 * written and fsynced before it returns; a memory of the old form that m
 * was read from is removed. */
int endorse_witness_state_write(const endorse_witness_state *ws, const endorse_witness_memory *m,
	const char *origin, const endorse_vkey *witness, const char *note, size_t len);

#endif
