/* A tiny harness for the unit tests: each executable has a table of named
 * cases; main runs the case named in argv[1] (or every case when run without
 * an argument, for debugging). A case returns 0 on success, 1 on failure
 * (after a CHECK printed file:line) or 77 to skip (after printing why).
 *
 * tests/unit/meson.build reads the CASE(...) lines of each table to register
 * one meson test per case, so every case must be listed on a line of its own
 * as "\tCASE(name),". */
#ifndef ENDORSE_TEST_HARNESS_H
#define ENDORSE_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endorse.h"

typedef struct test_case {
	const char *name;
	int (*fn)(void);
} test_case;

#define CASE(fn) { #fn, fn }

#define SKIP_CODE 77

#define CHECK(cond)                                                                       \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n  last error: %s\n",    \
				__FILE__, __LINE__, #cond, endorse_error_last());         \
			return 1;                                                         \
		}                                                                         \
	} while (0)

#define CHECK_MSG(cond, ...)                                                              \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n  ", __FILE__, __LINE__,   \
				#cond);                                                   \
			fprintf(stderr, __VA_ARGS__);                                     \
			fprintf(stderr, "\n");                                            \
			return 1;                                                         \
		}                                                                         \
	} while (0)

#define CHECK_INT(got, want)                                                              \
	do {                                                                              \
		long long got_ = (long long)(got), want_ = (long long)(want);             \
		if (got_ != want_) {                                                      \
			fprintf(stderr, "%s:%d: CHECK failed: %s == %s (got %lld, want %lld)\n" \
				"  last error: %s\n", __FILE__, __LINE__, #got, #want, got_,   \
				want_, endorse_error_last());                             \
			return 1;                                                         \
		}                                                                         \
	} while (0)

#define CHECK_STR(got, want)                                                              \
	do {                                                                              \
		const char *got_ = (got), *want_ = (want);                                \
		if (got_ == NULL || want_ == NULL || strcmp(got_, want_) != 0) {          \
			fprintf(stderr, "%s:%d: CHECK failed: %s == %s\n  got:  %s\n"     \
				"  want: %s\n", __FILE__, __LINE__, #got, #want,          \
				got_ ? got_ : "(null)", want_ ? want_ : "(null)");        \
			return 1;                                                         \
		}                                                                         \
	} while (0)

/* Runs a sub-check (a function returning 0 or 1) and fails the case with the
 * caller's line too. */
#define CHECK_OK(call)                                                                    \
	do {                                                                              \
		if ((call) != 0) {                                                        \
			fprintf(stderr, "%s:%d: ... in %s\n", __FILE__, __LINE__, #call); \
			return 1;                                                         \
		}                                                                         \
	} while (0)

#define SKIP(...)                                                                         \
	do {                                                                              \
		printf("SKIP: ");                                                         \
		printf(__VA_ARGS__);                                                      \
		printf("\n");                                                             \
		fflush(stdout);                                                           \
		return SKIP_CODE;                                                         \
	} while (0)

static inline int
harness_run(const test_case *cases, size_t n, int argc, char **argv)
{
	if (endorse_init() != 0) {
		fprintf(stderr, "endorse_init failed: %s\n", endorse_error_last());
		return 1;
	}
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", cases[i].name);
		return 0;
	}
	if (argc == 2) {
		for (size_t i = 0; i < n; i++)
			if (strcmp(cases[i].name, argv[1]) == 0) {
				int rc = cases[i].fn();
				if (rc == 0)
					printf("PASS: %s\n", cases[i].name);
				else if (rc != SKIP_CODE)
					printf("FAIL: %s\n", cases[i].name);
				return rc;
			}
		fprintf(stderr, "no test case named '%s'\n", argv[1]);
		return 1;
	}
	if (argc == 1) {
		int failed = 0;
		for (size_t i = 0; i < n; i++) {
			int rc = cases[i].fn();
			printf("%s: %s\n", rc == 0 ? "PASS" : rc == SKIP_CODE ? "SKIP" : "FAIL",
				cases[i].name);
			failed += rc != 0 && rc != SKIP_CODE;
		}
		return failed ? 1 : 0;
	}
	fprintf(stderr, "usage: %s [CASE | --list]\n", argv[0]);
	return 1;
}

#define HARNESS_MAIN(table)                                                               \
	int main(int argc, char **argv)                                                   \
	{                                                                                 \
		return harness_run(table, sizeof(table) / sizeof(table[0]), argc, argv);  \
	}

#endif
