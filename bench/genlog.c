/* genlog: writes a spec-conformant log repository of N entries for the
 * benchmarks and the large-input tests, quickly: entries are signed and
 * serialised on every core, and only the hash chain is made in order.
 *
 *   genlog [-j JOBS] DIR N ORGS
 *   genlog [-j JOBS] -R ROTATIONS DIR
 *
 * The log is made of rounds. In round v the log key registers document
 * version v; then each of the ORGS organisations, in turn, endorses it. From
 * round 1 on, some also change their minds first: one in 50 withdraws its
 * endorsement of the version before, and one in 97 rotates its key (signed
 * by the old and the new key). Round v claims the times v hours after
 * 2026-01-01T00:00:00Z (withdraw, rotate and endorse one second apart), so
 * every organisation's times increase. With -R, the log is one document,
 * one endorsement by org0.example.org and then ROTATIONS rotations of its
 * key, one second apart. keys/policy names the log key,
 * keys/orgs pins every organisation's current key, and log/checkpoint is
 * signed by the log key over the whole log.
 *
 * The keys are made from the organisation's number and key generation by
 * SHA-256: they are public by construction, for benchmarks only, and are
 * thrown away. Nothing here is a secret worth sodium_malloc. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "encoding.h"
#include "vkey.h"

#define ORIGIN "example.org/bench"
#define BATCH 8192
#define WITHDRAW_EVERY 50
#define ROTATE_EVERY 97

struct org {
	uint32_t generation;  /* of its current key */
	uint8_t pk[32], sk[64];
	char vkey[ENDORSE_VKEY_MAX];
	bool endorses;        /* the version before */
};

/* One entry to write: its statement's strings live in text. */
struct job {
	endorse_entry entry;
	char text[6][ENDORSE_VKEY_MAX];  /* signer, time, document, org id, url, new signer */
	/* copies: a later entry of the batch may rotate the organisation's key */
	uint8_t sk[64], new_sk[64];
	bool rotate;
	char *line;                      /* serialised with a zero prev */
	size_t len;
};

static struct {
	struct job *jobs;
	size_t count;
	size_t next;
	pthread_mutex_t lock;
} work = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void
die(const char *what)
{
	fprintf(stderr, "genlog: %s: %s\n", what, endorse_error_last());
	exit(2);
}

static void
make_key(struct org *o, size_t i, const char *name)
{
	uint8_t seed[32], input[sizeof("endorse genlog") + 12];
	uint64_t n = i;
	endorse_vkey k;

	memcpy(input, "endorse genlog", sizeof("endorse genlog"));
	memcpy(input + sizeof("endorse genlog"), &n, 8);
	memcpy(input + sizeof("endorse genlog") + 8, &o->generation, 4);
	crypto_hash_sha256(seed, input, sizeof(input));
	if (crypto_sign_seed_keypair(o->pk, o->sk, seed) != 0) {
		fprintf(stderr, "genlog: cannot make a key\n");
		exit(2);
	}
	endorse_vkey_from_public(&k, name, ENDORSE_KEY_ED25519, o->pk);
	endorse_vkey_format(o->vkey, &k);
}

/* Signs and serialises one entry; prev is left zero. */
static void
finish_job(struct job *j)
{
	uint8_t *m = NULL;
	size_t len = 0;

	if (endorse_signed_message(&m, &len, ORIGIN, &j->entry.statement) != 0)
		die("signed message");
	crypto_sign_detached(j->entry.sig, NULL, m, len, j->sk);
	if (j->rotate) {
		crypto_sign_detached(j->entry.new_sig, NULL, m, len, j->new_sk);
		j->entry.has_new_sig = true;
	}
	free(m);
	if (endorse_entry_serialize(&j->line, &j->len, &j->entry) != 0)
		die("serialise");
}

static void *
worker(void *arg)
{
	(void)arg;
	for (;;) {
		size_t i;

		pthread_mutex_lock(&work.lock);
		i = work.next;
		work.next += 64;
		pthread_mutex_unlock(&work.lock);
		if (i >= work.count)
			return NULL;
		for (size_t k = i; k < i + 64 && k < work.count; k++)
			finish_job(&work.jobs[k]);
	}
}

static endorse_merkle tree;
static uint8_t prev[32];
static uint64_t seq;

/* Signs the batch on every thread, then chains and writes it in order: the
 * prev of a canonical line is the 64 hex digits after "prev":". */
