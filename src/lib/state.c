/* The state of the log after replaying it: documents, organisations, their
 * keys and endorsements; and the rules of SPEC.md §4 that depend on it.
 * Memory grows with organisations and documents, never with entries. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "array.h"
#include "error.h"
#include "hashset.h"
#include "state.h"

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

/* A held key is found by its type and public key (its name is always the
 * organisation's id): 33 bytes that follow each other in endorse_vkey. */
#define HELD_KEY_BYTES 33
_Static_assert(offsetof(endorse_vkey, public_key) == offsetof(endorse_vkey, type) + 1,
	"a vkey's type and public key are contiguous");

/* Keys are found in a hash set once an organisation has held more than a
 * few, so that K rotations cost O(K), not O(K^2); most hold one or two, and
 * a set per organisation would cost each a random key. */
#define HELD_LINEAR 8

struct org_record {
	endorse_org pub;
	size_t endorsements_cap;
	struct held_key *keys;
	size_t key_count;
	size_t keys_cap;
	endorse_hashset key_set; /* built when key_count passes HELD_LINEAR */
	bool has_key_set;
	size_t newest;     /* the key not revoked that signed last, or NO_KEY */
	/* rules only: the documents it endorses now, in place of pub.endorsements */
	uint32_t *active;
	size_t active_count;
	size_t active_cap;
};

struct endorse_state {
	endorse_vkey log_key;
	unsigned flags;    /* ENDORSE_STATE_* */
	uint64_t size;
	uint8_t head[32]; /* SHA-256 of the last line */
	endorse_merkle tree;
	bool tree_unknown; /* lines were skipped */
	/* every leaf hash, for proofs at any size (ENDORSE_STATE_KEEP_LEAVES) */
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
	size_t documents_cap;
	struct org_record **orgs; /* pointers: the records stay put as it grows */
	size_t org_count;
	size_t orgs_cap;
	endorse_hashset document_set; /* by sha256 */
	endorse_hashset org_set;      /* by id */
};

static void
document_key(const void *ctx, size_t i, const void **key, size_t *len)
{
	const endorse_state *state = ctx;

	*key = state->documents[i].sha256;
	*len = strlen(state->documents[i].sha256);
}

static void
org_key(const void *ctx, size_t i, const void **key, size_t *len)
{
	const endorse_state *state = ctx;

	*key = state->orgs[i]->pub.id;
	*len = strlen(state->orgs[i]->pub.id);
}

static void
held_key_key(const void *ctx, size_t i, const void **key, size_t *len)
{
	const struct org_record *o = ctx;

	*key = &o->keys[i].key.type;
	*len = HELD_KEY_BYTES;
}

endorse_state *
endorse_state_new(unsigned flags)
{
	endorse_state *state = calloc(1, sizeof(endorse_state));

	if (state == NULL)
		return NULL;
	state->flags = flags;
	endorse_hashset_init(&state->document_set, document_key);
	endorse_hashset_init(&state->org_set, org_key);
	return state;
}

int
endorse_state_set_policy(endorse_state *state, const endorse_vkey *log_key)
{
	state->log_key = *log_key;
	return 0;
}

