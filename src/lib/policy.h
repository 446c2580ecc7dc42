/* policy.c: the library-internal declarations of its module. */
#ifndef ENDORSE_POLICY_H
#define ENDORSE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "endorse.h"
#include "error.h"

#define ENDORSE_POLICY_MAX (1u << 20)

/* policy.c: as endorse_policy_parse, with the failing line (0: the whole
 * file) in line_no and the rule in the error record. */
int endorse_policy_parse_at(endorse_policy **out, const char *text, size_t len,
	uint64_t *line_no);

/* A witness URL of keys/policy: http:// or https://, a host, printable
 * ASCII without spaces, '?' or '#', at most ENDORSE_POLICY_URL_MAX bytes. */
#define ENDORSE_POLICY_URL_MAX 1024
bool endorse_policy_url_valid(const char *url);

#endif
