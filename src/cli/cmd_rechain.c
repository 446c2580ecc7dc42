/* endorse rechain: move this branch's new entries after another branch's. */
#include <getopt.h>

#include "cli.h"
#include "util.h"

static const char usage_line[] = "endorse rechain [-C DIR] --onto REV";

int
cmd_rechain(int argc, char **argv)
{
	static const struct option options[] = {
		{"onto", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *onto = NULL;
	char commit[41];
	uint64_t moved = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "C:h", options, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (cli_chdir(optarg) != 0)
				return EXIT_TROUBLE;
			break;
		case 'o': onto = optarg; break;
		case 'h':
			printf("usage: %s\n\n"
				"When two pull requests append to the log from the same base, the one\n"
				"merged second no longer extends the log. Run on its branch (clean work\n"
				"tree) after fetching: the branch's own new entries (the lines of its log\n"
				"that REV's lacks) are appended after REV's log with new seq and prev\n"
				"(statements and signatures unchanged; no secret key is needed),\n"
				"keys/orgs is updated, and one commit is made whose first parent is REV\n"
				"and second parent the branch's previous HEAD, so the branch merges into\n"
				"REV without conflict and `verify --base REV` passes.\n"
				"The branch may change nothing but the log and keys/orgs.\n\n"
				"It also repairs a branch on which REV was merged with both sides' lines\n"
				"kept in the log (a merge by hand, or GitHub's \"Resolve conflicts\"\n"
				"button): the lines REV's log lacks are the branch's entries, and move;\n"
				"the second parent is then a commit on HEAD holding the new log, so that\n"
				"verify --history passes and a plain git push still updates the branch.\n"
				"It refuses a branch whose log lost or changed a line it had in common\n"
				"with REV: that is an edit, not a merge.\n\n"
				"  -C DIR                     run as if started in DIR (like git -C)\n"
				"      --onto REV             the updated target, e.g. origin/main\n",
				usage_line);
			return EXIT_VALID;
		default: return cli_usage(usage_line);
		}
	}
	if (optind != argc || onto == NULL)
		return cli_usage(usage_line);
	rc = endorse_rechain(cli_log_root(), onto, &moved, commit);
	if (rc != 0)
		return cli_library_error(rc);
	printf("re-chained %llu entr%s onto %s; committed %.12s\n", (unsigned long long)moved,
		moved == 1 ? "y" : "ies", onto, commit);
	return EXIT_VALID;
}
