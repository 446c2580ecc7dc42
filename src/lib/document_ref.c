/* References to a document version as people type them: a SHA-256 or a
 * prefix of one as the outputs show (8 or 12 hex digits), latest, an id, or
 * ID@VERSION. */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "statement.h"

/* The versions of id, the newest or the version-th (0: the newest). */
static const endorse_document *
by_id(const endorse_state *state, const char *id, size_t id_len, uint64_t version)
{
	const endorse_document *found = NULL;
	uint64_t seen = 0;

	for (size_t i = 0; i < endorse_state_document_count(state); i++) {
		const endorse_document *d = endorse_state_document(state, i);
		if (strlen(d->id) != id_len || memcmp(d->id, id, id_len) != 0)
			continue;
		if (++seen == version || version == 0)
			found = d;
	}
	if (found == NULL && seen > 0)
		endorse_error_set(ENDORSE_EINVALID, "document", "document %.*s has %llu version%s, "
			"not a version %llu", (int)id_len, id, (unsigned long long)seen,
			seen == 1 ? "" : "s", (unsigned long long)version);
	else if (found == NULL)
		endorse_error_set(ENDORSE_EINVALID, "document", "no document of this log has the id "
			"%.*s", (int)id_len, id);
	return found;
}

/* How many versions' SHA-256 starts with prefix; *first is the first. */
static size_t
prefix_matches(const endorse_state *state, const char *prefix, const endorse_document **first)
{
	size_t n = strlen(prefix), matches = 0;

	*first = NULL;
	for (size_t i = 0; i < endorse_state_document_count(state); i++) {
		const endorse_document *d = endorse_state_document(state, i);
		if (strncmp(d->sha256, prefix, n) == 0 && matches++ == 0)
			*first = d;
	}
	return matches;
}

const endorse_document *
endorse_state_resolve_document(const endorse_state *state, const char *ref)
{
	size_t n = endorse_state_document_count(state);
	const endorse_document *d;
	const char *at;
	uint64_t version;

	if (!endorse_document_ref_valid(ref)) {
		endorse_error_set(ENDORSE_EINVALID, "document", "\"%.72s\" names no document version: "
			"give its SHA-256 or at least its first 8 hex digits, latest, its id or "
			"ID@VERSION", ref);
		return NULL;
	}
	if (n == 0) {
		endorse_error_set(ENDORSE_EINVALID, "document", "the log has no document");
		return NULL;
	}
	if (strcmp(ref, "latest") == 0)
		return endorse_state_document(state, n - 1);
	if (endorse_document_ref_split(ref, &at, &version))
		return by_id(state, ref, (size_t)(at - ref), version);
	if (!endorse_document_ref_is_prefix(ref))
		return by_id(state, ref, strlen(ref), 0);
	/* Hex digits are a prefix first; an id made of hex digits (a valid id)
	 * only when no version's SHA-256 starts with them. */
	size_t matches = prefix_matches(state, ref, &d);
	if (matches == 1)
		return d;
	if (matches > 1) {
		endorse_error_set(ENDORSE_EINVALID, "document", "%s is the start of the SHA-256 of "
			"%zu document versions: give more of its digits", ref, matches);
		return NULL;
	}
	if ((d = by_id(state, ref, strlen(ref), 0)) == NULL)
		endorse_error_set(ENDORSE_EINVALID, "document", "no document version of this log has "
			"a SHA-256 starting with %s", ref);
	return d;
}
