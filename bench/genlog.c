/* genlog: writes a spec-conformant log repository of about N entries for
 * benchmarks: document versions, each endorsed by every one of ORGS
 * organizations, and log/checkpoint of all of them signed by the log key.
 * Keys are generated and thrown away.
 *
 *   genlog DIR N ORGS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "endorse.h"

static endorse_merkle tree;

static void
append(FILE *log, uint8_t prev[32], uint64_t seq, endorse_statement *st,
	const endorse_secret_key *key, const char *origin)
{
	uint8_t leaf[32];

	endorse_entry e = {0};
	uint8_t *m = NULL;
	size_t mlen = 0, len = 0;
	char *line = NULL;

	e.seq = seq;
	memcpy(e.prev, prev, 32);
	e.statement = *st;
	if (endorse_signed_message(&m, &mlen, origin, st) != 0 ||
	    (endorse_secret_key_sign(e.sig, key, m, mlen), endorse_entry_serialize(&line, &len, &e)) != 0) {
		fprintf(stderr, "genlog: %s\n", endorse_error_last());
		exit(2);
	}
	fwrite(line, 1, len, log);
	fputc('\n', log);
	crypto_hash_sha256(prev, (const uint8_t *)line, len);
	endorse_merkle_leaf_hash(leaf, (const uint8_t *)line, len);
	endorse_merkle_add(&tree, leaf);
	free(line);
	free(m);
}

/* Every organization's statements must claim increasing times: version v
 * is endorsed v minutes after 2026-01-01T00:00:00Z. */
static void
time_of(char out[21], uint64_t minutes)
{
	time_t t = (time_t)(1767225600 + 60 * minutes);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
write_checkpoint(const char *dir, const endorse_secret_key *log_key)
{
	endorse_checkpoint cp = {.size = tree.size};
	endorse_note *note = NULL;
	char path[4096], *text = NULL, *data = NULL;
	size_t text_len = 0, len = 0;
	FILE *f;

	snprintf(cp.origin, sizeof(cp.origin), "example.org/bench");
	endorse_merkle_root(&tree, cp.root);
	snprintf(path, sizeof(path), "%s/log/checkpoint", dir);
	if (endorse_checkpoint_format(&text, &text_len, &cp) != 0 ||
	    endorse_note_new(&note, text, text_len) != 0 || endorse_note_sign(note, log_key, 0) != 0 ||
	    endorse_note_format(&data, &len, note) != 0 || (f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "genlog: %s\n", endorse_error_last());
		exit(2);
	}
	fwrite(data, 1, len, f);
	fclose(f);
	endorse_note_free(note);
	free(text);
	free(data);
}

int
main(int argc, char **argv)
{
	char path[4096], vkey[ENDORSE_VKEY_MAX], doc_sha[65], title[64], name[64], url[128];
	char log_vkey[ENDORSE_VKEY_MAX], **org_vkeys, when[21];
	endorse_secret_key *log_key = NULL, **orgs;
	uint8_t prev[32] = {0}, digest[32];
	uint64_t n, seq = 0;
	size_t count;
	FILE *log, *f;

	if (argc != 4 || endorse_init() != 0)
		return fprintf(stderr, "usage: genlog DIR N ORGS\n"), 2;
	n = strtoull(argv[2], NULL, 10);
	count = strtoul(argv[3], NULL, 10);
	if (count == 0)
		return 2;
	snprintf(path, sizeof(path), "%s/keys/orgs", argv[1]);
	mkdir(argv[1], 0755);
	snprintf(path, sizeof(path), "%s/keys", argv[1]);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/keys/orgs", argv[1]);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/log", argv[1]);
	mkdir(path, 0755);
	endorse_secret_key_generate(&log_key, "example.org/bench", ENDORSE_KEY_ED25519);
	endorse_vkey_format(log_vkey, endorse_secret_key_vkey(log_key));
	snprintf(path, sizeof(path), "%s/keys/policy", argv[1]);
	f = fopen(path, "w");
	fprintf(f, "log %s\nquorum none\n", log_vkey);
	fclose(f);
	orgs = calloc(count, sizeof(*orgs));
	org_vkeys = calloc(count, sizeof(*org_vkeys));
	for (size_t i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "org%zu.example.org", i);
		endorse_secret_key_generate(&orgs[i], name, ENDORSE_KEY_ED25519);
		endorse_vkey_format(vkey, endorse_secret_key_vkey(orgs[i]));
		org_vkeys[i] = strdup(vkey);
	}
	snprintf(path, sizeof(path), "%s/log/endorsements.jsonl", argv[1]);
	log = fopen(path, "w");
	for (uint64_t version = 0; seq < n; version++) {
		endorse_statement d = {0};
		snprintf(title, sizeof(title), "Benchmark document v%llu", (unsigned long long)version);
		crypto_hash_sha256(digest, (const uint8_t *)title, strlen(title));
		sodium_bin2hex(doc_sha, sizeof(doc_sha), digest, 32);
		d.type = ENDORSE_DOCUMENT;
		d.signer = log_vkey;
		time_of(when, version);
		d.time = when;
		d.id = "bench";
		d.title = title;
		d.url = "https://example.org/bench";
		d.sha256 = doc_sha;
		append(log, prev, seq++, &d, log_key, "example.org/bench");
		for (size_t i = 0; i < count && seq < n; i++) {
			endorse_statement s = {0};
			snprintf(name, sizeof(name), "org%zu.example.org", i);
			snprintf(url, sizeof(url), "https://%s/", name);
			s.type = ENDORSE_ENDORSE;
			s.signer = org_vkeys[i];
			s.time = when;
			s.document = doc_sha;
			s.org_id = name;
			s.org_name = "Benchmark organization";
			s.org_url = url;
			append(log, prev, seq++, &s, orgs[i], "example.org/bench");
		}
	}
	fclose(log);
	write_checkpoint(argv[1], log_key);
	for (size_t i = 0; i < count && i < n; i++) {
		snprintf(path, sizeof(path), "%s/keys/orgs/org%zu.example.org.vkey", argv[1], i);
		f = fopen(path, "w");
		fprintf(f, "%s\n", org_vkeys[i]);
		fclose(f);
		endorse_secret_key_free(orgs[i]);
		free(org_vkeys[i]);
	}
	free(orgs);
	free(org_vkeys);
	endorse_secret_key_free(log_key);
	return 0;
}
