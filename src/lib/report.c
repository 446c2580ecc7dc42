/* report.h: a problem, to the caller's on_problem. */
#include <stdarg.h>
#include <stdio.h>

#include "report.h"
#include "error.h"

static void
report(endorse_reporter *r, const char *file, uint64_t line, const char *rule,
	const char *message)
{
	endorse_problem p = {file, line, rule, message, r->commit, r->author};

	r->problems++;
	if (r->opt != NULL && r->opt->on_problem != NULL)
		r->opt->on_problem(r->opt->ctx, &p);
}

void
endorse_report_error(endorse_reporter *r, const char *file, uint64_t line)
{
	const endorse_error_info *e;

	endorse_error_at(file, line);
	e = endorse_error_get();
	report(r, file, line, e->rule, e->message);
}

void
endorse_report(endorse_reporter *r, const char *file, uint64_t line, const char *rule,
	const char *fmt, ...)
{
	char message[1024];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	report(r, file, line, rule, message);
}
