/* Writing a log as C2SP tlog-tiles (endorse tiles): the checkpoint read and
 * checked under the policy, one pass over its lines for the leaf hashes
 * (which must make the checkpoint's root), the hash tiles level by level
 * (tile.c), a second pass for the entry bundles, and the checkpoint last, so
 * that a reader never finds a checkpoint whose tiles are missing. Tiles are
 * immutable: one already in place is compared, never written again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "array.h"
#include "checkpoint_log.h"
#include "error.h"
#include "file.h"
#include "prepare.h"
#include "replay.h"
#include "tile.h"

struct tiles {
	const char *out_dir;
	endorse_tiles_outcome *outcome;
	uint8_t (*leaves)[32];
	uint64_t size, count;   /* the checkpoint's size; lines read */
	uint8_t *bundle;        /* the entry bundle being made */
	size_t bundle_len, bundle_cap, bundle_entries;
};

/* Puts one tile (or bundle) at out_dir/rel: written if absent, else it must
 * hold exactly data. */
static int
put(struct tiles *t, const char *rel, const void *data, size_t len)
{
	char *path = endorse_path_join(t->out_dir, rel), *have = NULL;
	char parent[ENDORSE_TILE_PATH_MAX];
	size_t have_len = 0;
	int rc, fd = -1;

	if (path == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	rc = endorse_file_read(&have, &have_len, path, len + 1);
	if (rc == 0) {
		if (have_len != len || sodium_memcmp(have, data, len) != 0)
			rc = endorse_error_set(ENDORSE_EINVALID, NULL, "%s holds other bytes than this "
				"log's: the directory holds the tiles of another log, or of a history that "
				"was rewritten; a tile never changes, so nothing is replaced", path);
		else
			t->outcome->kept++;
		goto out;
	}
	if (rc != ENDORSE_ENOTFOUND)
		goto out;
	/* the directories of rel, made without following a symbolic link */
	(void)snprintf(parent, sizeof(parent), "%.*s", (int)(strrchr(rel, '/') - rel), rel);
	if ((rc = endorse_dir_open(&fd, t->out_dir, parent, true, 0755)) == 0 &&
	    (rc = endorse_file_write_atomic(path, data, len, 0644, true)) == 0)
		t->outcome->written++;
out:
	if (fd >= 0)
		close(fd);
	free(have);
	free(path);
	return rc;
}

/* A line longer than an entry bundle's uint16 length can say (SPEC.md
 * 1.1 forbids it; the replay keeps the text of some such lines, not all). */
static int
too_long(uint64_t count)
{
	return endorse_error_set(ENDORSE_EINVALID, NULL, "line %llu of the log is longer than %d "
		"bytes: no entry bundle can hold it; run 'endorse verify'",
		(unsigned long long)count + 1, ENDORSE_MAX_LINE);
}

/* The leaf hashes of the checkpoint's lines, read as they come. */
static int
hash_line(void *ctx, endorse_prepared *line, bool batch_end)
{
	struct tiles *t = ctx;

	(void)batch_end;
	if (t->count == t->size)
		return 1;
	if (line->text == NULL || line->len > ENDORSE_MAX_LINE)
		return too_long(t->count);
	endorse_merkle_leaf_hash(t->leaves[t->count++], (const uint8_t *)line->text, line->len);
	return 0;
}

/* Every hash tile, level by level; each level's hashes made from the full
 * tiles of the level below. */
static int
put_hash_tiles(struct tiles *t)
{
	const uint8_t(*hashes)[32] = (const uint8_t(*)[32])t->leaves;
	uint8_t(*up)[32] = NULL;
	uint64_t count = t->size;
	char rel[ENDORSE_TILE_PATH_MAX];
	int rc = 0;

	for (int level = 0; rc == 0 && count > 0; level++) {
		for (uint64_t n = 0; rc == 0 && n * ENDORSE_TILE_WIDTH < count; n++) {
			uint64_t width = count - n * ENDORSE_TILE_WIDTH;
			if (width > ENDORSE_TILE_WIDTH)
				width = ENDORSE_TILE_WIDTH;
			if ((rc = endorse_tile_path(rel, level, n, (unsigned)width)) == 0)
				rc = put(t, rel, hashes[n * ENDORSE_TILE_WIDTH], (size_t)width * 32);
		}
		if (rc != 0 || count < ENDORSE_TILE_WIDTH)
			break;
		uint8_t(*next)[32] = malloc((size_t)(count / ENDORSE_TILE_WIDTH) * 32);
		if (next == NULL) {
			rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
			break;
		}
		endorse_tile_level_up(next, hashes, count);
		free(up);
		hashes = (const uint8_t(*)[32])(up = next);
		count /= ENDORSE_TILE_WIDTH;
	}
	free(up);
	return rc;
}

static int
put_bundle(struct tiles *t)
{
	char rel[ENDORSE_TILE_PATH_MAX];
	uint64_t first = t->count - t->bundle_entries;
	int rc = endorse_tile_path(rel, ENDORSE_TILE_ENTRIES, first / ENDORSE_TILE_WIDTH,
		(unsigned)t->bundle_entries);

	if (rc == 0)
		rc = put(t, rel, t->bundle, t->bundle_len);
	t->bundle_len = t->bundle_entries = 0;
	return rc;
}

/* The second pass: each line (still the one hashed in the first) into the
 * entry bundle of its tile, as a big-endian uint16 length and its bytes. */
static int
bundle_line(void *ctx, endorse_prepared *line, bool batch_end)
{
	struct tiles *t = ctx;
	uint8_t leaf[32];
	void *grown;

	(void)batch_end;
	if (t->count == t->size)
		return 1;
	if (line->text == NULL || line->len > ENDORSE_MAX_LINE)
		return too_long(t->count);
	endorse_merkle_leaf_hash(leaf, (const uint8_t *)line->text, line->len);
	if (sodium_memcmp(leaf, t->leaves[t->count], 32) != 0)
		return endorse_error_set(ENDORSE_EINVALID, NULL, "line %llu of the log changed while "
			"its tiles were written; run endorse tiles again",
			(unsigned long long)t->count + 1);
	grown = endorse_array_reserve(t->bundle, &t->bundle_cap, t->bundle_len + 2 + line->len, 1);
	if (grown == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	t->bundle = grown;
	t->bundle[t->bundle_len++] = (uint8_t)(line->len >> 8);
	t->bundle[t->bundle_len++] = (uint8_t)(line->len & 0xff);
	memcpy(t->bundle + t->bundle_len, line->text, line->len);
	t->bundle_len += line->len;
	t->count++;
	if (++t->bundle_entries == ENDORSE_TILE_WIDTH)
		return put_bundle(t);
	return 0;
}

/* The first pass: the leaf hashes, which must make the checkpoint's root. */
static int
read_leaves(struct tiles *t, const char *dir, const endorse_checkpoint *cp)
{
	uint8_t root[32];
	int rc;

	t->leaves = malloc(t->size > 0 ? (size_t)t->size * 32 : 1);
	if (t->leaves == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if ((rc = endorse_log_each_line(dir, hash_line, t)) != 0)
		return rc;
	endorse_merkle_root_of(root, (const uint8_t(*)[32])t->leaves, t->count);
	if (t->count < t->size || sodium_memcmp(root, cp->root, 32) != 0)
		return endorse_error_set(ENDORSE_EINVALID, NULL, "the log's first %llu lines are not "
			"the tree log/checkpoint signs; run 'endorse verify'",
			(unsigned long long)t->size);
	return 0;
}

int
endorse_tiles_write(endorse_tiles_outcome *out, const char *dir, const char *out_dir)
{
	endorse_checkpoint_result res = {0};
	struct tiles t = {.out_dir = out_dir, .outcome = out};
	char *note = NULL, *cp_path = NULL;
	size_t note_len = 0;
	int rc, fd = -1;

	memset(out, 0, sizeof(*out));
	if ((rc = endorse_checkpoint_read_checked(&res, &note, &note_len, NULL, dir)) != 0)
		goto done;
	out->size = t.size = res.checkpoint.size;
	if ((rc = read_leaves(&t, dir, &res.checkpoint)) != 0)
		goto done;
	/* out_dir itself, never where a link points */
	if ((rc = endorse_dir_open_path(&fd, out_dir, true, 0755)) != 0) {
		rc = endorse_error_wrap(rc, "cannot write the tiles into %s", out_dir);
		goto done;
	}
	if ((rc = put_hash_tiles(&t)) != 0)
		goto done;
	t.count = 0;
	rc = endorse_log_each_line(dir, bundle_line, &t);
	if (rc == 0 && t.bundle_entries > 0)
		rc = put_bundle(&t);
	if (rc == 0 && t.count < t.size)
		rc = endorse_error_set(ENDORSE_EINVALID, NULL, "the log lost lines while its tiles "
			"were written; run 'endorse verify'");
	if (rc == 0 && (cp_path = endorse_path_join(out_dir, "checkpoint")) == NULL)
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if (rc == 0 && (rc = endorse_file_write_atomic(cp_path, note, note_len, 0644, false)) == 0)
		out->written++;
done:
	if (fd >= 0)
		close(fd);
	endorse_checkpoint_result_clear(&res);
	free(t.leaves);
	free(t.bundle);
	free(note);
	free(cp_path);
	return rc;
}