static void
flush(FILE *log, struct job *jobs, size_t n, unsigned threads)
{
	pthread_t t[64];
	uint8_t leaf[32];

	work.jobs = jobs;
	work.count = n;
	work.next = 0;
	for (unsigned i = 0; i < threads; i++)
		if (pthread_create(&t[i], NULL, worker, NULL) != 0) {
			fprintf(stderr, "genlog: cannot start a thread\n");
			exit(2);
		}
	for (unsigned i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	for (size_t i = 0; i < n; i++) {
		char *at = strstr(jobs[i].line, "\"prev\":\"");

		if (at == NULL) {
			fprintf(stderr, "genlog: no prev in a serialised line\n");
			exit(2);
		}
		endorse_hex_encode(at + 8, prev, 32);
		at[8 + 64] = '"';  /* endorse_hex_encode ends with a NUL */
		fwrite(jobs[i].line, 1, jobs[i].len, log);
		fputc('\n', log);
		crypto_hash_sha256(prev, (const uint8_t *)jobs[i].line, jobs[i].len);
		endorse_merkle_leaf_hash(leaf, (const uint8_t *)jobs[i].line, jobs[i].len);
		endorse_merkle_add(&tree, leaf);
		free(jobs[i].line);
	}
}

static void
time_of(char out[21], uint64_t version, unsigned second)
{
	time_t t = (time_t)(1767225600 + 3600 * version + second);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "genlog: %s: %s\n", path, strerror(errno));
		exit(2);
	}
}

static void
write_checkpoint(const char *dir, const uint8_t log_sk[64], const endorse_vkey *log_vkey)
{
	endorse_checkpoint cp = {.size = tree.size};
	endorse_secret_key *key = NULL;
	endorse_note *note = NULL;
	char *text = NULL, *data = NULL, go[200], b64[sodium_base64_ENCODED_LEN(33,
		sodium_base64_VARIANT_ORIGINAL)], id[9];
	uint8_t raw[33] = {ENDORSE_KEY_ED25519};
	size_t text_len = 0, len = 0;

	/* The library signs notes with its own keys: import the log key. */
	memcpy(raw + 1, log_sk, 32);
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw), sodium_base64_VARIANT_ORIGINAL);
	endorse_vkey_id_hex(id, log_vkey);
	snprintf(go, sizeof(go), "PRIVATE+KEY+%s+%s+%s", ORIGIN, id, b64);
	snprintf(cp.origin, sizeof(cp.origin), "%s", ORIGIN);
	endorse_merkle_root(&tree, cp.root);
	if (endorse_secret_key_import_go(&key, go, strlen(go)) != 0 ||
	    endorse_checkpoint_format(&text, &text_len, &cp) != 0 ||
	    endorse_note_new(&note, text, text_len) != 0 || endorse_note_sign(note, key, 0) != 0 ||
	    endorse_note_format(&data, &len, note) != 0)
		die("checkpoint");
	write_file(dir, "log/checkpoint", data);
	endorse_secret_key_free(key);
	endorse_note_free(note);
	free(text);
	free(data);
}

static struct job *
next_job(struct job *jobs, size_t *n, FILE *log, unsigned threads)
{
	struct job *j;

	if (*n == BATCH) {
		flush(log, jobs, *n, threads);
		*n = 0;
	}
	j = &jobs[(*n)++];
	memset(j, 0, sizeof(*j));
	j->entry.seq = seq++;
	return j;
}

/* -R: org0 endorses the one document, then rotates its key k times. */
static void
rotations(FILE *log, struct job *jobs, size_t *pending, unsigned threads, struct org *log_key,
	struct org *o, uint64_t k)
{
	const char *name = "org0.example.org";
	struct job *j = next_job(jobs, pending, log, threads);
	endorse_statement *s = &j->entry.statement;
	uint8_t digest[32];

