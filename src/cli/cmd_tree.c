/* endorse tree: RFC 6962 Merkle roots and proofs of the lines on standard
 * input (the leaf is a line without its LF), for any log, and the checks
 * of such proofs. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "util.h"

#define B64 sodium_base64_VARIANT_ORIGINAL

static const char usage_text[] =
	"usage: endorse tree root                     < LINES\n"
	"       endorse tree prove-inclusion INDEX    < LINES\n"
	"       endorse tree prove-consistency OLD-SIZE < LINES\n"
	"       endorse tree verify-inclusion --index I --size N --root ROOT --leaf FILE < PROOF\n"
	"       endorse tree verify-consistency --old-size M --old-root ROOT1 --size N\n"
	"                                       --root ROOT2 < PROOF\n";

static int
help(void)
{
	printf("%s\n"
		"The RFC 6962 Merkle tree of any log kept as lines: every line of LINES ends\n"
		"with a newline, and a leaf is a line without it. Hashes are printed and read\n"
		"in base64, one per line; proofs in the order of C2SP tlog-proof (the leaf's\n"
		"sibling first).\n\n"
		"  root                 the root of all the lines\n"
		"  prove-inclusion      the proof that line INDEX (0-based) is in the tree of\n"
		"                       all the lines\n"
		"  prove-consistency    the proof that the tree of the first OLD-SIZE lines is a\n"
		"                       prefix of the tree of all the lines\n"
		"  verify-inclusion     checks an inclusion proof of the leaf in FILE (one line,\n"
		"                       with or without its newline) at index I in the tree of N\n"
		"                       leaves whose root is ROOT\n"
		"  verify-consistency   checks a consistency proof between two roots\n\n"
		"Examples:\n"
		"  endorse tree root < log/endorsements.jsonl\n"
		"  endorse tree prove-inclusion 2 < log/endorsements.jsonl > proof\n"
		"  sed -n 3p log/endorsements.jsonl > leaf\n"
		"  endorse tree verify-inclusion --index 2 --size $(wc -l < log/endorsements.jsonl) \\\n"
		"      --root $(endorse tree root < log/endorsements.jsonl) --leaf leaf < proof\n\n"
		"Exit status: 0 valid or done, 1 a proof does not verify, 2 could not run.\n",
		usage_text);
	return EXIT_VALID;
}

/* Canonical base64 of exactly 32 bytes. */
static bool
parse_hash(uint8_t out[32], const char *text, size_t len)
{
	char again[45];
	size_t got = 0;
	const char *end = NULL;

	if (len != 44 || sodium_base642bin(out, 32, text, len, NULL, &got, &end, B64) != 0 ||
	    got != 32 || end != text + len)
		return false;
	sodium_bin2base64(again, sizeof(again), out, 32, B64);
	return memcmp(again, text, len) == 0;
}

static void
print_hash(const uint8_t h[32])
{
	char b64[45];

	sodium_bin2base64(b64, sizeof(b64), h, 32, B64);
	printf("%s\n", b64);
}

/* The leaf hashes of standard input, every line ending with LF. With
 * leaves NULL, only the streaming root is kept. */
static int
read_leaves(uint8_t (**leaves)[32], uint64_t *count, endorse_merkle *tree)
{
	static char buf[1 << 20];
	crypto_hash_sha256_state st;
	const uint8_t prefix = 0x00;
	size_t cap = 0;
	bool open_line = false;
	ssize_t n;

	*count = 0;
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
		char *p = buf, *end;

		if (n < 0)
			return cli_error("cannot read standard input");
		end = buf + n;
		while (p < end) {
			char *lf = memchr(p, '\n', (size_t)(end - p));
			char *stop = lf != NULL ? lf : end;
			uint8_t h[32];

			if (!open_line) {
				crypto_hash_sha256_init(&st);
				crypto_hash_sha256_update(&st, &prefix, 1);
				open_line = true;
			}
			crypto_hash_sha256_update(&st, (const uint8_t *)p, (size_t)(stop - p));
			p = stop;
			if (lf == NULL)
				break;
			p++;
			open_line = false;
			crypto_hash_sha256_final(&st, h);
			if (tree != NULL)
				endorse_merkle_add(tree, h);
			if (leaves != NULL) {
				void *grown = *count >= SIZE_MAX ? NULL :
					cli_reserve(*leaves, &cap, (size_t)*count + 1, 32);
				if (grown == NULL)
					return cli_error("out of memory");
				*leaves = grown;
				memcpy((*leaves)[*count], h, 32);
			}
			(*count)++;
		}
	}
	if (open_line)
		return cli_error("standard input does not end with a newline: every line, the "
			"last one too, must end with one");
	return 0;
}

