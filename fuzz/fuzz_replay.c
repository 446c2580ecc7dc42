/* A whole log, verified as 'endorse verify' does: the input becomes
 * log/endorsements.jsonl of a per-process repository whose keys/policy,
 * keys/orgs and log/checkpoint fit the sample log. The same bytes are then
 * replayed from memory (as history reads a git blob) and must give the same
 * state; a log that verifies must replay to the same state again when its
 * lines are trusted (as history reads a prefix verified before), and a
 * writer's replay of one organisation's lines must agree with it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common.h"
#include "load.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A checkpoint of this many of the sample log's lines. */
#define CHECKPOINT_SIZE 5

static char dir[128];
static const char *const dirs[] = {"keys", "keys/orgs", "log"};
enum { P_POLICY, P_ORG1, P_ORG2, P_CHECKPOINT, P_LOG, P_COUNT };
static char paths[P_COUNT][256];

static void
remove_repo(void)
{
	char path[256];

	for (int i = 0; i < P_COUNT; i++)
		if (paths[i][0] != '\0')
			unlink(paths[i]);
	for (size_t i = sizeof(dirs) / sizeof(dirs[0]); i-- > 0;) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, dirs[i]);
		rmdir(path);
	}
	rmdir(dir);
}

static void
put(int which, const char *rel, const char *data, size_t len)
{
	(void)snprintf(paths[which], sizeof(paths[which]), "%s/%s", dir, rel);
	FUZZ_CHECK(fuzz_write_file(paths[which], data, len) == 0);
}

static void
put_pin(int which, enum fuzz_key k)
{
	char text[ENDORSE_VKEY_MAX + 1], rel[64];

	(void)snprintf(rel, sizeof(rel), "keys/orgs/%s.vkey", fuzz_vkey(k)->name);
	put(which, rel, text, endorse_vkey_format_line(text, fuzz_vkey(k)));
}

/* The checkpoint of the sample log's first lines, signed by the log key
 * and cosigned by witness 1: a log that changes them fails its root. */
static void
put_checkpoint(const endorse_state *sample)
{
	endorse_checkpoint cp = {FUZZ_ORIGIN, CHECKPOINT_SIZE, {0}, 0};
	endorse_note *note = NULL;
	const uint8_t(*leaves)[32];
	char *text = NULL, *out = NULL;
	size_t text_len = 0, out_len = 0;
	uint64_t count = 0;

	leaves = endorse_state_leaves(sample, &count);
	FUZZ_CHECK(leaves != NULL && count >= CHECKPOINT_SIZE);
	endorse_merkle_root_of(cp.root, leaves, CHECKPOINT_SIZE);
	FUZZ_CHECK(endorse_checkpoint_format(&text, &text_len, &cp) == 0);
	FUZZ_CHECK(endorse_note_new(&note, text, text_len) == 0);
	FUZZ_CHECK(endorse_note_sign(note, fuzz_secret_key(FUZZ_KEY_LOG), 0) == 0);
	FUZZ_CHECK(endorse_note_sign(note, fuzz_secret_key(FUZZ_KEY_WITNESS1), FUZZ_COSIGN_TIME) == 0);
	FUZZ_CHECK(endorse_note_format(&out, &out_len, note) == 0);
	put(P_CHECKPOINT, ENDORSE_CHECKPOINT_PATH, out, out_len);
	free(out);
	free(text);
	endorse_note_free(note);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	endorse_state *sample = NULL;
	char sub[256], *policy, *log = NULL;
	size_t log_len = 0;

	(void)argc;
	(void)argv;
	fuzz_setup();
	(void)snprintf(dir, sizeof(dir), "%.100s/endorse-fuzz-XXXXXX", fuzz_tmpdir());
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	atexit(remove_repo);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		(void)snprintf(sub, sizeof(sub), "%s/%s", dir, dirs[i]);
		FUZZ_CHECK(mkdir(sub, 0700) == 0);
	}
	policy = fuzz_policy_text();
	put(P_POLICY, ENDORSE_POLICY_PATH, policy, strlen(policy));
	free(policy);
	/* the sample log's organisations' current keys */
	put_pin(P_ORG1, FUZZ_KEY_ORG1_NEW);
	put_pin(P_ORG2, FUZZ_KEY_ORG2_NEW);
	fuzz_sample_log(&log, &log_len, &sample);
	put_checkpoint(sample);
	free(log);
	endorse_state_free(sample);
	(void)snprintf(paths[P_LOG], sizeof(paths[P_LOG]), "%s/%s", dir, ENDORSE_LOG_PATH);
	return 0;
}

