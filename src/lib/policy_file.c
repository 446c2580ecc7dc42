/* keys/policy read from a file: the I/O around policy.c's parser. */
#include <stdlib.h>

#include "file.h"
#include "policy.h"

int
endorse_policy_load(endorse_policy **out, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	int rc = endorse_file_read(&text, &len, path, ENDORSE_POLICY_MAX);

	*out = NULL;
	if (rc == 0)
		rc = endorse_policy_parse(out, text, len);
	free(text);
	return rc;
}