	snprintf(j->text[0], sizeof(j->text[0]), "%s", log_key->vkey);
	time_of(j->text[1], 0, 0);
	crypto_hash_sha256(digest, (const uint8_t *)"Rotations", 9);
	sodium_bin2hex(j->text[2], sizeof(j->text[2]), digest, 32);
	*s = (endorse_statement){.type = ENDORSE_DOCUMENT, .signer = j->text[0], .time = j->text[1],
		.id = "bench", .title = "Rotations", .url = "https://example.org/bench",
		.sha256 = j->text[2]};
	memcpy(j->sk, log_key->sk, 64);
	j = next_job(jobs, pending, log, threads);
	s = &j->entry.statement;
	snprintf(j->text[0], sizeof(j->text[0]), "%s", o->vkey);
	time_of(j->text[1], 0, 1);
	sodium_bin2hex(j->text[2], sizeof(j->text[2]), digest, 32);
	snprintf(j->text[3], sizeof(j->text[3]), "%s", name);
	*s = (endorse_statement){.type = ENDORSE_ENDORSE, .signer = j->text[0], .time = j->text[1],
		.document = j->text[2], .org_id = j->text[3], .org_name = "Benchmark organization",
		.org_url = "https://org0.example.org/"};
	memcpy(j->sk, o->sk, 64);
	for (uint64_t i = 0; i < k; i++) {
		j = next_job(jobs, pending, log, threads);
		s = &j->entry.statement;
		snprintf(j->text[0], sizeof(j->text[0]), "%s", o->vkey);
		time_of(j->text[1], 0, (unsigned)(2 + i));
		memcpy(j->sk, o->sk, 64);
		o->generation++;
		make_key(o, 0, name);
		snprintf(j->text[3], sizeof(j->text[3]), "%s", name);
		snprintf(j->text[5], sizeof(j->text[5]), "%s", o->vkey);
		memcpy(j->new_sk, o->sk, 64);
		j->rotate = true;
		*s = (endorse_statement){.type = ENDORSE_ROTATE, .signer = j->text[0],
			.time = j->text[1], .org_id = j->text[3], .new_signer = j->text[5]};
	}
}

