/* keys/policy as a file of a log being verified (policy_check.c). */
#ifndef ENDORSE_POLICY_CHECK_H
#define ENDORSE_POLICY_CHECK_H

#include <stddef.h>

#include "endorse.h"
#include "report.h"

/* Parses keys/policy, reporting a problem with its line when it is invalid
 * (its rule), or when its log key is not the one the caller gave
 * (r->opt->log_key; rule log-key: reported, not fatal). */
int endorse_policy_check(endorse_policy **out, const char *text, size_t len, endorse_reporter *r);

#endif
