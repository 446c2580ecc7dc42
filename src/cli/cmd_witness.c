/* endorse witness: a witness over HTTP (C2SP tlog-witness). */
#include <string.h>

#include "cli.h"
#include "util.h"

int
cmd_witness(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "serve") == 0)
		return cmd_witness_serve(argc - 1, argv + 1);
	fprintf(stderr, "usage: endorse witness serve [OPTIONS]\n");
	return EXIT_TROUBLE;
}
