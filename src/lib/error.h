/* The library's one error channel, libgit2's model: a function that fails
 * returns a negative ENDORSE_E* code and leaves one record in its thread
 * saying what happened: the code, the rule an input broke (SPEC.md's short
 * name, or NULL), where (file and line, when known) and a message.
 * endorse_error_get() (endorse.h) reads it. */
#ifndef ENDORSE_ERROR_H
#define ENDORSE_ERROR_H

#include <stdarg.h>
#include <stdint.h>

#include "endorse.h"

#if defined(__GNUC__)
#define ENDORSE_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define ENDORSE_PRINTF(a, b)
#endif

/* Records code, rule (a static string or NULL) and the message; clears the
 * place (endorse_error_at sets it). */
void endorse_error_record(int code, const char *rule, const char *fmt, va_list ap)
	ENDORSE_PRINTF(3, 0);
/* The same, keeping the last message after the new one: "new: last". */
void endorse_error_record_wrap(int code, const char *fmt, va_list ap) ENDORSE_PRINTF(2, 0);

/* Records the error (code, rule, message). */
void endorse_error_format(int code, const char *rule, const char *fmt, ...) ENDORSE_PRINTF(3, 4);
/* The same, keeping the last message after the new one: "new: last" (the
 * rule and the place are kept). */
void endorse_error_format_wrap(int code, const char *fmt, ...) ENDORSE_PRINTF(2, 3);

/* What a function that fails returns: endorse_error_set(code, rule, fmt,
 * ...) records the error and is code. Macros, so that the compiler and the
 * static analyzers see where a failure is raised that the value returned
 * is code (a variadic function is never inlined, and they read one file at
 * a time). code is evaluated twice: a constant or a variable. */
static inline int
endorse_error_code(int code)
{
	return code; /* a call, so that a statement may drop the value */
}
#define endorse_error_set(code, rule, ...) \
	(endorse_error_format((code), (rule), __VA_ARGS__), endorse_error_code(code))
#define endorse_error_wrap(code, ...) \
	(endorse_error_format_wrap((code), __VA_ARGS__), endorse_error_code(code))

/* Names the rule of the last error (an input broke it) and returns rc. */
int endorse_error_rule(const char *rule, int rc);

/* Where the last error is: file (a static string or one that outlives the
 * record's reader) and line (0: the whole file). */
void endorse_error_at(const char *file, uint64_t line);

/* A copy of the record, to carry it from a worker thread to the thread that
 * reports it (prepare.c). */
typedef struct endorse_error_saved {
	int code;
	const char *rule;
	char message[512];
} endorse_error_saved;
void endorse_error_save(endorse_error_saved *out);
/* Makes the saved record the thread's last error; returns its code. */
int endorse_error_restore(const endorse_error_saved *saved);

/* points.c: a memo of the public keys that are points of prime order,
 * safe to share between threads. */
typedef struct endorse_points endorse_points;

#endif