int
main(int argc, char **argv)
{
	char path[4096], doc_sha[65], title[64], name[300];
	struct org log_key = {0}, *orgs;
	struct job *jobs;
	uint64_t n;
	size_t count, pending = 0;
	unsigned threads = 0;
	uint64_t rotate_count = 0;
	bool rotate_mode = false;
	int c;
	FILE *log;

	while ((c = getopt(argc, argv, "j:R:")) != -1) {
		if (c == 'j') {
			threads = (unsigned)strtoul(optarg, NULL, 10);
		} else if (c == 'R') {
			rotate_mode = true;
			rotate_count = strtoull(optarg, NULL, 10);
		} else {
			return 2;
		}
	}
	if (argc - optind != (rotate_mode ? 1 : 3) || endorse_init() != 0) {
		fprintf(stderr, "usage: genlog [-j JOBS] DIR N ORGS\n"
			"       genlog [-j JOBS] -R ROTATIONS DIR\n");
		return 2;
	}
	if (threads == 0 || threads > 64) {
		long online = sysconf(_SC_NPROCESSORS_ONLN);
		threads = online < 1 ? 1 : online > 64 ? 64 : (unsigned)online;
	}
	const char *dir = argv[optind];
	n = rotate_mode ? rotate_count + 2 : strtoull(argv[optind + 1], NULL, 10);
	count = rotate_mode ? 1 : strtoul(argv[optind + 2], NULL, 10);
	if (count == 0 || n == 0) {
		fprintf(stderr, "genlog: N and ORGS must be at least 1\n");
		return 2;
	}
	static const char *const subdirs[] = {"", "/keys", "/keys/orgs", "/log"};
	for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", dir, subdirs[i]);
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "genlog: %s: %s\n", path, strerror(errno));
			return 2;
		}
	}
	make_key(&log_key, (size_t)-1, ORIGIN);
	snprintf(path, sizeof(path), "log %s\nquorum none\n", log_key.vkey);
	write_file(dir, "keys/policy", path);
	orgs = calloc(count, sizeof(*orgs));
	jobs = calloc(BATCH, sizeof(*jobs));
	if (orgs == NULL || jobs == NULL) {
		fprintf(stderr, "genlog: out of memory\n");
		return 2;
	}
	for (size_t i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "org%zu.example.org", i);
		make_key(&orgs[i], i, name);
	}
	snprintf(path, sizeof(path), "%s/log/endorsements.jsonl", dir);
	if ((log = fopen(path, "w")) == NULL) {
		fprintf(stderr, "genlog: %s: %s\n", path, strerror(errno));
		return 2;
	}
	char prev_sha[65] = "";
	if (rotate_mode)
		rotations(log, jobs, &pending, threads, &log_key, &orgs[0], rotate_count);
	for (uint64_t v = 0; seq < n; v++) {
		struct job *j = next_job(jobs, &pending, log, threads);
		endorse_statement *d = &j->entry.statement;
		uint8_t digest[32];

		snprintf(title, sizeof(title), "Benchmark document v%llu", (unsigned long long)v);
		crypto_hash_sha256(digest, (const uint8_t *)title, strlen(title));
		snprintf(prev_sha, sizeof(prev_sha), "%s", doc_sha);
		sodium_bin2hex(doc_sha, sizeof(doc_sha), digest, 32);
		/* Strings: the statement points into the job's own text. */
		snprintf(j->text[0], sizeof(j->text[0]), "%s", log_key.vkey);
		time_of(j->text[1], v, 0);
		snprintf(j->text[2], sizeof(j->text[2]), "%s", doc_sha);
		snprintf(j->text[3], sizeof(j->text[3]), "%s", title);
		d->type = ENDORSE_DOCUMENT;
		d->signer = j->text[0];
		d->time = j->text[1];
		d->id = "bench";
		d->title = j->text[3];
		d->url = "https://example.org/bench";
		d->sha256 = j->text[2];
		memcpy(j->sk, log_key.sk, 64);
		for (size_t i = 0; i < count && seq < n; i++) {
			struct org *o = &orgs[i];
			endorse_statement *s;

			snprintf(name, sizeof(name), "org%zu.example.org", i);
			if (v > 0 && o->endorses && (i + v) % WITHDRAW_EVERY == 0) {
				j = next_job(jobs, &pending, log, threads);
				s = &j->entry.statement;
				snprintf(j->text[0], sizeof(j->text[0]), "%s", o->vkey);
				time_of(j->text[1], v, 1);
				snprintf(j->text[2], sizeof(j->text[2]), "%s", prev_sha);
				snprintf(j->text[3], sizeof(j->text[3]), "%s", name);
				*s = (endorse_statement){.type = ENDORSE_WITHDRAW, .signer = j->text[0],
					.time = j->text[1], .document = j->text[2], .org_id = j->text[3]};
				memcpy(j->sk, o->sk, 64);
				o->endorses = false;
				if (seq >= n)
					break;
			}
			if (v > 0 && (i + 3 * v) % ROTATE_EVERY == 0) {
				j = next_job(jobs, &pending, log, threads);
				s = &j->entry.statement;
				snprintf(j->text[0], sizeof(j->text[0]), "%s", o->vkey);
				time_of(j->text[1], v, 2);
				snprintf(j->text[3], sizeof(j->text[3]), "%s", name);
				memcpy(j->sk, o->sk, 64);
				o->generation++;
				make_key(o, i, name);
				snprintf(j->text[5], sizeof(j->text[5]), "%s", o->vkey);
				memcpy(j->new_sk, o->sk, 64);
				j->rotate = true;
				*s = (endorse_statement){.type = ENDORSE_ROTATE, .signer = j->text[0],
					.time = j->text[1], .org_id = j->text[3], .new_signer = j->text[5]};
				if (seq >= n)
					break;
			}
			j = next_job(jobs, &pending, log, threads);
			s = &j->entry.statement;
			snprintf(j->text[0], sizeof(j->text[0]), "%s", o->vkey);
			time_of(j->text[1], v, 3);
			snprintf(j->text[2], sizeof(j->text[2]), "%s", doc_sha);
			snprintf(j->text[3], sizeof(j->text[3]), "%s", name);
			snprintf(j->text[4], sizeof(j->text[4]), "https://%s/", name);
			*s = (endorse_statement){.type = ENDORSE_ENDORSE, .signer = j->text[0],
				.time = j->text[1], .document = j->text[2], .org_id = j->text[3],
				.org_name = "Benchmark organization", .org_url = j->text[4]};
			memcpy(j->sk, o->sk, 64);
			o->endorses = true;
		}
	}
	flush(log, jobs, pending, threads);
	if (fclose(log) != 0) {
		fprintf(stderr, "genlog: writing the log: %s\n", strerror(errno));
		return 2;
	}
	{
		endorse_vkey k;
		endorse_vkey_from_public(&k, ORIGIN, ENDORSE_KEY_ED25519, log_key.pk);
		write_checkpoint(dir, log_key.sk, &k);
	}
	/* Every organisation that has appeared is pinned with its current key. */
	for (size_t i = 0; i < count && i + 1 < n; i++) {
		char line[ENDORSE_VKEY_MAX + 1];

		snprintf(name, sizeof(name), "keys/orgs/org%zu.example.org.vkey", i);
		snprintf(line, sizeof(line), "%s\n", orgs[i].vkey);
		write_file(dir, name, line);
	}
	sodium_memzero(orgs, count * sizeof(*orgs));
	free(orgs);
	free(jobs);
	return 0;
}
