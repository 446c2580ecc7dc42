/* The state of the log after replaying it: documents, organisations, their
 * keys and endorsements; and the rules of SPEC.md §4 that depend on it.
 * Memory grows with organisations and documents, never with entries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

/* A string-keyed hash table of indices. SipHash with a random key keeps a
 * hostile log from forcing collisions. */
struct index {
	size_t *slots; /* index + 1; 0 is empty */
	size_t cap;
	size_t count;
	uint8_t key[crypto_shorthash_KEYBYTES];
};

#define NO_KEY SIZE_MAX

/* A key an organisation has held. The keys not revoked form a list ordered
 * by the time of the last statement each signed (org_record.newest is its
 * end): that time is the organisation's time floor (check_entry). */
struct held_key {
	endorse_vkey key;
	bool revoked;
	bool listed;
	char last_time[21];
	size_t older, newer; /* in the list; NO_KEY at its ends */
};

/* Keys are found by public key in a hash set once an organisation has held
 * more than a few, so that K rotations cost O(K), not O(K^2). */
#define HELD_LINEAR 8

struct org_record {
	endorse_org pub;
	struct held_key *keys;
	size_t key_count;
	size_t keys_cap;   /* grown by doubling: realloc by one would copy O(K^2) */
	size_t *key_slots; /* index + 1; 0 is empty; NULL while key_count <= HELD_LINEAR */
	size_t key_cap;
	size_t newest;     /* the key not revoked that signed last, or NO_KEY */
	/* rules only: the documents it endorses now, in place of pub.endorsements */
	uint32_t *active;
	size_t active_count;
};

struct endorse_state {
	endorse_vkey log_key;
	uint64_t size;
	uint8_t head[32]; /* SHA-256 of the last line */
	endorse_merkle tree;
	bool tree_unknown; /* lines were skipped */
	bool rules_only;   /* no endorsement details: org_record.active instead */
	/* every leaf hash, for proofs at any size, when asked to keep them */
	bool keep_leaves;
	uint8_t (*leaves)[32];
	size_t leaf_cap;
	bool leaves_lost;  /* out of memory while growing leaves */
	/* else only the root at one size (log/checkpoint's) */
	uint64_t capture_size;
	bool captured;
	uint8_t captured_root[32];
	endorse_checkpoint_status checkpoint;
	endorse_document *documents;
	size_t document_count;
	struct org_record **orgs;
	size_t org_count;
	struct index document_index;
	struct index org_index;
	uint8_t held_key_hash[crypto_shorthash_KEYBYTES];
};

typedef const char *(*index_name_fn)(const endorse_state *state, size_t i);

static const char *
document_name(const endorse_state *state, size_t i)
{
	return state->documents[i].sha256;
}

static const char *
org_name(const endorse_state *state, size_t i)
{
	return state->orgs[i]->pub.id;
}

static size_t
index_hash(const struct index *ix, const char *name)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t v;

	crypto_shorthash(h, (const uint8_t *)name, strlen(name), ix->key);
	memcpy(&v, h, sizeof(v));
	return (size_t)v;
}

static long
index_find(const struct index *ix, const endorse_state *state, index_name_fn name_of,
	const char *name)
{
	if (ix->cap == 0)
		return -1;
	for (size_t i = index_hash(ix, name) & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1)) {
		if (ix->slots[i] == 0)
			return -1;
		if (strcmp(name_of(state, ix->slots[i] - 1), name) == 0)
			return (long)(ix->slots[i] - 1);
	}
}

static void
index_put_slot(struct index *ix, size_t *slots, size_t cap, const char *name, size_t value)
{
	size_t i = index_hash(ix, name) & (cap - 1);

	while (slots[i] != 0)
		i = (i + 1) & (cap - 1);
	slots[i] = value + 1;
}