static int
tree_root(int argc)
{
	endorse_merkle tree = {.depth = 0, .size = 0};
	uint8_t root[32];
	uint64_t count;

	if (argc != 2)
		return cli_usage(usage_text + strlen("usage: "));
	if (read_leaves(NULL, &count, &tree) != 0)
		return EXIT_TROUBLE;
	endorse_merkle_root(&tree, root);
	print_hash(root);
	return EXIT_VALID;
}

static int
tree_prove(int argc, char **argv, bool inclusion)
{
	uint8_t (*leaves)[32] = NULL, proof[ENDORSE_MERKLE_MAX_PROOF][32];
	uint64_t arg, count = 0;
	size_t n = 0;
	int rc;

	if (argc != 3 || !cli_parse_u64(&arg, argv[2], UINT64_MAX))
		return cli_error("%s takes one number: %s", argv[1],
			inclusion ? "the leaf's index (0-based)" : "the old tree's size");
	if (read_leaves(&leaves, &count, NULL) != 0) {
		free(leaves);
		return EXIT_TROUBLE;
	}
	rc = inclusion
		? endorse_merkle_prove_inclusion(proof, &n, (const uint8_t(*)[32])leaves, count, arg)
		: endorse_merkle_prove_consistency(proof, &n, (const uint8_t(*)[32])leaves, arg, count);
	free(leaves);
	if (rc != 0)
		return cli_library_error(rc);
	for (size_t i = 0; i < n; i++)
		print_hash(proof[i]);
	return EXIT_VALID;
}

/* A proof on standard input: canonical base64 hashes, one per line. A
 * malformed proof is an invalid one (exit 1). */
static int
read_proof(uint8_t proof[][32], size_t *n)
{
	char *text = NULL, *p, *end;
	size_t len = 0;

	*n = 0;
	if (cli_read_file(&text, &len, "-", ENDORSE_MERKLE_MAX_PROOF * 45 + 1) != 0)
		return EXIT_TROUBLE;
	for (p = text, end = text + len; p < end;) {
		char *lf = memchr(p, '\n', (size_t)(end - p));
		if (lf == NULL || *n == ENDORSE_MERKLE_MAX_PROOF || !parse_hash(proof[*n], p, (size_t)(lf - p))) {
			free(text);
			fprintf(stderr, "endorse: invalid: the proof must be base64 SHA-256 hashes, one per "
				"line, at most %d\n", ENDORSE_MERKLE_MAX_PROOF);
			return EXIT_INVALID;
		}
		(*n)++;
		p = lf + 1;
	}
	free(text);
	return 0;
}

/* The leaf in file: one line, its final LF (if any) not part of it. */
static int
read_leaf(uint8_t hash[32], const char *file)
{
	char *text = NULL;
	size_t len = 0;

	if (cli_read_file(&text, &len, file, 1u << 30) != 0)
		return EXIT_TROUBLE;
	if (len > 0 && text[len - 1] == '\n')
		len--;
	if (memchr(text, '\n', len) != NULL) {
		free(text);
		return cli_error("%s: a leaf is one line", file);
	}
	endorse_merkle_leaf_hash(hash, (const uint8_t *)text, len);
	free(text);
	return 0;
}

