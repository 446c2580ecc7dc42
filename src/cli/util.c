/* Helpers shared by the commands: errors, safe printing, files, numbers, the
 * log's root. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "util.h"

void
cli_report_completed(const char completed[41])
{
	if (completed[0] != '\0')
		fprintf(stderr, "endorse: note: an earlier write had been interrupted after it wrote "
			"its files; it is now committed as %.12s\n", completed);
}

int
cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("endorse: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_TROUBLE;
}

int
cli_library_error(int rc)
{
	fputs("endorse: ", stderr);
	cli_print_safe(stderr, endorse_error_last());
	fputc('\n', stderr);
	return rc == ENDORSE_EINVALID ? EXIT_INVALID : EXIT_TROUBLE;
}

int
cli_usage(const char *usage)
{
	fprintf(stderr, "usage: %s\nRun the command with --help for details.\n", usage);
	return EXIT_TROUBLE;
}

static bool
is_unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||     /* C0, DEL, C1 */
		cp == 0x200b ||                              /* zero width space (below) */
		(cp >= 0x200e && cp <= 0x200f) ||            /* LRM, RLM */
		(cp >= 0x202a && cp <= 0x202e) ||            /* embeddings, overrides */
		(cp >= 0x2066 && cp <= 0x2069) ||            /* isolates */
		cp == 0x061c;                                /* Arabic letter mark */
}

/* What the GitHub Actions runner trims before it looks for "::" (.NET's
 * char.IsWhiteSpace, less the controls, which are '?' by then). */
static bool
is_runner_space(uint32_t cp)
{
	return cp == 0x20 || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
		cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

#define ZWSP "\xe2\x80\x8b"

/* The runner of GitHub Actions takes "##[" anywhere in a line of a step's
 * output, and "::" at its start (after white space), as a workflow command
 * (add-mask, stop-commands, error...). With workflow, a U+200B is put inside
 * each "##[" and each leading "::" (also after U+2028 or U+2029, in case a
 * reader breaks lines there): the text stays readable and runs nothing.
 * U+200B itself is unsafe, so an inserted one is never the text's own. */
static char *
safe_copy(const char *s, bool workflow)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	const unsigned char *end = p + len;
	/* at most one insertion (3 bytes) after each code point */
	char *out = len < SIZE_MAX / 4 ? malloc(4 * len + 1) : NULL, *o = out;
	bool lead = true;

	if (out == NULL)
		return NULL;
	while (*p) {
		uint32_t cp;
		size_t n = endorse_utf8_decode(&cp, p, (size_t)(end - p));
		if (n == 0 || is_unsafe(cp)) {
			*o++ = '?';
			p += n ? n : 1;
			lead = false;
			continue;
		}
		memcpy(o, p, n);
		o += n;
		if (workflow && ((lead && p[0] == ':' && p[1] == ':') ||
				 cli_opens_command((const char *)p))) {
			memcpy(o, ZWSP, 3);
			o += 3;
		}
		lead = (lead && is_runner_space(cp)) || cp == 0x2028 || cp == 0x2029;
		p += n;
	}
	*o = '\0';
	return out;
}

char *
cli_safe_strdup(const char *s)
{
	return safe_copy(s, true);
}

char *
cli_safe_strdup_data(const char *s)
{
	return safe_copy(s, false);
}

void
cli_print_safe(FILE *f, const char *s)
{
	char *safe = cli_safe_strdup(s);

	fputs(safe != NULL ? safe : "?", f);
	free(safe);
}

bool
cli_opens_command(const char *p)
{
	return p[0] == '#' && p[1] == '#' && p[2] == '[';
}

/* s as a JSON string literal with its quotes (escaped by jansson), malloc'd. */
static char *
json_quote(const char *s)
{
	json_t *v = json_string(s);
	char *out = v == NULL ? NULL : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

	json_decref(v);
	return out;
}