static int
index_add(struct index *ix, const endorse_state *state, index_name_fn name_of, size_t value)
{
	if (ix->cap == 0)
		randombytes_buf(ix->key, sizeof(ix->key));
	if (2 * (ix->count + 1) > ix->cap) {
		size_t cap = ix->cap ? 2 * ix->cap : 64;
		size_t *slots = calloc(cap, sizeof(size_t));
		if (slots == NULL)
			return endorse_fail(ENDORSE_ENOMEM, "out of memory");
		for (size_t i = 0; i < ix->cap; i++)
			if (ix->slots[i] != 0)
				index_put_slot(ix, slots, cap, name_of(state, ix->slots[i] - 1),
					ix->slots[i] - 1);
		free(ix->slots);
		ix->slots = slots;
		ix->cap = cap;
	}
	index_put_slot(ix, ix->slots, ix->cap, name_of(state, value), value);
	ix->count++;
	return 0;
}

endorse_state *
endorse_state_new(void)
{
	endorse_state *state = calloc(1, sizeof(endorse_state));

	if (state != NULL)
		randombytes_buf(state->held_key_hash, sizeof(state->held_key_hash));
	return state;
}

int
endorse_state_set_policy(endorse_state *state, const endorse_vkey *log_key)
{
	state->log_key = *log_key;
	return 0;
}

static void
free_document(endorse_document *d)
{
	free(d->id);
	free(d->title);
	free(d->url);
	free(d->sha256);
	free(d->time);
}

static void
free_endorsement(endorse_endorsement *e)
{
	free(e->name);
	free(e->url);
	free(e->time);
}

void
endorse_state_free(endorse_state *state)
{
	if (state == NULL)
		return;
	for (size_t i = 0; i < state->document_count; i++)
		free_document(&state->documents[i]);
	for (size_t i = 0; i < state->org_count; i++) {
		struct org_record *o = state->orgs[i];
		for (size_t j = 0; j < o->pub.endorsement_count; j++)
			free_endorsement(&o->pub.endorsements[j]);
		free(o->pub.endorsements);
		free(o->active);
		free(o->pub.id);
		free(o->keys);
		free(o->key_slots);
		free(o);
	}
	free(state->documents);
	free(state->orgs);
	free(state->leaves);
	free(state->document_index.slots);
	free(state->org_index.slots);
	free(state);
}

const char *
endorse_state_origin(const endorse_state *state)
{
	return state->log_key.name;
}

const endorse_vkey *
endorse_state_log_key(const endorse_state *state)
{
	return &state->log_key;
}

uint64_t
endorse_state_size(const endorse_state *state)
{
	return state->size;
}

size_t
endorse_state_document_count(const endorse_state *state)
{
	return state->document_count;
}

const endorse_document *
endorse_state_document(const endorse_state *state, size_t i)
{
	return i < state->document_count ? &state->documents[i] : NULL;
}

/* The index of the document with this sha256, or -1. */
static long
find_document(const endorse_state *state, const char *sha256)
{
	return index_find(&state->document_index, state, document_name, sha256);
}

const endorse_document *
endorse_state_find_document(const endorse_state *state, const char *sha256)
{
	long i = find_document(state, sha256);

	return i < 0 ? NULL : &state->documents[i];
}

size_t
endorse_state_org_count(const endorse_state *state)
{
	return state->org_count;
}

const endorse_org *
endorse_state_org(const endorse_state *state, size_t i)
{
	return i < state->org_count ? &state->orgs[i]->pub : NULL;
}

static struct org_record *
find_org(const endorse_state *state, const char *id)
{
	long i = index_find(&state->org_index, state, org_name, id);

	return i < 0 ? NULL : state->orgs[i];
}

const endorse_org *
endorse_state_find_org(const endorse_state *state, const char *id)
{
	struct org_record *o = find_org(state, id);

	return o == NULL ? NULL : &o->pub;
}

static size_t
held_key_slot(const endorse_state *state, const endorse_vkey *k, size_t cap)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t v;

	crypto_shorthash(h, k->public_key, sizeof(k->public_key), state->held_key_hash);
	memcpy(&v, h, sizeof(v));
	return (size_t)v & (cap - 1);
}