struct tally {
	uint64_t log_problems; /* problems in the log's lines */
	uint64_t entries;
};

/* Every problem is printed by the tool: its strings must be valid. */
static void
on_problem(void *ctx, const endorse_problem *p)
{
	struct tally *t = ctx;

	FUZZ_CHECK(p->file != NULL && p->rule != NULL && p->message != NULL);
	FUZZ_CHECK(strlen(p->file) + strlen(p->rule) + strlen(p->message) > 0);
	if (strcmp(p->file, ENDORSE_LOG_PATH) == 0)
		t->log_problems++;
}

static void
on_entry(void *ctx, const endorse_entry *e, const endorse_state *state)
{
	struct tally *t = ctx;

	FUZZ_CHECK(e->statement.signer != NULL && state != NULL);
	t->entries++;
}

/* What audit shows of a state; strings are read to catch dangling ones. */
static void
walk_state(const endorse_state *s)
{
	size_t n = 0;

	for (size_t i = 0; i < endorse_state_document_count(s); i++) {
		const endorse_document *d = endorse_state_document(s, i);
		n += strlen(d->id) + strlen(d->title) + strlen(d->url) + strlen(d->time);
		FUZZ_CHECK(endorse_state_find_document(s, d->sha256) == d);
	}
	for (size_t i = 0; i < endorse_state_org_count(s); i++) {
		const endorse_org *o = endorse_state_org(s, i);
		FUZZ_CHECK(endorse_state_find_org(s, o->id) == o);
		for (size_t j = 0; j < o->endorsement_count; j++) {
			const endorse_endorsement *e = &o->endorsements[j];
			FUZZ_CHECK(e->document < endorse_state_document_count(s));
			n += strlen(e->name) + strlen(e->url) + strlen(e->time) + strlen(e->key_id);
		}
	}
	FUZZ_CHECK(n < SIZE_MAX);
}

/* Two replays of the same lines must agree on what they applied. */
static void
same_state(const endorse_state *a, const endorse_state *b)
{
	FUZZ_CHECK(endorse_state_size(a) == endorse_state_size(b));
	FUZZ_CHECK(endorse_state_document_count(a) == endorse_state_document_count(b));
	FUZZ_CHECK(endorse_state_org_count(a) == endorse_state_org_count(b));
	for (size_t i = 0; i < endorse_state_org_count(a); i++) {
		const endorse_org *x = endorse_state_org(a, i), *y = endorse_state_org(b, i);
		FUZZ_CHECK(strcmp(x->id, y->id) == 0 && x->has_key == y->has_key);
		FUZZ_CHECK(!x->has_key || endorse_vkey_equal(&x->key, &y->key));
		FUZZ_CHECK(x->endorsement_count == y->endorsement_count);
		for (size_t j = 0; j < x->endorsement_count; j++)
			FUZZ_CHECK(x->endorsements[j].active == y->endorsements[j].active &&
				x->endorsements[j].key_revoked == y->endorsements[j].key_revoked);
	}
}

static endorse_state *
replay(const char *data, size_t len, bool trusted, struct tally *t, uint64_t *problems)
{
	endorse_verify_options opt = {.on_problem = on_problem, .on_entry = on_entry, .ctx = t};
	endorse_reporter r = {&opt, 0, NULL, NULL};
	endorse_state *s = endorse_state_new(ENDORSE_STATE_KEEP_LEAVES);

	FUZZ_CHECK(s != NULL);
	endorse_state_set_policy(s, fuzz_vkey(FUZZ_KEY_LOG));
	if (trusted)
		endorse_replay_trusted(s, data, len, NULL, NULL, &r);
	else
		endorse_replay_lines(s, data, len, &r);
	*problems = r.problems;
	return s;
}

