/* The last error of each thread, as libgit2's git_error_last. */
#include <stdio.h>
#include <stdarg.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

static _Thread_local char last_error[1024] = "no error";

const char *
endorse_error_last(void)
{
	return last_error;
}

int
(endorse_fail)(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return code;
}

int
(endorse_fail_wrap)(int code, const char *fmt, ...)
{
	char previous[sizeof(last_error)], prefix[512];
	va_list ap;

	(void)snprintf(previous, sizeof(previous), "%s", last_error);
	va_start(ap, fmt);
	(void)vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	/* Truncation is fine: the message only has to stay readable. */
	size_t n = strlen(prefix);
	memcpy(last_error, prefix, n);
	memcpy(last_error + n, ": ", 2);
	n += 2;
	for (const char *p = previous; *p && n + 1 < sizeof(last_error); p++)
		last_error[n++] = *p;
	last_error[n] = '\0';
	return code;
}

int
(endorse_diag_set)(endorse_diag *diag, const char *rule, const char *fmt, ...)
{
	va_list ap;

	diag->rule = rule;
	va_start(ap, fmt);
	(void)vsnprintf(diag->message, sizeof(diag->message), fmt, ap);
	va_end(ap);
	return ENDORSE_EINVALID;
}

int
endorse_init(void)
{
	if (sodium_init() < 0)
		return endorse_fail(ENDORSE_EIO, "cannot initialise libsodium");
	return endorse_https_init();  /* libcurl's global state, once, before any thread */
}

int
endorse_fail_rule(const char **rule, const char *name, int rc)
{
	if (rule != NULL)
		*rule = name;
	return rc;
}
