/* floor: the cost floor of verifying a log, for bench/run.sh: one core of
 * raw crypto_sign_verify_detached over the signatures of the log's entries,
 * with their messages built beforehand (not timed). It verifies the first
 * min(N, SAMPLE) signatures of DIR/log/endorsements.jsonl three times and
 * prints the seconds one core needs for all N entries (the fastest of the
 * three, scaled by N / sample: the least disturbed by other load, so the
 * ratios to it are if anything too high), then the sample size and the
 * microseconds per signature.
 *
 * With -p, each line also costs one crypto_core_ed25519_is_valid_point of
 * its signer's key: what SPEC requires of a line that brings a new key (a
 * log of organisations that endorse once each, genlog -O).
 *
 *   floor [-p] DIR [SAMPLE]   (default SAMPLE 50000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "entry.h"
#include "error.h"

struct signed_message {
	uint8_t sig[64], pk[32];
	uint8_t *m;
	size_t len;
};

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	size_t sample = 50000, n = 0, lines = 0, cap = 0;
	bool points = false;
	struct signed_message *all;
	char path[4096], *line = NULL;
	endorse_policy *policy = NULL;
	double start, seconds;
	FILE *f;

	if (argc > 1 && strcmp(argv[1], "-p") == 0) {
		points = true;
		argc--;
		argv++;
	}
	if (argc > 2)
		sample = strtoul(argv[2], NULL, 10);
	if (argc < 2 || sample == 0 || endorse_init() != 0) {
		fprintf(stderr, "usage: floor [-p] DIR [SAMPLE]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/keys/policy", argv[1]);
	if (endorse_policy_load(&policy, path) != 0) {
		fprintf(stderr, "floor: %s\n", endorse_error_last());
		return 2;
	}
	snprintf(path, sizeof(path), "%s/log/endorsements.jsonl", argv[1]);
	if ((f = fopen(path, "r")) == NULL || (all = calloc(sample, sizeof(*all))) == NULL) {
		perror(path);
		return 2;
	}
	for (ssize_t len; (len = getline(&line, &cap, f)) > 0; lines++) {
		endorse_entry e;

		if (n == sample)
			continue;  /* only counted */
		if (endorse_entry_parse(&e, line, (size_t)len - 1) != 0 ||
		    endorse_signed_message(&all[n].m, &all[n].len, endorse_policy_log_key(policy)->name,
			    &e.statement) != 0) {
			fprintf(stderr, "floor: line %zu: %s\n", lines + 1, endorse_error_get()->message);
			return 2;
		}
		memcpy(all[n].sig, e.sig, 64);
		memcpy(all[n].pk, e.signer.public_key, 32);
		endorse_entry_clear(&e);
		n++;
	}
	fclose(f);
	seconds = 1e300;
	for (int run = 0; run < 3; run++) {
		start = now();
		for (size_t i = 0; i < n; i++)
			if ((points && crypto_core_ed25519_is_valid_point(all[i].pk) != 1) ||
			    crypto_sign_verify_detached(all[i].sig, all[i].m, all[i].len, all[i].pk) != 0) {
				fprintf(stderr, "floor: signature %zu does not verify\n", i);
				return 2;
			}
		if (now() - start < seconds)
			seconds = now() - start;
	}
	printf("%.2f %zu %.1f\n", seconds * (double)lines / (double)n, n, seconds / (double)n * 1e6);
	for (size_t i = 0; i < n; i++)
		free(all[i].m);
	free(all);
	free(line);
	endorse_policy_free(policy);
	return 0;
}
