/* Re-chaining a branch's new entries after another branch's were merged
 * (what moves is planned by rechain_plan.c). Signatures cover statements,
 * not seq or prev, so the entries move without any secret key; the
 * resulting commit has the target as its first parent, which keeps the
 * target's first-parent history append-only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "entry.h"
#include "error.h"
#include "rechain_plan.h"
#include "repo.h"
#include "state.h"
#include "storage.h"
#include "vkey.h"

/* Stages the pin of the organisation a moved line concerns, once. */
static int
put_pin(endorse_storage *s, const endorse_state *state, const char *org_id)
{
	const endorse_org *org = endorse_state_find_org(state, org_id);
	char *rel, text[ENDORSE_VKEY_MAX + 1];
	size_t n = strlen(org_id) + sizeof(ENDORSE_ORGS_DIR) + sizeof("/.vkey");
	int rc;

	if ((rel = malloc(n)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	(void)snprintf(rel, n, "%s/%s.vkey", ENDORSE_ORGS_DIR, org_id);
	if (org != NULL && org->has_key) {
		endorse_vkey_format_line(text, &org->key);
		rc = endorse_storage_put(s, rel, text, strlen(text));
	} else {
		rc = endorse_storage_remove(s, rel, NULL, 0);
	}
	free(rel);
	return rc;
}

/* Adds id to the organisations seen; false if it was there already. */
static int
see(char ***seen, size_t *n, size_t *cap, const char *id, bool *fresh)
{
	char **grown;

	*fresh = false;
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*seen)[i], id) == 0)
			return 0;
	if ((grown = endorse_array_reserve(*seen, cap, *n + 1, sizeof(**seen))) == NULL)
		return ENDORSE_ENOMEM;
	*seen = grown;
	if (((*seen)[*n] = strdup(id)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	(*n)++;
	*fresh = true;
	return 0;
}

/* The keys/orgs files of the organisations that the moved lines touch. */
static int
put_pins(endorse_storage *s, const endorse_state *state, const char *lines, size_t len)
{
	const char *p = lines, *end = lines + len;
	char **seen = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	while (rc == 0 && p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		endorse_entry e;
		bool fresh = false;

		if (endorse_entry_parse(&e, p, (size_t)(lf - p)) == 0 &&
		    e.statement.org_id != NULL &&
		    (rc = see(&seen, &n, &cap, e.statement.org_id, &fresh)) == 0 && fresh)
			rc = put_pin(s, state, e.statement.org_id);
		endorse_entry_clear(&e);
		p = lf + 1;
	}
	for (size_t i = 0; i < n; i++)
		free(seen[i]);
	free(seen);
	return rc;
}

int
endorse_rechain(const char *dir, const char *onto_rev, uint64_t *moved, char commit_hex[41])
{
	struct endorse_storage_options so = {dir, ENDORSE_STORAGE_REBASE, true, NULL, 0, NULL};
	struct endorse_rechain_plan plan = {0};
	enum endorse_storage_undo undo;
	endorse_storage *s = NULL;
	char message[256], bridge[256], completed[41];
	size_t from;
	int rc;

	*moved = 0;
	commit_hex[0] = '\0';
	if ((rc = endorse_storage_begin(&s, &so, completed)) != 0 ||
	    (rc = endorse_rechain_plan_make(&plan, endorse_storage_repo(s), onto_rev, NULL, false)) != 0)
		goto out;
	from = plan.at[2].len;
	if ((rc = endorse_storage_put(s, ENDORSE_LOG_PATH, plan.log, plan.len)) != 0 ||
	    (rc = put_pins(s, plan.state, plan.log + from, plan.len - from)) != 0)
		goto out;
	(void)snprintf(message, sizeof(message), "endorse: rechain %llu entr%s onto %.12s",
		(unsigned long long)plan.moved, plan.moved == 1 ? "y" : "ies", plan.onto.hex);
	(void)snprintf(bridge, sizeof(bridge), "endorse: rechain: replace the merged log (both "
		"sides' lines) by %.12s's and this branch's %llu entr%s", plan.onto.hex,
		(unsigned long long)plan.moved, plan.moved == 1 ? "y" : "ies");
	if (plan.bridge)
		endorse_storage_set_bridge(s, bridge);
	if ((rc = endorse_storage_commit(s, message, &plan.onto, &undo, commit_hex)) == 0)
		*moved = plan.moved;
out:
	endorse_rechain_plan_clear(&plan);
	endorse_storage_end(s);
	return rc;
}
