/* statement.c: the library-internal declarations of its module. */
#ifndef ENDORSE_STATEMENT_H
#define ENDORSE_STATEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "endorse.h"
#include "error.h"

/* statement.c */
/* Whether s is a document id: 1 to 64 of a-z 0-9 -. */
bool endorse_document_id_valid(const char *s);
/* The forms of a document reference (endorse_document_ref_valid): 8 to 64
 * lowercase hex digits, a prefix of a SHA-256; ID@VERSION, *at its '@'. */
bool endorse_document_ref_is_prefix(const char *ref);
bool endorse_document_ref_split(const char *ref, const char **at, uint64_t *version);
/* endorse_signed_message for an entry parsed (fully) from line. */
int endorse_signed_message_of_line(uint8_t **out, size_t *len, const char *origin,
	const char *line, size_t line_len, const endorse_statement *st);

/* Checks the members' values of a parsed statement (lengths, formats) and
 * parses its signer and its new_signer or key into entry; check_points as
 * for endorse_vkey_parse_checked, through points when it is not NULL. */
int endorse_statement_check_values(endorse_entry *entry, bool check_points,
	endorse_points *points);

/* out = one second after t, a valid SPEC time (a writer's time after its
 * organisation's last); ENDORSE_EINVALID when t is not valid or the next
 * second is past year 9999. */
int endorse_time_next_second(char out[21], const char *t);

#endif