void
cli_print_json_string(FILE *f, const char *s)
{
	char *safe = cli_safe_strdup_data(s), *q = safe ? json_quote(safe) : NULL;

	/* '#' is never part of JSON's syntax or of an escape: any in q is a
	 * character of a string, and \u0023 is the same character. */
	for (const char *p = q != NULL ? q : "\"\""; *p; p++) {
		if (cli_opens_command(p))
			fputs("\\u0023", f);
		else
			fputc(*p, f);
	}
	free(q);
	free(safe);
}

int
cli_finish(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "endorse: cannot write the output: %s\n", strerror(errno));
		return EXIT_TROUBLE;
	}
	return code;
}

char *
cli_xdg_dir(const char *variable, const char *under_home)
{
	const char *xdg = getenv(variable), *home = getenv("HOME");
	char *base;
	size_t n;

	/* Sized to fit: a truncated directory would be some other directory. */
	if (xdg != NULL && xdg[0] == '/') {
		n = strlen(xdg) + sizeof("/endorse");
		if ((base = malloc(n)) != NULL)
			(void)snprintf(base, n, "%s/endorse", xdg);
	} else if (home != NULL && home[0] != '\0') {
		n = strlen(home) + strlen(under_home) + sizeof("//endorse");
		if ((base = malloc(n)) != NULL)
			(void)snprintf(base, n, "%s/%s/endorse", home, under_home);
	} else {
		return NULL;
	}
	return base;
}

int
cli_read_file(char **out, size_t *len, const char *path, size_t max)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 0, n = 0;
	char *buf = NULL;

	*out = NULL;
	if (fd < 0)
		return cli_error("%s: %s", path, strerror(errno));
	for (;;) {
		ssize_t r;
		/* room for 4 KiB more and the NUL; past max + 1, the file is refused */
		char *grown = n > max ? NULL : cli_reserve(buf, &cap, n + 4096 + 1, 1);
		if (grown == NULL) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = grown;
		r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r < 0) {
				free(buf);
				buf = NULL;
			}
			break;
		}
		n += (size_t)r;
	}
	if (fd > 0)
		close(fd);
	if (buf == NULL || n > max)
		return free(buf), cli_error("%s: cannot read, or larger than %zu bytes", path, max);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int
cli_read_vkey(endorse_vkey *out, const char *option, const char *arg)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (endorse_vkey_parse(out, arg, strlen(arg)) == 0)
		return 0;
	if (access(arg, F_OK) != 0)
		return cli_error("%s '%s' is neither a valid vkey (%s) nor a file", option, arg,
			endorse_error_last());
	if (cli_read_file(&text, &len, arg, ENDORSE_VKEY_MAX + 1) != 0)
		return EXIT_TROUBLE;
	if (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	rc = endorse_vkey_parse(out, text, len);
	free(text);
	if (rc != 0) {
		fprintf(stderr, "endorse: %s: ", arg);
		cli_print_safe(stderr, endorse_error_last());
		fputc('\n', stderr);
		return EXIT_TROUBLE;
	}
	return 0;
}