static bool
rules_only(const endorse_state *state)
{
	return (state->flags & ENDORSE_STATE_RULES_ONLY) != 0;
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

static void
free_org(struct org_record *o)
{
	for (size_t j = 0; j < o->pub.endorsement_count; j++)
		free_endorsement(&o->pub.endorsements[j]);
	free(o->pub.endorsements);
	free(o->active);
	free(o->pub.id);
	free(o->keys);
	endorse_hashset_free(&o->key_set);
	free(o);
}

void
endorse_state_free(endorse_state *state)
{
	if (state == NULL)
		return;
	for (size_t i = 0; i < state->document_count; i++)
		free_document(&state->documents[i]);
	for (size_t i = 0; i < state->org_count; i++)
		free_org(state->orgs[i]);
	free(state->documents);
	free(state->orgs);
	free(state->leaves);
	endorse_hashset_free(&state->document_set);
	endorse_hashset_free(&state->org_set);
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

/* The index of the document, or ENDORSE_HASHSET_NONE. */
static size_t
find_document(const endorse_state *state, const char *sha256)
{
	return endorse_hashset_find(&state->document_set, state, sha256, strlen(sha256));
}

const endorse_document *
endorse_state_find_document(const endorse_state *state, const char *sha256)
{
	size_t i = find_document(state, sha256);

	return i == ENDORSE_HASHSET_NONE ? NULL : &state->documents[i];
}

size_t
endorse_state_document_version(const endorse_state *state, const endorse_document *d)
{
	size_t version = 0, at = (size_t)(d - state->documents);

	for (size_t i = 0; i <= at && i < state->document_count; i++)
		version += strcmp(state->documents[i].id, d->id) == 0;
	return version;
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
	size_t i = endorse_hashset_find(&state->org_set, state, id, strlen(id));

	return i == ENDORSE_HASHSET_NONE ? NULL : state->orgs[i];
}

const endorse_org *
endorse_state_find_org(const endorse_state *state, const char *id)
{
	struct org_record *o = find_org(state, id);

	return o == NULL ? NULL : &o->pub;
}

/* The record of an organisation of the state: pub is its first member. */
static const struct org_record *
record_of(const endorse_org *org)
{
	return (const struct org_record *)(const void *)org;
}

size_t
endorse_org_key_count(const endorse_org *org)
{
	return record_of(org)->key_count;
}

const endorse_vkey *
endorse_org_key(const endorse_org *org, size_t i, bool *revoked)
{
	const struct org_record *o = record_of(org);

	if (i >= o->key_count)
		return NULL;
	*revoked = o->keys[i].revoked;
	return &o->keys[i].key;
}

static struct held_key *
find_held_key(const struct org_record *o, const endorse_vkey *k)
{
	size_t i;

	if (o == NULL)
		return NULL;
	if (!o->has_key_set) {
		for (i = 0; i < o->key_count; i++)
			if (endorse_vkey_equal(&o->keys[i].key, k))
				return &o->keys[i];
		return NULL;
	}
	i = endorse_hashset_find(&o->key_set, o, &k->type, HELD_KEY_BYTES);
	if (i == ENDORSE_HASHSET_NONE || !endorse_vkey_equal(&o->keys[i].key, k))
		return NULL;
	return &o->keys[i];
}

static bool
is_revoked(const endorse_state *state, const endorse_vkey *k)
{
	struct held_key *h = find_held_key(find_org(state, k->name), k);

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

const char *
endorse_state_time_floor(const endorse_state *state, const char *org_id)
{
	const struct org_record *o = find_org(state, org_id);

	return o != NULL ? time_floor(o) : "";
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

	if (o != NULL && rules_only(state)) {
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
	grown = endorse_array_reserve(o->active, &o->active_cap, o->active_count + 1,
		sizeof(*grown));
	if (grown == NULL)
		return ENDORSE_ENOMEM;
	o->active = grown;
	o->active[o->active_count++] = (uint32_t)document;
	return 0;
}

static bool
is_current_key(const struct org_record *o, const endorse_vkey *k)
{
	return o != NULL && o->pub.has_key && endorse_vkey_equal(&o->pub.key, k);
}

/* Builds o's set of held keys when the linear search would grow long. Out
 * of memory, the linear search stays: slower, never wrong. */
static void
build_key_set(struct org_record *o)
{
	if (o->has_key_set || o->key_count < HELD_LINEAR)
		return;
	endorse_hashset_init(&o->key_set, held_key_key);
	for (size_t i = 0; i < o->key_count; i++)
		if (endorse_hashset_add(&o->key_set, o, i) != 0) {
			endorse_hashset_free(&o->key_set);
			return;
		}
	o->has_key_set = true;
}

/* Adds k to the keys o has held (if new); *out is its record. */
static int
hold_key(struct org_record *o, const endorse_vkey *k, struct held_key **out)
{
	struct held_key *grown, *h;

	if ((*out = find_held_key(o, k)) != NULL)
		return 0;
	grown = endorse_array_reserve(o->keys, &o->keys_cap, o->key_count + 1, sizeof(*grown));
	if (grown == NULL)
		return ENDORSE_ENOMEM;
	o->keys = grown;
	h = &o->keys[o->key_count];
	memset(h, 0, sizeof(*h));
	h->key = *k;
	h->older = h->newer = NO_KEY;
	if (o->has_key_set && endorse_hashset_add(&o->key_set, o, o->key_count) != 0)
		return ENDORSE_ENOMEM;
	o->key_count++;
	build_key_set(o);
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
	grown = endorse_array_reserve(state->orgs, &state->orgs_cap, state->org_count + 1,
		sizeof(*grown));  // NOLINT(bugprone-sizeof-expression)
	if (grown == NULL)
		goto nomem;
	state->orgs = grown;
	state->orgs[state->org_count] = o;
	if (endorse_hashset_add(&state->org_set, state, state->org_count) != 0)
		goto nomem;  /* the record is left out of the table, and freed below */
	state->org_count++;
	*out = o;
	return 0;
nomem:
	if (o != NULL)
		free(o->pub.id);
	free(o);
	return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
}

static int
add_document(endorse_state *state, const endorse_statement *st, uint64_t seq)
{
	endorse_document *grown, *d;

	grown = endorse_array_reserve(state->documents, &state->documents_cap,
		state->document_count + 1, sizeof(*grown));
	if (grown == NULL)
		return ENDORSE_ENOMEM;
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
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	}
	if (endorse_hashset_add(&state->document_set, state, state->document_count) != 0) {
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
		endorse_endorsement *grown = endorse_array_reserve(o->pub.endorsements,
			&o->endorsements_cap, o->pub.endorsement_count + 1, sizeof(*grown));
		if (grown == NULL)
			return ENDORSE_ENOMEM;
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
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	return 0;
}

/* ---- the rules ---- */

/* One entry being checked: what every statement type's rules read. */
struct check {
	endorse_state *state;
	const endorse_entry *entry;
	const endorse_statement *st;
	struct org_record *o;  /* the statement's organisation, if the state has it */
	unsigned flags;        /* ENDORSE_CHECK_* */
	const endorse_signatures *ahead;
};

static bool
applying(const struct check *c)
{
	return (c->flags & ENDORSE_CHECK_APPLY) != 0;
}

/* known: the result of checking this signature ahead, or NULL to check it
 * now. */
static int
check_signature(const struct check *c, const endorse_vkey *key, const uint8_t sig[64],
	const bool *known, const char *which)
{
	uint8_t *m = NULL;
	size_t len = 0;
	bool valid;
	int rc;

	if ((c->flags & ENDORSE_CHECK_SIGNATURES) == 0)
		return 0;
	if (known != NULL) {
		valid = *known;
	} else {
		if ((rc = endorse_signed_message(&m, &len, c->state->log_key.name, c->st)) != 0)
			return rc;
		valid = endorse_vkey_verify(key, sig, m, len);
		free(m);
	}
	if (!valid)
		return endorse_error_set(ENDORSE_EINVALID, "signature", "%s does not verify for %s",
			which, key->name);
	return 0;
}

static int
need_document(const endorse_state *state, const char *sha256, size_t *index)
{
	*index = find_document(state, sha256);
	if (*index == ENDORSE_HASHSET_NONE)
		return endorse_error_set(ENDORSE_EINVALID, "document", "document %.12s is not "
			"registered", sha256);
	return 0;
}

static int
need_current_key(const struct org_record *o, const endorse_vkey *signer, const char *org_id)
{
	if (strcmp(signer->name, org_id) != 0)
		return endorse_error_set(ENDORSE_EINVALID, "signer", "signer %s is not a key of %s",
			signer->name, org_id);
	if (o == NULL || !o->pub.has_key)
		return endorse_error_set(ENDORSE_EINVALID, "current-key", "%s has no current key",
			org_id);
	if (!is_current_key(o, signer))
		return endorse_error_set(ENDORSE_EINVALID, "current-key", "signer is not the current "
			"key of %s", org_id);
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

/* SPEC.md §4, document: signed by the log key, a new sha256. */
static int
document_rules(struct check *c)
{
	if (!endorse_vkey_equal(&c->entry->signer, &c->state->log_key))
		return endorse_error_set(ENDORSE_EINVALID, "signer", "a document must be signed by "
			"the log key");
	if (find_document(c->state, c->st->sha256) != ENDORSE_HASHSET_NONE)
		return endorse_error_set(ENDORSE_EINVALID, "duplicate-document", "document %.12s is "
			"already registered", c->st->sha256);
	return applying(c) ? add_document(c->state, c->st, c->entry->seq) : 0;
}

/* An endorsement's effect: the organisation, its first key (or a new key
 * after a revoked one), and the endorsement. */
static int
apply_endorse(struct check *c, size_t doc)
{
	const endorse_vkey *signer = &c->entry->signer;
	struct held_key *h;
	int rc;

	if (c->o == NULL && (rc = add_org(c->state, c->st->org_id, &c->o)) != 0)
		return rc;
	if (c->o == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if (!c->o->pub.has_key) {
		if ((rc = hold_key(c->o, signer, &h)) != 0)
			return rc;
		c->o->pub.has_key = true;
		c->o->pub.key = *signer;
		key_changes(c->o);
	}
	if (rules_only(c->state))
		return add_active(c->state, c->o, doc);
	return record_endorsement(c->o, doc, c->st, signer, c->entry->seq);
}

/* SPEC.md §4, endorse: a registered document, signed by the organisation's
 * current key (any key of its name while it has none), not endorsed yet. */
static int
endorse_rules(struct check *c)
{
	const endorse_vkey *signer = &c->entry->signer;
	const endorse_statement *st = c->st;
	size_t doc, at;
	int rc;

	if ((rc = need_document(c->state, st->document, &doc)) != 0)
		return rc;
	if (strcmp(signer->name, st->org_id) != 0)
		return endorse_error_set(ENDORSE_EINVALID, "signer", "signer %s is not a key of %s",
			signer->name, st->org_id);
	if (c->o != NULL && c->o->pub.has_key) {
		if (!is_current_key(c->o, signer))
			return endorse_error_set(ENDORSE_EINVALID, "current-key", "signer is not the "
				"current key of %s", st->org_id);
		if (endorses(c->state, c->o, doc, &at))
			return endorse_error_set(ENDORSE_EINVALID, "duplicate-endorsement", "%s already "
				"endorses document %.12s", st->org_id, st->document);
	}
	return applying(c) ? apply_endorse(c, doc) : 0;
}

/* SPEC.md §4, withdraw: by the current key, of a document it endorses. */
static int
withdraw_rules(struct check *c)
{
	const endorse_statement *st = c->st;
	struct org_record *o = c->o;
	endorse_endorsement *e;
	size_t doc, at = 0;
	bool only = rules_only(c->state);
	int rc;

	if ((rc = need_current_key(o, &c->entry->signer, st->org_id)) != 0 ||
	    (rc = need_document(c->state, st->document, &doc)) != 0)
		return rc;
	e = only ? NULL : find_endorsement(o, doc);
	if (only ? !endorses(c->state, o, doc, &at) : e == NULL || !e->active)
		return endorse_error_set(ENDORSE_EINVALID, "withdraw", "%s does not endorse "
			"document %.12s", st->org_id, st->document);
	if (!applying(c))
		return 0;
	if (e == NULL) {
		o->active[at] = o->active[--o->active_count];
		return 0;
	}
	e->active = false;
	e->withdrawn_seq = c->entry->seq;
	return 0;
}

/* SPEC.md §4, rotate: by the current key, to another key of the
 * organisation never revoked, which signs too (new_sig). */
static int
rotate_rules(struct check *c)
{
	const endorse_vkey *signer = &c->entry->signer, *other = &c->entry->other;
	const endorse_statement *st = c->st;
	struct held_key *h;
	int rc;

	if ((rc = need_current_key(c->o, signer, st->org_id)) != 0)
		return rc;
	if (strcmp(other->name, st->org_id) != 0)
		return endorse_error_set(ENDORSE_EINVALID, "signer", "new_signer %s is not a key of "
			"%s", other->name, st->org_id);
	if (endorse_vkey_equal(other, signer))
		return endorse_error_set(ENDORSE_EINVALID, "rotate", "new_signer is the current key");
	if (is_revoked(c->state, other))
		return endorse_error_set(ENDORSE_EINVALID, "revoked", "new_signer was revoked earlier "
			"in the log");
	if ((rc = check_signature(c, other, c->entry->new_sig,
		     c->ahead ? &c->ahead->new_sig_ok : NULL, "new_sig")) != 0)
		return rc;
	if (!applying(c))
		return 0;
	if ((rc = hold_key(c->o, other, &h)) != 0)
		return rc;
	touch_key(c->o, h, st->time);
	c->o->pub.key = *other;
	key_changes(c->o);
	return 0;
}

/* A revocation's effect: the key is out of the time floor's list, no
 * longer current, and the endorsements it signed are marked. */
static void
apply_revoke(struct org_record *o, struct held_key *h, uint64_t seq)
{
	const endorse_vkey *key = &h->key;

	h->revoked = true;
	unlist_key(o, (size_t)(h - o->keys));
	if (is_current_key(o, key)) {
		o->pub.has_key = false;
		key_changes(o);
	}
	for (size_t i = 0; i < o->pub.endorsement_count; i++) {
		endorse_endorsement *e = &o->pub.endorsements[i];
		if (memcmp(e->public_key, key->public_key, 32) == 0) {
			e->key_revoked = true;
			e->key_revoked_seq = seq;
		}
	}
}

/* SPEC.md §4, revoke: by the log key or the current key, of a key the
 * organisation held and that is not revoked yet. */
static int
revoke_rules(struct check *c)
{
	const endorse_vkey *signer = &c->entry->signer, *other = &c->entry->other;
	const endorse_statement *st = c->st;
	struct held_key *h;
	int rc;

	if (strcmp(other->name, st->org_id) != 0)
		return endorse_error_set(ENDORSE_EINVALID, "revoke", "key %s is not a key of %s",
			other->name, st->org_id);
	if (c->o == NULL)
		return endorse_error_set(ENDORSE_EINVALID, "revoke", "%s has never endorsed anything",
			st->org_id);
	if (!endorse_vkey_equal(signer, &c->state->log_key) &&
	    (rc = need_current_key(c->o, signer, st->org_id)) != 0)
		return rc;
	if ((h = find_held_key(c->o, other)) == NULL)
		return endorse_error_set(ENDORSE_EINVALID, "revoke", "%s never held the key it "
			"revokes", st->org_id);
	if (h->revoked)
		return endorse_error_set(ENDORSE_EINVALID, "revoke", "the key is already revoked");
	if (applying(c))
		apply_revoke(c->o, h, c->entry->seq);
	return 0;
}

/* SPEC.md §4, confirm: signed by the log key, of the organisation's
 * current key at this line. */
static int
confirm_rules(struct check *c)
{
	const endorse_entry *entry = c->entry;
	const endorse_statement *st = c->st;
	endorse_confirmation *conf;

	if (!endorse_vkey_equal(&entry->signer, &c->state->log_key))
		return endorse_error_set(ENDORSE_EINVALID, "signer", "a confirm must be signed by the "
			"log key, not by %s", entry->signer.name);
	if (strcmp(entry->other.name, st->org_id) != 0)
		return endorse_error_set(ENDORSE_EINVALID, "confirm", "key %s is not a key of %s",
			entry->other.name, st->org_id);
	if (c->o == NULL)
		return endorse_error_set(ENDORSE_EINVALID, "confirm", "%s has never endorsed "
			"anything", st->org_id);
	if (!c->o->pub.has_key)
		return endorse_error_set(ENDORSE_EINVALID, "confirm", "%s has no current key (its "
			"key was revoked)", st->org_id);
	if (!is_current_key(c->o, &entry->other))
		return endorse_error_set(ENDORSE_EINVALID, "confirm", "the key confirmed is not the "
			"current key of %s", st->org_id);
	if (!applying(c))
		return 0;
	conf = &c->o->pub.confirmation;
	endorse_vkey_id_hex(conf->key_id, &entry->other);
	(void)snprintf(conf->method, sizeof(conf->method), "%s", st->method);
	(void)snprintf(conf->time, sizeof(conf->time), "%s", st->time);
	conf->seq = entry->seq;
	c->o->pub.confirmed = true;
	return 0;
}

/* The rules of each statement type, as json.c's table of members. */
static int (*const type_rules[])(struct check *c) = {
	[ENDORSE_DOCUMENT] = document_rules,
	[ENDORSE_ENDORSE] = endorse_rules,
	[ENDORSE_WITHDRAW] = withdraw_rules,
	[ENDORSE_ROTATE] = rotate_rules,
	[ENDORSE_REVOKE] = revoke_rules,
	[ENDORSE_CONFIRM] = confirm_rules,
};

/* The rules of every statement, then those of its type. */
static int
check_rules(struct check *c)
{
	const endorse_statement *st = c->st;
	const endorse_vkey *signer = &c->entry->signer;
	int rc;

	if (st->type != ENDORSE_DOCUMENT && st->org_id == NULL)  /* entry_parse makes sure */
		return endorse_error_set(ENDORSE_EINVALID, "member", "the statement has no org_id");
	if (c->state->size == 0 && st->type != ENDORSE_DOCUMENT)
		return endorse_error_set(ENDORSE_EINVALID, "first-entry", "the first entry must be a "
			"document");
	if (is_revoked(c->state, signer))
		return endorse_error_set(ENDORSE_EINVALID, "revoked", "signer %s was revoked earlier "
			"in the log", st->signer);
	if ((rc = check_signature(c, signer, c->entry->sig, c->ahead ? &c->ahead->sig_ok : NULL,
		     "sig")) != 0)
		return rc;
	if ((size_t)st->type >= sizeof(type_rules) / sizeof(type_rules[0]))
		return endorse_error_set(ENDORSE_EINVALID, "statement-type", "unknown statement "
			"type");
	c->o = st->org_id != NULL ? find_org(c->state, st->org_id) : NULL;
	return type_rules[st->type](c);
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
int
endorse_state_check(endorse_state *state, const endorse_entry *entry, unsigned flags,
	const endorse_signatures *ahead)
{
	const endorse_statement *st = &entry->statement;
	bool org_signed = st->org_id != NULL && strcmp(entry->signer.name, st->org_id) == 0;
	struct org_record *o = org_signed ? find_org(state, st->org_id) : NULL;
	struct check c = {state, entry, st, NULL, flags,
		ahead != NULL && ahead->checked ? ahead : NULL};
	struct held_key *h;
	int rc;

	if (o != NULL && strcmp(st->time, time_floor(o)) <= 0)
		return endorse_error_set(ENDORSE_EINVALID, "time-order",
			"time %s is not after %s, the time of %s's previous statement (by a key not "
			"revoked); an organization's statements must claim increasing times (an earlier "
			"statement copied again?)",
			st->time, time_floor(o), st->org_id);
	rc = check_rules(&c);
	if (rc == 0 && applying(&c) && org_signed && (o = find_org(state, st->org_id)) != NULL &&
	    (h = find_held_key(o, &entry->signer)) != NULL)
		touch_key(o, h, st->time);
	return rc;
}

/* ---- the log's tree and head ---- */

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

/* Whether every leaf hash so far is kept. */
static bool
keeps_leaves(const endorse_state *state)
{
	return (state->flags & ENDORSE_STATE_KEEP_LEAVES) != 0 && !state->tree_unknown &&
		!state->leaves_lost;
}

void
endorse_state_advance(endorse_state *state, const uint8_t line_hash[32],
	const uint8_t leaf_hash[32])
{
	memcpy(state->head, line_hash, 32);
	endorse_merkle_add(&state->tree, leaf_hash);
	if (keeps_leaves(state)) {
		uint8_t(*grown)[32] = endorse_array_reserve(state->leaves, &state->leaf_cap,
			(size_t)state->size + 1, sizeof(*grown));
		if (grown == NULL) {
			state->leaves_lost = true;  /* proofs then say the leaves are not kept */
		} else {
			state->leaves = grown;
			memcpy(state->leaves[state->size], leaf_hash, 32);
		}
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
	if (!keeps_leaves(state))
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