enum { OPT_INDEX = 256, OPT_SIZE, OPT_ROOT, OPT_LEAF, OPT_OLD_SIZE, OPT_OLD_ROOT };

static int
tree_verify(int argc, char **argv, bool inclusion)
{
	static const struct option options[] = {
		{"index", required_argument, NULL, OPT_INDEX},
		{"size", required_argument, NULL, OPT_SIZE},
		{"root", required_argument, NULL, OPT_ROOT},
		{"leaf", required_argument, NULL, OPT_LEAF},
		{"old-size", required_argument, NULL, OPT_OLD_SIZE},
		{"old-root", required_argument, NULL, OPT_OLD_ROOT},
		{NULL, 0, NULL, 0},
	};
	const char *value[6] = {NULL}, *leaf = NULL;
	uint64_t index = 0, size = 0, old_size = 0;
	uint8_t root[32], old_root[32], leaf_hash[32], proof[ENDORSE_MERKLE_MAX_PROOF][32];
	size_t n = 0;
	bool ok;
	int c, rc;

	optind = 2;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c < OPT_INDEX || c > OPT_OLD_ROOT)
			return cli_usage(usage_text + strlen("usage: "));
		value[c - OPT_INDEX] = optarg;
	}
	leaf = value[OPT_LEAF - OPT_INDEX];
	if (optind != argc || !value[OPT_SIZE - OPT_INDEX] || !value[OPT_ROOT - OPT_INDEX] ||
	    (inclusion ? (!value[0] || !leaf || value[4] || value[5])
		       : (!value[4] || !value[5] || value[0] || leaf)))
		return cli_usage(usage_text + strlen("usage: "));
	if (!cli_parse_u64(&size, value[OPT_SIZE - OPT_INDEX], UINT64_MAX) ||
	    (inclusion ? !cli_parse_u64(&index, value[0], UINT64_MAX)
		       : !cli_parse_u64(&old_size, value[4], UINT64_MAX)))
		return cli_error("sizes and indices are decimals without sign or leading zeros");
	if (!parse_hash(root, value[OPT_ROOT - OPT_INDEX], strlen(value[OPT_ROOT - OPT_INDEX])) ||
	    (!inclusion && !parse_hash(old_root, value[5], strlen(value[5]))))
		return cli_error("a root is the base64 of 32 bytes");
	if ((rc = read_proof(proof, &n)) != 0 || (inclusion && (rc = read_leaf(leaf_hash, leaf)) != 0))
		return rc;
	ok = inclusion
		? endorse_merkle_check_inclusion(leaf_hash, index, size, root,
			  (const uint8_t(*)[32])proof, n)
		: endorse_merkle_check_consistency(old_size, size, old_root, root,
			  (const uint8_t(*)[32])proof, n);
	if (!ok) {
		fprintf(stderr, "endorse: invalid: the %s proof does not verify\n",
			inclusion ? "inclusion" : "consistency");
		return EXIT_INVALID;
	}
	printf("%s proof valid\n", inclusion ? "inclusion" : "consistency");
	return EXIT_VALID;
}

int
cmd_tree(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return argc < 2 ? cli_usage(usage_text + strlen("usage: ")) : help();
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0)
			return help();
	if (strcmp(argv[1], "root") == 0)
		return tree_root(argc);
	if (strcmp(argv[1], "prove-inclusion") == 0)
		return tree_prove(argc, argv, true);
	if (strcmp(argv[1], "prove-consistency") == 0)
		return tree_prove(argc, argv, false);
	if (strcmp(argv[1], "verify-inclusion") == 0)
		return tree_verify(argc, argv, true);
	if (strcmp(argv[1], "verify-consistency") == 0)
		return tree_verify(argc, argv, false);
	cli_error("unknown tree command '%s'", argv[1]);
	return cli_usage(usage_text + strlen("usage: "));
}
