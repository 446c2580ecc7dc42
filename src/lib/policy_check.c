/* policy_check.h: keys/policy, parsed, its problems reported. */
#include <string.h>

#include "error.h"
#include "policy.h"
#include "report.h"
#include "policy_check.h"

/* The number of the policy's "log" line (1-based; 0 if none). */
static uint64_t
log_line(const char *text, size_t len)
{
	uint64_t n = 1;

	for (size_t i = 0; i < len; n++) {
		if (len - i >= 4 && memcmp(text + i, "log ", 4) == 0)
			return n;
		const char *lf = memchr(text + i, '\n', len - i);
		if (lf == NULL)
			break;
		i = (size_t)(lf - text) + 1;
	}
	return 0;
}

int
endorse_policy_check(endorse_policy **out, const char *text, size_t len, endorse_reporter *r)
{
	uint64_t line = 0;
	int rc = endorse_policy_parse_at(out, text, len, &line);
	const endorse_vkey *want = r->opt != NULL ? r->opt->log_key : NULL;

	if (rc == ENDORSE_EINVALID) {
		endorse_report_error(r, ENDORSE_POLICY_PATH, line);
	} else if (rc == 0 && want != NULL && !endorse_vkey_equal(endorse_policy_log_key(*out), want)) {
		char got[ENDORSE_VKEY_MAX], pinned[ENDORSE_VKEY_MAX];
		endorse_vkey_format(got, endorse_policy_log_key(*out));
		endorse_vkey_format(pinned, want);
		/* Reported, not fatal: the rest is checked as usual, so that every
		 * problem is named; the log still fails. */
		endorse_report(r, ENDORSE_POLICY_PATH, log_line(text, len), "log-key",
			"the log key is %s, not the one given (%s): this is another log, or a copy "
			"made with another key", got, pinned);
	}
	return rc;
}
