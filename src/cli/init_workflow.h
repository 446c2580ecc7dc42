/* init_workflow.c: the CI workflow endorse init writes beside a new log. */
#ifndef ENDORSE_CLI_INIT_WORKFLOW_H
#define ENDORSE_CLI_INIT_WORKFLOW_H

#include <stdbool.h>

#include "endorse.h"

#define INIT_WORKFLOW_PATH ".github/workflows/endorse.yml"

/* The action this endorse was built to pin (meson -Daction=…), or NULL. */
const char *init_workflow_built_action(void);
/* Whether action reads OWNER/REPO@COMMIT, COMMIT 40 lowercase hex digits:
 * a workflow pins its action by commit, never by a tag or a branch that
 * can be moved. Says why not (cli_error) when it does not. */
bool init_workflow_action_valid(const char *action, const char *from);
/* The workflow's text for a log whose log key is log_key, using action
 * (valid): malloc'd, or NULL (said) when out of memory or when the key's
 * text cannot be quoted in YAML. */
char *init_workflow_text(const char *action, const endorse_vkey *log_key);

#endif
