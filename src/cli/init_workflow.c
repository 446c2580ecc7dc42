/* The CI workflow endorse init writes (.github/workflows/endorse.yml): the
 * template src/cli/workflow.yml, compiled in, with the log key and the
 * GitHub Action pinned by commit put in place of @LOG_KEY@ and @ACTION@. */
#include <stdlib.h>
#include <string.h>

#include "cli_config.h"
#include "init_workflow.h"
#include "util.h"
#include "workflow_template.h"

const char *
init_workflow_built_action(void)
{
	return ENDORSE_ACTION[0] != '\0' ? ENDORSE_ACTION : NULL;
}

static bool
name_valid(const char *s, size_t n, const char *extra)
{
	if (n == 0 || n > 100)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr(extra, s[i]) != NULL))
			return false;
	return true;
}

bool
init_workflow_action_valid(const char *action, const char *from)
{
	const char *slash = strchr(action, '/');
	const char *at = strchr(action, '@');
	bool ok = slash != NULL && at != NULL && slash < at &&
		name_valid(action, (size_t)(slash - action), "-") &&
		name_valid(slash + 1, (size_t)(at - slash - 1), "-._") &&
		strlen(at + 1) == 40 && strspn(at + 1, "0123456789abcdef") == 40;

	if (!ok)
		cli_error("%s must read OWNER/REPO@COMMIT, the action's repository on GitHub and "
			"the full 40-hex commit to pin (a tag or a branch can be moved)", from);
	return ok;
}

/* The template with its marks replaced, written to out when not NULL;
 * returns the length (a first call with NULL measures). */
static size_t
expand(char *out, const char *key, const char *action)
{
	static const char key_mark[] = "@LOG_KEY@", action_mark[] = "@ACTION@";
	size_t len = 0;

	for (const char *p = workflow_template; *p != '\0';) {
		const char *text = p;
		size_t n = 1, skip = 1;

		if (strncmp(p, key_mark, sizeof(key_mark) - 1) == 0) {
			text = key, n = strlen(key), skip = sizeof(key_mark) - 1;
		} else if (strncmp(p, action_mark, sizeof(action_mark) - 1) == 0) {
			text = action, n = strlen(action), skip = sizeof(action_mark) - 1;
		}
		if (out != NULL)
			memcpy(out + len, text, n);
		len += n;
		p += skip;
	}
	return len;
}

char *
init_workflow_text(const char *action, const endorse_vkey *log_key)
{
	char key[ENDORSE_VKEY_MAX], *out;
	size_t len;

	endorse_vkey_format(key, log_key);
	/* single-quoted in the YAML: a quote or a line break would end it */
	if (strpbrk(key, "'\n\r") != NULL) {
		cli_error("the log key's text cannot be written in the workflow");
		return NULL;
	}
	len = expand(NULL, key, action);
	if ((out = malloc(len + 1)) == NULL) {
		cli_error("out of memory");
		return NULL;
	}
	expand(out, key, action);
	out[len] = '\0';
	return out;
}
