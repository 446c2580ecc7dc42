/* genhistory: builds a git repository whose branch main holds a valid log
 * history of N commits, for benchmarking `endorse verify --history`. Each
 * commit appends exactly one entry and changes only what `endorse` itself
 * would (log/endorsements.jsonl, keys/orgs/ID.vkey; keys/policy in the first
 * commit), with the commit message `endorse` writes. The entries are signed
 * with the library's public API (endorse.h) and the commits are written by
 * one `git fast-import`, which is much faster than running `endorse sign` N
 * times (each of which verifies the whole log before it appends).
 *
 *   genhistory [--merges] DIR [N [ORGS]]
 *
 * N commits (default 2000) by ORGS organisations (default 50): the first
 * registers a document; then every 500th commit registers a new version
 * (signed by the log key) and the organisations take turns: endorse the
 * newest version, withdraw it, and every fifth turn rotate their key (signed
 * by both keys). Claimed times, and commit times, are one second apart from
 * 2026-01-01T00:00:00Z. With --merges, every entry is committed on a side
 * branch and merged into main by a merge commit (as a pull request merged
 * with a merge commit): main then has 2N-1 commits, N of them in its
 * first-parent history. Keys are generated and thrown away. Needs git.
 *
 * The repository is repacked at the end (git repack -adf): fast-import
 * stores each version of the log as a delta against the one before, in
 * chains up to 50 deep, which makes reading old versions many times slower
 * than in a repository packed by git gc or served by a git host (where the
 * newest version is whole and older ones are deltas against it). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "endorse.h"

#define ORIGIN "example.org/bench"
#define TITLE "Benchmark document"
#define EPOCH 1767225600 /* 2026-01-01T00:00:00Z */

struct org {
	char id[64], url[128], name[64];
	endorse_secret_key *key;
	char vkey[ENDORSE_VKEY_MAX];
	bool introduced;  /* has endorsed once: keys/orgs holds its key */
	long endorsing;   /* index of the document it endorses, or -1 */
	unsigned turns;
};

struct buffer {
	char *data;
	size_t len, cap;
};

static void
die(const char *what)
{
	fprintf(stderr, "genhistory: %s: %s\n", what, endorse_error_last());
	exit(2);
}

