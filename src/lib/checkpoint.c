/* C2SP tlog-checkpoint: the note text "origin\nsize\nroot\n" signed by the
 * log key, and cosigned by witnesses; checked against a tlog-policy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "encoding.h"
#include "error.h"

#define CHECKPOINT_MAX_SIZE ((uint64_t)INT64_MAX)

int
endorse_checkpoint_parse(endorse_checkpoint *out, const char *text, size_t len)
{
	const char *lines[3], *p = text, *end = text + len;
	size_t lens[3];

	memset(out, 0, sizeof(*out));
	if (len == 0 || text[len - 1] != '\n')
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"a checkpoint's text must end with a newline");
	for (int i = 0; i < 3; i++) {
		const char *lf = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		if (lf == NULL)
			return endorse_error_set(ENDORSE_EINVALID, NULL,
				"a checkpoint needs an origin, a tree size and a root hash");
		lines[i] = p;
		lens[i] = (size_t)(lf - p);
		p = lf + 1;
	}
	if (lens[0] == 0 || lens[0] > ENDORSE_NAME_MAX || memchr(lines[0], '\0', lens[0]) != NULL)
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"a checkpoint's origin must be 1 to %d bytes",
			ENDORSE_NAME_MAX);
	memcpy(out->origin, lines[0], lens[0]);
	out->origin[lens[0]] = '\0';
	if (!endorse_parse_decimal(&out->size, lines[1], lens[1], CHECKPOINT_MAX_SIZE))
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"a checkpoint's tree size must be a decimal without leading zeros, at most 2^63-1");
	if (!endorse_base64_decode_exact(out->root, 32, lines[2], lens[2]))
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"a checkpoint's root hash must be canonical base64 of 32 bytes");
	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		if (lf == p)
			return endorse_error_set(ENDORSE_EINVALID, NULL,
				"a checkpoint's extension lines must not be empty");
		out->extension_lines++;
		p = lf + 1;
	}
	return 0;
}

int
endorse_checkpoint_format(char **out, size_t *len, const endorse_checkpoint *cp)
{
	char root[45];
	size_t n = strlen(cp->origin) + 21 + 45 + 3;

	endorse_base64_encode(root, sizeof(root), cp->root, 32);
	if ((*out = malloc(n)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	*len = (size_t)snprintf(*out, n, "%s\n%llu\n%s\n", cp->origin, (unsigned long long)cp->size,
		root);
	return 0;
}

void
endorse_checkpoint_result_clear(endorse_checkpoint_result *res)
{
	endorse_note_free(res->note);
	free(res->cosigned);
	free(res->times);
	memset(res, 0, sizeof(*res));
}

/* Verifies the signatures: the log key's must be there; every policy
 * witness's that is there must verify and not be dated in the future. */
static int
check_signatures(endorse_checkpoint_result *res, const endorse_policy *policy, uint64_t now)
{
	size_t w = endorse_policy_witness_count(policy);
	endorse_vkey *keys = calloc(w + 1, sizeof(*keys));
	bool *verified = calloc(w + 1, sizeof(bool));
	uint64_t *times = calloc(w + 1, sizeof(uint64_t));
	int rc = 0;

	res->cosigned = calloc(w + 1, sizeof(bool));
	res->times = calloc(w + 1, sizeof(uint64_t));
	if (keys == NULL || verified == NULL || times == NULL || res->cosigned == NULL ||
	    res->times == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	keys[0] = *endorse_policy_log_key(policy);
	if ((rc = endorse_note_verify(res->note, keys, 1, verified, NULL)) != 0) {
		rc = endorse_error_rule("checkpoint-signature",
			endorse_error_wrap(rc, "the checkpoint is not signed by the log key %s", keys[0].name));
		goto out;
	}
	for (size_t i = 0; i < w; i++)
		keys[i + 1] = *endorse_policy_witness_key(policy, i);
	if ((rc = endorse_note_verify(res->note, keys, w + 1, verified, times)) != 0) {
		rc = endorse_error_rule("cosignature", rc);
		goto out;
	}
	for (size_t i = 0; i < w; i++) {
		res->cosigned[i] = verified[i + 1];
		res->times[i] = times[i + 1];
		res->witnesses += verified[i + 1];
		if (verified[i + 1] && times[i + 1] > now + ENDORSE_COSIGNATURE_SKEW) {
			rc = endorse_error_rule("cosignature-time", endorse_error_set(ENDORSE_EINVALID, NULL,
				"the cosignature of witness %s is dated %llu, %llu seconds in the future",
				endorse_policy_witness_name(policy, i), (unsigned long long)times[i + 1],
				(unsigned long long)(times[i + 1] - now)));
			goto out;
		}
	}
	res->quorum = endorse_policy_quorum_met(policy, res->cosigned);
out:
	free(keys);
	free(verified);
	free(times);
	return rc;
}

int
endorse_checkpoint_check(endorse_checkpoint_result *res, const endorse_policy *policy,
	const char *note, size_t len, uint64_t now)
{
	const char *origin = endorse_policy_log_key(policy)->name;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = endorse_note_parse(&res->note, note, len)) != 0 ||
	    (rc = endorse_checkpoint_parse(&res->checkpoint, res->note->text,
		     res->note->text_len)) != 0)
		return endorse_error_rule("checkpoint", rc);
	if (res->checkpoint.extension_lines > 0)
		return endorse_error_rule("checkpoint", endorse_error_set(ENDORSE_EINVALID, NULL,
			"the checkpoint has extension lines, which endorse neither writes nor accepts"));
	if (strcmp(res->checkpoint.origin, origin) != 0)
		return endorse_error_rule("checkpoint-origin", endorse_error_set(ENDORSE_EINVALID, NULL,
			"the checkpoint's origin is not the log's origin %s", origin));
	return check_signatures(res, policy, now);
}