static struct held_key *
find_held_key(const endorse_state *state, const struct org_record *o, const endorse_vkey *k)
{
	if (o == NULL)
		return NULL;
	if (o->key_slots == NULL) {
		for (size_t i = 0; i < o->key_count; i++)
			if (endorse_vkey_equal(&o->keys[i].key, k))
				return &o->keys[i];
		return NULL;
	}
	for (size_t i = held_key_slot(state, k, o->key_cap);; i = (i + 1) & (o->key_cap - 1)) {
		if (o->key_slots[i] == 0)
			return NULL;
		if (endorse_vkey_equal(&o->keys[o->key_slots[i] - 1].key, k))
			return &o->keys[o->key_slots[i] - 1];
	}
}

static bool
is_revoked(const endorse_state *state, const endorse_vkey *k)
{
	struct held_key *h = find_held_key(state, find_org(state, k->name), k);

	return h != NULL && h->revoked;
}

/* Takes key i out of the list of keys not revoked. */
static void
unlist_key(struct org_record *o, size_t i)
{
	struct held_key *h = &o->keys[i];

	if (!h->listed)
		return;
	if (h->newer != NO_KEY)
		o->keys[h->newer].older = h->older;
	else
		o->newest = h->older;
	if (h->older != NO_KEY)
		o->keys[h->older].newer = h->newer;
	h->listed = false;
}

/* Key h signed a statement claiming time (or became current at it). */
static void
touch_key(struct org_record *o, struct held_key *h, const char *time)
{
	size_t i = (size_t)(h - o->keys);

	if (h->revoked)
		return;
	unlist_key(o, i);
	(void)snprintf(h->last_time, sizeof(h->last_time), "%s", time);
	h->older = o->newest;
	h->newer = NO_KEY;
	if (o->newest != NO_KEY)
		o->keys[o->newest].newer = i;
	o->newest = i;
	h->listed = true;
}

/* The time an organisation's next statement must claim to be after: that
 * of the last statement signed by a key it holds that is not revoked. */
static const char *
time_floor(const struct org_record *o)
{
	return o->newest == NO_KEY ? "" : o->keys[o->newest].last_time;
}

static endorse_endorsement *
find_endorsement(const struct org_record *o, size_t document)
{
	for (size_t i = 0; o != NULL && i < o->pub.endorsement_count; i++)
		if (o->pub.endorsements[i].document == document)
			return &o->pub.endorsements[i];
	return NULL;
}

/* Whether o endorses the document now, and where (rules only: active). */
static bool
endorses(const endorse_state *state, const struct org_record *o, size_t document, size_t *at)
{
	const endorse_endorsement *e;

	if (o != NULL && state->rules_only) {
		for (size_t i = 0; i < o->active_count; i++)
			if (o->active[i] == document) {
				*at = i;
				return true;
			}
		return false;
	}
	e = find_endorsement(o, document);
	return e != NULL && e->active;
}

