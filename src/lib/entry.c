/* Parsing a log line: json.c decodes it, statement.c checks its values.
 * Composed here so that the JSON layer does not call back into the rules
 * above it. */
#include <string.h>

#include "entry.h"
#include "error.h"
#include "statement.h"
#include "json.h"

static int
parse_entry(endorse_entry *out, const char *line, size_t len, bool full, endorse_points *points)
{
	bool failed = endorse_entry_decode(out, line, len, full) != 0 ||
		endorse_statement_check_values(out, full, points) != 0;

	if (!failed && out->has_new_sig != (out->statement.type == ENDORSE_ROTATE)) {
		endorse_error_set(ENDORSE_EINVALID, "member", out->has_new_sig
			? "new_sig is only allowed in rotate entries" : "a rotate entry needs new_sig");
		failed = true;
	}
	if (!failed)
		return 0;
	endorse_entry_clear(out);
	return ENDORSE_EINVALID;
}

int
endorse_entry_parse(endorse_entry *out, const char *line, size_t len)
{
	return endorse_entry_parse_checked(out, line, len, true);
}

int
endorse_entry_parse_checked(endorse_entry *out, const char *line, size_t len, bool full)
{
	return parse_entry(out, line, len, full, NULL);
}

int
endorse_entry_parse_points(endorse_entry *out, const char *line, size_t len,
	endorse_points *points)
{
	return parse_entry(out, line, len, true, points);
}
