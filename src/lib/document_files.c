/* The repository's copies of its registered documents (endorse.h:
 * endorse_document_files_check). The log names no file (SPEC.md fixes the
 * bytes, not where they are kept), so a document's file is known by the
 * two conventions the tool itself follows: init and document mark each file
 * they register from inside the repository "/PATH -text" in .gitattributes,
 * and a document's URL may name a file of the site the repository builds
 * (https://HOST/PATH). A warning, not a rule: the log stays valid. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "document_files.h"
#include "encoding.h"
#include "error.h"
#include "file.h"

#define ATTRIBUTES_MAX (1 << 20)
#define DOCUMENT_MAX (64u << 20)

struct checker {
	const endorse_state *state;
	const char *dir;
	void (*on_mismatch)(void *ctx, const char *path, const char *message);
	void *ctx;
};

struct by_id {
	const char *id;
	size_t index;
};

/* Documents by id, then by position in the log. */
static int
compare_documents(const void *a, const void *b)
{
	const struct by_id *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c != 0 ? c : (x->index < y->index ? -1 : x->index > y->index);
}

/* The SHA-256 of dir/rel in hex; false when it is not a regular file that
 * can be read (then nothing to compare). */
static bool
hash_file(char hex[65], const char *dir, const char *rel)
{
	char *path = endorse_path_join(dir, rel), *data = NULL;
	uint8_t digest[32];
	struct stat st;
	size_t len = 0;
	bool ok = false;

	if (path != NULL && lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    endorse_file_read(&data, &len, path, DOCUMENT_MAX) == 0) {
		crypto_hash_sha256(digest, (const uint8_t *)data, len);
		endorse_hex_encode(hex, digest, 32);
		ok = true;
	}
	free(data);
	free(path);
	return ok;
}

/* A file .gitattributes marks as a registered document: it must hold one
 * registered version (one file per version is fine). */
static void
check_marked(const struct checker *c, const char *rel)
{
	char hex[65], message[512];

	if (!hash_file(hex, c->dir, rel) || endorse_state_find_document(c->state, hex) != NULL)
		return;
	(void)snprintf(message, sizeof(message), "holds no registered version of a document "
		"(sha256 %.12s…), though .gitattributes marks it as one registered: register it "
		"with 'endorse document', or restore what was registered (git restore %s)", hex, rel);
	c->on_mismatch(c->ctx, rel, message);
}

/* The file at the path of document id's URL must hold its newest version. */
static void
check_url(const struct checker *c, const endorse_document *newest)
{
	const char *url = newest->url, *path = strchr(url + strlen("https://"), '/');
	const endorse_document *held;
	char hex[65], message[640];

	if (strncmp(url, "https://", 8) != 0 || path == NULL || path[1] == '\0' ||
	    strpbrk(path, "?#") != NULL || strstr(path, "..") != NULL ||
	    !hash_file(hex, c->dir, path + 1) || strcmp(hex, newest->sha256) == 0)
		return;
	held = endorse_state_find_document(c->state, hex);
	if (held != NULL && strcmp(held->id, newest->id) == 0)
		(void)snprintf(message, sizeof(message), "the file at the path of %s's URL holds "
			"%s@%zu, not the newest registered version %s@%zu (sha256 %.12s…)", newest->id,
			held->id, endorse_state_document_version(c->state, held), newest->id,
			endorse_state_document_version(c->state, newest), newest->sha256);
	else
		(void)snprintf(message, sizeof(message), "the file at the path of %s's URL does "
			"not hold its newest registered version %s@%zu (sha256 %.12s…; the file's is "
			"%.12s…): register it with 'endorse document --id %s', or restore it (git "
			"restore %s)", newest->id, newest->id, endorse_state_document_version(c->state, newest),
			newest->sha256, hex, newest->id, path + 1);
	c->on_mismatch(c->ctx, path + 1, message);
}

/* Each "/PATH -text" line of dir/.gitattributes but keys/ and log/. */
static int
check_attributes(const struct checker *c)
{
	char *path = endorse_path_join(c->dir, ".gitattributes"), *text = NULL;
	size_t len = 0;
	int rc;

	if (path == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	rc = endorse_file_read(&text, &len, path, ATTRIBUTES_MAX);
	free(path);
	if (rc != 0)
		return rc == ENDORSE_ENOMEM ? rc : 0;
	for (char *line = text, *end; line < text + len; line = end + 1) {
		size_t n;

		if ((end = memchr(line, '\n', (size_t)(text + len - line))) == NULL)
			end = text + len;
		*end = '\0';
		n = strlen(line);
		if (n > 7 && line[0] == '/' && strcmp(line + n - 6, " -text") == 0) {
			line[n - 6] = '\0';
			if (strncmp(line, "/keys/", 6) != 0 && strncmp(line, "/log/", 5) != 0 &&
			    strpbrk(line, "*?[ \\") == NULL && strstr(line, "..") == NULL)
				check_marked(c, line + 1);
		}
	}
	free(text);
	return 0;
}

int
endorse_document_files_check(const endorse_state *state, const char *dir,
	void (*on_mismatch)(void *ctx, const char *path, const char *message), void *ctx)
{
	struct checker c = {state, dir, on_mismatch, ctx};
	size_t n = endorse_state_document_count(state);
	struct by_id *order = NULL;

	/* the newest version of each id: the last of its run, sorted by id */
	if (n > 0 && (order = calloc(n, sizeof(*order))) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++)
		order[i] = (struct by_id){endorse_state_document(state, i)->id, i};
	if (n > 0)
		qsort(order, n, sizeof(*order), compare_documents);
	for (size_t i = 0; i < n; i++)
		if (i + 1 == n || strcmp(order[i + 1].id, order[i].id) != 0)
			check_url(&c, endorse_state_document(state, order[i].index));
	free(order);
	return check_attributes(&c);
}