static int
add_active(const endorse_state *state, struct org_record *o, size_t document)
{
	uint32_t *grown;
	size_t at;

	if (endorses(state, o, document, &at))
		return 0;
	grown = realloc(o->active, (o->active_count + 1) * sizeof(*grown));
	if (grown == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	o->active = grown;
	o->active[o->active_count++] = (uint32_t)document;
	return 0;
}

static bool
is_current_key(const struct org_record *o, const endorse_vkey *k)
{
	return o != NULL && o->pub.has_key && endorse_vkey_equal(&o->pub.key, k);
}

/* Makes room for one more key in o's hash set (built when the linear
 * search would grow long). */
static int
grow_key_set(const endorse_state *state, struct org_record *o)
{
	size_t cap, *slots;

	if (o->key_slots == NULL ? o->key_count < HELD_LINEAR : 2 * (o->key_count + 1) <= o->key_cap)
		return 0;
	cap = o->key_cap ? 2 * o->key_cap : (size_t)4 * HELD_LINEAR;
	if ((slots = calloc(cap, sizeof(*slots))) == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	for (size_t i = 0; i < o->key_count; i++) {
		size_t j = held_key_slot(state, &o->keys[i].key, cap);
		while (slots[j] != 0)
			j = (j + 1) & (cap - 1);
		slots[j] = i + 1;
	}
	free(o->key_slots);
	o->key_slots = slots;
	o->key_cap = cap;
	return 0;
}

/* Adds k to the keys o has held (if new); *out is its record. */
static int
hold_key(const endorse_state *state, struct org_record *o, const endorse_vkey *k,
	struct held_key **out)
{
	struct held_key *grown, *h;

	if ((*out = find_held_key(state, o, k)) != NULL)
		return 0;
	if (grow_key_set(state, o) != 0)
		return ENDORSE_ENOMEM;
	if (o->key_count == o->keys_cap) {
		size_t cap = o->keys_cap ? 2 * o->keys_cap : 1;
		if ((grown = realloc(o->keys, cap * sizeof(*grown))) == NULL)
			return endorse_fail(ENDORSE_ENOMEM, "out of memory");
		o->keys = grown;
		o->keys_cap = cap;
	}
	h = &o->keys[o->key_count];
	memset(h, 0, sizeof(*h));
	h->key = *k;
	h->older = h->newer = NO_KEY;
	if (o->key_slots != NULL) {
		size_t j = held_key_slot(state, k, o->key_cap);
		while (o->key_slots[j] != 0)
			j = (j + 1) & (o->key_cap - 1);
		o->key_slots[j] = o->key_count + 1;
	}
	o->key_count++;
	*out = h;
	return 0;
}

static int
add_org(endorse_state *state, const char *id, struct org_record **out)
{
	struct org_record *o = calloc(1, sizeof(*o)), **grown;

	*out = NULL;
	if (o == NULL || (o->pub.id = strdup(id)) == NULL)
		goto nomem;
	o->newest = NO_KEY;
	/* an array of pointers: the records stay put as it grows */
	grown = realloc(state->orgs, (state->org_count + 1) * sizeof(*grown));  // NOLINT(bugprone-sizeof-expression)
	if (grown == NULL)
		goto nomem;
	state->orgs = grown;
	state->orgs[state->org_count] = o;
	if (index_add(&state->org_index, state, org_name, state->org_count) != 0) {
		/* leave the record out of the table; it is freed below */
		goto nomem;
	}
	state->org_count++;
	*out = o;
	return 0;
nomem:
	if (o != NULL)
		free(o->pub.id);
	free(o);
	return endorse_fail(ENDORSE_ENOMEM, "out of memory");
}

static int
add_document(endorse_state *state, const endorse_statement *st, uint64_t seq)
{
	endorse_document *grown, *d;

	grown = realloc(state->documents, (state->document_count + 1) * sizeof(*grown));
	if (grown == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	state->documents = grown;
	d = &state->documents[state->document_count];
	memset(d, 0, sizeof(*d));
	d->id = strdup(st->id);
	d->title = strdup(st->title);
	d->url = strdup(st->url);
	d->sha256 = strdup(st->sha256);
	d->time = strdup(st->time);
	d->seq = seq;
	if (!d->id || !d->title || !d->url || !d->sha256 || !d->time) {
		free_document(d);
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	}
	if (index_add(&state->document_index, state, document_name, state->document_count) != 0) {
		free_document(d);
		return ENDORSE_ENOMEM;
	}
	state->document_count++;
	return 0;
}

static int
record_endorsement(struct org_record *o, size_t document, const endorse_statement *st,
	const endorse_vkey *signer, uint64_t seq)
{
	endorse_endorsement *e = find_endorsement(o, document);

	if (e == NULL) {
		endorse_endorsement *grown = realloc(o->pub.endorsements,
			(o->pub.endorsement_count + 1) * sizeof(*grown));
		if (grown == NULL)
			return endorse_fail(ENDORSE_ENOMEM, "out of memory");
		o->pub.endorsements = grown;
		e = &o->pub.endorsements[o->pub.endorsement_count++];
		memset(e, 0, sizeof(*e));
		e->document = document;
	}
	free_endorsement(e);
	e->name = strdup(st->org_name);
	e->url = strdup(st->org_url);
	e->time = strdup(st->time);
	endorse_vkey_id_hex(e->key_id, signer);
	memcpy(e->public_key, signer->public_key, 32);
	e->seq = seq;
	e->active = true;
	e->key_revoked = false;
	if (!e->name || !e->url || !e->time)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	return 0;
}

/* known: the result of checking this signature ahead (endorse_signatures),
 * or NULL to check it now. */
static int
check_signature(const endorse_state *state, const endorse_vkey *key, const uint8_t sig[64],
	const endorse_statement *st, const bool *known, const char *which, endorse_diag *diag)
{
	uint8_t *m = NULL;
	size_t len = 0;
	bool valid;
	int rc;

	if (known != NULL) {
		valid = *known;
	} else {
		if ((rc = endorse_signed_message(&m, &len, state->log_key.name, st)) != 0)
			return rc;
		valid = endorse_vkey_verify(key, sig, m, len);
		free(m);
	}
	if (!valid)
		return endorse_diag_set(diag, "signature", "%s does not verify for %s", which,
			key->name);
	return 0;
}

static int
check_document(endorse_state *state, const endorse_statement *st, const endorse_vkey *signer,
	endorse_diag *diag)
{
	if (!endorse_vkey_equal(signer, &state->log_key))
		return endorse_diag_set(diag, "signer", "a document must be signed by the log key");
	if (find_document(state, st->sha256) >= 0)
		return endorse_diag_set(diag, "duplicate-document", "document %.12s is already registered",
			st->sha256);
	return 0;
}

static int
need_document(const endorse_state *state, const char *sha256, long *index, endorse_diag *diag)
{
	*index = find_document(state, sha256);
	if (*index < 0)
		return endorse_diag_set(diag, "document", "document %.12s is not registered", sha256);
	return 0;
}

static int
need_current_key(const struct org_record *o, const endorse_vkey *signer, const char *org_id,
	endorse_diag *diag)
{
	if (strcmp(signer->name, org_id) != 0)
		return endorse_diag_set(diag, "signer", "signer %s is not a key of %s", signer->name,
			org_id);
	if (o == NULL || !o->pub.has_key)
		return endorse_diag_set(diag, "current-key", "%s has no current key", org_id);
	if (!is_current_key(o, signer))
		return endorse_diag_set(diag, "current-key", "signer is not the current key of %s",
			org_id);
	return 0;
}

/* The organisation's current key changes (rotation, revocation, a new key
 * after one): a confirm of the old key now belongs to history. */
static void
key_changes(struct org_record *o)
{
	if (o->pub.confirmed) {
		o->pub.older_confirmed = true;
		o->pub.older_confirmation = o->pub.confirmation;
		o->pub.confirmed = false;
	}
}

/* SPEC.md §4, confirm: signed by the log key, of the organisation's
 * current key at this line. */
static int
check_confirm(endorse_state *state, struct org_record *o, const endorse_entry *entry, bool apply,
	endorse_diag *diag)
{
	const endorse_statement *st = &entry->statement;
	endorse_confirmation *c;

	if (!endorse_vkey_equal(&entry->signer, &state->log_key))
		return endorse_diag_set(diag, "signer", "a confirm must be signed by the log key, not "
			"by %s", entry->signer.name);
	if (strcmp(entry->other.name, st->org_id) != 0)
		return endorse_diag_set(diag, "confirm", "key %s is not a key of %s",
			entry->other.name, st->org_id);
	if (o == NULL)
		return endorse_diag_set(diag, "confirm", "%s has never endorsed anything", st->org_id);
	if (!o->pub.has_key)
		return endorse_diag_set(diag, "confirm", "%s has no current key (its key was revoked)",
			st->org_id);
	if (!is_current_key(o, &entry->other))
		return endorse_diag_set(diag, "confirm", "the key confirmed is not the current key "
			"of %s", st->org_id);
	if (!apply)
		return 0;
	c = &o->pub.confirmation;
	endorse_vkey_id_hex(c->key_id, &entry->other);
	(void)snprintf(c->method, sizeof(c->method), "%s", st->method);
	(void)snprintf(c->time, sizeof(c->time), "%s", st->time);
	c->seq = entry->seq;
	o->pub.confirmed = true;
	return 0;
}

static int check_rules(endorse_state *state, const endorse_entry *entry, bool apply,
	bool check_signatures, const endorse_signatures *ahead, endorse_diag *diag);

static int check_entry(endorse_state *state, const endorse_entry *entry, bool apply,
	bool check_signatures, const endorse_signatures *ahead, endorse_diag *diag);

int
endorse_state_check(endorse_state *state, const endorse_entry *entry, bool apply,
	bool check_signatures, endorse_diag *diag)
{
	return check_entry(state, entry, apply, check_signatures, NULL, diag);
}

int
endorse_state_check_prepared(endorse_state *state, const endorse_entry *entry,
	const endorse_signatures *ahead, endorse_diag *diag)
{
	return check_entry(state, entry, true, true, ahead->checked ? ahead : NULL, diag);
}

/* A signature covers the statement, not its place in the log, so anyone can
 * copy an old statement to the end of the log. Requiring the times that an
 * organization claims to increase makes every copy of an earlier statement
 * (an old endorsement after a withdraw, an old withdraw, an old rotation)
 * invalid, at the cost of one timestamp per key. Statements of a revoked key
 * are refused whatever their time, so only the keys not revoked set the
 * floor: a revocation also takes away the times its key claimed, and a
 * stolen key's statement dated far ahead cannot lock the organization out
 * once the key is revoked. */
static int
check_entry(endorse_state *state, const endorse_entry *entry, bool apply, bool check_signatures,
	const endorse_signatures *ahead, endorse_diag *diag)
{
	const endorse_statement *st = &entry->statement;
	bool org_signed = st->org_id != NULL && strcmp(entry->signer.name, st->org_id) == 0;
	struct org_record *o = org_signed ? find_org(state, st->org_id) : NULL;
	struct held_key *h;
	int rc;

	if (o != NULL && strcmp(st->time, time_floor(o)) <= 0)
		return endorse_diag_set(diag, "time-order",
			"time %s is not after %s, the time of %s's previous statement (by a key not "
			"revoked); an organization's statements must claim increasing times (an earlier "
			"statement copied again?)",
			st->time, time_floor(o), st->org_id);
	rc = check_rules(state, entry, apply, check_signatures, ahead, diag);
	if (rc == 0 && apply && org_signed && (o = find_org(state, st->org_id)) != NULL &&
	    (h = find_held_key(state, o, &entry->signer)) != NULL)
		touch_key(o, h, st->time);
	return rc;
}

static int
check_rules(endorse_state *state, const endorse_entry *entry, bool apply, bool check_signatures,
	const endorse_signatures *ahead, endorse_diag *diag)
{
	const endorse_statement *st = &entry->statement;
	struct org_record *o = st->org_id ? find_org(state, st->org_id) : NULL;
	const endorse_vkey signer = entry->signer, other = entry->other;
	long doc = -1;
	int rc;

	if (st->type != ENDORSE_DOCUMENT && st->org_id == NULL)  /* entry_parse makes sure */
		return endorse_diag_set(diag, "member", "the statement has no org_id");
	if (state->size == 0 && st->type != ENDORSE_DOCUMENT)
		return endorse_diag_set(diag, "first-entry", "the first entry must be a document");
	if (is_revoked(state, &signer))
		return endorse_diag_set(diag, "revoked", "signer %s was revoked earlier in the log",
			st->signer);
	if (check_signatures &&
	    (rc = check_signature(state, &signer, entry->sig, st, ahead ? &ahead->sig_ok : NULL, "sig",
		    diag)) != 0)
		return rc;

	switch (st->type) {
	case ENDORSE_DOCUMENT:
		if ((rc = check_document(state, st, &signer, diag)) != 0)
			return rc;
		return apply ? add_document(state, st, entry->seq) : 0;
	case ENDORSE_ENDORSE:
		if ((rc = need_document(state, st->document, &doc, diag)) != 0)
			return rc;
		if (strcmp(signer.name, st->org_id) != 0)
			return endorse_diag_set(diag, "signer", "signer %s is not a key of %s", signer.name,
				st->org_id);
		if (o != NULL && o->pub.has_key) {
			size_t at;
			if (!is_current_key(o, &signer))
				return endorse_diag_set(diag, "current-key",
					"signer is not the current key of %s", st->org_id);
			if (endorses(state, o, (size_t)doc, &at))
				return endorse_diag_set(diag, "duplicate-endorsement",
					"%s already endorses document %.12s", st->org_id, st->document);
		}
		if (!apply)
			return 0;
		if (o == NULL && (rc = add_org(state, st->org_id, &o)) != 0)
			return rc;
		if (o == NULL)
			return endorse_fail(ENDORSE_ENOMEM, "out of memory");
		if (!o->pub.has_key) {
			struct held_key *h;
			if ((rc = hold_key(state, o, &signer, &h)) != 0)
				return rc;
			o->pub.has_key = true;
			o->pub.key = signer;
			key_changes(o);
		}
		if (state->rules_only)
			return add_active(state, o, (size_t)doc);
		return record_endorsement(o, (size_t)doc, st, &signer, entry->seq);
	case ENDORSE_WITHDRAW: {
		endorse_endorsement *e;
		size_t at = 0;
		if ((rc = need_current_key(o, &signer, st->org_id, diag)) != 0 ||
		    (rc = need_document(state, st->document, &doc, diag)) != 0)
			return rc;
		e = state->rules_only ? NULL : find_endorsement(o, (size_t)doc);
		if (state->rules_only ? !endorses(state, o, (size_t)doc, &at) : e == NULL || !e->active)
			return endorse_diag_set(diag, "withdraw", "%s does not endorse document %.12s",
				st->org_id, st->document);
		if (!apply)
			return 0;
		if (e == NULL) {
			o->active[at] = o->active[--o->active_count];
			return 0;
		}
		e->active = false;
		e->withdrawn_seq = entry->seq;
		return 0;
	}
	case ENDORSE_ROTATE:
		if ((rc = need_current_key(o, &signer, st->org_id, diag)) != 0)
			return rc;
		if (strcmp(other.name, st->org_id) != 0)
			return endorse_diag_set(diag, "signer", "new_signer %s is not a key of %s",
				other.name, st->org_id);
		if (endorse_vkey_equal(&other, &signer))
			return endorse_diag_set(diag, "rotate", "new_signer is the current key");
		if (is_revoked(state, &other))
			return endorse_diag_set(diag, "revoked", "new_signer was revoked earlier in the log");
		if (check_signatures &&
		    (rc = check_signature(state, &other, entry->new_sig, st,
			    ahead ? &ahead->new_sig_ok : NULL, "new_sig", diag)) != 0)
			return rc;
		if (!apply)
			return 0;
		{
			struct held_key *h;
			if ((rc = hold_key(state, o, &other, &h)) != 0)
				return rc;
			touch_key(o, h, st->time);
		}
		o->pub.key = other;
		key_changes(o);
		return 0;
	case ENDORSE_REVOKE: {
		struct held_key *h;
		if (strcmp(other.name, st->org_id) != 0)
			return endorse_diag_set(diag, "revoke", "key %s is not a key of %s", other.name,
				st->org_id);
		if (o == NULL)
			return endorse_diag_set(diag, "revoke", "%s has never endorsed anything", st->org_id);
		if (!endorse_vkey_equal(&signer, &state->log_key) &&
		    (rc = need_current_key(o, &signer, st->org_id, diag)) != 0)
			return rc;
		h = find_held_key(state, o, &other);
		if (h == NULL)
			return endorse_diag_set(diag, "revoke", "%s never held the key it revokes",
				st->org_id);
		if (h->revoked)
			return endorse_diag_set(diag, "revoke", "the key is already revoked");
		if (!apply)
			return 0;
		h->revoked = true;
		unlist_key(o, (size_t)(h - o->keys));
		if (is_current_key(o, &other)) {
			o->pub.has_key = false;
			key_changes(o);
		}
		for (size_t i = 0; i < o->pub.endorsement_count; i++) {
			endorse_endorsement *e = &o->pub.endorsements[i];
			if (memcmp(e->public_key, other.public_key, 32) == 0) {
				e->key_revoked = true;
				e->key_revoked_seq = entry->seq;
			}
		}
		return 0;
	}
	case ENDORSE_CONFIRM:
		return check_confirm(state, o, entry, apply, diag);
	}
	return endorse_diag_set(diag, "statement-type", "unknown statement type");
}

void
endorse_state_rules_only(endorse_state *state)
{
	state->rules_only = true;
}

void
endorse_state_keep_leaves(endorse_state *state)
{
	state->keep_leaves = true;
}

void
endorse_state_capture_root(endorse_state *state, uint64_t size)
{
	state->capture_size = size;
	state->captured = size == state->size;  /* the empty tree, say */
	if (state->captured)
		endorse_merkle_root(&state->tree, state->captured_root);
}

void
endorse_state_tree_view(const endorse_state *state, endorse_tree_view *view)
{
	memset(view, 0, sizeof(*view));
	view->leaves = endorse_state_leaves(state, &view->count);
	if (view->leaves != NULL || state->tree_unknown)
		return;
	if (state->captured) {
		view->root_size = state->capture_size;
		memcpy(view->root, state->captured_root, 32);
	} else {
		view->root_size = state->size;  /* the root at the end is always known */
		endorse_merkle_root(&state->tree, view->root);
	}
}

void
endorse_state_advance(endorse_state *state, const uint8_t line_hash[32], const uint8_t leaf_hash[32])
{
	memcpy(state->head, line_hash, 32);
	endorse_merkle_add(&state->tree, leaf_hash);
	if (state->keep_leaves && !state->tree_unknown && !state->leaves_lost) {
		if (state->size == state->leaf_cap) {
			size_t cap = state->leaf_cap ? 2 * state->leaf_cap : 1024;
			uint8_t(*grown)[32] = realloc(state->leaves, cap * sizeof(*grown));
			if (grown == NULL) {
				state->leaves_lost = true;
			} else {
				state->leaves = grown;
				state->leaf_cap = cap;
			}
		}
		if (!state->leaves_lost)
			memcpy(state->leaves[state->size], leaf_hash, 32);
	}
	state->size++;
	if (state->size == state->capture_size) {
		endorse_merkle_root(&state->tree, state->captured_root);
		state->captured = true;
	}
}

const uint8_t (*endorse_state_leaves(const endorse_state *state, uint64_t *count))[32]
{
	*count = state->size;
	if (!state->keep_leaves || state->tree_unknown || state->leaves_lost)
		return NULL;
	return (const uint8_t(*)[32])state->leaves;
}

bool
endorse_state_root(const endorse_state *state, uint8_t out[32])
{
	if (state->tree_unknown)
		return false;
	endorse_merkle_root(&state->tree, out);
	return true;
}

void
endorse_state_skip(endorse_state *state, uint64_t lines)
{
	state->size += lines;
	state->tree_unknown = true;
}

void
endorse_state_set_head(endorse_state *state, const uint8_t line_hash[32])
{
	memcpy(state->head, line_hash, 32);
}

const uint8_t *
endorse_state_head(const endorse_state *state)
{
	return state->head;
}

void
endorse_state_set_checkpoint(endorse_state *state, const endorse_checkpoint_status *status)
{
	state->checkpoint = *status;
}

const endorse_checkpoint_status *
endorse_state_checkpoint(const endorse_state *state)
{
	return &state->checkpoint;
}
