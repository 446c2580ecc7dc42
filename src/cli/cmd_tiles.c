/* endorse tiles: the log as C2SP tlog-tiles, for a static web host. */
#include <getopt.h>

#include "cli.h"
#include "util.h"

static const char usage_line[] = "endorse tiles [-C DIR] --out DIR";

static void
help(void)
{
	printf("usage: %s\n\n"
		"Write the log as C2SP tlog-tiles under the --out directory, ready for any\n"
		"static web host (GitHub Pages): checkpoint (log/checkpoint as signed),\n"
		"tile/L/N[.p/W] (the Merkle tree's hashes, 256 a tile) and\n"
		"tile/entries/N[.p/W] (the lines, without their LF, each after its length\n"
		"as a big-endian uint16). The tiles are those of the tree log/checkpoint\n"
		"signs, which must verify under keys/policy (its witnesses need not have\n"
		"cosigned yet); the lines after it wait for the next checkpoint.\n\n"
		"A tile never changes: one already in the directory is compared with this\n"
		"log's and kept, never written again, so a run writes only the new tiles,\n"
		"and the checkpoint last. A tile that differs (the directory holds another\n"
		"log's tiles, or a history that was rewritten) stops the run: exit 1.\n\n"
		"  -C DIR                     run as if started in DIR (like git -C)\n"
		"      --out DIR              where the tiles go (made if absent)\n\n"
		"Example:\n"
		"  endorse tiles --out site/log\n\n"
		"Exit status: 0 written, 1 the checkpoint, the log or a tile in place does\n"
		"not hold, 2 could not run.\n",
		usage_line);
}

int
cmd_tiles(int argc, char **argv)
{
	static const struct option options[] = {
		{"out", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	endorse_tiles_outcome outcome;
	const char *out = NULL;
	int c, rc;

	while ((c = getopt_long(argc, argv, "C:h", options, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (cli_chdir(optarg) != 0)
				return EXIT_TROUBLE;
			break;
		case 'o': out = optarg; break;
		case 'h': help(); return EXIT_VALID;
		default: return cli_usage(usage_line);
		}
	}
	if (optind != argc || out == NULL)
		return cli_usage(usage_line);
	rc = endorse_tiles_write(&outcome, cli_log_root(), out);
	if (rc != 0)
		return cli_library_error(rc);
	printf("wrote the tiles of the checkpoint's %llu entr%s to ", (unsigned long long)outcome.size,
		outcome.size == 1 ? "y" : "ies");
	cli_print_safe(stdout, out);
	printf(": %zu file%s written, %zu tile%s already in place\n", outcome.written,
		outcome.written == 1 ? "" : "s", outcome.kept, outcome.kept == 1 ? "" : "s");
	return EXIT_VALID;
}