int
cli_sha256_file(char out[65], const char *path)
{
	crypto_hash_sha256_state st;
	uint8_t buf[1 << 16], digest[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return cli_error("%s: %s", path, strerror(errno));
	crypto_hash_sha256_init(&st);
	while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			crypto_hash_sha256_update(&st, buf, (size_t)n);
	close(fd);
	if (n < 0)
		return cli_error("%s: read failed: %s", path, strerror(errno));
	crypto_hash_sha256_final(&st, digest);
	sodium_bin2hex(out, 65, digest, sizeof(digest));
	return 0;
}

void
cli_print_problem(void *ctx, const endorse_problem *p)
{
	(void)ctx;
	cli_print_safe(stderr, p->file);
	if (p->line > 0)
		fprintf(stderr, ":%llu", (unsigned long long)p->line);
	fprintf(stderr, ": %s: ", p->rule);
	cli_print_safe(stderr, p->message);
	if (p->commit != NULL) {
		fprintf(stderr, " (commit %.12s by ", p->commit);
		cli_print_safe(stderr, p->author != NULL ? p->author : "?");
		fputc(')', stderr);
	}
	fputc('\n', stderr);
}

static bool root_named; /* -C was given: the log is there, not above */

int
cli_chdir(const char *dir)
{
	if (chdir(dir) != 0)
		return cli_error("cannot change to %s: %s", dir, strerror(errno));
	root_named = true;
	return 0;
}

/* Whether DIR/keys/policy is there (a file or anything else: a log whose
 * policy is broken is still the log the user is in). */
static bool
holds_policy(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	(void)snprintf(path, sizeof(path), "%s/keys/policy", dir);
	return lstat(path, &st) == 0;
}

/* Whether DIR is the file system's root (its parent is itself). */
static bool
is_top(const char *dir)
{
	char parent[PATH_MAX];
	struct stat here, up;

	(void)snprintf(parent, sizeof(parent), "%s/..", dir);
	return stat(dir, &here) != 0 || stat(parent, &up) != 0 ||
		(here.st_dev == up.st_dev && here.st_ino == up.st_ino);
}

const char *
cli_log_root(void)
{
	/* "..", "../..", ...: 3 bytes a level, well within the buffer */
	static char root[3 * 256];
	size_t len = 0;

	if (root[0] != '\0')
		return root;
	(void)snprintf(root, sizeof(root), ".");
	if (root_named || holds_policy("."))
		return root;
	for (int level = 1; level < 256 && !is_top(root); level++) {
		len += (size_t)snprintf(root + len, sizeof(root) - len, "%s..", len == 0 ? "" : "/");
		if (holds_policy(root))
			return root;
	}
	(void)snprintf(root, sizeof(root), ".");
	return root;
}

const char *
cli_root_path(char *out, size_t size, const char *rel)
{
	if (strcmp(cli_log_root(), ".") == 0)
		(void)snprintf(out, size, "%s", rel);
	else
		(void)snprintf(out, size, "%s/%s", cli_log_root(), rel);
	return out;
}

int
cli_load_policy(endorse_policy **out)
{
	char path[PATH_MAX];

	return endorse_policy_load(out, cli_root_path(path, sizeof(path), ENDORSE_POLICY_PATH));
}

void
cli_state_root(char out[45], const endorse_state *state)
{
	uint8_t root[32];

	if (endorse_state_root(state, root))
		sodium_bin2base64(out, 45, root, sizeof(root), sodium_base64_VARIANT_ORIGINAL);
	else
		out[0] = '\0';
}

char *
cli_strdup_or_null(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

void *
cli_reserve(void *items, size_t *cap, size_t need, size_t size)
{
	size_t room = *cap > 0 ? *cap : 1;
	void *grown;

	if (need <= *cap)
		return items;
	while (room < need && room <= SIZE_MAX / 2)
		room *= 2;
	if (room < need || size == 0 || room > SIZE_MAX / size ||
	    (grown = realloc(items, room * size)) == NULL)
		return NULL;
	*cap = room;
	return grown;
}

bool
cli_parse_u64(uint64_t *out, const char *s, uint64_t max)
{
	return endorse_parse_decimal(out, s, strlen(s), max);
}

/* GitHub Actions workflow commands: percent-encoding keeps a hostile value
 * from ending the command or adding properties. */
void
cli_print_github_escaped(const char *s, bool property)
{
	char *safe = cli_safe_strdup(s);

	for (const char *p = safe ? safe : ""; *p; p++) {
		if (*p == '%')
			fputs("%25", stdout);
		else if (property && *p == ':')
			fputs("%3A", stdout);
		else if (property && *p == ',')
			fputs("%2C", stdout);
		else
			putchar(*p);
	}
	free(safe);
}

const char *
cli_confirm_place(const char *method)
{
	return strcmp(method, "dns") == 0 ? "in the domain's DNS (dns)"
		: "on the domain's website (https)";
}
