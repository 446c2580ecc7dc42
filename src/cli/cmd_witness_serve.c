/* endorse witness serve: a placeholder on this branch (the server is
 * built on another one, which replaces this file). */
#include <stdio.h>

#include "cli.h"

int
cmd_witness_serve(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "witness serve: not built on this branch\n");
	return 2;
}
