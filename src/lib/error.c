/* The last error of each thread (error.h), as libgit2's git_error_last. */
#include <stdio.h>
#include <stdarg.h>
#include <string.h>

#include <sodium.h>

#include "error.h"

static _Thread_local char last_message[1024] = "no error";
static _Thread_local endorse_error_info last = { 0, NULL, NULL, 0, NULL };

const endorse_error_info *
endorse_error_get(void)
{
	last.message = last_message;
	return &last;
}

const char *
endorse_error_last(void)
{
	return last_message;
}

void
endorse_error_record(int code, const char *rule, const char *fmt, va_list ap)
{
	(void)vsnprintf(last_message, sizeof(last_message), fmt, ap);
	last.code = code;
	last.rule = rule;
	last.file = NULL;
	last.line = 0;
}

/* Puts prefix and ": " before the last message. */
static void
wrap_message(const char *prefix)
{
	char previous[sizeof(last_message)];

	(void)snprintf(previous, sizeof(previous), "%s", last_message);
	/* Truncation is fine: the message only has to stay readable. */
	size_t n = strlen(prefix);
	memcpy(last_message, prefix, n);
	memcpy(last_message + n, ": ", 2);
	n += 2;
	for (const char *p = previous; *p && n + 1 < sizeof(last_message); p++)
		last_message[n++] = *p;
	last_message[n] = '\0';
}

void
endorse_error_record_wrap(int code, const char *fmt, va_list ap)
{
	char prefix[512];

	(void)vsnprintf(prefix, sizeof(prefix), fmt, ap);
	wrap_message(prefix);
	last.code = code;
}

void
endorse_error_at(const char *file, uint64_t line)
{
	last.file = file;
	last.line = line;
}

void
endorse_error_save(endorse_error_saved *out)
{
	out->code = last.code;
	out->rule = last.rule;
	/* a longer message is cut (line rules' messages are short) */
	size_t n = strnlen(last_message, sizeof(out->message) - 1);
	memcpy(out->message, last_message, n);
	out->message[n] = '\0';
}

int
endorse_error_restore(const endorse_error_saved *saved)
{
	(void)snprintf(last_message, sizeof(last_message), "%s", saved->message);
	last.code = saved->code;
	last.rule = saved->rule;
	last.file = NULL;
	last.line = 0;
	return saved->code;
}

void
endorse_error_format(int code, const char *rule, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	endorse_error_record(code, rule, fmt, ap);
	va_end(ap);
}

void
endorse_error_format_wrap(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	endorse_error_record_wrap(code, fmt, ap);
	va_end(ap);
}

int
endorse_error_rule(const char *name, int rc)
{
	last.rule = name;
	return rc;
}