/* A writer's replay (the lines of one organisation and the documents,
 * chosen by the byte prefilter and then the parsed members): over lines
 * that break no rule it finds no problem either, and the same head, size,
 * documents and organisation. */
static void
writer_agrees(const endorse_state *full, const char *org_id)
{
	endorse_verify_options quiet = {0};
	endorse_state *w = NULL;
	const endorse_org *a, *b;
	uint64_t problems = 0;
	int rc = endorse_load_for_append(&w, dir, org_id, &quiet, &problems);

	if (rc != 0 && rc != ENDORSE_EINVALID)
		return; /* could not run (out of memory) */
	FUZZ_CHECK(rc == 0 && problems == 0 && w != NULL);
	FUZZ_CHECK(endorse_state_size(w) == endorse_state_size(full));
	FUZZ_CHECK(memcmp(endorse_state_head(w), endorse_state_head(full), 32) == 0);
	FUZZ_CHECK(endorse_state_document_count(w) == endorse_state_document_count(full));
	a = endorse_state_find_org(w, org_id);
	b = endorse_state_find_org(full, org_id);
	FUZZ_CHECK((a == NULL) == (b == NULL));
	FUZZ_CHECK(a == NULL || (a->has_key == b->has_key &&
		(!a->has_key || endorse_vkey_equal(&a->key, &b->key)) &&
		a->endorsement_count == b->endorsement_count));
	endorse_state_free(w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *log = size > 0 ? (const char *)data : "";
	struct tally file = {0}, mem = {0}, trusted = {0};
	endorse_verify_options opt = {.on_problem = on_problem, .on_entry = on_entry, .ctx = &file};
	endorse_state *verified = NULL, *from_mem, *from_trusted;
	uint64_t problems = 0, mem_problems = 0, trusted_problems = 0, count = 0;
	const uint8_t(*leaves)[32];
	uint8_t root[32], root_mem[32], root_leaves[32];
	int rc;

	FUZZ_CHECK(fuzz_write_file(paths[P_LOG], log, size) == 0);
	rc = endorse_verify(&verified, dir, &opt, &problems);
	if (rc != 0 && rc != ENDORSE_EINVALID)
		return 0; /* could not run (out of memory): nothing to compare */
	FUZZ_CHECK(verified != NULL && (rc == 0) == (problems == 0));
	walk_state(verified);

	from_mem = replay(log, size, false, &mem, &mem_problems);
	FUZZ_CHECK(endorse_state_size(verified) == endorse_state_size(from_mem));
	FUZZ_CHECK(endorse_state_root(verified, root) && endorse_state_root(from_mem, root_mem));
	FUZZ_CHECK(sodium_memcmp(root, root_mem, 32) == 0);
	leaves = endorse_state_leaves(from_mem, &count);
	FUZZ_CHECK(count == endorse_state_size(from_mem) && (leaves != NULL || count == 0));
	endorse_merkle_root_of(root_leaves, leaves, count);
	FUZZ_CHECK(sodium_memcmp(root, root_leaves, 32) == 0);
	/* the file reader adds only "the log is empty" to what the lines break */
	FUZZ_CHECK(file.log_problems == mem_problems + (endorse_state_size(from_mem) == 0));
	FUZZ_CHECK(file.entries == mem.entries);
	same_state(verified, from_mem);

	if (mem_problems == 0) {
		from_trusted = replay(log, size, true, &trusted, &trusted_problems);
		FUZZ_CHECK(trusted_problems == 0);
		same_state(from_mem, from_trusted);
		endorse_state_free(from_trusted);
		if (size > 0) {
			writer_agrees(from_mem, fuzz_vkey(FUZZ_KEY_ORG1)->name);
			writer_agrees(from_mem, fuzz_vkey(FUZZ_KEY_ORG2)->name);
		}
	}
	endorse_state_free(from_mem);
	endorse_state_free(verified);
	return 0;
}