static void
add(struct buffer *b, const char *data, size_t len)
{
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2;
		b->data = realloc(b->data, b->cap);
		if (b->data == NULL) {
			fprintf(stderr, "genhistory: out of memory\n");
			exit(2);
		}
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

static void
time_of(char out[21], uint64_t seconds)
{
	time_t t = (time_t)(EPOCH + seconds);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Signs st as entry seq of the log and appends its line to log. */
static void
append(struct buffer *log, uint8_t prev[32], uint64_t seq, endorse_statement *st,
	const endorse_secret_key *key, const endorse_secret_key *new_key)
{
	endorse_entry e = {0};
	uint8_t *m = NULL;
	size_t mlen = 0, len = 0;
	char *line = NULL;

	e.seq = seq;
	memcpy(e.prev, prev, 32);
	e.statement = *st;
	if (endorse_signed_message(&m, &mlen, ORIGIN, st) != 0)
		die("cannot build the signed message");
	if (endorse_secret_key_sign(e.sig, key, m, mlen) != 0 ||
	    (new_key != NULL && endorse_secret_key_sign(e.new_sig, new_key, m, mlen) != 0))
		die("cannot sign");
	e.has_new_sig = new_key != NULL;
	if (endorse_entry_serialize(&line, &len, &e) != 0)
		die("cannot serialise an entry");
	add(log, line, len);
	add(log, "\n", 1);
	crypto_hash_sha256(prev, (const uint8_t *)line, len);
	free(line);
	free(m);
}

static void
data(FILE *out, const char *bytes, size_t len)
{
	fprintf(out, "data %zu\n", len);
	fwrite(bytes, 1, len, out);
	fputc('\n', out);
}

static void
commit_header(FILE *out, const char *ref, unsigned long mark, const char *author, uint64_t k,
	const char *message)
{
	fprintf(out, "commit %s\nmark :%lu\n", ref, mark);
	fprintf(out, "author %s %llu +0000\n", author, (unsigned long long)(EPOCH + k));
	fprintf(out, "committer %s %llu +0000\n", author, (unsigned long long)(EPOCH + k));
	data(out, message, strlen(message));
}

static void
run(const char *command)
{
	if (system(command) != 0) {
		fprintf(stderr, "genhistory: '%s' failed\n", command);
		exit(2);
	}
}

int
main(int argc, char **argv)
{
	bool merges = argc > 1 && strcmp(argv[1], "--merges") == 0;
	char log_vkey[ENDORSE_VKEY_MAX], when[21], message[512], path[128], author[256];
	char docs[64][65]; /* the sha256 of each version, as a ring (only the newest matter) */
	endorse_secret_key *log_key = NULL;
	struct buffer log = {0};
	struct org *orgs;
	uint8_t prev[32] = {0}, digest[32];
	uint64_t n = 2000, seq = 0;
	unsigned long count = 50, mark = 0, main_mark = 0;
	long version = -1;
	FILE *out;

	argv += merges;
	argc -= merges;
	if (argc < 2 || argc > 4 || endorse_init() != 0) {
		fprintf(stderr, "usage: genhistory [--merges] DIR [N [ORGS]]\n");
		return 2;
	}
	if (argc > 2)
		n = strtoull(argv[2], NULL, 10);
	if (argc > 3)
		count = strtoul(argv[3], NULL, 10);
	if (n == 0 || count == 0) {
		fprintf(stderr, "genhistory: N and ORGS must be at least 1\n");
		return 2;
	}
	if (mkdir(argv[1], 0755) != 0 || chdir(argv[1]) != 0) {
		perror(argv[1]);
		return 2;
	}
	run("git init -q -b main . && git config user.name 'endorse bench' && "
	    "git config user.email bench@example.org");
	out = popen("git fast-import --quiet --done", "w");
	if (out == NULL) {
		perror("git fast-import");
		return 2;
	}

	if (endorse_secret_key_generate(&log_key, ORIGIN, ENDORSE_KEY_ED25519) != 0)
		die("cannot generate the log key");
	endorse_vkey_format(log_vkey, endorse_secret_key_vkey(log_key));
	orgs = calloc(count, sizeof(*orgs));
	for (unsigned long i = 0; i < count; i++) {
		snprintf(orgs[i].id, sizeof(orgs[i].id), "org%lu.example.org", i);
		snprintf(orgs[i].url, sizeof(orgs[i].url), "https://org%lu.example.org/", i);
		snprintf(orgs[i].name, sizeof(orgs[i].name), "Benchmark organisation %lu", i);
		if (endorse_secret_key_generate(&orgs[i].key, orgs[i].id, ENDORSE_KEY_ED25519) != 0)
			die("cannot generate a key");
		endorse_vkey_format(orgs[i].vkey, endorse_secret_key_vkey(orgs[i].key));
		orgs[i].endorsing = -1;
	}

	for (uint64_t k = 0; k < n; k++) {
		endorse_statement st = {0};
		endorse_secret_key *new_key = NULL;
		struct org *o = NULL;
		const char *pin = NULL; /* keys/orgs file written by this commit */

		time_of(when, k);
		st.time = when;
		if (k % 500 == 0) {
			char text[64];
			version++;
			snprintf(text, sizeof(text), "Benchmark document, version %ld\n", version);
			crypto_hash_sha256(digest, (const uint8_t *)text, strlen(text));
			sodium_bin2hex(docs[version % 64], 65, digest, 32);
			st.type = ENDORSE_DOCUMENT;
			st.signer = log_vkey;
			st.id = "benchmark-document";
			st.title = TITLE;
			st.url = "https://example.org/bench";
			st.sha256 = docs[version % 64];
			append(&log, prev, seq++, &st, log_key, NULL);
			if (k == 0)
				snprintf(message, sizeof(message), "endorse: create the log %s and register %s "
					"(%.8s)", ORIGIN, TITLE, st.sha256);
			else
				snprintf(message, sizeof(message), "endorse: register %s (%.8s)", TITLE, st.sha256);
			snprintf(author, sizeof(author), "endorse bench <bench@example.org>");
		} else {
			o = &orgs[(k - 1) % count];
			st.signer = o->vkey;
			st.org_id = o->id;
			if (o->introduced && o->turns % 5 == 4) {
				char id_hex[9];
				if (endorse_secret_key_generate(&new_key, o->id, ENDORSE_KEY_ED25519) != 0)
					die("cannot generate a key");
				st.type = ENDORSE_ROTATE;
				st.new_signer = malloc(ENDORSE_VKEY_MAX);
				endorse_vkey_format(st.new_signer, endorse_secret_key_vkey(new_key));
				append(&log, prev, seq++, &st, o->key, new_key);
				endorse_vkey_id_hex(id_hex, endorse_secret_key_vkey(new_key));
				snprintf(message, sizeof(message), "endorse: %s rotates its key to %s", o->id,
					id_hex);
				endorse_secret_key_free(o->key);
				o->key = new_key;
				snprintf(o->vkey, sizeof(o->vkey), "%s", st.new_signer);
				free(st.new_signer);
				pin = o->vkey;
			} else if (o->endorsing >= 0) {
				st.type = ENDORSE_WITHDRAW;
				st.document = docs[o->endorsing % 64];
				append(&log, prev, seq++, &st, o->key, NULL);
				snprintf(message, sizeof(message), "endorse: %s withdraws its endorsement of %s "
					"(%.8s)", o->id, TITLE, st.document);
				o->endorsing = -1;
			} else {
				st.type = ENDORSE_ENDORSE;
				st.document = docs[version % 64];
				st.org_name = o->name;
				st.org_url = o->url;
				append(&log, prev, seq++, &st, o->key, NULL);
				snprintf(message, sizeof(message), "endorse: %s endorses %s (%.8s)", o->id, TITLE,
					st.document);
				o->endorsing = version;
				if (!o->introduced)
					pin = o->vkey;
				o->introduced = true;
			}
			o->turns++;
			snprintf(author, sizeof(author), "Admin of %s <admin@%s>", o->id, o->id);
		}

		/* One commit on main, or with --merges one on a side branch and a
		 * merge of it into main, as GitHub's merge button does. */
		const char *ref = merges && k > 0 ? "refs/heads/pr" : "refs/heads/main";
		commit_header(out, ref, ++mark, author, k, message);
		if (main_mark > 0)
			fprintf(out, "from :%lu\n", main_mark);
		if (k == 0) {
			char policy[ENDORSE_VKEY_MAX + 32];
			snprintf(policy, sizeof(policy), "log %s\nquorum none\n", log_vkey);
			fprintf(out, "M 100644 inline keys/policy\n");
			data(out, policy, strlen(policy));
		}
		fprintf(out, "M 100644 inline log/endorsements.jsonl\n");
		data(out, log.data, log.len);
		if (pin != NULL) {
			char line[ENDORSE_VKEY_MAX + 1];
			snprintf(path, sizeof(path), "keys/orgs/%s.vkey", o->id);
			snprintf(line, sizeof(line), "%s\n", pin);
			fprintf(out, "M 100644 inline %s\n", path);
			data(out, line, strlen(line));
		}
		fputc('\n', out);
		if (merges && k > 0) {
			unsigned long side = mark;
			snprintf(message, sizeof(message), "Merge pull request #%llu from %s\n",
				(unsigned long long)k, o != NULL ? o->id : "example.org");
			commit_header(out, "refs/heads/main", ++mark,
				"endorse bench <bench@example.org>", k, message);
			fprintf(out, "from :%lu\nmerge :%lu\n", main_mark, side);
			/* the merge's tree is the side commit's */
			fprintf(out, "M 100644 inline log/endorsements.jsonl\n");
			data(out, log.data, log.len);
			if (pin != NULL) {
				char line[ENDORSE_VKEY_MAX + 1];
				snprintf(line, sizeof(line), "%s\n", pin);
				fprintf(out, "M 100644 inline %s\n", path);
				data(out, line, strlen(line));
			}
			fputc('\n', out);
		}
		main_mark = mark;
	}
	fprintf(out, "done\n");
	if (pclose(out) != 0) {
		fprintf(stderr, "genhistory: git fast-import failed\n");
		return 2;
	}
	if (merges && n > 1)
		run("git update-ref -d refs/heads/pr");
	run("git repack -adfq && git reset -q --hard main");
	for (unsigned long i = 0; i < count; i++)
		endorse_secret_key_free(orgs[i].key);
	free(orgs);
	free(log.data);
	endorse_secret_key_free(log_key);
	printf("%s: %llu commits on main (%llu in its first-parent history), %llu entries\n",
		argv[1], (unsigned long long)(merges ? 2 * n - 1 : n), (unsigned long long)n,
		(unsigned long long)seq);
	return 0;
}
